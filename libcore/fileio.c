#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "strset.h"
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
file_read_max(const char *path, long long max, struct sbuf *out)
{
	/* a limited read is of a regular file: a FIFO is refused, not waited on in open */
	int fd = open(path, O_RDONLY | O_CLOEXEC | (max >= 0 ? O_NONBLOCK : 0)), e = 0;
	struct stat st;
	ssize_t got;
	size_t start = out->len;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		e = errno;
	else if (max >= 0 && !S_ISREG(st.st_mode))
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	else if (max >= 0 && st.st_size > max)
		e = EFBIG;
	if (e == 0) {
		sbuf_grow(out, S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536);
		out->s[out->len] = '\0';
	}
	while (e == 0 && (got = read(fd, out->s + out->len, out->cap - out->len - 1)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			e = errno;
		else if (max >= 0 && (long long)(out->len - start) + got > max)
			e = EFBIG;	/* it grew while read */
		else {
			out->len += (size_t)got;
			out->s[out->len] = '\0';
			if (max >= 0 && (long long)(out->len - start) == (long long)st.st_size)
				break;	/* a regular file of a limited read: its size is its end */
			if (out->cap - out->len < 2)
				sbuf_grow(out, out->cap);
		}
	}
	close(fd);
	errno = e;
	return e ? -1 : 0;
}

int
file_read(const char *path, struct sbuf *out)
{
	return file_read_max(path, -1, out);
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

/* Write the n bytes at p to path (open flags beside O_WRONLY|O_CREAT), fsynced when sync is set. */
static int
write_file(const char *path, int flags, const void *p, size_t n, int sync, struct hk_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0666), e;

	if (fd < 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (write_all(fd, p, n) != 0 || (sync && fsync(fd) != 0)) {
		e = errno;
		close(fd);
		err_set(err, "%s: write error: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (close(fd) != 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
file_write_sync(const char *path, const void *p, size_t n, struct hk_err *err)
{
	return write_file(path, O_TRUNC, p, n, 1, err);
}

int
file_same(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	char ba[65536], bb[65536];
	size_t na, nb;
	int same = fa && fb;

	while (same) {
		na = fread(ba, 1, sizeof(ba), fa);
		nb = fread(bb, 1, sizeof(bb), fb);
		if (na != nb || memcmp(ba, bb, na) != 0 || ferror(fa) || ferror(fb))
			same = 0;
		else if (na == 0)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
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
file_write_new(const char *path, const void *p, size_t n, struct hk_err *err)
{
	int rc = write_file(path, O_EXCL, p, n, 0, err), e = errno;

	if (rc == -1 && e != EEXIST)
		unlink(path);
	errno = e;
	return rc;
}

void
file_batch_adopt(struct file_batch *b, char *tmp, char *path)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->tmp = xrealloc(b->tmp, b->cap * sizeof(*b->tmp));
		b->dst = xrealloc(b->dst, b->cap * sizeof(*b->dst));
	}
	b->tmp[b->n] = tmp;
	b->dst[b->n++] = path;
}

/* The directory path is in, on the heap. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* fsync (fs set: syncfs) the directory dir. */
static int
sync_dir(const char *dir, int fs, struct hk_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0) {
		err_set(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if ((rc = fs ? syncfs(fd) : fsync(fd)) != 0)
		err_set(err, "%s: sync: %s", dir, strerror(errno));
	close(fd);
	return rc == 0 ? 0 : -1;
}

/* fsync each directory a pending file went to, once. */
static int
sync_dirs(const struct file_batch *b, struct hk_err *err)
{
	struct strset done = STRSET_INIT;
	int rc = 0;

	for (size_t i = 0; i < b->n && rc == 0; i++) {
		char *dir = dir_of(b->dst[i]);
		if (strset_add(&done, dir))
			rc = sync_dir(dir, 0, err);
		free(dir);
	}
	strset_release(&done);
	return rc;
}

int
file_batch_commit(struct file_batch *b, struct hk_err *err)
{
	size_t i = 0;
	int rc;
	char *dir;

	if (b->n == 0)
		return 0;
	/* the contents reach the disk before any name does */
	dir = dir_of(b->dst[0]);
	rc = sync_dir(dir, 1, err);
	free(dir);
	for (; rc == 0 && i < b->n; i++)
		if (rename(b->tmp[i], b->dst[i]) != 0) {
			err_set(err, "%s: %s", b->dst[i], strerror(errno));
			rc = -1;
			break;
		}
	if (rc == 0)
		rc = sync_dirs(b, err);
	for (size_t k = i; k < b->n; k++)
		unlink(b->tmp[k]);
	for (size_t k = 0; k < b->n; k++) {
		free(b->tmp[k]);
		free(b->dst[k]);
	}
	b->n = 0;
	return rc;
}

void
file_batch_release(struct file_batch *b)
{
	for (size_t k = 0; k < b->n; k++) {
		unlink(b->tmp[k]);
		free(b->tmp[k]);
		free(b->dst[k]);
	}
	free(b->tmp);
	free(b->dst);
	*b = (struct file_batch)FILE_BATCH_INIT;
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
