#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cif.h"
#include "elements.h"
#include "lattice.h"
#include "testutil.h"

struct got {
	int ngood, nbad;
	struct cell c;
	struct hk_err e;
	int code;
};

static int
collect(void *ctx, struct structure *s, const struct hk_err *e, int code)
{
	struct got *g = ctx;

	if (s) {
		g->ngood++;
		cell_copy(&g->c, &s->cell);
	} else {
		g->nbad++;
		g->e = *e;
		g->code = code;
	}
	return 0;
}

static struct got
read_text(const char *text)
{
	struct got g = { 0 };
	struct hk_err e = HK_ERR_INIT;

	if (cif_read(text, strlen(text), "t.cif", 0, collect, &g, &e) == -1) {
		g.nbad++;
		g.e = e;
	}
	return g;
}

static struct got
read_file(const char *name)
{
	size_t n;
	char *text = test_data(name, &n);
	struct got g;

	assert_non_null(text);
	g = read_text(text);
	free(text);
	return g;
}

static void
p1_lif(void **state)
{
	struct got g = read_file("structures/mp-1138_LiF.cif");
	double abc[3], ang[3];

	assert_int_equal(g.ngood, 1);
	assert_int_equal(g.c.n, 2);
	assert_int_equal(g.c.z[0], 3);
	assert_int_equal(g.c.z[1], 9);
	lat_params(g.c.lattice, abc, ang);
	assert_near(abc[0], 2.88741907, 1e-8);
	assert_near(ang[2], 59.99999715, 1e-7);
	assert_near(g.c.frac[1][2], 0.5, 1e-12);
	cell_release(&g.c);
}

/* The conventional Fm-3m cell: 192 operations on 2 sites give 4 + 4. */
static void
symmetrised_lif_expands(void **state)
{
	struct got g = read_file("structures/mp-1138_LiF_sym.cif");
	int nli = 0;

	assert_int_equal(g.ngood, 1);
	assert_int_equal(g.c.n, 8);
	for (int i = 0; i < g.c.n; i++)
		nli += g.c.z[i] == 3;
	assert_int_equal(nli, 4);
	cell_release(&g.c);
}

static void
symops_parse(void **state)
{
	int r[3][3];
	double t[3];
	struct hk_err e = HK_ERR_INIT;
	const char *op = "-x+1/2, y-x, 1/4+Z";

	assert_int_equal(cif_parse_symop(op, strlen(op), r, t, &e), 0);
	assert_int_equal(r[0][0], -1);
	assert_near(t[0], 0.5, 0);
	assert_int_equal(r[1][0], -1);
	assert_int_equal(r[1][1], 1);
	assert_int_equal(r[2][2], 1);
	assert_near(t[2], 0.25, 0);
	op = "x,y";
	assert_int_equal(cif_parse_symop(op, strlen(op), r, t, &e), -1);
	op = "x,y,q";
	assert_int_equal(cif_parse_symop(op, strlen(op), r, t, &e), -1);
	op = "x, 0.5+y, z";
	assert_int_equal(cif_parse_symop(op, strlen(op), r, t, &e), 0);
	assert_near(t[1], 0.5, 0);
}

static void
species_symbols(void **state)
{
	int z;
	double o;

	assert_int_equal(cif_parse_species("F1-", 3, &z, &o), 0);
	assert_int_equal(z, 9);
	assert_near(o, -1, 0);
	assert_int_equal(cif_parse_species("Fe3+", 4, &z, &o), 0);
	assert_int_equal(z, 26);
	assert_near(o, 3, 0);
	assert_int_equal(cif_parse_species("Co1", 3, &z, &o), 0);
	assert_int_equal(z, 27);
	assert_int_equal(cif_parse_species("O2-", 3, &z, &o), 0);
	assert_near(o, -2, 0);
	assert_int_equal(cif_parse_species("Xq", 2, &z, &o), -1);
}

