/*
 * finished.h - whether a job is finished, and a stamp of what its result
 * is read from.
 *
 * run-vasp's state directory (jobstate.h) says where each job is.  It is
 * read once, by file names only, so asking about n jobs costs n lookups,
 * not n directory scans.  A job is finished when run-vasp has it done,
 * failed or aborted; one it does not know (or without a state directory)
 * when its outputs are complete, which only reading them can tell.  An
 * archive is finished: collect packs only done jobs, and an archive never
 * changes.
 *
 * A stamp is a digest of everything a job's result is read from: size,
 * modification time and inode of job.json and of each image's output
 * files (or of the archive), and of the job's state file.  Two equal
 * stamps mean the result would come out the same, so it is not read again.
 */
#ifndef HK_FINISHED_H
#define HK_FINISHED_H

#include "err.h"

struct runs;

/* The jobs of state directory root; NULL with err when it cannot be read. */
struct runs *runs_load(const char *root, struct hk_err *err);
void runs_free(struct runs *r);

/* Job id's state (enum js_state), -1 when unknown; *file its state file (owned by r) when not NULL. */
int runs_state(const struct runs *r, const char *id, const char **file);

/* 1: finished; 0: not yet; -1: unknown (only its outputs can say).  r may be NULL. */
int runs_finished(const struct runs *r, const char *id, int is_archive);

/*
 * The id of the job at path: job.json's, the archive's name up to .tar.gz,
 * or for a run without a job record runread.h's id of its path.  NULL with err.
 */
char *job_id_peek(const char *path, struct hk_err *err);

/* The stamp of the job at path, with its state file (NULL: none); the caller frees it. */
char *job_stamp(const char *path, const char *state_file);

#endif
