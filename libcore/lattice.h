/*
 * lattice.h - 3x3 lattice arithmetic.
 *
 * A lattice is double[3][3] whose ROWS are the vectors a, b, c in Å
 * (pymatgen's convention; spglib wants the transpose).  Fractional
 * coordinates f map to Cartesian r = f[0]*a + f[1]*b + f[2]*c.
 */
#ifndef HK_LATTICE_H
#define HK_LATTICE_H

/* Signed volume a . (b x c), Å^3. */
double lat_volume(const double l[3][3]);

/* a, b, c (Å) and alpha, beta, gamma (degrees). */
void lat_params(const double l[3][3], double abc[3], double angles[3]);

/*
 * Lattice from parameters in pymatgen's orientation (c along z, a in the
 * xz plane).  -1 if the angles cannot form a cell.
 */
int lat_from_params(double a, double b, double c, double alpha, double beta,
    double gamma, double l[3][3]);

/* inv = l^-1 (so frac = cart * inv with row vectors).  -1 if singular. */
int lat_inverse(const double l[3][3], double inv[3][3]);

void lat_frac_to_cart(const double l[3][3], const double f[3], double r[3]);
void lat_cart_to_frac(const double inv[3][3], const double r[3], double f[3]);

/* Perpendicular widths: the distance between opposite faces, Å. */
void lat_widths(const double l[3][3], double w[3]);

/* out = m * l for an integer (or real) 3x3 m: rows of out are combos of rows of l. */
void lat_mul(const double m[3][3], const double l[3][3], double out[3][3]);

/* Determinant and multiplication of plain 3x3 matrices. */
double mat3_det(const double m[3][3]);
void mat3_mul(const double a[3][3], const double b[3][3], double out[3][3]);
void mat3_transpose(const double a[3][3], double out[3][3]);

/*
 * LLL-reduce l (delta 0.75, as pymatgen).  red = t * l with t integer,
 * unimodular; t may be NULL.
 */
void lat_lll(const double l[3][3], double red[3][3], double t[3][3]);

/*
 * Niggli-reduce l (Grosse-Kunstleve, Sauter & Adams, Acta Cryst. A60, 1
 * (2004)) with tolerance tol * V^(1/3), starting from the LLL basis, and
 * keeping the orientation of l: red = t * l, t integer with det +1.
 * -1 if it does not converge.
 */
int lat_niggli(const double l[3][3], double tol, double red[3][3], double t[3][3]);

#endif
