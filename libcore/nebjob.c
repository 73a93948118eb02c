#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elements.h"
#include "endpoints.h"
#include "jsonw.h"
#include "lattice.h"
#include "neb.h"
#include "num.h"
#include "fileio.h"
#include "nebjob.h"
#include "paths.h"
#include "poscar.h"
#include "nebprep.h"
#include "rec.h"
#include "restart.h"
#include "strset.h"
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
	o->min_distance = 0.5;
	o->min_length = 7.0;
	o->symprec = 0.01;
	o->map_tol = 1e-3;
}

int
nebjob_opts_hubbard(struct nebjob_opts *o, const char *name, struct hk_err *err)
{
	if (strcmp(name, "mp") == 0)
		o->hubbard = NEBJOB_HUBBARD_MP;
	else if (strcmp(name, "none") == 0)
		o->hubbard = NEBJOB_HUBBARD_NONE;
	else {
		err_set(err, "--hubbard must be mp or none, not '%s'", name);
		return -1;
	}
	return 0;
}

static const char *
hop_preset(const struct nebjob_opts *o)
{
	return o->preset ? o->preset : o->kind == NEBJOB_NEB ? "neb" : "static3";
}

/* PRESET-endpoint when share/presets has it, else neb-endpoint (into *name, which the caller frees). */
static int
endpoint_preset(const struct nebjob_opts *o, char **name, struct hk_err *err)
{
	struct incar probe = INCAR_INIT;
	struct hk_err ignore = HK_ERR_INIT;
	int rc;

	*name = o->endpoint_preset ? xstrdup(o->endpoint_preset) : xasprintf("%s-endpoint", hop_preset(o));
	if (o->endpoint_preset == NULL && incar_preset(&probe, *name, &ignore) == -1) {
		free(*name);
		*name = xstrdup("neb-endpoint");
	}
	incar_release(&probe);
	if ((rc = incar_preset(&probe, *name, err)) == -1) {
		free(*name);
		*name = NULL;
	}
	incar_release(&probe);
	return rc;
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
	char *ep = NULL;
	int rc = incar_preset(&probe, hop_preset(o), err);

	incar_release(&probe);
	if (rc == 0 && incar_get(&o->overrides, "LDAU")) {
		err_set(err, "+U is --hubbard's choice, not --incar LDAU");
		rc = -1;
	}
	if (rc == 0 && !o->relax_endpoints && (o->reuse_wavecar || o->endpoints_from)) {
		err_set(err, "--%s works with --relax-endpoints", o->reuse_wavecar ? "reuse-wavecar" : "endpoints-from");
		rc = -1;
	}
	if (rc == 0 && o->relax_endpoints)
		rc = endpoint_preset(o, &ep, err);
	free(ep);
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
	struct cell c;		/* the record's structure */
	int m[3][3];		/* its supercell */
	struct neb_path p;
	struct cell *img;
	int nimg;
	double closest[128];
	struct idpp_result ir;
	int detour;		/* IDPP started from neb_detour's bent path */
};

static void
built_release(struct built *b)
{
	for (int k = 0; k < b->nimg; k++)
		cell_release(&b->img[k]);
	free(b->img);
	neb_path_release(&b->p);
	cell_release(&b->c);
}

/* The record's structure, hop and supercell (study_length > 0: the study's n_i), endpoints into b. */
static int
build_path(const json_t *rec, double min_length, double study_length, struct built *b, struct hk_err *err)
{
	int i, j, image[3];

	if (structjson_read(json_object_get(rec, "structure"), &b->c, err, NULL) == -1) {
		err_prefix(err, "structure");
		return -1;
	}
	if (record_hop(rec, &b->c, &i, &j, image, err) == -1)
		return -1;
	if (study_length > 0) {
		int n[3];
		supercell_study_n(b->c.lattice, study_length, n);
		memset(b->m, 0, sizeof(b->m));
		for (int k = 0; k < 3; k++)
			b->m[k][k] = n[k];
	} else if (paths_supercell_matrix(rec, b->c.lattice, min_length, b->m) == -1) {
		err_set(err, "no usable supercell matrix");
		return -1;
	}
	return neb_endpoints(&b->c, i, j, image, b->m, &b->p, err);
}

