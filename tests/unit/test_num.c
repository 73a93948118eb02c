#include <math.h>
#include <stdio.h>
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
	/* strtol's leading blanks and sign, as before */
	assert_int_equal(num_parse_long(" +42", 0, 100, &l), 0);
	assert_int_equal(l, 42);
	assert_int_equal(num_parse_double("+.5e1", &x), 0);
	assert_true(x == 5);
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
	assert_int_equal(num_parse_long("4 ", 0, 100, &l), -1);
	assert_int_equal(num_parse_long("x4", 0, 100, &l), -1);
	assert_int_equal(num_parse_long("99999999999999999999", 0, 100, &l), -1);
	assert_int_equal(num_parse_double_n("2.55", 3, &x), 0);
	assert_true(x == 2.5);
	assert_int_equal(num_parse_double_n(" 2.5", 4, &x), -1);
	assert_int_equal(num_parse_double_n("1e", 2, &x), -1);
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

static void
scan_long(void **state)
{
	const char *s, *end;
	long l = 99;

	s = "  -42 rest";
	assert_int_equal(num_scan_long(s, &end, &l), 0);
	assert_int_equal(l, -42);
	assert_ptr_equal(end, s + 5);
	s = "\n\t+7";
	assert_int_equal(num_scan_long(s, &end, &l), 0);
	assert_int_equal(l, 7);
	assert_ptr_equal(end, s + 4);
	s = "0x10";
	assert_int_equal(num_scan_long(s, &end, &l), 0);
	assert_int_equal(l, 0);
	assert_ptr_equal(end, s + 1);
	s = "12.5";
	assert_int_equal(num_scan_long(s, &end, &l), 0);
	assert_int_equal(l, 12);
	assert_ptr_equal(end, s + 2);
	s = "9223372036854775807";
	assert_int_equal(num_scan_long(s, &end, &l), 0);
	assert_true(l == 9223372036854775807L);
	assert_ptr_equal(end, s + 19);
	/* failures leave *end at s and *out untouched */
	static const char *const bad[] = { "", "   ", "x4", "-", "+ 1", "9223372036854775808", "-9223372036854775809", NULL };
	for (int i = 0; bad[i]; i++) {
		l = 99;
		end = NULL;
		assert_int_equal(num_scan_long(bad[i], &end, &l), -1);
		assert_ptr_equal(end, bad[i]);
		assert_int_equal(l, 99);
	}
}

static void
scan_double(void **state)
{
	static const struct {
		const char *s;
		double x;
		int len;	/* where the scan ends */
	} ok[] = {
		{ "7.6", 7.6, 3 }, { "  -1e-3,", -1e-3, 7 }, { "\t+.5x", 0.5, 4 }, { "5.", 5, 2 },
		{ "1E+02 3", 100, 5 }, { "1e", 1, 1 }, { "1e+", 1, 1 }, { "2.5e-3.1", 2.5e-3, 6 },
		{ "-0.12E+02", -12, 9 }, { "0x1p3", 0, 1 }, { "-0X10", 0, 2 }, { "1.2.3", 1.2, 3 },
		{ "3nan", 3, 1 }, { "4.9e-300", 4.9e-300, 8 }, { "1e308", 1e308, 5 },
	};
	const char *end;
	double x;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		end = NULL;
		x = -99;
		assert_int_equal(num_scan_double(ok[i].s, &end, &x), 0);
		assert_true(x == ok[i].x);
		assert_ptr_equal(end, ok[i].s + ok[i].len);
	}
	assert_int_equal(num_scan_double("-0x0", &end, &x), 0);
	assert_true(x == 0 && signbit(x));
	static const char *const bad[] = { "", " ", ".", "-.", "+", "e5", "nan", "NAN", "-nan", "inf", "+inf",
		"infinity", "-Infinity", "1e999", "-1e999", "1e-400", "x1", " - 1", NULL };
	for (int i = 0; bad[i]; i++) {
		x = -99;
		end = NULL;
		assert_int_equal(num_scan_double(bad[i], &end, &x), -1);
		assert_ptr_equal(end, bad[i]);
		assert_true(x == -99);
	}
}

