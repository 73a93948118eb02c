/*
 * hops.h - the symmetry-distinct hops of a migrating ion.
 *
 * Candidates: from one representative site of each symmetry orbit of the
 * ion, every periodic image of a site of the ion closer than the cutoff
 * (plus 0.01 Å, the slack pymatgen-analysis-diffusion's DistinctPathFinder
 * adds, so that "5 Å" finds the same hops).  Two hops are the same when an
 * operation of the space group maps one onto the other, in either
 * direction: each operation permutes the sites (matched within symprec),
 * so a hop (site a -> site b displaced by lattice vector t) maps to
 * (perm a -> perm b, R t + shift b - shift a), and a hop's class is named by
 * the least tuple of its orbit.  The orbit also gives the multiplicity
 * (undirected hops per cell) and the edges of the percolation network.
 */
#ifndef HK_HOPS_H
#define HK_HOPS_H

#include "cell.h"
#include "err.h"
#include "symmetry.h"

struct hop {
	int i, j;		/* start site (an orbit representative), end site */
	int image[3];		/* the end is frac[j] + image */
	double length;		/* Å */
	int multiplicity;	/* undirected hops per cell in this class */
	int nedge;		/* directed hops of the class in the cell */
	int (*edge)[5];		/* (a, b, t0, t1, t2) for each */
};

struct hopset {
	struct hop *h;
	int n;
	int nion;		/* sites of the ion */
	int *ion_site;		/* their indices */
};

#define HOPSET_INIT { NULL, 0, 0, NULL }

/* The slack pymatgen-analysis-diffusion adds to the cutoff. */
#define HOPS_CUTOFF_SLACK 0.01

/*
 * All distinct hops of ion z up to cutoff, sorted by length.  sym must come
 * from sym_analyze of c.  A structure without the ion gives n == 0.
 */
int hops_find(const struct cell *c, const struct symmetry *sym, int z, double cutoff,
    double symprec, struct hopset *out, struct hk_err *err);
void hopset_release(struct hopset *hs);

/*
 * Dimensionality of the ion's network made of the given classes of hops
 * (indices into hs->h).
 */
int hops_dimensionality(const struct hopset *hs, const int *which, int nwhich);

/*
 * The class (index into hs->h) of the hop from the ion site at fractional a
 * to the one at b (b may lie outside the cell) of cell c, each end matched
 * to the nearest ion site within tol Å; -1 when there is none.
 */
int hops_class_of(const struct hopset *hs, const struct cell *c, const double a[3], const double b[3],
    double tol);

/* Dimensionality with every class no longer than hop k (+1e-6 Å). */
int hops_dimensionality_upto(const struct hopset *hs, int k);

#endif
