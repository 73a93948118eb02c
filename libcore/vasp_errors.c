#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fileio.h"
#include "num.h"
#include "vasp_errors.h"
#include "vasp_in.h"
#include "xalloc.h"

/*
 * What a correction does.  The catalogue holds these as data, so nothing
 * is parsed when a correction is applied.
 */
enum act_kind {
	ACT_END,		/* the end of a list */
	ACT_SET,		/* INCAR tag = text, written as custodian writes it ("1e-8", ".FALSE.") */
	ACT_UNSET,		/* tag removed from INCAR */
	ACT_SCALE,		/* INCAR tag times x */
	ACT_SCALE_WHOLE,	/* the same, rounded down to a whole number, at least 1 */
	ACT_ADD,		/* INCAR tag plus x */
	ACT_NBANDS,		/* NBANDS: OUTCAR's times x, rounded up, at least one more */
	ACT_NGRID,		/* the FFT grid OUTCAR's aliasing warning asks for */
	ACT_CONTCAR,		/* CONTCAR copied over POSCAR */
	ACT_GAMMA,		/* a Monkhorst-Pack KPOINTS made Gamma-centred */
	ACT_ISOKPTS,		/* an automatic KPOINTS mesh made the same along a, b and c */
	ACT_RM,			/* the file tag removed */
};

struct action {
	enum act_kind kind;
	const char *tag;	/* INCAR tag, or the file for ACT_RM */
	const char *text;	/* ACT_SET's value */
	double x;		/* factor or increment */
	double dflt;		/* VASP's default for tag: what a scale or an add starts from */
};

struct entry {
	const char *key;
	const char *msg[6];
	struct action first[5], second[5];
	int unfixable;
};

#define END { ACT_END, NULL, NULL, 0, 0 }
#define SET(tag, text) { ACT_SET, tag, text, 0, 0 }
#define UNSET(tag) { ACT_UNSET, tag, NULL, 0, 0 }
#define SCALE(tag, x, dflt) { ACT_SCALE, tag, NULL, x, dflt }
#define SCALE_WHOLE(tag, x, dflt) { ACT_SCALE_WHOLE, tag, NULL, x, dflt }
#define ADD(tag, x, dflt) { ACT_ADD, tag, NULL, x, dflt }
#define NBANDS(x) { ACT_NBANDS, "NBANDS", NULL, x, 0 }
#define NGRID { ACT_NGRID, NULL, NULL, 0, 0 }
#define CONTCAR { ACT_CONTCAR, NULL, NULL, 0, 0 }
#define GAMMA { ACT_GAMMA, NULL, NULL, 0, 0 }
#define ISOKPTS { ACT_ISOKPTS, NULL, NULL, 0, 0 }
#define NOWAVE { ACT_RM, "WAVECAR", NULL, 0, 0 }
#define NOCHG { ACT_RM, "CHGCAR", NULL, 0, 0 }

