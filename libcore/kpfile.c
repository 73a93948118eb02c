/* kpfile.c - KPOINTS files as VASP reads them (kpfile.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "kpfile.h"
#include "num.h"
#include "xalloc.h"

/* The text still to read, and the number of the line last taken. */
struct cursor {
	const char *p;
	long line;
	const char *name;
	struct hk_err *err;
};

/*
 * The next line as a NUL-terminated copy without its newline (caller
 * frees); NULL past the end, the line count still moved on so that an
 * error names the line that is missing.
 */
static char *
next_line(struct cursor *c)
{
	const char *s = c->p, *e;
	size_t n;

	c->line++;
	if (*s == '\0')
		return NULL;
	e = strchr(s, '\n');
	n = e ? (size_t)(e - s) : strlen(s);
	c->p = e ? e + 1 : s + n;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return xstrndup(s, n);
}

/* -1 with the cursor's file and line, after the message. */
static int
fail(struct cursor *c, const char *what)
{
	err_at(c->err, c->name, c->line, "KPOINTS: %s", what);
	return -1;
}

/* A number ends at a blank, the end of the line, or a comment. */
static int
number_ends(const char *s)
{
	return *s == '\0' || *s == '!' || *s == '#' || isspace((unsigned char)*s);
}

/* n numbers at the start of s, each ended properly; -1 when fewer. */
static int
scan_doubles(const char *s, int n, double *v)
{
	for (int i = 0; i < n; i++)
		if (num_scan_double(s, &s, &v[i]) == -1 || !number_ends(s))
			return -1;
	return 0;
}

static int
scan_longs(const char *s, int n, long *v)
{
	for (int i = 0; i < n; i++)
		if (num_scan_long(s, &s, &v[i]) == -1 || !number_ends(s))
			return -1;
	return 0;
}

/* Nothing but blanks (or a comment). */
static int
blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0' || *s == '!' || *s == '#';
}

/* The first letter of a mode line, lower-cased; 0 when it is blank. */
static int
mode_letter(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return tolower((unsigned char)*s);
}

/* Line 4 of an automatic file: the length R_k. */
static int
read_auto(struct cursor *c, struct kpfile *kp)
{
	char *l = next_line(c);
	int ok = l && scan_doubles(l, 1, &kp->length) == 0 && kp->length > 0;

	free(l);
	return ok ? 0 : fail(c, "want the length R_k (a positive number) after mode Auto");
}

/* Line 4 of a mesh: the divisions; line 5, when there, the shift. */
static int
read_mesh(struct cursor *c, struct kpfile *kp)
{
	char *l = next_line(c);
	int ok = l && scan_longs(l, 3, kp->div) == 0;

	for (int i = 0; ok && i < 3; i++)
		ok = kp->div[i] >= 1 && kp->div[i] <= KPF_DIV_MAX;
	free(l);
	if (!ok)
		return fail(c, "want three divisions, each 1 to 1000, on the mesh line");
	l = next_line(c);
	ok = l == NULL || blank(l) || scan_doubles(l, 3, kp->shift) == 0;
	free(l);
	return ok ? 0 : fail(c, "want three numbers (the shift) after the mesh, or nothing");
}

/* Lines 4 to 7 of a generating lattice: three vectors and the shift. */
static int
read_lattice(struct cursor *c, struct kpfile *kp)
{
	double v[3];

	for (int i = 0; i < 4; i++) {
		char *l = next_line(c);
		int ok = l && scan_doubles(l, 3, i < 3 ? v : kp->shift) == 0;

		free(l);
		if (!ok)
			return fail(c, i < 3 ? "want a generating vector (three numbers)" : "want the shift (three numbers)");
	}
	return 0;
}

/* N lines "kx ky kz weight" of an explicit list. */
static int
read_explicit(struct cursor *c, struct kpfile *kp)
{
	double v[4];

	for (long i = 0; i < kp->count; i++) {
		char *l = next_line(c);
		int ok = l && scan_doubles(l, 4, v) == 0 && v[3] >= 0;

		free(l);
		if (!ok)
			return fail(c, "want a k-point: kx ky kz and a weight of at least 0");
	}
	return 0;
}

/* Line 4 the coordinates, then pairs of points: each segment's ends. */
static int
read_line_mode(struct cursor *c, struct kpfile *kp)
{
	char *l = next_line(c);
	long points = 0;
	double v[3];

	if (l == NULL || mode_letter(l) == 0) {
		free(l);
		return fail(c, "want the coordinates' mode (Cartesian or Reciprocal) after Line-mode");
	}
	kp->cartesian = mode_letter(l) == 'c' || mode_letter(l) == 'k';
	free(l);
	while ((l = next_line(c)) != NULL) {
		int ok = blank(l) || scan_doubles(l, 3, v) == 0;

		points += !blank(l);
		free(l);
		if (!ok)
			return fail(c, "want a point of a segment (three numbers)");
		if (points > KPF_POINTS_MAX)
			return fail(c, "more than 10000000 points");
	}
	if (points < 2 || points % 2 != 0)
		return fail(c, "want the segments' ends in pairs, at least one pair");
	kp->segments = points / 2;
	return 0;
}

/* The form by line 2's count and line 3's first letter, as VASP tells them apart. */
static enum kpf_form
form_of(long count, int mode)
{
	if (count == 0)
		return mode == 'a' ? KPF_AUTO : mode == 'g' || mode == 'm' ? KPF_MESH : KPF_LATTICE;
	return mode == 'l' ? KPF_LINE : KPF_EXPLICIT;
}

/* The lines after line 3 that the form needs. */
static int
read_body(struct cursor *c, struct kpfile *kp, int mode)
{
	kp->form = form_of(kp->count, mode);
	kp->gamma = kp->form == KPF_MESH && mode == 'g';
	kp->cartesian = mode == 'c' || mode == 'k';
	switch (kp->form) {
	case KPF_AUTO:
		return read_auto(c, kp);
	case KPF_MESH:
		return read_mesh(c, kp);
	case KPF_LATTICE:
		return read_lattice(c, kp);
	case KPF_LINE:
		return read_line_mode(c, kp);
	default:
		return read_explicit(c, kp);
	}
}

int
kpf_parse(const char *text, const char *name, struct kpfile *kp, struct hk_err *err)
{
	struct cursor c = { text, 0, name, err };
	char *l = next_line(&c);
	int mode, ok;

	memset(kp, 0, sizeof(*kp));
	if (l == NULL)
		return fail(&c, "empty file, want a comment line");
	free(l);
	l = next_line(&c);
	ok = l && scan_longs(l, 1, &kp->count) == 0 && kp->count >= 0 && kp->count <= KPF_POINTS_MAX;
	free(l);
	if (!ok)
		return fail(&c, "want the number of k-points (0 for a generated grid, at most 10000000) on line 2");
	l = next_line(&c);
	mode = l ? mode_letter(l) : 0;
	free(l);
	if (mode == 0)
		return fail(&c, "want the mode (Gamma, Monkhorst-Pack, Auto, Line-mode, Cartesian or Reciprocal) on line 3");
	return read_body(&c, kp, mode);
}

const char *
kpf_form_name(enum kpf_form f)
{
	static const char *const names[] = { "automatic", "mesh", "lattice", "explicit", "line" };

	return names[f];
}
