#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "elements.h"
#include "ff.h"
#include "ffcalc.h"
#include "fileio.h"
#include "fire.h"
#include "lattice.h"
#include "linerd.h"
#include "neb.h"
#include "nebjob.h"
#include "num.h"
#include "poscar.h"
#include "rec.h"
#include "vasp_in.h"
#include "vasp_out.h"
#include "xalloc.h"

#define MAX_IMAGES 98

void
ffcalc_opts_init(struct ffcalc_opts *o)
{
	o->rcut = 10.0;
	o->tether = FFCALC_TETHER;
	o->oxi = NULL;
	o->symprec = 0.1;
	o->say = NULL;
	o->warn = NULL;
	o->say_ctx = NULL;
}

/*
 * 0 when energy e of the n atoms of the image in dir is a result; else -1
 * with err saying why not: not finite, or beyond HK_ENERGY_PER_ATOM_MAX.
 */
static int
energy_sane(double e, int n, const char *dir, struct hk_err *err)
{
	if (isfinite(e) && fabs(e) <= HK_ENERGY_PER_ATOM_MAX * n)
		return 0;
	if (!isfinite(e))
		err_set(err, "%s/POSCAR: the energy is not finite", dir);
	else
		err_set(err, "%s/POSCAR: energy %.6g eV is %.4g eV per atom, beyond %g eV per atom: not a result "
		    "(atoms in contact, or parameters that do not hold them apart)", dir, e, e / n,
		    HK_ENERGY_PER_ATOM_MAX);
	return -1;
}

/* The INCAR tags ff-calc obeys. */
struct params {
	int nsw, ibrion, isif, images, lclimb;
	double ediff, ediffg, spring;
};

