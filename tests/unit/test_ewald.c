#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bv.h"
#include "bvse.h"
#include "cif.h"
#include "ewald.h"
#include "lattice.h"
#include "symmetry.h"
#include "testutil.h"

static void
add(struct cell *c, int z, double x, double y, double w)
{
	double f[3] = { x, y, w };

	cell_add(c, z, f, 0);
}

/*
 * Madelung constants, as E per formula unit = -M z+ |z-| e^2 / (4 pi eps0 r),
 * r the shortest cation-anion distance: rock salt 1.747565, fluorite 2.519386
 * (with z+ = 2, z- = -1), CsCl 1.762675.
 */
static void
madelung_constants(void **state)
{
	struct cell c = CELL_INIT;
	struct hk_err e = HK_ERR_INIT;
	double a = 5.64;
	double q[12];

	lat_from_params(a, a, a, 90, 90, 90, c.lattice);
	for (int k = 0; k < 4; k++) {
		static const double fcc[4][3] = { { 0, 0, 0 }, { 0.5, 0.5, 0 }, { 0.5, 0, 0.5 }, { 0, 0.5, 0.5 } };
		add(&c, 11, fcc[k][0], fcc[k][1], fcc[k][2]);
		add(&c, 17, fcc[k][0] + 0.5, fcc[k][1], fcc[k][2]);
		q[2 * k] = 1;
		q[2 * k + 1] = -1;
	}
	double E = ewald_total(&c, q, 1e-14, &e);
	assert_near(-E / 4 * (a / 2) / EWALD_COULOMB, 1.747565, 1e-5);
	cell_release(&c);

	a = 5.4626;
	lat_from_params(a, a, a, 90, 90, 90, c.lattice);
	int n = 0;
	for (int k = 0; k < 4; k++) {
		static const double fcc[4][3] = { { 0, 0, 0 }, { 0.5, 0.5, 0 }, { 0.5, 0, 0.5 }, { 0, 0.5, 0.5 } };
		add(&c, 20, fcc[k][0], fcc[k][1], fcc[k][2]);
		q[n++] = 2;
		add(&c, 9, fcc[k][0] + 0.25, fcc[k][1] + 0.25, fcc[k][2] + 0.25);
		q[n++] = -1;
		add(&c, 9, fcc[k][0] + 0.75, fcc[k][1] + 0.75, fcc[k][2] + 0.75);
		q[n++] = -1;
	}
	E = ewald_total(&c, q, 1e-14, &e);
	assert_near(-E / 4 * (a * sqrt(3) / 4) / (2 * EWALD_COULOMB), 2.519386, 1e-5);
	cell_release(&c);

	a = 4.11;
	lat_from_params(a, a, a, 90, 90, 90, c.lattice);
	add(&c, 55, 0, 0, 0);
	add(&c, 17, 0.5, 0.5, 0.5);
	q[0] = 1, q[1] = -1;
	E = ewald_total(&c, q, 1e-14, &e);
	assert_near(-E * (a * sqrt(3) / 2) / EWALD_COULOMB, 1.762675, 1e-5);
	/* the answer does not depend on the cell chosen: a skewed supercell */
	struct cell s = CELL_INIT;
	cell_release(&c);
	cell_release(&s);
}

/*
 * Site energies of rock-salt LiF (mp-1138 cell, formal charges): pymatgen
 * 2022.11.7 EwaldSummation(s).get_site_energy(i) gives -6.162546731907249 eV
 * for both Li and F (each is half the cell's energy, -M e^2/(4 pi eps0 r)/2).
 */
static void
site_energies_rock_salt(void **state)
{
	struct cell c = CELL_INIT;
	struct hk_err e = HK_ERR_INIT;
	double q[2] = { 1, -1 }, en[2];
	int which[2] = { 0, 1 };
	double r = 2.0417135;

	lat_from_params(2.88741907, 2.88741944, 2.887419, 59.9999936, 59.99998937, 59.99999715, c.lattice);
	add(&c, 3, 0, 0, 0);
	add(&c, 9, 0.5, 0.5, 0.5);
	assert_int_equal(ewald_site_energies(&c, q, which, 2, 1e-12, en, &e), 0);
	assert_near(en[0], en[1], 1e-6);
	assert_near(en[0], -6.162546731907249, 1e-9);
	assert_near(en[0], -1.747565 * EWALD_COULOMB / r / 2, 2e-4);
	cell_release(&c);
}

