#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rec.h"
#include "runread.h"
#include "sbuf.h"
#include "source.h"
#include "tarball.h"
#include "xalloc.h"

/* The output files read: OSZICAR, OUTCAR, vasprun.xml, as indices of run_image.step. */
enum output { OUT_OSZICAR, OUT_OUTCAR, OUT_VASPRUN, OUT_NONE };

/* A run being read: the files, and why job.json could not be read. */
struct reading {
	struct run_files *r;
	char *err;
	int too_many;		/* images beyond RUN_MAXIMG */
	struct archive *a;	/* the archive being read, and its account */
	struct hk_guard g;
};

void
run_files_free(struct run_files *r)
{
	if (r == NULL)
		return;
	for (int k = 0; k < r->nimg; k++) {
		free(r->img[k].name);
		free(r->img[k].why);
		free(r->img[k].kpoints);
	}
	json_decref(r->rec);
	free(r);
}

static int
ends_with(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);

	return n >= m && strcmp(s + n - m, t) == 0;
}

int
run_is_archive(const char *path)
{
	return ends_with(path, ".tar.gz") || ends_with(path, ".tgz");
}

static struct run_image *
image_of(struct reading *rd, const char *name)
{
	struct run_files *r = rd->r;

	for (int k = 0; k < r->nimg; k++)
		if (strcmp(r->img[k].name, name) == 0)
			return &r->img[k];
	if (r->nimg == RUN_MAXIMG) {
		rd->too_many = 1;
		return NULL;
	}
	struct run_image *im = &r->img[r->nimg++];
	memset(im, 0, sizeof(*im));
	im->name = xstrdup(name);
	for (int k = 0; k < 3; k++)
		im->step[k] = -1;
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

/*
 * Which output a file is, by its name without ".gz": OSZICAR, OUTCAR or
 * vasprun.xml, or custodian's OUTCAR.relax2 (*step 2; else 0).
 */
static enum output
output_of(const char *file, int *step)
{
	static const char *const names[] = { "OSZICAR", "OUTCAR", "vasprun.xml" };
	size_t fl = strlen(file);

	if (fl > 3 && strcmp(file + fl - 3, ".gz") == 0)
		fl -= 3;
	for (int k = 0; k < 3; k++) {
		size_t nl = strlen(names[k]), d = nl + 6;
		if (fl < nl || strncmp(file, names[k], nl) != 0)
			continue;
		*step = 0;
		if (fl == nl)
			return (enum output)k;
		if (fl > d && d + 4 >= fl && strncmp(file + nl, ".relax", 6) == 0 && strspn(file + d, "0123456789") == fl - d) {
			*step = 0;
			for (size_t i = d; i < fl; i++)
				*step = *step * 10 + (file[i] - '0');
			return (enum output)k;
		}
	}
	return OUT_NONE;
}

static void
take_job_json(struct reading *rd, linerd_pull pull, void *ctx, const char *label)
{
	struct hk_err e = HK_ERR_INIT;
	struct sbuf t = SBUF_INIT;
	char buf[65536];
	ssize_t got;

	while ((got = pull(ctx, buf, sizeof(buf))) > 0)
		sbuf_add(&t, buf, (size_t)got);
	json_decref(rd->r->rec);
	rd->r->rec = t.s ? rec_parse(t.s, t.len, label, 1, &e) : NULL;
	if (rd->r->rec == NULL) {
		struct sbuf msg = SBUF_INIT;
		sbuf_addf(&msg, "%s: %s", label, t.s ? e.msg : "empty job.json");
		free(rd->err);
		rd->err = sbuf_detach(&msg);
	}
	sbuf_release(&t);
}

/*
 * Parse one output file of an image, gzip'd or not, unless a later
 * custodian step of it was read; each problem is added to the image's why.
 */
static void
take_output(struct reading *rd, struct run_image *im, enum output which, int step, linerd_pull pull, void *ctx,
    const char *label)
{
	struct vasp_run *run[] = { &im->osz, &im->out, &im->xml };
	int *has[] = { &im->has_osz, &im->has_out, &im->has_xml };
	struct src_gunzip *g;
	struct hk_err e = HK_ERR_INIT;
	int ok;

	if (step < im->step[which])
		return;
	im->step[which] = step;
	vasp_run_init(run[which]);
	g = src_gunzip_open(pull, ctx);
	src_gunzip_limit(g, rd->g.lim->ratio);
	if (which == OUT_OSZICAR)
		ok = oszicar_parse(src_gunzip_pull, g, label, run[which], &e) == 0;
	else if (which == OUT_OUTCAR)
		ok = outcar_parse(src_gunzip_pull, g, label, run[which], &e) == 0;
	else
		ok = vasprun_parse(src_gunzip_pull, g, label, run[which], &e) == 0;
	/* a decompression bomb makes the whole run unreadable */
	if (src_gunzip_error(g, label, &e) && rd->g.over == LIM_OK)
		rd->g.over = LIM_RATIO;
	src_gunzip_close(g);
	*has[which] = ok;
	if (e.msg[0]) {
		/* large enough for every field of e: nothing is cut */
		char b[sizeof(e.msg) + sizeof(e.file) + 64];
		char *was = im->why;
		err_format(&e, b, sizeof(b));
		im->why = was ? xasprintf("%s; %s", was, b) : xstrdup(b);
		free(was);
	}
}

/* An image's KPOINTS, to compare with the others': the comment line goes, blanks are squeezed. */
static void
take_kpoints(struct run_image *im, linerd_pull pull, void *ctx)
{
	struct sbuf t = SBUF_INIT, k = SBUF_INIT;
	char buf[4096];
	ssize_t got;

	while ((got = pull(ctx, buf, sizeof(buf))) > 0 && t.len < 65536)
		sbuf_add(&t, buf, (size_t)got);
	const char *p = t.s ? strchr(t.s, '\n') : NULL;
	for (p = p ? p + 1 : ""; *p; p++)
		if (!(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') || (k.len && k.s[k.len - 1] != ' '))
			sbuf_addc(&k, *p == '\t' || *p == '\r' || *p == '\n' ? ' ' : *p);
	while (k.len && k.s[k.len - 1] == ' ')
		k.s[--k.len] = '\0';
	free(im->kpoints);
	im->kpoints = k.s ? sbuf_detach(&k) : xstrdup("");
	sbuf_release(&t);
}

/*
 * One member of a run: job.json, or IMAGE/FILE (an image directory is an
 * image whatever it holds), or for a plain run ./FILE.
 */
static void
take_member(struct reading *rd, const char *rel, linerd_pull pull, void *ctx, const char *label)
{
	const char *slash = strchr(rel, '/');
	struct run_image *im;
	enum output which;
	int step;
	char *img;

	if (strcmp(rel, "job.json") == 0) {
		take_job_json(rd, pull, ctx, label);
		return;
	}
	if (slash == NULL || strchr(slash + 1, '/'))
		return;
	img = xstrndup(rel, (size_t)(slash - rel));
	which = output_of(slash + 1, &step);
	if ((image_name_ok(img) || strcmp(img, ".") == 0) && (im = image_of(rd, img)) != NULL) {
		if (which != OUT_NONE)
			take_output(rd, im, which, step, pull, ctx, label);
		else if (strcmp(slash + 1, "KPOINTS") == 0)
			take_kpoints(im, pull, ctx);
	}
	free(img);
}

static ssize_t
file_pull(void *ctx, void *buf, size_t n)
{
	return read(*(int *)ctx, buf, n);
}

static void
take_file(struct reading *rd, const char *rel, const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	take_member(rd, rel, file_pull, &fd, path);
	close(fd);
}

/* The regular files of directory path, as members name/FILE; the image exists even if empty. */
static void
read_image_dir(struct reading *rd, const char *path, const char *name)
{
	struct dirent **sub = NULL;
	int m = scandir(path, &sub, NULL, alphasort);

	if (strcmp(name, ".") != 0)
		image_of(rd, name);
	for (int k = 0; k < m; k++) {
		const char *d = sub[k]->d_name;
		char *fp = xasprintf("%s/%s", path, d), *rel = xasprintf("%s/%s", name, d);
		struct stat st;
		if (d[0] != '.' && stat(fp, &st) == 0 && S_ISREG(st.st_mode))
			take_file(rd, rel, fp);
		free(fp);
		free(rel);
		free(sub[k]);
	}
	free(sub);
}

static int
read_dir(struct reading *rd, const char *dir, struct hk_err *err)
{
	struct dirent **top = NULL;
	int n = scandir(dir, &top, NULL, alphasort), step;

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
				take_file(rd, "job.json", path);
			else if (S_ISDIR(st.st_mode) && image_name_ok(d))
				read_image_dir(rd, path, d);
			else if (S_ISREG(st.st_mode) && output_of(d, &step) != OUT_NONE) {
				char *rel = xasprintf("./%s", d);
				take_file(rd, rel, path);
				free(rel);
			}
		}
		free(path);
		free(top[i]);
	}
	free(top);
	return 0;
}

/* A member's bytes, within the archive's limits. */
static ssize_t
ar_pull(void *ctx, void *buf, size_t n)
{
	struct reading *rd = ctx;
	la_ssize_t got = rd->g.over ? -1 : archive_read_data(rd->a, buf, n);

	if (got > 0 && limits_bytes(&rd->g, (long)got, (long)archive_filter_bytes(rd->a, -1)) == -1)
		return -1;
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

/* 1 if the path's first component names an image directory. */
static int
first_is_image(const char *m)
{
	char *first = xstrndup(m, strcspn(m, "/"));
	int rc = image_name_ok(first);

	free(first);
	return rc;
}

/* Members are <id>/REL or REL, maybe behind "./". */
static void
take_archive_member(struct reading *rd, const char *path, const char *m)
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
	if (slash && rel == m && !strchr(slash + 1, '/') && !first_is_image(m)) {
		/* <id>/FILE: the job directory's own file, a relaxation's output */
		char *top = xasprintf("./%s", slash + 1);
		take_member(rd, top, ar_pull, rd, label.s);
		free(top);
	} else
		take_member(rd, rel, ar_pull, rd, label.s);
	sbuf_release(&label);
}

static int
read_archive(struct reading *rd, const char *path, struct hk_err *err)
{
	struct archive *a = tarball_open_read(path, err);
	struct archive_entry *ae;
	int r, rc = 0;

	if (a == NULL)
		return -1;
	rd->a = a;
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *m = archive_entry_pathname(ae);
		if (limits_member(&rd->g, archive_entry_size_is_set(ae) ? (long)archive_entry_size(ae) : -1) == 0 &&
		    m != NULL && unsafe_name(m)) {
			err_set(err, "%s: member '%s' leaves the archive's tree: refused", path, m);
			rc = -1;
			break;
		}
		if (rd->g.over == LIM_OK && m != NULL && archive_entry_filetype(ae) == AE_IFREG)
			take_archive_member(rd, path, m);
		if (rd->g.over != LIM_OK) {
			/* a job is one piece: a member past a limit makes it unreadable */
			struct hk_err why = HK_ERR_INIT;
			limits_error(&rd->g, path, m, &why);
			err_set(err, "%s: %s", why.file, why.msg);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		err_set(err, "%s: %s", path, archive_error_string(a) ? archive_error_string(a) : "unreadable archive");
		rc = -1;
	}
	archive_read_free(a);
	rd->a = NULL;
	return rc;
}

static int
is_dir(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	int rc = stat(p, &st) == 0 && S_ISDIR(st.st_mode);

	free(p);
	return rc;
}

/* An output file (OUTCAR, OSZICAR, vasprun.xml, maybe gzip'd or a custodian step) in dir. */
static int
has_output(const char *dir)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort), found = 0, step;

	for (int k = 0; k < n; k++) {
		char *p = xasprintf("%s/%s", dir, list[k]->d_name);
		struct stat st;
		if (!found && output_of(list[k]->d_name, &step) != OUT_NONE && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			found = 1;
		free(p);
		free(list[k]);
	}
	free(list);
	return found;
}

