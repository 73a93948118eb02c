/*
 * ff-calc - a bond-valence force field that reads and writes VASP's files.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ffcalc.h"

static const char usage[] =
    "ff-calc [-q] [--frozen] [-C dir] [-c cutoff] [-k tether] [--oxi EL=N,...] [--symprec tol]";

static const char help[] =
    "Compute like VASP in a job directory, with a bond-valence force field:\n"
    "read INCAR and POSCAR (or 00 ... N+1 for IMAGES = N), write OSZICAR,\n"
    "OUTCAR and CONTCAR.  A single point, a relaxation of the ions (FIRE) or a\n"
    "nudged elastic band, as the INCAR's NSW, IBRION and IMAGES say; as in\n"
    "VASP, an NEB endpoint whose OUTCAR holds a finished run is not computed.\n"
    "\n"
    "  -C, --directory DIR   run in DIR (default: the current directory)\n"
    "  -c, --cutoff A        pair cutoff in Å (default 10)\n"
    "  -k, --tether K        springs holding the atoms that do not hop to the first\n"
    "                        POSCAR, eV/Å^2 (default 1; 0: none)\n"
    "      --frozen            ... fixed instead: in an NEB only the hopping ion moves\n"
    "      --oxi EL=N,...    oxidation states (default: bond-valence analysis)\n"
    "      --symprec TOL     symmetry tolerance for that analysis, Å (default 0.1)\n"
    "  -q, --quiet           no step lines on standard output\n"
    "  -h, --help, -V, --version\n";

enum { O_OXI = 256, O_SYMPREC, O_FROZEN };

static const struct option longopts[] = {
	{ "cutoff", required_argument, NULL, 'c' },
	{ "directory", required_argument, NULL, 'C' },
	{ "frozen", no_argument, NULL, O_FROZEN },
	{ "help", no_argument, NULL, 'h' },
	{ "oxi", required_argument, NULL, O_OXI },
	{ "quiet", no_argument, NULL, 'q' },
	{ "symprec", required_argument, NULL, O_SYMPREC },
	{ "tether", required_argument, NULL, 'k' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
say(void *ctx, const char *line)
{
	(void)ctx;
	printf(" %s\n", line);
	fflush(stdout);
}

static void
warn(void *ctx, const struct hk_err *e)
{
	cli_diag(ctx, e);
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct ffcalc_opts o;
	struct hk_err err = HK_ERR_INIT;
	const char *dir = ".";
	int ch, rc = 0;

	cli_init(&cli, "ff-calc", usage);
	ffcalc_opts_init(&o);
	o.say = say;
	o.warn = warn;
	o.say_ctx = &cli;
	while ((ch = getopt_long(argc, argv, "C:c:hk:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C': dir = optarg; break;
		case 'c': o.rcut = cli_double(&cli, "--cutoff", optarg, 3, 30); break;
		case 'h': cli_help(&cli, help);
		case 'k': o.tether = cli_double(&cli, "--tether", optarg, 0, 1e4); break;
		case O_FROZEN: o.tether = INFINITY; break;
		case O_OXI: o.oxi = optarg; break;
		case 'q': o.say = NULL; break;
		case O_SYMPREC: o.symprec = cli_double(&cli, "--symprec", optarg, 1e-5, 1); break;
		case 'V': cli_version(&cli);
		default: cli_usage_error(&cli, "unknown option");
		}
	}
	if (optind != argc)
		cli_usage_error(&cli, "unexpected argument '%s'", argv[optind]);
	if (ffcalc_run(dir, &o, &err) == -1) {
		cli_diag(&cli, &err);
		rc = 2;
	}
	return cli_close_output(&cli, rc == 0) ? 2 : rc;
}
