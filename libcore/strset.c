#include <stdlib.h>
#include <string.h>

#include "strset.h"
#include "xalloc.h"

uint64_t
hash_fnv1a_from(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

uint64_t
hash_fnv1a(const void *p, size_t n)
{
	return hash_fnv1a_from(1469598103934665603ULL, p, n);
}

static size_t
find(const struct strset *h, const char *s)
{
	size_t i = (size_t)hash_fnv1a(s, strlen(s)) & (h->cap - 1);

	while (h->slot[i] && strcmp(h->slot[i], s) != 0)
		i = (i + 1) & (h->cap - 1);
	return i;
}

static void
grow(struct strset *h)
{
	struct strset big = { NULL, NULL, h->cap ? h->cap * 2 : 64, 0 };

	big.slot = xcalloc(big.cap, sizeof(char *));
	big.val = xcalloc(big.cap, sizeof(void *));
	for (size_t i = 0; i < h->cap; i++)
		if (h->slot[i]) {
			size_t j = find(&big, h->slot[i]);
			big.slot[j] = h->slot[i];
			big.val[j] = h->val[i];
			big.n++;
		}
	free(h->slot);
	free(h->val);
	*h = big;
}

int
strset_put(struct strset *h, const char *s, void *val)
{
	size_t i;

	if ((h->n + 1) * 2 > h->cap)
		grow(h);
	i = find(h, s);
	if (h->slot[i])
		return 0;
	h->slot[i] = xstrdup(s);
	h->val[i] = val;
	h->n++;
	return 1;
}

int
strset_add(struct strset *h, const char *s)
{
	return strset_put(h, s, NULL);
}

void **
strset_ref(struct strset *h, const char *s)
{
	strset_put(h, s, NULL);
	return &h->val[find(h, s)];
}

int
strset_has(const struct strset *h, const char *s)
{
	return h->cap && h->slot[find(h, s)] != NULL;
}

void *
strset_get(const struct strset *h, const char *s)
{
	size_t i;

	if (h->cap == 0)
		return NULL;
	i = find(h, s);
	return h->slot[i] ? h->val[i] : NULL;
}

void
strset_release(struct strset *h)
{
	for (size_t i = 0; i < h->cap; i++)
		free(h->slot[i]);
	free(h->slot);
	free(h->val);
	memset(h, 0, sizeof(*h));
}
