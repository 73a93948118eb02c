#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <xgboost/c_api.h>

#include "field.h"
#include "fileio.h"
#include "jsonw.h"
#include "model.h"
#include "sbuf.h"
#include "xalloc.h"

#ifndef HOPKIT_VERSION
#define HOPKIT_VERSION "unknown"
#endif

/* "xgboost X.Y.Z", the library linked in, into buf. */
static void
library_text(char *buf, size_t n)
{
	int a, b, c;

	XGBoostVersion(&a, &b, &c);
	snprintf(buf, n, "xgboost %d.%d.%d", a, b, c);
}

/* -1 with XGBoost's last error in err, after what. */
static int
xgb_fail(struct hk_err *err, const char *what)
{
	err_set(err, "%s: %s", what, XGBGetLastError());
	return -1;
}

/* splitmix64: a seedable, well-mixed stream, the same on every machine */
static uint64_t
next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The distinct groups of the rows into seen (t->ng of room); how many. */
static long
groups_of_rows(const struct trainset *t, const long *rows, long n, long *seen)
{
	char *in = xcalloc((size_t)t->ng + 1, 1);
	long ng = 0;

	for (long i = 0; i < n; i++) {
		long g = t->g[rows ? rows[i] : i];
		if (!in[g])
			in[g] = 1, seen[ng++] = g;
	}
	free(in);
	return ng;
}

/* How often each of t's groups is drawn when the groups of the rows are drawn again, as many times as there are. */
static long *
bootstrap_counts(const struct trainset *t, const long *rows, long n, uint64_t seed)
{
	long *count = xcalloc((size_t)t->ng + 1, sizeof(*count)), *seen = xmalloc(((size_t)t->ng + 1) * sizeof(*seen));
	long ng = groups_of_rows(t, rows, n, seen);

	for (long k = 0; k < ng; k++)
		count[seen[next_random(&seed) % (uint64_t)ng]]++;
	free(seen);
	return count;
}

static int
set_params(BoosterHandle b, const struct model_params *p, uint64_t seed, struct hk_err *err)
{
	char depth[24], eta[32], col[32], mcw[32], s[24], nt[24];
	const char *kv[][2] = {
		{ "objective", "reg:squarederror" }, { "tree_method", "hist" }, { "verbosity", "0" },
		{ "max_depth", depth }, { "eta", eta }, { "colsample_bytree", col },
		{ "min_child_weight", mcw }, { "seed", s }, { "nthread", nt },
	};

	snprintf(depth, sizeof(depth), "%d", p->depth);
	snprintf(eta, sizeof(eta), "%.17g", p->eta);
	snprintf(col, sizeof(col), "%.17g", p->colsample);
	snprintf(mcw, sizeof(mcw), "%.17g", p->min_child_weight);
	snprintf(s, sizeof(s), "%d", (int)(seed & 0x7fffffff));
	snprintf(nt, sizeof(nt), "%d", p->threads);
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		if (strcmp(kv[i][0], "nthread") == 0 && p->threads <= 0)
			continue;
		if (XGBoosterSetParam(b, kv[i][0], kv[i][1]) != 0)
			return xgb_fail(err, kv[i][0]);
	}
	return 0;
}

/* One member: a booster trained on the rows drawn (each weighted by its draws). */
static int
fit_member(const struct trainset *t, const long *rows, long n, const struct model_params *p, uint64_t seed,
    BoosterHandle *out, struct hk_err *err)
{
	size_t nf = (size_t)t->feat.n;
	long *count = bootstrap_counts(t, rows, n, seed), m = 0;
	float *x = xmalloc((size_t)n * nf * sizeof(*x) + 1), *y = xmalloc((size_t)n * sizeof(*y) + 1);
	float *w = xmalloc((size_t)n * sizeof(*w) + 1);
	DMatrixHandle d = NULL;
	BoosterHandle b = NULL;
	int rc = -1;

	for (long i = 0; i < n; i++) {
		long r = rows ? rows[i] : i;
		if (count[t->g[r]] == 0)
			continue;
		memcpy(x + (size_t)m * nf, t->x + (size_t)r * nf, nf * sizeof(*x));
		y[m] = t->y[r];
		w[m++] = (float)count[t->g[r]];
	}
	if (XGDMatrixCreateFromMat(x, (bst_ulong)m, (bst_ulong)nf, NAN, &d) != 0)
		xgb_fail(err, "training matrix");
	else if (XGDMatrixSetFloatInfo(d, "label", y, (bst_ulong)m) != 0 ||
	    XGDMatrixSetFloatInfo(d, "weight", w, (bst_ulong)m) != 0)
		xgb_fail(err, "training labels");
	else if (XGBoosterCreate(&d, 1, &b) != 0)
		xgb_fail(err, "booster");
	else if (set_params(b, p, seed, err) == 0) {
		rc = 0;
		for (int r = 0; r < p->rounds && rc == 0; r++)
			if (XGBoosterUpdateOneIter(b, r, d) != 0)
				rc = xgb_fail(err, "boosting");
	}
	if (rc == -1 && b)
		XGBoosterFree(b);
	else
		*out = b;
	if (d)
		XGDMatrixFree(d);
	free(count), free(x), free(y), free(w);
	return rc;
}

