#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "xalloc.h"

void
tally_key(const char *reason, const char *id, char key[TALLY_KEY_MAX + 1])
{
	static const char *const cuts[] = { ":", " for ", " with " };
	size_t n, idn = id ? strlen(id) : 0;

	if (reason == NULL || *reason == '\0')
		reason = "unknown";
	/* "mp-1 has no F sites", "mp-1: ..." are one reason whatever the record */
	if (idn && strncmp(reason, id, idn) == 0 && (reason[idn] == ' ' || reason[idn] == ':')) {
		reason += idn + 1;
		while (*reason == ' ')
			reason++;
	}
	n = strlen(reason);
	for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
		const char *p = strstr(reason, cuts[k]);
		if (p && p > reason && (size_t)(p - reason) < n)
			n = (size_t)(p - reason);
	}
	if (n > TALLY_KEY_MAX)
		n = TALLY_KEY_MAX;
	memcpy(key, reason, n);
	key[n] = '\0';
}

static struct tally_group *
group_get(struct tally *t, const char *name)
{
	for (int k = 0; k < t->ng; k++)
		if (strcmp(t->g[k].name, name) == 0)
			return &t->g[k];
	if (t->ng == TALLY_MAX_GROUPS)
		return strcmp(name, "other") == 0 ? &t->g[t->ng - 1] : group_get(t, "other");
	if (t->ng == TALLY_MAX_GROUPS - 1)
		name = "other";
	t->g = xreallocarray(t->g, (size_t)t->ng + 1, sizeof(*t->g));
	memset(&t->g[t->ng], 0, sizeof(t->g[0]));
	t->g[t->ng].name = xstrdup(name);
	return &t->g[t->ng++];
}

static struct tally_reason *
reason_get(struct tally_group *g, const char *key)
{
	for (int k = 0; k < g->nr; k++)
		if (strcmp(g->r[k].key, key) == 0)
			return &g->r[k];
	if (g->nr == TALLY_MAX_REASONS)
		return strcmp(key, "other") == 0 ? &g->r[g->nr - 1] : reason_get(g, "other");
	if (g->nr == TALLY_MAX_REASONS - 1)
		key = "other";
	g->r = xreallocarray(g->r, (size_t)g->nr + 1, sizeof(*g->r));
	g->r[g->nr].key = xstrdup(key);
	g->r[g->nr].n = 0;
	return &g->r[g->nr++];
}

void
tally_add(struct tally *t, const char *group, const char *reason, const char *id)
{
	char key[TALLY_KEY_MAX + 1];
	struct tally_group *g = group_get(t, group);

	tally_key(reason, id, key);
	g->n++;
	reason_get(g, key)->n++;
}

long
tally_count(const struct tally *t, const char *group)
{
	for (int k = 0; k < t->ng; k++)
		if (strcmp(t->g[k].name, group) == 0)
			return t->g[k].n;
	return 0;
}

static int
by_count(const void *a, const void *b)
{
	const struct tally_reason *x = *(const struct tally_reason *const *)a;
	const struct tally_reason *y = *(const struct tally_reason *const *)b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->key, y->key);
}

void
tally_format_group(const struct tally_group *g, struct sbuf *sb)
{
	const struct tally_reason **r = xmalloc(((size_t)g->nr + 1) * sizeof(*r));
	long rest = 0;
	int n = 0;

	/* the reasons past the cap were counted as "other": they go last */
	for (int k = 0; k < g->nr; k++) {
		if (strcmp(g->r[k].key, "other") == 0)
			rest += g->r[k].n;
		else
			r[n++] = &g->r[k];
	}
	qsort(r, (size_t)n, sizeof(*r), by_count);
	sbuf_addc(sb, '(');
	for (int k = 0; k < n; k++) {
		if (k < 3 || (k == 3 && n == 4 && rest == 0))
			sbuf_addf(sb, "%s%s: %ld", k ? ", " : "", r[k]->key, r[k]->n);
		else
			rest += r[k]->n;
	}
	if (rest)
		sbuf_addf(sb, "%sother: %ld", n ? ", " : "", rest);
	sbuf_addc(sb, ')');
	free(r);
}

/* 1 when a and b count the same reasons the same number of times. */
static int
same_reasons(const struct tally_group *a, const struct tally_group *b)
{
	if (a->n != b->n || a->nr != b->nr)
		return 0;
	for (int k = 0; k < a->nr; k++)
		if (strcmp(a->r[k].key, b->r[k].key) != 0 || a->r[k].n != b->r[k].n)
			return 0;
	return 1;
}

void
tally_format(const struct tally *t, const char *sep, struct sbuf *sb)
{
	char *done = xcalloc((size_t)t->ng + 1, 1);
	int first = 1;

	for (int k = 0; k < t->ng; k++) {
		if (done[k])
			continue;
		sbuf_addf(sb, "%s%s", first ? "" : ", ", t->g[k].name);
		for (int j = k + 1; j < t->ng; j++)
			if (!done[j] && same_reasons(&t->g[k], &t->g[j])) {
				sbuf_addf(sb, ", %s", t->g[j].name);
				done[j] = 1;
			}
		sbuf_addf(sb, "%s%ld ", sep, t->g[k].n);
		tally_format_group(&t->g[k], sb);
		first = 0;
	}
	free(done);
}

void
tally_format_counts(const struct tally *t, struct sbuf *sb)
{
	for (int k = 0; k < t->ng; k++) {
		const struct tally_group *g = &t->g[k];
		sbuf_addf(sb, "%s%ld %s%s ", k ? ", " : "", g->n, g->name, g->n == 1 ? "" : "s");
		tally_format_group(g, sb);
	}
}

void
tally_release(struct tally *t)
{
	for (int k = 0; k < t->ng; k++) {
		for (int j = 0; j < t->g[k].nr; j++)
			free(t->g[k].r[j].key);
		free(t->g[k].r);
		free(t->g[k].name);
	}
	free(t->g);
	t->g = NULL;
	t->ng = 0;
}
