/*
 * nebjob.h - a VASP job directory for one hop (the work of make-neb).
 *
 * From a path record: the vacancy endpoints in the record's supercell
 * (neb.h), images (linear, or IDPP-relaxed), and the inputs VASP runs as
 * they stand.  Kind static3: start/, mid/, end/, three single points.
 * Kind neb: 00 ... N+1/POSCAR with INCAR, KPOINTS, POTCAR beside them.
 * The directory is written under a temporary name and renamed into place,
 * so it is there whole or not at all; an existing one is kept unless
 * forced.  job.json inside holds the job record.
 *
 * With relax_endpoints the hop's endpoints are relaxed first, by jobs of
 * kind relax shared between hops (endpoints.h): one per vacancy orbit of
 * the supercell, id <structure_id>.<ion>vac<site>.<supercell tag>, its
 * directory a complete VASP relaxation (INCAR from the endpoint preset,
 * POSCAR, KPOINTS, POTCAR or POTCAR.spec, job.json).  The hop's own
 * directory then holds INCAR, KPOINTS, POTCAR and job.json only; its
 * record names the two relaxations ("parents": start's, end's) and how to
 * carry each relaxed structure onto its endpoint ("endpoint_maps"), and
 * nebprep.h writes its images once both are done.  Every job of a chain
 * has one physics: the same k-point grid (the hop's preset's rule, or
 * kppa), the same +U choice (hubbard), the same vacancy charge (NELECT =
 * valence electrons of the cell - vacancy_charge, when the charge is not
 * zero), all stated in each job record.
 *
 * With reuse_wavecar the relaxations write WAVECAR and CHGCAR (LWAVE,
 * LCHARG) and the hop's record says "reuse_wavecar": true, so that its
 * preparation starts its images from them (nebprep.h).  With
 * endpoints_from, a relaxation whose id a lower tier has in that
 * directory (as a directory or .tar.gz) starts from that one's relaxed
 * CONTCAR (its atoms in this job's lattice), and with reuse_wavecar from
 * its WAVECAR and CHGCAR too: it is still run, with this chain's settings
 * (one physics per chain), but from a relaxed start; its record names the
 * lower tier's job as "restart_from".  One with no relaxed structure yet
 * starts unrelaxed.
 */
#ifndef HK_NEBJOB_H
#define HK_NEBJOB_H

#include <jansson.h>

#include "cell.h"
#include "err.h"
#include "idpp.h"
#include "neb.h"
#include "strset.h"
#include "vasp_in.h"

enum { NEBJOB_STATIC3, NEBJOB_NEB };
enum { NEBJOB_HUBBARD_NONE, NEBJOB_HUBBARD_MP };

struct nebjob_opts {
	const char *out;	/* parent directory */
	int kind;
	int nimages;		/* interior images for neb */
	int idpp;
	struct idpp_opts idpp_opts;
	const char *preset;	/* NULL: static3 or neb by kind */
	struct incar overrides;
	double kppa;		/* 0: the preset's k-point rule */
	int climb;
	int force;
	double min_distance;	/* Å; closer atoms in an image are a collision */
	double min_length;	/* supercell width when the record has none */
	double study_length;	/* > 0: supercell n_i = floor(L / |a_i|) + 1, not the record's */
	int relax_endpoints;
	const char *endpoint_preset;	/* NULL: PRESET-endpoint, else neb-endpoint */
	int hubbard;		/* NEBJOB_HUBBARD_* */
	double vacancy_charge;	/* charge of the vacancy, e: NELECT lowered by it */
	int reuse_wavecar;	/* relaxations keep WAVECAR, CHGCAR; their hops start from them */
	const char *endpoints_from;	/* a lower tier's job directories: relaxations start from theirs */
	double symprec;		/* Å, for the operations that share relaxations */
	double map_tol;		/* Å: an operation must map the supercell this well */
};

void nebjob_opts_init(struct nebjob_opts *o);
/* "static3" or "neb" into o->kind; -1 (err names it) for anything else. */
int nebjob_opts_kind(struct nebjob_opts *o, const char *name, struct hk_err *err);
/* IDPP with IDPPSolver's objective and steepest descent (make-neb --idpp-steepest). */
void nebjob_opts_steepest(struct nebjob_opts *o);
/* "mp" or "none" into o->hubbard; -1 (err names it) for anything else. */
int nebjob_opts_hubbard(struct nebjob_opts *o, const char *name, struct hk_err *err);
/*
 * The INCAR presets the options name (or the kind's, and the endpoint's)
 * exist and agree with the options (no LDAU among the overrides: +U is
 * hubbard's); -1 with err before any work.
 */
int nebjob_opts_check(const struct nebjob_opts *o, struct hk_err *err);

enum { NEBJOB_WRITTEN = 0, NEBJOB_KEPT = 1, NEBJOB_COLLISION = 2, NEBJOB_ERROR = -1 };

/*
 * Make the job for path record rec.  *job gets the job record (a new
 * reference) unless NEBJOB_ERROR; with relax_endpoints, an array of the
 * endpoint relaxations' records (one, or two when the two vacancies are
 * not equivalent) followed by the hop's.  NEBJOB_COLLISION: atoms closer than
 * min_distance in some image; nothing written (unless forced), err says
 * where.  *potcar_missing is set when POTCAR.spec was written instead.
 */
int nebjob_make(const json_t *rec, const struct nebjob_opts *o, json_t **job, int *potcar_missing,
    struct hk_err *err);

/*
 * Of nebjob_make's array of records, drop the relaxations whose ids are in
 * seen and add the others' to it, so each relaxation is written out once
 * (in input order).  A single record is left alone.
 */
void nebjob_drop_seen(json_t *jobs, struct strset *seen);

/*
 * The hop of job or path record rec in its supercell (the record's
 * "supercell.matrix", else the smallest min_length wide): endpoints as
 * neb.h builds them, into p; -1 with err.
 */
int nebjob_path(const json_t *rec, double min_length, struct neb_path *p, struct hk_err *err);

/* Append the hop as one frame of extended XYZ (all images' movers superposed). */
int nebjob_view_xyz(const json_t *rec, const struct nebjob_opts *o, struct sbuf *out, struct hk_err *err);

#endif
