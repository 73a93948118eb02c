/*
 * measure.c - the descriptors of measure.h, as a table.
 *
 * A descriptor is one row: its MEASURE_* bit, the fields it writes (the
 * names --only takes), what it needs, and the function that writes the
 * fields once the needs are met.  A record's needs are made on first use,
 * so the fields keep the order of the table's rows; a need that cannot be
 * made nulls, with its reason, every requested descriptor that needs it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "elements.h"
#include "ewald.h"
#include "fileio.h"
#include "hops.h"
#include "jsonw.h"
#include "lattice.h"
#include "measure.h"
#include "neb.h"
#include "neigh.h"
#include "paths.h"
#include "rec.h"
#include "sbuf.h"
#include "structjson.h"
#include "symmetry.h"
#include "xalloc.h"

void
measure_opts_init(struct measure_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->what = MEASURE_ALL;
	o->nimages = 5;
	o->symprec = 0.1;
	o->ewald_tol = 1e-12;
	o->overlap_cutoff = 8.0;
	o->bvse_cutoff = 10.0;
	o->min_length = 7.0;
	idpp_opts_init(&o->idpp);
	o->idpp.ftol = 1e-3;
}

int
measure_tables_load(struct measure_tables *t, struct hk_err *err)
{
	memset(t, 0, sizeof(*t));
	if (bv_tables_load(&t->bv, err) == -1)
		return -1;
	if (bvse_tables_load(&t->bvse, err) == -1) {
		bv_tables_release(&t->bv);
		return -1;
	}
	return 0;
}

void
measure_tables_release(struct measure_tables *t)
{
	bv_tables_release(&t->bv);
	bvse_tables_release(&t->bvse);
}

/* What the structure of a group gives every record of it. */
struct shared {
	struct cell c, prim;
	struct symmetry sym, psym;
	struct hopset hs;
	int use_prim;
	int *oxi;		/* per site; NULL when oxi_err says why */
	char *oxi_err;
	int hops_ok;		/* hs is ready; else hops_err says why */
	char *hops_err;
};

static void
shared_release(struct shared *s)
{
	cell_release(&s->c);
	cell_release(&s->prim);
	sym_release(&s->sym);
	sym_release(&s->psym);
	hopset_release(&s->hs);
	free(s->oxi);
	free(s->oxi_err);
	free(s->hops_err);
}

/* The bond-valence oxidation states of the structure's sites, or why not. */
static void
shared_oxidation_states(struct shared *s, const struct measure_tables *t)
{
	struct hk_err e = HK_ERR_INIT;

	s->oxi = xmalloc((size_t)s->c.n * sizeof(int));
	if (bv_oxidation_states(&s->c, &s->sym, &t->bv, s->oxi, &e) == -1) {
		s->oxi_err = xstrdup(e.msg);
		free(s->oxi);
		s->oxi = NULL;
	}
}

/*
 * The hop families of the records' ion up to their longest hop, in the
 * primitive cell when the structure is not one (as find-paths found them).
 */
static void
shared_hops(struct shared *s, json_t **recs, int n, const struct measure_opts *o)
{
	struct hk_err e = HK_ERR_INIT;
	double maxlen = 0;
	int z = 0;

	for (int k = 0; k < n; k++) {
		const json_t *l = json_object_get(recs[k], "length");
		const json_t *ii = json_object_get(recs[k], "iindex");
		if (json_is_number(l) && json_number_value(l) > maxlen)
			maxlen = json_number_value(l);
		if (json_is_integer(ii) && json_integer_value(ii) >= 0 && json_integer_value(ii) < s->c.n)
			z = s->c.z[json_integer_value(ii)];
	}
	if (z == 0 || maxlen <= 0) {
		s->hops_err = xstrdup("records carry no hop length or site");
		return;
	}
	s->use_prim = !sym_complete(&s->sym);
	if (s->use_prim) {
		sym_primitive_of(&s->c, &s->sym, &s->prim);
		if (sym_analyze(&s->prim, o->symprec, &s->psym, &e) == -1) {
			s->hops_err = xasprintf("primitive cell: %s", e.msg);
			return;
		}
	}
	if (hops_find(s->use_prim ? &s->prim : &s->c, s->use_prim ? &s->psym : &s->sym, z, maxlen + 1e-5,
	    o->symprec, &s->hs, &e) == -1) {
		s->hops_err = xstrdup(e.msg);
		return;
	}
	s->hops_ok = 1;
}

