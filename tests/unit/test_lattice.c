#include <math.h>
#include <string.h>

#include "cell.h"
#include "lattice.h"
#include "neigh.h"
#include "testutil.h"

static void
params_round_trip(void **state)
{
	double l[3][3], abc[3], ang[3];

	assert_int_equal(lat_from_params(3, 4, 5, 80, 95, 110, l), 0);
	lat_params(l, abc, ang);
	assert_near(abc[0], 3, 1e-12);
	assert_near(abc[1], 4, 1e-12);
	assert_near(abc[2], 5, 1e-12);
	assert_near(ang[0], 80, 1e-10);
	assert_near(ang[1], 95, 1e-10);
	assert_near(ang[2], 110, 1e-10);
	assert_true(lat_volume(l) > 0);
	/* angles that cannot close a cell */
	assert_int_equal(lat_from_params(1, 1, 1, 10, 10, 170, l), -1);
	assert_int_equal(lat_from_params(1, 1, 0, 90, 90, 90, l), -1);
}

static void
inverse_and_widths(void **state)
{
	double l[3][3] = { { 4, 0, 0 }, { 2, 3, 0 }, { 1, 1, 5 } }, inv[3][3], f[3], r[3];
	double w[3], p[3] = { 0.1, 0.7, -0.3 };

	assert_int_equal(lat_inverse(l, inv), 0);
	lat_frac_to_cart(l, p, r);
	lat_cart_to_frac(inv, r, f);
	for (int k = 0; k < 3; k++)
		assert_near(f[k], p[k], 1e-14);
	lat_widths(l, w);
	assert_near(w[2], 5, 1e-12);	/* c's height over the ab plane */
	double sing[3][3] = { { 1, 0, 0 }, { 2, 0, 0 }, { 0, 0, 1 } };
	assert_int_equal(lat_inverse(sing, inv), -1);
}

/* A badly skewed basis of the fcc lattice (a = 4) reduces to the 60-degree cell. */
static void
niggli_of_skewed_fcc(void **state)
{
	double p[3][3] = { { 0, 2, 2 }, { 2, 0, 2 }, { 2, 2, 0 } };
	double m[3][3] = { { 1, 5, -3 }, { 0, 1, 7 }, { 0, 0, 1 } };
	double skew[3][3], red[3][3], t[3][3], abc[3], ang[3];

	mat3_mul(m, p, skew);
	assert_int_equal(lat_niggli(skew, 1e-5, red, t), 0);
	lat_params(red, abc, ang);
	for (int k = 0; k < 3; k++) {
		assert_near(abc[k], sqrt(8), 1e-9);
		assert_near(ang[k], 60, 1e-7);
	}
	assert_near(lat_volume(red), lat_volume(skew), 1e-9);
	assert_near(fabs(mat3_det(t)), 1, 1e-12);
	lat_lll(skew, red, t);
	assert_near(fabs(lat_volume(red)), fabs(lat_volume(skew)), 1e-9);
	lat_params(red, abc, ang);
	for (int k = 0; k < 3; k++)
		assert_true(abc[k] < 3.0);
}

struct count {
	int n;
	double dmin;
};

static int
count_visit(void *ctx, int j, const int img[3], double d)
{
	struct count *c = ctx;

	(void)j, (void)img;
	c->n++;
	if (d < c->dmin)
		c->dmin = d;
	return 0;
}

/* Cell list against brute force: skewed cell, cutoff three times an edge. */
static void
neighbours_match_brute_force(void **state)
{
	double l[3][3], frac[5][3] = { { 0, 0, 0 }, { 0.3, 0.1, 0.9 }, { 0.5, 0.5, 0.5 },
		{ 0.99, 0.2, 0.4 }, { -0.2, 1.7, 0.3 } };
	struct neigh_grid g;
	double rc = 7.5;

	assert_int_equal(lat_from_params(2.5, 3.1, 4.0, 70, 110, 65, l), 0);
	assert_int_equal(neigh_build(&g, l, 5, (const double (*)[3])frac, rc), 0);
	for (int i = 0; i < 5; i++) {
		struct count c = { 0, 1e9 };
		int brute = 0;
		neigh_query(&g, frac[i], rc, count_visit, &c);
		for (int j = 0; j < 5; j++)
			for (int a = -12; a <= 12; a++)
				for (int b = -12; b <= 12; b++)
					for (int d = -12; d <= 12; d++) {
						double f[3] = { frac[j][0] + a - frac[i][0], frac[j][1] + b - frac[i][1],
							frac[j][2] + d - frac[i][2] }, r[3];
						lat_frac_to_cart(l, f, r);
						if (sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) < rc)
							brute++;
					}
		assert_int_equal(c.n, brute);
	}
	neigh_release(&g);
}

static void
min_distance_and_wrap(void **state)
{
	struct cell c = CELL_INIT;
	double f1[3] = { 0.01, 0.5, 0.5 }, f2[3] = { 0.99, 0.5, 0.5 }, f3[3] = { -0.5, 1.25, 1.0 };
	int i, j;

	lat_from_params(10, 10, 10, 90, 90, 90, c.lattice);
	cell_add(&c, 9, f1, 0);
	cell_add(&c, 3, f2, 0);
	assert_near(cell_min_distance(&c, &i, &j), 0.2, 1e-9);
	cell_add(&c, 3, f3, 0);
	cell_wrap(&c);
	assert_near(c.frac[2][0], 0.5, 1e-15);
	assert_near(c.frac[2][1], 0.25, 1e-15);
	assert_true(c.frac[2][2] == 0.0);
	cell_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(params_round_trip),
		cmocka_unit_test(inverse_and_widths),
		cmocka_unit_test(niggli_of_skewed_fcc),
		cmocka_unit_test(neighbours_match_brute_force),
		cmocka_unit_test(min_distance_and_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
