/*
 * jobshow.h - a job's whole history, as "run-vasp show ID" prints it.
 *
 * From the job's state file (jobstate.h): its state, directory, kind,
 * attempts and last error; then each attempt of its "history" (runjob.h):
 * state, executor and its id, host, pid, start, end, every calculator run
 * with its exit status, the errors seen and the corrections applied in
 * it, the error it ended with; and, unless the job is done, the last
 * lines of each image's std_err.txt.  State files written before there
 * was a history show their errors and corrections as one list.
 */
#ifndef HK_JOBSHOW_H
#define HK_JOBSHOW_H

#include "jobqueue.h"

/*
 * Hand each line of the named jobs' histories (with its newline; an empty
 * line between jobs) to line(ctx, text); nothing prints.  An unknown job
 * (or one whose file cannot be read) is noted, "ID: no such job": then 1.
 */
int jq_show(const char *root, char *const *ids, int n, void (*line)(void *ctx, const char *text), void *ctx,
    const struct jq_note *note);

#endif
