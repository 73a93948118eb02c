#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "elements.h"
#include "ewald.h"
#include "hops.h"
#include "jsonw.h"
#include "lattice.h"
#include "measure.h"
#include "paths.h"
#include "neigh.h"
#include "neb.h"
#include "rec.h"
#include "sbuf.h"
#include "structjson.h"
#include "supercell.h"
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

int
measure_parse_only(const char *list, unsigned *what, struct hk_err *err)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "oxidation_state", MEASURE_OXIDATION }, { "oxidation_states", MEASURE_OXIDATION },
		{ "dimensionality", MEASURE_DIMENSIONALITY },
		{ "dimensionality_cumlengths", MEASURE_DIMENSIONALITY },
		{ "ewald_energy", MEASURE_EWALD }, { "ionic_radii_overlap_cations", MEASURE_OVERLAP },
		{ "ionic_radii_overlap_anions", MEASURE_OVERLAP }, { "bvse_barrier", MEASURE_BVSE },
	};
	const char *p = list;

	*what = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t k;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == n && strncmp(names[k].name, p, n) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0])) {
			err_set(err, "unknown measure '%.*s'", (int)n, p);
			return -1;
		}
		*what |= names[k].bit;
		p += n + (p[n] == ',');
	}
	return *what ? 0 : (err_set(err, "no measures named"), -1);
}

/* What the structure of a group gives every record of it. */
struct shared {
	struct cell c, prim;
	struct symmetry sym, psym;
	struct hopset hs;
	int use_prim;
	int *oxi;
	char oxi_err[600];
	char hops_err[600];
	int hops_ok;
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
}

static void
fail(json_t *errors, json_t *m, const char *name, const char *why)
{
	json_object_set_new(m, name, json_null());
	json_object_set_new(errors, name, json_string(why));
}

/* The hop of a path record: its ion, sites and image. */
struct hop_in {
	int z, i, j, image[3];
	double a[3], b[3];
};

static int
read_hop(const json_t *rec, const struct cell *c, struct hop_in *h, char *why, size_t n)
{
	const json_t *ii = json_object_get(rec, "iindex"), *ei = json_object_get(rec, "eindex");
	const json_t *es = json_object_get(rec, "esite");

	if (!json_is_integer(ii) || !json_is_integer(ei) || !json_is_array(es) || json_array_size(es) != 3) {
		snprintf(why, n, "record has no hop (iindex, eindex, esite)");
		return -1;
	}
	h->i = (int)json_integer_value(ii);
	h->j = (int)json_integer_value(ei);
	if (h->i < 0 || h->j < 0 || h->i >= c->n || h->j >= c->n || c->z[h->i] != c->z[h->j]) {
		snprintf(why, n, "iindex/eindex do not name two sites of one element");
		return -1;
	}
	h->z = c->z[h->i];
	for (int k = 0; k < 3; k++) {
		const json_t *v = json_array_get(es, (size_t)k);
		if (!json_is_number(v)) {
			snprintf(why, n, "esite is not 3 numbers");
			return -1;
		}
		h->b[k] = json_number_value(v);
		h->a[k] = c->frac[h->i][k];
		h->image[k] = (int)lround(h->b[k] - c->frac[h->j][k]);
		if (fabs(h->b[k] - c->frac[h->j][k] - h->image[k]) > 1e-3) {
			snprintf(why, n, "esite is not at site eindex");
			return -1;
		}
	}
	return 0;
}

