#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "executor.h"
#include "fileio.h"
#include "num.h"
#include "sbuf.h"
#include "shard.h"
#include "shardrun.h"
#include "slurmconf.h"
#include "xalloc.h"

/* Is a later than b (to the nanosecond)? */
static int
later(const struct stat *a, const struct stat *b)
{
	if (a->st_mtim.tv_sec != b->st_mtim.tv_sec)
		return a->st_mtim.tv_sec > b->st_mtim.tv_sec;
	return a->st_mtim.tv_nsec > b->st_mtim.tv_nsec;
}

static int
part_due(const struct shard_run *o, int k)
{
	char *in = shard_path(o->dir, "in", k), *out = shard_path(o->dir, "out", k);
	struct stat si, so, sa;
	int due = stat(out, &so) != 0 || (stat(in, &si) == 0 && later(&si, &so));

	for (int i = 0; !due && i < o->nafter; i++)
		due = stat(o->after[i], &sa) == 0 && later(&sa, &so);
	free(in);
	free(out);
	return due;
}

int
shard_due(const struct shard_run *o, int *due)
{
	int n = 0;

	for (int k = 0; k < o->n; k++)
		if (part_due(o, k))
			due[n++] = k;
	return n;
}

/* "part K: ..." to the report hook. */
static void
part_failed(const struct shard_run *o, int k, const char *why)
{
	struct hk_err e = HK_ERR_INIT;
	char *in = shard_path(o->dir, "in", k);

	err_set(&e, "part %d (%s): %s", k, in, why);
	if (o->report)
		o->report(o->ctx, &e);
	free(in);
}

/* The stage's command for part k: argv, then -o OUT IN; on the heap, strings borrowed but the last two. */
static char **
part_argv(const struct shard_run *o, int k)
{
	int n = 0;
	char **v;

	while (o->argv[n])
		n++;
	v = xcalloc((size_t)n + 4, sizeof(*v));
	memcpy(v, o->argv, (size_t)n * sizeof(*v));
	v[n] = "-o";
	v[n + 1] = shard_path(o->dir, "out", k);
	v[n + 2] = shard_path(o->dir, "in", k);
	return v;
}

static void
part_argv_free(char **v)
{
	int n = 0;

	while (v[n])
		n++;
	free(v[n - 1]);
	free(v[n - 2]);
	free(v);
}

/* Part k here; 0, or 1 when it failed (reported, its output removed). */
static int
run_here(const struct shard_run *o, int k)
{
	char **v = part_argv(o, k), why[160];
	int status, failed = 1, n = 0;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(v[0], v);
		fprintf(stderr, "%s: %s\n", v[0], strerror(errno));	/* lint: forked child */
		_exit(127);
	}
	if (pid < 0)
		snprintf(why, sizeof(why), "cannot start: %s", strerror(errno));
	else if (waitpid(pid, &status, 0) < 0)
		snprintf(why, sizeof(why), "lost: %s", strerror(errno));
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "%.100s killed by signal %d", v[0], WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		snprintf(why, sizeof(why), "%.100s exited with status %d", v[0], WEXITSTATUS(status));
	else
		failed = 0;
	while (v[n])
		n++;
	if (failed) {
		unlink(v[n - 2]);
		part_failed(o, k, why);
	}
	part_argv_free(v);
	return failed;
}

