/* rank: filter and order any record stream. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "expr.h"
#include "hash.h"
#include "jsonw.h"
#include "linerd.h"
#include "num.h"
#include "rank.h"
#include "rec.h"
#include "sbuf.h"
#include "xalloc.h"

static const char usage[] =
    "rank [-kq] [--csv] [--strict] [-w expr] [-b keys] [-n limit] [-x file] [--scores file]\n"
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
    "      --csv             a CSV table of --fields (default rank,id and the keys)\n"
    "      --fields LIST     the CSV columns\n"
    "  -k, --keep-going      report bad records and go on (exit 1)\n"
    "  -o, --output FILE     write to FILE (atomically)\n"
    "  -q, --quiet           no progress\n"
    "  -h, --help, -V, --version\n";

enum { O_CSV = 256, O_STRICT, O_SCORES, O_FIELDS };

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
	{ "version", no_argument, NULL, 'V' },
	{ "where", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct cli cli;
	struct expr *where;
	const char *where_text;
	struct rank_spec spec;
	struct strset exclude, scores;
	double *score_vals;
	long nscores;
	long limit;		/* -1: no limit */
	int keep_going, strict, csv;
	char **fields;
	int nfields;
	struct rank_heap heap;
	struct rank_item *items;
	long nitems, capitems;
	FILE *spool;
	long seq, nbad, nout;
	struct sbuf buf;
};

static int
bad(struct run *r, struct hk_err *e)
{
	cli_diag(&r->cli, e);
	r->nbad++;
	return !r->keep_going;
}

/* Ids of every record of a file, for --exclude. */
static void
load_exclude(struct run *r, const char *path)
{
	struct hk_err e = HK_ERR_INIT;
	struct rec_reader *rd = rec_open(path, &e);
	json_t *rec;
	int rc;

	if (rd == NULL)
		cli_fatal(&r->cli, "%s: cannot open: %s", path, e.msg);
	while ((rc = rec_next(rd, &rec, &e)) != 0) {
		if (rc == -1) {
			char b[1200];
			err_format(&e, b, sizeof(b));
			cli_fatal(&r->cli, "--exclude %s", b);
		}
		const json_t *id = json_object_get(rec, "id");
		if (json_is_string(id))
			strset_add(&r->exclude, json_string_value(id));
		json_decref(rec);
	}
	rec_close(rd);
}

static void
add_score(struct run *r, const char *path, long line, const char *id, double v)
{
	if (!strset_put(&r->scores, id, (void *)(long)(r->nscores + 1)))
		cli_fatal(&r->cli, "%s:%ld: duplicate id '%s' in the scores", path, line, id);
	r->score_vals = xreallocarray(r->score_vals, (size_t)r->nscores + 1, sizeof(double));
	r->score_vals[r->nscores++] = v;
}

/* Split one CSV line (RFC 4180 quotes allowed) into at most max fields, in place. */
static int
csv_split(char *s, char **f, int max)
{
	int n = 0;

	for (;;) {
		char *w = s, *r = s;
		if (n == max)
			return n;
		f[n++] = w;
		if (*r == '"') {
			r++;
			while (*r) {
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
			while (*r && *r != ',')
				r++;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (*r == '\0') {
			*w = '\0';
			return n;
		}
		*w = '\0';
		s = r + 1;
	}
}

static void
load_scores(struct run *r, const char *path)
{
	size_t n = strlen(path);

	if (n > 4 && strcmp(path + n - 4, ".csv") == 0) {
		FILE *f = fopen(path, "r");
		char *line = NULL;
		size_t cap = 0;
		long lineno = 0;
		int idc = -1, sc = -1;
		if (f == NULL)
			cli_fatal(&r->cli, "%s: cannot open", path);
		while (getline(&line, &cap, f) > 0) {
			char *fld[64];
			int nf;
			double v;
			lineno++;
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] == '\0')
				continue;
			nf = csv_split(line, fld, 64);
			if (idc < 0) {
				for (int k = 0; k < nf; k++) {
					if (strcmp(fld[k], "id") == 0)
						idc = k;
					if (strcmp(fld[k], "score") == 0)
						sc = k;
				}
				if (idc < 0 || sc < 0)
					cli_fatal(&r->cli, "%s:1: want a header with id and score columns", path);
				continue;
			}
			if (nf <= idc || nf <= sc)
				cli_fatal(&r->cli, "%s:%ld: too few columns", path, lineno);
			if (num_parse_double(fld[sc], &v) == -1)
				cli_fatal(&r->cli, "%s:%ld: score '%s' is not a number", path, lineno, fld[sc]);
			add_score(r, path, lineno, fld[idc], v);
		}
		free(line);
		fclose(f);
		return;
	}
	struct hk_err e = HK_ERR_INIT;
	struct rec_reader *rd = rec_open(path, &e);
	json_t *rec;
	int rc;
	if (rd == NULL)
		cli_fatal(&r->cli, "%s: cannot open", path);
	while ((rc = rec_next(rd, &rec, &e)) != 0) {
		if (rc == -1) {
			char b[1200];
			err_format(&e, b, sizeof(b));
			cli_fatal(&r->cli, "--scores %s", b);
		}
		const json_t *id = json_object_get(rec, "id"), *s = json_object_get(rec, "score");
		if (!json_is_string(id) || !json_is_number(s))
			cli_fatal(&r->cli, "%s:%ld: want \"id\" and a numeric \"score\"", path, rec_line(rd));
		add_score(r, path, rec_line(rd), json_string_value(id), json_number_value(s));
		json_decref(rec);
	}
	rec_close(rd);
}

