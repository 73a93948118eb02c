#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cif.h"
#include "hops.h"
#include "lattice.h"
#include "percolate.h"
#include "supercell.h"
#include "symmetry.h"
#include "testutil.h"

/* Hops as find-paths finds them: in the primitive cell when c is not one. */
static struct hopset
find(const struct cell *c, double cutoff)
{
	struct symmetry s = SYMMETRY_INIT, ps = SYMMETRY_INIT;
	struct hopset hs = HOPSET_INIT;
	struct hk_err e = HK_ERR_INIT;
	struct cell p = CELL_INIT;

	assert_int_equal(sym_analyze(c, 0.1, &s, &e), 0);
	if (s.n_prim < c->n) {
		sym_primitive_of(c, &s, &p);
		assert_int_equal(sym_analyze(&p, 0.1, &ps, &e), 0);
		c = &p;
	}
	if (hops_find(c, ps.nops ? &ps : &s, 9, cutoff, 0.1, &hs, &e) != 0)
		fail_msg("%s", e.msg);
	sym_release(&s);
	sym_release(&ps);
	cell_release(&p);
	return hs;
}

/* Hops per F ion of each class: 2 * multiplicity / (F per cell). */
static double
per_ion(const struct hopset *hs, int k)
{
	return 2.0 * hs->h[k].multiplicity / hs->nion;
}

/*
 * Rock salt LiF, a = 4.08343 A: F on an fcc lattice, so F-F shells at
 * a/sqrt2 (12 neighbours), a (6), a*sqrt(3/2) (24); the third lies at
 * 5.0012 A, inside 5 A plus the 0.01 A slack.
 */
static void
rock_salt_lif(void **state)
{
	struct cell c = test_cell("structures/mp-1138_LiF.cif");
	struct hopset hs = find(&c, 5.0);
	double a = 2.88741907 * sqrt(2);

	assert_int_equal(hs.n, 3);
	assert_near(hs.h[0].length, a / sqrt(2), 1e-6);
	assert_near(hs.h[1].length, a, 1e-5);
	assert_near(hs.h[2].length, a * sqrt(1.5), 1e-5);
	assert_near(per_ion(&hs, 0), 12, 0);
	assert_near(per_ion(&hs, 1), 6, 0);
	assert_near(per_ion(&hs, 2), 24, 0);
	hopset_release(&hs);
	hs = find(&c, 4.5);
	assert_int_equal(hs.n, 2);
	hopset_release(&hs);
	cell_release(&c);
}

/*
 * Fluorite CaF2: F on a simple cubic lattice of edge a/2 = 2.758 A.  Edges
 * (6 neighbours), face diagonals (12), and body diagonals (8), which split
 * into two classes of 4: across a cube with Ca at its centre, and across
 * an empty cube.
 */
static void
fluorite_caf2(void **state)
{
	struct cell c = test_cell("structures/mp-2741_CaF2.cif");
	struct hopset hs = find(&c, 5.0);
	double h = 3.90043766 / sqrt(2);	/* a/2 from the primitive edge a/sqrt2 */

	assert_int_equal(hs.n, 4);
	assert_near(hs.h[0].length, h, 1e-6);
	assert_near(hs.h[1].length, h * sqrt(2), 1e-6);
	assert_near(hs.h[2].length, h * sqrt(3), 1e-6);
	assert_near(hs.h[3].length, h * sqrt(3), 1e-6);
	assert_near(per_ion(&hs, 0), 6, 0);
	assert_near(per_ion(&hs, 1), 12, 0);
	assert_near(per_ion(&hs, 2), 4, 0);
	assert_near(per_ion(&hs, 3), 4, 0);
	/* F edges alone already form the 3D simple cubic net */
	assert_int_equal(hops_dimensionality_upto(&hs, 0), 3);
	hopset_release(&hs);
	cell_release(&c);
}

/*
 * Rutile MgF2 (P4_2/mnm), F on 4f: (x,x,0), (-x,-x,0), (1/2+x,1/2-x,1/2),
 * (1/2-x,1/2+x,1/2).  The shortest F-F hop is the octahedral edge shared
 * between octahedra: (x,x,0) to (1-x,1-x,0), (1-2x) sqrt2 a, one partner
 * per F; the hop along c has length c, two partners per F.  The
 * shortest hops alone are isolated pairs (dimension 0).
 */
