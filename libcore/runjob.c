#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "jobstate.h"
#include "jsonw.h"
#include "linerd.h"
#include "runjob.h"
#include "sbuf.h"
#include "vasp_errors.h"
#include "vasp_out.h"
#include "xalloc.h"

void
runjob_opts_init(struct runjob_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->calculator = getenv("VASP_CMD") && *getenv("VASP_CMD") ? getenv("VASP_CMD") : "vasp_std";
	o->stop_before = 300;
	o->frozen_after = 3600;
	o->max_errors = 5;
	o->poll = 1;
}

static ssize_t
fd_pull(void *ctx, void *buf, size_t n)
{
	return read(*(int *)ctx, buf, n);
}

static int outcar_finished(const char *dir, int *nonconverged);

/*
 * Whether the calculation in dir is finished.  An NEB keeps its OUTCARs in
 * the image folders 01 ... N (00 and N+1 hold the endpoints): all of them
 * must be finished.  Otherwise the directory's own OUTCAR.
 */
static int
image_finished(const char *dir, int *nonconverged)
{
	struct sbuf p = SBUF_INIT;
	struct stat st;
	int last = 0, done = 1;

	*nonconverged = 0;
	for (int k = 1; k < 100; k++) {
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/%02d", dir, k);
		if (stat(p.s, &st) == -1 || !S_ISDIR(st.st_mode))
			break;
		last = k;
	}
	if (last < 2)
		done = outcar_finished(dir, nonconverged);
	for (int k = 1; k < last && done; k++) {
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/%02d", dir, k);
		done = outcar_finished(p.s, nonconverged);
	}
	sbuf_release(&p);
	return done;
}

/* The OUTCAR of dir: finished with an energy and converged. */
static int
outcar_finished(const char *dir, int *nonconverged)
{
	struct sbuf p = SBUF_INIT;
	struct vasp_run r;
	struct hk_err e = HK_ERR_INIT;
	int fd, ok = 0;

	*nonconverged = 0;
	sbuf_addf(&p, "%s/OUTCAR", dir);
	if ((fd = open(p.s, O_RDONLY)) >= 0) {
		vasp_run_init(&r);
		ok = outcar_parse(fd_pull, &fd, p.s, &r, &e) == 0 && r.finished && !r.stopped;
		close(fd);
	}
	sbuf_release(&p);
	if (ok && r.converged_electronic == 0) {
		*nonconverged = 1;
		return 0;
	}
	return ok;
}

/* Known errors in vasp.out and std_err.txt of dir. */
static int
errors_in(const char *dir, const char **keys, int max)
{
	static const char *const files[] = { "vasp.out", "std_err.txt", NULL };
	int n = 0;

	for (int i = 0; files[i] && n < max; i++) {
		struct sbuf p = SBUF_INIT, t = SBUF_INIT;
		sbuf_addf(&p, "%s/%s", dir, files[i]);
		if (file_read(p.s, &t) == 0 && t.len) {
			const char *k[VERR_MAX];
			int m = verr_detect(t.s, t.len, k, VERR_MAX);
			for (int j = 0; j < m && n < max; j++) {
				int dup = 0;
				for (int q = 0; q < n; q++)
					dup |= strcmp(keys[q], k[j]) == 0;
				if (!dup)
					keys[n++] = k[j];
			}
		}
		sbuf_release(&p);
		sbuf_release(&t);
	}
	return n;
}

static void
stop_child(pid_t pid)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

struct outcome {
	int status;		/* exit status, or 128 + signal */
	const char *why;	/* "frozen", "walltime" or NULL */
	double seconds;
};

/*
 * Start the calculator in dir, standard output to vo and standard error to
 * se; both are emptied first, so the watcher never reads an old attempt.
 */
