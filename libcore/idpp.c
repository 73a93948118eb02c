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
	o->model = IDPP_PAPER;
}

/* Minimum images searched over the 27 neighbouring cells of the
 * LLL-reduced lattice, as pymatgen does. */
struct mic {
	double red[3][3], inv[3][3];
};

static void
mic_init(struct mic *m, const double l[3][3])
{
	lat_lll(l, m->red, NULL);
	lat_inverse(m->red, m->inv);
}

/*
 * The displacements from a to b's images in the 27 cells around the
 * nearest (Cartesian, into r) and their squared lengths; the index of the
 * first shortest.
 */
static int
image_vectors(const struct mic *m, const double a[3], const double b[3], double r[27][3], double l2[27])
{
	double d[3] = { b[0] - a[0], b[1] - a[1], b[2] - a[2] }, f[3];
	int best = 0, c = 0;

	lat_cart_to_frac(m->inv, d, f);
	for (int q = 0; q < 3; q++)
		f[q] -= round(f[q]);
	for (int i = -1; i <= 1; i++)
	for (int j = -1; j <= 1; j++)
	for (int k = -1; k <= 1; k++, c++) {
		double g[3] = { f[0] + i, f[1] + j, f[2] + k };
		lat_frac_to_cart(m->red, g, r[c]);
		l2[c] = r[c][0] * r[c][0] + r[c][1] * r[c][1] + r[c][2] * r[c][2];
		if (l2[c] < l2[best])
			best = c;
	}
	return best;
}

/* Minimum-image distance from a to b. */
static double
mic_distance(const struct mic *m, const double a[3], const double b[3])
{
	double r[27][3], l2[27];

	return sqrt(l2[image_vectors(m, a, b, r, l2)]);
}

/*
 * Images of a pair within 2 MIC_MARGIN (Å) of its nearest are candidates,
 * so the candidates stay complete while the pair's separation moves less
 * than MIC_MARGIN: until then no other image can become the nearest, and
 * the paper's objective follows the true minimum image without a 27-image
 * search per pair.  An atom's pairs are rebuilt once it has moved
 * MIC_MARGIN / 3 since its own last rebuild: the other atom of a pair has
 * then moved at most twice that since the pair's (its last rebuild may be
 * older), so the separation at most MIC_MARGIN.  In a hop usually only the
 * ion and its neighbours move far: a rebuild costs n pairs, not n^2 / 2.
 */
#define MIC_MARGIN 0.5

struct pair {
	double t[3];		/* offset of the nearest image at the last build, Cartesian */
	double target, w;	/* w: the frozen weight, fixed-weights model only */
	unsigned alt, nalt;	/* further candidates: alt[alt .. alt + nalt) of the image */
};

/* One image's candidates; a rebuilt pair appends its own and leaves the old dead. */
struct alts {
	double (*t)[3];
	size_t n, cap;
	size_t live;		/* those some pair still points at */
};

struct idpp {
	int n;			/* atoms */
	int ni;			/* interior images */
	size_t npair;		/* n (n - 1) / 2 */
	struct pair *pair;	/* ni * npair, pairs i < j in loop order: read in sequence */
	double *x;		/* (ni + 2) * n * 3 Cartesian coordinates */
	struct mic mic;
	int follow;		/* follow the minimum image (paper) rather than freeze it */
	struct alts *alt;	/* per interior image */
	double *ref;		/* per interior image and atom: where its pairs were last built */
	int *moved;		/* n: scratch, the atoms due a rebuild */
	double (*v)[3], *g;	/* n: scratch, one row's pair vectors and factors */
};

static double *
coord(const struct idpp *p, int k, int a)
{
	return p->x + ((size_t)k * p->n + a) * 3;
}

/* Index of pair (i, j), i < j, among one image's pairs. */
static size_t
pair_index(int n, int i, int j)
{
	return (size_t)i * n - (size_t)i * (i + 1) / 2 + (size_t)(j - i - 1);
}

static void
alts_push(struct alts *a, const double t[3])
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->t = xrealloc(a->t, a->cap * sizeof(*a->t));
	}
	memcpy(a->t[a->n++], t, 3 * sizeof(double));
}

/*
 * Pair (i, j) of image k from the displacements r to j's images and their
 * squared lengths l2 (image_vectors'): the nearest offset into pp->t, and
 * with follow set those within 2 MIC_MARGIN of it into the image's
 * alternates.  Returns the nearest distance.
 */
