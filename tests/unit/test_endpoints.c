#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "endpoints.h"
#include "lattice.h"
#include "testutil.h"
#include "vasp_in.h"

/* Largest distance (Å, nearest image) between the atoms of a and b, in order. */
static double
largest_gap(const struct cell *a, const struct cell *b)
{
	double m = 0;

	for (int k = 0; k < a->n; k++) {
		double d[3], r[3];
		for (int i = 0; i < 3; i++)
			d[i] = a->frac[k][i] - b->frac[k][i] - round(a->frac[k][i] - b->frac[k][i]);
		lat_frac_to_cart(a->lattice, d, r);
		m = fmax(m, sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]));
	}
	return m;
}

/* Every vacancy of element z carried from its orbit's relaxation lands on the vacancy itself. */
static int
check_maps(const struct vacsym *vs, int z)
{
	int n = vs->sc.n - 1, *ps = malloc((size_t)n * sizeof(int)), *es = malloc((size_t)n * sizeof(int)), maps = 0;

	for (int v = 0; v < vs->sc.n; v++) {
		struct cell parent = CELL_INIT, end = CELL_INIT, got = CELL_INIT;
		struct vacmap m = VACMAP_INIT;
		struct hk_err e = HK_ERR_INIT;
		int c;
		if (vs->sc.z[v] != z)
			continue;
		c = vacsym_canonical(vs, v);
		assert_true(c <= v);
		vacsym_vacancy_cell(vs, c, &parent, ps);
		vacsym_vacancy_cell(vs, v, &end, es);
		assert_int_equal(vacsym_map(vs, c, v, ps, es, n, &m, &e), 0);
		assert_int_equal(vacmap_apply(&m, &parent, &end, &got, &e), 0);
		assert_true(largest_gap(&got, &end) < 1e-6);
		maps++;
		cell_release(&parent);
		cell_release(&end);
		cell_release(&got);
		vacmap_release(&m);
	}
	free(ps);
	free(es);
	return maps;
}

static void
fluorite_one_orbit(void **state)
{
	struct cell c = test_cell("structures/mp-2741_CaF2_sym.cif");
	struct vacsym vs = VACSYM_INIT;
	struct hk_err e = HK_ERR_INIT;
	static const int m[3][3] = { { 2, 0, 0 }, { 0, 2, 0 }, { 0, 0, 2 } };

	assert_int_equal(vacsym_build(&c, m, 0.01, 1e-3, &vs, &e), 0);
	assert_int_equal(vacsym_norbits(&vs, 9), 1);
	assert_int_equal(vacsym_norbits(&vs, 20), 1);
	assert_int_equal(check_maps(&vs, 9), 8 * (c.n * 2 / 3));
	vacsym_release(&vs);
	cell_release(&c);
	(void)state;
}

