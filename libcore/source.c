#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbuf.h"
#include "source.h"
#include "xalloc.h"

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

enum src_format
src_format_of_name(const char *name)
{
	char buf[1024];
	const char *b = base_name(name);
	static const char *const zs[] = { ".gz", ".bz2", ".xz", ".z", NULL };

	snprintf(buf, sizeof(buf), "%s", b);
	for (int i = 0; zs[i]; i++)
		if (ends_with(buf, zs[i])) {
			buf[strlen(buf) - strlen(zs[i])] = '\0';
			break;
		}
	if (ends_with(buf, ".cif") || ends_with(buf, ".mcif"))
		return SRC_CIF;
	if (ends_with(buf, ".json") || ends_with(buf, ".jsonl") || ends_with(buf, ".ndjson"))
		return SRC_JSON;
	if (strncmp(buf, "POSCAR", 6) == 0 || strncmp(buf, "CONTCAR", 7) == 0 ||
	    ends_with(buf, ".vasp") || ends_with(buf, ".poscar"))
		return SRC_POSCAR;
	return SRC_UNKNOWN;
}

enum src_format
src_format_sniff(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && isspace(p[i]))
		i++;
	if (i < n && (p[i] == '{' || p[i] == '['))
		return SRC_JSON;
	/* a data_ block header at the start of a line marks CIF */
	for (size_t j = 0; j + 5 <= n; j++)
		if ((j == 0 || p[j - 1] == '\n') && strncasecmp((const char *)p + j, "data_", 5) == 0)
			return SRC_CIF;
	return SRC_POSCAR;
}

/* Read from the entry's archive, within its limits. */
static la_ssize_t
entry_read(struct src_entry *e, void *buf, size_t n)
{
	la_ssize_t got = e->guard->over ? -1 : archive_read_data(e->ar, buf, n);

	if (got > 0 && limits_bytes(e->guard, (long)got, (long)archive_filter_bytes(e->ar, -1)) == -1)
		got = -1;
	if (got < 0)
		e->failed = 1;
	if (got == 0)
		e->eof = 1;
	return got;
}

ssize_t
src_pull(void *entry, void *buf, size_t n)
{
	struct src_entry *e = entry;

	if (e->ppre < e->npre) {
		size_t take = e->npre - e->ppre < n ? e->npre - e->ppre : n;
		memcpy(buf, e->pre + e->ppre, take);
		e->ppre += take;
		return (ssize_t)take;
	}
	if (e->eof || e->failed)
		return e->failed ? -1 : 0;
	return (ssize_t)entry_read(e, buf, n);
}

size_t
src_peek(struct src_entry *e, size_t want, const unsigned char **p)
{
	if (e->npre < want && e->ppre == 0 && !e->eof) {
		e->pre = xrealloc(e->pre, want);
		while (e->npre < want && !e->eof && !e->failed) {
			la_ssize_t got = entry_read(e, e->pre + e->npre, want - e->npre);
			if (got > 0)
				e->npre += (size_t)got;
		}
	}
	*p = e->pre;
	return e->npre;
}

int
src_error(const struct src_entry *e, struct hk_err *err)
{
	const char *msg = archive_error_string(e->ar);

	if (e->guard->over) {
		limits_error(e->guard, e->archive, e->relname, err);
		if (!limits_whole(e->guard))
			snprintf(err->file, sizeof(err->file), "%s", e->name);
		return limits_whole(e->guard);
	}
	err_at(err, e->name, 0, "read error: %s", msg ? msg : "unknown");
	return 0;
}

int
src_read_all(struct src_entry *e, size_t max, char **buf, size_t *n, struct hk_err *err)
{
	struct sbuf sb = SBUF_INIT;
	char chunk[65536];
	ssize_t got;

	while ((got = src_pull(e, chunk, sizeof(chunk))) > 0) {
		if (sb.len + (size_t)got > max) {
			sbuf_release(&sb);
			err_at(err, e->name, 0, "larger than %zu MiB: not a structure file", max >> 20);
			return -1;
		}
		sbuf_add(&sb, chunk, (size_t)got);
	}
	if (got < 0) {
		sbuf_release(&sb);
		src_error(e, err);
		return -1;
	}
	if (sb.s == NULL)
		sbuf_grow(&sb, 0);
	*n = sb.len;
	*buf = sbuf_detach(&sb);
	return 0;
}

static struct archive *
open_archive(void)
{
	struct archive *a = archive_read_new();

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_raw(a);
	return a;
}

static void
entry_reset(struct src_entry *e)
{
	free(e->pre);
	e->pre = NULL;
	e->npre = e->ppre = 0;
	e->eof = e->failed = 0;
}

