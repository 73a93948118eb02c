#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "executor.h"
#include "jobstate.h"
#include "jsonw.h"
#include "num.h"
#include "sbuf.h"
#include "slurmconf.h"
#include "xalloc.h"

/*
 * From /proc/PID/stat: the state letter, the process group and the start
 * time (clock ticks since boot).  -1 when there is no such process.
 */
static int
proc_stat(long pid, char *state, long *pgrp, unsigned long long *start)
{
	char p[64], buf[2048];
	const char *end, *q;
	FILE *f;
	size_t n;
	long ticks = 0;

	snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
	if ((f = fopen(p, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the fields are counted after the command name's closing parenthesis */
	if ((q = strrchr(buf, ')')) == NULL || q[1] != ' ' || q[2] == '\0')
		return -1;
	*state = q[2];
	q += 2;
	*pgrp = 0;
	for (int field = 3; field < 22 && q; field++) {
		q = strchr(q, ' ');
		if (q && field == 4 && num_scan_long(q + 1, &end, pgrp) == -1)
			*pgrp = 0;
		if (q)
			q++;
	}
	if (q && num_scan_long(q, &end, &ticks) == -1)
		ticks = 0;
	*start = ticks > 0 ? (unsigned long long)ticks : 0;
	return 0;
}

unsigned long long
exec_proc_start(long pid)
{
	unsigned long long start;
	long pgrp;
	char state;

	/* a zombie has finished */
	if (proc_stat(pid, &state, &pgrp, &start) == -1 || state == 'Z')
		return 0;
	return start;
}

/*
 * The run's --walltime (whole seconds), --frozen-after (minutes) and
 * --poll (seconds) arguments, each in a NUM_BUFSZ buffer.
 */
static void
run_args(const struct exec_opts *o, char *wall, char *frozen, char *poll)
{
	num_fixed_digits(o->walltime, 0, wall);
	num_sig_digits(o->frozen_after / 60, 6, frozen);
	num_sig_digits(o->poll > 0 ? o->poll : 1, 6, poll);
}

static int
start_local(const struct exec_opts *o, json_t *rec, int *hold, struct hk_err *err)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	const char *dir = json_string_value(json_object_get(rec, "dir"));
	char wall[NUM_BUFSZ], frozen[NUM_BUFSZ], poll[NUM_BUFSZ], maxerr[16];
	struct sbuf log = SBUF_INIT;
	int go[2];
	pid_t pid;

	sbuf_addf(&log, "%s/run-vasp.log", dir);
	run_args(o, wall, frozen, poll);
	snprintf(maxerr, sizeof(maxerr), "%d", o->max_errors);
	if (pipe2(go, O_CLOEXEC) == -1) {
		err_set(err, "pipe: %s", strerror(errno));
		sbuf_release(&log);
		return -1;
	}
	if ((pid = fork()) < 0) {
		err_set(err, "fork: %s", strerror(errno));
		close(go[0]);
		close(go[1]);
		sbuf_release(&log);
		return -1;
	}
	if (pid == 0) {
		/* a session of its own, and wait until the parent has recorded us */
		char c;
		int fd;
		setsid();
		close(go[1]);
		/* no go byte: the top-up died before recording this run */
		if (read(go[0], &c, 1) != 1)
			_exit(0);
		close(go[0]);
		if ((fd = open(log.s, O_WRONLY | O_CREAT | O_APPEND, 0666)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		execl(o->self, "run-vasp", "run", "--state", o->root, "--calculator", o->calculator,
		    "--walltime", wall, "--frozen-after", frozen, "--max-errors", maxerr, "--poll", poll, id,
		    (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	sbuf_release(&log);
	json_object_set_new(rec, "executor", json_string("local"));
	json_object_set_new(rec, "exec_id", json_sprintf("%ld", (long)pid));
	json_object_set_new(rec, "pid", json_integer(pid));
	json_object_set_new(rec, "proc_start", json_integer((json_int_t)exec_proc_start(pid)));
	json_object_set_new(rec, "submitted", jsonw_real(js_now()));
	*hold = go[1];
	return 0;
}

int
exec_capture(char *const argv[], struct sbuf *out, struct sbuf *errout)
{
	int po[2], pe[2], status;
	pid_t pid;

	if (pipe(po) == -1 || pipe(pe) == -1)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));	/* lint: forked child */
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	char buf[4096];
	ssize_t got;
	while ((got = read(po[0], buf, sizeof(buf))) > 0)
		sbuf_add(out, buf, (size_t)got);
	while ((got = read(pe[0], buf, sizeof(buf))) > 0)
		sbuf_add(errout, buf, (size_t)got);
	close(po[0]);
	close(pe[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The next word of *p (a run of non-blanks) and its length; *p moves past it. */
static const char *
next_word(const char **p, size_t *n)
{
	const char *w = *p;

	while (isspace((unsigned char)*w))
		w++;
	for (*n = 0; w[*n] && !isspace((unsigned char)w[*n]); ++*n)
		;
	*p = w + *n;
	return w;
}

void
exec_shell_quote(struct sbuf *sb, const char *s)
{
	sbuf_addc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sbuf_addstr(sb, "'\\''");
		else
			sbuf_addc(sb, *s);
	}
	sbuf_addc(sb, '\'');
}

void
exec_sbatch_settings(struct sbuf *s, const struct slurm_conf *c, int tasks)
{
	if (c->partition[0])
		sbuf_addf(s, "#SBATCH --partition=%s\n", c->partition);
	if (c->account[0])
		sbuf_addf(s, "#SBATCH --account=%s\n", c->account);
	if (c->time[0])
		sbuf_addf(s, "#SBATCH --time=%s\n", c->time);
	if (tasks && c->nodes > 0)
		sbuf_addf(s, "#SBATCH --nodes=%d\n", c->nodes);
	if (tasks && c->ntasks > 0)
		sbuf_addf(s, "#SBATCH --ntasks=%d\n", c->ntasks);
	if (c->lines)
		sbuf_addstr(s, c->lines);
}

static int
start_slurm(const struct exec_opts *o, json_t *rec, struct hk_err *err)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	const char *dir = json_string_value(json_object_get(rec, "dir"));
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	struct slurm_conf c;
	struct sbuf s = SBUF_INIT, out = SBUF_INIT, eo = SBUF_INIT, script = SBUF_INIT;
	char wall[NUM_BUFSZ], frozen[NUM_BUFSZ], poll[NUM_BUFSZ];
	FILE *f;
	int rc = -1;

	if (slurmconf_read(o->slurm_conf_path, kind ? kind : "", &c, err) == -1)
		goto out;
	sbuf_addstr(&s, "#!/bin/sh\n");
	sbuf_addf(&s, "#SBATCH --job-name=hk-%s\n#SBATCH --output=%s/slurm-%%j.out\n", id, dir);
	exec_sbatch_settings(&s, &c, 1);
	sbuf_addstr(&s, "exec ");
	exec_shell_quote(&s, o->self);
	sbuf_addstr(&s, " run --state ");
	exec_shell_quote(&s, o->root);
	sbuf_addstr(&s, " --calculator ");
	exec_shell_quote(&s, o->calculator);
	run_args(o, wall, frozen, poll);
	sbuf_addf(&s, " --walltime %s --frozen-after %s --max-errors %d --poll %s ", wall, frozen, o->max_errors, poll);
	exec_shell_quote(&s, id);
	sbuf_addc(&s, '\n');
	sbuf_addf(&script, "%s/run-vasp.sbatch", dir);
	if ((f = fopen(script.s, "w")) == NULL || fwrite(s.s, 1, s.len, f) != s.len || fclose(f) != 0) {
		err_set(err, "%s: cannot write", script.s);
		goto out;
	}
	char *argv[] = { "sbatch", "--parsable", script.s, NULL };
	int st = exec_capture(argv, &out, &eo);
	long jid;
	char idtext[64];
	snprintf(idtext, sizeof(idtext), "%.*s", (int)strcspn(out.s ? out.s : "", ";\n"), out.s ? out.s : "");
	if (st != 0 || num_parse_long(idtext, 1, 2147483647L, &jid) == -1) {
		err_set(err, "sbatch failed (status %d): %.300s", st, eo.s ? eo.s : (out.s ? out.s : ""));
		goto out;
	}
	json_object_set_new(rec, "executor", json_string("slurm"));
	json_object_set_new(rec, "exec_id", json_string(idtext));
	json_object_set_new(rec, "submitted", jsonw_real(js_now()));
	rc = 0;
out:
	slurmconf_release(&c);
	sbuf_release(&s);
	sbuf_release(&out);
	sbuf_release(&eo);
	sbuf_release(&script);
	return rc;
}

int
exec_start(const struct exec_opts *o, json_t *rec, int *hold, struct hk_err *err)
{
	*hold = -1;
	if (strcmp(o->kind, "slurm") == 0)
		return start_slurm(o, rec, err);
	return start_local(o, rec, hold, err);
}

void
exec_release(int hold)
{
	/* if the go byte cannot be written the child exits unrun, and sync finds the run lost */
	if (hold >= 0) {
		ssize_t w = write(hold, "g", 1);
		(void)w;
		close(hold);
	}
}

int
exec_alive(const json_t *rec, char *reason, size_t n, char *sched, size_t sn)
{
	const char *ex = json_string_value(json_object_get(rec, "executor"));
	const char *eid = json_string_value(json_object_get(rec, "exec_id"));

	if (sched && sn)
		sched[0] = '\0';
	if (ex == NULL || eid == NULL) {
		snprintf(reason, n, "never started (the top-up was interrupted)");
		return 0;
	}
	if (strcmp(ex, "local") == 0) {
		long pid = (long)json_integer_value(json_object_get(rec, "pid"));
		unsigned long long want = (unsigned long long)json_integer_value(json_object_get(rec, "proc_start"));
		unsigned long long have = exec_proc_start(pid);
		if (have == 0 || (want && have != want)) {
			snprintf(reason, n, "lost run: process %ld is gone", pid);
			return 0;
		}
		return 1;
	}
	/* squeue fails on one unknown id: name it twice (AiiDA's trick) */
	char *argv[] = { "squeue", "-h", "-t", "all", "-o", "%i %T", "-j", NULL, NULL };
	struct sbuf ids = SBUF_INIT, out = SBUF_INIT, eo = SBUF_INIT;
	sbuf_addf(&ids, "%s,%s", eid, eid);
	argv[7] = ids.s;
	int st = exec_capture(argv, &out, &eo);
	int alive = -1;
	if (st == 0) {
		char got[64] = "";
		const char *p = out.s ? strstr(out.s, eid) : NULL, *w = NULL;
		size_t wn = 0;
		if (p) {
			p += strlen(eid);
			w = next_word(&p, &wn);
		}
		if (wn > 0) {
			snprintf(got, sizeof(got), "%.*s", (int)(wn < sizeof(got) ? wn : sizeof(got) - 1), w);
			if (sched && sn)
				snprintf(sched, sn, "%s", got);
			static const char *const live[] = { "PENDING", "RUNNING", "CONFIGURING", "COMPLETING",
				"SUSPENDED", "REQUEUED", "RESIZING", NULL };
			alive = 0;
			for (int i = 0; live[i]; i++)
				if (strcmp(got, live[i]) == 0)
					alive = 1;
			if (!alive)
				snprintf(reason, n, "lost run: Slurm job %s is %s", eid, got);
		} else {
			alive = 0;
			snprintf(reason, n, "lost run: Slurm no longer knows job %s", eid);
		}
	} else {
		snprintf(reason, n, "squeue failed: %.200s", eo.s ? eo.s : "");
	}
	sbuf_release(&ids);
	sbuf_release(&out);
	sbuf_release(&eo);
	return alive;
}

int
exec_abort(const json_t *rec, struct hk_err *err)
{
	const char *ex = json_string_value(json_object_get(rec, "executor"));
	const char *eid = json_string_value(json_object_get(rec, "exec_id"));

	if (ex == NULL || eid == NULL)
		return 0;
	if (strcmp(ex, "local") == 0) {
		long pid = (long)json_integer_value(json_object_get(rec, "pid"));
		unsigned long long start = (unsigned long long)json_integer_value(json_object_get(rec, "proc_start"));
		/* the run first: it stops its calculator and records that */
		exec_group_stop(pid, start, 3);
		exec_group_stop((long)json_integer_value(json_object_get(rec, "calc_pgid")),
		    (unsigned long long)json_integer_value(json_object_get(rec, "calc_start")), 2);
		return 0;
	}
	char *argv[] = { "scancel", (char *)eid, NULL };
	struct sbuf out = SBUF_INIT, eo = SBUF_INIT;
	int st = exec_capture(argv, &out, &eo);
	if (st != 0)
		err_set(err, "scancel %s failed: %.200s", eid, eo.s ? eo.s : "");
	sbuf_release(&out);
	sbuf_release(&eo);
	return st == 0 ? 0 : -1;
}

/* Whether a process of group pgid lives (zombies do not count: they have finished, but init may be slow to reap them). */
static int
group_lives(long pgid)
{
	DIR *proc;
	struct dirent *d;
	int found = 0;

	if (kill(-(pid_t)pgid, 0) == -1)
		return 0;
	if ((proc = opendir("/proc")) == NULL)
		return 1;
	while (!found && (d = readdir(proc)) != NULL) {
		unsigned long long start;
		long pid, pgrp;
		char state;
		found = num_parse_long(d->d_name, 1, LONG_MAX, &pid) == 0 && proc_stat(pid, &state, &pgrp, &start) == 0 &&
		    pgrp == pgid && state != 'Z';
	}
	closedir(proc);
	return found;
}

int
exec_group_alive(long pgid, unsigned long long start)
{
	unsigned long long have;

	if (pgid <= 1 || !group_lives(pgid))
		return 0;
	have = exec_proc_start(pgid);
	return have == 0 || start == 0 || have == start;
}

/* Until group pgid is empty, at most s seconds; whether it is. */
static int
group_gone_within(long pgid, double s)
{
	for (int i = 0; i < (int)(s * 20); i++) {
		if (!group_lives(pgid))
			return 1;
		usleep(50000);
	}
	return !group_lives(pgid);
}

int
exec_group_stop(long pgid, unsigned long long start, double grace)
{
	if (!exec_group_alive(pgid, start))
		return 0;
	kill(-(pid_t)pgid, SIGTERM);
	if (!group_gone_within(pgid, grace)) {
		kill(-(pid_t)pgid, SIGKILL);
		group_gone_within(pgid, 2);
	}
	return 1;
}
