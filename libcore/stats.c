#include <math.h>
#include <stdlib.h>

#include "stats.h"
#include "xalloc.h"

struct ranked {
	double v;
	long i;
};

static int
by_value(const void *a, const void *b)
{
	const struct ranked *p = a, *q = b;

	return (p->v > q->v) - (p->v < q->v);
}

void
stats_ranks(const double *x, long n, double *r)
{
	struct ranked *s = xreallocarray(NULL, n > 0 ? (size_t)n : 1, sizeof(*s));

	for (long i = 0; i < n; i++)
		s[i] = (struct ranked){ x[i], i };
	qsort(s, (size_t)n, sizeof(*s), by_value);
	for (long i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && s[j].v == s[i].v; j++)
			;
		/* positions i..j-1 hold one value: ranks i+1..j, whose mean is this */
		double mean = 0.5 * (double)(i + 1 + j);
		for (long k = i; k < j; k++)
			r[s[k].i] = mean;
	}
	free(s);
}

double
stats_pearson(const double *x, const double *y, long n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

	if (n < 2)
		return NAN;
	for (long i = 0; i < n; i++)
		mx += x[i], my += y[i];
	mx /= (double)n, my /= (double)n;
	for (long i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
	}
	if (sxx == 0 || syy == 0)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

double
stats_spearman(const double *x, const double *y, long n)
{
	double *rx, *ry, rho;

	if (n < 2)
		return NAN;
	rx = xreallocarray(NULL, (size_t)n, sizeof(*rx));
	ry = xreallocarray(NULL, (size_t)n, sizeof(*ry));
	stats_ranks(x, n, rx);
	stats_ranks(y, n, ry);
	rho = stats_pearson(rx, ry, n);
	free(rx);
	free(ry);
	return rho;
}

double
stats_mae(const double *x, const double *y, long n)
{
	double s = 0;

	if (n == 0)
		return NAN;
	for (long i = 0; i < n; i++)
		s += fabs(x[i] - y[i]);
	return s / (double)n;
}
