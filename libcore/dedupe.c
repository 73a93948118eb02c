#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe.h"
#include "elements.h"
#include "lattice.h"
#include "sbuf.h"
#include "strset.h"
#include "xalloc.h"

struct fp {
	double abc[3], ang[3], vpa;
	struct fp *next;
};

struct dedupe {
	struct strset ids;
	struct strset groups;	/* "formula|spg|wyckoffs" -> list of struct fp */
};

struct dedupe *
dedupe_new(void)
{
	return xcalloc(1, sizeof(struct dedupe));
}

void
dedupe_free(struct dedupe *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->groups.cap; i++)
		for (struct fp *p = d->groups.val[i], *q; p; p = q) {
			q = p->next;
			free(p);
		}
	strset_release(&d->ids);
	strset_release(&d->groups);
	free(d);
}

/* "Z:w:count" for every (element, Wyckoff letter), counts reduced by their gcd. */
static void
wyckoff_key(const struct cell *c, const struct symmetry *s, struct sbuf *key)
{
	enum { NW = 27 };
	long *count = xcalloc((size_t)(ELEM_MAX + 1) * NW, sizeof(long));
	long g = 0;

	for (int i = 0; i < c->n; i++) {
		int w = s->wyckoff[i] >= 'a' && s->wyckoff[i] <= 'z' ? s->wyckoff[i] - 'a' : 26;
		count[c->z[i] * NW + w]++;
	}
	for (int k = 0; k < (ELEM_MAX + 1) * NW; k++)
		if (count[k]) {
			long a = g, b = count[k];
			while (b) {
				long t = a % b;
				a = b;
				b = t;
			}
			g = a;
		}
	for (int k = 0; k < (ELEM_MAX + 1) * NW; k++)
		if (count[k])
			sbuf_addf(key, "%d%c%ld,", k / NW, 'a' + k % NW, count[k] / g);
	free(count);
}

static int
close_enough(const struct fp *a, const struct fp *b)
{
	for (int k = 0; k < 3; k++) {
		if (fabs(a->abc[k] - b->abc[k]) > 0.01 * fmax(a->abc[k], b->abc[k]))
			return 0;
		if (fabs(a->ang[k] - b->ang[k]) > 1.0)
			return 0;
	}
	return fabs(a->vpa - b->vpa) <= 0.01 * fmax(a->vpa, b->vpa);
}

int
dedupe_seen(struct dedupe *d, const char *id, const char *formula,
    const struct cell *c, const struct symmetry *sym)
{
	struct sbuf key = SBUF_INIT;
	struct fp *f, *head;

	if (id && strset_has(&d->ids, id))
		return 1;
	f = xcalloc(1, sizeof(*f));
	lat_params(sym->std_lattice, f->abc, f->ang);
	f->vpa = fabs(lat_volume(c->lattice)) / c->n;
	sbuf_addf(&key, "%s|%d|", formula, sym->number);
	wyckoff_key(c, sym, &key);
	head = strset_get(&d->groups, key.s);
	for (struct fp *p = head; p; p = p->next)
		if (close_enough(p, f)) {
			free(f);
			sbuf_release(&key);
			return 1;
		}
	if (id)
		strset_add(&d->ids, id);
	{
		void **ref = strset_ref(&d->groups, key.s);
		f->next = *ref;
		*ref = f;
	}
	sbuf_release(&key);
	return 0;
}
