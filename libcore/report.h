/*
 * report.h - a study directory as one self-contained HTML page.
 *
 * The study directory is laid out as scripts/pipeline.mk makes it: the
 * stage tables structures, paths, measured, queue and jobs (.jsonl), tier
 * A's run-vasp state directory jobs/ and table results.jsonl with its
 * profiles in plots/, and for each further tier X (B, C ...) jobs-X/,
 * results-X.jsonl and plots-X/; scripts/topup's tiers file and topup.log.
 * Whatever is missing is a section that says "not yet".
 *
 * The page has no external resource (inline CSS, SVG and script): the
 * funnel of counts and the jobs finished per day, the barrier table (one
 * row per hop with a result, its first rows as HTML, all of them as JSON
 * for the script that sorts, filters and pages it), failures by class
 * (jobcause.h) with the corrections applied, and cheap estimate against
 * DFT barrier.  Every text from the files is escaped (html.h).
 *
 * Files are read one record at a time; what is kept is a few numbers per
 * hop, so 100 000 jobs make a page in a second or two.  A corrupt state
 * file or record is given to bad (file and line), left out, and counted.
 */
#ifndef HK_REPORT_H
#define HK_REPORT_H

#include <stdio.h>

#include "err.h"

struct report_opts {
	const char *dir;	/* the study directory */
	const char *base;	/* the study directory as a link from the page ("" or ending in '/') */
	int static_rows;	/* rows of the table written as HTML (for a reader without script) */
	int page_rows;		/* rows per page of the script's table */
	void (*bad)(void *ctx, const struct hk_err *e);
	void *ctx;
};

#define REPORT_OPTS_INIT { ".", "", 100, 100, NULL, NULL }

/*
 * Write the page for o->dir to out.  The number of corrupt files and
 * records (each given to o->bad), or -1 with err when the study cannot be
 * read or out cannot be written.
 */
long report_write(FILE *out, const struct report_opts *o, struct hk_err *err);

/*
 * The link from a page written at page_path to the directory dir: "" when
 * the page is in dir, else a relative path ending in '/' (or dir's absolute
 * path when they share nothing).  The caller frees it; NULL with err when
 * dir or the page's directory does not exist.
 */
char *report_base(const char *page_path, const char *dir, struct hk_err *err);

#endif
