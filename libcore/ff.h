/*
 * ff.h - the bond-valence force field: energy and forces of a structure.
 *
 * E = 1/2 sum over ordered pairs of charged ions closer than rcut of
 * bvse_pair_energy: a Morse term between cation and anion, a screened
 * Coulomb and a contact repulsion between ions of like sign -- the model whose
 * single-ion form is measure's bvse_barrier, here summed over every ion so
 * that a structure can be relaxed and a band of images nudged (bvse.h
 * says why it has a contact term).  Ions with oxidation state 0 have no
 * terms.  Energies in eV, forces in eV/Å.
 */
#ifndef HK_FF_H
#define HK_FF_H

#include "bv.h"
#include "bvse.h"
#include "cell.h"
#include "err.h"

struct ff_model {
	const struct bvse_tables *t;
	double lattice[3][3], inv[3][3];
	int n;
	int *z, *q;		/* per atom */
	double rcut;		/* Å */
	double tether;		/* eV/Å^2; 0: none */
	double *anchor;		/* n x 3 Cartesian, or NULL */
	unsigned char *loose;	/* per atom: 1 = not tethered */
};

#define FF_MODEL_INIT { NULL, { { 0 } }, { { 0 } }, 0, NULL, NULL, 0, 0, NULL, NULL }

/*
 * The model of atoms c->z with oxidation states q (copied) on c's lattice.
 * -1 with err when a pair of ions has no parameters or the lattice is
 * singular.
 */
int ff_model_init(struct ff_model *m, const struct bvse_tables *t, const struct cell *c, const int *q,
    double rcut, struct hk_err *err);
void ff_model_release(struct ff_model *m);

/*
 * Oxidation states of c by bond valence (bv.h), allowing a net charge Q,
 * |Q| <= FF_MAX_CHARGE, smallest first: a supercell with a vacancy is not
 * neutral.  One state per element is tried before mixed states, so that
 * the ions keep their usual states rather than one being reduced to make
 * up for the missing ion.  The net charge into *charge.
 */
#define FF_MAX_CHARGE 3

int ff_charges(const struct cell *c, const struct bv_tables *bv, double symprec, int *q, int *charge,
    struct hk_err *err);

/*
 * Hold every atom not marked in loose (may be NULL) to its position in
 * anchor (n x 3 Cartesian, copied) by a spring of k eV/Å^2: the energy gains
 * k/2 |x - anchor|^2 (minimum image) per atom.  A force field that does not
 * hold a DFT structure exactly would otherwise distort the whole framework,
 * and its relaxation energy would swamp a barrier; with k large the
 * framework is frozen, as measure's bvse_barrier has it; k = INFINITY
 * freezes it exactly (those atoms feel no force, so they never move).
 */
void ff_tether(struct ff_model *m, double k, const double *anchor, const unsigned char *loose);

/*
 * Energy of the atoms at Cartesian positions x (m->n x 3, Å) and, when f is
 * not NULL, the forces on them.  Returns the energy.
 */
double ff_energy(const struct ff_model *m, const double *x, double *f);

#endif
