#include <string.h>

#include "expr.h"
#include "testutil.h"

static const char *const rec_text =
    "{\"id\":\"a\",\"x\":2,\"y\":-0.5,\"s\":\"LiF\",\"t\":true,\"z\":null,"
    "\"m\":{\"d\":3,\"v\":[10,20,{\"w\":7}]}}";

/* 1, 0 or -1 as expr_match says for the test record; compile errors fail the test. */
static int
match(const char *text, int strict, struct hk_err *e)
{
	json_t *rec = json_loads(rec_text, 0, NULL);
	struct expr *x = expr_compile(text, e);
	int m;

	if (x == NULL)
		fail_msg("'%s' did not compile: %s at column %ld", text, e->msg, e->col);
	m = expr_match(x, rec, strict, e);
	expr_free(x);
	json_decref(rec);
	return m;
}

static void
comparisons_and_logic(void **state)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{ "x == 2", 1 },
		{ "x != 2", 0 },
		{ "x >= 2 and y < 0", 1 },
		{ "x > 2 or y <= -0.5", 1 },
		{ "not x > 2", 1 },
		{ "not (x > 1 and y < 0)", 0 },
		{ "x == 1 or x == 3 or x == 2", 1 },
		{ "x > 1 and x < 3 or x == 10", 1 },
		{ "(x == 1 or x == 2) and s == 'LiF'", 1 },
		{ "s == \"LiF\"", 1 },
		{ "s < 'M'", 1 },
		{ "s in ('NaCl', 'LiF')", 1 },
		{ "x in (1, 3)", 0 },
		{ "m.d == 3", 1 },
		{ "m.v.1 == 20", 1 },
		{ "m.v.2.w >= 7", 1 },
		{ "t == true", 1 },
		{ "t", 1 },
		{ "z is null", 1 },
		{ "z == null", 1 },
		{ "x is not null", 1 },
		{ "nosuch is null", 1 },
		{ "nosuch > 1", 0 },
		{ "z < 1", 0 },
		{ "2 == x", 1 },
		{ "-0.5 == y", 1 },
		{ "1e0 < x", 1 },
	};
	struct hk_err e = HK_ERR_INIT;

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int m = match(cases[k].text, 0, &e);
		if (m != cases[k].want)
			fail_msg("'%s': got %d, want %d (%s)", cases[k].text, m, cases[k].want, e.msg);
	}
}

static void
type_errors_name_the_column(void **state)
{
	struct hk_err e = HK_ERR_INIT;

	assert_int_equal(match("s > 1", 0, &e), -1);
	assert_non_null(strstr(e.msg, "cannot compare a string with a number"));
	assert_int_equal(e.col, 3);
	err_clear(&e);
	assert_int_equal(match("x and t", 0, &e), -1);
	err_clear(&e);
	assert_int_equal(match("nosuch > 1", 1, &e), -1);
	assert_non_null(strstr(e.msg, "record has no field 'nosuch'"));
	assert_int_equal(e.col, 1);
}

static void
syntax_errors_point_at_the_problem(void **state)
{
	static const struct {
		const char *text;
		long col;
		const char *msg;
	} cases[] = {
		{ "x >= 2 and and y", 12, "expected a value" },
		{ "x = 2", 3, "'=' is not an operator" },
		{ "s == 'abc", 6, "unterminated string" },
		{ "", 1, "" },
		{ "(x == 1", 0, "" },
		{ "x in (1, 2", 0, "" },
		{ "x == 1 y", 0, "" },
		{ "m..d == 1", 0, "" },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hk_err e = HK_ERR_INIT;
		struct expr *x = expr_compile(cases[k].text, &e);
		if (x != NULL)
			fail_msg("'%s' compiled", cases[k].text);
		assert_true(e.msg[0] != '\0');
		if (cases[k].col > 0 && e.col != cases[k].col)
			fail_msg("'%s': column %ld, want %ld", cases[k].text, e.col, cases[k].col);
		if (strstr(e.msg, cases[k].msg) == NULL)
			fail_msg("'%s': message '%s' lacks '%s'", cases[k].text, e.msg, cases[k].msg);
	}
}

static void
error_text_has_a_caret_under_the_column(void **state)
{
	struct hk_err e = HK_ERR_INIT;
	struct sbuf sb = SBUF_INIT;

	assert_null(expr_compile("x = 2", &e));
	expr_error_text("x = 2", &e, &sb);
	assert_non_null(strstr(sb.s, " at column 3\n  x = 2\n    ^"));
	sbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(comparisons_and_logic),
		cmocka_unit_test(type_errors_name_the_column),
		cmocka_unit_test(syntax_errors_point_at_the_problem),
		cmocka_unit_test(error_text_has_a_caret_under_the_column),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
