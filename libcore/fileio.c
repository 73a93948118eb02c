#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

int
file_read_stream(FILE *f, struct sbuf *out)
{
	char buf[65536];
	size_t got;

	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(out, buf, got);
	return ferror(f) ? -1 : 0;
}

int
file_read(const char *path, struct sbuf *out)
{
	FILE *f = fopen(path, "r");
	int rc, e;

	if (f == NULL)
		return -1;
	rc = file_read_stream(f, out);
	e = errno;
	fclose(f);
	errno = e;
	return rc;
}

int
file_write_atomic(const char *path, const void *p, size_t n, struct hk_err *err)
{
	char tmp[8400];
	FILE *f;
	int e;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL) {
		err_set(err, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fwrite(p, 1, n, f) != n || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		e = errno;
		fclose(f);
		unlink(tmp);
		err_set(err, "%s: %s", tmp, strerror(e));
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		err_set(err, "%s: %s", path, strerror(e));
		return -1;
	}
	return 0;
}
