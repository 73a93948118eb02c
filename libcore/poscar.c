#include <ctype.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "elements.h"
#include "hklimits.h"
#include "lattice.h"
#include "num.h"
#include "poscar.h"
#include "xalloc.h"

struct lines {
	const char *text;
	size_t n, pos;
	long lineno;
	const char *cur;
	size_t len;
};

static int
next_line(struct lines *l)
{
	if (l->pos >= l->n)
		return 0;
	const char *s = l->text + l->pos;
	const char *nl = memchr(s, '\n', l->n - l->pos);
	size_t len = nl ? (size_t)(nl - s) : l->n - l->pos;
	l->pos += len + (nl ? 1 : 0);
	if (len > 0 && s[len - 1] == '\r')
		len--;
	l->cur = s;
	l->len = len;
	l->lineno++;
	return 1;
}

/* Split the current line into at most max words. */
static int
words(const char *s, size_t n, const char **w, size_t *wl, int max)
{
	int k = 0;
	size_t i = 0;

	while (i < n && k < max) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n || s[i] == '#' || s[i] == '!')
			break;
		size_t st = i;
		while (i < n && !isspace((unsigned char)s[i]))
			i++;
		w[k] = s + st;
		wl[k] = i - st;
		k++;
	}
	return k;
}

/* Element of a POTCAR-style name: "Li_sv", "Fe_pv/abc", "O". */
static int
species_z(const char *s, size_t n)
{
	size_t m = 0;

	while (m < n && s[m] != '_' && s[m] != '/' && s[m] != '.')
		m++;
	return elem_z_n(s, m);
}

static int
all_ints(const char **w, const size_t *wl, int k)
{
	for (int i = 0; i < k; i++)
		for (size_t j = 0; j < wl[i]; j++)
			if (!isdigit((unsigned char)w[i][j]))
				return 0;
	return k > 0;
}

#define MAXSP 64

static int
species_from_words(const char **w, const size_t *wl, int k, int *zs)
{
	for (int i = 0; i < k; i++)
		if ((zs[i] = species_z(w[i], wl[i])) == 0)
			return -1;
	return 0;
}

