#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	tally_release(&s->nulls);
	tally_release(&s->notes);
	tally_release(&s->bad);
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

static const char *
id_of(const json_t *rec)
{
	return json_string_value(json_object_get(rec, "id"));
}

/* n records lost as `what` ("bad line", ...) for the reason in e. */
static void
count_bad(struct stream *s, long n, const char *what, const struct hk_err *e, const char *id)
{
	s->nbad += n;
	for (long k = 0; k < n; k++)
		tally_add(&s->bad, what, e->msg, id);
	if (!s->keep_going)
		s->stopped = 1;
}

/* The fields rec's reasons object says were left null. */
static void
count_nulls(struct stream *s, const json_t *rec)
{
	const json_t *why = s->reasons ? rec_get_path(rec, s->reasons) : NULL;
	const char *field;
	json_t *v;

	if (json_is_object(why))
		json_object_foreach((json_t *)why, field, v)
			tally_add(&s->nulls, field, json_string_value(v), id_of(rec));
}

static int
write_one(struct stream *s, const json_t *rec)
{
	count_nulls(s, rec);
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
	if (it->status == STREAM_FATAL) {
		s->fatal = it->err;
		s->stopped = 1;
		return;
	}
	if (it->status == STREAM_BAD || (it->status == STREAM_NOTE && !s->quiet)) {
		err_where(&it->err, it->file, it->line[0]);
		report(s, &it->err);
	}
	if (it->status == STREAM_BAD)
		count_bad(s, it->n, "bad record", &it->err, id_of(it->rec[0]));
	if (it->status == STREAM_NOTE)
		tally_add(&s->notes, "with no output", it->err.msg, id_of(it->rec[0]));
	if (write_item(s, it) == 0 && s->progress)
		s->progress(s->hctx, s);
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

/* 1 when the program reads rec's stage, else 0 with e saying what it is. */
static int
stage_ok(const struct stream *s, const json_t *rec, struct hk_err *e)
{
	err_clear(e);
	if (stage_check(s->reads, rec, e) == 0)
		return 1;
	err_where(e, s->rd->name, rec_line(s->rd));
	return 0;
}

/* A record with a field of the wrong type (in e): bad, counted under the reason without the id. */
static void
bad_fields(struct stream *s, const json_t *rec, struct hk_err *e)
{
	const char *id = id_of(rec);

	count_bad(s, 1, "bad record", e, NULL);
	if (id && rec_id_valid(id))
		err_prefix(e, "record %s", id);
	err_where(e, s->rd->name, rec_line(s->rd));
	report(s, e);
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
		count_bad(s, 1, "unreadable file", &e, NULL);
		return s->stopped;
	}
	s->rd = rd;
	rec_set_limits(rd, s->lim);
	batch_init(&b, s);
	while (!s->stopped && (rc = rec_next(rd, &rec, &e)) != 0) {
		if (rc == 1 && stage_ok(s, rec, &e)) {
			s->nin++;
			if (field_check(rec, s->fields, &e) == 0) {
				batch_add(s, &b, rec, rec_line(rd), rd->name);
				continue;
			}
			/* what came before it is finished and reported first */
			batch_flush(s, &b);
			if (!s->stopped)
				bad_fields(s, rec, &e);
			json_decref(rec);
			continue;
		}
		/* a bad line, or the wrong table: finish what came before it, then report it */
		batch_flush(s, &b);
		if (rc == 1)
			json_decref(rec);
		if (!s->stopped) {
			report(s, &e);
			count_bad(s, 1, "bad line", &e, NULL);
			s->stopped |= rc == 1;
		}
		/* unreadable from here on (a truncated gzip stream): the next file may still be good */
		if (rec_failed(rd))
			break;
	}
	if (!s->stopped)
		batch_flush(s, &b);
	batch_release(&b);
	s->rd = NULL;
	rec_close(rd);
	return s->stopped;
}

/* The size of a regular file, else -1 (a pipe, a terminal, a file that is not there). */
static long long
input_size(const char *path)
{
	struct stat st;
	int rc = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(path, &st);

	return rc == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
}

double
stream_input_fraction(const struct stream *s)
{
	long long at = s->in_done;

	if (s->in_total <= 0)
		return -1;
	if (s->rd && s->rd->f) {
		/* the reader's position, less what it holds unread */
		off_t pos = ftello(s->rd->f);
		if (pos > 0)
			at += (long long)pos - (long long)(s->rd->lr.end - s->rd->lr.pos);
	}
	return at <= 0 ? 0 : at >= s->in_total ? 1 : (double)at / (double)s->in_total;
}

int
stream_run(struct stream *s, int n, char *const *files)
{
	s->in_total = 0;
	for (int i = 0; i < (n ? n : 1) && s->in_total >= 0; i++) {
		long long size = input_size(n ? files[i] : "-");
		s->in_total = size < 0 ? -1 : s->in_total + size;
	}
	for (int i = 0; i < (n ? n : 1) && !s->stopped; i++) {
		const char *path = n ? files[i] : "-";
		stream_file(s, path);
		if (s->in_total > 0)
			s->in_done += input_size(path);
	}
	if (s->summary && !s->stopped)
		s->summary(s->hctx, s);
	return stream_status(s);
}

int
stream_summary(const struct stream *s, struct sbuf *sb)
{
	sbuf_addf(sb, "%ld record%s", s->nin, s->nin == 1 ? "" : "s");
	if (s->nulls.ng) {
		sbuf_addstr(sb, "; ");
		tally_format(&s->nulls, " null in ", sb);
	}
	if (s->notes.ng) {
		sbuf_addf(sb, "; %ld with no output ", s->notes.g[0].n);
		tally_format_group(&s->notes.g[0], sb);
	}
	if (s->bad.ng) {
		sbuf_addstr(sb, "; skipped ");
		tally_format_counts(&s->bad, sb);
	}
	return s->nulls.ng || s->notes.ng || s->bad.ng;
}
