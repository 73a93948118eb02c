/* run-vasp: job states, top-up, running, recovery -- the VASP stage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jobqueue.h"
#include "jobshow.h"
#include "jsonw.h"
#include "pmap.h"
#include "runjob.h"
#include "stream.h"
#include "sbuf.h"
#include "xalloc.h"

static const char help_tail[] =
    "\n  -s, --state DIR   the state directory (default ./jobs)\n"
    "  -q, --quiet       no summary lines on standard error\n"
    "  -h, --help        this text; -V, --version: the version\n\n"
    "Exit status: 0 success; 1 some jobs could not be handled; 2 usage or fatal error;\n"
    "3 (topup) nothing left to run: no job is ready.\n";

struct ctx {
	struct cli cli;		/* its usage: the running subcommand's */
	const char *synopsis;	/* every command's */
	char *root;		/* the state directory, absolute once it exists */
	struct jq_note note;	/* jobqueue's notes about single jobs: diagnostics */
	struct hk_err err;
};

static int cmd_help(struct ctx *c, int argc, char **argv);

/* rc, after exiting on -1 (jobqueue's fatal errors) */
static int
checked(struct ctx *c, int rc)
{
	if (rc == -1)
		cli_fatal(&c->cli, "%s", c->err.msg);
	return rc;
}

/* Every record is tried: a bad one is reported and the rest still added. */
static int
cmd_add(struct ctx *c, int argc, char **argv)
{
	struct jq_adder a;
	struct stream s;
	int rc;

	checked(c, jq_add_begin(&a, c->root, &c->err));
	cli_stream(&c->cli, &s, "jobs");
	s.work = jq_add_work;	/* the input checks and writes, on every core */
	s.jobs = pmap_cpus(8);
	s.take = jq_add_take;
	s.ctx = &a;
	s.progress = NULL;	/* it writes no records */
	s.keep_going = 1;
	rc = stream_run(&s, argc - 1, argv + 1);
	if (rc == -1)
		cli_fatal(&c->cli, "%s", s.fatal.msg);
	checked(c, jq_add_finish(&a, &c->err));
	jq_add_end(&a);
	if (!c->cli.quiet)	/* rejected: bad lines and the records jobqueue refused */
		cli_warn(&c->cli, "%ld jobs added, %ld already known, %ld rejected", a.added, a.known, s.nbad);
	stream_release(&s);
	return rc != 0;
}

/* The options topup and run share (what topup passes to run); 0 when ch is none of them. */
static int
run_option(struct ctx *c, int ch, struct runjob_opts *ro)
{
	switch (ch) {
	case 'c': ro->calculator = optarg; break;
	case 'w': ro->walltime = cli_double(&c->cli, "--walltime", optarg, 0, 1e9); break;
	case 'f': ro->frozen_after = 60 * cli_double(&c->cli, "--frozen-after", optarg, 0, 1e7); break;
	case 'm': ro->max_errors = (int)cli_long(&c->cli, "--max-errors", optarg, 0, 1000); break;
	case 'p': ro->poll = cli_double(&c->cli, "--poll", optarg, 0.01, 3600); break;
	default: return 0;
	}
	return 1;
}

#define RUN_OPTIONS { "calculator", required_argument, NULL, 'c' }, { "walltime", required_argument, NULL, 'w' }, \
	{ "frozen-after", required_argument, NULL, 'f' }, { "max-errors", required_argument, NULL, 'm' }, \
	{ "poll", required_argument, NULL, 'p' }

static int
cmd_topup(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = { RUN_OPTIONS, { "max-active", required_argument, NULL, 'n' },
		{ "executor", required_argument, NULL, 'e' }, { "slurm-config", required_argument, NULL, 'S' },
		{ "wait", no_argument, NULL, 'W' }, { NULL, 0, NULL, 0 } };
	struct runjob_opts ro;
	struct jq_topup t;
	const char *kind = "local", *conf = NULL;
	long max = -1;
	int ch, wait = 0, bad;

	runjob_opts_init(&ro);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "n:e:c:", lo, NULL)) != -1) {
		if (ch == 'n')
			max = cli_long(&c->cli, "--max-active", optarg, 0, 1000000);
		else if (ch == 'e' && (strcmp(optarg, "local") == 0 || strcmp(optarg, "slurm") == 0))
			kind = optarg;
		else if (ch == 'S')
			conf = optarg;
		else if (ch == 'W')
			wait = 1;
		else if (!run_option(c, ch, &ro))
			cli_usage(&c->cli);
	}
	if (max < 0 || (wait && max == 0))
		cli_usage(&c->cli);
	char *self = realpath("/proc/self/exe", NULL);
	struct exec_opts eo = { kind, c->root, self ? self : "", ro.calculator, ro.walltime, ro.frozen_after,
		ro.max_errors, conf, ro.poll };
	/* --wait: sync, top up, look again (Slurm less often) until the queue is drained */
	if (wait)
		bad = checked(c, jq_drain(c->root, &eo, max, strcmp(kind, "slurm") == 0 ? 30 : 1, &t.started,
		    &c->note, c->cli.quiet ? NULL : &c->note, &c->err));
	else
		bad = checked(c, jq_topup(c->root, &eo, max, &t, &c->note, &c->err));
	free(self);
	if (!c->cli.quiet && !wait)
		cli_warn(&c->cli, "%d started, %d active, %d ready", t.started, t.active, t.ready);
	else if (!c->cli.quiet && !bad)
		cli_warn(&c->cli, "%d started, queue drained", t.started);
	return bad ? 1 : wait || t.ready > 0 || t.started > 0 ? 0 : 3;
}