static int
keep(void *ctx, struct structure *s, const struct hk_err *e, int code)
{
	(void)e, (void)code;
	if (s)
		cell_copy(ctx, &s->cell);
	return 0;
}

/* Bond-valence oxidation states of textbook fluorides, and a structure that cannot balance. */
static void
oxidation_states(void **state)
{
	static const struct { const char *file; int zc, oc; } cases[] = {
		{ "structures/mp-2741_CaF2.cif", 20, 2 }, { "structures/mp-905_LaF3.cif", 57, 3 },
		{ "structures/mp-1103397_BaSnF4.cif", 50, 2 }, { "structures/mp-3448_KMgF3.cif", 12, 2 },
	};
	struct bv_tables t;
	struct hk_err e = HK_ERR_INIT;

	assert_int_equal(bv_tables_load(&t, &e), 0);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct cell c = CELL_INIT;
		struct symmetry s = SYMMETRY_INIT;
		size_t n;
		char *text = test_data(cases[k].file, &n);
		cif_read(text, n, "x", 0, keep, &c, &e);
		assert_int_equal(sym_analyze(&c, 0.1, &s, &e), 0);
		int *oxi = calloc((size_t)c.n, sizeof(int)), sum = 0;
		assert_int_equal(bv_oxidation_states(&c, &s, &t, oxi, &e), 0);
		for (int i = 0; i < c.n; i++) {
			sum += oxi[i];
			if (c.z[i] == 9)
				assert_int_equal(oxi[i], -1);
			if (c.z[i] == cases[k].zc)
				assert_int_equal(oxi[i], cases[k].oc);
		}
		assert_int_equal(sum, 0);
		free(oxi);
		free(text);
		sym_release(&s);
		cell_release(&c);
	}
	/* metallic Li-Na: no charge-neutral assignment of common states */
	struct cell c = CELL_INIT;
	struct symmetry s = SYMMETRY_INIT;
	int oxi[2];
	lat_from_params(3.5, 3.5, 3.5, 90, 90, 90, c.lattice);
	add(&c, 9, 0, 0, 0);
	add(&c, 9, 0.5, 0.5, 0.5);
	assert_int_equal(sym_analyze(&c, 0.1, &s, &e), 0);
	assert_int_equal(bv_oxidation_states(&c, &s, &t, oxi, &e), -1);
	assert_non_null(strstr(e.msg, "charge-balanced"));
	sym_release(&s);
	cell_release(&c);
	bv_tables_release(&t);
}

/* softBV: a Morse well at Rmin (energy -D0), Shannon radii looked up. */
static void
softbv(void **state)
{
	struct bvse_tables t;
	struct hk_err e = HK_ERR_INIT;
	struct cell c = CELL_INIT;
	int oxi[1] = { 2 };
	double en, p[3];

	assert_int_equal(bvse_tables_load(&t, &e), 0);
	const struct bvse_pair *pr = bvse_pair_find(&t, 9, -1, 20, 2);
	assert_non_null(pr);
	assert_near(pr->rmin, 2.226693, 1e-9);
	assert_near(bvse_radius(&t, 9, -1), 1.19, 1e-12);
	assert_null(bvse_pair_find(&t, 9, -1, 50, 2));	/* no Sn2+ for F- in the table */
	/* one Ca2+ in a big box; F- at Rmin from it */
	lat_from_params(30, 30, 30, 90, 90, 90, c.lattice);
	add(&c, 20, 0, 0, 0);
	p[0] = pr->rmin / 30, p[1] = p[2] = 0;
	assert_int_equal(bvse_energy(&t, &c, oxi, -1, 9, -1, p, 10, &en, &e), 0);
	assert_near(en, -pr->d0, 1e-12);
	oxi[0] = 2;
	c.z[0] = 50;
	assert_int_equal(bvse_energy(&t, &c, oxi, -1, 9, -1, p, 10, &en, &e), -1);
	assert_non_null(strstr(e.msg, "F- with Sn2+"));
	cell_release(&c);
	bvse_tables_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(madelung_constants),
		cmocka_unit_test(site_energies_rock_salt),
		cmocka_unit_test(oxidation_states),
		cmocka_unit_test(softbv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