static double
pair_set(struct idpp *p, int k, int i, int j, const double r[27][3], const double l2[27], int best,
    struct pair *pp)
{
	const double *xi = coord(p, k, i), *xj = coord(p, k, j);

	/* x_i - x_j - T must be -r: T = x_i - x_j + r */
	for (int q = 0; q < 3; q++)
		pp->t[q] = xi[q] - xj[q] + r[best][q];
	pp->nalt = 0;
	if (p->follow) {
		struct alts *al = &p->alt[k - 1];
		double lim = sqrt(l2[best]) + 2 * MIC_MARGIN;
		pp->alt = (unsigned)al->n;
		for (int c = 0; c < 27; c++)
			if (c != best && l2[c] <= lim * lim) {
				double t[3] = { xi[0] - xj[0] + r[c][0], xi[1] - xj[1] + r[c][1], xi[2] - xj[2] + r[c][2] };
				alts_push(al, t);
				pp->nalt++;
			}
		al->live += pp->nalt;
	}
	return sqrt(l2[best]);
}

/* Pair (i, j) of image k searched afresh; the nearest distance. */
static double
pair_images(struct idpp *p, int k, int i, int j, struct pair *pp)
{
	double r[27][3], l2[27];
	int best = image_vectors(&p->mic, coord(p, k, i), coord(p, k, j), r, l2);

	return pair_set(p, k, i, j, r, l2, best, pp);
}

/* Every pair of image k afresh, the dead candidates dropped. */
static void
rebuild_image(struct idpp *p, int k)
{
	struct pair *pp = p->pair + (size_t)(k - 1) * p->npair;

	p->alt[k - 1].n = p->alt[k - 1].live = 0;
	for (int i = 0; i < p->n; i++)
		for (int j = i + 1; j < p->n; j++, pp++)
			pair_images(p, k, i, j, pp);
	memcpy(p->ref + (size_t)(k - 1) * p->n * 3, coord(p, k, 0), (size_t)p->n * 3 * sizeof(double));
}

/* Rebuild the pairs of the atoms of image k that have moved MIC_MARGIN / 3 since theirs were. */
static void
follow_images(struct idpp *p, int k)
{
	double *ref = p->ref + (size_t)(k - 1) * p->n * 3, lim = MIC_MARGIN * MIC_MARGIN / 9;
	const double *x = coord(p, k, 0);
	struct pair *pp = p->pair + (size_t)(k - 1) * p->npair;
	struct alts *al = &p->alt[k - 1];
	int nm = 0;

	for (int a = 0; a < p->n; a++) {
		double dx = x[a * 3] - ref[a * 3], dy = x[a * 3 + 1] - ref[a * 3 + 1], dz = x[a * 3 + 2] - ref[a * 3 + 2];
		p->moved[a] = dx * dx + dy * dy + dz * dz > lim;
		nm += p->moved[a];
	}
	if (nm == 0)
		return;
	/* many movers, or more dead candidates than live: start the image afresh */
	if (4 * nm > p->n || al->n > 2 * al->live + 1024) {
		rebuild_image(p, k);
		return;
	}
	for (int a = 0; a < p->n; a++) {
		if (!p->moved[a])
			continue;
		for (int b = 0; b < p->n; b++) {
			/* a pair of two movers once, from its first */
			if (b == a || (p->moved[b] && b < a))
				continue;
			int i = a < b ? a : b, j = a < b ? b : a;
			struct pair *q = pp + pair_index(p->n, i, j);
			al->live -= q->nalt;
			pair_images(p, k, i, j, q);
		}
		memcpy(ref + a * 3, x + a * 3, 3 * sizeof(double));
	}
}

/*
 * Objective of interior image k (1-based) and its true force, -grad, with
 * the weights frozen at the start (IDPPSolver's formulation).
 */
static double
image_force_fixed(const struct idpp *p, int k, double *f)
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

/*
 * The same with the paper's weight 1/d^4 of the current distance:
 * d/dd (d - D)^2 / d^4 = 2 (d - D) (1 - 2 (d - D) / d) / d^4.
 * Row by row in three passes: the nearest image of each pair, then the
 * pairs' scalar factors (no stores into f: the square roots and divisions
 * of a row overlap), then the forces.
 */
