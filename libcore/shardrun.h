/*
 * shardrun.h - a stage run on each part of a cut table (shard.h): here,
 * one part after another, or on Slurm as one array job.
 *
 * Part K's output DIR/out.K.jsonl is due when it is missing or older than
 * DIR/in.K.jsonl or than one of the after files (what else the stage
 * reads: its parameters).  Each due part runs argv with
 * "-o DIR/out.K.jsonl DIR/in.K.jsonl" appended, from the current
 * directory; the stage writes its output atomically, and the output of a
 * part whose command fails is removed, so that the next run does that
 * part again, alone.
 *
 * slurm: the due parts are the tasks of one array job, submitted with
 * sbatch --wait from the script DIR/run.sbatch, named hk-shard-BASE for
 * DIR's last part (DIR itself of letters, digits and /._+,-): one task each of one
 * process with cpus CPUs, the partition, account, time and extra lines of
 * the settings file's kind shard (slurmconf.h), each task's log
 * DIR/slurm-JOB_K.out.  A task that is cancelled, runs out of time or
 * fails is reported with the last line of its log.
 */
#ifndef HK_SHARDRUN_H
#define HK_SHARDRUN_H

#include "err.h"

struct shard_run {
	const char *dir;
	int n;			/* parts */
	const char *executor;	/* "local" or "slurm" */
	const char *slurm_conf_path;	/* or NULL */
	int cpus;		/* per task, for Slurm; 0: not said */
	char *const *after;
	int nafter;
	char *const *argv;	/* the stage's command, NULL-terminated */
	/* each part that failed, as "part K: why" */
	void (*report)(void *ctx, const struct hk_err *e);
	void *ctx;
};

/* The due parts, ascending, into due (room for o->n); their count. */
int shard_due(const struct shard_run *o, int *due);

/*
 * Run the due parts.  0 when every one succeeded, 1 when some failed
 * (each reported), -1 with err when the run could not start (sbatch
 * refused the job).  *ran: how many were due.
 */
int shard_run_due(const struct shard_run *o, int *ran, struct hk_err *err);

#endif
