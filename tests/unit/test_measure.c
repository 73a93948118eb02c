#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cell.h"
#include "lattice.h"
#include "measure.h"
#include "structjson.h"
#include "testutil.h"

/* Every field name of every descriptor selects that descriptor, alone or in a list. */
static void
only_names(void **state)
{
	static const struct { const char *list; unsigned what; } cases[] = {
		{ "oxidation_state", MEASURE_OXIDATION },
		{ "oxidation_states", MEASURE_OXIDATION },
		{ "dimensionality", MEASURE_DIMENSIONALITY },
		{ "dimensionality_cumlengths", MEASURE_DIMENSIONALITY },
		{ "ewald_energy", MEASURE_EWALD },
		{ "ionic_radii_overlap_cations", MEASURE_OVERLAP },
		{ "ionic_radii_overlap_anions", MEASURE_OVERLAP },
		{ "bvse_barrier", MEASURE_BVSE },
		{ "bvse_barrier,oxidation_state", MEASURE_BVSE | MEASURE_OXIDATION },
		{ "ewald_energy,ewald_energy,", MEASURE_EWALD },
		{ "oxidation_state,dimensionality,ewald_energy,ionic_radii_overlap_anions,bvse_barrier", MEASURE_ALL },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hk_err e = HK_ERR_INIT;
		unsigned what = 0;
		if (measure_parse_only(cases[k].list, &what, &e) != 0)
			fail_msg("'%s': %s", cases[k].list, e.msg);
		if (what != cases[k].what)
			fail_msg("'%s' gives %#x, not %#x", cases[k].list, what, cases[k].what);
	}
}

/* Unknown names are refused, the message naming the first of them. */
static void
only_rejects(void **state)
{
	static const struct { const char *list, *msg; } cases[] = {
		{ "nonsense", "unknown measure 'nonsense'" },
		{ "ewald_energy,ewald", "unknown measure 'ewald'" },
		{ "bvse_barrier,bvse_profile,x", "unknown measure 'bvse_profile'" },
		{ "idpp", "unknown measure 'idpp'" },
		{ "oxidation_state,,ewald_energy", "unknown measure ''" },
		{ "", "no measures named" },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hk_err e = HK_ERR_INIT;
		unsigned what = 0;
		assert_int_equal(measure_parse_only(cases[k].list, &what, &e), -1);
		assert_string_equal(e.msg, cases[k].msg);
	}
}

/* A path record for the shortest F-F hop of CaF2 (tests/data, 3 sites: Ca F F). */
static json_t *
caf2_record(void)
{
	struct cell c = test_cell("structures/mp-2741_CaF2.cif");
	double best = INFINITY, esite[3] = { 0 };
	json_t *rec;

	assert_int_equal(c.n, 3);
	assert_int_equal(c.z[1], 9);
	assert_int_equal(c.z[2], 9);
	for (int x = -1; x <= 1; x++)
	for (int y = -1; y <= 1; y++)
	for (int z = -1; z <= 1; z++) {
		double f[3] = { c.frac[2][0] + x - c.frac[1][0], c.frac[2][1] + y - c.frac[1][1],
			c.frac[2][2] + z - c.frac[1][2] }, r[3];
		lat_frac_to_cart(c.lattice, f, r);
		double d = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
		if (d < best) {
			best = d;
			esite[0] = c.frac[2][0] + x, esite[1] = c.frac[2][1] + y, esite[2] = c.frac[2][2] + z;
		}
	}
	rec = json_pack("{s:s,s:s,s:f,s:i,s:i,s:[fff]}", "id", "mp-2741.F.0", "structure_id", "mp-2741",
	    "length", best, "iindex", 1, "eindex", 2, "esite", esite[0], esite[1], esite[2]);
	assert_non_null(rec);
	json_object_set_new(rec, "structure", structjson_compact(&c));
	cell_release(&c);
	return rec;
}

/* The measures of rec with only the descriptors in what. */
static const json_t *
measured(json_t *rec, unsigned what)
{
	struct measure_tables t;
	struct measure_opts o;
	struct hk_err e = HK_ERR_INIT;
	const json_t *m;

	measure_opts_init(&o);
	o.what = what;
	if (measure_tables_load(&t, &e) != 0)
		fail_msg("%s", e.msg);
	if (measure_group(&rec, 1, &o, &t, &e) != 0)
		fail_msg("%s", e.msg);
	measure_tables_release(&t);
	m = json_object_get(rec, "measures");
	assert_true(json_is_object(m));
	return m;
}

/* The keys of object o, in order, are the NULL-terminated list. */
static void
assert_keys(const json_t *o, const char *const *keys)
{
	const char *key;
	json_t *v;
	int k = 0;

	json_object_foreach((json_t *)o, key, v) {
		(void)v;
		if (keys[k] == NULL)
			fail_msg("unexpected field '%s'", key);
		if (strcmp(key, keys[k]) != 0)
			fail_msg("field %d is '%s', not '%s'", k, key, keys[k]);
		k++;
	}
	if (keys[k])
		fail_msg("field '%s' is missing", keys[k]);
}

