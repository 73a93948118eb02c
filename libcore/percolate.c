#include <stdlib.h>
#include <string.h>

#include "percolate.h"
#include "xalloc.h"

/* Integer vectors: a basis of at most three independent cycle translations. */
struct span {
	long v[3][3];
	int rank;
};

static void
cross(const long a[3], const long b[3], long c[3])
{
	c[0] = a[1] * b[2] - a[2] * b[1];
	c[1] = a[2] * b[0] - a[0] * b[2];
	c[2] = a[0] * b[1] - a[1] * b[0];
}

static void
span_add(struct span *s, const long x[3])
{
	long c[3];

	if (x[0] == 0 && x[1] == 0 && x[2] == 0)
		return;
	switch (s->rank) {
	case 0:
		break;
	case 1:
		cross(s->v[0], x, c);
		if (c[0] == 0 && c[1] == 0 && c[2] == 0)
			return;
		break;
	case 2:
		cross(s->v[0], s->v[1], c);
		if (c[0] * x[0] + c[1] * x[1] + c[2] * x[2] == 0)
			return;
		break;
	default:
		return;
	}
	memcpy(s->v[s->rank++], x, sizeof(s->v[0]));
}

int
percolate_dim(int n, const struct pedge *e, int ne)
{
	int *deg = xcalloc((size_t)n + 1, sizeof(int));
	int *start = xcalloc((size_t)n + 2, sizeof(int));
	int *adj = xmalloc(((size_t)ne * 2 + 1) * sizeof(int));	/* edge index * 2 + direction */
	long (*off)[3] = xcalloc((size_t)n + 1, sizeof(*off));
	int *seen = xcalloc((size_t)n + 1, sizeof(int));
	int *queue = xmalloc(((size_t)n + 1) * sizeof(int));
	int best = 0;

	for (int k = 0; k < ne; k++) {
		deg[e[k].a]++;
		deg[e[k].b]++;
	}
	for (int i = 0; i < n; i++)
		start[i + 1] = start[i] + deg[i];
	memset(deg, 0, (size_t)n * sizeof(int));
	for (int k = 0; k < ne; k++) {
		adj[start[e[k].a] + deg[e[k].a]++] = 2 * k;
		adj[start[e[k].b] + deg[e[k].b]++] = 2 * k + 1;
	}
	for (int root = 0; root < n && best < 3; root++) {
		struct span s = { { { 0 } }, 0 };
		int head = 0, tail = 0;
		if (seen[root])
			continue;
		seen[root] = 1;
		queue[tail++] = root;
		while (head < tail) {
			int u = queue[head++];
			for (int p = start[u]; p < start[u + 1]; p++) {
				const struct pedge *ed = &e[adj[p] / 2];
				int fwd = (adj[p] & 1) == 0;
				int v = fwd ? ed->b : ed->a;
				long want[3];
				/* position of v reached through this edge */
				for (int k = 0; k < 3; k++)
					want[k] = off[u][k] + (fwd ? ed->t[k] : -ed->t[k]);
				if (!seen[v]) {
					seen[v] = 1;
					memcpy(off[v], want, sizeof(want));
					queue[tail++] = v;
				} else {
					long cyc[3] = { want[0] - off[v][0], want[1] - off[v][1], want[2] - off[v][2] };
					span_add(&s, cyc);
				}
			}
		}
		if (s.rank > best)
			best = s.rank;
	}
	free(deg);
	free(start);
	free(adj);
	free(off);
	free(seen);
	free(queue);
	return best;
}
