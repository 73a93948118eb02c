/*
 * vasp-read: print what hopkit's readers make of VASP output files, one
 * "file quantity value" line each (for the corpus cross-check).  Built by
 * make check; not installed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "vasp_out.h"

static ssize_t
pull(void *ctx, void *buf, size_t n)
{
	return gzread((gzFile)ctx, buf, (unsigned)n);
}

int
main(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		const char *b = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		struct vasp_run r;
		struct hk_err e = HK_ERR_INIT;
		gzFile g = gzopen(argv[i], "r");
		int rc;
		if (g == NULL)
			continue;
		vasp_run_init(&r);
		if (strncmp(b, "OSZICAR", 7) == 0)
			rc = oszicar_parse(pull, g, argv[i], &r, &e);
		else if (strncmp(b, "OUTCAR", 6) == 0)
			rc = outcar_parse(pull, g, argv[i], &r, &e);
		else
			rc = vasprun_parse(pull, g, argv[i], &r, &e);
		gzclose(g);
		if (rc == -1) {
			printf("%s\terror\t%s\n", argv[i], e.msg);
			continue;
		}
		printf("%s\tfinal_energy\t%.10f\n", argv[i], r.e0);
		printf("%s\tionic_steps\t%d\n", argv[i], r.n_ionic);
		if (strncmp(b, "OUTCAR", 6) == 0) {
			printf("%s\tfinal_fr_energy\t%.10f\n", argv[i], r.e_fr);
			printf("%s\tfinal_energy_wo_entrp\t%.10f\n", argv[i], r.e_wo_entrp);
			if (isfinite(r.elapsed))
				printf("%s\telapsed\t%.10g\n", argv[i], r.elapsed);
		}
		if (strncmp(b, "vasprun", 7) == 0) {
			printf("%s\tconverged_electronic\t%s\n", argv[i], r.converged_electronic == 1 ? "True" : "False");
			printf("%s\tconverged_ionic\t%s\n", argv[i], r.converged_ionic == 1 ? "True" : "False");
		}
	}
	return 0;
}
