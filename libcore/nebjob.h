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
 */
#ifndef HK_NEBJOB_H
#define HK_NEBJOB_H

#include <jansson.h>

#include "err.h"
#include "idpp.h"
#include "vasp_in.h"

enum { NEBJOB_STATIC3, NEBJOB_NEB };

struct nebjob_opts {
	const char *out;	/* parent directory */
	int kind;
	int nimages;		/* interior images for neb */
	int idpp;
	struct idpp_opts idpp_opts;
	const char *preset;	/* NULL: static3 or neb by kind */
	struct incar overrides;
	double kppa;
	int climb;
	int force;
	double min_distance;	/* Å; closer atoms in an image are a collision */
	double min_length;	/* supercell width when the record has none */
};

void nebjob_opts_init(struct nebjob_opts *o);
/* "static3" or "neb" into o->kind; -1 (err names it) for anything else. */
int nebjob_opts_kind(struct nebjob_opts *o, const char *name, struct hk_err *err);
/* IDPP with IDPPSolver's objective and steepest descent (make-neb --idpp-steepest). */
void nebjob_opts_steepest(struct nebjob_opts *o);
/* The INCAR preset the options name (or the kind's) exists; -1 with err before any work. */
int nebjob_opts_check(const struct nebjob_opts *o, struct hk_err *err);

enum { NEBJOB_WRITTEN = 0, NEBJOB_KEPT = 1, NEBJOB_COLLISION = 2, NEBJOB_ERROR = -1 };

/*
 * Make the job for path record rec.  *job gets the job record (a new
 * reference) unless NEBJOB_ERROR.  NEBJOB_COLLISION: atoms closer than
 * min_distance in some image; nothing written (unless forced), err says
 * where.  *potcar_missing is set when POTCAR.spec was written instead.
 */
int nebjob_make(const json_t *rec, const struct nebjob_opts *o, json_t **job, int *potcar_missing,
    struct hk_err *err);

/* Append the hop as one frame of extended XYZ (all images' movers superposed). */
int nebjob_view_xyz(const json_t *rec, const struct nebjob_opts *o, struct sbuf *out, struct hk_err *err);

#endif
