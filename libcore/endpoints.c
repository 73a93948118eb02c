#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints.h"
#include "jsonw.h"
#include "lattice.h"
#include "neb.h"
#include "symmetry.h"
#include "xalloc.h"

/* Cartesian distance (Å) between fractional points a and b of lattice l, nearest image per component. */
static double
frac_distance(const double l[3][3], const double a[3], const double b[3])
{
	double d[3], r[3];

	for (int k = 0; k < 3; k++)
		d[k] = a[k] - b[k] - round(a[k] - b[k]);
	lat_frac_to_cart(l, d, r);
	return sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
}

/* The site of sc with element z within tol Å of y, or -1. */
static int
site_at(const struct cell *sc, int z, const double y[3], double tol)
{
	int best = -1;
	double bd = tol;

	for (int q = 0; q < sc->n; q++) {
		double d;
		if (sc->z[q] != z || (d = frac_distance(sc->lattice, y, sc->frac[q])) > bd)
			continue;
		bd = d;
		best = q;
	}
	return best;
}

static void
apply_op(const int rot[3][3], const double t[3], const double x[3], double y[3])
{
	for (int i = 0; i < 3; i++)
		y[i] = rot[i][0] * x[0] + rot[i][1] * x[1] + rot[i][2] * x[2] + t[i];
}

/* The site permutation of y = rot x + t on sc; -1 when some atom lands on none (within tol Å). */
static int
site_perm(const struct cell *sc, const int rot[3][3], const double t[3], double tol, int *perm)
{
	for (int p = 0; p < sc->n; p++) {
		double y[3];
		apply_op(rot, t, sc->frac[p], y);
		if ((perm[p] = site_at(sc, sc->z[p], y, tol)) < 0)
			return -1;
	}
	return 0;
}

/*
 * The cell's operation (rot, t), fractional in the cell, in the supercell's
 * basis: x_cell = M^T y, so R_s = M^-T R M^T and t_s = M^-T t.  0 when R_s
 * is an integer matrix, else -1.
 */
static int
to_supercell(const int m[3][3], const int rot[3][3], const double t[3], int rs[3][3], double ts[3])
{
	double md[3][3], minv[3][3];

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			md[i][j] = m[i][j];
	if (lat_inverse(md, minv) == -1)
		return -1;
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++) {
			double s = 0;
			for (int a = 0; a < 3; a++)
				for (int b = 0; b < 3; b++)
					s += minv[a][i] * rot[a][b] * m[j][b];
			if (fabs(s - round(s)) > 1e-6)
				return -1;
			rs[i][j] = (int)lround(s);
		}
		ts[i] = minv[0][i] * t[0] + minv[1][i] * t[1] + minv[2][i] * t[2];
	}
	return 0;
}

static void
keep_ops(struct vacsym *vs, const struct symmetry *s, const int m[3][3], double tol)
{
	int n = vs->sc.n;

	vs->rot = xmalloc((size_t)s->nops * sizeof(*vs->rot));
	vs->trans = xmalloc((size_t)s->nops * sizeof(*vs->trans));
	vs->perm = xmalloc((size_t)s->nops * (size_t)n * sizeof(int));
	for (int o = 0; o < s->nops; o++) {
		int k = vs->nops;
		if (to_supercell(m, (const int (*)[3])s->rot[o], s->trans[o], vs->rot[k], vs->trans[k]) == -1)
			continue;
		if (site_perm(&vs->sc, (const int (*)[3])vs->rot[k], vs->trans[k], tol, vs->perm + (size_t)k * n) == 0)
			vs->nops++;
	}
}

