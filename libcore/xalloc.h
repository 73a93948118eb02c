/*
 * xalloc.h - allocation that cannot fail silently.
 *
 * Out of memory is not a recoverable condition for a record filter: these
 * wrappers print one line to stderr and abort.  Every other failure in
 * libcore is reported through struct hk_err.
 */
#ifndef HK_XALLOC_H
#define HK_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Reallocate an array of n elements of size bytes, checking overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A new string formatted as by printf: for paths of any length. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
