#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "jobcause.h"
#include "finished.h"
#include "jobwait.h"
#include "jsonw.h"
#include "nebprep.h"
#include "rec.h"
#include "sbuf.h"
#include "xalloc.h"

static void
note_err(const struct jq_note *note, const struct hk_err *e)
{
	if (note && note->fn)
		note->fn(note->ctx, e);
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
exists(const char *p)
{
	return access(p, F_OK) == 0;
}

/*
 * Where done parent pid's results are, from its state file rec: its
 * directory, else its archive; NULL when neither is there.
 */
static char *
parent_where(const json_t *rec, const char *child_dir, const char *pid)
{
	const char *dir = json_string_value(json_object_get(rec, "dir"));
	const char *arch = json_string_value(json_object_get(rec, "archive"));
	char *p;

	if (dir && is_dir(dir))
		return xstrdup(dir);
	if (arch && exists(arch))
		return xstrdup(arch);
	if (dir) {
		p = xasprintf("%s.tar.gz", dir);
		if (exists(p))
			return p;
		free(p);
	}
	return nebprep_sibling(child_dir, pid);
}

enum parent_stand { P_DONE, P_WAIT, P_BLOCKS };

/*
 * How parent pid stands, by runs (the state directory read once per
 * settle, finished.h); when done, *where (the caller frees it) is set
 * where it can be found, else NULL.
 */
static enum parent_stand
parent_stand(const struct runs *runs, const char *pid, const char *child_dir, char **where)
{
	struct hk_err e = HK_ERR_INIT;
	const char *path = NULL;
	int st = runs_state(runs, pid, &path);
	json_t *rec;

	*where = NULL;
	if (st < 0)
		return P_WAIT;
	if (st == JS_FAILED || st == JS_ABORTED || st == JS_BLOCKED)
		return P_BLOCKS;
	if (st == JS_DONE && (rec = js_load(path, &e)) != NULL) {
		*where = parent_where(rec, child_dir, pid);
		json_decref(rec);
	}
	return st == JS_DONE ? P_DONE : P_WAIT;
}

/*
 * Rewrite job id's file in state from (rec, changed) and move it to to.
 * Under ROOT/lock nobody else writes a waiting or blocked job's file.
 */
static int
move_with(const char *root, const char *id, const json_t *rec, enum js_state from, enum js_state to,
    struct hk_err *err)
{
	char *path = js_job_path(root, from, id), *name = xasprintf("%s.json", id);
	int rc = js_save(path, rec, err);

	if (rc == 0)
		rc = js_move_file(root, name, from, to, 0, err);
	free(path);
	free(name);
	return rc;
}

/* The hop's job record, DIR/job.json; NULL with err. */
static json_t *
job_record(const char *dir, struct hk_err *err)
{
	char *jp = xasprintf("%s/job.json", dir);
	struct sbuf text = SBUF_INIT;
	json_t *job = NULL;

	if (file_read(jp, &text) == -1)
		err_set(err, "%s: %s", jp, strerror(errno));
	else
		job = rec_parse(text.s, text.len, jp, 1, err);
	sbuf_release(&text);
	free(jp);
	return job;
}

/* Prepare dir from its parents (where): 0 prepared, 1 its lock is held elsewhere, -1 with err. */
static int
prepare_locked(const char *dir, char *const where[2], struct hk_err *err)
{
	json_t *job = NULL;
	int fd = -1, rc = js_dir_lock(dir, &fd, err);

	if (rc == 0 && (job = job_record(dir, err)) == NULL)
		rc = -1;
	if (rc == 0)
		rc = nebprep_prepare(dir, job, (const char *const *)where, err) == -1 ? -1 : 0;
	/* (not close-on-exec: closed before anything is started) */
	if (fd >= 0)
		close(fd);
	json_decref(job);
	return rc;
}

/*
 * A waiting job whose parents are all done (where): prepared, then ready;
 * 1 when it is, 0 when it is left (another process prepares it).  One that
 * cannot be prepared is failed, why noted.
 */
static int
release_one(const char *root, const char *id, json_t *rec, char *const where[2], const struct jq_note *note)
{
	struct hk_err e = HK_ERR_INIT, e2 = HK_ERR_INIT;
	const char *dir = json_string_value(json_object_get(rec, "dir"));
	char *name = xasprintf("%s.json", id);
	int rc = -1;

	if (dir == NULL)
		err_set(&e, "%s has no \"dir\"", id);
	else
		rc = prepare_locked(dir, where, &e);
	if (rc == 0) {
		rc = js_move_file(root, name, JS_WAITING, JS_READY, 0, &e) == 0 ? 1 : -1;
	} else if (rc == 1) {
		rc = 0;
	} else {
		json_object_set_new(rec, "last_error", json_sprintf("not prepared: %s", e.msg));
		jc_set(rec, JC_NOT_PREPARED);
		json_object_set_new(rec, "ended", jsonw_real(js_now()));
		if (move_with(root, id, rec, JS_WAITING, JS_FAILED, &e2) == -1)
			note_err(note, &e2);
	}
	if (rc == -1) {
		struct hk_err n = HK_ERR_INIT;
		err_set(&n, "%s: not prepared: %s", id, e.msg);
		note_err(note, &n);
		rc = 0;
	}
	free(name);
	return rc;
}

/* Settle waiting job file name: 1 when it became ready. */
static int
settle_waiting(const char *root, const struct runs *runs, const char *name, const struct jq_note *note)
{
	struct hk_err e = HK_ERR_INIT;
	char *id = js_id_of(name, JS_WAITING), *path = js_path(root, JS_WAITING, name), *where[2] = { NULL, NULL };
	json_t *rec = js_load(path, &e), *parents = json_object_get(rec, "parents");
	const char *dir = json_string_value(json_object_get(rec, "dir")), *blocker = NULL;
	size_t n = json_array_size(parents), done = 0;
	int rc = 0;

	for (size_t i = 0; rec && i < n && blocker == NULL; i++) {
		const char *pid = json_string_value(json_array_get(parents, i));
		char *w = NULL;
		enum parent_stand ps = pid ? parent_stand(runs, pid, dir ? dir : ".", &w) : P_WAIT;
		if (ps == P_BLOCKS)
			blocker = pid;
		done += ps == P_DONE && w != NULL;
		if (i < 2 && where[i] == NULL)
			where[i] = w;
		else
			free(w);
	}
	if (blocker) {
		json_object_set_new(rec, "blocked_by", json_string(blocker));
		json_object_set_new(rec, "last_error", json_sprintf("blocked: parent %s did not finish", blocker));
		jc_set(rec, JC_BLOCKED);
		if (move_with(root, id, rec, JS_WAITING, JS_BLOCKED, &e) == -1)
			note_err(note, &e);
	} else if (rec && n > 0 && done == n) {
		if (n == 1)
			where[1] = xstrdup(where[0]);
		rc = release_one(root, id, rec, where, note);
	}
	json_decref(rec);
	free(where[0]);
	free(where[1]);
	free(id);
	free(path);
	return rc;
}

/* A blocked job (file name) whose blocker was retried: back to waiting. */
static void
settle_blocked(const char *root, const char *name, const struct jq_note *note)
{
	struct hk_err e = HK_ERR_INIT;
	char *id = js_id_of(name, JS_BLOCKED), *path = js_path(root, JS_BLOCKED, name);
	json_t *rec = js_load(path, &e);
	const char *by = json_string_value(json_object_get(rec, "blocked_by"));
	enum js_state st;

	/* a blocker forgotten stays the reason: the job is not released */
	if (by && js_find(root, by, &st, NULL) == 0 && st != JS_FAILED && st != JS_ABORTED && st != JS_BLOCKED) {
		json_object_del(rec, "blocked_by");
		jc_clear(rec);
		json_object_del(rec, "ended");
		if (move_with(root, id, rec, JS_BLOCKED, JS_WAITING, &e) == -1)
			note_err(note, &e);
	}
	json_decref(rec);
	free(id);
	free(path);
}

static void
free_list(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int
jw_settle(const char *root, const struct jq_note *note, struct hk_err *err)
{
	struct runs *runs = NULL;
	char **list;
	int n, ready = 0;

	/* blocked first: a job released there may be ready at once */
	if (js_list(root, JS_BLOCKED, &list, &n) == 0) {
		for (int i = 0; i < n; i++)
			settle_blocked(root, list[i], note);
		free_list(list, n);
	}
	if (js_list(root, JS_WAITING, &list, &n) == -1) {
		err_set(err, "%s/waiting: %s", root, strerror(errno));
		return -1;
	}
	/* every job's state read once, not a search of the state directory per parent */
	if (n > 0 && (runs = runs_load(root, err)) == NULL) {
		free_list(list, n);
		return -1;
	}
	for (int i = 0; i < n; i++)
		ready += settle_waiting(root, runs, list[i], note);
	runs_free(runs);
	free_list(list, n);
	return ready;
}

int
jw_settle_locked(const char *root, const struct jq_note *note, struct hk_err *err)
{
	int lock = js_lock(root, err), rc;

	if (lock < 0)
		return -1;
	rc = jw_settle(root, note, err);
	js_unlock(lock);
	return rc;
}

enum js_state
jw_retry_state(const char *path)
{
	struct hk_err e = HK_ERR_INIT;
	json_t *rec = js_load(path, &e);
	const char *dir = json_string_value(json_object_get(rec, "dir"));
	enum js_state to = JS_READY;

	if (rec && json_object_get(rec, "parents") && dir && !nebprep_is_prepared(dir))
		to = JS_WAITING;
	json_decref(rec);
	return to;
}
