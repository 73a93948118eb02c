/*
 * jobcause.h - why a job failed, as one word: its error class.
 *
 * A failed job's state record keeps, beside its last_error text, the
 * class of that error as "error_class": the key of the VASP or hopkit
 * error that ended it (vasp_errors.h: "zbrent", "edddav", "walltime",
 * "frozen", "nonconverged", ...) or one of the classes below for what
 * is no error in the calculator's output.  The spelling is the same in
 * every place that shows or takes a class (list, status, --error).
 */
#ifndef HK_JOBCAUSE_H
#define HK_JOBCAUSE_H

#include <jansson.h>

#define JC_LOST_RUN "lost_run"			/* the run died or its scheduler lost it (sync) */
#define JC_CALC_EXIT "calculator_exit"		/* the calculator ended with no result and no known error */
#define JC_INTERRUPTED "interrupted"		/* a signal stopped the run */
#define JC_NOT_RUN "not_run"			/* the run could not start its calculator */
#define JC_NOT_PREPARED "not_prepared"		/* a waiting job's directory could not be prepared */
#define JC_BLOCKED "blocked"			/* a parent did not finish */
#define JC_UNKNOWN "unknown"			/* a record from before classes were kept */

/* Record cls as rec's error class. */
void jc_set(json_t *rec, const char *cls);

/* Forget rec's error (its last_error and class), as when it is done. */
void jc_clear(json_t *rec);

/*
 * rec's error class: its "error_class"; for a record with a last_error
 * but no class (written before classes were kept), the class its history
 * tells: lost_run when its last attempt was lost, interrupted when a
 * signal stopped it, not_run / not_prepared from the message, else the
 * key of the last error of its last attempt when last_error names it,
 * else calculator_exit when the calculator ended without a result, else
 * that key, else walltime when the message says so, else unknown.  NULL
 * when rec has no last_error.  The string lives as long as rec.
 */
const char *jc_class(const json_t *rec);

/* The class of a state record whose state is "failed", even one with no last_error; else NULL. */
const char *jc_failed_class(const json_t *rec);

#endif
