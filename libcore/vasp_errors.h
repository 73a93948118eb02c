/*
 * vasp_errors.h - known VASP failures and what to change before a restart.
 *
 * The catalogue is custodian's (materialsproject/custodian, VaspErrorHandler
 * and friends): plain substrings of VASP's standard output or standard
 * error, each with a key and a first and second correction to INCAR,
 * KPOINTS or POSCAR (CONTCAR copied over POSCAR), or marked as not
 * fixable by changing inputs.  A correction edits the files in the image
 * directory in place (INCAR written atomically) and says what it did.
 *
 * An NEB (nimages > 0) keeps INCAR and KPOINTS in its directory and the
 * images in dir/01 ... dir/N: CONTCAR, WAVECAR and CHGCAR are handled per
 * image, never in the endpoints dir/00 and dir/N+1, and an image's CONTCAR
 * is copied over its POSCAR only when it is complete: it parses and holds
 * the same atoms (count and species order) as POSCAR.  An empty or
 * truncated one is left alone and the correction's actions say so.  (A
 * single calculation's CONTCAR is copied when it is not empty.)
 *
 * With IOPT > 0 in INCAR (VTST's optimizers, which stop unless IBRION = 3
 * and POTIM = 0) no correction changes POTIM or IBRION.  The errors
 * custodian fixes through them (BRIONS, ZBRENT, ZPOTRF, EDDRMM, FEXCF) get
 * VTST's remedies instead: FIRE (IOPT = 7, custodian's vtst_fixes) and a
 * smaller MAXMOVE, VTST's step limit; when those are used up the
 * correction fails, saying that POTIM and IBRION must stay.
 */
#ifndef HK_VASP_ERRORS_H
#define HK_VASP_ERRORS_H

#include <stddef.h>

#include "err.h"
#include "sbuf.h"

#define VERR_MAX 16

/* Keys of the known errors found in text, at most max, in catalogue order. */
int verr_detect(const char *text, size_t n, const char **keys, int max);

/*
 * The same for an OUTCAR.  Its normal output names routines that are
 * errors only in standard output (BZINTS, DENTET, RHOSYG): messages of one
 * word are not looked for.
 */
int verr_detect_outcar(const char *text, size_t n, const char **keys, int max);

/* The length of the longest message: how far back a reader of a growing file must look. */
size_t verr_longest(void);

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

/* The same for an NEB of nimages images in dir/01 ...; nimages 0 is verr_correct. */
int verr_correct_images(const char *dir, int nimages, const char *key, int nth, struct sbuf *actions,
    struct hk_err *err);

/*
 * Whether dir/CONTCAR can replace dir/POSCAR: 1 when it parses with the
 * same number of atoms and the same species in the same order; else 0,
 * with why it cannot in why ("empty", "missing", the parse error).
 */
int verr_contcar_complete(const char *dir, struct sbuf *why);

#endif
