/*
 * bv.h - oxidation states from a bond-valence analysis.
 *
 * The method of pymatgen's BVAnalyzer, so that results can be compared:
 * bond-valence sums of each symmetry-distinct site from its neighbours
 * within 4 Å (distances scaled by 1.015 for GGA-relaxed structures), with
 * the Brese-O'Keeffe parameters R = r1 + r2 - r1 r2 (sqrt c1 - sqrt c2)^2 /
 * (c1 r1 + c2 r2) between an electronegative element and another;
 * posterior probabilities of each oxidation state from ICSD statistics
 * (Gaussian likelihood of the sum, prior by occurrence); then the most
 * probable charge-neutral assignment, with the sites of one element
 * differing by at most one unit, searched depth-first with pruning (at most
 * 100000 assignments).  Tables: share/bv/brese-okeeffe-1991.tsv and
 * share/bv/icsd-bvsum.tsv.
 */
#ifndef HK_BV_H
#define HK_BV_H

#include "cell.h"
#include "datafile.h"
#include "err.h"
#include "symmetry.h"

struct bv_species {
	int z, oxi;
	double mean, std, occurrence;
};

struct bv_tables {
	double r[119], c[119];
	unsigned char has[119];
	struct bv_species *sp;
	int nsp;
	struct datafile_issues issues;	/* the rows not used, and why */
};

/*
 * Load both tables (their rules: bv.c).  A bad row is left out and named
 * in t->issues; -1 with err when a table cannot be used at all.
 */
int bv_tables_load(struct bv_tables *t, struct hk_err *err);
void bv_tables_release(struct bv_tables *t);

/* The bond-valence sum of site i (positive for cations). */
double bv_sum(const struct cell *c, int i, const struct bv_tables *t);

/*
 * Oxidation state of every site into oxi (c->n ints).  -1 with err saying
 * why (no parameters for an element, or no charge-neutral assignment).
 */
int bv_oxidation_states(const struct cell *c, const struct symmetry *s, const struct bv_tables *t,
    int *oxi, struct hk_err *err);

/*
 * The same with the oxidation states summing to charge (a cell with a
 * vacancy), and with uniform set one state per element; the assignment's
 * probability (the product over sites) into *score when score is not NULL.
 */
int bv_oxidation_states_charged(const struct cell *c, const struct symmetry *s, const struct bv_tables *t,
    int charge, int uniform, int *oxi, double *score, struct hk_err *err);

#endif