/* The hop of a path record: its ion, sites and image. */
struct hop_in {
	int z, i, j, image[3];
	double a[3], b[3];
};

/* What a descriptor can need of its record, in the order the needs are made. */
enum {
	NEED_OXI = 1,		/* the structure's oxidation states */
	NEED_HOP = 2,		/* the record's hop (iindex, eindex, esite) */
	NEED_HOPS = 4,		/* the structure's hop families */
	NEED_PATH = 8,		/* the IDPP images along the hop, in the supercell */
	NEED_CHARGES = 16,	/* the oxidation states of the images' atoms */
	NNEEDS = 5
};

/*
 * One record being measured: its needs as far as they are made, and the
 * measures object being written.  The option and table pointers are the
 * caller's (the Ewald setup and the bond-valence tables every descriptor
 * may use); everything else is the record's own.
 */
struct record {
	const json_t *rec;
	const struct shared *s;
	const struct measure_opts *o;
	const struct measure_tables *t;
	json_t *m, *errors;
	unsigned wanted_needs;	/* NEED_* bits of the requested descriptors */
	unsigned made, unmet;	/* NEED_* bits tried, and failed */
	unsigned done;		/* MEASURE_* bits written */
	char *why[NNEEDS];	/* why each unmet need failed */
	struct hop_in h;	/* NEED_HOP */
	struct neb_path p;	/* NEED_PATH: the endpoints ... */
	struct cell *img;	/* ... and ni images, endpoints included */
	int ni;
	int *q;			/* NEED_CHARGES: per atom of the images */
};

static void
record_release(struct record *r)
{
	for (int k = 0; k < NNEEDS; k++)
		free(r->why[k]);
	neb_path_release(&r->p);
	for (int k = 0; r->img && k < r->ni; k++)
		cell_release(&r->img[k]);
	free(r->img);
	free(r->q);
}

/* A field that cannot be computed: null, with its reason under errors. */
static void
field_fail(struct record *r, const char *name, const char *why)
{
	json_object_set_new(r->m, name, json_null());
	json_object_set_new(r->errors, name, json_string(why));
}

/* -1, with the new string msg (the caller's now) as the reason. */
static int
unmet(char **why, char *msg)
{
	*why = msg;
	return -1;
}

/* The record's hop, checked against the structure. */
static int
hop_read(struct record *r, char **why)
{
	const json_t *ii = json_object_get(r->rec, "iindex"), *ei = json_object_get(r->rec, "eindex");
	const json_t *es = json_object_get(r->rec, "esite");
	const struct cell *c = &r->s->c;
	struct hop_in *h = &r->h;

	if (!json_is_integer(ii) || !json_is_integer(ei) || !json_is_array(es) || json_array_size(es) != 3)
		return unmet(why, xstrdup("record has no hop (iindex, eindex, esite)"));
	h->i = (int)json_integer_value(ii);
	h->j = (int)json_integer_value(ei);
	if (h->i < 0 || h->j < 0 || h->i >= c->n || h->j >= c->n || c->z[h->i] != c->z[h->j])
		return unmet(why, xstrdup("iindex/eindex do not name two sites of one element"));
	h->z = c->z[h->i];
	for (int k = 0; k < 3; k++) {
		const json_t *v = json_array_get(es, (size_t)k);
		if (!json_is_number(v))
			return unmet(why, xstrdup("esite is not 3 numbers"));
		h->b[k] = json_number_value(v);
		h->a[k] = c->frac[h->i][k];
		h->image[k] = (int)lround(h->b[k] - c->frac[h->j][k]);
		if (fabs(h->b[k] - c->frac[h->j][k] - h->image[k]) > 1e-3)
			return unmet(why, xstrdup("esite is not at site eindex"));
	}
	return 0;
}

