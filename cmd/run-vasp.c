/* run-vasp: job states, top-up, running, recovery -- the VASP stage. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "executor.h"
#include "hash.h"
#include "jobstate.h"
#include "jsonw.h"
#include "num.h"
#include "rec.h"
#include "runjob.h"
#include "xalloc.h"

static const char usage[] =
    "run-vasp [--state dir] command [options] [args]\n"
    "       commands: add, topup, run, status, list, abort, retry, forget, sync, help";

static const char help[] =
    "Keep VASP jobs (make-neb directories) moving: ready -> queued -> running -> done | failed.\n"
    "\n"
    "  add [jobs.jsonl ...]           register jobs, in this priority order (idempotent)\n"
    "  topup -n N [-e local|slurm]    start ready jobs until N are queued or running\n"
    "        [--wait]                 ... and again, until the queue is drained\n"
    "  run ID                         run a job here (what the executors start)\n"
    "  status [ID ...]                counts per state, or the named jobs\n"
    "  list [--state S] [--csv]       one line per job\n"
    "  abort ID ...                   stop jobs (kill or scancel): aborted\n"
    "  retry [--failed | ID ...]      failed or aborted jobs back to ready\n"
    "  forget ID ...                  drop jobs from the state directory\n"
    "  sync                           mark runs that died or vanished as failed\n"
    "  help [COMMAND]                 more on a command\n"
    "\n"
    "  -s, --state DIR   the state directory (default ./jobs)\n"
    "\n"
    "Exit status: 0 success; 1 some jobs could not be handled; 2 usage or fatal error;\n"
    "3 (topup) nothing left to run: no job is ready.\n";

struct ctx {
	struct cli cli;
	char root[PATH_MAX];
	struct sbuf line;
};

static void
sub_usage(struct ctx *c, const char *u)
{
	fprintf(stderr, "usage: run-vasp %s\n", u);
	exit(2);
}

static int
cmd_add(struct ctx *c, int argc, char **argv)
{
	struct hk_err e = HK_ERR_INIT;
	int lock, bad = 0;
	long added = 0, known = 0;

	struct strset ready = STRSET_INIT;

	if ((lock = js_lock(c->root, &e)) < 0)
		cli_fatal(&c->cli, "%s", e.msg);
	if (js_ready_ids(c->root, &ready) == -1)
		cli_fatal(&c->cli, "%s/ready: %s", c->root, strerror(errno));
	argc--, argv++;		/* the command's own name */
	for (int i = 0; i < (argc ? argc : 1); i++) {
		struct rec_reader *rd = rec_open(argc ? argv[i] : "-", &e);
		json_t *rec;
		int rc;
		if (rd == NULL) {
			cli_diag(&c->cli, &e);
			bad = 1;
			continue;
		}
		while ((rc = rec_next(rd, &rec, &e)) != 0) {
			int a;
			if (rc == -1) {
				cli_diag(&c->cli, &e);
				bad = 1;
				continue;
			}
			/* job directories are recorded absolute: runs start elsewhere */
			const char *dir = json_string_value(json_object_get(rec, "dir"));
			if (dir && dir[0] != '/') {
				char abs[PATH_MAX * 2], cwd[PATH_MAX];
				if (getcwd(cwd, sizeof(cwd))) {
					snprintf(abs, sizeof(abs), "%s/%s", cwd, dir);
					json_object_set_new(rec, "dir", json_string(abs));
				}
			}
			if (js_add(c->root, rec, &ready, &a, &e) == -1) {
				err_where(&e, rd->name, rec_line(rd));
				cli_diag(&c->cli, &e);
				bad = 1;
			} else {
				added += a;
				known += !a;
			}
			json_decref(rec);
		}
		rec_close(rd);
	}
	js_unlock(lock);
	strset_release(&ready);
	if (!c->cli.quiet)
		cli_warn(&c->cli, "%ld jobs added, %ld already known", added, known);
	return bad;
}

static void
self_path(char *out, size_t n)
{
	ssize_t k = readlink("/proc/self/exe", out, n - 1);

	out[k > 0 ? k : 0] = '\0';
}

