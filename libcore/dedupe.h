/*
 * dedupe.h - recognise structures already seen.
 *
 * Two structures are the same when they have the same id, or the same
 * reduced formula, space group and Wyckoff sequence, and standardised
 * conventional cells within 1 % in every length and 1 degree in every
 * angle, with volumes per atom within 1 %.  Only these fingerprints are
 * kept, not the structures.
 */
#ifndef HK_DEDUPE_H
#define HK_DEDUPE_H

#include "cell.h"
#include "symmetry.h"

struct dedupe;

struct dedupe *dedupe_new(void);
void dedupe_free(struct dedupe *d);

/* 1 if seen before (nothing added), else 0 and remembered. */
int dedupe_seen(struct dedupe *d, const char *id, const char *formula,
    const struct cell *c, const struct symmetry *sym);

#endif