static int
oxi_available(struct record *r, char **why)
{
	if (r->s->oxi)
		return 0;
	return unmet(why, xstrdup(r->s->oxi_err ? r->s->oxi_err : ""));
}

static int
hops_available(struct record *r, char **why)
{
	if (r->s->hops_ok)
		return 0;
	return unmet(why, xstrdup(r->s->hops_err ? r->s->hops_err : ""));
}

/* Closest approach of two atoms in each image. */
static json_t *
images_closest(const struct cell *img, int ni)
{
	double *d = xmalloc((size_t)ni * sizeof(double));
	json_t *v;

	for (int k = 0; k < ni; k++)
		d[k] = neb_closest(&img[k], NULL, NULL);
	v = jsonw_vec(d, ni);
	free(d);
	return v;
}

/* The images of the hop, IDPP-relaxed; the IDPP result goes into the measures. */
static int
path_relax(struct record *r, char **why)
{
	struct hk_err e = HK_ERR_INIT;
	struct idpp_result ir;
	int mm[3][3], detour = 0;

	if (paths_supercell_matrix(r->rec, r->s->c.lattice, r->o->min_length, mm) == -1)
		return unmet(why, xstrdup("no usable supercell"));
	if (neb_endpoints(&r->s->c, r->h.i, r->h.j, r->h.image, mm, &r->p, &e) == -1)
		return unmet(why, xstrdup(e.msg));
	r->ni = r->o->nimages + 2;
	r->img = xcalloc((size_t)r->ni, sizeof(*r->img));
	if (neb_idpp(&r->p, r->o->nimages, &r->o->idpp, r->img, &ir, &detour, &e) == -1)
		return unmet(why, xasprintf("IDPP: %s", e.msg));
	json_t *idpp = idpp_result_json(&ir);
	json_object_set_new(idpp, "start", json_string(detour ? "detour" : "linear"));
	json_object_set_new(r->m, "idpp", idpp);
	json_object_set_new(r->m, "images_closest", images_closest(r->img, r->ni));
	return 0;
}

/* The n integer charges q as doubles (a new array). */
static double *
charges_real(const int *q, int n)
{
	double *d = xmalloc((size_t)(n > 0 ? n : 1) * sizeof(double));

	for (int a = 0; a < n; a++)
		d[a] = q[a];
	return d;
}

/* The images file's document: the id, the mover and the images with their charges. */
static json_t *
images_doc(const char *id, const struct cell *img, int ni, const int *q, int mover)
{
	json_t *doc = json_object(), *arr = json_array();

	for (int k = 0; k < ni; k++) {
		struct cell ck = img[k];
		ck.oxi = charges_real(q, img[k].n);
		json_array_append_new(arr, structjson_compact(&ck));
		free(ck.oxi);
	}
	json_object_set_new(doc, "id", json_string(id));
	json_object_set_new(doc, "mover", json_integer(mover));
	json_object_set_new(doc, "images", arr);
	return doc;
}

/* DIR/<id>.json: the images with the oxidation states used, and the mover. */
static int
images_write(const char *dir, const json_t *rec, const struct cell *img, int ni, const int *q, int mover,
    struct hk_err *err)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	struct sbuf path = SBUF_INIT, text = SBUF_INIT;
	json_t *doc = NULL;
	int rc = -1;

	if (id == NULL || !rec_id_valid(id)) {
		err_set(err, "record has no valid id");
		goto out;
	}
	doc = images_doc(id, img, ni, q, mover);
	sbuf_addf(&path, "%s/%s.json", dir, id);
	if (jsonw_value(&text, doc, err) == -1)
		goto out;
	sbuf_addc(&text, '\n');
	rc = file_write_atomic(path.s, text.s, text.len, err);
