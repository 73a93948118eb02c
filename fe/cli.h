/*
 * cli.h - the command layer's shared manners.
 *
 * The front end of every command, and the only code that prints or exits
 * (libcore returns errors; see err.h): diagnostics formatted as
 * "prog: file:line: problem", usage errors (exit 2), --version, progress on
 * a terminal only, output files written atomically, and stdout checked at
 * exit so that "prog > /dev/full" fails loudly.
 */
#ifndef HK_CLI_H
#define HK_CLI_H

#include <stdio.h>

#include "err.h"
#include "stream.h"

struct cli {
	const char *prog;
	const char *usage;	/* the SYNOPSIS line(s), as in the man page */
	int quiet;
	int progress;		/* stderr is a terminal and not quiet */
	const char *what;	/* what a stream's progress counts */
	long last_progress;
	FILE *out;		/* where records go: stdout or -o FILE */
	char *out_path;		/* final name of -o FILE */
	char *out_tmp;		/* temporary name while writing */
};

void cli_init(struct cli *c, const char *prog, const char *usage);

/* "prog: file:line: message" on stderr. */
void cli_diag(const struct cli *c, const struct hk_err *e);
/* "prog: message" on stderr. */
void cli_warn(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Message, usage, exit 2. */
_Noreturn void cli_usage_error(const struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The usage alone, exit 2. */
_Noreturn void cli_usage(const struct cli *c);
/* A fatal error: message, exit 2. */
_Noreturn void cli_fatal(const struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A fatal error with its location: "prog: [what ]file:line: message", exit 2. */
_Noreturn void cli_fatal_err(const struct cli *c, const char *what, const struct hk_err *e);
/* Full help text to stdout, exit 0. */
_Noreturn void cli_help(const struct cli *c, const char *text);
_Noreturn void cli_version(const struct cli *c);

/* A directory the command writes into: made unless it exists as one, else fatal. */
void cli_make_dir(const struct cli *c, const char *dir);

/* Direct output to path (NULL or "-" = stdout); written atomically. */
int cli_open_output(struct cli *c, const char *path);
/*
 * Finish output: flush, check for write errors, rename -o's temporary file
 * into place (or remove it when ok is 0).  Returns 0, or 2 after printing.
 */
int cli_close_output(struct cli *c, int ok);

/* "\rprog: N what" on a terminal, at most once per 256 records. */
void cli_progress(struct cli *c, long n, const char *what);
void cli_progress_done(struct cli *c);

/*
 * A stream whose reports go to this command's stderr, whose progress
 * counts `what` on a terminal, and whose records go to c->out (so call
 * it after cli_open_output).  quiet is the command's.
 */
void cli_stream(struct cli *c, struct stream *s, const char *what);

/* Parse helpers that exit 2 with a usage message on bad numbers. */
double cli_double(const struct cli *c, const char *opt, const char *arg, double lo, double hi);
long cli_long(const struct cli *c, const char *opt, const char *arg, long lo, long hi);

#endif