/* Start ready jobs until max are active.  Counts into *started, *active (after), *ready (left); 1 if a job failed to start. */
static int
topup_once(struct ctx *c, const struct exec_opts *eo, long max, int *started, int *active, int *ready)
{
	struct hk_err e = HK_ERR_INIT;
	char **list;
	int lock, bad = 0, nready;

	*started = 0;
	if ((lock = js_lock(c->root, &e)) < 0)
		cli_fatal(&c->cli, "%s", e.msg);
	js_list(c->root, JS_ACTIVE, &list, active);
	for (int i = 0; i < *active; i++)
		free(list[i]);
	free(list);
	js_list(c->root, JS_READY, &list, &nready);
	for (int i = 0; i < nready; i++) {
		char id[300], path[PATH_MAX * 2];
		json_t *rec;
		int hold;
		if (*active + *started >= max) {
			free(list[i]);
			continue;
		}
		js_id_of(list[i], JS_READY, id, sizeof(id));
		if (js_move_file(c->root, list[i], JS_READY, JS_ACTIVE, 0, &e) == -1) {
			cli_diag(&c->cli, &e);
			free(list[i]);
			bad = 1;
			continue;
		}
		snprintf(path, sizeof(path), "%s/active/%s.json", c->root, id);
		if ((rec = js_load(path, &e)) == NULL) {
			cli_diag(&c->cli, &e);
			free(list[i]);
			bad = 1;
			continue;
		}
		json_object_set_new(rec, "state", json_string("queued"));
		if (exec_start(eo, rec, &hold, &e) == -1) {
			/* back in its place in line; what failed (a partition, sbatch
			 * itself) would fail for the next job too: stop here */
			struct hk_err e2 = HK_ERR_INIT;
			cli_warn(&c->cli, "%s: not started: %s", id, e.msg);
			json_decref(rec);
			if (js_unclaim(c->root, list[i], &e2) == -1)
				cli_diag(&c->cli, &e2);
			for (int j = i; j < nready; j++)
				free(list[j]);
			bad = 1;
			break;
		}
		free(list[i]);
		if (js_save(path, rec, &e) == -1) {
			cli_diag(&c->cli, &e);
			bad = 1;
		}
		exec_release(hold);
		json_decref(rec);
		++*started;
	}
	free(list);
	js_unlock(lock);
	*active += *started;
	*ready = nready - *started;
	return bad;
}

static int sync_once(struct ctx *c);

static int
cmd_topup(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "max-active", required_argument, NULL, 'n' }, { "executor", required_argument, NULL, 'e' },
		{ "calculator", required_argument, NULL, 'c' }, { "walltime", required_argument, NULL, 'w' },
		{ "frozen-after", required_argument, NULL, 'f' }, { "max-errors", required_argument, NULL, 'm' },
		{ "slurm-config", required_argument, NULL, 'S' }, { "poll", required_argument, NULL, 'p' },
		{ "wait", no_argument, NULL, 'W' }, { NULL, 0, NULL, 0 } };
	const char *u = "topup -n N [--wait] [-e local|slurm] [-c cmd] [--walltime s] [--frozen-after min]\n"
	    "              [--max-errors n] [--poll s] [--slurm-config file]";
	struct runjob_opts ro;
	struct exec_opts eo = { "local", c->root, NULL, NULL, 0, 0, 5, NULL, 1 };
	char self[PATH_MAX];
	long max = -1;
	int ch, wait = 0, bad, started, active, ready, total = 0;

	runjob_opts_init(&ro);
	eo.calculator = ro.calculator;
	eo.frozen_after = ro.frozen_after;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:e:c:", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': max = cli_long(&c->cli, "--max-active", optarg, 0, 1000000); break;
		case 'e':
			if (strcmp(optarg, "local") && strcmp(optarg, "slurm"))
				sub_usage(c, u);
			eo.kind = optarg;
			break;
		case 'c': eo.calculator = optarg; break;
		case 'w': eo.walltime = cli_double(&c->cli, "--walltime", optarg, 0, 1e9); break;
		case 'f': eo.frozen_after = 60 * cli_double(&c->cli, "--frozen-after", optarg, 0, 1e7); break;
		case 'm': eo.max_errors = (int)cli_long(&c->cli, "--max-errors", optarg, 0, 1000); break;
		case 'S': eo.slurm_conf_path = optarg; break;
		case 'p': eo.poll = cli_double(&c->cli, "--poll", optarg, 0.01, 3600); break;
		case 'W': wait = 1; break;
		default: sub_usage(c, u);
		}
	}
	if (max < 0 || (wait && max == 0))
		sub_usage(c, u);
	self_path(self, sizeof(self));
	eo.self = self;
	if (!wait) {
		bad = topup_once(c, &eo, max, &started, &active, &ready);
		if (!c->cli.quiet)
			cli_warn(&c->cli, "%d started, %d active, %d ready", started, active, ready);
		if (bad)
			return 1;
		return ready > 0 || started > 0 ? 0 : 3;
	}
	/* until the queue is drained: sync, top up, look again (Slurm less often) */
	for (;;) {
		sync_once(c);
		if (topup_once(c, &eo, max, &started, &active, &ready))
			return 1;
		total += started;
		if (ready == 0 && active == 0)
			break;
		sleep(strcmp(eo.kind, "slurm") == 0 ? 30 : 1);
	}
	if (!c->cli.quiet)
		cli_warn(&c->cli, "%d started, queue drained", total);
	return 0;
}

