#include <pthread.h>
#include <stdatomic.h>

#include "pmap.h"
#include <stdlib.h>
#include <unistd.h>

#include "xalloc.h"

struct job {
	void **items;
	int n;
	atomic_int next;
	pmap_fn fn;
	const void *ctx;
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	int i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n)
		j->fn(j->ctx, j->items[i]);
	return NULL;
}

void
pmap_run(void **items, int n, int nthreads, pmap_fn fn, const void *ctx)
{
	struct job j = { items, n, 0, fn, ctx };
	pthread_t *t;
	int started = 0;

	if (nthreads <= 1 || n <= 1) {
		worker(&j);
		return;
	}
	if (nthreads > n)
		nthreads = n;
	t = xmalloc((size_t)nthreads * sizeof(*t));
	for (int k = 1; k < nthreads; k++)
		if (pthread_create(&t[k], NULL, worker, &j) == 0)
			t[started++ + 1] = t[k];
	worker(&j);
	for (int k = 1; k <= started; k++)
		pthread_join(t[k], NULL);
	free(t);
}

int
pmap_cpus(int max)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > max ? max : (int)n;
}
