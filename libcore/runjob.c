#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errwatch.h"
#include "executor.h"
#include "field.h"
#include "fileio.h"
#include "jobcause.h"
#include "jobinputs.h"
#include "jobstate.h"
#include "jobwait.h"
#include "jsonw.h"
#include "linerd.h"
#include "runjob.h"
#include "sbuf.h"
#include "stage.h"
#include "tail.h"
#include "vasp_errors.h"
#include "vasp_in.h"
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

/* One run of a job: what its functions share. */
struct run {
	const char *path;	/* the state file */
	json_t *rec;		/* its content */
	const struct runjob_opts *o;
	sigset_t stop;		/* SIGTERM, SIGINT, SIGHUP: blocked, waited for */
	sigset_t mask;		/* the signal mask before, the calculators' */
	int lock;		/* the job directory's lock (js_dir_lock), or -1 */
	int signo;		/* the signal that interrupted the run, or 0 */
	double wall;		/* s of calculation, summed */
	int nimages;		/* the image being run is an NEB of these images (dir/01 ...), or 0 */
};

/* A runner's save: never over a file that abort or sync moved away. */
static int
save(const char *path, json_t *rec)
{
	struct hk_err e = HK_ERR_INIT;

	return js_save_existing(path, rec, &e);
}

/* The attempt being run: the last entry of the history. */
static json_t *
this_attempt(json_t *rec)
{
	json_t *h = json_object_get(rec, "history");

	return json_array_get(h, json_array_size(h) - 1);
}

static const char *
signal_name(int s)
{
	return s == SIGTERM ? "SIGTERM" : s == SIGINT ? "SIGINT" : s == SIGHUP ? "SIGHUP" : "a signal";
}

/* Wait up to s seconds for SIGTERM, SIGINT or SIGHUP; 1 (r->signo set) when one came. */
static int
interrupted_within(struct run *r, double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	int sig = sigtimedwait(&r->stop, NULL, &ts);

	if (sig > 0)
		r->signo = sig;
	return r->signo != 0;
}

/*
 * Stop calculator pid and everything in its process group: SIGTERM, and
 * SIGKILL after grace seconds.  Its wait status.
 */
static int
stop_group(pid_t pid, double grace)
{
	int status = 0, reaped = 0;

	kill(-pid, SIGTERM);
	for (int i = 0; i < (int)(grace * 20); i++) {
		if (!reaped && waitpid(pid, &status, WNOHANG) == pid)
			reaped = 1;
		if (reaped && !exec_group_alive(pid, 0))
			return status;
		usleep(50000);
	}
	kill(-pid, SIGKILL);
	if (!reaped)
		waitpid(pid, &status, 0);
	return status;
}

struct outcome {
	int status;		/* exit status, or 128 + signal */
	const char *why;	/* "frozen", "walltime", "interrupted" or NULL */
	const char *stopped;	/* why the watcher stopped it, for the history, or NULL */
	double seconds;
};

