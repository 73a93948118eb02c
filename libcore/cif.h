/*
 * cif.h - read crystal structures from CIF text.
 *
 * The subset real structure files use: data blocks, loops, quoted and
 * ;-delimited values, comments, cell parameters with uncertainty brackets
 * (5.4307(2)), symmetry operations (_symmetry_equiv_pos_as_xyz or
 * _space_group_symop_operation_xyz) applied to the asymmetric unit with
 * images closer than 1e-4 (fractional) merged, _atom_site_fract_*, type
 * symbols with oxidation suffixes (F1-, Fe3+).  Sites with occupancy below
 * 1 or two species on one position are reported as disorder.
 */
#ifndef HK_CIF_H
#define HK_CIF_H

#include <stddef.h>

#include "cell.h"
#include "err.h"
#include "structure.h"

/*
 * Parse every data block of text (n bytes; name labels errors) and call
 * fn once per block.  A block of more than max_atoms atoms (0: HK_MAX_ATOMS,
 * hklimits.h), in its site loop or once expanded, is a bad block.  Returns 0
 * when the whole text was walked, -1 when the text itself could not be
 * tokenised (err set, fn not called for the rest), or fn's non-zero return.
 */
int cif_read(const char *text, size_t n, const char *name, long max_atoms, structure_fn fn, void *ctx,
    struct hk_err *err);

/*
 * Parse one symmetry operation ("-x+1/2, y, z+1/4") into a rotation with
 * integer entries and a translation.
 */
int cif_parse_symop(const char *s, size_t n, int rot[3][3], double trans[3], struct hk_err *err);

/*
 * Parse a type symbol or label ("Fe3+", "F1-", "O2-", "Li", "Ca1") into an
 * atomic number and oxidation state (0 when none).  -1 if no element.
 */
int cif_parse_species(const char *s, size_t n, int *z, double *oxi);

/* Write c as a P1 CIF (readable by pymatgen and VESTA) to an sbuf-like FILE. */
struct sbuf;
void cif_write(struct sbuf *out, const struct cell *c, const char *title);

#endif