static int
parse(struct lines *l, const char *name, const char *hint, long max, struct structure *s, struct hk_err *err)
{
	const char *w[MAXSP + 4];
	size_t wl[MAXSP + 4];
	double scale[3] = { 1, 1, 1 }, lat[3][3];
	int zs[MAXSP], counts[MAXSP], nsp = 0, k, cart = 0, total = 0;
	const char *comment;
	size_t clen;

	if (!next_line(l)) {
		err_at(err, name, 1, "empty POSCAR");
		return -1;
	}
	comment = l->cur;
	clen = l->len;
	s->name = xstrndup(comment, clen);
	if (!next_line(l)) {
		err_at(err, name, l->lineno + 1, "truncated POSCAR: no scale factor");
		return -1;
	}
	k = words(l->cur, l->len, w, wl, 4);
	if (k != 1 && k != 3) {
		err_at(err, name, l->lineno, "scale line needs 1 or 3 numbers");
		return -1;
	}
	for (int i = 0; i < k; i++)
		if (num_parse_double_n(w[i], wl[i], &scale[i]) == -1 || scale[i] == 0) {
			err_at(err, name, l->lineno, "bad scale factor '%.*s'", (int)wl[i], w[i]);
			return -1;
		}
	if (k == 1)
		scale[1] = scale[2] = scale[0];
	else if (scale[0] < 0 || scale[1] < 0 || scale[2] < 0) {
		err_at(err, name, l->lineno, "three scale factors must be positive");
		return -1;
	}
	for (int r = 0; r < 3; r++) {
		if (!next_line(l) || words(l->cur, l->len, w, wl, 4) < 3) {
			err_at(err, name, l->lineno, "truncated POSCAR: lattice vector %d", r + 1);
			return -1;
		}
		for (int c = 0; c < 3; c++)
			if (num_parse_double_n(w[c], wl[c], &lat[r][c]) == -1) {
				err_at(err, name, l->lineno, "lattice vector %d: '%.*s' is not a number",
				    r + 1, (int)wl[c], w[c]);
				return -1;
			}
	}
	if (scale[0] < 0 && k == 1) {
		double v = fabs(lat_volume(lat));
		if (!(v > 0)) {
			err_at(err, name, 3, "lattice is singular");
			return -1;
		}
		scale[0] = scale[1] = scale[2] = cbrt(-scale[0] / v);
	}
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 3; c++)
			s->cell.lattice[r][c] = lat[r][c] * scale[c];
	if (!next_line(l)) {
		err_at(err, name, l->lineno + 1, "truncated POSCAR: no species or counts");
		return -1;
	}
	k = words(l->cur, l->len, w, wl, MAXSP);
	if (!all_ints(w, wl, k)) {
		/* VASP 5: species line, then counts */
		nsp = k;
		if (species_from_words(w, wl, k, zs) == -1) {
			for (int i = 0; i < k; i++)
				if (species_z(w[i], wl[i]) == 0) {
					err_at(err, name, l->lineno, "unknown element '%.*s'", (int)wl[i], w[i]);
					break;
				}
			return -1;
		}
		if (!next_line(l)) {
			err_at(err, name, l->lineno + 1, "truncated POSCAR: no counts");
			return -1;
		}
		k = words(l->cur, l->len, w, wl, MAXSP);
		if (k != nsp || !all_ints(w, wl, k)) {
			err_at(err, name, l->lineno, "want %d counts, one per species", nsp);
			return -1;
		}
	} else {
		/* VASP 4: species from the hint, else the comment line */
		const char *hw[MAXSP];
		size_t hl[MAXSP];
		int hk = hint ? words(hint, strlen(hint), hw, hl, MAXSP) : 0;
		nsp = k;
		if (hk >= k && species_from_words(hw, hl, k, zs) == 0) {
			;
		} else {
			int ck = words(comment, clen, hw, hl, MAXSP);
			if (ck < k || species_from_words(hw, hl, k, zs) == -1) {
				err_at(err, name, l->lineno,
				    "VASP 4 POSCAR without species: name them on the comment line or put a POTCAR beside it");
				return -1;
			}
		}
	}
	for (int i = 0; i < nsp; i++) {
		long c;
		char tmp[16];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(wl[i] < 15 ? wl[i] : 15), w[i]);
		if (num_parse_long(tmp, 0, 10000000, &c) == -1) {
			err_at(err, name, l->lineno, "bad count '%s'", tmp);
			return -1;
		}
		counts[i] = (int)c;
		total += (int)c;
	}
	if (total == 0) {
		err_at(err, name, l->lineno, "POSCAR has no atoms");
		return -1;
	}
	if (total > max) {
		err_at(err, name, l->lineno, "%d atoms, more than %ld: refused (HOPKIT_MAX_ATOMS raises the limit)", total,
		    max);
		return -1;
	}
	if (!next_line(l)) {
		err_at(err, name, l->lineno + 1, "truncated POSCAR: no coordinate mode");
		return -1;
	}
	if (l->len > 0 && (l->cur[0] == 'S' || l->cur[0] == 's')) {
		if (!next_line(l)) {
			err_at(err, name, l->lineno + 1, "truncated POSCAR: no coordinate mode");
			return -1;
		}
	}
	{
		k = words(l->cur, l->len, w, wl, 1);
		char c0 = k ? w[0][0] : ' ';
		cart = c0 == 'C' || c0 == 'c' || c0 == 'K' || c0 == 'k';
		if (k == 0 || !(cart || c0 == 'D' || c0 == 'd')) {
			err_at(err, name, l->lineno, "want Direct or Cartesian, got '%.*s'", (int)l->len, l->cur);
			return -1;
		}
	}
	double inv[3][3];
	if (lat_inverse(s->cell.lattice, inv) == -1) {
		err_at(err, name, 3, "lattice is singular");
		return -1;
	}
	/* an atom's line takes at least 6 bytes: room for the atoms the text can hold, not for what it claims */
	size_t room = (l->n - l->pos) / 6 + 1;
	cell_reserve(&s->cell, (size_t)total < room ? total : (int)room);
	for (int sp = 0; sp < nsp; sp++)
		for (int a = 0; a < counts[sp]; a++) {
			double f[3];
			if (!next_line(l) || words(l->cur, l->len, w, wl, 3) < 3) {
				err_at(err, name, l->lineno + (l->pos >= l->n), "truncated POSCAR: %d of %d atoms",
				    s->cell.n, total);
				return -1;
			}
			for (int c = 0; c < 3; c++)
				if (num_parse_double_n(w[c], wl[c], &f[c]) == -1) {
					err_at(err, name, l->lineno, "coordinate '%.*s' is not a finite number",
					    (int)wl[c], w[c]);
					return -1;
				}
			if (cart) {
				double r[3] = { f[0] * scale[0], f[1] * scale[1], f[2] * scale[2] };
				lat_cart_to_frac(inv, r, f);
			}
			cell_add(&s->cell, zs[sp], f, 0);
		}
	if (cell_validate(&s->cell, err) == -1) {
		snprintf(err->file, sizeof(err->file), "%s", name);
		err->line = 1;
		return -1;
	}
	return 0;
}

