#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "rank.h"
#include "rec.h"
#include "xalloc.h"

int
rank_spec_parse(const char *text, struct rank_spec *s, struct hk_err *err)
{
	const char *p = text;

	memset(s, 0, sizeof(*s));
	while (*p) {
		size_t n = strcspn(p, ",");
		int desc = 0;
		const char *name = p;
		if (n > 0 && *name == '-') {
			desc = 1;
			name++;
		}
		size_t m = n - (size_t)desc;
		if (m == 0 || name[0] == '.' || name[m - 1] == '.') {
			err_set(err, "bad sort key '%.*s'", (int)n, p);
			rank_spec_release(s);
			return -1;
		}
		for (size_t i = 0; i < m; i++)
			if (!(isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '.')) {
				err_set(err, "bad sort key '%.*s'", (int)n, p);
				rank_spec_release(s);
				return -1;
			}
		s->key = xreallocarray(s->key, (size_t)s->n + 1, sizeof(*s->key));
		s->key[s->n].path = xstrndup(name, m);
		s->key[s->n].desc = desc;
		s->n++;
		p += n + (p[n] == ',');
	}
	if (s->n == 0) {
		err_set(err, "no sort keys");
		return -1;
	}
	return 0;
}

void
rank_spec_release(struct rank_spec *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->key[i].path);
	free(s->key);
	memset(s, 0, sizeof(*s));
}

void
rank_item_init(struct rank_item *it, const struct rank_spec *s, const json_t *rec, long seq)
{
	const json_t *id = json_object_get(rec, "id");

	memset(it, 0, sizeof(*it));
	it->v = xcalloc((size_t)s->n, sizeof(*it->v));
	for (int k = 0; k < s->n; k++) {
		const json_t *j = rec_get_path(rec, s->key[k].path);
		it->v[k].t = RV_NULL;
		if (json_is_number(j)) {
			it->v[k].t = RV_NUM;
			it->v[k].num = json_number_value(j);
		} else if (json_is_string(j)) {
			it->v[k].t = RV_STR;
			it->v[k].str = xstrdup(json_string_value(j));
		} else if (json_is_boolean(j)) {
			it->v[k].t = RV_NUM;
			it->v[k].num = json_is_true(j);
		}
	}
	it->id = xstrdup(json_is_string(id) ? json_string_value(id) : "");
	it->seq = seq;
}

void
rank_item_release(struct rank_item *it, const struct rank_spec *s)
{
	if (it->v)
		for (int k = 0; k < s->n; k++)
			free(it->v[k].str);
	free(it->v);
	free(it->id);
	if (it->rec)
		json_decref(it->rec);
	memset(it, 0, sizeof(*it));
}

int
rank_item_cmp(const struct rank_spec *s, const struct rank_item *a, const struct rank_item *b)
{
	for (int k = 0; k < s->n; k++) {
		const struct rank_val *x = &a->v[k], *y = &b->v[k];
		int c;
		if (x->t != y->t) {
			/* nulls last, numbers before strings, whatever the direction */
			return x->t < y->t ? -1 : 1;
		}
		if (x->t == RV_NULL)
			continue;
		if (x->t == RV_NUM)
			c = x->num < y->num ? -1 : x->num > y->num ? 1 : 0;
		else
			c = strcmp(x->str, y->str);
		if (c)
			return s->key[k].desc ? -c : c;
	}
	int c = strcmp(a->id, b->id);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
rank_heap_init(struct rank_heap *h, const struct rank_spec *s, int cap)
{
	h->spec = s;
	h->n = 0;
	h->cap = cap;
	h->it = xcalloc((size_t)cap + 1, sizeof(*h->it));
}

static void
swap(struct rank_item *a, struct rank_item *b)
{
	struct rank_item t = *a;

	*a = *b;
	*b = t;
}

/* max-heap on the comparator: the worst item is at the top */
static void
sift_up(struct rank_heap *h, int i)
{
	while (i > 0) {
		int p = (i - 1) / 2;
		if (rank_item_cmp(h->spec, &h->it[i], &h->it[p]) <= 0)
			break;
		swap(&h->it[i], &h->it[p]);
		i = p;
	}
}

static void
sift_down(struct rank_heap *h, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && rank_item_cmp(h->spec, &h->it[l], &h->it[m]) > 0)
			m = l;
		if (r < h->n && rank_item_cmp(h->spec, &h->it[r], &h->it[m]) > 0)
			m = r;
		if (m == i)
			return;
		swap(&h->it[i], &h->it[m]);
		i = m;
	}
}

