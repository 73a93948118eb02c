/* Fuzz target: CIF text, every data block, through to the cell. */
#include "fuzzmem.h"
#include "cif.h"

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

	cif_read(text, n, "fuzz.cif", 0, take, NULL, &err);
	free(text);
	return 0;
}