static const struct entry catalogue[] = {
	{ "tet", { "Tetrahedron method fails", "tetrahedron method fails", "Routine TETIRR needs special values",
		"BZINTS" }, { SET("ISMEAR", "0"), SET("SIGMA", "0.05"), END }, { END }, 0 },
	{ "inv_rot_mat", { "rotation matrix was not found (increase SYMPREC)" }, { SET("SYMPREC", "1e-8"), END }, { END }, 0 },
	{ "brmix", { "BRMIX: very serious problems" }, { SET("IMIX", "1"), END },
		{ SET("ISYM", "0"), GAMMA, NOWAVE, NOCHG, END }, 0 },
	{ "subspacematrix", { "WARNING: Sub-Space-Matrix is not hermitian in DAV" }, { SET("LREAL", ".FALSE."), END },
		{ SET("PREC", "Accurate"), END }, 0 },
	{ "incorrect_shift", { "Could not get correct shifts" }, { GAMMA, END }, { END }, 0 },
	{ "real_optlay", { "REAL_OPTLAY: internal error", "REAL_OPT: internal ERROR" }, { SET("LREAL", ".FALSE."), END },
		{ END }, 0 },
	{ "rspher", { "ERROR RSPHER", "RSPHER: internal ERROR" }, { SET("LREAL", ".FALSE."), END }, { END }, 0 },
	{ "dentet", { "DENTET" }, { SET("ISMEAR", "0"), SET("SIGMA", "0.05"), END }, { END }, 0 },
	{ "too_few_bands", { "TOO FEW BANDS" }, { NBANDS(1.1), END }, { NBANDS(1.1), END }, 0 },
	{ "triple_product", { "ERROR: the triple product of the basis vectors" }, { END }, { END }, 1 },
	{ "rot_matrix", { "Found some non-integer element in rotation matrix", "SGRCON" }, { GAMMA, END },
		{ SET("ISYM", "0"), END }, 0 },
	{ "brions", { "BRIONS problems: POTIM should be increased" }, { CONTCAR, ADD("POTIM", 0.1, 0.5), END },
		{ CONTCAR, SET("IBRION", "2"), SET("POTIM", "0.5"), END }, 0 },
	{ "pricel", { "internal error in subroutine PRICEL" }, { SET("SYMPREC", "1e-8"), SET("ISYM", "0"), END }, { END }, 0 },
	{ "zpotrf", { "LAPACK: Routine ZPOTRF failed", "Routine ZPOTRF ZTRTRI" }, { SET("ISYM", "0"), END },
		{ SCALE("POTIM", 0.5, 0.5), END }, 0 },
	{ "amin", { "One of the lattice vectors is very long (>50 A), but AMIN" }, { SET("AMIN", "0.01"), END }, { END }, 0 },
	{ "zbrent", { "ZBRENT: fatal internal in", "ZBRENT: fatal error in bracketing" },
		{ CONTCAR, SCALE("EDIFF", 0.1, 1e-4), SET("NELMIN", "8"), END }, { CONTCAR, SET("IBRION", "1"), END }, 0 },
	{ "pssyevx", { "ERROR in subspace rotation PSSYEVX" }, { SET("ALGO", "Normal"), END }, { END }, 0 },
	{ "pdsyevx", { "ERROR in subspace rotation PDSYEVX" }, { SET("ALGO", "Normal"), END }, { END }, 0 },
	{ "eddrmm", { "WARNING in EDDRMM: call to ZHEGV failed" }, { CONTCAR, SET("ALGO", "Normal"), NOWAVE, NOCHG, END },
		{ CONTCAR, SCALE("POTIM", 0.5, 0.5), NOWAVE, NOCHG, END }, 0 },
	{ "edddav", { "Error EDDDAV: Call to ZHEGV failed" },
		{ CONTCAR, SET("ALGO", "All"), SET("ISEARCH", "1"), NOCHG, END }, { END }, 0 },
	{ "algo_tet", { "ALGO=A and IALGO=5X tend to fail" }, { SET("ALGO", "Fast"), END },
		{ SET("ISMEAR", "0"), SET("SIGMA", "0.05"), END }, 0 },
	{ "grad_not_orth", { "EDWAV: internal error, the gradient is not orthogonal" }, { SET("ALGO", "Fast"), END },
		{ SET("ALGO", "Normal"), END }, 0 },
	{ "nicht_konv", { "ERROR: SBESSELITER : nicht konvergent" }, { SET("LREAL", ".FALSE."), END }, { END }, 0 },
	{ "zheev", { "ERROR EDDIAG: Call to routine ZHEEV failed!" }, { CONTCAR, SET("ALGO", "Normal"), END },
		{ CONTCAR, SET("ALGO", "Exact"), END }, 0 },
	{ "eddiag", { "ERROR in EDDIAG: call to ZHEEV/ZHEEVX/DSYEV/DSYEVX failed" },
		{ CONTCAR, SET("ALGO", "Normal"), END }, { CONTCAR, SET("ALGO", "Exact"), END }, 0 },
	{ "elf_kpar", { "ELF: KPAR>1 not implemented" }, { SET("KPAR", "1"), END }, { END }, 0 },
	{ "rhosyg", { "RHOSYG" }, { SET("SYMPREC", "1e-4"), END }, { SET("ISYM", "0"), END }, 0 },
	{ "posmap", { "POSMAP" }, { SCALE("SYMPREC", 0.1, 1e-5), END }, { SET("ISYM", "0"), END }, 0 },
	{ "pricelv", { "PRICELV: current lattice and primitive lattice are incommensurate" },
		{ SCALE("SYMPREC", 0.1, 1e-5), END }, { SET("ISYM", "0"), END }, 0 },
	{ "point_group", { "group operation missing" }, { SET("ISYM", "0"), END }, { END }, 0 },
	{ "symprec_noise", { "determination of the symmetry of your systems shows a strong" },
		{ SET("SYMPREC", "1e-6"), END }, { SET("ISYM", "0"), END }, 0 },
	{ "dfpt_ncore", { "PEAD routines do not work for NCORE", "remove the tag NPAR from the INCAR file" },
		{ UNSET("NCORE"), UNSET("NPAR"), END }, { END }, 0 },
	{ "bravais", { "Inconsistent Bravais lattice" }, { SET("SYMPREC", "1e-6"), END }, { SET("ISYM", "0"), END }, 0 },
	{ "ksymm", { "Fatal error detecting k-mesh", "Fatal error: unable to match k-point" },
		{ SET("SYMPREC", "1e-6"), END }, { SET("ISYM", "0"), END }, 0 },
	{ "nbands_not_sufficient", { "number of bands is not sufficient" }, { NBANDS(1.2), END }, { END }, 0 },
	{ "hnform", { "HNFORM: k-point generating" }, { SET("ISYM", "0"), END }, { END }, 0 },
	{ "coef", { "while reading plane", "while reading WAVECAR" }, { NOWAVE, END }, { END }, 0 },
	{ "ibzkpt", { "not all point group operations", "internal error in subroutine IBZKPT" },
		{ SET("ISYM", "0"), END }, { SET("SYMPREC", "1e-6"), END }, 0 },
	{ "fexcf", { "supplied exchange-correlation table" }, { CONTCAR, END }, { CONTCAR, SET("IBRION", "2"), END }, 0 },
	{ "aliasing", { "WARNING: small aliasing (wrap around) errors must be expected" }, { NGRID, NOWAVE, NOCHG, END },
		{ END }, 0 },
	{ "kpoints_trans", { "internal error in GENERATE_KPOINTS_TRANS: number of G-vector changed in star" },
		{ ISOKPTS, END }, { END }, 0 },
	{ "out_of_memory", { "Allocation would exceed memory limit" }, { SCALE_WHOLE("KPAR", 0.5, 1), END }, { END }, 0 },
	{ "lrf_comm", { "LRF_COMMUTATOR internal error" }, { SET("LPEAD", ".TRUE."), END }, { END }, 0 },
	{ "set_core_wf", { "internal error in SET_CORE_WF" }, { END }, { END }, 1 },
	{ "read_error", { "Error reading item", "Error code was IERR= 5" }, { END }, { END }, 1 },
	{ "spin_polarized_harris", { "Spin polarized Harris functional dynamics is a good joke" }, { END }, { END }, 1 },
	{ "nonconverged", { "@hopkit: electronic steps reached NELM" }, { SET("ALGO", "Normal"), END },
		{ SET("ALGO", "All"), SET("ISEARCH", "1"), END }, 0 },
	{ "walltime", { "@hopkit: walltime reached" }, { CONTCAR, END }, { CONTCAR, END }, 0 },
	{ "frozen", { "@hopkit: output stopped growing" }, { SET("ALGO", "Normal"), END },
		{ SET("SYMPREC", "1e-8"), END }, 0 },
};

