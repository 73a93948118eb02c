/*
 * poscar.h - VASP POSCAR/CONTCAR read and write.
 *
 * Reads VASP 5 (species line) and VASP 4 (species from a hint, e.g. the
 * TITEL lines of a POTCAR, or from the comment line), Direct and Cartesian
 * coordinates, a scale factor or a negative one meaning the cell volume,
 * and Selective dynamics (flags are read and dropped).  Writes VASP 5
 * Direct, species in runs in site order so atom order is preserved.
 */
#ifndef HK_POSCAR_H
#define HK_POSCAR_H

#include <stddef.h>

#include "cell.h"
#include "err.h"
#include "sbuf.h"
#include "structure.h"

/*
 * Parse a POSCAR in text.  species_hint (may be NULL) is a
 * whitespace-separated list of element symbols for VASP 4 files.  Counts
 * that add up to more than max_atoms (0: HK_MAX_ATOMS, hklimits.h) are a bad
 * structure.  Calls fn once.  Returns as cif_read.
 */
int poscar_read(const char *text, size_t n, const char *name, const char *species_hint, long max_atoms,
    structure_fn fn, void *ctx, struct hk_err *err);

/* Species in the order of a POTCAR's TITEL lines, space-separated, or NULL. */
char *poscar_potcar_species(const char *text, size_t n);

/* Append c as a VASP 5 POSCAR (Direct) with the given comment line. */
void poscar_write(struct sbuf *out, const struct cell *c, const char *comment);

#endif
