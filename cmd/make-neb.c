/* make-neb: VASP job directories for hops. */
#include <getopt.h>

#include "cli.h"
#include "fileio.h"
#include "nebjob.h"
#include "nebprep.h"
#include "stream.h"
#include "sbuf.h"
#include "strset.h"

static const char usage[] =
    "make-neb [-fkq] [--idpp] [--idpp-steepest] [--climb] [--relax-endpoints] [--reuse-wavecar]\n"
    "                [--endpoints-from dir] [-d dir] [-t static3|neb] [-i images] [-p preset] [-P preset]\n"
    "                [-I key=value ...] [--hubbard mp|none] [--vacancy-charge q] [--kppa n]\n"
    "                [--study-supercell angstrom] [--min-distance angstrom] [--view file] [-o file] [file ...]\n"
    "       make-neb --prepare dir ...";

static const char help[] =
    "Read path records; for each, write a job directory VASP can run, and its job record.\n\n"
    "  -d, --out DIR           parent of the job directories (default calcs)\n"
    "  -t, --kind KIND         static3: start/mid/end single points (default); neb: 00 ... N+1\n"
    "  -i, --images N          interior images for neb (default 5)\n"
    "      --idpp              relax the images with IDPP, the paper's objective (else linear)\n"
    "      --idpp-steepest     ... with IDPPSolver's objective and steepest descent\n"
    "      --climb             climbing image (LCLIMB) for neb\n"
    "      --relax-endpoints   one relaxation per distinct vacancy, shared; the hop waits for them\n"
    "      --reuse-wavecar     ... which keep WAVECAR and CHGCAR, the hop's images start from them\n"
    "      --endpoints-from D  ... each starting from a lower tier's relaxation of it in D\n"
    "  -p, --preset NAME       INCAR preset from share/presets (default by kind)\n"
    "  -P, --endpoint-preset NAME  ... for the relaxations (default PRESET-endpoint or neb-endpoint)\n"
    "  -I, --incar KEY=VALUE   override an INCAR tag of every job (repeatable)\n"
    "      --hubbard mp|none   the Materials Project's +U, or none (default), for every job\n"
    "      --vacancy-charge Q  charge of the vacancy: NELECT = valence electrons - Q (default 0)\n"
    "      --kppa N            k-points per reciprocal atom (default: the preset's rule)\n"
    "      --study-supercell L supercell n_i = floor(L / a_i) + 1, as the fluoride study\n"
    "      --prepare           write the images of waiting hops DIR ... from their relaxed parents\n"
    "      --min-distance A    atoms closer than A in an image: not written (default 0.5)\n"
    "  -f, --force             rewrite existing directories, write colliding images\n"
    "      --view FILE         extended XYZ with every hop's images superposed\n"
    "  -k, --keep-going        report bad records and go on (exit 1)\n"
    "  -o, --output FILE       job records to FILE (atomically)\n"
    "  -q, --quiet             no progress, no notes\n"
    "  -h, --help, -V, --version\n";

enum { O_IDPP = 256, O_IDPP_SD, O_CLIMB, O_KPPA, O_MINDIST, O_VIEW, O_RELAX, O_HUB, O_CHARGE, O_STUDY, O_PREP, O_REUSE, O_FROM };

