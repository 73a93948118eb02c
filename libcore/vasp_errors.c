#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "elements.h"
#include "fileio.h"
#include "kpfile.h"
#include "num.h"
#include "poscar.h"
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

/*
 * The corrections that replace the catalogue's when VTST's optimizers run
 * (IOPT > 0): those errors custodian fixes through POTIM or IBRION.  FIRE
 * (IOPT = 7) is custodian's own VTST fix for ZBRENT and, in VTST's advice,
 * the optimizer for inaccurate forces; MAXMOVE (default 0.2 A) caps every
 * VTST optimizer's step, as POTIM scales VASP's.
 */
struct vtst_entry {
	const char *key;
	struct action first[5], second[5];
};

static const struct vtst_entry vtst_catalogue[] = {
	{ "brions", { CONTCAR, SET("IOPT", "7"), END }, { END } },
	{ "zbrent", { CONTCAR, SCALE("EDIFF", 0.1, 1e-4), SET("NELMIN", "8"), SET("IOPT", "7"), END },
		{ CONTCAR, SCALE("EDIFF", 0.1, 1e-4), END } },
	{ "zpotrf", { SET("ISYM", "0"), END }, { SCALE("MAXMOVE", 0.5, 0.2), END } },
	{ "eddrmm", { CONTCAR, SET("ALGO", "Normal"), NOWAVE, NOCHG, END },
		{ CONTCAR, SCALE("MAXMOVE", 0.5, 0.2), NOWAVE, NOCHG, END } },
	{ "fexcf", { CONTCAR, END }, { CONTCAR, SCALE("MAXMOVE", 0.5, 0.2), END } },
};

#define NVTST (sizeof(vtst_catalogue) / sizeof(vtst_catalogue[0]))

static const struct vtst_entry *
find_vtst(const char *key)
{
	for (size_t i = 0; i < NVTST; i++)
		if (strcmp(vtst_catalogue[i].key, key) == 0)
			return &vtst_catalogue[i];
	return NULL;
}

static const struct entry *
find(const char *key)
{
	for (size_t i = 0; i < NCAT; i++)
		if (strcmp(catalogue[i].key, key) == 0)
			return &catalogue[i];
	return NULL;
}

/* Whether message m is looked for: hopkit's own conditions never, one word not in an OUTCAR. */
static int
looked_for(const char *m, int outcar)
{
	return m[0] != '@' && !(outcar && strchr(m, ' ') == NULL);
}

static int
detect(const char *text, size_t n, const char **keys, int max, int outcar)
{
	int k = 0;

	for (size_t i = 0; i < NCAT && k < max; i++)
		for (int m = 0; m < 6 && catalogue[i].msg[m]; m++)
			if (looked_for(catalogue[i].msg[m], outcar) &&
			    memmem(text, n, catalogue[i].msg[m], strlen(catalogue[i].msg[m]))) {
				keys[k++] = catalogue[i].key;
				break;
			}
	return k;
}

int
verr_detect(const char *text, size_t n, const char **keys, int max)
{
	return detect(text, n, keys, max, 0);
}

int
verr_detect_outcar(const char *text, size_t n, const char **keys, int max)
{
	return detect(text, n, keys, max, 1);
}

