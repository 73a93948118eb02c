/*
 * Fuzz target: an archive (tar, zip, compressed or not, or a compressed
 * single file) read in place, as fetch-structures walks a source and as
 * collect reads a job tarball.  libarchive is trusted; what is fuzzed is
 * our handling of what it returns: the walk over members, peeking, whole
 * and streamed reads, the limits (set small here, so that they are
 * reached), and the job tarball's members down to the VASP output parsers.
 * The input goes to a temporary file named *.tgz, as both readers take a
 * path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzzmem.h"
#include "linerd.h"
#include "runread.h"
#include "source.h"

static const struct hk_limits small = { .atoms = 100, .line = 4096, .members = 64, .member_bytes = 1 << 20,
	.archive_bytes = 4 << 20, .ratio = 50 };

/* Each entry read one of three ways, chosen by its name's length. */
static int
take(void *ctx, struct src_entry *e)
{
	struct hk_err err = HK_ERR_INIT;
	const unsigned char *p;
	char *all = NULL;
	size_t n;

	(void)ctx;
	src_peek(e, 64, &p);
	if (e->failed) {
		src_error(e, &err);
		return 0;
	}
	switch (strlen(e->name) % 3) {
	case 0:
		if (src_read_all(e, 1 << 16, &all, &n, &err) == 0)
			free(all);
		break;
	case 1: {
		struct linerd lr;
		const char *line;
		size_t len;
		int rc;
		linerd_init(&lr, src_pull, e, e->name, 512);
		while ((rc = linerd_next(&lr, &line, &len, &err)) != 0 && !(rc < 0 && lr.failed))
			;
		linerd_release(&lr);
		break;
	}
	default: {
		char buf[1000];
		while (src_pull(e, buf, sizeof(buf)) > 0)
			;
	}
	}
	if (e->failed)
		src_error(e, &err);
	return 0;
}

static int
on_error(void *ctx, const struct hk_err *err)
{
	(void)ctx;
	(void)err;
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	struct hk_err err = HK_ERR_INIT;
	struct run_files *r;
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/hkfuzz-XXXXXX.tgz", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemps(path, 4)) < 0 || (f = fdopen(fd, "wb")) == NULL)
		abort();
	if (fwrite(p, 1, n, f) != n || fclose(f) != 0)
		abort();
	src_walk(path, &small, take, on_error, NULL, &err);
	r = run_read(path, &small, &err);
	run_files_free(r);
	unlink(path);
	return 0;
}