static void
dims(struct shared *s, const struct hop_in *h, json_t *m, json_t *errors, double symprec, int network)
{
	const struct cell *c = s->use_prim ? &s->prim : &s->c;
	double a[3], b[3];
	int k;

	if (!s->hops_ok) {
		fail(errors, m, "dimensionality", s->hops_err);
		fail(errors, m, "dimensionality_cumlengths", s->hops_err);
		return;
	}
	if (s->use_prim) {
		double inv[3][3], r[3];
		lat_inverse(c->lattice, inv);
		lat_frac_to_cart(s->c.lattice, h->a, r);
		lat_cart_to_frac(inv, r, a);
		lat_frac_to_cart(s->c.lattice, h->b, r);
		lat_cart_to_frac(inv, r, b);
	} else {
		memcpy(a, h->a, sizeof(a));
		memcpy(b, h->b, sizeof(b));
	}
	k = hops_class_of(&s->hs, c, a, b, 2 * symprec);
	if (k < 0) {
		fail(errors, m, "dimensionality", "the hop is not among the structure's hops");
		fail(errors, m, "dimensionality_cumlengths", "the hop is not among the structure's hops");
		return;
	}
	json_object_set_new(m, "dimensionality", json_integer(hops_dimensionality(&s->hs, &k, 1)));
	json_object_set_new(m, "dimensionality_cumlengths", json_integer(hops_dimensionality_upto(&s->hs, k)));
	if (network && !s->use_prim) {
		/* the edges percolated, as (site, site, image) of the record's cell */
		json_t *net = json_object(), *fam = json_array(), *cum = json_array();
		for (int c2 = 0; c2 < s->hs.n; c2++) {
			if (c2 != k && s->hs.h[c2].length > s->hs.h[k].length + 1e-6)
				continue;
			for (int e = 0; e < s->hs.h[c2].nedge; e++) {
				const int *t = s->hs.h[c2].edge[e];
				json_t *row = json_pack("[iiiii]", s->hs.ion_site[t[0]], s->hs.ion_site[t[1]], t[2], t[3], t[4]);
				if (c2 == k)
					json_array_append(fam, row);
				json_array_append_new(cum, row);
			}
		}
		json_object_set_new(net, "family_edges", fam);
		json_object_set_new(net, "cumulative_edges", cum);
		json_object_set_new(m, "network", net);
	}
}

struct over_ctx {
	const struct cell *c;
	const int *q;
	const struct bvse_tables *t;
	int mover;
	double rm, cat, an;
	char why[200];
};

static int
over_visit(void *ctx, int j, const int img[3], double d)
{
	struct over_ctx *x = ctx;
	double r;

	if (j == x->mover && img[0] == 0 && img[1] == 0 && img[2] == 0)
		return 0;
	if (x->q[j] == 0)
		return 0;
	r = bvse_radius(x->t, x->c->z[j], x->q[j]);
	if (!(r > 0)) {
		char b[16];
		snprintf(x->why, sizeof(x->why), "no ionic radius for %s", elem_ion(x->c->z[j], x->q[j], b));
		return 1;
	}
	double o = x->rm + r - d;
	if (x->q[j] > 0 && o > x->cat)
		x->cat = o;
	if (x->q[j] < 0 && o > x->an)
		x->an = o;
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

/* DIR/<id>.json: the images with the oxidation states used, and the mover. */
static int
write_images(const char *dir, const json_t *rec, struct cell *img, int ni, const int *q, int mover,
    struct hk_err *err)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	json_t *doc = json_object(), *arr = json_array();
	struct sbuf path = SBUF_INIT, tmp = SBUF_INIT, text = SBUF_INIT;
	int rc = -1;
	FILE *f;

	if (id == NULL || !rec_id_valid(id)) {
		err_set(err, "record has no valid id");
		goto out;
	}
	for (int k = 0; k < ni; k++) {
		double *qd = xmalloc((size_t)img[k].n * sizeof(double));
		for (int a = 0; a < img[k].n; a++)
			qd[a] = q[a];
		img[k].oxi = qd;
		json_array_append_new(arr, structjson_compact(&img[k]));
		img[k].oxi = NULL;
		free(qd);
	}
	json_object_set_new(doc, "id", json_string(id));
	json_object_set_new(doc, "mover", json_integer(mover));
	json_object_set_new(doc, "images", arr);
	sbuf_addf(&path, "%s/%s.json", dir, id);
	sbuf_addf(&tmp, "%s.tmp.%ld", path.s, (long)getpid());
	if (jsonw_value(&text, doc, err) == -1)
		goto out;
	sbuf_addc(&text, '\n');
	if ((f = fopen(tmp.s, "w")) == NULL) {
		err_set(err, "%s: %s", tmp.s, strerror(errno));
		goto out;
	}
	if (fwrite(text.s, 1, text.len, f) != text.len || fclose(f) != 0 || rename(tmp.s, path.s) != 0) {
		err_set(err, "%s: %s", path.s, strerror(errno));
		unlink(tmp.s);
		goto out;
	}
	rc = 0;
out:
	json_decref(doc);
	sbuf_release(&path);
	sbuf_release(&tmp);
	sbuf_release(&text);
	return rc;
}

