#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "learn.h"
#include "stats.h"
#include "strset.h"
#include "xalloc.h"

struct keyed {
	uint64_t h;
	long g;
};

static int
by_hash(const void *a, const void *b)
{
	const struct keyed *p = a, *q = b;

	return (p->h > q->h) - (p->h < q->h);
}

/* Each group's fold: the groups ordered by the hash of their names, dealt out in turn. */
static int *
fold_of_groups(const struct trainset *t, int k)
{
	struct keyed *s = xmalloc(((size_t)t->ng + 1) * sizeof(*s));
	int *fold = xmalloc(((size_t)t->ng + 1) * sizeof(*fold));

	for (long g = 0; g < t->ng; g++)
		s[g] = (struct keyed){ hash_fnv1a_from(FNV_BASIS, t->gname[g], strlen(t->gname[g])), g };
	qsort(s, (size_t)t->ng, sizeof(*s), by_hash);
	for (long i = 0; i < t->ng; i++)
		fold[s[i].g] = (int)(i % k);
	free(s);
	return fold;
}

/* Fit on every fold but f, predict f's rows into pred at their row numbers. */
static int
cv_one(const struct trainset *t, const int *fold, int f, const struct model_params *p, double *pred,
    struct cv_fold *out, struct hk_err *err)
{
	size_t nf = (size_t)t->feat.n;
	long *train = xmalloc(((size_t)t->n + 1) * sizeof(*train)), *test = xmalloc(((size_t)t->n + 1) * sizeof(*test));
	long ntrain = 0, ntest = 0;
	float *x;
	double *v, *sd, *y;
	struct model m;
	int rc;

	for (long i = 0; i < t->n; i++) {
		if (fold[t->g[i]] == f)
			test[ntest++] = i;
		else
			train[ntrain++] = i;
	}
	x = xmalloc(((size_t)ntest + 1) * nf * sizeof(*x));
	v = xmalloc(((size_t)ntest + 1) * sizeof(*v));
	sd = xmalloc(((size_t)ntest + 1) * sizeof(*sd));
	y = xmalloc(((size_t)ntest + 1) * sizeof(*y));
	for (long i = 0; i < ntest; i++) {
		memcpy(x + (size_t)i * nf, t->x + (size_t)test[i] * nf, nf * sizeof(*x));
		y[i] = t->y[test[i]];
	}
	if ((rc = model_fit(&m, t, train, ntrain, p, err)) == 0) {
		rc = model_predict(&m, x, ntest, v, sd, err);
		model_release(&m);
	}
	if (rc == 0) {
		for (long i = 0; i < ntest; i++)
			pred[test[i]] = v[i];
		*out = (struct cv_fold){ ntest, 0, stats_spearman(v, y, ntest), stats_mae(v, y, ntest) };
		for (long g = 0; g < t->ng; g++)
			out->ngroups += fold[g] == f;
	}
	free(train), free(test), free(x), free(v), free(sd), free(y);
	return rc;
}

/* Each feature's own rho against the target, over the rows where it is present. */
static void
feature_rhos(const struct trainset *t, struct cv_result *r)
{
	double *a = xmalloc(((size_t)t->n + 1) * sizeof(*a)), *b = xmalloc(((size_t)t->n + 1) * sizeof(*b));

	r->feature_rho = xcalloc((size_t)t->feat.n, sizeof(*r->feature_rho));
	r->feature_n = xcalloc((size_t)t->feat.n, sizeof(*r->feature_n));
	for (int j = 0; j < t->feat.n; j++) {
		long n = 0;
		for (long i = 0; i < t->n; i++) {
			float v = t->x[(size_t)i * (size_t)t->feat.n + (size_t)j];
			if (!isnan(v))
				a[n] = v, b[n++] = t->y[i];
		}
		r->feature_rho[j] = stats_spearman(a, b, n);
		r->feature_n[j] = n;
	}
	free(a), free(b);
}

