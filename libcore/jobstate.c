#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "jobinputs.h"
#include "jobstate.h"
#include "jsonw.h"
#include "num.h"
#include "rec.h"
#include "sbuf.h"
#include "strset.h"
#include "xalloc.h"

static const char *const names[JS_NSTATES] = { "ready", "active", "done", "failed", "aborted", "waiting", "blocked" };

char *
js_path(const char *root, enum js_state s, const char *name)
{
	return xasprintf("%s/%s/%s", root, js_state_name(s), name);
}

char *
js_job_path(const char *root, enum js_state s, const char *id)
{
	return xasprintf("%s/%s/%s.json", root, js_state_name(s), id);
}

const char *
js_state_name(enum js_state s)
{
	return s < JS_NSTATES ? names[s] : "?";
}

int
js_state_parse(const char *s, enum js_state *out)
{
	for (int k = 0; k < JS_NSTATES; k++)
		if (strcmp(s, names[k]) == 0) {
			*out = (enum js_state)k;
			return 0;
		}
	/* queued and running are both active */
	if (strcmp(s, "queued") == 0 || strcmp(s, "running") == 0) {
		*out = JS_ACTIVE;
		return 0;
	}
	return -1;
}

double
js_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
js_init(const char *root, struct hk_err *err)
{
	if (mkdir(root, 0777) == -1 && errno != EEXIST) {
		err_set(err, "%s: cannot create: %s", root, strerror(errno));
		return -1;
	}
	for (int k = 0; k < JS_NSTATES; k++) {
		char *p = xasprintf("%s/%s", root, names[k]);
		int bad = mkdir(p, 0777) == -1 && errno != EEXIST;
		if (bad)
			err_set(err, "%s: cannot create: %s", p, strerror(errno));
		free(p);
		if (bad)
			return -1;
	}
	return 0;
}

