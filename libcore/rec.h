/*
 * rec.h - the record stream: JSON Lines in, JSON Lines or CSV out.
 *
 * A reader yields one JSON object per non-blank line, parsed strictly
 * (RFC 8259, duplicate keys rejected), with the file and line of every
 * error.  A bad line is reported and skipped; the next call goes on with
 * the line after it, so a caller can implement --keep-going.  Memory is
 * bounded by the longest line accepted, never by the number of records.
 * rec_open reads gzip-compressed input (told by its magic bytes, whatever
 * the name) as the text it holds; a corrupt or truncated gzip stream is a
 * read error.
 */
#ifndef HK_REC_H
#define HK_REC_H

#include <stdio.h>
#include <jansson.h>

#include "err.h"
#include "linerd.h"
#include "source.h"

struct rec_reader {
	struct linerd lr;
	FILE *f;		/* owned unless it is stdin */
	struct src_gunzip *gz;	/* owned; between f and lr, for rec_open */
	char *name;		/* "-" for stdin */
	const char *text;	/* the line of the record rec_next last gave */
	size_t text_len;
};

/* Open path ("-" or NULL for stdin) for reading records. */
struct rec_reader *rec_open(const char *path, struct hk_err *err);

/* A reader over any pull function; name is copied. */
struct rec_reader *rec_open_pull(linerd_pull pull, void *ctx, const char *name);

/*
 * Next record.  1: *out is a new reference the caller must json_decref.
 * 0: end of input.  -1: a bad line (err has file:line[:col]); call again
 * to go on, unless rec_failed() says the input cannot be read further.
 */
int rec_next(struct rec_reader *r, json_t **out, struct hk_err *err);

/*
 * Read within lim (NULL: the defaults): lines longer than lim->line are
 * bad lines, gzip input expanding more than lim->ratio times is refused.
 */
void rec_set_limits(struct rec_reader *r, const struct hk_limits *lim);

/* The text of the record rec_next last returned (no newline), valid until the next call. */
const char *rec_text(const struct rec_reader *r, size_t *len);

int rec_failed(const struct rec_reader *r);
long rec_line(const struct rec_reader *r);
void rec_close(struct rec_reader *r);

/*
 * Parse one line of text as a JSON object.  name/lineno only label the
 * error.  Returns a new reference or NULL.
 */
json_t *rec_parse(const char *text, size_t len, const char *name, long lineno, struct hk_err *err);

/* 1 if s is a valid record id: non-empty, at most 200 of [A-Za-z0-9._-]. */
int rec_id_valid(const char *s);

/* The record's "id" string, or NULL (with err set) when absent or invalid. */
const char *rec_id(const json_t *rec, struct hk_err *err);

/*
 * Look up a dotted path ("measures.oxidation_state", "supercell.0.1") in
 * rec; array elements are addressed by index.  Borrowed reference or NULL.
 */
json_t *rec_get_path(const json_t *rec, const char *path);

#endif
