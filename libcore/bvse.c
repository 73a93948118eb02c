#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bvse.h"
#include "datafile.h"
#include "elements.h"
#include "ewald.h"
#include "neigh.h"
#include "num.h"
#include "xalloc.h"

static int
read_pair(void *ctx, char **f, int nf, long line)
{
	struct bvse_tables *t = ctx;
	struct bvse_pair p;
	long om, op;

	(void)nf, (void)line;
	p.zm = (short)elem_z(f[0]);
	p.zp = (short)elem_z(f[2]);
	if (p.zm == 0 || p.zp == 0 || num_parse_long(f[1], -10, 10, &om) == -1 ||
	    num_parse_long(f[3], -10, 10, &op) == -1 || num_parse_double(f[4], &p.r0) == -1 ||
	    num_parse_double(f[5], &p.rmin) == -1 || num_parse_double(f[6], &p.alpha) == -1 ||
	    num_parse_double(f[7], &p.d0) == -1)
		return -1;
	p.om = (short)om;
	p.op = (short)op;
	t->pair = xreallocarray(t->pair, (size_t)t->npair + 1, sizeof(*t->pair));
	t->pair[t->npair++] = p;
	return 0;
}

static int
read_element(void *ctx, char **f, int nf, long line)
{
	struct bvse_tables *t = ctx;
	int z = elem_z(f[0]);
	long n;
	double rc;

	(void)nf, (void)line;
	if (z == 0 || num_parse_long(f[1], 1, 7, &n) == -1 || num_parse_double(f[2], &rc) == -1)
		return -1;
	t->n[z] = (int)n;
	t->rc[z] = rc;
	return 0;
}

static int
read_radius(void *ctx, char **f, int nf, long line)
{
	struct bvse_tables *t = ctx;
	int z = elem_z(f[0]);
	long o;
	double r;

	(void)nf, (void)line;
	if (z == 0 || num_parse_long(f[1], -10, 10, &o) == -1 || num_parse_double(f[2], &r) == -1)
		return -1;
	t->radius[z][o + 10] = r;
	return 0;
}

int
bvse_tables_load(struct bvse_tables *t, struct hk_err *err)
{
	memset(t, 0, sizeof(*t));
	if (datafile_tsv("bvse/softbv-anions.tsv", 8, read_pair, t, err) != 0 ||
	    datafile_tsv("bvse/softbv-cations.tsv", 8, read_pair, t, err) != 0 ||
	    datafile_tsv("bvse/elements.tsv", 3, read_element, t, err) != 0 ||
	    datafile_tsv("radii/shannon-ionic.tsv", 3, read_radius, t, err) != 0) {
		bvse_tables_release(t);
		return -1;
	}
	return 0;
}

void
bvse_tables_release(struct bvse_tables *t)
{
	free(t->pair);
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