static pid_t
start_calculator(const char *dir, const char *vo, const char *se, const char *calculator, struct hk_err *err)
{
	pid_t pid;

	for (int k = 0; k < 2; k++) {
		int fd = open(k ? se : vo, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0) {
			err_set(err, "%s: %s", k ? se : vo, strerror(errno));
			return -1;
		}
		close(fd);
	}
	if ((pid = fork()) < 0) {
		err_set(err, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fo = open(vo, O_WRONLY | O_APPEND), fe = open(se, O_WRONLY | O_APPEND);
		if (chdir(dir) == -1 || fo < 0 || fe < 0)
			_exit(127);
		dup2(fo, 1);
		dup2(fe, 2);
		close(fo);
		close(fe);
		execl("/bin/sh", "sh", "-c", calculator, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Ask VASP to stop at its next ionic step. */
static void
write_stopcar(const char *dir)
{
	char *sc = xasprintf("%s/STOPCAR", dir);
	FILE *f;

	if ((f = fopen(sc, "w")) != NULL) {
		fputs("LSTOP = .TRUE.\n", f);
		fclose(f);
	}
	free(sc);
}

/*
 * Watch the calculator (pid, started at t0) until it exits, shows a known
 * error, freezes or runs out of walltime; its wait status (0 when stopped).
 */
static int
watch(pid_t pid, const char *dir, const char *vo, double t0, const struct runjob_opts *o, struct outcome *out)
{
	int stopcar = 0, status;

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		double now = js_now();
		struct stat st;
		const char *k[VERR_MAX];
		if (w == pid) {
			/* stopped by our STOPCAR: it did not finish, the walltime ended it */
			if (stopcar)
				out->why = "walltime";
			return status;
		}
		if (errors_in(dir, k, VERR_MAX) > 0)
			break;
		if (o->frozen_after > 0 && stat(vo, &st) == 0 && now - (double)st.st_mtime > o->frozen_after &&
		    now - t0 > o->frozen_after) {
			out->why = "frozen";
			break;
		}
		if (o->walltime > 0 && !stopcar && now - t0 > o->walltime - fmax(fmin(o->stop_before, o->walltime / 10), 2 * o->poll)) {
			write_stopcar(dir);
			stopcar = 1;
		}
		if (o->walltime > 0 && now - t0 > o->walltime) {
			out->why = "walltime";
			break;
		}
		usleep((useconds_t)(o->poll * 1e6));
	}
	stop_child(pid);
	return 0;
}

/* Run the calculator once in dir, watching it. */
static int
run_once(const char *dir, const struct runjob_opts *o, struct outcome *out, struct hk_err *err)
{
	char *vo = xasprintf("%s/vasp.out", dir), *se = xasprintf("%s/std_err.txt", dir);
	double t0 = js_now();
	int status = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if ((pid = start_calculator(dir, vo, se, o->calculator, err)) > 0)
		status = watch(pid, dir, vo, t0, o, out);
	free(vo);
	free(se);
	if (pid < 0)
		return -1;
	out->seconds = js_now() - t0;
	out->status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 0;
	return 0;
}

/* Copy dir/name to bdir/name when it exists; -1 when the copy fails. */
static int
backup_file(const char *dir, const char *bdir, const char *name)
{
	char *src = xasprintf("%s/%s", dir, name), *dst = xasprintf("%s/%s", bdir, name);
	struct sbuf t = SBUF_INIT;
	int bad = 0;

	if (file_read(src, &t) == 0) {
		FILE *f = fopen(dst, "w");
		bad = f == NULL || fwrite(t.s ? t.s : "", 1, t.len, f) != t.len;
		if (f && fclose(f) != 0)
			bad = 1;
	}
	sbuf_release(&t);
	free(src);
	free(dst);
	return bad ? -1 : 0;
}

/* Keep the failed attempt's outputs in dir/error.N. */
static int
backup(const char *dir, int n)
{
	static const char *const files[] = { "vasp.out", "std_err.txt", "OUTCAR", "OSZICAR", "vasprun.xml",
		"INCAR", "KPOINTS", "POSCAR", "CONTCAR", NULL };
	struct sbuf d = SBUF_INIT;
	int rc = 0;

	sbuf_addf(&d, "%s/error.%d", dir, n);
	if (mkdir(d.s, 0777) == -1 && errno != EEXIST)
		rc = -1;
	for (int i = 0; files[i] && rc == 0; i++)
		rc = backup_file(dir, d.s, files[i]);
	sbuf_release(&d);
	return rc;
}

/* The first N with no dir/error.N yet. */
static int
next_backup(const char *dir)
{
	struct sbuf d = SBUF_INIT;
	struct stat st;
	int n = 1;

	for (;; n++) {
		sbuf_reset(&d);
		sbuf_addf(&d, "%s/error.%d", dir, n);
		if (stat(d.s, &st) == -1)
			break;
	}
	sbuf_release(&d);
	return n;
}

/* The failed attempt's outputs must not be read as the next one's. */
static void
clear_outputs(const char *dir)
{
	static const char *const files[] = { "vasp.out", "std_err.txt", "OUTCAR", "OSZICAR", "vasprun.xml",
		"STOPCAR", NULL };

	for (int i = 0; files[i]; i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);
		unlink(p);
		free(p);
	}
}

/* Errors of one key in one image during this attempt. */
static int
count_errors(const json_t *errors, json_int_t attempt, const char *image, const char *key)
{
	size_t i;
	json_t *e;
	int n = 0;

	json_array_foreach(errors, i, e)
		if (json_integer_value(json_object_get(e, "attempt")) == attempt &&
		    strcmp(json_string_value(json_object_get(e, "image")), image) == 0 &&
		    strcmp(json_string_value(json_object_get(e, "error")), key) == 0)
			n++;
	return n;
}

static int
save(const char *path, json_t *rec)
{
	struct hk_err e = HK_ERR_INIT;

	return js_save(path, rec, &e);
}

/* Record why the image failed (printf-style), and save when path is set; 1, for failed. */
static int __attribute__((format(printf, 3, 4)))
failed_because(const char *path, json_t *rec, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	json_object_set_new(rec, "last_error", json_vsprintf(fmt, ap));
	va_end(ap);
	if (path)
		save(path, rec);
	return 1;
}

/*
 * Like custodian, correct every error found (keys[0..nk)), unless one
 * cannot be: then it becomes keys[0].  Each correction is recorded in
 * rec's corrections with its backup error.N.  1 if any was applied.
 */
static int
correct(json_t *rec, const char *dir, const char *image, const char **keys, int nk, int nbackup,
    struct hk_err *e)
{
	json_t *errors = json_object_get(rec, "errors"), *corr = json_object_get(rec, "corrections");
	json_int_t attempt = json_integer_value(json_object_get(rec, "attempts"));
	struct sbuf act = SBUF_INIT;
	const char *unfixable = NULL;
	int fixed = 0;

	for (int k = 0; k < nk && !unfixable; k++)
		if (verr_unfixable(keys[k]))
			unfixable = keys[k];
	for (int k = 0; k < nk && !unfixable; k++) {
		sbuf_reset(&act);
		if (verr_correct(dir, keys[k], count_errors(errors, attempt, image, keys[k]) - 1, &act, e) == 0) {
			json_array_append_new(corr, json_pack("{s:s,s:s,s:s,s:o}", "image", image, "error", keys[k],
			    "actions", act.s ? act.s : "", "backup", json_sprintf("error.%d", nbackup)));
			fixed = 1;
		}
	}
	if (unfixable)
		keys[0] = unfixable;
	sbuf_release(&act);
	return fixed;
}

/* Run one image until done, unfixable, or out of attempts; 0 done, 1 failed. */
static int
run_image(const char *path, json_t *rec, const char *dir, const char *image, const struct runjob_opts *o,
    double *wall)
{
	json_t *errors = json_object_get(rec, "errors");
	int rounds = 0;	/* like custodian, one check with several messages is one error */

	for (;;) {
		struct outcome oc;
		struct hk_err e = HK_ERR_INIT;
		const char *keys[VERR_MAX];
		int nk, nonconv = 0;
		if (run_once(dir, o, &oc, &e) == -1) {
			json_object_set_new(rec, "last_error", json_string(e.msg));
			return 1;
		}
		*wall += oc.seconds;
		json_object_set_new(rec, "exit_status", json_integer(oc.status));
		nk = errors_in(dir, keys, VERR_MAX);
		if (nk == 0 && oc.why)
			keys[nk++] = oc.why;
		if (nk == 0 && oc.status == 0) {
			if (image_finished(dir, &nonconv))
				return 0;
			if (nonconv)
				keys[nk++] = "nonconverged";
		}
		if (nk == 0)
			return failed_because(NULL, rec, "%s: the calculator exited with status %d and no result", image,
			    oc.status);
		json_int_t attempt = json_integer_value(json_object_get(rec, "attempts"));
		for (int k = 0; k < nk; k++)
			json_array_append_new(errors, json_pack("{s:s,s:s,s:s,s:I,s:f}", "image", image, "error", keys[k],
			    "message", verr_message(keys[k]), "attempt", attempt, "time", js_now()));
		json_object_set_new(rec, "last_error", json_pack("s", keys[0]));
		if (++rounds > o->max_errors)
			return failed_because(path, rec, "%s: %s (more than %d errors)", image, keys[0], o->max_errors);
		int nbackup = next_backup(dir);
		if (backup(dir, nbackup) == -1)
			return failed_because(path, rec, "%s: cannot keep the outputs in error.%d: %s", image, nbackup,
			    strerror(errno));
		int fixed = correct(rec, dir, image, keys, nk, nbackup, &e);
		/* after the corrections, which may read the attempt's OUTCAR */
		clear_outputs(dir);
		/* the allocation is over: stop here, retry goes on from CONTCAR */
		if (strcmp(keys[0], "walltime") == 0)
			return failed_because(path, rec, "%s: walltime reached (outputs in error.%d); run-vasp retry continues",
			    image, nbackup);
		if (!fixed)
			return failed_because(path, rec, "%s: %s cannot be corrected%s%s", image, keys[0],
			    e.msg[0] ? ": " : "", e.msg);
		save(path, rec);
	}
}

/* The state record as a run starts: running here, one attempt more. */
static void
mark_running(json_t *rec)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	json_object_set_new(rec, "state", json_string("running"));
	json_object_set_new(rec, "pid", json_integer(getpid()));
	json_object_set_new(rec, "host", json_string(host));
	json_object_set_new(rec, "started", jsonw_real(js_now()));
	json_object_set_new(rec, "attempts", json_integer(json_integer_value(json_object_get(rec, "attempts")) + 1));
	if (!json_is_array(json_object_get(rec, "errors")))
		json_object_set_new(rec, "errors", json_array());
	if (!json_is_array(json_object_get(rec, "corrections")))
		json_object_set_new(rec, "corrections", json_array());
}

/* Run each image of the job that has no finished result yet, in order; 1 when one failed. */
static int
run_images(const char *path, json_t *rec, const struct runjob_opts *o, double *wall)
{
	static const char *const s3[] = { "start", "mid", "end", NULL }, *const one[] = { ".", NULL };
	const char *dir = json_string_value(json_object_get(rec, "dir"));
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	const char *const *images = kind && strcmp(kind, "neb") == 0 ? one : s3;
	int failed = 0;

	for (int k = 0; images[k] && !failed; k++) {
		struct sbuf d = SBUF_INIT;
		int nonconv;
		sbuf_addf(&d, "%s/%s", dir, images[k]);
		/* else done by an earlier attempt */
		if (!image_finished(d.s, &nonconv))
			failed = run_image(path, rec, d.s, images[k], o, wall);
		sbuf_release(&d);
	}
	return failed;
}

int
runjob(const char *root, const char *id, const struct runjob_opts *o, struct hk_err *err)
{
	enum js_state st;
	char *path = NULL;
	json_t *rec = NULL;
	double wall = 0;
	int failed, rc = -1;

	if (js_find(root, id, &st, &path) == -1 || st != JS_ACTIVE) {
		err_set(err, "%s is not queued (run-vasp topup starts jobs)", id);
		goto out;
	}
	if ((rec = js_load(path, err)) == NULL)
		goto out;
	mark_running(rec);
	if (js_save(path, rec, err) == -1)
		goto out;
	failed = run_images(path, rec, o, &wall);
	json_object_set_new(rec, "ended", jsonw_real(js_now()));
	json_object_set_new(rec, "walltime", jsonw_real(wall));
	json_object_set_new(rec, "state", json_string(failed ? "failed" : "done"));
	if (!failed)
		json_object_del(rec, "last_error");
	if (js_save(path, rec, err) == -1)
		goto out;
	/* the content says where it belongs: a crash here is finished by sync */
	if (js_move(root, id, JS_ACTIVE, failed ? JS_FAILED : JS_DONE, 0, err) == 0)
		rc = failed;
out:
	json_decref(rec);
	free(path);
	return rc;
}
