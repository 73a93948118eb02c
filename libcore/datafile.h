/*
 * datafile.h - find hopkit's data files (parameter tables, INCAR presets)
 * and read their tables, checked.
 *
 * Looked up, in order, under $HOPKIT_SHARE, under ../share beside the
 * running program (a build tree: bin/../share), and under the directory
 * chosen at build time (HOPKIT_SHAREDIR, e.g. /usr/local/share/hopkit).
 *
 * A checked table (datafile_load) says what each column holds -- an
 * element, an integer or a real number within a range -- and which columns
 * make the key no two rows may share.  A row that breaks a rule is not
 * used: it is added, with its file and line, to the caller's issues, and
 * the other rows are read.  Only a table that cannot be used at all (not
 * found, a header other than the one expected, no good row) fails.
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

enum datafile_kind {
	DF_TEXT,		/* anything but an empty field */
	DF_ELEMENT,		/* an element symbol; its value is the atomic number */
	DF_INT,			/* a base-10 integer within [lo, hi] */
	DF_REAL,		/* a finite number within [lo, hi], or (lo, hi] when open_lo */
};

struct datafile_col {
	const char *name;	/* as the header spells it */
	enum datafile_kind kind;
	double lo, hi;
	int open_lo;
	const char *why;	/* what a value out of range means, or NULL */
};

#define DATAFILE_MAXCOL 16

struct datafile_table {
	const char *rel;	/* under share/ */
	int ncol;		/* at most DATAFILE_MAXCOL */
	const struct datafile_col *col;
	unsigned key;		/* bit k set: column k is part of the unique key */
	/*
	 * A rule across columns, or NULL: the reason a row breaks it (written
	 * into why, at most n bytes) and 1, or 0 when the row is good.
	 */
	int (*row_check)(char **field, const double *val, char *why, size_t n);
};

/* The bad rows of the tables read: each with its file, line and reason. */
struct datafile_issues {
	struct hk_err *v;
	int n;
};

#define DATAFILE_ISSUES_INIT { NULL, 0 }

void datafile_issues_release(struct datafile_issues *is);

/*
 * Takes a good row: its fields as text and val[k], the number in column k
 * (the atomic number of an element, 0 for text).  Non-zero stops the load.
 */
typedef int (*datafile_take_fn)(void *ctx, char **field, const double *val, long line);

/*
 * Read table t, checked as above, passing each good row to fn.  -1 with
 * err (file and line where known) when the table cannot be used or fn
 * stopped; the bad rows are added to issues in either case.
 */
int datafile_load(const struct datafile_table *t, datafile_take_fn fn, void *ctx, struct datafile_issues *issues,
    struct hk_err *err);

#endif
