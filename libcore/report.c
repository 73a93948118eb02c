#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "field.h"
#include "jobcause.h"
#include "html.h"
#include "jobstate.h"
#include "num.h"
#include "rec.h"
#include "stage.h"
#include "report.h"
#include "report_page.h"
#include "strset.h"
#include "xalloc.h"

/* The stage tables of the funnel, in order, and what the page calls them. */
static const char *const stage_file[RP_NSTAGES] = { "structures.jsonl", "paths.jsonl", "measured.jsonl",
	"queue.jsonl", "jobs.jsonl" };

static void
bad_at(struct rp_study *st, const char *file, long line, const char *fmt, const char *what)
{
	struct hk_err e = HK_ERR_INIT;

	err_at(&e, file, line, fmt, what);
	st->nbad++;
	if (st->o->bad)
		st->o->bad(st->o->ctx, &e);
}

/* Lines of path (-1 when it does not exist): the records of a stage table, without parsing them. */
static long
count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[1 << 16];
	size_t n;
	long lines = 0;
	int last = '\n';

	if (f == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		last = buf[n - 1];
	}
	fclose(f);
	return lines + (last != '\n');
}

static int
exists(const char *path, int dir)
{
	struct stat s;

	return stat(path, &s) == 0 && (dir ? S_ISDIR(s.st_mode) : S_ISREG(s.st_mode));
}

/* Tier A (jobs/, results.jsonl, plots/), then each tier X with jobs-X/ or results-X.jsonl. */
static void
find_tiers(struct rp_study *st)
{
	for (char c = 'A'; c <= 'Z' && st->ntiers < RP_MAXTIERS; c++) {
		struct rp_tier *t = &st->tier[st->ntiers];
		memset(t, 0, sizeof(*t));
		t->label[0] = c;
		t->state_name = c == 'A' ? xstrdup("jobs") : xasprintf("jobs-%c", c);
		t->results_name = c == 'A' ? xstrdup("results.jsonl") : xasprintf("results-%c.jsonl", c);
		t->plots_name = c == 'A' ? xstrdup("plots") : xasprintf("plots-%c", c);
		char *sd = xasprintf("%s/%s", st->o->dir, t->state_name);
		char *rf = xasprintf("%s/%s", st->o->dir, t->results_name);
		t->has_state = exists(sd, 1);
		t->has_results = exists(rf, 0);
		free(sd);
		free(rf);
		if (t->has_state || t->has_results || c == 'A')
			st->ntiers++;
		else
			rp_tier_release(t);
	}
}

/* Count a finished job on its day (UTC). */
static void
add_day(struct rp_study *st, double ended, int failed)
{
	long d = (long)floor(ended / 86400), lo = 0, hi = st->ndays;

	while (lo < hi) {
		long m = (lo + hi) / 2;
		if (st->days[m].day < d)
			lo = m + 1;
		else
			hi = m;
	}
	if (lo == st->ndays || st->days[lo].day != d) {
		st->days = xreallocarray(st->days, (size_t)st->ndays + 1, sizeof(*st->days));
		memmove(st->days + lo + 1, st->days + lo, (size_t)(st->ndays - lo) * sizeof(*st->days));
		st->days[lo] = (struct rp_day){ d, 0, 0 };
		st->ndays++;
	}
	if (failed)
		st->days[lo].failed++;
	else
		st->days[lo].done++;
}

static void
add_failure(struct rp_tier *t, const char *cls, const char *id)
{
	void **slot = strset_ref(&t->fail, cls);
	struct rp_group *g = *slot;

	if (g == NULL)
		*slot = g = xcalloc(1, sizeof(*g));
	if (g->n < RP_GROUP_IDS)
		g->ids[g->n] = xstrdup(id);
	g->n++;
	t->nfailed_classified++;
}

/* The corrections a job's file records, counted by the error they fixed. */
static void
add_corrections(struct rp_tier *t, const json_t *rec)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(rec, "corrections"), i, c) {
		const char *k = json_string_value(json_object_get(c, "error"));
		void **slot = strset_ref(&t->corr, k ? k : "?");
		*slot = (void *)((intptr_t)*slot + 1);
	}
}

/* One state file: its content's times, failure class and corrections. */
static void
one_state_file(struct rp_study *st, struct rp_tier *t, enum js_state s, const char *path, const char *name)
{
	json_error_t je;
	json_t *rec = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	struct hk_err e = HK_ERR_INIT;
	const json_t *ended;
	char *id;

	if (rec == NULL || !json_is_object(rec)) {
		bad_at(st, path, rec ? 1 : je.line, "%s", rec ? "not a JSON object" : je.text);
		json_decref(rec);
		return;
	}
	if (field_check(rec, stage_fields("state"), &e) == -1) {
		bad_at(st, path, 0, "%s", e.msg);
		json_decref(rec);
		return;
	}
	if (s == JS_ACTIVE) {
		const char *state = json_string_value(json_object_get(rec, "state"));
		t->running += state && strcmp(state, "running") == 0;
	}
	ended = json_object_get(rec, "ended");
	if ((s == JS_DONE || s == JS_FAILED) && json_is_number(ended) && isfinite(json_number_value(ended)))
		add_day(st, json_number_value(ended), s == JS_FAILED);
	if (s == JS_FAILED) {
		const char *cls = jc_failed_class(rec);
		id = js_id_of(name, s);
		add_failure(t, cls ? cls : JC_UNKNOWN, id);
		free(id);
	}
	add_corrections(t, rec);
	json_decref(rec);
}