/* Read one file (plain, compressed or an archive) through libarchive. */
static int
walk_file(const char *path, const char *rel, int explicit, const struct hk_limits *lim, src_fn fn, void *ctx,
    struct hk_err *err)
{
	struct archive *a = open_archive();
	struct archive_entry *ae;
	struct src_entry e;
	struct hk_limits plain = *lim;
	struct hk_guard g = { .lim = lim };
	struct sbuf name = SBUF_INIT, relname = SBUF_INIT, dir = SBUF_INIT;
	int rc = 0, r, stdin_ = strcmp(path, "-") == 0;

	memset(&e, 0, sizeof(e));
	e.ar = a;
	e.guard = &g;
	e.archive = path;
	r = stdin_ ? archive_read_open_fd(a, STDIN_FILENO, 65536)
	    : archive_read_open_filename(a, path, 65536);
	if (r != ARCHIVE_OK) {
		err_at(err, path, 0, "cannot open: %s", archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	if (!stdin_) {
		const char *slash = strrchr(path, '/');
		if (slash)
			sbuf_add(&dir, path, (size_t)(slash - path));
		else
			sbuf_addstr(&dir, ".");
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		int raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
		const char *mem = archive_entry_pathname(ae);
		sbuf_reset(&name);
		sbuf_reset(&relname);
		entry_reset(&e);
		/* text that is not compressed costs time in proportion to its size, no more: no byte limits */
		if (raw && archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
			plain.member_bytes = plain.archive_bytes = plain.ratio = LONG_MAX;
			g.lim = &plain;
		}
		/* every header counts, a member that is skipped too: reading headers takes the time */
		if (limits_member(&g, archive_entry_size_is_set(ae) ? (long)archive_entry_size(ae) : -1) == -1 &&
		    limits_whole(&g))
			break;
		if (raw) {
			/* a plain or compressed single file: its own name */
			sbuf_addstr(&name, path);
			sbuf_addstr(&relname, rel);
			e.format = src_format_of_name(path);
			e.dirpath = stdin_ ? NULL : dir.s;
		} else {
			if (archive_entry_filetype(ae) != AE_IFREG || mem == NULL)
				continue;
			while (mem[0] == '.' && mem[1] == '/')
				mem += 2;
			sbuf_addf(&name, "%s:%s", path, mem);
			sbuf_addstr(&relname, mem);
			e.format = src_format_of_name(mem);
			e.dirpath = NULL;
			if (e.format == SRC_UNKNOWN)
				continue;
		}
		if (e.format == SRC_UNKNOWN && !explicit && !stdin_)
			break;
		e.name = name.s;
		e.relname = relname.s;
		rc = fn(ctx, &e);
		if (rc != 0 || raw || limits_whole(&g))
			break;
	}
	if (rc == 0 && limits_whole(&g)) {
		limits_error(&g, path, NULL, err);
		rc = -1;
	} else if (rc == 0 && r == ARCHIVE_FATAL) {
		const char *msg = archive_error_string(a);
		if (stdin_ && msg == NULL)
			msg = "empty input";
		err_at(err, path, 0, "cannot read: %s", msg ? msg : "unknown archive error");
		rc = -1;
	}
	entry_reset(&e);
	archive_read_free(a);
	sbuf_release(&name);
	sbuf_release(&relname);
	sbuf_release(&dir);
	return rc;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_archive_name(const char *n);

static int
walk_dir(const char *path, const char *rel, const struct hk_limits *lim, src_fn fn, src_errfn efn, void *ctx,
    struct hk_err *err)
{
	struct dirent **list = NULL;
	int n = scandir(path, &list, NULL, by_name), rc = 0;

	if (n < 0) {
		err_at(err, path, 0, "cannot read directory: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *d = list[i]->d_name;
		struct sbuf full = SBUF_INIT, sub = SBUF_INIT;
		struct stat st;
		if (d[0] == '.' || rc != 0) {
			free(list[i]);
			continue;
		}
		sbuf_addf(&full, "%s/%s", path, d);
		if (rel[0])
			sbuf_addf(&sub, "%s/%s", rel, d);
		else
			sbuf_addstr(&sub, d);
		if (stat(full.s, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				rc = walk_dir(full.s, sub.s, lim, fn, efn, ctx, err);
			else if (S_ISREG(st.st_mode) && (src_format_of_name(d) != SRC_UNKNOWN || is_archive_name(d)))
				rc = walk_file(full.s, sub.s, 0, lim, fn, ctx, err);
			if (rc == -1) {
				/* a broken file inside a directory does not stop the walk */
				rc = efn ? efn(ctx, err) : 0;
				err_clear(err);
			}
		}
		sbuf_release(&full);
		sbuf_release(&sub);
		free(list[i]);
	}
	free(list);
	return rc;
}

static int
is_archive_name(const char *n)
{
	return ends_with(n, ".tar") || ends_with(n, ".tgz") || ends_with(n, ".tar.gz") ||
	    ends_with(n, ".tar.bz2") || ends_with(n, ".tar.xz") || ends_with(n, ".zip");
}

int
src_walk(const char *path, const struct hk_limits *lim, src_fn fn, src_errfn efn, void *ctx, struct hk_err *err)
{
	struct stat st;

	if (lim == NULL)
		lim = limits_default();
	if (strcmp(path, "-") == 0)
		return walk_file(path, "-", 1, lim, fn, ctx, err);
	if (stat(path, &st) == -1) {
		err_at(err, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(path, "", lim, fn, efn, ctx, err);
	if (st.st_size == 0) {
		err_at(err, path, 0, "empty file");
		return -1;
	}
	return walk_file(path, path, 1, lim, fn, ctx, err);
}

/* How far from the end of a gzip file its trailer is looked for (padding from tape and transfer tools). */
#define TAIL_MAX 32768

struct src_gunzip {
	ssize_t (*fn)(void *ctx, void *buf, size_t n);
	void *ctx;
	struct archive *ar;	/* NULL for input that is not gzip */
	unsigned char in[65536];
	size_t nhead, head;	/* the first bytes, read to tell gzip from plain, and how many are handed on */
	unsigned char tail[TAIL_MAX];	/* the last bytes read: a member's trailer, maybe padding after it */
	size_t ntail;
	uint64_t nin;		/* bytes read */
	int members;		/* a second gzip header may start somewhere after the first */
	uLong crc;		/* of what came out so far */
	uint64_t size;		/* ... and its length */
	int empty;		/* a gzip stream of no bytes */
	int failed;
	long ratio;		/* the expansion refused (hklimits.h) */
	int bomb;		/* ... and it was reached */
};

/* Whether a gzip header (1f 8b 08) starts in p[0..n), after the file's first byte. */
static int
later_member(struct src_gunzip *g, const unsigned char *p, size_t n)
{
	/* the two bytes before p, then p: headers across the boundary count too */
	unsigned char edge[4] = { g->ntail >= 2 ? g->tail[g->ntail - 2] : 0, g->ntail >= 1 ? g->tail[g->ntail - 1] : 0,
		n > 0 ? p[0] : 0, n > 1 ? p[1] : 0 };

	for (size_t i = 0; i < 2 && i < n; i++)
		if (g->nin + i >= 3 && edge[i] == 0x1f && edge[i + 1] == 0x8b && edge[i + 2] == 8)
			return 1;
	for (const unsigned char *q = p; n >= 3 && (q = memchr(q, 0x1f, (size_t)(p + n - 2 - q))) != NULL; q++)
		if (g->nin + (uint64_t)(q - p) >= 1 && q[1] == 0x8b && q[2] == 8)
			return 1;
	return 0;
}

/* Keep the last TAIL_MAX bytes of the compressed input, and look for a later member's magic. */
static void
keep_tail(struct src_gunzip *g, const unsigned char *p, size_t n)
{
	if (!g->members)
		g->members = later_member(g, p, n);
	g->nin += n;
	if (n >= TAIL_MAX) {
		memcpy(g->tail, p + n - TAIL_MAX, TAIL_MAX);
		g->ntail = TAIL_MAX;
		return;
	}
	if (g->ntail + n > TAIL_MAX) {
		size_t drop = g->ntail + n - TAIL_MAX;
		memmove(g->tail, g->tail + drop, g->ntail - drop);
		g->ntail -= drop;
	}
	memcpy(g->tail + g->ntail, p, n);
	g->ntail += n;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * libarchive's gzip filter does not check the trailer, so we do.  The
 * last member's trailer is near the end: at it, or before padding or junk
 * that is no gzip header (which libarchive skips, as gzip does).  A file
 * with no second gzip header in it is one member (what gzip writes): an
 * 8-byte trailer there must hold our CRC-32 and length (mod 2^32).
 * Where a second member may start (cat a.gz b.gz, or the magic bytes by
 * chance inside deflate data) the last trailer covers only the last
 * member, and its length cannot exceed all that came out.
 */
static int
trailer_ok(const struct src_gunzip *g)
{
	for (size_t end = g->ntail; end >= 8; end--)
		if (le32(g->tail + end - 8) == (uint32_t)g->crc && le32(g->tail + end - 4) == (uint32_t)g->size)
			return 1;
	if (!g->members || g->ntail < 8)
		return 0;
	return g->size >= UINT64_C(1) << 32 || le32(g->tail + g->ntail - 4) <= g->size;
}

/* libarchive's read callback: the bytes already read first, then the source's. */
static la_ssize_t
gunzip_read(struct archive *a, void *p, const void **buf)
{
	struct src_gunzip *g = p;
	ssize_t got;

	if (g->head < g->nhead) {
		got = (ssize_t)(g->nhead - g->head);
		*buf = g->in + g->head;
		g->head = g->nhead;
		return (la_ssize_t)got;
	}
	if ((got = g->fn(g->ctx, g->in, sizeof(g->in))) < 0) {
		archive_set_error(a, EIO, "read error");
		return -1;
	}
	keep_tail(g, g->in, (size_t)got);
	*buf = g->in;
	return (la_ssize_t)got;
}

/* Read until two bytes are there (or the input ends): enough to see gzip's magic. */
static int
read_head(struct src_gunzip *g)
{
	while (g->nhead < 2) {
		ssize_t got = g->fn(g->ctx, g->in + g->nhead, sizeof(g->in) - g->nhead);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		g->nhead += (size_t)got;
	}
	return 0;
}

/* gzip data through libarchive's gzip filter; -1 when it is not gzip after all. */
static int
open_gzip(struct src_gunzip *g)
{
	struct archive_entry *ae;
	int r;

	keep_tail(g, g->in, g->nhead);
	if ((g->ar = archive_read_new()) == NULL)
		return -1;
	archive_read_support_filter_gzip(g->ar);
	/* raw: the one member's bytes; empty: a gzip stream of none */
	archive_read_support_format_raw(g->ar);
	archive_read_support_format_empty(g->ar);
	if (archive_read_open(g->ar, g, NULL, gunzip_read, NULL) != ARCHIVE_OK)
		return -1;
	r = archive_read_next_header(g->ar, &ae);
	g->empty = r == ARCHIVE_EOF;
	g->crc = crc32(0L, Z_NULL, 0);
	/* the magic without a gzip stream behind it is a corrupt file, not text */
	return (r == ARCHIVE_OK || r == ARCHIVE_EOF) && archive_filter_code(g->ar, 0) == ARCHIVE_FILTER_GZIP ? 0 : -1;
}

struct src_gunzip *
src_gunzip_open(ssize_t (*fn)(void *ctx, void *buf, size_t n), void *ctx)
{
	struct src_gunzip *g = xcalloc(1, sizeof(*g));

	g->fn = fn;
	g->ctx = ctx;
	g->ratio = HK_MAX_RATIO;
	if (read_head(g) == -1)
		g->failed = 1;
	else if (g->nhead >= 2 && g->in[0] == 0x1f && g->in[1] == 0x8b)
		g->failed = open_gzip(g) == -1;
	return g;
}

/* Plain input: the first bytes, then the source itself, untouched. */
static ssize_t
plain_pull(struct src_gunzip *g, void *buf, size_t n)
{
	size_t k = g->nhead - g->head;

	if (k == 0)
		return g->fn(g->ctx, buf, n);
	if (k > n)
		k = n;
	memcpy(buf, g->in + g->head, k);
	g->head += k;
	return (ssize_t)k;
}

ssize_t
src_gunzip_pull(void *gunzip, void *buf, size_t n)
{
	struct src_gunzip *g = gunzip;
	la_ssize_t got;

	if (g->failed)
		return -1;
	if (g->ar == NULL)
		return plain_pull(g, buf, n);
	if (g->empty)
		return trailer_ok(g) ? 0 : -1;
	got = archive_read_data(g->ar, buf, n);
	if (got > 0) {
		g->crc = crc32(g->crc, buf, (uInt)got);
		g->size += (uint64_t)got;
		g->bomb = g->size > (uint64_t)HK_RATIO_AFTER && g->size / (g->nin ? g->nin : 1) >= (uint64_t)g->ratio;
		if (g->bomb)
			got = -1;
	}
	if (got < 0 || (got == 0 && !trailer_ok(g))) {
		g->failed = 1;
		return -1;
	}
	return (ssize_t)got;
}

void
src_gunzip_limit(struct src_gunzip *g, long ratio)
{
	g->ratio = ratio > 0 ? ratio : HK_MAX_RATIO;
}

int
src_gunzip_error(const struct src_gunzip *g, const char *name, struct hk_err *err)
{
	struct hk_limits lim = HK_LIMITS_INIT;
	struct hk_guard guard = { .lim = &lim, .over = LIM_RATIO };

	if (!g->bomb)
		return 0;
	lim.ratio = g->ratio;
	limits_error(&guard, name, NULL, err);
	return 1;
}

void
src_gunzip_close(struct src_gunzip *g)
{
	if (g == NULL)
		return;
	if (g->ar)
		archive_read_free(g->ar);
	free(g);
}
