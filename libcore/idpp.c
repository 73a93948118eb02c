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
	o->steepest = 0;
	o->step_size = 0.05;
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

/* What the objective holds fixed for one pair of one image. */
struct pair {
	double t[3];		/* frozen image offset, Cartesian */
	double target, w;
};

struct idpp {
	int n;			/* atoms */
	int ni;			/* interior images */
	size_t npair;		/* n (n - 1) / 2 */
	struct pair *pair;	/* ni * npair, pairs i < j in loop order: read in sequence */
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
	const struct pair *pp = p->pair + (size_t)(k - 1) * p->npair;
	double func = 0;

	memset(f, 0, (size_t)p->n * 3 * sizeof(double));
	for (int i = 0; i < p->n; i++) {
		const double *xi = coord(p, k, i);
		/* atom i's force in registers: f[j] may not alias it */
		double fx = 0, fy = 0, fz = 0;
		for (int j = i + 1; j < p->n; j++, pp++) {
			const double *xj = coord(p, k, j), *t = pp->t;
			double vx = xi[0] - xj[0] - t[0], vy = xi[1] - xj[1] - t[1], vz = xi[2] - xj[2] - t[2];
			double d = sqrt(vx * vx + vy * vy + vz * vz);
			double diff = d - pp->target;
			/* the pair counts twice in the double sum: f = sum_i<j w diff^2 */
			func += pp->w * diff * diff;
			double g = 2 * pp->w * diff / d;
			fx -= g * vx, fy -= g * vy, fz -= g * vz;
			f[j * 3] += g * vx, f[j * 3 + 1] += g * vy, f[j * 3 + 2] += g * vz;
		}
		f[i * 3] += fx, f[i * 3 + 1] += fy, f[i * 3 + 2] += fz;
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

/* IDPPSolver's iteration: move by step x force (clamped), then test those forces. */
static int
steepest_descent(struct idpp_run *run, double *x, size_t dim, const struct idpp_opts *o,
    struct idpp_result *res)
{
	double *F = xmalloc(dim * sizeof(double)), e;
	int rc = 0;

	for (int it = 0; it < o->maxiter; it++) {
		double m = total_forces(run, x, F, &e);
		res->iterations = it;
		res->max_force = m;
		if (isnan(m)) {
			rc = -1;
			break;
		}
		for (size_t r = 0; r < dim; r++) {
			double dx = o->step_size * F[r];
			x[r] += dx > o->max_step ? o->max_step : dx < -o->max_step ? -o->max_step : dx;
		}
		if (m < o->ftol) {
			res->converged = 1;
			break;
		}
	}
	free(F);
	return rc;
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
		for (int j = i + 1; j < n; j++) {
			double tmp[3];
			/* only i < j is read */
			d0[(size_t)i * n + j] = mic_vector(&mic, coord(&p, 0, i), coord(&p, 0, j), tmp);
			d1[(size_t)i * n + j] = mic_vector(&mic, coord(&p, nimg - 1, i), coord(&p, nimg - 1, j), tmp);
		}
	p.npair = (size_t)n * (n - 1) / 2;
	p.pair = xmalloc((size_t)p.ni * p.npair * sizeof(*p.pair));
	for (int k = 1; k <= p.ni; k++) {
		struct pair *pp = p.pair + (size_t)(k - 1) * p.npair;
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++, pp++) {
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
					pp->t[r] = coord(&p, k, i)[r] - coord(&p, k, j)[r] + vij[r];
				pp->target = tgt;
				double avg = (tgt + di) / 2;
				pp->w = 1.0 / (avg * avg * avg * avg);
			}
	}
	if (o->steepest) {
		struct idpp_run run = { &p, o->spring, o->movable };
		if (steepest_descent(&run, p.x + m, (size_t)p.ni * m, o, res) == -1) {
			err_set(err, "IDPP produced non-finite coordinates");
			goto out;
		}
	} else {
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
	free(p.pair);
	free(p.x);
	return rc;
}
