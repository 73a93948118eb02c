#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ewald.h"
#include "lattice.h"
#include "neigh.h"
#include "xalloc.h"

struct real_ctx {
	const double *q;
	double eta_sqrt;
	int self;
	double phi;
};

static int
real_visit(void *ctx, int j, const int img[3], double d)
{
	struct real_ctx *r = ctx;

	(void)img;
	if (d < 1e-10)
		return 0;	/* the site itself */
	r->phi += r->q[j] * erfc(r->eta_sqrt * d) / d;
	return 0;
}

/*
 * exp(i 2 pi h f) for every site, axis and index h in -nmax .. nmax: the
 * phase of G = (h, k, l) at a site is then a product of three table
 * entries, so the reciprocal sum needs 3 (2 nmax + 1) sine-cosine pairs
 * per site instead of one per site and G.
 */
struct phases {
	int nmax[3], w[3];	/* w = 2 nmax + 1 */
	double *re[3], *im[3];	/* [site * w + h + nmax] */
};

static void
phases_build(struct phases *t, const struct cell *c, const int nmax[3])
{
	for (int x = 0; x < 3; x++) {
		t->nmax[x] = nmax[x];
		t->w[x] = 2 * nmax[x] + 1;
		t->re[x] = xmalloc((size_t)c->n * (size_t)t->w[x] * sizeof(double));
		t->im[x] = xmalloc((size_t)c->n * (size_t)t->w[x] * sizeof(double));
		for (int j = 0; j < c->n; j++) {
			/* a whole turn is exact in h: wrap f for the accuracy of large h f */
			double f = c->frac[j][x] - floor(c->frac[j][x]);
			for (int h = -nmax[x]; h <= nmax[x]; h++) {
				size_t o = (size_t)j * (size_t)t->w[x] + (size_t)(h + nmax[x]);
				sincos(2 * M_PI * h * f, &t->im[x][o], &t->re[x][o]);
			}
		}
	}
}

static void
phases_release(struct phases *t)
{
	for (int x = 0; x < 3; x++) {
		free(t->re[x]);
		free(t->im[x]);
	}
}

/* exp(i G . r_j) for G = (h, k, l), into (*re, *im). */
static void
phase_at(const struct phases *t, int j, int h, int k, int l, double *re, double *im)
{
	size_t a = (size_t)j * (size_t)t->w[0] + (size_t)(h + t->nmax[0]);
	size_t b = (size_t)j * (size_t)t->w[1] + (size_t)(k + t->nmax[1]);
	size_t c = (size_t)j * (size_t)t->w[2] + (size_t)(l + t->nmax[2]);
	double xr = t->re[0][a] * t->re[1][b] - t->im[0][a] * t->im[1][b];
	double xi = t->re[0][a] * t->im[1][b] + t->im[0][a] * t->re[1][b];

	*re = xr * t->re[2][c] - xi * t->im[2][c];
	*im = xr * t->im[2][c] + xi * t->re[2][c];
}

/*
 * The reciprocal-space potential at each of the nwhich sites into phi
 * (added): sum over 0 < |G| <= gmax of 4 pi / V exp(-G^2 / 4 eta) / G^2
 * Re(S(G) exp(-i G . r_i)), S(G) = sum_j q_j exp(i G . r_j).
 */
