#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "hash.h"
#include "jobstate.h"
#include "jsonw.h"
#include "rec.h"
#include "sbuf.h"
#include "xalloc.h"

static const char *const names[JS_NSTATES] = { "ready", "active", "done", "failed", "aborted" };

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
	char p[8200];

	if (mkdir(root, 0777) == -1 && errno != EEXIST) {
		err_set(err, "%s: cannot create: %s", root, strerror(errno));
		return -1;
	}
	for (int k = 0; k < JS_NSTATES; k++) {
		snprintf(p, sizeof(p), "%s/%s", root, names[k]);
		if (mkdir(p, 0777) == -1 && errno != EEXIST) {
			err_set(err, "%s: cannot create: %s", p, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
js_lock(const char *root, struct hk_err *err)
{
	char p[8200];
	int fd;

	snprintf(p, sizeof(p), "%s/lock", root);
	if ((fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0) {
		err_set(err, "%s: %s", p, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			err_set(err, "%s: cannot lock: %s", p, strerror(errno));
			close(fd);
			return -1;
		}
	}
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

void
js_id_of(const char *name, enum js_state s, char *id, size_t n)
{
	const char *p = name;
	size_t len;

	if (s == JS_READY && strchr(p, '.'))
		p = strchr(p, '.') + 1;
	len = strlen(p);
	if (len > 5 && strcmp(p + len - 5, ".json") == 0)
		len -= 5;
	snprintf(n > 0 ? id : id, n, "%.*s", (int)len, p);
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
	char p[8200];
	struct dirent **list = NULL;
	int k;

	snprintf(p, sizeof(p), "%s/%s", root, names[s]);
	if ((k = scandir(p, &list, json_file, by_name)) < 0) {
		*out = NULL;
		*n = 0;
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
	char *end;
	long pid;

	if (t == NULL)
		return 0;
	pid = strtol(t + 5, &end, 10);
	return *end == '\0' && pid > 0 && kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

int
js_clean(const char *root)
{
	int removed = 0;

	for (int s = 0; s < JS_NSTATES; s++) {
		char p[8200];
		struct dirent **list = NULL;
		int k;
		snprintf(p, sizeof(p), "%s/%s", root, names[s]);
		if ((k = scandir(p, &list, stale_tmp, NULL)) < 0)
			continue;
		for (int i = 0; i < k; i++) {
			char f[8600];
			snprintf(f, sizeof(f), "%s/%s", p, list[i]->d_name);
			if (unlink(f) == 0)
				removed++;
			free(list[i]);
		}
		free(list);
	}
	return removed;
}

int
js_find(const char *root, const char *id, enum js_state *state, char *path, size_t n)
{
	struct stat st;

	for (int k = JS_ACTIVE; k < JS_NSTATES; k++) {
		snprintf(path, n, "%s/%s/%s.json", root, names[k], id);
		if (stat(path, &st) == 0) {
			*state = (enum js_state)k;
			return 0;
		}
	}
	/* ready files carry a sequence number first */
	char **list;
	int cnt, found = -1;
	if (js_list(root, JS_READY, &list, &cnt) == 0) {
		for (int i = 0; i < cnt; i++) {
			char got[300];
			js_id_of(list[i], JS_READY, got, sizeof(got));
			if (found < 0 && strcmp(got, id) == 0) {
				snprintf(path, n, "%s/ready/%s", root, list[i]);
				*state = JS_READY;
				found = 0;
			}
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

/* The next sequence number (under the lock), or the one before the first. */
static long
next_seq(const char *root, int front)
{
	char p[8200];
	long seq = 0;
	FILE *f;

	if (front) {
		char **list;
		int n;
		long first = 1000000000L;
		if (js_list(root, JS_READY, &list, &n) == 0) {
			if (n > 0)
				first = strtol(list[0], NULL, 10);
			for (int i = 0; i < n; i++)
				free(list[i]);
			free(list);
		}
		return first > 0 ? first - 1 : 0;
	}
	snprintf(p, sizeof(p), "%s/seq", root);
	if ((f = fopen(p, "r")) != NULL) {
		if (fscanf(f, "%ld", &seq) != 1)
			seq = 0;
		fclose(f);
	}
	seq++;
	/* not fatal: a lost update only lets a later job tie in order with this one */
	char text[32];
	struct hk_err e = HK_ERR_INIT;
	int len = snprintf(text, sizeof(text), "%ld\n", seq);
	file_write_atomic(p, text, (size_t)len, &e);
	return seq + 1000000000L;
}

int
js_ready_ids(const char *root, struct strset *ids)
{
	char **list;
	int n;

	if (js_list(root, JS_READY, &list, &n) == -1)
		return -1;
	for (int i = 0; i < n; i++) {
		char id[300];
		js_id_of(list[i], JS_READY, id, sizeof(id));
		strset_add(ids, id);
		free(list[i]);
	}
	free(list);
	return 0;
}

/* Known in a state other than ready (one stat each). */
static int
known_elsewhere(const char *root, const char *id)
{
	char path[8400];
	struct stat st;

	for (int k = JS_ACTIVE; k < JS_NSTATES; k++) {
		snprintf(path, sizeof(path), "%s/%s/%s.json", root, names[k], id);
		if (stat(path, &st) == 0)
			return 1;
	}
	return 0;
}

int
js_add(const char *root, const json_t *job, struct strset *ready, int *added, struct hk_err *err)
{
	char path[8400];
	enum js_state st;
	const char *id;
	json_t *s;
	int rc;

	*added = 0;
	if ((id = rec_id(job, err)) == NULL)
		return -1;
	if (!json_is_string(json_object_get(job, "dir"))) {
		err_set(err, "job record %s has no \"dir\"", id);
		return -1;
	}
	if (ready ? strset_has(ready, id) || known_elsewhere(root, id) : js_find(root, id, &st, path, sizeof(path)) == 0)
		return 0;
	long seq = next_seq(root, 0);
	s = json_pack("{s:s,s:s,s:O,s:O,s:i,s:f}", "id", id, "state", "ready", "dir", json_object_get(job, "dir"),
	    "kind", json_object_get(job, "kind") ? json_object_get(job, "kind") : json_null(), "attempts", 0,
	    "added", js_now());
	json_object_set_new(s, "errors", json_array());
	json_object_set_new(s, "corrections", json_array());
	snprintf(path, sizeof(path), "%s/ready/%012ld.%s.json", root, seq, id);
	rc = js_save(path, s, err);
	json_decref(s);
	if (rc == 0) {
		*added = 1;
		if (ready)
			strset_add(ready, id);
	}
	return rc;
}

int
js_move(const char *root, const char *id, enum js_state from, enum js_state to, int front, struct hk_err *err)
{
	char src[8400];
	enum js_state now;

	if (js_find(root, id, &now, src, sizeof(src)) == -1 || now != from) {
		err_set(err, "%s is not %s", id, js_state_name(from));
		errno = ENOENT;
		return -1;
	}
	return js_move_file(root, strrchr(src, '/') + 1, from, to, front, err);
}

int
js_unclaim(const char *root, const char *name, struct hk_err *err)
{
	char src[8400], dst[8400], id[300];
	json_t *rec;
	int rc;

	js_id_of(name, JS_READY, id, sizeof(id));
	snprintf(src, sizeof(src), "%s/active/%s.json", root, id);
	snprintf(dst, sizeof(dst), "%s/ready/%s", root, name);
	if ((rec = js_load(src, err)) == NULL)
		return -1;
	json_object_set_new(rec, "state", json_string("ready"));
	rc = js_save(src, rec, err);
	json_decref(rec);
	if (rc == 0 && rename(src, dst) == -1) {
		err_set(err, "%s: %s", src, strerror(errno));
		return -1;
	}
	return rc;
}

int
js_move_file(const char *root, const char *name, enum js_state from, enum js_state to, int front,
    struct hk_err *err)
{
	char src[8400], dst[8400], id[300];
	json_t *rec;

	js_id_of(name, from, id, sizeof(id));
	snprintf(src, sizeof(src), "%s/%s/%s", root, names[from], name);
	if (to == JS_READY)
		snprintf(dst, sizeof(dst), "%s/ready/%012ld.%s.json", root, next_seq(root, front), id);
	else
		snprintf(dst, sizeof(dst), "%s/%s/%s.json", root, names[to], id);
	if (rename(src, dst) == -1) {
		int e = errno;
		err_set(err, e == ENOENT ? "%s is not %s" : "%s: %s", e == ENOENT ? id : src,
		    e == ENOENT ? js_state_name(from) : strerror(e));
		errno = e;
		return -1;
	}
	if ((rec = js_load(dst, err)) == NULL)
		return -1;
	if (to != JS_ACTIVE)
		json_object_set_new(rec, "state", json_string(js_state_name(to)));
	int rc = js_save(dst, rec, err);
	json_decref(rec);
	return rc;
}