out:
	json_decref(doc);
	sbuf_release(&path);
	sbuf_release(&text);
	return rc;
}

/* The oxidation state of each image atom; the images file is written with them. */
static int
charges_assign(struct record *r, char **why)
{
	struct hk_err e = HK_ERR_INIT;

	if (r->s->oxi == NULL)
		return unmet(why, xasprintf("no oxidation states: %.500s", r->s->oxi_err ? r->s->oxi_err : ""));
	r->q = xmalloc((size_t)(r->p.start.n > 0 ? r->p.start.n : 1) * sizeof(int));
	for (int a = 0; a < r->p.start.n; a++)
		r->q[a] = r->s->oxi[r->p.site[a]];
	if (r->o->images_dir && images_write(r->o->images_dir, r->rec, r->img, r->ni, r->q, r->p.mover, &e) == -1)
		json_object_set_new(r->errors, "images", json_string(e.msg));
	return 0;
}

/* The needs, in the order they are made; bit k is row k. */
static const struct need {
	unsigned bit;
	int (*make)(struct record *r, char **why);	/* -1 with a new *why */
} needs[NNEEDS] = {
	{ NEED_OXI, oxi_available },
	{ NEED_HOP, hop_read },
	{ NEED_HOPS, hops_available },
	{ NEED_PATH, path_relax },
	{ NEED_CHARGES, charges_assign },
};

/* Make the need (once per record); its reason when it is unmet, else NULL. */
static const char *
record_unmet(struct record *r, unsigned bit)
{
	int k = 0;

	while (needs[k].bit != bit)
		k++;
	if (!(r->made & bit)) {
		r->made |= bit;
		if (needs[k].make(r, &r->why[k]) == -1)
			r->unmet |= bit;
	}
	return r->unmet & bit ? r->why[k] : NULL;
}

enum { NAMES_MAX = 3 };

struct descriptor;
typedef void measure_fn(struct record *r, const struct descriptor *d);

struct descriptor {
	unsigned bit;		/* MEASURE_* */
	const char *names[NAMES_MAX];	/* its fields in "measures", as --only takes them; NULL-ended */
	unsigned needs;		/* NEED_* */
	measure_fn *measure;	/* writes the fields, the needs met */
};

/* Every field of d null, with the same reason. */
static void
descriptor_fail(struct record *r, const struct descriptor *d, const char *why)
{
	for (int k = 0; k < NAMES_MAX && d->names[k]; k++)
		field_fail(r, d->names[k], why);
}

/* oxidation_state of the hop's ion (when the record has a hop), and of every site. */
static void
measure_oxidation(struct record *r, const struct descriptor *d)
{
	const struct shared *s = r->s;
	json_t *all = json_array();
	const char *why;

	(void)d;
	for (int i = 0; i < s->c.n; i++)
		json_array_append_new(all, json_integer(s->oxi[i]));
	if ((why = record_unmet(r, NEED_HOP)) == NULL)
		json_object_set_new(r->m, "oxidation_state", json_integer(s->oxi[r->h.i]));
	else
		field_fail(r, "oxidation_state", why);
	json_object_set_new(r->m, "oxidation_states", all);
}

/* The hop's endpoints in the cell the hop families were found in. */
static void
hop_in_cell(const struct shared *s, const struct hop_in *h, double a[3], double b[3])
{
	double inv[3][3], x[3];

	if (!s->use_prim) {
		memcpy(a, h->a, 3 * sizeof(double));
		memcpy(b, h->b, 3 * sizeof(double));
		return;
	}
	lat_inverse(s->prim.lattice, inv);
	lat_frac_to_cart(s->c.lattice, h->a, x);
	lat_cart_to_frac(inv, x, a);
	lat_frac_to_cart(s->c.lattice, h->b, x);
	lat_cart_to_frac(inv, x, b);
}

