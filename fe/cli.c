#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "num.h"
#include "xalloc.h"

#ifndef HOPKIT_VERSION
#define HOPKIT_VERSION "0"
#endif

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

void
cli_init(struct cli *c, const char *prog, const char *usage)
{
	struct hk_err e = HK_ERR_INIT;

	memset(c, 0, sizeof(*c));
	c->prog = prog;
	c->usage = usage;
	c->progress = isatty(STDERR_FILENO);
	/* in a pipeline, the others may be drawing on the same terminal */
	progress_init(&c->pg, now(), is_pipe(STDIN_FILENO) || is_pipe(STDOUT_FILENO));
	c->out = stdout;
	c->lim = *limits_default();
	if (limits_from_env(&c->lim, getenv, &e) == -1)
		cli_fatal(c, "%s", e.msg);
}

/* A message must not land in the middle of a redrawn progress line. */
static void
clear_progress(const struct cli *c)
{
	if (c->pg_drawn)
		fputs("\r\033[K", stderr);
}

void
cli_diag(const struct cli *c, const struct hk_err *e)
{
	char buf[1200];

	err_format(e, buf, sizeof(buf));
	clear_progress(c);
	fprintf(stderr, "%s: %s\n", c->prog, buf);
}

/* "prog: message" on stderr, without the newline. */
static void
say(const struct cli *c, const char *fmt, va_list ap)
{
	clear_progress(c);
	fprintf(stderr, "%s: ", c->prog);
	vfprintf(stderr, fmt, ap);
}

void
cli_warn(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(c, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(c, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", c->usage);
	exit(2);
}

void
cli_usage(const struct cli *c)
{
	fprintf(stderr, "usage: %s\n", c->usage);
	exit(2);
}

void
cli_fatal(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(c, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c->out_tmp)
		unlink(c->out_tmp);
	exit(2);
}

void
cli_fatal_err(const struct cli *c, const char *what, const struct hk_err *e)
{
	char buf[1200];

	err_format(e, buf, sizeof(buf));
	cli_fatal(c, "%s%s%s", what ? what : "", what ? " " : "", buf);
}

void
cli_help(const struct cli *c, const char *text)
{
	printf("usage: %s\n\n%s", c->usage, text);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2);
}

void
cli_version(const struct cli *c)
{
	printf("%s (hopkit) %s\n", c->prog, HOPKIT_VERSION);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2);
}

void
cli_make_dir(const struct cli *c, const char *dir)
{
	struct stat st;

	if (dir == NULL || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
		return;
	if (mkdir(dir, 0777) == -1)
		cli_fatal(c, "%s: cannot create: %s", dir, strerror(errno == EEXIST ? ENOTDIR : errno));
}

/*
 * The -o temporary file to remove when a signal ends the program: the one
 * file-scope variable, because a signal handler can reach nothing else.
 */
static const char *volatile interrupted_tmp;

static void
remove_tmp_and_die(int sig)
{
	if (interrupted_tmp)
		unlink(interrupted_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Ctrl-C, a hang-up or kill (not kill -9) leave no FILE.tmp.PID behind. */
static void
remove_tmp_on_signals(const char *tmp)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM };
	struct sigaction sa;

	interrupted_tmp = tmp;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove_tmp_and_die;
	sigemptyset(&sa.sa_mask);
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++) {
		struct sigaction old;
		/* a signal ignored when we started (nohup, a background job) stays ignored */
		if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[k], &sa, NULL);
	}
}

int
cli_open_output(struct cli *c, const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		c->out = stdout;
		return 0;
	}
	c->out_path = xstrdup(path);
	c->out_tmp = xmalloc(strlen(path) + 32);
	sprintf(c->out_tmp, "%s.tmp.%ld", path, (long)getpid());
	/* before the file exists: a signal between the two would leave it */
	remove_tmp_on_signals(c->out_tmp);
	fd = open(c->out_tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd == -1 || (c->out = fdopen(fd, "w")) == NULL)
		cli_fatal(c, "%s: cannot create: %s", path, strerror(errno));
	return 0;
}

