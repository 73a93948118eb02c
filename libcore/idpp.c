#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fire.h"
#include "idpp.h"
#include "lattice.h"
#include "neb.h"
#include "xalloc.h"

void
idpp_opts_init(struct idpp_opts *o)
{
	o->movable = NULL;
	o->ftol = 1e-4;
	o->maxiter = 20000;
	o->spring = 5.0;
	o->max_step = 0.05;
}

/* Minimum-image displacement from a to b (Cartesian), searched over the
 * 27 neighbouring cells of the LLL-reduced lattice, as pymatgen does. */
struct mic {
	double red[3][3], inv[3][3];
};

static void
mic_init(struct mic *m, const double l[3][3])
{
	lat_lll(l, m->red, NULL);
	lat_inverse(m->red, m->inv);
}

static double
mic_vector(const struct mic *m, const double a[3], const double b[3], double out[3])
{
	double d[3] = { b[0] - a[0], b[1] - a[1], b[2] - a[2] }, f[3], best = INFINITY;

	lat_cart_to_frac(m->inv, d, f);
	for (int k = 0; k < 3; k++)
		f[k] -= round(f[k]);
	for (int i = -1; i <= 1; i++)
	for (int j = -1; j <= 1; j++)
	for (int k = -1; k <= 1; k++) {
		double g[3] = { f[0] + i, f[1] + j, f[2] + k }, r[3];
		lat_frac_to_cart(m->red, g, r);
		double dd = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
		if (dd < best) {
			best = dd;
			memcpy(out, r, sizeof(r));
		}
	}
	return sqrt(best);
}

struct idpp {
	int n;			/* atoms */
	int ni;			/* interior images */
	double *target;		/* ni * n * n */
	double *w;		/* ni * n * n */
	double *trans;		/* ni * n * n * 3: frozen image offsets, Cartesian */
	double *x;		/* (ni + 2) * n * 3 Cartesian coordinates */
};

static double *
coord(const struct idpp *p, int k, int a)
{
	return p->x + ((size_t)k * p->n + a) * 3;
}

/* Objective of interior image k (1-based) and its true force, -grad. */
static double
image_force(const struct idpp *p, int k, double *f)
{
	size_t base = (size_t)(k - 1) * p->n * p->n;
	double func = 0;

	memset(f, 0, (size_t)p->n * 3 * sizeof(double));
	for (int i = 0; i < p->n; i++) {
		const double *xi = coord(p, k, i);
		for (int j = i + 1; j < p->n; j++) {
			const double *xj = coord(p, k, j), *t = p->trans + (base + (size_t)i * p->n + j) * 3;
			double v[3] = { xi[0] - xj[0] - t[0], xi[1] - xj[1] - t[1], xi[2] - xj[2] - t[2] };
			double d = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
			double diff = d - p->target[base + (size_t)i * p->n + j];
			double w = p->w[base + (size_t)i * p->n + j];
			/* the pair counts twice in the double sum: f = sum_i<j w diff^2 */
			func += w * diff * diff;
			double g = 2 * w * diff / d;
			for (int r = 0; r < 3; r++) {
				f[i * 3 + r] -= g * v[r];
				f[j * 3 + r] += g * v[r];
			}
		}
	}
	return func;
}

struct idpp_run {
	const struct idpp *p;
	double spring;
	const unsigned char *movable;
};

/* The NEB force on every interior image; the largest component. */
static double
total_forces(void *ctx, const double *x, double *F, double *energy)
{
	const struct idpp_run *r = ctx;
	size_t m = (size_t)r->p->n * 3, dim = (size_t)r->p->ni * m;
	double maxf = 0;

	(void)x;	/* the interior of p->x */
	*energy = 0;	/* NEB forces are no gradient: FIRE is not asked to descend */
	for (int k = 1; k <= r->p->ni; k++)
		image_force(r->p, k, F + (size_t)(k - 1) * m);
	neb_project(r->p->x, r->p->ni + 2, m, NULL, r->spring, 0, F);
	for (size_t i = 0; i < dim; i++) {
		if (r->movable && !r->movable[(i % m) / 3])
			F[i] = 0;
		if (!isfinite(F[i]))
			return NAN;
		if (fabs(F[i]) > maxf)
			maxf = fabs(F[i]);
	}
	return maxf;
}

