#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bounds.h"
#include "collect.h"
#include "field.h"
#include "fileio.h"
#include "finished.h"
#include "jobstate.h"
#include "jsonw.h"
#include "num.h"
#include "profile_svg.h"
#include "rec.h"
#include "results.h"
#include "runread.h"
#include "stage.h"
#include "strset.h"
#include "tarball.h"
#include "xalloc.h"

const char *const collect_csv_cols[COLLECT_NCSV] = {
	"id", "state", "kind", "formula", "ion", "length", "energy_barrier", "barrier_backward",
	"converged", "walltime",
};

/* The energy of an image and whether it converged. */
static int
image_energy(const struct run_image *im, double *e, int *conv, const char **from)
{
	if (im->has_xml) {
		*e = im->xml.e0;
		*conv = im->xml.converged_electronic == 1 && im->xml.converged_ionic == 1;
		*from = "vasprun.xml";
		return 0;
	}
	if (im->has_out) {
		*e = im->out.e0;
		*conv = im->out.finished && im->out.converged_electronic != 0 && im->out.converged_ionic != 0;
		*from = "OUTCAR";
		return 0;
	}
	if (im->has_osz) {
		*e = im->osz.e0;
		*conv = -1;
		*from = "OSZICAR";
		return 0;
	}
	return -1;
}

static int
cmp_image(const void *a, const void *b)
{
	static const char *const order[] = { "start", "mid", "end" };
	const struct run_image *x = a, *y = b;
	int ix = 3, iy = 3;

	for (int k = 0; k < 3; k++) {
		if (strcmp(x->name, order[k]) == 0)
			ix = k;
		if (strcmp(y->name, order[k]) == 0)
			iy = k;
	}
	if (ix != iy)
		return ix - iy;
	return strcmp(x->name, y->name);
}

/* The images' energies, in image order. */
struct energies {
	double e[RUN_MAXIMG];	/* NAN where an image has none */
	int have;		/* images with an energy */
	int allconv;		/* every image has one, converged */
	double wall;		/* s, summed over the OUTCARs */
	json_t *list, *conv, *problems;
};

static void
energies_of(const struct run_files *j, struct energies *en)
{
	en->have = 0;
	en->allconv = 1;
	en->wall = 0;
	en->list = json_array();
	en->conv = json_array();
	en->problems = json_object();
	for (int k = 0; k < j->nimg; k++) {
		const struct run_image *im = &j->img[k];
		const char *from;
		int c;
		if (image_energy(im, &en->e[k], &c, &from) == 0 && !isfinite(en->e[k]))
			json_object_set_new(en->problems, im->name, json_sprintf("%s: the energy is not a number", from));
		else if (image_energy(im, &en->e[k], &c, &from) == 0) {
			en->have++;
			json_array_append_new(en->list, jsonw_real(en->e[k]));
			json_array_append_new(en->conv, c < 0 ? json_null() : json_boolean(c));
			if (c != 1)
				en->allconv = 0;
		} else {
			en->e[k] = NAN;
			json_array_append_new(en->list, json_null());
			json_array_append_new(en->conv, json_null());
			en->allconv = 0;
			if (json_object_get(en->problems, im->name) == NULL)
				json_object_set_new(en->problems, im->name, json_string(im->why ? im->why : "no output"));
		}
		if (isfinite(im->out.elapsed))
			en->wall += im->out.elapsed;
	}
}

/*
 * static3: the rough barrier max(E_mid - E_start, E_mid - E_end); neb: the
 * highest image's, forward and backward.
 */
static void
add_barriers(json_t *res, const char *kind, const double *e, int nimg)
{
	json_t *rel = json_array();
	int top = 0;

	for (int k = 0; k < nimg; k++) {
		json_array_append_new(rel, jsonw_real(e[k] - e[0]));
		if (e[k] > e[top])
			top = k;
	}
	json_object_set_new(res, "energies_relative", rel);
	if (kind && strcmp(kind, "static3") == 0 && nimg == 3) {
		double b = fmax(e[1] - e[0], e[1] - e[2]);
		json_object_set_new(res, "energy_barrier", jsonw_real(b));
	} else {
		json_object_set_new(res, "energy_barrier", jsonw_real(e[top] - e[0]));
		json_object_set_new(res, "barrier_forward", jsonw_real(e[top] - e[0]));
		json_object_set_new(res, "barrier_backward", jsonw_real(e[top] - e[nimg - 1]));
		json_object_set_new(res, "highest_image", json_integer(top));
	}
}