/* neb_supercell lists the cell's sites per translation: the copies of site 0 give the translations. */
static int
keep_translations(struct vacsym *vs, int ncell, double tol, struct hk_err *err)
{
	static const int id[3][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
	int n = vs->sc.n, det = n / ncell;

	vs->tau = xmalloc((size_t)det * sizeof(*vs->tau));
	vs->tperm = xmalloc((size_t)det * (size_t)n * sizeof(int));
	for (int k = 0; k < det; k++) {
		for (int r = 0; r < 3; r++)
			vs->tau[k][r] = vs->sc.frac[k * ncell][r] - vs->sc.frac[0][r];
		if (site_perm(&vs->sc, id, vs->tau[k], tol, vs->tperm + (size_t)k * n) == -1) {
			err_set(err, "a lattice translation does not map the supercell onto itself");
			return -1;
		}
	}
	vs->ntau = det;
	return 0;
}

int
vacsym_build(const struct cell *c, const int m[3][3], double symprec, double tol, struct vacsym *vs,
    struct hk_err *err)
{
	struct symmetry s = SYMMETRY_INIT;
	int rc = -1;

	memset(vs, 0, sizeof(*vs));
	if (neb_supercell(c, m, &vs->sc, err) == -1)
		return -1;
	if (sym_analyze(c, symprec, &s, err) == -1)
		goto out;
	keep_ops(vs, &s, m, tol);
	rc = keep_translations(vs, c->n, tol, err);
out:
	sym_release(&s);
	if (rc == -1)
		vacsym_release(vs);
	return rc;
}

void
vacsym_release(struct vacsym *vs)
{
	cell_release(&vs->sc);
	free(vs->rot);
	free(vs->trans);
	free(vs->perm);
	free(vs->tau);
	free(vs->tperm);
	memset(vs, 0, sizeof(*vs));
}

/* Where operation o followed by translation t sends site p. */
static int
image_of(const struct vacsym *vs, int o, int t, int p)
{
	size_t n = (size_t)vs->sc.n;

	return vs->tperm[(size_t)t * n + (size_t)vs->perm[(size_t)o * n + (size_t)p]];
}

int
vacsym_canonical(const struct vacsym *vs, int site)
{
	int best = site;

	for (int o = 0; o < vs->nops; o++)
		for (int t = 0; t < vs->ntau; t++) {
			int q = image_of(vs, o, t, site);
			best = q < best ? q : best;
		}
	return best;
}

int
vacsym_norbits(const struct vacsym *vs, int z)
{
	int k = 0;

	for (int p = 0; p < vs->sc.n; p++)
		k += vs->sc.z[p] == z && vacsym_canonical(vs, p) == p;
	return k;
}

void
vacsym_vacancy_cell(const struct vacsym *vs, int vacant, struct cell *out, int *site)
{
	const struct cell *sc = &vs->sc;
	unsigned char *done = xcalloc((size_t)sc->n, 1);

	cell_release(out);
	memcpy(out->lattice, sc->lattice, sizeof(out->lattice));
	cell_reserve(out, sc->n);
	for (int first = 0; first < sc->n; first++) {
		if (done[first])
			continue;
		for (int p = first; p < sc->n; p++) {
			if (sc->z[p] != sc->z[first] || done[p])
				continue;
			done[p] = 1;
			if (p == vacant)
				continue;
			site[out->n] = p;
			cell_add(out, sc->z[p], sc->frac[p], 0);
		}
	}
	free(done);
}

int
vacsym_sites_of(const struct vacsym *vs, const struct cell *e, int *site, struct hk_err *err)
{
	for (int k = 0; k < e->n; k++)
		if ((site[k] = site_at(&vs->sc, e->z[k], e->frac[k], 1e-4)) < 0) {
			err_set(err, "atom %d of the endpoint stands at no site of the supercell", k + 1);
			return -1;
		}
	return 0;
}

void
vacmap_release(struct vacmap *m)
{
	free(m->perm);
	memset(m, 0, sizeof(*m));
}

/* With the site permutation of the operation (sperm), the parent atom behind each endpoint atom. */
static int
fill_perm(const int *sperm, int nsites, const int *psite, const int *esite, int n, int *perm,
    struct hk_err *err)
{
	int *atom_at = xmalloc((size_t)nsites * sizeof(int));

	for (int q = 0; q < nsites; q++)
		atom_at[q] = -1;
	for (int k = 0; k < n; k++)
		atom_at[esite[k]] = k;
	for (int k = 0; k < n; k++)
		perm[k] = -1;
	for (int j = 0; j < n; j++) {
		int k = atom_at[sperm[psite[j]]];
		if (k >= 0)
			perm[k] = j;
	}
	free(atom_at);
	for (int k = 0; k < n; k++)
		if (perm[k] < 0) {
			err_set(err, "the operation leaves endpoint atom %d without a parent atom", k + 1);
			return -1;
		}
	return 0;
}

int
vacsym_map(const struct vacsym *vs, int canon, int vacant, const int *psite, const int *esite, int n,
    struct vacmap *out, struct hk_err *err)
{
	int ns = vs->sc.n, *sperm;

	memset(out, 0, sizeof(*out));
	for (int o = 0; o < vs->nops; o++)
		for (int t = 0; t < vs->ntau; t++) {
			if (image_of(vs, o, t, canon) != vacant)
				continue;
			sperm = xmalloc((size_t)ns * sizeof(int));
			for (int p = 0; p < ns; p++)
				sperm[p] = image_of(vs, o, t, p);
			memcpy(out->rot, vs->rot[o], sizeof(out->rot));
			for (int r = 0; r < 3; r++) {
				double x = vs->trans[o][r] + vs->tau[t][r];
				out->trans[r] = x - floor(x + 1e-12);
			}
			out->n = n;
			out->perm = xmalloc((size_t)n * sizeof(int));
			int rc = fill_perm(sperm, ns, psite, esite, n, out->perm, err);
			free(sperm);
			if (rc == -1)
				vacmap_release(out);
			return rc;
		}
	err_set(err, "no operation of the supercell sends site %d to site %d", canon + 1, vacant + 1);
	return -1;
}

int
vacmap_apply(const struct vacmap *m, const struct cell *parent, const struct cell *near, struct cell *out,
    struct hk_err *err)
{
	if (parent->n != m->n || near->n != m->n) {
		err_set(err, "%d atoms where the map has %d", parent->n != m->n ? parent->n : near->n, m->n);
		return -1;
	}
	cell_copy(out, near);
	for (int k = 0; k < m->n; k++) {
		int j = m->perm[k];
		double y[3];
		if (j < 0 || j >= parent->n || parent->z[j] != near->z[k]) {
			err_set(err, "atom %d of the relaxed parent is not the element of endpoint atom %d", j + 1, k + 1);
			return -1;
		}
		apply_op(m->rot, m->trans, parent->frac[j], y);
		for (int r = 0; r < 3; r++)
			out->frac[k][r] = y[r] - round(y[r] - near->frac[k][r]);
	}
	return 0;
}

json_t *
vacmap_json(const struct vacmap *m)
{
	json_t *j = json_object(), *rot = json_array(), *perm = json_array();

	for (int i = 0; i < 3; i++)
		json_array_append_new(rot, json_pack("[iii]", m->rot[i][0], m->rot[i][1], m->rot[i][2]));
	for (int k = 0; k < m->n; k++)
		json_array_append_new(perm, json_integer(m->perm[k]));
	json_object_set_new(j, "rotation", rot);
	json_object_set_new(j, "translation", jsonw_vec(m->trans, 3));
	json_object_set_new(j, "permutation", perm);
	return j;
}

int
vacmap_from_json(const json_t *j, struct vacmap *m, struct hk_err *err)
{
	const json_t *rot = json_object_get(j, "rotation"), *tr = json_object_get(j, "translation");
	const json_t *perm = json_object_get(j, "permutation");

	memset(m, 0, sizeof(*m));
	if (!json_is_array(rot) || json_array_size(rot) != 3 || !json_is_array(tr) || json_array_size(tr) != 3 ||
	    !json_is_array(perm)) {
		err_set(err, "map has no rotation, translation and permutation");
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		const json_t *row = json_array_get(rot, (size_t)i);
		for (int k = 0; k < 3; k++) {
			const json_t *v = json_array_get(row, (size_t)k);
			if (!json_is_integer(v)) {
				err_set(err, "map rotation is not 3 x 3 integers");
				return -1;
			}
			m->rot[i][k] = (int)json_integer_value(v);
		}
		if (!json_is_number(json_array_get(tr, (size_t)i))) {
			err_set(err, "map translation is not 3 numbers");
			return -1;
		}
		m->trans[i] = json_number_value(json_array_get(tr, (size_t)i));
	}
	m->n = (int)json_array_size(perm);
	m->perm = xmalloc((size_t)m->n * sizeof(int) + 1);
	for (int k = 0; k < m->n; k++) {
		const json_t *v = json_array_get(perm, (size_t)k);
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= m->n) {
			err_set(err, "map permutation entry %d is not an atom index", k + 1);
			vacmap_release(m);
			return -1;
		}
		m->perm[k] = (int)json_integer_value(v);
	}
	return 0;
}