void
rank_heap_offer(struct rank_heap *h, struct rank_item *it)
{
	if (h->cap <= 0) {
		rank_item_release(it, h->spec);
		return;
	}
	if (h->n < h->cap) {
		h->it[h->n] = *it;
		sift_up(h, h->n++);
	} else if (rank_item_cmp(h->spec, it, &h->it[0]) < 0) {
		rank_item_release(&h->it[0], h->spec);
		h->it[0] = *it;
		sift_down(h, 0);
	} else {
		rank_item_release(it, h->spec);
	}
	memset(it, 0, sizeof(*it));
}

static int
cmp_items(const void *a, const void *b, void *spec)
{
	return rank_item_cmp(spec, a, b);
}

void
rank_sort(const struct rank_spec *s, struct rank_item *it, long n)
{
	if (n > 1)
		qsort_r(it, (size_t)n, sizeof(*it), cmp_items, (void *)s);
}

void
rank_heap_sort(struct rank_heap *h)
{
	rank_sort(h->spec, h->it, h->n);
}

void
rank_heap_release(struct rank_heap *h)
{
	for (int i = 0; i < h->n; i++)
		rank_item_release(&h->it[i], h->spec);
	free(h->it);
	memset(h, 0, sizeof(*h));
}

int
ranker_init(struct ranker *r, const struct rank_spec *spec, long limit, struct hk_err *err)
{
	memset(r, 0, sizeof(*r));
	r->spec = spec;
	r->limit = limit;
	if (limit >= 0) {
		rank_heap_init(&r->heap, spec, (int)limit);
		return 0;
	}
	if ((r->spool = tmpfile()) == NULL) {
		err_set(err, "cannot create a spool file");
		return -1;
	}
	return 0;
}

/* No limit: the text goes to the spool, the item keeps its keys. */
static int
spool_item(struct ranker *r, struct rank_item *it, const json_t *rec, struct hk_err *err)
{
	sbuf_reset(&r->buf);
	if (jsonw_value(&r->buf, rec, err) == -1)
		return -1;
	it->off = ftello(r->spool);
	it->len = r->buf.len;
	if (fwrite(r->buf.s, 1, r->buf.len, r->spool) != r->buf.len) {
		err_set(err, "cannot write the spool file");
		return -1;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->items = xreallocarray(r->items, (size_t)r->cap, sizeof(*r->items));
	}
	r->items[r->n++] = *it;
	return 0;
}

int
ranker_add(struct ranker *r, json_t *rec, struct hk_err *err)
{
	struct rank_item it;

	rank_item_init(&it, r->spec, rec, r->seq++);
	if (r->limit >= 0) {
		it.rec = json_incref(rec);
		rank_heap_offer(&r->heap, &it);
		return 0;
	}
	if (spool_item(r, &it, rec, err) == -1) {
		rank_item_release(&it, r->spec);
		return -1;
	}
	return 0;
}

json_t *
rank_annotate(const json_t *rec, long rank)
{
	json_t *out = json_object();
	const char *key;
	json_t *val;

	json_object_set(out, "id", json_object_get(rec, "id"));
	json_object_set_new(out, "rank", json_integer(rank));
	json_object_foreach((json_t *)rec, key, val)
		if (strcmp(key, "id") != 0 && strcmp(key, "rank") != 0)
			json_object_set(out, key, val);
	return out;
}

