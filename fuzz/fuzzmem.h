/*
 * fuzzmem.h - what every fuzz target shares: the input as a pull source
 * (fed in small, uneven pieces, so that a reader's buffer boundaries are
 * crossed) and as a NUL-terminated copy for the readers that take text.
 */
#ifndef HK_FUZZMEM_H
#define HK_FUZZMEM_H

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct fuzzmem {
	const unsigned char *p;
	size_t n, off;
};

static inline ssize_t
fuzzmem_pull(void *ctx, void *buf, size_t n)
{
	struct fuzzmem *m = ctx;
	size_t left = m->n - m->off, take = n < left ? n : left;

	/* pieces of 1 to 97 bytes, chosen by the data itself */
	if (take > 1) {
		size_t piece = 1 + m->p[m->off] % 97;
		if (piece < take)
			take = piece;
	}
	memcpy(buf, m->p + m->off, take);
	m->off += take;
	return (ssize_t)take;
}

static inline char *
fuzzmem_text(const unsigned char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

#endif
