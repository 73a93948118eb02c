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

/* The result record of the job at path (directory or .tar.gz); NULL and err on failure. */
json_t *collect_job(const char *path, struct hk_err *err);

/* 1 if path looks like a job (a directory with job.json, or a .tar.gz/.tgz). */
int collect_is_job(const char *path);

#endif
