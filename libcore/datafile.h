/*
 * datafile.h - find hopkit's data files (parameter tables, INCAR presets).
 *
 * Looked up, in order, under $HOPKIT_SHARE, under ../share beside the
 * running program (a build tree: bin/../share), and under the directory
 * chosen at build time (HOPKIT_SHAREDIR, e.g. /usr/local/share/hopkit).
 */
#ifndef HK_DATAFILE_H
#define HK_DATAFILE_H

#include <stdio.h>

#include "err.h"

/*
 * Open share/<rel> for reading.  If path is not NULL, *path is the path
 * found (the caller frees it), or NULL when nothing is found.
 */
FILE *datafile_open(const char *rel, char **path, struct hk_err *err);

/*
 * Read a tab-separated table: lines starting with # are comments, the
 * first other line names the columns.  fn gets each row's fields (at most
 * 16) and its line number; a non-zero return stops with that value.
 */
typedef int (*datafile_row_fn)(void *ctx, char **field, int nfield, long line);
int datafile_tsv(const char *rel, int ncol, datafile_row_fn fn, void *ctx, struct hk_err *err);

#endif
