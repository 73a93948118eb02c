#include <math.h>

#include "num.h"
#include "profile_svg.h"
#include "rec.h"

/* The page, in SVG user units: W x H with margins L, R, T, B around the plot. */
static const double W = 640, H = 400, L = 80, R = 30, T = 50, B = 60;

/* Energies drawn and the energy range of the plot's height. */
struct frame {
	double v[PROFILE_SVG_MAX];
	int n;
	double lo, hi;
};

static double
x_of(const struct frame *f, int k)
{
	return L + (W - L - R) * (double)(k) / (f->n - 1);
}

static double
y_of(const struct frame *f, double e)
{
	return T + (H - T - B) * (f->hi - (e)) / (f->hi - f->lo);
}

/* The range covers 0 and every energy, at least 1 meV tall, padded by a tenth. */
static int
frame_of(const json_t *rel, struct frame *f)
{
	f->n = (int)json_array_size(rel);
	f->lo = f->hi = 0;
	if (f->n < 2)
		return -1;
	if (f->n > PROFILE_SVG_MAX)
		f->n = PROFILE_SVG_MAX;
	for (int k = 0; k < f->n; k++) {
		f->v[k] = json_number_value(json_array_get(rel, (size_t)k));
		f->lo = fmin(f->lo, f->v[k]);
		f->hi = fmax(f->hi, f->v[k]);
	}
	if (f->hi - f->lo < 1e-3)
		f->hi = f->lo + 1e-3;
	double pad = 0.1 * (f->hi - f->lo);
	f->lo -= pad;
	f->hi += pad;
	return 0;
}

static void
add_head(struct sbuf *svg, const char *id)
{
	sbuf_addf(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
	    "font-family=\"sans-serif\" font-size=\"13\">\n", W, H);
	sbuf_addf(svg, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	sbuf_addstr(svg, "<text x=\"320\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">");
	/* ids are [A-Za-z0-9._-]: nothing to escape */
	sbuf_addstr(svg, id && rec_id_valid(id) ? id : "job");
	sbuf_addstr(svg, "</text>\n");
}

static void
add_axes(struct sbuf *svg, const struct frame *f)
{
	char a[NUM_BUFSZ];

	sbuf_addf(svg, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\"/>\n", L, T, L, H - B);
	sbuf_addf(svg, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\"/>\n", L, H - B, W - R, H - B);
	for (int t = 0; t <= 4; t++) {
		double e = f->lo + (f->hi - f->lo) * t / 4;
		sbuf_addf(svg, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, y_of(f, e),
		    W - R, y_of(f, e));
		sbuf_addf(svg, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 6, y_of(f, e) + 4,
		    num_fixed(e, 2, a));
	}
	sbuf_addf(svg, "<text x=\"20\" y=\"%g\" transform=\"rotate(-90 20 %g)\" text-anchor=\"middle\">"
	    "E - E(start) (eV)</text>\n", (T + H - B) / 2, (T + H - B) / 2);
	sbuf_addf(svg, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">image along the hop</text>\n",
	    (L + W - R) / 2, H - 15);
}

static void
add_profile(struct sbuf *svg, const struct frame *f)
{
	sbuf_addstr(svg, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"");
	for (int k = 0; k < f->n; k++)
		sbuf_addf(svg, "%.1f,%.1f ", x_of(f, k), y_of(f, f->v[k]));
	sbuf_addstr(svg, "\"/>\n");
	for (int k = 0; k < f->n; k++) {
		sbuf_addf(svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1f77b4\"/>\n", x_of(f, k),
		    y_of(f, f->v[k]));
		sbuf_addf(svg, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%d</text>\n", x_of(f, k),
		    H - B + 18, k);
	}
}

/* The barrier's level at the highest image drawn (the first of equals). */
static void
add_barrier(struct sbuf *svg, const struct frame *f, double barrier)
{
	char b[NUM_BUFSZ];
	int top = 0;

	for (int k = 1; k < f->n; k++)
		if (f->v[k] > f->v[top])
			top = k;
	sbuf_addf(svg, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#d62728\" "
	    "stroke-dasharray=\"5,4\"/>\n", L, y_of(f, f->v[top]), W - R, y_of(f, f->v[top]));
	sbuf_addf(svg, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\" text-anchor=\"middle\">"
	    "barrier %s eV</text>\n", x_of(f, top), y_of(f, f->v[top]) - 10, num_fixed(barrier, 3, b));
}

int
profile_svg_render(const json_t *res, struct sbuf *svg, struct hk_err *err)
{
	const json_t *bar = json_object_get(res, "energy_barrier");
	struct frame f;

	if (frame_of(json_object_get(res, "energies_relative"), &f) == -1) {
		err_set(err, "no energies to plot");
		return -1;
	}
	add_head(svg, json_string_value(json_object_get(res, "id")));
	add_axes(svg, &f);
	add_profile(svg, &f);
	if (json_is_number(bar))
		add_barrier(svg, &f, json_number_value(bar));
	sbuf_addstr(svg, "</svg>\n");
	return 0;
}
