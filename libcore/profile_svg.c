#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* The image the barrier is measured at: collect's highest_image, a static3's midpoint, else the highest. */
static int
barrier_image(const json_t *res, const struct frame *f)
{
	const json_t *hi = json_object_get(res, "highest_image");
	const char *kind = json_string_value(json_object_get(res, "kind"));
	int top = 0;

	if (json_is_integer(hi) && json_integer_value(hi) >= 0 && json_integer_value(hi) < f->n)
		return (int)json_integer_value(hi);
	if (kind && strcmp(kind, "static3") == 0 && f->n == 3)
		return 1;
	for (int k = 1; k < f->n; k++)
		if (f->v[k] > f->v[top])
			top = k;
	return top;
}

/*
 * The range covers 0 and every energy (negative ones too), at least 1 meV
 * tall, padded by a tenth so that no point or line sits on the frame.
 */
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
		if (!isfinite(f->v[k]))
			f->v[k] = 0;
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

/* A tick spacing of 1, 2 or 5 times a power of ten giving about four intervals over span. */
static double
tick_step(double span)
{
	double raw = span / 4, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/*
 * An energy as a label of at most about 9 characters, so that it fits the
 * left margin: fixed with the decimals the step needs when the values are
 * moderate, else 3 significant digits ("2.5e+13").
 */
static char *
energy_text(double e, double step, double big, char buf[NUM_BUFSZ])
{
	int digits = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);

	if (big >= 1e5 || digits > 4)
		return num_sig_digits(e, 3, buf);
	return num_fixed(e, digits, buf);
}

static void
add_axes(struct sbuf *svg, const struct frame *f)
{
	double step = tick_step(f->hi - f->lo), big = fmax(fabs(f->lo), fabs(f->hi));
	char a[NUM_BUFSZ];

	for (long k = (long)ceil(f->lo / step); k * step <= f->hi; k++) {
		double e = k * step, y = y_of(f, e);
		/* the zero line, E = E(start), darker than the others */
		sbuf_addf(svg, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"%s\"/>\n", L, y, W - R, y,
		    k == 0 ? "#999" : "#ddd");
		sbuf_addf(svg, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 6, y + 4,
		    energy_text(e, step, big, a));
	}
	sbuf_addf(svg, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\"/>\n", L, T, L, H - B);
	sbuf_addf(svg, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\"/>\n", L, H - B, W - R, H - B);
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

/* Half the width of text of n characters at 13 px, generously (sans-serif averages about 7 px). */
#define HALF_WIDTH(n) (4.0 * (n))

/*
 * A dashed line at the level of image at (the barrier's), labelled with
 * the barrier: the label stays inside the plot, clear of both axes, above
 * the line where there is room and below it otherwise.
 */
static void
add_barrier(struct sbuf *svg, const struct frame *f, int at, double barrier)
{
	char b[NUM_BUFSZ], label[64];
	double y = y_of(f, f->v[at]), x, half;

	/* meV and below, or 1e4 eV and above: significant digits, not a row of zeros */
	snprintf(label, sizeof(label), "barrier %s eV", fabs(barrier) >= 1e4 || (barrier != 0 && fabs(barrier) < 1e-2) ?
	    num_sig_digits(barrier, 4, b) : num_fixed(barrier, 3, b));
	half = HALF_WIDTH(strlen(label));
	x = fmin(fmax(x_of(f, at), L + 8 + half), W - R - 4 - half);
	sbuf_addf(svg, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#d62728\" "
	    "stroke-dasharray=\"5,4\"/>\n", L, y, W - R, y);
	sbuf_addf(svg, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\" text-anchor=\"middle\">%s</text>\n", x,
	    y - 8 - 13 >= T ? y - 8 : y + 18, label);
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
		add_barrier(svg, &f, barrier_image(res, &f), json_number_value(bar));
	sbuf_addstr(svg, "</svg>\n");
	return 0;
}