/* In the child: become the calculator, in dir, outputs to vo and se, no input. */
static void __attribute__((noreturn))
exec_calculator(const char *dir, const char *vo, const char *se, const char *cmd, const sigset_t *mask)
{
	int fi = open("/dev/null", O_RDONLY), fo = open(vo, O_WRONLY | O_APPEND), fe = open(se, O_WRONLY | O_APPEND);

	if (chdir(dir) == -1 || fi < 0 || fo < 0 || fe < 0)
		_exit(127);
	dup2(fi, 0);
	dup2(fo, 1);
	dup2(fe, 2);
	close(fi);
	close(fo);
	close(fe);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/*
 * The calculator's process group in the state file (for sync, when this
 * run is killed) and in the lock file (for the messages of others).
 */
static void
record_calculator(struct run *r, pid_t pid)
{
	char host[256] = "", note[400];

	json_object_set_new(r->rec, "calc_pgid", json_integer(pid));
	json_object_set_new(r->rec, "calc_start", json_integer((json_int_t)exec_proc_start(pid)));
	save(r->path, r->rec);
	gethostname(host, sizeof(host) - 1);
	snprintf(note, sizeof(note), "run-vasp run %ld on %s, calculator process group %ld\n", (long)getpid(), host,
	    (long)pid);
	js_dir_lock_note(r->lock, note);
}

/*
 * Start the calculator in dir, standard output to vo and standard error to
 * se; both are emptied first, so the watcher never reads an old attempt.
 * It runs in a process group of its own, recorded before it starts (it
 * waits for the go byte), and gets SIGTERM when this process dies.
 */
static pid_t
start_calculator(struct run *r, const char *dir, const char *vo, const char *se, struct hk_err *err)
{
	pid_t pid, parent = getpid();
	int go[2];
	char c;

	for (int k = 0; k < 2; k++) {
		int fd = open(k ? se : vo, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			err_set(err, "%s: %s", k ? se : vo, strerror(errno));
			return -1;
		}
		close(fd);
	}
	if (pipe2(go, O_CLOEXEC) == -1) {
		err_set(err, "cannot start the calculator: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		err_set(err, "cannot start the calculator: %s", strerror(errno));
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(go[1]);
		/* no go byte: the run died before recording this calculator */
		if (getppid() != parent || read(go[0], &c, 1) != 1)
			_exit(127);
		exec_calculator(dir, vo, se, r->o->calculator, &r->mask);
	}
	setpgid(pid, pid);
	close(go[0]);
	record_calculator(r, pid);
	if (write(go[1], "g", 1) != 1)
		err_set(err, "cannot start the calculator: %s", strerror(errno));
	close(go[1]);
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
 * error, freezes, runs out of walltime or this run is told to stop; its
 * wait status.
 */
static int
watch(struct run *r, pid_t pid, struct errwatch *ew, const char *dir, const char *vo, double t0, struct outcome *out)
{
	const struct runjob_opts *o = r->o;
	int stopcar = 0, status;

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		double now = js_now();
		struct stat st;
		if (w == pid) {
			/* stopped by our STOPCAR: it did not finish, the walltime ended it */
			if (stopcar)
				out->why = "walltime";
			/* what it left behind in its group goes with it */
			exec_group_stop(pid, 0, 2);
			return status;
		}
		if (errwatch_update(ew) > 0) {
			out->stopped = "VASP error";
			break;
		}
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
		if (interrupted_within(r, o->poll)) {
			out->why = "interrupted";
			break;
		}
	}
	if (out->stopped == NULL)
		out->stopped = r->signo ? signal_name(r->signo) : out->why;
	return stop_group(pid, r->signo ? 2 : 5);
}

/* Run the calculator once in dir, watching it (ew); the run goes into the attempt's history. */
static int
run_once(struct run *r, const char *dir, const char *image, struct errwatch *ew, struct outcome *out,
    struct hk_err *err)
{
	char *vo = xasprintf("%s/vasp.out", dir), *se = xasprintf("%s/std_err.txt", dir);
	double t0 = js_now();
	int status = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if ((pid = start_calculator(r, dir, vo, se, err)) > 0)
		status = watch(r, pid, ew, dir, vo, t0, out);
	free(vo);
	free(se);
	if (pid < 0)
		return -1;
	out->seconds = js_now() - t0;
	out->status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 0;
	json_t *run = json_pack("{s:s,s:o,s:o,s:i}", "image", image, "started", jsonw_real(t0), "ended",
	    jsonw_real(js_now()), "exit_status", out->status);
	if (out->stopped)
		json_object_set_new(run, "stopped", json_string(out->stopped));
	json_array_append_new(json_object_get(this_attempt(r->rec), "runs"), run);
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

/* Copy the files of dir (NULL-terminated names) to bdir, made first. */
static int
backup_files(const char *dir, const char *bdir, const char *const *files)
{
	int rc = 0;

	if (mkdir(bdir, 0777) == -1 && errno != EEXIST)
		rc = -1;
	for (int i = 0; files[i] && rc == 0; i++)
		rc = backup_file(dir, bdir, files[i]);
	return rc;
}

/*
 * Keep the failed attempt's outputs in dir/error.N, an NEB's images' in
 * dir/error.N/01 ...  The endpoints (00, N+1) are not touched: their
 * OUTCARs come from other calculations, and the next attempt needs them.
 */
static int
backup(const char *dir, int nimages, int n)
{
	static const char *const files[] = { "vasp.out", "std_err.txt", "OUTCAR", "OSZICAR", "vasprun.xml",
		"INCAR", "KPOINTS", "POSCAR", "CONTCAR", NULL };
	static const char *const image_files[] = { "OUTCAR", "OSZICAR", "vasprun.xml", "POSCAR", "CONTCAR",
		"stdout", NULL };
	struct sbuf d = SBUF_INIT, id = SBUF_INIT, sd = SBUF_INIT;
	int rc;

	sbuf_addf(&d, "%s/error.%d", dir, n);
	rc = backup_files(dir, d.s, files);
	for (int k = 1; k <= nimages && rc == 0; k++) {
		sbuf_reset(&id);
		sbuf_reset(&sd);
		sbuf_addf(&id, "%s/%02d", d.s, k);
		sbuf_addf(&sd, "%s/%02d", dir, k);
		rc = backup_files(sd.s, id.s, image_files);
	}
	sbuf_release(&d);
	sbuf_release(&id);
	sbuf_release(&sd);
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

/* Remove the files of dir (NULL-terminated names). */
static void
remove_files(const char *dir, const char *const *files)
{
	for (int i = 0; files[i]; i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);
		unlink(p);
		free(p);
	}
}

/* The failed attempt's outputs must not be read as the next one's; an NEB's endpoints keep theirs. */
static void
clear_outputs(const char *dir, int nimages)
{
	static const char *const files[] = { "vasp.out", "std_err.txt", "OUTCAR", "OSZICAR", "vasprun.xml",
		"STOPCAR", NULL };
	static const char *const image_files[] = { "OUTCAR", "OSZICAR", "vasprun.xml", "stdout", NULL };

	remove_files(dir, files);
	for (int k = 1; k <= nimages; k++) {
		char *d = xasprintf("%s/%02d", dir, k);
		remove_files(d, image_files);
		free(d);
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

/* Record why the image failed (its class cls, then printf-style), and save when path is set; 1, for failed. */
static int __attribute__((format(printf, 4, 5)))
failed_because(const char *path, json_t *rec, const char *cls, const char *fmt, ...)
{
	va_list ap;

	jc_set(rec, cls);
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
 * rec's corrections with its attempt and backup error.N.  1 if any was
 * applied.
 */
static int
correct(json_t *rec, const char *dir, int nimages, const char *image, const char **keys, int nk, int nbackup,
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
		if (verr_correct_images(dir, nimages, keys[k], count_errors(errors, attempt, image, keys[k]) - 1, &act, e) == 0) {
			json_array_append_new(corr, json_pack("{s:s,s:s,s:s,s:o,s:I}", "image", image, "error", keys[k],
			    "actions", act.s ? act.s : "", "backup", json_sprintf("error.%d", nbackup), "attempt", attempt));
			fixed = 1;
		}
	}
	if (unfixable)
		keys[0] = unfixable;
	sbuf_release(&act);
	return fixed;
}

/* What the calculator said last: the last line of its standard error, else of its output. */
static void
calculator_said(const char *dir, struct sbuf *out)
{
	char *se = xasprintf("%s/std_err.txt", dir), *vo = xasprintf("%s/vasp.out", dir);

	if (tail_last_line(se, 200, out) != 1)
		tail_last_line(vo, 200, out);
	free(se);
	free(vo);
}

/* The calculator ended with no result and no error anyone knows: the cause is what it said. */
static int
failed_no_result(json_t *rec, const char *dir, const char *image, int status)
{
	struct sbuf said = SBUF_INIT;

	calculator_said(dir, &said);
	if (said.len == 0)
		failed_because(NULL, rec, JC_CALC_EXIT, "%s: the calculator exited with status %d and no result", image, status);
	else if (status == 0)
		failed_because(NULL, rec, JC_CALC_EXIT, "%s: the calculator exited with status 0 and no result: %s", image, said.s);
	else
		failed_because(NULL, rec, JC_CALC_EXIT, "%s: the calculator exited with status %d: %s", image, status, said.s);
	sbuf_release(&said);
	return 1;
}

/* "key (what it is)": the message VASP wrote, or what hopkit saw. */
static void
error_text(struct sbuf *t, const char *key, int vasp)
{
	const char *m = verr_message(key);

	if (vasp)
		sbuf_addf(t, "%s (VASP: %s)", key, m);
	else if (strcmp(m, key) != 0)
		sbuf_addf(t, "%s (%s)", key, m);
	else
		sbuf_addstr(t, key);
}

/*
 * After errors keys[0..nk) (found in VASP's output when vasp is set) in
 * the image's rounds-th check: record them, keep the outputs, correct.
 * 0: run the image again; 1: the image failed.
 */
static int
after_errors(struct run *r, const char *dir, const char *image, const char **keys, const char **where, int nk,
    int vasp, int rounds)
{
	json_t *rec = r->rec;
	json_int_t attempt = json_integer_value(json_object_get(rec, "attempts"));
	struct hk_err e = HK_ERR_INIT;
	struct sbuf what = SBUF_INIT;
	int nbackup, fixed, rc = 1;

	for (int k = 0; k < nk; k++) {
		json_t *e1 = json_pack("{s:s,s:s,s:s,s:I,s:f}", "image", image, "error", keys[k], "message",
		    verr_message(keys[k]), "attempt", attempt, "time", js_now());
		if (where && where[k])
			json_object_set_new(e1, "file", json_string(where[k]));
		json_array_append_new(json_object_get(rec, "errors"), e1);
	}
	json_object_set_new(rec, "last_error", json_pack("s", keys[0]));
	error_text(&what, keys[0], vasp);
	if (rounds > r->o->max_errors) {
		failed_because(r->path, rec, keys[0], "%s: %s, more than %d errors", image, what.s, r->o->max_errors);
		goto out;
	}
	nbackup = next_backup(dir);
	if (backup(dir, r->nimages, nbackup) == -1) {
		failed_because(r->path, rec, keys[0], "%s: cannot keep the outputs in error.%d: %s", image, nbackup, strerror(errno));
		goto out;
	}
	fixed = correct(rec, dir, r->nimages, image, keys, nk, nbackup, &e);
	/* after the corrections, which may read the attempt's OUTCAR */
	clear_outputs(dir, r->nimages);
	/* the allocation is over: stop here, retry goes on from CONTCAR */
	if (strcmp(keys[0], "walltime") == 0)
		failed_because(r->path, rec, keys[0], "%s: walltime reached (outputs in error.%d); run-vasp retry continues", image,
		    nbackup);
	else if (!fixed) {
		sbuf_reset(&what);
		error_text(&what, keys[0], vasp);
		failed_because(r->path, rec, keys[0], "%s: %s cannot be corrected%s%s", image, what.s, e.msg[0] ? ": " : "", e.msg);
	} else {
		save(r->path, rec);
		rc = 0;
	}
out:
	sbuf_release(&what);
	return rc;
}

/*
 * Run the calculator in one image once, its outputs watched by ew, and
 * see to what it left: 0 done, 1 failed, 2 corrected (run it again).
 * rounds counts the checks that found errors.
 */
static int
attempt_image(struct run *r, const char *dir, const char *image, struct errwatch *ew, int *rounds)
{
	json_t *rec = r->rec;
	struct outcome oc;
	struct hk_err e = HK_ERR_INIT;
	const char *keys[VERR_MAX];
	int nk, vasp, nonconv = 0;

	if (run_once(r, dir, image, ew, &oc, &e) == -1)
		return failed_because(NULL, rec, JC_NOT_RUN, "%s: %s", image, e.msg);
	r->wall += oc.seconds;
	json_object_set_new(rec, "exit_status", json_integer(oc.status));
	if (r->signo)
		return failed_because(NULL, rec, JC_INTERRUPTED, "%s: interrupted by %s; the calculator was stopped", image,
		    signal_name(r->signo));
	nk = errwatch_update(ew);
	memcpy(keys, ew->keys, sizeof(keys));
	vasp = nk > 0;
	if (nk == 0 && oc.why)
		keys[nk++] = oc.why;
	if (nk == 0 && oc.status == 0) {
		if (image_finished(dir, &nonconv))
			return 0;
		if (nonconv)
			keys[nk++] = "nonconverged";
	}
	if (nk == 0)
		return failed_no_result(rec, dir, image, oc.status);
	/* like custodian, one check with several messages is one error */
	return after_errors(r, dir, image, keys, vasp ? ew->where : NULL, nk, vasp, ++*rounds) ? 1 : 2;
}

/* Run one image until done, unfixable, out of attempts or interrupted; 0 done, 1 failed. */
static int
run_image(struct run *r, const char *dir, const char *image)
{
	int rounds = 0, rc;

	do {
		struct errwatch ew;
		errwatch_init(&ew, dir, r->nimages);
		rc = attempt_image(r, dir, image, &ew, &rounds);
		errwatch_release(&ew);
	} while (rc == 2);
	return rc;
}

/*
 * The state record as a run starts: running here, one attempt more, a new
 * entry in its history (what this run will have done), no calculator yet.
 */
static void
mark_running(json_t *rec)
{
	char host[256] = "";
	json_int_t n = json_integer_value(json_object_get(rec, "attempts")) + 1;
	json_t *a;

	gethostname(host, sizeof(host) - 1);
	json_object_set_new(rec, "state", json_string("running"));
	json_object_set_new(rec, "pid", json_integer(getpid()));
	json_object_set_new(rec, "host", json_string(host));
	json_object_set_new(rec, "started", jsonw_real(js_now()));
	json_object_set_new(rec, "attempts", json_integer(n));
	json_object_del(rec, "calc_pgid");
	json_object_del(rec, "calc_start");
	static const char *const arrays[] = { "errors", "corrections", "history", NULL };
	for (int i = 0; arrays[i]; i++)
		if (!json_is_array(json_object_get(rec, arrays[i])))
			json_object_set_new(rec, arrays[i], json_array());
	a = json_pack("{s:I,s:s,s:i,s:o,s:[]}", "attempt", n, "host", host, "pid", (int)getpid(), "started",
	    jsonw_real(js_now()), "runs");
	static const char *const copied[] = { "executor", "exec_id", NULL };
	for (int i = 0; copied[i]; i++)
		if (json_object_get(rec, copied[i]))
			json_object_set(a, copied[i], json_object_get(rec, copied[i]));
	json_array_append_new(json_object_get(rec, "history"), a);
}

/* The state record as the run ends: the job's state and the attempt's. */
static void
mark_ended(struct run *r, int failed)
{
	json_t *rec = r->rec, *a = this_attempt(rec);
	double now = js_now();

	json_object_set_new(rec, "ended", jsonw_real(now));
	json_object_set_new(rec, "walltime", jsonw_real(r->wall));
	json_object_set_new(rec, "state", json_string(failed ? "failed" : "done"));
	if (!failed)
		jc_clear(rec);
	json_object_set_new(a, "ended", jsonw_real(now));
	json_object_set_new(a, "walltime", jsonw_real(r->wall));
	json_object_set_new(a, "state", json_string(r->signo ? "interrupted" : failed ? "failed" : "done"));
	if (failed && json_object_get(rec, "last_error"))
		json_object_set(a, "error", json_object_get(rec, "last_error"));
}

/*
 * The images of an NEB job in dir: its INCAR's IMAGES, 0 when there are
 * none (VASP then runs one calculation in dir); -1 with err when IMAGES
 * is not a number.
 */
static int
neb_images(const char *dir, int *n, struct hk_err *err)
{
	char *path = xasprintf("%s/INCAR", dir);
	struct sbuf t = SBUF_INIT;
	struct incar in = INCAR_INIT;
	long v = 0;
	int rc = 0;

	if (file_read(path, &t) == 0 &&
	    (incar_parse(&in, t.s ? t.s : "", path, err) == -1 || incar_get_long(&in, "IMAGES", 0, HK_MAX_IMAGES, 0, &v, err) == -1)) {
		err_prefix(err, "%s", path);
		rc = -1;
	}
	*n = (int)v;
	incar_release(&in);
	sbuf_release(&t);
	free(path);
	return rc;
}

/* Run each image of the job that has no finished result yet, in order; 1 when one failed. */
static int
run_images(struct run *r)
{
	const char *dir = json_string_value(json_object_get(r->rec, "dir"));
	const char *kind = json_string_value(json_object_get(r->rec, "kind"));
	const char *const *images = js_run_dirs(kind);
	struct hk_err e = HK_ERR_INIT;
	int failed = 0;

	r->nimages = 0;
	if (kind && strcmp(kind, "neb") == 0 && neb_images(dir, &r->nimages, &e) == -1)
		return failed_because(NULL, r->rec, JC_NOT_RUN, "not run: %s", e.msg);
	for (int k = 0; images[k] && !failed; k++) {
		struct sbuf d = SBUF_INIT;
		int nonconv;
		sbuf_addf(&d, "%s/%s", dir, images[k]);
		if (interrupted_within(r, 0))
			failed = failed_because(NULL, r->rec, JC_INTERRUPTED, "%s: interrupted by %s before it started", images[k],
			    signal_name(r->signo));
		else if (!image_finished(d.s, &nonconv))	/* else done by an earlier attempt */
			failed = run_image(r, d.s, images[k]);
		sbuf_release(&d);
	}
	return failed;
}

/*
 * The job directory's lock, or the job fails unrun (another calculator
 * is there, or the directory is not): -1 with err.
 */
static int
take_dir_lock(struct run *r, const char *root, const char *id, struct hk_err *err)
{
	const char *dir = json_string_value(json_object_get(r->rec, "dir"));
	struct hk_err e = HK_ERR_INIT;

	if (dir == NULL)
		err_set(err, "%s has no \"dir\"", id);
	else if (js_dir_lock(dir, &r->lock, err) == 0)
		return 0;
	json_object_set_new(r->rec, "last_error", json_sprintf("not run: %s", err->msg));
	jc_set(r->rec, JC_NOT_RUN);
	json_object_set_new(r->rec, "state", json_string("failed"));
	json_object_set_new(r->rec, "ended", jsonw_real(js_now()));
	if (js_save_existing(r->path, r->rec, &e) == 0)
		js_move(root, id, JS_ACTIVE, JS_FAILED, 0, &e);
	return -1;
}

/*
 * Move on the jobs waiting for this one.  A child that cannot be prepared
 * is failed with why (jobwait.h), nothing for this job's run: only a
 * state directory that cannot be read is an error.
 */
static int
settle_children(const char *root, struct hk_err *err)
{
	return jw_settle_locked(root, NULL, err) == -1 ? -1 : 0;
}

int
runjob(const char *root, const char *id, const struct runjob_opts *o, struct hk_err *err)
{
	struct run r = { .o = o, .lock = -1 };
	enum js_state st;
	char *path = NULL;
	int failed, rc = -1;

	/* a signal to stop is waited for (and the calculator stopped), not obeyed at once */
	sigemptyset(&r.stop);
	sigaddset(&r.stop, SIGTERM);
	sigaddset(&r.stop, SIGINT);
	sigaddset(&r.stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &r.stop, &r.mask);
	if (js_find(root, id, &st, &path) == -1 || st != JS_ACTIVE) {
		err_set(err, "%s is not queued (run-vasp topup starts jobs)", id);
		goto out;
	}
	r.path = path;
	if ((r.rec = field_checked(js_load(path, err), stage_fields("state"), path, err)) == NULL || take_dir_lock(&r, root, id, err) == -1)
		goto out;
	mark_running(r.rec);
	if (js_save_existing(path, r.rec, err) == -1)
		goto out;
	failed = run_images(&r);
	mark_ended(&r, failed);
	if (js_save_existing(path, r.rec, err) == -1)
		goto out;
	/*
	 * The content says where it belongs: a crash here is finished by sync.
	 * Interrupted, the file stays for whoever stopped the run: abort moves
	 * it to aborted, sync to failed.
	 */
	if (r.signo)
		rc = 1;
	else if (js_move(root, id, JS_ACTIVE, failed ? JS_FAILED : JS_DONE, 0, err) == 0)
		rc = failed;
	/* the jobs that waited for this one: ready (prepared) or blocked, at once */
	if (rc >= 0 && settle_children(root, err) == -1)
		rc = -1;
out:
	if (r.lock >= 0)
		close(r.lock);
	sigprocmask(SIG_SETMASK, &r.mask, NULL);
	json_decref(r.rec);
	free(path);
	return rc;
}
