/*
 * Corrections in an NEB and under VTST's optimizers: POTIM and IBRION
 * never change when IOPT > 0, an image's CONTCAR replaces its POSCAR only
 * when complete, the endpoints are left alone; and what an OUTCAR's
 * normal output must not be taken for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "sbuf.h"
#include "testutil.h"
#include "vasp_errors.h"
#include "xalloc.h"

static const char nacl[] = "NaCl\n1.0\n5.6 0 0\n0 5.6 0\n0 0 5.6\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";
/* as VASP writes it after a step: VASP 5, then the (empty) velocities */
static const char nacl_moved[] = "moved\n1.0\n5.6 0 0\n0 5.6 0\n0 0 5.6\nNa Cl\n1 1\nDirect\n0.01 0 0\n0.5 0.5 0.5\n\n"
				 "0 0 0\n0 0 0\n";

static int
setup(void **state)
{
	char *dir = xstrdup("/tmp/hk-verr-neb-XXXXXX");

	if (mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	char *dir = *state;
	int rc = file_remove_tree(dir);

	free(dir);
	return rc;
}

static char *
get(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct sbuf sb = SBUF_INIT;
	int rc = file_read(p, &sb);

	free(p);
	if (rc == -1)
		return NULL;
	return sb.s ? sbuf_detach(&sb) : xstrdup("");
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

/* The correction's actions, or NULL with the message in err. */
static char *
correct(const char *dir, int nimages, const char *key, int nth, struct hk_err *err)
{
	struct sbuf act = SBUF_INIT;

	err_clear(err);
	if (verr_correct_images(dir, nimages, key, nth, &act, err) == -1) {
		sbuf_release(&act);
		return NULL;
	}
	return act.s ? sbuf_detach(&act) : xstrdup("");
}

static void
assert_correct(const char *dir, int nimages, const char *key, int nth, const char *want)
{
	struct hk_err err = HK_ERR_INIT;
	char *got = correct(dir, nimages, key, nth, &err);

	if (got == NULL)
		print_error("%s: %s\n", key, err.msg);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_no_correction(const char *dir, int nimages, const char *key, int nth, const char *msg)
{
	struct hk_err err = HK_ERR_INIT;
	char *got = correct(dir, nimages, key, nth, &err);

	if (got)
		print_error("%s: corrected: %s\n", key, got);
	assert_null(got);
	if (strstr(err.msg, msg) == NULL)
		print_error("%s: message '%s' lacks '%s'\n", key, err.msg, msg);
	assert_non_null(strstr(err.msg, msg));
}

/* A 2-image NEB: endpoints 00 and 03, images 01 and 02 with a CONTCAR each. */
static void
neb(const char *dir, const char *incar)
{
	test_put(dir, "INCAR", incar);
	test_put(dir, "00/POSCAR", nacl);
	test_put(dir, "03/POSCAR", nacl);
	test_put(dir, "00/OUTCAR", "endpoint\n");
	for (int k = 1; k <= 2; k++) {
		char name[32];
		snprintf(name, sizeof(name), "%02d/POSCAR", k);
		test_put(dir, name, nacl);
		snprintf(name, sizeof(name), "%02d/CONTCAR", k);
		test_put(dir, name, nacl_moved);
	}
}

#define LBFGS "IBRION = 3\nPOTIM = 0\nIOPT = 1\nIMAGES = 2\n"

/* BRIONS: FIRE, CONTCAR in each image; a second time, nothing, saying why */
static void
brions(void **state)
{
	const char *dir = *state;

	neb(dir, LBFGS);
	assert_correct(dir, 2, "brions", 0, "CONTCAR -> POSCAR in 01, 02; INCAR IOPT = 7");
	assert_file(dir, "INCAR", "IBRION = 3\nPOTIM = 0\nIOPT = 7\nIMAGES = 2\n");
	assert_file(dir, "01/POSCAR", nacl_moved);
	assert_file(dir, "02/POSCAR", nacl_moved);
	assert_file(dir, "00/POSCAR", nacl);
	assert_no_correction(dir, 2, "brions", 1,
	    "brions in an NEB with IOPT 7: POTIM must stay 0 and IBRION 3 for VTST's optimizers");
	/* already FIRE, CONTCARs gone: the first has nothing to do, nor the second */
	test_put(dir, "01/CONTCAR", "");
	test_put(dir, "02/CONTCAR", "");
	assert_no_correction(dir, 2, "brions", 0, "no other correction is left (01/CONTCAR not copied: empty");
	assert_file(dir, "INCAR", "IBRION = 3\nPOTIM = 0\nIOPT = 7\nIMAGES = 2\n");
}

/* without VTST the catalogue is custodian's, POTIM and all */
static void
no_vtst(void **state)
{
	const char *dir = *state;

	neb(dir, "IBRION = 2\nIMAGES = 2\n");
	assert_correct(dir, 2, "brions", 0, "CONTCAR -> POSCAR in 01, 02; INCAR POTIM = 0.6");
	assert_correct(dir, 2, "zbrent", 1, "CONTCAR -> POSCAR in 01, 02; INCAR IBRION = 1");
	test_put(dir, "INCAR", "IOPT = 0\nPOTIM = 0.4\n");
	assert_correct(dir, 0, "zpotrf", 1, "INCAR POTIM = 0.2");
	test_put(dir, "INCAR", "IOPT = x\n");
	assert_no_correction(dir, 2, "brions", 0, "IOPT = x is not an integer");
}

/* ZBRENT, ZPOTRF, EDDRMM, FEXCF: tighter forces, FIRE, a smaller MAXMOVE, never POTIM or IBRION */
static void
step_limits(void **state)
{
	const char *dir = *state;

	neb(dir, LBFGS "EDIFF = 1e-5\nISYM = 0\n");
	assert_correct(dir, 2, "zbrent", 0,
	    "CONTCAR -> POSCAR in 01, 02; INCAR EDIFF = 1e-06; INCAR NELMIN = 8; INCAR IOPT = 7");
	assert_correct(dir, 2, "zbrent", 1, "CONTCAR -> POSCAR in 01, 02; INCAR EDIFF = 1e-07");
	assert_correct(dir, 2, "zpotrf", 0, "INCAR MAXMOVE = 0.1");
	assert_correct(dir, 2, "fexcf", 1, "CONTCAR -> POSCAR in 01, 02; INCAR MAXMOVE = 0.05");
	test_put(dir, "01/WAVECAR", "");
	test_put(dir, "00/WAVECAR", "");
	assert_correct(dir, 2, "eddrmm", 1, "CONTCAR -> POSCAR in 01, 02; INCAR MAXMOVE = 0.025; removed WAVECAR");
	assert_file(dir, "01/WAVECAR", NULL);
	assert_file(dir, "00/WAVECAR", "");
	assert_file(dir, "00/OUTCAR", "endpoint\n");
	char *incar = get(dir, "INCAR");
	assert_non_null(strstr(incar, "IBRION = 3\nPOTIM = 0\n"));
	assert_null(strstr(incar + strlen("IBRION = 3\nPOTIM = 0\n"), "POTIM"));
	assert_null(strstr(incar + strlen("IBRION = 3\nPOTIM = 0\n"), "IBRION"));
	free(incar);
}

static void
assert_contcar(const char *dir, const char *contcar, int want, const char *why)
{
	struct sbuf w = SBUF_INIT;
	char *c = xasprintf("%s/CONTCAR", dir);

	test_put(dir, "POSCAR", nacl);
	if (contcar)
		test_put(dir, "CONTCAR", contcar);
	else
		unlink(c);
	free(c);
	assert_int_equal(verr_contcar_complete(dir, &w), want);
	if (why) {
		if (w.s == NULL || strstr(w.s, why) == NULL)
			print_error("why: '%s', want '%s'\n", w.s ? w.s : "", why);
		assert_non_null(w.s);
		assert_non_null(strstr(w.s, why));
	}
	sbuf_release(&w);
}

/* complete: parses, the same atoms in the same order */
static void
contcar_complete(void **state)
{
	const char *dir = *state;

	assert_contcar(dir, nacl_moved, 1, NULL);
	/* VASP 4: no species line, read with POSCAR's */
	assert_contcar(dir, "old\n1.0\n5.6 0 0\n0 5.6 0\n0 0 5.6\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n", 1, NULL);
	assert_contcar(dir, "", 0, "empty");
	assert_contcar(dir, " \n\n", 0, "empty");
	assert_contcar(dir, NULL, 0, "missing");
	assert_contcar(dir, "moved\n1.0\n5.6 0 0\n0 5.6 0\n0 0 5.6\nNa Cl\n1 1\nDirect\n0 0 0\n", 0,
	    "truncated POSCAR: 1 of 2 atoms");
	assert_contcar(dir, "moved\n1.0\n5.6 0 0\n0 5.6", 0, "line");
	assert_contcar(dir, "x\n1.0\n5.6 0 0\n0 5.6 0\n0 0 5.6\nCl Na\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n", 0,
	    "not the atoms of POSCAR");
	assert_contcar(dir, "x\n1.0\n5.6 0 0\n0 5.6 0\n0 0 5.6\nNa Cl\n2 1\nDirect\n0 0 0\n0.5 0 0\n0.5 0.5 0.5\n", 0,
	    "3 atoms, 2 in POSCAR");
	test_put(dir, "POSCAR", "not a POSCAR\n");
	struct sbuf w = SBUF_INIT;
	assert_int_equal(verr_contcar_complete(dir, &w), 0);
	assert_non_null(strstr(w.s, "POSCAR cannot be read"));
	sbuf_release(&w);
}

/* one-word messages are routine names a normal OUTCAR prints too */
static void
outcar_messages(void **state)
{
	static const char bz[] = " BZINTS: Fermi energy: 18.168557; 56.000000 electrons\n";
	static const char zb[] = " ZBRENT: fatal error in bracketing\n";
	const char *keys[VERR_MAX];
	size_t n;
	char *text = test_data("vasp/large_cell/OUTCAR", &n);

	(void)state;
	assert_int_equal(verr_detect(bz, strlen(bz), keys, VERR_MAX), 1);
	assert_string_equal(keys[0], "tet");
	assert_int_equal(verr_detect_outcar(bz, strlen(bz), keys, VERR_MAX), 0);
	assert_int_equal(verr_detect_outcar(zb, strlen(zb), keys, VERR_MAX), 1);
	assert_string_equal(keys[0], "zbrent");
	assert_non_null(text);
	assert_int_equal(verr_detect_outcar(text, n, keys, VERR_MAX), 0);
	free(text);
	assert_true(verr_longest() >= strlen("internal error in GENERATE_KPOINTS_TRANS: number of G-vector changed in star"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(brions, setup, teardown),
		cmocka_unit_test_setup_teardown(no_vtst, setup, teardown),
		cmocka_unit_test_setup_teardown(step_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(contcar_complete, setup, teardown),
		cmocka_unit_test(outcar_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
