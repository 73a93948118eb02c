#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hops.h"
#include "lattice.h"
#include "neigh.h"
#include "percolate.h"
#include "xalloc.h"

/* A directed hop between ion sites (ion-local indices) as five ints. */
typedef int tuple[5];

static int
tuple_cmp(const void *pa, const void *pb)
{
	const int *a = pa, *b = pb;

	for (int k = 0; k < 5; k++)
		if (a[k] != b[k])
			return a[k] < b[k] ? -1 : 1;
	return 0;
}

struct near {
	int z;
	const int *zs;
	double best;
	int j;
	int img[3];
};

static int
near_visit(void *ctx, int j, const int img[3], double d)
{
	struct near *n = ctx;

	if (n->zs[j] == n->z && d < n->best) {
		n->best = d;
		n->j = j;
		memcpy(n->img, img, sizeof(n->img));
	}
	return 0;
}

/*
 * For every operation and ion site: the ion site it lands on and the
 * lattice shift, op(p_k) = p_perm + shift.
 */
static int
ion_permutations(const struct cell *c, const struct symmetry *sym, const int *ion, int nion,
    double tol, int *perm, int (*shift)[3], struct hk_err *err)
{
	struct neigh_grid g;
	double (*pos)[3] = xmalloc((size_t)nion * sizeof(*pos));
	int *zs = xmalloc((size_t)nion * sizeof(int)), rc = 0;

	for (int k = 0; k < nion; k++) {
		memcpy(pos[k], c->frac[ion[k]], sizeof(pos[k]));
		zs[k] = 0;
	}
	if (neigh_build(&g, c->lattice, nion, (const double (*)[3])pos, tol) == -1) {
		err_set(err, "lattice is singular");
		rc = -1;
		goto out;
	}
	for (int o = 0; o < sym->nops && rc == 0; o++)
		for (int k = 0; k < nion; k++) {
			double p[3];
			struct near n = { 0, zs, INFINITY, -1, { 0, 0, 0 } };
			for (int r = 0; r < 3; r++)
				p[r] = sym->trans[o][r] + sym->rot[o][r][0] * pos[k][0] +
				    sym->rot[o][r][1] * pos[k][1] + sym->rot[o][r][2] * pos[k][2];
			neigh_query(&g, p, tol, near_visit, &n);
			if (n.j < 0) {
				err_set(err, "symmetry operation %d maps ion site %d onto no ion site "
				    "within %g A", o + 1, ion[k] + 1, tol);
				rc = -1;
				break;
			}
			perm[o * nion + k] = n.j;
			memcpy(shift[o * nion + k], n.img, sizeof(n.img));
		}
out:
	neigh_release(&g);
	free(pos);
	free(zs);
	return rc;
}

struct ctx {
	const struct symmetry *sym;
	int nion;
	const int *perm;
	const int (*shift)[3];
};

/* The image of hop h under operation o. */
static void
apply(const struct ctx *x, int o, const int h[5], int out[5])
{
	const int (*R)[3] = (const int (*)[3])x->sym->rot[o];
	const int *sa = x->shift[o * x->nion + h[0]], *sb = x->shift[o * x->nion + h[1]];

	out[0] = x->perm[o * x->nion + h[0]];
	out[1] = x->perm[o * x->nion + h[1]];
	for (int r = 0; r < 3; r++)
		out[2 + r] = R[r][0] * h[2] + R[r][1] * h[3] + R[r][2] * h[4] + sb[r] - sa[r];
}

static void
reverse(const int h[5], int out[5])
{
	out[0] = h[1];
	out[1] = h[0];
	out[2] = -h[2];
	out[3] = -h[3];
	out[4] = -h[4];
}

/* Every directed image of h under the group, sorted and unique; returns the count. */
static int
orbit(const struct ctx *x, const int h[5], tuple *buf)
{
	int n = 0, m = 0;

	for (int o = 0; o < x->sym->nops; o++) {
		apply(x, o, h, buf[n]);
		reverse(buf[n], buf[n + 1]);
		n += 2;
	}
	qsort(buf, (size_t)n, sizeof(tuple), tuple_cmp);
	for (int k = 0; k < n; k++)
		if (m == 0 || tuple_cmp(buf[k], buf[m - 1]) != 0)
			memcpy(buf[m++], buf[k], sizeof(tuple));
	return m;
}

