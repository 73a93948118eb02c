#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bvse.h"
#include "datafile.h"
#include "elements.h"
#include "ewald.h"
#include "neigh.h"
#include "xalloc.h"

/*
 * The tables' rules.  The softBV ranges are wide round bounds around the
 * published values (r0 1.1-2.8 Å, r_min 0.9-4.1 Å, alpha 1.3-3.1 1/Å, D0
 * 0.1-6.8 eV): a value outside them is a typing or unit error.  alpha and
 * D0 must be positive -- with alpha <= 0 the Morse curve has no minimum and
 * grows without bound, with D0 <= 0 it binds nothing.
 */
static const struct datafile_col pair_cols[] = {
	{ "mobile", DF_ELEMENT, 0, 0, 0, NULL },
	{ "mobile_oxidation_state", DF_INT, -10, 10, 0, NULL },
	{ "partner", DF_ELEMENT, 0, 0, 0, NULL },
	{ "partner_oxidation_state", DF_INT, -10, 10, 0, NULL },
	{ "r0", DF_REAL, 0, 5, 1, NULL },
	{ "r_min", DF_REAL, 0, 6, 1, NULL },
	{ "alpha", DF_REAL, 0, 10, 1, "a Morse curve with no minimum" },
	{ "d0", DF_REAL, 0, 20, 1, NULL },
};

/* A Morse pair binds a cation to an anion. */
static int
pair_check(char **f, const double *v, char *why, size_t n)
{
	(void)f;
	if (v[1] * v[3] < 0)
		return 0;
	snprintf(why, n, "oxidation states %g and %g are not of opposite signs", v[1], v[3]);
	return 1;
}

static const struct datafile_col element_cols[] = {
	{ "element", DF_ELEMENT, 0, 0, 0, NULL },
	{ "n", DF_INT, 1, 7, 0, "no such principal quantum number" },
	{ "rc", DF_REAL, 0, 3, 1, NULL },	/* Cordero's radii: 0.28-2.44 Å */
};

static const struct datafile_col radius_cols[] = {
	{ "element", DF_ELEMENT, 0, 0, 0, NULL },
	{ "oxidation_state", DF_INT, -10, 10, 0, NULL },
	{ "radius", DF_REAL, 0, 3, 1, NULL },	/* Shannon's: 0.1-2.3 Å */
	{ "kind", DF_TEXT, 0, 0, 0, NULL },
};

/* No radius for a neutral atom: an ionic radius needs a charge. */
static int
radius_check(char **f, const double *v, char *why, size_t n)
{
	(void)f;
	if (v[1] != 0)
		return 0;
	snprintf(why, n, "oxidation state 0 has no ionic radius");
	return 1;
}

static const struct datafile_table tables[] = {
	{ "bvse/softbv-anions.tsv", 8, pair_cols, 0xf, pair_check },
	{ "bvse/softbv-cations.tsv", 8, pair_cols, 0xf, pair_check },
	{ "bvse/elements.tsv", 3, element_cols, 0x1, NULL },
	{ "radii/shannon-ionic.tsv", 4, radius_cols, 0x3, radius_check },
};

static int
take_pair(void *ctx, char **f, const double *v, long line)
{
	struct bvse_tables *t = ctx;
	struct bvse_pair p = { (short)v[0], (short)v[1], (short)v[2], (short)v[3], v[4], v[5], v[6], v[7] };

	(void)f, (void)line;
	t->pair = xreallocarray(t->pair, (size_t)t->npair + 1, sizeof(*t->pair));
	t->pair[t->npair++] = p;
	return 0;
}

static int
take_element(void *ctx, char **f, const double *v, long line)
{
	struct bvse_tables *t = ctx;

	(void)f, (void)line;
	t->n[(int)v[0]] = (int)v[1];
	t->rc[(int)v[0]] = v[2];
	return 0;
}

static int
take_radius(void *ctx, char **f, const double *v, long line)
{
	struct bvse_tables *t = ctx;

	(void)f, (void)line;
	t->radius[(int)v[0]][(int)v[1] + 10] = v[2];
	return 0;
}

