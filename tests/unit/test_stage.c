#include <string.h>

#include "stage.h"
#include "testutil.h"

static json_t *
rec(const char *text)
{
	json_error_t je;
	json_t *r = json_loads(text, 0, &je);

	assert_non_null(r);
	return r;
}

static enum stage
stage_text(const char *text)
{
	json_t *r = rec(text);
	enum stage s = stage_of(r);

	json_decref(r);
	return s;
}

/* Each stage passes the earlier ones' fields through: the latest wins. */
static void
stage_is_the_latest_one_present(void **state)
{
	(void)state;
	assert_int_equal(stage_text("{\"id\":\"a\"}"), STAGE_UNKNOWN);
	assert_int_equal(stage_text("{\"id\":\"a\",\"structure\":{}}"), STAGE_STRUCTURE);
	assert_int_equal(stage_text("{\"id\":\"a\",\"iindex\":0,\"structure\":{}}"), STAGE_PATH);
	assert_int_equal(stage_text("{\"eindex\":0}"), STAGE_PATH);
	assert_int_equal(stage_text("{\"iindex\":0,\"measures\":{},\"structure\":{}}"), STAGE_MEASURED);
	assert_int_equal(stage_text("{\"dir\":\"d\",\"kind\":\"neb\",\"iindex\":0,\"measures\":{}}"), STAGE_JOB);
	/* a "dir" alone is not a job (run-vasp's hand-made records) */
	assert_int_equal(stage_text("{\"dir\":\"d\"}"), STAGE_UNKNOWN);
	assert_int_equal(stage_text("{\"energies\":null,\"archive\":\"a.tar.gz\",\"kind\":\"neb\"}"), STAGE_RESULT);
}

static void
check_names_both_stages(void **state)
{
	struct hk_err e = HK_ERR_INIT;
	json_t *s = rec("{\"id\":\"a\",\"structure\":{}}");

	(void)state;
	assert_int_equal(stage_check(stage_reader("measure"), s, &e), -1);
	assert_string_equal(e.msg, "a structure record (fetch-structures' output); "
	    "measure reads path records (find-paths' output)");
	assert_int_equal(stage_check(stage_reader("find-paths"), s, &e), 0);
	json_decref(s);
}

static void
table_says_who_reads_what(void **state)
{
	const char *path = "{\"iindex\":0}", *measured = "{\"iindex\":0,\"measures\":{}}";
	const char *job = "{\"dir\":\"d\",\"kind\":\"neb\"}", *result = "{\"energies\":[]}";
	const struct { const char *prog, *text; int ok; } cases[] = {
		{ "find-paths", path, 0 }, { "measure", path, 1 }, { "measure", measured, 1 },
		{ "measure", job, 0 }, { "make-neb", measured, 1 }, { "make-neb", job, 0 },
		{ "make-neb", result, 1 }, { "run-vasp", job, 1 }, { "run-vasp", path, 0 },
		{ "rank", result, 1 }, { "rank", path, 1 }, { "measure", "{\"id\":\"x\"}", 1 },
	};

	(void)state;
	assert_null(stage_reader("rank"));
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hk_err e = HK_ERR_INIT;
		json_t *r = rec(cases[k].text);
		int rc = stage_check(stage_reader(cases[k].prog), r, &e);
		if ((rc == 0) != cases[k].ok)
			fail_msg("%s on %s: %d (%s)", cases[k].prog, cases[k].text, rc, e.msg);
		json_decref(r);
	}
}

/* The fields each program reads are typed in one table; find-paths leaves the structure to its reader. */
static void
fields_of_each_program(void **state)
{
	static const struct {
		const char *prog, *text;
		int ok;
	} cases[] = {
		{ "measure", "{\"length\":2.7,\"iindex\":0}", 1 },
		{ "measure", "{\"length\":\"2.7\"}", 0 },
		{ "make-neb", "{\"esite\":[0,0,\"1\"]}", 0 },
		{ "run-vasp", "{\"nimages\":5}", 1 },
		{ "run-vasp", "{\"nimages\":98}", 0 },
		{ "collect", "{\"natoms\":\"8\"}", 0 },
		{ "report", "{\"energy_barrier\":null,\"measures\":{\"bvse_barrier\":\"x\"}}", 0 },
		{ "state", "{\"attempts\":1.5}", 0 },
		{ "rank", "{\"id\":\"a\",\"length\":true}", 0 },
	};

	(void)state;
	assert_null(stage_fields("find-paths"));
	assert_null(stage_fields(NULL));
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hk_err e = HK_ERR_INIT;
		json_t *r = rec(cases[k].text);
		assert_non_null(stage_fields(cases[k].prog));
		if ((field_check(r, stage_fields(cases[k].prog), &e) == 0) != cases[k].ok)
			fail_msg("%s on %s: '%s'", cases[k].prog, cases[k].text, e.msg);
		json_decref(r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stage_is_the_latest_one_present),
		cmocka_unit_test(check_names_both_stages),
		cmocka_unit_test(table_says_who_reads_what),
		cmocka_unit_test(fields_of_each_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
