#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect.h"
#include "fileio.h"
#include "finished.h"
#include "jobstate.h"
#include "jsonw.h"
#include "num.h"
#include "profile_svg.h"
#include "rec.h"
#include "results.h"
#include "source.h"
#include "strset.h"
#include "tarball.h"
#include "vasp_out.h"
#include "xalloc.h"

const char *const collect_csv_cols[COLLECT_NCSV] = {
	"id", "state", "kind", "formula", "ion", "length", "energy_barrier", "barrier_backward",
	"converged", "walltime",
};

/* Images read per job; more are ignored. */
#define MAXIMG 100

/* What one image's files gave. */
struct image {
	char *name;		/* "start", "mid", "end", "00" ... */
	struct vasp_run osz, out, xml;
	int has_osz, has_out, has_xml;
	char *why;		/* the first problem reading its files, or NULL */
};

struct job {
	json_t *rec;		/* job.json */
	struct image img[MAXIMG];
	int nimg;
	char *err;		/* why job.json could not be read, or NULL */
};

/* The output files read, by name without ".gz". */
enum output { OUT_NONE, OUT_OSZICAR, OUT_OUTCAR, OUT_VASPRUN };

static void
job_free(struct job *j)
{
	for (int k = 0; k < j->nimg; k++) {
		free(j->img[k].name);
		free(j->img[k].why);
	}
	json_decref(j->rec);
	free(j->err);
	free(j);
}

static int
ends_with(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);

	return n >= m && strcmp(s + n - m, t) == 0;
}

static int
is_archive(const char *path)
{
	return ends_with(path, ".tar.gz") || ends_with(path, ".tgz");
}

static struct image *
image_of(struct job *j, const char *name)
{
	for (int k = 0; k < j->nimg; k++)
		if (strcmp(j->img[k].name, name) == 0)
			return &j->img[k];
	if (j->nimg == MAXIMG)
		return NULL;
	struct image *im = &j->img[j->nimg++];
	memset(im, 0, sizeof(*im));
	im->name = xstrdup(name);
	vasp_run_init(&im->osz);
	vasp_run_init(&im->out);
	vasp_run_init(&im->xml);
	return im;
}

