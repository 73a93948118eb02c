#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "jsonw.h"
#include "pmap.h"
#include "rec.h"
#include "stream.h"
#include "xalloc.h"

void
stream_out_init(struct stream_out *o, FILE *f, const char *const *cols, int ncols)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->cols = cols;
	o->ncols = ncols;
}

int
stream_out_write(struct stream_out *o, const json_t *rec, struct hk_err *err)
{
	if (o->cols == NULL) {
		if (jsonw_line(o->f, rec, &o->line, err) == -1)
			return -1;
	} else {
		sbuf_reset(&o->line);
		if (o->n == 0)
			csv_header(&o->line, o->cols, o->ncols);
		csv_record(&o->line, rec, o->cols, o->ncols);
		if (fwrite(o->line.s, 1, o->line.len, o->f) != o->line.len) {
			err_set(err, "write error");
			return -1;
		}
	}
	o->n++;
	return 0;
}

void
stream_out_release(struct stream_out *o)
{
	sbuf_release(&o->line);
}

void
stream_init(struct stream *s, FILE *out)
{
	memset(s, 0, sizeof(*s));
	s->jobs = 1;
	stream_out_init(&s->out, out, NULL, 0);
}

void
stream_release(struct stream *s)
{
	stream_out_release(&s->out);
}

int
stream_status(const struct stream *s)
{
	if (s->fatal.msg[0])
		return -1;
	return s->stopped ? 2 : s->nbad ? 1 : 0;
}

/* The items of one batch; items[n] may hold a group still being read. */
struct batch {
	struct stream_item *it;
	void **ptr;
	int n, cap, open;
};

static void
batch_init(struct batch *b, const struct stream *s)
{
	b->cap = s->batch > 0 ? s->batch : s->jobs > 1 ? 32 * s->jobs : 1;
	b->it = xcalloc((size_t)b->cap, sizeof(*b->it));
	b->ptr = xmalloc((size_t)b->cap * sizeof(*b->ptr));
	for (int k = 0; k < b->cap; k++)
		b->ptr[k] = &b->it[k];
	b->n = b->open = 0;
}

static void
item_clear(struct stream_item *it)
{
	for (int i = 0; i < it->n; i++)
		json_decref(it->rec[i]);
	json_decref(it->out);
	it->out = NULL;
	it->n = it->status = it->flags = 0;
	err_clear(&it->err);
}

static void
batch_release(struct batch *b)
{
	for (int k = 0; k < b->cap; k++) {
		item_clear(&b->it[k]);
		free(b->it[k].rec);
		free(b->it[k].line);
	}
	free(b->it);
	free(b->ptr);
}

static void
item_add(struct stream_item *it, json_t *rec, long line)
{
	if (it->n == it->cap) {
		it->cap = it->cap ? 2 * it->cap : 1;
		it->rec = xreallocarray(it->rec, (size_t)it->cap, sizeof(*it->rec));
		it->line = xreallocarray(it->line, (size_t)it->cap, sizeof(*it->line));
	}
	it->rec[it->n] = rec;
	it->line[it->n++] = line;
}

static void
report(const struct stream *s, const struct hk_err *e)
{
	if (s->report)
		s->report(s->hctx, e);
}

static void
count_bad(struct stream *s, long n)
{
	s->nbad += n;
	if (!s->keep_going)
		s->stopped = 1;
}

static int
write_one(struct stream *s, const json_t *rec)
{
	if (stream_out_write(&s->out, rec, &s->fatal) == 0)
		return 0;
	s->stopped = 1;
	return -1;
}

/* Write what an item holds for output (nothing for a failed one); -1 on a write error. */
static int
write_item(struct stream *s, const struct stream_item *it)
{
	if (it->status == STREAM_BAD)
		return 0;
	if (json_is_array(it->out)) {
		for (size_t i = 0; i < json_array_size(it->out); i++)
			if (write_one(s, json_array_get(it->out, i)) == -1)
				return -1;
	} else if (it->out && write_one(s, it->out) == -1) {
		return -1;
	}
	for (int i = 0; s->write_input && it->status == STREAM_OK && i < it->n; i++)
		if (write_one(s, it->rec[i]) == -1)
			return -1;
	return 0;
}

/* The in-order half of an item: take, report, write. */
static void
finish(struct stream *s, struct stream_item *it)
{
	if (it->status == STREAM_OK && s->take)
		it->status = s->take(s->ctx, it);
	if (it->status == STREAM_BAD || (it->status == STREAM_NOTE && !s->quiet)) {
		err_where(&it->err, it->file, it->line[0]);
		report(s, &it->err);
	}
	if (it->status == STREAM_BAD)
		count_bad(s, it->n);
	if (write_item(s, it) == 0 && s->progress)
		s->progress(s->hctx, s->out.n);
}

static void
work_one(const void *ctx, void *p)
{
	const struct stream *s = ctx;

	s->work(s->ctx, p);
}

/* Close an open group, work the batch, finish its items in order until the run stops. */
static void
batch_flush(struct stream *s, struct batch *b)
{
	if (b->open) {
		b->n++;
		b->open = 0;
	}
	if (s->work && !s->stopped)
		pmap_run(b->ptr, b->n, s->jobs, work_one, s);
	for (int k = 0; k < b->n; k++) {
		if (!s->stopped)
			finish(s, &b->it[k]);
		item_clear(&b->it[k]);
	}
	b->n = 0;
}

static const char *
group_key(const struct stream *s, const json_t *rec)
{
	const json_t *v = json_object_get(rec, s->group_by);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* Add a record to the batch: to the open group, or as a new item. */
static void
batch_add(struct stream *s, struct batch *b, json_t *rec, long line, const char *name)
{
	if (b->open && strcmp(group_key(s, b->it[b->n].rec[0]), group_key(s, rec)) != 0) {
		b->n++;
		b->open = 0;
	}
	if (b->n == b->cap)
		batch_flush(s, b);
	b->it[b->n].file = name;
	item_add(&b->it[b->n], rec, line);
	if (s->group_by)
		b->open = 1;
	else
		b->n++;
	if (b->n == b->cap)
		batch_flush(s, b);
}

int
stream_file(struct stream *s, const char *path)
{
	struct hk_err e = HK_ERR_INIT;
	struct rec_reader *rd = rec_open(path, &e);
	struct batch b;
	json_t *rec;
	int rc;

	if (rd == NULL) {
		report(s, &e);
		count_bad(s, 1);
		return s->stopped;
	}
	batch_init(&b, s);
	while (!s->stopped && (rc = rec_next(rd, &rec, &e)) != 0) {
		if (rc == 1) {
			batch_add(s, &b, rec, rec_line(rd), rd->name);
			continue;
		}
		/* a bad line: finish what came before it, then report it */
		batch_flush(s, &b);
		if (!s->stopped) {
			report(s, &e);
			count_bad(s, 1);
			s->stopped |= rec_failed(rd);
		}
	}
	if (!s->stopped)
		batch_flush(s, &b);
	batch_release(&b);
	rec_close(rd);
	return s->stopped;
}

int
stream_run(struct stream *s, int n, char *const *files)
{
	for (int i = 0; i < (n ? n : 1) && !s->stopped; i++)
		stream_file(s, n ? files[i] : "-");
	return stream_status(s);
}