static int
cmd_run(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = { RUN_OPTIONS, { "state", required_argument, NULL, 's' }, { NULL, 0, NULL, 0 } };
	struct runjob_opts ro;
	const char *root = c->root;	/* what the executors name */
	int ch;

	runjob_opts_init(&ro);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:s:", lo, NULL)) != -1) {
		if (ch == 's')
			root = optarg;
		else if (!run_option(c, ch, &ro))
			cli_usage(&c->cli);
	}
	if (optind != argc - 1)
		cli_usage(&c->cli);
	return checked(c, runjob(root, argv[optind], &ro, &c->err));
}

static void
put_line(void *f, const char *line)
{
	fputs(line, f);
}

static int
cmd_list(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = { { "state", required_argument, NULL, 's' },
		{ "csv", no_argument, NULL, 'c' }, { "error", required_argument, NULL, 'e' }, { NULL, 0, NULL, 0 } };
	const char *cause = NULL;
	enum js_state st;
	int want = -1, csv = 0, ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 's' && js_state_parse(optarg, &st) == 0)
			want = st;
		else if (ch == 'c')
			csv = 1;
		else if (ch == 'e')
			cause = optarg;
		else
			cli_usage(&c->cli);
	}
	if (jq_list(c->root, want, cause, csv, put_line, c->cli.out) == 0 && cause)
		cli_warn(&c->cli, "no job has error class '%s'", cause);
	return 0;
}

static int
cmd_status(struct ctx *c, int argc, char **argv)
{
	struct sbuf line = SBUF_INIT;
	int bad = 0;

	if (argc <= 1)
		jq_count_lines(c->root, put_line, c->cli.out);
	for (int i = 1; i < argc; i++) {
		json_t *rec = jq_status(c->root, argv[i]);
		if (rec == NULL)
			cli_warn(&c->cli, "%s: no such job", argv[i]);
		else
			checked(c, jsonw_line(c->cli.out, rec, &line, &c->err));
		bad |= rec == NULL;
		json_decref(rec);
	}
	sbuf_release(&line);
	return bad;
}

/* abort, retry, forget and show: what to do with the named jobs; sync */
static int
cmd_jobs(struct ctx *c, int argc, char **argv)
{
	int n, rc;

	if (strcmp(argv[0], "sync") == 0)	/* each lost run noted, with why: none is sync's failure */
		return checked(c, jq_sync_noted(c->root, &c->note, &c->err)) < 0;
	if (strcmp(argv[0], "show") == 0)
		return jq_show(c->root, argv + 1, argc - 1, put_line, c->cli.out, &c->note);
	if (strcmp(argv[0], "abort") == 0)
		return jq_abort(c->root, argv + 1, argc - 1, &c->note);
	if (strcmp(argv[0], "forget") == 0)
		return jq_forget(c->root, argv + 1, argc - 1, &c->note);
	if (strcmp(argv[1], "--error") == 0) {
		if (argc != 3)
			cli_usage(&c->cli);
		rc = checked(c, jq_retry_class(c->root, argv[2], &n, &c->note, &c->err));
		if (!c->cli.quiet)
			cli_warn(&c->cli, "%d jobs retried", n);
		return rc;
	}
	if (strcmp(argv[1], "--failed") == 0)
		return checked(c, jq_retry_failed_noted(c->root, &c->note, &c->err));
	return checked(c, jq_retry(c->root, argv + 1, argc - 1, &c->note, &c->err));
}