/* A sheared supercell keeps fewer operations: orbits split, never merge, and every map still holds. */
static void
broken_symmetry_splits(void **state)
{
	struct cell c = test_cell("structures/mp-905_LaF3_sym.cif");
	struct vacsym whole = VACSYM_INIT, sheared = VACSYM_INIT;
	struct hk_err e = HK_ERR_INIT;
	static const int id[3][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
	/* find-paths' smallest 7 A supercell of this cell: it breaks the trigonal axis */
	static const int sh[3][3] = { { 1, 1, 0 }, { 0, 0, 1 }, { 1, -1, 0 } };

	assert_int_equal(vacsym_build(&c, id, 0.01, 1e-3, &whole, &e), 0);
	assert_int_equal(vacsym_build(&c, sh, 0.01, 1e-3, &sheared, &e), 0);
	assert_int_equal(vacsym_norbits(&whole, 9), 3);	/* P-3c1: F on 12g, 4d, 2a */
	assert_true(sheared.nops < whole.nops);
	assert_true(vacsym_norbits(&sheared, 9) > 3);
	assert_true(check_maps(&sheared, 9) > 0);
	vacsym_release(&whole);
	vacsym_release(&sheared);
	cell_release(&c);
	(void)state;
}

static void
map_json_round_trip(void **state)
{
	int perm[3] = { 2, 0, 1 };
	struct vacmap m = { { { 0, -1, 0 }, { 1, 0, 0 }, { 0, 0, 1 } }, { 0.5, 0, 0.25 }, 3, perm }, back = VACMAP_INIT;
	struct hk_err e = HK_ERR_INIT;
	json_t *j = vacmap_json(&m);

	assert_int_equal(vacmap_from_json(j, &back, &e), 0);
	assert_memory_equal(back.rot, m.rot, sizeof(m.rot));
	assert_memory_equal(back.perm, perm, sizeof(perm));
	assert_near(back.trans[2], 0.25, 0);
	vacmap_release(&back);
	json_array_set_new(json_object_get(j, "permutation"), 0, json_integer(7));
	assert_int_equal(vacmap_from_json(j, &back, &e), -1);
	assert_non_null(strstr(e.msg, "permutation entry 1"));
	json_decref(j);
	(void)state;
}

static void
kpoint_rules(void **state)
{
	struct cell c = CELL_INIT;
	struct incar in = INCAR_INIT;
	struct kpoints kp = { KP_KPPA, 1000, { 0, 0, 0 } };
	struct hk_err e = HK_ERR_INIT;
	double f[3] = { 0, 0, 0 };

	for (int i = 0; i < 3; i++)
		c.lattice[i][i] = 10;
	for (int k = 0; k < 100; k++)
		cell_add(&c, 9, f, 0);
	incar_set(&in, "KPOINTS_LENGTH", "25");
	assert_int_equal(kpoints_rule_take(&in, &kp, &e), 0);
	assert_null(incar_get(&in, "KPOINTS_LENGTH"));
	kpoints_apply(&kp, &c);
	assert_int_equal(kp.div[0], 3);	/* int(25 / 10 + 0.5) */
	/* reciprocal_density 100: 100 (2 pi)^3 / 1000 * 100 atoms = 2480 per cell, 2 x 2 x 2 */
	incar_set(&in, "KPOINTS_DENSITY", "100");
	assert_int_equal(kpoints_rule_take(&in, &kp, &e), 0);
	kpoints_apply(&kp, &c);
	assert_int_equal(kp.rule, KP_DENSITY);
	assert_int_equal(kp.div[2], 2);
	incar_set(&in, "KPOINTS_DENSITY", "x");
	assert_int_equal(kpoints_rule_take(&in, &kp, &e), -1);
	incar_release(&in);
	cell_release(&c);
	(void)state;
}

static void
valence_from_potcars(void **state)
{
	struct cell c = CELL_INIT;
	struct hk_err e = HK_ERR_INIT;
	double f[3] = { 0, 0, 0 }, nel = 0;
	const char *pot = "  PAW_PBE Ca_sv 06Sep2000\n   POMASS =   40.078; ZVAL   =   10.000    mass and valenz\n"
			  "  PAW_PBE F 08Apr2002\n   POMASS =   18.998; ZVAL   =    7.000    mass and valenz\n";

	for (int i = 0; i < 3; i++)
		c.lattice[i][i] = 5;
	cell_add(&c, 20, f, 0);
	cell_add(&c, 9, f, 0);
	cell_add(&c, 9, f, 0);
	assert_int_equal(potcar_valence(&c, "Ca_sv F", pot, &nel, &e), 0);
	assert_near(nel, 24, 0);
	assert_int_equal(potcar_valence(&c, "Ca_sv F", NULL, &nel, &e), 0);
	assert_near(nel, 24, 0);
	assert_int_equal(potcar_valence(&c, "Ca_sv Xx", NULL, &nel, &e), -1);
	assert_non_null(strstr(e.msg, "no ZVAL for POTCAR Xx"));
	cell_release(&c);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fluorite_one_orbit),
		cmocka_unit_test(broken_symmetry_splits),
		cmocka_unit_test(map_json_round_trip),
		cmocka_unit_test(kpoint_rules),
		cmocka_unit_test(valence_from_potcars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
