#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbuf.h"
#include "stream.h"
#include "testutil.h"

/* What the hooks saw. */
struct seen {
	struct sbuf reports;	/* "file:line: msg\n" per report */
	int takes;
	long last_take;		/* input line of the last item taken */
	int out_of_order;
};

struct fixture {
	char dir[64];
	char *out;
	size_t outlen;
	FILE *f;
	struct seen seen;
	struct stream s;
};

static void
on_report(void *ctx, const struct hk_err *e)
{
	struct seen *sn = ctx;

	sbuf_addf(&sn->reports, "%s:%ld: %s\n", e->file, e->line, e->msg);
}

/* Adds "n" (the group size) to each record; ids starting with "bad" fail, "note" are notes. */
static void
work_mark(const void *ctx, struct stream_item *it)
{
	const char *id = json_string_value(json_object_get(it->rec[0], "id"));

	(void)ctx;
	/* uneven work, so threads finish out of order */
	if (id && id[0] == 's')
		usleep(20000);
	if (id && strncmp(id, "bad", 3) == 0) {
		err_set(&it->err, "%s is bad", id);
		it->status = STREAM_BAD;
		return;
	}
	if (id && strncmp(id, "note", 4) == 0) {
		err_set(&it->err, "%s has nothing", id);
		it->status = STREAM_NOTE;
		return;
	}
	for (int i = 0; i < it->n; i++)
		json_object_set_new(it->rec[i], "n", json_integer(it->n));
}

static int
take_order(void *ctx, struct stream_item *it)
{
	struct seen *sn = ctx;

	if (it->line[0] <= sn->last_take)
		sn->out_of_order = 1;
	sn->last_take = it->line[0];
	sn->takes++;
	return STREAM_OK;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	strcpy(fx->dir, "/tmp/test_stream.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->f = open_memstream(&fx->out, &fx->outlen);
	stream_init(&fx->s, fx->f);
	fx->s.report = on_report;
	fx->s.hctx = &fx->seen;
	fx->s.work = work_mark;
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
	sbuf_release(&fx->seen.reports);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Write text to DIR/name; returns the path, which the caller frees. */
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

static void
parallel_output_keeps_input_order(void **state)
{
	struct fixture *fx = *state;
	struct sbuf in = SBUF_INIT, want = SBUF_INIT;
	char *p;

	for (int k = 0; k < 40; k++) {
		sbuf_addf(&in, "{\"id\":\"%c%d\"}\n", k % 3 ? 'f' : 's', k);
		sbuf_addf(&want, "{\"id\":\"%c%d\",\"n\":1}\n", k % 3 ? 'f' : 's', k);
	}
	p = input(fx, "a.jsonl", in.s);
	fx->s.jobs = 4;
	fx->s.batch = 16;
	assert_int_equal(stream_run(&fx->s, 1, &p), 0);
	assert_string_equal(output(fx), want.s);
	assert_int_equal(fx->s.out.n, 40);
	sbuf_release(&in);
	sbuf_release(&want);
	free(p);
}

static void
bad_line_stops_after_what_came_before(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "a.jsonl", "{\"id\":\"a\"}\n{\"id\":\"b\"}\nnot json\n{\"id\":\"c\"}\n");

	fx->s.jobs = 2;
	assert_int_equal(stream_run(&fx->s, 1, &p), 2);
	assert_string_equal(output(fx), "{\"id\":\"a\",\"n\":1}\n{\"id\":\"b\",\"n\":1}\n");
	assert_non_null(strstr(fx->seen.reports.s, "a.jsonl:3: "));
	assert_int_equal(fx->s.nbad, 1);
	free(p);
}

static void
keep_going_writes_every_good_record(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "a.jsonl", "{\"id\":\"a\"}\n{\"id\":\"bad1\"}\n[]\n{\"id\":\"note1\"}\n{\"id\":\"c\"}\n");

	fx->s.keep_going = 1;
	assert_int_equal(stream_run(&fx->s, 1, &p), 1);
	assert_string_equal(output(fx), "{\"id\":\"a\",\"n\":1}\n{\"id\":\"c\",\"n\":1}\n");
	assert_int_equal(fx->s.nbad, 2);
	/* the failed item and the bad line with their lines, then the note */
	assert_non_null(strstr(fx->seen.reports.s, "a.jsonl:2: bad1 is bad\n"));
	assert_non_null(strstr(fx->seen.reports.s, "a.jsonl:3"));
	assert_non_null(strstr(fx->seen.reports.s, "a.jsonl:4: note1 has nothing\n"));
	free(p);
}

static void
quiet_hides_notes_not_failures(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "a.jsonl", "{\"id\":\"note1\"}\n{\"id\":\"bad1\"}\n{\"id\":\"a\"}\n");

	fx->s.quiet = 1;
	fx->s.keep_going = 1;
	assert_int_equal(stream_run(&fx->s, 1, &p), 1);
	assert_non_null(strstr(fx->seen.reports.s, "a.jsonl:2: bad1 is bad\n"));
	assert_null(strstr(fx->seen.reports.s, "note1"));
	assert_string_equal(output(fx), "{\"id\":\"a\",\"n\":1}\n");
	free(p);
}