static const struct option longopts[] = {
	{ "climb", no_argument, NULL, O_CLIMB }, { "endpoint-preset", required_argument, NULL, 'P' },
	{ "endpoints-from", required_argument, NULL, O_FROM }, { "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' }, { "hubbard", required_argument, NULL, O_HUB },
	{ "idpp", no_argument, NULL, O_IDPP }, { "idpp-steepest", no_argument, NULL, O_IDPP_SD },
	{ "images", required_argument, NULL, 'i' }, { "incar", required_argument, NULL, 'I' },
	{ "keep-going", no_argument, NULL, 'k' }, { "kind", required_argument, NULL, 't' },
	{ "kppa", required_argument, NULL, O_KPPA }, { "min-distance", required_argument, NULL, O_MINDIST },
	{ "out", required_argument, NULL, 'd' }, { "output", required_argument, NULL, 'o' },
	{ "prepare", no_argument, NULL, O_PREP }, { "preset", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' }, { "relax-endpoints", no_argument, NULL, O_RELAX },
	{ "reuse-wavecar", no_argument, NULL, O_REUSE }, { "study-supercell", required_argument, NULL, O_STUDY },
	{ "vacancy-charge", required_argument, NULL, O_CHARGE }, { "version", no_argument, NULL, 'V' },
	{ "view", required_argument, NULL, O_VIEW }, { NULL, 0, NULL, 0 },
};

struct run {
	struct cli *cli;
	struct nebjob_opts o;
	int noted_potcar, prepare;
	struct sbuf view;
	const char *view_path;
	struct strset emitted;	/* relaxation jobs already written out */
};

static void
work(const void *ctx, struct stream_item *it)
{
	const struct run *r = ctx;
	int missing = 0, rc = nebjob_make(it->rec[0], &r->o, &it->out, &missing, &it->err);

	if (rc == NEBJOB_ERROR || rc == NEBJOB_COLLISION) {
		json_decref(it->out);
		it->out = NULL;
		it->status = STREAM_BAD;
	}
	it->flags = missing;
}

/* In input order: the one POTCAR note, and the hop's images in the view file. */
static int
take(void *ctx, struct stream_item *it)
{
	struct run *r = ctx;
	struct hk_err e = HK_ERR_INIT;

	if (it->flags && !r->noted_potcar && !r->cli->quiet) {
		cli_warn(r->cli, "no POTCAR library (set VASP_PP_PATH): wrote POTCAR.spec with the symbols");
		r->noted_potcar = 1;
	}
	if (r->view_path && nebjob_view_xyz(it->rec[0], &r->o, &r->view, &e) == -1) {
		err_where(&e, it->file, it->line[0]);
		cli_diag(r->cli, &e);
	}
	nebjob_drop_seen(it->out, &r->emitted);
	return STREAM_OK;
}

/* The options into r; the output file into *out, keep-going into *keep_going. */
static void
options(struct run *r, int argc, char *argv[], const char **out, int *keep_going)
{
	struct cli *cli = r->cli;
	struct hk_err e = HK_ERR_INIT;
	int ch;

	while ((ch = getopt_long(argc, argv, "d:fhi:I:ko:p:P:qt:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': r->o.out = optarg; break;
		case 'f': r->o.force = 1; break;
		case 'h': cli_help(cli, help);
		case 'i': r->o.nimages = (int)cli_long(cli, "--images", optarg, 1, HK_MAX_IMAGES); break;
		case 'I':
			if (incar_parse_arg(&r->o.overrides, optarg, &e) == -1)
				cli_usage_error(cli, "--incar '%s': %s", optarg, e.msg);
			break;
		case 'k': *keep_going = 1; break;
		case 'o': *out = optarg; break;
		case 'p': r->o.preset = optarg; break;
		case 'P': r->o.endpoint_preset = optarg; break;
		case 'q': cli->quiet = 1; break;
		case 't':
			if (nebjob_opts_kind(&r->o, optarg, &e) == -1)
				cli_usage_error(cli, "%s", e.msg);
			break;
		case 'V': cli_version(cli);
		case O_IDPP: r->o.idpp = 1; break;
		case O_IDPP_SD: nebjob_opts_steepest(&r->o); break;
		case O_CLIMB: r->o.climb = 1; break;
		case O_KPPA: r->o.kppa = cli_double(cli, "--kppa", optarg, 1, 1e7); break;
		case O_MINDIST: r->o.min_distance = cli_double(cli, "--min-distance", optarg, 0, 10); break;
		case O_VIEW: r->view_path = optarg; break;
		case O_RELAX: r->o.relax_endpoints = 1; break;
		case O_REUSE: r->o.reuse_wavecar = 1; break;
		case O_FROM: r->o.endpoints_from = optarg; break;
		case O_HUB:
			if (nebjob_opts_hubbard(&r->o, optarg, &e) == -1)
				cli_usage_error(cli, "%s", e.msg);
			break;
		case O_CHARGE: r->o.vacancy_charge = cli_double(cli, "--vacancy-charge", optarg, -10, 10); break;
		case O_STUDY: r->o.study_length = cli_double(cli, "--study-supercell", optarg, 1, 100); break;
		case O_PREP: r->prepare = 1; break;
		default: cli_usage_error(cli, "unknown option");
		}
	}
}

/* --prepare: each waiting hop from the parents beside it; 1 when one failed. */
static int
prepare(struct cli *cli, int n, char *dirs[])
{
	struct hk_err e = HK_ERR_INIT;
	int status = 0;

	if (n == 0)
		cli_usage_error(cli, "--prepare needs job directories");
	for (int k = 0; k < n; k++)
		if (nebprep_prepare_dir(dirs[k], &e) == -1 && (status = 1))
			cli_diag(cli, &e);
	return status;
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct run r = { .cli = &cli, .view = SBUF_INIT, .emitted = STRSET_INIT };
	struct stream s;
	struct hk_err e = HK_ERR_INIT;
	const char *out = NULL;
	int keep_going = 0, status;

	cli_init(&cli, "make-neb", usage);
	nebjob_opts_init(&r.o);
	options(&r, argc, argv, &out, &keep_going);
	argc -= optind, argv += optind;
	if (r.prepare)
		return prepare(&cli, argc, argv);
	cli_make_dir(&cli, r.o.out);
	if (nebjob_opts_check(&r.o, &e) == -1)
		cli_fatal(&cli, "%s", e.msg);
	cli_open_output(&cli, out);
	cli_stream(&cli, &s, "jobs");
	s.work = work, s.take = take, s.ctx = &r, s.keep_going = keep_going;
	if ((status = stream_run(&s, argc, argv)) == -1)
		cli_fatal(&cli, "%s", s.fatal.msg);
	if (r.view_path && file_write_atomic(r.view_path, r.view.s ? r.view.s : "", r.view.len, &e) == -1)
		cli_fatal(&cli, "%s: cannot write", r.view_path);
	incar_release(&r.o.overrides), sbuf_release(&r.view), strset_release(&r.emitted), stream_release(&s);
	int closed = cli_close_output(&cli, status != 2);
	return closed ? closed : status;
}
