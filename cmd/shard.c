/* shard: cut a table into parts by structure, run a stage on each part, put the outputs back in order. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shard.h"
#include "shardrun.h"
#include "xalloc.h"

static const char usage[] =
    "shard split -n parts -d dir [-kq] [file ...]\n"
    "       shard run -n parts -d dir [-c cpus] [-e executor] [--slurm-config file] [-a file ...] -- command ...\n"
    "       shard join [-kq] [-o file] input part ...\n"
    "       shard join -n parts -d dir [-kq] [-o file] input";

static const char help[] =
    "Cut a table into parts by structure (split), run a stage on each part\n"
    "that is due, here or as one Slurm array job (run), and put the parts'\n"
    "outputs back in the order of the table (join): the stage's output as one\n"
    "run over the whole table gives it.  See shard(1).\n"
    "\n"
    "  -a, --after FILE      run: a part is also due when FILE is newer than its output\n"
    "  -c, --cpus N          run: CPUs of each Slurm task\n"
    "  -d, --dir DIR         the parts' directory (DIR/in.K.jsonl, DIR/out.K.jsonl)\n"
    "  -e, --executor E      run: local (one part after another, the default) or slurm\n"
    "  -k, --keep-going      report bad records and go on\n"
    "  -n, --parts N         how many parts (1 to 1000)\n"
    "  -o, --output FILE     join: write to FILE (atomically) instead of standard output\n"
    "  -q, --quiet           no progress, no summary\n"
    "      --slurm-config F  run: the sbatch settings file (kind shard)\n"
    "  -h, --help, -V, --version\n";

enum { O_SLURM_CONFIG = 256 };
static const struct option longopts[] = {
	{ "after", required_argument, NULL, 'a' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "dir", required_argument, NULL, 'd' },
	{ "executor", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "parts", required_argument, NULL, 'n' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "slurm-config", required_argument, NULL, O_SLURM_CONFIG },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *dir, *out;
	int keep_going;
	char **after;
	struct shard_run run;
};

/* The records of the files, through take(ctx); the stream's exit status. */
static int
stream_over(struct cli *c, const struct opts *o, int (*take)(void *, struct stream_item *), void *ctx, int n,
    char **files)
{
	struct stream s;
	int status;

	cli_stream(c, &s, "records");
	s.take = take;
	s.ctx = ctx;
	s.keep_going = o->keep_going;
	if ((status = stream_run(&s, n, files)) == -1)
		cli_fatal(c, "%s", s.fatal.msg);
	stream_release(&s);
	return status;
}

static int
split(struct cli *c, const struct opts *o, int argc, char **argv)
{
	struct shard_split sp;
	struct hk_err e = HK_ERR_INIT;
	int status, changed = 0;

	cli_make_dir(c, o->dir);
	if (shard_split_begin(&sp, o->dir, o->run.n, &e) == -1)
		cli_fatal(c, "%s", e.msg);
	status = stream_over(c, o, shard_split_take, &sp, argc, argv);
	if (status != 2 && shard_split_finish(&sp, &changed, &e) == -1)
		cli_fatal(c, "%s", e.msg);
	shard_split_release(&sp);
	if (status != 2 && !c->quiet)
		cli_warn(c, "%s: %d parts, %d changed", o->dir, o->run.n, changed);
	return status;
}

static int
join(struct cli *c, const struct opts *o, int argc, char **argv)
{
	struct shard_join j;
	struct hk_err e = HK_ERR_INIT;
	int status;

	char **parts = argv + 1;
	int n = argc - 1;

	if (o->dir && argc == 1) {
		/* -n N -d DIR: the outputs shard run made there */
		n = o->run.n;
		parts = xcalloc((size_t)n, sizeof(*parts));
		for (int k = 0; k < n; k++)
			parts[k] = shard_path(o->dir, "out", k);
	} else if (argc < 2 || o->dir) {
		cli_usage_error(c, "join: the input, and the parts or -n parts -d dir");
	}
	cli_open_output(c, o->out);
	if (shard_join_begin(&j, parts, n, c->out, &e) == -1)
		cli_fatal_err(c, NULL, &e);
	status = stream_over(c, o, shard_join_take, &j, 1, argv);
	if (status != 2 && shard_join_finish(&j, &e) == -1)
		cli_fatal_err(c, NULL, &e);
	shard_join_release(&j);
	for (int k = 0; parts != argv + 1 && k < n; k++)
		free(parts[k]);
	if (parts != argv + 1)
		free(parts);
	int closed = cli_close_output(c, status != 2);
	return closed ? closed : status;
}

static int
run(struct cli *c, struct opts *o, int argc, char **argv)
{
	struct hk_err e = HK_ERR_INIT;
	int rc, ran;

	if (argc < 1)
		cli_usage_error(c, "run: the stage's command after --");
	o->run.argv = argv;
	o->run.report = cli_report;
	o->run.ctx = c;
	if ((rc = shard_run_due(&o->run, &ran, &e)) == -1)
		cli_fatal(c, "%s", e.msg);
	if (!c->quiet)
		cli_warn(c, "%s: %d of %d parts run%s", o->dir, ran, o->run.n, rc ? ", some failed" : "");
	return rc;
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct opts o = { .run = { .executor = "local" } };
	int skip = argc > 1 && argv[1][0] != '-', ch;
	const char *verb = skip ? argv[1] : "";

	cli_init(&cli, "shard", usage);
	o.after = xcalloc((size_t)argc, sizeof(*o.after));
	while ((ch = getopt_long(argc - skip, argv + skip, "+a:c:d:e:hkn:o:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': o.after[o.run.nafter++] = optarg; break;
		case 'c': o.run.cpus = (int)cli_long(&cli, "--cpus", optarg, 1, 4096); break;
		case 'd': o.dir = optarg; break;
		case 'e': o.run.executor = optarg; break;
		case 'h': cli_help(&cli, help);
		case 'k': o.keep_going = 1; break;
		case 'n': o.run.n = (int)cli_long(&cli, "--parts", optarg, 1, SHARD_MAX); break;
		case 'o': o.out = optarg; break;
		case 'q': cli.quiet = 1; break;
		case 'V': cli_version(&cli);
		case O_SLURM_CONFIG: o.run.slurm_conf_path = optarg; break;
		default: cli_usage_error(&cli, "unknown option");
		}
	}
	argc -= optind + skip, argv += optind + skip;
	o.run.dir = o.dir;
	o.run.after = o.after;
	if (strcmp(o.run.executor, "local") != 0 && strcmp(o.run.executor, "slurm") != 0)
		cli_usage_error(&cli, "unknown executor '%s' (local or slurm)", o.run.executor);
	if ((strcmp(verb, "join") != 0 || o.dir) && (o.run.n == 0 || o.dir == NULL))
		cli_usage_error(&cli, "%s needs -n parts and -d dir", verb[0] ? verb : "shard");
	int rc = strcmp(verb, "split") == 0 ? split(&cli, &o, argc, argv)
	    : strcmp(verb, "join") == 0 ? join(&cli, &o, argc, argv)
	    : strcmp(verb, "run") == 0 ? run(&cli, &o, argc, argv)
	    : (cli_usage_error(&cli, "unknown command '%s' (split, run or join)", verb), 2);
	free(o.after);
	return rc;
}