int
poscar_read(const char *text, size_t n, const char *name, const char *species_hint, long max_atoms,
    structure_fn fn, void *ctx, struct hk_err *err)
{
	struct lines l = { text, n, 0, 0, NULL, 0 };
	struct structure s = STRUCTURE_INIT;
	struct hk_err e = HK_ERR_INIT;
	int rc;

	(void)err;
	s.line = 1;
	if (parse(&l, name, species_hint, max_atoms > 0 ? max_atoms : HK_MAX_ATOMS, &s, &e) == -1)
		rc = fn(ctx, NULL, &e, HK_E_BAD);
	else
		rc = fn(ctx, &s, NULL, 0);
	structure_release(&s);
	return rc;
}

char *
poscar_potcar_species(const char *text, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = text, *end = text + n;

	while (p < end) {
		const char *t = memmem(p, (size_t)(end - p), "TITEL", 5);
		if (t == NULL)
			break;
		const char *eol = memchr(t, '\n', (size_t)(end - t));
		const char *w[4];
		size_t wl[4];
		size_t len = eol ? (size_t)(eol - t) : (size_t)(end - t);
		int k = words(t, len, w, wl, 4);
		/* TITEL  = PAW_PBE Li_sv 10Sep2004 */
		if (k >= 4) {
			if (sb.len)
				sbuf_addc(&sb, ' ');
			sbuf_add(&sb, w[3], wl[3]);
		}
		p = t + len;
	}
	return sb.len ? sbuf_detach(&sb) : (sbuf_release(&sb), NULL);
}

void
poscar_write(struct sbuf *out, const struct cell *c, const char *comment)
{
	char nb[NUM_BUFSZ];
	int i, j;

	sbuf_addf(out, "%s\n1.0\n", comment && *comment ? comment : "hopkit");
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 3; j++)
			sbuf_addf(out, " %21s", num_format(c->lattice[i][j], nb));
		sbuf_addc(out, '\n');
	}
	for (i = 0; i < c->n; i = j) {
		for (j = i; j < c->n && c->z[j] == c->z[i]; j++)
			;
		sbuf_addf(out, " %s", elem_symbol(c->z[i]));
	}
	sbuf_addc(out, '\n');
	for (i = 0; i < c->n; i = j) {
		for (j = i; j < c->n && c->z[j] == c->z[i]; j++)
			;
		sbuf_addf(out, " %d", j - i);
	}
	sbuf_addstr(out, "\nDirect\n");
	for (i = 0; i < c->n; i++)
		sbuf_addf(out, " %.16f %.16f %.16f %s\n", c->frac[i][0], c->frac[i][1],
		    c->frac[i][2], elem_symbol(c->z[i]));
}
