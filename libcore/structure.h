/*
 * structure.h - a crystal structure as read from a source, with metadata.
 *
 * Readers (cif, poscar, mpjson) hand each structure they find to a
 * callback, good or bad, so that one bad block of a file never hides the
 * good ones.  The callback borrows the structure; it must copy what it
 * keeps.
 */
#ifndef HK_STRUCTURE_H
#define HK_STRUCTURE_H

#include <jansson.h>

#include "cell.h"
#include "err.h"

/* err->line/file say where; err_code tells a skip from an error. */
enum { HK_E_BAD = 0, HK_E_DISORDER = 1 };

struct structure {
	struct cell cell;
	char *id;		/* from the source (MP id, record id), or NULL */
	char *name;		/* data block / comment line title, or NULL */
	double e_above_hull;	/* eV/atom; valid when has_ehull */
	int has_ehull;
	json_t *extra;		/* fields passed through from a JSON source, or NULL */
	long line;		/* where the structure starts in its source */
};

#define STRUCTURE_INIT { CELL_INIT, NULL, NULL, 0, 0, NULL, 0 }

void structure_release(struct structure *s);

/*
 * Called once per structure found: s != NULL for a good one, else err
 * describes the bad one (code is HK_E_BAD or HK_E_DISORDER).  A non-zero
 * return stops the reader, which then returns that value.
 */
typedef int (*structure_fn)(void *ctx, struct structure *s, const struct hk_err *err, int code);

#endif
