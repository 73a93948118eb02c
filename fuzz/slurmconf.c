/* Fuzz target: run-vasp's SLURM_CONFIG file, read for every job kind. */
#include "fuzzmem.h"
#include "slurmconf.h"

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	static const char *const kinds[] = { "static3", "neb", "relax", "" };
	char *text = fuzzmem_text(p, n);

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		struct hk_err err = HK_ERR_INIT;
		struct slurm_conf c;
		if (slurmconf_parse(text, n, "SLURM_CONFIG", kinds[i], &c, &err) == 0 &&
		    (c.nodes < 0 || c.ntasks < 0 || memchr(c.partition, '\0', sizeof c.partition) == NULL))
			abort();
		slurmconf_release(&c);
	}
	free(text);
	return 0;
}
