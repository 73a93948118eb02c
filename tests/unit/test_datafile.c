#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bv.h"
#include "bvse.h"
#include "datafile.h"
#include "fileio.h"
#include "sbuf.h"
#include "testutil.h"
#include "xalloc.h"

/* Every shipped table loads with no row left out. */
static void
shipped_tables_clean(void **state)
{
	struct hk_err e = HK_ERR_INIT;
	struct bv_tables bv;
	struct bvse_tables t;

	(void)state;
	assert_int_equal(bv_tables_load(&bv, &e), 0);
	for (int k = 0; k < bv.issues.n; k++)
		print_error("%s:%ld: %s\n", bv.issues.v[k].file, bv.issues.v[k].line, bv.issues.v[k].msg);
	assert_int_equal(bv.issues.n, 0);
	assert_true(bv.nsp > 300);
	bv_tables_release(&bv);
	assert_int_equal(bvse_tables_load(&t, &e), 0);
	for (int k = 0; k < t.issues.n; k++)
		print_error("%s:%ld: %s\n", t.issues.v[k].file, t.issues.v[k].line, t.issues.v[k].msg);
	assert_int_equal(t.issues.n, 0);
	assert_true(t.npair > 1000);
	for (int k = 0; k < t.npair; k++)
		assert_true(t.pair[k].alpha > 0 && t.pair[k].d0 > 0 && t.pair[k].rmin > 0 && t.pair[k].r0 > 0);
	bvse_tables_release(&t);
}

static int
take_none(void *ctx, char **f, const double *v, long line)
{
	(void)ctx, (void)f, (void)v, (void)line;
	return 0;
}

/*
 * The presets make-neb reads (INCAR tags per element), checked by the
 * rules their values obey: U and J of a few eV, L an angular momentum,
 * a moment within a few tens of Bohr magnetons; one row per key.
 */
static void
shipped_presets_clean(void **state)
{
	static const struct datafile_col ldau[] = {
		{ "anion", DF_ELEMENT, 0, 0, 0, NULL }, { "element", DF_ELEMENT, 0, 0, 0, NULL },
		{ "U", DF_REAL, 0, 15, 0, NULL }, { "J", DF_REAL, 0, 15, 0, NULL }, { "L", DF_INT, 0, 3, 0, NULL },
	};
	static const struct datafile_col magmom[] = {
		{ "element", DF_ELEMENT, 0, 0, 0, NULL }, { "magmom", DF_REAL, -20, 20, 0, NULL },
	};
	static const struct datafile_col potcar[] = {
		{ "element", DF_ELEMENT, 0, 0, 0, NULL }, { "symbol", DF_TEXT, 0, 0, 0, NULL },
	};
	static const struct datafile_table tables[] = {
		{ "presets/ldau.tsv", 5, ldau, 0x3, NULL },
		{ "presets/magmom.tsv", 2, magmom, 0x1, NULL },
		{ "presets/potcar-symbols.tsv", 2, potcar, 0x1, NULL },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		struct datafile_issues is = DATAFILE_ISSUES_INIT;
		struct hk_err e = HK_ERR_INIT;
		if (datafile_load(&tables[k], take_none, NULL, &is, &e) != 0)
			fail_msg("%s: %s", tables[k].rel, e.msg);
		for (int i = 0; i < is.n; i++)
			print_error("%s:%ld: %s\n", is.v[i].file, is.v[i].line, is.v[i].msg);
		assert_int_equal(is.n, 0);
		datafile_issues_release(&is);
	}
}

/* A share directory of our own, made fresh for each test and removed after it. */
struct share {
	char dir[64];
};