static void
suspect_because(json_t *res, const char *fmt, double v, double bound)
{
	json_t *list = json_object_get(res, "suspect");
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	struct sbuf why = SBUF_INIT;

	if (list == NULL)
		json_object_set_new(res, "suspect", list = json_array());
	sbuf_addf(&why, fmt, num_sig_digits(v, 4, a), num_sig_digits(bound, 4, b));
	json_array_append_new(list, json_string(why.s));
	sbuf_release(&why);
}

/* "suspect": why these numbers cannot be taken as results, when they cannot. */
static void
add_suspects(json_t *res, const double *e, int nimg, int complete, long natoms)
{
	const json_t *b = json_object_get(res, "energy_barrier");

	for (int k = 0; k < nimg; k++)
		if (isfinite(e[k]) && natoms > 0 && fabs(e[k] / (double)natoms) > HK_ENERGY_PER_ATOM_MAX) {
			suspect_because(res, "an energy of %s eV per atom (beyond +-%s eV per atom)",
			    e[k] / (double)natoms, HK_ENERGY_PER_ATOM_MAX);
			break;
		}
	if (!complete || !json_is_number(b))
		return;
	if (json_number_value(b) < HK_BARRIER_MIN)
		suspect_because(res, "a negative barrier, %s eV (below %s eV: the midpoint is lower than an endpoint)",
		    json_number_value(b), HK_BARRIER_MIN);
	if (json_number_value(b) > HK_BARRIER_MAX)
		suspect_because(res, "a barrier of %s eV (above %s eV)", json_number_value(b), HK_BARRIER_MAX);
}

/*
 * 1 (with the reason under problems) when the images are not the job's
 * whole set: static3's start, mid and end; an NEB's 00 ... N+1 with no
 * gap, N as the job record's nimages says.
 */
static int
layout_problem(const struct run_files *j, json_t *problems)
{
	const char *kind = json_string_value(json_object_get(j->rec, "kind"));
	const json_t *n = json_object_get(j->rec, "nimages");
	char want[16];

	if (kind && strcmp(kind, "static3") == 0 && j->nimg != 3) {
		json_object_set_new(problems, "images", json_sprintf("%d images; static3 has start, mid and end", j->nimg));
		return 1;
	}
	if (kind == NULL || strcmp(kind, "neb") != 0)
		return 0;
	if (json_is_integer(n) && json_integer_value(n) + 2 != j->nimg) {
		json_object_set_new(problems, "images", json_sprintf("%d image directories; an NEB of %lld images has %lld",
		    j->nimg, (long long)json_integer_value(n), (long long)json_integer_value(n) + 2));
		return 1;
	}
	for (int k = 0; k < j->nimg; k++) {
		snprintf(want, sizeof(want), "%02d", k);
		if (strcmp(j->img[k].name, want) != 0) {
			json_object_set_new(problems, "images", json_sprintf("no image directory %s", want));
			return 1;
		}
	}
	return 0;
}

/* The settings an image's energy was computed with, as its outputs echo them; NULL when none. */
static const struct vasp_settings *
settings_of(const struct run_image *im)
{
	if (im->has_out)
		return &im->out.set;
	if (im->has_xml)
		return &im->xml.set;
	return NULL;
}

/*
 * 1 (with the reason under problems) when two images' energies are not
 * comparable: computed with different ENCUT, NELECT, ISPIN, POTCARs or +U,
 * or with different KPOINTS files.
 */
static int
settings_problem(const struct run_files *j, json_t *problems)
{
	const struct run_image *ref = NULL, *kref = NULL;
	char buf[1200];

	for (int k = 0; k < j->nimg; k++) {
		const struct run_image *im = &j->img[k];
		const struct vasp_settings *a = ref ? settings_of(ref) : NULL, *b = settings_of(im);
		const char *d = a && b ? vasp_settings_differ(a, b, buf, sizeof(buf)) : NULL;
		if (d) {
			json_object_set_new(problems, "settings", json_sprintf("%s and %s differ: %s", ref->name, im->name, d));
			return 1;
		}
		if (kref && im->kpoints && strcmp(kref->kpoints, im->kpoints) != 0) {
			json_object_set_new(problems, "settings", json_sprintf("%s and %s differ: KPOINTS '%s' and '%s'",
			    kref->name, im->name, kref->kpoints, im->kpoints));
			return 1;
		}
		ref = ref ? ref : b ? im : NULL;
		kref = kref ? kref : im->kpoints ? im : NULL;
	}
	return 0;
}

