/*
 * pmap.h - apply a function to a batch of items on several threads.
 *
 * Items are claimed one at a time from a shared counter, so uneven items
 * balance; the caller keeps the batch in input order and writes results
 * after pmap_run returns, so output order never depends on timing.  fn
 * must touch nothing but its item and read-only ctx.
 */
#ifndef HK_PMAP_H
#define HK_PMAP_H

typedef void (*pmap_fn)(const void *ctx, void *item);

/* fn(ctx, items[i]) for every i, on up to nthreads threads (1: this thread). */
void pmap_run(void **items, int n, int nthreads, pmap_fn fn, const void *ctx);

/* The processors online, at most max (at least 1). */
int pmap_cpus(int max);

#endif
