#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "num.h"
#include "sbuf.h"
#include "slurmconf.h"

enum { K_PARTITION, K_ACCOUNT, K_TIME, K_NODES, K_NTASKS, K_LINE, NKEYS };
static const char *const keys[NKEYS] = { "partition", "account", "time", "nodes", "ntasks", "line" };
/* "*" first: its settings give way to a kind's own */
static const char *const kinds[] = { "*", "static3", "neb", "relax", "shard" };
#define KIND_SHARD 4
#define NKINDS (sizeof kinds / sizeof *kinds)

struct conf_read {
	const char *name, *kind;
	long lineno;
	struct slurm_conf *c;
	struct hk_err *err;
	long seen[NKINDS][NKEYS];	/* the line a kind's key was given on, 0: not yet */
	int from[NKEYS];		/* 0 unset, 1 from *, 2 from the kind itself */
	struct sbuf lines;
};

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The index of the n bytes at w in list, or -1. */
static int
lookup(const char *const *list, size_t len, const char *w, size_t n)
{
	for (size_t i = 0; i < len; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return (int)i;
	return -1;
}

static const char *
next_word(const char **p, size_t *n)
{
	const char *w = *p;

	while (is_blank(*w))
		w++;
	for (*n = 0; w[*n] && !is_blank(w[*n]); ++*n)
		;
	*p = w + *n;
	return w;
}

/* "FILE:LINE: KEY 'VALUE' what"; -1 */
static int
bad_value(struct conf_read *r, int key, const char *v, const char *what)
{
	err_set(r->err, "%s:%ld: %s '%.80s' %s", r->name, r->lineno, keys[key], v, what);
	return -1;
}

/* Digits only, 1 to 6 of them, ending at one of the bytes in stop; *p moves past them. */
static int
digits(const char **p, const char *stop)
{
	size_t n = strspn(*p, "0123456789");

	if (n == 0 || n > 6 || strchr(stop, (*p)[n]) == NULL)
		return -1;
	*p += n;
	return 0;
}

/*
 * Slurm's time limits: minutes, minutes:seconds, hours:minutes:seconds,
 * days-hours, days-hours:minutes, days-hours:minutes:seconds, or
 * INFINITE / UNLIMITED.
 */
static int
check_time(const char *v)
{
	const char *p = v;
	int groups = 0;

	if (strcmp(v, "INFINITE") == 0 || strcmp(v, "UNLIMITED") == 0)
		return 0;
	if (strchr(v, '-') && digits(&p, "-") == 0)
		p++;
	while (groups < 3 && digits(&p, ":") == 0) {
		groups++;
		if (*p == '\0')
			return 0;
		p++;
	}
	return -1;
}

/* Is v a good value for key?  *x gets the number of nodes and ntasks. */
static int
check_value(struct conf_read *r, int key, const char *v, long *x)
{
	static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+,";
	const char *end;

	switch (key) {
	case K_PARTITION:
	case K_ACCOUNT:
		if (v[strspn(v, name_chars)] != '\0')
			return bad_value(r, key, v, "is not one word of letters, digits and . _ - + ,");
		if (strlen(v) >= sizeof(r->c->partition))
			return bad_value(r, key, v, "is too long (at most 63 bytes)");
		break;
	case K_TIME:
		if (check_time(v) == -1)
			return bad_value(r, key, v, "is not a Slurm time (minutes, [days-]hours:minutes:seconds, ...)");
		break;
	case K_NODES:
	case K_NTASKS:
		if (v[0] < '0' || v[0] > '9' || num_scan_long(v, &end, x) == -1 || *end != '\0')
			return bad_value(r, key, v, "is not a whole number");
		if (*x < 1 || *x > INT_MAX)
			return bad_value(r, key, v, "is out of range (1 to 2147483647)");
		break;
	}
	return 0;
}

/* Keep a checked value; from: 1 for *, 2 for the kind's own line. */
static void
store(struct conf_read *r, int key, const char *v, long x, int from)
{
	struct slurm_conf *c = r->c;

	if (key == K_LINE) {
		sbuf_addf(&r->lines, "%s\n", v);
		return;
	}
	if (r->from[key] > from)
		return;
	r->from[key] = from;
	if (key == K_PARTITION)
		snprintf(c->partition, sizeof(c->partition), "%s", v);
	else if (key == K_ACCOUNT)
		snprintf(c->account, sizeof(c->account), "%s", v);
	else if (key == K_TIME)
		snprintf(c->time, sizeof(c->time), "%s", v);
	else if (key == K_NODES)
		c->nodes = (int)x;
	else
		c->ntasks = (int)x;
}

/* No byte below space but the tab, no DEL: a value is copied into a script. */
static int
check_bytes(struct conf_read *r, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			err_set(r->err, "%s:%ld: control character 0x%02x in column %zu%s", r->name, r->lineno, ch,
			    i + 1, ch == '\r' ? " (a DOS line end?)" : "");
			return -1;
		}
	}
	return 0;
}

