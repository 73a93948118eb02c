/*
 * endpoints.h - single vacancies of a supercell, shared by symmetry.
 *
 * A vacancy hop's endpoints are single vacancies of one perfect supercell
 * (neb.h): the start lacks the end site, the end lacks the start site.  Two
 * vacancies are one structure when an operation of the crystal that maps
 * the supercell onto itself carries one vacant site to the other; such an
 * operation, applied to a relaxed vacancy, gives the relaxed other one.
 *
 * vacsym_build finds those operations: the crystal's (spglib, at symprec)
 * whose rotation is an integer matrix in the supercell's basis, each
 * checked to map every atom of the perfect supercell onto an atom of its
 * species within tol Å (Cartesian), combined with the lattice translations
 * of the cell that the supercell holds.  A supercell that breaks the
 * crystal's symmetry keeps only some of them, so its vacancies fall into
 * more, smaller orbits, each with its own relaxation.
 *
 * The relaxation of an orbit has its vacancy at the orbit's smallest
 * supercell site (vacsym_canonical) and its atoms grouped by species in the
 * order neb.h uses, each species in supercell order (vacsym_vacancy_cell).
 * A vacmap carries its relaxed structure to one endpoint: the endpoint's
 * atom k is parent atom perm[k] at rot x + trans (x fractional in the
 * supercell, a column vector), taken to the periodic image nearest the
 * endpoint's unrelaxed atom k, so an unwrapped end position stays
 * unwrapped.  The lattice is the parent's (a relaxation at fixed cell).
 */
#ifndef HK_ENDPOINTS_H
#define HK_ENDPOINTS_H

#include <jansson.h>

#include "cell.h"
#include "err.h"

struct vacsym {
	struct cell sc;		/* the perfect supercell */
	int nops;		/* point operations kept (with their own translations) */
	int (*rot)[3][3];
	double (*trans)[3];
	int *perm;		/* nops x sc.n: the site each operation sends each site to */
	int ntau;		/* lattice translations of the cell inside the supercell */
	double (*tau)[3];
	int *tperm;		/* ntau x sc.n */
};

#define VACSYM_INIT { CELL_INIT, 0, NULL, NULL, NULL, 0, NULL, NULL }

/* The operations of supercell m x c (see above); -1 with err when spglib fails. */
int vacsym_build(const struct cell *c, const int m[3][3], double symprec, double tol, struct vacsym *vs,
    struct hk_err *err);
void vacsym_release(struct vacsym *vs);

/* The smallest supercell site in the orbit of site. */
int vacsym_canonical(const struct vacsym *vs, int site);

/* The number of vacancy orbits of element z (distinct relaxations a supercell can need). */
int vacsym_norbits(const struct vacsym *vs, int z);

/*
 * The supercell without site vacant, atoms grouped by species in order of
 * first appearance, into out (released first); site[k] (sc.n - 1 ints) gets
 * the supercell site of atom k.
 */
void vacsym_vacancy_cell(const struct vacsym *vs, int vacant, struct cell *out, int *site);

/*
 * The supercell site of each atom of e, a structure on the supercell's
 * lattice whose atoms stand at its sites (an unwrapped position counts);
 * -1 with err when one stands at none.
 */
int vacsym_sites_of(const struct vacsym *vs, const struct cell *e, int *site, struct hk_err *err);

struct vacmap {
	int rot[3][3];
	double trans[3];
	int n;
	int *perm;
};

#define VACMAP_INIT { { { 0 } }, { 0, 0, 0 }, 0, NULL }

void vacmap_release(struct vacmap *m);

/*
 * The map from the relaxation whose atoms stand at psite (vacancy at
 * canon) to the endpoint whose atoms stand at esite (vacancy at vacant),
 * both n atoms.  -1 with err when no operation sends canon to vacant.
 */
int vacsym_map(const struct vacsym *vs, int canon, int vacant, const int *psite, const int *esite, int n,
    struct vacmap *out, struct hk_err *err);

/*
 * Carry parent (the relaxed structure, n atoms in the relaxation's order)
 * onto the endpoint near (n atoms, its unrelaxed positions) into out
 * (released first): near's lattice and species, the mapped positions.  -1
 * with err when the atom counts or species disagree.
 */
int vacmap_apply(const struct vacmap *m, const struct cell *parent, const struct cell *near, struct cell *out,
    struct hk_err *err);

/* As a record's object {"rotation", "translation", "permutation"}, and back. */
json_t *vacmap_json(const struct vacmap *m);
int vacmap_from_json(const json_t *j, struct vacmap *m, struct hk_err *err);

#endif