static void
model_init(struct model *m, const struct features *f, const char *target, const char *group,
    const struct model_params *p)
{
	*m = (struct model){ .p = *p };
	m->feat.name = xreallocarray(NULL, (size_t)f->n, sizeof(*m->feat.name));
	for (int i = 0; i < f->n; i++)
		m->feat.name[i] = xstrdup(f->name[i]);
	m->feat.n = f->n;
	m->target = xstrdup(target);
	m->group = xstrdup(group);
	m->booster = xcalloc((size_t)p->members, sizeof(*m->booster));
}

int
model_fit(struct model *m, const struct trainset *t, const long *rows, long n, const struct model_params *p,
    struct hk_err *err)
{
	long *seen = xmalloc(((size_t)t->ng + 1) * sizeof(*seen));

	model_init(m, &t->feat, t->target, t->group, p);
	m->n_train = n;
	m->n_groups = groups_of_rows(t, rows, n, seen);
	free(seen);
	for (int k = 0; k < p->members; k++)
		if (fit_member(t, rows, n, p, p->seed * 1000003u + (unsigned)k, &m->booster[k], err) == -1) {
			model_release(m);
			return -1;
		}
	return 0;
}

int
model_predict(const struct model *m, const float *x, long n, double *value, double *sd, struct hk_err *err)
{
	DMatrixHandle d;
	int rc = 0;

	if (n == 0)
		return 0;
	if (XGDMatrixCreateFromMat(x, (bst_ulong)n, (bst_ulong)m->feat.n, NAN, &d) != 0)
		return xgb_fail(err, "prediction matrix");
	for (long i = 0; i < n; i++)
		value[i] = sd[i] = 0;
	/* Welford's running mean and sum of squares over the members */
	for (int k = 0; k < m->p.members && rc == 0; k++) {
		const float *out;
		bst_ulong len;

		if (XGBoosterPredict(m->booster[k], d, 0, 0, 0, &len, &out) != 0 || len != (bst_ulong)n) {
			rc = xgb_fail(err, "prediction");
			break;
		}
		for (long i = 0; i < n; i++) {
			double delta = out[i] - value[i];
			value[i] += delta / (k + 1);
			sd[i] += delta * (out[i] - value[i]);
		}
	}
	for (long i = 0; i < n && rc == 0; i++)
		sd[i] = sqrt(sd[i] / (m->p.members - 1));
	XGDMatrixFree(d);
	return rc;
}

static json_t *
params_json(const struct model_params *p)
{
	return json_pack("{s:i,s:i,s:i,s:f,s:f,s:f,s:I}", "members", p->members, "rounds", p->rounds, "depth",
	    p->depth, "eta", p->eta, "colsample", p->colsample, "min_child_weight", p->min_child_weight, "seed",
	    (json_int_t)p->seed);
}

/*
 * A member as XGBoost writes it, kept as text: parsed and written again,
 * 1.0 would come back as the integer 1, which XGBoost refuses.
 */
static json_t *
member_json(BoosterHandle b, struct hk_err *err)
{
	const char *text;
	bst_ulong len;

	if (XGBoosterSaveModelToBuffer(b, "{\"format\": \"json\"}", &len, &text) != 0) {
		xgb_fail(err, "saving a member");
		return NULL;
	}
	return json_stringn(text, (size_t)len);
}

int
model_save(const struct model *m, const char *path, struct hk_err *err)
{
	json_t *f = json_array(), *members = json_array(), *doc;
	struct sbuf sb = SBUF_INIT;
	char library[48];
	int rc = 0;

	library_text(library, sizeof(library));
	for (int i = 0; i < m->feat.n; i++)
		json_array_append_new(f, json_string(m->feat.name[i]));
	for (int k = 0; k < m->p.members && rc == 0; k++) {
		json_t *v = member_json(m->booster[k], err);
		rc = v ? json_array_append_new(members, v) : -1;
	}
	doc = json_pack("{s:i,s:s,s:s,s:s,s:o,s:s,s:I,s:I,s:o,s:o}", "hopkit_model", 1, "version", HOPKIT_VERSION,
	    "library", library, "target", m->target, "features", f, "group", m->group, "n_train",
	    (json_int_t)m->n_train, "n_groups", (json_int_t)m->n_groups, "params", params_json(&m->p), "members",
	    members);
	if (rc == 0 && (rc = jsonw_value(&sb, doc, err)) == 0) {
		sbuf_addc(&sb, '\n');
		rc = file_write_atomic(path, sb.s, sb.len, err);
	}
	json_decref(doc);
	sbuf_release(&sb);
	return rc;
}