/* One line (n bytes, no newline, NUL-terminated at s[n]). */
static int
conf_line(struct conf_read *r, char *s, size_t n)
{
	const char *p = s, *kw, *keyw;
	size_t kn, keyn;
	int kind, key;

	if (check_bytes(r, s, n) == -1)
		return -1;
	kw = next_word(&p, &kn);
	if (kn == 0 || kw[0] == '#')
		return 0;
	keyw = next_word(&p, &keyn);
	if ((kind = lookup(kinds, NKINDS, kw, kn)) < 0) {
		err_set(r->err, "%s:%ld: unknown job kind '%.*s' (static3, neb, relax, shard or *)", r->name, r->lineno,
		    (int)(kn > 40 ? 40 : kn), kw);
		return -1;
	}
	if ((key = lookup(keys, NKEYS, keyw, keyn)) < 0) {
		err_set(r->err, "%s:%ld: %s key '%.*s' (partition, account, time, nodes, ntasks or line)", r->name,
		    r->lineno, keyn ? "unknown" : "no", (int)(keyn > 40 ? 40 : keyn), keyw);
		return -1;
	}
	while (is_blank(*p))
		p++;
	for (n = strlen(p); n > 0 && is_blank(p[n - 1]); n--)
		s[(size_t)(p - s) + n - 1] = '\0';
	if (*p == '\0') {
		err_set(r->err, "%s:%ld: %s %s has no value", r->name, r->lineno, kinds[kind], keys[key]);
		return -1;
	}
	if (key != K_LINE && r->seen[kind][key]) {
		err_set(r->err, "%s:%ld: %s %s given twice (first on line %ld)", r->name, r->lineno, kinds[kind],
		    keys[key], r->seen[kind][key]);
		return -1;
	}
	if (kind == KIND_SHARD && (key == K_NODES || key == K_NTASKS)) {
		err_set(r->err, "%s:%ld: shard %s: a part of a cheap stage is one process on one node "
		    "(its CPUs: shard run -c)", r->name, r->lineno, keys[key]);
		return -1;
	}
	r->seen[kind][key] = r->lineno;
	long x = 0;
	if (check_value(r, key, p, &x) == -1)
		return -1;
	if (kind == 0 || strcmp(kinds[kind], r->kind) == 0)
		store(r, key, p, x, kind == 0 ? 1 : 2);
	return 0;
}

int
slurmconf_parse(const char *text, size_t n, const char *name, const char *kind, struct slurm_conf *c,
    struct hk_err *err)
{
	struct conf_read r = { .name = name, .kind = kind, .c = c, .err = err, .lines = SBUF_INIT };
	char buf[SLURMCONF_LINE_MAX + 1];
	size_t at = 0;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	while (rc == 0 && at < n) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t len = nl ? (size_t)(nl - (text + at)) : n - at;
		r.lineno++;
		if (len > SLURMCONF_LINE_MAX) {
			err_set(err, "%s:%ld: line longer than %d bytes", name, r.lineno, SLURMCONF_LINE_MAX);
			rc = -1;
			break;
		}
		memcpy(buf, text + at, len);
		buf[len] = '\0';
		rc = conf_line(&r, buf, len);
		at += len + 1;
	}
	c->lines = r.lines.s;
	return rc;
}

int
slurmconf_read(const char *path, const char *kind, struct slurm_conf *c, struct hk_err *err)
{
	struct sbuf text = SBUF_INIT;
	struct stat st;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	errno = 0;
	if (path == NULL)
		return 0;
	/* before reading: a FIFO or /dev/zero named by mistake would never end */
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		err_set(err, "%s: %s", path, errno ? strerror(errno) : "not a regular file");
	else if (st.st_size > SLURMCONF_FILE_MAX)
		err_set(err, "%s: larger than %d bytes: not a settings file", path, SLURMCONF_FILE_MAX);
	else if (file_read(path, &text) == -1)
		err_set(err, "%s: %s", path, strerror(errno));
	else
		rc = slurmconf_parse(text.s ? text.s : "", text.len, path, kind, c, err);
	sbuf_release(&text);
	return rc;
}

void
slurmconf_release(struct slurm_conf *c)
{
	free(c->lines);
	c->lines = NULL;
}