static int
params_read(const char *dir, struct params *p, struct hk_err *err)
{
	struct incar in = INCAR_INIT;
	struct sbuf text = SBUF_INIT;
	char *path = xasprintf("%s/INCAR", dir);
	long nsw, ibrion, isif, images;
	int rc = -1;

	if (file_read(path, &text) == -1) {
		err_set(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (incar_parse(&in, text.s ? text.s : "", path, err) == -1)
		goto out;
	if (incar_get_long(&in, "NSW", 0, 1000000, 0, &nsw, err) == -1 ||
	    incar_get_long(&in, "IBRION", -1, 100, nsw > 0 ? 0 : -1, &ibrion, err) == -1 ||
	    incar_get_long(&in, "ISIF", 0, 7, 2, &isif, err) == -1 ||
	    incar_get_long(&in, "IMAGES", 0, MAX_IMAGES, 0, &images, err) == -1 ||
	    incar_get_double(&in, "EDIFF", 1e-4, &p->ediff, err) == -1 ||
	    incar_get_double(&in, "SPRING", -5, &p->spring, err) == -1 ||
	    incar_get_bool(&in, "LCLIMB", 1, &p->lclimb, err) == -1)
		goto out;
	if (incar_get_double(&in, "EDIFFG", 10 * p->ediff, &p->ediffg, err) == -1)
		goto out;
	p->nsw = (int)nsw;
	p->ibrion = (int)ibrion;
	p->isif = (int)isif;
	p->images = (int)images;
	if (p->nsw > 0 && p->ibrion == 0) {
		err_set(err, "%s: IBRION = 0 asks for molecular dynamics, which ff-calc does not do", path);
		goto out;
	}
	if (p->ediffg == 0) {
		err_set(err, "%s: EDIFFG = 0 can never be met", path);
		goto out;
	}
	rc = 0;
out:
	incar_release(&in);
	sbuf_release(&text);
	free(path);
	return rc;
}

/* A structure being computed and the files it writes. */
struct image {
	char *dir;
	char title[128];
	struct cell c;
	double *x, *f;		/* Cartesian positions and forces, n x 3 */
	double e;
	int steps;
	FILE *osz, *out;
};

static int
keep_cell(void *ctx, struct structure *s, const struct hk_err *e, int code)
{
	struct image *im = ctx;

	(void)code;
	if (s == NULL)
		return -1;
	cell_copy(&im->c, &s->cell);
	snprintf(im->title, sizeof(im->title), "%s", s->name ? s->name : "");
	return 0;
}

static int
image_load_file(struct image *im, const char *dir, const char *name, struct hk_err *err)
{
	struct sbuf text = SBUF_INIT;
	char *path = xasprintf("%s/%s", dir, name);
	int rc;

	memset(im, 0, sizeof(*im));
	im->dir = xstrdup(dir);
	if (file_read(path, &text) == -1) {
		err_set(err, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	rc = poscar_read(text.s ? text.s : "", text.len, path, NULL, 0, keep_cell, im, err);
	sbuf_release(&text);
	if (rc != 0 || im->c.n == 0) {
		if (err->msg[0] == 0)
			err_set(err, "%s: no structure", path);
		free(path);
		return -1;
	}
	free(path);
	im->x = xmalloc((size_t)im->c.n * 3 * sizeof(double));
	im->f = xcalloc((size_t)im->c.n * 3, sizeof(double));
	for (int i = 0; i < im->c.n; i++)
		lat_frac_to_cart(im->c.lattice, im->c.frac[i], im->x + 3 * i);
	return 0;
}

static int
image_load(struct image *im, const char *dir, struct hk_err *err)
{
	return image_load_file(im, dir, "POSCAR", err);
}

static void
image_release(struct image *im)
{
	if (im->osz)
		fclose(im->osz);
	if (im->out)
		fclose(im->out);
	cell_release(&im->c);
	free(im->x);
	free(im->f);
	free(im->dir);
	memset(im, 0, sizeof(*im));
}

static FILE *
open_in(const char *dir, const char *name, struct hk_err *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		err_set(err, "%s: %s", path, strerror(errno));
	free(path);
	return f;
}

/* The OUTCAR's head: who wrote it, the structure, the tags obeyed. */
static int
image_open(struct image *im, const struct params *p, const struct ff_model *m, const char *what,
    struct hk_err *err)
{
	time_t now = time(NULL);
	struct tm tm;
	char when[64];

	if ((im->osz = open_in(im->dir, "OSZICAR", err)) == NULL || (im->out = open_in(im->dir, "OUTCAR", err)) == NULL)
		return -1;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y.%m.%d  %H:%M:%S", &tm);
	fprintf(im->out, " ff-calc (hopkit %s): a bond-valence force field writing VASP's files; this is not VASP\n",
	    HOPKIT_VERSION);
	fprintf(im->out, " executed on             ff-calc date %s (UTC)\n\n", when);
	fprintf(im->out, " calculation: %s\n", what);
	fprintf(im->out, " model: softBV Morse between cation and anion, screened Coulomb between like ions,"
	    " cutoff %.2f A\n", m->rcut);
	if (isinf(m->tether))
		fprintf(im->out, " atoms fixed where the POSCAR has them (the moving ones free)\n");
	else if (m->tether > 0)
		fprintf(im->out, " atoms held to the first POSCAR by springs of %.3g eV/A^2 (the moving ones free)\n",
		    m->tether);
	fprintf(im->out, " POSCAR = %s\n ions and oxidation states:", im->title);
	for (int i = 0; i < m->n; i++)
		if (i == 0 || m->z[i] != m->z[i - 1] || m->q[i] != m->q[i - 1]) {
			char b[16];
			int k = i;
			while (k < m->n && m->z[k] == m->z[i] && m->q[k] == m->q[i])
				k++;
			fprintf(im->out, " %d %s", k - i, elem_ion(m->z[i], m->q[i], b));
		}
	fprintf(im->out, "\n\n");
	fprintf(im->out, "   NSW    = %6d    number of steps for IOM\n", p->nsw);
	fprintf(im->out, "   IBRION = %6d    ionic relax: FIRE in ff-calc\n", p->ibrion);
	fprintf(im->out, "   ISIF   = %6d    ions only in ff-calc\n", p->isif);
	fprintf(im->out, "   EDIFFG = %.1E   stopping-criterion for IOM\n", p->ediffg);
	fprintf(im->out, "   IMAGES = %6d\n   SPRING = %6.2f\n   LCLIMB = %6s\n\n", p->images, p->spring,
	    p->lclimb ? "T" : "F");
	/* VASP's readers expect the basis size; a force field has no plane waves */
	fprintf(im->out, "   number of ions     NIONS = %6d\n", im->c.n);
	fprintf(im->out, "   total plane-waves  NPLWV =      0\n\n\n");
	for (int k = 0; k < 104; k++)
		fputc('-', im->out);
	fprintf(im->out, "\n\n\n k-point   1 :       0.0000    0.0000    0.0000  plane waves:       0\n\n"
	    " maximum and minimum number of plane-waves per node :         0        0\n\n");
	fprintf(im->out, " direct lattice vectors (A)\n");
	for (int k = 0; k < 3; k++)
		fprintf(im->out, "   %14.9f %14.9f %14.9f\n", im->c.lattice[k][0], im->c.lattice[k][1], im->c.lattice[k][2]);
	fprintf(im->out, "\n");
	return fflush(im->out) == 0 ? 0 : (err_set(err, "%s/OUTCAR: %s", im->dir, strerror(errno)), -1);
}

static double
max_atom_force(const double *f, int n)
{
	double mx = 0;

	for (int i = 0; i < n; i++) {
		double s = sqrt(f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2]);
		mx = s > mx ? s : mx;
	}
	return mx;
}

/*
 * One ionic step into OUTCAR (forces f, energy) and OSZICAR, as VASP lays
 * them out; the "FORCES: max atom" line summarises shown (in a band the NEB
 * forces the band converges on, as VTST's does).
 */
static void
image_step(struct image *im, double e, const double *f, const double *shown, void (*say)(void *, const char *),
    void *sctx)
{
	double prev = im->steps ? im->e : 0, drift[3] = { 0, 0, 0 };
	char line[256];
	const char *rule = " -----------------------------------------------------------------------------------\n";

	im->steps++;
	fprintf(im->out, "--------------------------------------- Ionic step %8d  -------------------------------------\n\n",
	    im->steps);
	fprintf(im->out, " POSITION                                       TOTAL-FORCE (eV/Angst)\n%s", rule);
	for (int i = 0; i < im->c.n; i++) {
		const double *r = im->x + 3 * i, *g = f + 3 * i;
		fprintf(im->out, " %12.5f %12.5f %12.5f   %13.6f %13.6f %13.6f\n", r[0], r[1], r[2], g[0], g[1], g[2]);
		for (int k = 0; k < 3; k++)
			drift[k] += g[k];
	}
	fprintf(im->out, "%s    total drift:                         %13.6f %13.6f %13.6f\n\n", rule, drift[0], drift[1],
	    drift[2]);
	fprintf(im->out, "  FREE ENERGIE OF THE ION-ELECTRON SYSTEM (eV)\n  ---------------------------------------------------\n");
	fprintf(im->out, "  free  energy   TOTEN  = %18.8f eV\n\n", e);
	/* VASP's columns exactly: VTST's nebef.pl cuts the energy out by column */
	fprintf(im->out, "  energy  without entropy=%18.8f  energy(sigma->0) =%18.8f\n\n", e, e);
	double rms = 0;
	for (int i = 0; i < 3 * im->c.n; i++)
		rms += shown[i] * shown[i];
	fprintf(im->out, "  FORCES: max atom, RMS %12.6f %12.6f\n\n", max_atom_force(shown, im->c.n),
	    sqrt(rms / (3 * im->c.n)));
	snprintf(line, sizeof(line), "%4d F= %.8E E0= %.8E  d E =%.6E", im->steps, e, e, e - prev);
	fprintf(im->osz, "%s\n", line);
	fflush(im->out);
	fflush(im->osz);
	im->e = e;
	if (say) {
		char msg[320];
		snprintf(msg, sizeof(msg), "%s: %s", im->dir, line);
		say(sctx, msg);
	}
}

static double
seconds_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* The end of a run: accuracy, timing, CONTCAR.  -1 when a file could not be written. */
static int
image_close(struct image *im, int relaxed, int stopped, double t0, struct hk_err *err)
{
	struct rusage ru;
	struct sbuf con = SBUF_INIT;
	char *path;
	double inv[3][3];
	int bad = 0;

	if (stopped)
		fprintf(im->out, "\n soft stop encountered!  aborting job\n");
	if (relaxed)
		fprintf(im->out, "\n reached required accuracy - stopping structural energy minimisation\n");
	getrusage(RUSAGE_SELF, &ru);
	fprintf(im->out, "\n\n General timing and accounting informations for this job:\n"
	    " ========================================================\n\n");
	fprintf(im->out, "                  Total CPU time used (sec): %12.3f\n",
	    ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6);
	fprintf(im->out, "                         Elapsed time (sec): %12.3f\n", seconds_now() - t0);
	bad |= fclose(im->out) != 0;
	bad |= fclose(im->osz) != 0;
	im->out = im->osz = NULL;
	if (bad) {
		err_set(err, "%s: cannot write OUTCAR or OSZICAR: %s", im->dir, strerror(errno));
		return -1;
	}
	lat_inverse(im->c.lattice, inv);
	for (int i = 0; i < im->c.n; i++)
		lat_cart_to_frac(inv, im->x + 3 * i, im->c.frac[i]);
	poscar_write(&con, &im->c, im->title[0] ? im->title : "ff-calc CONTCAR");
	path = xasprintf("%s/CONTCAR", im->dir);
	bad = file_write_atomic(path, con.s, con.len, err);
	sbuf_release(&con);
	free(path);
	return bad ? -1 : 0;
}

static int
stopcar(const char *dir)
{
	char *path = xasprintf("%s/STOPCAR", dir);
	int stop = access(path, F_OK) == 0;

	free(path);
	return stop;
}

/* Oxidation states from "Ca=2,F=-1": -1 when an element is missing or the text is bad. */
static int
charges_given(const struct cell *c, const char *spec, int *q, struct hk_err *err)
{
	int known[ELEM_MAX + 1], has[ELEM_MAX + 1] = { 0 };
	char *dup = xstrdup(spec), *save = NULL, *tok;
	int rc = 0;

	for (tok = strtok_r(dup, ", ", &save); tok && rc == 0; tok = strtok_r(NULL, ", ", &save)) {
		char *eq = strchr(tok, '=');
		long v;
		int z;
		if (eq)
			*eq = 0;
		if (eq == NULL || (z = elem_z(tok)) == 0 || num_parse_long(eq + 1, -8, 8, &v) == -1) {
			err_set(err, "bad oxidation state '%s%s%s' (want EL=N, e.g. Ca=2,F=-1)", tok, eq ? "=" : "",
			    eq ? eq + 1 : "");
			rc = -1;
			break;
		}
		known[z] = (int)v;
		has[z] = 1;
	}
	for (int i = 0; i < c->n && rc == 0; i++) {
		if (!has[c->z[i]]) {
			err_set(err, "no oxidation state given for %s", elem_symbol(c->z[i]));
			rc = -1;
		} else
			q[i] = known[c->z[i]];
	}
	free(dup);
	return rc;
}

struct ctx {
	const char *dir;	/* where VASP would look for a STOPCAR */
	const struct ffcalc_opts *o;
	const struct params *p;
	const struct ff_model *m;
	struct image *im;	/* the structure relaxed, or the band's images */
	int nimg;
	double ftol;		/* the criterion in force (EDIFFG < 0) or energy */
	int climbing, stopped;
	struct hk_err absurd;	/* why an energy was no result; msg empty when none was */
	int fixed[2];		/* NEB endpoint 00, N+1 holds its output: not computed */
	double efixed[2];	/* its energy, from its OUTCAR */
};

/* FIRE's callback for a relaxation: the measure is EDIFFG's. */
static double
relax_forces(void *ctx, const double *x, double *f, double *energy)
{
	struct ctx *c = ctx;
	struct image *im = c->im;

	*energy = ff_energy(c->m, x, im->f);
	if (energy_sane(*energy, im->c.n, im->dir, &c->absurd) == -1)
		return NAN;
	memcpy(f, im->f, (size_t)im->c.n * 3 * sizeof(double));
	if (c->p->ediffg < 0)
		return max_atom_force(f, im->c.n);
	return im->steps == 0 ? INFINITY : fabs(*energy - im->e);
}

/* An accepted step of a relaxation: written, and a STOPCAR obeyed. */
static int
relax_accept(void *ctx, const double *x, const double *f, double energy)
{
	struct ctx *c = ctx;

	memcpy(c->im->x, x, (size_t)c->im->c.n * 3 * sizeof(double));
	image_step(c->im, energy, f, f, c->o->say, c->o->say_ctx);
	if (stopcar(c->dir))
		c->stopped = 1;
	return c->stopped;
}

static void
fire_for(const struct params *p, struct fire_opts *fo, double *ftol)
{
	fire_opts_init(fo);
	*ftol = fabs(p->ediffg);
	fo->ftol = *ftol;
	fo->maxiter = p->nsw > 0 ? p->nsw : 1;
	fo->max_step = 0.1;
}

/* Relax (or, with NSW = 0 or IBRION = -1, evaluate once) the structure of im. */
static int
run_single(struct ctx *c, struct image *im, const char *what, double tighter, struct hk_err *err)
{
	struct fire_opts fo;
	struct fire_result fr;
	double t0 = seconds_now();
	int relax = c->p->nsw > 0 && c->p->ibrion > 0;

	if (image_open(im, c->p, c->m, what, err) == -1)
		return -1;
	c->im = im;
	c->stopped = 0;
	if (!relax) {
		double e = ff_energy(c->m, im->x, im->f);
		if (energy_sane(e, im->c.n, im->dir, err) == -1)
			return -1;
		image_step(im, e, im->f, im->f, c->o->say, c->o->say_ctx);
		return image_close(im, 0, 0, t0, err);
	}
	fire_for(c->p, &fo, &c->ftol);
	c->ftol = fo.ftol = c->ftol * tighter;
	fo.monotone = 1;
	fo.accept = relax_accept;
	if (fire_minimize(im->x, (size_t)im->c.n * 3, relax_forces, c, &fo, &fr) == -1) {
		if (c->absurd.msg[0])
			*err = c->absurd;
		else
			err_set(err, "%s: the energy or forces are not finite", im->dir);
		return -1;
	}
	return image_close(im, fr.converged, c->stopped, t0, err);
}

/*
 * VTST's lines of one image's step (vtstcode's neb.F): the unit tangent
 * per atom, the sizes of the force's parts, the distances to the
 * neighbours, and the spring and true forces along the tangent -- the last
 * number is the one pymatgen's Outcar.read_neb and nebbarrier.pl read.
 * VTST has no double nudging here: its force is 0.  Every number keeps a
 * space before it, so that none runs into the next.
 */
static void
image_neb(struct image *im, const double *tau, const struct neb_info *in)
{
	fprintf(im->out, "\n NEB: Tangent\n ----------------------------------------------\n");
	for (int i = 0; i < im->c.n; i++)
		fprintf(im->out, " %12.5f %12.5f %12.5f\n", tau[3 * i], tau[3 * i + 1], tau[3 * i + 2]);
	fprintf(im->out, "\n NEB: forces: par spring, perp REAL, dneb  %11.6f %11.6f %11.6f\n", fabs(in->spring),
	    in->perp, 0.0);
	fprintf(im->out, " NEB: distance to prev, next image, angle between  %11.6f %11.6f %11.6f\n", in->dprev,
	    in->dnext, in->angle);
	fprintf(im->out, " NEB: projections on to tangent (spring, REAL)  %11.6f %11.6f\n\n", in->spring, in->real);
}

/* FIRE's callback for the band: every interior image, then the NEB forces. */
static double
band_forces(void *ctx, const double *x, double *f, double *energy)
{
	struct ctx *c = ctx;
	int n = c->nimg, na = c->im[0].c.n, top = 1;
	size_t dim = (size_t)na * 3;
	double *all = xmalloc((size_t)n * dim * sizeof(double)), *e = xmalloc((size_t)n * sizeof(double)), mx = 0;
	double *tau = xmalloc((size_t)(n - 2) * dim * sizeof(double));
	struct neb_info *info = xcalloc((size_t)(n - 2), sizeof(*info));

	memcpy(all, c->im[0].x, dim * sizeof(double));
	memcpy(all + (n - 1) * dim, c->im[n - 1].x, dim * sizeof(double));
	memcpy(all + dim, x, (size_t)(n - 2) * dim * sizeof(double));
	e[0] = c->im[0].e;
	e[n - 1] = c->im[n - 1].e;
	for (int k = 1; k + 1 < n; k++) {
		e[k] = ff_energy(c->m, all + k * dim, c->im[k].f);
		if (energy_sane(e[k], na, c->im[k].dir, &c->absurd) == -1)
			mx = NAN;
		if (e[k] > e[top])
			top = k;
	}
	/* no image's step is written when one energy is no result */
	if (!isnan(mx)) {
		for (int k = 1; k + 1 < n; k++)
			memcpy(f + (k - 1) * dim, c->im[k].f, dim * sizeof(double));
		neb_project_info(all, n, dim, e, fabs(c->p->spring), c->climbing ? top : 0, f, tau, info);
		/* the projection puts tangent components on every atom: not on fixed ones */
		if (isinf(c->m->tether))
			for (int k = 0; k + 2 < n; k++)
				for (int i = 0; i < na; i++)
					if (!c->m->loose[i])
						memset(f + k * dim + 3 * i, 0, 3 * sizeof(double));
		for (int k = 1; k + 1 < n; k++) {
			memcpy(c->im[k].x, all + k * dim, dim * sizeof(double));
			image_neb(&c->im[k], tau + (k - 1) * dim, &info[k - 1]);
			image_step(&c->im[k], e[k], c->im[k].f, f + (k - 1) * dim, c->o->say, c->o->say_ctx);
		}
		for (int k = 0; k + 2 < n; k++)
			mx = fmax(mx, max_atom_force(f + k * dim, na));
		if (c->p->lclimb && !c->climbing && mx < c->ftol) {
			c->climbing = 1;
			if (c->o->say) {
				char msg[128];
				snprintf(msg, sizeof(msg), "climbing image on (image %02d)", top);
				c->o->say(c->o->say_ctx, msg);
			}
			mx = INFINITY;	/* the forces change: not converged yet */
		}
	}
	*energy = e[top];
	free(all);
	free(e);
	free(tau);
	free(info);
	if (stopcar(c->dir)) {
		c->stopped = 1;
		return -1;
	}
	return mx;
}

static int
run_band(struct ctx *c, struct image *im, int n, struct hk_err *err)
{
	struct fire_opts fo;
	struct fire_result fr;
	double t0 = seconds_now(), *x0[2] = { NULL, NULL };
	size_t dim = (size_t)im[0].c.n * 3;
	int rc = -1;

	/* the endpoints first, remembering where they started */
	for (int k = 0; k < 2; k++) {
		struct image *end = &im[k ? n - 1 : 0];
		/* where its POSCAR has it: an endpoint taken from its CONTCAR has moved from there too */
		x0[k] = xmalloc(dim * sizeof(double));
		for (int i = 0; i < end->c.n; i++)
			lat_frac_to_cart(end->c.lattice, end->c.frac[i], x0[k] + 3 * i);
		/* as VASP: an endpoint that holds its output is not computed, nor its files touched */
		if (c->fixed[k]) {
			end->e = c->efixed[k];
			continue;
		}
		/* tighter than the band, so that no image can slip below them */
		if (run_single(c, end, k ? "NEB endpoint (last), relaxed" : "NEB endpoint (first), relaxed", 0.1,
		    err) == -1)
			goto out;
	}
	for (int k = 1; k + 1 < n; k++) {
		double t = (double)k / (n - 1);
		for (size_t r = 0; r < dim; r++)
			im[k].x[r] += (1 - t) * (im[0].x[r] - x0[0][r]) + t * (im[n - 1].x[r] - x0[1][r]);
		if (image_open(&im[k], c->p, c->m, "NEB image", err) == -1)
			goto out;
	}
	double *x = xmalloc((size_t)(n - 2) * dim * sizeof(double));
	for (int k = 1; k + 1 < n; k++)
		memcpy(x + (k - 1) * dim, im[k].x, dim * sizeof(double));
	c->im = im;
	c->nimg = n;
	c->climbing = 0;
	c->stopped = 0;
	fire_for(c->p, &fo, &c->ftol);
	if (c->p->ediffg > 0)
		c->ftol = fo.ftol = 10 * c->p->ediffg;	/* a band has no energy criterion: VTST's practice */
	int bad = fire_minimize(x, (size_t)(n - 2) * dim, band_forces, c, &fo, &fr);
	free(x);
	if (bad) {
		if (c->absurd.msg[0])
			*err = c->absurd;
		else
			err_set(err, "the band's energies or forces are not finite");
		goto out;
	}
	rc = 0;
	for (int k = 1; k + 1 < n && rc == 0; k++)
		rc = image_close(&im[k], fr.converged, c->stopped, t0, err);
out:
	free(x0[0]);
	free(x0[1]);
	return rc;
}

/* The atoms that move more than 0.5 Å from a to b (minimum image). */
static unsigned char *
movers(const struct cell *a, const struct cell *b)
{
	unsigned char *m = xcalloc((size_t)a->n, 1);

	for (int i = 0; i < a->n; i++) {
		double f[3], r[3];
		for (int k = 0; k < 3; k++)
			f[k] = b->frac[i][k] - a->frac[i][k] - round(b->frac[i][k] - a->frac[i][k]);
		lat_frac_to_cart(a->lattice, f, r);
		m[i] = r[0] * r[0] + r[1] * r[1] + r[2] * r[2] > 0.25;
	}
	return m;
}

/*
 * Where the tethers hold the atoms: midway between a and b (minimum
 * image), n x 3 Cartesian.  Endpoints relaxed each around its own vacancy
 * have frameworks that differ a little; held to one of them, the other
 * would be strained, and a symmetric hop would have ends of unequal
 * energy.  With a == b (outside an NEB, or endpoints not relaxed) it is a.
 */
static double *
anchors_between(const struct cell *a, const struct cell *b)
{
	double *x = xmalloc((size_t)a->n * 3 * sizeof(double));

	for (int i = 0; i < a->n; i++) {
		double f[3], r[3], xa[3];
		for (int k = 0; k < 3; k++)
			f[k] = b->frac[i][k] - a->frac[i][k] - round(b->frac[i][k] - a->frac[i][k]);
		lat_frac_to_cart(a->lattice, f, r);
		lat_frac_to_cart(a->lattice, a->frac[i], xa);
		for (int k = 0; k < 3; k++)
			x[3 * i + k] = xa[k] + 0.5 * r[k];
	}
	return x;
}

/*
 * 1 when dir/OUTCAR is a finished run with an energy (into *e), as the
 * endpoint relaxations a VTST user copies into 00 and N+1 are; else 0.
 */
static int
endpoint_output(const char *dir, double *e)
{
	char *path = xasprintf("%s/OUTCAR", dir);
	struct hk_err err = HK_ERR_INIT;
	struct vasp_run r;
	FILE *f = fopen(path, "r");
	int ok = 0;

	if (f) {
		vasp_run_init(&r);
		ok = outcar_parse(linerd_pull_file, f, path, &r, &err) == 0 && r.has_energy && r.finished &&
		    isfinite(r.e0);
		fclose(f);
		if (ok)
			*e = r.e0;
	}
	free(path);
	return ok;
}

/*
 * The hop's endpoints before their relaxations, from make-neb's record
 * dir/job.json, into p: 1 when it has them and they are the atoms of a;
 * 0 (p empty) when there is no such record or it has no hop.
 */
static int
unrelaxed_ends(const char *dir, const struct cell *a, struct neb_path *p)
{
	char *path = xasprintf("%s/job.json", dir);
	struct sbuf text = SBUF_INIT;
	struct hk_err err = HK_ERR_INIT;
	json_t *job = NULL;
	int ok = 0;

	if (file_read(path, &text) == 0 && (job = rec_parse(text.s ? text.s : "", text.len, path, 1, &err)) != NULL &&
	    nebjob_path(job, 7.0, p, &err) == 0)
		ok = p->start.n == a->n && p->end.n == a->n &&
		    memcmp(p->start.z, a->z, (size_t)a->n * sizeof(int)) == 0 &&
		    memcmp(p->end.z, a->z, (size_t)a->n * sizeof(int)) == 0;
	if (!ok) {
		neb_path_release(p);
		*p = (struct neb_path)NEB_PATH_INIT;
	}
	json_decref(job);
	sbuf_release(&text);
	free(path);
	return ok;
}

/*
 * The springs of m (o->tether > 0): the atoms that do not hop held midway
 * between the band's ends.  With an endpoint's output given, the
 * endpoints are relaxed structures, held by their relaxations to where
 * they stood before; the band's springs then hold the atoms there too,
 * the hop's unrelaxed endpoints of job.json, so that its images and the
 * given endpoint energies come from one model.
 */
static void
set_tethers(struct ff_model *m, const char *dir, const struct image *im, int n, const struct ctx *c,
    const struct ffcalc_opts *o)
{
	struct neb_path ref = NEB_PATH_INIT;
	const struct cell *a = &im[0].c, *b = &im[n - 1].c;

	if ((c->fixed[0] || c->fixed[1]) && unrelaxed_ends(dir, a, &ref)) {
		a = &ref.start;
		b = &ref.end;
		if (o->say)
			o->say(o->say_ctx, "springs hold the atoms where the endpoint relaxations held them: job.json's "
			    "unrelaxed endpoints");
	}
	unsigned char *loose = movers(a, b);
	double *anchor = anchors_between(a, b);
	ff_tether(m, o->tether, anchor, loose);
	free(loose);
	free(anchor);
	neb_path_release(&ref);
}

/*
 * The structure of an endpoint that holds its output: the CONTCAR beside
 * its OUTCAR, the structure that OUTCAR's energy is of, when there is one
 * with the POSCAR's atoms (ff-calc's own endpoint relaxation of an
 * earlier run left it); else the POSCAR, as VTST has it.  Into im->x;
 * im->c keeps the POSCAR's.  1 when it is the CONTCAR.
 */
static int
endpoint_structure(struct image *im)
{
	struct image con;
	struct hk_err err = HK_ERR_INIT;
	char *path = xasprintf("%s/CONTCAR", im->dir);
	int use = 0;

	memset(&con, 0, sizeof(con));
	if (access(path, F_OK) == 0 && image_load_file(&con, im->dir, "CONTCAR", &err) == 0)
		use = con.c.n == im->c.n && memcmp(con.c.z, im->c.z, (size_t)im->c.n * sizeof(int)) == 0;
	if (use)
		memcpy(im->x, con.x, (size_t)im->c.n * 3 * sizeof(double));
	image_release(&con);
	free(path);
	return use;
}

/* Which NEB endpoints hold their output, into c, with their structures; said to the caller. */
static int
fixed_endpoints(struct ctx *c, struct image *im, int n, const struct ffcalc_opts *o, struct hk_err *err)
{
	for (int k = 0; k < 2; k++) {
		struct image *end = &im[k ? n - 1 : 0];
		if (!(c->fixed[k] = endpoint_output(end->dir, &c->efixed[k])))
			continue;
		if (energy_sane(c->efixed[k], end->c.n, end->dir, err) == -1) {
			err_prefix(err, "%s/OUTCAR", end->dir);
			return -1;
		}
		int from_contcar = endpoint_structure(end);
		if (o->say) {
			char msg[320];
			snprintf(msg, sizeof(msg), "%s: endpoint energy %.8f eV from its OUTCAR, of its %s; not computed",
			    end->dir, c->efixed[k], from_contcar ? "CONTCAR" : "POSCAR");
			o->say(o->say_ctx, msg);
		}
	}
	return 0;
}

/* The rows of a parameter table left out, to the caller. */
static void
warn_issues(const struct ffcalc_opts *o, const struct datafile_issues *is)
{
	for (int k = 0; o->warn && k < is->n; k++)
		o->warn(o->say_ctx, &is->v[k]);
}

int
ffcalc_run(const char *dir, const struct ffcalc_opts *o, struct hk_err *err)
{
	struct params p;
	struct image *im = NULL;
	struct bvse_tables t;
	struct bv_tables bv;
	struct ff_model m = FF_MODEL_INIT;
	int n, rc = -1, *q = NULL, charge = 0, have_t = 0, have_bv = 0;

	if (params_read(dir, &p, err) == -1)
		return -1;
	n = p.images > 0 ? p.images + 2 : 1;
	im = xcalloc((size_t)n, sizeof(*im));
	for (int k = 0; k < n; k++) {
		char *d = p.images > 0 ? xasprintf("%s/%02d", dir, k) : xstrdup(dir);
		int loaded = image_load(&im[k], d, err);
		free(d);
		if (loaded == -1)
			goto out;
		if (im[k].c.n != im[0].c.n || memcmp(im[k].c.z, im[0].c.z, (size_t)im[0].c.n * sizeof(int)) != 0) {
			err_set(err, "%s/POSCAR: not the atoms of %s/POSCAR in the same order", im[k].dir, im[0].dir);
			goto out;
		}
	}
	if (bvse_tables_load(&t, err) == -1)
		goto out;
	have_t = 1;
	warn_issues(o, &t.issues);
	q = xcalloc((size_t)im[0].c.n, sizeof(int));
	if (o->oxi) {
		if (charges_given(&im[0].c, o->oxi, q, err) == -1)
			goto out;
	} else {
		if (bv_tables_load(&bv, err) == -1)
			goto out;
		have_bv = 1;
		warn_issues(o, &bv.issues);
		if (ff_charges(&im[0].c, &bv, o->symprec, q, &charge, err) == -1) {
			err_prefix(err, "%s/POSCAR: oxidation states", im[0].dir);
			snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg), " (give them with --oxi)");
			goto out;
		}
	}
	if (ff_model_init(&m, &t, &im[0].c, q, o->rcut, err) == -1) {
		err_prefix(err, "%s/POSCAR", im[0].dir);
		goto out;
	}
	if (o->say) {
		char msg[256];
		snprintf(msg, sizeof(msg), "ff-calc (hopkit %s): %d atoms, net charge %+d, %s", HOPKIT_VERSION, m.n, charge,
		    p.images ? "nudged elastic band" : p.nsw > 0 && p.ibrion > 0 ? "relaxation" : "single point");
		o->say(o->say_ctx, msg);
		if (p.isif != 2 && p.isif != 0 && p.isif != 1)
			o->say(o->say_ctx, "ISIF asks for the cell to change; ff-calc moves the ions only");
	}
	struct ctx c = { dir, o, &p, &m, NULL, 0, 0, 0, 0, HK_ERR_INIT, { 0, 0 }, { 0, 0 } };
	if (p.images > 0 && fixed_endpoints(&c, im, n, o, err) == -1)
		goto out;
	if (o->tether > 0)
		set_tethers(&m, dir, im, n, &c, o);
	rc = p.images > 0 ? run_band(&c, im, n, err) : run_single(&c, &im[0], p.nsw > 0 && p.ibrion > 0 ?
	    "relaxation of the ions" : "single point", 1, err);
out:
	for (int k = 0; im && k < n; k++)
		image_release(&im[k]);
	free(im);
	free(q);
	ff_model_release(&m);
	if (have_t)
		bvse_tables_release(&t);
	if (have_bv)
		bv_tables_release(&bv);
	return rc;
}
