/* Fuzz target: a --where expression (the first line) matched against a record (the rest, JSON). */
#include "fuzzmem.h"
#include "expr.h"
#include "sbuf.h"

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	const unsigned char *nl = memchr(p, '\n', n);
	size_t elen = nl ? (size_t)(nl - p) : n;
	char *text = fuzzmem_text(p, elen);
	struct hk_err err = { 0 };
	struct expr *e = expr_compile(text, &err);
	json_t *rec = nl ? json_loadb((const char *)nl + 1, n - elen - 1, 0, NULL) : NULL;

	if (e == NULL) {
		struct sbuf msg = SBUF_INIT;
		expr_error_text(text, &err, &msg);
		sbuf_release(&msg);
	} else {
		if (rec != NULL) {
			expr_match(e, rec, 0, &err);
			expr_match(e, rec, 1, &err);
		}
		expr_free(e);
	}
	json_decref(rec);
	free(text);
	return 0;
}