static double
edge_length(const struct cell *c, const double (*pos)[3], const int e[5])
{
	double f[3], r[3];

	for (int k = 0; k < 3; k++)
		f[k] = pos[e[1]][k] + e[2 + k] - pos[e[0]][k];
	lat_frac_to_cart(c->lattice, f, r);
	return sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
}

struct cand {
	int h[5];	/* ion-local hop */
	int key[5];	/* least member of its class */
	double length;
};

static int
cand_by_key(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	int c = tuple_cmp(a->key, b->key);

	return c ? c : tuple_cmp(a->h, b->h);
}

struct collect {
	struct cand *v;
	int n, cap;
	int self;
	const double *p0;
	const struct cell *c;
};

static int
collect_visit(void *ctx, int j, const int img[3], double d)
{
	struct collect *cl = ctx;

	if (j == cl->self && img[0] == 0 && img[1] == 0 && img[2] == 0)
		return 0;
	if (cl->n == cl->cap) {
		cl->cap = cl->cap ? 2 * cl->cap : 64;
		cl->v = xreallocarray(cl->v, (size_t)cl->cap, sizeof(*cl->v));
	}
	struct cand *k = &cl->v[cl->n++];
	k->h[0] = cl->self;
	k->h[1] = j;
	memcpy(k->h + 2, img, 3 * sizeof(int));
	k->length = d;
	return 0;
}

static int
hop_by_length(const void *pa, const void *pb)
{
	const struct hop *a = pa, *b = pb;

	if (fabs(a->length - b->length) > 1e-9)
		return a->length < b->length ? -1 : 1;
	return tuple_cmp(a->edge[0], b->edge[0]);
}

int
hops_find(const struct cell *c, const struct symmetry *sym, int z, double cutoff,
    double symprec, struct hopset *out, struct hk_err *err)
{
	int nion = 0, *ion = NULL, *local = NULL, *perm = NULL, (*shift)[3] = NULL;
	double (*pos)[3] = NULL;
	struct collect cl = { NULL, 0, 0, 0, NULL, c };
	struct neigh_grid g = { 0 };
	tuple *buf = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < c->n; i++)
		nion += c->z[i] == z;
	if (nion == 0)
		return 0;
	ion = xmalloc((size_t)nion * sizeof(int));
	local = xmalloc((size_t)c->n * sizeof(int));
	pos = xmalloc((size_t)nion * sizeof(*pos));
	nion = 0;
	for (int i = 0; i < c->n; i++) {
		local[i] = -1;
		if (c->z[i] == z) {
			local[i] = nion;
			memcpy(pos[nion], c->frac[i], sizeof(pos[0]));
			ion[nion++] = i;
		}
	}
	perm = xmalloc((size_t)sym->nops * nion * sizeof(int));
	shift = xmalloc((size_t)sym->nops * nion * sizeof(*shift));
	if (ion_permutations(c, sym, ion, nion, fmax(2 * symprec, 1e-3), perm, shift, err) == -1)
		goto out;
	struct ctx x = { sym, nion, perm, (const int (*)[3])shift };
	double rcut = round(cutoff * 1000) / 1000 + HOPS_CUTOFF_SLACK;
	/*
	 * Equivalent hops differ in length by at most 2 symprec (each end moves
	 * at most symprec under an operation), so a class whose shortest member
	 * is within the cutoff has a member from a representative within this.
	 */
	double reach = rcut + 2 * symprec;
	if (neigh_build(&g, c->lattice, nion, (const double (*)[3])pos, reach) == -1) {
		err_set(err, "lattice is singular");
		goto out;
	}
	for (int k = 0; k < nion; k++) {
		if (sym->equiv[ion[k]] != ion[k])
			continue;
		cl.self = k;
		neigh_query(&g, pos[k], reach, collect_visit, &cl);
	}
	buf = xmalloc((size_t)sym->nops * 2 * sizeof(tuple));
	for (int k = 0; k < cl.n; k++) {
		orbit(&x, cl.v[k].h, buf);
		memcpy(cl.v[k].key, buf[0], sizeof(tuple));
	}
	if (cl.n > 0)
		qsort(cl.v, (size_t)cl.n, sizeof(*cl.v), cand_by_key);
	for (int k = 0; k < cl.n; k++) {
		if (k > 0 && tuple_cmp(cl.v[k].key, cl.v[k - 1].key) == 0)
			continue;
		struct hop *h;
		out->h = xreallocarray(out->h, (size_t)out->n + 1, sizeof(*out->h));
		h = &out->h[out->n++];
		h->nedge = orbit(&x, cl.v[k].h, buf);
		/*
		 * The class is represented by its shortest member, so that the
		 * choice does not depend on the cell: in a cell distorted within
		 * symprec, equivalent hops differ slightly in length.
		 */
		{
			int best = 0;
			double bl = INFINITY;
			for (int e = 0; e < h->nedge; e++) {
				double l = edge_length(c, pos, buf[e]);
				if (l < bl - 1e-12) {
					bl = l;
					best = e;
				}
			}
			h->i = ion[buf[best][0]];
			h->j = ion[buf[best][1]];
			memcpy(h->image, buf[best] + 2, sizeof(h->image));
			h->length = bl;
		}
		if (h->length >= rcut) {
			out->n--;
			continue;
		}
		h->multiplicity = h->nedge / 2;
		h->edge = xmalloc((size_t)h->nedge * sizeof(tuple));
		memcpy(h->edge, buf, (size_t)h->nedge * sizeof(tuple));
	}
	if (out->n > 0)
		qsort(out->h, (size_t)out->n, sizeof(*out->h), hop_by_length);
	out->nion = nion;
	out->ion_site = ion;
	ion = NULL;
	rc = 0;