/* The edges percolated for family k and for every family no longer, as (site, site, image). */
static json_t *
network_json(const struct hopset *hs, int k)
{
	json_t *net = json_object(), *fam = json_array(), *cum = json_array();

	for (int c = 0; c < hs->n; c++) {
		if (c != k && hs->h[c].length > hs->h[k].length + 1e-6)
			continue;
		for (int e = 0; e < hs->h[c].nedge; e++) {
			const int *t = hs->h[c].edge[e];
			json_t *row = json_pack("[iiiii]", hs->ion_site[t[0]], hs->ion_site[t[1]], t[2], t[3], t[4]);
			if (c == k)
				json_array_append(fam, row);
			json_array_append_new(cum, row);
		}
	}
	json_object_set_new(net, "family_edges", fam);
	json_object_set_new(net, "cumulative_edges", cum);
	return net;
}

/* Percolation dimensionality of the hop's family, and of every family no longer. */
static void
measure_dimensionality(struct record *r, const struct descriptor *d)
{
	const struct shared *s = r->s;
	double a[3], b[3];
	int k;

	hop_in_cell(s, &r->h, a, b);
	k = hops_class_of(&s->hs, s->use_prim ? &s->prim : &s->c, a, b, 2 * r->o->symprec);
	if (k < 0) {
		descriptor_fail(r, d, "the hop is not among the structure's hops");
		return;
	}
	json_object_set_new(r->m, "dimensionality", json_integer(hops_dimensionality(&s->hs, &k, 1)));
	json_object_set_new(r->m, "dimensionality_cumlengths", json_integer(hops_dimensionality_upto(&s->hs, k)));
	/* the edge sites are the record's only when the families are the record's cell's */
	if (r->o->network && !s->use_prim)
		json_object_set_new(r->m, "network", network_json(&s->hs, k));
}

/* Ewald site energy of the mover in each image into en; -1 with err. */
static int
ewald_energies(const struct record *r, double *en, struct hk_err *err)
{
	double *qd = charges_real(r->q, r->p.start.n);
	int rc = 0;

	for (int k = 0; k < r->ni && rc == 0; k++)
		rc = ewald_site_energies(&r->img[k], qd, &r->p.mover, 1, r->o->ewald_tol, &en[k], err);
	free(qd);
	return rc == 0 ? 0 : -1;
}

/* The first image whose value is not finite, or -1. */
static int
first_not_finite(const double *v, int n)
{
	for (int k = 0; k < n; k++)
		if (!isfinite(v[k]))
			return k;
	return -1;
}

/*
 * ewald_energy: the largest site energy relative to the start's magnitude; its profile.
 * A point-charge sum has no scale tighter than its input: any finite value is
 * the model's answer, so finiteness is the only bound.
 */
static void
measure_ewald(struct record *r, const struct descriptor *d)
{
	struct hk_err e = HK_ERR_INIT;
	double *en = xmalloc((size_t)r->ni * sizeof(double)), *rel, mx = 0;
	char *why = NULL;
	int bad;

	if (ewald_energies(r, en, &e) == -1)
		why = xstrdup(e.msg);
	else if ((bad = first_not_finite(en, r->ni)) >= 0)
		why = xasprintf("the Ewald site energy of image %d is not finite", bad);
	else if (en[0] == 0)
		why = xstrdup("site energy of the start is zero");
	if (why) {
		descriptor_fail(r, d, why);
		free(why);
		free(en);
		return;
	}
	rel = xmalloc((size_t)r->ni * sizeof(double));
	for (int k = 0; k < r->ni; k++) {
		rel[k] = (en[k] - en[0]) / fabs(en[0]);
		mx = rel[k] > mx ? rel[k] : mx;
	}
	json_object_set_new(r->m, "ewald_energy", jsonw_real(mx));
	json_object_set_new(r->m, "ewald_profile", jsonw_vec(rel, r->ni));
	json_object_set_new(r->m, "ewald_energies", jsonw_vec(en, r->ni));
	free(rel);
	free(en);
}

