#include <math.h>
#include <string.h>

#include "num.h"
#include "testutil.h"

static void
parse_ok(void **state)
{
	double x;
	long l;

	assert_int_equal(num_parse_double("7.6", &x), 0);
	assert_true(x == 7.6);
	assert_int_equal(num_parse_double("-1e-3", &x), 0);
	assert_true(x == -1e-3);
	assert_int_equal(num_parse_double_n("2.5xyz", 3, &x), 0);
	assert_true(x == 2.5);
	assert_int_equal(num_parse_long("42", 0, 100, &l), 0);
	assert_int_equal(l, 42);
}

static void
parse_bad(void **state)
{
	double x;
	long l;
	static const char *const bad[] = { "", "nan", "NaN", "inf", "-inf", "1e999", "0x10", "1.5a", " 1", "1 ", "--1", NULL };

	for (int i = 0; bad[i]; i++)
		assert_int_equal(num_parse_double(bad[i], &x), -1);
	assert_int_equal(num_parse_long("101", 0, 100, &l), -1);
	assert_int_equal(num_parse_long("1.0", 0, 100, &l), -1);
	assert_int_equal(num_parse_long("", 0, 100, &l), -1);
}

static void
format_shortest(void **state)
{
	char b[NUM_BUFSZ];
	double vals[] = { 7.6, 0.1 + 0.2, 1.0 / 3, 1e-300, 2.887419, 123456789012345678.0, -2.5 };

	assert_string_equal(num_format(7.6, b), "7.6");
	assert_string_equal(num_format(2.0, b), "2");
	assert_string_equal(num_format(-0.0, b), "0");
	assert_string_equal(num_format(0.1 + 0.2, b), "0.30000000000000004");
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		double y;
		num_format(vals[i], b);
		assert_int_equal(num_parse_double(b, &y), 0);
		assert_true(y == vals[i]);
	}
	assert_string_equal(num_fixed(-0.0001, 3, b), "0.000");
	assert_string_equal(num_fixed(-1.25, 1, b), "-1.2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_bad),
		cmocka_unit_test(format_shortest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
