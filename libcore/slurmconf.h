/*
 * slurmconf.h - the sbatch settings file of run-vasp's Slurm executor.
 *
 * One setting a line, "KIND KEY VALUE": KIND is a job kind (static3, neb,
 * relax), shard (the array tasks of shard run: no nodes or ntasks, each
 * is one process) or * for every kind; KEY is partition, account, time, nodes,
 * ntasks or line (VALUE, the rest of the line, copied into the batch
 * script as is).  Blank lines and lines whose first non-blank is # are
 * skipped.  The reader is strict: an unknown kind or key, a value that is
 * not one (a partition with blanks, a time Slurm would refuse, nodes 0), a
 * key given twice for one KIND, a control character or a line over
 * SLURMCONF_LINE_MAX bytes stops it, with a message "FILE:LINE: what"
 * (the message is shown as it is).  Every line is checked, whatever the
 * kind asked for.  For a kind, its own setting of a key wins over *'s.
 */
#ifndef HK_SLURMCONF_H
#define HK_SLURMCONF_H

#include <stddef.h>

#include "err.h"

#define SLURMCONF_LINE_MAX 1024
#define SLURMCONF_FILE_MAX (1 << 20)

struct slurm_conf {
	char partition[64], account[64], time[32];
	int nodes, ntasks;	/* 0: not set */
	char *lines;		/* extra #SBATCH or setup lines, newline-terminated; NULL: none */
};

/*
 * The settings for jobs of kind (any string; "" matches only *) in the n
 * bytes at text, read as the file name (for messages).  c is filled from
 * scratch; release it with slurmconf_release, also after a failure.  -1
 * with err on the first bad line.
 */
int slurmconf_parse(const char *text, size_t n, const char *name, const char *kind, struct slurm_conf *c,
    struct hk_err *err);

/*
 * slurmconf_parse on the file at path.  NULL is an empty configuration; a
 * file that cannot be read (or is over SLURMCONF_FILE_MAX) is an error.
 */
int slurmconf_read(const char *path, const char *kind, struct slurm_conf *c, struct hk_err *err);

void slurmconf_release(struct slurm_conf *c);

#endif
