#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "field.h"
#include "linerd.h"
#include "rec.h"
#include "results.h"
#include "stream.h"
#include "strset.h"
#include "xalloc.h"

/* What the table knows of one id. */
struct entry {
	char *stamp;		/* of its old record; NULL when none */
	long last;		/* the old table's record number that is written; -1: not in it */
	long off, len;		/* its new record in the spool; len 0: none put */
};

struct results {
	char *path;
	int lockfd;
	struct strset index;	/* id -> struct entry */
	char **old;		/* the id of each old record, by record number */
	long nold;
	struct entry **added;	/* ids put that the old table lacked, in put order */
	long nadded;
	int missing;		/* the table did not exist */
	FILE *spool;
	struct stream_out out;	/* to the spool */
};

/* The directory the table lives in, locked so that updates of it never interleave. */
static int
lock_dir(const char *path, struct hk_err *err)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		err_set(err, "%s: %s", dir, strerror(errno));
	while (fd >= 0 && flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			err_set(err, "%s: cannot lock: %s", dir, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	free(copy);
	return fd;
}

static struct entry *
entry_of(struct results *t, const char *id)
{
	void **slot = strset_ref(&t->index, id);

	if (*slot == NULL) {
		struct entry *e = xcalloc(1, sizeof(*e));
		e->last = -1;
		*slot = e;
	}
	return *slot;
}

/* One record of the old table: its id and stamp; a later record of one id wins. */
static int
take_old(struct results *t, const char *line, size_t len, long lineno, struct hk_err *err)
{
	json_t *rec = rec_parse(line, len, t->path, lineno, err);
	const char *id = rec ? rec_id(rec, err) : NULL;
	const char *stamp = NULL;
	struct entry *e;

	if (id && field_str(rec, "stamp", &stamp, err) == -1) {
		err_prefix(err, "%s:%ld: record %s", t->path, lineno, id);
		json_decref(rec);
		return -1;
	}
	if (id == NULL) {
		if (rec)
			err_prefix(err, "%s:%ld", t->path, lineno);
		json_decref(rec);
		return -1;
	}
	e = entry_of(t, id);
	free(e->stamp);
	e->stamp = stamp ? xstrdup(stamp) : NULL;
	e->last = t->nold;
	t->old = xreallocarray(t->old, (size_t)t->nold + 1, sizeof(char *));
	t->old[t->nold++] = xstrdup(id);
	json_decref(rec);
	return 0;
}

/* Each non-blank line of the table to fn, with its line number and its record number k. */
static int
each_line(struct results *t,
    int (*fn)(struct results *, const char *, size_t, long, long, void *, struct hk_err *), void *ctx,
    struct hk_err *err)
{
	FILE *f = fopen(t->path, "r");
	struct linerd lr;
	const char *line;
	size_t len;
	long k = 0;
	int rc;

	if (f == NULL) {
		t->missing = errno == ENOENT;
		if (errno == ENOENT)
			return 0;
		err_set(err, "%s: %s", t->path, strerror(errno));
		return -1;
	}
	linerd_init(&lr, linerd_pull_file, f, t->path, LINERD_DEFAULT_MAX);
	while ((rc = linerd_next(&lr, &line, &len, err)) == 1) {
		if (len == strspn(line, " \t"))
			continue;
		if ((rc = fn(t, line, len, lr.lineno, k, ctx, err)) == -1)
			break;
		k++;
	}
	linerd_release(&lr);
	fclose(f);
	return rc;
}

static int
old_record(struct results *t, const char *line, size_t len, long lineno, long k, void *ctx,
    struct hk_err *err)
{
	(void)k, (void)ctx;
	return take_old(t, line, len, lineno, err);
}

struct results *
results_open(const char *path, struct hk_err *err)
{
	struct results *t = xcalloc(1, sizeof(*t));

	t->path = xstrdup(path);
	t->spool = tmpfile();
	if (t->spool == NULL) {
		err_set(err, "a spool file for %s: %s", path, strerror(errno));
		t->lockfd = -1;
	} else {
		t->lockfd = lock_dir(path, err);
		stream_out_init(&t->out, t->spool, NULL, 0);
	}
	if (t->lockfd < 0 || each_line(t, old_record, NULL, err) == -1) {
		results_close(t);
		return NULL;
	}
	return t;
}

const char *
results_stamp(const struct results *t, const char *id)
{
	const struct entry *e = strset_get(&t->index, id);

	return e ? e->stamp : NULL;
}

int
results_put(struct results *t, const json_t *rec, struct hk_err *err)
{
	const char *id = rec_id(rec, err);
	struct entry *e;
	long off = ftell(t->spool);

	if (id == NULL)
		return -1;
	if (off < 0 || stream_out_write(&t->out, rec, err) == -1 || fflush(t->spool) == EOF) {
		if (err->msg[0] == '\0')
			err_set(err, "the spool of %s: %s", t->path, strerror(errno));
		return -1;
	}
	e = entry_of(t, id);
	if (e->len == 0 && e->last < 0) {
		t->added = xreallocarray(t->added, (size_t)t->nadded + 1, sizeof(*t->added));
		t->added[t->nadded++] = e;
	}
	e->off = off;
	e->len = ftell(t->spool) - off;
	return 0;
}

/* A new record, copied from the spool. */
static int
copy_put(struct results *t, const struct entry *e, FILE *out, struct hk_err *err)
{
	char buf[65536];
	long left = e->len;

	if (fseek(t->spool, e->off, SEEK_SET) == -1) {
		err_set(err, "the spool of %s: %s", t->path, strerror(errno));
		return -1;
	}
	while (left > 0) {
		size_t n = fread(buf, 1, left < (long)sizeof(buf) ? (size_t)left : sizeof(buf), t->spool);
		if (n == 0) {
			err_set(err, "the spool of %s: cannot read it back", t->path);
			return -1;
		}
		if (fwrite(buf, 1, n, out) != n) {
			err_set(err, "writing %s: %s", t->path, strerror(errno));
			return -1;
		}
		left -= (long)n;
	}
	return 0;
}

/* Old record k: as it was, replaced, or nothing when a later record of its id is written. */
static int
write_old(struct results *t, const char *line, size_t len, long lineno, long k, void *ctx,
    struct hk_err *err)
{
	const struct entry *e = k < t->nold ? strset_get(&t->index, t->old[k]) : NULL;
	FILE *out = ctx;

	if (e == NULL) {
		err_at(err, t->path, lineno, "the table changed while it was being updated");
		return -1;
	}
	if (e->last != k)
		return 0;
	if (e->len)
		return copy_put(t, e, out, err);
	if (fwrite(line, 1, len, out) != len || putc('\n', out) == EOF) {
		err_set(err, "writing %s: %s", t->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
results_write(struct results *t, FILE *out, struct hk_err *err)
{
	if (each_line(t, write_old, out, err) == -1)
		return -1;
	for (long k = 0; k < t->nadded; k++)
		if (copy_put(t, t->added[k], out, err) == -1)
			return -1;
	return 0;
}

/* Old ids, and of them those whose record was put again. */
static void
count_old(const struct results *t, long *old, long *replaced)
{
	*old = *replaced = 0;
	for (size_t k = 0; k < t->index.cap; k++) {
		const struct entry *e = t->index.slot[k] ? t->index.val[k] : NULL;
		*old += e && e->last >= 0;
		*replaced += e && e->len && e->last >= 0;
	}
}

int
results_changed(const struct results *t)
{
	long old, replaced;

	count_old(t, &old, &replaced);
	return t->missing || t->nadded || replaced || old != t->nold;
}

void
results_counts(const struct results *t, struct sbuf *out)
{
	long old, replaced;

	count_old(t, &old, &replaced);
	sbuf_addf(out, "%s: %ld new, %ld replaced, %ld kept", t->path, t->nadded, replaced, old - replaced);
}

void
results_close(struct results *t)
{
	if (t == NULL)
		return;
	for (size_t k = 0; k < t->index.cap; k++)
		if (t->index.slot[k]) {
			struct entry *e = t->index.val[k];
			free(e->stamp);
			free(e);
		}
	strset_release(&t->index);
	for (long k = 0; k < t->nold; k++)
		free(t->old[k]);
	free(t->old);
	free(t->added);
	if (t->spool) {
		stream_out_release(&t->out);
		fclose(t->spool);
	}
	if (t->lockfd >= 0)
		close(t->lockfd);
	free(t->path);
	free(t);
}
