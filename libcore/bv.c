#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bv.h"
#include "datafile.h"
#include "elements.h"
#include "neigh.h"
#include "xalloc.h"

#define BV_RADIUS 4.0
#define BV_SCALE 1.015
#define BV_MAX_PERMUTATIONS 100000

/* O'Keeffe & Brese's electronegative elements: bonds need one of them. */
static int
electroneg(int z)
{
	static const int zs[] = { 1, 5, 6, 14, 7, 15, 33, 51, 8, 16, 34, 52, 9, 17, 35, 53 };

	for (size_t i = 0; i < sizeof(zs) / sizeof(zs[0]); i++)
		if (zs[i] == z)
			return 1;
	return 0;
}

/*
 * The tables' rules.  Brese and O'Keeffe's r run 0.3-2.1 Å and c 0.8-4.0:
 * both positive (c enters through its square root), within round bounds.
 * The ICSD statistics: a bond-valence sum (of either sign) within 20, a
 * spread not negative (0 when one structure was seen: such a row gives
 * no likelihood and is passed over), counts not negative.
 */
static const struct datafile_col param_cols[] = {
	{ "element", DF_ELEMENT, 0, 0, 0, NULL },
	{ "r", DF_REAL, 0, 4, 1, NULL },
	{ "c", DF_REAL, 0, 10, 1, NULL },
};

static const struct datafile_col species_cols[] = {
	{ "element", DF_ELEMENT, 0, 0, 0, NULL },
	{ "oxidation_state", DF_INT, -10, 10, 0, NULL },
	{ "mean", DF_REAL, -20, 20, 0, NULL },
	{ "std", DF_REAL, 0, 20, 0, NULL },
	{ "n", DF_INT, 0, 1e9, 0, NULL },
	{ "occurrence", DF_REAL, 0, 1e9, 0, NULL },
};

static const struct datafile_table param_table = { "bv/brese-okeeffe-1991.tsv", 3, param_cols, 0x1, NULL };
static const struct datafile_table species_table = { "bv/icsd-bvsum.tsv", 6, species_cols, 0x3, NULL };

static int
take_param(void *ctx, char **f, const double *v, long line)
{
	struct bv_tables *t = ctx;
	int z = (int)v[0];

	(void)f, (void)line;
	t->r[z] = v[1];
	t->c[z] = v[2];
	t->has[z] = 1;
	return 0;
}

static int
take_species(void *ctx, char **f, const double *v, long line)
{
	struct bv_tables *t = ctx;
	struct bv_species s = { (int)v[0], (int)v[1], v[2], v[3], v[5] };

	(void)f, (void)line;
	t->sp = xreallocarray(t->sp, (size_t)t->nsp + 1, sizeof(*t->sp));
	t->sp[t->nsp++] = s;
	return 0;
}

int
bv_tables_load(struct bv_tables *t, struct hk_err *err)
{
	memset(t, 0, sizeof(*t));
	if (datafile_load(&param_table, take_param, t, &t->issues, err) == -1 ||
	    datafile_load(&species_table, take_species, t, &t->issues, err) == -1) {
		bv_tables_release(t);
		return -1;
	}
	return 0;
}

void
bv_tables_release(struct bv_tables *t)
{
	free(t->sp);
	datafile_issues_release(&t->issues);
	memset(t, 0, sizeof(*t));
}

struct sum_ctx {
	const struct cell *c;
	const struct bv_tables *t;
	int self;
	double sum;
};

static int
sum_visit(void *ctx, int j, const int img[3], double d)
{
	struct sum_ctx *s = ctx;
	int z1 = s->c->z[s->self], z2 = s->c->z[j];

	(void)img;
	if (d < 1e-8 || z1 == z2 || !(electroneg(z1) || electroneg(z2)))
		return 0;
	double r1 = s->t->r[z1], r2 = s->t->r[z2], c1 = s->t->c[z1], c2 = s->t->c[z2];
	double sq = sqrt(c1) - sqrt(c2);
	double R = r1 + r2 - r1 * r2 * sq * sq / (c1 * r1 + c2 * r2);
	double v = exp((R - d * BV_SCALE) / 0.31);
	s->sum += elem_x(z1) < elem_x(z2) ? v : -v;
	return 0;
}

static double
sum_with(const struct cell *c, const struct neigh_grid *g, int i, const struct bv_tables *t)
{
	struct sum_ctx s = { c, t, i, 0 };

	neigh_query(g, c->frac[i], BV_RADIUS, sum_visit, &s);
	return s.sum;
}

double
bv_sum(const struct cell *c, int i, const struct bv_tables *t)
{
	struct neigh_grid g;
	double s;

	if (neigh_build(&g, c->lattice, c->n, (const double (*)[3])c->frac, BV_RADIUS) == -1)
		return NAN;
	s = sum_with(c, &g, i, t);
	neigh_release(&g);
	return s;
}

#define MAXV 12

struct group {
	int rep, count, z;
	int nval;
	int val[MAXV];		/* candidate oxidation states, most probable first */
	double prob[MAXV];
};

struct search {
	struct group *g;
	int ng;
	long n;			/* assignments tried, as pymatgen counts them */
	double best;
	int *assigned, *best_set;
	int found;
	int charge;		/* the sum the assignment must reach */
	int spread;		/* how far the sites of one element may differ */
};

static void
evaluate(struct search *s)
{
	double score = 1;

	/* the sites of one element may differ by at most one unit */
	for (int a = 0; a < s->ng; a++)
		for (int b = a + 1; b < s->ng; b++)
			if (s->g[a].z == s->g[b].z && abs(s->assigned[a] - s->assigned[b]) > s->spread)
				return;
	for (int a = 0; a < s->ng; a++)
		for (int k = 0; k < s->g[a].nval; k++)
			if (s->g[a].val[k] == s->assigned[a])
				score *= s->g[a].prob[k];
	if (score > s->best) {
		s->best = score;
		memcpy(s->best_set, s->assigned, (size_t)s->ng * sizeof(int));
		s->found = 1;
	}
}

