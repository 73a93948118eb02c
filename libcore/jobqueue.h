/*
 * jobqueue.h - the run-vasp job queue: what its subcommands do to a state
 * directory (jobstate.h).
 *
 * Register job records, start ready jobs until enough are active (top-up),
 * reconcile active jobs with what really runs (sync), send failed jobs
 * back (retry), abort, forget, count, and list (the lines too).  root is the state
 * directory, absolute (runs start elsewhere); it must exist (js_init).
 *
 * Nothing here prints.  A problem with one job or record (a bad line, an
 * unknown id, a start that failed) is handed to note->fn, when set, as a
 * struct hk_err whose message is what the user should read, and the
 * operation goes on with the next: the return value is then 1.  -1, with
 * err filled, means the operation could not be done at all (the lock or
 * the state directory failed).  Records returned are the caller's to
 * json_decref.
 */
#ifndef HK_JOBQUEUE_H
#define HK_JOBQUEUE_H

#include <jansson.h>
#include <pthread.h>

#include "err.h"
#include "executor.h"
#include "jobstate.h"
#include "strset.h"

struct jq_note {
	void (*fn)(void *ctx, const struct hk_err *e);
	void *ctx;
};

/*
 * Registering job records as ready, in the order given, after the jobs
 * already there, under the state directory's lock (begin to end), as a
 * stream of one record per item: jq_add_work (the stream's work, on any
 * thread: js_add_write) checks a record and writes its new state file;
 * jq_add_take (its take: js_add_place) gives it its place in order.
 * Without work, take does both.  A relative "dir" is made absolute.
 * Known ids are left alone (added counts the new jobs, known the others),
 * so adding again changes nothing.  A record that cannot be added
 * (js_add_write's reasons, or an id an earlier record given to this adder
 * had) is STREAM_BAD.  The new jobs are made durable in batches, by one
 * sync each (js_batch), each put in place by a thread of its own while
 * the next is written: take is STREAM_FATAL when a batch could not be,
 * and jq_add_finish (-1 with err likewise) commits the last one; jobs are
 * added, and counted in added, only then.  jq_add_end drops what was not
 * committed: a crash or a failed sync loses no job already counted and
 * leaves none half written, and adding again adds the rest.
 */
struct jq_adder {
	const char *root;
	struct strset ids;	/* the ids of every state, and those added since */
	struct strset seen;	/* the ids added or known, in this adder's input */
	struct js_batch batch;	/* the new jobs' files, not yet in place */
	long pending;		/* new jobs in batch */
	/* the batch before, put in place by a thread of its own meanwhile */
	struct js_batch committing;
	long committing_n;
	pthread_t committer;
	int committer_running, commit_rc;
	struct hk_err commit_err;
	char *cwd;
	int lock;
	long added, known;
};

struct stream_item;
int jq_add_begin(struct jq_adder *a, const char *root, struct hk_err *err);
void jq_add_work(const void *adder, struct stream_item *it);
int jq_add_take(void *adder, struct stream_item *it);
int jq_add_finish(struct jq_adder *a, struct hk_err *err);
void jq_add_end(struct jq_adder *a);

struct jq_topup {
	int started;	/* by this round */
	int active;	/* queued or running, after it */
	int ready;	/* still waiting */
};

/*
 * One top-up round: claim the first ready jobs (ready -> active, state
 * queued) and start each with exec_start until max are active.  A job
 * that does not start goes back to its place in line, and the round
 * stops there: what failed (a partition, sbatch itself) would fail for
 * the next job too.
 */
int jq_topup(const char *root, const struct exec_opts *eo, long max, struct jq_topup *out,
    const struct jq_note *note, struct hk_err *err);

/*
 * Reconcile the active jobs with what really runs: a run that finished (or
 * was interrupted) but did not move its file is moved; a claimed job never
 * started goes back to the front of ready; an active job whose run is gone
 * becomes failed, with the reason as last_error and as the end of its
 * attempt in the history.  A lost local run's calculator, when it still
 * runs, is stopped first (its process group: SIGTERM, then SIGKILL), and
 * the reason says so.  Each lost run is noted ("ID: reason").  Temporary
 * files of killed writers are removed.  The number of lost runs, or -1.
 * jq_sync: the same, without notes.
 */
