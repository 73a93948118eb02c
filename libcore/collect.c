#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "collect.h"
#include "jsonw.h"
#include "num.h"
#include "rec.h"
#include "vasp_out.h"
#include "xalloc.h"

#define MAXIMG 100

/* What one image's files gave. */
struct image {
	char name[16];		/* "start", "mid", "end", "00" ... */
	struct vasp_run osz, out, xml;
	int has_osz, has_out, has_xml;
	char why[800];
};

struct job {
	json_t *rec;		/* job.json */
	struct image img[MAXIMG];
	int nimg;
	char err[600];
};

static struct image *
image_of(struct job *j, const char *name)
{
	for (int k = 0; k < j->nimg; k++)
		if (strcmp(j->img[k].name, name) == 0)
			return &j->img[k];
	if (j->nimg == MAXIMG)
		return NULL;
	struct image *im = &j->img[j->nimg++];
	memset(im, 0, sizeof(*im));
	snprintf(im->name, sizeof(im->name), "%s", name);
	vasp_run_init(&im->osz);
	vasp_run_init(&im->out);
	vasp_run_init(&im->xml);
	return im;
}

static int
image_name_ok(const char *s)
{
	if (strcmp(s, "start") == 0 || strcmp(s, "mid") == 0 || strcmp(s, "end") == 0)
		return 1;
	return strlen(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9';
}

/* A pull source over gzip or plain data: zlib reads both. */
struct gzsrc {
	linerd_pull inner;
	void *ctx;
	z_stream z;
	unsigned char in[65536];
	int started, done, gz, failed;
	size_t pending;
};

static ssize_t
gz_pull(void *p, void *buf, size_t n)
{
	struct gzsrc *s = p;

	if (!s->started) {
		ssize_t got = s->inner(s->ctx, s->in, sizeof(s->in));
		s->started = 1;
		if (got < 0)
			return -1;
		s->gz = got >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b;
		s->z.next_in = s->in;
		s->z.avail_in = (uInt)got;
		s->pending = (size_t)got;
		if (s->gz && inflateInit2(&s->z, 15 + 32) != Z_OK)
			return -1;
	}
	if (!s->gz) {
		if (s->pending) {
			size_t take = s->pending < n ? s->pending : n;
			memcpy(buf, s->z.next_in, take);
			s->z.next_in += take;
			s->pending -= take;
			return (ssize_t)take;
		}
		return s->inner(s->ctx, buf, n);
	}
	if (s->done)
		return 0;
	s->z.next_out = buf;
	s->z.avail_out = (uInt)n;
	while (s->z.avail_out == n) {
		if (s->z.avail_in == 0) {
			ssize_t got = s->inner(s->ctx, s->in, sizeof(s->in));
			if (got < 0)
				return -1;
			if (got == 0) {
				s->done = 1;
				break;
			}
			s->z.next_in = s->in;
			s->z.avail_in = (uInt)got;
		}
		int rc = inflate(&s->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			s->done = 1;
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return -1;
	}
	return (ssize_t)(n - s->z.avail_out);
}

static void
gz_end(struct gzsrc *s)
{
	if (s->gz)
		inflateEnd(&s->z);
}

/* Parse one member of a job: job.json or IMAGE/FILE. */
static int
take_member(struct job *j, const char *rel, linerd_pull pull, void *ctx, const char *label)
{
	char img[64], file[64];
	const char *slash = strchr(rel, '/');
	struct gzsrc g;
	struct hk_err e = HK_ERR_INIT;

	memset(&g, 0, sizeof(g));
	g.inner = pull;
	g.ctx = ctx;

	if (strcmp(rel, "job.json") == 0) {
		struct sbuf t = SBUF_INIT;
		char buf[65536];
		ssize_t got;
		while ((got = pull(ctx, buf, sizeof(buf))) > 0)
			sbuf_add(&t, buf, (size_t)got);
		j->rec = t.s ? rec_parse(t.s, t.len, label, 1, &e) : NULL;
		if (j->rec == NULL)
			snprintf(j->err, sizeof(j->err), "%s: %s", label, t.s ? e.msg : "empty job.json");
		sbuf_release(&t);
		return 0;
	}
	if (slash == NULL || (size_t)(slash - rel) >= sizeof(img) || strchr(slash + 1, '/'))
		return 0;
	snprintf(img, sizeof(img), "%.*s", (int)(slash - rel), rel);
	snprintf(file, sizeof(file), "%s", slash + 1);
	if (!image_name_ok(img))
		return 0;
	size_t fl = strlen(file);
	if (fl > 3 && strcmp(file + fl - 3, ".gz") == 0)
		file[fl - 3] = '\0';
	struct image *im;
	if (strcmp(file, "OSZICAR") == 0) {
		if ((im = image_of(j, img)) == NULL)
			return 0;
		im->has_osz = oszicar_parse(gz_pull, &g, label, &im->osz, &e) == 0;
	} else if (strcmp(file, "OUTCAR") == 0) {
		if ((im = image_of(j, img)) == NULL)
			return 0;
		im->has_out = outcar_parse(gz_pull, &g, label, &im->out, &e) == 0;
	} else if (strcmp(file, "vasprun.xml") == 0) {
		if ((im = image_of(j, img)) == NULL)
			return 0;
		im->has_xml = vasprun_parse(gz_pull, &g, label, &im->xml, &e) == 0;
	} else {
		gz_end(&g);
		return 0;
	}
	gz_end(&g);
	if (e.msg[0] && !im->why[0]) {
		char b[700];
		err_format(&e, b, sizeof(b));
		snprintf(im->why, sizeof(im->why), "%s", b);
	}
	return 0;
}

static ssize_t
file_pull(void *ctx, void *buf, size_t n)
{
	ssize_t got = read(*(int *)ctx, buf, n);

	return got;
}

static int
read_dir(struct job *j, const char *dir, struct hk_err *err)
{
	struct dirent **top = NULL;
	int n = scandir(dir, &top, NULL, alphasort);

	if (n < 0) {
		err_set(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *d = top[i]->d_name;
		char path[8200], rel[600];
		if (strlen(d) > 100) {
			free(top[i]);
			continue;
		}
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, d);
		if (d[0] == '.' || stat(path, &st) == -1) {
			free(top[i]);
			continue;
		}
		if (S_ISREG(st.st_mode) && strcmp(d, "job.json") == 0) {
			int fd = open(path, O_RDONLY);
			if (fd >= 0) {
				take_member(j, "job.json", file_pull, &fd, path);
				close(fd);
			}
		} else if (S_ISDIR(st.st_mode) && image_name_ok(d)) {
			struct dirent **sub = NULL;
			int m = scandir(path, &sub, NULL, alphasort);
			for (int k = 0; k < m; k++) {
				char fp[8600];
				snprintf(fp, sizeof(fp), "%s/%s", path, sub[k]->d_name);
				snprintf(rel, sizeof(rel), "%s/%s", d, sub[k]->d_name);
				if (sub[k]->d_name[0] != '.' && stat(fp, &st) == 0 && S_ISREG(st.st_mode)) {
					int fd = open(fp, O_RDONLY);
					if (fd >= 0) {
						take_member(j, rel, file_pull, &fd, fp);
						close(fd);
					}
				}
				free(sub[k]);
			}
			free(sub);
		}
		free(top[i]);
	}
	free(top);
	return 0;
}

static ssize_t
ar_pull(void *ctx, void *buf, size_t n)
{
	la_ssize_t got = archive_read_data(ctx, buf, n);

	return got < 0 ? -1 : (ssize_t)got;
}

/* A member name that would escape the archive's own tree. */
static int
unsafe_name(const char *m)
{
	if (m[0] == '/')
		return 1;
	for (const char *p = m; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
		if (strncmp(p, "../", 3) == 0 || strcmp(p, "..") == 0)
			return 1;
	return 0;
}

static int
read_archive(struct job *j, const char *path, struct hk_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	int r, rc = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		err_set(err, "%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *m = archive_entry_pathname(ae);
		char label[8400];
		if (m == NULL)
			continue;
		if (unsafe_name(m)) {
			err_set(err, "%s: member '%s' leaves the archive's tree: refused", path, m);
			rc = -1;
			break;
		}
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		while (m[0] == '.' && m[1] == '/')
			m += 2;
		/* members are <id>/rel or rel */
		const char *rel = m, *slash = strchr(m, '/');
		if (slash && (strncmp(slash + 1, "job.json", 9) == 0 || strchr(slash + 1, '/')))
			rel = slash + 1;
		snprintf(label, sizeof(label), "%s:%s", path, m);
		take_member(j, rel, ar_pull, a, label);
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		err_set(err, "%s: %s", path, archive_error_string(a) ? archive_error_string(a) : "unreadable archive");
		rc = -1;
	}
	archive_read_free(a);
	return rc;
}

static int
ends_with(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);

	return n >= m && strcmp(s + n - m, t) == 0;
}

int
collect_is_job(const char *path)
{
	char p[8200];
	struct stat st;

	if (ends_with(path, ".tar.gz") || ends_with(path, ".tgz"))
		return stat(path, &st) == 0 && S_ISREG(st.st_mode);
	snprintf(p, sizeof(p), "%s/job.json", path);
	return stat(p, &st) == 0;
}

/* The energy of an image and whether it converged. */
static int
image_energy(const struct image *im, double *e, int *conv, const char **from)
{
	if (im->has_xml) {
		*e = im->xml.e0;
		*conv = im->xml.converged_electronic == 1 && im->xml.converged_ionic == 1;
		*from = "vasprun.xml";
		return 0;
	}
	if (im->has_out) {
		*e = im->out.e0;
		*conv = im->out.finished && im->out.converged_electronic != 0 && im->out.converged_ionic != 0;
		*from = "OUTCAR";
		return 0;
	}
	if (im->has_osz) {
		*e = im->osz.e0;
		*conv = -1;
		*from = "OSZICAR";
		return 0;
	}
	return -1;
}

static int
cmp_image(const void *a, const void *b)
{
	static const char *const order[] = { "start", "mid", "end" };
	const struct image *x = a, *y = b;
	int ix = 3, iy = 3;

	for (int k = 0; k < 3; k++) {
		if (strcmp(x->name, order[k]) == 0)
			ix = k;
		if (strcmp(y->name, order[k]) == 0)
			iy = k;
	}
	if (ix != iy)
		return ix - iy;
	return strcmp(x->name, y->name);
}

static json_t *
result_of(struct job *j, const char *path)
{
	json_t *res = json_object(), *energies = json_array(), *conv = json_array(), *problems = json_object();
	const char *kind = json_string_value(json_object_get(j->rec, "kind"));
	double e[MAXIMG], wall = 0;
	int have = 0, allconv = 1, nimg;
	const char *key;
	json_t *val;

	qsort(j->img, (size_t)j->nimg, sizeof(j->img[0]), cmp_image);
	nimg = j->nimg;
	json_object_set(res, "id", json_object_get(j->rec, "id"));
	for (int k = 0; k < nimg; k++) {
		const struct image *im = &j->img[k];
		const char *from;
		int c;
		if (image_energy(im, &e[k], &c, &from) == 0) {
			have++;
			json_array_append_new(energies, jsonw_real(e[k]));
			json_array_append_new(conv, c < 0 ? json_null() : json_boolean(c));
			if (c != 1)
				allconv = 0;
		} else {
			e[k] = NAN;
			json_array_append_new(energies, json_null());
			json_array_append_new(conv, json_null());
			allconv = 0;
			json_object_set_new(problems, im->name, json_string(im->why[0] ? im->why : "no output"));
		}
		if (isfinite(im->out.elapsed))
			wall += im->out.elapsed;
	}
	int complete = nimg >= 3 && have == nimg;
	json_object_set_new(res, "state", json_string(complete ? "done" : have ? "incomplete" : "no-output"));
	json_object_set(res, "kind", json_object_get(j->rec, "kind"));
	{
		json_t *names = json_array();
		for (int k = 0; k < nimg; k++)
			json_array_append_new(names, json_string(j->img[k].name));
		json_object_set_new(res, "images", names);
	}
	json_object_set_new(res, "energies", energies);
	if (complete) {
		json_t *rel = json_array();
		int top = 0;
		for (int k = 0; k < nimg; k++) {
			json_array_append_new(rel, jsonw_real(e[k] - e[0]));
			if (e[k] > e[top])
				top = k;
		}
		json_object_set_new(res, "energies_relative", rel);
		if (kind && strcmp(kind, "static3") == 0 && nimg == 3) {
			double b = fmax(e[1] - e[0], e[1] - e[2]);
			json_object_set_new(res, "energy_barrier", jsonw_real(b));
		} else {
			json_object_set_new(res, "energy_barrier", jsonw_real(e[top] - e[0]));
			json_object_set_new(res, "barrier_forward", jsonw_real(e[top] - e[0]));
			json_object_set_new(res, "barrier_backward", jsonw_real(e[top] - e[nimg - 1]));
			json_object_set_new(res, "highest_image", json_integer(top));
		}
	}
	json_object_set_new(res, "converged", json_boolean(complete && allconv));
	json_object_set_new(res, "converged_images", conv);
	if (nimg > 0)
		json_object_set_new(res, "endpoints_converged", json_boolean(
		    json_is_true(json_array_get(conv, 0)) && json_is_true(json_array_get(conv, (size_t)nimg - 1))));
	json_object_set_new(res, "walltime", jsonw_real(wall));
	if (json_object_size(problems))
		json_object_set_new(res, "problems", problems);
	else
		json_decref(problems);
	json_object_foreach(j->rec, key, val)
		if (json_object_get(res, key) == NULL && strcmp(key, "closest") != 0 &&
		    strcmp(key, "dir") != 0 && strcmp(key, "archive") != 0)
			json_object_set(res, key, val);
	/* where the job is, last, so a job read from its archive differs only here */
	if (ends_with(path, ".tar.gz") || ends_with(path, ".tgz"))
		json_object_set_new(res, "archive", json_string(path));
	else
		json_object_set_new(res, "dir", json_string(path));
	return res;
}

json_t *
collect_job(const char *path, struct hk_err *err)
{
	struct job *j = xcalloc(1, sizeof(*j));
	json_t *res = NULL;
	int rc;

	if (ends_with(path, ".tar.gz") || ends_with(path, ".tgz"))
		rc = read_archive(j, path, err);
	else
		rc = read_dir(j, path, err);
	if (rc == 0 && j->rec == NULL) {
		if (j->err[0])
			err_set(err, "%s", j->err);
		else
			err_set(err, "%s: no job.json (not a make-neb job)", path);
		rc = -1;
	}
	if (rc == 0 && rec_id(j->rec, err) == NULL) {
		err_prefix(err, "%s: job.json", path);
		rc = -1;
	}
	if (rc == 0)
		res = result_of(j, path);
	json_decref(j->rec);
	free(j);
	return res;
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

struct flist {
	char **rel;
	int n;
};

static void
flist_walk(struct flist *f, const char *root, const char *rel, int keep_large)
{
	char path[8200];
	struct dirent **list = NULL;
	int n;

	snprintf(path, sizeof(path), "%s%s%s", root, rel[0] ? "/" : "", rel);
	if ((n = scandir(path, &list, NULL, alphasort)) < 0)
		return;
	for (int i = 0; i < n; i++) {
		const char *d = list[i]->d_name;
		char sub[8200], full[8400];
		struct stat st;
		if (strcmp(d, ".") && strcmp(d, "..")) {
			snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", d);
			snprintf(full, sizeof(full), "%s/%s", root, sub);
			if (lstat(full, &st) == 0) {
				if (S_ISDIR(st.st_mode)) {
					flist_walk(f, root, sub, keep_large);
				} else if (S_ISREG(st.st_mode) && (keep_large || !large_file(d))) {
					f->rel = xreallocarray(f->rel, (size_t)f->n + 1, sizeof(char *));
					f->rel[f->n++] = xstrdup(sub);
				}
			}
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
}

static int
file_crc(const char *path, uLong *crc, off_t *size)
{
	unsigned char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return -1;
	*crc = crc32(0, NULL, 0);
	*size = 0;
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		*crc = crc32(*crc, buf, (uInt)got);
		*size += got;
	}
	close(fd);
	return got < 0 ? -1 : 0;
}

static int
write_tar(const char *dir, const char *id, const struct flist *f, const char *tmp, struct hk_err *err)
{
	struct archive *a = archive_write_new();
	unsigned char buf[65536];
	int rc = -1;

	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		err_set(err, "%s: %s", tmp, archive_error_string(a));
		archive_write_free(a);
		return -1;
	}
	for (int i = 0; i < f->n; i++) {
		char path[8400], name[8400];
		struct stat st;
		struct archive_entry *ae;
		int fd;
		ssize_t got;
		snprintf(path, sizeof(path), "%s/%s", dir, f->rel[i]);
		snprintf(name, sizeof(name), "%s/%s", id, f->rel[i]);
		if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) == -1) {
			err_set(err, "%s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			goto out;
		}
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, name);
		archive_entry_copy_stat(ae, &st);
		if (archive_write_header(a, ae) != ARCHIVE_OK) {
			err_set(err, "%s: %s", tmp, archive_error_string(a));
			archive_entry_free(ae);
			close(fd);
			goto out;
		}
		archive_entry_free(ae);
		while ((got = read(fd, buf, sizeof(buf))) > 0)
			if (archive_write_data(a, buf, (size_t)got) != got) {
				err_set(err, "%s: %s", tmp, archive_error_string(a));
				close(fd);
				goto out;
			}
		close(fd);
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

/* Read the archive back: every file still in dir must be a member of the same size and CRC. */
static int
verify_tar(const char *archive_path, const char *dir, const char *id, const struct flist *f, struct hk_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	unsigned char buf[65536];
	int *seen = xcalloc((size_t)f->n + 1, sizeof(int)), r, rc = -1, members = 0;
	size_t idl = strlen(id);

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, archive_path, 65536) != ARCHIVE_OK) {
		err_set(err, "%s: cannot read back: %s", archive_path, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *m = archive_entry_pathname(ae);
		uLong crc = crc32(0, NULL, 0);
		la_int64_t size = 0;
		la_ssize_t got;
		int k;
		members++;
		while ((got = archive_read_data(a, buf, sizeof(buf))) > 0) {
			crc = crc32(crc, buf, (uInt)got);
			size += got;
		}
		if (got < 0) {
			err_set(err, "%s: %s: %s", archive_path, m, archive_error_string(a));
			goto out;
		}
		if (strncmp(m, id, idl) != 0 || m[idl] != '/')
			continue;
		for (k = 0; k < f->n && strcmp(f->rel[k], m + idl + 1) != 0; k++)
			;
		if (k == f->n)
			continue;
		char path[8400];
		uLong dcrc;
		off_t dsize;
		snprintf(path, sizeof(path), "%s/%s", dir, f->rel[k]);
		if (file_crc(path, &dcrc, &dsize) == -1) {
			seen[k] = 2;	/* already removed by an interrupted run */
			continue;
		}
		if (dcrc != crc || dsize != size) {
			err_set(err, "%s: %s differs from %s (size %lld vs %lld)", archive_path, m, path,
			    (long long)size, (long long)dsize);
			goto out;
		}
		seen[k] = 1;
	}
	if (r != ARCHIVE_EOF) {
		err_set(err, "%s: cannot read back: %s", archive_path, archive_error_string(a));
		goto out;
	}
	for (int k = 0; k < f->n; k++)
		if (!seen[k]) {
			err_set(err, "%s: %s is missing from the archive", archive_path, f->rel[k]);
			goto out;
		}
	rc = 0;
out:
	archive_read_free(a);
	free(seen);
	return rc;
}

static int
remove_all(const char *path)
{
	struct dirent **list = NULL;
	int n = scandir(path, &list, NULL, alphasort), rc = 0;

	if (n < 0)
		return unlink(path);
	for (int i = 0; i < n; i++) {
		char sub[8400];
		struct stat st;
		if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..")) {
			snprintf(sub, sizeof(sub), "%s/%s", path, list[i]->d_name);
			if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				rc |= remove_all(sub);
			else
				rc |= unlink(sub);
		}
		free(list[i]);
	}
	free(list);
	return rc | rmdir(path);
}

/* Temporary archives of id left by a run that was killed. */
static void
remove_stale(const char *archive_dir, const char *id)
{
	struct dirent **list = NULL;
	char prefix[300];
	int n = scandir(archive_dir, &list, NULL, alphasort);

	snprintf(prefix, sizeof(prefix), "%s.tar.gz.tmp.", id);
	for (int i = 0; i < n; i++) {
		if (strncmp(list[i]->d_name, prefix, strlen(prefix)) == 0) {
			char p[8400];
			snprintf(p, sizeof(p), "%s/%s", archive_dir, list[i]->d_name);
			unlink(p);
		}
		free(list[i]);
	}
	free(list);
}

int
collect_archive(const char *dir, const char *id, const char *archive_dir, int keep_large,
    char **archive, struct hk_err *err)
{
	struct flist f = { NULL, 0 };
	char final[8400], tmp[8500];
	struct stat st;
	int rc = -1;

	*archive = NULL;
	if (!rec_id_valid(id)) {
		err_set(err, "invalid id '%s'", id);
		return -1;
	}
	snprintf(final, sizeof(final), "%s/%s.tar.gz", archive_dir, id);
	flist_walk(&f, dir, "", keep_large);
	remove_stale(archive_dir, id);
	if (stat(final, &st) != 0) {
		int fd;
		snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", final, (long)getpid());
		if (write_tar(dir, id, &f, tmp, err) == -1) {
			unlink(tmp);
			goto out;
		}
		/* the archive is on disk, whole, before its name appears */
		if ((fd = open(tmp, O_RDONLY)) < 0 || fsync(fd) != 0) {
			err_set(err, "%s: %s", tmp, strerror(errno));
			if (fd >= 0)
				close(fd);
			unlink(tmp);
			goto out;
		}
		close(fd);
		if (rename(tmp, final) == -1) {
			err_set(err, "%s: %s", final, strerror(errno));
			unlink(tmp);
			goto out;
		}
		if ((fd = open(archive_dir, O_RDONLY)) >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	if (verify_tar(final, dir, id, &f, err) == -1)
		goto out;
	/* job.json goes last: a directory cut short by a crash still names its job */
	for (int i = 0; i < f.n; i++)
		if (strcmp(f.rel[i], "job.json") != 0) {
			char p[8400];
			snprintf(p, sizeof(p), "%s/%s", dir, f.rel[i]);
			unlink(p);
		}
	if (remove_all(dir) != 0) {
		err_set(err, "%s: archived and verified, but not all removed: %s", dir, strerror(errno));
		goto out;
	}
	*archive = xstrdup(final);
	rc = 0;
out:
	flist_release(&f);
	return rc;
}

int
collect_plot_svg(const json_t *res, struct sbuf *svg, struct hk_err *err)
{
	const json_t *rel = json_object_get(res, "energies_relative");
	const char *id = json_string_value(json_object_get(res, "id"));
	double lo = 0, hi = 0, v[MAXIMG];
	int n = (int)json_array_size(rel);
	const double W = 640, H = 400, L = 80, R = 30, T = 50, B = 60;
	char a[NUM_BUFSZ], b[NUM_BUFSZ];

	if (n < 2) {
		err_set(err, "no energies to plot");
		return -1;
	}
	if (n > MAXIMG)
		n = MAXIMG;
	for (int k = 0; k < n; k++) {
		v[k] = json_number_value(json_array_get(rel, (size_t)k));
		lo = fmin(lo, v[k]);
		hi = fmax(hi, v[k]);
	}
	if (hi - lo < 1e-3)
		hi = lo + 1e-3;
	double pad = 0.1 * (hi - lo);
	lo -= pad;
	hi += pad;
#define X(k) (L + (W - L - R) * (double)(k) / (n - 1))
#define Y(e) (T + (H - T - B) * (hi - (e)) / (hi - lo))
	sbuf_addf(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
	    "font-family=\"sans-serif\" font-size=\"13\">\n", W, H);
	sbuf_addf(svg, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	sbuf_addstr(svg, "<text x=\"320\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">");
	/* ids are [A-Za-z0-9._-]: nothing to escape */
	sbuf_addstr(svg, id && rec_id_valid(id) ? id : "job");
	sbuf_addstr(svg, "</text>\n");
	/* axes */
	sbuf_addf(svg, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\"/>\n", L, T, L, H - B);
	sbuf_addf(svg, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\"/>\n", L, H - B, W - R, H - B);
	for (int t = 0; t <= 4; t++) {
		double e = lo + (hi - lo) * t / 4;
		sbuf_addf(svg, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, Y(e), W - R, Y(e));
		sbuf_addf(svg, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 6, Y(e) + 4,
		    num_fixed(e, 2, a));
	}
	sbuf_addf(svg, "<text x=\"20\" y=\"%g\" transform=\"rotate(-90 20 %g)\" text-anchor=\"middle\">"
	    "E - E(start) (eV)</text>\n", (T + H - B) / 2, (T + H - B) / 2);
	sbuf_addf(svg, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">image along the hop</text>\n",
	    (L + W - R) / 2, H - 15);
	sbuf_addstr(svg, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"");
	for (int k = 0; k < n; k++)
		sbuf_addf(svg, "%.1f,%.1f ", X(k), Y(v[k]));
	sbuf_addstr(svg, "\"/>\n");
	for (int k = 0; k < n; k++) {
		sbuf_addf(svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1f77b4\"/>\n", X(k), Y(v[k]));
		sbuf_addf(svg, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%d</text>\n", X(k), H - B + 18, k);
	}
	const json_t *bar = json_object_get(res, "energy_barrier");
	if (json_is_number(bar)) {
		int top = 0;
		for (int k = 1; k < n; k++)
			if (v[k] > v[top])
				top = k;
		sbuf_addf(svg, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#d62728\" "
		    "stroke-dasharray=\"5,4\"/>\n", L, Y(v[top]), W - R, Y(v[top]));
		sbuf_addf(svg, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\" text-anchor=\"middle\">"
		    "barrier %s eV</text>\n", X(top), Y(v[top]) - 10, num_fixed(json_number_value(bar), 3, b));
	}
	sbuf_addstr(svg, "</svg>\n");
#undef X
#undef Y
	return 0;
}