/* Take one record: exclude, join, filter, then keep it or its keys. */
static int
take(struct run *r, json_t *rec, const char *name, long line)
{
	struct hk_err e = HK_ERR_INIT;
	struct rank_item it;
	const char *id = rec_id(rec, &e);
	int m;

	if (id == NULL) {
		err_where(&e, name, line);
		json_decref(rec);
		return bad(r, &e);
	}
	if (strset_has(&r->exclude, id)) {
		json_decref(rec);
		return 0;
	}
	if (r->scores.n) {
		long k = (long)strset_get(&r->scores, id);
		json_object_set_new(rec, "score", k ? jsonw_real(r->score_vals[k - 1]) : json_null());
	}
	if (r->where && (m = expr_match(r->where, rec, r->strict, &e)) != 1) {
		json_decref(rec);
		if (m == 0)
			return 0;
		err_prefix(&e, "--where");
		err_where(&e, name, line);
		return bad(r, &e);
	}
	rank_item_init(&it, &r->spec, rec, r->seq++);
	if (r->limit >= 0) {
		it.rec = rec;
		rank_heap_offer(&r->heap, &it);
		return 0;
	}
	/* no limit: the text goes to the spool, the item keeps its keys */
	sbuf_reset(&r->buf);
	if (jsonw_value(&r->buf, rec, &e) == -1)
		cli_fatal(&r->cli, "%s", e.msg);
	json_decref(rec);
	it.off = ftello(r->spool);
	it.len = r->buf.len;
	if (fwrite(r->buf.s, 1, r->buf.len, r->spool) != r->buf.len)
		cli_fatal(&r->cli, "cannot write the spool file");
	if (r->nitems == r->capitems) {
		r->capitems = r->capitems ? 2 * r->capitems : 1024;
		r->items = xreallocarray(r->items, (size_t)r->capitems, sizeof(*r->items));
	}
	r->items[r->nitems++] = it;
	return 0;
}

static int
run_file(struct run *r, const char *path)
{
	struct hk_err e = HK_ERR_INIT;
	struct rec_reader *rd = rec_open(path, &e);
	json_t *rec;
	int rc, stop = 0;

	if (rd == NULL)
		return bad(r, &e);
	while (!stop && (rc = rec_next(rd, &rec, &e)) != 0) {
		if (rc == -1)
			stop = bad(r, &e) || rec_failed(rd);
		else
			stop = take(r, rec, rd->name, rec_line(rd));
		cli_progress(&r->cli, r->seq, "records");
	}
	rec_close(rd);
	return stop;
}

static void
emit(struct run *r, json_t *rec, long rank)
{
	struct hk_err e = HK_ERR_INIT;
	json_t *out = json_object();
	const char *key;
	json_t *val;

	json_object_set(out, "id", json_object_get(rec, "id"));
	json_object_set_new(out, "rank", json_integer(rank));
	json_object_foreach(rec, key, val)
		if (strcmp(key, "id") != 0 && strcmp(key, "rank") != 0)
			json_object_set(out, key, val);
	sbuf_reset(&r->buf);
	if (r->csv) {
		if (r->nout == 0)
			csv_header(&r->buf, (const char *const *)r->fields, r->nfields);
		csv_record(&r->buf, out, (const char *const *)r->fields, r->nfields);
		if (fwrite(r->buf.s, 1, r->buf.len, r->cli.out) != r->buf.len)
			cli_fatal(&r->cli, "write error");
	} else if (jsonw_line(r->cli.out, out, &r->buf, &e) == -1) {
		cli_fatal(&r->cli, "%s", e.msg);
	}
	r->nout++;
	json_decref(out);
}