static void
recip_potentials(const struct cell *c, const double *q, const int *which, int nwhich, const double recip[3][3],
    const int nmax[3], double eta, double gmax, double vol, double *phi)
{
	struct phases t;
	double *wre = xmalloc((size_t)c->n * sizeof(double)), *wim = xmalloc((size_t)c->n * sizeof(double));

	phases_build(&t, c, nmax);
	for (int h = -nmax[0]; h <= nmax[0]; h++)
	for (int k = -nmax[1]; k <= nmax[1]; k++) {
		/* q_j exp(i (h, k, 0) . r_j), shared by every l */
		for (int j = 0; j < c->n; j++) {
			phase_at(&t, j, h, k, 0, &wre[j], &wim[j]);
			wre[j] *= q[j], wim[j] *= q[j];
		}
		for (int l = -nmax[2]; l <= nmax[2]; l++) {
			double G[3], g2, sre = 0, sim = 0;
			if (h == 0 && k == 0 && l == 0)
				continue;
			for (int x = 0; x < 3; x++)
				G[x] = h * recip[0][x] + k * recip[1][x] + l * recip[2][x];
			g2 = G[0] * G[0] + G[1] * G[1] + G[2] * G[2];
			if (g2 > gmax * gmax)
				continue;
			size_t o = (size_t)(l + nmax[2]);
			for (int j = 0; j < c->n; j++, o += (size_t)t.w[2]) {
				double zr = t.re[2][o], zi = t.im[2][o];
				sre += wre[j] * zr - wim[j] * zi;
				sim += wre[j] * zi + wim[j] * zr;
			}
			double coef = 4 * M_PI / vol * exp(-g2 / (4 * eta)) / g2;
			for (int w = 0; w < nwhich; w++) {
				double pr, pi;
				phase_at(&t, which[w], h, k, l, &pr, &pi);
				/* Re(S conj(p)) */
				phi[w] += coef * (sre * pr + sim * pi);
			}
		}
	}
	free(wre);
	free(wim);
	phases_release(&t);
}

int
ewald_site_energies(const struct cell *c, const double *q, const int *which, int nwhich,
    double tol, double *e, struct hk_err *err)
{
	double vol = fabs(lat_volume(c->lattice)), inv[3][3], recip[3][3];
	double acc, eta, rmax, gmax, *phi;
	struct neigh_grid g;
	int nmax[3];

	if (!(vol > 0) || lat_inverse(c->lattice, inv) == -1) {
		err_set(err, "lattice is singular");
		return -1;
	}
	if (!(tol > 0 && tol < 1))
		tol = 1e-12;
	acc = sqrt(-log(tol));
	/* pymatgen's choice of the split, which balances the two sums */
	eta = pow(c->n * (1 / sqrt(2.0)) / (vol * vol), 1.0 / 3) * M_PI;
	rmax = acc / sqrt(eta);
	gmax = 2 * sqrt(eta) * acc;
	/* reciprocal vectors (rows), 2 pi included */
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 3; k++)
			recip[i][k] = 2 * M_PI * inv[k][i];
	for (int i = 0; i < 3; i++) {
		/* |G . a_i| / 2pi bounds the index along recip i */
		double len = sqrt(c->lattice[i][0] * c->lattice[i][0] + c->lattice[i][1] * c->lattice[i][1] +
		    c->lattice[i][2] * c->lattice[i][2]);
		nmax[i] = (int)ceil(gmax * len / (2 * M_PI));
	}
	if (neigh_build(&g, c->lattice, c->n, (const double (*)[3])c->frac, rmax) == -1) {
		err_set(err, "lattice is singular");
		return -1;
	}
	phi = xcalloc((size_t)(nwhich > 0 ? nwhich : 1), sizeof(double));
	recip_potentials(c, q, which, nwhich, recip, nmax, eta, gmax, vol, phi);
	for (int w = 0; w < nwhich; w++) {
		int i = which[w];
		struct real_ctx r = { q, sqrt(eta), i, 0 };
		neigh_query(&g, c->frac[i], rmax, real_visit, &r);
		phi[w] += r.phi - 2 * sqrt(eta / M_PI) * q[i];
		e[w] = 0.5 * q[i] * phi[w] * EWALD_COULOMB;
	}
	free(phi);
	neigh_release(&g);
	return 0;
}

double
ewald_total(const struct cell *c, const double *q, double tol, struct hk_err *err)
{
	int *all = xmalloc((size_t)c->n * sizeof(int));
	double *e = xmalloc((size_t)c->n * sizeof(double)), sum = 0;

	for (int i = 0; i < c->n; i++)
		all[i] = i;
	if (ewald_site_energies(c, q, all, c->n, tol, e, err) == -1)
		sum = NAN;
	else
		for (int i = 0; i < c->n; i++)
			sum += e[i];
	free(all);
	free(e);
	return sum;
}
