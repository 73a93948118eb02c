#include <math.h>
#include <spglib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lattice.h"
#include "symmetry.h"
#include "xalloc.h"

/* Orders of the 32 crystallographic point groups, by spglib's symbols. */
static int
pointgroup_order(const char *sym)
{
	static const struct { const char *s; int n; } t[] = {
		{ "1", 1 }, { "-1", 2 }, { "2", 2 }, { "m", 2 }, { "2/m", 4 }, { "222", 4 },
		{ "mm2", 4 }, { "mmm", 8 }, { "4", 4 }, { "-4", 4 }, { "4/m", 8 }, { "422", 8 },
		{ "4mm", 8 }, { "-42m", 8 }, { "4/mmm", 16 }, { "3", 3 }, { "-3", 6 }, { "32", 6 },
		{ "3m", 6 }, { "-3m", 12 }, { "6", 6 }, { "-6", 6 }, { "6/m", 12 }, { "622", 12 },
		{ "6mm", 12 }, { "-6m2", 12 }, { "6/mmm", 24 }, { "23", 12 }, { "m-3", 24 },
		{ "432", 24 }, { "-43m", 24 }, { "m-3m", 48 },
	};
	char b[16];
	size_t m = 0;

	for (const char *p = sym; *p && m < sizeof(b) - 1; p++)
		if (*p != ' ')
			b[m++] = *p;
	b[m] = '\0';
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].s, b) == 0)
			return t[i].n;
	return 0;
}

static int
distinct_rotations(const int (*rot)[3][3], int n)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		int seen = 0;
		for (int j = 0; j < i && !seen; j++)
			seen = memcmp(rot[i], rot[j], sizeof(rot[0])) == 0;
		k += !seen;
	}
	return k;
}

int
sym_complete(const struct symmetry *s)
{
	return s->pg_order == 0 || s->nrot >= s->pg_order;
}

static void
to_spglib(const double l[3][3], double t[3][3])
{
	mat3_transpose(l, t);
}

static const char *
spg_message(void)
{
	SpglibError e = spg_get_error_code();

	return e == SPGLIB_SUCCESS ? "no symmetry found" : spg_get_error_message(e);
}

int
sym_analyze(const struct cell *c, double symprec, struct symmetry *s, struct hk_err *err)
{
	SpglibDataset *d;
	double lat[3][3];

	memset(s, 0, sizeof(*s));
	to_spglib(c->lattice, lat);
	d = spgat_get_dataset(lat, (double (*)[3])c->frac, c->z, c->n, symprec, SYM_ANGLE_TOL);
	if (d == NULL) {
		err_set(err, "spglib failed: %s", spg_message());
		return -1;
	}
	if (d->spacegroup_number < 1 || d->n_operations < 1) {
		spg_free_dataset(d);
		err_set(err, "spglib found no space group");
		return -1;
	}
	s->number = d->spacegroup_number;
	snprintf(s->symbol, sizeof(s->symbol), "%s", d->international_symbol);
	s->nops = d->n_operations;
	s->rot = xmalloc((size_t)s->nops * sizeof(*s->rot));
	s->trans = xmalloc((size_t)s->nops * sizeof(*s->trans));
	memcpy(s->rot, d->rotations, (size_t)s->nops * sizeof(*s->rot));
	memcpy(s->trans, d->translations, (size_t)s->nops * sizeof(*s->trans));
	s->n = c->n;
	s->equiv = xmalloc((size_t)c->n * sizeof(int));
	s->wyckoff = xmalloc((size_t)c->n + 1);
	for (int i = 0; i < c->n; i++) {
		s->equiv[i] = d->equivalent_atoms[i];
		s->wyckoff[i] = (char)('a' + d->wyckoffs[i]);
	}
	s->wyckoff[c->n] = '\0';
	mat3_transpose(d->std_lattice, s->std_lattice);
	s->n_std = d->n_std_atoms;
	mat3_transpose(d->primitive_lattice, s->prim_lattice);
	s->pg_order = pointgroup_order(d->pointgroup_symbol);
	s->nrot = distinct_rotations((const int (*)[3][3])s->rot, s->nops);
	s->to_prim = xmalloc((size_t)c->n * sizeof(int));
	for (int i = 0; i < c->n; i++) {
		s->to_prim[i] = d->mapping_to_primitive[i];
		if (d->mapping_to_primitive[i] + 1 > s->n_prim)
			s->n_prim = d->mapping_to_primitive[i] + 1;
	}
	spg_free_dataset(d);
	return 0;
}

