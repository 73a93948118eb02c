/*
 * trainset.h - the table a model learns from: per record a row of
 * features, a target and a group.
 *
 * A feature is a dotted path into the record (rec_get_path).  A number is
 * taken as it is, true and false as 1 and 0; an absent or null field is
 * missing (NaN, which the model handles).  Any other type, or a number
 * beyond a float's range, is an error naming the field: that column would
 * mean something else in this record than in the others.
 *
 * A record whose target is absent or null (a job that failed) or not a
 * number is no row: trainset_add counts it in no_target or bad_target and
 * goes on, so a results table trains on what finished; so is a record
 * marked suspect (rank_suspect: collect doubts its numbers), counted in
 * suspect.  A row's group is
 * its record's group field (structure_id: the hops of one material are
 * not independent samples), or its id when it has none.  Memory: n rows
 * of nfeatures floats, and each group's name once.
 */
#ifndef HK_TRAINSET_H
#define HK_TRAINSET_H

#include <jansson.h>

#include "err.h"
#include "strset.h"

/* The descriptors measure writes that a barrier depends on, and the hop's own length and dimensionality. */
#define FEATURES_DEFAULT                                                                                 \
	"length,dimensionality,measures.dimensionality_cumlengths,measures.ewald_energy,"                     \
	"measures.ionic_radii_overlap_cations,measures.ionic_radii_overlap_anions,measures.bvse_barrier"
#define FEATURES_MAX 256

struct features {
	char **name;
	int n;
};

/* The names of list (commas between them): none empty, none twice, at most FEATURES_MAX. */
int features_parse(const char *list, struct features *f, struct hk_err *err);
/* The names as one comma-separated string (the caller frees it). */
char *features_text(const struct features *f);
void features_release(struct features *f);

/* rec's value of each feature into row[0..f->n): how many are present, or -1 with err. */
int features_row(const struct features *f, const json_t *rec, float *row, struct hk_err *err);

struct trainset {
	struct features feat;
	char *target, *group;
	float *x;		/* n rows of feat.n */
	float *y;
	long *g;		/* each row's group, 0..ng */
	long n, cap;
	char **gname;		/* the groups' names, in order of first sight */
	long ng;
	struct strset gindex;	/* name to 1 + its index */
	long no_target;		/* records without the target */
	long bad_target;	/* records whose target is not a number */
	long suspect;		/* records marked suspect */
};

/* A table of features (a list as features_parse takes) and target, rows grouped by group. */
int trainset_init(struct trainset *t, const char *features, const char *target, const char *group,
    struct hk_err *err);
/* 1: rec is a row; 0: it has no numeric target or is suspect (counted); -1: a feature is bad (err). */
int trainset_add(struct trainset *t, const json_t *rec, struct hk_err *err);
/* 0, or -1 with err when there is nothing to learn: no row, or every target the same number. */
int trainset_usable(const struct trainset *t, struct hk_err *err);
void trainset_release(struct trainset *t);

#endif