static int
cmd_run(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "calculator", required_argument, NULL, 'c' }, { "walltime", required_argument, NULL, 'w' },
		{ "frozen-after", required_argument, NULL, 'f' }, { "max-errors", required_argument, NULL, 'm' },
		{ "poll", required_argument, NULL, 'p' }, { "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 } };
	struct runjob_opts ro;
	struct hk_err e = HK_ERR_INIT;
	int ch, rc;

	runjob_opts_init(&ro);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:s:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': ro.calculator = optarg; break;
		case 'w': ro.walltime = cli_double(&c->cli, "--walltime", optarg, 0, 1e9); break;
		case 'f': ro.frozen_after = 60 * cli_double(&c->cli, "--frozen-after", optarg, 0, 1e7); break;
		case 'm': ro.max_errors = (int)cli_long(&c->cli, "--max-errors", optarg, 0, 1000); break;
		case 'p': ro.poll = cli_double(&c->cli, "--poll", optarg, 0.01, 3600); break;
		case 's': snprintf(c->root, sizeof(c->root), "%s", optarg); break;
		default: sub_usage(c, "run [-c cmd] [--walltime s] [--frozen-after min] [--max-errors n] ID");
		}
	}
	if (optind != argc - 1)
		sub_usage(c, "run [-c cmd] [--walltime s] [--frozen-after min] [--max-errors n] ID");
	rc = runjob(c->root, argv[optind], &ro, &e);
	if (rc == -1)
		cli_fatal(&c->cli, "%s", e.msg);
	return rc;
}

