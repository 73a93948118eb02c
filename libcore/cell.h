/*
 * cell.h - a periodic crystal structure: lattice, species, fractional sites.
 *
 * The cell owns its arrays.  Species are atomic numbers; oxidation states
 * are optional (oxi == NULL when the source gave none).
 */
#ifndef HK_CELL_H
#define HK_CELL_H

#include "err.h"

struct cell {
	double lattice[3][3];	/* rows a, b, c in Å */
	int n;			/* number of sites */
	int cap;
	int *z;			/* atomic number per site */
	double (*frac)[3];	/* fractional coordinates */
	double *oxi;		/* oxidation state per site, or NULL */
};

#define CELL_INIT { { { 0 } }, 0, 0, NULL, NULL, NULL }

void cell_release(struct cell *c);
/* Make room for n sites (n stays). */
void cell_reserve(struct cell *c, int n);
/* Append a site; oxi is used only if the cell carries oxidation states. */
void cell_add(struct cell *c, int z, const double f[3], double oxi);
/* Deep copy src into dst (dst is released first). */
void cell_copy(struct cell *dst, const struct cell *src);

/* Wrap every fractional coordinate into [0, 1). */
void cell_wrap(struct cell *c);

/*
 * Check what every structure must satisfy: finite numbers, a lattice with
 * volume above 1e-3 Å^3 per site, at least one site, known elements.
 */
int cell_validate(const struct cell *c, struct hk_err *err);

/*
 * The shortest distance between two sites over all periodic images, with
 * the pair in *i, *j (may be NULL).  Self-images count (a cell edge shorter
 * than the distance).  Returns +inf for a single site in a huge cell.
 */
double cell_min_distance(const struct cell *c, int *i, int *j);

/* Number of distinct elements. */
int cell_nelements(const struct cell *c);

/* 1 if some site has atomic number z. */
int cell_has(const struct cell *c, int z);

/*
 * Stable sort of sites by electronegativity, ties by symbol: the order
 * pymatgen's Structure.copy(sanitize=True) gives.
 */
void cell_sort_electroneg(struct cell *c);

#endif