static int
image_name_ok(const char *s)
{
	if (strcmp(s, "start") == 0 || strcmp(s, "mid") == 0 || strcmp(s, "end") == 0)
		return 1;
	return strlen(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9';
}

static enum output
output_of(const char *file)
{
	static const char *const names[] = { "OSZICAR", "OUTCAR", "vasprun.xml" };
	size_t fl = strlen(file);

	if (fl > 3 && strcmp(file + fl - 3, ".gz") == 0)
		fl -= 3;
	for (int k = 0; k < 3; k++)
		if (strlen(names[k]) == fl && strncmp(file, names[k], fl) == 0)
			return (enum output)(OUT_OSZICAR + k);
	return OUT_NONE;
}

static void
take_job_json(struct job *j, linerd_pull pull, void *ctx, const char *label)
{
	struct hk_err e = HK_ERR_INIT;
	struct sbuf t = SBUF_INIT;
	char buf[65536];
	ssize_t got;

	while ((got = pull(ctx, buf, sizeof(buf))) > 0)
		sbuf_add(&t, buf, (size_t)got);
	json_decref(j->rec);
	j->rec = t.s ? rec_parse(t.s, t.len, label, 1, &e) : NULL;
	if (j->rec == NULL) {
		struct sbuf msg = SBUF_INIT;
		sbuf_addf(&msg, "%s: %s", label, t.s ? e.msg : "empty job.json");
		free(j->err);
		j->err = sbuf_detach(&msg);
	}
	sbuf_release(&t);
}

/* Parse one output file of an image, gzip'd or not; its first problem is the image's why. */
static void
take_output(struct image *im, enum output which, linerd_pull pull, void *ctx, const char *label)
{
	struct src_gunzip *g = src_gunzip_open(pull, ctx);
	struct hk_err e = HK_ERR_INIT;

	if (which == OUT_OSZICAR)
		im->has_osz = oszicar_parse(src_gunzip_pull, g, label, &im->osz, &e) == 0;
	else if (which == OUT_OUTCAR)
		im->has_out = outcar_parse(src_gunzip_pull, g, label, &im->out, &e) == 0;
	else
		im->has_xml = vasprun_parse(src_gunzip_pull, g, label, &im->xml, &e) == 0;
	src_gunzip_close(g);
	if (e.msg[0] && im->why == NULL) {
		/* large enough for every field of e: nothing is cut */
		char b[sizeof(e.msg) + sizeof(e.file) + 64];
		err_format(&e, b, sizeof(b));
		im->why = xstrdup(b);
	}
}

/* One member of a job: job.json or IMAGE/FILE; anything else is ignored. */
static void
take_member(struct job *j, const char *rel, linerd_pull pull, void *ctx, const char *label)
{
	const char *slash = strchr(rel, '/');
	struct image *im;
	enum output which;
	char *img;

	if (strcmp(rel, "job.json") == 0) {
		take_job_json(j, pull, ctx, label);
		return;
	}
	if (slash == NULL || strchr(slash + 1, '/'))
		return;
	img = xstrndup(rel, (size_t)(slash - rel));
	which = output_of(slash + 1);
	if (image_name_ok(img) && which != OUT_NONE && (im = image_of(j, img)) != NULL)
		take_output(im, which, pull, ctx, label);
	free(img);
}

static ssize_t
file_pull(void *ctx, void *buf, size_t n)
{
	return read(*(int *)ctx, buf, n);
}

static void
take_file(struct job *j, const char *rel, const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	take_member(j, rel, file_pull, &fd, path);
	close(fd);
}

/* The regular files of image directory path, as members name/FILE. */
static void
read_image_dir(struct job *j, const char *path, const char *name)
{
	struct dirent **sub = NULL;
	int m = scandir(path, &sub, NULL, alphasort);

	for (int k = 0; k < m; k++) {
		const char *d = sub[k]->d_name;
		char *fp = xasprintf("%s/%s", path, d), *rel = xasprintf("%s/%s", name, d);
		struct stat st;
		if (d[0] != '.' && stat(fp, &st) == 0 && S_ISREG(st.st_mode))
			take_file(j, rel, fp);
		free(fp);
		free(rel);
		free(sub[k]);
	}
	free(sub);
}

static int
read_dir(struct job *j, const char *dir, struct hk_err *err)
{
	struct dirent **top = NULL;
	int n = scandir(dir, &top, NULL, alphasort);

	if (n < 0) {
		err_set(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *d = top[i]->d_name;
		char *path = xasprintf("%s/%s", dir, d);
		struct stat st;
		if (strlen(d) <= 100 && d[0] != '.' && stat(path, &st) == 0) {
			if (S_ISREG(st.st_mode) && strcmp(d, "job.json") == 0)
				take_file(j, "job.json", path);
			else if (S_ISDIR(st.st_mode) && image_name_ok(d))
				read_image_dir(j, path, d);
		}
		free(path);
		free(top[i]);
	}
	free(top);
	return 0;
}

static ssize_t
ar_pull(void *ctx, void *buf, size_t n)
{
	la_ssize_t got = archive_read_data(ctx, buf, n);

	return got < 0 ? -1 : (ssize_t)got;
}

/* A member name that would escape the archive's own tree. */
static int
unsafe_name(const char *m)
{
	if (m[0] == '/')
		return 1;
	for (const char *p = m; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
		if (strncmp(p, "../", 3) == 0 || strcmp(p, "..") == 0)
			return 1;
	return 0;
}

/* Members are <id>/REL or REL, maybe behind "./". */
static void
take_archive_member(struct job *j, struct archive *a, const char *path, const char *m)
{
	struct sbuf label = SBUF_INIT;
	const char *rel, *slash;

	while (m[0] == '.' && m[1] == '/')
		m += 2;
	rel = m;
	slash = strchr(m, '/');
	if (slash && (strcmp(slash + 1, "job.json") == 0 || strchr(slash + 1, '/')))
		rel = slash + 1;
	sbuf_addf(&label, "%s:%s", path, m);
	take_member(j, rel, ar_pull, a, label.s);
	sbuf_release(&label);
}

static int
read_archive(struct job *j, const char *path, struct hk_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	int r, rc = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		err_set(err, "%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *m = archive_entry_pathname(ae);
		if (m == NULL)
			continue;
		if (unsafe_name(m)) {
			err_set(err, "%s: member '%s' leaves the archive's tree: refused", path, m);
			rc = -1;
			break;
		}
		if (archive_entry_filetype(ae) == AE_IFREG)
			take_archive_member(j, a, path, m);
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		err_set(err, "%s: %s", path, archive_error_string(a) ? archive_error_string(a) : "unreadable archive");
		rc = -1;
	}
	archive_read_free(a);
	return rc;
}

int
collect_is_job(const char *path)
{
	struct stat st;
	char *p;
	int rc;

	if (is_archive(path))
		return stat(path, &st) == 0 && S_ISREG(st.st_mode);
	p = xasprintf("%s/job.json", path);
	rc = stat(p, &st) == 0;
	free(p);
	return rc;
}

/* The energy of an image and whether it converged. */
static int
image_energy(const struct image *im, double *e, int *conv, const char **from)
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
	const struct image *x = a, *y = b;
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
	double e[MAXIMG];	/* NAN where an image has none */
	int have;		/* images with an energy */
	int allconv;		/* every image has one, converged */
	double wall;		/* s, summed over the OUTCARs */
	json_t *list, *conv, *problems;
};

static void
energies_of(const struct job *j, struct energies *en)
{
	en->have = 0;
	en->allconv = 1;
	en->wall = 0;
	en->list = json_array();
	en->conv = json_array();
	en->problems = json_object();
	for (int k = 0; k < j->nimg; k++) {
		const struct image *im = &j->img[k];
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

/*
 * Bounds beyond which a number is no result.  DFT total energies of ionic
 * solids are a few eV per atom (PBE: -2 to -12 eV/atom across the corpus's
 * elements with their semicore POTCARs); 100 eV/atom is only reached by
 * a calculation that went wrong.  A static3 barrier is a difference of
 * unrelaxed energies and may dip a little below zero by numerical noise;
 * -0.05 eV is beyond that noise.  No ion migration barrier is above 20 eV.
 */
#define ENERGY_PER_ATOM_MAX 100.0
#define BARRIER_MIN (-0.05)
#define BARRIER_MAX 20.0

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
		if (isfinite(e[k]) && natoms > 0 && fabs(e[k] / (double)natoms) > ENERGY_PER_ATOM_MAX) {
			suspect_because(res, "an energy of %s eV per atom (beyond +-%s eV per atom)",
			    e[k] / (double)natoms, ENERGY_PER_ATOM_MAX);
			break;
		}
	if (!complete || !json_is_number(b))
		return;
	if (json_number_value(b) < BARRIER_MIN)
		suspect_because(res, "a negative barrier, %s eV (below %s eV: the midpoint is lower than an endpoint)",
		    json_number_value(b), BARRIER_MIN);
	if (json_number_value(b) > BARRIER_MAX)
		suspect_because(res, "a barrier of %s eV (above %s eV)", json_number_value(b), BARRIER_MAX);
}

static json_t *
image_names(const struct job *j)
{
	json_t *names = json_array();

	for (int k = 0; k < j->nimg; k++)
		json_array_append_new(names, json_string(j->img[k].name));
	return names;
}

static json_t *
result_of(struct job *j, const char *path)
{
	json_t *res = json_object(), *val;
	const char *kind = json_string_value(json_object_get(j->rec, "kind")), *key;
	struct energies en;
	int nimg, complete;

	qsort(j->img, (size_t)j->nimg, sizeof(j->img[0]), cmp_image);
	nimg = j->nimg;
	energies_of(j, &en);
	complete = nimg >= 3 && en.have == nimg;
	json_object_set(res, "id", json_object_get(j->rec, "id"));
	json_object_set_new(res, "state", json_string(complete ? "done" : en.have ? "incomplete" : "no-output"));
	json_object_set(res, "kind", json_object_get(j->rec, "kind"));
	json_object_set_new(res, "images", image_names(j));
	json_object_set_new(res, "energies", en.list);
	if (complete)
		add_barriers(res, kind, en.e, nimg);
	json_object_set_new(res, "converged", json_boolean(complete && en.allconv));
	json_object_set_new(res, "converged_images", en.conv);
	if (nimg > 0)
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
	json_object_set_new(res, is_archive(path) ? "archive" : "dir", json_string(path));
	return res;
}

json_t *
collect_job(const char *path, struct hk_err *err)
{
	struct job *j = xcalloc(1, sizeof(*j));
	json_t *res = NULL;
	int rc;

	rc = is_archive(path) ? read_archive(j, path, err) : read_dir(j, path, err);
	if (rc == 0 && j->rec == NULL) {
		if (j->err)
			err_set(err, "%s", j->err);
		else
			err_set(err, "%s: no job.json (not a make-neb job)", path);
		rc = -1;
	}
	if (rc == 0 && rec_id(j->rec, err) == NULL) {
		err_prefix(err, "%s: job.json", path);
		rc = -1;
	}
	if (rc == 0)
		res = result_of(j, path);
	job_free(j);
	return res;
}

static int
archive_name(const char *name)
{
	return ends_with(name, ".tar.gz") || ends_with(name, ".tgz");
}

static int
walk(const char *path, int depth, int (*job)(void *, const char *), int (*bad)(void *, const struct hk_err *),
    void *ctx)
{
	struct hk_err e = HK_ERR_INIT;
	struct dirent **list = NULL;
	struct stat st;
	int n = 0, stop = 0;

	if (collect_is_job(path))
		return job(ctx, path);
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
			if (stat(sub, &st) == 0 && (S_ISDIR(st.st_mode) || archive_name(list[i]->d_name)))
				stop = walk(sub, depth + 1, job, bad, ctx);
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
	return walk(path, 0, job, bad, ctx);
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
		res = collect_job(ar, err);
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

	return c->archive_dir && !is_archive(path) && (st < 0 || st == JS_DONE);
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
	else if (id && (fin = runs_finished(c->runs, id, is_archive(path))) == 0)
		*skip = COLLECT_UNFINISHED;
	else if (id && c->table && !waits_for_archive(c, path, id) && (old = results_stamp(c->table, id)) != NULL) {
		runs_state(c->runs, id, &file);
		stamp = job_stamp(path, file);
		if (strcmp(stamp, old) == 0)
			*skip = COLLECT_UNCHANGED;
	}
	if (*skip == COLLECT_TAKEN && (res = collect_job(path, err)) != NULL) {
		const char *state = json_string_value(json_object_get(res, "state"));
		if (only_finished && fin < 0 && strcmp(state, "done") != 0) {
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
