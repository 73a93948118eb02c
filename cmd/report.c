/* report: a study directory as one self-contained HTML page. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "xalloc.h"

static const char usage[] = "report [-n rows] [-o file] [dir]";

static const char help[] =
    "Write one HTML page on the study in DIR (default .): where it stands (the\n"
    "stage tables, each tier's jobs, jobs finished per day), the barrier table\n"
    "(sortable, filterable, each hop's energy profile linked), failures by cause\n"
    "and the cheap estimate against the DFT barriers.  The page needs no server\n"
    "and no network: open it from file://.\n"
    "\n"
    "  -n, --rows N          rows of the table written as HTML, and per page (default 100)\n"
    "  -o, --output FILE     write to FILE (atomically; default DIR/report.html, - for stdout)\n"
    "  -h, --help, -V, --version\n";

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "rows", required_argument, NULL, 'n' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A corrupt file or record: named, left out of the page, and the exit status 1. */
static void
bad(void *ctx, const struct hk_err *e)
{
	cli_diag(ctx, e);
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct report_opts o = REPORT_OPTS_INIT;
	struct hk_err e = HK_ERR_INIT;
	const char *out = NULL;
	char *path, *base;
	long nbad;
	int ch;

	cli_init(&cli, "report", usage);
	while ((ch = getopt_long(argc, argv, "hn:o:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h': cli_help(&cli, help);
		case 'n': o.static_rows = o.page_rows = (int)cli_long(&cli, "--rows", optarg, 1, 1000000); break;
		case 'o': out = optarg; break;
		case 'V': cli_version(&cli);
		default: cli_usage_error(&cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (argc > 1)
		cli_usage_error(&cli, "one study directory at most");
	o.dir = argc ? argv[0] : ".";
	o.bad = bad;
	o.ctx = &cli;
	path = out ? xstrdup(out) : xasprintf("%s/report.html", o.dir);
	/* links from the page to the study's plots start where the page is */
	if ((base = report_base(strcmp(path, "-") == 0 ? "./-" : path, o.dir, &e)) == NULL)
		cli_fatal(&cli, "%s", e.msg);
	o.base = base;
	cli_open_output(&cli, path);
	if ((nbad = report_write(cli.out, &o, &e)) == -1) {
		cli_close_output(&cli, 0);
		cli_fatal(&cli, "%s", e.msg);
	}
	int closed = cli_close_output(&cli, 1);
	free(base);
	free(path);
	return closed ? closed : nbad > 0;
}
