/*
 * source.h - walk structure sources: files, directories, archives, stdin.
 *
 * A source is a file, a directory (walked recursively in name order), an
 * archive read in place with libarchive (.tar, .tar.gz/.tgz, .tar.bz2,
 * .tar.xz, .zip), a gzip/bzip2/xz-compressed single file, or "-" for
 * standard input.  Each regular file found is handed to a callback as an
 * entry that can be read whole or streamed.  Inside directories and
 * archives only names that look like structure files are read (*.cif,
 * POSCAR*, CONTCAR*, *.vasp, *.json, *.jsonl, optionally compressed);
 * a file named explicitly is always read, its format sniffed if need be.
 * A gunzip reader puts the same libarchive gzip path over any other byte
 * stream (a file, an archive member).
 */
#ifndef HK_SOURCE_H
#define HK_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "hklimits.h"

enum src_format { SRC_UNKNOWN, SRC_CIF, SRC_POSCAR, SRC_JSON };

struct archive;

struct src_entry {
	const char *name;	/* for messages: "dir/x.cif", "a.tgz:x/y.cif", "-" */
	const char *relname;	/* path inside the named source (the record's "source") */
	const char *dirpath;	/* directory of a plain file, else NULL (for POTCAR lookup) */
	enum src_format format;
	struct archive *ar;	/* internal */
	unsigned char *pre;	/* peeked bytes not yet consumed */
	size_t npre, ppre;
	int eof;
	int failed;
	struct hk_guard *guard;	/* internal: the limits of the archive being read */
	const char *archive;	/* internal: its path */
};

/* Called per entry; a non-zero return stops the walk and is returned. */
typedef int (*src_fn)(void *ctx, struct src_entry *e);

/*
 * Called for a file inside a directory that cannot be read (a corrupt
 * archive, say); the walk goes on unless it returns non-zero.
 */
typedef int (*src_errfn)(void *ctx, const struct hk_err *err);

/*
 * Walk one source within the limits lim (NULL: the defaults; hklimits.h).
 * Returns 0, fn's non-zero return, or -1 when the source itself cannot be
 * read (err set; other sources may still be walked).  An archive past a
 * limit of its own (members, bytes, expansion) is such a source: the walk
 * stops there, after the entries already handed on.  Errors inside an
 * entry are the callback's to report (src_error says why a read failed).
 */
int src_walk(const char *path, const struct hk_limits *lim, src_fn fn, src_errfn efn, void *ctx,
    struct hk_err *err);

/*
 * Why a read of e failed, in err.  Returns 1 when the failure is the whole
 * archive's (it passed a limit): src_walk reports that itself, once, so
 * the caller says nothing; else 0.
 */
int src_error(const struct src_entry *e, struct hk_err *err);

/* Stream bytes of an entry (a linerd_pull). */
ssize_t src_pull(void *entry, void *buf, size_t n);

/*
 * Read the whole entry (at most max bytes) into a NUL-terminated buffer
 * the caller frees.  -1 when larger than max or unreadable.
 */
int src_read_all(struct src_entry *e, size_t max, char **buf, size_t *n, struct hk_err *err);

/* Look at the first bytes without consuming them; returns how many. */
size_t src_peek(struct src_entry *e, size_t want, const unsigned char **p);

/*
 * A pull source over another pull source (fn, ctx; not owned): gzip data
 * (by its magic bytes) comes out decompressed through libarchive, anything
 * else as it is, straight from the source, an empty input as empty.  A
 * read error, or a gzip stream that is corrupt, truncated or fails its
 * trailer's length or CRC-32, make src_gunzip_pull return -1.  Never NULL;
 * free with src_gunzip_close.
 */
struct src_gunzip;
struct src_gunzip *src_gunzip_open(ssize_t (*fn)(void *ctx, void *buf, size_t n), void *ctx);
ssize_t src_gunzip_pull(void *gunzip, void *buf, size_t n);

/*
 * A gzip stream that expands more than ratio times (0: HK_MAX_RATIO, the
 * default) once HK_RATIO_AFTER bytes came out is a decompression bomb:
 * src_gunzip_pull fails, and src_gunzip_error says why.
 */
void src_gunzip_limit(struct src_gunzip *g, long ratio);

/* 1 with err (file: name) when the pull failed on the ratio, else 0. */
int src_gunzip_error(const struct src_gunzip *g, const char *name, struct hk_err *err);
void src_gunzip_close(struct src_gunzip *g);

/* Format from a file name (compression suffixes ignored). */
enum src_format src_format_of_name(const char *name);

/* Format from content: JSON, CIF, or POSCAR as a last resort. */
enum src_format src_format_sniff(const unsigned char *p, size_t n);

#endif
