/* Fuzz target: a KPOINTS file, every form VASP reads. */
#include "fuzzmem.h"
#include "kpfile.h"

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	char *text = fuzzmem_text(p, n);
	struct kpfile kp;
	struct hk_err err = HK_ERR_INIT;

	if (kpf_parse(text, "KPOINTS", &kp, &err) == 0)
		(void)kpf_form_name(kp.form);
	free(text);
	return 0;
}
