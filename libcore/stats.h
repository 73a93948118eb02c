/*
 * stats.h - the rank statistics a model is judged by.
 *
 * Spearman's rho is Pearson's correlation of the two samples' ranks, ties
 * sharing their mean rank (as scipy.stats.spearmanr computes it).  It is
 * NaN when fewer than two pairs are given or either sample is constant:
 * there is no order to compare.  Nothing here allocates except the rank
 * scratch of stats_spearman, which is freed before it returns.
 */
#ifndef HK_STATS_H
#define HK_STATS_H

/* Ranks 1..n of x[0..n) into r, ties given their mean rank. */
void stats_ranks(const double *x, long n, double *r);

/* Pearson's correlation of x and y; NaN when n < 2 or either is constant. */
double stats_pearson(const double *x, const double *y, long n);

/* Spearman's rho of x and y; NaN when n < 2 or either is constant. */
double stats_spearman(const double *x, const double *y, long n);

/* The mean absolute difference of x and y; NaN when n is 0. */
double stats_mae(const double *x, const double *y, long n);

#endif
