#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "num.h"
#include "vasp_out.h"

void
vasp_run_init(struct vasp_run *r)
{
	memset(r, 0, sizeof(*r));
	r->nelm = r->nsw = r->ibrion = -1;
	r->converged_electronic = r->converged_ionic = -1;
	r->max_force = NAN;
	r->elapsed = NAN;
	r->set.encut = r->set.nelect = NAN;
	r->set.ispin = r->set.nkpts = r->set.ldau = -1;
}

/* Append the words of text (to its end or a '<'), trimmed, to a ", "- or " "-joined list. */
static void
list_add(char *list, size_t n, const char *text, const char *sep)
{
	size_t at = strlen(list), len;

	while (*text == ' ')
		text++;
	len = strcspn(text, "<\n");
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\r'))
		len--;
	if (len == 0 || at + strlen(sep) + len + 1 > n)
		return;
	snprintf(list + at, n - at, "%s%.*s", at ? sep : "", (int)len, text);
}

/* Numbers as a canonical list ("3.90 0" -> "3.9 0"), so that two spellings compare equal. */
static void
numbers_canonical(const char *text, char *out, size_t n)
{
	const char *p = text, *end;
	char b[NUM_BUFSZ];
	double x;

	out[0] = '\0';
	while (num_scan_double(p, &end, &x) == 0) {
		list_add(out, n, num_format(x, b), " ");
		p = end;
	}
}

/* The number after the first "key" in line (which may be a Fortran -.12E+02). */
static int
number_after(const char *line, size_t len, const char *key, double *x)
{
	const char *p = strstr(line, key), *e;

	if (p == NULL || (size_t)(p - line) >= len)
		return -1;
	p += strlen(key);
	while (*p == ' ' || *p == '=' || *p == ':')
		p++;
	e = p;
	while (*e && (isdigit((unsigned char)*e) || *e == '.' || *e == '-' || *e == '+' || *e == 'E' || *e == 'e'))
		e++;
	return num_parse_double_n(p, (size_t)(e - p), x);
}

int
oszicar_parse(linerd_pull pull, void *ctx, const char *name, struct vasp_run *r, struct hk_err *err)
{
	struct linerd lr;
	const char *line;
	size_t len;
	int rc, elec = 0, nlines = 0;

	linerd_init(&lr, pull, ctx, name, 1 << 20);
	while ((rc = linerd_next(&lr, &line, &len, err)) != 0) {
		double f, e0;
		if (rc < 0) {
			linerd_release(&lr);
			return -1;
		}
		nlines++;
		if (len > 4 && line[3] == ':' && isalpha((unsigned char)line[0])) {
			elec++;
			continue;
		}
		if (strstr(line, " F=") && number_after(line, len, " F=", &f) == 0 &&
		    number_after(line, len, " E0=", &e0) == 0) {
			r->n_ionic++;
			r->e_fr = f;
			r->e0 = e0;
			r->has_energy = 1;
			r->n_elec_last = elec;
			elec = 0;
		}
	}
	linerd_release(&lr);
	if (nlines == 0) {
		err_at(err, name, 0, "empty OSZICAR");
		return -1;
	}
	if (!r->has_energy) {
		err_at(err, name, lr.lineno, "OSZICAR has no completed ionic step");
		return -1;
	}
	return 0;
}

/* A count read as a number: -1 (unknown) when it is no finite int (VASP's stars, a mangled file). */
static int
as_int(double x)
{
	return isfinite(x) && x > INT_MIN && x < INT_MAX ? (int)x : -1;
}