int
nebjob_path(const json_t *rec, double min_length, struct neb_path *p, struct hk_err *err)
{
	struct built b;
	int rc;

	memset(&b, 0, sizeof(b));
	rc = build_path(rec, min_length, 0, &b, err);
	*p = b.p;
	memset(&b.p, 0, sizeof(b.p));
	built_release(&b);
	return rc;
}

static int
build(const json_t *rec, const struct nebjob_opts *o, struct built *b, struct hk_err *err)
{
	int n, rc = -1;

	memset(b, 0, sizeof(*b));
	if (build_path(rec, o->min_length, o->study_length, b, err) == -1)
		goto out;
	n = o->kind == NEBJOB_STATIC3 ? 1 : o->nimages;
	b->nimg = n + 2;
	b->img = xcalloc((size_t)b->nimg, sizeof(*b->img));
	if (!o->idpp)
		neb_linear(&b->p, n, b->img);
	else if (neb_idpp(&b->p, n, &o->idpp_opts, b->img, &b->ir, &b->detour, err) == -1) {
		err_prefix(err, "IDPP");
		goto out;
	}
	for (int k = 0; k < b->nimg && k < 128; k++)
		b->closest[k] = neb_closest(&b->img[k], NULL, NULL);
	rc = 0;
out:
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

/* The chain's k-point rule: --kppa, else the hop preset's (KPOINTS_LENGTH / KPOINTS_DENSITY), else kppa 1000. */
static int
chain_kpoints(const struct nebjob_opts *o, const struct cell *c, struct kpoints *kp, struct hk_err *err)
{
	struct incar in = INCAR_INIT;
	int rc;

	kp->rule = KP_KPPA;
	kp->value = 1000;
	rc = incar_preset(&in, hop_preset(o), err);
	if (rc == 0)
		rc = kpoints_rule_take(&in, kp, err);
	incar_release(&in);
	if (o->kppa > 0) {
		kp->rule = KP_KPPA;
		kp->value = o->kppa;
	}
	kpoints_apply(kp, c);
	return rc;
}

/* What one job's INCAR needs beyond its preset. */
struct job_inputs {
	const char *preset;
	int nimages;		/* > 0: an NEB of that many images */
	const struct kpoints *kp;
	double nelect;		/* valence electrons less the vacancy's charge; < 0: unknown */
	int relax;		/* an endpoint relaxation */
};

static int
job_incar(const struct nebjob_opts *o, const struct cell *c, const struct job_inputs *ji, struct vasp_files *v,
    struct hk_err *err)
{
	struct incar in = INCAR_INIT;
	char b[32], nb[NUM_BUFSZ];
	int rc = -1;

	if (incar_preset(&in, ji->preset, err) == -1)
		goto out;
	if (ji->nimages > 0) {
		snprintf(b, sizeof(b), "%d", ji->nimages);
		incar_set(&in, "IMAGES", b);
		if (o->climb)
			incar_set(&in, "LCLIMB", ".TRUE.");
	}
	incar_unset(&in, "KPOINTS_LENGTH");
	incar_unset(&in, "KPOINTS_DENSITY");
	incar_set(&in, "LDAU", o->hubbard == NEBJOB_HUBBARD_MP ? "auto" : ".FALSE.");
	if (o->vacancy_charge != 0)
		incar_set(&in, "NELECT", num_format(ji->nelect, nb));
	if (ji->relax && o->reuse_wavecar) {
		incar_set(&in, "LWAVE", ".TRUE.");
		incar_set(&in, "LCHARG", ".TRUE.");
	}
	for (int k = 0; k < o->overrides.n; k++)
		incar_set(&in, o->overrides.key[k], o->overrides.val[k]);
	if (incar_resolve(&in, c, err) == -1)
		goto out;
	sbuf_addf(&v->incar, "# written by hopkit make-neb (preset %s)\n", ji->preset);
	incar_write(&in, &v->incar);
	rc = 0;
out:
	incar_release(&in);
	return rc;
}

/* INCAR, KPOINTS and POTCAR (or its symbols) of a job on cell c; ji->nelect is filled in. */
static int
inputs(const struct nebjob_opts *o, const struct cell *c, struct job_inputs *ji, struct vasp_files *v,
    struct hk_err *err)
{
	double valence;

	kpoints_write_rule(ji->kp, &v->kp);
	if (potcar_symbols(c, &v->sym, err) == -1)
		return -1;
	if ((v->have_potcar = potcar_build(v->sym.s, &v->pot, NULL, err)) == -1)
		return -1;
	ji->nelect = -1;
	if (potcar_valence(c, v->sym.s, v->have_potcar ? v->pot.s : NULL, &valence, err) == 0)
		ji->nelect = valence - o->vacancy_charge;
	else if (o->vacancy_charge != 0)
		return -1;	/* a charged vacancy needs NELECT */
	err_clear(err);
	return job_incar(o, c, ji, v, err);
}

/* What every job record of a chain states about its physics. */
static void
physics_fields(json_t *job, const struct nebjob_opts *o, const struct job_inputs *ji, const struct vasp_files *v)
{
	struct sbuf rule = SBUF_INIT;

	kpoints_rule_name(ji->kp, &rule);
	json_object_set_new(job, "preset", json_string(ji->preset));
	json_object_set_new(job, "potcar", json_string(v->sym.s ? v->sym.s : ""));
	json_object_set_new(job, "kpoints", json_pack("[iii]", ji->kp->div[0], ji->kp->div[1], ji->kp->div[2]));
	json_object_set_new(job, "kpoints_rule", json_string(rule.s));
	json_object_set_new(job, "hubbard", json_string(o->hubbard == NEBJOB_HUBBARD_MP ? "mp" : "none"));
	json_object_set_new(job, "vacancy_charge", jsonw_real(o->vacancy_charge));
	if (ji->nelect >= 0)
		json_object_set_new(job, "nelect", jsonw_real(ji->nelect));
	sbuf_release(&rule);
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

/*
 * What a job or result of a lower tier says of its own calculation: none
 * of it describes this job, so none is carried over as if it did (a
 * barrier of tier A read as tier B's would be silently wrong).
 */
static int
lower_tier_field(const char *key)
{
	static const char *const own[] = {
		"dir", "archive", "kind", "nimages", "natoms", "mover", "closest", "idpp", "parents",
		"endpoint_maps", "interpolation", "preset", "kpoints_rule", "kpoints", "potcar", "hubbard",
		"vacancy_charge", "nelect", "state", "images", "energies", "energies_relative", "energy_barrier",
		"barrier_forward", "barrier_backward", "highest_image", "converged", "converged_images",
		"endpoints_converged", "walltime", "problems", "suspect", "run_state", "attempts", "last_error",
		"stamp", "previous",
	};

	for (size_t k = 0; k < sizeof(own) / sizeof(own[0]); k++)
		if (strcmp(key, own[k]) == 0)
			return 1;
	return 0;
}

/* "previous": the lower tier's job this one was built from (its kind, where it is, what it gave). */
static void
add_previous(json_t *job, const json_t *rec)
{
	static const char *const kept[] = {
		"kind", "dir", "archive", "state", "run_state", "energy_barrier", "converged", "energies", "parents",
	};
	json_t *prev;

	if (json_object_get(rec, "kind") == NULL)
		return;
	prev = json_object();
	for (size_t k = 0; k < sizeof(kept) / sizeof(kept[0]); k++)
		if (json_object_get(rec, kept[k]))
			json_object_set(prev, kept[k], json_object_get(rec, kept[k]));
	json_object_set_new(job, "previous", prev);
}

static json_t *
job_record(const json_t *rec, const struct nebjob_opts *o, const char *dir, const struct built *b,
    const struct job_inputs *ji, const struct vasp_files *v)
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
	if (o->idpp) {
		json_t *idpp = idpp_result_json(&b->ir);
		json_object_set_new(idpp, "start", json_string(b->detour ? "detour" : "linear"));
		json_object_set_new(job, "idpp", idpp);
	}
	physics_fields(job, o, ji, v);
	json_object_set_new(job, "supercell", json_pack("{s:[[iii][iii][iii]]}", "matrix", b->m[0][0], b->m[0][1],
	    b->m[0][2], b->m[1][0], b->m[1][1], b->m[1][2], b->m[2][0], b->m[2][1], b->m[2][2]));
	if (o->relax_endpoints && o->reuse_wavecar)
		json_object_set_new(job, "reuse_wavecar", json_true());
	json_object_foreach((json_t *)rec, key, val)
		if (json_object_get(job, key) == NULL && !lower_tier_field(key))
			json_object_set(job, key, val);
	add_previous(job, rec);
	return job;
}

/* The directory's contents (images unless they wait for parents), and its record as job.json, under tmp. */
static int
write_job(const char *tmp, const struct nebjob_opts *o, const char *id, const struct built *b,
    const struct vasp_files *v, const json_t *job, struct hk_err *err)
{
	struct sbuf js = SBUF_INIT;
	int rc = -1;

	if (o->relax_endpoints)
		rc = write_inputs(tmp, v, err);
	else
		rc = (o->kind == NEBJOB_STATIC3 ? write_static3 : write_neb)(tmp, id, b, v, err);
	if (rc == -1)
		goto out;
	rc = -1;
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

typedef int (*fill_fn)(const char *tmp, const void *ctx, struct hk_err *err);

/*
 * Directory o->out/id: kept when it exists, or when collect -a packed it
 * into o->out/id.tar.gz and removed it (a finished job whose hop is queued
 * again, by a wider or re-ranked queue, is not written back beside its
 * archive); unless forced.  Else filled by fill under a temporary name
 * and renamed into place.
 */
static int
make_dir(const struct nebjob_opts *o, const char *id, fill_fn fill, const void *ctx, struct hk_err *err)
{
	char *dir = xasprintf("%s/%s", o->out, id), *tmp = NULL, *archive = xasprintf("%s.tar.gz", dir);
	struct stat st;
	int rc = NEBJOB_ERROR;

	if ((stat(dir, &st) == 0 || stat(archive, &st) == 0) && !o->force) {
		rc = NEBJOB_KEPT;
		goto out;
	}
	tmp = xasprintf("%s/.%s.tmp.%ld.%lx", o->out, id, (long)getpid(), (unsigned long)(size_t)ctx);
	file_remove_tree(tmp);
	if (mkdir(tmp, 0777) == -1) {
		err_set(err, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fill(tmp, ctx, err) == -1 || install(tmp, dir, o->out, id, err) == -1) {
		file_remove_tree(tmp);
		/* another thread installed the same relaxation first */
		if (stat(dir, &st) == 0 && !o->force)
			rc = NEBJOB_KEPT;
		goto out;
	}
	rc = NEBJOB_WRITTEN;
out:
	free(dir);
	free(archive);
	free(tmp);
	return rc;
}

/* One endpoint: the relaxation it needs and the map from it. */
struct need {
	int vacant, canon;
	struct cell parent;	/* the relaxation's structure, unrelaxed */
	struct vacmap map;
	char *id;
};

static void
need_release(struct need *n)
{
	cell_release(&n->parent);
	vacmap_release(&n->map);
	free(n->id);
}

/* A tag for the supercell: "2x2x2" when diagonal, else a hash of its matrix. */
static char *
supercell_tag(const int m[3][3])
{
	int diag = 1;

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			diag &= i == j || m[i][j] == 0;
	if (diag)
		return xasprintf("%dx%dx%d", m[0][0], m[1][1], m[2][2]);
	return xasprintf("m%08lx", (unsigned long)(hash_fnv1a(m, sizeof(int[3][3])) & 0xffffffffUL));
}

static int
plan_endpoint(const json_t *rec, const struct built *b, const struct vacsym *vs, const struct cell *e,
    struct need *n, struct hk_err *err)
{
	int *esite = xmalloc((size_t)vs->sc.n * sizeof(int)), *psite = xmalloc((size_t)vs->sc.n * sizeof(int));
	unsigned char *used = xcalloc((size_t)vs->sc.n, 1);
	const json_t *sid = json_object_get(rec, "structure_id");
	char *tag = supercell_tag(b->m);
	int rc = -1;

	memset(n, 0, sizeof(*n));
	if (vacsym_sites_of(vs, e, esite, err) == -1)
		goto out;
	n->vacant = -1;
	for (int k = 0; k < e->n; k++)
		used[esite[k]] = 1;
	for (int q = 0; q < vs->sc.n; q++)
		if (!used[q])
			n->vacant = q;
	n->canon = vacsym_canonical(vs, n->vacant);
	vacsym_vacancy_cell(vs, n->canon, &n->parent, psite);
	if (vacsym_map(vs, n->canon, n->vacant, psite, esite, e->n, &n->map, err) == -1)
		goto out;
	n->id = xasprintf("%s.%svac%d.%s", json_is_string(sid) ? json_string_value(sid) : json_string_value(
	    json_object_get(rec, "id")), elem_symbol(vs->sc.z[n->vacant]), n->canon + 1, tag);
	rc = rec_id_valid(n->id) ? 0 : -1;
	if (rc == -1)
		err_set(err, "'%s' is no valid job id", n->id);
out:
	free(esite);
	free(psite);
	free(used);
	free(tag);
	return rc;
}

/* Where a relaxation starts: the unrelaxed vacancy, or a lower tier's relaxed one. */
struct relax_start {
	struct cell c;
	char *from;			/* the lower tier's job, or NULL */
	char *restart[RESTART_N];	/* its WAVECAR, CHGCAR (reuse_wavecar) */
};

static void
relax_start_release(struct relax_start *st)
{
	cell_release(&st->c);
	free(st->from);
	restart_release(st->restart);
}

/*
 * The start of need n's relaxation: the lower tier's relaxation of the
 * same id under o->endpoints_from when it has a relaxed structure (its
 * atoms, in order and species, must be n's), else n's unrelaxed cell.
 */
static int
relax_start(const struct nebjob_opts *o, const struct need *n, struct relax_start *st, struct hk_err *err)
{
	char *probe = o->endpoints_from ? xasprintf("%s/%s", o->endpoints_from, n->id) : NULL;
	char *where = probe ? nebprep_sibling(probe, n->id) : NULL;
	struct cell c = CELL_INIT;
	struct hk_err quiet = HK_ERR_INIT;
	int rc = 0, same;

	memset(st, 0, sizeof(*st));
	cell_copy(&st->c, &n->parent);
	if (where && nebprep_relaxed(where, &c, &quiet) == 0) {
		same = c.n == n->parent.n;
		for (int k = 0; same && k < c.n; k++)
			same = c.z[k] == n->parent.z[k];
		if (!same) {
			err_set(err, "%s: CONTCAR has other atoms than relaxation %s", where, n->id);
			rc = -1;
		} else {
			memcpy(st->c.frac, c.frac, (size_t)c.n * sizeof(c.frac[0]));
			st->from = where, where = NULL;
			if (o->reuse_wavecar)
				restart_find(st->from, st->restart);
		}
	}
	cell_release(&c);
	free(where);
	free(probe);
	return rc;
}

struct relax_ctx {
	const struct need *n;
	const struct vasp_files *v;
	const json_t *job;
	const struct relax_start *st;
};

static int
fill_relax(const char *tmp, const void *ctx, struct hk_err *err)
{
	const struct relax_ctx *r = ctx;
	struct sbuf js = SBUF_INIT, incar = SBUF_INIT;
	char *comment = xasprintf("%s vacancy relaxation (hopkit make-neb%s%s)", r->n->id,
	    r->st->from ? ", from " : "", r->st->from ? r->st->from : "");
	int rc = -1, got[RESTART_N];

	if (write_poscar(tmp, &r->st->c, comment, err) == -1 || write_inputs(tmp, r->v, err) == -1)
		goto out;
	if (restart_copy(r->st->restart, tmp, got, err) == -1)
		goto out;
	sbuf_add(&incar, r->v->incar.s, r->v->incar.len);
	restart_incar_apply(&incar, got);
	if (write_file(tmp, "INCAR", &incar, err) == -1)
		goto out;
	if (jsonw_value(&js, r->job, err) == -1)
		goto out;
	sbuf_addc(&js, '\n');
	rc = write_file(tmp, "job.json", &js, err);
out:
	sbuf_release(&js);
	sbuf_release(&incar);
	free(comment);
	return rc;
}

static json_t *
relax_record(const json_t *rec, const struct nebjob_opts *o, const struct built *b, const struct need *n,
    const struct job_inputs *ji, const struct vasp_files *v)
{
	json_t *job = json_object();
	static const char *const pass[] = { "structure_id", "formula", "ion", "spacegroup", "source" };

	json_object_set_new(job, "id", json_string(n->id));
	json_object_set_new(job, "kind", json_string("relax"));
	json_object_set_new(job, "natoms", json_integer(n->parent.n));
	json_object_set_new(job, "vacancy", json_pack("{s:s,s:i}", "element", elem_symbol(b->p.start.z[b->p.mover]),
	    "site", n->canon));
	json_object_set_new(job, "supercell", json_pack("{s:[[iii][iii][iii]]}", "matrix", b->m[0][0], b->m[0][1],
	    b->m[0][2], b->m[1][0], b->m[1][1], b->m[1][2], b->m[2][0], b->m[2][1], b->m[2][2]));
	physics_fields(job, o, ji, v);
	if (o->reuse_wavecar)
		json_object_set_new(job, "reuse_wavecar", json_true());
	for (size_t k = 0; k < sizeof(pass) / sizeof(pass[0]); k++)
		if (json_object_get(rec, pass[k]))
			json_object_set(job, pass[k], json_object_get(rec, pass[k]));
	json_object_set(job, "structure", json_object_get(rec, "structure"));
	return job;
}

/* The relaxation job of need n: its directory (unless there) and its record into *out. */
static int
make_relax(const json_t *rec, const struct nebjob_opts *o, const struct built *b, const struct need *n,
    const struct kpoints *kp, json_t **out, struct hk_err *err)
{
	struct vasp_files v = VASP_FILES_INIT;
	struct job_inputs ji = { NULL, 0, kp, -1, 1 };
	char *preset = NULL, *dir = xasprintf("%s/%s", o->out, n->id);
	struct relax_start st;
	struct relax_ctx r = { n, &v, NULL, &st };
	int rc = NEBJOB_ERROR;

	*out = NULL;
	if (relax_start(o, n, &st, err) == -1 || endpoint_preset(o, &preset, err) == -1)
		goto out;
	ji.preset = preset;
	if (inputs(o, &n->parent, &ji, &v, err) == -1)
		goto out;
	*out = relax_record(rec, o, b, n, &ji, &v);
	json_object_set_new(*out, "dir", json_string(dir));
	if (st.from)
		json_object_set_new(*out, "restart_from", json_string(st.from));
	r.job = *out;
	rc = make_dir(o, n->id, fill_relax, &r, err);
out:
	if (rc == NEBJOB_ERROR && *out) {
		json_decref(*out);
		*out = NULL;
	}
	vasp_files_release(&v);
	relax_start_release(&st);
	free(preset);
	free(dir);
	return rc;
}

/* Each endpoint's relaxation (directories and records into arr) and its map into job. */
static int
plan_parents(const json_t *rec, const struct nebjob_opts *o, const struct built *b, const struct kpoints *kp,
    json_t *job, json_t *arr, struct hk_err *err)
{
	struct vacsym vs = VACSYM_INIT;
	struct need n[2];
	const struct cell *e[2] = { &b->p.start, &b->p.end };
	static const char *const side[2] = { "start", "end" };
	json_t *maps = json_object(), *parents = json_array();
	int rc = -1, planned = 0;

	if (vacsym_build(&b->c, b->m, o->symprec, o->map_tol, &vs, err) == -1)
		goto out;
	for (; planned < 2; planned++)
		if (plan_endpoint(rec, b, &vs, e[planned], &n[planned], err) == -1) {
			need_release(&n[planned]);
			goto out;
		}
	for (int k = 0; k < 2; k++) {
		json_t *m = vacmap_json(&n[k].map), *r = NULL;
		json_object_set_new(m, "parent", json_string(n[k].id));
		json_object_set_new(maps, side[k], m);
		json_array_append_new(parents, json_string(n[k].id));
		if (k == 1 && strcmp(n[0].id, n[1].id) == 0)
			continue;
		if (make_relax(rec, o, b, &n[k], kp, &r, err) == NEBJOB_ERROR)
			goto out;
		json_array_append_new(arr, r);
	}
	json_object_set(job, "parents", parents);
	json_object_set(job, "endpoint_maps", maps);
	json_object_set_new(job, "interpolation", json_string(!o->idpp ? "linear" :
	    o->idpp_opts.steepest ? "idpp-steepest" : "idpp"));
	rc = 0;
out:
	for (int k = 0; k < planned; k++)
		need_release(&n[k]);
	json_decref(maps);
	json_decref(parents);
	vacsym_release(&vs);
	return rc;
}

struct hop_ctx {
	const struct nebjob_opts *o;
	const char *id;
	const struct built *b;
	const struct vasp_files *v;
	const json_t *job;
};

static int
fill_hop(const char *tmp, const void *ctx, struct hk_err *err)
{
	const struct hop_ctx *h = ctx;

	return write_job(tmp, h->o, h->id, h->b, h->v, h->job, err);
}

int
nebjob_make(const json_t *rec, const struct nebjob_opts *o, json_t **job, int *potcar_missing,
    struct hk_err *err)
{
	struct built b;
	struct vasp_files v = VASP_FILES_INIT;
	struct kpoints kp;
	struct job_inputs ji = { hop_preset(o), 0, &kp, -1, 0 };
	json_t *arr = NULL;
	char *dir = NULL;
	const char *id;
	int rc = NEBJOB_ERROR, collide = -1;

	*job = NULL;
	if ((id = rec_id(rec, err)) == NULL)
		return NEBJOB_ERROR;
	if (build(rec, o, &b, err) == -1)
		goto out;
	for (int k = 0; k < b.nimg && k < 128; k++)
		if (b.closest[k] < o->min_distance && collide < 0)
			collide = k;
	ji.nimages = o->kind == NEBJOB_NEB ? b.nimg - 2 : 0;
	if (chain_kpoints(o, &b.p.start, &kp, err) == -1 || inputs(o, &b.p.start, &ji, &v, err) == -1)
		goto out;
	*potcar_missing = !v.have_potcar;
	dir = xasprintf("%s/%s", o->out, id);
	*job = job_record(rec, o, dir, &b, &ji, &v);
	if (collide >= 0 && !o->force) {
		err_set(err, "atoms %.3f A apart in image %d (less than %g A); not written (--force writes it)",
		    b.closest[collide], collide, o->min_distance);
		rc = NEBJOB_COLLISION;
		goto out;
	}
	if (o->relax_endpoints && plan_parents(rec, o, &b, &kp, *job, arr = json_array(), err) == -1)
		goto out;
	struct hop_ctx h = { o, id, &b, &v, *job };
	rc = make_dir(o, id, fill_hop, &h, err);
out:
	if (rc == NEBJOB_ERROR && *job) {
		json_decref(*job);
		*job = NULL;
	}
	if (arr && *job) {
		json_array_append(arr, *job);
		json_decref(*job);
		*job = json_incref(arr);
	}
	json_decref(arr);
	built_release(&b);
	vasp_files_release(&v);
	free(dir);
	return rc;
}

int
nebjob_view_xyz(const json_t *rec, const struct nebjob_opts *o, struct sbuf *out, struct hk_err *err)
{
	struct built b;
	const char *id = json_string_value(json_object_get(rec, "id"));
	const struct cell *s;
	char nb[NUM_BUFSZ];

	if (build(rec, o, &b, err) == -1) {
		built_release(&b);
		return -1;
	}
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

void
nebjob_drop_seen(json_t *jobs, struct strset *seen)
{
	size_t k = 0;

	if (!json_is_array(jobs))
		return;
	while (k + 1 < json_array_size(jobs)) {
		const char *id = json_string_value(json_object_get(json_array_get(jobs, k), "id"));
		if (id && strset_add(seen, id) == 0)
			json_array_remove(jobs, k);
		else
			k++;
	}
}