#define NCAT (sizeof(catalogue) / sizeof(catalogue[0]))

static const struct entry *
find(const char *key)
{
	for (size_t i = 0; i < NCAT; i++)
		if (strcmp(catalogue[i].key, key) == 0)
			return &catalogue[i];
	return NULL;
}

int
verr_detect(const char *text, size_t n, const char **keys, int max)
{
	int k = 0;

	for (size_t i = 0; i < NCAT && k < max; i++)
		for (int m = 0; m < 6 && catalogue[i].msg[m]; m++)
			if (catalogue[i].msg[m][0] != '@' &&
			    memmem(text, n, catalogue[i].msg[m], strlen(catalogue[i].msg[m]))) {
				keys[k++] = catalogue[i].key;
				break;
			}
	return k;
}

const char *
verr_message(const char *key)
{
	const struct entry *e = find(key);

	if (e == NULL)
		return key;
	/* conditions hopkit itself detects are not VASP messages */
	return strncmp(e->msg[0], "@hopkit: ", 9) == 0 ? e->msg[0] + 9 : e->msg[0];
}

int
verr_unfixable(const char *key)
{
	const struct entry *e = find(key);

	return e == NULL || e->unfixable;
}

/* What a correction works on: one image directory and its INCAR. */
struct fix {
	const char *dir, *key;
	struct incar in;
	int incar_changed;
	struct sbuf *actions;	/* "; "-separated, what was done */
	struct hk_err *err;
};