static void
along_path(const json_t *rec, struct shared *s, const struct hop_in *h, const struct measure_opts *o,
    const struct measure_tables *t, json_t *m, json_t *errors)
{
	struct neb_path p = NEB_PATH_INIT;
	struct hk_err e = HK_ERR_INIT;
	int ni = o->nimages + 2, mm[3][3], *q = NULL;
	struct cell *img = xcalloc((size_t)ni, sizeof(*img));
	struct idpp_result ir;
	unsigned want = o->what & (MEASURE_EWALD | MEASURE_OVERLAP | MEASURE_BVSE);
	const char *why = NULL;
	char buf[700];

	if (paths_supercell_matrix(rec, s->c.lattice, o->min_length, mm) == -1)
		why = "no usable supercell";
	else if (neb_endpoints(&s->c, h->i, h->j, h->image, mm, &p, &e) == -1)
		why = e.msg;
	if (why == NULL) {
		neb_linear(&p, o->nimages, img);
		if (idpp_relax(img, ni, &o->idpp, &ir, &e) == -1) {
			snprintf(buf, sizeof(buf), "IDPP: %s", e.msg);
			why = buf;
		}
	}
	if (why) {
		if (want & MEASURE_EWALD)
			fail(errors, m, "ewald_energy", why);
		if (want & MEASURE_OVERLAP) {
			fail(errors, m, "ionic_radii_overlap_cations", why);
			fail(errors, m, "ionic_radii_overlap_anions", why);
		}
		if (want & MEASURE_BVSE)
			fail(errors, m, "bvse_barrier", why);
		goto out;
	}
	json_object_set_new(m, "idpp", idpp_result_json(&ir));
	{
		double closest[64];
		for (int k = 0; k < ni && k < 64; k++)
			closest[k] = neb_closest(&img[k], NULL, NULL);
		json_object_set_new(m, "images_closest", jsonw_vec(closest, ni < 64 ? ni : 64));
	}
	if (s->oxi == NULL) {
		snprintf(buf, sizeof(buf), "no oxidation states: %.500s", s->oxi_err);
		if (want & MEASURE_EWALD)
			fail(errors, m, "ewald_energy", buf);
		if (want & MEASURE_OVERLAP) {
			fail(errors, m, "ionic_radii_overlap_cations", buf);
			fail(errors, m, "ionic_radii_overlap_anions", buf);
		}
		if (want & MEASURE_BVSE)
			fail(errors, m, "bvse_barrier", buf);
		goto out;
	}
	q = xmalloc((size_t)p.start.n * sizeof(int));
	for (int a = 0; a < p.start.n; a++)
		q[a] = s->oxi[p.site[a]];
	if (o->images_dir && write_images(o->images_dir, rec, img, ni, q, p.mover, &e) == -1)
		json_object_set_new(errors, "images", json_string(e.msg));
	if (want & MEASURE_EWALD) {
		double *en = xmalloc((size_t)ni * sizeof(double)), *qd = xmalloc((size_t)p.start.n * sizeof(double));
		int ok = 1;
		for (int a = 0; a < p.start.n; a++)
			qd[a] = q[a];
		for (int k = 0; k < ni && ok; k++)
			ok = ewald_site_energies(&img[k], qd, &p.mover, 1, o->ewald_tol, &en[k], &e) == 0;
		if (!ok || en[0] == 0) {
			fail(errors, m, "ewald_energy", ok ? "site energy of the start is zero" : e.msg);
		} else {
			double rel[64], mx = 0;
			for (int k = 0; k < ni && k < 64; k++) {
				rel[k] = (en[k] - en[0]) / fabs(en[0]);
				mx = rel[k] > mx ? rel[k] : mx;
			}
			json_object_set_new(m, "ewald_energy", jsonw_real(mx));
			json_object_set_new(m, "ewald_profile", jsonw_vec(rel, ni < 64 ? ni : 64));
			json_object_set_new(m, "ewald_energies", jsonw_vec(en, ni < 64 ? ni : 64));
		}
		free(en);
		free(qd);
	}
	if (want & MEASURE_OVERLAP) {
		double rm = bvse_radius(&t->bvse, h->z, q[p.mover]);
		double *cat = xmalloc((size_t)ni * sizeof(double)), *an = xmalloc((size_t)ni * sizeof(double));
		struct over_ctx x = { NULL, q, &t->bvse, p.mover, rm, 0, 0, "" };
		int ok = rm > 0;
		if (!ok)
			snprintf(x.why, sizeof(x.why), "no ionic radius for the moving %s",
			    elem_ion(h->z, q[p.mover], (char[16]){ 0 }));
		for (int k = 0; k < ni && ok; k++) {
			struct neigh_grid g;
			x.c = &img[k];
			x.cat = x.an = -INFINITY;
			neigh_build(&g, img[k].lattice, img[k].n, (const double (*)[3])img[k].frac, o->overlap_cutoff);
			ok = neigh_query(&g, img[k].frac[p.mover], o->overlap_cutoff, over_visit, &x) == 0;
			neigh_release(&g);
			cat[k] = x.cat;
			an[k] = x.an;
		}
		if (!ok) {
			fail(errors, m, "ionic_radii_overlap_cations", x.why);
			fail(errors, m, "ionic_radii_overlap_anions", x.why);
		} else {
			if (isfinite(cat[0]))
				json_object_set_new(m, "ionic_radii_overlap_cations", jsonw_real(largest_change(cat, ni)));
			else
				fail(errors, m, "ionic_radii_overlap_cations", "no cation within the cutoff");
			if (isfinite(an[0]))
				json_object_set_new(m, "ionic_radii_overlap_anions", jsonw_real(largest_change(an, ni)));
			else
				fail(errors, m, "ionic_radii_overlap_anions", "no anion within the cutoff");
		}
		free(cat);
		free(an);
	}
	if (want & MEASURE_BVSE) {
		double en[64];
		int ok = 1;
		for (int k = 0; k < ni && k < 64 && ok; k++)
			ok = bvse_energy(&t->bvse, &img[k], q, p.mover, h->z, q[p.mover], img[k].frac[p.mover],
			    o->bvse_cutoff, &en[k], &e) == 0;
		if (!ok) {
			fail(errors, m, "bvse_barrier", e.msg);
		} else {
			double mx = en[0], prof[64];
			for (int k = 0; k < ni && k < 64; k++) {
				mx = en[k] > mx ? en[k] : mx;
				prof[k] = en[k] - en[0];
			}
			json_object_set_new(m, "bvse_barrier", jsonw_real(mx - en[0]));
			json_object_set_new(m, "bvse_profile", jsonw_vec(prof, ni < 64 ? ni : 64));
		}
	}
out:
	free(q);
	for (int k = 0; k < ni; k++)
		cell_release(&img[k]);
	free(img);
	neb_path_release(&p);
}

