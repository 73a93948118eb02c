#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "idpp.h"
#include "lattice.h"
#include "neb.h"
#include "poscar.h"
#include "testutil.h"

/*
 * pymatgen-analysis-diffusion's own IDPP test: CONTCAR-0 -> CONTCAR-1 of Li
 * in LiFePO4 (111 atoms), 3 images, only Li moving.  Reference: its
 * IDPPSolver (v2022.7.21) run to gtol 1e-6, tol 1e-12 on the same
 * interpolation (fractional, minimum image): image 1 site 0 and image 2
 * site 10 (frac).  At its default gtol 1e-3 it stops 3e-4 (frac) short.
 */
static void
matches_pymatgen_idppsolver(void **state)
{
	struct cell a = test_cell("vasp/CONTCAR-0.LiFePO4"), b = test_cell("vasp/CONTCAR-1.LiFePO4");
	struct cell img[5] = { CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT };
	struct idpp_opts o;
	struct idpp_result r;
	struct hk_err e = HK_ERR_INIT;
	unsigned char *mov = calloc((size_t)a.n, 1);
	static const double ref1[3] = { 0.48212097630615364, 0.6826734702737918, 0.2653471502174395 };
	static const double ref2[3] = { 0.501140543416411, 0.7495875658556118, 0.7514723606002265 };

	for (int k = 0; k < 5; k++) {
		cell_copy(&img[k], &a);
		for (int i = 0; i < a.n; i++)
			for (int d = 0; d < 3; d++) {
				double v = b.frac[i][d] - a.frac[i][d];
				v -= round(v);
				img[k].frac[i][d] = a.frac[i][d] + v * k / 4.0;
			}
	}
	for (int i = 0; i < a.n; i++)
		mov[i] = a.z[i] == 3;
	idpp_opts_init(&o);
	o.movable = mov;
	o.ftol = 1e-6;
	o.model = IDPP_FIXED_WEIGHTS;	/* IDPPSolver's objective, here minimised by FIRE */
	assert_int_equal(idpp_relax(img, 5, &o, &r, &e), 0);
	assert_true(r.converged);
	for (int d = 0; d < 3; d++) {
		assert_near(img[1].frac[0][d], ref1[d], 2e-5);
		assert_near(img[2].frac[10][d], ref2[d], 2e-5);
	}
	/* atoms that may not move stay on the straight line */
	assert_near(img[2].frac[30][0], (a.frac[30][0] + b.frac[30][0]) / 2, 1e-12);
	for (int k = 0; k < 5; k++)
		cell_release(&img[k]);
	cell_release(&a);
	cell_release(&b);
	free(mov);
}

/* A vacancy hop in a supercell: endpoints differ only by the moving ion. */
static void
vacancy_endpoints(void **state)
{
	struct cell c = CELL_INIT;
	struct neb_path p;
	struct hk_err e = HK_ERR_INIT;
	const int m[3][3] = { { 2, 0, 0 }, { 0, 2, 0 }, { 0, 0, 2 } }, img[3] = { 1, 0, 0 };
	double f0[3] = { 0, 0, 0 }, f1[3] = { 0.5, 0.5, 0.5 };
	struct cell lin[3] = { CELL_INIT, CELL_INIT, CELL_INIT };

	lat_from_params(4, 4, 4, 90, 90, 90, c.lattice);
	cell_add(&c, 55, f0, 0);
	cell_add(&c, 17, f1, 0);
	/* Cl at (0.5,0.5,0.5) hops to its image at (1.5,0.5,0.5) */
	assert_int_equal(neb_endpoints(&c, 1, 1, img, m, &p, &e), 0);
	assert_int_equal(p.start.n, 15);
	assert_int_equal(p.end.n, 15);
	assert_int_equal(p.start.z[p.mover], 17);
	assert_near(sqrt(p.hop[0] * p.hop[0] + p.hop[1] * p.hop[1] + p.hop[2] * p.hop[2]), 4, 1e-12);
	for (int a = 0; a < p.start.n; a++)
		if (a != p.mover)
			for (int d = 0; d < 3; d++)
				assert_true(p.start.frac[a][d] == p.end.frac[a][d]);
	neb_linear(&p, 1, lin);
	assert_near(lin[1].frac[p.mover][0] - lin[0].frac[p.mover][0], 0.25, 1e-12);
	/* a hop onto its own image in a 1x1x1 cell is refused */
	const int one[3][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
	struct neb_path q;
	assert_int_equal(neb_endpoints(&c, 1, 1, img, one, &q, &e), -1);
	const int flat[3][3] = { { 1, 0, 0 }, { 1, 0, 0 }, { 0, 0, 1 } };
	assert_int_equal(neb_endpoints(&c, 1, 1, img, flat, &q, &e), -1);
	assert_non_null(strstr(e.msg, "determinant"));
	for (int k = 0; k < 3; k++)
		cell_release(&lin[k]);
	neb_path_release(&p);
	cell_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_pymatgen_idppsolver),
		cmocka_unit_test(vacancy_endpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