/* The largest overlap of the mover's radius with a cation's and with an anion's, in one image. */
struct overlap {
	const struct cell *c;
	const int *q;
	const struct bvse_tables *t;
	int mover;
	double rm, cat, an;
	char *why;		/* a new string when the search stopped */
};

static int
overlap_visit(void *ctx, int j, const int img[3], double d)
{
	struct overlap *x = ctx;
	double r, o;
	char b[16];

	if (j == x->mover && img[0] == 0 && img[1] == 0 && img[2] == 0)
		return 0;
	if (x->q[j] == 0)
		return 0;
	r = bvse_radius(x->t, x->c->z[j], x->q[j]);
	if (!(r > 0)) {
		x->why = xasprintf("no ionic radius for %s", elem_ion(x->c->z[j], x->q[j], b));
		return 1;
	}
	o = x->rm + r - d;
	if (x->q[j] > 0 && o > x->cat)
		x->cat = o;
	if (x->q[j] < 0 && o > x->an)
		x->an = o;
	return 0;
}

/* Fill x->cat and x->an for the image c (-INFINITY when none within the cutoff). */
static int
overlap_in_image(struct overlap *x, const struct cell *c, double cutoff)
{
	struct neigh_grid g;
	int rc;

	x->c = c;
	x->cat = x->an = -INFINITY;
	if (neigh_build(&g, c->lattice, c->n, (const double (*)[3])c->frac, cutoff) == -1) {
		x->why = xstrdup("an image has a degenerate lattice or coordinates");
		return -1;
	}
	rc = neigh_query(&g, c->frac[x->mover], cutoff, overlap_visit, x);
	neigh_release(&g);
	return rc == 0 ? 0 : -1;
}

/* The largest cation and anion overlaps in each image; -1 with a new *why. */
static int
overlaps_along(const struct record *r, double *cat, double *an, char **why)
{
	int z = r->h.z, qm = r->q[r->p.mover];
	struct overlap x = { NULL, r->q, &r->t->bvse, r->p.mover, bvse_radius(&r->t->bvse, z, qm), 0, 0, NULL };
	char b[16];

	if (!(x.rm > 0))
		return unmet(why, xasprintf("no ionic radius for the moving %s", elem_ion(z, qm, b)));
	for (int k = 0; k < r->ni; k++) {
		if (overlap_in_image(&x, &r->img[k], r->o->overlap_cutoff) == -1)
			return unmet(why, x.why);
		cat[k] = x.cat;
		an[k] = x.an;
	}
	return 0;
}

/* The change from the first image with the largest magnitude, signed. */
static double
largest_change(const double *v, int n)
{
	double best = 0;

	for (int k = 1; k < n; k++)
		if (fabs(v[k] - v[0]) > fabs(best))
			best = v[k] - v[0];
	return best;
}

/*
 * The change is finite when every image has a neighbour of the kind within
 * the cutoff, and then no larger than the cutoff: both overlaps lie in
 * [radii - cutoff, radii].
 */
static void
overlap_set(struct record *r, const char *name, const double *v, const char *none)
{
	double c = largest_change(v, r->ni);

	if (isfinite(v[0]) && isfinite(c))
		json_object_set_new(r->m, name, jsonw_real(c));
	else
		field_fail(r, name, none);
}

/* ionic_radii_overlap_cations/_anions: the signed largest change of each along the path. */
static void
measure_overlap(struct record *r, const struct descriptor *d)
{
	double *cat = xmalloc((size_t)r->ni * sizeof(double)), *an = xmalloc((size_t)r->ni * sizeof(double));
	char *why = NULL;

	if (overlaps_along(r, cat, an, &why) == -1) {
		descriptor_fail(r, d, why);
	} else {
		overlap_set(r, "ionic_radii_overlap_cations", cat, "no cation within the cutoff in an image");
		overlap_set(r, "ionic_radii_overlap_anions", an, "no anion within the cutoff in an image");
	}
	free(why);
	free(cat);
	free(an);
}

