#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "field.h"
#include "jobcause.h"
#include "jobqueue.h"
#include "jobwait.h"
#include "jsonw.h"
#include "num.h"
#include "sbuf.h"
#include "stage.h"
#include "stream.h"
#include "strset.h"
#include "xalloc.h"

static void
note_err(const struct jq_note *note, const struct hk_err *e)
{
	if (note && note->fn)
		note->fn(note->ctx, e);
}

/* A note about job id: "ID: what". */
static void __attribute__((format(printf, 3, 4)))
note_job(const struct jq_note *note, const char *id, const char *fmt, ...)
{
	struct hk_err e = HK_ERR_INIT;
	va_list ap;
	int n = snprintf(e.msg, sizeof(e.msg), "%s: ", id);

	if (n < 0 || (size_t)n >= sizeof(e.msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(e.msg + n, sizeof(e.msg) - (size_t)n, fmt, ap);
	va_end(ap);
	note_err(note, &e);
}

static void
free_list(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int
jq_add_begin(struct jq_adder *a, const char *root, struct hk_err *err)
{
	memset(a, 0, sizeof(*a));
	a->root = root;
	a->batch = (struct js_batch)JS_BATCH_INIT;
	a->committing = (struct js_batch)JS_BATCH_INIT;
	if ((a->lock = js_lock(root, err)) < 0)
		return -1;
	/* what an add killed midway left */
	js_clean(root);
	if (js_known_ids(root, &a->ids) == -1) {
		err_set(err, "%s: %s", root, strerror(errno));
		jq_add_end(a);
		return -1;
	}
	a->cwd = getcwd(NULL, 0);
	return 0;
}

/* The new jobs' files written before one sync makes them durable together. */
#define JQ_ADD_BATCH 2048

/* The committer thread: one batch in place and on disk. */
static void *
commit_main(void *adder)
{
	struct jq_adder *a = adder;

	a->commit_rc = js_batch_commit(a->root, &a->committing, &a->commit_err);
	return NULL;
}

/* The batch being committed, finished and its jobs counted; -1 (err) when it could not be. */
static int
commit_wait(struct jq_adder *a, struct hk_err *err)
{
	if (a->committer_running)
		pthread_join(a->committer, NULL);
	a->committer_running = 0;
	if (a->commit_rc == -1) {
		*err = a->commit_err;
		err_prefix(err, "%ld new jobs not added", a->committing_n);
		a->commit_rc = 0;
		a->committing_n = 0;
		return -1;
	}
	a->added += a->committing_n;
	a->committing_n = 0;
	return 0;
}

/*
 * The pending jobs handed to the committer, which puts them in place
 * while the next are checked and written (on this thread when it cannot
 * start); -1 (err) when the batch before could not be committed.
 */
static int
commit_start(struct jq_adder *a, struct hk_err *err)
{
	if (commit_wait(a, err) == -1)
		return -1;
	js_batch_release(&a->committing);
	a->committing = a->batch;
	/* the next batch's numbers follow on, before ROOT/seq has them */
	a->batch = (struct js_batch)JS_BATCH_INIT;
	a->batch.seq = a->committing.seq;
	a->batch.seq_known = a->committing.seq_known;
	a->committing_n = a->pending;
	a->pending = 0;
	if (pthread_create(&a->committer, NULL, commit_main, a) == 0)
		a->committer_running = 1;
	else
		commit_main(a);
	return 0;
}

/* it->flags of an item jq_add_work has seen */
#define JQ_WORKED 1

void
jq_add_work(const void *adder, struct stream_item *it)
{
	const struct jq_adder *a = adder;
	json_t *rec = it->rec[0];
	/* job directories are recorded absolute: runs start elsewhere */
	const char *dir = json_string_value(json_object_get(rec, "dir"));
	struct js_new n;

	it->flags |= JQ_WORKED;
	if (dir && dir[0] != '/' && a->cwd)
		json_object_set_new(rec, "dir", json_sprintf("%s/%s", a->cwd, dir));
	/* the item's address tells apart the records written at once */
	if (js_add_write(a->root, rec, &a->ids, (unsigned long)(uintptr_t)it, &n, &it->err) == -1) {
		it->status = STREAM_BAD;
		return;
	}
	/* the written file, for jq_add_take (which takes it out again: add writes no records) */
	if (n.tmp)
		it->out = json_pack("{s:s,s:b}", "tmp", n.tmp, "waiting", n.waiting);
	free(n.tmp);
}

int
jq_add_take(void *adder, struct stream_item *it)
{
	struct jq_adder *a = adder;
	const char *id = json_string_value(json_object_get(it->rec[0], "id"));
	struct js_new n = { NULL, 0 };

	if (!(it->flags & JQ_WORKED)) {
		jq_add_work(a, it);
		if (it->status != STREAM_OK)
			return it->status;
	}
	if (it->out) {
		n.tmp = xstrdup(json_string_value(json_object_get(it->out, "tmp")));
		n.waiting = json_is_true(json_object_get(it->out, "waiting"));
		json_decref(it->out);
		it->out = NULL;
	}
	/* the second of two records with one id is a mistake, not a known job */
	if (strset_has(&a->seen, id)) {
		js_new_release(&n);
		err_set(&it->err, "job record %.200s: duplicate id (an earlier record of the input has it)", id);
		return STREAM_BAD;
	}
	strset_add(&a->seen, id);
	if (n.tmp == NULL) {
		a->known++;
		return STREAM_OK;
	}
	js_add_place(a->root, &n, id, &a->ids, &a->batch);
	if (++a->pending >= JQ_ADD_BATCH && commit_start(a, &it->err) == -1)
		return STREAM_FATAL;
	return STREAM_OK;
}

int
jq_add_finish(struct jq_adder *a, struct hk_err *err)
{
	if (a->pending > 0 && commit_start(a, err) == -1)
		return -1;
	return commit_wait(a, err);
}

void
jq_add_end(struct jq_adder *a)
{
	if (a->committer_running)
		pthread_join(a->committer, NULL);
	a->committer_running = 0;
	js_batch_release(&a->committing);
	js_batch_release(&a->batch);
	a->pending = 0;
	if (a->lock >= 0)
		js_unlock(a->lock);
	a->lock = -1;
	strset_release(&a->ids);
	strset_release(&a->seen);
	free(a->cwd);
	a->cwd = NULL;
}

/*
 * Claim ready job file name and start it (*started: whether it was).
 * 0 done; 1 a problem, noted; 2 it did not start and is back in line:
 * stop the round.
 */
static int
start_one(const char *root, const char *name, const struct exec_opts *eo, int *started,
    const struct jq_note *note)
{
	struct hk_err e = HK_ERR_INIT;
	char *id = js_id_of(name, JS_READY), *path = js_job_path(root, JS_ACTIVE, id);
	json_t *rec = NULL;
	int hold, rc = 1;

	*started = 0;
	if (js_move_file(root, name, JS_READY, JS_ACTIVE, 0, &e) == -1 || (rec = js_load(path, &e)) == NULL) {
		note_err(note, &e);
		goto out;
	}
	/* a field of the wrong type: named, and the job back in line, not run on a misread record */
	if ((rec = field_checked(rec, stage_fields("state"), id, &e)) == NULL) {
		struct hk_err e2 = HK_ERR_INIT;
		note_err(note, &e);
		if (js_unclaim(root, name, &e2) == -1)
			note_err(note, &e2);
		goto out;
	}
	json_object_set_new(rec, "state", json_string("queued"));
	if (exec_start(eo, rec, &hold, &e) == -1) {
		struct hk_err e2 = HK_ERR_INIT;
		note_job(note, id, "not started: %s", e.msg);
		if (js_unclaim(root, name, &e2) == -1)
			note_err(note, &e2);
		rc = 2;
		goto out;
	}
	/* started even when its record could not be saved: sync finds it */
	rc = js_save(path, rec, &e) == -1;
	if (rc)
		note_err(note, &e);
	exec_release(hold);
	*started = 1;
out:
	json_decref(rec);
	free(id);
	free(path);
	return rc;
}

int
jq_topup(const char *root, const struct exec_opts *eo, long max, struct jq_topup *out,
    const struct jq_note *note, struct hk_err *err)
{
	char **list;
	int lock, bad = 0, nready, rc = 0;

	out->started = 0;
	if ((lock = js_lock(root, err)) < 0)
		return -1;
	/* jobs whose parents are done (a run that could not settle them, a crash) */
	if (jw_settle(root, note, err) == -1) {
		js_unlock(lock);
		return -1;
	}
	js_list(root, JS_ACTIVE, &list, &out->active);
	free_list(list, out->active);
	js_list(root, JS_READY, &list, &nready);
	for (int i = 0; i < nready && out->active + out->started < max && rc != 2; i++) {
		int started;
		rc = start_one(root, list[i], eo, &started, note);
		out->started += started;
		bad |= rc != 0;
	}
	free_list(list, nready);
	js_unlock(lock);
	out->active += out->started;
	out->ready = nready - out->started;
	return bad;
}

/*
 * A lost local run's calculator may outlive it (in a process group of its
 * own): stop that group, and say so in why.  Only here, on its host.
 */
static void
stop_lost_calculator(const json_t *rec, char *why, size_t n)
{
	const char *ex = json_string_value(json_object_get(rec, "executor"));
	const char *host = json_string_value(json_object_get(rec, "host"));
	long pgid = (long)json_integer_value(json_object_get(rec, "calc_pgid"));
	unsigned long long start = (unsigned long long)json_integer_value(json_object_get(rec, "calc_start"));
	char here[256] = "";
	size_t len = strlen(why);

	gethostname(here, sizeof(here) - 1);
	if (ex == NULL || strcmp(ex, "local") != 0 || pgid <= 0)
		return;
	if (host && strcmp(host, here) != 0)
		snprintf(why + len, n - len, "; its calculator (process group %ld) ran on %s", pgid, host);
	else if (exec_group_stop(pgid, start, 3))
		snprintf(why + len, n - len, "; its calculator (process group %ld) was still running: stopped", pgid);
}

/* The attempt a lost run left open (its last, with no end) ends lost, for why. */
static void
close_lost_attempt(json_t *rec, const char *why, double now)
{
	json_t *h = json_object_get(rec, "history");
	json_t *a = json_array_get(h, json_array_size(h) - 1);

	if (a && !json_object_get(a, "ended")) {
		json_object_set_new(a, "ended", jsonw_real(now));
		json_object_set_new(a, "state", json_string("lost"));
		json_object_set_new(a, "error", json_string(why));
	}
}

/* Reconcile one active job (file name); 1 if its run was lost (noted, with why). */
static int
sync_one(const char *root, const char *name, const struct jq_note *note)
{
	struct hk_err e = HK_ERR_INIT;
	char *id = js_id_of(name, JS_ACTIVE), *path = js_path(root, JS_ACTIVE, name), why[512];
	json_t *rec = js_load(path, &e);
	const char *st;
	int lost = 0;

	/* a state file with a field of the wrong type is named at each sync and left as it is */
	if (rec && (rec = field_checked(rec, stage_fields("state"), path, &e)) == NULL)
		note_err(note, &e);
	st = rec ? json_string_value(json_object_get(rec, "state")) : NULL;

	/* a runner that finished (or was interrupted) but did not move its file */
	if (st && (strcmp(st, "done") == 0 || strcmp(st, "failed") == 0)) {
		js_move(root, id, JS_ACTIVE, strcmp(st, "done") == 0 ? JS_DONE : JS_FAILED, 0, &e);
	} else if (rec && exec_alive(rec, why, sizeof(why), NULL, 0) == 0) {
		if (json_object_get(rec, "exec_id") == NULL) {
			/* claimed, never started: back to the front */
			js_move(root, id, JS_ACTIVE, JS_READY, 1, &e);
		} else {
			double now = js_now();
			stop_lost_calculator(rec, why, sizeof(why));
			json_object_set_new(rec, "last_error", json_string(why));
			jc_set(rec, JC_LOST_RUN);
			json_object_set_new(rec, "ended", jsonw_real(now));
			close_lost_attempt(rec, why, now);
			js_save(path, rec, &e);
			js_move(root, id, JS_ACTIVE, JS_FAILED, 0, &e);
			note_job(note, id, "%s", why);
			lost = 1;
		}
	}
	json_decref(rec);
	free(id);
	free(path);
	return lost;
}

int
jq_sync_noted(const char *root, const struct jq_note *note, struct hk_err *err)
{
	char **list;
	int n, lock, lost = 0;

	if ((lock = js_lock(root, err)) < 0)
		return -1;
	js_clean(root);
	js_list(root, JS_ACTIVE, &list, &n);
	for (int i = 0; i < n; i++)
		lost += sync_one(root, list[i], note);
	free_list(list, n);
	/* children of the jobs just finished or lost: ready or blocked */
	if (jw_settle(root, note, err) == -1)
		lost = -1;
	js_unlock(lock);
	return lost;
}

int
jq_sync(const char *root, struct hk_err *err)
{
	return jq_sync_noted(root, NULL, err);
}

/* A round's status line: what it started, then the jobs per state. */
static void
round_line(const char *root, int round, int started, struct hk_err *out)
{
	struct jq_counts n;

	jq_count(root, &n);
	err_set(out, "round %d: started %d; ready %ld, queued %ld, running %ld, done %ld, failed %ld, aborted %ld", round,
	    started, n.n[JS_READY], n.queued, n.running, n.n[JS_DONE], n.n[JS_FAILED], n.n[JS_ABORTED]);
	/* (only when there are: the line stays what it was for jobs without parents) */
	if (n.n[JS_WAITING] + n.n[JS_BLOCKED] > 0) {
		size_t len = strlen(out->msg);
		snprintf(out->msg + len, sizeof(out->msg) - len, ", waiting %ld, blocked %ld", n.n[JS_WAITING],
		    n.n[JS_BLOCKED]);
	}
}

int
jq_drain(const char *root, const struct exec_opts *eo, long max, unsigned pause, int *started,
    const struct jq_note *note, const struct jq_note *status, struct hk_err *err)
{
	struct hk_err line = HK_ERR_INIT;
	struct jq_topup t;
	int bad = 0;

	*started = 0;
	for (int round = 1, done = 0; !done && !bad; round++) {
		if (round > 1)
			sleep(pause);
		if (jq_sync_noted(root, note, err) == -1 || (bad = jq_topup(root, eo, max, &t, note, err)) == -1) {
			bad = -1;
			break;
		}
		*started += t.started;
		done = t.ready == 0 && t.active == 0;
		if (status && status->fn) {
			round_line(root, round, t.started, &line);
			status->fn(status->ctx, &line);
		}
	}
	return bad;
}

/*
 * 1 (noted) when a calculator still runs in the directory of job id (in
 * state st): a retry would start a second one there.
 */
static int
calculator_still_runs(const char *root, enum js_state st, const char *id, const struct jq_note *note)
{
	struct hk_err e = HK_ERR_INIT;
	struct sbuf who = SBUF_INIT;
	char *path = js_job_path(root, st, id);
	json_t *rec = js_load(path, &e);
	const char *dir = rec ? json_string_value(json_object_get(rec, "dir")) : NULL;
	int busy = dir && js_dir_busy(dir, &who);

	if (busy)
		note_job(note, id, "not retried: a calculator still runs in %s: %s", dir, who.s);
	sbuf_release(&who);
	json_decref(rec);
	free(path);
	return busy;
}

int
jq_retry_failed_noted(const char *root, const struct jq_note *note, struct hk_err *err)
{
	char **list;
	int n, lock, bad = 0;

	if ((lock = js_lock(root, err)) < 0)
		return -1;
	js_list(root, JS_FAILED, &list, &n);
	for (int i = 0; i < n; i++) {
		char *id = js_id_of(list[i], JS_FAILED);
		char *path = js_path(root, JS_FAILED, list[i]);
		enum js_state to = jw_retry_state(path);
		if (calculator_still_runs(root, JS_FAILED, id, note) || js_move(root, id, JS_FAILED, to, 1, err) == -1)
			bad = 1;
		free(path);
		free(id);
	}
	free_list(list, n);
	/* their children blocked: waiting again */
	if (jw_settle(root, note, err) == -1)
		bad = -1;
	js_unlock(lock);
	return bad;
}

int
jq_retry_failed(const char *root, struct hk_err *err)
{
	return jq_retry_failed_noted(root, NULL, err);
}

int
jq_retry(const char *root, char *const *ids, int n, const struct jq_note *note, struct hk_err *err)
{
	int lock, bad = 0;

	if ((lock = js_lock(root, err)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct hk_err e = HK_ERR_INIT;
		enum js_state st;
		char *path = NULL;
		if (js_find(root, ids[i], &st, &path) == -1 || (st != JS_FAILED && st != JS_ABORTED)) {
			note_job(note, ids[i], "not failed or aborted");
			bad = 1;
		} else if (calculator_still_runs(root, st, ids[i], note)) {
			bad = 1;
		} else if (js_move(root, ids[i], st, jw_retry_state(path), 1, &e) == -1) {
			note_err(note, &e);
			bad = 1;
		}
		free(path);
	}
	/* their children blocked: waiting again */
	if (jw_settle(root, note, err) == -1)
		bad = -1;
	js_unlock(lock);
	return bad;
}

int
jq_abort(const char *root, char *const *ids, int n, const struct jq_note *note)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		struct hk_err e = HK_ERR_INIT;
		enum js_state st;
		char *path = NULL;
		json_t *rec = NULL;
		int found = js_find(root, ids[i], &st, &path) == 0 &&
		    (st == JS_ACTIVE || st == JS_READY || st == JS_WAITING || st == JS_BLOCKED) &&
		    (rec = field_checked(js_load(path, &e), stage_fields("state"), path, &e)) != NULL;
		free(path);
		if (!found) {
			note_job(note, ids[i], "%s", e.msg[0] ? e.msg : "not ready, queued or running");
			bad = 1;
			continue;
		}
		if (st == JS_ACTIVE && exec_abort(rec, &e) == -1) {
			note_job(note, ids[i], "%s", e.msg);
			bad = 1;
		}
		json_decref(rec);
		/* ENOENT: the run ended and moved it meanwhile */
		if (js_move(root, ids[i], st, JS_ABORTED, 0, &e) == -1 && errno != ENOENT) {
			note_job(note, ids[i], "%s", e.msg);
			bad = 1;
		}
	}
	return bad;
}

int
jq_forget(const char *root, char *const *ids, int n, const struct jq_note *note)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		enum js_state st;
		char *path = NULL;
		if (js_find(root, ids[i], &st, &path) == -1 || st == JS_ACTIVE || unlink(path) == -1) {
			note_job(note, ids[i], "unknown or active (abort it first)");
			bad = 1;
		}
		free(path);
	}
	return bad;
}

