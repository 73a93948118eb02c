#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cell.h"
#include "cif.h"
#include "err.h"
#include "poscar.h"
#include "structure.h"
#include "testutil.h"

void
_assert_near(double a, double b, double tol, const char *sa, const char *sb, const char *file, int line)
{
	if (!(fabs(a - b) <= tol)) {
		print_error("%s = %.12g and %s = %.12g differ by more than %g\n", sa, a, sb, b, tol);
		_fail(file, line);
	}
}

char *
test_data(const char *name, size_t *n)
{
	char path[1024];
	FILE *f;
	char *buf;
	long len;

	snprintf(path, sizeof(path), "%s/%s", getenv("HOPKIT_TESTDATA") ? getenv("HOPKIT_TESTDATA") : "tests/data", name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[len] = '\0';
	fclose(f);
	if (n)
		*n = (size_t)len;
	return buf;
}

static int
keep_cell(void *ctx, struct structure *s, const struct hk_err *e, int code)
{
	(void)e, (void)code;
	if (s)
		cell_copy(ctx, &s->cell);
	return 0;
}

struct cell
test_cell(const char *name)
{
	struct cell c = CELL_INIT;
	struct hk_err e = HK_ERR_INIT;
	size_t n, len = strlen(name);
	char *text = test_data(name, &n);

	assert_non_null(text);
	if (len > 4 && strcmp(name + len - 4, ".cif") == 0)
		assert_int_equal(cif_read(text, n, name, 0, keep_cell, &c, &e), 0);
	else
		poscar_read(text, n, name, NULL, 0, keep_cell, &c, &e);
	assert_true(c.n > 0);
	free(text);
	return c;
}

void
test_put(const char *dir, const char *name, const char *text)
{
	char path[1024], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	/* the directory the file is in, one level, when the name has one */
	slash = strrchr(path, '/');
	*slash = '\0';
	assert_true(mkdir(path, 0777) == 0 || errno == EEXIST);
	*slash = '/';
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) < 0, 0);
	assert_int_equal(fclose(f), 0);
}

void
test_job_dir(const char *dir)
{
	static const char *const runs[] = { "start", "mid", "end" };
	char *poscar = test_data("vasp/POSCAR.Si", NULL);
	char sub[1024];

	assert_non_null(poscar);
	assert_true(mkdir(dir, 0777) == 0 || errno == EEXIST);
	for (int i = 0; i < 3; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, runs[i]);
		assert_int_equal(mkdir(sub, 0777), 0);
		test_put(sub, "INCAR", "NSW = 0\n");
		test_put(sub, "KPOINTS", "Gamma 1 1 1\n0\nGamma\n1 1 1\n");
		test_put(sub, "POTCAR.spec", "Si\n");
		test_put(sub, "POSCAR", poscar);
	}
	free(poscar);
}
