#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errwatch.h"
#include "sbuf.h"
#include "xalloc.h"

static void
add_file(struct errwatch *w, const char *dir, const char *label, int outcar)
{
	struct errwatch_file *f;
	struct stat st;

	w->f = xreallocarray(w->f, (size_t)w->nf + 1, sizeof(*w->f));
	f = &w->f[w->nf++];
	memset(f, 0, sizeof(*f));
	f->path = xasprintf("%s/%s", dir, label);
	f->label = xstrdup(label);
	f->outcar = outcar;
	f->size0 = -1;
	if (stat(f->path, &st) == 0) {
		f->size0 = st.st_size;
		f->mtime0 = st.st_mtim;
	}
}

void
errwatch_init(struct errwatch *w, const char *dir, int nimages)
{
	memset(w, 0, sizeof(*w));
	add_file(w, dir, "vasp.out", 0);
	add_file(w, dir, "std_err.txt", 0);
	if (nimages <= 0)
		add_file(w, dir, "OUTCAR", 1);
	for (int k = 1; k <= nimages; k++) {
		char *label = xasprintf("%02d/OUTCAR", k);
		add_file(w, dir, label, 1);
		free(label);
	}
}

static void
found(struct errwatch *w, const char *key, const char *label)
{
	for (int i = 0; i < w->nk; i++)
		if (strcmp(w->keys[i], key) == 0)
			return;
	if (w->nk < VERR_MAX) {
		w->keys[w->nk] = key;
		w->where[w->nk++] = label;
	}
}

/* Whether f was written since the watch began: until then it is an earlier attempt's. */
static int
written(const struct errwatch_file *f, const struct stat *st)
{
	return f->size0 < 0 || st->st_size != f->size0 || st->st_mtim.tv_sec != f->mtime0.tv_sec ||
	    st->st_mtim.tv_nsec != f->mtime0.tv_nsec;
}

/* Read from..end of f and look for the errors there. */
static void
scan(struct errwatch *w, struct errwatch_file *f, off_t from, off_t end)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	size_t n = (size_t)(end - from), got = 0;
	char *buf;

	if (fd < 0)
		return;
	buf = xmalloc(n ? n : 1);
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, from + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	const char *k[VERR_MAX];
	int m = f->outcar ? verr_detect_outcar(buf, got, k, VERR_MAX) : verr_detect(buf, got, k, VERR_MAX);
	for (int i = 0; i < m; i++)
		found(w, k[i], f->label);
	f->done = from + (off_t)got;
	free(buf);
}

int
errwatch_update(struct errwatch *w)
{
	off_t back = (off_t)verr_longest();

	for (int i = 0; i < w->nf; i++) {
		struct errwatch_file *f = &w->f[i];
		struct stat st;
		if (stat(f->path, &st) == -1)
			continue;
		if (!f->fresh) {
			if (!written(f, &st))
				continue;
			f->fresh = 1;
			f->done = 0;
		}
		if (st.st_size < f->done)
			f->done = 0;	/* rewritten */
		if (st.st_size > f->done)
			scan(w, f, f->done > back ? f->done - back : 0, st.st_size);
	}
	return w->nk;
}

void
errwatch_release(struct errwatch *w)
{
	for (int i = 0; i < w->nf; i++) {
		free(w->f[i].path);
		free(w->f[i].label);
	}
	free(w->f);
	memset(w, 0, sizeof(*w));
}
