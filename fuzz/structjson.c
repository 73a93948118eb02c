/* Fuzz target: a structure JSON document (hopkit's or pymatgen's). */
#include "fuzzmem.h"
#include "structjson.h"

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	json_t *doc = json_loadb((const char *)p, n, 0, NULL);
	struct structure s = STRUCTURE_INIT;
	struct hk_err err = { 0 };
	int code = 0;

	if (doc == NULL)
		return 0;
	/* s holds what was read either way */
	structjson_doc(doc, &s, &err, &code);
	structure_release(&s);
	json_decref(doc);
	return 0;
}