/* "   NELM   =    100;   NELMIN=  2" and the like, from the parameter echo */
static void
outcar_param(const char *line, size_t len, struct vasp_run *r)
{
	double x;

	if (r->nelm < 0 && strncmp(line, "   NELM", 7) == 0 && number_after(line, len, "NELM", &x) == 0)
		r->nelm = as_int(x);
	if (r->nsw < 0 && strncmp(line, "   NSW", 6) == 0 && number_after(line, len, "NSW", &x) == 0)
		r->nsw = as_int(x);
	if (r->ibrion < 0 && strncmp(line, "   IBRION", 9) == 0 && number_after(line, len, "IBRION", &x) == 0)
		r->ibrion = as_int(x);
	if (isnan(r->set.encut) && strncmp(line, "   ENCUT  =", 11) == 0 && number_after(line, len, "ENCUT", &x) == 0)
		r->set.encut = x;
	if (isnan(r->set.nelect) && strncmp(line, "   NELECT =", 11) == 0 && number_after(line, len, "NELECT", &x) == 0)
		r->set.nelect = x;
	if (r->set.ispin < 0 && strncmp(line, "   ISPIN  =", 11) == 0 && number_after(line, len, "ISPIN", &x) == 0)
		r->set.ispin = as_int(x);
	if (r->set.nkpts < 0 && strstr(line, "NKPTS =") && number_after(line, len, "NKPTS =", &x) == 0)
		r->set.nkpts = as_int(x);
	if (strncmp(line, "   TITEL  =", 11) == 0)
		list_add(r->set.potcar, sizeof(r->set.potcar), line + 11, ", ");
	if (strstr(line, "for each species LDAUU =")) {
		numbers_canonical(strstr(line, "LDAUU =") + 7, r->set.ldauu, sizeof(r->set.ldauu));
		r->set.ldau = 1;
	}
}

int
outcar_parse(linerd_pull pull, void *ctx, const char *name, struct vasp_run *r, struct hk_err *err)
{
	struct linerd lr;
	const char *line;
	size_t len;
	int rc, in_forces = 0, seps = 0, nlines = 0, elec = 0;
	double fmax = 0;

	linerd_init(&lr, pull, ctx, name, 1 << 20);
	while ((rc = linerd_next(&lr, &line, &len, err)) != 0) {
		double x;
		if (rc < 0) {
			linerd_release(&lr);
			return -1;
		}
		nlines++;
		if (in_forces) {
			if (strncmp(line, " ----", 5) == 0) {
				if (++seps == 2) {
					in_forces = 0;
					r->max_force = fmax;
				}
				continue;
			}
			double v[6];
			const char *p = line;
			int k;
			for (k = 0; k < 6; k++) {
				const char *end;
				if (num_scan_double(p, &end, &v[k]) == -1)
					break;
				p = end;
			}
			if (k == 6) {
				double f = sqrt(v[3] * v[3] + v[4] * v[4] + v[5] * v[5]);
				fmax = f > fmax ? f : fmax;
			}
			continue;
		}
		if (strstr(line, "TOTAL-FORCE (eV/Angst)")) {
			in_forces = 1;
			seps = 0;
			fmax = 0;
			continue;
		}
		if (strstr(line, "Iteration") && strchr(line, '(')) {
			elec++;
			continue;
		}
		if (strstr(line, "free  energy   TOTEN") && number_after(line, len, "TOTEN", &x) == 0) {
			r->e_fr = x;
			r->has_energy = 1;
			r->n_ionic++;
			r->n_elec_last = elec;
			elec = 0;
			continue;
		}
		if (strstr(line, "energy  without entropy")) {
			if (number_after(line, len, "energy  without entropy", &x) == 0)
				r->e_wo_entrp = x;
			if (number_after(line, len, "energy(sigma->0)", &x) == 0)
				r->e0 = x;
			continue;
		}
		if (strstr(line, "reached required accuracy")) {
			r->reached_accuracy = 1;
			continue;
		}
		if (strstr(line, "Elapsed time (sec)") && number_after(line, len, "Elapsed time (sec)", &x) == 0) {
			r->elapsed = x;
			r->finished = 1;
			continue;
		}
		if (strstr(line, "soft stop encountered!  aborting job")) {
			r->stopped = 1;
			continue;
		}
		if (strstr(line, "FORCES: max atom, RMS") && number_after(line, len, "RMS", &x) == 0) {
			r->max_force = x;
			continue;
		}
		if (strstr(line, "WARNING"))
			r->warnings++;
		if (line[0] == ' ' && line[1] == ' ' && line[2] == ' ')
			outcar_param(line, len, r);
	}
	linerd_release(&lr);
	if (nlines == 0) {
		err_at(err, name, 0, "empty OUTCAR");
		return -1;
	}
	if (!r->has_energy) {
		err_at(err, name, lr.lineno, "OUTCAR has no energy (the run died or the file is truncated)");
		return -1;
	}
	/* an OUTCAR that echoed its POTCARs and no +U ran without it */
	if (r->set.ldau < 0 && r->set.potcar[0])
		r->set.ldau = 0;
	if (r->nelm > 0 && r->n_elec_last > 0)
		r->converged_electronic = r->n_elec_last < r->nelm;
	if (r->nsw >= 0)
		r->converged_ionic = r->nsw <= 1 || r->reached_accuracy || r->n_ionic < r->nsw;
	return 0;
}