void
jq_count(const char *root, struct jq_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (int s = 0; s < JS_NSTATES; s++) {
		char **list;
		int k;
		js_list(root, (enum js_state)s, &list, &k);
		c->n[s] = k;
		for (int i = 0; i < k && s == JS_ACTIVE; i++) {
			struct hk_err e = HK_ERR_INIT;
			char *path = js_path(root, JS_ACTIVE, list[i]);
			json_t *rec = js_load(path, &e);
			const char *st = rec ? json_string_value(json_object_get(rec, "state")) : NULL;
			if (st && strcmp(st, "running") == 0)
				c->running++;
			else
				c->queued++;
			json_decref(rec);
			free(path);
		}
		free_list(list, k);
	}
}

/* What stands for a state file that cannot be read: its id, and why, as the last error. */
static json_t *
unreadable(const char *name, enum js_state s, const struct hk_err *e)
{
	char *id = js_id_of(name, s), msg[700];
	json_t *rec;

	err_format(e, msg, sizeof(msg));
	rec = json_pack("{s:s,s:s+}", "id", id, "last_error", "unreadable state file: ", msg);
	free(id);
	return rec;
}

json_t *
jq_status(const char *root, const char *id)
{
	struct hk_err e = HK_ERR_INIT;
	enum js_state st;
	char *path = NULL;
	json_t *rec = NULL;
	const char *ex;

	if (js_find(root, id, &st, &path) == 0 &&
	    (rec = field_checked(js_load(path, &e), stage_fields("state"), path, &e)) == NULL) {
		rec = unreadable(strrchr(path, '/') + 1, st, &e);
		json_object_set_new(rec, "state", json_string(js_state_name(st)));
	}
	free(path);
	ex = rec ? json_string_value(json_object_get(rec, "executor")) : NULL;
	if (ex && st == JS_ACTIVE && strcmp(ex, "slurm") == 0) {
		char why[300], sched[64];
		exec_alive(rec, why, sizeof(why), sched, sizeof(sched));
		if (sched[0])
			json_object_set_new(rec, "slurm_state", json_string(sched));
	}
	return rec;
}

