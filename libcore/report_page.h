/*
 * report_page.h - what report.c reads of a study, and the page made of it.
 *
 * Internal to report (report.h is the interface): report.c fills a
 * struct rp_study from the study directory, report_page.c writes it as
 * HTML.  Barriers, lengths and estimates that a record does not have are
 * NaN.  Everything is owned by the study.
 */
#ifndef HK_REPORT_PAGE_H
#define HK_REPORT_PAGE_H

#include <stdio.h>

#include "err.h"
#include "jobstate.h"
#include "report.h"
#include "strset.h"

#define RP_NSTAGES 5
#define RP_MAXTIERS 8
#define RP_GROUP_IDS 50		/* ids listed per failure class; the count is of all */

struct rp_group {
	long n;
	char *ids[RP_GROUP_IDS];
};

struct rp_tier {
	char label[2];
	char *state_name, *results_name, *plots_name;	/* relative to the study */
	int has_state, has_results;
	long n[JS_NSTATES];	/* files per state directory */
	long running;		/* of n[JS_ACTIVE], those running (the others are queued) */
	long nresults;
	long nfailed_classified;
	struct strset fail;	/* failure class -> struct rp_group * */
	struct strset corr;	/* error corrected -> count (as intptr_t) */
};

struct rp_row {
	char *id, *formula;
	char *structure;	/* its POSCAR, relative to the study, or NULL */
	double length, cheap, best;
	double barrier[RP_MAXTIERS];
	unsigned plots;		/* bit k: tier k's profile exists */
};

struct rp_day {
	long day;		/* days since 1970-01-01, UTC */
	long done, failed;
};

struct rp_study {
	const struct report_opts *o;
	char *name;		/* the study directory's absolute path, for the page's title */
	long stage[RP_NSTAGES];	/* records per stage table, -1 when missing */
	struct rp_tier tier[RP_MAXTIERS];
	int ntiers;
	struct rp_row *rows;	/* in the default ranking once read */
	long nrows;
	size_t caprows;
	struct strset ids;	/* id -> row index + 1 */
	struct rp_day *days;	/* sorted by day */
	long ndays;
	long nbad;
};

/* The best barrier known of r: the highest tier's that has one, else NaN. */
double rp_best(const struct rp_study *st, const struct rp_row *r);

void rp_tier_release(struct rp_tier *t);

/* Write the page; -1 with err on a write error. */
int rp_page_write(FILE *out, const struct rp_study *st, struct hk_err *err);

#endif