int
bvse_tables_load(struct bvse_tables *t, struct hk_err *err)
{
	static const datafile_take_fn take[] = { take_pair, take_pair, take_element, take_radius };

	memset(t, 0, sizeof(*t));
	for (int k = 0; k < 4; k++)
		if (datafile_load(&tables[k], take[k], t, &t->issues, err) == -1) {
			bvse_tables_release(t);
			return -1;
		}
	return 0;
}

void
bvse_tables_release(struct bvse_tables *t)
{
	free(t->pair);
	datafile_issues_release(&t->issues);
	memset(t, 0, sizeof(*t));
}

double
bvse_radius(const struct bvse_tables *t, int z, int oxi)
{
	if (z < 1 || z > ELEM_MAX || oxi < -10 || oxi > 10)
		return 0;
	return t->radius[z][oxi + 10];
}

const struct bvse_pair *
bvse_pair_find(const struct bvse_tables *t, int zm, int om, int zp, int op)
{
	for (int k = 0; k < t->npair; k++)
		if (t->pair[k].zm == zm && t->pair[k].om == om && t->pair[k].zp == zp && t->pair[k].op == op)
			return &t->pair[k];
	return NULL;
}

int
bvse_pair_energy(const struct bvse_tables *t, int z1, int q1, int z2, int q2, double d, double *e,
    double *dedr, struct hk_err *err)
{
	if ((q1 > 0) != (q2 > 0)) {
		const struct bvse_pair *p = bvse_pair_find(t, z1, q1, z2, q2);
		if (p == NULL) {
			char a[16], b[16];
			err_set(err, "no softBV parameters for %s with %s", elem_ion(z1, q1, a), elem_ion(z2, q2, b));
			return -1;
		}
		double x = exp(p->alpha * (p->rmin - d)), m = x - 1;
		*e = p->d0 * (m * m - 1);
		*dedr = -2 * p->d0 * p->alpha * m * x;
		return 0;
	}
	int n1 = t->n[z1], n2 = t->n[z2];
	double rc = t->rc[z1] + t->rc[z2];
	if (n1 == 0 || n2 == 0 || !(rc > 0)) {
		err_set(err, "no principal quantum number or covalent radius for %s", elem_symbol(n1 ? z2 : z1));
		return -1;
	}
	double s = 0.74 * rc, k = EWALD_COULOMB * q1 * q2 / sqrt((double)n1 * n2), u = d / s;
	*e = k / d * erfc(u);
	*dedr = -k / (d * d) * erfc(u) - k / d * M_2_SQRTPI * exp(-u * u) / s;
	double contact = BVSE_CONTACT_SCALE * (bvse_radius(t, z1, q1) + bvse_radius(t, z2, q2));
	if (contact > 0) {
		double w = contact / d, w6 = w * w * w * w * w * w, c = BVSE_CONTACT_EPS * w6 * w6;
		*e += c;
		*dedr -= 12 * c / d;
	}
	return 0;
}

struct ectx {
	const struct bvse_tables *t;
	const struct cell *c;
	const int *oxi;
	int skip, z, q;
	double e;
	struct hk_err *err;
	int bad;
};

static int
visit(void *ctx, int j, const int img[3], double d)
{
	struct ectx *x = ctx;
	double e, dedr;

	(void)img;
	if (j == x->skip || x->oxi[j] == 0 || d < 1e-8)
		return 0;
	if (bvse_pair_energy(x->t, x->z, x->q, x->c->z[j], x->oxi[j], d, &e, &dedr, x->err) == -1) {
		x->bad = 1;
		return 1;
	}
	x->e += e;
	return 0;
}

int
bvse_energy(const struct bvse_tables *t, const struct cell *c, const int *oxi, int skip,
    int z, int q, const double p[3], double rcut, double *energy, struct hk_err *err)
{
	struct neigh_grid g;
	struct ectx x = { t, c, oxi, skip, z, q, 0, err, 0 };

	if (neigh_build(&g, c->lattice, c->n, (const double (*)[3])c->frac, rcut) == -1) {
		err_set(err, "lattice is singular");
		return -1;
	}
	neigh_query(&g, p, rcut, visit, &x);
	neigh_release(&g);
	if (x.bad)
		return -1;
	*energy = x.e;
	return 0;
}
