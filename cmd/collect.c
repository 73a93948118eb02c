/* collect: results of VASP jobs, barriers, archives. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "collect.h"
#include "csv.h"
#include "hash.h"
#include "jsonw.h"
#include "num.h"
#include "profile_svg.h"
#include "rec.h"
#include "tarball.h"
#include "xalloc.h"

static const char usage[] =
    "collect [-kq] [--csv] [--summary] [--keep-large] [-a dir] [-p dir] [-s file] [-o file]\n"
    "               dir | archive ...";

static const char help[] =
    "Read VASP jobs (make-neb directories, or their .tar.gz archives in place) and\n"
    "write one result record per job: energies per image, barriers, convergence.\n"
    "A directory that is not a job is searched for jobs.\n"
    "\n"
    "  -a, --archive DIR     pack each finished job into DIR/<id>.tar.gz, verify, remove it\n"
    "      --keep-large      keep WAVECAR, CHGCAR and the like in archives\n"
    "  -p, --plot DIR        an SVG energy profile per job in DIR\n"
    "      --summary         the distribution of barriers, on standard error\n"
    "  -s, --since FILE      skip jobs whose id is already in FILE (results)\n"
    "      --csv             a flat table instead of records\n"
    "  -k, --keep-going      report bad jobs and go on (exit 1)\n"
    "  -o, --output FILE     write to FILE (atomically)\n"
    "  -q, --quiet           no progress\n"
    "  -h, --help, -V, --version\n";

enum { O_CSV = 256, O_KEEPLARGE, O_SUMMARY };

static const struct option longopts[] = {
	{ "archive", required_argument, NULL, 'a' },
	{ "csv", no_argument, NULL, O_CSV },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "keep-large", no_argument, NULL, O_KEEPLARGE },
	{ "output", required_argument, NULL, 'o' },
	{ "plot", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "since", required_argument, NULL, 's' },
	{ "summary", no_argument, NULL, O_SUMMARY },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_cols[] = {
	"id", "state", "kind", "formula", "ion", "length", "energy_barrier", "barrier_backward",
	"converged", "walltime",
};

struct run {
	struct cli cli;
	int keep_going, csv, keep_large, summary;
	const char *archive_dir, *plot_dir;
	struct strset since;
	long nout, nbad, nskip;
	double *barriers;
	long nbar;
	struct sbuf line;
};

static int
bad(struct run *r, const char *fmt, const char *a, const char *b)
{
	char msg[1400];

	snprintf(msg, sizeof(msg), fmt, a, b);
	cli_warn(&r->cli, "%s", msg);
	r->nbad++;
	return !r->keep_going;
}

static void
plot(struct run *r, const json_t *res)
{
	struct sbuf svg = SBUF_INIT;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf path = SBUF_INIT;
	const char *id = json_string_value(json_object_get(res, "id"));
	FILE *f;

	if (profile_svg_render(res, &svg, &e) == 0 && id) {
		sbuf_addf(&path, "%s/%s.svg", r->plot_dir, id);
		if ((f = fopen(path.s, "w")) == NULL || fwrite(svg.s, 1, svg.len, f) != svg.len || fclose(f) != 0)
			cli_warn(&r->cli, "%s: cannot write", path.s);
	}
	sbuf_release(&path);
	sbuf_release(&svg);
}

static int
archived_already(const struct run *r, const char *id)
{
	char *p = tarball_path(r->archive_dir, id);
	struct stat st;
	int rc = stat(p, &st) == 0;

	free(p);
	return rc;
}

static int
one_job(struct run *r, const char *path)
{
	struct hk_err e = HK_ERR_INIT;
	json_t *res = collect_job(path, &e);
	const char *id;

	if (res == NULL)
		return bad(r, "%s%s", e.msg, "");
	id = json_string_value(json_object_get(res, "id"));
	if (id && strset_has(&r->since, id)) {
		r->nskip++;
		json_decref(res);
		return 0;
	}
	if (r->archive_dir && json_object_get(res, "dir") && archived_already(r, id)) {
		/* a run killed after archiving: finish removing, read the archive */
		char *ar = NULL;
		if (tarball_pack(path, id, r->archive_dir, r->keep_large, &ar, &e) == -1) {
			json_decref(res);
			return bad(r, "%s%s", e.msg, "");
		}
		json_decref(res);
		res = collect_job(ar, &e);
		free(ar);
		if (res == NULL)
			return bad(r, "%s%s", e.msg, "");
	} else if (r->archive_dir && json_object_get(res, "dir") &&
	    strcmp(json_string_value(json_object_get(res, "state")), "done") == 0) {
		char *ar = NULL;
		if (tarball_pack(path, id, r->archive_dir, r->keep_large, &ar, &e) == -1) {
			json_decref(res);
			return bad(r, "%s%s", e.msg, "");
		}
		json_object_del(res, "dir");
		json_object_set_new(res, "archive", json_string(ar));
		free(ar);
	}
	if (r->plot_dir)
		plot(r, res);
	if (json_is_number(json_object_get(res, "energy_barrier"))) {
		r->barriers = xreallocarray(r->barriers, (size_t)r->nbar + 1, sizeof(double));
		r->barriers[r->nbar++] = json_number_value(json_object_get(res, "energy_barrier"));
	}
	sbuf_reset(&r->line);
	if (r->csv) {
		if (r->nout == 0)
			csv_header(&r->line, csv_cols, 10);
		csv_record(&r->line, res, csv_cols, 10);
		if (fwrite(r->line.s, 1, r->line.len, r->cli.out) != r->line.len)
			cli_fatal(&r->cli, "write error");
	} else if (jsonw_line(r->cli.out, res, &r->line, &e) == -1) {
		cli_fatal(&r->cli, "%s", e.msg);
	}
	cli_progress(&r->cli, ++r->nout, "jobs");
	json_decref(res);
	return 0;
}

