/*
 * fetch.h - turn structure sources into structure records.
 *
 * For every structure found in the sources (see source.h): read it (CIF,
 * POSCAR, pymatgen/Materials Project JSON, hopkit records), wrap its
 * coordinates, optionally sanitise it as the fluoride study did, drop it
 * if atoms overlap, apply the element/size/stability filters, optionally
 * drop duplicates, and build the record: id, formula, nsites, spacegroup,
 * e_above_hull, source, passed-through fields, structure.
 *
 * Good records go to the output callback, bad ones to the diagnostic
 * callback; either may stop the run by returning non-zero.
 */
#ifndef HK_FETCH_H
#define HK_FETCH_H

#include <jansson.h>

#include "elements.h"
#include "err.h"
#include "hklimits.h"

struct fetch_opts {
	unsigned char all[ELEM_MAX + 1];	/* must contain all of these */
	unsigned char any[ELEM_MAX + 1];	/* must contain one of these (if any set) */
	unsigned char none[ELEM_MAX + 1];	/* must contain none of these */
	int has_any;
	long max_sites;		/* 0: no limit */
	long max_nelements;	/* 0: no limit */
	double max_ehull;	/* eV/atom */
	int has_max_ehull;
	int sanitize;
	double symprec;		/* Å */
	double min_distance;	/* Å; closer atoms are an overlap */
	int dedupe;
	int skip_disorder;	/* disordered structures are skipped, not errors */
	struct hk_limits lim;	/* what a source may hold (hklimits.h) */
};

void fetch_opts_init(struct fetch_opts *o);

struct fetch_stats {
	long found;		/* structures read, good or bad */
	long written;
	long filtered;		/* dropped by a filter */
	long duplicates;
	long skipped;		/* disordered, with skip_disorder */
	long bad;
};

/* rec is borrowed; return non-zero to stop. */
typedef int (*fetch_out_fn)(void *ctx, const json_t *rec);
/* code is HK_E_BAD or HK_E_DISORDER; skipped says it is only a note. */
typedef int (*fetch_diag_fn)(void *ctx, const struct hk_err *err, int skipped);

struct fetch;

struct fetch *fetch_new(const struct fetch_opts *o, fetch_out_fn out, fetch_diag_fn diag, void *ctx);
void fetch_free(struct fetch *f);

/* Walk one source.  Returns 0, or the non-zero value a callback returned. */
int fetch_source(struct fetch *f, const char *path);

const struct fetch_stats *fetch_stats(const struct fetch *f);

/* Parse "F,Cl,Br" into a set; -1 with err naming the bad symbol. */
int fetch_parse_elements(const char *list, unsigned char set[ELEM_MAX + 1], struct hk_err *err);

#endif
