#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elements.h"
#include "jsonw.h"
#include "lattice.h"
#include "neb.h"
#include "num.h"
#include "fileio.h"
#include "nebjob.h"
#include "paths.h"
#include "poscar.h"
#include "rec.h"
#include "structjson.h"
#include "supercell.h"
#include "xalloc.h"

void
nebjob_opts_init(struct nebjob_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->out = "calcs";
	o->kind = NEBJOB_STATIC3;
	o->nimages = 5;
	idpp_opts_init(&o->idpp_opts);
	o->idpp_opts.ftol = 1e-5;	/* images for VASP: converge well */
	o->kppa = 1000;
	o->min_distance = 0.5;
	o->min_length = 7.0;
}

int
nebjob_opts_kind(struct nebjob_opts *o, const char *name, struct hk_err *err)
{
	if (strcmp(name, "static3") == 0)
		o->kind = NEBJOB_STATIC3;
	else if (strcmp(name, "neb") == 0)
		o->kind = NEBJOB_NEB;
	else {
		err_set(err, "--kind must be static3 or neb, not '%s'", name);
		return -1;
	}
	return 0;
}

void
nebjob_opts_steepest(struct nebjob_opts *o)
{
	o->idpp = 1;
	o->idpp_opts.steepest = 1;
	o->idpp_opts.model = IDPP_FIXED_WEIGHTS;
	o->idpp_opts.maxiter = 2000000;	/* its steps are small */
}

int
nebjob_opts_check(const struct nebjob_opts *o, struct hk_err *err)
{
	struct incar probe = INCAR_INIT;
	const char *p = o->preset ? o->preset : o->kind == NEBJOB_NEB ? "neb" : "static3";
	int rc = incar_preset(&probe, p, err);

	incar_release(&probe);
	return rc;
}

static int
write_file(const char *dir, const char *name, const struct sbuf *text, struct hk_err *err)
{
	struct sbuf path = SBUF_INIT;
	int rc;

	sbuf_addf(&path, "%s/%s", dir, name);
	rc = file_write_sync(path.s, text->s ? text->s : "", text->len, err);
	sbuf_release(&path);
	return rc;
}

/* The hop of the record: sites and image. */
static int
record_hop(const json_t *rec, const struct cell *c, int *i, int *j, int image[3], struct hk_err *err)
{
	const json_t *ii = json_object_get(rec, "iindex"), *ei = json_object_get(rec, "eindex");
	const json_t *es = json_object_get(rec, "esite"), *ion = json_object_get(rec, "ion");

	if (!json_is_integer(ii) || !json_is_integer(ei) || !json_is_array(es) || json_array_size(es) != 3) {
		err_set(err, "record has no hop (iindex, eindex, esite)");
		return -1;
	}
	*i = (int)json_integer_value(ii);
	*j = (int)json_integer_value(ei);
	if (*i < 0 || *j < 0 || *i >= c->n || *j >= c->n) {
		err_set(err, "iindex/eindex outside the structure");
		return -1;
	}
	if (json_is_string(ion) && (c->z[*i] != elem_z(json_string_value(ion)) || c->z[*j] != c->z[*i])) {
		err_set(err, "the structure has no %s at site %d or %d", json_string_value(ion), *i, *j);
		return -1;
	}
	for (int k = 0; k < 3; k++) {
		const json_t *v = json_array_get(es, (size_t)k);
		if (!json_is_number(v)) {
			err_set(err, "esite is not 3 numbers");
			return -1;
		}
		image[k] = (int)lround(json_number_value(v) - c->frac[*j][k]);
		if (fabs(json_number_value(v) - c->frac[*j][k] - image[k]) > 1e-3) {
			err_set(err, "esite is not at site eindex");
			return -1;
		}
	}
	return 0;
}

struct built {
	struct neb_path p;
	struct cell *img;
	int nimg;
	double closest[128];
	struct idpp_result ir;
};

static void
built_release(struct built *b)
{
	for (int k = 0; k < b->nimg; k++)
		cell_release(&b->img[k]);
	free(b->img);
	neb_path_release(&b->p);
}

