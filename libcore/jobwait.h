/*
 * jobwait.h - jobs that wait for their parents (run-vasp's waiting and
 * blocked states, jobstate.h).
 *
 * A job registered with "parents" waits in ROOT/waiting/.  jw_settle moves
 * every waiting and blocked job on as its parents now stand:
 *
 *   - a waiting job whose parents are all done is prepared
 *     (nebprep_prepare, from each parent's directory, else its archive:
 *     the state file's "archive", DIR.tar.gz, or <id>.tar.gz beside the
 *     job) while its directory's lock is held, then moved to ready (at the
 *     end of the line);
 *   - a waiting job with a parent failed, aborted or blocked is moved to
 *     blocked, with that parent's id as "blocked_by";
 *   - a blocked job whose blocking parent is no longer any of those (it
 *     was retried) goes back to waiting, and on as above.
 *
 * The move to ready comes after nebprep's marker, and preparing again is
 * nothing, so a crash at any moment leaves a job waiting or ready, its
 * directory unprepared or prepared, and the next jw_settle goes on.  A
 * job whose preparation fails is moved to failed, the reason as its
 * last_error (noted); retry sends it back to waiting.  A job whose
 * directory's lock is held elsewhere (another process prepares it) is left
 * for that one.  A parent not registered (yet) is waited for.
 */
#ifndef HK_JOBWAIT_H
#define HK_JOBWAIT_H

#include "jobqueue.h"

/*
 * Settle every waiting and blocked job; call with ROOT/lock held.  The
 * number of jobs moved to ready, or -1 with err when the state directory
 * cannot be read.  Problems with single jobs are noted.
 */
int jw_settle(const char *root, const struct jq_note *note, struct hk_err *err);

/* The same, taking ROOT/lock for the time (what a run does once its job is done or failed). */
int jw_settle_locked(const char *root, const struct jq_note *note, struct hk_err *err);

/*
 * Where retry sends job id, now failed or aborted (file path): waiting
 * when its record has "parents" and its directory is not prepared
 * (nebprep.h), else ready.
 */
enum js_state jw_retry_state(const char *path);

#endif
