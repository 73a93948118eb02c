#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fileio.h"
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

int
restart_copy(char *const path[RESTART_N], const char *dir, int got[RESTART_N], struct hk_err *err)
{
	int rc = 0;

	for (int k = 0; k < RESTART_N; k++) {
		got[k] = 0;
		if (path[k] == NULL || rc == -1)
			continue;
		char *to = xasprintf("%s/%s", dir, restart_file[k]);
		rc = file_copy_sync(path[k], to, err);
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
