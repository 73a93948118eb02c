#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "rank.h"
#include "rec.h"
#include "sbuf.h"
#include "trainset.h"
#include "xalloc.h"

void
features_release(struct features *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->name[i]);
	free(f->name);
	f->name = NULL;
	f->n = 0;
}

static int
feature_known(const struct features *f, const char *name, size_t len)
{
	for (int i = 0; i < f->n; i++)
		if (strlen(f->name[i]) == len && memcmp(f->name[i], name, len) == 0)
			return 1;
	return 0;
}

int
features_parse(const char *list, struct features *f, struct hk_err *err)
{
	const char *p = list;

	*f = (struct features){ NULL, 0 };
	for (;;) {
		size_t len = strcspn(p, ",");
		if (len == 0 || strspn(p, " \t") == len) {
			err_set(err, "an empty feature name in '%.100s'", list);
			goto fail;
		}
		if (feature_known(f, p, len)) {
			err_set(err, "feature '%.*s' named twice", (int)(len > 100 ? 100 : len), p);
			goto fail;
		}
		if (f->n == FEATURES_MAX) {
			err_set(err, "more than %d features", FEATURES_MAX);
			goto fail;
		}
		f->name = xreallocarray(f->name, (size_t)f->n + 1, sizeof(*f->name));
		f->name[f->n++] = xstrndup(p, len);
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
fail:
	features_release(f);
	return -1;
}

char *
features_text(const struct features *f)
{
	struct sbuf sb = SBUF_INIT;

	for (int i = 0; i < f->n; i++) {
		if (i > 0)
			sbuf_addc(&sb, ',');
		sbuf_addstr(&sb, f->name[i]);
	}
	return sb.s ? sbuf_detach(&sb) : xstrdup("");
}

int
features_row(const struct features *f, const json_t *rec, float *row, struct hk_err *err)
{
	int present = 0;

	for (int i = 0; i < f->n; i++) {
		const json_t *v = rec_get_path(rec, f->name[i]);
		char what[64];

		row[i] = NAN;
		if (v == NULL || json_is_null(v))
			continue;
		if (json_is_boolean(v))
			row[i] = json_is_true(v) ? 1.0f : 0.0f;
		else if (json_is_number(v) && fabs(json_number_value(v)) <= FLT_MAX)
			row[i] = (float)json_number_value(v);
		else {
			err_set(err, "feature \"%s\" is %s, want a number", f->name[i], field_type(v, what, sizeof(what)));
			return -1;
		}
		present++;
	}
	return present;
}

int
trainset_init(struct trainset *t, const char *features, const char *target, const char *group,
    struct hk_err *err)
{
	*t = (struct trainset){ .gindex = STRSET_INIT };
	if (features_parse(features, &t->feat, err) == -1)
		return -1;
	t->target = xstrdup(target);
	t->group = xstrdup(group);
	return 0;
}

/* The index of rec's group, added when new. */
static long
group_of(struct trainset *t, const json_t *rec)
{
	const char *name = json_string_value(rec_get_path(rec, t->group));
	void **slot;

	if (name == NULL && (name = json_string_value(json_object_get(rec, "id"))) == NULL)
		name = "";
	slot = strset_ref(&t->gindex, name);
	if (*slot == NULL) {
		t->gname = xreallocarray(t->gname, (size_t)t->ng + 1, sizeof(*t->gname));
		t->gname[t->ng] = xstrdup(name);
		*slot = (void *)(intptr_t)++t->ng;
	}
	return (long)(intptr_t)*slot - 1;
}

int
trainset_add(struct trainset *t, const json_t *rec, struct hk_err *err)
{
	const json_t *v = rec_get_path(rec, t->target);
	size_t nf = (size_t)t->feat.n;

	if (rank_suspect(rec)) {
		t->suspect++;
		return 0;
	}
	if (v == NULL || json_is_null(v)) {
		t->no_target++;
		return 0;
	}
	if (!json_is_number(v) || fabs(json_number_value(v)) > FLT_MAX) {
		t->bad_target++;
		return 0;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->x = xreallocarray(t->x, (size_t)t->cap * nf, sizeof(*t->x));
		t->y = xreallocarray(t->y, (size_t)t->cap, sizeof(*t->y));
		t->g = xreallocarray(t->g, (size_t)t->cap, sizeof(*t->g));
	}
	if (features_row(&t->feat, rec, t->x + (size_t)t->n * nf, err) == -1)
		return -1;
	t->y[t->n] = (float)json_number_value(v);
	t->g[t->n] = group_of(t, rec);
	t->n++;
	return 1;
}

int
trainset_usable(const struct trainset *t, struct hk_err *err)
{
	if (t->n == 0) {
		err_set(err, "no record has a number as %s: nothing to learn", t->target);
		return -1;
	}
	for (long i = 1; i < t->n; i++)
		if (t->y[i] != t->y[0])
			return 0;
	err_set(err, "all %ld record%s have %s = %g: nothing to learn", t->n, t->n == 1 ? "" : "s", t->target,
	    (double)t->y[0]);
	return -1;
}

void
trainset_release(struct trainset *t)
{
	features_release(&t->feat);
	for (long i = 0; i < t->ng; i++)
		free(t->gname[i]);
	free(t->gname);
	strset_release(&t->gindex);
	free(t->x);
	free(t->y);
	free(t->g);
	free(t->target);
	free(t->group);
	*t = (struct trainset){ .gindex = STRSET_INIT };
}