static void
rutile_mgf2(void **state)
{
	struct cell conv = test_cell("structures/mp-1249_MgF2_sym.cif");
	struct hopset hs = find(&conv, 5.0);
	double abc[3], ang[3], x = -1;
	int k_c = -1;

	lat_params(conv.lattice, abc, ang);
	assert_near(abc[0], abc[1], 1e-6);	/* a = b, c the unique axis */
	for (int i = 0; i < conv.n; i++)
		if (conv.z[i] == 9 && fabs(conv.frac[i][2]) < 1e-6 && fabs(conv.frac[i][0] - conv.frac[i][1]) < 1e-6)
			x = fmin(conv.frac[i][0], 1 - conv.frac[i][0]);
	assert_true(x > 0.29 && x < 0.32);	/* rutile's F parameter */
	assert_int_equal(hs.n, 10);
	assert_near(hs.h[0].length, (1 - 2 * x) * sqrt(2) * abc[0], 1e-6);
	assert_near(per_ion(&hs, 0), 1, 0);
	for (int k = 0; k < hs.n; k++)
		if (fabs(hs.h[k].length - abc[2]) < 1e-6)
			k_c = k;
	assert_true(k_c > 0);
	assert_near(per_ion(&hs, k_c), 2, 0);
	assert_int_equal(hops_dimensionality_upto(&hs, 0), 0);
	assert_int_equal(hops_dimensionality_upto(&hs, 1), 3);
	hopset_release(&hs);
	cell_release(&conv);
}

/*
 * Tysonite LaF3 (P-3c1): 18 F in three orbits (12g, 4d, 2a).  27 distinct
 * F hops up to 5 A; the shortest (2.568 A) joins F1 sites in isolated
 * pairs, so the network of it alone is 0-dimensional.
 */
static void
tysonite_laf3(void **state)
{
	struct cell c = test_cell("structures/mp-905_LaF3.cif");
	struct symmetry s = SYMMETRY_INIT;
	struct hk_err e = HK_ERR_INIT;
	struct hopset hs = find(&c, 5.0);
	int orbits = 0;

	assert_int_equal(sym_analyze(&c, 0.1, &s, &e), 0);
	for (int i = 0; i < c.n; i++)
		orbits += c.z[i] == 9 && s.equiv[i] == i;
	assert_int_equal(orbits, 3);
	assert_int_equal(hs.nion, 18);
	assert_int_equal(hs.n, 27);
	assert_near(hs.h[0].length, 2.568018, 1e-5);
	assert_int_equal(hops_dimensionality_upto(&hs, 0), 0);
	for (int k = 1; k < hs.n; k++)
		assert_true(hs.h[k].length >= hs.h[k - 1].length - 1e-9);
	sym_release(&s);
	hopset_release(&hs);
	cell_release(&c);
}

/*
 * Lengths and hops per ion, which do not depend on the cell chosen.  The
 * symmetrised files were rewritten by pymatgen at 0.01 A, which moves
 * atoms by a few 1e-6 A, hence the tolerance.
 */
static void
assert_same_hops(const struct hopset *a, const struct hopset *b)
{
	int used[512] = { 0 };

	assert_int_equal(a->n, b->n);
	assert_true(a->n <= 512);
	/* hops of equal length may come in either order */
	for (int k = 0; k < a->n; k++) {
		int found = -1;
		for (int m = 0; m < b->n && found < 0; m++)
			if (!used[m] && fabs(a->h[k].length - b->h[m].length) < 1e-4 &&
			    per_ion(a, k) == per_ion(b, m))
				found = m;
		if (found < 0)
			fail_msg("hop %d (%.6f A, %g per ion) has no match", k, a->h[k].length, per_ion(a, k));
		used[found] = 1;
	}
}

static struct cell
supercell_of(const struct cell *c, const int n[3])
{
	struct cell s = CELL_INIT;

	for (int r = 0; r < 3; r++)
		for (int k = 0; k < 3; k++)
			s.lattice[r][k] = c->lattice[r][k] * n[r];
	for (int i = 0; i < c->n; i++)
		for (int x = 0; x < n[0]; x++)
		for (int y = 0; y < n[1]; y++)
		for (int z = 0; z < n[2]; z++) {
			double f[3] = { (c->frac[i][0] + x) / n[0], (c->frac[i][1] + y) / n[1],
				(c->frac[i][2] + z) / n[2] };
			cell_add(&s, c->z[i], f, 0);
		}
	return s;
}