/* A tier's state directory: the count per state (a file's directory is its state) and each file's content. */
static void
read_state(struct rp_study *st, struct rp_tier *t)
{
	char *root = xasprintf("%s/%s", st->o->dir, t->state_name);

	for (int s = 0; s < JS_NSTATES; s++) {
		char **names;
		int n;
		if (js_list(root, s, &names, &n) == -1)
			continue;
		t->n[s] = n;
		for (int i = 0; i < n; i++) {
			char *path = js_path(root, s, names[i]);
			one_state_file(st, t, s, path, names[i]);
			free(path);
			free(names[i]);
		}
		free(names);
	}
	free(root);
}

static double
number(const json_t *v)
{
	return json_is_number(v) && isfinite(json_number_value(v)) ? json_number_value(v) : NAN;
}

/* The row of id, new (no barriers yet) when it has none. */
static struct rp_row *
row_of(struct rp_study *st, const char *id)
{
	void **slot = strset_ref(&st->ids, id);
	struct rp_row *r;

	if (*slot)
		return &st->rows[(intptr_t)*slot - 1];
	if ((size_t)st->nrows == st->caprows) {
		st->caprows = st->caprows ? 2 * st->caprows : 1024;
		st->rows = xreallocarray(st->rows, st->caprows, sizeof(*st->rows));
	}
	r = &st->rows[st->nrows++];
	*slot = (void *)(intptr_t)st->nrows;
	memset(r, 0, sizeof(*r));
	r->id = xstrdup(id);
	r->length = r->cheap = NAN;
	for (int t = 0; t < RP_MAXTIERS; t++)
		r->barrier[t] = NAN;
	return r;
}

static int
plot_exists(const struct rp_study *st, const struct rp_tier *t, const char *id)
{
	char *p = xasprintf("%s/%s/%s.svg", st->o->dir, t->plots_name, id);
	int ok = exists(p, 0);

	free(p);
	return ok;
}

/*
 * The structure of the job in dir (its record's "dir", absolute or relative
 * to the study): the first of POSCAR, 00/POSCAR (an NEB's start),
 * start/POSCAR (static3) that exists, relative to the study; NULL when dir
 * is outside the study or none exists.
 */
static char *
structure_of(const struct rp_study *st, const char *dir)
{
	static const char *const sub[] = { "POSCAR", "00/POSCAR", "start/POSCAR" };
	size_t n = strlen(st->name);

	if (dir[0] == '/') {
		if (strncmp(dir, st->name, n) != 0 || dir[n] != '/')
			return NULL;
		dir += n + 1;
	}
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		char *p = xasprintf("%s/%s/%s", st->o->dir, dir, sub[i]);
		int ok = exists(p, 0);
		free(p);
		if (ok)
			return xasprintf("%s/%s", dir, sub[i]);
	}
	return NULL;
}

/* One result record of tier k: a hop's row (relaxations have none), and a failure when no state directory says so. */
static void
one_result(struct rp_study *st, int k, const json_t *rec, const char *file, long line)
{
	struct rp_tier *t = &st->tier[k];
	const char *id = json_string_value(json_object_get(rec, "id"));
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	const char *formula = json_string_value(json_object_get(rec, "formula"));
	struct hk_err e = HK_ERR_INIT;
	struct rp_row *r;

	if (field_check(rec, stage_fields("report"), &e) == -1) {
		if (id && rec_id_valid(id))
			err_prefix(&e, "record %s", id);
		bad_at(st, file, line, "%s", e.msg);
		return;
	}
	if (id == NULL) {
		bad_at(st, file, line, "%s", "no \"id\" string");
		return;
	}
	t->nresults++;
	if (!t->has_state && jc_failed_class(rec))
		add_failure(t, jc_failed_class(rec), id);
	if (kind && strcmp(kind, "relax") == 0)
		return;
	r = row_of(st, id);
	if (r->formula == NULL && formula)
		r->formula = xstrdup(formula);
	if (isnan(r->length))
		r->length = number(json_object_get(rec, "length"));
	if (isnan(r->cheap))
		r->cheap = number(rec_get_path(rec, "measures.bvse_barrier"));
	r->barrier[k] = number(json_object_get(rec, "energy_barrier"));
	if (r->structure == NULL && json_is_string(json_object_get(rec, "dir")))
		r->structure = structure_of(st, json_string_value(json_object_get(rec, "dir")));
	if (plot_exists(st, t, id))
		r->plots |= 1u << k;
}

