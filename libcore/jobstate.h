/*
 * jobstate.h - the run-vasp state directory: one small file per job.
 *
 *   ROOT/ready/<seq>.<id>.json   waiting, in priority order (names sort)
 *   ROOT/active/<id>.json        queued or running
 *   ROOT/done/<id>.json, ROOT/failed/<id>.json, ROOT/aborted/<id>.json
 *   ROOT/waiting/<id>.json       its parents (the record's "parents") not all done
 *   ROOT/blocked/<id>.json       a parent failed or was aborted ("blocked_by")
 *   ROOT/seq, ROOT/lock
 *
 * The directory a file is in is the job's state; a transition is one
 * rename(2), so exactly one process wins it and a crash leaves the job in
 * one state or the other.  A file's content (state, attempts, executor
 * id, times, errors, corrections) is rewritten atomically (temporary file,
 * fsync, rename); the new files of a large add are made durable in batches,
 * one sync each (js_batch).  ROOT/lock serialises what must see a consistent whole
 * (adding, topping up, syncing); a job's own runner only rewrites its file
 * and moves it out of active/.
 */
#ifndef HK_JOBSTATE_H
#define HK_JOBSTATE_H

#include <jansson.h>

#include "err.h"
#include "fileio.h"

enum js_state { JS_READY, JS_ACTIVE, JS_DONE, JS_FAILED, JS_ABORTED, JS_WAITING, JS_BLOCKED, JS_NSTATES };

const char *js_state_name(enum js_state s);
int js_state_parse(const char *s, enum js_state *out);

/* Create ROOT and its subdirectories if needed. */
int js_init(const char *root, struct hk_err *err);

/* Hold ROOT/lock exclusively (blocking); returns the fd to pass to js_unlock. */
int js_lock(const char *root, struct hk_err *err);
void js_unlock(int fd);

/* ROOT/STATE/NAME, on the heap (the caller frees it). */
char *js_path(const char *root, enum js_state s, const char *name);
/* ROOT/STATE/ID.json, the file of job id in a state other than ready (the caller frees it). */
char *js_job_path(const char *root, enum js_state s, const char *id);

/*
 * Where job id is: its state and, when path is not NULL, its file's path
 * (the caller frees it).  -1 when unknown.
 */
int js_find(const char *root, const char *id, enum js_state *state, char **path);

/* Load / save a state file (save is atomic). */
json_t *js_load(const char *path, struct hk_err *err);
int js_save(const char *path, const json_t *rec, struct hk_err *err);

/*
 * Save, atomically, only over a file that is still there: a runner's
 * saves must not bring back a job that abort or sync moved meanwhile.
 * -1 with errno ENOENT (and err) when path is gone.  The replacement is
 * one renameat2(RENAME_EXCHANGE) where the file system has it; elsewhere a
 * check just before the rename leaves a window of a few instructions.
 */
int js_save_existing(const char *path, const json_t *rec, struct hk_err *err);

/*
 * Registering a job from its job record (needs "id" and "dir") as ready,
 * after every job already known; a record with "parents" (an array of
 * ids) is registered waiting instead, its file remembering them
 * (jobwait.h moves it on).  A new job whose "dir" is not a directory,
 * whose "kind" is not one js_run_dirs knows (static3, neb, relax; absent
 * means static3) or whose directory lacks an input VASP needs
 * (jobinputs.h) is refused (-1): it could only fail once it runs.  A
 * known one (in known: the ids of every state from js_known_ids, listed
 * once under the lock, since only an add brings an id in) is not looked at
 * again: n->tmp is NULL.
 *
 * In halves, so that many jobs are added at once.  js_add_write, on any
 * thread (it only reads known), checks the job
 * and writes its state file under a temporary name, n->tmp, made unique
 * by tag among the jobs written at once (two records may have one id).
 * js_add_place, in input order with the lock held, gives a written file
 * its name (a ready one the next sequence number), pending in batch b
 * until js_batch_commit, and adds id to known.  js_new_release removes a
 * temporary file that was not placed.  A crash before the commit leaves
 * only temporary files, which js_clean removes.
 */
struct js_batch {
	struct file_batch files;
	long seq;	/* the last sequence number the batch gave out */
	int seq_known;	/* seq read from ROOT/seq */
};
#define JS_BATCH_INIT { FILE_BATCH_INIT, 0, 0 }
struct js_new {
	char *tmp;	/* the state file, written, not yet placed; NULL: nothing to add */
	int waiting;	/* it goes to waiting/ */
};
struct strset;
int js_known_ids(const char *root, struct strset *ids);
int js_add_write(const char *root, const json_t *job, const struct strset *known, unsigned long tag,
    struct js_new *n, struct hk_err *err);
void js_add_place(const char *root, struct js_new *n, const char *id, struct strset *known, struct js_batch *b);
void js_new_release(struct js_new *n);
/* ROOT/seq on disk, then every pending file of b in place and on disk with one sync; -1 with err. */
int js_batch_commit(const char *root, struct js_batch *b, struct hk_err *err);
void js_batch_release(struct js_batch *b);

/*
 * Move job id from one state to another, setting "state" in its content;
 * for ready the file gets a new sequence number (at the end, or first when
 * front is set).  -1 with errno ENOENT when it was not in from.
 */
int js_move(const char *root, const char *id, enum js_state from, enum js_state to, int front,
    struct hk_err *err);

/* The same for the file name (as js_list gives it) in from's directory: no search. */
int js_move_file(const char *root, const char *name, enum js_state from, enum js_state to, int front,
    struct hk_err *err);

/* Undo a claim: active/ID.json back to ready/NAME, the name it had (its place in line). */
int js_unclaim(const char *root, const char *name, struct hk_err *err);

/* Names of the files in a state's directory, sorted; the caller frees each and the array. */
int js_list(const char *root, enum js_state s, char ***names, int *n);

/* The id in a file name ("000000000012.mp-1.F.0.json" or "mp-1.F.0.json"); the caller frees it. */
char *js_id_of(const char *name, enum js_state s);

/* Remove temporary files left by writers that were killed; how many.  Call with the lock held. */
int js_clean(const char *root);

/*
 * A job directory's lock, DIR/.hopkit.lock, keeps a second calculator out.
 * A run holds it, and so does every calculator the run starts: the
 * descriptor is inherited on purpose (not close-on-exec), so the lock
 * lasts exactly as long as the last of those processes lives, even when
 * the run itself was killed.  js_dir_lock: 0 held, *fd to keep open (-1
 * when the file system has no locks: nothing is held); 1 another process
 * holds it, err names the directory and the process; -1 with err.
 * js_dir_lock_note replaces the lock file's text, what others are told
 * about its holder when they cannot see the process (another host).
 */
struct sbuf;
int js_dir_lock(const char *dir, int *fd, struct hk_err *err);
void js_dir_lock_note(int fd, const char *text);

/* 1 when some process holds dir's lock (who, when not NULL, gets which), 0 when none does. */
int js_dir_busy(const char *dir, struct sbuf *who);

/*
 * The directories, relative to a job's own, where its calculator runs, by
 * the job's kind: start, mid and end for static3 (and a kind not known);
 * the job directory itself for an NEB (VASP runs its images from there)
 * and for a relaxation.  A static, NULL-terminated list.
 */
const char *const *js_run_dirs(const char *kind);

/* Seconds since the epoch, with a fraction. */
double js_now(void);

#endif
