/*
 * results.h - the results table: one current record per job, brought up
 * to date in place.
 *
 * A table is a JSON Lines file of collect's result records, at most one
 * per id, each with the "stamp" of what it was read from (finished.h).
 * Opening it takes an exclusive lock on its directory (so two updates of
 * one table wait for each other instead of losing each other's records)
 * and reads it once for its ids and stamps; the new records are held in
 * an unlinked spool file, never in memory.  results_write then writes the
 * whole table in one pass: a replaced record keeps its place, new ones
 * follow in the order they were put.  The caller writes to a temporary
 * file and renames it over the table (fe's cli_open_output), so a reader
 * never sees a half-written table.  An id that appears more than once in
 * the old table (one appended to by hand) is written once, as its last
 * record.  A missing table is empty.
 */
#ifndef HK_RESULTS_H
#define HK_RESULTS_H

#include <stdio.h>
#include <jansson.h>

#include "err.h"
#include "sbuf.h"

struct results;

/* Open the table at path (locking its directory); NULL with err on a bad line or I/O error. */
struct results *results_open(const char *path, struct hk_err *err);

/* The stamp the table holds for id: NULL when id is absent or its record has none. */
const char *results_stamp(const struct results *t, const char *id);

/* Put a job's new record (needs an "id"): it replaces the old one, or is added. */
int results_put(struct results *t, const json_t *rec, struct hk_err *err);

/* Write the table as it now stands to out. */
int results_write(struct results *t, FILE *out, struct hk_err *err);

/*
 * 1 when the table written would differ from the file: records were put,
 * ids given twice collapse, or there was no file yet.  Otherwise the caller
 * can leave the file as it is (its time then says nothing changed).
 */
int results_changed(const struct results *t);

/*
 * "FILE: N new, M replaced, K kept" added to out: the records put that were
 * new, that replaced one, and the old ones written as they were.
 */
void results_counts(const struct results *t, struct sbuf *out);

/* Release the table and its lock. */
void results_close(struct results *t);

#endif