enum run_layout
run_layout_of(const char *path)
{
	struct stat st;
	char *p;
	int job;

	if (run_is_archive(path))
		return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? RUN_ARCHIVE : RUN_NONE;
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
		return RUN_NONE;
	p = xasprintf("%s/job.json", path);
	job = stat(p, &st) == 0;
	free(p);
	if (job)
		return RUN_JOB;
	/* VTST: the endpoints and at least one image between them */
	if (is_dir(path, "00") && is_dir(path, "01") && is_dir(path, "02"))
		return RUN_NEB;
	return has_output(path) ? RUN_PLAIN : RUN_NONE;
}

char *
run_id_of_path(const char *path)
{
	struct sbuf id = SBUF_INIT;
	const char *p = path;

	for (;;) {
		if (strncmp(p, "./", 2) == 0)
			p += 2;
		else if (strncmp(p, "../", 3) == 0)
			p += 3;
		else if (*p == '/')
			p++;
		else
			break;
	}
	for (; *p && id.len < 200; p++) {
		int ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '-';
		if (*p == '/' && p[1] == '\0')
			break;
		sbuf_addc(&id, *p == '/' ? '.' : ok ? *p : '_');
	}
	if (id.len == 0)
		sbuf_addstr(&id, "run");
	return sbuf_detach(&id);
}

