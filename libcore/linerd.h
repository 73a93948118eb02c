/*
 * linerd.h - read lines of bounded length from any byte source.
 *
 * The source is a pull function (fread, archive_read_data, ...).  A line
 * longer than the limit is skipped to its end without being held in
 * memory, and reported as an error on that line; reading then goes on, so
 * memory stays bounded whatever the input.
 */
#ifndef HK_LINERD_H
#define HK_LINERD_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "hklimits.h"
#include "sbuf.h"

/* Fill buf with up to n bytes; return the count, 0 at end, -1 on error. */
typedef ssize_t (*linerd_pull)(void *ctx, void *buf, size_t n);

struct linerd {
	linerd_pull pull;
	void *ctx;
	const char *name;	/* for messages; not owned */
	char *chunk;
	size_t pos, end;
	struct sbuf line;
	size_t max;		/* longest line accepted, in bytes */
	long lineno;		/* number of the line last returned */
	int eof;
	int failed;		/* a read error happened: nothing more comes */
};

#define LINERD_DEFAULT_MAX ((size_t)HK_MAX_LINE)

void linerd_init(struct linerd *r, linerd_pull pull, void *ctx, const char *name, size_t max);
void linerd_release(struct linerd *r);

/*
 * Next line without its '\n' (and without a '\r' before it).  Returns 1
 * with line and len set (valid until the next call), 0 at end of input, -1 on
 * a line that is too long (skipped; reading may go on) or a read error
 * (r->failed set; stop).
 */
int linerd_next(struct linerd *r, const char **line, size_t *len, struct hk_err *err);

/* Pull function for a FILE *. */
ssize_t linerd_pull_file(void *ctx, void *buf, size_t n);

#endif
