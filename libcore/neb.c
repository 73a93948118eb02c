#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "idpp.h"
#include "lattice.h"
#include "neb.h"
#include "xalloc.h"

int
neb_supercell(const struct cell *c, const int m[3][3], struct cell *out, struct hk_err *err)
{
	double md[3][3], minv[3][3];
	int lo[3] = { 0, 0, 0 }, hi[3] = { 0, 0, 0 }, det, count = 0;

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			md[i][j] = m[i][j];
	det = (int)lround(mat3_det(md));
	if (det <= 0 || lat_inverse(md, minv) == -1) {
		err_set(err, "supercell matrix has determinant %d (must be positive)", det);
		return -1;
	}
	/* translations inside the supercell lie in the box spanned by M's rows */
	for (int corner = 0; corner < 8; corner++) {
		int p[3] = { 0, 0, 0 };
		for (int r = 0; r < 3; r++)
			if (corner & (1 << r))
				for (int k = 0; k < 3; k++)
					p[k] += m[r][k];
		for (int k = 0; k < 3; k++) {
			lo[k] = p[k] < lo[k] ? p[k] : lo[k];
			hi[k] = p[k] > hi[k] ? p[k] : hi[k];
		}
	}
	cell_release(out);
	mat3_mul(md, c->lattice, out->lattice);
	cell_reserve(out, det * c->n);
	for (int t0 = lo[0]; t0 <= hi[0]; t0++)
	for (int t1 = lo[1]; t1 <= hi[1]; t1++)
	for (int t2 = lo[2]; t2 <= hi[2]; t2++) {
		double t[3] = { t0, t1, t2 }, s[3];
		int inside = 1;
		for (int k = 0; k < 3; k++) {
			s[k] = t[0] * minv[0][k] + t[1] * minv[1][k] + t[2] * minv[2][k];
			if (s[k] < -1e-9 || s[k] >= 1 - 1e-9)
				inside = 0;
		}
		if (!inside)
			continue;
		count++;
		for (int i = 0; i < c->n; i++) {
			double f[3], g[3];
			for (int k = 0; k < 3; k++)
				f[k] = c->frac[i][k] + t[k];
			for (int k = 0; k < 3; k++)
				g[k] = f[0] * minv[0][k] + f[1] * minv[1][k] + f[2] * minv[2][k];
			cell_add(out, c->z[i], g, 0);
		}
	}
	cell_wrap(out);
	if (count != det) {
		err_set(err, "supercell construction found %d of %d cells", count, det);
		return -1;
	}
	return 0;
}

void
neb_path_release(struct neb_path *p)
{
	cell_release(&p->start);
	cell_release(&p->end);
	free(p->site);
	p->site = NULL;
}

/* Species order: first appearance in the cell. */
static int
species_rank(const struct cell *c, int z)
{
	int rank = 0;

	for (int i = 0; i < c->n; i++) {
		int first = 1;
		for (int k = 0; k < i; k++)
			if (c->z[k] == c->z[i])
				first = 0;
		if (!first)
			continue;
		if (c->z[i] == z)
			return rank;
		rank++;
	}
	return rank;
}

int
neb_endpoints(const struct cell *c, int i, int j, const int image[3], const int m[3][3],
    struct neb_path *out, struct hk_err *err)
{
	struct cell sc = CELL_INIT;
	double md[3][3], minv[3][3], a[3], b[3];
	int ia = -1, ib = -1, rc = -1;