/*
 * Why the softBV energies en along the path are no barrier profile, or
 * NULL: an energy not finite, or one further than HK_BARRIER_MAX from the
 * start's (a collision, or parameters that do not bind).  A new string.
 */
static char *
bvse_implausible(const struct record *r, const double *en)
{
	int bad = first_not_finite(en, r->ni), far = 0;

	if (bad >= 0)
		return xasprintf("the softBV energy of image %d is not finite", bad);
	for (int k = 1; k < r->ni; k++)
		if (fabs(en[k] - en[0]) > fabs(en[far] - en[0]))
			far = k;
	if (fabs(en[far] - en[0]) <= HK_BARRIER_MAX)
		return NULL;
	return xasprintf("softBV energy of image %d is %.4g eV from the start's, beyond %g eV: not a barrier "
	    "(closest approach %.2f A in that image)", far, en[far] - en[0], HK_BARRIER_MAX,
	    neb_closest(&r->img[far], NULL, NULL));
}

/* bvse_barrier: the softBV energy of the mover, highest image less the start; its profile. */
static void
measure_bvse(struct record *r, const struct descriptor *d)
{
	struct hk_err e = HK_ERR_INIT;
	double *en = xmalloc((size_t)r->ni * sizeof(double)), *prof, mx;
	int m = r->p.mover, rc = 0;
	char *why = NULL;

	for (int k = 0; k < r->ni && rc == 0; k++)
		rc = bvse_energy(&r->t->bvse, &r->img[k], r->q, m, r->h.z, r->q[m], r->img[k].frac[m],
		    r->o->bvse_cutoff, &en[k], &e);
	if (rc != 0 || (why = bvse_implausible(r, en)) != NULL) {
		descriptor_fail(r, d, why ? why : e.msg);
		free(why);
		free(en);
		return;
	}
	prof = xmalloc((size_t)r->ni * sizeof(double));
	mx = en[0];
	for (int k = 0; k < r->ni; k++) {
		mx = en[k] > mx ? en[k] : mx;
		prof[k] = en[k] - en[0];
	}
	json_object_set_new(r->m, "bvse_barrier", jsonw_real(mx - en[0]));
	json_object_set_new(r->m, "bvse_profile", jsonw_vec(prof, r->ni));
	free(prof);
	free(en);
}

enum { ALONG_PATH = NEED_HOP | NEED_PATH | NEED_CHARGES };

/* The descriptors, in the order their fields are written. */
static const struct descriptor descriptors[] = {
	{ MEASURE_OXIDATION, { "oxidation_state", "oxidation_states" }, NEED_OXI, measure_oxidation },
	{ MEASURE_DIMENSIONALITY, { "dimensionality", "dimensionality_cumlengths" }, NEED_HOP | NEED_HOPS,
	    measure_dimensionality },
	{ MEASURE_EWALD, { "ewald_energy" }, ALONG_PATH, measure_ewald },
	{ MEASURE_OVERLAP, { "ionic_radii_overlap_cations", "ionic_radii_overlap_anions" }, ALONG_PATH,
	    measure_overlap },
	{ MEASURE_BVSE, { "bvse_barrier" }, ALONG_PATH, measure_bvse },
};

enum { NDESCRIPTORS = sizeof(descriptors) / sizeof(descriptors[0]) };

/* The descriptor with a field named by the n bytes at p, or NULL. */
static const struct descriptor *
descriptor_named(const char *p, size_t n)
{
	for (int k = 0; k < NDESCRIPTORS; k++)
		for (int f = 0; f < NAMES_MAX && descriptors[k].names[f]; f++)
			if (strlen(descriptors[k].names[f]) == n && strncmp(descriptors[k].names[f], p, n) == 0)
				return &descriptors[k];
	return NULL;
}

