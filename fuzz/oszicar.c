/* Fuzz target: oszicar output as VASP writes it, or cut short by a killed run. */
#include "fuzzmem.h"
#include "vasp_out.h"

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	struct fuzzmem m = { p, n, 0 };
	struct vasp_run r;
	struct hk_err err = { 0 };

	vasp_run_init(&r);
	oszicar_parse(fuzzmem_pull, &m, "fuzz", &r, &err);
	return 0;
}
