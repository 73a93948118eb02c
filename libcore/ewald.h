/*
 * ewald.h - Ewald summation of point charges in a periodic cell.
 *
 * Site energy E_i = 1/2 q_i phi_i, with phi_i the potential at site i of
 * every other charge and every periodic image, so that the energies of
 * all sites add up to the cell's electrostatic energy -- the site energy
 * of pymatgen's EwaldSummation (and matminer's EwaldSiteEnergy).  Real-
 * and reciprocal-space sums are cut where their terms fall below the
 * relative tolerance; the split parameter follows the number of sites and
 * volume.  A charged cell is treated with a neutralising background (no
 * G = 0 term), which leaves site energies as pymatgen gives them.
 * Energies in eV with charges in e and lengths in Å.
 */
#ifndef HK_EWALD_H
#define HK_EWALD_H

#include "cell.h"
#include "err.h"

/* e^2 / (4 pi eps0) in eV Å. */
#define EWALD_COULOMB 14.399645478425668

/* Site energies of the sites listed in which (nwhich of them) into e. */
int ewald_site_energies(const struct cell *c, const double *q, const int *which, int nwhich,
    double tol, double *e, struct hk_err *err);

/* The cell's total electrostatic energy (sum of all site energies). */
double ewald_total(const struct cell *c, const double *q, double tol, struct hk_err *err);

#endif
