/* Fuzz target: POSCAR/CONTCAR text, with and without a species hint, and as a POTCAR. */
#include "fuzzmem.h"
#include "poscar.h"

static int
take(void *ctx, struct structure *s, const struct hk_err *err, int code)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	char *text = fuzzmem_text(p, n);
	struct hk_err err = { 0 };

	poscar_read(text, n, "POSCAR", NULL, 0, take, NULL, &err);
	poscar_read(text, n, "POSCAR", "Ca F", 0, take, NULL, &err);
	free(poscar_potcar_species(text, n));
	free(text);
	return 0;
}