static double
image_force_paper(const struct idpp *p, int k, double *f)
{
	const struct pair *pp = p->pair + (size_t)(k - 1) * p->npair;
	const double (*alt)[3] = (const double (*)[3])p->alt[k - 1].t;
	double (*v)[3] = p->v, *g = p->g, func = 0;

	memset(f, 0, (size_t)p->n * 3 * sizeof(double));
	for (int i = 0; i < p->n; i++, pp += p->n - i) {
		const double *xi = coord(p, k, i);
		int nj = p->n - i - 1;
		for (int j = 0; j < nj; j++) {
			const double *xj = coord(p, k, i + 1 + j), *t = pp[j].t;
			double vx = xi[0] - xj[0] - t[0], vy = xi[1] - xj[1] - t[1], vz = xi[2] - xj[2] - t[2];
			double d2 = vx * vx + vy * vy + vz * vz;
			for (unsigned c = 0; c < pp[j].nalt; c++) {
				const double *u = alt[pp[j].alt + c];
				double wx = xi[0] - xj[0] - u[0], wy = xi[1] - xj[1] - u[1], wz = xi[2] - xj[2] - u[2];
				double w2 = wx * wx + wy * wy + wz * wz;
				if (w2 < d2)
					d2 = w2, vx = wx, vy = wy, vz = wz;
			}
			v[j][0] = vx, v[j][1] = vy, v[j][2] = vz;
			g[j] = d2;
		}
		for (int j = 0; j < nj; j++) {
			/* one division per pair: 1/d, then d and 1/d^4 from it */
			double id = 1 / sqrt(g[j]), d = g[j] * id, id2 = id * id, inv4 = id2 * id2;
			double diff = d - pp[j].target;
			func += diff * diff * inv4;
			g[j] = 2 * diff * (1 - 2 * diff * id) * inv4 * id;
		}
		double fx = 0, fy = 0, fz = 0, *fj = f + (size_t)(i + 1) * 3;
		for (int j = 0; j < nj; j++) {
			double gx = g[j] * v[j][0], gy = g[j] * v[j][1], gz = g[j] * v[j][2];
			fx -= gx, fy -= gy, fz -= gz;
			fj[j * 3] += gx, fj[j * 3 + 1] += gy, fj[j * 3 + 2] += gz;
		}
		f[i * 3] += fx, f[i * 3 + 1] += fy, f[i * 3 + 2] += fz;
	}
	return func;
}

struct idpp_run {
	struct idpp *p;
	double spring;
	const unsigned char *movable;
	double *e;		/* ni + 2 objective values: the upwind tangent's */
};

/*
 * Where two images of a pair are equally near, the followed minimum image
 * puts a kink in the objective; a minimum on it has no zero force, and
 * FIRE's time step collapses there as the force turns back at every step.
 * The band has then stopped: the run ends once the step is below this.
 */
#define STALL_DT 1e-4

/*
 * A band through a crowded region can come close to a minimum and then
 * wander off, its forces growing for as long as it is let run.  On the
 * corpus no run that converges goes 400 iterations without a new lowest
 * force; one that goes this many has lost its way, and ends at its best.
 */
#define IDPP_PATIENCE 1000