out:
	if (g.head)
		neigh_release(&g);
	free(ion);
	free(local);
	free(pos);
	free(perm);
	free(shift);
	free(cl.v);
	free(buf);
	if (rc == -1)
		hopset_release(out);
	return rc;
}

void
hopset_release(struct hopset *hs)
{
	for (int k = 0; k < hs->n; k++)
		free(hs->h[k].edge);
	free(hs->h);
	free(hs->ion_site);
	memset(hs, 0, sizeof(*hs));
}

int
hops_dimensionality(const struct hopset *hs, const int *which, int nwhich)
{
	struct pedge *e;
	int ne = 0, dim;

	for (int w = 0; w < nwhich; w++)
		ne += hs->h[which[w]].nedge;
	e = xmalloc(((size_t)ne + 1) * sizeof(*e));
	ne = 0;
	for (int w = 0; w < nwhich; w++) {
		const struct hop *h = &hs->h[which[w]];
		for (int k = 0; k < h->nedge; k++) {
			e[ne].a = h->edge[k][0];
			e[ne].b = h->edge[k][1];
			memcpy(e[ne].t, h->edge[k] + 2, sizeof(e[ne].t));
			ne++;
		}
	}
	dim = percolate_dim(hs->nion, e, ne);
	free(e);
	return dim;
}

int
hops_dimensionality_upto(const struct hopset *hs, int k)
{
	int *which = xmalloc(((size_t)hs->n + 1) * sizeof(int)), n = 0, dim;

	for (int m = 0; m < hs->n; m++)
		if (hs->h[m].length <= hs->h[k].length + 1e-6)
			which[n++] = m;
	dim = hops_dimensionality(hs, which, n);
	free(which);
	return dim;
}

/* The ion site (ion-local index) nearest the point f, and the image it lies in. */
static int
nearest_ion(const struct hopset *hs, const struct cell *c, const double f[3], double tol, int img[3])
{
	double best = tol * tol;
	int k_best = -1;

	for (int k = 0; k < hs->nion; k++) {
		const double *p = c->frac[hs->ion_site[k]];
		double g[3], r[3];
		int t[3];
		for (int d = 0; d < 3; d++) {
			t[d] = (int)lround(f[d] - p[d]);
			g[d] = f[d] - p[d] - t[d];
		}
		lat_frac_to_cart(c->lattice, g, r);
		double d2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
		if (d2 <= best) {
			best = d2;
			k_best = k;
			memcpy(img, t, sizeof(t));
		}
	}
	return k_best;
}

int
hops_class_of(const struct hopset *hs, const struct cell *c, const double a[3], const double b[3],
    double tol)
{
	int ta[3], tb[3], key[5];

	key[0] = nearest_ion(hs, c, a, tol, ta);
	key[1] = nearest_ion(hs, c, b, tol, tb);
	if (key[0] < 0 || key[1] < 0)
		return -1;
	for (int d = 0; d < 3; d++)
		key[2 + d] = tb[d] - ta[d];
	for (int k = 0; k < hs->n; k++)
		if (hs->h[k].nedge > 0 && bsearch(key, hs->h[k].edge, (size_t)hs->h[k].nedge, sizeof(tuple), tuple_cmp))
			return k;
	return -1;
}
