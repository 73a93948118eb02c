/*
 * ffcalc.h - a calculator with VASP's file interface, driven by the
 * bond-valence force field (ff.h).
 *
 * Runs in a directory as VASP does.  Reads INCAR and POSCAR -- or, with
 * IMAGES = N, the POSCARs of 00 ... N+1 -- and writes OSZICAR, OUTCAR (in
 * VASP's layout: the lines collect and pymatgen read) and CONTCAR:
 *   NSW = 0 or IBRION = -1: one single point.
 *   IBRION = 1, 2 or 3 and NSW > 0: the ions relaxed by FIRE, at most NSW
 *     steps, until EDIFFG is met (< 0: largest force, eV/Å; > 0: energy
 *     change, eV; VASP's default 10 EDIFF).
 *   IMAGES = N: as in VASP, an endpoint whose OUTCAR is a finished run
 *     with an energy (a relaxation's, as a VTST user or nebprep.h puts it
 *     in 00 and N+1) keeps that energy and its structure (its POSCAR, or
 *     the CONTCAR beside that OUTCAR) and is neither computed nor written;
 *     an endpoint without one is relaxed first (its outputs then written
 *     in 00 or N+1).  Each interior image is moved by the endpoints'
 *     displacements from their POSCARs weighted by its place on the path, then
 *     the band is relaxed by FIRE with NEB forces (SPRING, eV/Å^2, VASP's
 *     sign) to EDIFFG; with LCLIMB the highest image then climbs, and the
 *     band is relaxed on to EDIFFG (climbing from the start, on a band far
 *     from the path, can chase a tangent that is not the path's).
 *     Endpoints it computes are relaxed to a tenth of the band's tolerance,
 *     so that no image can slip below them.  Each interior image's OUTCAR carries,
 *     per step, VTST's NEB lines (neb.F's): the unit tangent, and the spring
 *     and true forces along it (the numbers pymatgen's Outcar.read_neb and
 *     nebbarrier.pl read); its "FORCES: max atom" line is of the NEB force,
 *     as VTST's is.  Every computed image's CONTCAR holds its final
 *     structure.
 * The cell never changes (other ISIF values are ignored, and said so);
 * IBRION = 0 (molecular dynamics) is refused.  A STOPCAR stops the run
 * after the current step, as in VASP.  Oxidation states come from a
 * bond-valence analysis of the first structure (ff_charges) unless given.
 * Every atom but the moving ones (those whose positions in 00 and N+1
 * differ by more than 0.5 Å; none outside an NEB) is held by a spring of
 * tether eV/Å^2 (ff_tether) to its place midway between 00's and N+1's
 * POSCARs (minimum image) -- the POSCAR's place outside an NEB -- so that
 * endpoints relaxed apart, each around its own vacancy, are held alike.
 * When an endpoint's output is given, the POSCARs are relaxed structures,
 * and the springs hold the atoms midway between the hop's unrelaxed
 * endpoints of make-neb's record dir/job.json (nebjob_path) when it is
 * there: where the endpoint relaxations held them, so that the band's
 * energies and the given ones come from one model (but for the hopping
 * ion, held in those relaxations and free in the band).  With tether
 * INFINITY they stay exactly where each POSCAR has them (a rigid-framework
 * band: only the hopping ion moves, as in measure's bvse_barrier).  Every file it
 * writes says that it comes from ff-calc.
 * An energy that is not finite or beyond HK_ENERGY_PER_ATOM_MAX per atom
 * (bounds.h) is no result: the run stops with an error naming the image
 * before that step is written.  A pair of ions without softBV parameters is
 * an error naming the pair.
 */
#ifndef HK_FFCALC_H
#define HK_FFCALC_H

#include "err.h"

#define FFCALC_TETHER 1.0	/* eV/Å^2 */

typedef void (*ffcalc_say_fn)(void *ctx, const char *line);
typedef void (*ffcalc_warn_fn)(void *ctx, const struct hk_err *e);

struct ffcalc_opts {
	double rcut;		/* Å */
	double tether;		/* eV/Å^2 (ff_tether); 0: none; INFINITY: fixed */
	const char *oxi;	/* "Ca=2,F=-1", or NULL for bond valence */
	double symprec;
	ffcalc_say_fn say;	/* progress lines (VASP's standard output) */
	ffcalc_warn_fn warn;	/* a parameter-table row left out (datafile.h), or NULL */
	void *say_ctx;		/* for say and warn */
};

void ffcalc_opts_init(struct ffcalc_opts *o);

/* Run the calculation in dir.  0 when it ran (converged or not), -1 with err. */
int ffcalc_run(const char *dir, const struct ffcalc_opts *o, struct hk_err *err);

#endif
