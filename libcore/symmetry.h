/*
 * symmetry.h - space-group analysis with spglib.
 *
 * One call gives everything later stages need (number, symbol, operations,
 * equivalent atoms, Wyckoff letters), so a structure is analysed once.
 * Tolerances as pymatgen's SpacegroupAnalyzer: symprec in Å (default 0.1
 * in hopkit), angle tolerance 5 degrees.
 */
#ifndef HK_SYMMETRY_H
#define HK_SYMMETRY_H

#include "cell.h"
#include "err.h"

#define SYM_ANGLE_TOL 5.0

struct symmetry {
	int number;		/* 1..230 */
	char symbol[16];	/* Hermann-Mauguin short symbol, e.g. "Fm-3m" */
	int nops;
	int (*rot)[3][3];	/* acting on fractional coordinates */
	double (*trans)[3];
	int n;			/* number of sites analysed */
	int *equiv;		/* representative site of each site's orbit */
	char *wyckoff;		/* Wyckoff letter per site */
	double std_lattice[3][3];	/* standardised conventional cell (rows) */
	int n_std;
	double prim_lattice[3][3];	/* primitive cell of the input (rows, not idealised) */
	int n_prim;			/* sites in the primitive cell */
	int *to_prim;			/* primitive site of each site */
	int pg_order;			/* order of the crystal's point group */
	int nrot;			/* distinct rotations among the operations */
};

#define SYMMETRY_INIT { 0, "", 0, NULL, NULL, 0, NULL, NULL, { { 0 } }, 0, { { 0 } }, 0, NULL, 0, 0 }

int sym_analyze(const struct cell *c, double symprec, struct symmetry *s, struct hk_err *err);
void sym_release(struct symmetry *s);

/*
 * The primitive cell of c as the analysis found it (not idealised): its
 * lattice, and for each primitive site the position of the first site of c
 * that maps to it.  spglib reports only the operations that are integer
 * matrices in the input basis, so a supercell that breaks the lattice's
 * symmetry (2x2x1 of an fcc cell) shows fewer operations than its crystal
 * has; the primitive cell shows them all.
 */
/*
 * 1 when the operations reported for the cell are the whole space group:
 * every rotation of the point group appears (a cell that breaks its
 * lattice's symmetry shows only a subgroup).
 */
int sym_complete(const struct symmetry *s);

void sym_primitive_of(const struct cell *c, const struct symmetry *s, struct cell *out);

/*
 * The primitive cell spglib finds (idealised, as spglib.find_primitive),
 * into out (released first).
 */
int sym_primitive(const struct cell *c, double symprec, struct cell *out, struct hk_err *err);

/*
 * What the fluoride study did to every Materials Project structure
 * (pymatgen): spglib primitive cell at symprec, Niggli reduction, LLL
 * reduction, coordinates wrapped into [0, 1), sites sorted by
 * electronegativity.  Oxidation states, if any, are dropped.
 */
int sym_sanitize(struct cell *c, double symprec, struct hk_err *err);

#endif