int
idpp_relax(struct cell *img, int nimg, const struct idpp_opts *o, struct idpp_result *res,
    struct hk_err *err)
{
	struct idpp p = { 0 };
	struct mic mic;
	double *d0 = NULL, *d1 = NULL;
	int n = img[0].n, rc = -1;
	size_t nn, m;

	memset(res, 0, sizeof(*res));
	if (nimg < 3) {
		res->converged = 1;
		return 0;
	}
	for (int k = 1; k < nimg; k++)
		if (img[k].n != n) {
			err_set(err, "images have different numbers of atoms");
			return -1;
		}
	p.n = n;
	p.ni = nimg - 2;
	nn = (size_t)n * n;
	m = (size_t)n * 3;
	mic_init(&mic, img[0].lattice);
	p.x = xmalloc((size_t)nimg * m * sizeof(double));
	for (int k = 0; k < nimg; k++)
		for (int a = 0; a < n; a++)
			lat_frac_to_cart(img[0].lattice, img[k].frac[a], coord(&p, k, a));
	d0 = xmalloc(nn * sizeof(double));
	d1 = xmalloc(nn * sizeof(double));
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			double tmp[3];
			d0[(size_t)i * n + j] = i == j ? 0 : mic_vector(&mic, coord(&p, 0, i), coord(&p, 0, j), tmp);
			d1[(size_t)i * n + j] = i == j ? 0 : mic_vector(&mic, coord(&p, nimg - 1, i), coord(&p, nimg - 1, j), tmp);
		}
	p.target = xmalloc((size_t)p.ni * nn * sizeof(double));
	p.w = xmalloc((size_t)p.ni * nn * sizeof(double));
	p.trans = xcalloc((size_t)p.ni * nn * 3, sizeof(double));
	for (int k = 1; k <= p.ni; k++) {
		size_t base = (size_t)(k - 1) * nn;
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++) {
				double vij[3], di, tgt;
				size_t ij = (size_t)i * n + j;
				tgt = d0[ij] + (double)k / (p.ni + 1) * (d1[ij] - d0[ij]);
				/* nearest image of j seen from i in the initial guess, frozen */
				di = mic_vector(&mic, coord(&p, k, i), coord(&p, k, j), vij);
				if (di < 1e-6) {
					err_set(err, "atoms %d and %d coincide in image %d of the initial path", i + 1, j + 1, k);
					goto out;
				}
				/* vec_ij = x_i - x_j - T_ij must equal -vij: T_ij = x_i - x_j + vij */
				for (int r = 0; r < 3; r++)
					p.trans[(base + ij) * 3 + r] = coord(&p, k, i)[r] - coord(&p, k, j)[r] + vij[r];
				p.target[base + ij] = tgt;
				double avg = (tgt + di) / 2;
				p.w[base + ij] = 1.0 / (avg * avg * avg * avg);
			}
	}
	{
		struct idpp_run run = { &p, o->spring, o->movable };
		struct fire_opts fo;
		struct fire_result fr;
		fire_opts_init(&fo);
		fo.ftol = o->ftol;
		fo.maxiter = o->maxiter;
		fo.max_step = o->max_step;
		int bad = fire_minimize(p.x + m, (size_t)p.ni * m, total_forces, &run, &fo, &fr);
		res->iterations = fr.iterations;
		res->max_force = fr.measure;
		res->converged = fr.converged;
		if (bad) {
			err_set(err, "IDPP produced non-finite coordinates");
			goto out;
		}
	}
	{
		double inv[3][3];
		lat_inverse(img[0].lattice, inv);
		for (int k = 1; k <= p.ni; k++)
			for (int a = 0; a < n; a++)
				lat_cart_to_frac(inv, coord(&p, k, a), img[k].frac[a]);
	}
	rc = 0;
out:
	free(d0);
	free(d1);
	free(p.target);
	free(p.w);
	free(p.trans);
	free(p.x);
	return rc;
}