void
sym_release(struct symmetry *s)
{
	free(s->rot);
	free(s->trans);
	free(s->equiv);
	free(s->wyckoff);
	free(s->to_prim);
	memset(s, 0, sizeof(*s));
}

void
sym_primitive_of(const struct cell *c, const struct symmetry *s, struct cell *out)
{
	double inv[3][3];
	int *done = xcalloc((size_t)s->n_prim + 1, sizeof(int));

	cell_release(out);
	memcpy(out->lattice, s->prim_lattice, sizeof(out->lattice));
	lat_inverse(out->lattice, inv);
	cell_reserve(out, s->n_prim);
	out->n = s->n_prim;
	for (int i = 0; i < c->n; i++) {
		int p = s->to_prim[i];
		double r[3];
		if (p < 0 || p >= s->n_prim || done[p])
			continue;
		done[p] = 1;
		lat_frac_to_cart(c->lattice, c->frac[i], r);
		lat_cart_to_frac(inv, r, out->frac[p]);
		out->z[p] = c->z[i];
	}
	cell_wrap(out);
	free(done);
}

int
sym_primitive(const struct cell *c, double symprec, struct cell *out, struct hk_err *err)
{
	double lat[3][3], (*pos)[3];
	int *types, n;

	/* spglib may write up to 4n atoms when it has to centre a cell */
	pos = xcalloc((size_t)c->n * 4 + 4, sizeof(*pos));
	types = xcalloc((size_t)c->n * 4 + 4, sizeof(int));
	memcpy(pos, c->frac, (size_t)c->n * sizeof(*pos));
	memcpy(types, c->z, (size_t)c->n * sizeof(int));
	to_spglib(c->lattice, lat);
	n = spgat_standardize_cell(lat, pos, types, c->n, 1, 0, symprec, -1.0);
	if (n <= 0) {
		err_set(err, "spglib found no primitive cell: %s", spg_message());
		free(pos);
		free(types);
		return -1;
	}
	cell_release(out);
	mat3_transpose(lat, out->lattice);
	cell_reserve(out, n);
	for (int i = 0; i < n; i++)
		cell_add(out, types[i], pos[i], 0);
	free(pos);
	free(types);
	return 0;
}

/* Re-express c in the lattice red = t * lattice (t unimodular). */
static void
change_basis(struct cell *c, const double red[3][3])
{
	double inv[3][3];

	if (lat_inverse(red, inv) == -1)
		return;
	for (int i = 0; i < c->n; i++) {
		double r[3];
		lat_frac_to_cart(c->lattice, c->frac[i], r);
		lat_cart_to_frac(inv, r, c->frac[i]);
	}
	memcpy(c->lattice, red, sizeof(c->lattice));
}

int
sym_sanitize(struct cell *c, double symprec, struct hk_err *err)
{
	struct cell prim = CELL_INIT;
	double red[3][3];

	if (sym_primitive(c, symprec, &prim, err) == -1)
		return -1;
	cell_wrap(&prim);
	if (lat_niggli(prim.lattice, 1e-5, red, NULL) == -1) {
		cell_release(&prim);
		err_set(err, "Niggli reduction did not converge");
		return -1;
	}
	change_basis(&prim, red);
	cell_wrap(&prim);
	lat_lll(prim.lattice, red, NULL);
	change_basis(&prim, red);
	cell_wrap(&prim);
	cell_sort_electroneg(&prim);
	/* round-off from the basis changes: 0.49999999999999956 is 0.5 */
	for (int i = 0; i < prim.n; i++)
		for (int k = 0; k < 3; k++) {
			double x = round(prim.frac[i][k] * 1e12) / 1e12;
			prim.frac[i][k] = x >= 1.0 ? 0.0 : x;
		}
	cell_release(c);
	*c = prim;
	return 0;
}
