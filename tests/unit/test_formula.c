#include <string.h>

#include "elements.h"
#include "formula.h"
#include "testutil.h"

static const char *
from(const char *spec, char *buf)
{
	long counts[ELEM_MAX + 1] = { 0 };
	char sym[3];
	const char *p = spec;

	/* "Li24 Y8 P16 S64" */
	while (*p) {
		int n = 0;
		long c = 0;
		while (*p == ' ')
			p++;
		while (p[n] && p[n] >= 'A' && (n == 0 || p[n] >= 'a'))
			n++;
		memcpy(sym, p, (size_t)n);
		sym[n] = 0;
		p += n;
		while (*p >= '0' && *p <= '9')
			c = c * 10 + (*p++ - '0');
		counts[elem_z(sym)] += c;
	}
	return formula_from_counts(counts, buf, 64);
}

static void
reduced_formulas_as_pymatgen(void **state)
{
	char b[64];

	assert_string_equal(from("Li4 F4", b), "LiF");
	assert_string_equal(from("F8 Ca4", b), "CaF2");
	assert_string_equal(from("Li24 Y8 P16 S64", b), "Li3Y(PS4)2");
	assert_string_equal(from("Li4 Fe4 P4 O16", b), "LiFePO4");
	assert_string_equal(from("Eu6 S4 F8", b), "Eu3(SF2)2");
	assert_string_equal(from("Ba2 Cu3 Cl2 O4", b), "Ba2Cu3(ClO2)2");
	assert_string_equal(from("Li2 O2", b), "Li2O2");
	assert_string_equal(from("F2", b), "F2");
	assert_string_equal(from("Sr2 Ti2 Bi2 O1 F2", b), "Sr2Ti2Bi2OF2");
	assert_string_equal(from("La6 F18", b), "LaF3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reduced_formulas_as_pymatgen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