static void
groups_are_consecutive_equal_values(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "a.jsonl",
	    "{\"id\":\"a1\",\"g\":\"A\"}\n{\"id\":\"a2\",\"g\":\"A\"}\n{\"id\":\"b1\",\"g\":\"B\"}\n"
	    "{\"id\":\"bad\",\"g\":\"C\"}\n{\"id\":\"c2\",\"g\":\"C\"}\n{\"id\":\"a3\",\"g\":\"A\"}\n");

	fx->s.group_by = "g";
	fx->s.keep_going = 1;
	fx->s.jobs = 2;
	fx->s.batch = 2;
	assert_int_equal(stream_run(&fx->s, 1, &p), 1);
	assert_string_equal(output(fx),
	    "{\"id\":\"a1\",\"g\":\"A\",\"n\":2}\n{\"id\":\"a2\",\"g\":\"A\",\"n\":2}\n"
	    "{\"id\":\"b1\",\"g\":\"B\",\"n\":1}\n{\"id\":\"a3\",\"g\":\"A\",\"n\":1}\n");
	/* a failed group: all its records are bad, reported at its first line */
	assert_int_equal(fx->s.nbad, 2);
	assert_non_null(strstr(fx->seen.reports.s, "a.jsonl:4: bad is bad\n"));
	assert_int_equal(strchr(fx->seen.reports.s, '\n') - fx->seen.reports.s + 1, (long)fx->seen.reports.len);
	free(p);
}

static void
csv_has_one_header_across_files(void **state)
{
	static const char *const cols[] = { "id", "x" };
	struct fixture *fx = *state;
	char *p[3] = { input(fx, "a.jsonl", "{\"id\":\"a\",\"x\":1.5}\n"), input(fx, "e.jsonl", ""),
		input(fx, "b.jsonl", "{\"id\":\"b\",\"x\":\"q,r\"}\n") };

	stream_out_init(&fx->s.out, fx->f, cols, 2);
	assert_int_equal(stream_run(&fx->s, 3, p), 0);
	assert_string_equal(output(fx), "id,x\na,1.5\nb,\"q,r\"\n");
	for (int k = 0; k < 3; k++)
		free(p[k]);
}

static void
csv_without_records_has_no_header(void **state)
{
	static const char *const cols[] = { "id" };
	struct fixture *fx = *state;
	char *p = input(fx, "e.jsonl", "\n");

	stream_out_init(&fx->s.out, fx->f, cols, 1);
	assert_int_equal(stream_run(&fx->s, 1, &p), 0);
	assert_string_equal(output(fx), "");
	free(p);
}

static void
missing_file_is_reported_and_the_rest_read(void **state)
{
	struct fixture *fx = *state;
	char *p[2] = { input(fx, "a.jsonl", "{\"id\":\"a\"}\n"), NULL };

	p[1] = p[0];
	p[0] = strdup("/nonexistent/x.jsonl");
	fx->s.keep_going = 1;
	assert_int_equal(stream_run(&fx->s, 2, p), 1);
	assert_string_equal(output(fx), "{\"id\":\"a\",\"n\":1}\n");
	assert_non_null(strstr(fx->seen.reports.s, "/nonexistent/x.jsonl"));
	free(p[0]);
	free(p[1]);
}

static void
take_runs_in_input_order(void **state)
{
	struct fixture *fx = *state;
	struct sbuf in = SBUF_INIT;
	char *p;

	for (int k = 0; k < 30; k++)
		sbuf_addf(&in, "{\"id\":\"%c%d\"}\n", k % 2 ? 'f' : 's', k);
	p = input(fx, "a.jsonl", in.s);
	fx->s.jobs = 3;
	fx->s.take = take_order;
	fx->s.ctx = &fx->seen;
	assert_int_equal(stream_run(&fx->s, 1, &p), 0);
	assert_int_equal(fx->seen.takes, 30);
	assert_false(fx->seen.out_of_order);
	sbuf_release(&in);
	free(p);
}

static void
write_error_is_fatal(void **state)
{
	struct fixture *fx = *state;
	char *p = input(fx, "a.jsonl", "{\"id\":\"a\"}\n");
	FILE *full = fopen("/dev/full", "w");

	assert_non_null(full);
	setvbuf(full, NULL, _IONBF, 0);
	fx->s.out.f = full;
	assert_int_equal(stream_run(&fx->s, 1, &p), -1);
	assert_string_equal(fx->s.fatal.msg, "write error");
	fclose(full);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(parallel_output_keeps_input_order, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_line_stops_after_what_came_before, setup, teardown),
		cmocka_unit_test_setup_teardown(keep_going_writes_every_good_record, setup, teardown),
		cmocka_unit_test_setup_teardown(quiet_hides_notes_not_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(groups_are_consecutive_equal_values, setup, teardown),
		cmocka_unit_test_setup_teardown(csv_has_one_header_across_files, setup, teardown),
		cmocka_unit_test_setup_teardown(csv_without_records_has_no_header, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_file_is_reported_and_the_rest_read, setup, teardown),
		cmocka_unit_test_setup_teardown(take_runs_in_input_order, setup, teardown),
		cmocka_unit_test_setup_teardown(write_error_is_fatal, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
