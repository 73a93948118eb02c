/*
 * fire.h - minimisation by FIRE (Bitzek et al., Phys. Rev. Lett. 97,
 * 170201 (2006)).
 *
 * x holds atoms' Cartesian coordinates (dim a multiple of 3).  Each step
 * asks the callback for the forces at x (-gradient, or NEB forces), the
 * energy and a convergence measure; the run ends when the measure falls
 * below ftol, after maxiter evaluations, or when the callback asks to stop.
 * Unit masses; no atom moves more than max_step Å in one step.  With
 * monotone set, a step that raises the energy is taken back (velocities
 * zeroed, time step halved), so the accepted energies never rise; each
 * accepted point is handed to the accept callback (e.g. to write it).
 * Every uphill step halves the time step, so where the force turns back at
 * every step (a kink of the objective) it collapses; with dt_min set the
 * run then ends, stalled.  A run can also leave a near-minimum and wander
 * off (a band whose images overlap atoms, with forces of 1e7 at the start):
 * with patience set, a run whose measure has not reached a new low in that
 * many evaluations ends, stalled, back at the point of its lowest measure.
 */
#ifndef HK_FIRE_H
#define HK_FIRE_H

#include <stddef.h>

/*
 * Fill f with the forces at x and return the convergence measure (e.g. the
 * largest force); NAN when something is not finite; a negative number to
 * stop the run (a STOPCAR, an error kept in ctx).
 */
typedef double (*fire_force_fn)(void *ctx, const double *x, double *f, double *energy);

/* An accepted point; a non-zero return stops the run. */
typedef int (*fire_accept_fn)(void *ctx, const double *x, const double *f, double energy);

struct fire_opts {
	double ftol;
	int maxiter;
	double max_step;	/* Å per atom per step */
	double dt, dt_max;	/* initial and largest time step */
	double dt_min;		/* stop (stalled) when the time step falls below it; 0: never */
	int patience;		/* stop (stalled, at the lowest) after this many evaluations without a new low; 0: never */
	int monotone;
	fire_accept_fn accept;	/* or NULL */
};

void fire_opts_init(struct fire_opts *o);

struct fire_result {
	int iterations;		/* force evaluations before the last */
	double measure;		/* the callback's last convergence measure */
	int converged, stopped;
	int stalled;		/* the time step collapsed, or no new low in patience evaluations */
	int lost;		/* stalled by patience: x is the point of the lowest measure */
};

/* Minimise in place.  0, or -1 when the callback returned NAN. */
int fire_minimize(double *x, size_t dim, fire_force_fn fn, void *ctx, const struct fire_opts *o,
    struct fire_result *res);

#endif
