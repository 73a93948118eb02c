#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cif.h"
#include "elements.h"
#include "formula.h"
#include "hops.h"
#include "jsonw.h"
#include "lattice.h"
#include "fileio.h"
#include "paths.h"
#include "rec.h"
#include "sbuf.h"
#include "structjson.h"
#include "supercell.h"
#include "symmetry.h"
#include "xalloc.h"

void
paths_opts_init(struct paths_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->z = 9;
	o->cutoff = 5.0;
	o->max_paths = 5;
	o->symprec = 0.1;
	o->min_length = 7.0;
	o->min_dim = 1;
	o->cif_points = 5;
}

/* The study's sizes: repeat the reduced primitive cell floor(L/|a_i|)+1 times. */
static void
study_sizes(const struct symmetry *sym, long out[3])
{
	static const double L[3] = { 7, 10, 12 };
	double red[3][3], red2[3][3];
	int n[3];

	if (lat_niggli(sym->prim_lattice, 1e-5, red, NULL) == -1)
		memcpy(red, sym->prim_lattice, sizeof(red));
	lat_lll(red, red2, NULL);
	for (int k = 0; k < 3; k++) {
		supercell_study_n(red2, L[k], n);
		out[k] = (long)sym->n_prim * n[0] * n[1] * n[2];
	}
}

static json_t *
supercell_json(const struct supercell *sc, int nsites)
{
	json_t *o = json_object(), *m = json_array();

	for (int i = 0; i < 3; i++) {
		json_t *row = json_array();
		for (int j = 0; j < 3; j++)
			json_array_append_new(row, json_integer(sc->m[i][j]));
		json_array_append_new(m, row);
	}
	json_object_set_new(o, "matrix", m);
	json_object_set_new(o, "nsites", json_integer((json_int_t)sc->det * nsites));
	json_object_set_new(o, "min_width", jsonw_real(sc->min_width));
	return o;
}

/* DIR/<id>.cif: the structure with the ion drawn at points along the hop. */
static int
write_cif(const struct paths_opts *o, const char *id, const struct cell *c, const double a[3],
    const double b[3], struct hk_err *err)
{
	struct cell v = CELL_INIT;
	struct sbuf text = SBUF_INIT, path = SBUF_INIT;
	int rc;

	cell_copy(&v, c);
	for (int k = 1; k <= o->cif_points; k++) {
		double t = (double)k / (o->cif_points + 1), p[3];
		for (int r = 0; r < 3; r++)
			p[r] = a[r] + t * (b[r] - a[r]);
		cell_add(&v, o->z, p, 0);
	}
	cif_write(&text, &v, id);
	sbuf_addf(&path, "%s/%s.cif", o->cif_dir, id);
	rc = file_write_atomic(path.s, text.s, text.len, err);
	cell_release(&v);
	sbuf_release(&text);
	sbuf_release(&path);
	return rc;
}

static json_t *
path_record(const json_t *rec, const char *sid, const struct paths_opts *o, const struct cell *c,
    const struct hopset *hs, int k, const long sizes[3], const json_t *sc, int dim)
{
	const struct hop *h = &hs->h[k];
	json_t *p = json_object();
	double a[3], b[3], m[3];
	char id[300];
	const char *key;
	json_t *val;

	for (int r = 0; r < 3; r++) {
		a[r] = c->frac[h->i][r];
		b[r] = c->frac[h->j][r] + h->image[r];
		m[r] = (a[r] + b[r]) / 2;
	}
	snprintf(id, sizeof(id), "%s.%s.%d", sid, elem_symbol(o->z), k);
	json_object_set_new(p, "id", json_string(id));
	json_object_set_new(p, "structure_id", json_string(sid));
	if (json_object_get(rec, "formula")) {
		json_object_set(p, "formula", json_object_get(rec, "formula"));
	} else {
		char f[256];
		json_object_set_new(p, "formula", json_string(formula_reduced(c, f, sizeof(f))));
	}
	json_object_set_new(p, "ion", json_string(elem_symbol(o->z)));
	json_object_set_new(p, "length", jsonw_real(h->length));
	json_object_set_new(p, "multiplicity", json_integer(h->multiplicity));
	json_object_set_new(p, "iindex", json_integer(h->i));
	json_object_set_new(p, "eindex", json_integer(h->j));
	json_object_set_new(p, "isite", jsonw_vec(a, 3));
	json_object_set_new(p, "msite", jsonw_vec(m, 3));
	json_object_set_new(p, "esite", jsonw_vec(b, 3));
	json_object_set_new(p, "dimensionality", json_integer(dim));
	json_object_set_new(p, "nsites_777", json_integer(sizes[0]));
	json_object_set_new(p, "nsites_101010", json_integer(sizes[1]));
	json_object_set_new(p, "nsites_121212", json_integer(sizes[2]));
	json_object_set(p, "supercell", (json_t *)sc);
	json_object_foreach((json_t *)rec, key, val)
		if (json_object_get(p, key) == NULL && strcmp(key, "structure") != 0)
			json_object_set(p, key, val);
	if (json_object_get(p, "nsites") == NULL)
		json_object_set_new(p, "nsites", json_integer(c->n));
	json_object_set(p, "structure", json_object_get(rec, "structure"));
	return p;
}

