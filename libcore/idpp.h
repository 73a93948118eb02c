/*
 * idpp.h - image-dependent pair potential path (Smidstrup et al., J. Chem.
 * Phys. 140, 214106 (2014)).
 *
 * For each interior image k of n: target distances interpolate the
 * endpoints' (minimum-image) distance matrices, D_k = D_0 + k/(n+1)
 * (D_n+1 - D_0); the objective is 1/2 sum_ij w_ij (d_ij - D_k,ij)^2 with
 * w = 1 / ((D_k + d_initial)/2)^4 fixed at the start, and the periodic image
 * of each pair frozen from the initial guess -- the formulation of
 * pymatgen-analysis-diffusion's IDPPSolver, so results can be compared.
 * The images are coupled NEB-style (bisector tangent, spring force
 * k (|x+1 - x| - |x - x-1|) along it, true force perpendicular to it) and
 * relaxed with FIRE until no force component exceeds ftol.  Endpoints do
 * not move.  With steepest set, IDPPSolver's own descent instead: each
 * step moves every coordinate by step_size times its force, clamped to
 * max_step, and stops when the forces it moved by were below ftol.  FIRE
 * reaches lower minima of this objective, which has several; steepest
 * descent reproduces IDPPSolver's images (on a symmetric hop it keeps the
 * straight path, a saddle of the objective, as IDPPSolver does).
 */
#ifndef HK_IDPP_H
#define HK_IDPP_H

#include "cell.h"
#include "err.h"

struct idpp_opts {
	const unsigned char *movable;	/* per atom, or NULL: every atom moves */
	double ftol;		/* largest force component at convergence */
	int maxiter;
	double spring;		/* spring constant (pymatgen: 5) */
	double max_step;	/* Å per atom per step (FIRE), per component (steepest) */
	int steepest;		/* steepest descent as IDPPSolver, not FIRE */
	double step_size;	/* steepest: displacement per unit force (pymatgen: 0.05) */
};

void idpp_opts_init(struct idpp_opts *o);

struct idpp_result {
	int iterations;
	double max_force;
	int converged;
};

/*
 * Relax the interior images of img[0..nimg-1] (all on one lattice, atoms in
 * one order; fractional coordinates as interpolated, not wrapped) in place.
 * -1 on bad input or non-finite coordinates (err set).
 */
int idpp_relax(struct cell *img, int nimg, const struct idpp_opts *o, struct idpp_result *res,
    struct hk_err *err);

#endif
