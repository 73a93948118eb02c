/*
 * strset.h - a set of strings (with a value each), and the FNV-1a hash it uses.
 *
 * The set grows by doubling and owns copies of its strings.  Used where a
 * stage must remember ids (dedupe, rank --exclude): memory grows with the
 * number of distinct ids, never with record bodies.
 */
#ifndef HK_STRSET_H
#define HK_STRSET_H

#include <stddef.h>
#include <stdint.h>

/*
 * FNV-1a over n bytes from the state h: FNV_BASIS for the standard 64-bit
 * hash.  hash_fnv1a starts from a basis one digit short of it, as the
 * names and stamps hopkit has written with it (nebjob, finished, fetch)
 * were made that way; new uses that others may recompute take the
 * standard one.
 */
#define FNV_BASIS 14695981039346656037ULL
uint64_t hash_fnv1a_from(uint64_t h, const void *p, size_t n);
uint64_t hash_fnv1a(const void *p, size_t n);

struct strset {
	char **slot;
	void **val;
	size_t cap, n;
};

#define STRSET_INIT { NULL, NULL, 0, 0 }

/* 1 if s was added, 0 if it was already there. */
int strset_add(struct strset *h, const char *s);
/* Add with a value (owned by the caller); 0 if s was there (value kept). */
int strset_put(struct strset *h, const char *s, void *val);
int strset_has(const struct strset *h, const char *s);
/* The value slot of s, added (with NULL) if absent; valid until the next add. */
void **strset_ref(struct strset *h, const char *s);
/* The value stored with s, or NULL. */
void *strset_get(const struct strset *h, const char *s);
void strset_release(struct strset *h);

#endif
