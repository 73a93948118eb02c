/*
 * bvse.h - bond-valence site energy of a mobile ion (softBV).
 *
 * The energy of a mobile ion of charge q at a point, in the field of the
 * other ions: a Morse term to every counter-ion (opposite sign) within the
 * cutoff, E = D0 [(exp(alpha (Rmin - R)) - 1)^2 - 1], and a screened Coulomb
 * repulsion to every ion of the same sign, E = (e^2/4 pi eps0) q1 q2 /
 * sqrt(n1 n2) / R erfc(R / (0.74 (rc1 + rc2))) with n the principal quantum
 * number and rc the covalent radius (H. Chen & S. Adams, IUCrJ 4, 614
 * (2017); H. Chen, L. L. Wong & S. Adams, Acta Cryst. B75, 18 (2019)).  The
 * Morse term is the published one; BVlain's code halves it.  One term is
 * added to the published model: ions of like sign in contact repel as
 * BVSE_CONTACT_EPS (s / R)^12, s the sum of their Shannon radii.  softBV's
 * screening leaves like ions almost free to touch (F-F: 1e-4 eV at 2.4 Å),
 * which a rigid framework does not notice but a relaxed one (ff.h) does:
 * anions crowd round a cation and the crystal collapses.  The term is
 * 0.02 eV for F-F at fluorite's 2.73 Å and 0.8 eV at 2.0 Å, so it also keeps
 * a mobile anion from squeezing between two others for free.  Parameters:
 * share/bvse/softbv-anions.tsv, softbv-cations.tsv, elements.tsv.  Also
 * Shannon ionic radii (share/radii/shannon-ionic.tsv).
 */
#ifndef HK_BVSE_H
#define HK_BVSE_H

#include "cell.h"
#include "datafile.h"
#include "err.h"

#define BVSE_CONTACT_EPS 0.1	/* eV */
#define BVSE_CONTACT_SCALE 1.0

struct bvse_pair {
	short zm, om, zp, op;	/* mobile and partner element, oxidation state */
	double r0, rmin, alpha, d0;
};

struct bvse_tables {
	struct bvse_pair *pair;
	int npair;
	int n[119];		/* principal quantum number, 0 when unknown */
	double rc[119];		/* covalent radius, Å */
	double radius[119][21];	/* Shannon radius by oxidation state + 10, 0 when unknown */
	struct datafile_issues issues;	/* the rows not used, and why */
};

/*
 * Load the four tables (their rules: bvse.c).  A bad row is left out and
 * named in t->issues; -1 with err when a table cannot be used at all.
 */
int bvse_tables_load(struct bvse_tables *t, struct hk_err *err);
void bvse_tables_release(struct bvse_tables *t);

/* Shannon ionic radius of element z at oxidation state oxi, or 0 when unknown. */
double bvse_radius(const struct bvse_tables *t, int z, int oxi);

/* Morse parameters of mobile (zm, om) with partner (zp, op), or NULL. */
const struct bvse_pair *bvse_pair_find(const struct bvse_tables *t, int zm, int om, int zp, int op);

/*
 * The pair term between ions z1 (charge q1) and z2 (q2) at distance d Å:
 * Morse for opposite signs, screened Coulomb and contact for like signs; energy (eV)
 * into *e and its derivative dE/dd (eV/Å) into *dedr.  Neutral ions have
 * no pair term: callers skip them.  -1 with err naming a pair without
 * parameters.  The site energy below and the force field (ff.h) both use it.
 */
int bvse_pair_energy(const struct bvse_tables *t, int z1, int q1, int z2, int q2, double d, double *e,
    double *dedr, struct hk_err *err);

/*
 * Energy (eV) of a mobile ion z with charge q at fractional point p of c,
 * whose sites carry oxidation states oxi; site `skip` (the mobile ion
 * itself, or -1) is left out.  -1 with err naming a pair without
 * parameters.
 */
int bvse_energy(const struct bvse_tables *t, const struct cell *c, const int *oxi, int skip,
    int z, int q, const double p[3], double rcut, double *energy, struct hk_err *err);

#endif
