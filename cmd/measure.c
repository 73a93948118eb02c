/* measure: cheap descriptors for every hop. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "measure.h"
#include "stream.h"

static const char usage[] =
    "measure [-kq] [--network] [--only names] [--images n] [--symprec angstrom] [--write-images dir]\n"
    "               [-j jobs] [-o file] [file ...]";

static const char help[] =
    "Read path records and add a \"measures\" object to each: oxidation states,\n"
    "percolation dimensionality, and along the IDPP path of the vacancy hop the\n"
    "Ewald site energy, ionic-radii overlaps and the softBV barrier.\n"
    "\n"
    "      --only NAMES      compute only these (comma-separated): oxidation_state,\n"
    "                        dimensionality, ewald_energy, ionic_radii_overlap_cations,\n"
    "                        ionic_radii_overlap_anions, bvse_barrier\n"
    "      --images N        interior images along the hop (default 5)\n"
    "      --symprec A       symmetry tolerance, angstrom (default 0.1)\n"
    "      --write-images DIR  DIR/<id>.json: the images, with oxidation states\n"
    "      --network         add the edges behind the dimensionalities\n"
    "  -j, --jobs N          use N threads (default 1)\n"
    "  -k, --keep-going      report bad records and go on (exit 1)\n"
    "  -o, --output FILE     write to FILE (atomically)\n"
    "  -q, --quiet           no progress\n"
    "  -h, --help, -V, --version\n"
    "\n"
    "See measure(1) and hopkit-records(5).\n";

enum { O_ONLY = 256, O_IMAGES, O_SYMPREC, O_WRITE, O_NETWORK };

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "images", required_argument, NULL, O_IMAGES },
	{ "jobs", required_argument, NULL, 'j' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "network", no_argument, NULL, O_NETWORK },
	{ "only", required_argument, NULL, O_ONLY },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "symprec", required_argument, NULL, O_SYMPREC },
	{ "version", no_argument, NULL, 'V' },
	{ "write-images", required_argument, NULL, O_WRITE },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct measure_opts o;
	struct measure_tables t;
};

/* The paths of one structure, measured together: they share its analysis. */
static void
work(const void *ctx, struct stream_item *it)
{
	const struct run *r = ctx;

	if (measure_group(it->rec, it->n, &r->o, &r->t, &it->err) == -1)
		it->status = STREAM_BAD;
}

/* The rows of the parameter tables left out, as warnings. */
static void
warn_issues(const struct cli *cli, const struct datafile_issues *is)
{
	for (int k = 0; k < is->n; k++)
		cli_diag(cli, &is->v[k]);
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct run r;
	struct stream s;
	struct hk_err e = HK_ERR_INIT;
	const char *out = NULL;
	int ch, jobs = 1, keep_going = 0, status;

	cli_init(&cli, "measure", usage);
	measure_opts_init(&r.o);
	while ((ch = getopt_long(argc, argv, "hj:ko:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h': cli_help(&cli, help);
		case 'j': jobs = (int)cli_long(&cli, "--jobs", optarg, 1, 256); break;
		case 'k': keep_going = 1; break;
		case 'o': out = optarg; break;
		case 'q': cli.quiet = 1; break;
		case 'V': cli_version(&cli);
		case O_IMAGES: r.o.nimages = (int)cli_long(&cli, "--images", optarg, 1, 60); break;
		case O_ONLY:
			if (measure_parse_only(optarg, &r.o.what, &e) == -1)
				cli_usage_error(&cli, "%s", e.msg);
			break;
		case O_SYMPREC: r.o.symprec = cli_double(&cli, "--symprec", optarg, 1e-8, 10); break;
		case O_WRITE: r.o.images_dir = optarg; break;
		case O_NETWORK: r.o.network = 1; break;
		default: cli_usage_error(&cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	cli_make_dir(&cli, r.o.images_dir);
	if (measure_tables_load(&r.t, &e) == -1)
		cli_fatal_err(&cli, NULL, &e);
	warn_issues(&cli, &r.t.bv.issues);
	warn_issues(&cli, &r.t.bvse.issues);
	cli_open_output(&cli, out);
	cli_stream(&cli, &s, "paths");
	s.work = work;
	s.ctx = &r;
	s.group_by = "structure_id";
	s.write_input = 1;
	s.reasons = "measures.errors";
	s.jobs = jobs;
	s.batch = jobs > 1 ? 8 * jobs : 1;
	s.keep_going = keep_going;
	if ((status = stream_run(&s, argc, argv)) == -1)
		cli_fatal(&cli, "%s", s.fatal.msg);
	stream_release(&s);
	measure_tables_release(&r.t);
	int closed = cli_close_output(&cli, status != 2);
	return closed ? closed : status;
}
