/*
 * restart.h - start a VASP job from another one's wave functions and
 * charge density (make-neb --reuse-wavecar).
 *
 * A relaxation that wrote WAVECAR and CHGCAR (LWAVE, LCHARG) gives the
 * jobs prepared from it a start: a copy of each file in the image
 * directory that VASP computes, and ISTART = 1 (read WAVECAR) or ICHARG = 1
 * (read CHGCAR) in that directory's INCAR, set only for a file that was
 * copied and is not empty, so a job never asks VASP for a file it lacks.
 * The files are copied, never hard-linked: VASP rewrites WAVECAR in place,
 * and a relaxation shared by several hops must not have its file changed
 * under the others.  Copies are fsynced; the caller writes them under a
 * temporary directory renamed into place, as the other inputs.
 */
#ifndef HK_RESTART_H
#define HK_RESTART_H

#include "err.h"
#include "sbuf.h"

enum { RESTART_WAVECAR, RESTART_CHGCAR, RESTART_N };

/* The files' names (WAVECAR, CHGCAR) and the INCAR tag that reads each (ISTART, ICHARG). */
extern const char *const restart_file[RESTART_N];
extern const char *const restart_tag[RESTART_N];

/*
 * The restart files of the run in dir: path[k] (the caller frees it) the
 * file restart_file[k] when it is there and not empty, else NULL.  An
 * archive (a path that is not a directory) has none: collect leaves them
 * out of its archives.
 */
void restart_find(const char *dir, char *path[RESTART_N]);
void restart_release(char *path[RESTART_N]);

/*
 * Copy each path[k] that is not NULL into dir; got[k] is 1 for each file
 * copied.  -1 with err.
 */
int restart_copy(char *const path[RESTART_N], const char *dir, int got[RESTART_N], struct hk_err *err);

/*
 * INCAR text with tag key set to val: every line that sets key (as the
 * first tag of the line, any case) is dropped and "KEY = val" appended;
 * comments and the other lines are kept as they are.  The result replaces
 * incar's contents.
 */
void restart_incar_set(struct sbuf *incar, const char *key, const char *val);

/* restart_incar_set of restart_tag[k] = 1 for every got[k]. */
void restart_incar_apply(struct sbuf *incar, const int got[RESTART_N]);

#endif
