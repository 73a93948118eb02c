/* rank: filter and order any record stream. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "expr.h"
#include "ids.h"
#include "rank.h"
#include "rec.h"
#include "stream.h"

static const char usage[] =
    "rank [-kq] [--csv] [--strict] [--suspect] [-w expr] [-b keys] [-n limit] [-x file] [--scores file]\n"
    "            [--fields list] [-o file] [file ...]";

static const char help[] =
    "Filter and order records; add \"rank\" (1-based) to each record written.\n"
    "\n"
    "  -w, --where EXPR      keep records for which EXPR holds (see rank(1))\n"
    "  -b, --by KEYS         sort keys, -KEY descending (default nsites_777,nsites,length)\n"
    "  -n, --limit N         keep the N first (a bounded heap: memory O(N))\n"
    "  -x, --exclude FILE    drop records whose id appears in FILE (records); repeatable\n"
    "      --scores FILE     join \"score\" by id from FILE (CSV with id,score, or records)\n"
    "      --strict          a field missing from a record is an error\n"
    "      --suspect         keep records marked \"suspect\" (left out by default)\n"
    "      --csv             a CSV table of --fields (default rank,id and the keys)\n"
    "      --fields LIST     the CSV columns\n"
    "  -k, --keep-going      report bad records and go on (exit 1)\n"
    "  -o, --output FILE     write to FILE (atomically)\n"
    "  -q, --quiet           no progress\n"
    "  -h, --help, -V, --version\n";

enum { O_CSV = 256, O_STRICT, O_SCORES, O_FIELDS, O_SUSPECT };

static const struct option longopts[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "csv", no_argument, NULL, O_CSV },
	{ "exclude", required_argument, NULL, 'x' },
	{ "fields", required_argument, NULL, O_FIELDS },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "limit", required_argument, NULL, 'n' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "scores", required_argument, NULL, O_SCORES },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "suspect", no_argument, NULL, O_SUSPECT },
	{ "version", no_argument, NULL, 'V' },
	{ "where", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct cli cli;
	struct rank_filter filter;
	struct rank_spec spec;
	char **fields;
	int nfields;
	struct ranker ranker;
	struct stream_out out;
};

/* In input order: the filter (rank.h), then the record offered to the ranking. */
static int
take(void *ctx, struct stream_item *it)
{
	struct run *r = ctx;
	json_t *rec = it->rec[0];
	const char *id = rec_id(rec, &it->err);
	int m;

	if (id == NULL || (m = rank_filter_pass(&r->filter, rec, id, &it->err)) == -1)
		return STREAM_BAD;
	if (m == 1 && ranker_add(&r->ranker, rec, &it->err) == -1)
		cli_fatal(&r->cli, "%s", it->err.msg);
	return STREAM_OK;
}

static int
emit(void *ctx, const json_t *rec)
{
	struct run *r = ctx;
	struct hk_err e = HK_ERR_INIT;

	if (stream_out_write(&r->out, rec, &e) == -1)
		cli_fatal(&r->cli, "%s", e.msg);
	return 0;
}

static void
where(struct run *r, const char *text)
{
	struct hk_err e = HK_ERR_INIT;

	if ((r->filter.where = expr_compile(text, &e)) == NULL) {
		struct sbuf msg = SBUF_INIT;
		expr_error_text(text, &e, &msg);
		cli_fatal(&r->cli, "--where: %s", msg.s);
	}
}

/* --exclude FILE: its ids; a file not made yet (no jobs so far) excludes nothing. */
static void
exclude(struct run *r, const char *path)
{
	struct hk_err e = HK_ERR_INIT;

	if (access(path, F_OK) == -1 && errno == ENOENT)
		cli_warn(&r->cli, "--exclude %s: no such file yet, nothing excluded", path);
	else if (ids_load(&r->filter.exclude, path, &e) == -1)
		cli_fatal_err(&r->cli, "--exclude", &e);
}

static void
release(struct run *r)
{
	ranker_release(&r->ranker);
	stream_out_release(&r->out);
	rank_fields_free(r->fields);
	rank_filter_release(&r->filter);
	rank_spec_release(&r->spec);
}

/* The ranking, then how many suspect records it left out. */
static void
output(struct run *r)
{
	struct hk_err e = HK_ERR_INIT;
	long n = r->filter.suspect;

	if (ranker_emit(&r->ranker, emit, r, &e) == -1)
		cli_fatal(&r->cli, "%s", e.msg);
	if (n > 0 && !r->cli.quiet)
		cli_warn(&r->cli, "%ld suspect record%s left out (--suspect keeps them)", n, n == 1 ? "" : "s");
}

int
main(int argc, char *argv[])
{
	struct run r = { .filter = RANK_FILTER_INIT };
	struct stream s;
	struct hk_err e = HK_ERR_INIT;
	const char *out = NULL, *by = "nsites_777,nsites,length", *fields = NULL;
	long limit = -1;
	int ch, csv = 0, keep_going = 0, status;

	cli_init(&r.cli, "rank", usage);
	while ((ch = getopt_long(argc, argv, "b:hkn:o:qVw:x:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': by = optarg; break;
		case 'h': cli_help(&r.cli, help);
		case 'k': keep_going = 1; break;
		case 'n': limit = cli_long(&r.cli, "--limit", optarg, 0, 100000000); break;
		case 'o': out = optarg; break;
		case 'q': r.cli.quiet = 1; break;
		case 'V': cli_version(&r.cli);
		case 'w': where(&r, optarg); break;
		case 'x': exclude(&r, optarg); break;
		case O_CSV: csv = 1; break;
		case O_FIELDS: fields = optarg; break;
		case O_SCORES:
			if (scores_load(&r.filter.scores, optarg, &e) == -1)
				cli_fatal_err(&r.cli, NULL, &e);
			break;
		case O_STRICT: r.filter.strict = 1; break;
		case O_SUSPECT: r.filter.keep_suspect = 1; break;
		default: cli_usage_error(&r.cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (rank_spec_parse(by, &r.spec, &e) == -1)
		cli_usage_error(&r.cli, "--by: %s", e.msg);
	r.fields = rank_fields(&r.spec, fields, r.filter.scores.n > 0, &r.nfields);
	if (ranker_init(&r.ranker, &r.spec, limit, &e) == -1)
		cli_fatal(&r.cli, "%s", e.msg);
	cli_open_output(&r.cli, out);
	stream_out_init(&r.out, r.cli.out, csv ? (const char *const *)r.fields : NULL, r.nfields);
	cli_stream(&r.cli, &s, "records");
	s.take = take;
	s.ctx = &r;
	s.keep_going = keep_going;
	if ((status = stream_run(&s, argc, argv)) == -1)
		cli_fatal(&r.cli, "%s", s.fatal.msg);
	if (status != 2)
		output(&r);
	stream_release(&s);
	release(&r);
	int closed = cli_close_output(&r.cli, status != 2);
	return closed ? closed : status;
}
