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

int
ewald_site_energies(const struct cell *c, const double *q, const int *which, int nwhich,
    double tol, double *e, struct hk_err *err)
{
	double vol = fabs(lat_volume(c->lattice)), inv[3][3], recip[3][3];
	double acc, eta, rmax, gmax;
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
	/* the structure factor S(G) once per G, then each site's phase */
	int ng = 0, cap = 256;
	double (*gv)[3] = xmalloc((size_t)cap * sizeof(*gv)), *coef = xmalloc((size_t)cap * sizeof(double));
	double *sre = xmalloc((size_t)cap * sizeof(double)), *sim = xmalloc((size_t)cap * sizeof(double));
	double (*rc)[3] = xmalloc((size_t)c->n * sizeof(*rc));
	for (int j = 0; j < c->n; j++)
		lat_frac_to_cart(c->lattice, c->frac[j], rc[j]);
	for (int h = -nmax[0]; h <= nmax[0]; h++)
	for (int k = -nmax[1]; k <= nmax[1]; k++)
	for (int l = -nmax[2]; l <= nmax[2]; l++) {
		double G[3], g2, a = 0, b = 0;
		if (h == 0 && k == 0 && l == 0)
			continue;
		for (int x = 0; x < 3; x++)
			G[x] = h * recip[0][x] + k * recip[1][x] + l * recip[2][x];
		g2 = G[0] * G[0] + G[1] * G[1] + G[2] * G[2];
		if (g2 > gmax * gmax)
			continue;
		if (ng == cap) {
			cap *= 2;
			gv = xreallocarray(gv, (size_t)cap, sizeof(*gv));
			coef = xreallocarray(coef, (size_t)cap, sizeof(double));
			sre = xreallocarray(sre, (size_t)cap, sizeof(double));
			sim = xreallocarray(sim, (size_t)cap, sizeof(double));
		}
		for (int j = 0; j < c->n; j++) {
			double ph = G[0] * rc[j][0] + G[1] * rc[j][1] + G[2] * rc[j][2];
			a += q[j] * cos(ph);
			b += q[j] * sin(ph);
		}
		memcpy(gv[ng], G, sizeof(G));
		coef[ng] = 4 * M_PI / vol * exp(-g2 / (4 * eta)) / g2;
		sre[ng] = a;
		sim[ng] = b;
		ng++;
	}
	for (int w = 0; w < nwhich; w++) {
		int i = which[w];
		struct real_ctx r = { q, sqrt(eta), i, 0 };
		double phi_recip = 0;
		neigh_query(&g, c->frac[i], rmax, real_visit, &r);
		for (int n = 0; n < ng; n++) {
			double ph = gv[n][0] * rc[i][0] + gv[n][1] * rc[i][1] + gv[n][2] * rc[i][2];
			/* Re(S(G) exp(-i G.r_i)) */
			phi_recip += coef[n] * (sre[n] * cos(ph) + sim[n] * sin(ph));
		}
		double phi = r.phi + phi_recip - 2 * sqrt(eta / M_PI) * q[i];
		e[w] = 0.5 * q[i] * phi * EWALD_COULOMB;
	}
	free(gv);
	free(coef);
	free(sre);
	free(sim);
	free(rc);
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