/* actions, with a "; " after what it already says, to append one more. */
static struct sbuf *
next_action(struct sbuf *actions)
{
	if (actions->len)
		sbuf_addstr(actions, "; ");
	return actions;
}

/* The integer at the start of s, 0 when there is none. */
static long
leading_long(const char *s)
{
	const char *end;
	long x;

	return num_scan_long(s, &end, &x) == 0 ? x : 0;
}

/* NBANDS from the OUTCAR ("NBANDS=  24"), scaled and rounded up. */
static int
nbands(const char *dir, double scale, long *out)
{
	char *path = xasprintf("%s/OUTCAR", dir);
	struct sbuf t = SBUF_INIT;
	const char *p, *last = NULL;
	long nb = 0;
	int rc = file_read(path, &t);

	free(path);
	if (rc == 0 && t.s) {
		for (p = t.s; (p = strstr(p, "NBANDS=")) != NULL; p += 7)
			last = p;
		if (last)
			nb = leading_long(last + 7);
	}
	sbuf_release(&t);
	if (nb <= 0)
		return -1;
	long v = (long)ceil(nb * scale);
	*out = v > nb ? v : nb + 1;
	return 0;
}

struct grid_hint {
	char tag[4];	/* NGX, NGY or NGZ */
	long n;
};

/*
 * The FFT grid VASP asks for in OUTCAR after an aliasing warning
 * ("... aliasing errors must be expected set NGX to  28"): up to three
 * tags and values; how many.
 */
static int
fft_grid_hints(const char *dir, struct grid_hint hint[3])
{
	char *path = xasprintf("%s/OUTCAR", dir);
	struct sbuf t = SBUF_INIT;
	const char *p;
	int n = 0, rc = file_read(path, &t);

	free(path);
	for (p = t.s; rc == 0 && p && n < 3 && (p = strstr(p, "aliasing errors")) != NULL; p++) {
		const char *eol = strchr(p, '\n'), *ng = strstr(p, "NG");
		long v;
		if (ng == NULL || (eol && ng > eol) || !strchr("XYZ", ng[2]) || ng[2] == '\0')
			continue;
		const char *to = strstr(ng, " to ");
		if (to == NULL || (eol && to > eol) || (v = leading_long(to + 4)) <= 0)
			continue;
		snprintf(hint[n].tag, sizeof(hint[n].tag), "NG%c", ng[2]);
		hint[n].n = v;
		n++;
	}
	sbuf_release(&t);
	return n;
}

/* The three integers at the start of s, blanks (newlines too) before each. */
static int
three_longs(const char *s, long v[3])
{
	for (int i = 0; i < 3; i++)
		if (num_scan_long(s, &s, &v[i]) == -1)
			return -1;
	return 0;
}

/*
 * Rewrite KPOINTS with edit(text, new, what): 1 to write new (what says
 * how, as an action), 0 to leave the file as it is.  A job without a
 * KPOINTS is left alone too.
 */
static int
kpoints_edit(struct fix *f, int (*edit)(const char *text, struct sbuf *nk, struct sbuf *what))
{
	char *kp = xasprintf("%s/KPOINTS", f->dir);
	struct sbuf k = SBUF_INIT, nk = SBUF_INIT, what = SBUF_INIT;
	int rc = 0;

	if (file_read(kp, &k) == 0 && k.s != NULL && edit(k.s, &nk, &what) == 1 &&
	    (rc = file_write_atomic(kp, nk.s, nk.len, f->err)) == 0)
		sbuf_addstr(next_action(f->actions), what.s);
	sbuf_release(&what);
	sbuf_release(&nk);
	sbuf_release(&k);
	free(kp);
	return rc;
}