static json_t *
image_names(const struct run_files *j)
{
	json_t *names = json_array();

	for (int k = 0; k < j->nimg; k++)
		json_array_append_new(names, json_string(j->img[k].name));
	return names;
}

static json_t *
result_of(struct run_files *j, const char *path)
{
	json_t *res = json_object(), *val;
	const char *kind = json_string_value(json_object_get(j->rec, "kind")), *key;
	struct energies en;
	int nimg, complete;

	qsort(j->img, (size_t)j->nimg, sizeof(j->img[0]), cmp_image);
	nimg = j->nimg;
	energies_of(j, &en);
	complete = en.have == nimg && (run_is_single(j) ? nimg == 1 : nimg >= 3);
	if (complete && layout_problem(j, en.problems))
		complete = 0;
	if (complete && settings_problem(j, en.problems))
		complete = -1;
	json_object_set(res, "id", json_object_get(j->rec, "id"));
	json_object_set_new(res, "state", json_string(complete > 0 ? "done" : complete < 0 ? "inconsistent" :
	    en.have ? "incomplete" : "no-output"));
	complete = complete > 0;
	json_object_set(res, "kind", json_object_get(j->rec, "kind"));
	json_object_set_new(res, "images", image_names(j));
	json_object_set_new(res, "energies", en.list);
	if (complete && !run_is_single(j))
		add_barriers(res, kind, en.e, nimg);
	json_object_set_new(res, "converged", json_boolean(complete && en.allconv));
	json_object_set_new(res, "converged_images", en.conv);
	if (nimg > 1)
		json_object_set_new(res, "endpoints_converged", json_boolean(
		    json_is_true(json_array_get(en.conv, 0)) && json_is_true(json_array_get(en.conv, (size_t)nimg - 1))));
	json_object_set_new(res, "walltime", jsonw_real(en.wall));
	add_suspects(res, en.e, nimg, complete, json_integer_value(json_object_get(j->rec, "natoms")));
	if (json_object_size(en.problems))
		json_object_set_new(res, "problems", en.problems);
	else
		json_decref(en.problems);
	json_object_foreach(j->rec, key, val)
		if (json_object_get(res, key) == NULL && strcmp(key, "closest") != 0 &&
		    strcmp(key, "dir") != 0 && strcmp(key, "archive") != 0)
			json_object_set(res, key, val);
	/* where the job is, last, so a job read from its archive differs only here */
	json_object_set_new(res, run_is_archive(path) ? "archive" : "dir", json_string(path));
	return res;
}

json_t *
collect_job(const char *path, const struct hk_limits *lim, struct hk_err *err)
{
	struct run_files *j = run_read(path, lim, err);
	json_t *res = NULL;

	/* what result_of reads of the job record, named when of the wrong type instead of taken as absent */
	if (j && field_check(j->rec, stage_fields("collect"), err) == -1)
		err_prefix(err, run_is_archive(path) ? "%s: job.json" : "%s/job.json", path);
	else if (j)
		res = result_of(j, path);

	run_files_free(j);
	return res;
}

