/*
 * errwatch.h - the known VASP errors in a calculation's outputs, read as they grow.
 *
 * A calculation in dir writes vasp.out and std_err.txt there, and OUTCAR
 * there or, for an NEB of nimages images, one in each of dir/01 ...
 * dir/N (the endpoints dir/00 and dir/N+1 are not computed, and not
 * read).  Each update reads only what a file gained since the last one
 * (plus the length of the longest message, for one cut between reads) and
 * looks for vasp_errors.h's messages: OUTCARs with verr_detect_outcar,
 * the others with verr_detect.  A file that was there before the watch
 * began is an earlier attempt's until it changes, and is then read from
 * its start; one that shrinks was rewritten and is read again from its
 * start.  The keys found stay found, each with the file it was first
 * seen in ("vasp.out", "03/OUTCAR").
 */
#ifndef HK_ERRWATCH_H
#define HK_ERRWATCH_H

#include <sys/types.h>
#include <time.h>

#include "vasp_errors.h"

struct errwatch_file {
	char *path, *label;
	int outcar;
	int fresh;		/* written during this watch */
	off_t done;		/* bytes read */
	off_t size0;		/* as the watch began: size and change time, -1 if absent */
	struct timespec mtime0;
};

struct errwatch {
	struct errwatch_file *f;
	int nf;
	const char *keys[VERR_MAX];
	const char *where[VERR_MAX];	/* labels, owned by f */
	int nk;
};

/* Watch the calculation in dir (nimages > 0: an NEB's images dir/01 ...). */
void errwatch_init(struct errwatch *w, const char *dir, int nimages);

/* Read what the files gained; how many errors are known now (w->keys). */
int errwatch_update(struct errwatch *w);

void errwatch_release(struct errwatch *w);

#endif
