/*
 * bounds.h - the physical bounds a number must keep to be passed on as a result.
 *
 * One place for the limits that measure, ff-calc and collect share.  A
 * value outside them is not a measurement but a sign that the model was
 * fed something it cannot describe -- a parameter row with no minimum, two
 * atoms on top of each other in an image, a calculation that fell apart --
 * so measure writes it as null with the reason, ff-calc stops with an
 * error, and collect marks the result suspect.  Each bound is wide enough
 * that no sound calculation reaches it: it catches nonsense, it does not
 * judge physics.
 */
#ifndef HK_BOUNDS_H
#define HK_BOUNDS_H

/*
 * Highest migration barrier, eV.  Measured barriers of ion hops in solids
 * run from a few hundredths to about 5 eV, and softBV's over the corpus
 * stay below 5 eV; 20 eV is four times the highest, so a barrier above it
 * (softBV or DFT) comes from an image with colliding atoms or broken
 * parameters, not from a hop.
 */
#define HK_BARRIER_MAX 20.0

/*
 * Lowest barrier, eV.  A barrier is the highest image less an endpoint, so
 * it is not negative; an unrelaxed midpoint a few meV below its endpoints
 * is numerical noise, but one more than 0.05 eV below them (the scale of
 * DFT's convergence in these settings) says the endpoints are not minima
 * or the images were computed with different settings.
 */
#define HK_BARRIER_MIN (-0.05)

/*
 * Largest magnitude of a total energy per atom, eV.  DFT (PBE) total
 * energies of solids lie between about -15 and 0 eV per atom, and the
 * bond-valence force field's between about -20 and 0; 100 eV per atom is
 * out of reach of either unless atoms overlap or a parameter is absurd.
 */
#define HK_ENERGY_PER_ATOM_MAX 100.0

#endif
