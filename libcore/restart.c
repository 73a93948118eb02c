#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "restart.h"
#include "xalloc.h"

const char *const restart_file[RESTART_N] = { "WAVECAR", "CHGCAR" };
const char *const restart_tag[RESTART_N] = { "ISTART", "ICHARG" };

void
restart_find(const char *dir, char *path[RESTART_N])
{
	struct stat st;
	int is_dir = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);

	for (int k = 0; k < RESTART_N; k++) {
		path[k] = NULL;
		if (!is_dir)
			continue;
		char *p = xasprintf("%s/%s", dir, restart_file[k]);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			path[k] = p;
		else
			free(p);
	}
}

void
restart_release(char *path[RESTART_N])
{
	for (int k = 0; k < RESTART_N; k++) {
		free(path[k]);
		path[k] = NULL;
	}
}

/* Write all n bytes of buf to fd. */
static int
write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t put = write(fd, buf, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		buf += put, n -= (size_t)put;
	}
	return 0;
}

int
restart_copy_file(const char *from, const char *to, struct hk_err *err)
{
	char buf[1 << 16];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	ssize_t got = 0;

	if (in < 0) {
		err_set(err, "%s: %s", from, strerror(errno));
		return -1;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		err_set(err, "%s: %s", to, strerror(errno));
		goto out;
	}
	while ((got = read(in, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err_set(err, "%s: %s", from, strerror(errno));
			goto out;
		}
		if (write_all(out, buf, (size_t)got) == -1) {
			err_set(err, "%s: write error: %s", to, strerror(errno));
			goto out;
		}
	}
	if (fsync(out) != 0) {
		err_set(err, "%s: %s", to, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(in);
	if (out >= 0 && close(out) != 0 && rc == 0) {
		err_set(err, "%s: %s", to, strerror(errno));
		rc = -1;
	}
	if (rc == -1 && out >= 0)
		unlink(to);
	return rc;
}

int
restart_copy(char *const path[RESTART_N], const char *dir, int got[RESTART_N], struct hk_err *err)
{
	int rc = 0;

	for (int k = 0; k < RESTART_N; k++) {
		got[k] = 0;
		if (path[k] == NULL || rc == -1)
			continue;
		char *to = xasprintf("%s/%s", dir, restart_file[k]);
		rc = restart_copy_file(path[k], to, err);
		got[k] = rc == 0;
		free(to);
	}
	return rc;
}

/* 1 when the line's first tag is key (any case). */
static int
line_sets(const char *line, size_t len, const char *key)
{
	size_t k = 0, n = strlen(key);

	while (k < len && (line[k] == ' ' || line[k] == '\t'))
		k++;
	if (len - k < n || strncasecmp(line + k, key, n) != 0)
		return 0;
	k += n;
	while (k < len && (line[k] == ' ' || line[k] == '\t'))
		k++;
	return k < len && line[k] == '=';
}

void
restart_incar_set(struct sbuf *incar, const char *key, const char *val)
{
	struct sbuf out = SBUF_INIT;
	const char *p = incar->s ? incar->s : "", *end = p + incar->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!line_sets(p, len, key)) {
			sbuf_add(&out, p, len);
			sbuf_addc(&out, '\n');
		}
		p += len + (nl != NULL);
	}
	sbuf_addf(&out, "%s = %s\n", key, val);
	sbuf_release(incar);
	*incar = out;
}

void
restart_incar_apply(struct sbuf *incar, const int got[RESTART_N])
{
	for (int k = 0; k < RESTART_N; k++)
		if (got[k])
			restart_incar_set(incar, restart_tag[k], "1");
}
