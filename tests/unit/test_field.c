#include <limits.h>
#include <string.h>

#include "field.h"
#include "testutil.h"

static json_t *
rec(const char *text)
{
	json_error_t je;
	json_t *r = json_loads(text, 0, &je);

	if (r == NULL)
		fail_msg("%s: %s", text, je.text);
	return r;
}

/* One read of one field: what it returns, what it says, and that a failed read leaves *out alone. */
static void
numbers(void **state)
{
	static const struct {
		const char *text;
		int rc;
		double x;
		const char *msg;
	} cases[] = {
		{ "{\"length\":2.7}", 1, 2.7, "" },
		{ "{\"length\":3}", 1, 3, "" },
		{ "{}", 0, -1, "" },
		{ "{\"length\":null}", 0, -1, "" },
		{ "{\"length\":\"2.7\"}", -1, -1, "\"length\" is a string, want a number" },
		{ "{\"length\":true}", -1, -1, "\"length\" is a boolean, want a number" },
		{ "{\"length\":[2.7]}", -1, -1, "\"length\" is an array, want a number" },
		{ "{\"length\":{}}", -1, -1, "\"length\" is an object, want a number" },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hk_err e = HK_ERR_INIT;
		json_t *r = rec(cases[k].text);
		double x = -1;
		int rc = field_num(r, "length", &x, &e);
		if (rc != cases[k].rc || x != cases[k].x || strcmp(e.msg, cases[k].msg) != 0)
			fail_msg("%s: %d, %g, '%s'", cases[k].text, rc, x, e.msg);
		json_decref(r);
	}
}

static void
integers(void **state)
{
	static const struct {
		const char *text;
		int rc;
		long x;
		const char *msg;
	} cases[] = {
		{ "{\"nimages\":5}", 1, 5, "" },
		{ "{\"nimages\":1}", 1, 1, "" },
		{ "{\"nimages\":97}", 1, 97, "" },
		{ "{}", 0, -1, "" },
		{ "{\"nimages\":2.5}", -1, -1, "\"nimages\" is the number 2.5, want an integer from 1 to 97" },
		{ "{\"nimages\":5.0}", -1, -1, "\"nimages\" is the number 5, want an integer from 1 to 97" },
		{ "{\"nimages\":0}", -1, -1, "\"nimages\" is the integer 0, want an integer from 1 to 97" },
		{ "{\"nimages\":98}", -1, -1, "\"nimages\" is the integer 98, want an integer from 1 to 97" },
		{ "{\"nimages\":\"5\"}", -1, -1, "\"nimages\" is a string, want an integer from 1 to 97" },
		{ "{\"nimages\":-9223372036854775807}", -1, -1,
		    "\"nimages\" is the integer -9223372036854775807, want an integer from 1 to 97" },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hk_err e = HK_ERR_INIT;
		json_t *r = rec(cases[k].text);
		long x = -1;
		int rc = field_int(r, "nimages", 1, 97, &x, &e);
		if (rc != cases[k].rc || x != cases[k].x || strcmp(e.msg, cases[k].msg) != 0)
			fail_msg("%s: %d, %ld, '%s'", cases[k].text, rc, x, e.msg);
		json_decref(r);
	}
}

/* The bounds are said as they are: open ends are not printed. */
static void
integer_bounds_said(void **state)
{
	struct hk_err e = HK_ERR_INIT;
	json_t *r = rec("{\"a\":-1,\"b\":\"x\"}");
	long x;

	(void)state;
	assert_int_equal(field_int(r, "a", 0, LONG_MAX, &x, &e), -1);
	assert_string_equal(e.msg, "\"a\" is the integer -1, want an integer of at least 0");
	assert_int_equal(field_int(r, "a", LONG_MIN, -2, &x, &e), -1);
	assert_string_equal(e.msg, "\"a\" is the integer -1, want an integer of at most -2");
	assert_int_equal(field_int(r, "b", LONG_MIN, LONG_MAX, &x, &e), -1);
	assert_string_equal(e.msg, "\"b\" is a string, want an integer");
	assert_int_equal(field_int(r, "a", LONG_MIN, LONG_MAX, &x, &e), 1);
	assert_int_equal(x, -1);
	json_decref(r);
}

static void
strings_and_booleans(void **state)
{
	struct hk_err e = HK_ERR_INIT;
	json_t *r = rec("{\"kind\":\"neb\",\"dir\":7,\"reuse\":true,\"multiplicity\":true,\"flag\":\"yes\",\"n\":null}");
	const char *s = NULL;
	int b = -1;

	(void)state;
	assert_int_equal(field_str(r, "kind", &s, &e), 1);
	assert_string_equal(s, "neb");
	assert_int_equal(field_str(r, "dir", &s, &e), -1);
	assert_string_equal(e.msg, "\"dir\" is the integer 7, want a string");
	assert_string_equal(s, "neb");
	assert_int_equal(field_str(r, "n", &s, &e), 0);
	assert_int_equal(field_str(r, "none", &s, &e), 0);
	assert_int_equal(field_bool(r, "reuse", &b, &e), 1);
	assert_int_equal(b, 1);
	assert_int_equal(field_bool(r, "flag", &b, &e), -1);
	assert_string_equal(e.msg, "\"flag\" is a string, want true or false");
	long m = 0;
	assert_int_equal(field_int(r, "multiplicity", 0, LONG_MAX, &m, &e), -1);
	assert_string_equal(e.msg, "\"multiplicity\" is a boolean, want an integer of at least 0");
	json_decref(r);
}

