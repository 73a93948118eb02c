#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "endpoints.h"
#include "field.h"
#include "fileio.h"
#include "hklimits.h"
#include "idpp.h"
#include "neb.h"
#include "nebjob.h"
#include "nebprep.h"
#include "poscar.h"
#include "rec.h"
#include "restart.h"
#include "runread.h"
#include "sbuf.h"
#include "stage.h"
#include "tarball.h"
#include "xalloc.h"

/* The files of a parent that a preparation uses. */
enum { PF_CONTCAR, PF_OUTCAR, PF_OSZICAR, PF_N };
static const char *const pf_name[PF_N] = { "CONTCAR", "OUTCAR", "OSZICAR" };

struct parent_files {
	struct sbuf f[PF_N];
	int have[PF_N];
	char *restart[RESTART_N];	/* its WAVECAR, CHGCAR when asked for and there */
};

static void
parent_files_release(struct parent_files *pf)
{
	for (int k = 0; k < PF_N; k++)
		sbuf_release(&pf->f[k]);
	restart_release(pf->restart);
}

int
nebprep_is_prepared(const char *dir)
{
	char *m = xasprintf("%s/%s", dir, NEBPREP_MARKER);
	struct stat st;
	int rc = stat(m, &st) == 0;

	free(m);
	return rc;
}

/* Which parent file a member is: NAME or ID/NAME (behind "./"), not a file of an image. */
static int
member_file(const char *m)
{
	const char *slash;

	while (m[0] == '.' && m[1] == '/')
		m += 2;
	if ((slash = strchr(m, '/')) != NULL && strchr(slash + 1, '/') == NULL)
		m = slash + 1;
	for (int k = 0; k < PF_N; k++)
		if (strcmp(m, pf_name[k]) == 0)
			return k;
	return -1;
}

/* -1 on a read error, or when the member passes a limit of g's (g->over says). */
static int
read_member(struct archive *a, struct hk_guard *g, struct sbuf *out)
{
	char buf[65536];
	la_ssize_t got;

	while ((got = archive_read_data(a, buf, sizeof(buf))) > 0) {
		if (limits_bytes(g, (long)got, (long)archive_filter_bytes(a, -1)) == -1)
			return -1;
		sbuf_add(out, buf, (size_t)got);
	}
	return got < 0 ? -1 : 0;
}

