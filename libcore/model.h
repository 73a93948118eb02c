/*
 * model.h - a bootstrap ensemble of gradient-boosted trees (XGBoost) that
 * predicts a target from features, with an uncertainty, and its file.
 *
 * model_fit trains `members` boosters, each on its own bootstrap resample
 * of the groups (whole structures are drawn, since the hops of one
 * material are not independent) and with its own seed.  A prediction's
 * value is the members' mean and sd their standard deviation: how much
 * the answer moves when the training set is drawn again, large where the
 * training data say little.  Missing features (NaN) are the trees' own
 * business.  Fitting is deterministic for given data and seed.
 *
 * The file is one JSON object: "hopkit_model" (1), "version" (hopkit's),
 * "library" ("xgboost 1.7.4"), "target", "features", "group", "n_train",
 * "n_groups", "params" and "members", each member XGBoost's own JSON model
 * as XGBoosterSaveModelToBuffer gives it, as a string.  model_save writes it
 * atomically; model_load refuses a file that is not one, naming the part.
 */
#ifndef HK_MODEL_H
#define HK_MODEL_H

#include "err.h"
#include "trainset.h"

struct model_params {
	int members;		/* boosters in the ensemble, 2..MODEL_MAX_MEMBERS */
	int rounds;		/* boosting rounds of each */
	int depth;		/* the trees' max_depth */
	double eta;		/* learning rate */
	double colsample;	/* features drawn per tree */
	double min_child_weight;
	unsigned long seed;
	int threads;		/* XGBoost's nthread; 0: all cores */
};
#define MODEL_PARAMS_INIT { 8, 100, 4, 0.15, 0.8, 1.0, 1, 0 }
#define MODEL_MAX_MEMBERS 100

struct model {
	struct model_params p;
	struct features feat;
	char *target, *group;
	long n_train, n_groups;
	void **booster;		/* XGBoost BoosterHandles, p.members of them */
};

/* A model of t's features and target, trained on the n rows listed in rows (all of t when rows is NULL). */
int model_fit(struct model *m, const struct trainset *t, const long *rows, long n, const struct model_params *p,
    struct hk_err *err);

/* value and sd of the n rows of x (n * m->feat.n floats, NaN: missing). */
int model_predict(const struct model *m, const float *x, long n, double *value, double *sd, struct hk_err *err);

int model_save(const struct model *m, const char *path, struct hk_err *err);
int model_load(struct model *m, const char *path, struct hk_err *err);
void model_release(struct model *m);

/* Predict on n threads (a loaded model has the ones it was fitted with). */
int model_threads(struct model *m, int n, struct hk_err *err);

#endif
