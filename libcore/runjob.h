/*
 * runjob.h - run a job's calculations, custodian-style.
 *
 * What "run-vasp run" does inside a job directory: mark the job running,
 * run the calculator in each image directory (start, mid, end for static3;
 * the job directory for neb) with standard output to vasp.out and standard
 * error to std_err.txt, and watch it: a known VASP error in the outputs
 * (errwatch.h: those two and OUTCAR, an NEB's in each image 01..N) stops
 * it, as does output that stops growing (frozen) or the walltime (after a
 * STOPCAR shortly before).  Errors are corrected -- outputs kept in
 * error.N/ (an NEB's images' in error.N/01..N, its endpoints' never moved
 * or removed), INCAR/KPOINTS/POSCAR changed (vasp_errors.h, which keeps
 * POTIM and IBRION for VTST) -- and the image restarted, up to max_errors
 * times per image.  The job ends done when every image
 * has a finished, converged result, else failed, with the exit status,
 * wall time, the errors seen and the corrections applied in its state file;
 * last_error says why, with the calculator's last line on standard error
 * (else its output) when no known error explains it.  Each attempt is an
 * entry of the state file's "history": host, pid, executor and its id,
 * start, end, state, error, and every calculator run (image, start, end,
 * exit status, why it was stopped).
 *
 * No orphans, no two calculators in one directory: the run holds the job
 * directory's lock (js_dir_lock; a held lock fails the job unrun), and
 * each calculator inherits it, runs in a process group of its own recorded
 * as calc_pgid before it starts, gets SIGTERM when the run dies, and is
 * stopped with its whole group when it is stopped (what it leaves behind
 * in its group goes too).  SIGTERM, SIGINT or SIGHUP stop the calculator;
 * the job's file is left in active/ as failed ("interrupted by SIGTERM"),
 * for abort to move to aborted or sync to failed.
 */
#ifndef HK_RUNJOB_H
#define HK_RUNJOB_H

#include "err.h"

struct runjob_opts {
	const char *calculator;	/* shell command, e.g. "srun vasp_std" */
	double walltime;	/* s; 0: none */
	double stop_before;	/* s before the walltime to write STOPCAR */
	double frozen_after;	/* s without output growth; 0: never */
	int max_errors;
	double poll;		/* s between checks */
};

void runjob_opts_init(struct runjob_opts *o);

/* Run job id of state directory root (it must be active).  0: done; 1: failed; -1: error. */
int runjob(const char *root, const char *id, const struct runjob_opts *o, struct hk_err *err);

#endif