int
learn_cv(const struct trainset *t, int k, const struct model_params *p, struct cv_result *r, struct hk_err *err)
{
	double *pred, *y;
	int *fold, rc = 0;

	*r = (struct cv_result){ .k = k };
	if (t->ng < k) {
		err_set(err, "%ld group%s (%s) for %d folds: each fold needs one", t->ng, t->ng == 1 ? "" : "s", t->group, k);
		return -1;
	}
	fold = fold_of_groups(t, k);
	pred = xmalloc(((size_t)t->n + 1) * sizeof(*pred));
	y = xmalloc(((size_t)t->n + 1) * sizeof(*y));
	r->fold = xcalloc((size_t)k, sizeof(*r->fold));
	for (int f = 0; f < k && rc == 0; f++)
		rc = cv_one(t, fold, f, p, pred, &r->fold[f], err);
	if (rc == 0) {
		for (long i = 0; i < t->n; i++)
			y[i] = t->y[i];
		r->n = t->n;
		r->spearman = stats_spearman(pred, y, t->n);
		r->mae = stats_mae(pred, y, t->n);
		feature_rhos(t, r);
	}
	free(fold), free(pred), free(y);
	if (rc == -1)
		cv_result_release(r);
	return rc;
}

void
cv_result_release(struct cv_result *r)
{
	free(r->fold);
	free(r->feature_rho);
	free(r->feature_n);
	*r = (struct cv_result){ 0 };
}

void
cv_result_text(const struct cv_result *r, const struct trainset *t, const struct model_params *p, struct sbuf *sb)
{
	sbuf_addf(sb, "learn cv: %ld records of %ld groups (%s), target %s, %d folds, %d members of %d rounds\n", t->n,
	    t->ng, t->group, t->target, r->k, p->members, p->rounds);
	sbuf_addf(sb, "%-6s %8s %7s %9s %9s\n", "fold", "records", "groups", "spearman", "mae");
	for (int f = 0; f < r->k; f++)
		sbuf_addf(sb, "%-6d %8ld %7ld %9.3f %9.3f\n", f + 1, r->fold[f].n, r->fold[f].ngroups, r->fold[f].spearman,
		    r->fold[f].mae);
	sbuf_addf(sb, "%-6s %8ld %7ld %9.3f %9.3f\n", "all", r->n, t->ng, r->spearman, r->mae);
	sbuf_addf(sb, "each feature alone (spearman where present):\n");
	for (int j = 0; j < t->feat.n; j++)
		sbuf_addf(sb, "  %-44s %8ld %9.3f\n", t->feat.name[j], r->feature_n[j], r->feature_rho[j]);
}

void
predictor_init(struct predictor *p, const struct model *m, const char *name, struct stream_out *out)
{
	*p = (struct predictor){ .m = m, .name = name, .out = out };
	p->rec = xmalloc(PREDICT_BATCH * sizeof(*p->rec));
	p->x = xmalloc((size_t)PREDICT_BATCH * (size_t)m->feat.n * sizeof(*p->x));
	p->value = xmalloc(PREDICT_BATCH * sizeof(*p->value));
	p->sd = xmalloc(PREDICT_BATCH * sizeof(*p->sd));
}

int
predictor_add(struct predictor *p, json_t *rec, struct hk_err *err)
{
	int present = features_row(&p->m->feat, rec, p->x + (size_t)p->n * (size_t)p->m->feat.n, err);

	if (present == -1)
		return -1;
	if (present == 0) {
		char *names = features_text(&p->m->feat);
		err_set(err, "none of the model's features (%.300s)", names);
		free(names);
		return -1;
	}
	p->rec[p->n++] = json_incref(rec);
	return p->n == PREDICT_BATCH ? predictor_flush(p, err) : 0;
}

int
predictor_flush(struct predictor *p, struct hk_err *err)
{
	int rc = model_predict(p->m, p->x, p->n, p->value, p->sd, err);

	for (long i = 0; i < p->n; i++) {
		if (rc == 0) {
			json_object_set_new(p->rec[i], "prediction",
			    json_pack("{s:o,s:o,s:s}", "value", jsonw_real(p->value[i]), "sd", jsonw_real(p->sd[i]),
				"model", p->name));
			rc = stream_out_write(p->out, p->rec[i], err);
		}
		json_decref(p->rec[i]);
	}
	p->n = 0;
	return rc;
}

void
predictor_release(struct predictor *p)
{
	for (long i = 0; i < p->n; i++)
		json_decref(p->rec[i]);
	free(p->rec), free(p->x), free(p->value), free(p->sd);
	*p = (struct predictor){ 0 };
}
