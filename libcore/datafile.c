#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datafile.h"

#ifndef HOPKIT_SHAREDIR
#define HOPKIT_SHAREDIR "/usr/local/share/hopkit"
#endif

static FILE *
try_open(const char *dir, const char *rel, char *path, size_t n)
{
	char buf[2 * PATH_MAX + 2];
	FILE *f;

	snprintf(buf, sizeof(buf), "%s/%s", dir, rel);
	if ((f = fopen(buf, "r")) != NULL && path)
		snprintf(path, n, "%s", buf);
	return f;
}

FILE *
datafile_open(const char *rel, char *path, size_t n, struct hk_err *err)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	const char *env = getenv("HOPKIT_SHARE");
	FILE *f = NULL;
	ssize_t len;

	if (env && *env && (f = try_open(env, rel, path, n)) != NULL)
		return f;
	if ((len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/../share", exe);
			if ((f = try_open(dir, rel, path, n)) != NULL)
				return f;
			/* bench and test programs live one level deeper, in build/ */
			snprintf(dir, sizeof(dir), "%s/../../share", exe);
			if ((f = try_open(dir, rel, path, n)) != NULL)
				return f;
		}
	}
	if ((f = try_open(HOPKIT_SHAREDIR, rel, path, n)) != NULL)
		return f;
	err_set(err, "data file %s not found (set HOPKIT_SHARE, or install hopkit)", rel);
	return NULL;
}

int
datafile_tsv(const char *rel, int ncol, datafile_row_fn fn, void *ctx, struct hk_err *err)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int header = 1, rc = 0;
	FILE *f = datafile_open(rel, path, sizeof(path), err);

	if (f == NULL)
		return -1;
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		char *field[16], *p = line;
		int nf = 0;
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		while (nf < 16) {
			field[nf++] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (header) {
			header = 0;
			continue;
		}
		if (nf < ncol) {
			err_at(err, path, lineno, "want %d columns, found %d", ncol, nf);
			rc = -1;
			break;
		}
		rc = fn(ctx, field, nf, lineno);
		if (rc == -1)
			err_at(err, path, lineno, "bad value in row");
	}
	free(line);
	fclose(f);
	return rc;
}
