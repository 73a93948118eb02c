#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cif.h"
#include "formula.h"
#include "lattice.h"
#include "structjson.h"
#include "symmetry.h"
#include "testutil.h"

static void
textbook_space_groups(void **state)
{
	static const struct { const char *file; int number; const char *symbol; } cases[] = {
		{ "structures/mp-1138_LiF.cif", 225, "Fm-3m" },
		{ "structures/mp-1138_LiF_sym.cif", 225, "Fm-3m" },
		{ "structures/mp-2741_CaF2.cif", 225, "Fm-3m" },
		{ "structures/mp-1249_MgF2.cif", 136, "P4_2/mnm" },
		{ "structures/mp-905_LaF3.cif", 165, "P-3c1" },
		{ "structures/mp-315_PbF2.cif", 225, "Fm-3m" },
		{ "structures/mp-3700_LiYF4.cif", 88, "I4_1/a" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cell c = test_cell(cases[i].file);
		struct symmetry s = SYMMETRY_INIT;
		struct hk_err e = HK_ERR_INIT;
		assert_int_equal(sym_analyze(&c, 0.1, &s, &e), 0);
		assert_int_equal(s.number, cases[i].number);
		assert_string_equal(s.symbol, cases[i].symbol);
		assert_true(s.nops >= 1);
		sym_release(&s);
		cell_release(&c);
	}
}

/* The conventional LiF cell sanitises to the 2-site primitive cell, Li first. */
static void
sanitize_conventional_to_primitive(void **state)
{
	struct cell c = test_cell("structures/mp-1138_LiF_sym.cif");
	struct cell p1 = test_cell("structures/mp-1138_LiF.cif");
	struct hk_err e = HK_ERR_INIT;
	double abc[3], ang[3];

	assert_int_equal(sym_sanitize(&c, 0.1, &e), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.z[0], 3);
	assert_int_equal(c.z[1], 9);
	lat_params(c.lattice, abc, ang);
	for (int k = 0; k < 3; k++) {
		assert_near(abc[k], 4.08342715 / sqrt(2), 1e-6);
		assert_near(ang[k], 60, 1e-6);
	}
	assert_near(fabs(lat_volume(c.lattice)), fabs(lat_volume(p1.lattice)), 1e-4);
	for (int i = 0; i < c.n; i++)
		for (int k = 0; k < 3; k++)
			assert_true(c.frac[i][k] >= 0 && c.frac[i][k] < 1);
	cell_release(&c);
	cell_release(&p1);
}

static void
json_forms(void **state)
{
	json_error_t je;
	struct cell c = CELL_INIT;
	struct hk_err e = HK_ERR_INIT;
	int code;
	json_t *pmg = json_loads("{\"@module\":\"pymatgen.core.structure\",\"lattice\":{\"matrix\":"
	    "[[4,0,0],[0,4,0],[0,0,4]]},\"sites\":[{\"species\":[{\"element\":\"Na\",\"occu\":1}],"
	    "\"abc\":[0,0,0]},{\"species\":[{\"element\":\"Cl\",\"occu\":1,\"oxidation_state\":-1}],"
	    "\"abc\":[0.5,0.5,0.5]}]}", 0, &je);
	json_t *dis = json_loads("{\"lattice\":{\"matrix\":[[4,0,0],[0,4,0],[0,0,4]]},\"sites\":"
	    "[{\"species\":[{\"element\":\"Na\",\"occu\":0.5}],\"abc\":[0,0,0]}]}", 0, &je);

	assert_int_equal(structjson_read(pmg, &c, &e, &code), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.z[1], 17);
	assert_null(c.oxi);	/* only one site had an oxidation state */
	json_t *compact = structjson_compact(&c);
	struct cell d = CELL_INIT;
	assert_int_equal(structjson_read(compact, &d, &e, &code), 0);
	assert_int_equal(d.n, 2);
	assert_near(d.frac[1][2], 0.5, 0);
	cell_release(&c);
	assert_int_equal(structjson_read(dis, &c, &e, &code), -1);
	assert_int_equal(code, HK_E_DISORDER);
	json_decref(pmg);
	json_decref(dis);
	json_decref(compact);
	cell_release(&c);
	cell_release(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(textbook_space_groups),
		cmocka_unit_test(sanitize_conventional_to_primitive),
		cmocka_unit_test(json_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
