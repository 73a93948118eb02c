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

/* A change: set TAG=VALUE, or a named special action. */
struct change {
	const char *tag, *val;
};

struct entry {
	const char *key;
	const char *msg[6];
	struct change first[5], second[5];
	int unfixable;
};

#define END { NULL, NULL }
/* special actions, as tags starting with @ */
#define CONTCAR { "@contcar", "" }
#define GAMMA { "@gamma", "" }
#define NOWAVE { "@rm", "WAVECAR" }
#define NOCHG { "@rm", "CHGCAR" }

static const struct entry catalogue[] = {
	{ "tet", { "Tetrahedron method fails", "tetrahedron method fails", "Routine TETIRR needs special values",
		"BZINTS" }, { { "ISMEAR", "0" }, { "SIGMA", "0.05" }, END }, { END }, 0 },
	{ "inv_rot_mat", { "rotation matrix was not found (increase SYMPREC)" }, { { "SYMPREC", "1e-8" }, END }, { END }, 0 },
	{ "brmix", { "BRMIX: very serious problems" }, { { "IMIX", "1" }, END },
		{ { "ISYM", "0" }, GAMMA, NOWAVE, NOCHG, END }, 0 },
	{ "subspacematrix", { "WARNING: Sub-Space-Matrix is not hermitian in DAV" }, { { "LREAL", ".FALSE." }, END },
		{ { "PREC", "Accurate" }, END }, 0 },
	{ "incorrect_shift", { "Could not get correct shifts" }, { GAMMA, END }, { END }, 0 },
	{ "real_optlay", { "REAL_OPTLAY: internal error", "REAL_OPT: internal ERROR" }, { { "LREAL", ".FALSE." }, END },
		{ END }, 0 },
	{ "rspher", { "ERROR RSPHER", "RSPHER: internal ERROR" }, { { "LREAL", ".FALSE." }, END }, { END }, 0 },
	{ "dentet", { "DENTET" }, { { "ISMEAR", "0" }, { "SIGMA", "0.05" }, END }, { END }, 0 },
	{ "too_few_bands", { "TOO FEW BANDS" }, { { "@nbands", "1.1" }, END }, { { "@nbands", "1.1" }, END }, 0 },
	{ "triple_product", { "ERROR: the triple product of the basis vectors" }, { END }, { END }, 1 },
	{ "rot_matrix", { "Found some non-integer element in rotation matrix", "SGRCON" }, { GAMMA, END },
		{ { "ISYM", "0" }, END }, 0 },
	{ "brions", { "BRIONS problems: POTIM should be increased" }, { CONTCAR, { "@add", "POTIM=0.1" }, END },
		{ CONTCAR, { "IBRION", "2" }, { "POTIM", "0.5" }, END }, 0 },
	{ "pricel", { "internal error in subroutine PRICEL" }, { { "SYMPREC", "1e-8" }, { "ISYM", "0" }, END }, { END }, 0 },
	{ "zpotrf", { "LAPACK: Routine ZPOTRF failed", "Routine ZPOTRF ZTRTRI" }, { { "ISYM", "0" }, END },
		{ { "@scale", "POTIM=0.5" }, END }, 0 },
	{ "amin", { "One of the lattice vectors is very long (>50 A), but AMIN" }, { { "AMIN", "0.01" }, END }, { END }, 0 },
	{ "zbrent", { "ZBRENT: fatal internal in", "ZBRENT: fatal error in bracketing" },
		{ CONTCAR, { "@scale", "EDIFF=0.1" }, { "NELMIN", "8" }, END }, { CONTCAR, { "IBRION", "1" }, END }, 0 },
	{ "pssyevx", { "ERROR in subspace rotation PSSYEVX" }, { { "ALGO", "Normal" }, END }, { END }, 0 },
	{ "pdsyevx", { "ERROR in subspace rotation PDSYEVX" }, { { "ALGO", "Normal" }, END }, { END }, 0 },
	{ "eddrmm", { "WARNING in EDDRMM: call to ZHEGV failed" }, { CONTCAR, { "ALGO", "Normal" }, NOWAVE, NOCHG, END },
		{ CONTCAR, { "@scale", "POTIM=0.5" }, NOWAVE, NOCHG, END }, 0 },
	{ "edddav", { "Error EDDDAV: Call to ZHEGV failed" }, { CONTCAR, { "ALGO", "All" }, { "ISEARCH", "1" }, NOCHG, END },
		{ END }, 0 },
	{ "algo_tet", { "ALGO=A and IALGO=5X tend to fail" }, { { "ALGO", "Fast" }, END },
		{ { "ISMEAR", "0" }, { "SIGMA", "0.05" }, END }, 0 },
	{ "grad_not_orth", { "EDWAV: internal error, the gradient is not orthogonal" }, { { "ALGO", "Fast" }, END },
		{ { "ALGO", "Normal" }, END }, 0 },
	{ "nicht_konv", { "ERROR: SBESSELITER : nicht konvergent" }, { { "LREAL", ".FALSE." }, END }, { END }, 0 },
	{ "zheev", { "ERROR EDDIAG: Call to routine ZHEEV failed!" }, { CONTCAR, { "ALGO", "Normal" }, END },
		{ CONTCAR, { "ALGO", "Exact" }, END }, 0 },
	{ "eddiag", { "ERROR in EDDIAG: call to ZHEEV/ZHEEVX/DSYEV/DSYEVX failed" }, { CONTCAR, { "ALGO", "Normal" }, END },
		{ CONTCAR, { "ALGO", "Exact" }, END }, 0 },
	{ "elf_kpar", { "ELF: KPAR>1 not implemented" }, { { "KPAR", "1" }, END }, { END }, 0 },
	{ "rhosyg", { "RHOSYG" }, { { "SYMPREC", "1e-4" }, END }, { { "ISYM", "0" }, END }, 0 },
	{ "posmap", { "POSMAP" }, { { "@scale", "SYMPREC=0.1" }, END }, { { "ISYM", "0" }, END }, 0 },
	{ "pricelv", { "PRICELV: current lattice and primitive lattice are incommensurate" },
		{ { "@scale", "SYMPREC=0.1" }, END }, { { "ISYM", "0" }, END }, 0 },
	{ "point_group", { "group operation missing" }, { { "ISYM", "0" }, END }, { END }, 0 },
	{ "symprec_noise", { "determination of the symmetry of your systems shows a strong" },
		{ { "SYMPREC", "1e-6" }, END }, { { "ISYM", "0" }, END }, 0 },
	{ "dfpt_ncore", { "PEAD routines do not work for NCORE", "remove the tag NPAR from the INCAR file" },
		{ { "@unset", "NCORE" }, { "@unset", "NPAR" }, END }, { END }, 0 },
	{ "bravais", { "Inconsistent Bravais lattice" }, { { "SYMPREC", "1e-6" }, END }, { { "ISYM", "0" }, END }, 0 },
	{ "ksymm", { "Fatal error detecting k-mesh", "Fatal error: unable to match k-point" },
		{ { "SYMPREC", "1e-6" }, END }, { { "ISYM", "0" }, END }, 0 },
	{ "nbands_not_sufficient", { "number of bands is not sufficient" }, { { "@nbands", "1.2" }, END }, { END }, 0 },
	{ "hnform", { "HNFORM: k-point generating" }, { { "ISYM", "0" }, END }, { END }, 0 },
	{ "coef", { "while reading plane", "while reading WAVECAR" }, { NOWAVE, END }, { END }, 0 },
	{ "ibzkpt", { "not all point group operations", "internal error in subroutine IBZKPT" },
		{ { "ISYM", "0" }, END }, { { "SYMPREC", "1e-6" }, END }, 0 },
	{ "fexcf", { "supplied exchange-correlation table" }, { CONTCAR, END }, { CONTCAR, { "IBRION", "2" }, END }, 0 },
	{ "aliasing", { "WARNING: small aliasing (wrap around) errors must be expected" },
		{ { "@ngrid", "" }, NOWAVE, NOCHG, END },
		{ END }, 0 },
	{ "kpoints_trans", { "internal error in GENERATE_KPOINTS_TRANS: number of G-vector changed in star" },
		{ { "@isokpts", "" }, END }, { END }, 0 },
	{ "out_of_memory", { "Allocation would exceed memory limit" }, { { "@scale", "KPAR=0.5" }, END }, { END }, 0 },
	{ "lrf_comm", { "LRF_COMMUTATOR internal error" }, { { "LPEAD", ".TRUE." }, END }, { END }, 0 },
	{ "set_core_wf", { "internal error in SET_CORE_WF" }, { END }, { END }, 1 },
	{ "read_error", { "Error reading item", "Error code was IERR= 5" }, { END }, { END }, 1 },
	{ "spin_polarized_harris", { "Spin polarized Harris functional dynamics is a good joke" }, { END }, { END }, 1 },
	{ "nonconverged", { "@hopkit: electronic steps reached NELM" }, { { "ALGO", "Normal" }, END },
		{ { "ALGO", "All" }, { "ISEARCH", "1" }, END }, 0 },
	{ "walltime", { "@hopkit: walltime reached" }, { CONTCAR, END }, { CONTCAR, END }, 0 },
	{ "frozen", { "@hopkit: output stopped growing" }, { { "ALGO", "Normal" }, END }, { { "SYMPREC", "1e-8" }, END }, 0 },
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

/* NBANDS from the OUTCAR ("NBANDS=  24"), scaled and rounded up. */
static int
nbands(const char *dir, double scale, char *out, size_t n)
{
	char path[8200];
	struct sbuf t = SBUF_INIT;
	const char *p, *last = NULL;
	long nb = 0;

	snprintf(path, sizeof(path), "%s/OUTCAR", dir);
	if (file_read(path, &t) == -1)
		return -1;
	for (p = t.s; (p = strstr(p, "NBANDS=")) != NULL; p += 7)
		last = p;
	if (last)
		nb = strtol(last + 7, NULL, 10);
	sbuf_release(&t);
	if (nb <= 0)
		return -1;
	long v = (long)ceil(nb * scale);
	snprintf(out, n, "%ld", v > nb ? v : nb + 1);
	return 0;
}

/*
 * The FFT grid VASP asks for in OUTCAR after an aliasing warning
 * ("... aliasing errors must be expected set NGX to  28"): up to three
 * tags and values; how many.
 */
static int
fft_grid_hints(const char *dir, char tags[3][8], char vals[3][16])
{
	char path[8200];
	struct sbuf t = SBUF_INIT;
	const char *p;
	int n = 0;

	snprintf(path, sizeof(path), "%s/OUTCAR", dir);
	if (file_read(path, &t) == -1)
		return 0;
	for (p = t.s; n < 3 && (p = strstr(p, "aliasing errors")) != NULL; p++) {
		const char *eol = strchr(p, '\n'), *ng = strstr(p, "NG");
		long v;
		if (ng == NULL || (eol && ng > eol) || !strchr("XYZ", ng[2]) || ng[2] == '\0')
			continue;
		const char *to = strstr(ng, " to ");
		if (to == NULL || (eol && to > eol) || (v = strtol(to + 4, NULL, 10)) <= 0)
			continue;
		snprintf(tags[n], 8, "NG%c", ng[2]);
		snprintf(vals[n], 16, "%ld", v);
		n++;
	}
	sbuf_release(&t);
	return n;
}

/*
 * Replace an automatic mesh "a b c" in KPOINTS by "m m m" with m the cube
 * root of a*b*c (even for Monkhorst-Pack), as custodian does when the
 * k-point star changes between steps.  Nothing when it already is.
 */
static int
isotropic_mesh(const char *dir, struct sbuf *actions, struct hk_err *err)
{
	char kp[8300];
	struct sbuf k = SBUF_INIT, nk = SBUF_INIT;
	const char *l[5] = { NULL };
	int rc = 0;
	long a, b, c;

	snprintf(kp, sizeof(kp), "%s/KPOINTS", dir);
	if (file_read(kp, &k) == -1 || k.s == NULL)
		return 0;
	l[0] = k.s;
	for (int i = 1; i < 5 && l[i - 1]; i++)
		l[i] = strchr(l[i - 1], '\n') ? strchr(l[i - 1], '\n') + 1 : NULL;
	/* an automatic mesh: count 0 on line 2, mode on line 3, mesh on line 4 */
	if (l[3] && atol(l[1]) == 0 && sscanf(l[3], "%ld %ld %ld", &a, &b, &c) == 3 && a > 0 && b > 0 && c > 0) {
		long m = lround(cbrt((double)(a * b * c)));
		if (m < 1)
			m = 1;
		if (l[2][0] == 'M' || l[2][0] == 'm')
			m += m % 2;
		if (!(a == m && b == m && c == m)) {
			sbuf_add(&nk, k.s, (size_t)(l[3] - k.s));
			sbuf_addf(&nk, "%ld %ld %ld\n", m, m, m);
			if (l[4])
				sbuf_addstr(&nk, l[4]);
			rc = file_write_atomic(kp, nk.s, nk.len, err);
			if (rc == 0)
				sbuf_addf(actions, "%sKPOINTS mesh %ld %ld %ld", actions->len ? "; " : "", m, m, m);
		}
	}
	sbuf_release(&nk);
	sbuf_release(&k);
	return rc;
}

int
verr_correct(const char *dir, const char *key, int nth, struct sbuf *actions, struct hk_err *err)
{
	const struct entry *e = find(key);
	const struct change *ch;
	struct incar in = INCAR_INIT;
	struct sbuf text = SBUF_INIT;
	char path[8200];
	int rc = -1, incar_changed = 0;

	if (e == NULL || e->unfixable) {
		err_set(err, "%s: no correction known", key);
		return -1;
	}
	ch = nth == 0 ? e->first : nth == 1 ? e->second : NULL;
	if (ch == NULL || ch[0].tag == NULL) {
		err_set(err, "%s: corrections exhausted", key);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/INCAR", dir);
	if (file_read(path, &text) == -1 || incar_parse(&in, text.s ? text.s : "", path, err) == -1) {
		if (!err->msg[0])
			err_set(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (; ch->tag; ch++) {
		if (ch->tag[0] != '@') {
			const char *old = incar_get(&in, ch->tag);
			if (old && strcasecmp(old, ch->val) == 0)
				continue;	/* already so: not a correction */
			incar_set(&in, ch->tag, ch->val);
			sbuf_addf(actions, "%sINCAR %s = %s", actions->len ? "; " : "", ch->tag, ch->val);
			incar_changed = 1;
		} else if (strcmp(ch->tag, "@contcar") == 0) {
			char from[8300], to[8300];
			struct sbuf c = SBUF_INIT;
			snprintf(from, sizeof(from), "%s/CONTCAR", dir);
			snprintf(to, sizeof(to), "%s/POSCAR", dir);
			if (file_read(from, &c) == 0 && c.len > 0) {
				if (file_write_atomic(to, c.s, c.len, err) == -1) {
					sbuf_release(&c);
					goto out;
				}
				sbuf_addf(actions, "%sCONTCAR -> POSCAR", actions->len ? "; " : "");
			}
			sbuf_release(&c);
		} else if (strcmp(ch->tag, "@gamma") == 0) {
			char kp[8300];
			struct sbuf k = SBUF_INIT;
			snprintf(kp, sizeof(kp), "%s/KPOINTS", dir);
			if (file_read(kp, &k) == 0) {
				/* third line is the mode: Gamma for Monkhorst-Pack */
				char *l1 = strchr(k.s, '\n'), *l2 = l1 ? strchr(l1 + 1, '\n') : NULL;
				if (l2 && (l2[1] == 'M' || l2[1] == 'm')) {
					struct sbuf nk = SBUF_INIT;
					char *l3 = strchr(l2 + 1, '\n');
					sbuf_add(&nk, k.s, (size_t)(l2 + 1 - k.s));
					sbuf_addstr(&nk, "Gamma");
					if (l3)
						sbuf_addstr(&nk, l3);
					if (file_write_atomic(kp, nk.s, nk.len, err) == -1) {
						sbuf_release(&nk);
						sbuf_release(&k);
						goto out;
					}
					sbuf_release(&nk);
					sbuf_addf(actions, "%sKPOINTS Gamma-centred", actions->len ? "; " : "");
				}
			}
			sbuf_release(&k);
		} else if (strcmp(ch->tag, "@isokpts") == 0) {
			if (isotropic_mesh(dir, actions, err) == -1)
				goto out;
		} else if (strcmp(ch->tag, "@rm") == 0) {
			char f[8300];
			snprintf(f, sizeof(f), "%s/%s", dir, ch->val);
			if (unlink(f) == 0)
				sbuf_addf(actions, "%sremoved %s", actions->len ? "; " : "", ch->val);
		} else if (strcmp(ch->tag, "@unset") == 0) {
			if (incar_get(&in, ch->val)) {
				incar_unset(&in, ch->val);
				incar_changed = 1;
				sbuf_addf(actions, "%sINCAR %s removed", actions->len ? "; " : "", ch->val);
			}
		} else if (strcmp(ch->tag, "@nbands") == 0) {
			char v[32];
			double s = atof(ch->val);
			if (nbands(dir, s, v, sizeof(v)) == -1) {
				err_set(err, "%s: no NBANDS = in %s/OUTCAR to increase", key, dir);
				goto out;
			}
			incar_set(&in, "NBANDS", v);
			incar_changed = 1;
			sbuf_addf(actions, "%sINCAR NBANDS = %s", actions->len ? "; " : "", v);
		} else if (strcmp(ch->tag, "@ngrid") == 0) {
			char tags[3][8], vals[3][16];
			int ng = fft_grid_hints(dir, tags, vals);
			for (int g = 0; g < ng; g++) {
				incar_set(&in, tags[g], vals[g]);
				incar_changed = 1;
				sbuf_addf(actions, "%sINCAR %s = %s", actions->len ? "; " : "", tags[g], vals[g]);
			}
		} else if (strcmp(ch->tag, "@scale") == 0 || strcmp(ch->tag, "@add") == 0) {
			/* "TAG=factor": multiply (or add to) the current value */
			char tag[32], nb[NUM_BUFSZ];
			const char *eq = strchr(ch->val, '=');
			double f = atof(eq + 1), cur = 0;
			snprintf(tag, sizeof(tag), "%.*s", (int)(eq - ch->val), ch->val);
			const char *old = incar_get(&in, tag);
			if (old == NULL || num_parse_double(old, &cur) == -1) {
				static const struct { const char *tag; double v; } defaults[] = {
					{ "POTIM", 0.5 }, { "EDIFF", 1e-4 }, { "SYMPREC", 1e-5 }, { "KPAR", 1 }, { NULL, 0 } };
				for (int d = 0; defaults[d].tag; d++)
					if (strcmp(defaults[d].tag, tag) == 0)
						cur = defaults[d].v;
			}
			double v = strcmp(ch->tag, "@add") == 0 ? cur + f : cur * f;
			if (strcmp(tag, "KPAR") == 0)
				v = v < 1 ? 1 : floor(v);
			/* 1e-5 * 0.1 should read 1e-06, not 1.0000000000000002e-06 */
			snprintf(nb, sizeof(nb), "%.12g", v);
			incar_set(&in, tag, nb);
			incar_changed = 1;
			sbuf_addf(actions, "%sINCAR %s = %s", actions->len ? "; " : "", tag, nb);
		}
	}
	if (actions->len == 0) {
		/* the first correction had nothing to change here: the second may */
		incar_release(&in);
		sbuf_release(&text);
		if (nth == 0 && e->second[0].tag)
			return verr_correct(dir, key, 1, actions, err);
		err_set(err, "%s: nothing left to change", key);
		return -1;
	}
	if (incar_changed) {
		struct sbuf out = SBUF_INIT;
		incar_write(&in, &out);
		if (file_write_atomic(path, out.s, out.len, err) == -1) {
			sbuf_release(&out);
			goto out;
		}
		sbuf_release(&out);
	}
	rc = 0;
out:
	incar_release(&in);
	sbuf_release(&text);
	return rc;
}