static int
walk(const char *path, int depth, int (*job)(void *, const char *), int (*bad)(void *, const struct hk_err *),
    void *ctx, long found[2])
{
	struct hk_err e = HK_ERR_INIT;
	struct dirent **list = NULL;
	struct stat st;
	int n = 0, stop = 0;

	if (run_layout_of(path) != RUN_NONE)
		return ++found[0], job(ctx, path);
	if (stat(path, &st) == -1)
		err_set(&e, "%s: %s", path, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		err_set(&e, "%s: not a job directory or archive", path);
	else if (depth > 4)
		return 0;
	else if ((n = scandir(path, &list, NULL, alphasort)) < 0)
		err_set(&e, "%s: %s", path, strerror(errno));
	if (e.msg[0])
		return bad(ctx, &e);
	for (int i = 0; i < n; i++) {
		if (!stop && list[i]->d_name[0] != '.') {
			char *sub = xasprintf("%s/%s", path, list[i]->d_name);
			int there = stat(sub, &st) == 0;
			if (there && (S_ISDIR(st.st_mode) || run_is_archive(list[i]->d_name)))
				stop = walk(sub, depth + 1, job, bad, ctx, found);
			else if (there && S_ISREG(st.st_mode))
				found[1]++;
			free(sub);
		}
		free(list[i]);
	}
	free(list);
	return stop;
}

int
collect_walk(const char *path, int (*job)(void *, const char *), int (*bad)(void *, const struct hk_err *),
    void *ctx)
{
	struct hk_err e = HK_ERR_INIT;
	long found[2] = { 0, 0 };	/* runs, other files */
	int stop = walk(path, 0, job, bad, ctx, found);

	/* an empty tree (a study's calcs/ once all is archived) has nothing to report */
	if (stop == 0 && found[0] == 0 && found[1] > 0) {
		err_set(&e, "%s: no VASP run in it (no job.json, no NEB images 00 ... N+1, no OUTCAR, OSZICAR or "
		    "vasprun.xml)", path);
		bad(ctx, &e);	/* reported and counted, but the other paths are still read */
	}
	return stop;
}

static int
archived_already(const char *archive_dir, const char *id)
{
	char *p = tarball_path(archive_dir, id);
	struct stat st;
	int rc = stat(p, &st) == 0;

	free(p);
	return rc;
}

json_t *
collect_archive(json_t *res, const char *path, const char *archive_dir, int keep_large, struct hk_err *err)
{
	const char *id = json_string_value(json_object_get(res, "id"));
	const char *state = json_string_value(json_object_get(res, "state"));
	int again = archived_already(archive_dir, id);
	char *ar = NULL;

	if (json_object_get(res, "dir") == NULL || (!again && (state == NULL || strcmp(state, "done") != 0)))
		return res;
	if (tarball_pack(path, id, archive_dir, keep_large, &ar, err) == -1) {
		json_decref(res);
		return NULL;
	}
	if (again) {
		/* a run killed after archiving: finish removing, read the archive */
		json_decref(res);
		res = collect_job(ar, NULL, err);
	} else {
		json_object_del(res, "dir");
		json_object_set_new(res, "archive", json_string(ar));
	}
	free(ar);
	return res;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The label of histogram bin k: below 0, 0.1 eV wide, at and above 1. */
static void
bin_label(int k, char *label, size_t n)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ];

	if (k == 0)
		snprintf(label, n, "      < 0");
	else if (k == 11)
		snprintf(label, n, "    >= 1.0");
	else
		snprintf(label, n, "%s-%s", num_fixed((k - 1) * 0.1, 1, a), num_fixed(k * 0.1, 1, b));
}

void
collect_tally_add(struct collect_tally *t, const json_t *res)
{
	const json_t *b = json_object_get(res, "energy_barrier");

	t->taken++;
	if (json_is_number(b)) {
		t->barrier = xreallocarray(t->barrier, (size_t)t->nbar + 1, sizeof(double));
		t->barrier[t->nbar++] = json_number_value(b);
	}
}

int
collect_tally_skip(struct collect_tally *t, enum collect_skip why)
{
	if (why == COLLECT_UNFINISHED)
		t->unfinished++;
	else
		t->skipped++;
	return 0;
}

void
collect_tally_release(struct collect_tally *t)
{
	free(t->barrier);
	t->barrier = NULL;
}

void
collect_summary(struct collect_tally *t, struct sbuf *out)
{
	char lo[NUM_BUFSZ], mid[NUM_BUFSZ], hi[NUM_BUFSZ], label[32];
	long bins[12] = { 0 }, top = 1, n = t->nbar;
	double *b = t->barrier;

	sbuf_addf(out, "%ld jobs collected, %ld skipped, %ld bad; %ld barriers\n", t->taken,
	    t->skipped + t->unfinished, t->bad, n);
	if (n == 0)
		return;
	qsort(b, (size_t)n, sizeof(double), cmp_double);
	for (long k = 0; k < n; k++)
		bins[b[k] < 0 ? 0 : b[k] >= 1.0 ? 11 : 1 + (int)(b[k] / 0.1)]++;
	for (int k = 0; k < 12; k++)
		top = bins[k] > top ? bins[k] : top;
	for (int k = 0; k < 12; k++) {
		bin_label(k, label, sizeof(label));
		sbuf_addf(out, "%10s eV %6ld ", label, bins[k]);
		for (long x = 0; x < bins[k] * 50 / top; x++)
			sbuf_addc(out, '#');
		sbuf_addc(out, '\n');
	}
	sbuf_addf(out, "lowest %s eV, median %s eV, highest %s eV\n", num_fixed(b[0], 3, lo),
	    num_fixed(b[n / 2], 3, mid), num_fixed(b[n - 1], 3, hi));
}