int jq_sync_noted(const char *root, const struct jq_note *note, struct hk_err *err);
int jq_sync(const char *root, struct hk_err *err);

/*
 * Top up until the queue is drained: sync (lost runs noted), a top-up
 * round, a pause of `pause` seconds, again, until no job is ready or
 * active.  *started counts the jobs started.
 * After each round status, when not NULL, is noted its line: "round N:
 * started S; ready R, queued Q, running U, done D, failed F, aborted A".
 * 0 drained, 1 a job did not start (the rounds stop), -1 with err.
 */
int jq_drain(const char *root, const struct exec_opts *eo, long max, unsigned pause, int *started,
    const struct jq_note *note, const struct jq_note *status, struct hk_err *err);

/*
 * Retrying never puts a second calculator in a directory: a job whose
 * directory's lock is held (js_dir_busy: a calculator of an earlier
 * attempt still runs there) stays where it is, noted with the directory
 * and the process.
 */

/* Every failed job back to the front of ready (attempts kept); 1 if one could not be moved. */
int jq_retry_failed_noted(const char *root, const struct jq_note *note, struct hk_err *err);
int jq_retry_failed(const char *root, struct hk_err *err);	/* without notes */

/* The named jobs, failed or aborted, back to the front of ready; others are noted. */
int jq_retry(const char *root, char *const *ids, int n, const struct jq_note *note, struct hk_err *err);

/*
 * Every failed job whose error class (jobcause.h) is cls, retried as
 * jq_retry does; *retried counts the jobs that left failed.  When none
 * has that class (an unknown class matches nothing) that is noted.
 */
int jq_retry_class(const char *root, const char *cls, int *retried, const struct jq_note *note, struct hk_err *err);

/* Stop the named ready or active jobs (exec_abort) and move them to aborted. */
int jq_abort(const char *root, char *const *ids, int n, const struct jq_note *note);

/* Remove the named jobs that are not active from the state directory (their directories stay). */
int jq_forget(const char *root, char *const *ids, int n, const struct jq_note *note);

struct jq_counts {
	long n[JS_NSTATES];	/* jobs per state directory */
	long queued, running;	/* the active ones, by their recorded state */
};

void jq_count(const char *root, struct jq_counts *c);

/*
 * Job id's state record; an active Slurm job gets Slurm's view as
 * "slurm_state".  A state file that does not parse, or has a field of
 * the wrong type, gives only id, state and why, as "last_error"
 * ("unreadable state file: ...").  NULL when the job is unknown.
 */
json_t *jq_status(const char *root, const char *id);

/*
 * fn(ctx, rec, state) for each job, state by state (only want's when want
 * >= 0) in js_list order.  A state file that does not parse, or has a
 * field of the wrong type, is skipped, or with unreadable_too handed on
 * as {"id", "last_error": "unreadable state file: why"}, so that a list
 * shows it.
 */
void jq_each(const char *root, int want, int unreadable_too, void (*fn)(void *ctx, const json_t *rec, enum js_state s),
    void *ctx);

/*
 * list's lines, each handed to line(ctx, text) with its newline: a header,
 * then one per job (of state want, as for jq_each), as CSV or in aligned
 * columns: id, state, attempts, executor and its id, submitted, started,
 * wall time, error class ("-" for none; last in CSV), last error.  cause,
 * when not NULL, keeps only the jobs of that error class.  The number of
 * jobs listed.
 */
int jq_list(const char *root, int want, const char *cause, int csv, void (*line)(void *ctx, const char *text),
    void *ctx);

/*
 * status's lines, to line(ctx, text): "STATE N" for each state (ready,
 * queued, running, done, failed, aborted, waiting, blocked), then, when
 * jobs failed, "cause CLASS N" for each error class (jobcause.h) among
 * them, the most frequent first (ties by name).
 */
void jq_count_lines(const char *root, void (*line)(void *ctx, const char *text), void *ctx);

/* Time t (s since the epoch) as "2026-11-22T01:26:35Z", or "-" when t <= 0. */
void jq_time_text(double t, char *buf, size_t n);

#endif
