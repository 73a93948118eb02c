#include <math.h>
#include <string.h>

#include "lattice.h"
#include "supercell.h"

void
supercell_study_n(const double l[3][3], double L, int n[3])
{
	for (int k = 0; k < 3; k++) {
		double len = sqrt(l[k][0] * l[k][0] + l[k][1] * l[k][1] + l[k][2] * l[k][2]);
		n[k] = (int)floor(L / len) + 1;
	}
}

static double
min_width_of(const double m[3][3], const double l[3][3], double red_t[3][3])
{
	double s[3][3], red[3][3], w[3];

	mat3_mul(m, l, s);
	lat_lll(s, red, red_t);
	lat_widths(red, w);
	return fmin(fmin(w[0], w[1]), w[2]);
}

/* Keep the candidate if it is wider than the best of the same size. */
static void
consider(const double m[3][3], const double l[3][3], int det, struct supercell *best)
{
	double t[3][3], full[3][3];
	double w = min_width_of(m, l, t);

	if (w <= best->min_width + 1e-9 && best->det == det)
		return;
	if (best->det != 0 && best->det < det)
		return;
	/* the reduced basis, expressed in the cell's vectors, right-handed */
	mat3_mul(t, m, full);
	if (mat3_det(full) < 0)
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++)
				full[i][j] = -full[i][j];
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			best->m[i][j] = (int)lround(full[i][j]);
	best->det = det;
	best->min_width = w;
}

int
supercell_min(const double l[3][3], double lmin, int max_det, struct supercell *out)
{
	double w[3], vol = fabs(lat_volume(l)), red[3][3], t[3][3];
	int nd[3], ddiag, dlo;

	memset(out, 0, sizeof(*out));
	lat_lll(l, red, t);
	lat_widths(red, w);
	for (int k = 0; k < 3; k++)
		nd[k] = w[k] >= lmin ? 1 : (int)ceil(lmin / w[k] - 1e-12);
	ddiag = nd[0] * nd[1] * nd[2];
	dlo = (int)ceil(lmin * lmin * lmin / vol - 1e-9);
	if (dlo < 1)
		dlo = 1;
	for (int det = dlo; det < ddiag && det <= max_det; det++) {
		for (int a = 1; a <= det; a++) {
			if (det % a)
				continue;
			for (int c = 1; c <= det / a; c++) {
				if ((det / a) % c)
					continue;
				int f = det / a / c;
				for (int b = 0; b < a; b++)
				for (int d = 0; d < a; d++)
				for (int e = 0; e < c; e++) {
					double m[3][3] = { { a, 0, 0 }, { b, c, 0 }, { d, e, f } }, tt[3][3];
					double mw = min_width_of(m, l, tt);
					if (mw >= lmin - 1e-9)
						consider(m, l, det, out);
				}
			}
		}
		if (out->det)
			return 0;
	}
	if (ddiag > max_det)
		return -1;
	/* the diagonal supercell of the reduced cell, expressed in the cell's vectors */
	{
		double m[3][3] = { { nd[0], 0, 0 }, { 0, nd[1], 0 }, { 0, 0, nd[2] } }, full[3][3];
		mat3_mul(m, t, full);
		consider(full, l, ddiag, out);
	}
	return 0;
}