int
collect_plot(const json_t *res, const char *dir, struct hk_err *err)
{
	const char *id = json_string_value(json_object_get(res, "id"));
	struct hk_err why = HK_ERR_INIT;
	struct sbuf svg = SBUF_INIT;
	int rc = 0;

	/* a job without a profile to draw (no energies yet) has no plot */
	if (id && profile_svg_render(res, &svg, &why) == 0) {
		char *path = xasprintf("%s/%s.svg", dir, id);
		if ((rc = file_write_atomic(path, svg.s, svg.len, err)) == -1)
			err_prefix(err, "%s", path);
		free(path);
	}
	sbuf_release(&svg);
	return rc;
}

/* What run-vasp says of the job: its state, attempts and last error, before where the job is. */
static void
add_run(json_t *res, const struct runs *runs, const char *id)
{
	const char *file = NULL, *where = json_object_get(res, "dir") ? "dir" : "archive";
	int st = runs_state(runs, id, &file);
	struct hk_err e = HK_ERR_INIT;
	json_t *rec, *loc;

	if (st < 0)
		return;
	loc = json_incref(json_object_get(res, where));
	json_object_del(res, where);
	json_object_set_new(res, "run_state", json_string(js_state_name((enum js_state)st)));
	if ((rec = js_load(file, &e)) != NULL) {
		json_t *v;
		if ((v = json_object_get(rec, "attempts")) != NULL)
			json_object_set(res, "attempts", v);
		if ((v = json_object_get(rec, "last_error")) != NULL)
			json_object_set(res, "last_error", v);
		json_decref(rec);
	}
	json_object_set_new(res, where, loc);
}

/* The stamp, just before where the job is (which it depends on). */
static void
add_stamp(json_t *res, const struct runs *runs, const char *id)
{
	const char *where = json_object_get(res, "dir") ? "dir" : "archive", *file = NULL;
	json_t *loc = json_incref(json_object_get(res, where));
	char *stamp;

	runs_state(runs, id, &file);
	stamp = job_stamp(json_string_value(loc), file);
	json_object_del(res, where);
	json_object_set_new(res, "stamp", json_string(stamp));
	json_object_set_new(res, where, loc);
	free(stamp);
}

/* A done job's directory when jobs are archived: it must be read to be packed. */
static int
waits_for_archive(const struct collector *c, const char *path, const char *id)
{
	int st = runs_state(c->runs, id, NULL);

	return c->archive_dir && !run_is_archive(path) && (st < 0 || st == JS_DONE);
}

json_t *
collector_job(const struct collector *c, const char *path, enum collect_skip *skip, struct hk_err *err)
{
	int only_finished = c->since || c->table || c->runs;
	const char *file = NULL, *old;
	char *id = NULL, *stamp = NULL;
	json_t *res = NULL;
	int fin = -1;

	*skip = COLLECT_TAKEN;
	if (only_finished && (id = job_id_peek(path, err)) == NULL)
		return NULL;
	if (id && c->since && strset_has(c->since, id))
		*skip = COLLECT_KNOWN;
	else if (id && (fin = runs_finished(c->runs, id, run_is_archive(path))) == 0)
		*skip = COLLECT_UNFINISHED;
	else if (id && c->table && !waits_for_archive(c, path, id) && (old = results_stamp(c->table, id)) != NULL) {
		runs_state(c->runs, id, &file);
		stamp = job_stamp(path, file);
		if (strcmp(stamp, old) == 0)
			*skip = COLLECT_UNCHANGED;
	}
	if (*skip == COLLECT_TAKEN && (res = collect_job(path, c->lim, err)) != NULL) {
		const char *state = json_string_value(json_object_get(res, "state"));
		/* by its outputs: a whole set of energies, comparable or not, is all there will be */
		if (only_finished && fin < 0 && strcmp(state, "done") != 0 && strcmp(state, "inconsistent") != 0) {
			*skip = COLLECT_UNFINISHED;
			json_decref(res);
			res = NULL;
		}
	}
	if (res && c->archive_dir)
		res = collect_archive(res, path, c->archive_dir, c->keep_large, err);
	if (res && c->runs)
		add_run(res, c->runs, json_string_value(json_object_get(res, "id")));
	if (res && c->table)
		add_stamp(res, c->runs, json_string_value(json_object_get(res, "id")));
	free(id);
	free(stamp);
	return res;
}