static void
prepare(struct shared *s, json_t **recs, int n, const struct measure_opts *o, const struct measure_tables *t)
{
	struct hk_err e = HK_ERR_INIT;
	double maxlen = 0;
	int z = 0;

	if (o->what & (MEASURE_OXIDATION | MEASURE_EWALD | MEASURE_OVERLAP | MEASURE_BVSE)) {
		s->oxi = xmalloc((size_t)s->c.n * sizeof(int));
		if (bv_oxidation_states(&s->c, &s->sym, &t->bv, s->oxi, &e) == -1) {
			snprintf(s->oxi_err, sizeof(s->oxi_err), "%s", e.msg);
			free(s->oxi);
			s->oxi = NULL;
		}
	}
	if (!(o->what & MEASURE_DIMENSIONALITY))
		return;
	for (int k = 0; k < n; k++) {
		const json_t *l = json_object_get(recs[k], "length");
		const json_t *ii = json_object_get(recs[k], "iindex");
		if (json_is_number(l) && json_number_value(l) > maxlen)
			maxlen = json_number_value(l);
		if (json_is_integer(ii) && json_integer_value(ii) >= 0 && json_integer_value(ii) < s->c.n)
			z = s->c.z[json_integer_value(ii)];
	}
	if (z == 0 || maxlen <= 0) {
		snprintf(s->hops_err, sizeof(s->hops_err), "records carry no hop length or site");
		return;
	}
	s->use_prim = !sym_complete(&s->sym);
	if (s->use_prim) {
		sym_primitive_of(&s->c, &s->sym, &s->prim);
		if (sym_analyze(&s->prim, o->symprec, &s->psym, &e) == -1) {
			snprintf(s->hops_err, sizeof(s->hops_err), "primitive cell: %s", e.msg);
			return;
		}
	}
	if (hops_find(s->use_prim ? &s->prim : &s->c, s->use_prim ? &s->psym : &s->sym, z, maxlen + 1e-5,
	    o->symprec, &s->hs, &e) == -1) {
		snprintf(s->hops_err, sizeof(s->hops_err), "%s", e.msg);
		return;
	}
	s->hops_ok = 1;
}

