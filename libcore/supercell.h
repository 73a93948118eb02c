/*
 * supercell.h - supercells for periodic calculations.
 *
 * supercell_min finds the integer supercell of fewest cells whose
 * perpendicular widths (distances between opposite faces) are all at
 * least lmin: lattices of each determinant are enumerated as Hermite
 * normal forms from the volume bound det >= lmin^3 / V (a cell's volume is
 * at least the product of its widths) up to the best diagonal supercell,
 * each reduced (LLL) before its widths are measured.
 *
 * supercell_study_n is the fluoride study's rule: n_i = floor(L / |a_i|) + 1
 * repetitions along each vector of the (reduced primitive) cell.
 */
#ifndef HK_SUPERCELL_H
#define HK_SUPERCELL_H

struct supercell {
	int m[3][3];		/* rows: supercell vectors in units of the cell's */
	int det;		/* number of cells */
	double min_width;	/* Å */
};

/* 0, or -1 when no supercell of at most max_det cells is wide enough. */
int supercell_min(const double lattice[3][3], double lmin, int max_det, struct supercell *out);

/* n_i = floor(L / |a_i|) + 1 for the rows of lattice. */
void supercell_study_n(const double lattice[3][3], double L, int n[3]);

#endif