void
jq_each(const char *root, int want, int unreadable_too, void (*fn)(void *ctx, const json_t *rec, enum js_state s),
    void *ctx)
{
	for (int s = 0; s < JS_NSTATES; s++) {
		char **list;
		int n;
		if (want >= 0 && s != want)
			continue;
		js_list(root, (enum js_state)s, &list, &n);
		for (int i = 0; i < n; i++) {
			struct hk_err e = HK_ERR_INIT;
			char *path = js_path(root, (enum js_state)s, list[i]);
			json_t *rec = field_checked(js_load(path, &e), stage_fields("state"), path, &e);
			if (rec == NULL && unreadable_too)
				rec = unreadable(list[i], (enum js_state)s, &e);
			if (rec != NULL)
				fn(ctx, rec, (enum js_state)s);
			json_decref(rec);
			free(path);
		}
		free_list(list, n);
	}
}

void
jq_time_text(double t, char *buf, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(buf, n, "-");
		return;
	}
	gmtime_r(&s, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *const cols[] = { "id", "state", "attempts", "executor", "exec_id", "submitted", "started",
	"ended", "walltime", "last_error", "error_class" };

static const char *
str_or(const json_t *rec, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : dflt;
}

static void list_row(struct sbuf *out, const json_t *rec, enum js_state st, const char *cls, int csv);

/* A waiting job's line says what it waits for, as its last error. */
static void
waiting_row(struct sbuf *out, const json_t *rec, int csv)
{
	json_t *r = json_deep_copy(rec), *v;
	struct sbuf why = SBUF_INIT;
	size_t i;

	sbuf_addstr(&why, "waiting for");
	/* (a hop whose endpoints are one relaxation names it twice) */
	json_array_foreach(json_object_get(rec, "parents"), i, v)
		if (i == 0 || !json_equal(v, json_array_get(json_object_get(rec, "parents"), i - 1)))
			sbuf_addf(&why, "%s %s", i ? "," : "", json_string_value(v) ? json_string_value(v) : "?");
	json_object_set_new(r, "last_error", json_string(why.s));
	list_row(out, r, JS_WAITING, NULL, csv);
	json_decref(r);
	sbuf_release(&why);
}

/* One line of list for rec, in state st, its error class cls (or NULL), appended to out. */
static void
list_row(struct sbuf *out, const json_t *rec, enum js_state st, const char *cls, int csv)
{
	char sub[40], sta[40], end[40], nb[NUM_BUFSZ];
	const char *state = str_or(rec, "state", NULL);
	const json_t *wall = json_object_get(rec, "walltime");

	/* queued or running is in the content; the directory says the rest */
	if (st != JS_ACTIVE || state == NULL)
		state = js_state_name(st);
	if (st == JS_WAITING && !json_object_get(rec, "last_error"))
		return waiting_row(out, rec, csv);
	jq_time_text(json_number_value(json_object_get(rec, "submitted")), sub, sizeof(sub));
	jq_time_text(json_number_value(json_object_get(rec, "started")), sta, sizeof(sta));
	jq_time_text(json_number_value(json_object_get(rec, "ended")), end, sizeof(end));
	if (!csv) {
		/* two spaces before the last error, whatever the class's length: the column is the rest of the line */
		sbuf_addf(out, "%-28s %-8s %3lld %-6s %-10s %-20s %-20s %8s  %-15s  %s\n", str_or(rec, "id", NULL), state,
		    (long long)json_integer_value(json_object_get(rec, "attempts")), str_or(rec, "executor", "-"),
		    str_or(rec, "exec_id", "-"), sub, sta,
		    json_is_number(wall) ? num_fixed(json_number_value(wall), 0, nb) : "-", cls ? cls : "-",
		    str_or(rec, "last_error", ""));
		return;
	}
	json_t *r = json_deep_copy(rec);
	json_object_set_new(r, "state", json_string(state));
	json_object_set_new(r, "submitted", json_string(sub));
	json_object_set_new(r, "started", json_string(sta));
	json_object_set_new(r, "ended", json_string(end));
	if (cls)
		json_object_set_new(r, "error_class", json_string(cls));
	else
		json_object_del(r, "error_class");
	csv_record(out, r, cols, 11);
	json_decref(r);
}

struct lister {
	struct sbuf text;
	const char *cause;	/* only jobs of this error class, when not NULL */
	int csv, n;
	void (*line)(void *ctx, const char *text);
	void *ctx;
};

static void
list_one(void *ctx, const json_t *rec, enum js_state st)
{
	struct lister *l = ctx;
	const char *cls = jc_class(rec);

	if (l->cause && (cls == NULL || strcmp(cls, l->cause) != 0))
		return;
	l->n++;
	sbuf_reset(&l->text);
	list_row(&l->text, rec, st, cls, l->csv);
	l->line(l->ctx, l->text.s);
}

int
jq_list(const char *root, int want, const char *cause, int csv, void (*line)(void *ctx, const char *text), void *ctx)
{
	struct lister l = { SBUF_INIT, cause, csv, 0, line, ctx };

	if (csv)
		csv_header(&l.text, cols, 11);
	else
		sbuf_addf(&l.text, "%-28s %-8s %3s %-6s %-10s %-20s %-20s %8s  %-15s  %s\n", "ID", "STATE", "TRY", "EXEC",
		    "EXEC_ID", "SUBMITTED", "STARTED", "WALL_S", "CAUSE", "LAST_ERROR");
	line(ctx, l.text.s);
	jq_each(root, want, 1, list_one, &l);
	sbuf_release(&l.text);
	return l.n;
}

/* The ids of the failed jobs of one error class (a growing array), or the count per class. */
struct by_class {
	const char *cls;
	char **ids;
	int n;
	struct strset counts;	/* class -> count, as a pointer-sized integer */
};

static void
pick_failed(void *ctx, const json_t *rec, enum js_state st)
{
	struct by_class *b = ctx;
	const char *cls = jc_class(rec), *id = str_or(rec, "id", NULL);

	(void)st;
	if (cls == NULL)
		cls = JC_UNKNOWN;
	if (b->cls == NULL) {
		void **slot = strset_ref(&b->counts, cls);
		*slot = (void *)((intptr_t)*slot + 1);
	} else if (id && strcmp(cls, b->cls) == 0) {
		b->ids = xrealloc(b->ids, (size_t)(b->n + 1) * sizeof(*b->ids));
		b->ids[b->n++] = xstrdup(id);
	}
}

int
jq_retry_class(const char *root, const char *cls, int *retried, const struct jq_note *note, struct hk_err *err)
{
	struct by_class b = { cls, NULL, 0, STRSET_INIT };
	int rc = 0;
	enum js_state st;

	*retried = 0;
	jq_each(root, JS_FAILED, 0, pick_failed, &b);
	if (b.n > 0)
		rc = jq_retry(root, b.ids, b.n, note, err);
	else
		note_job(note, cls, "no failed job has this error class");
	/* what moved, not what was asked: a busy directory keeps its job failed */
	for (int i = 0; i < b.n; i++) {
		*retried += js_find(root, b.ids[i], &st, NULL) == 0 && st != JS_FAILED;
		free(b.ids[i]);
	}
	free(b.ids);
	return rc;
}

struct class_count {
	const char *cls;
	intptr_t n;
};

static int
by_count(const void *a, const void *b)
{
	const struct class_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->cls, y->cls);
}

