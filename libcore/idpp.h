/*
 * idpp.h - image-dependent pair potential path (Smidstrup et al., J. Chem.
 * Phys. 140, 214106 (2014)).
 *
 * For each interior image k of n: target distances interpolate the
 * endpoints' (minimum-image) distance matrices, D_k = D_0 + k/(n+1)
 * (D_n+1 - D_0); the objective is sum_i<j w_ij (d_ij - D_k,ij)^2.
 * IDPP_PAPER (the paper's, and ASE's with minimum images): w = 1/d^4 of the
 * current distance, d to the nearest periodic image as the atoms move, the
 * images coupled NEB-style with the upwind tangent (their objectives as
 * energies).  Where two images of a pair are equally near, d has a kink; a
 * minimum on it has no zero force, so the run also ends when the band has
 * stopped moving (stalled).  A band that has found no lower largest force
 * in 1000 iterations has wandered off a minimum: the run ends there too
 * (stalled), with the images of its lowest force.  IDPP_FIXED_WEIGHTS (pymatgen-analysis-
 * diffusion's IDPPSolver): w = 1 / ((D_k + d_initial)/2)^4 and each pair's
 * periodic image frozen from the initial guess, bisector tangent.  Either
 * way the NEB force is the true force perpendicular to the tangent plus a
 * spring force k (|x+1 - x| - |x - x-1|) along it, minimised with FIRE until
 * no component exceeds ftol; endpoints do not move.  With steepest set,
 * IDPPSolver's own descent instead: each step moves every coordinate by
 * step_size times its force, clamped to max_step, and stops when the forces
 * it moved by were below ftol (with IDPP_FIXED_WEIGHTS it reproduces
 * IDPPSolver's images).
 */
#ifndef HK_IDPP_H
#define HK_IDPP_H

#include <jansson.h>

#include "cell.h"
#include "err.h"

enum idpp_model {
	IDPP_PAPER,		/* weight 1/d^4 of the current distance, upwind tangent */
	IDPP_FIXED_WEIGHTS,	/* IDPPSolver's: weights frozen, bisector tangent */
};

struct idpp_opts {
	const unsigned char *movable;	/* per atom, or NULL: every atom moves */
	double ftol;		/* largest force component at convergence */
	int maxiter;
	double spring;		/* spring constant (pymatgen: 5) */
	double max_step;	/* Å per atom per step (FIRE), per component (steepest) */
	int steepest;		/* steepest descent as IDPPSolver, not FIRE */
	double step_size;	/* steepest: displacement per unit force (pymatgen: 0.05) */
	enum idpp_model model;
};

void idpp_opts_init(struct idpp_opts *o);

struct idpp_result {
	int iterations;
	double max_force;	/* largest NEB force component at the end */
	int converged;		/* max_force below ftol */
	int stalled;		/* stopped on a kink: the band no longer moved */
};

/* The result as a record's "idpp" object: iterations, max_force, converged, stalled. */
json_t *idpp_result_json(const struct idpp_result *r);

/*
 * Relax the interior images of img[0..nimg-1] (all on one lattice, atoms in
 * one order; fractional coordinates as interpolated, not wrapped) in place.
 * -1 on bad input or non-finite coordinates (err set).
 */
int idpp_relax(struct cell *img, int nimg, const struct idpp_opts *o, struct idpp_result *res,
    struct hk_err *err);

#endif
