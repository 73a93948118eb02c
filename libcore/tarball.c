#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rec.h"
#include "sbuf.h"
#include "fileio.h"
#include "tarball.h"
#include "xalloc.h"

#define CHUNK 65536

char *
tarball_path(const char *archive_dir, const char *id)
{
	return xasprintf("%s/%s.tar.gz", archive_dir, id);
}

/* Restart and charge files: large, and not needed to read a result. */
static int
large_file(const char *name)
{
	static const char *const big[] = { "WAVECAR", "CHGCAR", "CHG", "LOCPOT", "ELFCAR", "PROCAR",
		"AECCAR0", "AECCAR1", "AECCAR2", "TMPCAR", "WAVEDER", "vaspwave.h5", "vaspout.h5", NULL };

	for (int i = 0; big[i]; i++)
		if (strcmp(name, big[i]) == 0 || (strncmp(name, big[i], strlen(big[i])) == 0 &&
		    name[strlen(big[i])] == '.'))
			return 1;
	return 0;
}

/* The files to archive, as paths relative to the job directory, in name order. */
struct flist {
	char **rel;
	int n;
};

static void
flist_walk(struct flist *f, const char *root, const char *rel, int keep_large)
{
	char *path = rel[0] ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	struct dirent **list = NULL;
	int n = scandir(path, &list, NULL, alphasort);

	free(path);
	for (int i = 0; i < n; i++) {
		const char *d = list[i]->d_name;
		struct stat st;
		if (strcmp(d, ".") && strcmp(d, "..")) {
			char *sub = rel[0] ? xasprintf("%s/%s", rel, d) : xstrdup(d), *full = xasprintf("%s/%s", root, sub);
			if (lstat(full, &st) == 0) {
				if (S_ISDIR(st.st_mode)) {
					flist_walk(f, root, sub, keep_large);
				} else if (S_ISREG(st.st_mode) && (keep_large || !large_file(d))) {
					f->rel = xreallocarray(f->rel, (size_t)f->n + 1, sizeof(char *));
					f->rel[f->n++] = sub;
					sub = NULL;
				}
			}
			free(sub);
			free(full);
		}
		free(list[i]);
	}
	free(list);
}

static void
flist_release(struct flist *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->rel[i]);
	free(f->rel);
	f->rel = NULL;
	f->n = 0;
}

/* One file as member name; -1 with err naming path or the archive tmp. */
static int
write_member(struct archive *a, const char *path, const char *name, const char *tmp, struct hk_err *err)
{
	unsigned char buf[CHUNK];
	struct archive_entry *ae;
	struct stat st;
	ssize_t got;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) == -1) {
		err_set(err, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ae = archive_entry_new();
	archive_entry_set_pathname(ae, name);
	archive_entry_copy_stat(ae, &st);
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		err_set(err, "%s: %s", tmp, archive_error_string(a));
		goto out;
	}
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)got) != got) {
			err_set(err, "%s: %s", tmp, archive_error_string(a));
			goto out;
		}
	rc = 0;
out:
	archive_entry_free(ae);
	close(fd);
	return rc;
}

