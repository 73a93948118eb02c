#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bv.h"
#include "bvse.h"
#include "cell.h"
#include "ff.h"
#include "fire.h"
#include "lattice.h"
#include "neb.h"
#include "testutil.h"

/* The structure doubled along a, without its first F; atoms shaken when asked. */
static struct cell
vacancy_cell(const char *name, int shake)
{
	struct cell c = test_cell(name), s = CELL_INIT;
	const int m[3][3] = { { 2, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
	struct hk_err e = HK_ERR_INIT;
	int removed = 0;

	assert_int_equal(neb_supercell(&c, m, &s, &e), 0);
	cell_release(&c);
	c = (struct cell)CELL_INIT;
	memcpy(c.lattice, s.lattice, sizeof(c.lattice));
	srand(7);
	for (int i = 0; i < s.n; i++) {
		if (s.z[i] == 9 && !removed) {
			removed = 1;
			continue;
		}
		double f[3];
		for (int k = 0; k < 3; k++)
			f[k] = s.frac[i][k] + (shake ? (rand() / (double)RAND_MAX - 0.5) * 0.02 : 0);
		cell_add(&c, s.z[i], f, 0);
	}
	cell_release(&s);
	return c;
}

struct model {
	struct bvse_tables t;
	struct bv_tables bv;
	struct ff_model m;
	int *q, charge;
	double *x;
};

static void
model_init(struct model *md, const struct cell *c)
{
	struct hk_err e = HK_ERR_INIT;

	assert_int_equal(bvse_tables_load(&md->t, &e), 0);
	assert_int_equal(bv_tables_load(&md->bv, &e), 0);
	md->q = calloc((size_t)c->n, sizeof(int));
	if (ff_charges(c, &md->bv, 0.1, md->q, &md->charge, &e) != 0)
		fail_msg("%s", e.msg);
	if (ff_model_init(&md->m, &md->t, c, md->q, 10, &e) != 0)
		fail_msg("%s", e.msg);
	md->x = malloc((size_t)c->n * 3 * sizeof(double));
	for (int i = 0; i < c->n; i++)
		lat_frac_to_cart(c->lattice, c->frac[i], md->x + 3 * i);
}

static void
model_release(struct model *md)
{
	ff_model_release(&md->m);
	bvse_tables_release(&md->t);
	bv_tables_release(&md->bv);
	free(md->q);
	free(md->x);
}

/* A vacancy leaves the cell one unit positive; every ion keeps its usual charge. */
static void
charges_of_a_vacancy_cell(void **state)
{
	struct cell c = vacancy_cell("structures/mp-2741_CaF2.cif", 0);
	struct model md;

	model_init(&md, &c);
	assert_int_equal(md.charge, 1);
	for (int i = 0; i < c.n; i++)
		assert_int_equal(md.q[i], c.z[i] == 20 ? 2 : -1);
	model_release(&md);
	cell_release(&c);
}

/* Forces are minus the gradient (pairs and springs): central differences, h = 1e-5 Å, agree to 1e-4 eV/Å. */
static void
forces_match_finite_differences(void **state)
{
	static const char *const names[] = { "structures/mp-2741_CaF2.cif", "structures/mp-1138_LiF.cif",
		"structures/mp-905_LaF3.cif", NULL };

	for (int s = 0; names[s]; s++) {
		struct cell c = vacancy_cell(names[s], 1);
		struct model md;
		double *f, h = 1e-5, worst = 0;
		model_init(&md, &c);
		f = malloc((size_t)c.n * 3 * sizeof(double));
		/* springs to positions 0.05 Å away, so that they pull */
		for (int r = 0; r < 3 * c.n; r++)
			md.x[r] += 0.05;
		ff_tether(&md.m, 5, md.x, NULL);
		for (int r = 0; r < 3 * c.n; r++)
			md.x[r] -= 0.05;
		ff_energy(&md.m, md.x, f);
		for (int r = 0; r < 3 * c.n; r++) {
			double keep = md.x[r], ep, em;
			md.x[r] = keep + h;
			ep = ff_energy(&md.m, md.x, NULL);
			md.x[r] = keep - h;
			em = ff_energy(&md.m, md.x, NULL);
			md.x[r] = keep;
			worst = fmax(worst, fabs(-(ep - em) / (2 * h) - f[r]));
		}
		assert_near(worst, 0, 1e-4);
		free(f);
		model_release(&md);
		cell_release(&c);
	}
}

/* Translating every atom changes nothing; the energy is extensive. */
static void
energy_invariant_and_extensive(void **state)
{
	struct cell c = test_cell("structures/mp-2741_CaF2.cif"), s = CELL_INIT;
	const int m[3][3] = { { 2, 0, 0 }, { 0, 2, 0 }, { 0, 0, 1 } };
	struct hk_err e = HK_ERR_INIT;
	struct model a, b;
	double e1, e4;

	assert_int_equal(neb_supercell(&c, m, &s, &e), 0);
	model_init(&a, &c);
	model_init(&b, &s);
	e1 = ff_energy(&a.m, a.x, NULL);
	e4 = ff_energy(&b.m, b.x, NULL);
	assert_near(e4, 4 * e1, 1e-9 * fabs(e4));
	assert_true(e1 < 0);
	for (int i = 0; i < c.n; i++)
		a.x[3 * i] += 0.123, a.x[3 * i + 2] -= 0.456;
	assert_near(ff_energy(&a.m, a.x, NULL), e1, 1e-9 * fabs(e1));
	model_release(&a);
	model_release(&b);
	cell_release(&c);
	cell_release(&s);
}

struct relax {
	struct model *md;
	double last;
	int steps, rose;
};

static double
forces(void *ctx, const double *x, double *f, double *energy)
{
	struct relax *r = ctx;
	double mx = 0;

	*energy = ff_energy(&r->md->m, x, f);
	for (int i = 0; i < r->md->m.n; i++)
		mx = fmax(mx, sqrt(f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2]));
	return mx;
}

static int
accept(void *ctx, const double *x, const double *f, double energy)
{
	struct relax *r = ctx;

	if (r->steps++ > 0 && energy > r->last)
		r->rose = 1;
	r->last = energy;
	return 0;
}

/* A relaxation's accepted energies never rise, and it ends below the force tolerance. */
static void
relaxation_descends_to_tolerance(void **state)
{
	struct cell c = vacancy_cell("structures/mp-1138_LiF.cif", 1);
	struct model md;
	struct fire_opts o;
	struct fire_result res;
	struct relax r = { &md, 0, 0, 0 };
	double e0, f[3 * 64];

	model_init(&md, &c);
	assert_true(c.n <= 64);
	e0 = ff_energy(&md.m, md.x, f);
	fire_opts_init(&o);
	o.ftol = 0.005;
	o.maxiter = 5000;
	o.max_step = 0.1;
	o.monotone = 1;
	o.accept = accept;
	assert_int_equal(fire_minimize(md.x, (size_t)c.n * 3, forces, &r, &o, &res), 0);
	assert_true(res.converged);
	assert_true(res.measure < 0.005);
	assert_false(r.rose);
	assert_true(r.last < e0 - 0.01);
	assert_true(r.steps > 5);
	model_release(&md);
	cell_release(&c);
}

/* One model: moving one ion changes the total energy by its bvse site-energy change. */
static void
same_model_as_bvse(void **state)
{
	struct cell c = vacancy_cell("structures/mp-2741_CaF2.cif", 0);
	struct model md;
	struct hk_err e = HK_ERR_INIT;
	int i = c.n - 1;	/* an F */
	double before, after, sa, sb, p[3], dx[3] = { 0.3, 0.2, -0.1 }, df[3], inv[3][3];

	model_init(&md, &c);
	assert_int_equal(c.z[i], 9);
	before = ff_energy(&md.m, md.x, NULL);
	assert_int_equal(bvse_energy(&md.t, &c, md.q, i, 9, -1, c.frac[i], 10, &sa, &e), 0);
	for (int k = 0; k < 3; k++)
		md.x[3 * i + k] += dx[k];
	after = ff_energy(&md.m, md.x, NULL);
	lat_inverse(c.lattice, inv);
	lat_cart_to_frac(inv, dx, df);
	for (int k = 0; k < 3; k++)
		p[k] = c.frac[i][k] + df[k];
	assert_int_equal(bvse_energy(&md.t, &c, md.q, i, 9, -1, p, 10, &sb, &e), 0);
	assert_near(after - before, sb - sa, 1e-9);
	assert_true(fabs(sb - sa) > 0.01);
	model_release(&md);
	cell_release(&c);
}

/* Springs: energy k/2 d^2 on every atom but the loose ones; k = inf fixes them. */
static void
tethers(void **state)
{
	struct cell c = vacancy_cell("structures/mp-1138_LiF.cif", 0);
	struct model md;
	unsigned char *loose = calloc((size_t)c.n, 1);
	double e0, e1, e2;

	model_init(&md, &c);
	e0 = ff_energy(&md.m, md.x, NULL);
	loose[1] = 1;
	ff_tether(&md.m, 4, md.x, loose);
	assert_near(ff_energy(&md.m, md.x, NULL), e0, 1e-12);
	md.x[0] += 0.1;
	e1 = ff_energy(&md.m, md.x, NULL);
	md.m.tether = 0;
	e2 = ff_energy(&md.m, md.x, NULL);
	assert_near(e1 - e2, 0.5 * 4 * 0.01, 1e-12);
	md.x[0] -= 0.1;
	md.x[3] += 0.1;		/* the loose atom: no spring */
	md.m.tether = 4;
	e1 = ff_energy(&md.m, md.x, NULL);
	md.m.tether = 0;
	assert_near(e1, ff_energy(&md.m, md.x, NULL), 1e-12);
	/* frozen: no spring energy, no force but on the loose atom */
	double *f = malloc((size_t)c.n * 3 * sizeof(double)), e3;
	md.m.tether = INFINITY;
	e3 = ff_energy(&md.m, md.x, f);
	assert_near(e3, e1, 1e-12);
	for (int i = 0; i < c.n; i++)
		if (i != 1)
			assert_true(f[3 * i] == 0 && f[3 * i + 1] == 0 && f[3 * i + 2] == 0);
	assert_true(fabs(f[3]) + fabs(f[4]) + fabs(f[5]) > 0);
	free(f);
	free(loose);
	model_release(&md);
	cell_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(charges_of_a_vacancy_cell),
		cmocka_unit_test(forces_match_finite_differences),
		cmocka_unit_test(energy_invariant_and_extensive),
		cmocka_unit_test(relaxation_descends_to_tolerance),
		cmocka_unit_test(same_model_as_bvse),
		cmocka_unit_test(tethers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
