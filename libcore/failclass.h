/*
 * failclass.h - why a job failed, as one short name to group failures by.
 *
 * From a run-vasp state file (jobstate.h): "lost run" when its last
 * attempt was lost (the process or the Slurm job vanished), "interrupted"
 * when a signal stopped it, else the key of the last error recorded in
 * its last attempt (ZBRENT, EDDDAV, walltime, nonconverged ... as
 * vasp_errors.h names them) when its last_error names it, else "calculator
 * exit" when the calculator ended without a result, else that key, else
 * "walltime" when the message says so, else "other".  A job that has not
 * failed has no class (NULL).
 */
#ifndef HK_FAILCLASS_H
#define HK_FAILCLASS_H

#include <jansson.h>

/* The class of state record rec, valid while rec lives; NULL when rec is not failed. */
const char *failclass_of(const json_t *rec);

#endif
