/*
 * idpp-time: the IDPP step alone, for the side-by-side with IDPPSolver.
 * For each NEB job directory (make-neb -t neb) reads 00 and N+1, makes the
 * linear images (the end is written unwrapped, so no periodic wrapping:
 * pymatgen's interpolate(pbc=False)), relaxes them with idpp_relax to the
 * given force tolerance, and prints the seconds spent in idpp_relax only.
 * Built by make bench; not installed.
 *
 * usage: idpp-time fire|steepest FTOL MAXITER JOBDIR...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "fileio.h"
#include "idpp.h"
#include "num.h"
#include "poscar.h"

static int
keep(void *ctx, struct structure *s, const struct hk_err *e, int code)
{
	(void)e, (void)code;
	if (s == NULL)
		return -1;
	cell_copy(ctx, &s->cell);
	return 0;
}

static int
load(const char *dir, int k, struct cell *c)
{
	char path[4200];
	struct sbuf t = SBUF_INIT;
	struct hk_err e = HK_ERR_INIT;
	int rc;

	snprintf(path, sizeof(path), "%s/%02d/POSCAR", dir, k);
	if (file_read(path, &t) == -1)
		return -1;
	rc = poscar_read(t.s, t.len, path, NULL, 0, keep, c, &e);
	sbuf_release(&t);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct idpp_opts o;
	double ftol, total = 0;
	int njobs = 0, iters = 0;

	long maxiter;

	cli_init(&cli, "idpp-time", "idpp-time fire|steepest ftol maxiter jobdir ...");
	if (argc < 5 || num_parse_double(argv[2], &ftol) == -1 || num_parse_long(argv[3], 1, 100000000, &maxiter) == -1)
		cli_usage_error(&cli, "need the method, a tolerance, an iteration limit and job directories");
	idpp_opts_init(&o);
	o.ftol = ftol;
	o.maxiter = (int)maxiter;
	o.steepest = strcmp(argv[1], "steepest") == 0;
	if (o.steepest)
		o.model = IDPP_FIXED_WEIGHTS;
	for (int j = 4; j < argc; j++) {
		struct cell img[102];
		struct stat st;
		char p[4200];
		int n = 0;
		while (n < 100) {
			snprintf(p, sizeof(p), "%s/%02d", argv[j], n);
			if (stat(p, &st) == -1)
				break;
			n++;
		}
		if (n < 3)
			continue;
		for (int k = 0; k < n; k++)
			img[k] = (struct cell)CELL_INIT;
		if (load(argv[j], 0, &img[0]) != 0 || load(argv[j], n - 1, &img[n - 1]) != 0)
			cli_fatal(&cli, "%s: cannot read the endpoints", argv[j]);
		for (int k = 1; k < n - 1; k++) {
			cell_copy(&img[k], &img[0]);
			for (int a = 0; a < img[0].n; a++)
				for (int d = 0; d < 3; d++)
					img[k].frac[a][d] += (img[n - 1].frac[a][d] - img[0].frac[a][d]) * k / (n - 1);
		}
		struct idpp_result r;
		struct hk_err e = HK_ERR_INIT;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (idpp_relax(img, n, &o, &r, &e) == -1)
			cli_fatal(&cli, "%s: %s", argv[j], e.msg);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		total += (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
		iters += r.iterations;
		njobs++;
		for (int k = 0; k < n; k++)
			cell_release(&img[k]);
	}
	printf("%d paths %d iterations %.6f s\n", njobs, iters, total);
	return 0;
}