int
js_lock(const char *root, struct hk_err *err)
{
	char *p = xasprintf("%s/lock", root);
	int fd;

	if ((fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0)
		err_set(err, "%s: %s", p, strerror(errno));
	while (fd >= 0 && flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			err_set(err, "%s: cannot lock: %s", p, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	free(p);
	return fd;
}

void
js_unlock(int fd)
{
	/* explicitly: a forked child not yet exec'd shares the open file */
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

char *
js_id_of(const char *name, enum js_state s)
{
	const char *p = name;
	size_t len;

	if (s == JS_READY && strchr(p, '.'))
		p = strchr(p, '.') + 1;
	len = strlen(p);
	if (len > 5 && strcmp(p + len - 5, ".json") == 0)
		len -= 5;
	return xstrndup(p, len);
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

int
js_list(const char *root, enum js_state s, char ***out, int *n)
{
	char *p = xasprintf("%s/%s", root, names[s]);
	struct dirent **list = NULL;
	int k = scandir(p, &list, json_file, by_name), e = errno;

	free(p);
	if (k < 0) {
		*out = NULL;
		*n = 0;
		errno = e;	/* for the caller's message */
		return -1;
	}
	*out = xcalloc((size_t)k + 1, sizeof(char *));
	for (int i = 0; i < k; i++) {
		(*out)[i] = xstrdup(list[i]->d_name);
		free(list[i]);
	}
	free(list);
	*n = k;
	return 0;
}

/* A temporary file of js_save ("NAME.tmp.PID") whose writer is gone. */
static int
stale_tmp(const struct dirent *d)
{
	const char *t = strstr(d->d_name, ".tmp.");
	long pid;

	return t && num_parse_long(t + 5, 1, LONG_MAX, &pid) == 0 && kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

int
js_clean(const char *root)
{
	int removed = 0;

	/* -1: ROOT itself, for ROOT/seq's */
	for (int s = -1; s < JS_NSTATES; s++) {
		struct dirent **list = NULL;
		char *p = s < 0 ? xstrdup(root) : xasprintf("%s/%s", root, names[s]);
		int k = scandir(p, &list, stale_tmp, NULL);
		for (int i = 0; i < k; i++) {
			char *f = xasprintf("%s/%s", p, list[i]->d_name);
			if (unlink(f) == 0)
				removed++;
			free(f);
			free(list[i]);
		}
		free(list);
		free(p);
	}
	return removed;
}

int
js_find(const char *root, const char *id, enum js_state *state, char **path)
{
	struct stat st;
	char **list;
	int cnt, found = -1;

	for (int k = JS_ACTIVE; k < JS_NSTATES; k++) {
		char *p = js_job_path(root, (enum js_state)k, id);
		if (stat(p, &st) == 0) {
			*state = (enum js_state)k;
			if (path)
				*path = p;
			else
				free(p);
			return 0;
		}
		free(p);
	}
	/* ready files carry a sequence number first */
	if (js_list(root, JS_READY, &list, &cnt) == 0) {
		for (int i = 0; i < cnt; i++) {
			char *got = js_id_of(list[i], JS_READY);
			if (found < 0 && strcmp(got, id) == 0) {
				if (path)
					*path = js_path(root, JS_READY, list[i]);
				*state = JS_READY;
				found = 0;
			}
			free(got);
			free(list[i]);
		}
		free(list);
	}
	return found;
}

json_t *
js_load(const char *path, struct hk_err *err)
{
	json_error_t je;
	json_t *v = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (v == NULL)
		err_set(err, "%s: %s", path, je.text);
	else if (!json_is_object(v)) {
		json_decref(v);
		err_set(err, "%s: not a JSON object", path);
		v = NULL;
	}
	return v;
}

int
js_save(const char *path, const json_t *rec, struct hk_err *err)
{
	struct sbuf text = SBUF_INIT;
	int rc = -1;

	if (jsonw_value(&text, rec, err) == 0) {
		sbuf_addc(&text, '\n');
		rc = file_write_atomic(path, text.s, text.len, err);
	}
	sbuf_release(&text);
	return rc;
}

int
js_save_existing(const char *path, const json_t *rec, struct hk_err *err)
{
	struct sbuf text = SBUF_INIT;
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int rc = -1, e = 0;

	if (jsonw_value(&text, rec, err) == 0) {
		sbuf_addc(&text, '\n');
		rc = file_write_sync(tmp, text.s, text.len, err);
	}
	if (rc == 0 && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == -1) {
		e = errno;
		/* no exchange here: check, then replace */
		if ((e == EINVAL || e == ENOSYS) && access(path, F_OK) == 0)
			e = rename(tmp, path) == -1 ? errno : 0;
		else if (e == EINVAL || e == ENOSYS)
			e = ENOENT;
		if (e)
			err_set(err, e == ENOENT ? "%s: gone (the job was moved)" : "%s: %s", path, strerror(e));
		rc = e ? -1 : 0;
	}
	/* after an exchange it holds the old content */
	unlink(tmp);
	free(tmp);
	sbuf_release(&text);
	if (e)
		errno = e;
	return rc;
}

/* The last sequence number given out, from ROOT/seq (0 before the first). */
static long
seq_stored(const char *root)
{
	char *p = xasprintf("%s/seq", root);
	struct sbuf old = SBUF_INIT;
	const char *end;
	long seq = 0;

	if (file_read(p, &old) == 0 && num_scan_long(old.s ? old.s : "", &end, &seq) == -1)
		seq = 0;
	sbuf_release(&old);
	free(p);
	return seq;
}

/* ROOT/seq's content for seq. */
static int
seq_text(char text[32], long seq)
{
	return snprintf(text, 32, "%ld\n", seq);
}

/* The next sequence number (under the lock), or the one before the first. */
static long
next_seq(const char *root, int front)
{
	char *p, text[32];
	long seq;
	struct hk_err e = HK_ERR_INIT;

	if (front) {
		char **list;
		int n;
		const char *end;
		long first = 1000000000L;
		if (js_list(root, JS_READY, &list, &n) == 0) {
			/* a ready file's name starts with its sequence number */
			if (n > 0 && num_scan_long(list[0], &end, &first) == -1)
				first = 0;
			for (int i = 0; i < n; i++)
				free(list[i]);
			free(list);
		}
		return first > 0 ? first - 1 : 0;
	}
	seq = seq_stored(root) + 1;
	/* not fatal: a lost update only lets a later job tie in order with this one */
	p = xasprintf("%s/seq", root);
	file_write_atomic(p, text, (size_t)seq_text(text, seq), &e);
	free(p);
	return seq + 1000000000L;
}

/* The next sequence number of a batch: ROOT/seq is written when it is committed. */
static long
batch_seq(const char *root, struct js_batch *b)
{
	if (!b->seq_known)
		b->seq = seq_stored(root);
	b->seq_known = 1;
	return ++b->seq + 1000000000L;
}

int
js_batch_commit(const char *root, struct js_batch *b, struct hk_err *err)
{
	char text[32], *p;
	int rc = 0;

	/*
	 * ROOT/seq is on disk before any of the batch's names: a kill between
	 * two renames must not leave ready files numbered past it, or the next
	 * add would give their numbers again and its jobs would run first.
	 */
	if (b->seq_known && b->files.n > 0) {
		p = xasprintf("%s/seq", root);
		rc = file_write_atomic(p, text, (size_t)seq_text(text, b->seq), err);
		free(p);
	}
	if (rc == 0)
		rc = file_batch_commit(&b->files, err);
	b->seq_known = 0;
	return rc;
}

void
js_batch_release(struct js_batch *b)
{
	file_batch_release(&b->files);
	b->seq_known = 0;
}

int
js_known_ids(const char *root, struct strset *ids)
{
	for (int k = 0; k < JS_NSTATES; k++) {
		char **list;
		int n;

		if (js_list(root, (enum js_state)k, &list, &n) == -1)
			return -1;
		for (int i = 0; i < n; i++) {
			char *id = js_id_of(list[i], (enum js_state)k);
			strset_add(ids, id);
			free(id);
			free(list[i]);
		}
		free(list);
	}
	return 0;
}

/* A non-empty array of strings. */
static int
parent_ids(const json_t *a)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return 0;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return 0;
	return 1;
}

/*
 * -1 (err) when a new job could only fail once it runs: its directory is
 * not one, its kind is not one js_run_dirs knows (absent is static3), or
 * the directory lacks an input (jobinputs.h).
 */
static int
job_runnable(const json_t *job, const char *id, struct hk_err *err)
{
	const char *dir = json_string_value(json_object_get(job, "dir"));
	const json_t *kind = json_object_get(job, "kind");
	const char *k = json_string_value(kind);
	struct stat st;
	int rc = 0;

	if (kind && !json_is_null(kind) && !(k && (strcmp(k, "static3") == 0 || strcmp(k, "neb") == 0 ||
	    strcmp(k, "relax") == 0))) {
		err_set(err, "job record %s: unknown kind '%.40s' (want static3, neb or relax)", id, k ? k : "(not text)");
		rc = -1;
	} else if (jobin_check(dir, k, json_object_get(job, "parents") != NULL, err) == -1) {
		err_prefix(err, "job record %s", id);
		rc = -1;
	}
	/* dir itself is looked at only when something is wrong: what is wrong with it is said first */
	if (rc == -1 && stat(dir, &st) == -1)
		err_set(err, "job record %s: dir %s: %s", id, dir, strerror(errno));
	else if (rc == -1 && !S_ISDIR(st.st_mode))
		err_set(err, "job record %s: dir %s is not a directory", id, dir);
	return rc;
}

/* A new job's state file, from its record. */
static json_t *
new_state(const json_t *job, const char *id)
{
	const json_t *parents = json_object_get(job, "parents"), *kind = json_object_get(job, "kind");
	json_t *s = json_pack("{s:s,s:s,s:O,s:O,s:i,s:f}", "id", id, "state", parents ? "waiting" : "ready", "dir",
	    json_object_get(job, "dir"), "kind", kind ? kind : json_null(), "attempts", 0, "added", js_now());

	json_object_set_new(s, "errors", json_array());
	json_object_set_new(s, "corrections", json_array());
	if (parents)
		json_object_set_new(s, "parents", json_deep_copy(parents));
	return s;
}

int
js_add_write(const char *root, const json_t *job, const struct strset *known, unsigned long tag,
    struct js_new *n, struct hk_err *err)
{
	const json_t *parents = json_object_get(job, "parents");
	struct sbuf text = SBUF_INIT;
	const char *id;
	json_t *s;
	int rc;

	memset(n, 0, sizeof(*n));
	if ((id = rec_id(job, err)) == NULL)
		return -1;
	if (!json_is_string(json_object_get(job, "dir"))) {
		err_set(err, "job record %s has no \"dir\"", id);
		return -1;
	}
	if (parents != NULL && !parent_ids(parents)) {
		err_set(err, "job record %s: \"parents\" is not an array of ids", id);
		return -1;
	}
	if (strset_has(known, id))
		return 0;
	if (job_runnable(job, id, err) == -1)
		return -1;
	n->waiting = parents != NULL;
	n->tmp = xasprintf("%s/%s/%s.%lx.tmp.%ld", root, names[n->waiting ? JS_WAITING : JS_READY], id, tag,
	    (long)getpid());
	s = new_state(job, id);
	if ((rc = jsonw_value(&text, s, err)) == 0) {
		sbuf_addc(&text, '\n');
		rc = file_write_new(n->tmp, text.s, text.len, err);
	}
	json_decref(s);
	sbuf_release(&text);
	if (rc == -1) {
		free(n->tmp);
		n->tmp = NULL;
	}
	return rc;
}

void
js_add_place(const char *root, struct js_new *n, const char *id, struct strset *known, struct js_batch *b)
{
	char *path = n->waiting ? js_job_path(root, JS_WAITING, id) :
	    xasprintf("%s/ready/%012ld.%s.json", root, batch_seq(root, b), id);

	file_batch_adopt(&b->files, n->tmp, path);
	n->tmp = NULL;
	strset_add(known, id);
}

void
js_new_release(struct js_new *n)
{
	if (n->tmp)
		unlink(n->tmp);
	free(n->tmp);
	n->tmp = NULL;
}

int
js_move(const char *root, const char *id, enum js_state from, enum js_state to, int front, struct hk_err *err)
{
	enum js_state now;
	char *src = NULL;
	int rc, e;

	if (js_find(root, id, &now, &src) == -1 || now != from) {
		free(src);
		err_set(err, "%s is not %s", id, js_state_name(from));
		errno = ENOENT;
		return -1;
	}
	rc = js_move_file(root, strrchr(src, '/') + 1, from, to, front, err);
	e = errno;
	free(src);
	errno = e;
	return rc;
}

int
js_unclaim(const char *root, const char *name, struct hk_err *err)
{
	char *id = js_id_of(name, JS_READY);
	char *src = js_job_path(root, JS_ACTIVE, id), *dst = js_path(root, JS_READY, name);
	json_t *rec;
	int rc = -1;

	if ((rec = js_load(src, err)) != NULL) {
		json_object_set_new(rec, "state", json_string("ready"));
		rc = js_save(src, rec, err);
		json_decref(rec);
	}
	if (rc == 0 && rename(src, dst) == -1) {
		err_set(err, "%s: %s", src, strerror(errno));
		rc = -1;
	}
	free(id);
	free(src);
	free(dst);
	return rc;
}

int
js_move_file(const char *root, const char *name, enum js_state from, enum js_state to, int front,
    struct hk_err *err)
{
	char *id = js_id_of(name, from), *src = js_path(root, from, name), *dst;
	json_t *rec;
	int rc = -1;

	if (to == JS_READY)
		dst = xasprintf("%s/ready/%012ld.%s.json", root, next_seq(root, front), id);
	else
		dst = js_job_path(root, to, id);
	int e = rename(src, dst) == -1 ? errno : 0;

	if (e)
		err_set(err, e == ENOENT ? "%s is not %s" : "%s: %s", e == ENOENT ? id : src,
		    e == ENOENT ? js_state_name(from) : strerror(e));
	else if ((rec = js_load(dst, err)) != NULL) {
		if (to != JS_ACTIVE)
			json_object_set_new(rec, "state", json_string(js_state_name(to)));
		rc = js_save(dst, rec, err);
		json_decref(rec);
	}
	free(id);
	free(src);
	free(dst);
	if (e)
		errno = e;	/* ENOENT: someone else moved it, which callers tell apart */
	return rc;
}

/* The command line of process pid, arguments joined by blanks, at most 80 bytes; empty when unknown. */
static void
proc_cmdline(long pid, struct sbuf *out)
{
	char *p = xasprintf("/proc/%ld/cmdline", pid);
	struct sbuf t = SBUF_INIT;

	if (file_read(p, &t) == 0 && t.len) {
		size_t n = t.len > 80 ? 80 : t.len;
		while (n > 0 && t.s[n - 1] == '\0')
			n--;
		for (size_t i = 0; i < n; i++)
			sbuf_addc(out, t.s[i] == '\0' ? ' ' : t.s[i]);
		if (t.len > 80)
			sbuf_addstr(out, "...");
	}
	sbuf_release(&t);
	free(p);
}

/* Whether process pid has file real (a resolved path) open. */
static int
proc_has_open(long pid, const char *real)
{
	char *fdd = xasprintf("/proc/%ld/fd", pid);
	DIR *fds = opendir(fdd);
	struct dirent *d;
	int found = 0;
	struct sbuf link = SBUF_INIT;

	while (fds && !found && (d = readdir(fds)) != NULL) {
		char target[PATH_MAX];
		sbuf_reset(&link);
		sbuf_addf(&link, "%s/%s", fdd, d->d_name);
		ssize_t n = readlink(link.s, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			found = strcmp(target, real) == 0;
		}
	}
	if (fds)
		closedir(fds);
	sbuf_release(&link);
	free(fdd);
	return found;
}

/*
 * Who holds the lock file path: the first process here (other than this
 * one) that has it open, with its command line; else what the lock file
 * says (a holder on another host).
 */
static void
lock_holder(const char *path, struct sbuf *who)
{
	char *real = realpath(path, NULL);
	DIR *proc = real ? opendir("/proc") : NULL;
	struct dirent *d;
	struct sbuf note = SBUF_INIT;
	long pid, found = 0;

	while (proc && !found && (d = readdir(proc)) != NULL)
		if (num_parse_long(d->d_name, 1, LONG_MAX, &pid) == 0 && pid != (long)getpid() && proc_has_open(pid, real))
			found = pid;
	if (proc)
		closedir(proc);
	free(real);
	if (found) {
		sbuf_addf(who, "process %ld", found);
		proc_cmdline(found, &note);
		if (note.len)
			sbuf_addf(who, " (%s)", note.s);
	} else if (file_read(path, &note) == 0 && note.len) {
		note.s[strcspn(note.s, "\n")] = '\0';
		sbuf_addstr(who, note.s);
	} else {
		sbuf_addstr(who, "another process");
	}
	sbuf_release(&note);
}

int
js_dir_lock(const char *dir, int *fd, struct hk_err *err)
{
	char *path = xasprintf("%s/.hopkit.lock", dir);
	struct sbuf who = SBUF_INIT;
	int rc = 0, r, e;

	/* not O_CLOEXEC: the calculators inherit it, and with it the lock */
	if ((*fd = open(path, O_RDWR | O_CREAT, 0666)) < 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while ((r = flock(*fd, LOCK_EX | LOCK_NB)) == -1 && errno == EINTR)
		;
	e = errno;
	if (r == -1) {
		close(*fd);
		*fd = -1;
	}
	if (r == -1 && e == EWOULDBLOCK) {
		lock_holder(path, &who);
		err_set(err, "%s: a calculator still runs here: %s", dir, who.s);
		rc = 1;
	} else if (r == -1 && e != ENOLCK && e != EOPNOTSUPP && e != ENOSYS) {
		/* (those three: no locks on this file system, nothing to hold) */
		err_set(err, "%s: cannot lock: %s", path, strerror(e));
		rc = -1;
	}
	sbuf_release(&who);
	free(path);
	return rc;
}

void
js_dir_lock_note(int fd, const char *text)
{
	size_t n = strlen(text);

	/* only for messages: a note that cannot be written is no reason to stop */
	if (fd >= 0 && ftruncate(fd, 0) == 0 && pwrite(fd, text, n, 0) != (ssize_t)n)
		return;
}

int
js_dir_busy(const char *dir, struct sbuf *who)
{
	char *path = xasprintf("%s/.hopkit.lock", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC), busy = 0;

	if (fd >= 0) {
		int r;
		while ((r = flock(fd, LOCK_SH | LOCK_NB)) == -1 && errno == EINTR)
			;
		busy = r == -1 && errno == EWOULDBLOCK;
		if (busy && who)
			lock_holder(path, who);
		close(fd);
	}
	free(path);
	return busy;
}

const char *const *
js_run_dirs(const char *kind)
{
	static const char *const s3[] = { "start", "mid", "end", NULL }, *const one[] = { ".", NULL };

	return kind && (strcmp(kind, "neb") == 0 || strcmp(kind, "relax") == 0) ? one : s3;
}