static int
share_setup(void **state)
{
	struct share *s = xcalloc(1, sizeof(*s));

	snprintf(s->dir, sizeof(s->dir), "/tmp/hk-datafile-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	setenv("HOPKIT_SHARE", s->dir, 1);
	*state = s;
	return 0;
}

static int
share_teardown(void **state)
{
	struct share *s = *state;
	char *cmd = xasprintf("rm -rf '%s'", s->dir);

	unsetenv("HOPKIT_SHARE");
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", s->dir);
	free(cmd);
	free(s);
	return 0;
}

static void
share_write(const struct share *s, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", s->dir, rel);
	char *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	char *mk = xasprintf("mkdir -p '%s'", path);
	assert_int_equal(system(mk), 0);
	free(mk);
	*slash = '/';
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static const struct datafile_col test_cols[] = {
	{ "el", DF_ELEMENT, 0, 0, 0, NULL },
	{ "q", DF_INT, -3, 3, 0, NULL },
	{ "x", DF_REAL, 0, 2, 1, "not a length" },
	{ "note", DF_TEXT, 0, 0, 0, NULL },
};

static int
test_check(char **f, const double *v, char *why, size_t n)
{
	(void)f;
	if (v[1] != 0)
		return 0;
	snprintf(why, n, "q is zero");
	return 1;
}

static const struct datafile_table test_table = { "t/t.tsv", 4, test_cols, 0x3, test_check };

/* The rows taken: "El q x" each, for comparison. */
static int
take_text(void *ctx, char **f, const double *v, long line)
{
	char buf[128];

	(void)f;
	snprintf(buf, sizeof(buf), "%ld:%g,%g,%g;", line, v[0], v[1], v[2]);
	strcat(ctx, buf);
	return 0;
}

/* Each kind of bad row is left out with its line and reason; the good ones are taken. */
static void
bad_rows_reported(void **state)
{
	static const char *const want[] = {
		"line 5: el 'Xx' is not an element; row not used",
		"line 6: q '1.5' is not an integer; row not used",
		"line 7: q 4 is outside [-3, 3]; row not used",
		"line 8: x -0.5 is outside (0, 2]: not a length; row not used",
		"line 9: x 'nan' is not a finite number; row not used",
		"line 10: 3 columns, want 4; row not used",
		"line 12: a second row for the key of line 4; row not used",
		"line 13: q is zero; row not used",
		"line 14: note is empty; row not used",
	};
	struct share *s = *state;
	struct datafile_issues is = DATAFILE_ISSUES_INIT;
	struct hk_err e = HK_ERR_INIT;
	char got[1024] = "", *file = xasprintf("%s/t/t.tsv", s->dir);

	share_write(s, "t/t.tsv", "# a comment\nel\tq\tx\tnote\n\nCa\t2\t1.5\tok\nXx\t1\t1\ta\nF\t1.5\t1\ta\n"
	    "F\t4\t1\ta\nF\t-1\t-0.5\ta\nF\t-1\tnan\ta\nF\t-1\t1\n#F\t-1\t-9\tcommented out\nCa\t2\t1\tb\n"
	    "Li\t0\t1\tc\nLi\t1\t1\t\nLi\t1\t2\tlast\n");
	assert_int_equal(datafile_load(&test_table, take_text, got, &is, &e), 0);
	assert_string_equal(got, "4:20,2,1.5;15:3,1,2;");
	assert_int_equal(is.n, (int)(sizeof(want) / sizeof(want[0])));
	for (int k = 0; k < is.n; k++) {
		char line[600];
		snprintf(line, sizeof(line), "line %ld: %s", is.v[k].line, is.v[k].msg);
		assert_string_equal(line, want[k]);
		assert_string_equal(is.v[k].file, file);
	}
	datafile_issues_release(&is);
	free(file);
}

/* A table that cannot be used fails: no file, another table's header, no good row. */
static void
unusable_tables_fail(void **state)
{
	static const struct { const char *text, *msg; long line; } cases[] = {
		{ "el\tq\tz\tnote\nCa\t2\t1\tok\n", "the header does not name the columns el, ... (not the table expected)", 1 },
		{ "# only comments\n", "no usable row", 0 },
		{ "el\tq\tx\tnote\nCa\t2\t-1\tbad\n", "no usable row", 0 },
	};
	struct share *s = *state;

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct datafile_issues is = DATAFILE_ISSUES_INIT;
		struct hk_err e = HK_ERR_INIT;
		share_write(s, "t/t.tsv", cases[k].text);
		assert_int_equal(datafile_load(&test_table, take_none, NULL, &is, &e), -1);
		assert_string_equal(e.msg, cases[k].msg);
		assert_int_equal(e.line, cases[k].line);
		datafile_issues_release(&is);
	}
	struct datafile_issues is = DATAFILE_ISSUES_INIT;
	struct hk_err e = HK_ERR_INIT;
	struct datafile_table missing = test_table;
	missing.rel = "t/none.tsv";
	assert_int_equal(datafile_load(&missing, take_none, NULL, &is, &e), -1);
	assert_non_null(strstr(e.msg, "t/none.tsv not found"));
}

/* The shipped table with the row BVlain ships for Ba2+-Br-: left out, named, its pair unknown. */
static void
softbv_negative_alpha(void **state)
{
	static const char *const rel[] = { "bvse/softbv-anions.tsv", "bvse/softbv-cations.tsv", "bvse/elements.tsv",
		"radii/shannon-ionic.tsv" };
	struct share *s = *state;
	struct bvse_tables t;
	struct hk_err e = HK_ERR_INIT;
	double en, de;

	unsetenv("HOPKIT_SHARE");
	for (int k = 0; k < 4; k++) {
		char *path = NULL, *text;
		FILE *f = datafile_open(rel[k], &path, &e);
		struct sbuf sb = SBUF_INIT;
		assert_non_null(f);
		fclose(f);
		assert_int_equal(file_read(path, &sb), 0);
		if (k == 0)
			sbuf_addstr(&sb, "Br\t-1\tBa\t2\t2.486\t1.399882\t-1.680672\t0.74336\n");
		text = sbuf_detach(&sb);
		share_write(s, rel[k], text);
		free(text);
		free(path);
	}
	setenv("HOPKIT_SHARE", s->dir, 1);
	assert_int_equal(bvse_tables_load(&t, &e), 0);
	assert_int_equal(t.issues.n, 1);
	assert_non_null(strstr(t.issues.v[0].file, "bvse/softbv-anions.tsv"));
	assert_true(t.issues.v[0].line > 10);
	assert_string_equal(t.issues.v[0].msg,
	    "alpha -1.680672 is outside (0, 10]: a Morse curve with no minimum; row not used");
	assert_null(bvse_pair_find(&t, 35, -1, 56, 2));
	assert_int_equal(bvse_pair_energy(&t, 35, -1, 56, 2, 3.0, &en, &de, &e), -1);
	assert_string_equal(e.msg, "no softBV parameters for Br- with Ba2+");
	bvse_tables_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_tables_clean),
		cmocka_unit_test(shipped_presets_clean),
		cmocka_unit_test_setup_teardown(bad_rows_reported, share_setup, share_teardown),
		cmocka_unit_test_setup_teardown(unusable_tables_fail, share_setup, share_teardown),
		cmocka_unit_test_setup_teardown(softbv_negative_alpha, share_setup, share_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
