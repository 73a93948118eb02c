/*
 * ids.h - what other record files say about ids: the ids they hold, and
 * a score per id.
 *
 * For the joins a filter makes without loading the records themselves
 * (rank --exclude and --scores, collect --since): memory grows with the
 * number of ids, never with record bodies.  Errors name the file and line.
 */
#ifndef HK_IDS_H
#define HK_IDS_H

#include "err.h"
#include "strset.h"

/* Add the "id" of every record of the file at path to set. */
int ids_load(struct strset *set, const char *path, struct hk_err *err);
/* The same, but a file that does not exist (yet) holds no ids: 0, with nothing added. */
int ids_load_if_present(struct strset *set, const char *path, struct hk_err *err);

/* A score per id. */
struct scores {
	struct strset index;	/* id -> 1 + its place in val */
	double *val;
	long n;
};

#define SCORES_INIT { STRSET_INIT, NULL, 0 }

/*
 * Read scores from path: a CSV file (named *.csv) with "id" and "score"
 * columns in its header, or records with an "id" and a numeric "score".
 * An id given twice is an error.
 */
int scores_load(struct scores *s, const char *path, struct hk_err *err);
/* 1 and *v when id has a score, else 0. */
int scores_get(const struct scores *s, const char *id, double *v);
void scores_release(struct scores *s);

#endif