static int
build(const json_t *rec, const struct nebjob_opts *o, struct built *b, struct hk_err *err)
{
	struct cell c = CELL_INIT;
	int i, j, image[3], m[3][3], n, rc = -1;

	memset(b, 0, sizeof(*b));
	if (structjson_read(json_object_get(rec, "structure"), &c, err, NULL) == -1) {
		err_prefix(err, "structure");
		return -1;
	}
	if (record_hop(rec, &c, &i, &j, image, err) == -1)
		goto out;
	if (paths_supercell_matrix(rec, c.lattice, o->min_length, m) == -1) {
		err_set(err, "no usable supercell matrix");
		goto out;
	}
	if (neb_endpoints(&c, i, j, image, m, &b->p, err) == -1)
		goto out;
	n = o->kind == NEBJOB_STATIC3 ? 1 : o->nimages;
	b->nimg = n + 2;
	b->img = xcalloc((size_t)b->nimg, sizeof(*b->img));
	neb_linear(&b->p, n, b->img);
	if (o->idpp && idpp_relax(b->img, b->nimg, &o->idpp_opts, &b->ir, err) == -1) {
		err_prefix(err, "IDPP");
		goto out;
	}
	for (int k = 0; k < b->nimg && k < 128; k++)
		b->closest[k] = neb_closest(&b->img[k], NULL, NULL);
	rc = 0;
out:
	cell_release(&c);
	return rc;
}

/* The files every job directory shares. */
struct vasp_files {
	struct sbuf incar, kp, pot, sym;
	int have_potcar;
};

#define VASP_FILES_INIT { SBUF_INIT, SBUF_INIT, SBUF_INIT, SBUF_INIT, 0 }

static void
vasp_files_release(struct vasp_files *v)
{
	sbuf_release(&v->incar);
	sbuf_release(&v->kp);
	sbuf_release(&v->pot);
	sbuf_release(&v->sym);
}

static int
inputs(const struct nebjob_opts *o, const struct cell *c, int nimages, struct vasp_files *v,
    struct hk_err *err)
{
	struct incar in = INCAR_INIT;
	const char *preset = o->preset ? o->preset : o->kind == NEBJOB_NEB ? "neb" : "static3";
	int div[3], rc = -1;

	if (incar_preset(&in, preset, err) == -1)
		goto out;
	if (o->kind == NEBJOB_NEB) {
		char b[16];
		snprintf(b, sizeof(b), "%d", nimages);
		incar_set(&in, "IMAGES", b);
		if (o->climb)
			incar_set(&in, "LCLIMB", ".TRUE.");
	}
	for (int k = 0; k < o->overrides.n; k++)
		incar_set(&in, o->overrides.key[k], o->overrides.val[k]);
	if (incar_resolve(&in, c, err) == -1)
		goto out;
	sbuf_addstr(&v->incar, "# written by hopkit make-neb\n");
	incar_write(&in, &v->incar);
	kpoints_density(c, o->kppa, div);
	kpoints_write(div, o->kppa, &v->kp);
	if (potcar_symbols(c, &v->sym, err) == -1)
		goto out;
	if ((v->have_potcar = potcar_build(v->sym.s, &v->pot, NULL, err)) == -1)
		goto out;
	rc = 0;
out:
	incar_release(&in);
	return rc;
}

/* d/POSCAR, making d if need be. */
static int
write_poscar(const char *d, const struct cell *c, const char *comment, struct hk_err *err)
{
	struct sbuf text = SBUF_INIT;
	int rc;

	if (mkdir(d, 0777) == -1 && errno != EEXIST) {
		err_set(err, "%s: %s", d, strerror(errno));
		return -1;
	}
	poscar_write(&text, c, comment);
	rc = write_file(d, "POSCAR", &text, err);
	sbuf_release(&text);
	return rc;
}