/* The NEB force on every interior image; the largest component. */
static double
total_forces(void *ctx, const double *x, double *F, double *energy)
{
	struct idpp_run *r = ctx;
	size_t m = (size_t)r->p->n * 3, dim = (size_t)r->p->ni * m;
	double maxf = 0;

	(void)x;	/* the interior of p->x */
	*energy = 0;	/* NEB forces are no gradient: FIRE is not asked to descend */
	if (r->p->follow) {	/* the paper's objective */
		/* the endpoints sit at their targets: objective 0 */
		r->e[0] = r->e[r->p->ni + 1] = 0;
		for (int k = 1; k <= r->p->ni; k++) {
			follow_images(r->p, k);
			r->e[k] = image_force_paper(r->p, k, F + (size_t)(k - 1) * m);
		}
		neb_project(r->p->x, r->p->ni + 2, m, r->e, r->spring, 0, F);
	} else {
		for (int k = 1; k <= r->p->ni; k++)
			image_force_fixed(r->p, k, F + (size_t)(k - 1) * m);
		neb_project(r->p->x, r->p->ni + 2, m, NULL, r->spring, 0, F);
	}
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

/*
 * Per atom, whether it stands at the same place in every image of the
 * initial path.  In a hop most atoms do: their pairs' images are searched
 * once, not once per image.
 */
static unsigned char *
path_still_atoms(const struct idpp *p)
{
	unsigned char *still = xmalloc((size_t)p->n);

	for (int a = 0; a < p->n; a++) {
		still[a] = 1;
		for (int k = 1; k < p->ni + 2 && still[a]; k++)
			still[a] = memcmp(coord(p, k, a), coord(p, 0, a), 3 * sizeof(double)) == 0;
	}
	return still;
}

/*
 * Pair (i, j) in every interior image: its target, the linear
 * interpolation of the endpoints' minimum-image distances, its images and
 * its frozen weight.  still: neither atom moves along the initial path.
 */
static int
init_pair(struct idpp *p, int i, int j, int still, struct hk_err *err)
{
	double r[27][3], l2[27];
	int last = p->ni + 1, best = image_vectors(&p->mic, coord(p, 0, i), coord(p, 0, j), r, l2);
	double d0 = sqrt(l2[best]);
	double d1 = still ? d0 : mic_distance(&p->mic, coord(p, last, i), coord(p, last, j));
	size_t ij = pair_index(p->n, i, j);

	for (int k = 1; k <= p->ni; k++) {
		struct pair *pp = p->pair + (size_t)(k - 1) * p->npair + ij;
		double tgt = d0 + (double)k / (p->ni + 1) * (d1 - d0);
		double di = still ? pair_set(p, k, i, j, r, l2, best, pp) : pair_images(p, k, i, j, pp);
		if (di < 1e-6) {
			err_set(err, "atoms %d and %d coincide in image %d of the initial path", i + 1, j + 1, k);
			return -1;
		}
		pp->target = tgt;
		double avg = (tgt + di) / 2;
		pp->w = 1.0 / (avg * avg * avg * avg);
	}
	return 0;
}

int
idpp_relax(struct cell *img, int nimg, const struct idpp_opts *o, struct idpp_result *res,
    struct hk_err *err)
{
	struct idpp p = { 0 };
	double *e = NULL;
	unsigned char *still = NULL;
	int n = img[0].n, rc = -1;
	size_t m;

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
	p.follow = o->model == IDPP_PAPER;
	m = (size_t)n * 3;
	mic_init(&p.mic, img[0].lattice);
	p.x = xmalloc((size_t)nimg * m * sizeof(double));
	for (int k = 0; k < nimg; k++)
		for (int a = 0; a < n; a++)
			lat_frac_to_cart(img[0].lattice, img[k].frac[a], coord(&p, k, a));
	p.npair = (size_t)n * (n - 1) / 2;
	p.pair = xmalloc((size_t)p.ni * p.npair * sizeof(*p.pair));
	p.alt = xcalloc((size_t)p.ni, sizeof(*p.alt));
	p.ref = xmalloc((size_t)p.ni * m * sizeof(double));
	memcpy(p.ref, coord(&p, 1, 0), (size_t)p.ni * m * sizeof(double));
	p.moved = xmalloc((size_t)n * sizeof(*p.moved));
	p.v = xmalloc((size_t)n * sizeof(*p.v));
	p.g = xmalloc((size_t)n * sizeof(*p.g));
	still = path_still_atoms(&p);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (init_pair(&p, i, j, still[i] && still[j], err) == -1)
				goto out;
	e = xmalloc((size_t)nimg * sizeof(double));
	struct idpp_run run = { &p, o->spring, o->movable, e };
	if (o->steepest) {
		if (steepest_descent(&run, p.x + m, (size_t)p.ni * m, o, res) == -1) {
			err_set(err, "IDPP produced non-finite coordinates");
			goto out;
		}
	} else {
		struct fire_opts fo;
		struct fire_result fr;
		fire_opts_init(&fo);
		fo.ftol = o->ftol;
		fo.maxiter = o->maxiter;
		fo.max_step = o->max_step;
		fo.patience = IDPP_PATIENCE;
		if (p.follow)
			fo.dt_min = STALL_DT;
		int bad = fire_minimize(p.x + m, (size_t)p.ni * m, total_forces, &run, &fo, &fr);
		res->iterations = fr.iterations;
		res->max_force = fr.measure;
		res->converged = fr.converged;
		res->stalled = fr.stalled;
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
	for (int k = 0; p.alt && k < p.ni; k++)
		free(p.alt[k].t);
	free(p.alt);
	free(p.ref);
	free(p.moved);
	free(p.v);
	free(p.g);
	free(still);
	free(e);
	free(p.pair);
	free(p.x);
	return rc;
}

json_t *
idpp_result_json(const struct idpp_result *r)
{
	return json_pack("{s:i,s:f,s:b,s:b}", "iterations", r->iterations, "max_force", r->max_force,
	    "converged", r->converged, "stalled", r->stalled);
}