/* name as found on PATH (absolute), for a batch job that may start elsewhere; a copy of name if not. */
static char *
command_path(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs, *save = NULL, cwd[PATH_MAX];

	if (strchr(name, '/')) {
		if (name[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
			return xstrdup(name);
		return xasprintf("%s/%s", cwd, name);
	}
	dirs = xstrdup(path ? path : "/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, name);
		if (d[0] == '/' && access(p, X_OK) == 0) {
			free(dirs);
			return p;
		}
		free(p);
	}
	free(dirs);
	return xstrdup(name);
}

/* The array job's script: each task runs its part, from here, and removes its output on failure. */
static void
array_script(const struct shard_run *o, const struct slurm_conf *c, const char *dir, const char *cwd,
    const int *due, int ndue, struct sbuf *s)
{
	char *cmd = command_path(o->argv[0]);

	const char *base = strrchr(dir, '/');

	/* named for its directory, the stage's table: squeue tells the stages apart */
	sbuf_addf(s, "#!/bin/sh\n#SBATCH --job-name=hk-shard-%s\n#SBATCH --array=", base ? base + 1 : dir);
	for (int i = 0; i < ndue; i++)
		sbuf_addf(s, "%s%d", i ? "," : "", due[i]);
	sbuf_addf(s, "\n#SBATCH --output=%s/slurm-%%A_%%a.out\n#SBATCH --ntasks=1\n", dir);
	if (o->cpus > 0)
		sbuf_addf(s, "#SBATCH --cpus-per-task=%d\n", o->cpus);
	exec_sbatch_settings(s, c, 0);
	sbuf_addstr(s, "cd ");
	exec_shell_quote(s, cwd);
	sbuf_addstr(s, " || exit 2\nk=$(printf %03d \"$SLURM_ARRAY_TASK_ID\")\nout=");
	exec_shell_quote(s, dir);
	sbuf_addstr(s, "/out.$k.jsonl\n");
	exec_shell_quote(s, cmd);
	for (int i = 1; o->argv[i]; i++) {
		sbuf_addc(s, ' ');
		exec_shell_quote(s, o->argv[i]);
	}
	sbuf_addstr(s, " -o \"$out\" ");
	exec_shell_quote(s, dir);
	sbuf_addstr(s, "/in.$k.jsonl && exit 0\nrc=$?\nrm -f \"$out\"\nexit $rc\n");
	free(cmd);
}

/* The last line of a task's log, or why there is none. */
static void
log_tail(const char *path, char *buf, size_t n)
{
	struct sbuf text = SBUF_INIT;
	size_t end, start;

	snprintf(buf, n, "no log %s", path);
	if (file_read_max(path, 1 << 24, &text) == 0 && text.len > 0) {
		for (end = text.len; end > 0 && (text.s[end - 1] == '\n' || text.s[end - 1] == '\r'); end--)
			;
		for (start = end; start > 0 && text.s[start - 1] != '\n'; start--)
			;
		snprintf(buf, n, "%s: %.*s", path, (int)(end - start > 300 ? 300 : end - start), text.s + start);
	}
	sbuf_release(&text);
}

/* Slurm's state of task jid_k in states (squeue's "%i %T" lines), or "" when it is not there. */
static void
task_state(const struct sbuf *states, const char *jid, int k, char *buf, size_t n)
{
	char head[96];
	const char *p = states->s ? states->s : "";
	size_t hn = (size_t)snprintf(head, sizeof(head), "%s_%d ", jid, k);

	buf[0] = '\0';
	for (; *p; p += strcspn(p, "\n"), p += *p == '\n')
		if (strncmp(p, head, hn) == 0) {
			snprintf(buf, n, "%.*s", (int)strcspn(p + hn, "\n"), p + hn);
			return;
		}
}

/* The due parts as one array job, waited for; the count that failed, or -1. */
static int
run_array(const struct shard_run *o, const int *due, int ndue, struct hk_err *err)
{
	struct slurm_conf c;
	struct sbuf s = SBUF_INIT, out = SBUF_INIT, eo = SBUF_INIT;
	char dir[PATH_MAX], cwd[PATH_MAX], *script = NULL, jid[64], why[512];
	int failed = -1, st;

	if (slurmconf_read(o->slurm_conf_path, "shard", &c, err) == -1)
		goto out;
	if (realpath(o->dir, dir) == NULL || getcwd(cwd, sizeof(cwd)) == NULL) {
		err_set(err, "%s: %s", o->dir, strerror(errno));
		goto out;
	}
	/* the directory goes into #SBATCH lines, which are not quoted */
	if (dir[strspn(dir, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+,-")] != '\0') {
		err_set(err, "%s: a directory for Slurm's job lines may hold only letters, digits and /._+,-", dir);
		goto out;
	}
	array_script(o, &c, dir, cwd, due, ndue, &s);
	script = xasprintf("%s/run.sbatch", dir);
	if (file_write_atomic(script, s.s, s.len, err) == -1)
		goto out;
	char *argv[] = { "sbatch", "--parsable", "--wait", script, NULL };
	st = exec_capture(argv, &out, &eo);
	snprintf(jid, sizeof(jid), "%.*s", (int)strcspn(out.s ? out.s : "", ";\n"), out.s ? out.s : "");
	long id;
	if (num_parse_long(jid, 1, 2147483647L, &id) == -1) {
		err_set(err, "sbatch failed (status %d): %.300s", st, eo.s ? eo.s : "");
		goto out;
	}
	failed = 0;
	/* what became of the tasks, while Slurm still keeps them (MinJobAge) */
	char *sq[] = { "squeue", "-h", "-t", "all", "-o", "%i %T", "-j", jid, NULL };
	sbuf_reset(&out);
	sbuf_reset(&eo);
	exec_capture(sq, &out, &eo);
	for (int i = 0; i < ndue; i++) {
		if (!part_due(o, due[i]))
			continue;
		char *log = xasprintf("%s/slurm-%s_%d.out", dir, jid, due[i]);
		char tail[400], state[64];
		log_tail(log, tail, sizeof(tail));
		task_state(&out, jid, due[i], state, sizeof(state));
		if (state[0])
			snprintf(why, sizeof(why), "Slurm task %s_%d ended %s, no output; %s", jid, due[i], state, tail);
		else
			snprintf(why, sizeof(why), "Slurm task %s_%d gave no output; %s", jid, due[i], tail);
		part_failed(o, due[i], why);
		free(log);
		failed++;
	}
out:
	slurmconf_release(&c);
	sbuf_release(&s);
	sbuf_release(&out);
	sbuf_release(&eo);
	free(script);
	return failed;
}

int
shard_run_due(const struct shard_run *o, int *ran, struct hk_err *err)
{
	int *due = xcalloc((size_t)o->n + 1, sizeof(*due)), failed = 0;

	*ran = shard_due(o, due);
	if (*ran > 0 && strcmp(o->executor, "slurm") == 0)
		failed = run_array(o, due, *ran, err);
	else
		for (int i = 0; i < *ran; i++)
			failed += run_here(o, due[i]);
	free(due);
	return failed < 0 ? -1 : failed > 0;
}
