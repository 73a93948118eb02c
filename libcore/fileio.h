/*
 * fileio.h - whole small files: read into a buffer, write atomically;
 * large ones copied as a stream.
 *
 * For the job directories' text files (INCAR, KPOINTS, OUTCAR, state
 * files).  An atomic write goes to PATH.tmp.PID, is fsynced and renamed
 * over PATH, so a reader sees the old file or the new one, never a part;
 * a writer killed midway leaves only the temporary file (run-vasp sync
 * removes those whose writer is gone).
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

/* Write the n bytes at p to path and fsync it (not atomic: for files in a directory renamed into place whole). */
int file_write_sync(const char *path, const void *p, size_t n, struct hk_err *err);

/* Replace path by the n bytes at p, atomically and durably. */
int file_write_atomic(const char *path, const void *p, size_t n, struct hk_err *err);

/*
 * Copy the file from to the new file to, streamed (a WAVECAR can be
 * gigabytes) and fsynced; -1 with err, to removed.
 */
int file_copy_sync(const char *from, const char *to, struct hk_err *err);

/* Remove path and, when it is a directory, all below it (links are not followed); -1 if anything stayed. */
int file_remove_tree(const char *path);

#endif
