#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpfile.h"
#include "testutil.h"

/* Parses text, which must be good. */
static struct kpfile
good(const char *text)
{
	struct kpfile kp;
	struct hk_err err = HK_ERR_INIT;

	if (kpf_parse(text, "KPOINTS", &kp, &err) == -1)
		fail_msg("%s: %s (line %ld)", text, err.msg, err.line);
	return kp;
}

static void
forms(void **state)
{
	struct kpfile kp = good("Automatic mesh\n0\nGamma\n4 4 3\n0 0 0\n");

	assert_int_equal(kp.form, KPF_MESH);
	assert_true(kp.gamma);
	assert_int_equal(kp.div[0] * 100 + kp.div[1] * 10 + kp.div[2], 443);
	kp = good("pymatgen\r\n0\r\nMonkhorst-Pack\r\n5 5 5\r\n");
	assert_int_equal(kp.form, KPF_MESH);
	assert_false(kp.gamma);
	assert_int_equal(kp.div[2], 5);
	kp = good("Fully automatic\n0\nAuto\n  32\n");
	assert_int_equal(kp.form, KPF_AUTO);
	assert_near(kp.length, 32, 0);
	kp = good("lattice\n0\nCartesian\n0.25 0 0\n0 0.25 0\n0 0 0.25\n0.5 0.5 0.5\n");
	assert_int_equal(kp.form, KPF_LATTICE);
	assert_true(kp.cartesian);
	assert_near(kp.shift[1], 0.5, 0);
	kp = good("Explicit\n2\nReciprocal\n0 0 0 1\n0.5 0 0 2 ! X\nTetrahedra\n1 0.1\n");
	assert_int_equal(kp.form, KPF_EXPLICIT);
	assert_int_equal(kp.count, 2);
	assert_false(kp.cartesian);
	kp = good("bands\n40\nLine-mode\nreciprocal\n0 0 0 G\n0.5 0 0.5 X\n\n0.5 0 0.5 X\n0.5 0.25 0.75 W\n");
	assert_int_equal(kp.form, KPF_LINE);
	assert_int_equal(kp.count, 40);
	assert_int_equal(kp.segments, 2);
	assert_string_equal(kpf_form_name(kp.form), "line");
}

/* Each bad file is refused on the line named. */
static void
refused(void **state)
{
	static const struct {
		const char *text;
		long line;
	} bad[] = {
		{ "", 1 },
		{ "comment\n", 2 },
		{ "c\nx\nGamma\n4 4 4\n", 2 },
		{ "c\n-1\nGamma\n4 4 4\n", 2 },
		{ "c\n0\n\n4 4 4\n", 3 },
		{ "c\n0\nGamma\n", 4 },
		{ "c\n0\nGamma\n4 4\n", 4 },
		{ "c\n0\nGamma\n4 4 4x\n", 4 },
		{ "c\n0\nGamma\n4 0 4\n", 4 },
		{ "c\n0\nGamma\n4 4 1001\n", 4 },
		{ "c\n0\nGamma\n99999999999999999999 4 4\n", 4 },
		{ "c\n0\nGamma\n4 4 4\nshift\n", 5 },
		{ "c\n0\nAuto\n-3\n", 4 },
		{ "c\n0\nAuto\nnan\n", 4 },
		{ "c\n0\nCartesian\n1 0 0\n0 1 0\n", 6 },
		{ "c\n3\nReciprocal\n0 0 0 1\n0.5 0 0 1\n", 6 },
		{ "c\n1\nReciprocal\n0 0 0 -1\n", 4 },
		{ "c\n1\nReciprocal\n0 0 0\n", 4 },
		{ "c\n10\nLine\nReciprocal\n0 0 0\n", 6 },
		{ "c\n10\nLine\n", 4 },
		{ "c\n10\nLine\nR\n0 0 0\n0.5 x 0\n", 6 },
		{ "c\n20000000\nR\n", 2 },
	};
	struct kpfile kp;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct hk_err err = HK_ERR_INIT;

		if (kpf_parse(bad[i].text, "KP", &kp, &err) != -1)
			fail_msg("accepted: %s", bad[i].text);
		if (err.line != bad[i].line || strcmp(err.file, "KP") != 0 || strncmp(err.msg, "KPOINTS: ", 9) != 0)
			fail_msg("%s: %s:%ld: %s, want line %ld", bad[i].text, err.file, err.line, err.msg, bad[i].line);
	}
}

/* The real files of tests/data, as VASP and pymatgen wrote them. */
static void
real_files(void **state)
{
	static const struct {
		const char *name;
		enum kpf_form form;
		int gamma;
		long div;
	} files[] = {
		{ "vasp/kpoints/KPOINTS.monkhorst", KPF_MESH, 0, 5 },
		{ "vasp/kpoints/KPOINTS.gamma", KPF_MESH, 1, 6 },
		{ "vasp/kpoints/KPOINTS.si", KPF_MESH, 1, 8 },
		{ "vasp/kpoints/KPOINTS.auto", KPF_AUTO, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char *text = test_data(files[i].name, NULL);
		struct kpfile kp;

		assert_non_null(text);
		kp = good(text);
		assert_int_equal(kp.form, files[i].form);
		assert_int_equal(kp.gamma, files[i].gamma);
		assert_int_equal(kp.div[1], files[i].div);
		free(text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forms),
		cmocka_unit_test(refused),
		cmocka_unit_test(real_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
