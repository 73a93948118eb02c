/*
 * measure.h - cheap descriptors of a hop (the work of measure).
 *
 * For path records that share a structure (one symmetry analysis and one
 * bond-valence analysis serve them all), adds a "measures" object to each:
 * oxidation_state(s) (bv.h), dimensionality of the hop's own symmetry
 * family and of every hop no longer than it (percolate.h), and along the
 * hop -- vacancy mechanism, in the record's supercell, 7 images IDPP-relaxed
 * (idpp.h, every atom moving) -- the Ewald site energy of the moving ion
 * relative to the start (its maximum), the change of the largest ionic-
 * radii overlap with cations and with anions within 8 Å (the change of
 * largest magnitude, signed), and the softBV barrier (max - start).  A
 * descriptor that cannot be computed, or whose value is not finite or
 * beyond its bound (bounds.h: a softBV energy further than HK_BARRIER_MAX
 * from the start's), is null with its reason under measures.errors; the
 * others are still computed.  The tables' rows left out at load are in
 * the tables' issues (bv.h, bvse.h), for the caller to report.
 */
#ifndef HK_MEASURE_H
#define HK_MEASURE_H

#include <jansson.h>

#include "bv.h"
#include "bvse.h"
#include "err.h"
#include "idpp.h"

/* One bit per descriptor (a row of measure.c's table). */
enum {
	MEASURE_OXIDATION = 1,
	MEASURE_DIMENSIONALITY = 2,
	MEASURE_EWALD = 4,
	MEASURE_OVERLAP = 8,
	MEASURE_BVSE = 16,
	MEASURE_ALL = 31,
};

struct measure_opts {
	unsigned what;		/* MEASURE_* bits */
	int nimages;		/* interior images (5: 7 with the endpoints) */
	double symprec;
	double ewald_tol;
	double overlap_cutoff;	/* Å */
	double bvse_cutoff;	/* Å */
	double min_length;	/* supercell width when the record has none */
	const char *images_dir;	/* write each path's images here, or NULL */
	int network;		/* add the edge lists behind the dimensionalities */
	struct idpp_opts idpp;
};

void measure_opts_init(struct measure_opts *o);

/* The parameter tables, loaded once and shared read-only. */
struct measure_tables {
	struct bv_tables bv;
	struct bvse_tables bvse;
};

int measure_tables_load(struct measure_tables *t, struct hk_err *err);
void measure_tables_release(struct measure_tables *t);

/*
 * Parse "oxidation_state,ewald_energy,..." into MEASURE_* bits.  Each name
 * is a field of "measures" and selects the descriptor writing it (with its
 * other fields); -1 with err naming the first unknown name.
 */
int measure_parse_only(const char *list, unsigned *what, struct hk_err *err);

/*
 * Add measures to the n records (same structure_id, same structure).
 * -1 when the structure itself cannot be read (err set, records untouched).
 */
int measure_group(json_t **recs, int n, const struct measure_opts *o, const struct measure_tables *t,
    struct hk_err *err);

#endif