static int
write_inputs(const char *dir, const struct vasp_files *v, struct hk_err *err)
{
	struct sbuf spec = SBUF_INIT;
	int rc;

	if (write_file(dir, "INCAR", &v->incar, err) == -1 || write_file(dir, "KPOINTS", &v->kp, err) == -1)
		return -1;
	if (v->have_potcar)
		return write_file(dir, "POTCAR", &v->pot, err);
	sbuf_addf(&spec, "%s\n", v->sym.s);
	rc = write_file(dir, "POTCAR.spec", &spec, err);
	sbuf_release(&spec);
	return rc;
}

/* start/, mid/ and end/, each a complete single-point calculation. */
static int
write_static3(const char *tmp, const char *id, const struct built *b, const struct vasp_files *v,
    struct hk_err *err)
{
	static const char *const sub[3] = { "start", "mid", "end" };
	int rc = 0;

	for (int k = 0; k < 3 && rc == 0; k++) {
		char *d = xasprintf("%s/%s", tmp, sub[k]);
		char *comment = xasprintf("%s %s (hopkit make-neb)", id, sub[k]);
		if (write_poscar(d, &b->img[k], comment, err) == -1 || write_inputs(d, v, err) == -1)
			rc = -1;
		free(comment);
		free(d);
	}
	return rc;
}

/* 00/ .. NN/ with a POSCAR each, the inputs beside them. */
static int
write_neb(const char *tmp, const char *id, const struct built *b, const struct vasp_files *v,
    struct hk_err *err)
{
	int rc = 0;

	for (int k = 0; k < b->nimg && rc == 0; k++) {
		char *d = xasprintf("%s/%02d", tmp, k);
		char *comment = xasprintf("%s image %d of %d (hopkit make-neb)", id, k, b->nimg - 1);
		rc = write_poscar(d, &b->img[k], comment, err);
		free(comment);
		free(d);
	}
	return rc == 0 ? write_inputs(tmp, v, err) : -1;
}

static json_t *
job_record(const json_t *rec, const struct nebjob_opts *o, const char *dir, const struct built *b,
    const struct sbuf *symbols, const int div[3])
{
	json_t *job = json_object();
	const char *key;
	json_t *val;

	json_object_set(job, "id", json_object_get(rec, "id"));
	json_object_set_new(job, "dir", json_string(dir));
	json_object_set_new(job, "kind", json_string(o->kind == NEBJOB_NEB ? "neb" : "static3"));
	json_object_set_new(job, "nimages", json_integer(b->nimg - 2));
	json_object_set_new(job, "natoms", json_integer(b->p.start.n));
	json_object_set_new(job, "mover", json_integer(b->p.mover));
	json_object_set_new(job, "closest", jsonw_vec(b->closest, b->nimg < 128 ? b->nimg : 128));
	if (o->idpp)
		json_object_set_new(job, "idpp", idpp_result_json(&b->ir));
	json_object_set_new(job, "potcar", json_string(symbols->s ? symbols->s : ""));
	json_object_set_new(job, "kpoints", json_pack("[iii]", div[0], div[1], div[2]));
	json_object_foreach((json_t *)rec, key, val)
		if (json_object_get(job, key) == NULL)
			json_object_set(job, key, val);
	return job;
}

/* The job directory's contents, and its record as job.json, under tmp. */
static int
write_job(const char *tmp, const struct nebjob_opts *o, const char *id, const struct built *b,
    const struct vasp_files *v, const json_t *job, struct hk_err *err)
{
	struct sbuf js = SBUF_INIT;
	int rc = -1;

	if ((o->kind == NEBJOB_STATIC3 ? write_static3 : write_neb)(tmp, id, b, v, err) == -1)
		goto out;
	if (jsonw_value(&js, job, err) == -1)
		goto out;
	sbuf_addc(&js, '\n');
	rc = write_file(tmp, "job.json", &js, err);
out:
	sbuf_release(&js);
	return rc;
}

