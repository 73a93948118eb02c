/*
 * executor.h - where jobs run: local processes or Slurm.
 *
 * local: "run-vasp run" forked in a session of its own (its process group
 * is its id), detached, its output
 * in the job directory's run-vasp.log; alive while that process exists
 * with the start time recorded.  slurm: a batch script per job in the job
 * directory (partition, account, nodes, tasks, walltime and extra lines
 * per job kind), submitted with sbatch --parsable; its state from
 * squeue -t all (a job squeue no longer knows is gone); scancel to abort.
 * The calculators a run starts have process groups of their own (the run
 * records the current one as calc_pgid, calc_start): an abort stops both.
 */
#ifndef HK_EXECUTOR_H
#define HK_EXECUTOR_H

#include <jansson.h>

#include "err.h"

struct exec_opts {
	const char *kind;	/* "local" or "slurm" */
	const char *root;	/* state directory, absolute */
	const char *self;	/* this program, absolute */
	const char *calculator;
	double walltime;	/* s, 0: none */
	double frozen_after;
	int max_errors;
	const char *slurm_conf_path;	/* "KIND KEY VALUE" lines (slurmconf.h), or NULL */
	double poll;		/* s between the run's checks */
};

/*
 * Start job rec (in active/, state queued).  Fills executor, exec_id (pid
 * or Slurm id) and submitted into rec.  A local run waits until the caller
 * has saved rec and called exec_release(*hold); if the caller dies first
 * the run exits without starting.  *hold is -1 when there is nothing to
 * release.  -1 on failure.
 */
int exec_start(const struct exec_opts *o, json_t *rec, int *hold, struct hk_err *err);
void exec_release(int hold);

/*
 * Is the job's run still alive?  1 yes, 0 no (why in reason), -1 unknown
 * (the scheduler cannot be asked).  *sched gets Slurm's state when known.
 */
int exec_alive(const json_t *rec, char *reason, size_t n, char *sched, size_t sn);

/* Stop the job's run (its process group and its calculator's, or scancel). */
int exec_abort(const json_t *rec, struct hk_err *err);

/*
 * A process group, named by its leader's pid and start time (as
 * exec_proc_start gives it; 0: not known).  exec_group_alive: 1 while a
 * process of the group lives; a live leader started at another time is a
 * new process that got the number, not the group.  exec_group_stop:
 * SIGTERM to the group, SIGKILL after grace seconds; 1 when there was a
 * group to stop, 0 when none was left.
 */
int exec_group_alive(long pgid, unsigned long long start);
int exec_group_stop(long pgid, unsigned long long start, double grace);

/* Run argv, capturing its standard output (and error); its exit status, 128 when killed, -1. */
struct sbuf;
int exec_capture(char *const argv[], struct sbuf *out, struct sbuf *errout);
/* s in single quotes for sh, appended to sb. */
void exec_shell_quote(struct sbuf *sb, const char *s);
/* The #SBATCH lines of c (nodes and ntasks only when tasks) and its extra lines. */
struct slurm_conf;
void exec_sbatch_settings(struct sbuf *s, const struct slurm_conf *c, int tasks);

/* The start time of a process (clock ticks since boot), 0 when it does not exist. */
unsigned long long exec_proc_start(long pid);

#endif