	memset(out, 0, sizeof(*out));
	if (i < 0 || j < 0 || i >= c->n || j >= c->n || c->z[i] != c->z[j]) {
		err_set(err, "hop sites %d and %d are not sites of one element", i, j);
		return -1;
	}
	if (neb_supercell(c, m, &sc, err) == -1)
		goto out;
	for (int r = 0; r < 3; r++)
		for (int k = 0; k < 3; k++)
			md[r][k] = m[r][k];
	lat_inverse(md, minv);
	/* start and end of the hop in supercell fractional coordinates */
	for (int k = 0; k < 3; k++) {
		a[k] = c->frac[i][0] * minv[0][k] + c->frac[i][1] * minv[1][k] + c->frac[i][2] * minv[2][k];
		double e[3] = { c->frac[j][0] + image[0], c->frac[j][1] + image[1], c->frac[j][2] + image[2] };
		b[k] = e[0] * minv[0][k] + e[1] * minv[1][k] + e[2] * minv[2][k];
	}
	/* the supercell atoms at those points */
	for (int n = 0; n < sc.n; n++) {
		double da = 0, db = 0;
		if (sc.z[n] != c->z[i])
			continue;
		for (int k = 0; k < 3; k++) {
			double x = sc.frac[n][k] - a[k], y = sc.frac[n][k] - b[k];
			x -= round(x);
			y -= round(y);
			da += x * x;
			db += y * y;
		}
		if (da < 1e-12)
			ia = n;
		if (db < 1e-12)
			ib = n;
	}
	if (ia < 0 || ib < 0 || ia == ib) {
		err_set(err, ia == ib && ia >= 0 ? "the hop's ends are one site of the supercell (supercell too small)"
		    : "hop ends not found in the supercell");
		goto out;
	}
	{
		double inv[3][3], d[3], r[3];
		memcpy(out->start.lattice, sc.lattice, sizeof(sc.lattice));
		memcpy(out->end.lattice, sc.lattice, sizeof(sc.lattice));
		lat_inverse(sc.lattice, inv);
		for (int k = 0; k < 3; k++)
			d[k] = b[k] - a[k];
		lat_frac_to_cart(sc.lattice, d, r);
		memcpy(out->hop, r, sizeof(r));
		/* mover first within its species, species in order of first appearance */
		int nsp = 0;
		for (int n = 0; n < sc.n; n++)
			if (species_rank(c, sc.z[n]) + 1 > nsp)
				nsp = species_rank(c, sc.z[n]) + 1;
		cell_reserve(&out->start, sc.n);
		cell_reserve(&out->end, sc.n);
		out->site = xmalloc((size_t)sc.n * sizeof(int));
		for (int s = 0; s < nsp; s++) {
			if (species_rank(c, c->z[i]) == s) {
				double p[3];
				out->mover = out->start.n;
				out->site[out->start.n] = i;
				cell_add(&out->start, c->z[i], sc.frac[ia], 0);
				for (int k = 0; k < 3; k++)
					p[k] = sc.frac[ia][k] + d[k];
				cell_add(&out->end, c->z[i], p, 0);
			}
			for (int n = 0; n < sc.n; n++) {
				if (n == ia || n == ib || species_rank(c, sc.z[n]) != s)
					continue;
				out->site[out->start.n] = n % c->n;
				cell_add(&out->start, sc.z[n], sc.frac[n], 0);
				cell_add(&out->end, sc.z[n], sc.frac[n], 0);
			}
		}
	}
	rc = 0;
out:
	cell_release(&sc);
	if (rc == -1)
		neb_path_release(out);
	return rc;
}

void
neb_linear(const struct neb_path *p, int n, struct cell *img)
{
	for (int k = 0; k <= n + 1; k++) {
		double t = (double)k / (n + 1);
		cell_copy(&img[k], &p->start);
		for (int a = 0; a < p->start.n; a++)
			for (int r = 0; r < 3; r++)
				img[k].frac[a][r] = p->start.frac[a][r] + t * (p->end.frac[a][r] - p->start.frac[a][r]);
	}
}

/* The distance from the Cartesian point x to atom a of c at its nearest periodic image. */
static double
point_atom_distance(const struct cell *c, const double inv[3][3], const double x[3], int a)
{
	double f[3], d[3], best = INFINITY;

	lat_cart_to_frac(inv, x, f);
	for (int r = 0; r < 3; r++)
		d[r] = c->frac[a][r] - f[r] - round(c->frac[a][r] - f[r]);
	for (int u = -1; u <= 1; u++)
		for (int v = -1; v <= 1; v++)
			for (int w = -1; w <= 1; w++) {
				double s[3] = { d[0] + u, d[1] + v, d[2] + w }, rc[3];
				lat_frac_to_cart(c->lattice, s, rc);
				best = fmin(best, sqrt(rc[0] * rc[0] + rc[1] * rc[1] + rc[2] * rc[2]));
			}
	return best;
}

