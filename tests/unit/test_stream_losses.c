/* The stream's accounts of what it lost: wrong stages, nulls, notes, bad records; and how far it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbuf.h"
#include "stream.h"
#include "testutil.h"

struct fixture {
	char dir[64];
	char *out;
	size_t outlen;
	FILE *f;
	struct sbuf reports;
	double fracs[64];
	int nfracs, summaries;
	struct stream s;
};

static void
on_report(void *ctx, const struct hk_err *e)
{
	struct fixture *fx = ctx;

	sbuf_addf(&fx->reports, "%s:%ld: %s\n", e->file, e->line, e->msg);
}

static void
on_progress(void *ctx, const struct stream *s)
{
	struct fixture *fx = ctx;

	if (fx->nfracs < 64)
		fx->fracs[fx->nfracs++] = stream_input_fraction(s);
}

static void
on_summary(void *ctx, const struct stream *s)
{
	struct fixture *fx = ctx;

	(void)s;
	fx->summaries++;
}

/* "bad..." ids fail, "note..." give nothing, the rest pass as they are. */
static void
work(const void *ctx, struct stream_item *it)
{
	const char *id = json_string_value(json_object_get(it->rec[0], "id"));

	(void)ctx;
	if (id && strncmp(id, "bad", 3) == 0) {
		err_set(&it->err, "%s: structure: is singular", id);
		it->status = STREAM_BAD;
	} else if (id && strncmp(id, "note", 4) == 0) {
		err_set(&it->err, "%s has no F sites", id);
		it->status = STREAM_NOTE;
	}
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	strcpy(fx->dir, "/tmp/test_stream_losses.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->f = open_memstream(&fx->out, &fx->outlen);
	stream_init(&fx->s, fx->f);
	fx->s.report = on_report;
	fx->s.progress = on_progress;
	fx->s.summary = on_summary;
	fx->s.hctx = fx;
	fx->s.work = work;
	fx->s.write_input = 1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	stream_release(&fx->s);
	fclose(fx->f);
	free(fx->out);
	sbuf_release(&fx->reports);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static char *
input(struct fixture *fx, const char *name, const char *text)
{
	char *path = malloc(strlen(fx->dir) + strlen(name) + 2);
	FILE *f;

	sprintf(path, "%s/%s", fx->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char *
output(struct fixture *fx)
{
	fflush(fx->f);
	return fx->out ? fx->out : "";
}

/* What came before is written; the wrong record is named; -k does not go past it. */
static void
wrong_stage_stops_even_with_keep_going(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "p.jsonl", "{\"id\":\"a\",\"iindex\":0}\n{\"id\":\"b\",\"structure\":{}}\n{\"id\":\"c\",\"iindex\":0}\n");
	char want[512];

	fx->s.reads = stage_reader("measure");
	fx->s.keep_going = 1;
	assert_int_equal(stream_run(&fx->s, 1, &p), 2);
	assert_string_equal(output(fx), "{\"id\":\"a\",\"iindex\":0}\n");
	snprintf(want, sizeof(want), "%s:2: a structure record (fetch-structures' output); "
	    "measure reads path records (find-paths' output)\n", p);
	assert_string_equal(fx->reports.s, want);
	assert_int_equal(fx->summaries, 0);
	free(p);
}

static void
records_of_no_known_stage_pass(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "p.jsonl", "{\"id\":\"a\"}\n");

	fx->s.reads = stage_reader("find-paths");
	assert_int_equal(stream_run(&fx->s, 1, &p), 0);
	assert_string_equal(output(fx), "{\"id\":\"a\"}\n");
	free(p);
}

static void
summary_counts_nulls_notes_and_bad_records(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "p.jsonl",
	    "{\"id\":\"a\",\"m\":{\"why\":{\"x\":\"no softBV parameters for F- with Sn2+\",\"y\":\"IDPP: failed\"}}}\n"
	    "{\"id\":\"b\",\"m\":{\"why\":{\"x\":\"no softBV parameters for F- with Pb2+\"}}}\n"
	    "{\"id\":\"c\",\"m\":{\"why\":{}}}\n"
	    "{\"id\":\"note1\"}\n{\"id\":\"note2\"}\n{\"id\":\"bad1\"}\n{oops\n{\"id\":\"d\"}\n");
	struct sbuf sb = SBUF_INIT;

	fx->s.reasons = "m.why";
	fx->s.keep_going = 1;
	assert_int_equal(stream_run(&fx->s, 1, &p), 1);
	assert_int_equal(fx->summaries, 1);
	assert_int_equal(stream_summary(&fx->s, &sb), 1);
	assert_string_equal(sb.s, "7 records; x null in 2 (no softBV parameters: 2), y null in 1 (IDPP: 1); "
	    "2 with no output (has no F sites: 2); skipped 1 bad record (structure: 1), 1 bad line (invalid JSON: 1)");
	sbuf_release(&sb);
	free(p);
}

static void
nothing_lost_says_so(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "p.jsonl", "{\"id\":\"a\",\"m\":{\"why\":{}}}\n{\"id\":\"b\"}\n");
	struct sbuf sb = SBUF_INIT;

	fx->s.reasons = "m.why";
	assert_int_equal(stream_run(&fx->s, 1, &p), 0);
	assert_int_equal(stream_summary(&fx->s, &sb), 0);
	assert_string_equal(sb.s, "2 records");
	sbuf_release(&sb);
	free(p);
}

/* Over two files, the part read grows to 1 and never goes back. */
static void
fraction_grows_over_the_files(void **state)
{
	struct fixture *fx = *state;
	struct sbuf text = SBUF_INIT;
	char *p[2];

	for (int k = 0; k < 20; k++)
		sbuf_addf(&text, "{\"id\":\"r%d\",\"pad\":\"%0200d\"}\n", k, k);
	p[0] = input(fx, "a.jsonl", text.s);
	p[1] = input(fx, "b.jsonl", text.s);
	assert_int_equal(stream_run(&fx->s, 2, p), 0);
	assert_int_equal(fx->nfracs, 40);
	for (int k = 1; k < fx->nfracs; k++)
		assert_true(fx->fracs[k] >= fx->fracs[k - 1]);
	assert_true(fx->fracs[0] > 0 && fx->fracs[0] < 1);
	assert_near(fx->fracs[39], 1, 1e-12);
	assert_near(stream_input_fraction(&fx->s), 1, 1e-12);
	sbuf_release(&text);
	free(p[0]);
	free(p[1]);
}

static void
a_pipe_has_no_size(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "a.jsonl", "{\"id\":\"a\"}\n");
	char *files[2] = { p, "/dev/null" };

	/* a device, like a pipe, is no regular file: the total is unknown */
	assert_int_equal(stream_run(&fx->s, 2, files), 0);
	assert_int_equal(fx->nfracs, 1);
	assert_near(fx->fracs[0], -1, 0);
	assert_int_equal(fx->s.in_total, -1);
	assert_near(stream_input_fraction(&fx->s), -1, 0);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(wrong_stage_stops_even_with_keep_going, setup, teardown),
		cmocka_unit_test_setup_teardown(records_of_no_known_stage_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(summary_counts_nulls_notes_and_bad_records, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_lost_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(fraction_grows_over_the_files, setup, teardown),
		cmocka_unit_test_setup_teardown(a_pipe_has_no_size, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