/* <i ... name="KEY">value</i>: the value when the name matches. */
static int
xml_item(const char *line, const char *key, double *x)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "name=\"%s\"", key);
	if ((p = strstr(line, pat)) == NULL || (p = strchr(p, '>')) == NULL)
		return -1;
	p++;
	while (*p == ' ')
		p++;
	e = strstr(p, "</i>");
	if (e == NULL)
		return -1;
	while (e > p && e[-1] == ' ')
		e--;
	if (num_parse_double_n(p, (size_t)(e - p), x) == -1) {
		/* VASP writes overflows as stars */
		*x = NAN;
		return 0;
	}
	return 0;
}

/* ENCUT, NELECT, ISPIN, LDAU, LDAUU of the <parameters>. */
static void
xml_settings(const char *line, struct vasp_settings *set)
{
	const char *p;
	double x;

	if (isnan(set->encut) && xml_item(line, "ENCUT", &x) == 0)
		set->encut = x;
	if (isnan(set->nelect) && xml_item(line, "NELECT", &x) == 0)
		set->nelect = x;
	if (set->ispin < 0 && xml_item(line, "ISPIN", &x) == 0)
		set->ispin = as_int(x);
	if (set->ldau < 0 && strstr(line, "name=\"LDAU\"") && (p = strchr(line, '>')) != NULL)
		set->ldau = strchr(p, 'T') != NULL && strchr(p, 'T') < strstr(p, "<");
	if (set->ldauu[0] == '\0' && strstr(line, "name=\"LDAUU\"") && (p = strchr(line, '>')) != NULL)
		numbers_canonical(p + 1, set->ldauu, sizeof(set->ldauu));
}

/*
 * Outside the parameters: the k-point list (counted) and the atom types'
 * POTCARs; 1 when the line was one of theirs.
 */
static int
xml_outside(const char *line, struct vasp_run *r, int *in_kpts, int *in_types)
{
	const char *p;

	if (strstr(line, "<varray name=\"kpointlist\"")) {
		*in_kpts = r->set.nkpts < 0;
		if (*in_kpts)
			r->set.nkpts = 0;
		return 1;
	}
	if (*in_kpts) {
		if (strstr(line, "</varray>"))
			*in_kpts = 0;
		else if (strstr(line, "<v>"))
			r->set.nkpts++;
		return 1;
	}
	if (strstr(line, "<array name=\"atomtypes\"")) {
		*in_types = r->set.potcar[0] == '\0';
		return 1;
	}
	if (*in_types) {
		if (strstr(line, "</array>"))
			*in_types = 0;
		else if (strstr(line, "<rc>") && (p = strstr(line, "PAW")) != NULL)
			list_add(r->set.potcar, sizeof(r->set.potcar), p, ", ");
		return 1;
	}
	return 0;
}