/*
 * Replace an automatic mesh "a b c" by "m m m" with m the cube root of
 * a*b*c (even for Monkhorst-Pack), as custodian does when the k-point
 * star changes between steps.  Nothing when it already is.
 */
static int
isotropic_mesh(const char *text, struct sbuf *nk, struct sbuf *what)
{
	const char *l[5] = { text };
	long m, abc[3];

	for (int i = 1; i < 5 && l[i - 1]; i++)
		l[i] = strchr(l[i - 1], '\n') ? strchr(l[i - 1], '\n') + 1 : NULL;
	/*
	 * an automatic mesh: count 0 on line 2 (a line 2 that is no number
	 * counts as 0), mode on line 3, mesh on line 4
	 */
	if (!(l[3] && leading_long(l[1]) == 0 && three_longs(l[3], abc) == 0 && abc[0] > 0 && abc[1] > 0 &&
	    abc[2] > 0))
		return 0;
	m = lround(cbrt((double)(abc[0] * abc[1] * abc[2])));
	if (m < 1)
		m = 1;
	if (l[2][0] == 'M' || l[2][0] == 'm')
		m += m % 2;
	if (abc[0] == m && abc[1] == m && abc[2] == m)
		return 0;
	sbuf_add(nk, text, (size_t)(l[3] - text));
	sbuf_addf(nk, "%ld %ld %ld\n", m, m, m);
	if (l[4])
		sbuf_addstr(nk, l[4]);
	sbuf_addf(what, "KPOINTS mesh %ld %ld %ld", m, m, m);
	return 1;
}

static int
act_isokpts(struct fix *f)
{
	return kpoints_edit(f, isotropic_mesh);
}

/* The third line of KPOINTS is the mode: Gamma for Monkhorst-Pack. */
static int
gamma_centred(const char *text, struct sbuf *nk, struct sbuf *what)
{
	const char *l1 = strchr(text, '\n'), *l2 = l1 ? strchr(l1 + 1, '\n') : NULL, *l3;

	if (!(l2 && (l2[1] == 'M' || l2[1] == 'm')))
		return 0;
	l3 = strchr(l2 + 1, '\n');
	sbuf_add(nk, text, (size_t)(l2 + 1 - text));
	sbuf_addstr(nk, "Gamma");
	if (l3)
		sbuf_addstr(nk, l3);
	sbuf_addstr(what, "KPOINTS Gamma-centred");
	return 1;
}

static int
act_gamma(struct fix *f)
{
	return kpoints_edit(f, gamma_centred);
}

static int
act_contcar(struct fix *f)
{
	char *from = xasprintf("%s/CONTCAR", f->dir), *to = xasprintf("%s/POSCAR", f->dir);
	struct sbuf c = SBUF_INIT;
	int rc = 0;

	if (file_read(from, &c) == 0 && c.len > 0) {
		rc = file_write_atomic(to, c.s, c.len, f->err);
		if (rc == 0)
			sbuf_addf(next_action(f->actions), "CONTCAR -> POSCAR");
	}
	sbuf_release(&c);
	free(from);
	free(to);
	return rc;
}

static void
act_rm(struct fix *f, const char *name)
{
	char *path = xasprintf("%s/%s", f->dir, name);

	if (unlink(path) == 0)
		sbuf_addf(next_action(f->actions), "removed %s", name);
	free(path);
}

static void
set_tag(struct fix *f, const char *tag, const char *val)
{
	incar_set(&f->in, tag, val);
	f->incar_changed = 1;
	sbuf_addf(next_action(f->actions), "INCAR %s = %s", tag, val);
}

static void
act_set(struct fix *f, const struct action *a)
{
	const char *old = incar_get(&f->in, a->tag);

	if (old && strcasecmp(old, a->text) == 0)
		return;		/* already so: not a correction */
	set_tag(f, a->tag, a->text);
}

static void
act_unset(struct fix *f, const struct action *a)
{
	if (incar_get(&f->in, a->tag) == NULL)
		return;
	incar_unset(&f->in, a->tag);
	f->incar_changed = 1;
	sbuf_addf(next_action(f->actions), "INCAR %s removed", a->tag);
}

