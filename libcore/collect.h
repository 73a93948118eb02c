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
 * highest.  Archiving packs a job into DIR/<id>.tar.gz (large restart files
 * dropped), reads it back comparing every member's size and CRC-32 with the
 * files, and only then removes the directory.
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
 * Pack job directory dir into archive_dir/<id>.tar.gz, verify it, then
 * remove dir.  keep_large keeps WAVECAR, CHGCAR and the like.  On success
 * *archive gets the archive's path (caller frees).  A crash at any point
 * leaves the directory or a complete archive (or both: run again).
 */
int collect_archive(const char *dir, const char *id, const char *archive_dir, int keep_large,
    char **archive, struct hk_err *err);

/* An SVG energy profile of a result record. */
int collect_plot_svg(const json_t *result, struct sbuf *svg, struct hk_err *err);

#endif
