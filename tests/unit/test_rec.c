#include <string.h>

#include "jsonw.h"
#include "rec.h"
#include "testutil.h"

struct mem {
	const char *s;
	size_t n, pos, step;
};

/* Hand out at most step bytes per call, to cross chunk boundaries. */
static ssize_t
pull_mem(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	size_t k = m->n - m->pos;

	if (k > n)
		k = n;
	if (k > m->step)
		k = m->step;
	memcpy(buf, m->s + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static void
reads_records_and_reports_lines(void **state)
{
	const char *text = "{\"id\":\"a\",\"x\":1}\n\n  \n{\"id\":\"b\",\n{\"id\":\"c\",\"id\":\"d\"}\n[1]\n{\"id\":\"e\"}\r\n{\"id\":\"f\"}";
	struct mem m = { text, strlen(text), 0, 3 };
	struct rec_reader *r = rec_open_pull(pull_mem, &m, "t.jsonl");
	struct hk_err e = HK_ERR_INIT;
	json_t *v;

	assert_int_equal(rec_next(r, &v, &e), 1);
	assert_string_equal(json_string_value(json_object_get(v, "id")), "a");
	json_decref(v);
	assert_int_equal(rec_next(r, &v, &e), -1);
	assert_int_equal(e.line, 4);
	assert_true(e.col > 0);
	assert_string_equal(e.file, "t.jsonl");
	assert_int_equal(rec_next(r, &v, &e), -1);	/* duplicate key */
	assert_int_equal(e.line, 5);
	assert_int_equal(rec_next(r, &v, &e), -1);	/* not an object */
	assert_non_null(strstr(e.msg, "not a JSON object"));
	assert_int_equal(rec_next(r, &v, &e), 1);
	assert_string_equal(json_string_value(json_object_get(v, "id")), "e");
	json_decref(v);
	assert_int_equal(rec_next(r, &v, &e), 1);	/* no final newline */
	json_decref(v);
	assert_int_equal(rec_next(r, &v, &e), 0);
	rec_close(r);
}

static void
long_line_is_skipped_not_held(void **state)
{
	static char text[300000];
	struct linerd lr;
	struct mem m;
	struct hk_err e = HK_ERR_INIT;
	const char *line;
	size_t len;

	memset(text, 'x', sizeof(text));
	memcpy(text, "ok\n", 3);
	text[sizeof(text) - 5] = '\n';
	memcpy(text + sizeof(text) - 4, "end", 3);
	text[sizeof(text) - 1] = '\n';
	m = (struct mem){ text, sizeof(text), 0, 70000 };
	linerd_init(&lr, pull_mem, &m, "big", 1000);
	assert_int_equal(linerd_next(&lr, &line, &len, &e), 1);
	assert_int_equal(linerd_next(&lr, &line, &len, &e), -1);
	assert_int_equal(e.line, 2);
	assert_true(lr.line.cap < 4096);
	assert_int_equal(linerd_next(&lr, &line, &len, &e), 1);
	assert_int_equal(len, 3);
	assert_int_equal(linerd_next(&lr, &line, &len, &e), 0);
	linerd_release(&lr);
}

static void
ids_and_paths(void **state)
{
	json_error_t je;
	json_t *v = json_loads("{\"id\":\"mp-1.F.0\",\"m\":{\"a\":[1,{\"b\":2.5}]}}", 0, &je);
	struct hk_err e = HK_ERR_INIT;

	assert_true(rec_id_valid("mp-1138.F.0"));
	assert_false(rec_id_valid("a/b"));
	assert_false(rec_id_valid(".."));
	assert_false(rec_id_valid(""));
	assert_string_equal(rec_id(v, &e), "mp-1.F.0");
	assert_true(json_real_value(rec_get_path(v, "m.a.1.b")) == 2.5);
	assert_null(rec_get_path(v, "m.a.7"));
	assert_null(rec_get_path(v, "m.x"));
	assert_null(rec_get_path(v, "m."));
	json_decref(v);
}

static void
writer_keeps_order_and_short_numbers(void **state)
{
	json_error_t je;
	json_t *v = json_loads("{\"z\":7.6,\"a\":\"q\\\"\\n\\u0001\",\"n\":null,\"l\":[true,false,-3]}", 0, &je);
	struct sbuf sb = SBUF_INIT;
	struct hk_err e = HK_ERR_INIT;

	assert_int_equal(jsonw_value(&sb, v, &e), 0);
	assert_string_equal(sb.s, "{\"z\":7.6,\"a\":\"q\\\"\\n\\u0001\",\"n\":null,\"l\":[true,false,-3]}");
	json_decref(v);
	sbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_records_and_reports_lines),
		cmocka_unit_test(long_line_is_skipped_not_held),
		cmocka_unit_test(ids_and_paths),
		cmocka_unit_test(writer_keeps_order_and_short_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