static void
fmt_time(double t, char *buf, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(buf, n, "-");
		return;
	}
	gmtime_r(&s, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *const cols[] = { "id", "state", "attempts", "executor", "exec_id", "submitted", "started",
	"ended", "walltime", "last_error" };

static void
row(struct ctx *c, const json_t *rec, enum js_state st, int csv)
{
	char sub[40], sta[40], end[40], nb[NUM_BUFSZ];
	const char *state = json_string_value(json_object_get(rec, "state"));
	const char *le = json_string_value(json_object_get(rec, "last_error"));

	if (st != JS_ACTIVE || state == NULL)
		state = js_state_name(st);
	fmt_time(json_number_value(json_object_get(rec, "submitted")), sub, sizeof(sub));
	fmt_time(json_number_value(json_object_get(rec, "started")), sta, sizeof(sta));
	fmt_time(json_number_value(json_object_get(rec, "ended")), end, sizeof(end));
	if (csv) {
		json_t *r = json_deep_copy(rec);
		json_object_set_new(r, "state", json_string(state));
		json_object_set_new(r, "submitted", json_string(sub));
		json_object_set_new(r, "started", json_string(sta));
		json_object_set_new(r, "ended", json_string(end));
		sbuf_reset(&c->line);
		csv_record(&c->line, r, cols, 10);
		fputs(c->line.s, c->cli.out);
		json_decref(r);
		return;
	}
	fprintf(c->cli.out, "%-28s %-8s %3lld %-6s %-10s %-20s %-20s %8s  %s\n",
	    json_string_value(json_object_get(rec, "id")), state,
	    (long long)json_integer_value(json_object_get(rec, "attempts")),
	    json_string_value(json_object_get(rec, "executor")) ? json_string_value(json_object_get(rec, "executor")) : "-",
	    json_string_value(json_object_get(rec, "exec_id")) ? json_string_value(json_object_get(rec, "exec_id")) : "-",
	    sub, sta, json_is_number(json_object_get(rec, "walltime")) ?
	    num_fixed(json_number_value(json_object_get(rec, "walltime")), 0, nb) : "-", le ? le : "");
}

static int
each(struct ctx *c, int want, int csv)
{
	struct hk_err e = HK_ERR_INIT;

	if (csv)
		fputs("id,state,attempts,executor,exec_id,submitted,started,ended,walltime,last_error\n", c->cli.out);
	else
		fprintf(c->cli.out, "%-28s %-8s %3s %-6s %-10s %-20s %-20s %8s  %s\n", "ID", "STATE", "TRY", "EXEC",
		    "EXEC_ID", "SUBMITTED", "STARTED", "WALL_S", "LAST_ERROR");
	for (int s = 0; s < JS_NSTATES; s++) {
		char **list;
		int n;
		if (want >= 0 && s != want)
			continue;
		js_list(c->root, (enum js_state)s, &list, &n);
		for (int i = 0; i < n; i++) {
			char path[PATH_MAX * 2];
			json_t *rec;
			snprintf(path, sizeof(path), "%s/%s/%s", c->root, js_state_name((enum js_state)s), list[i]);
			if ((rec = js_load(path, &e)) != NULL) {
				row(c, rec, (enum js_state)s, csv);
				json_decref(rec);
			}
			free(list[i]);
		}
		free(list);
	}
	return 0;
}

static int
cmd_list(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = { { "state", required_argument, NULL, 's' },
		{ "csv", no_argument, NULL, 'c' }, { NULL, 0, NULL, 0 } };
	enum js_state st;
	int want = -1, csv = 0, ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 's') {
			if (js_state_parse(optarg, &st) == -1)
				sub_usage(c, "list [--state ready|active|done|failed|aborted] [--csv]");
			want = st;
		} else if (ch == 'c') {
			csv = 1;
		} else {
			sub_usage(c, "list [--state S] [--csv]");
		}
	}
	return each(c, want, csv);
}

static int
cmd_status(struct ctx *c, int argc, char **argv)
{
	int bad = 0;

	if (argc <= 1) {
		long n[JS_NSTATES] = { 0 }, queued = 0, running = 0;
		for (int s = 0; s < JS_NSTATES; s++) {
			char **list;
			int k;
			js_list(c->root, (enum js_state)s, &list, &k);
			n[s] = k;
			for (int i = 0; i < k; i++) {
				if (s == JS_ACTIVE) {
					char path[PATH_MAX * 2];
					struct hk_err e = HK_ERR_INIT;
					snprintf(path, sizeof(path), "%s/active/%s", c->root, list[i]);
					json_t *rec = js_load(path, &e);
					const char *st = rec ? json_string_value(json_object_get(rec, "state")) : NULL;
					if (st && strcmp(st, "running") == 0)
						running++;
					else
						queued++;
					json_decref(rec);
				}
				free(list[i]);
			}
			free(list);
		}
		fprintf(c->cli.out, "ready %ld\nqueued %ld\nrunning %ld\ndone %ld\nfailed %ld\naborted %ld\n",
		    n[JS_READY], queued, running, n[JS_DONE], n[JS_FAILED], n[JS_ABORTED]);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char path[PATH_MAX * 2];
		enum js_state st;
		struct hk_err e = HK_ERR_INIT;
		json_t *rec;
		if (js_find(c->root, argv[i], &st, path, sizeof(path)) == -1 || (rec = js_load(path, &e)) == NULL) {
			cli_warn(&c->cli, "%s: no such job", argv[i]);
			bad = 1;
			continue;
		}
		if (st == JS_ACTIVE && json_object_get(rec, "executor") &&
		    strcmp(json_string_value(json_object_get(rec, "executor")), "slurm") == 0) {
			char why[300], sched[64];
			exec_alive(rec, why, sizeof(why), sched, sizeof(sched));
			if (sched[0])
				json_object_set_new(rec, "slurm_state", json_string(sched));
		}
		if (jsonw_line(c->cli.out, rec, &c->line, &e) == -1)
			cli_fatal(&c->cli, "%s", e.msg);
		json_decref(rec);
	}
	return bad;
}