static void
recurse(struct search *s, int i)
{
	long hi = 0, lo = 0;

	if (s->n > BV_MAX_PERMUTATIONS)
		return;
	for (int a = 0; a < s->ng; a++) {
		int vmax = s->g[a].val[0], vmin = s->g[a].val[0];
		for (int k = 1; k < s->g[a].nval; k++) {
			vmax = s->g[a].val[k] > vmax ? s->g[a].val[k] : vmax;
			vmin = s->g[a].val[k] < vmin ? s->g[a].val[k] : vmin;
		}
		hi += (long)(a < i ? s->assigned[a] : vmax) * s->g[a].count;
		lo += (long)(a < i ? s->assigned[a] : vmin) * s->g[a].count;
	}
	if (hi < s->charge || lo > s->charge) {
		s->n++;
		return;
	}
	if (i == s->ng) {
		evaluate(s);
		s->n++;
		return;
	}
	for (int k = 0; k < s->g[i].nval; k++) {
		s->assigned[i] = s->g[i].val[k];
		recurse(s, i + 1);
	}
}

/* Posterior probabilities of the element's oxidation states given a sum. */
static int
site_probabilities(const struct bv_tables *t, int z, double sum, struct group *g)
{
	double p[64], total = 0, top = 0;
	int o[64], n = 0;

	for (int k = 0; k < t->nsp && n < 64; k++) {
		const struct bv_species *sp = &t->sp[k];
		if (sp->z != z || sp->oxi == 0 || !(sp->std > 0))
			continue;
		double u = (sum - sp->mean) / sp->std;
		p[n] = exp(-u * u / 2) / sp->std * sp->occurrence;
		o[n] = sp->oxi;
		total += p[n];
		n++;
	}
	if (n == 0)
		return -1;
	for (int k = 0; k < n; k++)
		p[k] = total > 0 ? p[k] / total : 0;
	/* most probable first (stable), keep those above 1 % of the best */
	g->nval = 0;
	for (int pass = 0; pass < n; pass++) {
		int best = -1;
		for (int k = 0; k < n; k++)
			if (p[k] >= 0 && (best < 0 || p[k] > p[best]))
				best = k;
		if (pass == 0)
			top = p[best];
		if (p[best] > 0.01 * top && g->nval < MAXV) {
			g->val[g->nval] = o[best];
			g->prob[g->nval] = p[best];
			g->nval++;
		}
		p[best] = -1;
	}
	return g->nval > 0 ? 0 : -1;
}

int
bv_oxidation_states(const struct cell *c, const struct symmetry *s, const struct bv_tables *t,
    int *oxi, struct hk_err *err)
{
	return bv_oxidation_states_charged(c, s, t, 0, 0, oxi, NULL, err);
}

int
bv_oxidation_states_charged(const struct cell *c, const struct symmetry *s, const struct bv_tables *t,
    int charge, int uniform, int *oxi, double *score, struct hk_err *err)
{
	struct neigh_grid grid;
	struct search se = { 0 };
	struct group *g = xcalloc((size_t)c->n, sizeof(*g));
	int ng = 0, rc = -1;

	for (int i = 0; i < c->n; i++)
		if (!t->has[c->z[i]]) {
			err_set(err, "no bond-valence parameters for %s", elem_symbol(c->z[i]));
			free(g);
			return -1;
		}
	/* symmetry-distinct sites in order of first appearance ... */
	for (int i = 0; i < c->n; i++) {
		int k;
		for (k = 0; k < ng && g[k].rep != s->equiv[i]; k++)
			;
		if (k == ng) {
			g[ng].rep = s->equiv[i];
			g[ng].z = c->z[s->equiv[i]];
			ng++;
		}
		g[k].count++;
	}
	/* ... then by decreasing electronegativity, keeping that order on ties */
	for (int a = 1; a < ng; a++) {
		struct group x = g[a];
		int b = a;
		while (b > 0 && elem_x(g[b - 1].z) < elem_x(x.z)) {
			g[b] = g[b - 1];
			b--;
		}
		g[b] = x;
	}
	if (neigh_build(&grid, c->lattice, c->n, (const double (*)[3])c->frac, BV_RADIUS) == -1) {
		err_set(err, "lattice is singular");
		goto out;
	}
	for (int a = 0; a < ng; a++) {
		double sum = sum_with(c, &grid, g[a].rep, t);
		if (site_probabilities(t, g[a].z, sum, &g[a]) == -1) {
			neigh_release(&grid);
			err_set(err, "no oxidation states known for %s", elem_symbol(g[a].z));
			goto out;
		}
	}
	neigh_release(&grid);
	se.g = g;
	se.ng = ng;
	se.charge = charge;
	se.spread = uniform ? 0 : 1;
	se.assigned = xcalloc((size_t)ng, sizeof(int));
	se.best_set = xcalloc((size_t)ng, sizeof(int));
	recurse(&se, 0);
	if (!se.found) {
		if (charge == 0)
			err_set(err, "no charge-balanced assignment of common oxidation states fits the bond-valence sums");
		else
			err_set(err, "no assignment of common oxidation states with total charge %+d fits the bond-valence sums",
			    charge);
		goto out;
	}
	for (int i = 0; i < c->n; i++)
		for (int a = 0; a < ng; a++)
			if (g[a].rep == s->equiv[i])
				oxi[i] = se.best_set[a];
	if (score)
		*score = se.best;
	rc = 0;
out:
	free(se.assigned);
	free(se.best_set);
	free(g);
	return rc;
}
