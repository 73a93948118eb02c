/* fetch-structures: read crystal structures from files, directories and archives. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fetch.h"
#include "stream.h"

static const char usage[] =
    "fetch-structures [-kqv] [--csv] [--dedupe] [--sanitize] [--skip-disordered]\n"
    "                        [-e list] [--any-elements list] [--exclude-elements list]\n"
    "                        [--max-sites n] [--max-nelements n] [--max-ehull ev]\n"
    "                        [--min-distance angstrom] [--symprec angstrom] [-o file]\n"
    "                        [source ...]";

static const char help[] =
    "Read crystal structures (CIF, POSCAR/CONTCAR, pymatgen or Materials Project\n"
    "JSON) from files, directories, .tar/.tar.gz/.zip archives and gzip files,\n"
    "and write one structure record per line (JSON Lines) to standard output.\n"
    "\n"
    "  -e, --elements LIST         keep structures containing all of LIST (F,Cl)\n"
    "      --any-elements LIST     keep structures containing at least one of LIST\n"
    "      --exclude-elements LIST drop structures containing any of LIST\n"
    "      --max-sites N           drop structures with more than N sites\n"
    "      --max-nelements N       drop structures with more than N elements\n"
    "      --max-ehull EV          keep e_above_hull <= EV (eV/atom; unknown is dropped)\n"
    "      --sanitize              primitive cell, Niggli+LLL reduced, sorted by electronegativity\n"
    "      --dedupe                drop repeated structures (same id, or same geometry)\n"
    "      --min-distance A        atoms closer than A are an overlap (default 0.5)\n"
    "      --symprec A             symmetry tolerance in angstrom (default 0.1)\n"
    "      --skip-disordered       skip partially occupied structures with a note\n"
    "      --csv                   write a CSV table instead of records\n"
    "  -k, --keep-going            report bad structures and go on (exit 1)\n"
    "  -o, --output FILE           write to FILE (atomically) instead of stdout\n"
    "  -q, --quiet                 no progress or summary\n"
    "  -v, --verbose               a summary of what was read and dropped\n"
    "  -h, --help                  this help\n"
    "  -V, --version               the version\n"
    "\n"
    "See fetch-structures(1) and hopkit-records(5).\n";

enum { O_CSV = 256, O_DEDUPE, O_SANITIZE, O_SKIPDIS, O_ANY, O_EXCL, O_MAXSITES,
	O_MAXNEL, O_MAXEHULL, O_MINDIST, O_SYMPREC };

static const struct option longopts[] = {
	{ "any-elements", required_argument, NULL, O_ANY },
	{ "csv", no_argument, NULL, O_CSV },
	{ "dedupe", no_argument, NULL, O_DEDUPE },
	{ "elements", required_argument, NULL, 'e' },
	{ "exclude-elements", required_argument, NULL, O_EXCL },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "max-ehull", required_argument, NULL, O_MAXEHULL },
	{ "max-nelements", required_argument, NULL, O_MAXNEL },
	{ "max-sites", required_argument, NULL, O_MAXSITES },
	{ "min-distance", required_argument, NULL, O_MINDIST },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "sanitize", no_argument, NULL, O_SANITIZE },
	{ "skip-disordered", no_argument, NULL, O_SKIPDIS },
	{ "symprec", required_argument, NULL, O_SYMPREC },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_cols[] = {
	"id", "formula", "nsites", "spacegroup.number", "spacegroup.symbol", "e_above_hull", "source",
};

struct run {
	struct cli cli;
	int keep_going, csv, verbose;
	struct stream_out out;
	struct tally lost;
};

static int
on_record(void *ctx, const json_t *rec)
{
	struct run *r = ctx;
	struct hk_err e = HK_ERR_INIT;

	if (stream_out_write(&r->out, rec, &e) == -1)
		cli_fatal(&r->cli, "%s", e.msg);
	cli_progress(&r->cli, r->out.n, "structures");
	return 0;
}

static int
on_diag(void *ctx, const struct hk_err *e, int skipped)
{
	struct run *r = ctx;

	tally_add(&r->lost, skipped ? "disordered structure" : "bad structure", e->msg, NULL);
	if (!skipped || !r->cli.quiet)
		cli_diag(&r->cli, e);
	return !skipped && !r->keep_going;
}

static void
parse_set(const struct cli *c, const char *arg, unsigned char *set)
{
	struct hk_err e = HK_ERR_INIT;

	if (fetch_parse_elements(arg, set, &e) == -1)
		cli_usage_error(c, "%s", e.msg);
}

int
main(int argc, char *argv[])
{
	struct run r = { .keep_going = 0 };
	struct fetch_opts o;
	struct fetch *f;
	const char *out = NULL;
	int ch, stopped = 0;

	cli_init(&r.cli, "fetch-structures", usage);
	fetch_opts_init(&o);
	o.lim = r.cli.lim;
	while ((ch = getopt_long(argc, argv, "e:hko:qvV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e': parse_set(&r.cli, optarg, o.all); break;
		case 'h': cli_help(&r.cli, help);
		case 'k': r.keep_going = 1; break;
		case 'o': out = optarg; break;
		case 'q': r.cli.quiet = 1; break;
		case 'v': r.verbose = 1; break;
		case 'V': cli_version(&r.cli);
		case O_ANY: parse_set(&r.cli, optarg, o.any); o.has_any = 1; break;
		case O_CSV: r.csv = 1; break;
		case O_DEDUPE: o.dedupe = 1; break;
		case O_EXCL: parse_set(&r.cli, optarg, o.none); break;
		case O_MAXEHULL: o.max_ehull = cli_double(&r.cli, "--max-ehull", optarg, 0, 1e6);
			o.has_max_ehull = 1; break;
		case O_MAXNEL: o.max_nelements = cli_long(&r.cli, "--max-nelements", optarg, 1, 118); break;
		case O_MAXSITES: o.max_sites = cli_long(&r.cli, "--max-sites", optarg, 1, 100000000); break;
		case O_MINDIST: o.min_distance = cli_double(&r.cli, "--min-distance", optarg, 0, 100); break;
		case O_SANITIZE: o.sanitize = 1; break;
		case O_SKIPDIS: o.skip_disorder = 1; break;
		case O_SYMPREC: o.symprec = cli_double(&r.cli, "--symprec", optarg, 1e-8, 10); break;
		default: cli_usage_error(&r.cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	cli_open_output(&r.cli, out);
	stream_out_init(&r.out, r.cli.out, r.csv ? csv_cols : NULL, 7);
	f = fetch_new(&o, on_record, on_diag, &r);
	for (int i = 0; i < (argc ? argc : 1) && !stopped; i++)
		stopped = fetch_source(f, argc ? argv[i] : "-") != 0;
	const struct fetch_stats *st = fetch_stats(f);
	if (r.verbose)
		cli_warn(&r.cli, "%ld structures read: %ld written, %ld filtered, %ld duplicates, "
		    "%ld skipped, %ld bad", st->found, st->written, st->filtered, st->duplicates,
		    st->skipped, st->bad);
	int status = stopped ? 2 : st->bad > 0 ? 1 : 0;
	if (!stopped)
		cli_loss_summary(&r.cli, st->written, "written", &r.lost);
	tally_release(&r.lost);
	fetch_free(f);
	stream_out_release(&r.out);
	int closed = cli_close_output(&r.cli, status != 2);
	return closed ? closed : status;
}
