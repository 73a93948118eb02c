/*
 * neb.h - endpoints and images of a vacancy hop in a supercell.
 *
 * The supercell is M x the cell (rows of M are the supercell vectors in
 * the cell's).  The vacancy mechanism: the start is the supercell with the
 * ion missing at the hop's end site, the end is the supercell with it
 * missing at the start site; the moving ion has the same index in both and
 * every other atom keeps its index, so images interpolate atom by atom.
 * Atoms are grouped by species in the order they first appear in the cell,
 * the moving ion first within its species (a POSCAR then has one block per
 * species).  The end position is written unwrapped (start + hop vector), so
 * linear interpolation follows the hop.
 */
#ifndef HK_NEB_H
#define HK_NEB_H

#include "cell.h"
#include "err.h"

struct neb_path {
	struct cell start, end;	/* supercell endpoints, same atom order */
	int mover;		/* index of the moving ion */
	double hop[3];		/* hop vector, Cartesian Å */
	int *site;		/* the site of the cell each atom stands for */
};

#define NEB_PATH_INIT { CELL_INIT, CELL_INIT, 0, { 0, 0, 0 }, NULL }

/* The supercell m x c (m integer, det > 0) into out, atoms in cell order per translation. */
int neb_supercell(const struct cell *c, const int m[3][3], struct cell *out, struct hk_err *err);

/*
 * Endpoints of the hop from site i to site j + image of c in the supercell m.
 * -1 when the sites are not the same element, m is singular, or the
 * endpoints coincide.
 */
int neb_endpoints(const struct cell *c, int i, int j, const int image[3], const int m[3][3],
    struct neb_path *out, struct hk_err *err);
void neb_path_release(struct neb_path *p);

/*
 * n + 2 images (endpoints included) interpolated linearly in fractional
 * coordinates between p->start and p->end, into the array img (n + 2 cells).
 */
void neb_linear(const struct neb_path *p, int n, struct cell *img);

/*
 * The linear images with the mover bent off the straight line, for a hop
 * whose line runs through another atom (IDPP cannot start where two atoms
 * coincide): interior image k (t = k / (n + 1)) moves the mover by
 * amp sin(pi t) u, amp in Å, u the unit vector perpendicular to the hop,
 * of NEB_DETOUR_DIRS evenly spaced, along which the displaced midpoint is
 * least crowded (the smallest sum of 1/d^4 over the other atoms at their
 * nearest periodic images, IDPP's weight).  The endpoints are p's.
 */
#define NEB_DETOUR_DIRS 12
#define NEB_DETOUR_AMP 0.5
void neb_detour(const struct neb_path *p, int n, double amp, struct cell *img);

/*
 * The n + 2 images of p relaxed by IDPP (idpp.h) from the linear path or,
 * when IDPP cannot start from it (the line runs through an atom), from
 * neb_detour's; *detour says which.  -1 with the linear start's error when
 * neither starts.
 */
struct idpp_opts;
struct idpp_result;
int neb_idpp(const struct neb_path *p, int n, const struct idpp_opts *o, struct cell *img, struct idpp_result *r,
    int *detour, struct hk_err *err);

/*
 * Nudged-elastic-band forces.  x holds n images of dim Cartesian numbers
 * (endpoints first and last); f holds the true forces of the n - 2
 * interior images and becomes their NEB forces: the force perpendicular to
 * the path plus a spring force k (|x+1 - x| - |x - x-1|) along it.  With
 * energies e (all n images), the tangent is Henkelman and Jonsson's
 * upwind one (J. Chem. Phys. 113, 9978 (2000)) and image `climb` (1 ...
 * n - 2, or 0 for none) climbs: no spring, its parallel force inverted
 * (Henkelman, Uberuaga, Jonsson, J. Chem. Phys. 113, 9901 (2000)).
 * Without energies, the tangent is the bisector of the two segments.
 */
void neb_project(const double *x, int n, size_t dim, const double *e, double spring, int climb, double *f);

/* What the projection found at one interior image: the numbers VTST prints. */
struct neb_info {
	double dprev, dnext;	/* distances to the previous and next image, Å */
	double angle;		/* between the two segments, degrees */
	double spring;		/* spring force along the tangent, eV/Å */
	double real;		/* true force along the tangent, eV/Å (-dE/ds) */
	double perp;		/* length of the true force across the tangent, eV/Å */
};

/*
 * neb_project, and for each interior image k (1 ... n - 2) its unit tangent
 * into tau + (k - 1) dim and its numbers into info[k - 1] (either may be
 * NULL).  The projections are of the true forces f holds on entry.
 */
void neb_project_info(const double *x, int n, size_t dim, const double *e, double spring, int climb, double *f,
    double *tau, struct neb_info *info);

/* Closest approach of two atoms in an image (periodic), Å, and the pair. */
double neb_closest(const struct cell *c, int *i, int *j);

#endif
