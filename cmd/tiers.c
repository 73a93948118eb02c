/* tiers: check scripts/topup's tiers file and give one tier's make variables as sh words. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tiers.h"
#include "xalloc.h"

static const char usage[] =
    "tiers [-a names] file n\n"
    "       tiers -c [-a names] file";

static const char help[] =
    "Check every line of a tiers file and print tier N's assignments (the Nth\n"
    "line that is not blank or a comment) on one line, each in single quotes,\n"
    "for sh's eval; with -c, print the number of tiers.  See tiers(1) for the\n"
    "file's syntax and what it refuses.\n"
    "\n"
    "  -a, --allow NAMES     the variables a tier may set (separated by blanks or commas)\n"
    "  -c, --count           print the number of tiers\n"
    "  -h, --help, -V, --version\n";

static const struct option longopts[] = {
	{ "allow", required_argument, NULL, 'a' },
	{ "count", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The words of list (blanks or commas between them), NULL-terminated, in one allocation with *buf. */
static const char **
split_names(const char *list, char **buf)
{
	const char **v = xcalloc(strlen(list) / 2 + 2, sizeof(*v));
	size_t n = 0;

	*buf = xstrdup(list);
	for (char *w = strtok(*buf, " \t\n,"); w; w = strtok(NULL, " \t\n,"))
		v[n++] = w;
	return v;
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct tiers_line t = TIERS_LINE_INIT;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf out = SBUF_INIT;
	const char **names = NULL;
	char *namebuf = NULL;
	long want = 0, count;
	int ch, counting = 0, rc;

	cli_init(&cli, "tiers", usage);
	while ((ch = getopt_long(argc, argv, "a:chV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': free(names), free(namebuf), names = split_names(optarg, &namebuf); break;
		case 'c': counting = 1; break;
		case 'h': cli_help(&cli, help);
		case 'V': cli_version(&cli);
		default: cli_usage_error(&cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (argc != 2 - counting)
		cli_usage_error(&cli, counting ? "one tiers file" : "a tiers file and a tier number");
	if (!counting)
		want = cli_long(&cli, "tier number", argv[1], 1, LONG_MAX);
	rc = tiers_read(argv[0], names, want, &count, &t, &e);
	if (rc == -1)
		cli_diag(&cli, &e);
	else if (want > count)
		cli_warn(&cli, "%s: no tier %ld (%ld in the file)", argv[0], want, count);
	else if (counting)
		printf("%ld\n", count);
	else {
		tiers_quote(&t, &out);
		printf("%s\n", out.s ? out.s : "");
	}
	tiers_line_release(&t);
	sbuf_release(&out);
	free(names);
	free(namebuf);
	int closed = cli_close_output(&cli, 1);
	/* 1: the file says something wrong; 2: it cannot be read, or no such tier */
	return closed ? closed : rc == -1 ? (e.line > 0 ? 1 : 2) : want > count ? 2 : 0;
}
