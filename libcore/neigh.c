#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lattice.h"
#include "neigh.h"
#include "xalloc.h"

int
neigh_build(struct neigh_grid *g, const double lattice[3][3], int n,
    const double (*frac)[3], double rcut)
{
	long total = 1;

	memset(g, 0, sizeof(*g));
	memcpy(g->lattice, lattice, sizeof(g->lattice));
	lat_widths(lattice, g->width);
	for (int k = 0; k < 3; k++) {
		if (!(g->width[k] > 0) || !isfinite(g->width[k]))
			return -1;
		/* bins about rcut/2 wide, but not more than needed for n sites */
		double m = floor(2 * g->width[k] / (rcut > 0 ? rcut : 1));
		g->nbin[k] = m < 1 ? 1 : (m > 64 ? 64 : (int)m);
	}
	while (total = (long)g->nbin[0] * g->nbin[1] * g->nbin[2], total > 4L * n + 8) {
		int k = g->nbin[0] >= g->nbin[1] ? (g->nbin[0] >= g->nbin[2] ? 0 : 2)
		    : (g->nbin[1] >= g->nbin[2] ? 1 : 2);
		g->nbin[k] = (g->nbin[k] + 1) / 2;
	}
	g->n = n;
	g->wrapped = xcalloc((size_t)n + 1, sizeof(*g->wrapped));
	g->shift = xcalloc((size_t)n + 1, sizeof(*g->shift));
	g->head = xmalloc((size_t)total * sizeof(int));
	g->next = xmalloc(((size_t)n + 1) * sizeof(int));
	for (long b = 0; b < total; b++)
		g->head[b] = -1;
	for (int j = 0; j < n; j++) {
		int bin[3];
		for (int k = 0; k < 3; k++) {
			if (!isfinite(frac[j][k]) || fabs(frac[j][k]) > 1e9) {
				neigh_release(g);
				return -1;
			}
			double fl = floor(frac[j][k]);
			g->shift[j][k] = (int)fl;
			g->wrapped[j][k] = frac[j][k] - fl;
			if (g->wrapped[j][k] >= 1.0)
				g->wrapped[j][k] = 0, g->shift[j][k]++;
			bin[k] = (int)(g->wrapped[j][k] * g->nbin[k]);
			if (bin[k] >= g->nbin[k])
				bin[k] = g->nbin[k] - 1;
		}
		long b = ((long)bin[0] * g->nbin[1] + bin[1]) * g->nbin[2] + bin[2];
		g->next[j] = g->head[b];
		g->head[b] = j;
	}
	return 0;
}

void
neigh_release(struct neigh_grid *g)
{
	free(g->wrapped);
	free(g->shift);
	free(g->head);
	free(g->next);
	memset(g, 0, sizeof(*g));
}

static int
floordiv(int a, int m)
{
	return a >= 0 ? a / m : -((-a + m - 1) / m);
}

int
neigh_query(const struct neigh_grid *g, const double p[3], double rcut, neigh_fn fn, void *ctx)
{
	int lo[3], hi[3], b[3];
	double r2 = rcut * rcut, pc[3];

	lat_frac_to_cart(g->lattice, p, pc);
	for (int k = 0; k < 3; k++) {
		double reach = rcut / g->width[k];
		lo[k] = (int)floor((p[k] - reach) * g->nbin[k]);
		hi[k] = (int)floor((p[k] + reach) * g->nbin[k]);
	}
	for (b[0] = lo[0]; b[0] <= hi[0]; b[0]++)
	for (b[1] = lo[1]; b[1] <= hi[1]; b[1]++)
	for (b[2] = lo[2]; b[2] <= hi[2]; b[2]++) {
		int img[3], bin[3];
		for (int k = 0; k < 3; k++) {
			img[k] = floordiv(b[k], g->nbin[k]);
			bin[k] = b[k] - img[k] * g->nbin[k];
		}
		long bi = ((long)bin[0] * g->nbin[1] + bin[1]) * g->nbin[2] + bin[2];
		for (int j = g->head[bi]; j >= 0; j = g->next[j]) {
			double f[3], r[3], d2 = 0;
			for (int k = 0; k < 3; k++)
				f[k] = g->wrapped[j][k] + img[k];
			lat_frac_to_cart(g->lattice, f, r);
			for (int k = 0; k < 3; k++)
				d2 += (r[k] - pc[k]) * (r[k] - pc[k]);
			if (d2 < r2) {
				int oimg[3] = { img[0] - g->shift[j][0], img[1] - g->shift[j][1],
					img[2] - g->shift[j][2] };
				int rc = fn(ctx, j, oimg, sqrt(d2));
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}
