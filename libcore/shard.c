#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "jsonw.h"
#include "shard.h"
#include "strset.h"
#include "xalloc.h"

const char *
shard_key(const json_t *rec)
{
	const json_t *k = json_object_get(rec, "structure_id");

	if (k == NULL)
		k = json_object_get(rec, "id");
	return json_string_value(k);
}

int
shard_of(const char *key, int n)
{
	return (int)(hash_fnv1a_from(FNV_BASIS, key, strlen(key)) % (unsigned)n);
}

char *
shard_path(const char *dir, const char *what, int k)
{
	return xasprintf("%s/%s.%03d.jsonl", dir, what, k);
}

/* Part k's temporary name while split writes it. */
static char *
split_tmp(const struct shard_split *sp, int k)
{
	return xasprintf("%s/in.%03d.jsonl.tmp.%ld", sp->dir, k, (long)getpid());
}

int
shard_split_begin(struct shard_split *sp, const char *dir, int n, struct hk_err *err)
{
	memset(sp, 0, sizeof(*sp));
	sp->dir = xstrdup(dir);
	sp->n = n;
	sp->f = xcalloc((size_t)n, sizeof(*sp->f));
	for (int k = 0; k < n; k++) {
		char *tmp = split_tmp(sp, k);
		sp->f[k] = fopen(tmp, "w");
		if (sp->f[k] == NULL)
			err_set(err, "%s: %s", tmp, strerror(errno));
		free(tmp);
		if (sp->f[k] == NULL)
			return -1;
	}
	return 0;
}

/* Is key's structure one whose records came before another's?  Notes it as seen. */
static int
come_back(struct shard_split *sp, const char *key)
{
	if (sp->last && strcmp(sp->last, key) == 0)
		return 0;
	free(sp->last);
	sp->last = xstrdup(key);
	return strset_add(&sp->seen, key) == 0;
}

int
shard_split_take(void *ctx, struct stream_item *it)
{
	struct shard_split *sp = ctx;

	for (int i = 0; i < it->n; i++) {
		const char *key = shard_key(it->rec[i]);
		if (key == NULL) {
			err_set(&it->err, "record has no structure_id or id (a string) to cut the table by");
			return STREAM_BAD;
		}
		if (come_back(sp, key)) {
			err_set(&it->err, "structure '%s' again after other structures' records: a table is cut "
			    "into parts only when each structure's records are together", key);
			return STREAM_BAD;
		}
		int k = shard_of(key, sp->n);
		if (jsonw_line(sp->f[k], it->rec[i], &sp->line, &it->err) == -1) {
			err_prefix(&it->err, "%s/in.%03d.jsonl", sp->dir, k);
			return STREAM_FATAL;
		}
	}
	return STREAM_OK;
}

/* Part k written out and put in place, unless the one there is the same. */
static int
place_part(struct shard_split *sp, int k, int *changed, struct hk_err *err)
{
	char *tmp = split_tmp(sp, k), *dst = shard_path(sp->dir, "in", k);
	FILE *f = sp->f[k];
	int rc = 0;

	sp->f[k] = NULL;
	/* on disk before its name: a part that is there is never a torn one */
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		err_set(err, "%s: %s", dst, strerror(errno));
		rc = -1;
	}
	if (fclose(f) != 0 && rc == 0) {
		err_set(err, "%s: %s", dst, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && file_same(tmp, dst)) {
		unlink(tmp);
	} else if (rc == 0 && rename(tmp, dst) != 0) {
		err_set(err, "%s: %s", dst, strerror(errno));
		rc = -1;
	} else if (rc == 0) {
		(*changed)++;
	}
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	free(dst);
	return rc;
}

int
shard_split_finish(struct shard_split *sp, int *changed, struct hk_err *err)
{
	int rc = 0;

	*changed = 0;
	for (int k = 0; k < sp->n && rc == 0; k++)
		rc = place_part(sp, k, changed, err);
	return rc;
}

void
shard_split_release(struct shard_split *sp)
{
	for (int k = 0; sp->f && k < sp->n; k++) {
		if (sp->f[k] == NULL)
			continue;
		char *tmp = split_tmp(sp, k);
		fclose(sp->f[k]);
		unlink(tmp);
		free(tmp);
	}
	free(sp->f);
	free(sp->dir);
	free(sp->last);
	sbuf_release(&sp->line);
	strset_release(&sp->seen);
	memset(sp, 0, sizeof(*sp));
}

/* One part's output, read a record ahead. */
struct shard_part {
	struct rec_reader *r;
	struct sbuf text;	/* the record read ahead */
	char *key;		/* its structure; NULL at the end */
	long line;
};

/* The part's next record into p->text and p->key (NULL at its end); -1 on a bad one. */
static int
part_next(struct shard_part *p, struct hk_err *err)
{
	json_t *rec = NULL;
	const char *t;
	size_t n;
	int rc;

	free(p->key);
	p->key = NULL;
	if ((rc = rec_next(p->r, &rec, err)) <= 0)
		return rc;
	p->line = rec_line(p->r);
	if (shard_key(rec) == NULL) {
		err_at(err, p->r->name, p->line, "record has no structure_id or id (a string)");
		json_decref(rec);
		return -1;
	}
	p->key = xstrdup(shard_key(rec));
	t = rec_text(p->r, &n);
	sbuf_reset(&p->text);
	sbuf_add(&p->text, t, n);
	sbuf_addc(&p->text, '\n');
	json_decref(rec);
	return 1;
}

int
shard_join_begin(struct shard_join *j, char *const *parts, int n, FILE *out, struct hk_err *err)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->p = xcalloc((size_t)n, sizeof(*j->p));
	for (int k = 0; k < n; k++) {
		if ((j->p[k].r = rec_open(parts[k], err)) == NULL)
			return -1;
		j->n = k + 1;
		if (part_next(&j->p[k], err) == -1)
			return -1;
	}
	return 0;
}

int
shard_join_take(void *ctx, struct stream_item *it)
{
	struct shard_join *j = ctx;
	const char *key = shard_key(it->rec[0]);
	struct shard_part *p;

	if (key == NULL) {
		err_set(&it->err, "record has no structure_id or id (a string)");
		return STREAM_BAD;
	}
	if (j->last && strcmp(j->last, key) == 0)
		return STREAM_OK;
	free(j->last);
	j->last = xstrdup(key);
	p = &j->p[shard_of(key, j->n)];
	while (p->key && strcmp(p->key, key) == 0) {
		if (fwrite(p->text.s, 1, p->text.len, j->out) != p->text.len) {
			err_set(&it->err, "write error: %s", strerror(errno));
			return STREAM_FATAL;
		}
		j->lines++;
		if (part_next(p, &it->err) == -1)
			return STREAM_FATAL;
	}
	return STREAM_OK;
}

int
shard_join_finish(struct shard_join *j, struct hk_err *err)
{
	for (int k = 0; k < j->n; k++) {
		struct shard_part *p = &j->p[k];
		if (p->key) {
			err_at(err, p->r->name, p->line,
			    "a record of structure '%s', which the input does not have here (a part of another table?)",
			    p->key);
			return -1;
		}
	}
	return 0;
}

void
shard_join_release(struct shard_join *j)
{
	for (int k = 0; k < j->n; k++) {
		rec_close(j->p[k].r);
		sbuf_release(&j->p[k].text);
		free(j->p[k].key);
	}
	free(j->p);
	free(j->last);
	memset(j, 0, sizeof(*j));
}
