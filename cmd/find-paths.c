/* find-paths: every symmetry-distinct hop of the migrating ion. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "elements.h"
#include "jsonw.h"
#include "paths.h"
#include "pmap.h"
#include "rec.h"
#include "xalloc.h"

static const char usage[] =
    "find-paths [-kq] [--csv] [--percolating] [--strict] [-i ion] [-c cutoff]\n"
    "                  [-n max-paths] [--symprec angstrom] [--min-length angstrom]\n"
    "                  [--min-dim d] [--write-cif dir] [-j jobs] [-o file] [file ...]";

static const char help[] =
    "Read structure records and write one path record per symmetry-distinct hop\n"
    "of the migrating ion, shortest first.\n"
    "\n"
    "  -i, --ion EL              the migrating ion (default F)\n"
    "  -c, --cutoff A            longest hop, angstrom (default 5.0)\n"
    "  -n, --max-paths N         keep the N shortest hops per structure (default 5; 0: all)\n"
    "      --symprec A           symmetry tolerance, angstrom (default 0.1)\n"
    "      --min-length A        supercell widths at least A (default 7)\n"
    "      --percolating         keep hops up to the shortest that percolates\n"
    "      --min-dim D           ... in at least D dimensions (default 1)\n"
    "      --strict              a structure without the ion is an error\n"
    "      --write-cif DIR       a CIF per hop with the ion drawn along it\n"
    "      --csv                 a flat table instead of records\n"
    "  -j, --jobs N              use N threads (default 1)\n"
    "  -k, --keep-going          report bad records and go on (exit 1)\n"
    "  -o, --output FILE         write to FILE (atomically)\n"
    "  -q, --quiet               no progress, no notes\n"
    "  -h, --help, -V, --version\n"
    "\n"
    "See find-paths(1) and hopkit-records(5).\n";

enum { O_CSV = 256, O_PERC, O_STRICT, O_SYMPREC, O_MINLEN, O_MINDIM, O_CIF };

static const struct option longopts[] = {
	{ "csv", no_argument, NULL, O_CSV },
	{ "cutoff", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "ion", required_argument, NULL, 'i' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "max-paths", required_argument, NULL, 'n' },
	{ "min-dim", required_argument, NULL, O_MINDIM },
	{ "min-length", required_argument, NULL, O_MINLEN },
	{ "output", required_argument, NULL, 'o' },
	{ "percolating", no_argument, NULL, O_PERC },
	{ "quiet", no_argument, NULL, 'q' },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "symprec", required_argument, NULL, O_SYMPREC },
	{ "version", no_argument, NULL, 'V' },
	{ "write-cif", required_argument, NULL, O_CIF },
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_cols[] = {
	"id", "structure_id", "formula", "ion", "length", "multiplicity", "nsites_777", "dimensionality",
};

struct item {
	json_t *rec;
	long line;
	json_t *out;
	int rc;
	struct hk_err err;
};

struct run {
	struct cli cli;
	struct paths_opts o;
	int keep_going, csv, strict, jobs;
	long nout, nbad;
	struct sbuf line;
};

static void
work(const void *ctx, void *p)
{
	const struct run *r = ctx;
	struct item *it = p;

	it->rc = paths_for_record(it->rec, &r->o, &it->out, &it->err);
}

static void
emit(struct run *r, const json_t *rec)
{
	struct hk_err e = HK_ERR_INIT;

	sbuf_reset(&r->line);
	if (r->csv) {
		if (r->nout == 0)
			csv_header(&r->line, csv_cols, 8);
		csv_record(&r->line, rec, csv_cols, 8);
		if (fwrite(r->line.s, 1, r->line.len, r->cli.out) != r->line.len)
			cli_fatal(&r->cli, "write error");
	} else if (jsonw_line(r->cli.out, rec, &r->line, &e) == -1) {
		cli_fatal(&r->cli, "%s", e.msg);
	}
	r->nout++;
}

/* Write a batch's results in input order; 1 when the run must stop. */
static int
flush(struct run *r, struct item *items, int n, const char *name)
{
	int stop = 0;

	for (int k = 0; k < n; k++) {
		struct item *it = &items[k];
		if (!stop) {
			int bad = it->rc == PATHS_BAD || (it->rc == PATHS_NO_ION && r->strict);
			if (it->rc != PATHS_OK && (bad || !r->cli.quiet)) {
				err_where(&it->err, name, it->line);
				cli_diag(&r->cli, &it->err);
			}
			if (bad) {
				r->nbad++;
				stop = !r->keep_going;
			}
			for (size_t i = 0; it->out && i < json_array_size(it->out); i++)
				emit(r, json_array_get(it->out, i));
			cli_progress(&r->cli, r->nout, "paths");
		}
		json_decref(it->rec);
		json_decref(it->out);
		memset(it, 0, sizeof(*it));
	}
	return stop;
}

