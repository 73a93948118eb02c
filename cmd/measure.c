/* measure: cheap descriptors for every hop. */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jsonw.h"
#include "measure.h"
#include "pmap.h"
#include "rec.h"
#include "xalloc.h"

static const char usage[] =
    "measure [-kq] [--network] [--only names] [--images n] [--symprec angstrom] [--write-images dir]\n"
    "               [-j jobs] [-o file] [file ...]";

static const char help[] =
    "Read path records and add a \"measures\" object to each: oxidation states,\n"
    "percolation dimensionality, and along the IDPP path of the vacancy hop the\n"
    "Ewald site energy, ionic-radii overlaps and the softBV barrier.\n"
    "\n"
    "      --only NAMES      compute only these (comma-separated): oxidation_state,\n"
    "                        dimensionality, ewald_energy, ionic_radii_overlap_cations,\n"
    "                        ionic_radii_overlap_anions, bvse_barrier\n"
    "      --images N        interior images along the hop (default 5)\n"
    "      --symprec A       symmetry tolerance, angstrom (default 0.1)\n"
    "      --write-images DIR  DIR/<id>.json: the images, with oxidation states\n"
    "      --network         add the edges behind the dimensionalities\n"
    "  -j, --jobs N          use N threads (default 1)\n"
    "  -k, --keep-going      report bad records and go on (exit 1)\n"
    "  -o, --output FILE     write to FILE (atomically)\n"
    "  -q, --quiet           no progress\n"
    "  -h, --help, -V, --version\n"
    "\n"
    "See measure(1) and hopkit-records(5).\n";

enum { O_ONLY = 256, O_IMAGES, O_SYMPREC, O_WRITE, O_NETWORK };

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "images", required_argument, NULL, O_IMAGES },
	{ "jobs", required_argument, NULL, 'j' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "network", no_argument, NULL, O_NETWORK },
	{ "only", required_argument, NULL, O_ONLY },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "symprec", required_argument, NULL, O_SYMPREC },
	{ "version", no_argument, NULL, 'V' },
	{ "write-images", required_argument, NULL, O_WRITE },
	{ NULL, 0, NULL, 0 },
};

/* Consecutive records of one structure, measured together. */
struct group {
	json_t **rec;
	long *line;
	int n, cap;
	int rc;
	struct hk_err err;
};

struct run {
	struct cli cli;
	struct measure_opts o;
	struct measure_tables t;
	int keep_going, jobs;
	long nout, nbad;
	struct sbuf line;
};

static void
work(const void *ctx, void *p)
{
	const struct run *r = ctx;
	struct group *g = p;

	g->rc = measure_group(g->rec, g->n, &r->o, &r->t, &g->err);
}

static void
group_add(struct group *g, json_t *rec, long line)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 8;
		g->rec = xreallocarray(g->rec, (size_t)g->cap, sizeof(*g->rec));
		g->line = xreallocarray(g->line, (size_t)g->cap, sizeof(*g->line));
	}
	g->rec[g->n] = rec;
	g->line[g->n++] = line;
}

static const char *
sid(const json_t *rec)
{
	const json_t *v = json_object_get(rec, "structure_id");

	return json_is_string(v) ? json_string_value(v) : "";
}

/* Write the groups in order and empty them; 1 when the run must stop. */
static int
flush(struct run *r, struct group *gs, int n, const char *name)
{
	int stop = 0;
	struct hk_err e = HK_ERR_INIT;

	for (int k = 0; k < n; k++) {
		struct group *g = &gs[k];
		if (!stop && g->rc == -1) {
			err_where(&g->err, name, g->line[0]);
			cli_diag(&r->cli, &g->err);
			r->nbad += g->n;
			stop = !r->keep_going;
		} else if (!stop) {
			for (int i = 0; i < g->n; i++) {
				if (jsonw_line(r->cli.out, g->rec[i], &r->line, &e) == -1)
					cli_fatal(&r->cli, "%s", e.msg);
				cli_progress(&r->cli, ++r->nout, "paths");
			}
		}
		for (int i = 0; i < g->n; i++)
			json_decref(g->rec[i]);
		g->n = 0;
		g->rc = 0;
	}
	return stop;
}