int
measure_parse_only(const char *list, unsigned *what, struct hk_err *err)
{
	const char *p = list;

	*what = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		const struct descriptor *d = descriptor_named(p, n);
		if (d == NULL) {
			err_set(err, "unknown measure '%.*s'", (int)n, p);
			return -1;
		}
		*what |= d->bit;
		p += n + (p[n] == ',');
	}
	return *what ? 0 : (err_set(err, "no measures named"), -1);
}

/* The NEED_* bits of the descriptors in what. */
static unsigned
needs_of(unsigned what)
{
	unsigned n = 0;

	for (int k = 0; k < NDESCRIPTORS; k++)
		if (what & descriptors[k].bit)
			n |= descriptors[k].needs;
	return n;
}

/*
 * Whether an unmet need nulls descriptor d: when d is requested and needs
 * it -- and, as measure has always written such records, a record without
 * a hop nulls every descriptor along the path once one of them is asked for.
 */
static int
fails_with(const struct record *r, const struct descriptor *d, unsigned need)
{
	if (!(d->needs & need) || (r->done & d->bit))
		return 0;
	if (r->o->what & d->bit)
		return 1;
	return need == NEED_HOP && (d->needs & NEED_PATH) && (r->wanted_needs & NEED_PATH);
}

/* The failure fan-out: every descriptor the unmet need nulls is null, with why. */
static void
need_fail(struct record *r, unsigned need, const char *why)
{
	for (int k = 0; k < NDESCRIPTORS; k++) {
		if (fails_with(r, &descriptors[k], need)) {
			descriptor_fail(r, &descriptors[k], why);
			r->done |= descriptors[k].bit;
		}
	}
}

/* Make d's needs in order; -1 (after the fan-out) at the first unmet one. */
static int
needs_met(struct record *r, const struct descriptor *d)
{
	for (int k = 0; k < NNEEDS; k++) {
		const char *why;
		if ((d->needs & needs[k].bit) && (why = record_unmet(r, needs[k].bit)) != NULL) {
			need_fail(r, needs[k].bit, why);
			return -1;
		}
	}
	return 0;
}

/* Add the "measures" object to rec. */
static void
record_measure(json_t *rec, const struct shared *s, const struct measure_opts *o, const struct measure_tables *t)
{
	struct record r = { .rec = rec, .s = s, .o = o, .t = t, .p = NEB_PATH_INIT };

	r.m = json_object();
	r.errors = json_object();
	r.wanted_needs = needs_of(o->what);
	for (int k = 0; k < NDESCRIPTORS; k++) {
		const struct descriptor *d = &descriptors[k];
		if (!(o->what & d->bit) || (r.done & d->bit))
			continue;
		if (needs_met(&r, d) == 0)
			d->measure(&r, d);
		r.done |= d->bit;
	}
	json_object_set_new(r.m, "errors", r.errors);
	json_object_set_new(rec, "measures", r.m);
	record_release(&r);
}

int
measure_group(json_t **recs, int n, const struct measure_opts *o, const struct measure_tables *t,
    struct hk_err *err)
{
	struct shared s;
	unsigned wanted;

	memset(&s, 0, sizeof(s));
	if (structjson_read(json_object_get(recs[0], "structure"), &s.c, err, NULL) == -1) {
		err_prefix(err, "structure");
		shared_release(&s);
		return -1;
	}
	if (sym_analyze(&s.c, o->symprec, &s.sym, err) == -1) {
		shared_release(&s);
		return -1;
	}
	wanted = needs_of(o->what);
	if (wanted & (NEED_OXI | NEED_CHARGES))
		shared_oxidation_states(&s, t);
	if (wanted & NEED_HOPS)
		shared_hops(&s, recs, n, o);
	for (int r = 0; r < n; r++)
		record_measure(recs[r], &s, o, t);
	shared_release(&s);
	return 0;
}