static int
read_archive(const char *path, struct parent_files *pf, struct hk_err *err)
{
	struct archive *a = tarball_open_read(path, err);
	struct archive_entry *ae;
	struct hk_guard g = { .lim = limits_default() };
	int r, rc = 0;

	if (a == NULL)
		return -1;
	while (rc == 0 && (r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *m = archive_entry_pathname(ae);
		int k = m && archive_entry_filetype(ae) == AE_IFREG ? member_file(m) : -1;
		limits_member(&g, archive_entry_size_is_set(ae) ? (long)archive_entry_size(ae) : -1);
		if (g.over == LIM_OK && (k < 0 || pf->have[k]))
			continue;
		if (g.over != LIM_OK || read_member(a, &g, &pf->f[k]) == -1) {
			struct hk_err why = HK_ERR_INIT;
			if (g.over != LIM_OK) {
				limits_error(&g, path, m, &why);
				err_set(err, "%s: %s", why.file, why.msg);
			} else
				err_set(err, "%s:%s: %s", path, m, archive_error_string(a));
			rc = -1;
			break;
		}
		pf->have[k] = 1;
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		err_set(err, "%s: %s", path, archive_error_string(a) ? archive_error_string(a) : "unreadable archive");
		rc = -1;
	}
	archive_read_free(a);
	return rc;
}

static int
read_parent(const char *path, int reuse, struct parent_files *pf, struct hk_err *err)
{
	memset(pf, 0, sizeof(*pf));
	if (reuse)
		restart_find(path, pf->restart);
	if (run_is_archive(path)) {
		if (read_archive(path, pf, err) == -1)
			return -1;
	} else {
		for (int k = 0; k < PF_N; k++) {
			char *p = xasprintf("%s/%s", path, pf_name[k]);
			pf->have[k] = file_read(p, &pf->f[k]) == 0;
			free(p);
		}
	}
	for (int k = 0; k < PF_OSZICAR; k++)
		if (!pf->have[k] || pf->f[k].len == 0) {
			err_set(err, "%s: no %s (is the relaxation done?)", path, pf_name[k]);
			return -1;
		}
	return 0;
}

static int
take_cell(void *ctx, struct structure *s, const struct hk_err *e, int code)
{
	(void)e, (void)code;
	if (s)
		cell_copy(ctx, &s->cell);
	return 0;
}

/* The relaxed structure of a parent, as its CONTCAR has it. */
static int
relaxed_cell(const char *path, const struct sbuf *contcar, struct cell *c, struct hk_err *err)
{
	char *name = xasprintf("%s/CONTCAR", path);
	int rc = poscar_read(contcar->s, contcar->len, name, NULL, 0, take_cell, c, err);

	if (rc == 0 && c->n == 0) {
		err_set(err, "%s: no structure", name);
		rc = -1;
	}
	free(name);
	return rc;
}

/* The map of endpoint side ("start", "end") and its parent's id. */
static int
side_map(const json_t *job, const char *side, int k, struct vacmap *m, struct hk_err *err)
{
	const json_t *j = json_object_get(json_object_get(job, "endpoint_maps"), side);
	const char *want = json_string_value(json_array_get(json_object_get(job, "parents"), (size_t)k));
	const char *has = json_string_value(json_object_get(j, "parent"));

	if (j == NULL || want == NULL || has == NULL || strcmp(want, has) != 0) {
		err_set(err, "job record has no endpoint map of its %s from parent %s", side, want ? want : "(none)");
		return -1;
	}
	if (vacmap_from_json(j, m, err) == -1) {
		err_prefix(err, "endpoint_maps.%s", side);
		return -1;
	}
	return 0;
}

/* Endpoint k of the hop: the relaxed parent carried onto the unrelaxed endpoint near. */
static int
mapped_endpoint(const json_t *job, int k, const char *parent, const struct parent_files *pf,
    const struct cell *near, struct cell *out, struct hk_err *err)
{
	static const char *const side[2] = { "start", "end" };
	struct vacmap m = VACMAP_INIT;
	struct cell relaxed = CELL_INIT;
	int rc = -1;

	if (side_map(job, side[k], k, &m, err) == -1 || relaxed_cell(parent, &pf->f[PF_CONTCAR], &relaxed, err) == -1)
		goto out;
	if ((rc = vacmap_apply(&m, &relaxed, near, out, err)) == -1)
		err_prefix(err, "%s/CONTCAR", parent);
out:
	vacmap_release(&m);
	cell_release(&relaxed);
	return rc;
}

static int
interpolate(const json_t *job, struct neb_path *ends, struct cell *img, int nimg, struct hk_err *err)
{
	const char *how = json_string_value(json_object_get(job, "interpolation"));
	struct idpp_opts o;
	struct idpp_result r;

	neb_linear(ends, nimg - 2, img);
	if (how == NULL || strcmp(how, "linear") == 0)
		return 0;
	idpp_opts_init(&o);
	o.ftol = 1e-5;		/* as make-neb: images for VASP converge well */
	if (strcmp(how, "idpp-steepest") == 0) {
		o.steepest = 1;
		o.model = IDPP_FIXED_WEIGHTS;
		o.maxiter = 2000000;
	} else if (strcmp(how, "idpp") != 0) {
		err_set(err, "interpolation '%s' is not linear, idpp or idpp-steepest", how);
		return -1;
	}
	if (idpp_relax(img, nimg, &o, &r, err) == -1) {
		err_prefix(err, "IDPP");
		return -1;
	}
	return 0;
}

static int
write_text(const char *dir, const char *name, const struct sbuf *t, struct hk_err *err)
{
	char *p = xasprintf("%s/%s", dir, name);
	int rc = file_write_sync(p, t->s ? t->s : "", t->len, err);

	free(p);
	return rc;
}

/* Copy dir/name into d when it exists (want: it must). */
static int
copy_input(const char *dir, const char *name, const char *d, int want, struct hk_err *err)
{
	struct sbuf t = SBUF_INIT;
	char *p = xasprintf("%s/%s", dir, name);
	int rc = 0;

	if (file_read(p, &t) == 0)
		rc = write_text(d, name, &t, err);
	else if (want) {
		err_set(err, "%s: %s", p, strerror(errno));
		rc = -1;
	}
	sbuf_release(&t);
	free(p);
	return rc;
}

struct images {
	int kind_neb;
	int nimg;
	struct cell *img;
	const struct parent_files *pf[2];
	int reuse;		/* start from the parents' WAVECAR, CHGCAR */
	int got_all[RESTART_N];	/* every image VASP computes got that file */
};

/* Image k's directory under stage. */
static char *
image_name(const struct images *im, int k)
{
	static const char *const s3[3] = { "start", "mid", "end" };

	return im->kind_neb ? xasprintf("%02d", k) : xstrdup(s3[k]);
}

/*
 * The parent whose WAVECAR and CHGCAR image k starts from: the nearer
 * endpoint's (the start's for static3's mid); -1 for an NEB's endpoints,
 * which VASP does not compute.
 */
static int
restart_parent(const struct images *im, int k)
{
	if (!im->kind_neb)
		return k == 2;
	if (k == 0 || k == im->nimg - 1)
		return -1;
	return k <= (im->nimg - 1) / 2 ? 0 : 1;
}

/* static3: image d's INCAR, the directory's with the tags of the restart files it got. */
static int
image_incar(const char *dir, const char *d, const int got[RESTART_N], struct hk_err *err)
{
	struct sbuf t = SBUF_INIT;
	char *p = xasprintf("%s/INCAR", dir);
	int rc = -1;

	if (file_read(p, &t) == -1)
		err_set(err, "%s: %s", p, strerror(errno));
	else {
		restart_incar_apply(&t, got);
		rc = write_text(d, "INCAR", &t, err);
	}
	sbuf_release(&t);
	free(p);
	return rc;
}

/* Image d's copies of its parent's WAVECAR and CHGCAR (as asked), and which it got. */
static int
image_restart(const struct images *im, int k, const char *d, int got[RESTART_N], struct hk_err *err)
{
	int from = im->reuse ? restart_parent(im, k) : -1;

	memset(got, 0, sizeof(int[RESTART_N]));
	if (from < 0)
		return 0;
	return restart_copy(im->pf[from]->restart, d, got, err);
}

static int
write_image(const char *dir, const char *stage, struct images *im, int k, const char *id,
    struct hk_err *err)
{
	int got[RESTART_N];
	char *name = image_name(im, k), *d = xasprintf("%s/%s", stage, name);
	char *comment = xasprintf("%s %s (hopkit, from relaxed endpoints)", id, name);
	const struct parent_files *pf = k == 0 ? im->pf[0] : k == im->nimg - 1 ? im->pf[1] : NULL;
	struct sbuf pos = SBUF_INIT;
	int rc = -1;

	if (mkdir(d, 0777) == -1) {
		err_set(err, "%s: %s", d, strerror(errno));
		goto out;
	}
	poscar_write(&pos, &im->img[k], comment);
	if (write_text(d, "POSCAR", &pos, err) == -1)
		goto out;
	if (im->kind_neb && pf)
		for (int f = PF_OUTCAR; f < PF_N; f++)
			if (pf->have[f] && write_text(d, pf_name[f], &pf->f[f], err) == -1)
				goto out;
	if (image_restart(im, k, d, got, err) == -1)
		goto out;
	for (int f = 0; f < RESTART_N; f++)
		im->got_all[f] &= got[f] || restart_parent(im, k) < 0;
	if (!im->kind_neb && (image_incar(dir, d, got, err) == -1 || copy_input(dir, "KPOINTS", d, 1, err) == -1 ||
	    copy_input(dir, "POTCAR", d, 0, err) == -1 || copy_input(dir, "POTCAR.spec", d, 0, err) == -1))
		goto out;
	rc = 0;
out:
	sbuf_release(&pos);
	free(comment);
	free(d);
	free(name);
	return rc;
}

/*
 * An NEB's INCAR (one for every image) with ISTART / ICHARG = 1 when each
 * image VASP computes got the file.  The INCAR make-neb wrote is kept in
 * .INCAR.unprepared the first time, and every preparation starts from it,
 * so one interrupted after this step and redone without the files leaves
 * no tag asking for them.
 */
static int
neb_incar(const char *dir, const int got[RESTART_N], struct hk_err *err)
{
	char *orig = xasprintf("%s/.INCAR.unprepared", dir), *cur = xasprintf("%s/INCAR", dir);
	struct sbuf t = SBUF_INIT;
	int rc = -1;

	if (file_read(orig, &t) == -1) {
		sbuf_reset(&t);
		if (file_read(cur, &t) == -1) {
			err_set(err, "%s: %s", cur, strerror(errno));
			goto out;
		}
		if (file_write_atomic(orig, t.s ? t.s : "", t.len, err) == -1)
			goto out;
	}
	restart_incar_apply(&t, got);
	rc = file_write_atomic(cur, t.s ? t.s : "", t.len, err);
out:
	sbuf_release(&t);
	free(orig);
	free(cur);
	return rc;
}

/* Every image under stage, then moved into dir; the marker last. */
static int
install_images(const char *dir, struct images *im, const char *id, const char *const parent[2],
    struct hk_err *err)
{
	char *stage = xasprintf("%s/.prep.tmp.%ld", dir, (long)getpid()), *mark = NULL;
	struct sbuf note = SBUF_INIT;
	int rc = -1;

	file_remove_tree(stage);
	if (mkdir(stage, 0777) == -1) {
		err_set(err, "%s: %s", stage, strerror(errno));
		goto out;
	}
	for (int k = 0; k < im->nimg; k++)
		if (write_image(dir, stage, im, k, id, err) == -1)
			goto out;
	for (int k = 0; k < im->nimg; k++) {
		char *name = image_name(im, k), *from = xasprintf("%s/%s", stage, name), *to = xasprintf("%s/%s", dir, name);
		file_remove_tree(to);
		int moved = rename(from, to);
		if (moved == -1)
			err_set(err, "%s: %s", to, strerror(errno));
		free(name);
		free(from);
		free(to);
		if (moved == -1)
			goto out;
	}
	if (im->reuse && im->kind_neb && neb_incar(dir, im->got_all, err) == -1)
		goto out;
	mark = xasprintf("%s/%s", dir, NEBPREP_MARKER);
	sbuf_addf(&note, "prepared from %s and %s\n", parent[0], parent[1]);
	rc = file_write_atomic(mark, note.s, note.len, err);
out:
	file_remove_tree(stage);
	sbuf_release(&note);
	free(stage);
	free(mark);
	return rc;
}

int
nebprep_prepare(const char *dir, const json_t *job, const char *const parent[2], struct hk_err *err)
{
	struct neb_path p = NEB_PATH_INIT, ends = NEB_PATH_INIT;
	struct parent_files pf[2];
	struct images im = { 0, 0, NULL, { &pf[0], &pf[1] }, 0, { 1, 1 } };
	const char *id = json_string_value(json_object_get(job, "id")), *kind = json_string_value(json_object_get(job, "kind"));
	const json_t *ni = json_object_get(job, "nimages");
	int rc = -1, nread = 0;

	if (nebprep_is_prepared(dir))
		return 1;
	/* job.json is read again here, and may have been edited since run-vasp add checked it */
	if (field_check(job, stage_fields("run-vasp"), err) == -1) {
		err_prefix(err, "%s/job.json", dir);
		return -1;
	}
	if (id == NULL || kind == NULL || (strcmp(kind, "neb") != 0 && strcmp(kind, "static3") != 0) ||
	    !json_is_integer(ni) || json_integer_value(ni) < 1 || json_integer_value(ni) > HK_MAX_IMAGES) {
		err_set(err, "%s: job record is no neb or static3 job with nimages", dir);
		return -1;
	}
	im.kind_neb = strcmp(kind, "neb") == 0;
	im.reuse = json_is_true(json_object_get(job, "reuse_wavecar"));
	im.nimg = im.kind_neb ? (int)json_integer_value(ni) + 2 : 3;
	if (nebjob_path(job, 7.0, &p, err) == -1)
		goto out;
	for (; nread < 2; nread++)
		if (read_parent(parent[nread], im.reuse, &pf[nread], err) == -1) {
			nread++;
			goto out;
		}
	if (mapped_endpoint(job, 0, parent[0], &pf[0], &p.start, &ends.start, err) == -1 ||
	    mapped_endpoint(job, 1, parent[1], &pf[1], &p.end, &ends.end, err) == -1)
		goto out;
	im.img = xcalloc((size_t)im.nimg, sizeof(*im.img));
	if (interpolate(job, &ends, im.img, im.nimg, err) == -1)
		goto out;
	rc = install_images(dir, &im, id, parent, err);
out:
	for (int k = 0; k < nread; k++)
		parent_files_release(&pf[k]);
	for (int k = 0; im.img && k < im.nimg; k++)
		cell_release(&im.img[k]);
	free(im.img);
	neb_path_release(&p);
	neb_path_release(&ends);
	return rc;
}

int
nebprep_relaxed(const char *parent, struct cell *c, struct hk_err *err)
{
	struct parent_files pf;
	int rc = read_parent(parent, 0, &pf, err);

	if (rc == 0)
		rc = relaxed_cell(parent, &pf.f[PF_CONTCAR], c, err);
	parent_files_release(&pf);
	return rc;
}

char *
nebprep_sibling(const char *dir, const char *id)
{
	struct sbuf up = SBUF_INIT;
	const char *slash = strrchr(dir, '/');
	char *p;
	struct stat st;

	if (slash)
		sbuf_add(&up, dir, (size_t)(slash - dir) + 1);
	p = xasprintf("%s%s/job.json", up.s ? up.s : "", id);
	if (stat(p, &st) == 0) {
		p[strlen(p) - strlen("/job.json")] = '\0';
	} else {
		free(p);
		p = xasprintf("%s%s.tar.gz", up.s ? up.s : "", id);
		if (stat(p, &st) != 0) {
			free(p);
			p = NULL;
		}
	}
	sbuf_release(&up);
	return p;
}

int
nebprep_prepare_dir(const char *dir, struct hk_err *err)
{
	char *jp = xasprintf("%s/job.json", dir), *par[2] = { NULL, NULL };
	struct sbuf text = SBUF_INIT;
	json_t *job = NULL;
	int rc = -1;

	if (file_read(jp, &text) == -1) {
		err_set(err, "%s: %s", jp, strerror(errno));
		goto out;
	}
	if ((job = rec_parse(text.s, text.len, jp, 1, err)) == NULL)
		goto out;
	for (int k = 0; k < 2; k++) {
		const char *id = json_string_value(json_array_get(json_object_get(job, "parents"), (size_t)k));
		if (id == NULL || (par[k] = nebprep_sibling(dir, id)) == NULL) {
			err_set(err, "%s: parent %s is not beside it", jp, id ? id : "(none: no \"parents\")");
			goto out;
		}
	}
	rc = nebprep_prepare(dir, job, (const char *const *)par, err);
out:
	json_decref(job);
	sbuf_release(&text);
	free(par[0]);
	free(par[1]);
	free(jp);
	return rc;
}
