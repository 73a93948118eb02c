#include <math.h>
#include <string.h>

#include "neb.h"
#include "testutil.h"

/* One atom on a straight band, energies rising: the tangent points uphill to the next image. */
static void
straight_band_uphill(void **state)
{
	const double x[] = { 0, 0, 0, 1, 0, 0, 2.5, 0, 0, 4, 0, 0 }, e[] = { 0, 1, 2, 3 };
	double f[] = { -1, 0.5, 0, -1, 0, 0.25 }, tau[6];
	struct neb_info in[2];

	(void)state;
	neb_project_info(x, 4, 3, e, 5, 0, f, tau, in);
	assert_near(tau[0], 1, 1e-15);
	assert_near(tau[1], 0, 1e-15);
	assert_near(in[0].dprev, 1, 1e-15);
	assert_near(in[0].dnext, 1.5, 1e-15);
	assert_near(in[0].angle, 180, 1e-6);
	assert_near(in[0].real, -1, 1e-15);
	assert_near(in[0].perp, 0.5, 1e-15);
	assert_near(in[0].spring, 5 * (1.5 - 1), 1e-15);
	/* the NEB force: the perpendicular part and the spring along the tangent */
	assert_near(f[0], 2.5, 1e-15);
	assert_near(f[1], 0.5, 1e-15);
	assert_near(in[1].spring, 5 * (1.5 - 1.5), 1e-15);
	assert_near(in[1].perp, 0.25, 1e-15);
}

/* At a maximum the tangent weighs each segment by its energy step; the climbing image's force turns. */
static void
kinked_band_at_maximum(void **state)
{
	const double x[] = { 0, 0, 0, 1, 1, 0, 2, 0, 0 }, e[] = { 0, 1, 0.5 };
	double f[] = { 0.3, -2, 0.1 }, g[3], tau[3], t[3] = { 1.5, -0.5, 0 }, nt = sqrt(1.5 * 1.5 + 0.25);
	struct neb_info in;

	(void)state;
	memcpy(g, f, sizeof(f));
	neb_project_info(x, 3, 3, e, 5, 1, f, tau, &in);
	for (int k = 0; k < 3; k++)
		assert_near(tau[k], t[k] / nt, 1e-15);
	assert_near(in.angle, 90, 1e-9);
	assert_near(in.dprev, sqrt(2), 1e-15);
	double along = (g[0] * t[0] + g[1] * t[1]) / nt;
	assert_near(in.real, along, 1e-15);
	for (int k = 0; k < 3; k++)
		assert_near(f[k], g[k] - 2 * along * t[k] / nt, 1e-15);
	/* the same forces as neb_project, which reports nothing */
	neb_project(x, 3, 3, e, 5, 1, g);
	for (int k = 0; k < 3; k++)
		assert_near(g[k], f[k], 0);
}

/* A hop straight through an atom, with another atom off the line in +y: the detour bends to -y. */
static void
detour_bends_away_from_the_crowd(void **state)
{
	struct neb_path p = NEB_PATH_INIT;
	struct cell img[7] = { CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT };
	const double l[3][3] = { { 8, 0, 0 }, { 0, 8, 0 }, { 0, 0, 8 } };

	(void)state;
	memcpy(p.start.lattice, l, sizeof(l));
	cell_add(&p.start, 9, (double[3]){ 0, 0.5, 0.5 }, 0);
	cell_add(&p.start, 3, (double[3]){ 0.25, 0.5, 0.5 }, 0);
	cell_add(&p.start, 3, (double[3]){ 0.25, 0.6, 0.5 }, 0);
	cell_copy(&p.end, &p.start);
	p.end.frac[0][0] = 0.5;
	p.mover = 0;
	p.hop[0] = 4;
	neb_detour(&p, 5, 0.5, img);
	for (int k = 0; k < 7; k++) {
		double s = 0.5 * sin(M_PI * k / 6);
		/* along the hop as the line; off it by amp sin(pi t), all of it in -y */
		assert_near(img[k].frac[0][0], k / 12.0, 1e-12);
		assert_near(img[k].frac[0][1], 0.5 - s / 8, 1e-12);
		assert_near(img[k].frac[0][2], 0.5, 1e-12);
		assert_near(img[k].frac[1][1], 0.5, 0);
		cell_release(&img[k]);
	}
	neb_path_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(straight_band_uphill),
		cmocka_unit_test(kinked_band_at_maximum),
		cmocka_unit_test(detour_bends_away_from_the_crowd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