/* A subset writes only its own fields: oxidation states and dimensionality of CaF2. */
static void
subset_oxidation_dimensionality(void **state)
{
	json_t *rec = caf2_record();
	const json_t *m = measured(rec, MEASURE_OXIDATION | MEASURE_DIMENSIONALITY);
	const json_t *all = json_object_get(m, "oxidation_states");

	(void)state;
	assert_keys(m, (const char *const[]){ "oxidation_state", "oxidation_states", "dimensionality",
	    "dimensionality_cumlengths", "errors", NULL });
	assert_int_equal(json_integer_value(json_object_get(m, "oxidation_state")), -1);
	assert_int_equal(json_array_size(all), 3);
	assert_int_equal(json_integer_value(json_array_get(all, 0)), 2);
	assert_int_equal(json_integer_value(json_array_get(all, 2)), -1);
	assert_int_equal(json_integer_value(json_object_get(m, "dimensionality")), 3);
	assert_int_equal(json_integer_value(json_object_get(m, "dimensionality_cumlengths")), 3);
	assert_int_equal(json_object_size(json_object_get(m, "errors")), 0);
	json_decref(rec);
}

/* A descriptor along the path alone: the IDPP result, then the softBV barrier (0.50 eV). */
static void
subset_bvse(void **state)
{
	json_t *rec = caf2_record();
	const json_t *m = measured(rec, MEASURE_BVSE);

	(void)state;
	assert_keys(m, (const char *const[]){ "idpp", "images_closest", "bvse_barrier", "bvse_profile", "errors",
	    NULL });
	assert_near(json_real_value(json_object_get(m, "bvse_barrier")), 0.5014, 5e-4);
	assert_int_equal(json_array_size(json_object_get(m, "bvse_profile")), 7);
	assert_int_equal(json_object_size(json_object_get(m, "errors")), 0);
	json_decref(rec);
}

/* A record without a hop: every descriptor along the path is null, as measure has always written it. */
static void
no_hop_fans_out(void **state)
{
	json_t *rec = caf2_record();
	const json_t *m, *errors;

	(void)state;
	json_object_del(rec, "iindex");
	m = measured(rec, MEASURE_EWALD | MEASURE_OXIDATION);
	assert_keys(m, (const char *const[]){ "oxidation_state", "oxidation_states", "ewald_energy",
	    "ionic_radii_overlap_cations", "ionic_radii_overlap_anions", "bvse_barrier", "errors", NULL });
	assert_true(json_is_null(json_object_get(m, "oxidation_state")));
	assert_true(json_is_array(json_object_get(m, "oxidation_states")));
	errors = json_object_get(m, "errors");
	assert_keys(errors, (const char *const[]){ "oxidation_state", "ewald_energy", "ionic_radii_overlap_cations",
	    "ionic_radii_overlap_anions", "bvse_barrier", NULL });
	assert_string_equal(json_string_value(json_object_get(errors, "bvse_barrier")),
	    "record has no hop (iindex, eindex, esite)");
	json_decref(rec);
}

/* Unbalanced F2: no oxidation states, so every requested descriptor needing them is null. */
static void
no_oxidation_states(void **state)
{
	json_t *rec = json_loads("{\"id\":\"ff.F.0\",\"structure_id\":\"ff\",\"iindex\":0,\"eindex\":1,"
	    "\"esite\":[0.5,0.5,0.5],\"structure\":{\"lattice\":[[3.5,0,0],[0,3.5,0],[0,0,3.5]],"
	    "\"species\":[\"F\",\"F\"],\"frac\":[[0,0,0],[0.5,0.5,0.5]]}}", 0, NULL);
	const char *why = "no charge-balanced assignment of common oxidation states fits the bond-valence sums";
	const json_t *m, *errors;
	char buf[200];

	(void)state;
	assert_non_null(rec);
	m = measured(rec, MEASURE_OXIDATION | MEASURE_OVERLAP);
	assert_keys(m, (const char *const[]){ "oxidation_state", "oxidation_states", "idpp", "images_closest",
	    "ionic_radii_overlap_cations", "ionic_radii_overlap_anions", "errors", NULL });
	errors = json_object_get(m, "errors");
	assert_string_equal(json_string_value(json_object_get(errors, "oxidation_states")), why);
	snprintf(buf, sizeof(buf), "no oxidation states: %s", why);
	assert_string_equal(json_string_value(json_object_get(errors, "ionic_radii_overlap_anions")), buf);
	json_decref(rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_names),
		cmocka_unit_test(only_rejects),
		cmocka_unit_test(subset_oxidation_dimensionality),
		cmocka_unit_test(subset_bvse),
		cmocka_unit_test(no_hop_fans_out),
		cmocka_unit_test(no_oxidation_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