int
cli_close_output(struct cli *c, int ok)
{
	int bad = 0;

	cli_progress_done(c);
	if (fflush(c->out) != 0 || ferror(c->out))
		bad = 1;
	if (c->out != stdout) {
		if (ok && !bad && fsync(fileno(c->out)) != 0)
			bad = 1;
		if (fclose(c->out) != 0)
			bad = 1;
		if (ok && !bad && rename(c->out_tmp, c->out_path) != 0)
			bad = 1;
		if (!ok || bad)
			unlink(c->out_tmp);
		if (bad)
			cli_warn(c, "%s: write error: %s", c->out_path, strerror(errno));
		interrupted_tmp = NULL;
		free(c->out_tmp);
		free(c->out_path);
		c->out_tmp = c->out_path = NULL;
	} else {
		if (fclose(stdout) != 0)
			bad = 1;
		if (bad)
			cli_warn(c, "write error on standard output: %s", strerror(errno ? errno : EIO));
	}
	return bad ? 2 : 0;
}

/* Show n when an update is due; frac from the stream when there is one. */
static void
progress_show(struct cli *c, long n, const char *what, const struct stream *s)
{
	struct sbuf line = SBUF_INIT;
	double t;

	c->pg_n = n;
	c->what = what;
	if (!c->progress || c->quiet || !progress_due(&c->pg, t = now()))
		return;
	progress_format(&line, n, what, s ? stream_input_fraction(s) : -1, t - c->pg.start);
	if (c->pg.lines) {
		fprintf(stderr, "%s: %s\n", c->prog, line.s);
	} else {
		fprintf(stderr, "\r\033[K%s: %s", c->prog, line.s);
		c->pg_drawn = 1;
	}
	sbuf_release(&line);
}

void
cli_progress(struct cli *c, long n, const char *what)
{
	progress_show(c, n, what, NULL);
}

void
cli_progress_done(struct cli *c)
{
	struct sbuf took = SBUF_INIT;

	clear_progress(c);
	c->pg_drawn = 0;
	if (c->pg.lines && c->pg.shown > 0) {
		progress_duration(&took, now() - c->pg.start);
		fprintf(stderr, "%s: %ld %s, done in %s\n", c->prog, c->pg_n, c->what ? c->what : "records", took.s);
		c->pg.shown = 0;
	}
	sbuf_release(&took);
}

void
cli_loss_summary(struct cli *c, long n, const char *what, const struct tally *lost)
{
	struct sbuf line = SBUF_INIT;
	int bad = 0;

	for (int k = 0; k < lost->ng; k++)
		bad |= strncmp(lost->g[k].name, "bad", 3) == 0;
	if (lost->ng == 0 || (c->quiet && !bad))
		return;
	cli_progress_done(c);
	sbuf_addf(&line, "%ld %s; skipped ", n, what);
	tally_format_counts(lost, &line);
	cli_warn(c, "%s", line.s);
	sbuf_release(&line);
}

double
cli_double(const struct cli *c, const char *opt, const char *arg, double lo, double hi)
{
	double x;

	if (num_parse_double(arg, &x) == -1 || x < lo || x > hi)
		cli_usage_error(c, "invalid %s '%s'", opt, arg);
	return x;
}

long
cli_long(const struct cli *c, const char *opt, const char *arg, long lo, long hi)
{
	long x;

	if (num_parse_long(arg, lo, hi, &x) == -1)
		cli_usage_error(c, "invalid %s '%s'", opt, arg);
	return x;
}

void
cli_report(void *cli, const struct hk_err *e)
{
	cli_diag(cli, e);
}

static void
stream_progress(void *ctx, const struct stream *s)
{
	struct cli *c = ctx;

	progress_show(c, s->work || s->write_input ? s->out.n : s->nin, c->what, s);
}

static void
stream_summary_line(void *ctx, const struct stream *s)
{
	struct cli *c = ctx;
	struct sbuf line = SBUF_INIT;

	if (s->progress == NULL)
		return;
	cli_progress_done(c);
	/* quiet silences notes and nulls, never a count of lost records */
	if (stream_summary(s, &line) && (!c->quiet || s->nbad))
		cli_warn(c, "%s", line.s);
	sbuf_release(&line);
}

void
cli_stream(struct cli *c, struct stream *s, const char *what)
{
	stream_init(s, c->out);
	c->what = what;
	s->report = cli_report;
	s->progress = stream_progress;
	s->summary = stream_summary_line;
	s->hctx = c;
	s->quiet = c->quiet;
	s->reads = stage_reader(c->prog);
	s->fields = stage_fields(c->prog);
	s->lim = &c->lim;
}
