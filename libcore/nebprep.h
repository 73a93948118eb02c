/*
 * nebprep.h - prepare a hop that waited for its endpoint relaxations.
 *
 * make-neb --relax-endpoints writes a hop's directory with INCAR, KPOINTS,
 * POTCAR (or POTCAR.spec) and job.json only; its record names the two
 * relaxation jobs it needs ("parents": the start's, the end's) and how to
 * carry each relaxed structure onto the hop's endpoint ("endpoint_maps",
 * endpoints.h).  Once both relaxations are done, nebprep_prepare makes
 * the hop runnable:
 *
 *   - reads each parent's relaxed CONTCAR, from its directory or in place
 *     from its .tar.gz archive (members CONTCAR or <id>/CONTCAR);
 *   - maps it onto the endpoint (atoms in the hop's order, each at the
 *     periodic image nearest its unrelaxed place; the hop's lattice);
 *   - interpolates between the mapped endpoints as the record's
 *     "interpolation" says (linear, idpp, idpp-steepest: idpp.h);
 *   - writes the images: kind neb, 00 ... N+1/POSCAR, and into 00/ and
 *     N+1/ the start's and end's parent's OUTCAR (required) and OSZICAR
 *     (when there), the endpoints' energies VASP does not compute; kind
 *     static3, start/ mid/ end/ with POSCAR and copies of the directory's
 *     INCAR, KPOINTS and POTCAR (or POTCAR.spec);
 *   - when the record has "reuse_wavecar": true, copies into each image
 *     VASP computes (an NEB's interior images, all three of static3's) the
 *     nearer parent's WAVECAR and CHGCAR, where that parent's directory
 *     has them not empty, and sets ISTART = 1 / ICHARG = 1 for the files
 *     copied (restart.h): in each static3 image's INCAR for what it got,
 *     in an NEB's one INCAR for a file every interior image got (the INCAR
 *     make-neb wrote is kept as .INCAR.unprepared, the start of every
 *     preparation).
 *
 * A crash at any moment leaves the hop unprepared or prepared, never in
 * between: the images are written under a temporary directory inside dir,
 * fsynced, moved into place, and the marker dir/.prepared is written
 * (atomically) last.  The hop is prepared exactly when the marker exists
 * (nebprep_is_prepared); image directories without it are the leftovers
 * of an interrupted preparation, and the next call replaces them.  The
 * caller serialises calls for one directory (run-vasp holds its lock).
 */
#ifndef HK_NEBPREP_H
#define HK_NEBPREP_H

#include <jansson.h>

#include "cell.h"
#include "err.h"

#define NEBPREP_MARKER ".prepared"

/* 1 when dir holds a finished preparation (its marker), else 0. */
int nebprep_is_prepared(const char *dir);

/*
 * Prepare the hop in dir whose job record is job, from parent[0] (the
 * start's relaxation, job's parents[0]) and parent[1] (the end's): each a
 * job directory or a .tar.gz of one.  0 when prepared now, 1 when it was
 * already (nothing done), -1 with err naming the file and the problem
 * (dir is left unprepared).
 */
int nebprep_prepare(const char *dir, const json_t *job, const char *const parent[2], struct hk_err *err);

/*
 * The relaxed structure of the relaxation at parent (a job directory or
 * its .tar.gz): its CONTCAR, into c (initialised by the caller); -1 with
 * err when it has no CONTCAR or OUTCAR, or they cannot be read.
 */
int nebprep_relaxed(const char *parent, struct cell *c, struct hk_err *err);

/*
 * Where a parent of the hop in dir is when it sits beside it: the sibling
 * directory <id> (with its job.json), else the archive <id>.tar.gz beside
 * dir; NULL when neither exists.  The caller frees it.
 */
char *nebprep_sibling(const char *dir, const char *id);

/*
 * Prepare dir from its job.json, the parents found beside it
 * (nebprep_sibling).  Returns as nebprep_prepare.
 */
int nebprep_prepare_dir(const char *dir, struct hk_err *err);

#endif
