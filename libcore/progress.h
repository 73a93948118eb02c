/*
 * progress.h - when to show progress, and what it says.
 *
 * Pure functions of counts and times (seconds on a monotonic clock, given
 * by the caller): the command layer reads the clock and prints.  Two
 * manners: alone on a terminal, one line redrawn a few times a second; in
 * a pipeline (several programs sharing the terminal), a full line every
 * few seconds, so that no program overwrites another's.
 */
#ifndef HK_PROGRESS_H
#define HK_PROGRESS_H

#include "sbuf.h"

#define PROGRESS_REDRAW 0.25	/* seconds between redraws of a line of its own */
#define PROGRESS_LINES 3.0	/* seconds between lines in a pipeline */

struct progress {
	double start;		/* when the run began */
	double last;		/* when progress was last shown; start before */
	double interval;
	int lines;		/* full lines (a pipeline), else one redrawn line */
	long shown;		/* updates shown */
};

void progress_init(struct progress *p, double now, int lines);

/* 1 (and the update counted as shown) when one is due at now. */
int progress_due(struct progress *p, double now);

/* "45s", "3m05s", "2h04m" */
void progress_duration(struct sbuf *sb, double seconds);

/*
 * "4120 of ~9750 paths, 42%, 310/s, ETA 18s": n things counted so far
 * after elapsed seconds, frac the part of the input read (0..1, or < 0
 * when the size is unknown: then the count and the rate).  The estimate
 * of the total, the rate and the ETA appear once they mean something.
 */
void progress_format(struct sbuf *sb, long n, const char *what, double frac, double elapsed);

#endif
