/*
 * vasp_out.h - read what a VASP run leaves: OSZICAR, OUTCAR, vasprun.xml.
 *
 * Each parser streams its input line by line (any pull source: a file, a
 * gzip file, an archive member), so a vasprun.xml of hundreds of MB is
 * never held.  Energies in eV.  The readings follow pymatgen's: the
 * OSZICAR's final energy is the last ionic step's E0; the OUTCAR's are the
 * last "free  energy   TOTEN", "energy  without entropy" and
 * "energy(sigma->0)"; the vasprun's final energy is the last calculation's
 * e_0_energy (corrected, as pymatgen does, when it disagrees with its last
 * electronic step), converged electronically when the last calculation
 * took fewer than NELM electronic steps, ionically when NSW <= 1 or there
 * were fewer than NSW ionic steps.  Both OUTCAR and vasprun.xml also give
 * the settings (ENCUT, NELECT, ISPIN, k-points, POTCARs, +U).
 */
#ifndef HK_VASP_OUT_H
#define HK_VASP_OUT_H

#include "err.h"
#include "linerd.h"

/*
 * The settings a run's energy depends on, as its outputs echo them, so that
 * energies from different runs can be checked to be comparable.  Unknown:
 * NAN, -1, or an empty string.
 */
struct vasp_settings {
	double encut;		/* eV */
	double nelect;
	int ispin;
	int nkpts;		/* irreducible k-points (depends on the symmetry: not compared) */
	char potcar[512];	/* the POTCARs' TITELs, in order, joined by ", " */
	char ldauu[160];	/* +U per species (eV) when LDA+U is on, else "" */
	int ldau;		/* 1: LDA+U on; 0: off; -1: unknown */
};

struct vasp_run {
	int has_energy;
	double e0;		/* energy(sigma->0) */
	double e_wo_entrp;	/* energy without entropy */
	double e_fr;		/* free energy TOTEN */
	int n_ionic;		/* ionic steps */
	int n_elec_last;	/* electronic steps in the last ionic step */
	int nelm, nsw, ibrion;	/* -1 when not read */
	int converged_electronic, converged_ionic;	/* -1 unknown */
	int reached_accuracy;	/* OUTCAR: "reached required accuracy" */
	int finished;		/* OUTCAR has its timing block; vasprun is complete */
	int stopped;		/* soft stop (STOPCAR) */
	double max_force;	/* eV/Å, last force block; NAN when none */
	double elapsed;		/* s; NAN when none */
	int warnings;
	struct vasp_settings set;
};

/*
 * The first setting in which a and b differ, named with both values
 * ("ENCUT 520 and 600 eV"), in buf; NULL when none known to both differs.
 * ENCUT, NELECT, ISPIN, the POTCARs and +U are compared.
 */
const char *vasp_settings_differ(const struct vasp_settings *a, const struct vasp_settings *b, char *buf,
    size_t n);

void vasp_run_init(struct vasp_run *r);

/*
 * Parse one file from a pull source; name labels errors.  -1 when the file
 * holds no usable result (empty, no ionic step, cut mid-element), with err
 * saying why; r keeps whatever was read.
 */
int oszicar_parse(linerd_pull pull, void *ctx, const char *name, struct vasp_run *r, struct hk_err *err);
int outcar_parse(linerd_pull pull, void *ctx, const char *name, struct vasp_run *r, struct hk_err *err);
int vasprun_parse(linerd_pull pull, void *ctx, const char *name, struct vasp_run *r, struct hk_err *err);

#endif