/* relax, static or md, as the run's INCAR (read back in its outputs) says; run when unknown. */
static const char *
plain_kind(const struct run_image *im)
{
	const struct vasp_run *v = im->has_xml ? &im->xml : &im->out;

	if (!im->has_xml && !im->has_out)
		return "run";
	if (v->nsw >= 0 && v->nsw <= 1)
		return "static";
	if (v->ibrion == 0)
		return "md";
	return v->nsw > 1 ? "relax" : "run";
}

/* 1 if the run's calculation is in its own directory (image "."): a relaxation, a plain run. */
int
run_is_single(const struct run_files *r)
{
	const char *kind = json_string_value(json_object_get(r->rec, "kind"));

	return r->layout == RUN_PLAIN || (kind && strcmp(kind, "relax") == 0);
}

/*
 * A job's own directory holds its result only for a single calculation;
 * otherwise its results are in the image directories (VTST writes none at
 * the top), and the other way round.
 */
static void
keep_images_of_kind(struct run_files *r)
{
	int single, n = 0;

	if (r->rec == NULL)
		return;
	single = run_is_single(r);
	for (int k = 0; k < r->nimg; k++) {
		struct run_image *im = &r->img[k];
		if ((strcmp(im->name, ".") == 0) == single)
			r->img[n++] = *im;
		else {
			free(im->name);
			free(im->why);
			free(im->kpoints);
		}
	}
	r->nimg = n;
}

