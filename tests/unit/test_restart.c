#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "restart.h"
#include "sbuf.h"
#include "testutil.h"
#include "xalloc.h"

static char *
incar_after(const char *text, const int got[RESTART_N])
{
	struct sbuf t = SBUF_INIT;

	sbuf_addstr(&t, text);
	restart_incar_apply(&t, got);
	return sbuf_detach(&t);
}

/* A tag already there, in any case and spacing, is replaced; comments and the rest are kept. */
static void
incar_tags_replaced_once(void **state)
{
	static const int both[RESTART_N] = { 1, 1 }, wave[RESTART_N] = { 1, 0 }, none[RESTART_N] = { 0, 0 };
	char *s;

	(void)state;
	s = incar_after("# written by hopkit\nENCUT = 520\n  istart=0\nICHARGE_X = 3\n", both);
	assert_string_equal(s, "# written by hopkit\nENCUT = 520\nICHARGE_X = 3\nISTART = 1\nICHARG = 1\n");
	free(s);
	s = incar_after("ICHARG = 2\nNSW = 0", wave);
	assert_string_equal(s, "ICHARG = 2\nNSW = 0\nISTART = 1\n");
	free(s);
	s = incar_after("ISTART = 0\n", none);
	assert_string_equal(s, "ISTART = 0\n");
	free(s);
}

static char *
temp_dir(void)
{
	char *d = xstrdup("/tmp/hk-restart-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void
put(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct hk_err e = HK_ERR_INIT;

	assert_int_equal(file_write_sync(p, text, strlen(text), &e), 0);
	free(p);
}

/* Only files that are there and not empty are found, and each found is copied whole. */
static void
found_and_copied(void **state)
{
	char *from = temp_dir(), *to = temp_dir(), *path[RESTART_N], *p;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf t = SBUF_INIT;
	int got[RESTART_N];

	(void)state;
	put(from, "WAVECAR", "wave functions\n");
	put(from, "CHGCAR", "");
	restart_find(from, path);
	assert_non_null(path[RESTART_WAVECAR]);
	assert_null(path[RESTART_CHGCAR]);
	assert_int_equal(restart_copy(path, to, got, &e), 0);
	assert_int_equal(got[RESTART_WAVECAR], 1);
	assert_int_equal(got[RESTART_CHGCAR], 0);
	p = xasprintf("%s/WAVECAR", to);
	assert_int_equal(file_read(p, &t), 0);
	assert_string_equal(t.s, "wave functions\n");
	free(p);
	p = xasprintf("%s/CHGCAR", to);
	assert_int_not_equal(access(p, F_OK), 0);
	free(p);
	restart_release(path);
	/* an archive (not a directory) has none */
	p = xasprintf("%s/WAVECAR", from);
	restart_find(p, path);
	assert_null(path[RESTART_WAVECAR]);
	free(p);
	file_remove_tree(from);
	file_remove_tree(to);
	sbuf_release(&t);
	free(from);
	free(to);
}

/* A copy that cannot be made says which file, and leaves nothing behind. */
static void
copy_fails_cleanly(void **state)
{
	char *to = temp_dir(), *dst = xasprintf("%s/WAVECAR", to);
	struct hk_err e = HK_ERR_INIT;

	(void)state;
	assert_int_equal(file_copy_sync("/nonexistent/WAVECAR", dst, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/WAVECAR"));
	assert_int_not_equal(access(dst, F_OK), 0);
	file_remove_tree(to);
	free(dst);
	free(to);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(incar_tags_replaced_once),
		cmocka_unit_test(found_and_copied),
		cmocka_unit_test(copy_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