static int
read_results(struct rp_study *st, int k, struct hk_err *err)
{
	char *path = xasprintf("%s/%s", st->o->dir, st->tier[k].results_name);
	struct rec_reader *rd = rec_open(path, err);
	json_t *rec;
	int rc;

	free(path);
	if (rd == NULL)
		return -1;
	while ((rc = rec_next(rd, &rec, err)) != 0) {
		if (rc == -1) {
			st->nbad++;
			if (st->o->bad)
				st->o->bad(st->o->ctx, err);
			if (rec_failed(rd))
				break;
			continue;
		}
		one_result(st, k, rec, rd->name, rec_line(rd));
		json_decref(rec);
	}
	rec_close(rd);
	return 0;
}

/* The best barrier known of a row: the highest tier's that has one. */
double
rp_best(const struct rp_study *st, const struct rp_row *r)
{
	for (int t = st->ntiers - 1; t >= 0; t--)
		if (!isnan(r->barrier[t]))
			return r->barrier[t];
	return NAN;
}

/* Lowest best barrier first, rows without one last, then by id: the default ranking. */
static int
by_best(const void *a, const void *b)
{
	const struct rp_row *x = a, *y = b;

	if (isnan(x->best) != isnan(y->best))
		return isnan(x->best) ? 1 : -1;
	if (!isnan(x->best) && x->best != y->best)
		return x->best < y->best ? -1 : 1;
	return strcmp(x->id, y->id);
}

void
rp_tier_release(struct rp_tier *t)
{
	for (size_t i = 0; i < t->fail.cap; i++) {
		struct rp_group *g = t->fail.val ? t->fail.val[i] : NULL;
		if (g == NULL)
			continue;
		for (long k = 0; k < g->n && k < RP_GROUP_IDS; k++)
			free(g->ids[k]);
		free(g);
	}
	strset_release(&t->fail);
	strset_release(&t->corr);
	free(t->state_name);
	free(t->results_name);
	free(t->plots_name);
}

static void
study_release(struct rp_study *st)
{
	for (int t = 0; t < st->ntiers; t++)
		rp_tier_release(&st->tier[t]);
	for (long i = 0; i < st->nrows; i++) {
		free(st->rows[i].id);
		free(st->rows[i].formula);
		free(st->rows[i].structure);
	}
	free(st->rows);
	free(st->days);
	strset_release(&st->ids);
	free(st->name);
}

long
report_write(FILE *out, const struct report_opts *o, struct hk_err *err)
{
	struct rp_study st = { .o = o };
	long rc = -1;

	if (!exists(o->dir, 1)) {
		err_set(err, "%s: not a directory", o->dir);
		return -1;
	}
	if ((st.name = realpath(o->dir, NULL)) == NULL)
		st.name = xstrdup(o->dir);
	for (int s = 0; s < RP_NSTAGES; s++) {
		char *p = xasprintf("%s/%s", o->dir, stage_file[s]);
		st.stage[s] = count_lines(p);
		free(p);
	}
	find_tiers(&st);
	for (int k = 0; k < st.ntiers; k++) {
		if (st.tier[k].has_state)
			read_state(&st, &st.tier[k]);
		if (st.tier[k].has_results && read_results(&st, k, err) == -1)
			goto out;
	}
	for (long i = 0; i < st.nrows; i++)
		st.rows[i].best = rp_best(&st, &st.rows[i]);
	if (st.nrows > 1)	/* rows is NULL in a study with no result yet */
		qsort(st.rows, (size_t)st.nrows, sizeof(*st.rows), by_best);
	if (rp_page_write(out, &st, err) == 0)
		rc = st.nbad;
out:
	study_release(&st);
	return rc;
}

/* An absolute, resolved path of dir (the caller frees it), NULL with err. */
static char *
resolved(const char *dir, struct hk_err *err)
{
	char *p = realpath(dir, NULL);

	if (p == NULL)
		err_set(err, "%s: %s", dir, strerror(errno));
	return p;
}

char *
report_base(const char *page_path, const char *dir, struct hk_err *err)
{
	const char *slash = strrchr(page_path, '/');
	char *pdir = slash ? xstrndup(page_path, (size_t)(slash - page_path) + (slash == page_path)) : xstrdup(".");
	char *from = resolved(pdir, err), *to = from ? resolved(dir, err) : NULL;
	struct sbuf b = SBUF_INIT;
	size_t common = 0;

	free(pdir);
	if (to == NULL) {
		free(from);
		return NULL;
	}
	/* the longest common prefix that ends at a component boundary */
	for (size_t i = 0;; i++) {
		int endf = from[i] == '\0' || from[i] == '/', endt = to[i] == '\0' || to[i] == '/';
		if (endf && endt)
			common = i;
		if (from[i] != to[i] || from[i] == '\0')
			break;
	}
	for (const char *p = from + common; *p && strcmp(from, "/") != 0; p++)
		if (*p == '/')
			sbuf_addstr(&b, "../");
	if (to[common] == '/')
		sbuf_addstr(&b, to + common + 1), sbuf_addc(&b, '/');
	free(from);
	free(to);
	return b.s ? sbuf_detach(&b) : xstrdup("");
}