static int
run_file(struct run *r, const char *path)
{
	struct hk_err e = HK_ERR_INIT;
	struct rec_reader *rd = rec_open(path, &e);
	int cap = r->jobs > 1 ? 32 * r->jobs : 1, n = 0, rc, stop = 0;
	struct item *items;
	void **ptrs;

	if (rd == NULL) {
		cli_diag(&r->cli, &e);
		r->nbad++;
		return !r->keep_going;
	}
	items = xcalloc((size_t)cap, sizeof(*items));
	ptrs = xmalloc((size_t)cap * sizeof(*ptrs));
	for (int k = 0; k < cap; k++)
		ptrs[k] = &items[k];
	while (!stop) {
		json_t *rec;
		rc = rec_next(rd, &rec, &e);
		if (rc == 1) {
			items[n].rec = rec;
			items[n].line = rec_line(rd);
			n++;
		} else if (rc == -1) {
			/* a bad line: finish what came before it, then report it */
			pmap_run(ptrs, n, r->jobs, work, r);
			stop = flush(r, items, n, rd->name);
			n = 0;
			if (!stop) {
				cli_diag(&r->cli, &e);
				r->nbad++;
				stop = !r->keep_going || rec_failed(rd);
			}
			continue;
		}
		if (n == cap || (rc == 0 && n > 0)) {
			pmap_run(ptrs, n, r->jobs, work, r);
			stop = flush(r, items, n, rd->name);
			n = 0;
		}
		if (rc == 0)
			break;
	}
	flush(r, items, n, rd->name);
	free(items);
	free(ptrs);
	rec_close(rd);
	return stop;
}

int
main(int argc, char *argv[])
{
	struct run r = { .jobs = 1, .line = SBUF_INIT };
	const char *out = NULL;
	int ch, stop = 0;

	cli_init(&r.cli, "find-paths", usage);
	paths_opts_init(&r.o);
	while ((ch = getopt_long(argc, argv, "c:hi:j:kn:o:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': r.o.cutoff = cli_double(&r.cli, "--cutoff", optarg, 1e-9, 100); break;
		case 'h': cli_help(&r.cli, help);
		case 'i':
			if ((r.o.z = elem_z(optarg)) == 0)
				cli_usage_error(&r.cli, "unknown element '%s'", optarg);
			break;
		case 'j': r.jobs = (int)cli_long(&r.cli, "--jobs", optarg, 1, 256); break;
		case 'k': r.keep_going = 1; break;
		case 'n': r.o.max_paths = (int)cli_long(&r.cli, "--max-paths", optarg, 0, 1000000); break;
		case 'o': out = optarg; break;
		case 'q': r.cli.quiet = 1; break;
		case 'V': cli_version(&r.cli);
		case O_CSV: r.csv = 1; break;
		case O_PERC: r.o.percolating = 1; break;
		case O_STRICT: r.strict = 1; break;
		case O_SYMPREC: r.o.symprec = cli_double(&r.cli, "--symprec", optarg, 1e-8, 10); break;
		case O_MINLEN: r.o.min_length = cli_double(&r.cli, "--min-length", optarg, 0.1, 100); break;
		case O_MINDIM: r.o.min_dim = (int)cli_long(&r.cli, "--min-dim", optarg, 1, 3); break;
		case O_CIF: r.o.cif_dir = optarg; break;
		default: cli_usage_error(&r.cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (r.o.cif_dir) {
		struct stat st;
		if (stat(r.o.cif_dir, &st) == -1 ? mkdir(r.o.cif_dir, 0777) == -1 : !S_ISDIR(st.st_mode))
			cli_fatal(&r.cli, "%s: cannot use as a directory", r.o.cif_dir);
	}
	cli_open_output(&r.cli, out);
	for (int i = 0; i < (argc ? argc : 1) && !stop; i++)
		stop = run_file(&r, argc ? argv[i] : "-");
	sbuf_release(&r.line);
	int status = stop ? 2 : r.nbad ? 1 : 0;
	int closed = cli_close_output(&r.cli, status != 2);
	return closed ? closed : status;
}
