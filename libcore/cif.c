#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cif.h"
#include "elements.h"
#include "hklimits.h"
#include "lattice.h"
#include "num.h"
#include "sbuf.h"
#include "xalloc.h"

enum tok_kind { T_DATA, T_LOOP, T_TAG, T_VALUE, T_OTHER };

struct tok {
	const char *s;
	size_t n;
	long line;
	enum tok_kind kind;
	int quoted;
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

static void
tok_push(struct toks *t, const char *s, size_t n, long line, enum tok_kind k, int quoted)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n++] = (struct tok){ s, n, line, k, quoted };
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
word_is(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w);

	if (n < m)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (tolower((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

/* Split CIF text into tokens; -1 on an unterminated quote or text field. */
static int
tokenize(const char *text, size_t n, const char *name, struct toks *t, struct hk_err *err)
{
	size_t i = 0;
	long line = 1;
	int bol = 1;

	while (i < n) {
		char c = text[i];
		if (c == '\n') {
			line++, i++, bol = 1;
			continue;
		}
		if (is_ws(c)) {
			i++, bol = 0;
			continue;
		}
		if (c == '#') {
			while (i < n && text[i] != '\n')
				i++;
			continue;
		}
		if (c == ';' && bol) {
			long start_line = line;
			size_t start = ++i;
			for (;;) {
				if (i >= n) {
					err_at(err, name, start_line, "unterminated ;-text field");
					return -1;
				}
				if (text[i] == '\n') {
					line++;
					if (i + 1 < n && text[i + 1] == ';') {
						tok_push(t, text + start, i - start, start_line, T_VALUE, 1);
						i += 2;
						break;
					}
				}
				i++;
			}
			bol = 0;
			continue;
		}
		bol = 0;
		if (c == '\'' || c == '"') {
			/* a quote closes only when followed by whitespace or the end */
			size_t start = ++i;
			while (i < n && !(text[i] == c && (i + 1 >= n || is_ws(text[i + 1])))) {
				if (text[i] == '\n') {
					err_at(err, name, line, "unterminated quoted value");
					return -1;
				}
				i++;
			}
			if (i >= n) {
				err_at(err, name, line, "unterminated quoted value");
				return -1;
			}
			tok_push(t, text + start, i - start, line, T_VALUE, 1);
			i++;
			continue;
		}
		size_t start = i;
		while (i < n && !is_ws(text[i]))
			i++;
		const char *s = text + start;
		size_t len = i - start;
		enum tok_kind k = T_VALUE;
		if (s[0] == '_')
			k = T_TAG;
		else if (word_is(s, len, "data_"))
			k = T_DATA;
		else if (len == 5 && word_is(s, len, "loop_"))
			k = T_LOOP;
		else if (word_is(s, len, "save_") || (len == 7 && word_is(s, len, "global_")) ||
		    (len == 5 && word_is(s, len, "stop_")))
			k = T_OTHER;
		tok_push(t, s, len, line, k, 0);
	}
	return 0;
}

/* One data block: scalar items and loops, as token index ranges. */
struct item {
	const struct tok *tag;
	const struct tok *val;
};

struct loop {
	const struct tok **tags;
	size_t ntags;
	const struct tok **vals;
	size_t nvals;
	long line;
};

struct block {
	const struct tok *head;
	struct item *items;
	size_t nitems;
	struct loop *loops;
	size_t nloops;
};

static void
block_release(struct block *b)
{
	for (size_t i = 0; i < b->nloops; i++) {
		free(b->loops[i].tags);
		free(b->loops[i].vals);
	}
	free(b->loops);
	free(b->items);
	memset(b, 0, sizeof(*b));
}

static int
tag_eq(const struct tok *t, const char *name)
{
	size_t m = strlen(name);

	if (t->n != m)
		return 0;
	for (size_t i = 0; i < m; i++) {
		char a = (char)tolower((unsigned char)t->s[i]), b = name[i];
		/* DDLm writes _a.b where DDL1 writes _a_b */
		if (a == '.')
			a = '_';
		if (a != b)
			return 0;
	}
	return 1;
}

/* Room for one more of n elements: capacity doubles at powers of two, never one at a time. */
static void *
grow(void *p, size_t n, size_t size)
{
	return (n & (n - 1)) == 0 ? xreallocarray(p, n ? 2 * n : 1, size) : p;
}

/* The run of tokens of one kind from t->v[*i], as pointers; *i moves past it. */
static const struct tok **
token_run(const struct toks *t, size_t *i, enum tok_kind kind, size_t *n)
{
	size_t start = *i;
	const struct tok **v;

	while (*i < t->n && t->v[*i].kind == kind)
		(*i)++;
	*n = *i - start;
	v = xreallocarray(NULL, *n ? *n : 1, sizeof(*v));
	for (size_t k = 0; k < *n; k++)
		v[k] = &t->v[start + k];
	return v;
}

/* Build the block that starts at token *pos (a data_ token or the start). */
static int
block_parse(const struct toks *t, size_t *pos, const char *name, struct block *b, struct hk_err *err)
{
	size_t i = *pos;

	memset(b, 0, sizeof(*b));
	if (i < t->n && t->v[i].kind == T_DATA)
		b->head = &t->v[i++];
	while (i < t->n && t->v[i].kind != T_DATA) {
		const struct tok *k = &t->v[i];
		if (k->kind == T_TAG) {
			if (i + 1 >= t->n || t->v[i + 1].kind != T_VALUE) {
				err_at(err, name, k->line, "tag %.*s has no value", (int)k->n, k->s);
				goto fail;
			}
			b->items = grow(b->items, b->nitems, sizeof(*b->items));
			b->items[b->nitems++] = (struct item){ k, &t->v[i + 1] };
			i += 2;
		} else if (k->kind == T_LOOP) {
			struct loop lp = { NULL, 0, NULL, 0, k->line };
			i++;
			lp.tags = token_run(t, &i, T_TAG, &lp.ntags);
			lp.vals = token_run(t, &i, T_VALUE, &lp.nvals);
			b->loops = grow(b->loops, b->nloops, sizeof(*b->loops));
			b->loops[b->nloops++] = lp;
			if (lp.ntags == 0) {
				err_at(err, name, lp.line, "loop_ with no tags");
				goto fail;
			}
			if (lp.nvals % lp.ntags != 0) {
				long last = lp.nvals ? lp.vals[lp.nvals - 1]->line : lp.line;
				err_at(err, name, last, "loop of %zu tags has %zu values (truncated file?)",
				    lp.ntags, lp.nvals);
				goto fail;
			}
		} else if (k->kind == T_VALUE) {
			err_at(err, name, k->line, "value '%.*s' without a tag", (int)(k->n > 40 ? 40 : k->n), k->s);
			goto fail;
		} else {
			i++;
		}
	}
	*pos = i;
	return 0;
fail:
	/* skip to the next block so the caller can go on */
	while (i < t->n && t->v[i].kind != T_DATA)
		i++;
	*pos = i;
	return -1;
}

static const struct tok *
block_get(const struct block *b, const char *tag)
{
	for (size_t i = 0; i < b->nitems; i++)
		if (tag_eq(b->items[i].tag, tag))
			return b->items[i].val;
	return NULL;
}

/* The loop holding tag, and the tag's column in it. */
static const struct loop *
block_loop(const struct block *b, const char *tag, size_t *col)
{
	for (size_t i = 0; i < b->nloops; i++)
		for (size_t j = 0; j < b->loops[i].ntags; j++)
			if (tag_eq(b->loops[i].tags[j], tag)) {
				*col = j;
				return &b->loops[i];
			}
	return NULL;
}

static int
unknown_value(const struct tok *v)
{
	return !v->quoted && v->n == 1 && (v->s[0] == '?' || v->s[0] == '.');
}

/* A number, with an uncertainty in brackets allowed: 5.4307(2). */
static int
tok_number(const struct tok *v, double *x)
{
	size_t n = v->n;
	const char *p = memchr(v->s, '(', n);

	if (p != NULL) {
		if (v->s[n - 1] != ')')
			return -1;
		for (const char *q = p + 1; q < v->s + n - 1; q++)
			if (!isdigit((unsigned char)*q))
				return -1;
		n = (size_t)(p - v->s);
	}
	return num_parse_double_n(v->s, n, x);
}

int
cif_parse_species(const char *s, size_t n, int *z, double *oxi)
{
	size_t i = 0, el = 0;
	int zz = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	s += i, n -= i;
	if (n == 0 || !isalpha((unsigned char)s[0]))
		return -1;
	/* "Ca" is calcium even in a label "Ca1"; "Co" beats "C" + "o..." */
	if (n >= 2 && islower((unsigned char)s[1]))
		zz = elem_z_n(s, 2), el = 2;
	if (zz == 0) {
		char one[2] = { (char)toupper((unsigned char)s[0]), 0 };
		char two[3] = { one[0], n >= 2 ? (char)tolower((unsigned char)s[1]) : 0, 0 };
		if (n >= 2 && isalpha((unsigned char)s[1]) && (zz = elem_z(two)) != 0)
			el = 2;
		else if ((zz = elem_z(one)) != 0)
			el = 1;
	}
	if (zz == 0)
		return -1;
	*z = zz;
	*oxi = 0;
	/* oxidation suffix: digits (or none) then a sign, e.g. "3+", "1-", "+" */
	{
		const char *p = s + el, *e = s + n;
		long mag = 0;
		int digits = 0;
		while (p < e && isdigit((unsigned char)*p) && digits < 3)
			mag = mag * 10 + (*p++ - '0'), digits++;
		if (p < e && (*p == '+' || *p == '-') && p + 1 == e) {
			double m = digits ? (double)mag : 1.0;
			*oxi = *p == '+' ? m : -m;
		} else if (p < e && (*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
			/* "Fe+3" style */
			double m;
			if (num_parse_double_n(p + 1, (size_t)(e - p - 1), &m) == 0)
				*oxi = *p == '+' ? m : -m;
		}
	}
	return 0;
}

int
cif_parse_symop(const char *s, size_t n, int rot[3][3], double trans[3], struct hk_err *err)
{
	size_t i = 0;
	int row = 0;

	memset(rot, 0, 9 * sizeof(int));
	trans[0] = trans[1] = trans[2] = 0;
	while (row < 3) {
		int sign = 1, any = 0;
		for (;;) {
			while (i < n && isspace((unsigned char)s[i]))
				i++;
			if (i >= n || s[i] == ',')
				break;
			if (s[i] == '+' || s[i] == '-') {
				sign = s[i] == '-' ? -1 : 1;
				i++;
				continue;
			}
			char c = (char)tolower((unsigned char)s[i]);
			if (c == 'x' || c == 'y' || c == 'z') {
				rot[row][c - 'x'] += sign;
				i++;
			} else if (isdigit((unsigned char)c) || c == '.') {
				size_t st = i;
				double num, den = 1;
				while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
					i++;
				if (num_parse_double_n(s + st, i - st, &num) == -1)
					goto bad;
				if (i < n && s[i] == '/') {
					size_t ds = ++i;
					while (i < n && isdigit((unsigned char)s[i]))
						i++;
					if (num_parse_double_n(s + ds, i - ds, &den) == -1 || den == 0)
						goto bad;
				}
				/* "2x" is not used in practice; a number times a letter is refused */
				if (i < n && isalpha((unsigned char)s[i]))
					goto bad;
				trans[row] += sign * num / den;
			} else {
				goto bad;
			}
			sign = 1;
			any = 1;
		}
		if (!any)
			goto bad;
		row++;
		if (row < 3) {
			if (i >= n || s[i] != ',')
				goto bad;
			i++;
		}
	}
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i != n)
		goto bad;
	return 0;
bad:
	err_set(err, "bad symmetry operation '%.*s'", (int)(n > 60 ? 60 : n), s);
	return -1;
}

struct symop {
	int rot[3][3];
	double t[3];
};

static int
read_symops(const struct block *b, const char *name, struct symop **ops, size_t *nops, struct hk_err *err)
{
	static const char *const tags[] = {
		"_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz",
		"_space_group_symop_operation_xyz",
	};
	const struct loop *lp = NULL;
	size_t col = 0;

	for (size_t k = 0; k < 3 && lp == NULL; k++)
		lp = block_loop(b, tags[k], &col);
	*ops = NULL;
	*nops = 0;
	if (lp == NULL) {
		const struct tok *one = NULL;
		for (size_t k = 0; k < 2 && one == NULL; k++)
			one = block_get(b, tags[k]);
		const struct tok *hm = block_get(b, "_symmetry_space_group_name_h-m");
		if (hm == NULL)
			hm = block_get(b, "_space_group_name_h-m_alt");
		if (one == NULL && hm != NULL && !unknown_value(hm)) {
			char sym[32];
			size_t m = 0;
			for (size_t i = 0; i < hm->n && m < sizeof(sym) - 1; i++)
				if (!isspace((unsigned char)hm->s[i]))
					sym[m++] = hm->s[i];
			sym[m] = '\0';
			if (strcmp(sym, "P1") != 0) {
				err_at(err, name, hm->line,
				    "space group '%.*s' given without its symmetry operations",
				    (int)hm->n, hm->s);
				return -1;
			}
		}
		*ops = xmalloc(sizeof(**ops));
		*nops = 1;
		memset(*ops, 0, sizeof(**ops));
		if (one) {
			if (cif_parse_symop(one->s, one->n, (*ops)[0].rot, (*ops)[0].t, err) == -1) {
				err->line = one->line;
				snprintf(err->file, sizeof(err->file), "%s", name);
				return -1;
			}
		} else {
			(*ops)[0].rot[0][0] = (*ops)[0].rot[1][1] = (*ops)[0].rot[2][2] = 1;
		}
		return 0;
	}
	size_t rows = lp->nvals / lp->ntags;
	*ops = xcalloc(rows ? rows : 1, sizeof(**ops));
	for (size_t r = 0; r < rows; r++) {
		const struct tok *v = lp->vals[r * lp->ntags + col];
		if (cif_parse_symop(v->s, v->n, (*ops)[r].rot, (*ops)[r].t, err) == -1) {
			err->line = v->line;
			snprintf(err->file, sizeof(err->file), "%s", name);
			return -1;
		}
	}
	*nops = rows;
	if (rows == 0) {
		err_at(err, name, lp->line, "symmetry loop has no operations");
		return -1;
	}
	return 0;
}

static int
read_cell(const struct block *b, const char *name, double lat[3][3], struct hk_err *err)
{
	static const char *const tags[6] = {
		"_cell_length_a", "_cell_length_b", "_cell_length_c",
		"_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma",
	};
	double p[6];
	long line = b->head ? b->head->line : 1;

	for (int k = 0; k < 6; k++) {
		const struct tok *v = block_get(b, tags[k]);
		if (v == NULL) {
			err_at(err, name, line, "no %s (a CIF structure needs its cell)", tags[k]);
			return -1;
		}
		line = v->line;
		if (tok_number(v, &p[k]) == -1) {
			err_at(err, name, v->line, "%s is not a number: '%.*s'", tags[k],
			    (int)(v->n > 40 ? 40 : v->n), v->s);
			return -1;
		}
	}
	if (lat_from_params(p[0], p[1], p[2], p[3], p[4], p[5], lat) == -1) {
		err_at(err, name, line, "cell parameters %g %g %g %g %g %g do not form a lattice",
		    p[0], p[1], p[2], p[3], p[4], p[5]);
		return -1;
	}
	return 0;
}

static double
frac_dist2(const double a[3], const double b[3])
{
	double d2 = 0;

	for (int k = 0; k < 3; k++) {
		double d = a[k] - b[k];
		d -= round(d);
		d2 += d * d;
	}
	return d2;
}

#define SITE_TOL 1e-4

/* Add every symmetry image of one asymmetric-unit site, merging duplicates. */
static int
expand_site(struct cell *c, const struct symop *ops, size_t nops, int z, double oxi,
    const double f[3], struct hk_err *err)
{
	for (size_t o = 0; o < nops; o++) {
		double g[3];
		int dup = -1;
		for (int r = 0; r < 3; r++) {
			g[r] = ops[o].t[r];
			for (int k = 0; k < 3; k++)
				g[r] += ops[o].rot[r][k] * f[k];
			g[r] -= floor(g[r]);
			if (g[r] >= 1.0 - 1e-12)
				g[r] = 0;
		}
		for (int i = 0; i < c->n; i++)
			if (frac_dist2(c->frac[i], g) < SITE_TOL * SITE_TOL) {
				dup = i;
				break;
			}
		if (dup >= 0) {
			if (c->z[dup] != z) {
				err_set(err, "%s and %s share one position: disordered structures are not supported",
				    elem_symbol(c->z[dup]), elem_symbol(z));
				return -1;
			}
			continue;
		}
		cell_add(c, z, g, oxi);
	}
	return 0;
}

struct sitecols {
	size_t x, y, z, type, label, occ;
	int has_type, has_label, has_occ;
};

/* More atoms than max: refused, before the expansion (quadratic in them) takes its time. */
static int
too_many_atoms(const char *name, long line, long n, long max, struct hk_err *err)
{
	if (n <= max)
		return 0;
	err_at(err, name, line, "more than %ld atoms: refused (HOPKIT_MAX_ATOMS raises the limit)", max);
	return 1;
}

static int
read_sites(const struct block *b, const char *name, const struct symop *ops, size_t nops, long max,
    struct cell *c, struct hk_err *err, int *code)
{
	struct sitecols sc = { 0 };
	const struct loop *lp, *l2;
	size_t col;

	lp = block_loop(b, "_atom_site_fract_x", &sc.x);
	if (lp == NULL) {
		long line = b->head ? b->head->line : 1;
		if (block_loop(b, "_atom_site_cartn_x", &col))
			err_at(err, name, line, "only Cartesian _atom_site_Cartn_* sites; fractional ones are needed");
		else
			err_at(err, name, line, "no _atom_site_fract_x loop (no atoms)");
		return -1;
	}
	if ((l2 = block_loop(b, "_atom_site_fract_y", &sc.y)) != lp ||
	    block_loop(b, "_atom_site_fract_z", &sc.z) != lp) {
		err_at(err, name, lp->line, "_atom_site_fract_x/y/z are not in one loop");
		return -1;
	}
	sc.has_type = block_loop(b, "_atom_site_type_symbol", &sc.type) == lp;
	sc.has_label = block_loop(b, "_atom_site_label", &sc.label) == lp;
	sc.has_occ = block_loop(b, "_atom_site_occupancy", &sc.occ) == lp;
	if (!sc.has_type && !sc.has_label) {
		err_at(err, name, lp->line, "atom sites have neither _atom_site_type_symbol nor _atom_site_label");
		return -1;
	}
	size_t rows = lp->nvals / lp->ntags;
	if (rows == 0) {
		err_at(err, name, lp->line, "atom site loop is empty");
		return -1;
	}
	if (too_many_atoms(name, lp->line, (long)rows, max, err))
		return -1;
	for (size_t r = 0; r < rows; r++) {
		const struct tok *const *row = lp->vals + r * lp->ntags;
		const struct tok *sp = sc.has_type ? row[sc.type] : row[sc.label];
		double f[3], oxi = 0, occ = 1;
		int z;
		long line = sp->line;
		if (unknown_value(sp) || cif_parse_species(sp->s, sp->n, &z, &oxi) == -1) {
			err_at(err, name, line, "unknown element '%.*s'", (int)(sp->n > 20 ? 20 : sp->n), sp->s);
			return -1;
		}
		/* a type symbol with letters after the element ("Fx") is not an element */
		if (sc.has_type) {
			size_t el = strlen(elem_symbol(z));
			if (sp->n > el && isalpha((unsigned char)sp->s[el])) {
				err_at(err, name, line, "unknown element '%.*s'", (int)(sp->n > 20 ? 20 : sp->n), sp->s);
				return -1;
			}
		}
		const size_t cols[3] = { sc.x, sc.y, sc.z };
		for (int k = 0; k < 3; k++) {
			const struct tok *v = row[cols[k]];
			if (tok_number(v, &f[k]) == -1) {
				err_at(err, name, v->line, "coordinate is not a finite number: '%.*s'",
				    (int)(v->n > 40 ? 40 : v->n), v->s);
				return -1;
			}
		}
		if (sc.has_occ && !unknown_value(row[sc.occ])) {
			const struct tok *v = row[sc.occ];
			if (tok_number(v, &occ) == -1 || occ <= 0) {
				err_at(err, name, v->line, "bad occupancy '%.*s'", (int)(v->n > 40 ? 40 : v->n), v->s);
				return -1;
			}
			if (occ < 1 - 1e-3 || occ > 1 + 1e-3) {
				err_at(err, name, v->line, "partial occupancy %g of %s: disordered structures are not supported",
				    occ, elem_symbol(z));
				*code = HK_E_DISORDER;
				return -1;
			}
		}
		if (expand_site(c, ops, nops, z, oxi, f, err) == -1) {
			err->line = line;
			snprintf(err->file, sizeof(err->file), "%s", name);
			*code = HK_E_DISORDER;
			return -1;
		}
		if (too_many_atoms(name, lp->line, c->n, max, err))
			return -1;
	}
	return 0;
}

/*
 * When the block states _chemical_formula_sum, the expanded sites must
 * have the same element ratios: a file cut short at a row boundary parses
 * cleanly but loses atoms, and this is how it is caught.
 */
static int
check_formula_sum(const struct block *b, const char *name, const struct cell *c, struct hk_err *err)
{
	const struct tok *v = block_get(b, "_chemical_formula_sum");
	double want[ELEM_MAX + 1] = { 0 }, have[ELEM_MAX + 1] = { 0 };
	size_t i = 0;
	int zref = 0;

	if (v == NULL || unknown_value(v))
		return 0;
	while (i < v->n) {
		while (i < v->n && isspace((unsigned char)v->s[i]))
			i++;
		if (i >= v->n)
			break;
		size_t st = i;
		while (i < v->n && isalpha((unsigned char)v->s[i]))
			i++;
		int z = elem_z_n(v->s + st, i - st);
		size_t ns = i;
		while (i < v->n && !isspace((unsigned char)v->s[i]))
			i++;
		double amt = 1;
		if (z == 0 || (i > ns && num_parse_double_n(v->s + ns, i - ns, &amt) == -1) || amt <= 0)
			return 0;	/* a style we do not read: no check */
		want[z] += amt;
		zref = z;
	}
	if (zref == 0)
		return 0;
	for (int k = 0; k < c->n; k++)
		have[c->z[k]] += 1;
	for (int z = 1; z <= ELEM_MAX; z++) {
		double r = have[zref] > 0 ? want[z] / want[zref] * have[zref] : -1;
		if (fabs(r - have[z]) > 1e-6 * (1 + have[z])) {
			err_at(err, name, v->line, "sites give %g %s per %g %s but _chemical_formula_sum says "
			    "'%.*s' (truncated file?)", have[z], elem_symbol(z), have[zref], elem_symbol(zref),
			    (int)(v->n > 60 ? 60 : v->n), v->s);
			return -1;
		}
	}
	return 0;
}

/* Oxidation states are kept only when every site has one. */
static void
keep_oxi_if_complete(struct cell *c)
{
	int all = 1;

	for (int i = 0; i < c->n; i++)
		if (c->oxi[i] == 0)
			all = 0;
	if (!all) {
		free(c->oxi);
		c->oxi = NULL;
	}
}

static int
block_structure(const struct block *b, const char *name, long max, struct structure *s,
    struct hk_err *err, int *code)
{
	struct symop *ops = NULL;
	size_t nops = 0;
	int rc = -1;

	*code = HK_E_BAD;
	s->line = b->head ? b->head->line : 1;
	if (b->head && b->head->n > 5)
		s->name = xstrndup(b->head->s + 5, b->head->n - 5);
	if (read_cell(b, name, s->cell.lattice, err) == -1)
		goto out;
	if (read_symops(b, name, &ops, &nops, err) == -1)
		goto out;
	s->cell.oxi = xmalloc(sizeof(double));
	if (read_sites(b, name, ops, nops, max, &s->cell, err, code) == -1)
		goto out;
	keep_oxi_if_complete(&s->cell);
	if (check_formula_sum(b, name, &s->cell, err) == -1)
		goto out;
	if (cell_validate(&s->cell, err) == -1) {
		err->line = s->line;
		snprintf(err->file, sizeof(err->file), "%s", name);
		goto out;
	}
	rc = 0;
out:
	free(ops);
	return rc;
}

int
cif_read(const char *text, size_t n, const char *name, long max_atoms, structure_fn fn, void *ctx,
    struct hk_err *err)
{
	struct toks t = { NULL, 0, 0 };
	size_t pos = 0;
	int rc = 0, nblocks = 0;

	if (tokenize(text, n, name, &t, err) == -1) {
		free(t.v);
		return -1;
	}
	/* anything before the first data_ is ignored, like a global_ block */
	while (pos < t.n && t.v[pos].kind != T_DATA)
		pos++;
	if (pos == t.n) {
		free(t.v);
		err_at(err, name, 1, "no data_ block (not a CIF file?)");
		return -1;
	}
	while (rc == 0 && pos < t.n) {
		struct block b;
		struct structure s = STRUCTURE_INIT;
		struct hk_err e = HK_ERR_INIT;
		int code = HK_E_BAD;
		nblocks++;
		if (block_parse(&t, &pos, name, &b, &e) == -1 ||
		    block_structure(&b, name, max_atoms > 0 ? max_atoms : HK_MAX_ATOMS, &s, &e, &code) == -1)
			rc = fn(ctx, NULL, &e, code);
		else
			rc = fn(ctx, &s, NULL, 0);
		structure_release(&s);
		block_release(&b);
	}
	free(t.v);
	return rc;
}

void
cif_write(struct sbuf *out, const struct cell *c, const char *title)
{
	double abc[3], ang[3];
	char nb[NUM_BUFSZ];

	lat_params(c->lattice, abc, ang);
	sbuf_addf(out, "# written by hopkit\ndata_%s\n", title && *title ? title : "structure");
	sbuf_addstr(out, "_symmetry_space_group_name_H-M   'P 1'\n");
	static const char *const names[6] = {
		"_cell_length_a", "_cell_length_b", "_cell_length_c",
		"_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma",
	};
	for (int k = 0; k < 6; k++)
		sbuf_addf(out, "%s   %s\n", names[k], num_format(k < 3 ? abc[k] : ang[k - 3], nb));
	sbuf_addstr(out, "_symmetry_Int_Tables_number   1\n");
	sbuf_addstr(out, "loop_\n _symmetry_equiv_pos_site_id\n _symmetry_equiv_pos_as_xyz\n  1  'x, y, z'\n");
	sbuf_addstr(out, "loop_\n _atom_site_type_symbol\n _atom_site_label\n _atom_site_symmetry_multiplicity\n"
	    " _atom_site_fract_x\n _atom_site_fract_y\n _atom_site_fract_z\n _atom_site_occupancy\n");
	/*
	 * The P1 cell is written from parameters, so coordinates are expressed
	 * in that lattice; fractional coordinates do not depend on orientation.
	 */
	for (int i = 0; i < c->n; i++) {
		sbuf_addf(out, "  %s  %s%d  1", elem_symbol(c->z[i]), elem_symbol(c->z[i]), i);
		for (int k = 0; k < 3; k++)
			sbuf_addf(out, "  %.8f", c->frac[i][k]);
		sbuf_addstr(out, "  1\n");
	}
}
