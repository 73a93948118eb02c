/*
 * shard.h - a table cut into parts by structure, and the parts' outputs
 * put back in the table's order.
 *
 * A record's structure is its "structure_id" or, in a structure record,
 * its "id".  Its part is the standard 64-bit FNV-1a hash of that id
 * modulo the number of parts:
 * a record stays in its part whatever else the table holds, so a rerun
 * over a grown table finds the parts of the other structures unchanged.
 *
 * Split is a stream take (stream.h): each record goes, as written by the
 * record writer, to DIR/in.K.jsonl (K with three digits or more).  The
 * records of one structure must be together in the input, as every
 * hopkit table has them; one that comes back after another structure's
 * is a bad record.  shard_split_finish puts each part in place only when
 * it differs from the one there (an unchanged part keeps its time, so
 * what was made from it is not remade) and says how many changed.
 *
 * Join is a take over the input the parts were cut from: at the first
 * record of each structure it copies, line for line, that structure's
 * records from the output of the structure's part.  The result is the
 * stage's output as one run over the whole table writes it.  A part's
 * record for a structure the input does not have there is an error at
 * shard_join_finish, which also checks that every part was read to its
 * end.
 */
#ifndef HK_SHARD_H
#define HK_SHARD_H

#include <stdio.h>
#include <jansson.h>

#include "err.h"
#include "stream.h"
#include "strset.h"

/* parts at most: one file each is open while a table is cut, and Slurm's MaxArraySize is 1001 by default */
#define SHARD_MAX 1000

/* The record's structure id, or NULL when it has none (a string). */
const char *shard_key(const json_t *rec);
/* The part of structure key among n. */
int shard_of(const char *key, int n);
/* DIR/in.K.jsonl or DIR/out.K.jsonl (what: "in", "out"), on the heap. */
char *shard_path(const char *dir, const char *what, int k);

struct shard_split {
	char *dir;
	int n;
	FILE **f;		/* the parts being written, under temporary names */
	struct sbuf line;
	struct strset seen;	/* structures whose records have passed */
	char *last;		/* the structure of the record before */
};
int shard_split_begin(struct shard_split *sp, const char *dir, int n, struct hk_err *err);
int shard_split_take(void *sp, struct stream_item *it);
/* Every part in place (unless unchanged); *changed: how many were written. */
int shard_split_finish(struct shard_split *sp, int *changed, struct hk_err *err);
void shard_split_release(struct shard_split *sp);

struct shard_part;
struct shard_join {
	FILE *out;		/* not owned */
	int n;
	struct shard_part *p;
	char *last;		/* the structure of the input record before */
	long lines;		/* written */
};
/* Over the n part outputs, in part order; writes to out. */
int shard_join_begin(struct shard_join *j, char *const *parts, int n, FILE *out, struct hk_err *err);
int shard_join_take(void *j, struct stream_item *it);
int shard_join_finish(struct shard_join *j, struct hk_err *err);
void shard_join_release(struct shard_join *j);

#endif
