/*
 * tarball.h - a job directory packed into DIR/<id>.tar.gz, checked, removed.
 *
 * The archive holds each regular file of the directory as member
 * <id>/<path in the directory> (pax, gzip-compressed); restart and charge
 * files (WAVECAR, CHGCAR, ... and their compressed forms) are left out
 * unless keep_large is set.  It is written under a temporary name
 * (<id>.tar.gz.tmp.PID), fsynced and renamed, so DIR/<id>.tar.gz is whole
 * whenever it exists.  It is then read back and every member compared
 * byte for byte with its file; only then is the directory removed, with
 * job.json last, so a directory cut short by a crash still names its job.
 * A crash at any point leaves the directory, a complete archive, or both;
 * tarball_pack run again finishes the work.  Paths are heap strings of
 * any length; errors name the file concerned.
 */
#ifndef HK_TARBALL_H
#define HK_TARBALL_H

#include "err.h"

/* The archive's path for job id: archive_dir/<id>.tar.gz (caller frees). */
char *tarball_path(const char *archive_dir, const char *id);

/*
 * A job's archive at path opened for reading its members in place (tar,
 * any compression); NULL with err.  The caller frees it with
 * archive_read_free.
 */
struct archive;
struct archive *tarball_open_read(const char *path, struct hk_err *err);

/*
 * Write the files of dir (named <id>/...) into the archive at path,
 * atomically, replacing any file there.
 */
int tarball_write(const char *dir, const char *id, int keep_large, const char *path, struct hk_err *err);

/*
 * Read the archive at path back, whole: each file of dir that
 * tarball_write takes must be there as <id>/... with the same bytes.  A
 * file gone from dir since (removed by an interrupted tarball_pack) is
 * not checked; members without a file are ignored.
 */
int tarball_verify(const char *path, const char *dir, const char *id, int keep_large, struct hk_err *err);

/*
 * Pack job directory dir into archive_dir/<id>.tar.gz (unless that exists:
 * a run killed after writing it), verify it, then remove dir.  On success
 * *archive gets the archive's path (caller frees); on failure *archive is
 * NULL and dir is still there unless the error says it was removed in part.
 */
int tarball_pack(const char *dir, const char *id, const char *archive_dir, int keep_large, char **archive,
    struct hk_err *err);

#endif
