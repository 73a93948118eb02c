#include <math.h>
#include <string.h>

#include "lattice.h"

static double
dot3(const double a[3], const double b[3])
{
	return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void
cross3(const double a[3], const double b[3], double c[3])
{
	c[0] = a[1] * b[2] - a[2] * b[1];
	c[1] = a[2] * b[0] - a[0] * b[2];
	c[2] = a[0] * b[1] - a[1] * b[0];
}

double
mat3_det(const double m[3][3])
{
	double c[3];

	cross3(m[1], m[2], c);
	return dot3(m[0], c);
}

double
lat_volume(const double l[3][3])
{
	return mat3_det(l);
}

void
lat_params(const double l[3][3], double abc[3], double ang[3])
{
	for (int i = 0; i < 3; i++)
		abc[i] = sqrt(dot3(l[i], l[i]));
	for (int i = 0; i < 3; i++) {
		int j = (i + 1) % 3, k = (i + 2) % 3;
		double c = dot3(l[j], l[k]) / (abc[j] * abc[k]);
		if (c > 1)
			c = 1;
		if (c < -1)
			c = -1;
		ang[i] = acos(c) * 180.0 / M_PI;
	}
}

int
lat_from_params(double a, double b, double c, double alpha, double beta,
    double gamma, double l[3][3])
{
	double ar = alpha * M_PI / 180, br = beta * M_PI / 180, gr = gamma * M_PI / 180;
	double val, gstar;

	if (!(a > 0 && b > 0 && c > 0) || !(alpha > 0 && alpha < 180) ||
	    !(beta > 0 && beta < 180) || !(gamma > 0 && gamma < 180))
		return -1;
	val = (cos(ar) * cos(br) - cos(gr)) / (sin(ar) * sin(br));
	if (val > 1 || val < -1)
		return -1;
	gstar = acos(val);
	l[0][0] = a * sin(br);
	l[0][1] = 0;
	l[0][2] = a * cos(br);
	l[1][0] = -b * sin(ar) * cos(gstar);
	l[1][1] = b * sin(ar) * sin(gstar);
	l[1][2] = b * cos(ar);
	l[2][0] = 0;
	l[2][1] = 0;
	l[2][2] = c;
	return fabs(lat_volume(l)) > 1e-8 * a * b * c ? 0 : -1;
}

int
lat_inverse(const double l[3][3], double inv[3][3])
{
	double det = mat3_det(l);
	double c[3][3];

	if (!isfinite(det) || fabs(det) < 1e-12)
		return -1;
	/* inverse = adjugate / det; columns of the inverse are cross products of rows */
	cross3(l[1], l[2], c[0]);
	cross3(l[2], l[0], c[1]);
	cross3(l[0], l[1], c[2]);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			inv[i][j] = c[j][i] / det;
	return 0;
}

void
lat_frac_to_cart(const double l[3][3], const double f[3], double r[3])
{
	for (int k = 0; k < 3; k++)
		r[k] = f[0] * l[0][k] + f[1] * l[1][k] + f[2] * l[2][k];
}

void
lat_cart_to_frac(const double inv[3][3], const double r[3], double f[3])
{
	for (int k = 0; k < 3; k++)
		f[k] = r[0] * inv[0][k] + r[1] * inv[1][k] + r[2] * inv[2][k];
}

void
lat_widths(const double l[3][3], double w[3])
{
	double v = fabs(lat_volume(l)), c[3];

	for (int i = 0; i < 3; i++) {
		cross3(l[(i + 1) % 3], l[(i + 2) % 3], c);
		w[i] = v / sqrt(dot3(c, c));
	}
}

void
mat3_mul(const double a[3][3], const double b[3][3], double out[3][3])
{
	double t[3][3];

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			t[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
	memcpy(out, t, sizeof(t));
}

void
lat_mul(const double m[3][3], const double l[3][3], double out[3][3])
{
	mat3_mul(m, l, out);
}

void
mat3_transpose(const double a[3][3], double out[3][3])
{
	double t[3][3];

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			t[i][j] = a[j][i];
	memcpy(out, t, sizeof(t));
}

static void
identity(double t[3][3])
{
	memset(t, 0, 9 * sizeof(double));
	t[0][0] = t[1][1] = t[2][2] = 1;
}

/* Gram-Schmidt of rows b[0..2]: bs = orthogonalised rows, mu coefficients. */
static void
gram_schmidt(const double b[3][3], double bs[3][3], double mu[3][3], double bb[3])
{
	for (int i = 0; i < 3; i++) {
		memcpy(bs[i], b[i], sizeof(bs[i]));
		for (int j = 0; j < i; j++) {
			mu[i][j] = dot3(b[i], bs[j]) / bb[j];
			for (int k = 0; k < 3; k++)
				bs[i][k] -= mu[i][j] * bs[j][k];
		}
		bb[i] = dot3(bs[i], bs[i]);
	}
}

void
lat_lll(const double l[3][3], double red[3][3], double t[3][3])
{
	double b[3][3], bs[3][3], mu[3][3] = { { 0 } }, bb[3], m[3][3];
	int k = 1, guard = 0;

	memcpy(b, l, sizeof(b));
	identity(m);
	gram_schmidt(b, bs, mu, bb);
	while (k < 3 && guard++ < 1000) {
		for (int j = k - 1; j >= 0; j--) {
			double q = rint(mu[k][j]);	/* half to even, as Python's round */
			if (q == 0)
				continue;
			for (int c = 0; c < 3; c++) {
				b[k][c] -= q * b[j][c];
				m[k][c] -= q * m[j][c];
			}
			gram_schmidt(b, bs, mu, bb);
		}
		if (bb[k] >= (0.75 - mu[k][k - 1] * mu[k][k - 1]) * bb[k - 1]) {
			k++;
		} else {
			double tmp[3];
			memcpy(tmp, b[k], sizeof(tmp));
			memcpy(b[k], b[k - 1], sizeof(tmp));
			memcpy(b[k - 1], tmp, sizeof(tmp));
			memcpy(tmp, m[k], sizeof(tmp));
			memcpy(m[k], m[k - 1], sizeof(tmp));
			memcpy(m[k - 1], tmp, sizeof(tmp));
			gram_schmidt(b, bs, mu, bb);
			if (k > 1)
				k--;
		}
	}
	memcpy(red, b, sizeof(b));
	if (t)
		memcpy(t, m, sizeof(m));
}

/* Apply a basis change: t <- M^T t, so the metric G becomes M^T G M. */
static void
niggli_step(double t[3][3], const double mcol[3][3])
{
	double mt[3][3];

	mat3_transpose(mcol, mt);
	mat3_mul(mt, t, t);
}

static void
metric(const double t[3][3], const double l0[3][3], double g[6])
{
	double b[3][3];

	mat3_mul(t, l0, b);
	g[0] = dot3(b[0], b[0]);	/* A */
	g[1] = dot3(b[1], b[1]);	/* B */
	g[2] = dot3(b[2], b[2]);	/* C */
	g[3] = 2 * dot3(b[1], b[2]);	/* xi (E) */
	g[4] = 2 * dot3(b[0], b[2]);	/* eta (N) */
	g[5] = 2 * dot3(b[0], b[1]);	/* zeta (Y) */
}

static double
sgn(double x)
{
	return x > 0 ? 1 : -1;
}

int
lat_niggli(const double l[3][3], double tol, double red[3][3], double t[3][3])
{
	double l0[3][3], tt[3][3], lll_t[3][3], g[6];
	double e = tol * cbrt(fabs(lat_volume(l)));
	int it;

	lat_lll(l, l0, lll_t);
	identity(tt);
	for (it = 0; it < 100; it++) {
		double A, B, C, E, N, Y;
		metric(tt, l0, g);
		A = g[0], B = g[1], C = g[2], E = g[3], N = g[4], Y = g[5];
		if (A > B + e || (fabs(A - B) < e && fabs(E) > fabs(N) + e)) {
			const double M[3][3] = { { 0, -1, 0 }, { -1, 0, 0 }, { 0, 0, -1 } };
			niggli_step(tt, M);
			metric(tt, l0, g);
			A = g[0], B = g[1], C = g[2], E = g[3], N = g[4], Y = g[5];
		}
		if (B > C + e || (fabs(B - C) < e && fabs(N) > fabs(Y) + e)) {
			const double M[3][3] = { { -1, 0, 0 }, { 0, 0, -1 }, { 0, -1, 0 } };
			niggli_step(tt, M);
			continue;
		}
		double ll = fabs(E) < e ? 0 : sgn(E);
		double mm = fabs(N) < e ? 0 : sgn(N);
		double nn = fabs(Y) < e ? 0 : sgn(Y);
		if (ll * mm * nn == 1) {
			const double M[3][3] = { { ll == -1 ? -1 : 1, 0, 0 },
				{ 0, mm == -1 ? -1 : 1, 0 }, { 0, 0, nn == -1 ? -1 : 1 } };
			niggli_step(tt, M);
		} else {
			double i = ll == 1 ? -1 : 1, j = mm == 1 ? -1 : 1, k = nn == 1 ? -1 : 1;
			if (i * j * k == -1) {
				if (nn == 0)
					k = -1;
				else if (mm == 0)
					j = -1;
				else if (ll == 0)
					i = -1;
			}
			const double M[3][3] = { { i, 0, 0 }, { 0, j, 0 }, { 0, 0, k } };
			niggli_step(tt, M);
		}
		metric(tt, l0, g);
		A = g[0], B = g[1], C = g[2], E = g[3], N = g[4], Y = g[5];
		if (fabs(E) > B + e || (fabs(E - B) < e && 2 * N < Y - e) ||
		    (fabs(E + B) < e && Y < -e)) {
			const double M[3][3] = { { 1, 0, 0 }, { 0, 1, -sgn(E) }, { 0, 0, 1 } };
			niggli_step(tt, M);
			continue;
		}
		if (fabs(N) > A + e || (fabs(A - N) < e && 2 * E < Y - e) ||
		    (fabs(A + N) < e && Y < -e)) {
			const double M[3][3] = { { 1, 0, -sgn(N) }, { 0, 1, 0 }, { 0, 0, 1 } };
			niggli_step(tt, M);
			continue;
		}
		if (fabs(Y) > A + e || (fabs(A - Y) < e && 2 * E < N - e) ||
		    (fabs(A + Y) < e && N < -e)) {
			const double M[3][3] = { { 1, -sgn(Y), 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
			niggli_step(tt, M);
			continue;
		}
		if (E + N + Y + A + B < -e || (fabs(E + N + Y + A + B) < e && e < Y + (A + N) * 2)) {
			const double M[3][3] = { { 1, 0, 1 }, { 0, 1, 1 }, { 0, 0, 1 } };
			niggli_step(tt, M);
			continue;
		}
		break;
	}
	if (it == 100)
		return -1;
	mat3_mul(tt, lll_t, tt);
	/* keep the handedness of l: -T has the same metric */
	if (mat3_det(tt) < 0)
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++)
				tt[i][j] = -tt[i][j];
	if (t)
		memcpy(t, tt, sizeof(tt));
	mat3_mul(tt, l, red);
	return 0;
}
