/*
 * stream.h - the record loop every filter shares.
 *
 * A stream reads records from the named files (standard input when none
 * is named, or for "-"), gathers them into items -- one record each, or
 * the consecutive records that share a field's value (the paths of one
 * structure) -- lets the program's work function turn each item into
 * output on up to `jobs` threads, and writes the results in input order,
 * as JSON Lines or as CSV with one header.  Output order never depends on
 * timing, and memory is bounded by one batch of items.
 *
 * A bad line or a failed item is handed to the report hook with its file
 * and line.  The run stops there unless keep_going; everything before it
 * is written first, nothing after it.  libcore never prints: the hooks
 * belong to the command (see fe/cli.h's cli_stream()).
 *
 * A record of a stage the program does not read (stage.h) is reported and
 * stops the run whatever keep_going: the whole input is likely the wrong
 * table.  A record with a field of the wrong type (fields) is a bad
 * record on its own, reported with its line before it joins an item.  What was lost is counted by reason (tally.h) for a summary at
 * the end: bad lines and records, items that gave nothing (notes), and
 * the fields each written record names in its reasons object.
 */
#ifndef HK_STREAM_H
#define HK_STREAM_H

#include <stdio.h>
#include <jansson.h>

#include "err.h"
#include "rec.h"
#include "sbuf.h"
#include "stage.h"
#include "tally.h"

/* What work (or take) made of an item. */
enum stream_status {
	STREAM_OK,
	STREAM_NOTE,	/* nothing to write, reported unless quiet, not a failure */
	STREAM_BAD,	/* reported; its records count as bad */
	STREAM_FATAL,	/* from take: the run cannot go on (err becomes s->fatal) */
};

struct stream_item {
	json_t **rec;		/* the input records, owned by the item */
	long *line;		/* their line numbers */
	const char *file;	/* where they come from ("-": standard input) */
	int n, cap;
	json_t *out;		/* work's output, owned: an object, an array of them, or NULL */
	int status;		/* enum stream_status */
	int flags;		/* the program's own */
	struct hk_err err;	/* why, when status is not STREAM_OK */
};

/* A record writer: JSON Lines, or CSV of cols with a header before the first row. */
struct stream_out {
	FILE *f;
	const char *const *cols;	/* NULL: JSON Lines */
	int ncols;
	long n;			/* records written */
	struct sbuf line;
};

void stream_out_init(struct stream_out *o, FILE *f, const char *const *cols, int ncols);
/* Write one record.  -1 with err set on a write error or a non-finite number. */
int stream_out_write(struct stream_out *o, const json_t *rec, struct hk_err *err);
void stream_out_release(struct stream_out *o);

struct stream {
	/*
	 * Turn an item into it->out and it->status, on any thread: it may
	 * touch nothing but the item and the read-only ctx.  NULL: items pass
	 * to take as read.
	 */
	void (*work)(const void *ctx, struct stream_item *it);
	/*
	 * On the calling thread, in input order, for each item work left OK:
	 * what must happen in order (side files, a heap).  Returns the item's
	 * new status (setting it->err when not OK).  Optional.
	 */
	int (*take)(void *ctx, struct stream_item *it);
	void *ctx;
	/* A diagnostic, with file and line set. */
	void (*report)(void *hctx, const struct hk_err *e);
	/* Called after each finished item (s->nin, s->out.n, stream_input_fraction()). */
	void (*progress)(void *hctx, const struct stream *s);
	/* Called once at the end of stream_run, unless the run stopped. */
	void (*summary)(void *hctx, const struct stream *s);
	void *hctx;

	const struct stage_reader *reads;	/* records of other stages stop the run; NULL: any */
	const struct field_spec *fields;	/* a field of another type makes a bad record; NULL: none */
	/*
	 * Dotted path of an object in each written record that maps a field
	 * left null to the reason ("measures.errors"), counted in nulls.
	 */
	const char *reasons;

	const char *group_by;	/* consecutive records with one value of this field are one item */
	int write_input;	/* write an item's records themselves (work edits them in place) */
	int jobs;		/* threads; 1 runs work on this thread */
	int batch;		/* items per batch; 0: 1, or 32 per thread */
	int keep_going;		/* report bad records and go on */
	int quiet;		/* no STREAM_NOTE reports */
	const struct hk_limits *lim;	/* what the input may hold; NULL: the defaults */
	struct stream_out out;

	long nbad;		/* bad lines and records of failed items */
	int stopped;		/* a bad record ended the run */
	struct hk_err fatal;	/* a write error, or take's STREAM_FATAL: the run cannot go on */

	long nin;		/* records read */
	struct tally nulls;	/* by field, from the reasons objects */
	struct tally notes;	/* one group: items that gave nothing */
	struct tally bad;	/* "bad line", "bad record", "unreadable file" */
	long long in_done;	/* bytes of the input files finished */
	long long in_total;	/* their total size; -1 when one is not a regular file */
	struct rec_reader *rd;	/* the file being read, or NULL */
};

/* A stream writing JSON Lines to out; the caller sets the rest. */
void stream_init(struct stream *s, FILE *out);

/*
 * Run over the n files (standard input when n is 0).  Returns the exit
 * status: 0 all good, 1 some records were bad (keep_going), 2 stopped at
 * a bad record; -1 on a fatal write error or STREAM_FATAL (s->fatal
 * says what).
 */
int stream_run(struct stream *s, int n, char *const *files);

/* The same for one file; 0, or 1 when the run must stop. */
int stream_file(struct stream *s, const char *path);

/* Exit status so far, as stream_run returns it. */
int stream_status(const struct stream *s);

/* The part of the input read so far, 0..1; -1 when its size is unknown. */
double stream_input_fraction(const struct stream *s);

/*
 * Append "N records; FIELD null in n (reason: n, ...); n with no output
 * (...); skipped n bad records (...), n bad lines (...)", the parts that
 * apply.  Returns 1 when anything was left null, gave nothing or was
 * skipped (the line is worth showing), else 0 (sb holds the count alone).
 */
int stream_summary(const struct stream *s, struct sbuf *sb);

void stream_release(struct stream *s);

#endif