static const struct command {
	const char *name;
	int (*fn)(struct ctx *, int, char **);
	const char *usage;	/* as in the man page's SYNOPSIS */
	const char *help;
	int args;		/* at least this many arguments */
} commands[] = {
	{ "add", cmd_add, "run-vasp add [jobs.jsonl ...]",
	    "register jobs, in this priority order; known ids are left alone", 0 },
	{ "topup", cmd_topup, "run-vasp topup -n N [--wait] [-e local|slurm] [-c cmd] [--walltime s]\n"
	    "                      [--frozen-after min] [--max-errors n] [--poll s] [--slurm-config file]",
	    "start ready jobs until N are queued or running; --wait: until none is ready or active", 0 },
	{ "run", cmd_run, "run-vasp run [-c cmd] [--walltime s] [--frozen-after min] [--max-errors n]\n"
	    "                    [--poll s] id",
	    "run a queued job here (what the executors start)", 0 },
	{ "status", cmd_status, "run-vasp status [id ...]", "counts per state, or the named jobs' state records", 0 },
	{ "list", cmd_list, "run-vasp list [--state S] [--error class] [--csv]",
	    "one line per job (of state S, of error class), with why it failed", 0 },
	{ "show", cmd_jobs, "run-vasp show id ...", "a job's whole history: attempts, errors, corrections, stderr", 1 },
	{ "abort", cmd_jobs, "run-vasp abort id ...", "stop jobs (kill or scancel): aborted", 1 },
	{ "retry", cmd_jobs, "run-vasp retry --failed | --error class | id ...",
	    "failed or aborted jobs (or the failed of one error class) back to the front of ready (or waiting)", 1 },
	{ "forget", cmd_jobs, "run-vasp forget id ...", "drop jobs that are not active from the state directory", 1 },
	{ "sync", cmd_jobs, "run-vasp sync", "runs that died or that Slurm no longer has become failed (lost run)", 0 },
	{ "help", cmd_help, "run-vasp help [command]", "more on a command", 0 },
	{ 0 }
};

static const struct command *
command_find(const char *name)
{
	for (const struct command *k = commands; k->name; k++)
		if (strcmp(name, k->name) == 0)
			return k;
	return NULL;
}

/* The usage and a line on each command (--help, exit 0), or on the named one. */
static int
cmd_help(struct ctx *c, int argc, char **argv)
{
	const struct command *k = argc == 2 ? command_find(argv[1]) : NULL;
	struct sbuf text = SBUF_INIT;

	if (argc == 1) {
		c->cli.usage = c->synopsis;
		sbuf_addstr(&text, "Keep VASP jobs (make-neb directories) moving: ready -> queued -> running -> done | failed.\n\n");
		for (const struct command *i = commands; i->name; i++)
			sbuf_addf(&text, "  %-8s %s\n", i->name, i->help);
		sbuf_addstr(&text, help_tail);
		cli_help(&c->cli, text.s);
	}
	if (argc > 2)
		cli_usage(&c->cli);
	if (k == NULL)
		cli_usage_error(&c->cli, "unknown command '%s'", argv[1]);
	printf("usage: %s\n\n%s\n", k->usage, k->help);
	return 0;
}

/* -h, -q, -s, -V before the command; the state directory named. */
static const char *
global_options(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' }, { "quiet", no_argument, NULL, 'q' },
		{ "state", required_argument, NULL, 's' }, { "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 } };
	const char *root = "jobs";
	int ch;

	opterr = 0;	/* one message, ours */
	while ((ch = getopt_long(argc, argv, "+hqs:V", lo, NULL)) != -1) {
		switch (ch) {
		case 'h': cmd_help(c, 1, NULL); break;
		case 'q': c->cli.quiet = 1; break;
		case 's': root = optarg; break;
		case 'V': cli_version(&c->cli);
		default: cli_usage_error(&c->cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	opterr = 1;
	return root;
}

int
main(int argc, char *argv[])
{
	struct ctx c = { .note = { cli_report, &c.cli }, .err = HK_ERR_INIT };
	struct sbuf usage = SBUF_INIT;
	const struct command *cmd;
	const char *root;
	int rc, closed;

	/* the SYNOPSIS: the global form, then each command's usage */
	sbuf_addstr(&usage, "run-vasp [-hqV] [-s dir] command [args]");
	for (const struct command *k = commands; k->name; k++)
		sbuf_addf(&usage, "\n       %s", k->usage);
	c.synopsis = usage.s;
	cli_init(&c.cli, "run-vasp", usage.s);
	root = global_options(&c, argc, argv);
	if (optind >= argc)
		cli_usage_error(&c.cli, "no command");
	if ((cmd = command_find(argv[optind])) == NULL)
		cli_usage_error(&c.cli, "unknown command '%s'", argv[optind]);
	c.cli.usage = cmd->usage;
	/* run's job is there already; help needs none */
	if (cmd->fn != cmd_run && cmd->fn != cmd_help)
		checked(&c, js_init(root, &c.err));
	if (argc - optind - 1 < cmd->args)
		cli_usage(&c.cli);
	if ((c.root = realpath(root, NULL)) == NULL)
		c.root = xstrdup(root);
	rc = cmd->fn(&c, argc - optind, argv + optind);
	closed = cli_close_output(&c.cli, 1);
	sbuf_release(&usage);
	free(c.root);
	return closed ? closed : rc;
}
