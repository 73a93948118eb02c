#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerd.h"
#include "xalloc.h"

#define CHUNK ((size_t)1 << 16)

void
linerd_init(struct linerd *r, linerd_pull pull, void *ctx, const char *name, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->pull = pull;
	r->ctx = ctx;
	r->name = name;
	r->max = max ? max : LINERD_DEFAULT_MAX;
	r->chunk = xmalloc(CHUNK);
}

void
linerd_release(struct linerd *r)
{
	free(r->chunk);
	sbuf_release(&r->line);
	r->chunk = NULL;
}

static int
refill(struct linerd *r, struct hk_err *err)
{
	ssize_t n;

	if (r->eof)
		return 0;
	n = r->pull(r->ctx, r->chunk, CHUNK);
	if (n < 0) {
		r->failed = 1;
		r->eof = 1;
		err_at(err, r->name, r->lineno + 1, "read error");
		return -1;
	}
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->pos = 0;
	r->end = (size_t)n;
	return 1;
}

int
linerd_next(struct linerd *r, const char **line, size_t *len, struct hk_err *err)
{
	int toolong = 0, any = 0, rc;

	sbuf_reset(&r->line);
	for (;;) {
		if (r->pos == r->end) {
			rc = refill(r, err);
			if (rc < 0)
				return -1;
			if (rc == 0)
				break;
		}
		char *start = r->chunk + r->pos;
		char *nl = memchr(start, '\n', r->end - r->pos);
		size_t take = nl ? (size_t)(nl - start) : r->end - r->pos;
		any = 1;
		if (!toolong && r->line.len + take > r->max)
			toolong = 1;
		if (!toolong)
			sbuf_add(&r->line, start, take);
		r->pos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	r->lineno++;
	if (toolong) {
		sbuf_reset(&r->line);
		err_at(err, r->name, r->lineno, "line longer than %zu bytes", r->max);
		return -1;
	}
	if (r->line.len > 0 && r->line.s[r->line.len - 1] == '\r')
		r->line.s[--r->line.len] = '\0';
	*line = r->line.s ? r->line.s : "";
	*len = r->line.len;
	return 1;
}

ssize_t
linerd_pull_file(void *ctx, void *buf, size_t n)
{
	FILE *f = ctx;
	size_t got = fread(buf, 1, n, f);

	if (got == 0 && ferror(f))
		return -1;
	return (ssize_t)got;
}
