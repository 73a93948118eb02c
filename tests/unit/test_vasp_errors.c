/*
 * The error catalogue on custodian's recorded VASP outputs
 * (tests/data/vasp/errors, see its MANIFEST.tsv): what is detected, and
 * what each correction does to the files of a scratch image directory.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "sbuf.h"
#include "testutil.h"
#include "vasp_errors.h"

static void
detect_one(const char *file, const char *const *want)
{
	char path[256];
	const char *keys[VERR_MAX];
	size_t n;
	char *text;
	int k, nwant = 0;

	snprintf(path, sizeof(path), "vasp/errors/%s", file);
	text = test_data(path, &n);
	assert_non_null(text);
	k = verr_detect(text, n, keys, VERR_MAX);
	while (want[nwant])
		nwant++;
	if (k != nwant)
		print_error("%s: %d errors detected, want %d\n", file, k, nwant);
	assert_int_equal(k, nwant);
	for (int i = 0; i < k; i++)
		assert_string_equal(keys[i], want[i]);
	free(text);
}

static void
detect(void **state)
{
	detect_one("vasp.posmap", (const char *const[]){ "posmap", NULL });
	detect_one("std_err.txt.oom", (const char *const[]){ "out_of_memory", NULL });
	detect_one("vasp.brions", (const char *const[]){ "brions", NULL });
	detect_one("vasp.zbrent", (const char *const[]){ "zbrent", NULL });
	detect_one("too_few_bands_vasp.too_few_bands", (const char *const[]){ "too_few_bands", NULL });
	detect_one("std_err.txt.kpoints_trans", (const char *const[]){ "kpoints_trans", NULL });
	detect_one("vasp.algo_tet", (const char *const[]){ "algo_tet", "grad_not_orth", "aliasing", NULL });
	detect_one("vasp.ksymm", (const char *const[]){ "ksymm", "ibzkpt", NULL });
	detect_one("vasp.fd_ncore", (const char *const[]){ "dfpt_ncore", NULL });
	detect_one("vasp.harris", (const char *const[]){ "spin_polarized_harris", NULL });
	detect_one("vasp.ztrtri", (const char *const[]){ "zpotrf", NULL });
	assert_int_equal(verr_detect("all is well\n", 12, (const char *[VERR_MAX]){ NULL }, VERR_MAX), 0);
}

/* A scratch image directory. */
static int
setup(void **state)
{
	char *dir = strdup("/tmp/hk-verr-XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	char *dir = *state;
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		char p[512];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
	return 0;
}

/* The file's text, "" when it is empty, NULL when it does not exist. */
static char *
get(const char *dir, const char *name)
{
	char p[512];
	struct sbuf sb = SBUF_INIT;
	FILE *f;
	int c;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((f = fopen(p, "r")) == NULL)
		return NULL;
	while ((c = getc(f)) != EOF)
		sbuf_addc(&sb, (char)c);
	fclose(f);
	return sbuf_detach(&sb);
}

static void
assert_file(const char *dir, const char *name, const char *want)
{
	char *got = get(dir, name);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Correct key (its nth occurrence) in dir: the actions it reports, or NULL on failure (message in err). */
static char *
correct(const char *dir, const char *key, int nth, struct hk_err *err)
{
	struct sbuf act = SBUF_INIT;

	err_clear(err);
	if (verr_correct(dir, key, nth, &act, err) == -1) {
		sbuf_release(&act);
		return NULL;
	}
	return sbuf_detach(&act);
}

static void
assert_correct(const char *dir, const char *key, int nth, const char *want)
{
	struct hk_err err = HK_ERR_INIT;
	char *got = correct(dir, key, nth, &err);

	if (got == NULL)
		print_error("%s: %s\n", key, err.msg);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_no_correction(const char *dir, const char *key, int nth, const char *msg)
{
	struct hk_err err = HK_ERR_INIT;
	char *got = correct(dir, key, nth, &err);

	if (got)
		print_error("%s: corrected: %s\n", key, got);
	assert_null(got);
	assert_non_null(strstr(err.msg, msg));
}

/* SYMPREC scaled by 0.1 from INCAR's value or VASP's 1e-5, written with 12 digits */
static void
scale_symprec(void **state)
{
	const char *dir = *state;

	test_put(dir, "INCAR", "ISYM = 2\nISMEAR = -5\n");
	assert_correct(dir, "posmap", 0, "INCAR SYMPREC = 1e-06");
	assert_file(dir, "INCAR", "ISYM = 2\nISMEAR = -5\nSYMPREC = 1e-06\n");
	assert_correct(dir, "posmap", 0, "INCAR SYMPREC = 1e-07");
	assert_file(dir, "INCAR", "ISYM = 2\nISMEAR = -5\nSYMPREC = 1e-07\n");
	assert_correct(dir, "pricelv", 1, "INCAR ISYM = 0");
	assert_file(dir, "INCAR", "ISYM = 0\nISMEAR = -5\nSYMPREC = 1e-07\n");
	/* not a number: from the default */
	test_put(dir, "INCAR", "SYMPREC = tight\n");
	assert_correct(dir, "posmap", 0, "INCAR SYMPREC = 1e-06");
}

/* KPAR halved, rounded down, at least 1 */
static void
scale_kpar(void **state)
{
	const char *dir = *state;

	test_put(dir, "INCAR", "KPAR = 5\n");
	assert_correct(dir, "out_of_memory", 0, "INCAR KPAR = 2");
	assert_correct(dir, "out_of_memory", 0, "INCAR KPAR = 1");
	assert_correct(dir, "out_of_memory", 0, "INCAR KPAR = 1");
	assert_file(dir, "INCAR", "KPAR = 1\n");
	test_put(dir, "INCAR", "ENCUT = 520\n");
	assert_correct(dir, "out_of_memory", 0, "INCAR KPAR = 1");
	assert_file(dir, "INCAR", "ENCUT = 520\nKPAR = 1\n");
	assert_no_correction(dir, "out_of_memory", 1, "corrections exhausted");
}

/* POTIM plus 0.1 after CONTCAR -> POSCAR; then IBRION and POTIM set */
static void
add_potim(void **state)
{
	const char *dir = *state;
	static const char cell[] = "1.0\n3 0 0\n0 3 0\n0 0 3\nCa F\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";
	char old[128], new[128], cut[128];

	snprintf(old, sizeof(old), "old\n%s", cell);
	snprintf(new, sizeof(new), "new\n%s", cell);
	test_put(dir, "INCAR", "IBRION = 1\n");
	test_put(dir, "POSCAR", old);
	test_put(dir, "CONTCAR", new);
	assert_correct(dir, "brions", 0, "CONTCAR -> POSCAR; INCAR POTIM = 0.6");
	assert_file(dir, "POSCAR", new);
	assert_file(dir, "INCAR", "IBRION = 1\nPOTIM = 0.6\n");
	assert_correct(dir, "brions", 0, "CONTCAR -> POSCAR; INCAR POTIM = 0.7");
	assert_correct(dir, "brions", 1, "CONTCAR -> POSCAR; INCAR IBRION = 2; INCAR POTIM = 0.5");
	assert_file(dir, "INCAR", "IBRION = 2\nPOTIM = 0.5\n");
	/* an empty CONTCAR is not copied, nor one cut inside the coordinates */
	test_put(dir, "CONTCAR", "");
	assert_correct(dir, "eddrmm", 1, "CONTCAR not copied: empty; INCAR POTIM = 0.25");
	assert_file(dir, "POSCAR", new);
	snprintf(cut, sizeof(cut), "%.*s", (int)(strlen(new) - strlen("0.5 0.5 0.5\n")), new);
	test_put(dir, "CONTCAR", cut);
	assert_correct(dir, "eddrmm", 1,
	    "CONTCAR not copied: line 10: truncated POSCAR: 1 of 2 atoms; INCAR POTIM = 0.125");
	assert_file(dir, "POSCAR", new);
}

static void
zbrent(void **state)
{
	const char *dir = *state;

	test_put(dir, "INCAR", "EDIFF = 1e-3\nNELMIN = 8\n");
	assert_correct(dir, "zbrent", 0, "INCAR EDIFF = 0.0001");
	assert_file(dir, "INCAR", "EDIFF = 0.0001\nNELMIN = 8\n");
	test_put(dir, "INCAR", "ISMEAR = 0\n");
	assert_correct(dir, "zbrent", 0, "INCAR EDIFF = 1e-05; INCAR NELMIN = 8");
}

/* set: already so is no correction, and then the second one is used */
static void
set_or_second(void **state)
{
	const char *dir = *state;

	test_put(dir, "INCAR", "ALGO = fast\nISMEAR = -5\n");
	assert_correct(dir, "algo_tet", 0, "INCAR ISMEAR = 0; INCAR SIGMA = 0.05");
	assert_file(dir, "INCAR", "ALGO = fast\nISMEAR = 0\nSIGMA = 0.05\n");
	assert_no_correction(dir, "algo_tet", 1, "nothing left to change");
	assert_correct(dir, "real_optlay", 0, "INCAR LREAL = .FALSE.");
	assert_correct(dir, "ksymm", 0, "INCAR SYMPREC = 1e-6");
	assert_file(dir, "INCAR", "ALGO = fast\nISMEAR = 0\nSIGMA = 0.05\nLREAL = .FALSE.\nSYMPREC = 1e-6\n");
	test_put(dir, "INCAR", "NCORE = 4\nNPAR = 2\nENCUT = 400\n");
	assert_correct(dir, "dfpt_ncore", 0, "INCAR NCORE removed; INCAR NPAR removed");
	assert_file(dir, "INCAR", "ENCUT = 400\n");
	assert_no_correction(dir, "dfpt_ncore", 0, "nothing left to change");
}

static void
nbands(void **state)
{
	const char *dir = *state;

	test_put(dir, "INCAR", "ENCUT = 400\n");
	assert_no_correction(dir, "too_few_bands", 0, "no NBANDS = in");
	test_put(dir, "OUTCAR", "   k-points           NKPTS =      4   k-points in BZ     NKDIM =      4   number of bands    NBANDS=     24\n"
	    " later NBANDS=     33\n");
	assert_correct(dir, "too_few_bands", 0, "INCAR NBANDS = 37");
	assert_correct(dir, "nbands_not_sufficient", 0, "INCAR NBANDS = 40");
	assert_file(dir, "INCAR", "ENCUT = 400\nNBANDS = 40\n");
	/* at least one more */
	test_put(dir, "OUTCAR", "NBANDS=  1\n");
	assert_correct(dir, "too_few_bands", 0, "INCAR NBANDS = 2");
	test_put(dir, "OUTCAR", "NBANDS= x\n");
	assert_no_correction(dir, "too_few_bands", 1, "no NBANDS = in");
}

static void
aliasing(void **state)
{
	const char *dir = *state;

	test_put(dir, "INCAR", "ENCUT = 400\n");
	test_put(dir, "WAVECAR", "");
	test_put(dir, "OUTCAR", " WARNING: aliasing errors must be expected set NGX to  34 to avoid them\n"
	    " WARNING: aliasing errors must be expected set NGZ to 120 to avoid them\n"
	    " WARNING: aliasing errors must be expected set NGY to  x to avoid them\n");
	assert_correct(dir, "aliasing", 0, "INCAR NGX = 34; INCAR NGZ = 120; removed WAVECAR");
	assert_file(dir, "INCAR", "ENCUT = 400\nNGX = 34\nNGZ = 120\n");
	assert_file(dir, "WAVECAR", NULL);
}

static void
kpoints(void **state)
{
	const char *dir = *state;

	test_put(dir, "INCAR", "ENCUT = 400\n");
	test_put(dir, "KPOINTS", "auto\n0\nMonkhorst-Pack\n2 3 4\n0 0 0\n");
	assert_correct(dir, "kpoints_trans", 0, "KPOINTS mesh 4 4 4");
	assert_file(dir, "KPOINTS", "auto\n0\nMonkhorst-Pack\n4 4 4\n0 0 0\n");
	assert_no_correction(dir, "kpoints_trans", 0, "nothing left to change");
	test_put(dir, "KPOINTS", "auto\n0\nGamma\n2 3 4\n");
	assert_correct(dir, "kpoints_trans", 0, "KPOINTS mesh 3 3 3");
	assert_file(dir, "KPOINTS", "auto\n0\nGamma\n3 3 3\n");
	/* explicit k-points are left alone */
	test_put(dir, "KPOINTS", "list\n2\nReciprocal\n0 0 0 1\n0.5 0 0 1\n");
	assert_no_correction(dir, "kpoints_trans", 0, "nothing left to change");
	test_put(dir, "KPOINTS", "auto\n0\nMonkhorst-Pack\n4 4 4\n");
	assert_correct(dir, "incorrect_shift", 0, "KPOINTS Gamma-centred");
	assert_file(dir, "KPOINTS", "auto\n0\nGamma\n4 4 4\n");
	assert_file(dir, "INCAR", "ENCUT = 400\n");
}

static void
not_correctable(void **state)
{
	const char *dir = *state;

	test_put(dir, "INCAR", "ENCUT = 400\n");
	assert_true(verr_unfixable("spin_polarized_harris"));
	assert_true(verr_unfixable("no such error"));
	assert_false(verr_unfixable("posmap"));
	assert_no_correction(dir, "triple_product", 0, "no correction known");
	assert_no_correction(dir, "posmap", 2, "corrections exhausted");
	assert_no_correction(dir, "tet", 1, "corrections exhausted");
	assert_file(dir, "INCAR", "ENCUT = 400\n");
	assert_string_equal(verr_message("walltime"), "walltime reached");
	assert_string_equal(verr_message("posmap"), "POSMAP");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detect),
		cmocka_unit_test_setup_teardown(scale_symprec, setup, teardown),
		cmocka_unit_test_setup_teardown(scale_kpar, setup, teardown),
		cmocka_unit_test_setup_teardown(add_potim, setup, teardown),
		cmocka_unit_test_setup_teardown(zbrent, setup, teardown),
		cmocka_unit_test_setup_teardown(set_or_second, setup, teardown),
		cmocka_unit_test_setup_teardown(nbands, setup, teardown),
		cmocka_unit_test_setup_teardown(aliasing, setup, teardown),
		cmocka_unit_test_setup_teardown(kpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(not_correctable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
