#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ff.h"
#include "lattice.h"
#include "neigh.h"
#include "symmetry.h"
#include "xalloc.h"

void
ff_model_release(struct ff_model *m)
{
	free(m->z);
	free(m->q);
	free(m->anchor);
	free(m->loose);
	memset(m, 0, sizeof(*m));
}

int
ff_model_init(struct ff_model *m, const struct bvse_tables *t, const struct cell *c, const int *q,
    double rcut, struct hk_err *err)
{
	int (*kind)[2] = xmalloc((size_t)c->n * sizeof(*kind)), nk = 0, rc = 0;

	memset(m, 0, sizeof(*m));
	if (lat_inverse(c->lattice, m->inv) == -1) {
		err_set(err, "lattice is singular");
		free(kind);
		return -1;
	}
	/* every kind of pair once, so that an evaluation cannot fail */
	for (int i = 0; i < c->n; i++) {
		int k;
		for (k = 0; k < nk && (kind[k][0] != c->z[i] || kind[k][1] != q[i]); k++)
			;
		if (k == nk && q[i] != 0) {
			kind[nk][0] = c->z[i];
			kind[nk++][1] = q[i];
		}
	}
	for (int a = 0; a < nk && rc == 0; a++)
		for (int b = a; b < nk && rc == 0; b++) {
			double e, d;
			rc = bvse_pair_energy(t, kind[a][0], kind[a][1], kind[b][0], kind[b][1], 2.0, &e, &d, err);
		}
	free(kind);
	if (rc == -1)
		return -1;
	m->t = t;
	memcpy(m->lattice, c->lattice, sizeof(m->lattice));
	m->n = c->n;
	m->z = xmalloc((size_t)c->n * sizeof(int));
	m->q = xmalloc((size_t)c->n * sizeof(int));
	memcpy(m->z, c->z, (size_t)c->n * sizeof(int));
	memcpy(m->q, q, (size_t)c->n * sizeof(int));
	m->rcut = rcut;

	return 0;
}

int
ff_charges(const struct cell *c, const struct bv_tables *bv, double symprec, int *q, int *charge,
    struct hk_err *err)
{
	struct symmetry s;
	struct hk_err first = HK_ERR_INIT;
	int rc = -1;

	if (sym_analyze(c, symprec, &s, err) == -1)
		return -1;
	for (int uniform = 1; uniform >= 0 && rc == -1; uniform--)
		for (int k = 0; k <= 2 * FF_MAX_CHARGE && rc == -1; k++) {
			int Q = (k + 1) / 2 * (k % 2 ? 1 : -1);
			struct hk_err e = HK_ERR_INIT;
			if (bv_oxidation_states_charged(c, &s, bv, Q, uniform, q, NULL, &e) == 0) {
				*charge = Q;
				rc = 0;
			} else if (!uniform && Q == 0)
				first = e;
		}
	sym_release(&s);
	if (rc == -1)
		*err = first;
	return rc;
}

void
ff_tether(struct ff_model *m, double k, const double *anchor, const unsigned char *loose)
{
	size_t n = (size_t)m->n;

	m->tether = k;
	m->anchor = xreallocarray(m->anchor, n * 3, sizeof(double));
	memcpy(m->anchor, anchor, n * 3 * sizeof(double));
	m->loose = xreallocarray(m->loose, n, 1);
	if (loose)
		memcpy(m->loose, loose, n);
	else
		memset(m->loose, 0, n);
}

/* The springs' energy; their forces added to f. */
static double
tether_energy(const struct ff_model *m, const double *x, double *f)
{
	double e = 0;

	for (int i = 0; i < m->n; i++) {
		double d[3], fr[3];
		if (m->loose[i])
			continue;
		if (isinf(m->tether)) {
			/* frozen: the atom feels no force, so it never moves */
			if (f)
				f[3 * i] = f[3 * i + 1] = f[3 * i + 2] = 0;
			continue;
		}
		for (int k = 0; k < 3; k++)
			d[k] = x[3 * i + k] - m->anchor[3 * i + k];
		lat_cart_to_frac(m->inv, d, fr);
		for (int k = 0; k < 3; k++)
			fr[k] -= round(fr[k]);
		lat_frac_to_cart(m->lattice, fr, d);
		for (int k = 0; k < 3; k++) {
			e += m->tether / 2 * d[k] * d[k];
			if (f)
				f[3 * i + k] -= m->tether * d[k];
		}
	}
	return e;
}

struct visit_ctx {
	const struct ff_model *m;
	const double (*frac)[3];
	const double *x;
	int i;
	double e, f[3];
};

static int
visit(void *ctx, int j, const int img[3], double d)
{
	struct visit_ctx *v = ctx;
	const struct ff_model *m = v->m;
	double e, dedr, fr[3], r[3];
	struct hk_err err = HK_ERR_INIT;

	if (m->q[j] == 0 || d < 1e-8)
		return 0;
	/* checked in ff_model_init: the pair has parameters */
	bvse_pair_energy(m->t, m->z[v->i], m->q[v->i], m->z[j], m->q[j], d, &e, &dedr, &err);
	v->e += e / 2;
	for (int k = 0; k < 3; k++)
		fr[k] = v->frac[j][k] + img[k] - v->frac[v->i][k];
	lat_frac_to_cart(m->lattice, fr, r);
	for (int k = 0; k < 3; k++)
		v->f[k] += dedr * r[k] / d;
	return 0;
}

double
ff_energy(const struct ff_model *m, const double *x, double *f)
{
	double (*frac)[3] = xmalloc((size_t)m->n * sizeof(*frac)), e = 0;
	struct neigh_grid g;

	for (int i = 0; i < m->n; i++)
		lat_cart_to_frac(m->inv, x + 3 * i, frac[i]);
	if (neigh_build(&g, m->lattice, m->n, (const double (*)[3])frac, m->rcut) == -1) {
		free(frac);
		return NAN;
	}
	for (int i = 0; i < m->n; i++) {
		struct visit_ctx v = { m, (const double (*)[3])frac, x, i, 0, { 0, 0, 0 } };
		if (m->q[i] != 0)
			neigh_query(&g, frac[i], m->rcut, visit, &v);
		e += v.e;
		if (f)
			memcpy(f + 3 * i, v.f, sizeof(v.f));
	}
	neigh_release(&g);
	free(frac);
	if (m->tether > 0 && m->anchor)
		e += tether_energy(m, x, f);
	return e;
}
