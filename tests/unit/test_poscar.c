#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lattice.h"
#include "poscar.h"
#include "sbuf.h"
#include "testutil.h"

struct got {
	int ngood, nbad;
	struct cell c;
	struct hk_err e;
};

static int
collect(void *ctx, struct structure *s, const struct hk_err *e, int code)
{
	struct got *g = ctx;

	(void)code;
	if (s) {
		g->ngood++;
		cell_copy(&g->c, &s->cell);
	} else {
		g->nbad++;
		g->e = *e;
	}
	return 0;
}

static struct got
read_text(const char *text, const char *hint)
{
	struct got g = { 0 };
	struct hk_err e = HK_ERR_INIT;

	poscar_read(text, strlen(text), "POSCAR", hint, 0, collect, &g, &e);
	return g;
}

static void
vasp5_real_file(void **state)
{
	char *text = test_data("vasp/POSCAR.NaCl", NULL);
	struct got g;

	assert_non_null(text);
	g = read_text(text, NULL);
	assert_int_equal(g.ngood, 1);
	assert_int_equal(g.c.n, 8);
	assert_int_equal(g.c.z[0], 11);
	assert_int_equal(g.c.z[7], 17);
	assert_near(g.c.lattice[1][1], 5.6946250825713518, 1e-14);
	free(text);
	cell_release(&g.c);
}

static void
vasp4_species_from_hint_or_comment(void **state)
{
	const char *v4 = "Na Cl rocksalt\n1.0\n5.6 0 0\n0 5.6 0\n0 0 5.6\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";
	const char *nocomment = "rocksalt\n1.0\n5.6 0 0\n0 5.6 0\n0 0 5.6\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";
	struct got g = read_text(v4, NULL);

	assert_int_equal(g.ngood, 1);
	assert_int_equal(g.c.z[1], 17);
	cell_release(&g.c);
	g = read_text(nocomment, "K_sv Br");
	assert_int_equal(g.ngood, 1);
	assert_int_equal(g.c.z[0], 19);
	assert_int_equal(g.c.z[1], 35);
	cell_release(&g.c);
	g = read_text(nocomment, NULL);
	assert_int_equal(g.nbad, 1);
	assert_non_null(strstr(g.e.msg, "without species"));
	const char *pot = "  TITEL  = PAW_PBE Li_sv 10Sep2004\nx\n   TITEL  = PAW_PBE F 08Apr2002\n";
	char *sp = poscar_potcar_species(pot, strlen(pot));
	assert_string_equal(sp, "Li_sv F");
	free(sp);
}

static void
cartesian_negative_scale_selective(void **state)
{
	/* volume 125 A^3 asked through a negative scale; Cartesian input */
	const char *t = "x\n-125\n1 0 0\n0 1 0\n0 0 1\nLi F\n1 1\nSelective dynamics\nCartesian\n"
	    "0 0 0 T T T\n0.5 0.5 0.5 F F F\n";
	struct got g = read_text(t, NULL);

	assert_int_equal(g.ngood, 1);
	assert_near(lat_volume(g.c.lattice), 125, 1e-9);
	assert_near(g.c.frac[1][0], 0.5, 1e-12);	/* Cartesian input is scaled too */
	cell_release(&g.c);
}

static void
bad_poscars(void **state)
{
	static const char *const cases[][2] = {
		{ "x\n1.0\n1 0 0\n0 1 0\n0 0 1\nLi\n2\nDirect\n0 0 0\n", "truncated POSCAR: 1 of 2 atoms" },
		{ "x\n1.0\n1 0 0\n0 1 0\n0 0 1\nXx\n1\nDirect\n0 0 0\n", "unknown element" },
		{ "x\n1.0\n1 0 0\n1 0 0\n0 0 1\nLi\n1\nDirect\n0 0 0\n", "singular" },
		{ "x\nabc\n", "bad scale factor" },
		{ "x\n1.0\n1 0 0\n0 1 0\n0 0 1\nLi\n1\nDirect\nnan 0 0\n", "not a finite number" },
		{ "x\n1.0\n1 0 0\n0 1 0\n0 0 1\nLi\n1\nSpherical\n0 0 0\n", "Direct or Cartesian" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct got g = read_text(cases[i][0], NULL);
		assert_int_equal(g.nbad, 1);
		if (strstr(g.e.msg, cases[i][1]) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, g.e.msg, cases[i][1]);
		assert_true(g.e.line > 0);
		cell_release(&g.c);
	}
}

static void
write_read_round_trip(void **state)
{
	char *text = test_data("vasp/POSCAR.NaZr2P3O12", NULL);
	struct got a, b;
	struct sbuf sb = SBUF_INIT;

	a = read_text(text, NULL);
	assert_int_equal(a.ngood, 1);
	poscar_write(&sb, &a.c, "round trip");
	b = read_text(sb.s, NULL);
	assert_int_equal(b.ngood, 1);
	assert_int_equal(a.c.n, b.c.n);
	for (int i = 0; i < a.c.n; i++) {
		assert_int_equal(a.c.z[i], b.c.z[i]);
		for (int k = 0; k < 3; k++)
			assert_near(a.c.frac[i][k], b.c.frac[i][k], 1e-15);
	}
	free(text);
	sbuf_release(&sb);
	cell_release(&a.c);
	cell_release(&b.c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vasp5_real_file),
		cmocka_unit_test(vasp4_species_from_hint_or_comment),
		cmocka_unit_test(cartesian_negative_scale_selective),
		cmocka_unit_test(bad_poscars),
		cmocka_unit_test(write_read_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
