/*
 * rank.h - order records by keys without holding them.
 *
 * A key is a dotted field path, descending when written -path.  Records
 * compare key by key: nulls (and missing fields) last in either direction,
 * numbers before strings, then by id, then by input order, so the order is
 * total and stable.  An item keeps only its key values, its id and where
 * its text is: rank_heap keeps the best N items (with their records) in a
 * bounded heap; rank_sort sorts any number of items whose text was spooled
 * to a file.  A filter decides which records are ranked at all.
 */
#ifndef HK_RANK_H
#define HK_RANK_H

#include <jansson.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "expr.h"
#include "ids.h"
#include "sbuf.h"
#include "strset.h"

struct rank_key {
	char *path;
	int desc;
};

struct rank_spec {
	struct rank_key *key;
	int n;
};

/* "nsites_777,nsites,-length" */
int rank_spec_parse(const char *text, struct rank_spec *s, struct hk_err *err);
void rank_spec_release(struct rank_spec *s);

struct rank_val {
	enum { RV_NUM, RV_STR, RV_NULL } t;	/* in sort order */
	double num;
	char *str;
};

struct rank_item {
	struct rank_val *v;
	char *id;
	long seq;		/* input order */
	off_t off;		/* where the text is in the spool */
	size_t len;
	json_t *rec;		/* held by the heap only */
};

/* Fill it with rec's keys and id (it->rec is not set). */
void rank_item_init(struct rank_item *it, const struct rank_spec *s, const json_t *rec, long seq);
void rank_item_release(struct rank_item *it, const struct rank_spec *s);
int rank_item_cmp(const struct rank_spec *s, const struct rank_item *a, const struct rank_item *b);

/* The best cap items, worst on top. */
struct rank_heap {
	const struct rank_spec *spec;
	struct rank_item *it;
	int n, cap;
};

void rank_heap_init(struct rank_heap *h, const struct rank_spec *s, int cap);
/* Offer an item; the heap takes it (and its record) or releases it. */
void rank_heap_offer(struct rank_heap *h, struct rank_item *it);
/* Sort the kept items best first (the heap is then a plain array). */
void rank_heap_sort(struct rank_heap *h);
void rank_heap_release(struct rank_heap *h);

/* Sort n items best first. */
void rank_sort(const struct rank_spec *s, struct rank_item *it, long n);

/*
 * A ranking of any number of records: with a limit, the best `limit` in a
 * heap (memory O(limit)); without one (limit < 0), each record's text
 * goes to a temporary spool file and only its keys stay in memory.
 */
struct ranker {
	const struct rank_spec *spec;
	long limit;
	struct rank_heap heap;
	struct rank_item *items;	/* no limit: every item, its text in the spool */
	long n, cap, seq;
	FILE *spool;
	struct sbuf buf;
};

int ranker_init(struct ranker *r, const struct rank_spec *spec, long limit, struct hk_err *err);
/* Offer a record (the ranker takes a reference of its own). */
int ranker_add(struct ranker *r, json_t *rec, struct hk_err *err);
/* The records best first, each as rank_annotate() makes it, to fn; stops at fn's -1. */
int ranker_emit(struct ranker *r, int (*fn)(void *ctx, const json_t *rec), void *ctx,
    struct hk_err *err);
void ranker_release(struct ranker *r);

/*
 * The CSV columns of a ranking: the comma-separated list, or by default
 * rank, id, the sort keys and (with_score) score.  A NULL-terminated array
 * of new strings, freed with rank_fields_free; *n is its length.
 */
char **rank_fields(const struct rank_spec *s, const char *list, int with_score, int *n);
void rank_fields_free(char **fields);

/*
 * Which records are ranked: not those whose id is in exclude, then (with
 * scores) "score" joined by id, null when it has none, then only those
 * where holds (strict: a missing field is an error), and, unless
 * keep_suspect, none that is suspect.  Each member is the filter's own.
 */
struct rank_filter {
	struct strset exclude;
	struct scores scores;
	struct expr *where;	/* NULL: every record */
	int strict;
	int keep_suspect;
	long suspect;		/* records left out for being suspect */
};

#define RANK_FILTER_INIT { STRSET_INIT, SCORES_INIT, NULL, 0, 0, 0 }

/* 1 when rec (whose id is id) is ranked, 0 when it is left out, -1 with err when where failed on it. */
int rank_filter_pass(struct rank_filter *f, json_t *rec, const char *id, struct hk_err *err);
void rank_filter_release(struct rank_filter *f);

/*
 * Whether rec carries a "suspect" field that says something: collect's
 * list of reasons to doubt a result (a non-empty array or string, or true).
 */
int rank_suspect(const json_t *rec);

/* A copy of rec with "rank" after "id" (a new reference). */
json_t *rank_annotate(const json_t *rec, long rank);

#endif
