/*
 * fileio.h - whole small files: read into a buffer, write atomically;
 * large ones copied as a stream.
 *
 * For the job directories' text files (INCAR, KPOINTS, OUTCAR, state
 * files).  An atomic write goes to PATH.tmp.PID, is fsynced and renamed
 * over PATH, so a reader sees the old file or the new one, never a part;
 * a writer killed midway leaves only the temporary file (run-vasp sync
 * removes those whose writer is gone).  A batch does the same for many
 * new files with one sync.
 */
#ifndef HK_FILEIO_H
#define HK_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "sbuf.h"

/* Append the rest of stream f to out; -1 on a read error. */
int file_read_stream(FILE *f, struct sbuf *out);

/* Append the whole file to out; -1 (errno set) when it cannot be read. */
int file_read(const char *path, struct sbuf *out);
/*
 * The same for a regular file of at most max bytes (max < 0: any file of
 * any size): -1 with errno EISDIR or EINVAL for a directory or anything
 * else (a FIFO is not waited on), EFBIG when it is larger.
 */
int file_read_max(const char *path, long long max, struct sbuf *out);

/* Write the n bytes at p to path and fsync it (not atomic: for files in a directory renamed into place whole). */
int file_write_sync(const char *path, const void *p, size_t n, struct hk_err *err);

/* A new file path holding the n bytes at p, unsynced; -1 with errno EEXIST (and err) when path exists. */
int file_write_new(const char *path, const void *p, size_t n, struct hk_err *err);

/* 1 when the files at a and b both exist and hold the same bytes, else 0. */
int file_same(const char *a, const char *b);

/* Replace path by the n bytes at p, atomically and durably. */
int file_write_atomic(const char *path, const void *p, size_t n, struct hk_err *err);

/*
 * Many new files made visible and durable together, for the cost of one
 * sync instead of one per file.  file_batch_adopt takes a file written
 * under a temporary name (file_write_new, unsynced).  file_batch_commit
 * makes every pending file durable with one syncfs(2), renames each to
 * its path, in order, and fsyncs their directories.  A crash before the
 * commit leaves only temporary files; once it returns 0 every file is in
 * place, on disk; on -1 the first ones may be, the rest are removed.
 * file_batch_release drops what is pending.  The paths should be on one
 * file system.
 */
struct file_batch {
	char **tmp, **dst;
	size_t n, cap;
};
#define FILE_BATCH_INIT { NULL, NULL, 0, 0 }
/* A temporary file written already (file_write_new), to be renamed to path; both strings become b's. */
void file_batch_adopt(struct file_batch *b, char *tmp, char *path);
int file_batch_commit(struct file_batch *b, struct hk_err *err);
void file_batch_release(struct file_batch *b);

/*
 * Copy the file from to the new file to, streamed (a WAVECAR can be
 * gigabytes) and fsynced; -1 with err, to removed.
 */
int file_copy_sync(const char *from, const char *to, struct hk_err *err);

/* Remove path and, when it is a directory, all below it (links are not followed); -1 if anything stayed. */
int file_remove_tree(const char *path);

#endif
