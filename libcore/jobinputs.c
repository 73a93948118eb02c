/* jobinputs.c - what a job's directory must hold before run-vasp takes it (jobinputs.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "jobinputs.h"
#include "jobstate.h"
#include "kpfile.h"
#include "sbuf.h"
#include "vasp_in.h"
#include "xalloc.h"

/* 1 when dir/name is a regular file with something in it. */
static int
has_file(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	int ok = stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;

	free(path);
	return ok;
}

/*
 * dir/name read whole into t: -1 (err) when it is missing, not a regular
 * file, or larger than JOBIN_FILE_MAX.
 */
static int
read_input(const char *dir, const char *name, struct sbuf *t, struct hk_err *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = file_read_max(path, JOBIN_FILE_MAX, t);

	if (rc == 0)
		goto out;
	if (errno == ENOENT)
		err_set(err, "%s has no %s", dir, name);
	else if (errno == EISDIR || errno == EINVAL)
		err_set(err, "%s is not a regular file", path);
	else if (errno == EFBIG)
		err_set(err, "%s is larger than %ld bytes: not a %s", path, JOBIN_FILE_MAX, name);
	else
		err_set(err, "%s: %s", path, strerror(errno));
out:
	free(path);
	return rc;
}

/*
 * A reader's error with its file and line put into the message: the
 * caller's own location (the job record's) takes err's place.
 */
static int
located(struct hk_err *err, const struct hk_err *e)
{
	err_set(err, "%s:%ld: %s", e->file, e->line, e->msg);
	return -1;
}

/* The INCAR of dir, parsed into in. */
static int
read_incar(const char *dir, struct incar *in, struct hk_err *err)
{
	struct sbuf t = SBUF_INIT;
	struct hk_err perr = HK_ERR_INIT;
	char *path = xasprintf("%s/INCAR", dir);
	int rc = read_input(dir, "INCAR", &t, err);

	if (rc == 0 && (rc = incar_parse(in, t.s ? t.s : "", path, &perr)) == -1)
		located(err, &perr);
	free(path);
	sbuf_release(&t);
	return rc;
}

/* A KPOINTS VASP reads, unless in sets KSPACING (VASP then makes the grid). */
static int
check_kpoints(const char *dir, const struct incar *in, struct hk_err *err)
{
	struct sbuf t = SBUF_INIT;
	struct hk_err perr = HK_ERR_INIT;
	struct kpfile kp;
	char *path;
	int rc;

	if (incar_get(in, "KSPACING") != NULL && !has_file(dir, "KPOINTS"))
		return 0;
	if (read_input(dir, "KPOINTS", &t, err) == -1) {
		sbuf_release(&t);
		return -1;
	}
	path = xasprintf("%s/KPOINTS", dir);
	if ((rc = kpf_parse(t.s ? t.s : "", path, &kp, &perr)) == -1)
		located(err, &perr);
	free(path);
	sbuf_release(&t);
	return rc;
}

/* INCAR, KPOINTS and POTCAR (or POTCAR.spec) of dir; the INCAR left in in. */
static int
check_common(const char *dir, struct incar *in, struct hk_err *err)
{
	if (read_incar(dir, in, err) == -1 || check_kpoints(dir, in, err) == -1)
		return -1;
	if (!has_file(dir, "POTCAR") && !has_file(dir, "POTCAR.spec")) {
		err_set(err, "%s has neither POTCAR nor POTCAR.spec", dir);
		return -1;
	}
	return 0;
}

/* Image directories 00 ... N+1, N from the INCAR's IMAGES, each with a POSCAR. */
static int
check_images(const char *dir, const struct incar *in, struct hk_err *err)
{
	long n = 0;

	if (incar_get_long(in, "IMAGES", 1, HK_MAX_IMAGES, 0, &n, err) == -1 || n == 0) {
		if (n == 0)
			err_set(err, "%s/INCAR sets no IMAGES (an NEB needs 1 to %d)", dir, HK_MAX_IMAGES);
		else
			err_prefix(err, "%s", dir);
		return -1;
	}
	for (long k = 0; k <= n + 1; k++) {
		char name[32];

		snprintf(name, sizeof(name), "%02ld/POSCAR", k);
		if (!has_file(dir, name)) {
			err_set(err, "%s has no %s (IMAGES = %ld: images 00 to %02ld)", dir, name, n, n + 1);
			return -1;
		}
	}
	return 0;
}

/* One directory VASP runs in: its inputs, and for a single point or relaxation its POSCAR. */
static int
check_run_dir(const char *dir, int neb, struct hk_err *err)
{
	struct incar in = INCAR_INIT;
	int rc = check_common(dir, &in, err);

	if (rc == 0 && neb)
		rc = check_images(dir, &in, err);
	else if (rc == 0 && !has_file(dir, "POSCAR")) {
		err_set(err, "%s has no POSCAR", dir);
		rc = -1;
	}
	incar_release(&in);
	return rc;
}

int
jobin_check(const char *dir, const char *kind, int waiting, struct hk_err *err)
{
	const char *const *runs = js_run_dirs(kind);
	int neb = kind && strcmp(kind, "neb") == 0;

	if (waiting) {
		struct incar in = INCAR_INIT;
		int rc = check_common(dir, &in, err);

		incar_release(&in);
		return rc;
	}
	for (int k = 0; runs[k]; k++) {
		struct stat st;
		char *d = strcmp(runs[k], ".") == 0 ? xstrdup(dir) : xasprintf("%s/%s", dir, runs[k]);
		/* the directory is looked at only when its inputs are not there: adds of many jobs are faster */
		int rc = check_run_dir(d, neb, err);

		if (rc == -1 && (stat(d, &st) == -1 || !S_ISDIR(st.st_mode)))
			err_set(err, "%s has no %s (a static3 job runs in start, mid and end)", dir, runs[k]);
		free(d);
		if (rc == -1)
			return -1;
	}
	return 0;
}