/*
 * Re-express a hop found in the primitive cell p in the input cell c: the
 * start is the first site of c on the hop's primitive start site, the end
 * the site of c (and image) nearest the same Cartesian point, within tol;
 * the length is measured again in c.  Returns -1 when no site is there.
 */
static int
hop_to_input(const struct cell *c, const struct symmetry *sym, const struct cell *p,
    struct hop *h, double tol, struct hk_err *err)
{
	double inv[3][3], a[3], b[3], start[3], end[3], f[3], best = tol * tol;
	int i_in = -1, j_best = -1, img_best[3] = { 0, 0, 0 };

	if (lat_inverse(c->lattice, inv) == -1) {
		err_set(err, "lattice is singular");
		return -1;
	}
	for (int i = 0; i < c->n && i_in < 0; i++)
		if (sym->to_prim[i] == h->i)
			i_in = i;
	{
		double pe[3] = { p->frac[h->j][0] + h->image[0], p->frac[h->j][1] + h->image[1],
			p->frac[h->j][2] + h->image[2] };
		lat_frac_to_cart(p->lattice, p->frac[h->i], a);
		lat_frac_to_cart(p->lattice, pe, b);
	}
	lat_frac_to_cart(c->lattice, c->frac[i_in], start);
	for (int k = 0; k < 3; k++)
		end[k] = start[k] + b[k] - a[k];
	lat_cart_to_frac(inv, end, f);
	for (int j = 0; j < c->n; j++) {
		double g[3], r[3], d2 = 0;
		int img[3];
		if (sym->to_prim[j] != h->j)
			continue;
		for (int k = 0; k < 3; k++) {
			img[k] = (int)lround(f[k] - c->frac[j][k]);
			g[k] = f[k] - c->frac[j][k] - img[k];
		}
		lat_frac_to_cart(c->lattice, g, r);
		for (int k = 0; k < 3; k++)
			d2 += r[k] * r[k];
		if (d2 <= best) {
			best = d2;
			j_best = j;
			memcpy(img_best, img, sizeof(img));
		}
	}
	if (i_in < 0 || j_best < 0) {
		err_set(err, "hop end not found in the input cell within %g A", tol);
		return -1;
	}
	{
		double e[3] = { c->frac[j_best][0] + img_best[0], c->frac[j_best][1] + img_best[1],
			c->frac[j_best][2] + img_best[2] }, r[3];
		lat_frac_to_cart(c->lattice, e, r);
		h->length = sqrt((r[0] - start[0]) * (r[0] - start[0]) + (r[1] - start[1]) * (r[1] - start[1]) +
		    (r[2] - start[2]) * (r[2] - start[2]));
	}
	h->i = i_in;
	h->j = j_best;
	memcpy(h->image, img_best, sizeof(img_best));
	h->multiplicity *= c->n / p->n;
	return 0;
}