int
vasprun_parse(linerd_pull pull, void *ctx, const char *name, struct vasp_run *r, struct hk_err *err)
{
	struct linerd lr;
	const char *line;
	size_t len;
	int rc, in_params = 0, in_calc = 0, in_sc = 0, nlines = 0, complete = 0, sc = 0, in_kpts = 0, in_types = 0;
	double calc_e0 = NAN, calc_fr = NAN, calc_wo = NAN, sc_e0 = NAN, sc_fr = NAN;

	linerd_init(&lr, pull, ctx, name, 1 << 24);
	while ((rc = linerd_next(&lr, &line, &len, err)) != 0) {
		double x;
		if (rc < 0) {
			linerd_release(&lr);
			return -1;
		}
		nlines++;
		if (strstr(line, "<parameters>"))
			in_params = 1;
		else if (strstr(line, "</parameters>"))
			in_params = 0;
		if (in_params) {
			if (r->nelm < 0 && xml_item(line, "NELM", &x) == 0)
				r->nelm = as_int(x);
			if (r->nsw < 0 && xml_item(line, "NSW", &x) == 0)
				r->nsw = as_int(x);
			if (r->ibrion < 0 && xml_item(line, "IBRION", &x) == 0)
				r->ibrion = as_int(x);
			xml_settings(line, &r->set);
			continue;
		}
		if (xml_outside(line, r, &in_kpts, &in_types))
			continue;
		if (strstr(line, "<calculation>")) {
			in_calc = 1;
			sc = 0;
			calc_e0 = calc_fr = calc_wo = sc_e0 = sc_fr = NAN;
			continue;
		}
		if (strstr(line, "<scstep>")) {
			in_sc = 1;
			sc++;
			continue;
		}
		if (strstr(line, "</scstep>")) {
			in_sc = 0;
			continue;
		}
		if (in_sc) {
			if (xml_item(line, "e_0_energy", &x) == 0)
				sc_e0 = x;
			else if (xml_item(line, "e_fr_energy", &x) == 0)
				sc_fr = x;
			continue;
		}
		if (in_calc) {
			if (xml_item(line, "e_0_energy", &x) == 0)
				calc_e0 = x;
			else if (xml_item(line, "e_fr_energy", &x) == 0)
				calc_fr = x;
			else if (xml_item(line, "e_wo_entrp", &x) == 0)
				calc_wo = x;
			if (strstr(line, "</calculation>")) {
				in_calc = 0;
				r->n_ionic++;
				r->n_elec_last = sc;
				if (isfinite(calc_e0)) {
					double fixed = round((sc_e0 - sc_fr + calc_fr) * 1e8) / 1e8;
					/* pymatgen's correction for a known vasprun.xml bug */
					r->e0 = isfinite(fixed) && fabs(calc_e0 - fixed) > 1e-7 ? fixed : calc_e0;
					r->e_fr = calc_fr;
					r->e_wo_entrp = calc_wo;
					r->has_energy = 1;
				}
			}
			continue;
		}
		if (strstr(line, "</modeling>"))
			complete = 1;
	}
	linerd_release(&lr);
	if (nlines == 0) {
		err_at(err, name, 0, "empty vasprun.xml");
		return -1;
	}
	if (!complete) {
		err_at(err, name, lr.lineno, "vasprun.xml is cut short (no </modeling>)%s",
		    in_calc ? " inside a <calculation>" : "");
		return -1;
	}
	r->finished = 1;
	if (r->set.ldau < 0 && r->set.potcar[0])
		r->set.ldau = 0;
	if (r->set.ldau == 0)
		r->set.ldauu[0] = '\0';
	if (!r->has_energy) {
		err_at(err, name, lr.lineno, "vasprun.xml has no completed calculation");
		return -1;
	}
	if (r->nelm > 0)
		r->converged_electronic = r->n_elec_last < r->nelm;
	r->converged_ionic = r->nsw <= 1 || r->n_ionic < r->nsw;
	return 0;
}

/* "KEY a and b": where two settings both known differ. */
static const char *
differ_num(const char *key, double a, double b, const char *unit, char *buf, size_t n)
{
	char x[NUM_BUFSZ], y[NUM_BUFSZ];

	if (isnan(a) || isnan(b) || fabs(a - b) <= 1e-6 * fmax(1, fabs(a)))
		return NULL;
	snprintf(buf, n, "%s %s and %s%s", key, num_format(a, x), num_format(b, y), unit);
	return buf;
}

const char *
vasp_settings_differ(const struct vasp_settings *a, const struct vasp_settings *b, char *buf, size_t n)
{
	const char *d;

	if ((d = differ_num("ENCUT", a->encut, b->encut, " eV", buf, n)) != NULL ||
	    (d = differ_num("NELECT", a->nelect, b->nelect, "", buf, n)) != NULL)
		return d;
	if (a->ispin >= 0 && b->ispin >= 0 && a->ispin != b->ispin)
		return snprintf(buf, n, "ISPIN %d and %d", a->ispin, b->ispin), buf;
	if (a->potcar[0] && b->potcar[0] && strcmp(a->potcar, b->potcar) != 0)
		return snprintf(buf, n, "POTCARs %s and %s", a->potcar, b->potcar), buf;
	if (a->ldau >= 0 && b->ldau >= 0 && (a->ldau != b->ldau || strcmp(a->ldauu, b->ldauu) != 0))
		return snprintf(buf, n, "+U %s and %s", a->ldau ? a->ldauu : "off", b->ldau ? b->ldauu : "off"), buf;
	return NULL;
}