size_t
verr_longest(void)
{
	size_t l = 0;

	for (size_t i = 0; i < NCAT; i++)
		for (int m = 0; m < 6 && catalogue[i].msg[m]; m++)
			if (strlen(catalogue[i].msg[m]) > l)
				l = strlen(catalogue[i].msg[m]);
	return l;
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

/* What a correction works on: a calculation's directory, its images and its INCAR. */
struct fix {
	const char *dir, *key;
	int nimages;		/* NEB images dir/01 ... dir/N, or 0: dir is the image */
	struct incar in;
	long iopt;		/* VTST's optimizer, 0 for VASP's own */
	int incar_changed;
	int changed;		/* any file changed (a note alone is no correction) */
	struct sbuf *actions;	/* "; "-separated, what was done */
	struct hk_err *err;
};

/* The directory of image k (1 ... nimages), or dir itself for a single calculation; the caller frees it. */
static char *
image_dir(const struct fix *f, int k)
{
	return f->nimages > 0 ? xasprintf("%s/%02d", f->dir, k) : xasprintf("%s", f->dir);
}

/* How many image directories a per-image action visits. */
static int
image_count(const struct fix *f)
{
	return f->nimages > 0 ? f->nimages : 1;
}

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

/* NBANDS from the OUTCAR (image 01's in an NEB: "NBANDS=  24"), scaled and rounded up. */
static int
nbands(const char *dir, int nimages, double scale, long *out)
{
	char *path = nimages > 0 ? xasprintf("%s/01/OUTCAR", dir) : xasprintf("%s/OUTCAR", dir);
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
 * The FFT grid VASP asks for in OUTCAR (image 01's in an NEB) after an aliasing warning
 * ("... aliasing errors must be expected set NGX to  28"): up to three
 * tags and values; how many.
 */
static int
fft_grid_hints(const char *dir, int nimages, struct grid_hint hint[3])
{
	char *path = nimages > 0 ? xasprintf("%s/01/OUTCAR", dir) : xasprintf("%s/OUTCAR", dir);
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
/*
 * Rewrite KPOINTS with edit(text, kp, new, what): 1 to write new (what says
 * how, as an action), 0 to leave the file as it is.  A job without a
 * KPOINTS, or with one VASP would not read (kpfile.h), is left alone too.
 */
static int
kpoints_edit(struct fix *f, int (*edit)(const char *text, const struct kpfile *kp, struct sbuf *nk, struct sbuf *what))
{
	char *path = xasprintf("%s/KPOINTS", f->dir);
	struct sbuf k = SBUF_INIT, nk = SBUF_INIT, what = SBUF_INIT;
	struct hk_err perr = HK_ERR_INIT;
	struct kpfile kp;
	int rc = 0;

	if (file_read(path, &k) == 0 && k.s != NULL && kpf_parse(k.s, path, &kp, &perr) == 0 &&
	    edit(k.s, &kp, &nk, &what) == 1 && (rc = file_write_atomic(path, nk.s, nk.len, f->err)) == 0) {
		sbuf_addstr(next_action(f->actions), what.s);
		f->changed = 1;
	}
	sbuf_release(&what);
	sbuf_release(&nk);
	sbuf_release(&k);
	free(path);
	return rc;
}

/* Where lines 1 to 5 of text start (NULL past its end). */
static void
line_starts(const char *text, const char *l[5])
{
	l[0] = text;
	for (int i = 1; i < 5; i++)
		l[i] = l[i - 1] && strchr(l[i - 1], '\n') ? strchr(l[i - 1], '\n') + 1 : NULL;
}

/*
 * Replace a mesh "a b c" by "m m m" with m the cube root of a*b*c (even
 * for Monkhorst-Pack), as custodian does when the k-point star changes
 * between steps.  Nothing when it already is.
 */
static int
isotropic_mesh(const char *text, const struct kpfile *kp, struct sbuf *nk, struct sbuf *what)
{
	const char *l[5];
	long m;

	if (kp->form != KPF_MESH)
		return 0;
	line_starts(text, l);
	m = lround(cbrt((double)kp->div[0] * (double)kp->div[1] * (double)kp->div[2]));
	if (m < 1)
		m = 1;
	if (!kp->gamma)
		m += m % 2;
	if (kp->div[0] == m && kp->div[1] == m && kp->div[2] == m)
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

/* Line 3 of KPOINTS is the mode: Gamma for Monkhorst-Pack. */
static int
gamma_centred(const char *text, const struct kpfile *kp, struct sbuf *nk, struct sbuf *what)
{
	const char *l[5];

	if (kp->form != KPF_MESH || kp->gamma)
		return 0;
	line_starts(text, l);
	sbuf_add(nk, text, (size_t)(l[2] - text));
	sbuf_addstr(nk, "Gamma\n");
	if (l[3])
		sbuf_addstr(nk, l[3]);
	sbuf_addstr(what, "KPOINTS Gamma-centred");
	return 1;
}

static int
act_gamma(struct fix *f)
{
	return kpoints_edit(f, gamma_centred);
}

/* Collects the atoms of a parsed POSCAR or CONTCAR, or why it does not parse. */
struct atoms {
	int n;
	int *z;
	struct hk_err err;
};

static int
keep_atoms(void *ctx, struct structure *s, const struct hk_err *err, int code)
{
	struct atoms *a = ctx;

	(void)code;
	if (s == NULL) {
		a->err = *err;
		return 1;
	}
	a->n = s->cell.n;
	a->z = xmalloc((size_t)(s->cell.n ? s->cell.n : 1) * sizeof(*a->z));
	memcpy(a->z, s->cell.z, (size_t)s->cell.n * sizeof(*a->z));
	return 0;
}

/* The atoms of dir/name; -1 with why when it cannot be read or parsed. */
static int
read_atoms(const char *dir, const char *name, const char *hint, struct atoms *a, struct sbuf *why)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct sbuf t = SBUF_INIT;
	size_t blank = 0;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	if (file_read(path, &t) == -1)
		sbuf_addf(why, "%s", errno == ENOENT ? "missing" : strerror(errno));
	else {
		while (blank < t.len && strchr(" \t\r\n", t.s[blank]))
			blank++;
		if (blank == t.len)
			sbuf_addstr(why, "empty");
		else if (poscar_read(t.s, t.len, name, hint, 0, keep_atoms, a, &a->err) != 0 || a->z == NULL)
			sbuf_addf(why, "line %ld: %s", a->err.line, a->err.msg);
		else
			rc = 0;
	}
	sbuf_release(&t);
	free(path);
	return rc;
}

/* The species of a, in runs ("Ca F"): the hint that reads a VASP 4 CONTCAR like its POSCAR. */
static void
species_runs(const struct atoms *a, struct sbuf *out)
{
	for (int i = 0; i < a->n; i++)
		if (i == 0 || a->z[i] != a->z[i - 1])
			sbuf_addf(out, "%s%s", out->len ? " " : "", elem_symbol(a->z[i]));
}

int
verr_contcar_complete(const char *dir, struct sbuf *why)
{
	struct atoms pos = { 0, NULL, HK_ERR_INIT }, con = { 0, NULL, HK_ERR_INIT };
	struct sbuf hint = SBUF_INIT, pw = SBUF_INIT;
	int ok = 0;

	/* CONTCAR first: missing or empty says more than a POSCAR that cannot be read */
	if (read_atoms(dir, "CONTCAR", NULL, &con, why) == -1 && why->len &&
	    (strcmp(why->s, "missing") == 0 || strcmp(why->s, "empty") == 0))
		goto out;
	free(con.z);
	con.z = NULL;
	sbuf_reset(why);
	if (read_atoms(dir, "POSCAR", NULL, &pos, &pw) == -1) {
		sbuf_addf(why, "POSCAR cannot be read (%s) to compare", pw.s);
		goto out;
	}
	species_runs(&pos, &hint);
	if (read_atoms(dir, "CONTCAR", hint.s, &con, why) == 0) {
		ok = con.n == pos.n && memcmp(con.z, pos.z, (size_t)pos.n * sizeof(*pos.z)) == 0;
		if (!ok)
			sbuf_addf(why, "not the atoms of POSCAR (%d atoms, %d in POSCAR, or another species order)",
			    con.n, pos.n);
	}
out:
	free(pos.z);
	free(con.z);
	sbuf_release(&hint);
	sbuf_release(&pw);
	return ok;
}

/*
 * Copy dir/CONTCAR over dir/POSCAR: 1 when copied, 0 when not (why says
 * why), -1 on a write error.  Only a complete CONTCAR is copied, in a
 * single calculation as in an NEB image: VASP killed while writing it
 * leaves one cut short, and a POSCAR made from it would stop the restart
 * or run it on fewer atoms.
 */
static int
contcar_to_poscar(const char *dir, struct sbuf *why, struct hk_err *err)
{
	char *from = xasprintf("%s/CONTCAR", dir), *to = xasprintf("%s/POSCAR", dir);
	struct sbuf c = SBUF_INIT;
	int rc = 0;

	if (!verr_contcar_complete(dir, why))
		;
	else if (file_read(from, &c) == -1)
		sbuf_addstr(why, errno == ENOENT ? "missing" : strerror(errno));
	else
		rc = file_write_atomic(to, c.s, c.len, err) == 0 ? 1 : -1;
	sbuf_release(&c);
	free(from);
	free(to);
	return rc;
}

/*
 * CONTCAR over POSCAR in each image whose CONTCAR is complete.  One that
 * is not is left alone, with a note; a missing one (no ionic step done) is
 * no news.
 */
static int
act_contcar(struct fix *f)
{
	struct sbuf copied = SBUF_INIT, notes = SBUF_INIT, why = SBUF_INIT;
	int rc = 0;

	for (int k = 1; k <= image_count(f) && rc == 0; k++) {
		char *d = image_dir(f, k);
		int c;
		sbuf_reset(&why);
		if ((c = contcar_to_poscar(d, &why, f->err)) == 1)
			sbuf_addf(&copied, "%s%02d", copied.len ? ", " : "", k);
		else if (c == 0 && strcmp(why.s, "missing") != 0) {
			if (f->nimages > 0)
				sbuf_addf(&notes, "; %02d/", k);
			else
				sbuf_addstr(&notes, "; ");
			sbuf_addf(&notes, "CONTCAR not copied: %s", why.s);
		}
		rc = c == -1 ? -1 : 0;
		free(d);
	}
	if (copied.len) {
		f->changed = 1;
		sbuf_addstr(next_action(f->actions), "CONTCAR -> POSCAR");
		if (f->nimages > 0)
			sbuf_addf(f->actions, " in %s", copied.s);
	}
	if (notes.len)
		sbuf_addstr(next_action(f->actions), notes.s + 2);
	sbuf_release(&copied);
	sbuf_release(&notes);
	sbuf_release(&why);
	return rc;
}

static void
act_rm(struct fix *f, const char *name)
{
	int removed = 0;

	for (int k = 1; k <= image_count(f); k++) {
		char *d = image_dir(f, k), *path = xasprintf("%s/%s", d, name);
		removed |= unlink(path) == 0;
		free(path);
		free(d);
	}
	if (removed) {
		f->changed = 1;
		sbuf_addf(next_action(f->actions), "removed %s", name);
	}
}

static void
set_tag(struct fix *f, const char *tag, const char *val)
{
	incar_set(&f->in, tag, val);
	f->incar_changed = f->changed = 1;
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
	f->incar_changed = f->changed = 1;
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

	if (nbands(f->dir, f->nimages, a->x, &v) == -1) {
		err_set(f->err, "%s: no NBANDS = in %s%s/OUTCAR to increase", f->key, f->dir, f->nimages ? "/01" : "");
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
	int n = fft_grid_hints(f->dir, f->nimages, hint);

	for (int g = 0; g < n; g++) {
		char nb[32];
		snprintf(nb, sizeof(nb), "%ld", hint[g].n);
		set_tag(f, hint[g].tag, nb);
	}
}

/* VASP's optimizer tags, which VTST's optimizers need at IBRION = 3 and POTIM = 0. */
static int
optimizer_tag(const struct action *a)
{
	return a->kind != ACT_RM && a->tag && (strcasecmp(a->tag, "POTIM") == 0 || strcasecmp(a->tag, "IBRION") == 0);
}

static int
apply(struct fix *f, const struct action *a)
{
	if (f->iopt > 0 && optimizer_tag(a))
		return 0;	/* never: VTST would stop */
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

/* "brions in an NEB with IOPT 1": the calculation, for messages. */
static void
vtst_what(const struct fix *f, struct sbuf *out)
{
	sbuf_addf(out, "%s%s with IOPT %ld", f->key, f->nimages > 0 ? " in an NEB" : "", f->iopt);
}

/* The corrections for the nth occurrence of e's error, VTST's when its optimizers run; NULL when none. */
static const struct action *
corrections(const struct fix *f, const struct entry *e, int nth)
{
	const struct vtst_entry *v = f->iopt > 0 ? find_vtst(e->key) : NULL;
	const struct action *a = v ? (nth == 0 ? v->first : nth == 1 ? v->second : NULL)
	    : nth == 0 ? e->first : nth == 1 ? e->second : NULL;

	return a == NULL || a[0].kind == ACT_END ? NULL : a;
}

/* Why no correction is left: VTST's limits said plainly, with what was noted on the way. */
static void
none_left(struct fix *f, const char *what, size_t noted)
{
	struct sbuf m = SBUF_INIT;

	if (f->iopt > 0 && find_vtst(f->key)) {
		vtst_what(f, &m);
		sbuf_addstr(&m, ": POTIM must stay 0 and IBRION 3 for VTST's optimizers, and no other correction is left");
	} else
		sbuf_addf(&m, "%s: %s", f->key, what);
	if (f->actions->len > noted)
		sbuf_addf(&m, " (%s)", f->actions->s + noted + (noted ? 2 : 0));
	err_set(f->err, "%s", m.s);
	sbuf_release(&m);
}

/* Read dir/INCAR into f and the optimizer VTST runs. */
static int
load_incar(struct fix *f, const char *path)
{
	struct sbuf text = SBUF_INIT;
	int rc = -1;

	if (file_read(path, &text) == -1)
		err_set(f->err, "%s: %s", path, strerror(errno));
	else if (incar_parse(&f->in, text.s ? text.s : "", path, f->err) == 0 &&
	    incar_get_long(&f->in, "IOPT", 0, 100, 0, &f->iopt, f->err) == 0)
		rc = 0;
	sbuf_release(&text);
	return rc;
}

int
verr_correct(const char *dir, const char *key, int nth, struct sbuf *actions, struct hk_err *err)
{
	return verr_correct_images(dir, 0, key, nth, actions, err);
}

int
verr_correct_images(const char *dir, int nimages, const char *key, int nth, struct sbuf *actions,
    struct hk_err *err)
{
	const struct entry *e = find(key);
	const struct action *a;
	struct fix f = { dir, key, nimages, INCAR_INIT, 0, 0, 0, actions, err };
	size_t noted = actions->len;
	char *path = NULL;
	int rc = -1;

	if (e == NULL || e->unfixable) {
		err_set(err, "%s: no correction known", key);
		return -1;
	}
	path = xasprintf("%s/INCAR", dir);
	if (load_incar(&f, path) == -1)
		goto out;
	if ((a = corrections(&f, e, nth)) == NULL) {
		none_left(&f, "corrections exhausted", noted);
		goto out;
	}
	for (; a->kind != ACT_END; a++)
		if (apply(&f, a) == -1)
			goto out;
	if (!f.changed) {
		/* the first correction had nothing to change here: the second may */
		if (nth == 0 && corrections(&f, e, 1)) {
			actions->len = noted;
			if (actions->s)
				actions->s[noted] = '\0';
			rc = verr_correct_images(dir, nimages, key, 1, actions, err);
			goto out;
		}
		none_left(&f, "nothing left to change", noted);
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
	free(path);
	return rc;
}