/* Move tmp to dir, replacing an old dir only once the new one is complete. */
static int
install(const char *tmp, const char *dir, const char *out, const char *id, struct hk_err *err)
{
	struct stat st;
	char *old;

	if (stat(dir, &st) != 0) {
		if (rename(tmp, dir) == 0)
			return 0;
		err_set(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	old = xasprintf("%s/.%s.old.%ld", out, id, (long)getpid());
	if (rename(dir, old) == -1) {
		err_set(err, "%s: %s", dir, strerror(errno));
		free(old);
		return -1;
	}
	if (rename(tmp, dir) == -1) {
		err_set(err, "%s: %s", dir, strerror(errno));
		rename(old, dir);
		free(old);
		return -1;
	}
	file_remove_tree(old);
	free(old);
	return 0;
}

int
nebjob_make(const json_t *rec, const struct nebjob_opts *o, json_t **job, int *potcar_missing,
    struct hk_err *err)
{
	struct built b;
	struct vasp_files v = VASP_FILES_INIT;
	char *dir = NULL, *tmp = NULL;
	const char *id;
	int rc = NEBJOB_ERROR, div[3], collide = -1;
	struct stat st;

	*job = NULL;
	if ((id = rec_id(rec, err)) == NULL)
		return NEBJOB_ERROR;
	if (build(rec, o, &b, err) == -1)
		goto out;
	for (int k = 0; k < b.nimg && k < 128; k++)
		if (b.closest[k] < o->min_distance && collide < 0)
			collide = k;
	kpoints_density(&b.p.start, o->kppa, div);
	if (inputs(o, &b.p.start, b.nimg - 2, &v, err) == -1)
		goto out;
	*potcar_missing = !v.have_potcar;
	dir = xasprintf("%s/%s", o->out, id);
	*job = job_record(rec, o, dir, &b, &v.sym, div);
	if (collide >= 0 && !o->force) {
		err_set(err, "atoms %.3f A apart in image %d (less than %g A); not written (--force writes it)",
		    b.closest[collide], collide, o->min_distance);
		rc = NEBJOB_COLLISION;
		goto out;
	}
	if (stat(dir, &st) == 0 && !o->force) {
		rc = NEBJOB_KEPT;
		goto out;
	}
	tmp = xasprintf("%s/.%s.tmp.%ld", o->out, id, (long)getpid());
	file_remove_tree(tmp);
	if (mkdir(tmp, 0777) == -1) {
		err_set(err, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_job(tmp, o, id, &b, &v, *job, err) == -1 || install(tmp, dir, o->out, id, err) == -1) {
		file_remove_tree(tmp);
		goto out;
	}
	rc = NEBJOB_WRITTEN;
out:
	if (rc == NEBJOB_ERROR && *job) {
		json_decref(*job);
		*job = NULL;
	}
	built_release(&b);
	vasp_files_release(&v);
	free(dir);
	free(tmp);
	return rc;
}

int
nebjob_view_xyz(const json_t *rec, const struct nebjob_opts *o, struct sbuf *out, struct hk_err *err)
{
	struct built b;
	const char *id = json_string_value(json_object_get(rec, "id"));
	const struct cell *s;
	char nb[NUM_BUFSZ];

	if (build(rec, o, &b, err) == -1)
		return -1;
	s = &b.img[0];
	sbuf_addf(out, "%d\nLattice=\"", s->n + b.nimg - 1);
	for (int r = 0; r < 3; r++)
		for (int k = 0; k < 3; k++)
			sbuf_addf(out, "%s%s", r || k ? " " : "", num_format(s->lattice[r][k], nb));
	sbuf_addf(out, "\" Properties=species:S:1:pos:R:3:image:I:1 pbc=\"T T T\" id=%s\n", id ? id : "");
	for (int a = 0; a < s->n; a++) {
		double r[3];
		lat_frac_to_cart(s->lattice, s->frac[a], r);
		sbuf_addf(out, "%s %.8f %.8f %.8f %d\n", elem_symbol(s->z[a]), r[0], r[1], r[2],
		    a == b.p.mover ? 0 : -1);
	}
	for (int k = 1; k < b.nimg; k++) {
		double r[3];
		lat_frac_to_cart(s->lattice, b.img[k].frac[b.p.mover], r);
		sbuf_addf(out, "%s %.8f %.8f %.8f %d\n", elem_symbol(s->z[b.p.mover]), r[0], r[1], r[2], k);
	}
	built_release(&b);
	return 0;
}