/* Dotted paths name nested fields and array entries, in the message too. */
static void
nested_and_arrays(void **state)
{
	struct hk_err e = HK_ERR_INIT;
	json_t *r = rec("{\"esite\":[0.5,\"0.5\",1],\"isite\":[0,0.5,0.5],\"short\":[1,2],"
	    "\"previous\":{\"energy_barrier\":\"0.3\"},\"supercell\":{\"matrix\":[[2,0,0],[0,2.5,0],[0,0,2]]}}");
	double x[3] = { -1, -1, -1 };
	long m[3] = { -1, -1, -1 };
	const json_t *a = NULL;

	(void)state;
	assert_int_equal(field_nums(r, "isite", x, 3, &e), 1);
	assert_true(x[0] == 0 && x[1] == 0.5 && x[2] == 0.5);
	x[0] = x[1] = x[2] = -1;
	assert_int_equal(field_nums(r, "esite", x, 3, &e), -1);
	assert_string_equal(e.msg, "\"esite.1\" is a string, want a number");
	assert_true(x[0] == -1 && x[1] == -1 && x[2] == -1);
	assert_int_equal(field_nums(r, "short", x, 3, &e), -1);
	assert_string_equal(e.msg, "\"short\" has 2 entries, want 3 numbers");
	assert_int_equal(field_nums(r, "previous", x, 3, &e), -1);
	assert_string_equal(e.msg, "\"previous\" is an object, want an array of 3 numbers");
	assert_int_equal(field_nums(r, "nothing", x, 3, &e), 0);
	assert_int_equal(field_num(r, "previous.energy_barrier", x, &e), -1);
	assert_string_equal(e.msg, "\"previous.energy_barrier\" is a string, want a number");
	assert_int_equal(field_ints(r, "supercell.matrix.0", -9, 9, m, 3, &e), 1);
	assert_true(m[0] == 2 && m[1] == 0 && m[2] == 0);
	assert_int_equal(field_ints(r, "supercell.matrix.1", -9, 9, m, 3, &e), -1);
	assert_string_equal(e.msg, "\"supercell.matrix.1.1\" is the number 2.5, want an integer from -9 to 9");
	assert_int_equal(field_ints(r, "esite", -9, 9, m, 3, &e), -1);
	assert_int_equal(field_array(r, "supercell.matrix", &a, &e), 1);
	assert_int_equal(json_array_size(a), 3);
	assert_int_equal(field_object(r, "esite", &a, &e), -1);
	assert_string_equal(e.msg, "\"esite\" is an array, want an object");
	json_decref(r);
}

/* A table: absent fields pass, the first wrong one is named, an array's length is checked. */
static void
tables(void **state)
{
	static const struct field_spec spec[] = {
		{ "id", FIELD_STR, 0, 0, 0 },
		{ "iindex", FIELD_INT, 0, 1000, 0 },
		{ "esite", FIELD_NUMS, 0, 0, 3 },
		{ "m", FIELD_ARRAY, 0, 0, 3 },
		{ "ok", FIELD_BOOL, 0, 0, 0 },
		{ NULL, 0, 0, 0, 0 },
	};
	static const struct {
		const char *text;
		const char *msg;	/* "" passes */
	} cases[] = {
		{ "{}", "" },
		{ "{\"id\":\"a\",\"iindex\":3,\"esite\":[1,2,3],\"m\":[1,2,3],\"ok\":false,\"other\":\"x\"}", "" },
		{ "{\"id\":\"a\",\"iindex\":null}", "" },
		{ "{\"id\":1}", "\"id\" is the integer 1, want a string" },
		{ "{\"iindex\":\"3\",\"esite\":1}", "\"iindex\" is a string, want an integer from 0 to 1000" },
		{ "{\"esite\":[1,2]}", "\"esite\" has 2 entries, want 3 numbers" },
		{ "{\"m\":[1,2]}", "\"m\" has 2 entries, want 3" },
		{ "{\"ok\":0}", "\"ok\" is the integer 0, want true or false" },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hk_err e = HK_ERR_INIT;
		json_t *r = rec(cases[k].text);
		int rc = field_check(r, spec, &e);
		if (rc != (cases[k].msg[0] ? -1 : 0) || strcmp(e.msg, cases[k].msg) != 0)
			fail_msg("%s: %d, '%s'", cases[k].text, rc, e.msg);
		json_decref(r);
	}
	assert_int_equal(field_check(NULL, spec, NULL), 0);
}

/* field_checked takes the record: it gives it back, or releases it and says where. */
static void
checked_takes_the_record(void **state)
{
	static const struct field_spec spec[] = { { "attempts", FIELD_INT, 0, INT_MAX, 0 }, { NULL, 0, 0, 0, 0 } };
	struct hk_err e = HK_ERR_INIT;
	json_t *good = rec("{\"attempts\":2}");

	(void)state;
	assert_ptr_equal(field_checked(good, spec, "s.json", &e), good);
	json_decref(good);
	assert_null(field_checked(rec("{\"attempts\":\"2\"}"), spec, "s.json", &e));
	assert_string_equal(e.msg, "s.json: \"attempts\" is a string, want an integer from 0 to 2147483647");
	assert_null(field_checked(NULL, spec, "s.json", &e));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(integers),
		cmocka_unit_test(integer_bounds_said),
		cmocka_unit_test(strings_and_booleans),
		cmocka_unit_test(nested_and_arrays),
		cmocka_unit_test(tables),
		cmocka_unit_test(checked_takes_the_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