int
paths_for_record(const json_t *rec, const struct paths_opts *o, json_t **out, struct hk_err *err)
{
	struct cell c = CELL_INIT, prim = CELL_INIT;
	struct symmetry sym = SYMMETRY_INIT, psym = SYMMETRY_INIT;
	struct hopset hs = HOPSET_INIT;
	struct supercell sc;
	const char *sid;
	json_t *scj = NULL;
	long sizes[3];
	int rc = PATHS_BAD, keep, *dims = NULL;

	*out = NULL;
	if ((sid = rec_id(rec, err)) == NULL)
		return PATHS_BAD;
	if (structjson_read(json_object_get(rec, "structure"), &c, err, NULL) == -1) {
		err_prefix(err, "%s: structure", sid);
		goto out;
	}
	if (!cell_has(&c, o->z)) {
		err_set(err, "%s has no %s sites", sid, elem_symbol(o->z));
		*out = json_array();
		rc = PATHS_NO_ION;
		goto out;
	}
	if (sym_analyze(&c, o->symprec, &sym, err) == -1) {
		err_prefix(err, "%s", sid);
		goto out;
	}
	if (!sym_complete(&sym)) {
		/* find hops in the primitive cell, where every operation shows */
		sym_primitive_of(&c, &sym, &prim);
		if (sym_analyze(&prim, o->symprec, &psym, err) == -1 ||
		    hops_find(&prim, &psym, o->z, o->cutoff, o->symprec, &hs, err) == -1) {
			err_prefix(err, "%s: primitive cell", sid);
			goto out;
		}
	} else if (hops_find(&c, &sym, o->z, o->cutoff, o->symprec, &hs, err) == -1) {
		err_prefix(err, "%s", sid);
		goto out;
	}
	study_sizes(&sym, sizes);
	if (supercell_min(c.lattice, o->min_length, 4096, &sc) == -1) {
		err_set(err, "%s: no supercell of at most 4096 cells is %g A wide", sid, o->min_length);
		goto out;
	}
	scj = supercell_json(&sc, c.n);
	dims = xmalloc(((size_t)hs.n + 1) * sizeof(int));
	keep = hs.n;
	for (int k = 0; k < hs.n; k++)
		dims[k] = hops_dimensionality_upto(&hs, k);
	if (o->percolating) {
		keep = 0;
		for (int k = 0; k < hs.n && keep == 0; k++)
			if (dims[k] >= o->min_dim) {
				keep = k + 1;
				/* hops of the same length percolate together */
				while (keep < hs.n && hs.h[keep].length <= hs.h[k].length + 1e-6)
					keep++;
			}
	}
	if (o->max_paths > 0 && keep > o->max_paths)
		keep = o->max_paths;
	if (prim.n > 0)
		for (int k = 0; k < keep; k++)
			if (hop_to_input(&c, &sym, &prim, &hs.h[k], 2 * o->symprec, err) == -1) {
				err_prefix(err, "%s", sid);
				goto out;
			}
	*out = json_array();
	for (int k = 0; k < keep; k++) {
		json_array_append_new(*out, path_record(rec, sid, o, &c, &hs, k, sizes, scj, dims[k]));
		if (o->cif_dir) {
			const struct hop *h = &hs.h[k];
			double a[3], b[3];
			for (int r = 0; r < 3; r++) {
				a[r] = c.frac[h->i][r];
				b[r] = c.frac[h->j][r] + h->image[r];
			}
			const char *pid = json_string_value(json_object_get(json_array_get(*out, (size_t)k), "id"));
			if (write_cif(o, pid, &c, a, b, err) == -1) {
				json_decref(*out);
				*out = NULL;
				goto out;
			}
		}
	}
	rc = PATHS_OK;
out:
	json_decref(scj);
	free(dims);
	hopset_release(&hs);
	sym_release(&sym);
	sym_release(&psym);
	cell_release(&c);
	cell_release(&prim);
	return rc;
}

int
paths_supercell_matrix(const json_t *rec, const double lattice[3][3], double min_length, int m[3][3])
{
	const json_t *mj = rec_get_path(rec, "supercell.matrix");
	struct supercell sc;

	if (json_is_array(mj) && json_array_size(mj) == 3) {
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++) {
				const json_t *v = json_array_get(json_array_get(mj, (size_t)i), (size_t)j);
				if (!json_is_integer(v))
					return -1;
				m[i][j] = (int)json_integer_value(v);
			}
		return 0;
	}
	if (supercell_min(lattice, min_length, 4096, &sc) == -1)
		return -1;
	memcpy(m, sc.m, sizeof(sc.m));
	return 0;
}
