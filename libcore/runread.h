/*
 * runread.h - what a VASP job or run holds: its job record and what each
 * image's output files say.
 *
 * Four layouts are read:
 *   job      a directory with make-neb's job.json and image directories
 *            (start, mid, end for static3; 00 ... N+1 for neb), or for a
 *            relaxation (kind relax) its outputs in the directory itself;
 *   archive  the same tree packed as <id>.tar.gz or .tgz, read in place;
 *   neb      a VTST NEB run: image directories 00 ... N+1, no job.json;
 *   plain    a VASP run: OUTCAR, OSZICAR or vasprun.xml in the directory.
 * The last two get a job record made up for them: an id from the path
 * (run_id_of_path) and their kind (neb; or relax, static, md from the
 * run's NSW and IBRION).  Each image's OSZICAR, OUTCAR and vasprun.xml are
 * parsed, gzip'd or not; of custodian's numbered steps (OUTCAR.relax1,
 * OUTCAR.relax2, ...) the last is the run's result.  Every image directory
 * is an image, also one that holds no output (VTST leaves only a POSCAR
 * in 00/ and N+1/), so no image is skipped without a word.
 */
#ifndef HK_RUNREAD_H
#define HK_RUNREAD_H

#include <jansson.h>

#include "err.h"
#include "hklimits.h"
#include "vasp_out.h"

/* Images read per run; more are an error. */
#define RUN_MAXIMG 100

enum run_layout { RUN_NONE, RUN_JOB, RUN_ARCHIVE, RUN_NEB, RUN_PLAIN };

/* What one image's files gave. */
struct run_image {
	char *name;		/* "start", "mid", "end", "00" ..., "." for a plain run */
	struct vasp_run osz, out, xml;
	int has_osz, has_out, has_xml;
	int step[3];		/* custodian step of the file read (OSZICAR, OUTCAR, vasprun.xml) */
	char *kpoints;		/* its KPOINTS without the comment line, blanks squeezed; NULL: none */
	char *why;		/* the first problem reading its files, or NULL */
};

struct run_files {
	enum run_layout layout;
	json_t *rec;		/* job.json, or the record made up */
	struct run_image img[RUN_MAXIMG];
	int nimg;
};

/* The layout of path, RUN_NONE when it holds no run of its own. */
enum run_layout run_layout_of(const char *path);

/*
 * Read the run at path; NULL with err when it cannot be (no job.json, a
 * bad archive, an archive past a limit of lim: NULL for the defaults).
 */
struct run_files *run_read(const char *path, const struct hk_limits *lim, struct hk_err *err);
void run_files_free(struct run_files *r);

/*
 * An id for a run without a job record: its path with "./" and "../"
 * dropped, "/" as "." and any other character outside [A-Za-z0-9._-] as
 * "_" ("../data/vasp/si_relax" -> "data.vasp.si_relax").  The caller frees it.
 */
char *run_id_of_path(const char *path);

/* 1 if the run is one calculation in its own directory (a relaxation job, a plain run). */
int run_is_single(const struct run_files *r);

/* 1 if path names an archive (.tar.gz, .tgz). */
int run_is_archive(const char *path);

#endif
