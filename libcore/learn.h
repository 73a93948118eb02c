/*
 * learn.h - what learn does with a model: cross-validation grouped by
 * structure, and predictions added to a stream of records.
 *
 * learn_cv splits the groups (structures) of a table into k folds, each
 * group whole in one fold so a material is never judged by a model that
 * saw its other hops; the split is fixed by the groups' names (FNV-1a),
 * not by their order.  For each fold it fits a model on the others
 * (model.h) and predicts the fold: Spearman's rho and the MAE per fold and
 * over all held-out predictions together, and, to compare with, each
 * feature's own rho against the target where it is present.
 *
 * A predictor gathers records (holding a reference to each) until it has
 * a batch, predicts them together and adds "prediction": {"value", "sd",
 * "model"} to each before writing it to out, in order.
 */
#ifndef HK_LEARN_H
#define HK_LEARN_H

#include <jansson.h>

#include "err.h"
#include "model.h"
#include "sbuf.h"
#include "stream.h"
#include "trainset.h"

struct cv_fold {
	long n, ngroups;
	double spearman, mae;
};

struct cv_result {
	int k;
	struct cv_fold *fold;	/* k of them */
	long n;
	double spearman, mae;	/* over every held-out prediction */
	double *feature_rho;	/* per feature, rho against the target where it is present */
	long *feature_n;
};

/* 0, or -1 with err: fewer groups than folds, or a fit that failed. */
int learn_cv(const struct trainset *t, int k, const struct model_params *p, struct cv_result *r, struct hk_err *err);
void cv_result_release(struct cv_result *r);
/* The result as a table, after a line saying what was validated. */
void cv_result_text(const struct cv_result *r, const struct trainset *t, const struct model_params *p,
    struct sbuf *sb);

#define PREDICT_BATCH 4096

struct predictor {
	const struct model *m;
	const char *name;	/* the "model" of each prediction */
	struct stream_out *out;
	json_t **rec;
	float *x;
	double *value, *sd;
	long n;
};

void predictor_init(struct predictor *p, const struct model *m, const char *name, struct stream_out *out);
/* Take a reference to rec; -1 with err when it has a bad feature or none of them. */
int predictor_add(struct predictor *p, json_t *rec, struct hk_err *err);
/* Predict and write what is gathered. */
int predictor_flush(struct predictor *p, struct hk_err *err);
void predictor_release(struct predictor *p);

#endif
