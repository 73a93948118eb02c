/* Fuzz target: an INCAR as people edit it, then every typed read of its tags. */
#include "fuzzmem.h"
#include "vasp_in.h"

static const char *const tags[] = { "ENCUT", "NSW", "IBRION", "IMAGES", "ISPIN", "LCLIMB", "EDIFF", "SPRING" };

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	char *text = fuzzmem_text(p, n);
	struct incar in = INCAR_INIT;
	struct kpoints kp = { 0 };
	struct sbuf out = SBUF_INIT;
	struct hk_err err = { 0 };
	long l;
	double d;
	int b;

	if (incar_parse(&in, text, "INCAR", &err) == 0) {
		for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
			incar_get_long(&in, tags[i], -1000000, 1000000, 0, &l, &err);
			incar_get_double(&in, tags[i], 0, &d, &err);
			incar_get_bool(&in, tags[i], 0, &b, &err);
		}
		kpoints_rule_take(&in, &kp, &err);
		incar_write(&in, &out);
	}
	sbuf_release(&out);
	incar_release(&in);
	free(text);
	return 0;
}
