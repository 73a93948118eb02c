/*
 * failclass.h - why a job failed, as one short name to group failures by.
 *
 * From a run-vasp state file (jobstate.h): the "error_class" run-vasp
 * recorded (jobcause.h), so the page groups failures as `run-vasp status`
 * and `--error` name them.  A record from before classes were kept gets
 * the same spellings from what it holds: lost_run when its last attempt
 * was lost, interrupted when a signal stopped it, else the key of the
 * last error of its last attempt when its last_error names it, else
 * calculator_exit when the calculator ended without a result, else that
 * key, else walltime when the message says so, else unknown.  A job that
 * has not failed has no class (NULL).
 */
#ifndef HK_FAILCLASS_H
#define HK_FAILCLASS_H

#include <jansson.h>

/* The class of state record rec, valid while rec lives; NULL when rec is not failed. */
const char *failclass_of(const json_t *rec);

#endif
