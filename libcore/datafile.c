#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "datafile.h"
#include "elements.h"
#include "num.h"
#include "sbuf.h"
#include "strset.h"
#include "xalloc.h"

#ifndef HOPKIT_SHAREDIR
#define HOPKIT_SHAREDIR "/usr/local/share/hopkit"
#endif

/* Open dir/rel; its path goes to *path (caller frees) if path is not NULL. */
static FILE *
try_open(const char *dir, const char *rel, char **path)
{
	char *buf = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(buf, "r");

	if (f != NULL && path)
		*path = buf;
	else
		free(buf);
	return f;
}

/* The directory of the running program (caller frees), or NULL. */
static char *
self_dir(void)
{
	size_t cap = 256;
	char *exe = NULL, *slash;
	ssize_t len;

	/* readlink does not say how long the name is: grow until it fits */
	for (;;) {
		exe = xrealloc(exe, cap);
		if ((len = readlink("/proc/self/exe", exe, cap)) <= 0) {
			free(exe);
			return NULL;
		}
		if ((size_t)len < cap)
			break;
		cap *= 2;
	}
	exe[len] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL) {
		free(exe);
		return NULL;
	}
	*slash = '\0';
	return exe;
}

/* share/<rel> beside the program: bin/../share, or build/x/../../share. */
static FILE *
try_beside_self(const char *rel, char **path)
{
	/* bench and test programs live one level deeper, in build/ */
	static const char *const up[] = { "%s/../share", "%s/../../share" };
	char *exe = self_dir(), *dir;
	FILE *f = NULL;

	for (size_t i = 0; exe && f == NULL && i < sizeof(up) / sizeof(up[0]); i++) {
		dir = xasprintf(up[i], exe);
		f = try_open(dir, rel, path);
		free(dir);
	}
	free(exe);
	return f;
}

FILE *
datafile_open(const char *rel, char **path, struct hk_err *err)
{
	const char *env = getenv("HOPKIT_SHARE");
	FILE *f = NULL;

	if (path)
		*path = NULL;
	if (env && *env && (f = try_open(env, rel, path)) != NULL)
		return f;
	if ((f = try_beside_self(rel, path)) != NULL)
		return f;
	if ((f = try_open(HOPKIT_SHAREDIR, rel, path)) != NULL)
		return f;
	err_set(err, "data file %s not found (set HOPKIT_SHARE, or install hopkit)", rel);
	return NULL;
}

int
datafile_tsv(const char *rel, int ncol, datafile_row_fn fn, void *ctx, struct hk_err *err)
{
	char *path = NULL, *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int header = 1, rc = 0;
	FILE *f = datafile_open(rel, &path, err);

	if (f == NULL)
		return -1;
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		char *field[16], *p = line;
		int nf = 0;
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		while (nf < 16) {
			field[nf++] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (header) {
			header = 0;
			continue;
		}
		if (nf < ncol) {
			err_at(err, path, lineno, "want %d columns, found %d", ncol, nf);
			rc = -1;
			break;
		}
		rc = fn(ctx, field, nf, lineno);
		if (rc == -1)
			err_at(err, path, lineno, "bad value in row");
	}
	free(line);
	free(path);
	fclose(f);
	return rc;
}

void
datafile_issues_release(struct datafile_issues *is)
{
	free(is->v);
	is->v = NULL;
	is->n = 0;
}

/* A reader of one checked table. */
struct loader {
	const struct datafile_table *t;
	const char *path;
	struct strset keys;	/* the key of every good row, with its line */
	struct sbuf key;
	struct datafile_issues *issues;
};

/* The row at line is bad for the reason in why: into the issues. */
static void
issue_add(struct loader *ld, long line, const char *why)
{
	struct datafile_issues *is = ld->issues;

	is->v = xreallocarray(is->v, (size_t)is->n + 1, sizeof(*is->v));
	err_clear(&is->v[is->n]);
	err_at(&is->v[is->n++], ld->path, line, "%s; row not used", why);
}