static int
cmd_abort(struct ctx *c, int argc, char **argv)
{
	int bad = 0;

	if (argc < 2)
		sub_usage(c, "abort ID ...");
	for (int i = 1; i < argc; i++) {
		char path[PATH_MAX * 2];
		enum js_state st;
		struct hk_err e = HK_ERR_INIT;
		json_t *rec;
		if (js_find(c->root, argv[i], &st, path, sizeof(path)) == -1 ||
		    (st != JS_ACTIVE && st != JS_READY) || (rec = js_load(path, &e)) == NULL) {
			cli_warn(&c->cli, "%s: not ready, queued or running", argv[i]);
			bad = 1;
			continue;
		}
		if (st == JS_ACTIVE && exec_abort(rec, &e) == -1) {
			cli_warn(&c->cli, "%s: %s", argv[i], e.msg);
			bad = 1;
		}
		json_decref(rec);
		if (js_move(c->root, argv[i], st, JS_ABORTED, 0, &e) == -1 && errno != ENOENT) {
			cli_warn(&c->cli, "%s: %s", argv[i], e.msg);
			bad = 1;
		}
	}
	return bad;
}

static int
cmd_retry(struct ctx *c, int argc, char **argv)
{
	struct hk_err e = HK_ERR_INIT;
	int lock, bad = 0;

	if (argc < 2)
		sub_usage(c, "retry --failed | ID ...");
	if ((lock = js_lock(c->root, &e)) < 0)
		cli_fatal(&c->cli, "%s", e.msg);
	if (strcmp(argv[1], "--failed") == 0) {
		char **list;
		int n;
		js_list(c->root, JS_FAILED, &list, &n);
		for (int i = 0; i < n; i++) {
			char id[300];
			js_id_of(list[i], JS_FAILED, id, sizeof(id));
			if (js_move(c->root, id, JS_FAILED, JS_READY, 1, &e) == -1)
				bad = 1;
			free(list[i]);
		}
		free(list);
	} else {
		for (int i = 1; i < argc; i++) {
			enum js_state st;
			char path[PATH_MAX * 2];
			if (js_find(c->root, argv[i], &st, path, sizeof(path)) == -1 ||
			    (st != JS_FAILED && st != JS_ABORTED) || js_move(c->root, argv[i], st, JS_READY, 1, &e) == -1) {
				cli_warn(&c->cli, "%s: not failed or aborted", argv[i]);
				bad = 1;
			}
		}
	}
	js_unlock(lock);
	return bad;
}

static int
cmd_forget(struct ctx *c, int argc, char **argv)
{
	int bad = 0;

	if (argc < 2)
		sub_usage(c, "forget ID ...");
	for (int i = 1; i < argc; i++) {
		enum js_state st;
		char path[PATH_MAX * 2];
		if (js_find(c->root, argv[i], &st, path, sizeof(path)) == -1 || st == JS_ACTIVE || unlink(path) == -1) {
			cli_warn(&c->cli, "%s: unknown or active (abort it first)", argv[i]);
			bad = 1;
		}
	}
	return bad;
}