int
measure_group(json_t **recs, int n, const struct measure_opts *o, const struct measure_tables *t,
    struct hk_err *err)
{
	struct shared s;

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
	prepare(&s, recs, n, o, t);
	for (int r = 0; r < n; r++) {
		json_t *m = json_object(), *errors = json_object();
		struct hop_in h;
		char why[200];
		int hop_ok = read_hop(recs[r], &s.c, &h, why, sizeof(why)) == 0;
		if (o->what & MEASURE_OXIDATION) {
			if (s.oxi == NULL) {
				fail(errors, m, "oxidation_state", s.oxi_err);
				fail(errors, m, "oxidation_states", s.oxi_err);
			} else {
				json_t *all = json_array();
				for (int i = 0; i < s.c.n; i++)
					json_array_append_new(all, json_integer(s.oxi[i]));
				if (hop_ok)
					json_object_set_new(m, "oxidation_state", json_integer(s.oxi[h.i]));
				else
					fail(errors, m, "oxidation_state", why);
				json_object_set_new(m, "oxidation_states", all);
			}
		}
		if (o->what & MEASURE_DIMENSIONALITY) {
			if (hop_ok) {
				dims(&s, &h, m, errors, o->symprec, o->network);
			} else {
				fail(errors, m, "dimensionality", why);
				fail(errors, m, "dimensionality_cumlengths", why);
			}
		}
		if (o->what & (MEASURE_EWALD | MEASURE_OVERLAP | MEASURE_BVSE)) {
			if (hop_ok)
				along_path(recs[r], &s, &h, o, t, m, errors);
			else
				for (const char *const *nm = (const char *const[]){ "ewald_energy",
				    "ionic_radii_overlap_cations", "ionic_radii_overlap_anions", "bvse_barrier", NULL }; *nm; nm++)
					fail(errors, m, *nm, why);
		}
		json_object_set_new(m, "errors", errors);
		json_object_set_new(recs[r], "measures", m);
	}
	shared_release(&s);
	return 0;
}