/* The "params" object's fields into p; -1 with err naming the first that is wrong. */
static int
params_read(const json_t *o, struct model_params *p, struct hk_err *err)
{
	json_int_t seed = 0;
	json_error_t je;

	if (json_unpack_ex((json_t *)o, &je, 0, "{s:i,s:i,s:i,s:F,s:F,s:F,s:I}", "members", &p->members, "rounds",
	    &p->rounds, "depth", &p->depth, "eta", &p->eta, "colsample", &p->colsample, "min_child_weight",
	    &p->min_child_weight, "seed", &seed) != 0) {
		err_set(err, "\"params\": %s", je.text);
		return -1;
	}
	if (p->members < 2 || p->members > MODEL_MAX_MEMBERS) {
		err_set(err, "\"params\": %d members (want 2 to %d)", p->members, MODEL_MAX_MEMBERS);
		return -1;
	}
	p->seed = (unsigned long)seed;
	return 0;
}

/* The metadata of doc into m (features, target, group, sizes, params). */
static int
meta_read(struct model *m, const json_t *doc, struct hk_err *err)
{
	const json_t *f = json_object_get(doc, "features"), *v;
	const char *target, *group;
	json_int_t ntrain, ngroups;
	json_error_t je;
	size_t i;

	if (json_integer_value(json_object_get(doc, "hopkit_model")) != 1) {
		err_set(err, "not a hopkit model (no \"hopkit_model\": 1)");
		return -1;
	}
	if (json_unpack_ex((json_t *)doc, &je, 0, "{s:s,s:s,s:I,s:I}", "target", &target, "group", &group, "n_train",
	    &ntrain, "n_groups", &ngroups) != 0) {
		err_set(err, "%s", je.text);
		return -1;
	}
	if (!json_is_array(f) || json_array_size(f) == 0 || json_array_size(f) > FEATURES_MAX) {
		err_set(err, "\"features\" is not an array of 1 to %d names", FEATURES_MAX);
		return -1;
	}
	m->feat.name = xcalloc(json_array_size(f), sizeof(*m->feat.name));
	json_array_foreach (f, i, v) {
		if (!json_is_string(v)) {
			err_set(err, "\"features\" %zu is not a name", i);
			return -1;
		}
		m->feat.name[m->feat.n++] = xstrdup(json_string_value(v));
	}
	m->target = xstrdup(target);
	m->group = xstrdup(group);
	m->n_train = (long)ntrain;
	m->n_groups = (long)ngroups;
	return params_read(json_object_get(doc, "params"), &m->p, err);
}

static int
members_read(struct model *m, const json_t *a, struct hk_err *err)
{
	if (!json_is_array(a) || json_array_size(a) != (size_t)m->p.members) {
		err_set(err, "\"members\" is not an array of the %d members \"params\" names", m->p.members);
		return -1;
	}
	m->booster = xcalloc((size_t)m->p.members, sizeof(*m->booster));
	for (int k = 0; k < m->p.members; k++) {
		const json_t *v = json_array_get(a, (size_t)k);
		char what[32];

		if (!json_is_string(v)) {
			err_set(err, "member %d is %s, want XGBoost's model as text", k, field_type(v, what, sizeof(what)));
			return -1;
		}
		if (XGBoosterCreate(NULL, 0, &m->booster[k]) != 0)
			return xgb_fail(err, "booster");
		if (XGBoosterLoadModelFromBuffer(m->booster[k], json_string_value(v), json_string_length(v)) != 0) {
			err_set(err, "member %d: %.300s", k, XGBGetLastError());
			return -1;
		}
	}
	return 0;
}

int
model_load(struct model *m, const char *path, struct hk_err *err)
{
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	int rc = -1;

	*m = (struct model){ .p = MODEL_PARAMS_INIT };
	if (doc == NULL)
		err_at(err, path, je.line > 0 ? je.line : 0, "%s", je.text);
	else if (!json_is_object(doc))
		err_at(err, path, 0, "not a hopkit model (not a JSON object)");
	else if (meta_read(m, doc, err) == -1 || members_read(m, json_object_get(doc, "members"), err) == -1)
		err_prefix(err, "%s", path);
	else
		rc = 0;
	json_decref(doc);
	if (rc == -1)
		model_release(m);
	return rc;
}

void
model_release(struct model *m)
{
	for (int k = 0; m->booster && k < m->p.members; k++)
		if (m->booster[k])
			XGBoosterFree(m->booster[k]);
	free(m->booster);
	features_release(&m->feat);
	free(m->target);
	free(m->group);
	*m = (struct model){ .p = MODEL_PARAMS_INIT };
}

int
model_threads(struct model *m, int n, struct hk_err *err)
{
	char text[24];

	m->p.threads = n;
	snprintf(text, sizeof(text), "%d", n);
	for (int k = 0; k < m->p.members; k++)
		if (XGBoosterSetParam(m->booster[k], "nthread", text) != 0)
			return xgb_fail(err, "nthread");
	return 0;
}