static void
scan_a_line(void **state)
{
	/* three numbers separated by blanks, as a force line or a k-mesh */
	const char *p = "   0.5  -1.25e1\t3 !", *end;
	double v[3];

	for (int k = 0; k < 3; k++) {
		assert_int_equal(num_scan_double(p, &end, &v[k]), 0);
		p = end;
	}
	assert_true(v[0] == 0.5 && v[1] == -12.5 && v[2] == 3);
	assert_string_equal(p, " !");
	assert_int_equal(num_scan_double(p, &end, &v[0]), -1);
	assert_ptr_equal(end, p);
}

static void
fixed_digits(void **state)
{
	char b[NUM_BUFSZ], want[400];
	static const double vals[] = { 0, 0.25, -0.25, 1.0 / 3, -2.0 / 3, 0.123456789012345678, 1e-20, -1e-20,
		12345.678901234567, -9.99999999999999999, 1e12, -1e12 };
	static const int digits[] = { 0, 1, 3, 6, 8, 12, 16 };

	/* printf's bytes, negative zero included */
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (size_t j = 0; j < sizeof(digits) / sizeof(digits[0]); j++) {
			snprintf(want, sizeof(want), "%.*f", digits[j], vals[i]);
			assert_string_equal(num_fixed_digits(vals[i], digits[j], b), want);
		}
	assert_string_equal(num_fixed_digits(-1e-20, 16, b), "-0.0000000000000000");
	assert_string_equal(num_fixed_digits(0.5, 0, b), "0");
	assert_string_equal(num_fixed_digits(2.5, 0, b), "2");
	assert_string_equal(num_fixed_digits(3600, 0, b), "3600");
	assert_string_equal(num_fixed_digits(0.1, 8, b), "0.10000000");
	/* the longest that fits: 31 characters */
	assert_string_equal(num_fixed_digits(-1234567890123.5, 16, b), "-1234567890123.5000000000000000");
	/* too long for the buffer: the shortest form instead */
	assert_string_equal(num_fixed_digits(-12345678901234.5, 16, b), "-12345678901234.5");
	assert_string_equal(num_fixed_digits(1e300, 2, b), "1e+300");
	/* digits outside 0..20 are taken as the nearest */
	assert_string_equal(num_fixed_digits(0.5, -3, b), "0");
	assert_string_equal(num_fixed_digits(0.5, 40, b), "0.50000000000000000000");
	/* num_fixed is the same but for negative zero */
	assert_string_equal(num_fixed(-1e-20, 3, b), "0.000");
	assert_string_equal(num_fixed(-0.0, 0, b), "0");
	assert_string_equal(num_fixed_digits(-0.0, 0, b), "-0");
}

static void
sig_digits(void **state)
{
	char b[NUM_BUFSZ], want[64];
	static const double vals[] = { 0, 1e-5 * 0.1, 0.5 * 0.5, 1e-4 * 0.1, 123456789, 1.0 / 3, -2.5e-300,
		-1.7976931348623157e308, 60, 0.05 / 60 };
	static const int digits[] = { 1, 6, 12, 15, 17 };

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (size_t j = 0; j < sizeof(digits) / sizeof(digits[0]); j++) {
			snprintf(want, sizeof(want), "%.*g", digits[j], vals[i]);
			assert_string_equal(num_sig_digits(vals[i], digits[j], b), want);
		}
	/* the catalogue's "1e-5 * 0.1 should read 1e-06" */
	assert_string_equal(num_sig_digits(1e-5 * 0.1, 12, b), "1e-06");
	assert_string_equal(num_sig_digits(1e-5 * 0.1, 17, b), "1.0000000000000002e-06");
	assert_string_equal(num_sig_digits(0.02 / 60, 6, b), "0.000333333");
	assert_string_equal(num_sig_digits(-1.7976931348623157e308, 17, b), "-1.7976931348623157e+308");
	assert_string_equal(num_sig_digits(2.5, 0, b), "2");
	assert_string_equal(num_sig_digits(0.1, 30, b), "0.10000000000000001");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_bad),
		cmocka_unit_test(format_shortest),
		cmocka_unit_test(scan_long),
		cmocka_unit_test(scan_double),
		cmocka_unit_test(scan_a_line),
		cmocka_unit_test(fixed_digits),
		cmocka_unit_test(sig_digits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
