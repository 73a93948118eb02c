/* collect: results of VASP jobs, barriers, archives. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "collect.h"
#include "fileio.h"
#include "ids.h"
#include "profile_svg.h"
#include "stream.h"
#include "strset.h"
#include "xalloc.h"

static const char usage[] =
    "collect [-kq] [--csv] [--summary] [--keep-large] [-a dir] [-p dir] [-s file] [-o file]\n"
    "               dir | archive ...";

static const char help[] =
    "Read VASP jobs (make-neb directories, or their .tar.gz archives in place) and\n"
    "write one result record per job: energies per image, barriers, convergence.\n"
    "A directory that is not a job is searched for jobs.\n"
    "\n"
    "  -a, --archive DIR     pack each finished job into DIR/<id>.tar.gz, verify, remove it\n"
    "      --keep-large      keep WAVECAR, CHGCAR and the like in archives\n"
    "  -p, --plot DIR        an SVG energy profile per job in DIR\n"
    "      --summary         the distribution of barriers, on standard error\n"
    "  -s, --since FILE      skip jobs whose id is already in FILE (results)\n"
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
	{ "summary", no_argument, NULL, O_SUMMARY },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_cols[] = {
	"id", "state", "kind", "formula", "ion", "length", "energy_barrier", "barrier_backward",
	"converged", "walltime",
};

struct run {
	struct cli cli;
	int keep_going, keep_large;
	const char *archive_dir, *plot_dir;
	struct strset since;
	long nbad, nskip;
	double *barriers;
	long nbar;
	struct stream_out out;
};

static int
bad(void *ctx, const struct hk_err *e)
{
	struct run *r = ctx;

	cli_warn(&r->cli, "%s", e->msg);
	r->nbad++;
	return !r->keep_going;
}

static void
plot(struct run *r, const json_t *res)
{
	struct sbuf svg = SBUF_INIT;
	struct hk_err e = HK_ERR_INIT;
	const char *id = json_string_value(json_object_get(res, "id"));

	if (profile_svg_render(res, &svg, &e) == 0 && id) {
		char *path = xasprintf("%s/%s.svg", r->plot_dir, id);
		if (file_write_atomic(path, svg.s, svg.len, &e) == -1)
			cli_warn(&r->cli, "%s: cannot write", path);
		free(path);
	}
	sbuf_release(&svg);
}

static void
keep_barrier(struct run *r, const json_t *res)
{
	const json_t *b = json_object_get(res, "energy_barrier");

	if (json_is_number(b)) {
		r->barriers = xreallocarray(r->barriers, (size_t)r->nbar + 1, sizeof(double));
		r->barriers[r->nbar++] = json_number_value(b);
	}
}

static int
one_job(void *ctx, const char *path)
{
	struct run *r = ctx;
	struct hk_err e = HK_ERR_INIT;
	json_t *res = collect_job(path, &e);
	const char *id = res ? json_string_value(json_object_get(res, "id")) : NULL;

	if (res == NULL)
		return bad(r, &e);
	if (id && strset_has(&r->since, id)) {
		r->nskip++;
		json_decref(res);
		return 0;
	}
	if (r->archive_dir && (res = collect_archive(res, path, r->archive_dir, r->keep_large, &e)) == NULL)
		return bad(r, &e);
	if (r->plot_dir)
		plot(r, res);
	keep_barrier(r, res);
	if (stream_out_write(&r->out, res, &e) == -1)
		cli_fatal(&r->cli, "%s", e.msg);
	cli_progress(&r->cli, r->out.n, "jobs");
	json_decref(res);
	return 0;
}

/* --since FILE: the ids already collected; none while FILE does not exist. */
static void
load_since(struct run *r, const char *path)
{
	struct hk_err e = HK_ERR_INIT;

	if (access(path, F_OK) == -1 && errno == ENOENT)
		return;
	if (ids_load(&r->since, path, &e) == -1)
		cli_fatal_err(&r->cli, "--since", &e);
}

static void
summary(struct run *r)
{
	struct sbuf text = SBUF_INIT;

	collect_summary(r->barriers, r->nbar, r->out.n, r->nskip, r->nbad, &text);
	fputs(text.s, stderr);
	sbuf_release(&text);
}

int
main(int argc, char *argv[])
{
	struct run r = { .keep_going = 0 };
	const char *out = NULL;
	int ch, stop = 0, csv = 0, sum = 0;

	cli_init(&r.cli, "collect", usage);
	while ((ch = getopt_long(argc, argv, "a:hko:p:qs:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': r.archive_dir = optarg; break;
		case 'h': cli_help(&r.cli, help);
		case 'k': r.keep_going = 1; break;
		case 'o': out = optarg; break;
		case 'p': r.plot_dir = optarg; break;
		case 'q': r.cli.quiet = 1; break;
		case 's': load_since(&r, optarg); break;
		case 'V': cli_version(&r.cli);
		case O_CSV: csv = 1; break;
		case O_KEEPLARGE: r.keep_large = 1; break;
		case O_SUMMARY: sum = 1; break;
		default: cli_usage_error(&r.cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (argc == 0)
		cli_usage_error(&r.cli, "no job directory or archive named");
	cli_make_dir(&r.cli, r.archive_dir);
	cli_make_dir(&r.cli, r.plot_dir);
	cli_open_output(&r.cli, out);
	stream_out_init(&r.out, r.cli.out, csv ? csv_cols : NULL, 10);
	for (int i = 0; i < argc && !stop; i++)
		stop = collect_walk(argv[i], one_job, bad, &r);
	if (sum)
		summary(&r);
	free(r.barriers);
	strset_release(&r.since);
	stream_out_release(&r.out);
	int status = stop ? 2 : r.nbad ? 1 : 0;
	int closed = cli_close_output(&r.cli, status != 2);
	return closed ? closed : status;
}