/* Reconcile active jobs with what really runs; the number of lost runs. */
static int
sync_once(struct ctx *c)
{
	struct hk_err e = HK_ERR_INIT;
	char **list;
	int n, lock, lost = 0;

	if ((lock = js_lock(c->root, &e)) < 0)
		cli_fatal(&c->cli, "%s", e.msg);
	js_clean(c->root);
	js_list(c->root, JS_ACTIVE, &list, &n);
	for (int i = 0; i < n; i++) {
		char id[300], path[PATH_MAX * 2], why[400];
		json_t *rec;
		js_id_of(list[i], JS_ACTIVE, id, sizeof(id));
		snprintf(path, sizeof(path), "%s/active/%s", c->root, list[i]);
		free(list[i]);
		if ((rec = js_load(path, &e)) == NULL)
			continue;
		const char *st = json_string_value(json_object_get(rec, "state"));
		/* a runner that finished but died before moving its file */
		if (st && (strcmp(st, "done") == 0 || strcmp(st, "failed") == 0)) {
			js_move(c->root, id, JS_ACTIVE, strcmp(st, "done") == 0 ? JS_DONE : JS_FAILED, 0, &e);
			json_decref(rec);
			continue;
		}
		int alive = exec_alive(rec, why, sizeof(why), NULL, 0);
		if (alive == 0) {
			if (json_object_get(rec, "exec_id") == NULL) {
				/* claimed, never started: back to the front */
				js_move(c->root, id, JS_ACTIVE, JS_READY, 1, &e);
			} else {
				json_object_set_new(rec, "last_error", json_string(why));
				json_object_set_new(rec, "ended", jsonw_real(js_now()));
				js_save(path, rec, &e);
				js_move(c->root, id, JS_ACTIVE, JS_FAILED, 0, &e);
				lost++;
			}
		}
		json_decref(rec);
	}
	free(list);
	js_unlock(lock);
	if (!c->cli.quiet && lost)
		cli_warn(&c->cli, "%d lost runs marked failed", lost);
	return lost;
}

static int
cmd_sync(struct ctx *c, int argc, char **argv)
{
	(void)argc, (void)argv;
	sync_once(c);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct ctx *, int, char **);
	const char *help;
} commands[] = {
	{ "add", cmd_add, "add [jobs.jsonl ...]: register make-neb job records as ready, in order; known ids are left alone." },
	{ "topup", cmd_topup, "topup -n N [--wait] [-e local|slurm] [-c cmd] [--walltime s] [--frozen-after min] [--max-errors n]\n"
	    "  [--poll s] [--slurm-config file]: start the first ready jobs until N are queued or running.  Exit 3 when no\n"
	    "  job is ready.  --wait: sync and top up again (every second; 30 s for Slurm) until nothing is ready or active." },
	{ "run", cmd_run, "run [-c cmd] [--walltime s] [--frozen-after min] [--max-errors n] ID: run a queued job here." },
	{ "status", cmd_status, "status [ID ...]: counts per state; with ids, each job's state record (and Slurm's state)." },
	{ "list", cmd_list, "list [--state S] [--csv]: one line per job." },
	{ "abort", cmd_abort, "abort ID ...: kill the run's process group or scancel it; the job is aborted." },
	{ "retry", cmd_retry, "retry --failed | ID ...: failed or aborted jobs back to the front of the queue." },
	{ "forget", cmd_forget, "forget ID ...: remove jobs that are not active from the state directory." },
	{ "sync", cmd_sync, "sync: active jobs whose run died or that Slurm no longer has become failed (lost run)." },
};

int
main(int argc, char *argv[])
{
	struct ctx c = { .line = SBUF_INIT };
	struct hk_err e = HK_ERR_INIT;
	const char *root = "jobs";
	int i = 1, rc;

	cli_init(&c.cli, "run-vasp", usage);
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			cli_help(&c.cli, help);
		if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0)
			cli_version(&c.cli);
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			c.cli.quiet = 1;
			i++;
			continue;
		}
		if ((strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--state") == 0) && i + 1 < argc) {
			root = argv[i + 1];
			i += 2;
			continue;
		}
		cli_usage_error(&c.cli, "unknown option '%s'", argv[i]);
	}
	if (i >= argc)
		cli_usage_error(&c.cli, "no command");
	if (strcmp(argv[i], "help") == 0) {
		for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
			if (i + 1 >= argc || strcmp(argv[i + 1], commands[k].name) == 0)
				printf("run-vasp %s\n", commands[k].help);
		return 0;
	}
	if (realpath(root, c.root) == NULL)
		snprintf(c.root, sizeof(c.root), "%s", root);
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (strcmp(argv[i], commands[k].name) != 0)
			continue;
		if (strcmp(argv[i], "run") != 0 && js_init(c.root, &e) == -1)
			cli_fatal(&c.cli, "%s", e.msg);
		if (realpath(root, c.root) == NULL)
			snprintf(c.root, sizeof(c.root), "%s", root);
		rc = commands[k].fn(&c, argc - i, argv + i);
		sbuf_release(&c.line);
		int closed = cli_close_output(&c.cli, 1);
		return closed ? closed : rc;
	}
	cli_usage_error(&c.cli, "unknown command '%s'", argv[i]);
}
