#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

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
file_write_sync(const char *path, const void *p, size_t n, struct hk_err *err)
{
	FILE *f = fopen(path, "w");
	int e;

	if (f == NULL) {
		err_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fwrite(p, 1, n, f) != n || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		e = errno;
		fclose(f);
		err_set(err, "%s: write error: %s", path, strerror(e));
		return -1;
	}
	if (fclose(f) != 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *p, size_t n, struct hk_err *err)
{
	struct sbuf tmp = SBUF_INIT;
	int rc = -1;

	sbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (file_write_sync(tmp.s, p, n, err) == -1) {
		unlink(tmp.s);
	} else if (rename(tmp.s, path) != 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		unlink(tmp.s);
	} else {
		rc = 0;
	}
	sbuf_release(&tmp);
	return rc;
}

int
file_remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return unlink(path);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			rc |= file_remove_tree(sub);
		else
			rc |= unlink(sub);
		free(sub);
	}
	closedir(d);
	return rc | rmdir(path);
}

/* Write all n bytes of buf to fd. */
static int
write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t put = write(fd, buf, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		buf += put, n -= (size_t)put;
	}
	return 0;
}

int
file_copy_sync(const char *from, const char *to, struct hk_err *err)
{
	char buf[1 << 16];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	ssize_t got = 0;

	if (in < 0) {
		err_set(err, "%s: %s", from, strerror(errno));
		return -1;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		err_set(err, "%s: %s", to, strerror(errno));
		goto out;
	}
	while ((got = read(in, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err_set(err, "%s: %s", from, strerror(errno));
			goto out;
		}
		if (write_all(out, buf, (size_t)got) == -1) {
			err_set(err, "%s: write error: %s", to, strerror(errno));
			goto out;
		}
	}
	if (fsync(out) != 0) {
		err_set(err, "%s: %s", to, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(in);
	if (out >= 0 && close(out) != 0 && rc == 0) {
		err_set(err, "%s: %s", to, strerror(errno));
		rc = -1;
	}
	if (rc == -1 && out >= 0)
		unlink(to);
	return rc;
}