static void
unit(double v[3])
{
	double l = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);

	for (int r = 0; r < 3; r++)
		v[r] /= l;
}

static void
cross(const double a[3], const double b[3], double out[3])
{
	out[0] = a[1] * b[2] - a[2] * b[1];
	out[1] = a[2] * b[0] - a[0] * b[2];
	out[2] = a[0] * b[1] - a[1] * b[0];
}

/*
 * Of the directions perpendicular to the hop, the one along which the
 * midpoint, moved amp, is least crowded: the smallest sum over the other
 * atoms of 1/d^4 (IDPP's own weight; the nearest atom alone would tie,
 * the one on the line being amp away in every direction).
 */
static void
detour_direction(const struct neb_path *p, const double inv[3][3], double amp, double best_u[3])
{
	const double *h = p->hop;
	double axis[3] = { 0, 0, 0 }, e1[3], e2[3], start[3], best = INFINITY;
	int least = fabs(h[0]) <= fabs(h[1]) && fabs(h[0]) <= fabs(h[2]) ? 0 : fabs(h[1]) <= fabs(h[2]) ? 1 : 2;

	axis[least] = 1;
	cross(h, axis, e1);
	unit(e1);
	cross(h, e1, e2);
	unit(e2);
	memcpy(best_u, e1, sizeof(e1));
	lat_frac_to_cart(p->start.lattice, p->start.frac[p->mover], start);
	for (int k = 0; k < NEB_DETOUR_DIRS; k++) {
		double th = 2 * M_PI * k / NEB_DETOUR_DIRS, u[3], x[3], crowd = 0;
		for (int r = 0; r < 3; r++) {
			u[r] = cos(th) * e1[r] + sin(th) * e2[r];
			x[r] = start[r] + 0.5 * h[r] + amp * u[r];
		}
		for (int a = 0; a < p->start.n; a++)
			if (a != p->mover) {
				double d = point_atom_distance(&p->start, inv, x, a);
				crowd += 1 / (d * d * d * d);
			}
		if (crowd < best)
			best = crowd, memcpy(best_u, u, sizeof(u));
	}
}

void
neb_detour(const struct neb_path *p, int n, double amp, struct cell *img)
{
	double inv[3][3], u[3];

	neb_linear(p, n, img);
	if (lat_inverse(p->start.lattice, inv) == -1)
		return;
	detour_direction(p, inv, amp, u);
	for (int k = 1; k <= n; k++) {
		double s = amp * sin(M_PI * k / (n + 1)), d[3] = { s * u[0], s * u[1], s * u[2] }, df[3];
		lat_cart_to_frac(inv, d, df);
		for (int r = 0; r < 3; r++)
			img[k].frac[p->mover][r] += df[r];
	}
}

int
neb_idpp(const struct neb_path *p, int n, const struct idpp_opts *o, struct cell *img, struct idpp_result *r,
    int *detour, struct hk_err *err)
{
	struct hk_err again = HK_ERR_INIT;

	*detour = 0;
	neb_linear(p, n, img);
	if (idpp_relax(img, n + 2, o, r, err) == 0)
		return 0;
	neb_detour(p, n, NEB_DETOUR_AMP, img);
	if (idpp_relax(img, n + 2, o, r, &again) == -1)
		return -1;
	*detour = 1;
	return 0;
}

double
neb_closest(const struct cell *c, int *i, int *j)
{
	return cell_min_distance(c, i, j);
}

static double
vnorm(const double *v, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += v[i] * v[i];
	return sqrt(s);
}