static void
invariant_under_cell_choice(void **state)
{
	static const char *const pairs[][2] = {
		{ "structures/mp-1138_LiF.cif", "structures/mp-1138_LiF_sym.cif" },
		{ "structures/mp-2741_CaF2.cif", "structures/mp-2741_CaF2_sym.cif" },
		{ "structures/mp-905_LaF3.cif", "structures/mp-905_LaF3_sym.cif" },
		{ "structures/mp-1249_MgF2.cif", "structures/mp-1249_MgF2_sym.cif" },
	};

	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
		struct cell prim = test_cell(pairs[p][0]), conv = test_cell(pairs[p][1]);
		const int n221[3] = { 2, 2, 1 };
		struct cell big = supercell_of(&prim, n221), moved = CELL_INIT;
		struct hopset h0 = find(&prim, 4.6), h1 = find(&conv, 4.6), h2 = find(&big, 4.6), h3;

		assert_same_hops(&h0, &h1);
		assert_same_hops(&h0, &h2);
		/* shifted origin and reversed site order */
		memcpy(moved.lattice, prim.lattice, sizeof(moved.lattice));
		for (int i = prim.n - 1; i >= 0; i--) {
			double f[3] = { prim.frac[i][0] + 0.137, prim.frac[i][1] - 0.42, prim.frac[i][2] + 0.9 };
			cell_add(&moved, prim.z[i], f, 0);
		}
		cell_wrap(&moved);
		h3 = find(&moved, 4.6);
		assert_same_hops(&h0, &h3);
		hopset_release(&h0);
		hopset_release(&h1);
		hopset_release(&h2);
		hopset_release(&h3);
		cell_release(&prim);
		cell_release(&conv);
		cell_release(&big);
		cell_release(&moved);
	}
}

/* Chains, sheets and a 3D net of one site per cell. */
static void
percolation_ranks(void **state)
{
	struct pedge chain[] = { { 0, 0, { 1, 0, 0 } } };
	struct pedge sheet[] = { { 0, 0, { 1, 0, 0 } }, { 0, 0, { 0, 1, 0 } } };
	struct pedge net[] = { { 0, 1, { 0, 0, 0 } }, { 1, 0, { 1, 0, 0 } }, { 1, 0, { 0, 1, 1 } },
		{ 0, 1, { 0, 0, -1 } } };
	struct pedge pair[] = { { 0, 1, { 0, 0, 0 } }, { 1, 0, { 0, 0, 0 } } };
	struct pedge diag[] = { { 0, 0, { 1, 1, 0 } }, { 0, 0, { 2, 2, 0 } } };

	assert_int_equal(percolate_dim(1, chain, 1), 1);
	assert_int_equal(percolate_dim(1, sheet, 2), 2);
	assert_int_equal(percolate_dim(2, net, 4), 3);
	assert_int_equal(percolate_dim(2, pair, 2), 0);
	assert_int_equal(percolate_dim(1, diag, 2), 1);
	assert_int_equal(percolate_dim(3, NULL, 0), 0);
}

static void
check_supercell(const double l[3][3], double lmin, int upper)
{
	struct supercell sc;
	double s[3][3], m[3][3], w[3], v = fabs(lat_volume(l));

	assert_int_equal(supercell_min(l, lmin, 1000, &sc), 0);
	assert_true(sc.det <= upper);
	/* a cell's volume is at least the product of its widths */
	assert_true(sc.det * v >= lmin * lmin * lmin - 1e-6);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			m[i][j] = sc.m[i][j];
	assert_near(mat3_det(m), sc.det, 1e-9);	/* right-handed */
	mat3_mul(m, l, s);
	lat_widths(s, w);
	for (int k = 0; k < 3; k++)
		assert_true(w[k] >= lmin - 1e-9);
	assert_near(fmin(fmin(w[0], w[1]), w[2]), sc.min_width, 1e-9);
}

static void
supercells(void **state)
{
	double cubic[3][3] = { { 3, 0, 0 }, { 0, 3, 0 }, { 0, 0, 3 } };
	double fcc[3][3] = { { 0, 2.04171, 2.04171 }, { 2.04171, 0, 2.04171 }, { 2.04171, 2.04171, 0 } };
	double big[3][3] = { { 8, 0, 0 }, { 0, 9, 0 }, { 1, 0, 7.5 } };
	struct supercell sc;
	int n[3];

	/* 3x3x3 is not the smallest: a skewed supercell of 14 cells is 7 A wide */
	check_supercell(cubic, 7, 26);
	check_supercell(fcc, 7, 26);
	assert_int_equal(supercell_min(big, 7, 1000, &sc), 0);
	assert_int_equal(sc.det, 1);
	supercell_study_n(cubic, 7, n);
	assert_int_equal(n[0], 3);	/* floor(7/3) + 1 */
	supercell_study_n(cubic, 6, n);
	assert_int_equal(n[0], 3);	/* floor(6/3) + 1: strictly longer than L */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rock_salt_lif),
		cmocka_unit_test(fluorite_caf2),
		cmocka_unit_test(rutile_mgf2),
		cmocka_unit_test(tysonite_laf3),
		cmocka_unit_test(invariant_under_cell_choice),
		cmocka_unit_test(percolation_ranks),
		cmocka_unit_test(supercells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
