#include <stdio.h>
#include <string.h>

#include "tally.h"
#include "testutil.h"

static void
key_is_the_reason_without_its_details(void **state)
{
	const struct { const char *reason, *id, *key; } cases[] = {
		{ "no softBV parameters for F- with Sn2+", NULL, "no softBV parameters" },
		{ "IDPP: did not converge in 200 steps", NULL, "IDPP" },
		{ "no oxidation states: no bond-valence parameters for Xe", NULL, "no oxidation states" },
		{ "mp-1 has no F sites", "mp-1", "has no F sites" },
		{ "mp-1: structure: \"lattice\" is singular", "mp-1", "structure" },
		{ "mp-12 has no F sites", "mp-1", "mp-12 has no F sites" },
		{ "site energy of the start is zero", "x", "site energy of the start is zero" },
		{ "", NULL, "unknown" },
		{ NULL, NULL, "unknown" },
	};
	char key[TALLY_KEY_MAX + 1];

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		tally_key(cases[k].reason, cases[k].id, key);
		assert_string_equal(key, cases[k].key);
	}
}

static void
long_reasons_are_cut(void **state)
{
	char reason[400], key[TALLY_KEY_MAX + 1];

	(void)state;
	memset(reason, 'a', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	tally_key(reason, NULL, key);
	assert_int_equal(strlen(key), TALLY_KEY_MAX);
}

static void
groups_count_by_reason_most_frequent_first(void **state)
{
	struct tally t = TALLY_INIT;
	struct sbuf sb = SBUF_INIT;

	(void)state;
	tally_add(&t, "bvse_barrier", "IDPP: x", NULL);
	for (int k = 0; k < 3; k++)
		tally_add(&t, "bvse_barrier", k ? "no softBV parameters for F- with Pb2+" : "no softBV parameters for F- with Sn2+", NULL);
	tally_add(&t, "ewald_energy", "IDPP: y", NULL);
	assert_int_equal(tally_count(&t, "bvse_barrier"), 4);
	assert_int_equal(tally_count(&t, "nothing"), 0);
	tally_format(&t, " null in ", &sb);
	assert_string_equal(sb.s, "bvse_barrier null in 4 (no softBV parameters: 3, IDPP: 1), ewald_energy null in 1 (IDPP: 1)");
	sbuf_release(&sb);
	tally_release(&t);
}

static void
groups_with_the_same_reasons_are_merged(void **state)
{
	struct tally t = TALLY_INIT;
	struct sbuf sb = SBUF_INIT;

	(void)state;
	for (int k = 0; k < 2; k++) {
		tally_add(&t, "a", "IDPP: x", NULL);
		tally_add(&t, "b", "IDPP: y", NULL);
		tally_add(&t, "c", "IDPP: z", NULL);
	}
	tally_add(&t, "c", "other thing", NULL);
	tally_format(&t, " null in ", &sb);
	assert_string_equal(sb.s, "a, b null in 2 (IDPP: 2), c null in 3 (IDPP: 2, other thing: 1)");
	sbuf_release(&sb);
	tally_release(&t);
}

/* Past the caps, the rest count as "other": memory does not grow with distinct reasons. */
static void
many_reasons_and_groups_are_bounded(void **state)
{
	struct tally t = TALLY_INIT;
	struct sbuf sb = SBUF_INIT;
	char name[32];

	(void)state;
	for (int k = 0; k < 1000; k++) {
		snprintf(name, sizeof(name), "reason %d", k);
		tally_add(&t, "f", name, NULL);
		snprintf(name, sizeof(name), "field %d", k);
		tally_add(&t, name, "r", NULL);
	}
	assert_int_equal(t.ng, TALLY_MAX_GROUPS);
	assert_int_equal(t.g[0].nr, TALLY_MAX_REASONS);
	assert_int_equal(tally_count(&t, "f"), 1000);
	assert_int_equal(tally_count(&t, "other"), 1000 - (TALLY_MAX_GROUPS - 2));
	tally_format_group(&t.g[0], &sb);
	/* three named, the rest together */
	assert_string_equal(sb.s, "(reason 0: 1, reason 1: 1, reason 10: 1, other: 997)");
	sbuf_release(&sb);
	tally_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_is_the_reason_without_its_details),
		cmocka_unit_test(long_reasons_are_cut),
		cmocka_unit_test(groups_count_by_reason_most_frequent_first),
		cmocka_unit_test(groups_with_the_same_reasons_are_merged),
		cmocka_unit_test(many_reasons_and_groups_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
