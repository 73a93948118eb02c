#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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
