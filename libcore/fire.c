#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fire.h"
#include "xalloc.h"

void
fire_opts_init(struct fire_opts *o)
{
	o->ftol = 1e-4;
	o->maxiter = 20000;
	o->max_step = 0.05;
	o->dt = 0.1;
	o->dt_max = 1.0;
	o->dt_min = 0;
	o->patience = 0;
	o->monotone = 0;
	o->accept = NULL;
}

/* The FIRE velocity update: mix towards the force, or stop on an uphill step. */
static void
fire_mix(double *v, const double *f, size_t dim, double *dt, double *alpha, int *since_neg, double dt_max)
{
	double P = 0, vn = 0, fn = 0;

	for (size_t r = 0; r < dim; r++) {
		P += f[r] * v[r];
		vn += v[r] * v[r];
		fn += f[r] * f[r];
	}
	vn = sqrt(vn);
	fn = sqrt(fn);
	for (size_t r = 0; r < dim; r++)
		v[r] = (1 - *alpha) * v[r] + *alpha * vn * f[r] / fn;
	if (P > 0) {
		if (++*since_neg > 5) {
			*dt = fmin(*dt * 1.1, dt_max);
			*alpha *= 0.99;
		}
	} else {
		*since_neg = 0;
		*dt *= 0.5;
		*alpha = 0.1;
		memset(v, 0, dim * sizeof(double));
	}
}

/* The point of the lowest measure so far, for patience. */
struct lowest {
	double *x, m;
	int it;
};

/*
 * Keep x if m is a new low; 1 when patience has run out, with x back at
 * the lowest point.
 */
static int
lowest_note(struct lowest *l, double *x, size_t bytes, double m, int it, int patience)
{
	if (m < l->m) {
		memcpy(l->x, x, bytes);
		l->m = m;
		l->it = it;
		return 0;
	}
	if (it - l->it < patience)
		return 0;
	memcpy(x, l->x, bytes);
	return 1;
}

int
fire_minimize(double *x, size_t dim, fire_force_fn fn, void *ctx, const struct fire_opts *o,
    struct fire_result *res)
{
	size_t bytes = dim * sizeof(double);
	double *f = xmalloc(bytes), *v = xcalloc(dim, sizeof(double));
	double *xa = o->monotone ? xmalloc(bytes) : NULL, *fa = o->monotone ? xmalloc(bytes) : NULL;
	double dt = o->dt, alpha = 0.1, ea = INFINITY, ma = INFINITY;
	int since_neg = 0, rc = 0;
	struct lowest low = { o->patience > 0 ? xmalloc(bytes) : NULL, INFINITY, 0 };

	memset(res, 0, sizeof(*res));
	for (int it = 0; it < o->maxiter; it++) {
		double e = 0, m = fn(ctx, x, f, &e);
		res->iterations = it;
		if (isnan(m) || isnan(e)) {
			res->measure = NAN;
			rc = -1;
			break;
		}
		if (m < 0) {
			res->stopped = 1;
			break;
		}
		if (o->monotone && e > ea + 1e-10 * (1 + fabs(ea))) {
			/* uphill: back to the last accepted point, slower */
			memcpy(x, xa, bytes);
			memcpy(f, fa, bytes);
			m = ma;
			memset(v, 0, bytes);
			dt *= 0.5;
			alpha = 0.1;
			since_neg = 0;
		} else {
			if (o->monotone) {
				memcpy(xa, x, bytes);
				memcpy(fa, f, bytes);
				ea = e;
				ma = m;
			}
			if (o->accept && o->accept(ctx, x, f, e) != 0) {
				res->measure = m;
				res->stopped = 1;
				break;
			}
			fire_mix(v, f, dim, &dt, &alpha, &since_neg, o->dt_max);
		}
		res->measure = m;
		if (m < o->ftol) {
			res->converged = 1;
			break;
		}
		if (dt < o->dt_min) {
			res->stalled = 1;
			break;
		}
		if (low.x && lowest_note(&low, x, bytes, m, it, o->patience)) {
			res->measure = low.m;
			res->stalled = res->lost = 1;
			break;
		}
		for (size_t r = 0; r < dim; r++)
			v[r] += dt * f[r];
		for (size_t a = 0; a + 2 < dim; a += 3) {
			double s = dt * sqrt(v[a] * v[a] + v[a + 1] * v[a + 1] + v[a + 2] * v[a + 2]);
			double scale = s > o->max_step ? o->max_step / s : 1;
			for (int r = 0; r < 3; r++)
				x[a + r] += scale * dt * v[a + r];
		}
	}
	free(f);
	free(v);
	free(xa);
	free(fa);
	free(low.x);
	return rc;
}
