#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datafile.h"
#include "xalloc.h"

#ifndef HOPKIT_SHAREDIR
#define HOPKIT_SHAREDIR "/usr/local/share/hopkit"
#endif

/* Open dir/rel; its path goes to *path (caller frees) if path is not NULL. */
static FILE *
try_open(const char *dir, const char *rel, char **path)
{
	char *buf = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(buf, "r");

	if (f != NULL && path)
		*path = buf;
	else
		free(buf);
	return f;
}

/* The directory of the running program (caller frees), or NULL. */
static char *
self_dir(void)
{
	size_t cap = 256;
	char *exe = NULL, *slash;
	ssize_t len;

	/* readlink does not say how long the name is: grow until it fits */
	for (;;) {
		exe = xrealloc(exe, cap);
		if ((len = readlink("/proc/self/exe", exe, cap)) <= 0) {
			free(exe);
			return NULL;
		}
		if ((size_t)len < cap)
			break;
		cap *= 2;
	}
	exe[len] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL) {
		free(exe);
		return NULL;
	}
	*slash = '\0';
	return exe;
}

/* share/<rel> beside the program: bin/../share, or build/x/../../share. */
static FILE *
try_beside_self(const char *rel, char **path)
{
	/* bench and test programs live one level deeper, in build/ */
	static const char *const up[] = { "%s/../share", "%s/../../share" };
	char *exe = self_dir(), *dir;
	FILE *f = NULL;

	for (size_t i = 0; exe && f == NULL && i < sizeof(up) / sizeof(up[0]); i++) {
		dir = xasprintf(up[i], exe);
		f = try_open(dir, rel, path);
		free(dir);
	}
	free(exe);
	return f;
}

FILE *
datafile_open(const char *rel, char **path, struct hk_err *err)
{
	const char *env = getenv("HOPKIT_SHARE");
	FILE *f = NULL;

	if (path)
		*path = NULL;
	if (env && *env && (f = try_open(env, rel, path)) != NULL)
		return f;
	if ((f = try_beside_self(rel, path)) != NULL)
		return f;
	if ((f = try_open(HOPKIT_SHAREDIR, rel, path)) != NULL)
		return f;
	err_set(err, "data file %s not found (set HOPKIT_SHARE, or install hopkit)", rel);
	return NULL;
}

int
datafile_tsv(const char *rel, int ncol, datafile_row_fn fn, void *ctx, struct hk_err *err)
{
	char *path = NULL, *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int header = 1, rc = 0;
	FILE *f = datafile_open(rel, &path, err);

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
	free(path);
	fclose(f);
	return rc;
}
