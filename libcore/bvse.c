#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bvse.h"
#include "elements.h"
#include "ewald.h"
#include "neigh.h"
#include "num.h"
#include "share.h"
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
	if (tsv_read("bvse/softbv-anions.tsv", 8, read_pair, t, err) != 0 ||
	    tsv_read("bvse/softbv-cations.tsv", 8, read_pair, t, err) != 0 ||
	    tsv_read("bvse/elements.tsv", 3, read_element, t, err) != 0 ||
	    tsv_read("radii/shannon-ionic.tsv", 3, read_radius, t, err) != 0) {
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
	int zj = x->c->z[j], qj = x->oxi[j];

	(void)img;
	if (j == x->skip || qj == 0 || d < 1e-8)
		return 0;
	if ((qj > 0) != (x->q > 0)) {
		const struct bvse_pair *p = bvse_pair_find(x->t, x->z, x->q, zj, qj);
		if (p == NULL) {
			char a[16], b[16];
			err_set(x->err, "no softBV parameters for %s with %s", elem_ion(x->z, x->q, a),
			    elem_ion(zj, qj, b));
			x->bad = 1;
			return 1;
		}
		double m = exp(p->alpha * (p->rmin - d)) - 1;
		x->e += p->d0 * (m * m - 1);
	} else {
		int n1 = x->t->n[x->z], n2 = x->t->n[zj];
		double rc = x->t->rc[x->z] + x->t->rc[zj];
		if (n1 == 0 || n2 == 0 || !(rc > 0)) {
			err_set(x->err, "no principal quantum number or covalent radius for %s", elem_symbol(n1 ? zj : x->z));
			x->bad = 1;
			return 1;
		}
		x->e += EWALD_COULOMB * x->q * qj / sqrt((double)n1 * n2) / d * erfc(d / (0.74 * rc));
	}
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
