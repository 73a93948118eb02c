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
#include "hklimits.h"
#include "progress.h"
#include "stream.h"

struct cli {
	const char *prog;
	const char *usage;	/* the SYNOPSIS line(s), as in the man page */
	int quiet;
	int progress;		/* stderr is a terminal and not quiet */
	const char *what;	/* what a stream's progress counts */
	struct progress pg;	/* full lines when stdin or stdout is a pipe */
	long pg_n;		/* the count last given */
	int pg_drawn;		/* a redrawn line may be on the terminal */
	FILE *out;		/* where records go: stdout or -o FILE */
	char *out_path;		/* final name of -o FILE */
	char *out_tmp;		/* temporary name while writing */
	struct hk_limits lim;	/* the input limits, HOPKIT_MAX_* from the environment */
};

/* Also reads the input limits from the environment: a bad HOPKIT_MAX_* is fatal. */
void cli_init(struct cli *c, const char *prog, const char *usage);

/* "prog: file:line: message" on stderr. */
void cli_diag(const struct cli *c, const struct hk_err *e);
/* cli_diag for callbacks that take a context pointer: cli is the struct cli. */
void cli_report(void *cli, const struct hk_err *e);
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

/*
 * "prog: N what, 1234/s" on a terminal (stderr), unless quiet: alone, one
 * line redrawn at most 4 times a second; when stdin or stdout is a pipe
 * (other programs of a pipeline share the terminal), a full line every 3
 * seconds.  Cheap enough to call for every record.
 */
void cli_progress(struct cli *c, long n, const char *what);
/* Clear the redrawn line; in a pipeline, a last line with the time taken if any was shown. */
void cli_progress_done(struct cli *c);

/*
 * A stream whose reports go to this command's stderr, whose records go to
 * c->out (so call it after cli_open_output), and that reads the records
 * of the stages stage_reader(c->prog) names.  Its progress counts `what`
 * written, with the part of the input read and an ETA when the input
 * files' size is known (a stream without work, such as rank's, writes at
 * the end and counts the records it reads).  At the end, a one-line
 * summary of what was left null, gave nothing or was skipped, by reason,
 * when there was any; with quiet, only when records were skipped as bad.
 * A program that turns the stream's progress off (s->progress = NULL)
 * reports its totals itself and gets no summary.  quiet is the command's.
 */
void cli_stream(struct cli *c, struct stream *s, const char *what);

/*
 * For a program that reads without a stream: "prog: N what; skipped
 * n NAMEs (reasons), ..." from the groups of lost (see tally.h), when
 * there are any; with quiet, only when a group's name starts with "bad".
 */
void cli_loss_summary(struct cli *c, long n, const char *what, const struct tally *lost);

/* Parse helpers that exit 2 with a usage message on bad numbers. */
double cli_double(const struct cli *c, const char *opt, const char *arg, double lo, double hi);
long cli_long(const struct cli *c, const char *opt, const char *arg, long lo, long hi);

#endif