/* ACT_SCALE, ACT_SCALE_WHOLE and ACT_ADD, from VASP's default when INCAR has no number. */
static void
act_arith(struct fix *f, const struct action *a)
{
	const char *old = incar_get(&f->in, a->tag);
	char nb[NUM_BUFSZ];
	double cur, v;

	if (old == NULL || num_parse_double(old, &cur) == -1)
		cur = a->dflt;
	v = a->kind == ACT_ADD ? cur + a->x : cur * a->x;
	if (a->kind == ACT_SCALE_WHOLE)
		v = v < 1 ? 1 : floor(v);
	/* 12 digits: 1e-5 * 0.1 should read 1e-06, not 1.0000000000000002e-06 */
	set_tag(f, a->tag, num_sig_digits(v, 12, nb));
}

static int
act_nbands(struct fix *f, const struct action *a)
{
	char nb[32];
	long v;

	if (nbands(f->dir, a->x, &v) == -1) {
		err_set(f->err, "%s: no NBANDS = in %s/OUTCAR to increase", f->key, f->dir);
		return -1;
	}
	snprintf(nb, sizeof(nb), "%ld", v);
	set_tag(f, a->tag, nb);
	return 0;
}

static void
act_ngrid(struct fix *f)
{
	struct grid_hint hint[3];
	int n = fft_grid_hints(f->dir, hint);

	for (int g = 0; g < n; g++) {
		char nb[32];
		snprintf(nb, sizeof(nb), "%ld", hint[g].n);
		set_tag(f, hint[g].tag, nb);
	}
}

static int
apply(struct fix *f, const struct action *a)
{
	switch (a->kind) {
	case ACT_END:
		return 0;
	case ACT_SET:
		act_set(f, a);
		return 0;
	case ACT_UNSET:
		act_unset(f, a);
		return 0;
	case ACT_SCALE:
	case ACT_SCALE_WHOLE:
	case ACT_ADD:
		act_arith(f, a);
		return 0;
	case ACT_NBANDS:
		return act_nbands(f, a);
	case ACT_NGRID:
		act_ngrid(f);
		return 0;
	case ACT_CONTCAR:
		return act_contcar(f);
	case ACT_GAMMA:
		return act_gamma(f);
	case ACT_ISOKPTS:
		return act_isokpts(f);
	case ACT_RM:
		act_rm(f, a->tag);
		return 0;
	}
	return 0;
}

int
verr_correct(const char *dir, const char *key, int nth, struct sbuf *actions, struct hk_err *err)
{
	const struct entry *e = find(key);
	const struct action *a;
	struct fix f = { dir, key, INCAR_INIT, 0, actions, err };
	struct sbuf text = SBUF_INIT;
	char *path = NULL;
	int rc = -1;

	if (e == NULL || e->unfixable) {
		err_set(err, "%s: no correction known", key);
		return -1;
	}
	a = nth == 0 ? e->first : nth == 1 ? e->second : NULL;
	if (a == NULL || a[0].kind == ACT_END) {
		err_set(err, "%s: corrections exhausted", key);
		return -1;
	}
	path = xasprintf("%s/INCAR", dir);
	if (file_read(path, &text) == -1 || incar_parse(&f.in, text.s ? text.s : "", path, err) == -1) {
		if (!err->msg[0])
			err_set(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (; a->kind != ACT_END; a++)
		if (apply(&f, a) == -1)
			goto out;
	if (actions->len == 0) {
		/* the first correction had nothing to change here: the second may */
		if (nth == 0 && e->second[0].kind != ACT_END) {
			rc = verr_correct(dir, key, 1, actions, err);
			goto out;
		}
		err_set(err, "%s: nothing left to change", key);
		goto out;
	}
	if (f.incar_changed) {
		struct sbuf out = SBUF_INIT;
		incar_write(&f.in, &out);
		rc = file_write_atomic(path, out.s, out.len, err);
		sbuf_release(&out);
		if (rc == -1)
			goto out;
	}
	rc = 0;
out:
	incar_release(&f.in);
	sbuf_release(&text);
	free(path);
	return rc;
}
