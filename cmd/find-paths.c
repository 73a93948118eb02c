/* find-paths: every symmetry-distinct hop of the migrating ion. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "elements.h"
#include "paths.h"
#include "stream.h"

static const char usage[] =
    "find-paths [-kq] [--csv] [--percolating] [--strict] [-i ion] [-c cutoff]\n"
    "                  [-n max-paths] [--symprec angstrom] [--min-length angstrom]\n"
    "                  [--min-dim d] [--write-cif dir] [-j jobs] [-o file] [file ...]";

static const char help[] =
    "Read structure records and write one path record per symmetry-distinct hop\n"
    "of the migrating ion, shortest first.\n"
    "\n"
    "  -i, --ion EL              the migrating ion (default F)\n"
    "  -c, --cutoff A            longest hop, angstrom (default 5.0)\n"
    "  -n, --max-paths N         keep the N shortest hops per structure (default 5; 0: all)\n"
    "      --symprec A           symmetry tolerance, angstrom (default 0.1)\n"
    "      --min-length A        supercell widths at least A (default 7)\n"
    "      --percolating         keep hops up to the shortest that percolates\n"
    "      --min-dim D           ... in at least D dimensions (default 1)\n"
    "      --strict              a structure without the ion is an error\n"
    "      --write-cif DIR       a CIF per hop with the ion drawn along it\n"
    "      --csv                 a flat table instead of records\n"
    "  -j, --jobs N              use N threads (default 1)\n"
    "  -k, --keep-going          report bad records and go on (exit 1)\n"
    "  -o, --output FILE         write to FILE (atomically)\n"
    "  -q, --quiet               no progress, no notes\n"
    "  -h, --help, -V, --version\n"
    "\n"
    "See find-paths(1) and hopkit-records(5).\n";

enum { O_CSV = 256, O_PERC, O_STRICT, O_SYMPREC, O_MINLEN, O_MINDIM, O_CIF };

static const struct option longopts[] = {
	{ "csv", no_argument, NULL, O_CSV },
	{ "cutoff", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "ion", required_argument, NULL, 'i' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "max-paths", required_argument, NULL, 'n' },
	{ "min-dim", required_argument, NULL, O_MINDIM },
	{ "min-length", required_argument, NULL, O_MINLEN },
	{ "output", required_argument, NULL, 'o' },
	{ "percolating", no_argument, NULL, O_PERC },
	{ "quiet", no_argument, NULL, 'q' },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "symprec", required_argument, NULL, O_SYMPREC },
	{ "version", no_argument, NULL, 'V' },
	{ "write-cif", required_argument, NULL, O_CIF },
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_cols[] = {
	"id", "structure_id", "formula", "ion", "length", "multiplicity", "nsites_777", "dimensionality",
};

struct run {
	struct paths_opts o;
	int strict;
};

static void
work(const void *ctx, struct stream_item *it)
{
	const struct run *r = ctx;
	int rc = paths_for_record(it->rec[0], &r->o, &it->out, &it->err);

	it->status = rc == PATHS_OK ? STREAM_OK : rc == PATHS_NO_ION && !r->strict ? STREAM_NOTE : STREAM_BAD;
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct run r = { .strict = 0 };
	struct stream s;
	const char *out = NULL;
	int ch, jobs = 1, keep_going = 0, csv = 0, status;

	cli_init(&cli, "find-paths", usage);
	paths_opts_init(&r.o);
	while ((ch = getopt_long(argc, argv, "c:hi:j:kn:o:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': r.o.cutoff = cli_double(&cli, "--cutoff", optarg, 1e-9, 100); break;
		case 'h': cli_help(&cli, help);
		case 'i':
			if ((r.o.z = elem_z(optarg)) == 0)
				cli_usage_error(&cli, "unknown element '%s'", optarg);
			break;
		case 'j': jobs = (int)cli_long(&cli, "--jobs", optarg, 1, 256); break;
		case 'k': keep_going = 1; break;
		case 'n': r.o.max_paths = (int)cli_long(&cli, "--max-paths", optarg, 0, 1000000); break;
		case 'o': out = optarg; break;
		case 'q': cli.quiet = 1; break;
		case 'V': cli_version(&cli);
		case O_CSV: csv = 1; break;
		case O_PERC: r.o.percolating = 1; break;
		case O_STRICT: r.strict = 1; break;
		case O_SYMPREC: r.o.symprec = cli_double(&cli, "--symprec", optarg, 1e-8, 10); break;
		case O_MINLEN: r.o.min_length = cli_double(&cli, "--min-length", optarg, 0.1, 100); break;
		case O_MINDIM: r.o.min_dim = (int)cli_long(&cli, "--min-dim", optarg, 1, 3); break;
		case O_CIF: r.o.cif_dir = optarg; break;
		default: cli_usage_error(&cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	cli_make_dir(&cli, r.o.cif_dir);
	cli_open_output(&cli, out);
	cli_stream(&cli, &s, "paths");
	s.work = work;
	s.ctx = &r;
	s.jobs = jobs;
	s.keep_going = keep_going;
	if (csv)
		stream_out_init(&s.out, cli.out, csv_cols, 8);
	if ((status = stream_run(&s, argc, argv)) == -1)
		cli_fatal(&cli, "%s", s.fatal.msg);
	stream_release(&s);
	int closed = cli_close_output(&cli, status != 2);
	return closed ? closed : status;
}
