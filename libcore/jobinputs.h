/*
 * jobinputs.h - what a job's directory must hold before run-vasp takes it.
 *
 * Every directory VASP runs in (js_run_dirs: start, mid and end for
 * static3, the job's own for neb and relax) needs an INCAR that parses, a
 * KPOINTS that parses (kpfile.h) unless the INCAR sets KSPACING, a POSCAR,
 * and a POTCAR or POTCAR.spec.  An NEB's INCAR must set IMAGES = N (1 to
 * HK_MAX_IMAGES, hklimits.h), and the job directory hold 00 ... N+1, each with its
 * POSCAR.  A job that waits for its parents is not prepared yet: its own
 * directory needs only the INCAR, KPOINTS and POTCAR the preparation
 * copies into each image.  The first input missing or bad is named in err,
 * with its path; a file read is at most JOBIN_FILE_MAX bytes.
 */
#ifndef HK_JOBINPUTS_H
#define HK_JOBINPUTS_H

#include "err.h"
#include "hklimits.h"

/* INCAR and KPOINTS are a few hundred bytes; a megabyte is a file that is not one. */
#define JOBIN_FILE_MAX (1L << 20)

/* 0 when dir holds what a job of kind (NULL: static3) needs; waiting: its parents prepare it. */
int jobin_check(const char *dir, const char *kind, int waiting, struct hk_err *err);

#endif
