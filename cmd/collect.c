/* collect: results of VASP jobs, barriers, archives. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "collect.h"
#include "finished.h"
#include "ids.h"
#include "results.h"
#include "stream.h"
#include "strset.h"

static const char usage[] =
    "collect [-kq] [--csv] [--summary] [--keep-large] [-a dir] [-p dir] [-S dir]\n"
    "               [-s file | -u file | -o file] dir | archive ...";

static const char help[] =
    "Read VASP jobs (make-neb directories, or their .tar.gz archives in place) and\n"
    "write one result record per job: energies per image, barriers, convergence.\n"
    "A directory that is not a job is searched for jobs.\n"
    "\n"
    "  -a, --archive DIR     pack each finished job into DIR/<id>.tar.gz, verify, remove it\n"
    "      --keep-large      keep WAVECAR, CHGCAR and the like in archives\n"
    "  -p, --plot DIR        an SVG energy profile per job in DIR\n"
    "      --summary         the distribution of barriers, on standard error\n"
    "  -u, --update FILE     update the results table FILE: one record per finished job\n"
    "  -S, --state DIR       run-vasp's state directory: done, failed, aborted are finished\n"
    "  -s, --since FILE      only finished jobs whose id is not in FILE\n"
    "      --csv             a flat table instead of records\n"
    "  -k, --keep-going      report bad jobs and go on (exit 1)\n"
    "  -o, --output FILE     write to FILE (atomically)\n"
    "  -q, --quiet           no progress\n"
    "  -h, --help, -V, --version\n";

enum { O_CSV = 256, O_KEEPLARGE, O_SUMMARY };

static const struct option longopts[] = {
	{ "archive", required_argument, NULL, 'a' },
	{ "csv", no_argument, NULL, O_CSV },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "keep-large", no_argument, NULL, O_KEEPLARGE },
	{ "output", required_argument, NULL, 'o' },
	{ "plot", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "since", required_argument, NULL, 's' },
	{ "state", required_argument, NULL, 'S' },
	{ "summary", no_argument, NULL, O_SUMMARY },
	{ "update", required_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct cli cli;
	int keep_going;
	const char *plot_dir, *update;
	struct collector col;
	struct strset since;
	struct runs *runs;
	struct results *table;
	struct collect_tally tally;
	struct stream_out out;
};

static int
bad(void *ctx, const struct hk_err *e)
{
	struct run *r = ctx;

	cli_warn(&r->cli, "%s", e->msg);
	r->tally.bad++;
	return !r->keep_going;
}

static int
one_job(void *ctx, const char *path)
{
	struct run *r = ctx;
	struct hk_err e = HK_ERR_INIT;
	enum collect_skip skip;
	json_t *res = collector_job(&r->col, path, &skip, &e);

	if (res == NULL && skip == COLLECT_TAKEN)
		return bad(r, &e);
	if (res == NULL)
		return collect_tally_skip(&r->tally, skip);
	if (r->plot_dir && collect_plot(res, r->plot_dir, &e) == -1)
		cli_warn(&r->cli, "%s", e.msg);
	collect_tally_add(&r->tally, res);
	if ((r->table ? results_put(r->table, res, &e) : stream_out_write(&r->out, res, &e)) == -1)
		cli_fatal(&r->cli, "%s", e.msg);
	cli_progress(&r->cli, r->tally.taken, "jobs");
	json_decref(res);
	return 0;
}

/* -S DIR: which jobs are finished; -s FILE: which are known already (none while FILE does not exist). */
static void
load(struct run *r, int opt, const char *arg)
{
	struct hk_err e = HK_ERR_INIT;

	if (opt == 'S' && (r->col.runs = r->runs = runs_load(arg, &e)) == NULL)
		cli_fatal_err(&r->cli, "--state", &e);
	if (opt == 's' && ids_load_if_present(&r->since, arg, &e) == -1)
		cli_fatal_err(&r->cli, "--since", &e);
	if (opt == 's')
		r->col.since = &r->since;
}

/* -u FILE: the old table is read, the new one written beside it and renamed over it. */
static void
open_table(struct run *r, const char *out, int csv)
{
	struct hk_err e = HK_ERR_INIT;

	if (out || csv || r->col.since)
		cli_usage_error(&r->cli, "-u writes its table: not with -o, -s or --csv");
	if ((r->table = results_open(r->update, &e)) == NULL)
		cli_fatal_err(&r->cli, NULL, &e);
	r->col.table = r->table;
	cli_open_output(&r->cli, r->update);
}

static void
close_table(struct run *r, int ok)
{
	struct hk_err e = HK_ERR_INIT;
	struct sbuf counts = SBUF_INIT;

	if (ok && results_changed(r->table) && results_write(r->table, r->cli.out, &e) == -1)
		cli_fatal(&r->cli, "%s", e.msg);
	results_counts(r->table, &counts);
	if (ok && !r->cli.quiet)
		cli_warn(&r->cli, "%s; %ld not finished", counts.s, r->tally.unfinished);
	sbuf_release(&counts);
}

static void
summary(struct run *r)
{
	struct sbuf text = SBUF_INIT;

	collect_summary(&r->tally, &text);
	fputs(text.s, stderr);
	sbuf_release(&text);
}

int
main(int argc, char *argv[])
{
	struct run r = { .col.lim = &r.cli.lim };
	const char *out = NULL;
	int ch, stop = 0, csv = 0, sum = 0;

	cli_init(&r.cli, "collect", usage);
	while ((ch = getopt_long(argc, argv, "a:hko:p:qS:s:u:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': r.col.archive_dir = optarg; break;
		case 'h': cli_help(&r.cli, help);
		case 'k': r.keep_going = 1; break;
		case 'o': out = optarg; break;
		case 'p': r.plot_dir = optarg; break;
		case 'q': r.cli.quiet = 1; break;
		case 'S': case 's': load(&r, ch, optarg); break;
		case 'u': r.update = optarg; break;
		case 'V': cli_version(&r.cli);
		case O_CSV: csv = 1; break;
		case O_KEEPLARGE: r.col.keep_large = 1; break;
		case O_SUMMARY: sum = 1; break;
		default: cli_usage_error(&r.cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (argc == 0)
		cli_usage_error(&r.cli, "no job directory or archive named");
	cli_make_dir(&r.cli, r.col.archive_dir);
	cli_make_dir(&r.cli, r.plot_dir);
	if (r.update)
		open_table(&r, out, csv);
	else
		cli_open_output(&r.cli, out);
	stream_out_init(&r.out, r.cli.out, csv ? collect_csv_cols : NULL, COLLECT_NCSV);
	for (int i = 0; i < argc && !stop; i++)
		stop = collect_walk(argv[i], one_job, bad, &r);
	if (r.table)
		close_table(&r, !stop);
	if (sum)
		summary(&r);
	int status = stop ? 2 : r.tally.bad ? 1 : 0;
	int closed = cli_close_output(&r.cli, status != 2 && (!r.table || results_changed(r.table)));
	results_close(r.table);
	runs_free(r.runs);
	collect_tally_release(&r.tally);
	strset_release(&r.since);
	stream_out_release(&r.out);
	return closed ? closed : status;
}
