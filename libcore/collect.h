/*
 * collect.h - results of VASP jobs and runs, from directories or archives.
 *
 * What a job or run holds is runread.h's: make-neb's jobs (static3's
 * start/, mid/, end/; an NEB's 00 ... N+1), their .tar.gz archives read in
 * place, VTST NEB runs and plain VASP runs.  For each image the energy is
 * vasprun.xml's final energy, else the OUTCAR's energy(sigma->0), else the
 * OSZICAR's E0.  A barrier is given only when every image of the job's
 * whole set has an energy.  static3:
 * energy_barrier = max(E_mid - E_start, E_mid - E_end), the fluoride study's
 * rough barrier.  neb: energies relative to image 00, the barrier forward
 * (highest - E_00) and backward (highest - E_N+1), and which image is
 * highest.  A plain run gives its energy and convergence.  Packing a job
 * into an archive is tarball.h's, plotting a result profile_svg.h's,
 * whether a job is finished finished.h's, the results table results.h's.
 */
#ifndef HK_COLLECT_H
#define HK_COLLECT_H

#include <jansson.h>

#include "err.h"
#include "hklimits.h"
#include "sbuf.h"

struct runs;
struct strset;
struct results;

/*
 * The result record of the job at path (directory or .tar.gz), read within
 * lim (NULL: the defaults); NULL and err on failure.
 */
json_t *collect_job(const char *path, const struct hk_limits *lim, struct hk_err *err);

/*
 * Every job or VASP run at or below path (runread.h's layouts) -- path
 * itself, or what a search of its directories (4 levels, in name order,
 * archives included) finds: job() for each, bad() for a path that cannot
 * be searched.  Either returning non-zero stops the walk, and collect_walk
 * returns that value.  A path that holds files but no run at all is
 * reported to bad() too, but does not stop the caller's other paths.
 */
int collect_walk(const char *path, int (*job)(void *ctx, const char *path),
    int (*bad)(void *ctx, const struct hk_err *e), void *ctx);

/*
 * The result to write when jobs go to archive_dir: a done job's directory
 * is packed (tarball_pack) and its result names "archive" instead of
 * "dir"; a job a killed run had packed already is finished and read from
 * its archive.  Other results pass as they are.  Takes res; returns the
 * result to use, or NULL with err.
 */
json_t *collect_archive(json_t *res, const char *path, const char *archive_dir, int keep_large,
    struct hk_err *err);

/* The columns of collect --csv. */
#define COLLECT_NCSV 10
extern const char *const collect_csv_cols[COLLECT_NCSV];

/* How a collector takes jobs; every member may be NULL/0. */
struct collector {
	const char *archive_dir;	/* pack done jobs here (collect_archive) */
	int keep_large;
	const struct runs *runs;	/* run-vasp's states (finished.h): results say them */
	const struct strset *since;	/* ids to skip */
	const struct results *table;	/* the table updated: unchanged jobs are skipped, results stamped */
	const struct hk_limits *lim;	/* what a job's archive may hold; NULL: the defaults */
};

/* Why a collector gave no result. */
enum collect_skip { COLLECT_TAKEN, COLLECT_KNOWN, COLLECT_UNFINISHED, COLLECT_UNCHANGED };

/*
 * The result to write for the job at path, or NULL: with err set when the
 * job cannot be read, else with *skip saying why not -- its id is in
 * since, it is not finished yet (only finished jobs are written when
 * since, table or runs is given), or the table holds its result from the
 * same files.  A result gets the job's run state, attempts and last error
 * when runs knows it, and its "stamp" when there is a table.
 */
json_t *collector_job(const struct collector *c, const char *path, enum collect_skip *skip, struct hk_err *err);

/* What a run of collect took and left, for its summary. */
struct collect_tally {
	double *barrier;	/* eV, of the results taken */
	long nbar, taken, skipped, unfinished, bad;
};

/* Count a job left out for the reason given; returns 0. */
int collect_tally_skip(struct collect_tally *t, enum collect_skip why);
/* Count a result taken: its barrier, when it has one. */
void collect_tally_add(struct collect_tally *t, const json_t *res);
void collect_tally_release(struct collect_tally *t);

/*
 * The tally as text: counts of jobs, the barriers in 0.1 eV bins from 0
 * to 1 with bars, lowest, median and highest.  Sorts t->barrier.
 */
void collect_summary(struct collect_tally *t, struct sbuf *out);

/* Write the job's energy profile (profile_svg.h) to DIR/<id>.svg. */
int collect_plot(const json_t *res, const char *dir, struct hk_err *err);

#endif
