#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datafile.h"
#include "elements.h"
#include "fileio.h"
#include "lattice.h"
#include "num.h"
#include "vasp_in.h"
#include "xalloc.h"

void
incar_release(struct incar *in)
{
	for (int i = 0; i < in->n; i++) {
		free(in->key[i]);
		free(in->val[i]);
	}
	free(in->key);
	free(in->val);
	memset(in, 0, sizeof(*in));
}

static int
find(const struct incar *in, const char *key)
{
	for (int i = 0; i < in->n; i++)
		if (strcasecmp(in->key[i], key) == 0)
			return i;
	return -1;
}

void
incar_set(struct incar *in, const char *key, const char *val)
{
	int i = find(in, key);

	if (i >= 0) {
		free(in->val[i]);
		in->val[i] = xstrdup(val);
		return;
	}
	in->key = xreallocarray(in->key, (size_t)in->n + 1, sizeof(char *));
	in->val = xreallocarray(in->val, (size_t)in->n + 1, sizeof(char *));
	in->key[in->n] = xstrdup(key);
	for (char *p = in->key[in->n]; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	in->val[in->n++] = xstrdup(val);
}

const char *
incar_get(const struct incar *in, const char *key)
{
	int i = find(in, key);

	return i >= 0 ? in->val[i] : NULL;
}

int
incar_get_long(const struct incar *in, const char *key, long lo, long hi, long dflt, long *out,
    struct hk_err *err)
{
	const char *v = incar_get(in, key);

	*out = dflt;
	if (v && num_parse_long(v, lo, hi, out) == -1) {
		err_set(err, "INCAR: %s = %s is not an integer in [%ld, %ld]", key, v, lo, hi);
		return -1;
	}
	return 0;
}

int
incar_get_double(const struct incar *in, const char *key, double dflt, double *out, struct hk_err *err)
{
	const char *v = incar_get(in, key);

	*out = dflt;
	if (v && num_parse_double(v, out) == -1) {
		err_set(err, "INCAR: %s = %s is not a number", key, v);
		return -1;
	}
	return 0;
}

int
incar_get_bool(const struct incar *in, const char *key, int dflt, int *out, struct hk_err *err)
{
	const char *v = incar_get(in, key);

	*out = dflt;
	if (v == NULL)
		return 0;
	const char *p = v + (*v == '.');
	if (*p == 'T' || *p == 't')
		*out = 1;
	else if (*p == 'F' || *p == 'f')
		*out = 0;
	else {
		err_set(err, "INCAR: %s = %s is not .TRUE. or .FALSE.", key, v);
		return -1;
	}
	return 0;
}

void
incar_unset(struct incar *in, const char *key)
{
	int i = find(in, key);

	if (i < 0)
		return;
	free(in->key[i]);
	free(in->val[i]);
	memmove(in->key + i, in->key + i + 1, (size_t)(in->n - i - 1) * sizeof(char *));
	memmove(in->val + i, in->val + i + 1, (size_t)(in->n - i - 1) * sizeof(char *));
	in->n--;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
set_pair(struct incar *in, char *stmt, const char *name, long line, struct hk_err *err)
{
	char *eq = strchr(stmt, '='), *k, *v;

	stmt = trim(stmt);
	if (*stmt == '\0')
		return 0;
	if (eq == NULL) {
		err_at(err, name, line, "'%.60s' is not KEY = VALUE", stmt);
		return -1;
	}
	*eq = '\0';
	k = trim(stmt);
	v = trim(eq + 1);
	if (*k == '\0' || *v == '\0') {
		err_at(err, name, line, "empty INCAR key or value");
		return -1;
	}
	for (char *p = k; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_')) {
			err_at(err, name, line, "bad INCAR key '%.40s'", k);
			return -1;
		}
	incar_set(in, k, v);
	return 0;
}

int
incar_parse(struct incar *in, const char *text, const char *name, struct hk_err *err)
{
	char *copy = xstrdup(text), *line = copy, *next;
	long lineno = 0;
	int rc = 0;

	for (; line && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line[strcspn(line, "#!")] = '\0';
		for (char *stmt = line, *semi; stmt && rc == 0; stmt = semi) {
			semi = strchr(stmt, ';');
			if (semi)
				*semi++ = '\0';
			rc = set_pair(in, stmt, name, lineno, err);
		}
	}
	free(copy);
	return rc;
}

int
incar_parse_arg(struct incar *in, const char *arg, struct hk_err *err)
{
	char *copy = xstrdup(arg);
	int rc = set_pair(in, copy, "--incar", 0, err);

	free(copy);
	return rc;
}

int
incar_preset(struct incar *in, const char *name, struct hk_err *err)
{
	char *rel = NULL, *path = NULL;
	FILE *f;
	struct sbuf text = SBUF_INIT;
	int rc = -1;

	for (const char *p = name; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_')) {
			err_set(err, "bad preset name '%s'", name);
			return -1;
		}
	rel = xasprintf("presets/%s.incar", name);
	if ((f = datafile_open(rel, &path, err)) == NULL) {
		err_set(err, "no preset '%s' (share/%s)", name, rel);
		goto out;
	}
	rc = file_read_stream(f, &text);
	fclose(f);
	if (rc == -1)
		err_set(err, "%s: read error", path);
	else
		rc = incar_parse(in, text.s ? text.s : "", path, err);
out:
	sbuf_release(&text);
	free(path);
	free(rel);
	return rc;
}

/* Species runs of a POSCAR: consecutive atoms of one element. */
static int
runs(const struct cell *c, int *z, int *count)
{
	int n = 0;

	for (int i = 0; i < c->n; i++) {
		if (n > 0 && z[n - 1] == c->z[i]) {
			count[n - 1]++;
			continue;
		}
		z[n] = c->z[i];
		count[n++] = 1;
	}
	return n;
}

struct lookup {
	double magmom[119];
	unsigned char has_mag[119];
	double u[2][119], j[2][119];
	int l[2][119];
	unsigned char has_u[2][119];
	char potcar[119][16];
};

static int
read_mag(void *ctx, char **f, int nf, long line)
{
	struct lookup *t = ctx;
	int z = elem_z(f[0]);

	(void)nf, (void)line;
	if (z == 0 || num_parse_double(f[1], &t->magmom[z]) == -1)
		return -1;
	t->has_mag[z] = 1;
	return 0;
}

static int
read_u(void *ctx, char **f, int nf, long line)
{
	struct lookup *t = ctx;
	int an = strcmp(f[0], "F") == 0 ? 0 : strcmp(f[0], "O") == 0 ? 1 : -1, z = elem_z(f[1]);
	long l;

	(void)nf, (void)line;
	if (an < 0 || z == 0 || num_parse_double(f[2], &t->u[an][z]) == -1 ||
	    num_parse_double(f[3], &t->j[an][z]) == -1 || num_parse_long(f[4], 0, 3, &l) == -1)
		return -1;
	t->l[an][z] = (int)l;
	t->has_u[an][z] = 1;
	return 0;
}

static int
read_potcar(void *ctx, char **f, int nf, long line)
{
	struct lookup *t = ctx;
	int z = elem_z(f[0]);

	(void)nf, (void)line;
	if (z == 0 || strlen(f[1]) >= sizeof(t->potcar[0]))
		return -1;
	snprintf(t->potcar[z], sizeof(t->potcar[z]), "%s", f[1]);
	return 0;
}

static int
is_auto(const char *v)
{
	return v && strcasecmp(v, "auto") == 0;
}

int
incar_resolve(struct incar *in, const struct cell *c, struct hk_err *err)
{
	struct lookup *t = xcalloc(1, sizeof(*t));
	int z[256], cnt[256], nr, rc = -1;
	struct sbuf v = SBUF_INIT;
	char nb[NUM_BUFSZ];

	if (datafile_tsv("presets/magmom.tsv", 2, read_mag, t, err) != 0 ||
	    datafile_tsv("presets/ldau.tsv", 5, read_u, t, err) != 0)
		goto out;
	if (c->n > 0 && (nr = runs(c, z, cnt)) > 256) {
		err_set(err, "more than 256 species runs");
		goto out;
	}
	nr = runs(c, z, cnt);
	if (is_auto(incar_get(in, "MAGMOM"))) {
		const char *ispin = incar_get(in, "ISPIN");
		if (ispin && strcmp(ispin, "2") == 0) {
			for (int r = 0; r < nr; r++)
				sbuf_addf(&v, "%s%d*%s", r ? " " : "", cnt[r],
				    num_format(t->has_mag[z[r]] ? t->magmom[z[r]] : 0.6, nb));
			incar_set(in, "MAGMOM", v.s);
		} else {
			incar_unset(in, "MAGMOM");
		}
	}
	if (is_auto(incar_get(in, "LDAU"))) {
		int an = cell_has(c, 9) ? 0 : cell_has(c, 8) ? 1 : -1, any = 0;
		for (int r = 0; an >= 0 && r < nr; r++)
			any |= t->has_u[an][z[r]];
		if (!any) {
			incar_set(in, "LDAU", ".FALSE.");
		} else {
			struct sbuf lu = SBUF_INIT, lj = SBUF_INIT, ll = SBUF_INIT;
			int dblock = 0;
			for (int r = 0; r < nr; r++) {
				int has = t->has_u[an][z[r]];
				sbuf_addf(&lu, "%s%s", r ? " " : "", num_format(has ? t->u[an][z[r]] : 0, nb));
				sbuf_addf(&lj, "%s%s", r ? " " : "", num_format(has ? t->j[an][z[r]] : 0, nb));
				sbuf_addf(&ll, "%s%d", r ? " " : "", has ? t->l[an][z[r]] : 0);
				dblock |= has;
			}
			incar_set(in, "LDAU", ".TRUE.");
			incar_set(in, "LDAUTYPE", "2");
			incar_set(in, "LDAUL", ll.s);
			incar_set(in, "LDAUU", lu.s);
			incar_set(in, "LDAUJ", lj.s);
			incar_set(in, "LDAUPRINT", "1");
			if (dblock)
				incar_set(in, "LMAXMIX", "4");
			sbuf_release(&lu);
			sbuf_release(&lj);
			sbuf_release(&ll);
		}
	}
	if (incar_get(in, "EDIFF_PER_ATOM")) {
		double per;
		if (num_parse_double(incar_get(in, "EDIFF_PER_ATOM"), &per) == -1) {
			err_set(err, "EDIFF_PER_ATOM is not a number");
			goto out;
		}
		snprintf(nb, sizeof(nb), "%.2E", per * c->n);
		incar_set(in, "EDIFF", nb);
		incar_unset(in, "EDIFF_PER_ATOM");
	}
	rc = 0;
out:
	sbuf_release(&v);
	free(t);
	return rc;
}

void
incar_write(const struct incar *in, struct sbuf *out)
{
	for (int i = 0; i < in->n; i++)
		sbuf_addf(out, "%s = %s\n", in->key[i], in->val[i]);
}

void
kpoints_density(const struct cell *c, double kppa, int div[3])
{
	double abc[3], ang[3], ngrid = kppa / c->n, mult;

	lat_params(c->lattice, abc, ang);
	mult = cbrt(ngrid * abc[0] * abc[1] * abc[2]);
	for (int k = 0; k < 3; k++) {
		double d = floor(fmax(mult / abc[k], 1));
		div[k] = (int)d;
	}
}

void
kpoints_write(const int div[3], double kppa, struct sbuf *out)
{
	char nb[NUM_BUFSZ];

	sbuf_addf(out, "Gamma-centred grid, %s k-points per reciprocal atom (hopkit)\n0\nGamma\n%d %d %d\n",
	    num_format(kppa, nb), div[0], div[1], div[2]);
}

int
potcar_symbols(const struct cell *c, struct sbuf *out, struct hk_err *err)
{
	struct lookup *t = xcalloc(1, sizeof(*t));
	int z[4096], cnt[4096], nr, rc = -1;

	if (datafile_tsv("presets/potcar-symbols.tsv", 2, read_potcar, t, err) != 0)
		goto out;
	nr = c->n <= 4096 ? runs(c, z, cnt) : 0;
	for (int r = 0; r < nr; r++) {
		if (t->potcar[z[r]][0] == '\0') {
			err_set(err, "no recommended POTCAR for %s", elem_symbol(z[r]));
			goto out;
		}
		sbuf_addf(out, "%s%s", r ? " " : "", t->potcar[z[r]]);
	}
	rc = 0;
out:
	free(t);
	return rc;
}

/* The layout under root that has the first symbol's POTCAR ("" or a subdirectory/), or NULL. */
static const char *
potcar_layout(const char *root, const char *first, int flen)
{
	static const char *const subdirs[] = { "", "POT_GGA_PAW_PBE/", "potpaw_PBE/", NULL };
	const char *sub = NULL;
	struct stat st;

	for (int i = 0; subdirs[i] && sub == NULL; i++) {
		char *path = xasprintf("%s/%s%.*s/POTCAR", root, subdirs[i], flen, first);
		if (stat(path, &st) == 0)
			sub = subdirs[i];
		free(path);
	}
	return sub;
}

int
potcar_build(const char *symbols, struct sbuf *out, char **where, struct hk_err *err)
{
	const char *root = getenv("VASP_PP_PATH");
	struct stat st;
	const char *sub;
	int flen = (int)strcspn(symbols, " ");

	if (root == NULL || *root == '\0' || stat(root, &st) == -1 || !S_ISDIR(st.st_mode))
		return 0;
	if ((sub = potcar_layout(root, symbols, flen)) == NULL) {
		err_set(err, "VASP_PP_PATH=%s has no %.*s/POTCAR", root, flen, symbols);
		return -1;
	}
	if (where)
		*where = xasprintf("%s/%s", root, sub);
	for (const char *p = symbols; *p;) {
		size_t len = strcspn(p, " ");
		char *path = xasprintf("%s/%s%.*s/POTCAR", root, sub, (int)len, p);
		int rc = file_read(path, out);
		if (rc == -1)
			err_set(err, "%s: %s", path, strerror(errno));
		free(path);
		if (rc == -1)
			return -1;
		p += len;
		while (*p == ' ')
			p++;
	}
	return 1;
}

int
kpoints_rule_take(struct incar *in, struct kpoints *kp, struct hk_err *err)
{
	static const struct { const char *tag; enum kp_rule rule; } t[] = {
		{ "KPOINTS_LENGTH", KP_LENGTH }, { "KPOINTS_DENSITY", KP_DENSITY },
	};

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		const char *v = incar_get(in, t[k].tag);
		if (v == NULL)
			continue;
		if (num_parse_double(v, &kp->value) == -1 || kp->value <= 0) {
			err_set(err, "%s = %s is not a positive number", t[k].tag, v);
			return -1;
		}
		kp->rule = t[k].rule;
		incar_unset(in, t[k].tag);
	}
	return 0;
}

void
kpoints_apply(struct kpoints *kp, const struct cell *c)
{
	double inv[3][3];

	switch (kp->rule) {
	case KP_LENGTH:
		/* rows of inv^T are the reciprocal vectors without 2 pi */
		lat_inverse(c->lattice, inv);
		for (int i = 0; i < 3; i++) {
			double b = sqrt(inv[0][i] * inv[0][i] + inv[1][i] * inv[1][i] + inv[2][i] * inv[2][i]);
			int n = (int)(kp->value * b + 0.5);
			kp->div[i] = n < 1 ? 1 : n;
		}
		break;
	case KP_DENSITY:
		kpoints_density(c, kp->value * 248.05021344239853 / fabs(lat_volume(c->lattice)) * c->n, kp->div);
		break;
	default:
		kpoints_density(c, kp->value, kp->div);
	}
}

void
kpoints_rule_name(const struct kpoints *kp, struct sbuf *out)
{
	char nb[NUM_BUFSZ];

	sbuf_addf(out, "%s %s", kp->rule == KP_LENGTH ? "length" : kp->rule == KP_DENSITY ? "reciprocal_density" : "kppa",
	    num_format(kp->value, nb));
}

void
kpoints_write_rule(const struct kpoints *kp, struct sbuf *out)
{
	char nb[NUM_BUFSZ];

	if (kp->rule == KP_KPPA) {
		kpoints_write(kp->div, kp->value, out);
		return;
	}
	sbuf_addf(out, "Gamma-centred grid, %s %s (hopkit)\n0\nGamma\n%d %d %d\n",
	    kp->rule == KP_LENGTH ? "VASP automatic length" : "k-points per A^-3 of reciprocal volume",
	    num_format(kp->value, nb), kp->div[0], kp->div[1], kp->div[2]);
}

struct zval_table {
	char sym[128][16];
	double zval[128];
	int n;
};

static int
read_zval(void *ctx, char **f, int nf, long line)
{
	struct zval_table *t = ctx;

	(void)nf, (void)line;
	if (t->n >= 128 || strlen(f[0]) >= sizeof(t->sym[0]) || num_parse_double(f[1], &t->zval[t->n]) == -1)
		return -1;
	snprintf(t->sym[t->n], sizeof(t->sym[0]), "%s", f[0]);
	t->n++;
	return 0;
}

/* ZVAL of each POTCAR in a concatenation, in order ("POMASS = ...; ZVAL = ..."). */
static int
zvals_of_potcar(const char *text, double *z, int max, struct hk_err *err)
{
	int n = 0;

	for (const char *p = strstr(text, "ZVAL"); p; p = strstr(p + 4, "ZVAL")) {
		const char *eq = p + 4, *line = p;
		char nb[64];
		size_t len;
		while (line > text && line[-1] != '\n')
			line--;
		if (strstr(line, "POMASS") == NULL || strstr(line, "POMASS") > p)
			continue;	/* the per-file header line only */
		while (*eq == ' ' || *eq == '=')
			eq++;
		len = strcspn(eq, " \t\n");
		if (n >= max || len == 0 || len >= sizeof(nb))
			break;
		memcpy(nb, eq, len);
		nb[len] = '\0';
		if (num_parse_double(nb, &z[n]) == -1) {
			err_set(err, "POTCAR: ZVAL '%s' is not a number", nb);
			return -1;
		}
		n++;
	}
	return n;
}

/* ZVAL of each symbol from the shipped table. */
static int
zvals_of_table(const char *symbols, double *z, int max, struct hk_err *err)
{
	struct zval_table *t = xcalloc(1, sizeof(*t));
	int n = 0, rc = -1;

	if (datafile_tsv("presets/potcar-zval.tsv", 2, read_zval, t, err) != 0)
		goto out;
	for (const char *p = symbols; *p && n < max;) {
		size_t len = strcspn(p, " ");
		int k;
		for (k = 0; k < t->n; k++)
			if (strlen(t->sym[k]) == len && strncmp(t->sym[k], p, len) == 0)
				break;
		if (k == t->n) {
			err_set(err, "no ZVAL for POTCAR %.*s in share/presets/potcar-zval.tsv", (int)len, p);
			goto out;
		}
		z[n++] = t->zval[k];
		p += len;
		while (*p == ' ')
			p++;
	}
	rc = n;
out:
	free(t);
	return rc;
}

int
potcar_valence(const struct cell *c, const char *symbols, const char *potcar, double *nelect,
    struct hk_err *err)
{
	int z[4096], cnt[4096], nr, nz;
	double zv[4096];

	nr = c->n <= 4096 ? runs(c, z, cnt) : 0;
	nz = potcar ? zvals_of_potcar(potcar, zv, 4096, err) : zvals_of_table(symbols, zv, 4096, err);
	if (nz == -1)
		return -1;
	if (nz != nr) {
		err_set(err, "%d POTCAR valences for %d species runs", nz, nr);
		return -1;
	}
	*nelect = 0;
	for (int r = 0; r < nr; r++)
		*nelect += zv[r] * cnt[r];
	return 0;
}