/* The unit tangent at interior image k; the segment lengths into *lp, *lm. */
static void
neb_tangent(const double *x, size_t dim, int k, const double *e, double *tau, double *lp, double *lm)
{
	const double *xp = x + (size_t)(k - 1) * dim, *xk = x + (size_t)k * dim, *xn = x + (size_t)(k + 1) * dim;
	double wp = 1, wm = 1, nt;

	*lp = *lm = 0;
	for (size_t r = 0; r < dim; r++) {
		*lp += (xn[r] - xk[r]) * (xn[r] - xk[r]);
		*lm += (xk[r] - xp[r]) * (xk[r] - xp[r]);
	}
	*lp = sqrt(*lp);
	*lm = sqrt(*lm);
	if (e == NULL) {
		wp = 1 / *lp;
		wm = 1 / *lm;
	} else {
		double up = e[k + 1] - e[k], um = e[k - 1] - e[k];
		double big = fmax(fabs(up), fabs(um)), small = fmin(fabs(up), fabs(um));
		if (up > 0 && um < 0)
			wm = 0;		/* uphill towards k + 1 */
		else if (up < 0 && um > 0)
			wp = 0;
		else if (e[k + 1] > e[k - 1]) {
			wp = big;
			wm = small;
		} else {
			wp = small;
			wm = big;
		}
		if (wp == 0 && wm == 0)
			wp = wm = 1;
	}
	for (size_t r = 0; r < dim; r++)
		tau[r] = wp * (xn[r] - xk[r]) + wm * (xk[r] - xp[r]);
	nt = vnorm(tau, dim);
	for (size_t r = 0; r < dim; r++)
		tau[r] = nt > 0 ? tau[r] / nt : 0;
}

/* The VTST numbers of image k, whose true force is fk and unit tangent tau. */
static void
neb_info_fill(const double *x, size_t dim, int k, const double *fk, const double *tau, double spring,
    struct neb_info *in)
{
	const double *xp = x + (size_t)(k - 1) * dim, *xk = x + (size_t)k * dim, *xn = x + (size_t)(k + 1) * dim;
	double dot = 0, cross = 0, ff = 0, cosa;

	in->dprev = in->dnext = 0;
	for (size_t r = 0; r < dim; r++) {
		in->dprev += (xk[r] - xp[r]) * (xk[r] - xp[r]);
		in->dnext += (xn[r] - xk[r]) * (xn[r] - xk[r]);
		cross += (xk[r] - xp[r]) * (xn[r] - xk[r]);
		dot += fk[r] * tau[r];
		ff += fk[r] * fk[r];
	}
	in->dprev = sqrt(in->dprev);
	in->dnext = sqrt(in->dnext);
	/* VTST's angle is between the vectors to the two neighbours (180 on a straight band) */
	cosa = in->dprev > 0 && in->dnext > 0 ? -cross / (in->dprev * in->dnext) : 1;
	in->angle = acos(fmax(-1, fmin(1, cosa))) * 180 / M_PI;
	in->spring = spring * (in->dnext - in->dprev);
	in->real = dot;
	in->perp = sqrt(fmax(0, ff - dot * dot));
}

void
neb_project(const double *x, int n, size_t dim, const double *e, double spring, int climb, double *f)
{
	neb_project_info(x, n, dim, e, spring, climb, f, NULL, NULL);
}

void
neb_project_info(const double *x, int n, size_t dim, const double *e, double spring, int climb, double *f,
    double *taus, struct neb_info *info)
{
	double *tau = xmalloc(dim * sizeof(double));

	for (int k = 1; k + 1 < n; k++) {
		double *fk = f + (size_t)(k - 1) * dim, lp, lm, dot = 0;
		neb_tangent(x, dim, k, e, tau, &lp, &lm);
		if (info)
			neb_info_fill(x, dim, k, fk, tau, spring, &info[k - 1]);
		if (taus)
			memcpy(taus + (size_t)(k - 1) * dim, tau, dim * sizeof(double));
		for (size_t r = 0; r < dim; r++)
			dot += fk[r] * tau[r];
		double along = k == climb ? -2 * dot : spring * (lp - lm) - dot;
		for (size_t r = 0; r < dim; r++)
			fk[r] += along * tau[r];
	}
	free(tau);
}