static int
emit_one(const json_t *rec, long rank, int (*fn)(void *, const json_t *), void *ctx)
{
	json_t *out = rank_annotate(rec, rank);
	int rc = fn(ctx, out);

	json_decref(out);
	return rc;
}

/* Read an item's record back from the spool; a new reference or NULL. */
static json_t *
unspool(struct ranker *r, const struct rank_item *it, long k, struct hk_err *err)
{
	sbuf_reset(&r->buf);
	sbuf_grow(&r->buf, it->len + 1);
	if (fseeko(r->spool, it->off, SEEK_SET) != 0 || fread(r->buf.s, 1, it->len, r->spool) != it->len) {
		err_set(err, "cannot read the spool file");
		return NULL;
	}
	return rec_parse(r->buf.s, it->len, "spool", k, err);
}

int
ranker_emit(struct ranker *r, int (*fn)(void *, const json_t *), void *ctx, struct hk_err *err)
{
	if (r->limit >= 0) {
		rank_heap_sort(&r->heap);
		for (int k = 0; k < r->heap.n; k++)
			if (emit_one(r->heap.it[k].rec, k + 1, fn, ctx) == -1)
				return -1;
		return 0;
	}
	rank_sort(r->spec, r->items, r->n);
	for (long k = 0; k < r->n; k++) {
		json_t *rec = unspool(r, &r->items[k], k + 1, err);
		int rc = rec ? emit_one(rec, k + 1, fn, ctx) : -1;
		json_decref(rec);
		if (rc == -1)
			return -1;
	}
	return 0;
}

void
ranker_release(struct ranker *r)
{
	if (r->limit >= 0)
		rank_heap_release(&r->heap);
	if (r->spool)
		fclose(r->spool);
	for (long k = 0; k < r->n; k++)
		rank_item_release(&r->items[k], r->spec);
	free(r->items);
	sbuf_release(&r->buf);
}

char **
rank_fields(const struct rank_spec *s, const char *list, int with_score, int *n)
{
	char **f = xcalloc((size_t)s->n + 4 + (list ? strlen(list) : 0), sizeof(char *));

	*n = 0;
	if (list) {
		for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ','))
			f[(*n)++] = xstrndup(p, strcspn(p, ","));
		return f;
	}
	f[(*n)++] = xstrdup("rank");
	f[(*n)++] = xstrdup("id");
	for (int k = 0; k < s->n; k++)
		f[(*n)++] = xstrdup(s->key[k].path);
	if (with_score && strcmp(f[*n - 1], "score") != 0)
		f[(*n)++] = xstrdup("score");
	return f;
}

void
rank_fields_free(char **fields)
{
	for (char **p = fields; p && *p; p++)
		free(*p);
	free(fields);
}

int
rank_suspect(const json_t *rec)
{
	const json_t *s = json_object_get(rec, "suspect");

	if (json_is_array(s))
		return json_array_size(s) > 0;
	if (json_is_string(s))
		return json_string_length(s) > 0;
	return json_is_true(s);
}

int
rank_filter_pass(struct rank_filter *f, json_t *rec, const char *id, struct hk_err *err)
{
	double score;
	int m;

	if (strset_has(&f->exclude, id))
		return 0;
	if (f->scores.n)
		json_object_set_new(rec, "score", scores_get(&f->scores, id, &score) ? jsonw_real(score) : json_null());
	if (f->where && (m = expr_match(f->where, rec, f->strict, err)) != 1) {
		if (m == 0)
			return 0;
		err_prefix(err, "--where");
		return -1;
	}
	if (!f->keep_suspect && rank_suspect(rec)) {
		f->suspect++;
		return 0;
	}
	return 1;
}

void
rank_filter_release(struct rank_filter *f)
{
	strset_release(&f->exclude);
	scores_release(&f->scores);
	expr_free(f->where);
	f->where = NULL;
}
