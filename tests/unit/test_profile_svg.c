#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "profile_svg.h"
#include "testutil.h"

/* The plot's frame, as profile_svg.c lays it out. */
enum { PLOT_L = 80, PLOT_R = 610, PLOT_T = 50, PLOT_B = 340 };

/* The number after attr=" in the element starting at p (the element must have it). */
static double
attr(const char *p, const char *name)
{
	char key[32];
	const char *end = strchr(p, '>'), *a;

	snprintf(key, sizeof(key), " %s=\"", name);
	a = strstr(p, key);
	assert_non_null(a);
	assert_true(a < end);
	return strtod(a + strlen(key), NULL);
}

struct plot {
	struct sbuf svg;
	double line_y, label_x, label_y;	/* the barrier's */
	char label[64];
	double cy[8];				/* each point's */
	int npoints;
	char ticks[16][32];			/* the energy axis's labels */
	int nticks;
};

/* The start of the element that holds p: the '<' before it. */
static const char *
element_at(const char *s, const char *p)
{
	while (p > s && *p != '<')
		p--;
	return p;
}

/* The text of the element at p, into buf. */
static void
text_of(const char *p, char *buf, size_t n)
{
	const char *t = strchr(p, '>') + 1;

	snprintf(buf, n, "%.*s", (int)(strchr(t, '<') - t), t);
}

static void
plot_of(const char *json, struct plot *pl)
{
	json_error_t je;
	json_t *res = json_loads(json, 0, &je);
	struct hk_err e = HK_ERR_INIT;
	const char *s, *p;

	memset(pl, 0, sizeof(*pl));
	assert_non_null(res);
	assert_int_equal(profile_svg_render(res, &pl->svg, &e), 0);
	json_decref(res);
	s = pl->svg.s;
	if ((p = strstr(s, "stroke-dasharray")) != NULL)
		pl->line_y = attr(element_at(s, p), "y1");
	if ((p = strstr(s, "fill=\"#d62728\"")) != NULL) {
		p = element_at(s, p);
		pl->label_x = attr(p, "x");
		pl->label_y = attr(p, "y");
		text_of(p, pl->label, sizeof(pl->label));
	}
	for (p = s; (p = strstr(p, "<circle")) != NULL && pl->npoints < 8; p++)
		pl->cy[pl->npoints++] = attr(p, "cy");
	for (p = s; (p = strstr(p, "<text x=\"74\"")) != NULL && pl->nticks < 16; p++)
		text_of(p, pl->ticks[pl->nticks++], sizeof(pl->ticks[0]));
}

/* The label clear of both axes and inside the plot, whatever its text. */
static void
label_inside(const struct plot *pl)
{
	double half = 3.6 * (double)strlen(pl->label);

	assert_true(pl->label_x - half > PLOT_L);
	assert_true(pl->label_x + half < PLOT_R);
	assert_true(pl->label_y - 13 > PLOT_T);
	assert_true(pl->label_y < PLOT_B);
}

/* Every point inside the plot. */
static void
points_inside(const struct plot *pl)
{
	for (int k = 0; k < pl->npoints; k++)
		assert_true(pl->cy[k] > PLOT_T && pl->cy[k] < PLOT_B);
}

/* A static3 barrier below zero: the line at the midpoint's level, below 0, the label off the axis. */
static void
negative_static3(void **state)
{
	struct plot pl;

	(void)state;
	plot_of("{\"id\":\"j\",\"kind\":\"static3\",\"energies_relative\":[0,-0.5,-0.2],\"energy_barrier\":-0.3}", &pl);
	assert_int_equal(pl.npoints, 3);
	points_inside(&pl);
	assert_near(pl.line_y, pl.cy[1], 0.05);
	assert_true(pl.line_y > pl.cy[0]);	/* below the start, in SVG's downward y */
	assert_string_equal(pl.label, "barrier -0.300 eV");
	label_inside(&pl);
	/* the axis runs through negative values, with a tick at zero */
	int zero = 0, negative = 0;
	for (int k = 0; k < pl.nticks; k++) {
		zero |= strcmp(pl.ticks[k], "0.0") == 0;
		negative |= pl.ticks[k][0] == '-';
	}
	assert_true(zero && negative);
	sbuf_release(&pl.svg);
}

/* The highest image at the start (image 0, on the axis): the label moves into the plot. */
static void
label_off_axis(void **state)
{
	struct plot pl;

	(void)state;
	plot_of("{\"id\":\"j\",\"kind\":\"neb\",\"energies_relative\":[0,-0.1,-0.3,-0.1,-0.05],"
	    "\"energy_barrier\":0,\"highest_image\":0}", &pl);
	assert_near(pl.line_y, pl.cy[0], 0.05);
	label_inside(&pl);
	sbuf_release(&pl.svg);
}

/* Large magnitudes: round ticks whose labels fit the margin (9 characters), in fixed or e-notation. */
static void
large_magnitudes(void **state)
{
	static const struct { const char *json, *label, *tick; } cases[] = {
		{ "{\"id\":\"j\",\"energies_relative\":[0,1500,300],\"energy_barrier\":1500,\"highest_image\":1}",
		    "barrier 1500.000 eV", "1000" },
		{ "{\"id\":\"j\",\"energies_relative\":[0,-2.66e13,1e12],\"energy_barrier\":-2.66e13}",
		    "barrier -2.66e+13 eV", "-2e+13" },
		{ "{\"id\":\"j\",\"energies_relative\":[0,0.0004,0.0001],\"energy_barrier\":0.0004}",
		    "barrier 0.0004 eV", "0.0004" },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct plot pl;
		int found = 0;
		plot_of(cases[c].json, &pl);
		points_inside(&pl);
		assert_string_equal(pl.label, cases[c].label);
		label_inside(&pl);
		assert_true(pl.nticks >= 3 && pl.nticks <= 8);
		for (int k = 0; k < pl.nticks; k++) {
			assert_true(strlen(pl.ticks[k]) <= 9);
			found |= strcmp(pl.ticks[k], cases[c].tick) == 0;
		}
		if (!found)
			fail_msg("case %zu: no tick '%s' (first '%s')", c, cases[c].tick, pl.ticks[0]);
		sbuf_release(&pl.svg);
	}
}

/* An ordinary barrier: the line at the highest image, the label just above it. */
static void
ordinary_barrier(void **state)
{
	struct plot pl;

	(void)state;
	plot_of("{\"id\":\"j\",\"energies_relative\":[0,0.2,0.45,0.2,0],\"energy_barrier\":0.45}", &pl);
	assert_near(pl.line_y, pl.cy[2], 0.05);
	assert_near(pl.label_y, pl.line_y - 8, 0.05);
	assert_near(pl.label_x, 80 + 530 * 0.5, 0.05);
	assert_string_equal(pl.label, "barrier 0.450 eV");
	sbuf_release(&pl.svg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(negative_static3),
		cmocka_unit_test(label_off_axis),
		cmocka_unit_test(large_magnitudes),
		cmocka_unit_test(ordinary_barrier),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
