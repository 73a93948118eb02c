/*
 * vasp_errors.h - known VASP failures and what to change before a restart.
 *
 * The catalogue is custodian's (materialsproject/custodian, VaspErrorHandler
 * and friends): plain substrings of VASP's standard output or standard
 * error, each with a key and a first and second correction to INCAR,
 * KPOINTS or POSCAR (CONTCAR copied over POSCAR), or marked as not
 * fixable by changing inputs.  A correction edits the files in the image
 * directory in place (INCAR written atomically) and says what it did.
 */
#ifndef HK_VASP_ERRORS_H
#define HK_VASP_ERRORS_H

#include <stddef.h>

#include "err.h"
#include "sbuf.h"

#define VERR_MAX 16

/* Keys of the known errors found in text, at most max, in catalogue order. */
int verr_detect(const char *text, size_t n, const char **keys, int max);

/* The substring that identifies key (the first one), for messages. */
const char *verr_message(const char *key);

/* 1 if no change of inputs can fix key. */
int verr_unfixable(const char *key);

/*
 * Apply the correction for the nth occurrence (0-based) of key to the
 * calculation in dir; actions gets a line per change.  -1 when there is no
 * (further) correction, or the files cannot be changed (err says which).
 */
int verr_correct(const char *dir, const char *key, int nth, struct sbuf *actions, struct hk_err *err);

#endif