static void
write_sorted(struct run *r)
{
	if (r->limit >= 0) {
		rank_heap_sort(&r->heap);
		for (int k = 0; k < r->heap.n; k++)
			emit(r, r->heap.it[k].rec, k + 1);
		return;
	}
	rank_sort(&r->spec, r->items, r->nitems);
	char *text = NULL;
	size_t cap = 0;
	for (long k = 0; k < r->nitems; k++) {
		struct rank_item *it = &r->items[k];
		struct hk_err e = HK_ERR_INIT;
		json_t *rec;
		if (it->len + 1 > cap) {
			cap = it->len + 1;
			text = xrealloc(text, cap);
		}
		if (fseeko(r->spool, it->off, SEEK_SET) != 0 || fread(text, 1, it->len, r->spool) != it->len)
			cli_fatal(&r->cli, "cannot read the spool file");
		if ((rec = rec_parse(text, it->len, "spool", k + 1, &e)) == NULL)
			cli_fatal(&r->cli, "%s", e.msg);
		emit(r, rec, k + 1);
		json_decref(rec);
		rank_item_release(it, &r->spec);
	}
	free(text);
}

static void
default_fields(struct run *r, const char *list)
{
	if (list) {
		for (const char *p = list; *p;) {
			size_t n = strcspn(p, ",");
			r->fields = xreallocarray(r->fields, (size_t)r->nfields + 1, sizeof(char *));
			r->fields[r->nfields++] = xstrndup(p, n);
			p += n + (p[n] == ',');
		}
		return;
	}
	r->fields = xcalloc((size_t)r->spec.n + 3, sizeof(char *));
	r->fields[r->nfields++] = xstrdup("rank");
	r->fields[r->nfields++] = xstrdup("id");
	for (int k = 0; k < r->spec.n; k++)
		r->fields[r->nfields++] = xstrdup(r->spec.key[k].path);
	if (r->scores.n && strcmp(r->fields[r->nfields - 1], "score") != 0)
		r->fields[r->nfields++] = xstrdup("score");
}

int
main(int argc, char *argv[])
{
	struct run r = { .limit = -1, .buf = SBUF_INIT };
	struct hk_err e = HK_ERR_INIT;
	const char *out = NULL, *by = "nsites_777,nsites,length", *fields = NULL;
	int ch, stop = 0;

	cli_init(&r.cli, "rank", usage);
	while ((ch = getopt_long(argc, argv, "b:hkn:o:qVw:x:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': by = optarg; break;
		case 'h': cli_help(&r.cli, help);
		case 'k': r.keep_going = 1; break;
		case 'n': r.limit = cli_long(&r.cli, "--limit", optarg, 0, 100000000); break;
		case 'o': out = optarg; break;
		case 'q': r.cli.quiet = 1; break;
		case 'V': cli_version(&r.cli);
		case 'w':
			r.where_text = optarg;
			if ((r.where = expr_compile(optarg, &e)) == NULL) {
				fprintf(stderr, "rank: --where: %s at column %ld\n  %s\n  %*s^\n", e.msg, e.col,
				    optarg, (int)(e.col > 0 ? e.col - 1 : 0), "");
				return 2;
			}
			break;
		case 'x': load_exclude(&r, optarg); break;
		case O_CSV: r.csv = 1; break;
		case O_FIELDS: fields = optarg; break;
		case O_SCORES: load_scores(&r, optarg); break;
		case O_STRICT: r.strict = 1; break;
		default: cli_usage_error(&r.cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (rank_spec_parse(by, &r.spec, &e) == -1)
		cli_usage_error(&r.cli, "--by: %s", e.msg);
	default_fields(&r, fields);
	if (r.limit >= 0)
		rank_heap_init(&r.heap, &r.spec, (int)r.limit);
	else if ((r.spool = tmpfile()) == NULL)
		cli_fatal(&r.cli, "cannot create a spool file");
	cli_open_output(&r.cli, out);
	for (int i = 0; i < (argc ? argc : 1) && !stop; i++)
		stop = run_file(&r, argc ? argv[i] : "-");
	if (!stop)
		write_sorted(&r);
	if (r.limit >= 0)
		rank_heap_release(&r.heap);
	else
		fclose(r.spool);
	for (long k = 0; k < r.nitems; k++)
		rank_item_release(&r.items[k], &r.spec);
	free(r.items);
	for (int k = 0; k < r.nfields; k++)
		free(r.fields[k]);
	free(r.fields);
	free(r.score_vals);
	strset_release(&r.exclude);
	strset_release(&r.scores);
	rank_spec_release(&r.spec);
	expr_free(r.where);
	sbuf_release(&r.buf);
	int status = stop ? 2 : r.nbad ? 1 : 0;
	int closed = cli_close_output(&r.cli, status != 2);
	return closed ? closed : status;
}