/* The failed jobs counted per error class, one line each, the most frequent first; how many classes. */
static int
causes(const char *root, void (*line)(void *ctx, const char *text), void *ctx)
{
	struct by_class b = { NULL, NULL, 0, STRSET_INIT };
	struct class_count *c;
	struct sbuf t = SBUF_INIT;
	size_t k = 0;

	jq_each(root, JS_FAILED, 0, pick_failed, &b);
	c = xcalloc(b.counts.n + 1, sizeof(*c));
	for (size_t i = 0; i < b.counts.cap; i++)
		if (b.counts.slot && b.counts.slot[i])
			c[k++] = (struct class_count){ b.counts.slot[i], (intptr_t)b.counts.val[i] };
	qsort(c, k, sizeof(*c), by_count);
	for (size_t i = 0; i < k; i++) {
		sbuf_reset(&t);
		sbuf_addf(&t, "cause %s %ld\n", c[i].cls, (long)c[i].n);
		line(ctx, t.s);
	}
	sbuf_release(&t);
	free(c);
	strset_release(&b.counts);
	return (int)k;
}

void
jq_count_lines(const char *root, void (*line)(void *ctx, const char *text), void *ctx)
{
	struct sbuf t = SBUF_INIT;
	struct jq_counts n;

	jq_count(root, &n);
	sbuf_addf(&t, "ready %ld\nqueued %ld\nrunning %ld\ndone %ld\nfailed %ld\naborted %ld\nwaiting %ld\nblocked %ld\n",
	    n.n[JS_READY], n.queued, n.running, n.n[JS_DONE], n.n[JS_FAILED], n.n[JS_ABORTED], n.n[JS_WAITING],
	    n.n[JS_BLOCKED]);
	line(ctx, t.s);
	sbuf_release(&t);
	if (n.n[JS_FAILED] > 0)
		causes(root, line, ctx);
}