static int
run_file(struct run *r, const char *path)
{
	struct hk_err e = HK_ERR_INIT;
	struct rec_reader *rd = rec_open(path, &e);
	int cap = r->jobs > 1 ? 8 * r->jobs : 1, ng = 0, stop = 0, rc;
	struct group *gs;
	void **ptrs;

	if (rd == NULL) {
		cli_diag(&r->cli, &e);
		r->nbad++;
		return !r->keep_going;
	}
	gs = xcalloc((size_t)cap + 1, sizeof(*gs));
	ptrs = xmalloc(((size_t)cap + 1) * sizeof(*ptrs));
	for (int k = 0; k <= cap; k++)
		ptrs[k] = &gs[k];
	while (!stop) {
		json_t *rec = NULL;
		rc = rec_next(rd, &rec, &e);
		if (rc == -1) {
			pmap_run(ptrs, ng + (ng < cap + 1 && gs[ng].n > 0), r->jobs, work, r);
			stop = flush(r, gs, ng + (gs[ng].n > 0), rd->name);
			ng = 0;
			if (!stop) {
				cli_diag(&r->cli, &e);
				r->nbad++;
				stop = !r->keep_going || rec_failed(rd);
			}
			continue;
		}
		/* a new structure closes the open group */
		if (rc == 0 || (gs[ng].n > 0 && strcmp(sid(gs[ng].rec[0]), sid(rec)) != 0)) {
			if (gs[ng].n > 0)
				ng++;
			if (ng == cap || rc == 0) {
				pmap_run(ptrs, ng, r->jobs, work, r);
				stop = flush(r, gs, ng, rd->name);
				ng = 0;
			}
		}
		if (rc == 0)
			break;
		if (stop) {
			json_decref(rec);
			break;
		}
		group_add(&gs[ng], rec, rec_line(rd));
	}
	flush(r, gs, cap + 1, rd->name);
	for (int k = 0; k <= cap; k++) {
		free(gs[k].rec);
		free(gs[k].line);
	}
	free(gs);
	free(ptrs);
	rec_close(rd);
	return stop;
}

int
main(int argc, char *argv[])
{
	struct run r = { .jobs = 1, .line = SBUF_INIT };
	struct hk_err e = HK_ERR_INIT;
	const char *out = NULL;
	int ch, stop = 0;

	cli_init(&r.cli, "measure", usage);
	measure_opts_init(&r.o);
	while ((ch = getopt_long(argc, argv, "hj:ko:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h': cli_help(&r.cli, help);
		case 'j': r.jobs = (int)cli_long(&r.cli, "--jobs", optarg, 1, 256); break;
		case 'k': r.keep_going = 1; break;
		case 'o': out = optarg; break;
		case 'q': r.cli.quiet = 1; break;
		case 'V': cli_version(&r.cli);
		case O_IMAGES: r.o.nimages = (int)cli_long(&r.cli, "--images", optarg, 1, 60); break;
		case O_ONLY:
			if (measure_parse_only(optarg, &r.o.what, &e) == -1)
				cli_usage_error(&r.cli, "%s", e.msg);
			break;
		case O_SYMPREC: r.o.symprec = cli_double(&r.cli, "--symprec", optarg, 1e-8, 10); break;
		case O_WRITE: r.o.images_dir = optarg; break;
		case O_NETWORK: r.o.network = 1; break;
		default: cli_usage_error(&r.cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (r.o.images_dir && mkdir(r.o.images_dir, 0777) == -1 && errno != EEXIST)
		cli_fatal(&r.cli, "%s: %s", r.o.images_dir, strerror(errno));
	if (measure_tables_load(&r.t, &e) == -1)
		cli_fatal(&r.cli, "%s", e.msg);
	cli_open_output(&r.cli, out);
	for (int i = 0; i < (argc ? argc : 1) && !stop; i++)
		stop = run_file(&r, argc ? argv[i] : "-");
	measure_tables_release(&r.t);
	sbuf_release(&r.line);
	int status = stop ? 2 : r.nbad ? 1 : 0;
	int closed = cli_close_output(&r.cli, status != 2);
	return closed ? closed : status;
}