/* The files of f into a new gzip'd tar at tmp. */
static int
write_tar(const char *dir, const char *id, const struct flist *f, const char *tmp, struct hk_err *err)
{
	struct archive *a = archive_write_new();
	int rc = -1;

	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		err_set(err, "%s: %s", tmp, archive_error_string(a));
		archive_write_free(a);
		return -1;
	}
	for (int i = 0; i < f->n; i++) {
		char *path = xasprintf("%s/%s", dir, f->rel[i]), *name = xasprintf("%s/%s", id, f->rel[i]);
		int r = write_member(a, path, name, tmp, err);
		free(path);
		free(name);
		if (r == -1)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		err_set(err, "%s: %s", tmp, archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(a);
	return rc;
}

/* Flush path (a file or a directory) to the disk; -1 with errno set. */
static int
sync_path(const char *path)
{
	int fd = open(path, O_RDONLY), rc, e;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

/*
 * Write, fsync and rename: the archive is on disk, whole, before its name
 * appears; then the name itself is flushed with parent, path's directory.
 */
static int
write_atomic(const char *dir, const char *id, const struct flist *f, const char *path, const char *parent,
    struct hk_err *err)
{
	struct sbuf tmp = SBUF_INIT;
	int rc = -1;

	sbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (write_tar(dir, id, f, tmp.s, err) == -1)
		goto out;
	if (sync_path(tmp.s) != 0) {
		err_set(err, "%s: %s", tmp.s, strerror(errno));
		goto out;
	}
	if (rename(tmp.s, path) == -1) {
		err_set(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	sync_path(parent);	/* best effort: the archive is whole either way */
	rc = 0;
out:
	if (rc == -1)
		unlink(tmp.s);
	sbuf_release(&tmp);
	return rc;
}

int
tarball_write(const char *dir, const char *id, int keep_large, const char *path, struct hk_err *err)
{
	struct flist f = { NULL, 0 };
	const char *slash = strrchr(path, '/');
	char *parent = slash ? xstrndup(path, (size_t)(slash - path + (slash == path))) : xstrdup(".");
	int rc;

	flist_walk(&f, dir, "", keep_large);
	rc = write_atomic(dir, id, &f, path, parent, err);
	flist_release(&f);
	free(parent);
	return rc;
}

/* Read the rest of the member being read; -1 on an archive error. */
static int
skip_member(struct archive *a)
{
	unsigned char buf[CHUNK];
	la_ssize_t got;

	while ((got = archive_read_data(a, buf, sizeof(buf))) > 0)
		;
	return got < 0 ? -1 : 0;
}

/* Up to n bytes of fd, fewer only at its end; -1 on a read error. */
static ssize_t
read_full(int fd, unsigned char *p, size_t n)
{
	size_t have = 0;
	ssize_t got;

	while (have < n && (got = read(fd, p + have, n - have)) != 0) {
		if (got < 0)
			return -1;
		have += (size_t)got;
	}
	return (ssize_t)have;
}

/* What reading a member beside its file found. */
struct sizes {
	long long member, file;
	int same;		/* same length and bytes */
};

/*
 * Read the member being read and the file at path side by side.  -1 on an
 * archive error, 1 when the file cannot be read, else 0 with s filled.
 */
static int
compare_member(struct archive *a, const char *path, struct sizes *s)
{
	unsigned char *m = xmalloc(CHUNK), *f = xmalloc(CHUNK);
	int fd = open(path, O_RDONLY), unreadable = fd < 0, rc;
	la_ssize_t got;
	ssize_t r;

	s->member = s->file = 0;
	s->same = 1;
	while ((got = archive_read_data(a, m, CHUNK)) > 0) {
		s->member += got;
		if (unreadable)
			continue;
		if ((r = read_full(fd, f, (size_t)got)) < 0) {
			unreadable = 1;
			continue;
		}
		s->file += r;
		if (r != got || memcmp(m, f, (size_t)got) != 0)
			s->same = 0;
	}
	while (!unreadable && (r = read(fd, f, CHUNK)) != 0) {
		if (r < 0) {
			unreadable = 1;
		} else {
			s->file += r;
			s->same = 0;
		}
	}
	rc = got < 0 ? -1 : unreadable ? 1 : 0;
	if (fd >= 0)
		close(fd);
	free(m);
	free(f);
	return rc;
}

/* Index in f of member m when it is <id>/REL for a listed REL, else -1. */
static int
listed(const struct flist *f, const char *id, const char *m)
{
	size_t idl = strlen(id);

	if (m == NULL || strncmp(m, id, idl) != 0 || m[idl] != '/')
		return -1;
	for (int k = 0; k < f->n; k++)
		if (strcmp(f->rel[k], m + idl + 1) == 0)
			return k;
	return -1;
}

/* Compare member m (listed as f->rel[k]) with its file; seen[k] says how it went. */
static int
check_member(struct archive *a, const char *path, const char *dir, const struct flist *f, int k,
    const char *m, int *seen, struct hk_err *err)
{
	char *file = xasprintf("%s/%s", dir, f->rel[k]);
	struct sizes s;
	int r = compare_member(a, file, &s), rc = -1;

	if (r == -1) {
		err_set(err, "%s: %s: %s", path, m, archive_error_string(a));
	} else if (r == 1) {
		seen[k] = 2;	/* already removed by an interrupted run */
		rc = 0;
	} else if (!s.same) {
		err_set(err, "%s: %s differs from %s (size %lld vs %lld)", path, m, file, s.member, s.file);
	} else {
		seen[k] = 1;
		rc = 0;
	}
	free(file);
	return rc;
}

struct archive *
tarball_open_read(const char *path, struct hk_err *err)
{
	struct archive *a = archive_read_new();

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		err_set(err, "%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int
verify_list(const char *path, const char *dir, const char *id, const struct flist *f, struct hk_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	int *seen = xcalloc((size_t)f->n + 1, sizeof(int)), r, rc = -1;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		err_set(err, "%s: cannot read back: %s", path, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *m = archive_entry_pathname(ae);
		int k = listed(f, id, m);
		if (k < 0 && skip_member(a) == -1) {
			err_set(err, "%s: %s: %s", path, m ? m : "?", archive_error_string(a));
			goto out;
		}
		if (k >= 0 && check_member(a, path, dir, f, k, m, seen, err) == -1)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		err_set(err, "%s: cannot read back: %s", path, archive_error_string(a));
		goto out;
	}
	for (int k = 0; k < f->n; k++)
		if (!seen[k]) {
			err_set(err, "%s: %s is missing from the archive", path, f->rel[k]);
			goto out;
		}
	rc = 0;
out:
	archive_read_free(a);
	free(seen);
	return rc;
}

int
tarball_verify(const char *path, const char *dir, const char *id, int keep_large, struct hk_err *err)
{
	struct flist f = { NULL, 0 };
	int rc;

	flist_walk(&f, dir, "", keep_large);
	rc = verify_list(path, dir, id, &f, err);
	flist_release(&f);
	return rc;
}

/* job.json goes last: a directory cut short by a crash still names its job. */
static int
remove_job(const char *dir, const struct flist *f, struct hk_err *err)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->rel[i], "job.json") != 0) {
			char *p = xasprintf("%s/%s", dir, f->rel[i]);
			unlink(p);
			free(p);
		}
	if (file_remove_tree(dir) != 0) {
		err_set(err, "%s: archived and verified, but not all removed: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Temporary archives of id left by a run that was killed. */
static void
remove_stale(const char *archive_dir, const char *id)
{
	struct dirent **list = NULL;
	struct sbuf prefix = SBUF_INIT;
	int n = scandir(archive_dir, &list, NULL, alphasort);

	sbuf_addf(&prefix, "%s.tar.gz.tmp.", id);
	for (int i = 0; i < n; i++) {
		if (strncmp(list[i]->d_name, prefix.s, prefix.len) == 0) {
			char *p = xasprintf("%s/%s", archive_dir, list[i]->d_name);
			unlink(p);
			free(p);
		}
		free(list[i]);
	}
	free(list);
	sbuf_release(&prefix);
}

int
tarball_pack(const char *dir, const char *id, const char *archive_dir, int keep_large, char **archive,
    struct hk_err *err)
{
	struct flist f = { NULL, 0 };
	char *final = NULL;
	struct stat st;
	int rc = -1;

	*archive = NULL;
	if (!rec_id_valid(id)) {
		err_set(err, "invalid id '%s'", id);
		return -1;
	}
	final = tarball_path(archive_dir, id);
	flist_walk(&f, dir, "", keep_large);
	remove_stale(archive_dir, id);
	if (stat(final, &st) != 0 && write_atomic(dir, id, &f, final, archive_dir, err) == -1)
		goto out;
	if (verify_list(final, dir, id, &f, err) == -1 || remove_job(dir, &f, err) == -1)
		goto out;
	*archive = final;
	final = NULL;
	rc = 0;
out:
	free(final);
	flist_release(&f);
	return rc;
}
