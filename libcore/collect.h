/*
 * collect.h - results of VASP jobs, from job directories or their archives.
 *
 * A job is a directory holding job.json (make-neb's job record) and the
 * calculations: start/, mid/, end/ (static3) or 00 ... N+1 (neb), each
 * with OSZICAR, OUTCAR and vasprun.xml (gzip allowed) -- or the same tree
 * packed as <id>.tar.gz, read in place without extracting it.  For each
 * image the energy is vasprun.xml's final energy, else the OUTCAR's
 * energy(sigma->0), else the OSZICAR's E0.  static3:
 * energy_barrier = max(E_mid - E_start, E_mid - E_end), the fluoride study's
 * rough barrier.  neb: energies relative to image 00, the barrier forward
 * (highest - E_00) and backward (highest - E_N+1), and which image is
 * highest.  Gzip'd files and archives are read with libarchive (see
 * source.h); packing a job into an archive is tarball.h's, plotting a
 * result profile_svg.h's.
 */
#ifndef HK_COLLECT_H
#define HK_COLLECT_H

#include <jansson.h>

#include "err.h"
#include "sbuf.h"

/* The result record of the job at path (directory or .tar.gz); NULL and err on failure. */
json_t *collect_job(const char *path, struct hk_err *err);

/* 1 if path looks like a job (a directory with job.json, or a .tar.gz/.tgz). */
int collect_is_job(const char *path);

/*
 * Every job at or below path -- path itself, or what a search of its
 * directories (4 levels, in name order, archives included) finds: job()
 * for each, bad() for a path that cannot be searched.  Either returning
 * non-zero stops the walk, and collect_walk returns that value.
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

/*
 * The distribution of n barriers (eV) as text: counts of jobs, 0.1 eV
 * bins from 0 to 1 with bars, lowest, median and highest.  Sorts b.
 */
void collect_summary(double *b, long n, long collected, long skipped, long bad, struct sbuf *out);

#endif
