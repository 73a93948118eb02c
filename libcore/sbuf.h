/*
 * sbuf.h - a growable, always NUL-terminated byte buffer.
 *
 * struct sbuf sb = SBUF_INIT; ... sbuf_release(&sb);  Appends never fail
 * (out of memory aborts, see xalloc.h).
 */
#ifndef HK_SBUF_H
#define HK_SBUF_H

#include <stddef.h>

struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};

#define SBUF_INIT { NULL, 0, 0 }

void sbuf_grow(struct sbuf *sb, size_t extra);
void sbuf_add(struct sbuf *sb, const void *p, size_t n);
void sbuf_addstr(struct sbuf *sb, const char *s);
void sbuf_addc(struct sbuf *sb, char c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Empty the buffer, keeping its memory. */
void sbuf_reset(struct sbuf *sb);
/* Free the memory; the buffer is SBUF_INIT again. */
void sbuf_release(struct sbuf *sb);
/* Hand the string to the caller (who frees it); the buffer is reset. */
char *sbuf_detach(struct sbuf *sb);

#endif
