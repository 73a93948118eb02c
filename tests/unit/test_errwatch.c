/*
 * errwatch: errors found in what the outputs gain, a message cut between
 * two reads, an NEB's image OUTCARs (not its endpoints'), and an earlier
 * attempt's files left unread until they are rewritten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errwatch.h"
#include "fileio.h"
#include "testutil.h"
#include "xalloc.h"

static int
setup(void **state)
{
	char *dir = xstrdup("/tmp/hk-errwatch-XXXXXX");

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

/* Append (or with mode "w", write) text to dir/name, its directory made first. */
static void
put(const char *dir, const char *name, const char *mode, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name), *slash = strrchr(p, '/');
	FILE *f;

	*slash = '\0';
	mkdir(p, 0777);
	*slash = '/';
	assert_non_null(f = fopen(p, mode));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	free(p);
}

static void
assert_found(const struct errwatch *w, int i, const char *key, const char *where)
{
	assert_true(i < w->nk);
	assert_string_equal(w->keys[i], key);
	assert_string_equal(w->where[i], where);
}

/* a message written in two pieces is found once it is whole; found stays found */
static void
growing(void **state)
{
	const char *dir = *state;
	struct errwatch w;

	errwatch_init(&w, dir, 0);
	assert_int_equal(errwatch_update(&w), 0);
	put(dir, "vasp.out", "w", " running on 4 cores\n ZBRENT: fatal err");
	assert_int_equal(errwatch_update(&w), 0);
	put(dir, "vasp.out", "a", "or in bracketing\n");
	assert_int_equal(errwatch_update(&w), 1);
	assert_found(&w, 0, "zbrent", "vasp.out");
	put(dir, "std_err.txt", "w", "LRF_COMMUTATOR internal error\n");
	put(dir, "OUTCAR", "w", " BZINTS: Fermi energy: 1.0\n");
	assert_int_equal(errwatch_update(&w), 2);
	assert_found(&w, 1, "lrf_comm", "std_err.txt");
	put(dir, "vasp.out", "w", "");
	assert_int_equal(errwatch_update(&w), 2);
	errwatch_release(&w);
}

/* an NEB: the images' OUTCARs, never the endpoints' */
static void
neb_images(void **state)
{
	const char *dir = *state;
	struct errwatch w;

	put(dir, "00/OUTCAR", "w", "");
	put(dir, "04/OUTCAR", "w", "");
	errwatch_init(&w, dir, 3);
	put(dir, "00/OUTCAR", "w", " LAPACK: Routine ZPOTRF failed\n");
	put(dir, "04/OUTCAR", "w", " LAPACK: Routine ZPOTRF failed\n");
	put(dir, "OUTCAR", "w", " LAPACK: Routine ZPOTRF failed\n");
	assert_int_equal(errwatch_update(&w), 0);
	put(dir, "02/OUTCAR", "w", " free energy\n BRIONS problems: POTIM should be increased\n");
	assert_int_equal(errwatch_update(&w), 1);
	assert_found(&w, 0, "brions", "02/OUTCAR");
	errwatch_release(&w);
}

/* an earlier attempt's output is not this one's: read once rewritten */
static void
earlier_attempt(void **state)
{
	const char *dir = *state;
	struct errwatch w;

	put(dir, "01/OUTCAR", "w", " ZBRENT: fatal error in bracketing\n");
	put(dir, "vasp.out", "w", " ZBRENT: fatal error in bracketing\n");
	errwatch_init(&w, dir, 1);
	assert_int_equal(errwatch_update(&w), 0);
	put(dir, "01/OUTCAR", "w", " vasp.6.4\n");
	assert_int_equal(errwatch_update(&w), 0);
	put(dir, "01/OUTCAR", "a", " EDDDAV: Call to ZHEGV failed\n Error EDDDAV: Call to ZHEGV failed\n");
	assert_int_equal(errwatch_update(&w), 1);
	assert_found(&w, 0, "edddav", "01/OUTCAR");
	errwatch_release(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(growing, setup, teardown),
		cmocka_unit_test_setup_teardown(neb_images, setup, teardown),
		cmocka_unit_test_setup_teardown(earlier_attempt, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
