/*
 * formula.h - reduced chemical formulas, written as pymatgen writes them.
 *
 * Elements ordered by electronegativity (ties by symbol), amounts divided
 * by their greatest common divisor, the last two elements grouped as a
 * polyanion when their electronegativities differ by less than 1.65
 * ("Li3Y(PS4)2"), and pymatgen's special cases (LiO -> Li2O2, F -> F2).
 * This is Composition.reduced_formula, i.e. Materials Project's
 * formula_pretty.
 */
#ifndef HK_FORMULA_H
#define HK_FORMULA_H

#include <stddef.h>

#include "cell.h"

/* The reduced formula of c into buf (n bytes).  Returns buf. */
char *formula_reduced(const struct cell *c, char *buf, size_t n);

/* The same from counts per atomic number (counts[0..118]). */
char *formula_from_counts(const long *counts, char *buf, size_t n);

#endif
