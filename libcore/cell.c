#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "elements.h"
#include "lattice.h"
#include "neigh.h"
#include "xalloc.h"

void
cell_release(struct cell *c)
{
	free(c->z);
	free(c->frac);
	free(c->oxi);
	memset(c, 0, sizeof(*c));
}

void
cell_reserve(struct cell *c, int n)
{
	if (n <= c->cap)
		return;
	c->z = xreallocarray(c->z, (size_t)n, sizeof(*c->z));
	c->frac = xreallocarray(c->frac, (size_t)n, sizeof(*c->frac));
	if (c->oxi)
		c->oxi = xreallocarray(c->oxi, (size_t)n, sizeof(*c->oxi));
	c->cap = n;
}

void
cell_add(struct cell *c, int z, const double f[3], double oxi)
{
	if (c->n == c->cap)
		cell_reserve(c, c->cap ? 2 * c->cap : 8);
	c->z[c->n] = z;
	memcpy(c->frac[c->n], f, sizeof(c->frac[0]));
	if (c->oxi)
		c->oxi[c->n] = oxi;
	c->n++;
}

void
cell_copy(struct cell *dst, const struct cell *src)
{
	if (dst == src)
		return;
	cell_release(dst);
	memcpy(dst->lattice, src->lattice, sizeof(dst->lattice));
	if (src->oxi)
		dst->oxi = xmalloc(sizeof(double));
	cell_reserve(dst, src->n > 0 ? src->n : 1);
	dst->n = src->n;
	memcpy(dst->z, src->z, (size_t)src->n * sizeof(*src->z));
	memcpy(dst->frac, src->frac, (size_t)src->n * sizeof(*src->frac));
	if (src->oxi)
		memcpy(dst->oxi, src->oxi, (size_t)src->n * sizeof(*src->oxi));
}

void
cell_wrap(struct cell *c)
{
	for (int i = 0; i < c->n; i++)
		for (int k = 0; k < 3; k++) {
			double x = c->frac[i][k] - floor(c->frac[i][k]);
			/* round-off can give exactly 1.0, and tiny negatives are 0 */
			if (x >= 1.0 || fabs(x - 1.0) < 1e-12)
				x = 0.0;
			c->frac[i][k] = x;
		}
}

int
cell_validate(const struct cell *c, struct hk_err *err)
{
	double v;

	if (c->n < 1) {
		err_set(err, "structure has no sites");
		return -1;
	}
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			if (!isfinite(c->lattice[i][j])) {
				err_set(err, "lattice holds a non-finite number");
				return -1;
			}
	v = fabs(lat_volume(c->lattice));
	if (!(v > 1e-3 * c->n)) {
		err_set(err, "lattice is singular (volume %.3g A^3)", v);
		return -1;
	}
	for (int i = 0; i < c->n; i++) {
		if (c->z[i] < 1 || c->z[i] > ELEM_MAX) {
			err_set(err, "site %d has no known element", i + 1);
			return -1;
		}
		for (int k = 0; k < 3; k++)
			if (!isfinite(c->frac[i][k]) || fabs(c->frac[i][k]) > 1e6) {
				err_set(err, "site %d has a non-finite coordinate", i + 1);
				return -1;
			}
	}
	return 0;
}

struct mind {
	int self;
	double best;
	int j;
	int bi, bj;
};

static int
mind_visit(void *ctx, int j, const int img[3], double d)
{
	struct mind *m = ctx;

	if (j == m->self && img[0] == 0 && img[1] == 0 && img[2] == 0)
		return 0;
	if (d < m->best) {
		m->best = d;
		m->j = j;
	}
	return 0;
}

static double
min_distance_within(const struct cell *c, double r, int *pi, int *pj)
{
	struct neigh_grid g;
	struct mind m = { 0, INFINITY, -1, -1, -1 };

	if (neigh_build(&g, c->lattice, c->n, (const double (*)[3])c->frac, r) == -1)
		return NAN;
	for (int i = 0; i < c->n; i++) {
		double before = m.best;
		m.self = i;
		neigh_query(&g, c->frac[i], fmin(r, m.best), mind_visit, &m);
		if (m.best < before) {
			m.bi = i;
			m.bj = m.j;
		}
	}
	neigh_release(&g);
	*pi = m.bi;
	*pj = m.bj;
	return m.best;
}

double
cell_min_distance(const struct cell *c, int *pi, int *pj)
{
	double abc[3], ang[3], rmax, d;
	int i = -1, j = -1;

	/* a site's own image along the shortest edge bounds the answer */
	lat_params(c->lattice, abc, ang);
	rmax = fmin(fmin(abc[0], abc[1]), abc[2]) * (1 + 1e-9);
	d = min_distance_within(c, fmin(rmax, 4.0), &i, &j);
	if (!(d < 4.0) && rmax > 4.0)
		d = min_distance_within(c, rmax, &i, &j);
	if (pi)
		*pi = i;
	if (pj)
		*pj = j;
	return d;
}

int
cell_nelements(const struct cell *c)
{
	unsigned char seen[ELEM_MAX + 1] = { 0 };
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (c->z[i] >= 1 && c->z[i] <= ELEM_MAX && !seen[c->z[i]]++)
			n++;
	return n;
}

int
cell_has(const struct cell *c, int z)
{
	for (int i = 0; i < c->n; i++)
		if (c->z[i] == z)
			return 1;
	return 0;
}

void
cell_sort_electroneg(struct cell *c)
{
	/* insertion sort: stable, and n is small */
	for (int i = 1; i < c->n; i++) {
		int z = c->z[i];
		double f[3], o = c->oxi ? c->oxi[i] : 0, key = elem_x_key(z);
		int j = i;
		memcpy(f, c->frac[i], sizeof(f));
		while (j > 0 && (elem_x_key(c->z[j - 1]) > key || (elem_x_key(c->z[j - 1]) == key &&
		    strcmp(elem_symbol(c->z[j - 1]), elem_symbol(z)) > 0))) {
			c->z[j] = c->z[j - 1];
			memcpy(c->frac[j], c->frac[j - 1], sizeof(f));
			if (c->oxi)
				c->oxi[j] = c->oxi[j - 1];
			j--;
		}
		c->z[j] = z;
		memcpy(c->frac[j], f, sizeof(f));
		if (c->oxi)
			c->oxi[j] = o;
	}
}