#define HEAD "data_t\n_cell_length_a 5.4307(2)\n_cell_length_b 5.4307\n_cell_length_c 5.4307\n" \
	"_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
#define SITES "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n" \
	"_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"

static void
quotes_text_fields_uncertainties(void **state)
{
	struct got g = read_text(
	    "# comment\n" HEAD "_title\n;a text\nfield with 'quotes'\n;\n"
	    "_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_symmetry_equiv_pos_as_xyz\n"
	    "'x, y, z'\n\"x, y+1/2, z+1/2\"\n'x+1/2, y, z+1/2'\n'x+1/2, y+1/2, z'\n"
	    SITES "Na1 Na1+ 0 0 0 1.0\nCl1 Cl1- 0.5 0.5 0.5(1) 1\n");

	assert_int_equal(g.nbad, 0);
	assert_int_equal(g.ngood, 1);
	assert_int_equal(g.c.n, 8);
	assert_non_null(g.c.oxi);
	assert_near(g.c.lattice[2][2], 5.4307, 1e-12);
	cell_release(&g.c);
}

struct bad_case {
	const char *text;
	long line;
	const char *msg;
	int code;
};

static void
bad_input_is_named(void **state)
{
	static const struct bad_case cases[] = {
		{ HEAD SITES "Li1 Li 0 0 0 1\nF1 F 0.5 0.5", 16, "truncated", HK_E_BAD },
		{ "data_t\n" SITES "Li1 Li 0 0 0 1\n", 1, "_cell_length_a", HK_E_BAD },
		{ HEAD SITES "Q1 Qq 0 0 0 1\n", 15, "unknown element", HK_E_BAD },
		{ HEAD SITES "Li1 Li nan 0 0 1\n", 15, "not a finite number", HK_E_BAD },
		{ HEAD SITES "Li1 Li 0 0 0 0.5\n", 15, "partial occupancy", HK_E_DISORDER },
		{ HEAD SITES "Li1 Li 0 0 0 1\nF1 F 0 0 0 1\n", 16, "share one position", HK_E_DISORDER },
		{ HEAD "_symmetry_space_group_name_H-M 'P 21/c'\n" SITES "Li1 Li 0 0 0 1\n", 8, "without its symmetry", HK_E_BAD },
		{ "data_t\n_cell_length_a 0\n_cell_length_b 1\n_cell_length_c 1\n_cell_angle_alpha 90\n"
		  "_cell_angle_beta 90\n_cell_angle_gamma 90\n" SITES "Li1 Li 0 0 0 1\n", 7, "do not form a lattice", HK_E_BAD },
		{ HEAD "_x 'open\n", 8, "unterminated", HK_E_BAD },
		{ "just some text\n", 1, "no data_ block", HK_E_BAD },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct got g = read_text(cases[i].text);
		assert_int_equal(g.ngood, 0);
		assert_int_equal(g.nbad, 1);
		if (strstr(g.e.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, g.e.msg, cases[i].msg);
		assert_int_equal(g.e.line, cases[i].line);
		assert_string_equal(g.e.file, "t.cif");
		assert_int_equal(g.code, cases[i].code);
		cell_release(&g.c);
	}
}

/* A bad block does not hide the good block after it. */
static void
blocks_are_independent(void **state)
{
	struct got g = read_text("data_bad\n_cell_length_a 1\n" HEAD SITES "Li1 Li 0 0 0 1\n");

	assert_int_equal(g.nbad, 1);
	assert_int_equal(g.ngood, 1);
	cell_release(&g.c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(p1_lif),
		cmocka_unit_test(symmetrised_lif_expands),
		cmocka_unit_test(symops_parse),
		cmocka_unit_test(species_symbols),
		cmocka_unit_test(quotes_text_fields_uncertainties),
		cmocka_unit_test(bad_input_is_named),
		cmocka_unit_test(blocks_are_independent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
