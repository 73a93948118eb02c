/*
 * neigh.h - periodic neighbour search with a cell list.
 *
 * Sites are binned in fractional space.  A query visits every bin whose
 * slab lies within rcut of the point along each axis, using the cell's
 * perpendicular widths, so it is exact for skewed cells and for cutoffs
 * longer than a cell edge (bins are revisited as periodic images).
 */
#ifndef HK_NEIGH_H
#define HK_NEIGH_H

struct neigh_grid {
	double lattice[3][3];
	double width[3];
	int nbin[3];
	int n;
	double (*wrapped)[3];	/* sites wrapped into [0,1) */
	int (*shift)[3];	/* original = wrapped + shift */
	int *head, *next;	/* bin lists */
};

/*
 * Visit fn(ctx, j, image, d) for site j at original frac[j] + image, at
 * distance d < rcut from the query point.  A non-zero return from fn stops
 * the search and is returned.
 */
typedef int (*neigh_fn)(void *ctx, int j, const int image[3], double d);

/* Bin n sites for queries up to rcut.  Returns 0, or -1 on a bad lattice. */
int neigh_build(struct neigh_grid *g, const double lattice[3][3], int n,
    const double (*frac)[3], double rcut);
void neigh_release(struct neigh_grid *g);

/* Every site image within rcut (<= the build cutoff) of the fractional point p. */
int neigh_query(const struct neigh_grid *g, const double p[3], double rcut, neigh_fn fn, void *ctx);

#endif