/* A job, or a directory searched for jobs (recursively, in name order). */
static int
walk(struct run *r, const char *path, int depth)
{
	struct dirent **list = NULL;
	struct stat st;
	int n, stop = 0;

	if (collect_is_job(path))
		return one_job(r, path);
	if (stat(path, &st) == -1)
		return bad(r, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return bad(r, "%s: %s", path, "not a job directory or archive");
	if (depth > 4)
		return 0;
	if ((n = scandir(path, &list, NULL, alphasort)) < 0)
		return bad(r, "%s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		char sub[8200];
		size_t l = strlen(list[i]->d_name);
		if (!stop && list[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, list[i]->d_name);
			int arch = (l > 7 && strcmp(list[i]->d_name + l - 7, ".tar.gz") == 0) ||
			    (l > 4 && strcmp(list[i]->d_name + l - 4, ".tgz") == 0);
			if (stat(sub, &st) == 0 && (S_ISDIR(st.st_mode) || arch))
				stop = walk(r, sub, depth + 1);
		}
		free(list[i]);
	}
	free(list);
	return stop;
}

static void
load_since(struct run *r, const char *path)
{
	struct hk_err e = HK_ERR_INIT;
	struct rec_reader *rd;
	json_t *rec;
	int rc;
	struct stat st;

	if (stat(path, &st) == -1 && errno == ENOENT)
		return;		/* nothing collected yet */
	if ((rd = rec_open(path, &e)) == NULL)
		cli_fatal(&r->cli, "--since %s: %s", path, e.msg);
	while ((rc = rec_next(rd, &rec, &e)) != 0) {
		if (rc == -1) {
			char b[1200];
			err_format(&e, b, sizeof(b));
			cli_fatal(&r->cli, "--since %s", b);
		}
		const json_t *id = json_object_get(rec, "id");
		if (json_is_string(id))
			strset_add(&r->since, json_string_value(id));
		json_decref(rec);
	}
	rec_close(rd);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
summary(const struct run *r)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	long bins[12] = { 0 }, top = 1;

	fprintf(stderr, "%ld jobs collected, %ld skipped, %ld bad; %ld barriers\n", r->nout, r->nskip,
	    r->nbad, r->nbar);
	if (r->nbar == 0)
		return;
	qsort(r->barriers, (size_t)r->nbar, sizeof(double), cmp_double);
	for (long k = 0; k < r->nbar; k++) {
		int bin = r->barriers[k] < 0 ? 0 : r->barriers[k] >= 1.0 ? 11 : 1 + (int)(r->barriers[k] / 0.1);
		bins[bin]++;
	}
	for (int k = 0; k < 12; k++)
		top = bins[k] > top ? bins[k] : top;
	for (int k = 0; k < 12; k++) {
		char label[32];
		if (k == 0)
			snprintf(label, sizeof(label), "      < 0");
		else if (k == 11)
			snprintf(label, sizeof(label), "    >= 1.0");
		else
			snprintf(label, sizeof(label), "%s-%s", num_fixed((k - 1) * 0.1, 1, a), num_fixed(k * 0.1, 1, b));
		fprintf(stderr, "%10s eV %6ld ", label, bins[k]);
		for (long x = 0; x < bins[k] * 50 / top; x++)
			fputc('#', stderr);
		fputc('\n', stderr);
	}
	fprintf(stderr, "lowest %s eV, median %s eV, highest %s eV\n", num_fixed(r->barriers[0], 3, a),
	    num_fixed(r->barriers[r->nbar / 2], 3, b), num_fixed(r->barriers[r->nbar - 1], 3, (char[NUM_BUFSZ]){ 0 }));
}

int
main(int argc, char *argv[])
{
	struct run r = { .line = SBUF_INIT };
	const char *out = NULL;
	int ch, stop = 0;

	cli_init(&r.cli, "collect", usage);
	while ((ch = getopt_long(argc, argv, "a:hko:p:qs:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': r.archive_dir = optarg; break;
		case 'h': cli_help(&r.cli, help);
		case 'k': r.keep_going = 1; break;
		case 'o': out = optarg; break;
		case 'p': r.plot_dir = optarg; break;
		case 'q': r.cli.quiet = 1; break;
		case 's': load_since(&r, optarg); break;
		case 'V': cli_version(&r.cli);
		case O_CSV: r.csv = 1; break;
		case O_KEEPLARGE: r.keep_large = 1; break;
		case O_SUMMARY: r.summary = 1; break;
		default: cli_usage_error(&r.cli, "unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (argc == 0)
		cli_usage_error(&r.cli, "no job directory or archive named");
	for (const char *d = r.archive_dir; d; d = d == r.archive_dir ? r.plot_dir : NULL)
		if (d && mkdir(d, 0777) == -1 && errno != EEXIST)
			cli_fatal(&r.cli, "%s: cannot create: %s", d, strerror(errno));
	if (r.plot_dir && mkdir(r.plot_dir, 0777) == -1 && errno != EEXIST)
		cli_fatal(&r.cli, "%s: cannot create: %s", r.plot_dir, strerror(errno));
	cli_open_output(&r.cli, out);
	for (int i = 0; i < argc && !stop; i++)
		stop = walk(&r, argv[i], 0);
	if (r.summary)
		summary(&r);
	free(r.barriers);
	strset_release(&r.since);
	sbuf_release(&r.line);
	int status = stop ? 2 : r.nbad ? 1 : 0;
	int closed = cli_close_output(&r.cli, status != 2);
	return closed ? closed : status;
}
