/*
 * elements.h - the periodic table: symbols and Pauling electronegativities.
 *
 * Electronegativities are the Pauling values pymatgen uses (its
 * periodic_table.json), so that "sorted by electronegativity" and reduced
 * formulas order elements as Materials Project records do.  Elements with
 * no value (He, Ne, Ar, Z >= 104) report NaN and sort last.
 */
#ifndef HK_ELEMENTS_H
#define HK_ELEMENTS_H

#include <stddef.h>

#define ELEM_MAX 118

/* Atomic number of a symbol ("Fe"), or 0 if it is not an element. */
int elem_z(const char *sym);

/* Same, for the first n bytes of sym. */
int elem_z_n(const char *sym, size_t n);

/* Symbol of atomic number z (1..118), or "X" when out of range. */
const char *elem_symbol(int z);

/* "F-", "Ca2+", "Fe" (charge 0) into buf (16 bytes); returns buf. */
char *elem_ion(int z, int charge, char buf[16]);

/* Pauling electronegativity of z, NaN when it has none. */
double elem_x(int z);

/* Sort key by electronegativity: NaN becomes +infinity. */
double elem_x_key(int z);

#endif
