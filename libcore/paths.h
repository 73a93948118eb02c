/*
 * paths.h - path records from a structure record (the work of find-paths).
 *
 * For one structure: its space group (spglib, once), the distinct hops of
 * the ion (hops.h) sorted by length, and for each a path record: id
 * "<structure id>.<ion>.<k>" (k from 0, shortest first), the hop, its
 * multiplicity, the dimensionality of the ion's network with every hop no
 * longer than it, the fluoride study's supercell sizes (nsites_777,
 * nsites_101010, nsites_121212), the smallest supercell at least
 * min_length wide, the structure record's own fields, and the structure.
 */
#ifndef HK_PATHS_H
#define HK_PATHS_H

#include <jansson.h>

#include "err.h"

struct paths_opts {
	int z;			/* the migrating ion */
	double cutoff;		/* Å */
	int max_paths;		/* 0: all */
	double symprec;		/* Å */
	double min_length;	/* Å, supercell width */
	int percolating;	/* keep hops up to the first that percolates */
	int min_dim;
	const char *cif_dir;	/* write a CIF per hop here, or NULL */
	int cif_points;		/* points drawn along each hop */
};

void paths_opts_init(struct paths_opts *o);

enum { PATHS_OK = 0, PATHS_BAD = -1, PATHS_NO_ION = 1 };

/*
 * Build the path records of rec into *out (a new JSON array).  Returns
 * PATHS_OK, PATHS_NO_ION (err says so; *out is empty) or PATHS_BAD (err
 * says why; *out is NULL).
 */
int paths_for_record(const json_t *rec, const struct paths_opts *o, json_t **out, struct hk_err *err);

/*
 * The supercell for a path record: its "supercell.matrix" when it has one,
 * else the smallest whose perpendicular widths are all >= min_length (Å)
 * for the given lattice.  -1 when the matrix is malformed or none fits.
 */
int paths_supercell_matrix(const json_t *rec, const double lattice[3][3], double min_length, int m[3][3]);

#endif
