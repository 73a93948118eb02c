#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
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
	char p[8300];
	struct stat st;
	int last = 0;

	*nonconverged = 0;
	for (int k = 1; k < 100; k++) {
		snprintf(p, sizeof(p), "%s/%02d", dir, k);
		if (stat(p, &st) == -1 || !S_ISDIR(st.st_mode))
			break;
		last = k;
	}
	if (last < 2)
		return outcar_finished(dir, nonconverged);
	for (int k = 1; k < last; k++) {
		snprintf(p, sizeof(p), "%s/%02d", dir, k);
		if (!outcar_finished(p, nonconverged))
			return 0;
	}
	return 1;
}

/* The OUTCAR of dir: finished with an energy and converged. */
static int
outcar_finished(const char *dir, int *nonconverged)
{
	char p[8300];
	struct vasp_run r;
	struct hk_err e = HK_ERR_INIT;
	int fd, ok;

	*nonconverged = 0;
	snprintf(p, sizeof(p), "%s/OUTCAR", dir);
	if ((fd = open(p, O_RDONLY)) < 0)
		return 0;
	vasp_run_init(&r);
	ok = outcar_parse(fd_pull, &fd, p, &r, &e) == 0 && r.finished && !r.stopped;
	close(fd);
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
		char p[8300];
		struct sbuf t = SBUF_INIT;
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		if (file_read(p, &t) == 0 && t.len) {
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

/* Run the calculator once in dir, watching it. */
static int
run_once(const char *dir, const struct runjob_opts *o, struct outcome *out, struct hk_err *err)
{
	char vo[8300], se[8300];
	double t0 = js_now();
	int stopcar = 0, status;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	snprintf(vo, sizeof(vo), "%s/vasp.out", dir);
	snprintf(se, sizeof(se), "%s/std_err.txt", dir);
	/* empty before the child starts, so the watcher never reads an old attempt */
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
		execl("/bin/sh", "sh", "-c", o->calculator, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		double now = js_now();
		struct stat st;
		const char *k[VERR_MAX];
		if (w == pid) {
			/* stopped by our STOPCAR: it did not finish, the walltime ended it */
			if (stopcar)
				out->why = "walltime";
			break;
		}
		if (errors_in(dir, k, VERR_MAX) > 0) {
			stop_child(pid);
			status = 0;
			break;
		}
		if (o->frozen_after > 0 && stat(vo, &st) == 0 && now - (double)st.st_mtime > o->frozen_after &&
		    now - t0 > o->frozen_after) {
			stop_child(pid);
			out->why = "frozen";
			status = 0;
			break;
		}
		if (o->walltime > 0 && !stopcar && now - t0 > o->walltime - fmax(fmin(o->stop_before, o->walltime / 10), 2 * o->poll)) {
			char sc[8300];
			FILE *f;
			snprintf(sc, sizeof(sc), "%s/STOPCAR", dir);
			if ((f = fopen(sc, "w")) != NULL) {
				fputs("LSTOP = .TRUE.\n", f);
				fclose(f);
			}
			stopcar = 1;
		}
		if (o->walltime > 0 && now - t0 > o->walltime) {
			stop_child(pid);
			out->why = "walltime";
			status = 0;
			break;
		}
		usleep((useconds_t)(o->poll * 1e6));
	}
	out->seconds = js_now() - t0;
	out->status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 0;
	return 0;
}

/* Keep the failed attempt's outputs in dir/error.N. */
static int
backup(const char *dir, int n)
{
	static const char *const files[] = { "vasp.out", "std_err.txt", "OUTCAR", "OSZICAR", "vasprun.xml",
		"INCAR", "KPOINTS", "POSCAR", "CONTCAR", NULL };
	char d[8300];

	snprintf(d, sizeof(d), "%s/error.%d", dir, n);
	if (mkdir(d, 0777) == -1 && errno != EEXIST)
		return -1;
	for (int i = 0; files[i]; i++) {
		char src[8400], dst[8400];
		struct sbuf t = SBUF_INIT;
		int bad = 0;
		snprintf(src, sizeof(src), "%s/%s", dir, files[i]);
		snprintf(dst, sizeof(dst), "%s/%s", d, files[i]);
		if (file_read(src, &t) == 0) {
			FILE *f = fopen(dst, "w");
			bad = f == NULL || fwrite(t.s ? t.s : "", 1, t.len, f) != t.len;
			if (f && fclose(f) != 0)
				bad = 1;
		}
		sbuf_release(&t);
		if (bad)
			return -1;
	}
	return 0;
}

/* The first N with no dir/error.N yet. */
static int
next_backup(const char *dir)
{
	char d[8400];
	struct stat st;
	int n = 1;

	for (;; n++) {
		snprintf(d, sizeof(d), "%s/error.%d", dir, n);
		if (stat(d, &st) == -1)
			return n;
	}
}

/* The failed attempt's outputs must not be read as the next one's. */
static void
clear_outputs(const char *dir)
{
	static const char *const files[] = { "vasp.out", "std_err.txt", "OUTCAR", "OSZICAR", "vasprun.xml", NULL };

	for (int i = 0; files[i]; i++) {
		char p[8400];
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	char sc[8400];
	snprintf(sc, sizeof(sc), "%s/STOPCAR", dir);
	unlink(sc);
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

/* Run one image until done, unfixable, or out of attempts; 0 done, 1 failed. */
static int
run_image(const char *path, json_t *rec, const char *dir, const char *image, const struct runjob_opts *o,
    double *wall)
{
	json_t *errors = json_object_get(rec, "errors"), *corr = json_object_get(rec, "corrections");
	char last[600] = "";
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
		if (nk == 0) {
			snprintf(last, sizeof(last), "%s: the calculator exited with status %d and no result", image, oc.status);
			json_object_set_new(rec, "last_error", json_string(last));
			return 1;
		}
		json_int_t attempt = json_integer_value(json_object_get(rec, "attempts"));
		for (int k = 0; k < nk; k++)
			json_array_append_new(errors, json_pack("{s:s,s:s,s:s,s:I,s:f}", "image", image, "error", keys[k],
			    "message", verr_message(keys[k]), "attempt", attempt, "time", js_now()));
		json_object_set_new(rec, "last_error", json_pack("s", keys[0]));
		if (++rounds > o->max_errors) {
			snprintf(last, sizeof(last), "%s: %s (more than %d errors)", image, keys[0], o->max_errors);
			json_object_set_new(rec, "last_error", json_string(last));
			save(path, rec);
			return 1;
		}
		/* like custodian, correct every error found, unless one cannot be */
		struct sbuf act = SBUF_INIT;
		int fixed = 0, nbackup = next_backup(dir);
		const char *unfixable = NULL;
		if (backup(dir, nbackup) == -1) {
			snprintf(last, sizeof(last), "%s: cannot keep the outputs in error.%d: %s", image, nbackup,
			    strerror(errno));
			json_object_set_new(rec, "last_error", json_string(last));
			save(path, rec);
			return 1;
		}
		for (int k = 0; k < nk && !unfixable; k++)
			if (verr_unfixable(keys[k]))
				unfixable = keys[k];
		for (int k = 0; k < nk && !unfixable; k++) {
			sbuf_reset(&act);
			if (verr_correct(dir, keys[k], count_errors(errors, attempt, image, keys[k]) - 1, &act, &e) == 0) {
				json_array_append_new(corr, json_pack("{s:s,s:s,s:s,s:o}", "image", image, "error", keys[k],
				    "actions", act.s ? act.s : "", "backup", json_sprintf("error.%d", nbackup)));
				fixed = 1;
			}
		}
		if (unfixable)
			keys[0] = unfixable;
		sbuf_release(&act);
		/* after the corrections, which may read the attempt's OUTCAR */
		clear_outputs(dir);
		if (strcmp(keys[0], "walltime") == 0) {
			/* the allocation is over: stop here, retry goes on from CONTCAR */
			snprintf(last, sizeof(last), "%s: walltime reached (outputs in error.%d); run-vasp retry continues",
			    image, nbackup);
			json_object_set_new(rec, "last_error", json_string(last));
			save(path, rec);
			return 1;
		}
		if (!fixed) {
			snprintf(last, sizeof(last), "%s: %s cannot be corrected%s%s", image, keys[0],
			    e.msg[0] ? ": " : "", e.msg);
			json_object_set_new(rec, "last_error", json_string(last));
			save(path, rec);
			return 1;
		}
		save(path, rec);
	}
}

int
runjob(const char *root, const char *id, const struct runjob_opts *o, struct hk_err *err)
{
	char path[8400], host[256] = "";
	enum js_state st;
	json_t *rec;
	const char *dir, *kind;
	double wall = 0, t0 = js_now();
	int failed = 0;

	if (js_find(root, id, &st, path, sizeof(path)) == -1 || st != JS_ACTIVE) {
		err_set(err, "%s is not queued (run-vasp topup starts jobs)", id);
		return -1;
	}
	if ((rec = js_load(path, err)) == NULL)
		return -1;
	gethostname(host, sizeof(host) - 1);
	json_object_set_new(rec, "state", json_string("running"));
	json_object_set_new(rec, "pid", json_integer(getpid()));
	json_object_set_new(rec, "host", json_string(host));
	json_object_set_new(rec, "started", jsonw_real(t0));
	json_object_set_new(rec, "attempts", json_integer(json_integer_value(json_object_get(rec, "attempts")) + 1));
	if (!json_is_array(json_object_get(rec, "errors")))
		json_object_set_new(rec, "errors", json_array());
	if (!json_is_array(json_object_get(rec, "corrections")))
		json_object_set_new(rec, "corrections", json_array());
	if (js_save(path, rec, err) == -1) {
		json_decref(rec);
		return -1;
	}
	dir = json_string_value(json_object_get(rec, "dir"));
	kind = json_string_value(json_object_get(rec, "kind"));
	static const char *const s3[] = { "start", "mid", "end", NULL }, *const one[] = { ".", NULL };
	const char *const *images = kind && strcmp(kind, "neb") == 0 ? one : s3;
	for (int k = 0; images[k] && !failed; k++) {
		char d[8400];
		int nonconv;
		snprintf(d, sizeof(d), "%s/%s", dir, images[k]);
		if (image_finished(d, &nonconv))
			continue;	/* done by an earlier attempt */
		failed = run_image(path, rec, d, images[k], o, &wall);
	}
	json_object_set_new(rec, "ended", jsonw_real(js_now()));
	json_object_set_new(rec, "walltime", jsonw_real(wall));
	json_object_set_new(rec, "state", json_string(failed ? "failed" : "done"));
	if (!failed)
		json_object_del(rec, "last_error");
	if (js_save(path, rec, err) == -1) {
		json_decref(rec);
		return -1;
	}
	json_decref(rec);
	/* the content says where it belongs: a crash here is finished by sync */
	if (js_move(root, id, JS_ACTIVE, failed ? JS_FAILED : JS_DONE, 0, err) == -1)
		return -1;
	return failed;
}