/* The value of field f in column c into *v; 1 with why when it breaks the column's rule. */
static int
field_check(const struct datafile_col *c, const char *f, double *v, char *why, size_t n)
{
	long l;

	*v = 0;
	switch (c->kind) {
	case DF_TEXT:
		if (*f)
			return 0;
		snprintf(why, n, "%s is empty", c->name);
		return 1;
	case DF_ELEMENT:
		if ((*v = elem_z(f)) != 0)
			return 0;
		snprintf(why, n, "%s '%.40s' is not an element", c->name, f);
		return 1;
	case DF_INT:
		if (num_parse_long(f, LONG_MIN, LONG_MAX, &l) == -1) {
			snprintf(why, n, "%s '%.40s' is not an integer", c->name, f);
			return 1;
		}
		*v = (double)l;
		break;
	case DF_REAL:
		if (num_parse_double(f, v) == -1) {
			snprintf(why, n, "%s '%.40s' is not a finite number", c->name, f);
			return 1;
		}
		break;
	}
	if ((c->open_lo ? *v > c->lo : *v >= c->lo) && *v <= c->hi)
		return 0;
	snprintf(why, n, "%s %.40s is outside %c%g, %g]%s%s", c->name, f, c->open_lo ? '(' : '[', c->lo, c->hi,
	    c->why ? ": " : "", c->why ? c->why : "");
	return 1;
}

/* 1 with why when the row's key is a good row's before it; else the key is remembered. */
static int
key_check(struct loader *ld, char **field, long line, char *why, size_t n)
{
	void **slot;

	if (ld->t->key == 0)
		return 0;
	sbuf_reset(&ld->key);
	for (int k = 0; k < ld->t->ncol; k++)
		if (ld->t->key & (1u << k)) {
			sbuf_addstr(&ld->key, field[k]);
			sbuf_addc(&ld->key, '\t');
		}
	slot = strset_ref(&ld->keys, ld->key.s);
	if (*slot == NULL) {
		*slot = (void *)(intptr_t)line;
		return 0;
	}
	snprintf(why, n, "a second row for the key of line %ld", (long)(intptr_t)*slot);
	return 1;
}

/* Whether the row is good (val filled), or why not. */
static int
row_good(struct loader *ld, char **field, int nf, double *val, long line, char *why, size_t n)
{
	const struct datafile_table *t = ld->t;

	if (nf < t->ncol) {
		snprintf(why, n, "%d columns, want %d", nf, t->ncol);
		return 0;
	}
	for (int k = 0; k < t->ncol; k++)
		if (field_check(&t->col[k], field[k], &val[k], why, n))
			return 0;
	if (t->row_check && t->row_check(field, val, why, n))
		return 0;
	return !key_check(ld, field, line, why, n);
}

/* The header names the table's columns, in order. */
static int
header_good(const struct datafile_table *t, char **field, int nf)
{
	if (nf < t->ncol)
		return 0;
	for (int k = 0; k < t->ncol; k++)
		if (strcmp(field[k], t->col[k].name) != 0)
			return 0;
	return 1;
}

/* Split line at tabs into at most DATAFILE_MAXCOL fields; their number. */
static int
split_tabs(char *line, char **field)
{
	char *p = line;
	int nf = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (nf < DATAFILE_MAXCOL) {
		field[nf++] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	return nf;
}

/* The rows of f after its header: the good ones to fn; the number taken, or -1. */
static long
load_rows(struct loader *ld, FILE *f, datafile_take_fn fn, void *ctx, struct hk_err *err)
{
	char *line = NULL, *field[DATAFILE_MAXCOL], why[256];
	double val[DATAFILE_MAXCOL];
	size_t cap = 0;
	long lineno = 0, good = 0;
	int header = 1;

	while (getline(&line, &cap, f) > 0) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		int nf = split_tabs(line, field);
		if (header && !header_good(ld->t, field, nf)) {
			err_at(err, ld->path, lineno, "the header does not name the columns %s, ... (not the table expected)",
			    ld->t->col[0].name);
			good = -1;
			break;
		}
		if (header) {
			header = 0;
		} else if (!row_good(ld, field, nf, val, lineno, why, sizeof(why))) {
			issue_add(ld, lineno, why);
		} else if (fn(ctx, field, val, lineno) != 0) {
			err_at(err, ld->path, lineno, "row not taken");
			good = -1;
			break;
		} else {
			good++;
		}
	}
	free(line);
	return good;
}

int
datafile_load(const struct datafile_table *t, datafile_take_fn fn, void *ctx, struct datafile_issues *issues,
    struct hk_err *err)
{
	struct loader ld = { t, NULL, STRSET_INIT, SBUF_INIT, issues };
	char *path = NULL;
	FILE *f = datafile_open(t->rel, &path, err);
	long good;

	if (f == NULL)
		return -1;
	ld.path = path;
	good = load_rows(&ld, f, fn, ctx, err);
	if (ferror(f) && good >= 0) {
		err_at(err, path, 0, "read error");
		good = -1;
	}
	if (good == 0)
		err_at(err, path, 0, "no usable row");
	fclose(f);
	strset_release(&ld.keys);
	sbuf_release(&ld.key);
	free(path);
	return good > 0 ? 0 : -1;
}