/* The job record of a run that has none. */
static json_t *
made_up_record(const struct run_files *r, const char *path)
{
	char *id = run_id_of_path(path);
	json_t *rec = json_pack("{s:s}", "id", id);

	free(id);
	if (r->layout == RUN_NEB) {
		json_object_set_new(rec, "kind", json_string("neb"));
		json_object_set_new(rec, "nimages", json_integer(r->nimg - 2));
	} else
		json_object_set_new(rec, "kind", json_string(r->nimg ? plain_kind(&r->img[0]) : "run"));
	return rec;
}

struct run_files *
run_read(const char *path, const struct hk_limits *lim, struct hk_err *err)
{
	struct reading rd = { .r = xcalloc(1, sizeof(struct run_files)), .g.lim = lim ? lim : limits_default() };
	int rc;

	rd.r->layout = run_layout_of(path);
	if (rd.r->layout == RUN_ARCHIVE)
		rc = read_archive(&rd, path, err);
	else if (rd.r->layout == RUN_PLAIN)
		rc = (read_image_dir(&rd, path, "."), 0);
	else
		rc = read_dir(&rd, path, err);
	if (rc == 0 && rd.g.over != LIM_OK) {
		struct hk_err why = HK_ERR_INIT;
		limits_error(&rd.g, path, NULL, &why);
		err_set(err, "%s: %s", why.file, why.msg);
		rc = -1;
	}
	if (rc == 0 && rd.too_many) {
		err_set(err, "%s: more than %d images", path, RUN_MAXIMG);
		rc = -1;
	}
	if (rc == 0 && rd.r->rec == NULL && (rd.r->layout == RUN_NEB || rd.r->layout == RUN_PLAIN))
		rd.r->rec = made_up_record(rd.r, path);
	if (rc == 0)
		keep_images_of_kind(rd.r);
	if (rc == 0 && rd.r->rec == NULL) {
		if (rd.err)
			err_set(err, "%s", rd.err);
		else
			err_set(err, "%s: no VASP run (no job.json, no NEB images 00 ... N+1, no OUTCAR, OSZICAR or vasprun.xml)",
			    path);
		rc = -1;
	}
	if (rc == 0 && rec_id(rd.r->rec, err) == NULL) {
		err_prefix(err, "%s: job.json", path);
		rc = -1;
	}
	free(rd.err);
	if (rc == -1) {
		run_files_free(rd.r);
		return NULL;
	}
	return rd.r;
}
