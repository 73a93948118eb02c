#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "finished.h"
#include "jobstate.h"
#include "rec.h"
#include "runread.h"
#include "sbuf.h"
#include "strset.h"
#include "xalloc.h"

/* Where one job is. */
struct run {
	enum js_state state;
	char *file;
};

struct runs {
	struct strset index;	/* id -> struct run */
};

static int
add_state(struct runs *r, const char *root, enum js_state s)
{
	char **names = NULL;
	int n = 0;

	if (js_list(root, s, &names, &n) == -1)
		return -1;
	for (int k = 0; k < n; k++) {
		char *id = js_id_of(names[k], s);
		if (id && strset_get(&r->index, id) == NULL) {
			struct run *u = xcalloc(1, sizeof(*u));
			u->state = s;
			u->file = js_path(root, s, names[k]);
			strset_put(&r->index, id, u);
		}
		free(id);
		free(names[k]);
	}
	free(names);
	return 0;
}

struct runs *
runs_load(const char *root, struct hk_err *err)
{
	struct runs *r = xcalloc(1, sizeof(*r));
	struct stat st;

	if (stat(root, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err_set(err, "%s: %s", root, errno ? strerror(errno) : "not a directory");
		free(r);
		return NULL;
	}
	/* finished states first: a job caught between two directories counts as finished */
	for (enum js_state s = JS_DONE; s < JS_NSTATES; s++)
		if (add_state(r, root, s) == -1) {
			err_set(err, "%s: cannot read its %s jobs: %s", root, js_state_name(s), strerror(errno));
			runs_free(r);
			return NULL;
		}
	if (add_state(r, root, JS_ACTIVE) == -1 || add_state(r, root, JS_READY) == -1) {
		err_set(err, "%s: cannot read its jobs: %s", root, strerror(errno));
		runs_free(r);
		return NULL;
	}
	return r;
}

void
runs_free(struct runs *r)
{
	if (r == NULL)
		return;
	for (size_t k = 0; k < r->index.cap; k++)
		if (r->index.slot[k]) {
			struct run *u = r->index.val[k];
			free(u->file);
			free(u);
		}
	strset_release(&r->index);
	free(r);
}

int
runs_state(const struct runs *r, const char *id, const char **file)
{
	const struct run *u = r ? strset_get(&r->index, id) : NULL;

	if (u && file)
		*file = u->file;
	return u ? (int)u->state : -1;
}

int
runs_finished(const struct runs *r, const char *id, int is_archive)
{
	int s = runs_state(r, id, NULL);

	if (is_archive)
		return 1;
	if (s < 0)
		return -1;
	return s == JS_DONE || s == JS_FAILED || s == JS_ABORTED;
}

static int
has_suffix(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);

	return n >= m && strcmp(s + n - m, t) == 0;
}

char *
job_id_peek(const char *path, struct hk_err *err)
{
	struct sbuf text = SBUF_INIT;
	char *file, *id = NULL;
	json_t *rec = NULL;

	enum run_layout layout = run_layout_of(path);

	if (layout == RUN_ARCHIVE) {
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		return xstrndup(base, strlen(base) - (has_suffix(path, ".tgz") ? 4 : 7));
	}
	if (layout == RUN_NEB || layout == RUN_PLAIN)
		return run_id_of_path(path);
	file = xasprintf("%s/job.json", path);
	if (file_read(file, &text) == -1)
		err_set(err, "%s: %s", file, strerror(errno));
	else if ((rec = rec_parse(text.s ? text.s : "", text.len, file, 1, err)) != NULL && rec_id(rec, err))
		id = xstrdup(rec_id(rec, err));
	else if (rec)
		err_prefix(err, "%s", file);
	json_decref(rec);
	sbuf_release(&text);
	free(file);
	return id;
}

static void
stamp_file(struct sbuf *s, const char *name, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		sbuf_addf(s, "%s %lld %lld.%09ld %llu\n", name, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		    st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
	else
		sbuf_addf(s, "%s -\n", name);
}

/* The files of dir, and one level of its subdirectories, in name order. */
static void
stamp_dir(struct sbuf *s, const char *dir, const char *rel, int depth)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort);

	for (int k = 0; k < n; k++) {
		const char *d = list[k]->d_name;
		char *p = xasprintf("%s/%s", dir, d), *r = xasprintf("%s%s", rel, d);
		struct stat st;
		if (d[0] != '.' && stat(p, &st) == 0) {
			if (S_ISREG(st.st_mode))
				stamp_file(s, r, p);
			else if (S_ISDIR(st.st_mode) && depth == 0) {
				char *sub = xasprintf("%s/", r);
				stamp_dir(s, p, sub, 1);
				free(sub);
			}
		}
		free(p);
		free(r);
		free(list[k]);
	}
	free(list);
}

char *
job_stamp(const char *path, const char *state_file)
{
	struct sbuf s = SBUF_INIT;
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		stamp_dir(&s, path, "", 0);
	else
		stamp_file(&s, "archive", path);
	if (state_file)
		stamp_file(&s, state_file, state_file);	/* its name says the state */
	char *out = xasprintf("%016llx", (unsigned long long)hash_fnv1a(s.s ? s.s : "", s.len));
	sbuf_release(&s);
	return out;
}
