#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "field.h"
#include "ids.h"
#include "num.h"
#include "rec.h"
#include "xalloc.h"

struct id_file {
	struct strset *set;
	const char *path;
};

/* fn(ctx, record, line) for each record of the file; stops at the first bad line or fn's -1. */
static int
each_record(const char *path, int (*fn)(void *, const json_t *, long, struct hk_err *), void *ctx,
    struct hk_err *err)
{
	struct rec_reader *rd = rec_open(path, err);
	json_t *rec;
	int rc;

	if (rd == NULL)
		return -1;
	while ((rc = rec_next(rd, &rec, err)) == 1) {
		rc = fn(ctx, rec, rec_line(rd), err);
		json_decref(rec);
		if (rc == -1)
			break;
	}
	rec_close(rd);
	return rc;
}

/* A record without an id adds none; one whose id is not a string is an error, not skipped. */
static int
add_id(void *ctx, const json_t *rec, long line, struct hk_err *err)
{
	const struct id_file *f = ctx;
	const char *id = NULL;

	if (field_str(rec, "id", &id, err) == -1) {
		err_where(err, f->path, line);
		return -1;
	}
	if (id)
		strset_add(f->set, id);
	return 0;
}

int
ids_load(struct strset *set, const char *path, struct hk_err *err)
{
	struct id_file f = { set, path };

	return each_record(path, add_id, &f, err);
}

int
ids_load_if_present(struct strset *set, const char *path, struct hk_err *err)
{
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	return ids_load(set, path, err);
}

static int
add_score(struct scores *s, const char *path, long line, const char *id, double v, struct hk_err *err)
{
	if (!strset_put(&s->index, id, (void *)(long)(s->n + 1))) {
		err_at(err, path, line, "duplicate id '%s' in the scores", id);
		return -1;
	}
	s->val = xreallocarray(s->val, (size_t)s->n + 1, sizeof(double));
	s->val[s->n++] = v;
	return 0;
}

/* The columns of id and score in a CSV header; -1 when either is missing. */
static int
header_columns(char **fld, int nf, int *idc, int *sc)
{
	*idc = *sc = -1;
	for (int k = 0; k < nf; k++) {
		if (strcmp(fld[k], "id") == 0)
			*idc = k;
		if (strcmp(fld[k], "score") == 0)
			*sc = k;
	}
	return *idc < 0 || *sc < 0 ? -1 : 0;
}

/* One data line of a scores CSV file. */
static int
csv_score(struct scores *s, char *line, const char *path, long lineno, int idc, int sc, struct hk_err *err)
{
	char *fld[64];
	int nf = csv_split(line, fld, 64);
	double v;

	if (nf <= idc || nf <= sc) {
		err_at(err, path, lineno, "too few columns");
		return -1;
	}
	if (num_parse_double(fld[sc], &v) == -1) {
		err_at(err, path, lineno, "score '%s' is not a number", fld[sc]);
		return -1;
	}
	return add_score(s, path, lineno, fld[idc], v, err);
}

static int
scores_csv(struct scores *s, FILE *f, const char *path, struct hk_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int idc = -1, sc = -1, rc = 0;

	while (rc == 0 && getline(&line, &cap, f) > 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (idc >= 0) {
			rc = csv_score(s, line, path, lineno, idc, sc, err);
			continue;
		}
		char *fld[64];
		if (header_columns(fld, csv_split(line, fld, 64), &idc, &sc) == -1) {
			err_at(err, path, 1, "want a header with id and score columns");
			rc = -1;
		}
	}
	if (rc == 0 && ferror(f)) {
		err_at(err, path, lineno, "read error");
		rc = -1;
	}
	free(line);
	return rc;
}

struct score_file {
	struct scores *s;
	const char *path;
};

static int
record_score(void *ctx, const json_t *rec, long line, struct hk_err *err)
{
	struct score_file *sf = ctx;
	const char *id = NULL;
	double v;
	int hi = field_str(rec, "id", &id, err), hs = hi == -1 ? -1 : field_num(rec, "score", &v, err);

	if (hi == -1 || hs == -1) {
		err_where(err, sf->path, line);
		return -1;
	}
	if (hi == 0 || hs == 0) {
		err_at(err, sf->path, line, "want \"id\" and a numeric \"score\"");
		return -1;
	}
	return add_score(sf->s, sf->path, line, id, v, err);
}

int
scores_load(struct scores *s, const char *path, struct hk_err *err)
{
	size_t n = strlen(path);
	FILE *f;
	int rc;

	if (n <= 4 || strcmp(path + n - 4, ".csv") != 0)
		return each_record(path, record_score, &(struct score_file){ s, path }, err);
	if ((f = fopen(path, "r")) == NULL) {
		err_at(err, path, 0, "cannot open");
		return -1;
	}
	rc = scores_csv(s, f, path, err);
	fclose(f);
	return rc;
}

int
scores_get(const struct scores *s, const char *id, double *v)
{
	long k = (long)strset_get(&s->index, id);

	if (k == 0)
		return 0;
	*v = s->val[k - 1];
	return 1;
}

void
scores_release(struct scores *s)
{
	strset_release(&s->index);
	free(s->val);
	s->val = NULL;
	s->n = 0;
}
