#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "tiers.h"
#include "xalloc.h"

/* make's own variables: given on make's command line they change how it runs */
static const char *const make_own[] = { "SHELL", "MAKESHELL", "MFLAGS", "GNUMAKEFLAGS", "VPATH", "SUFFIXES",
	"CURDIR", "PATH", NULL };

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* -1 with "what" at column at + 1 */
static int
bad_at(struct hk_err *err, size_t at, const char *what, char ch)
{
	err->col = (long)at + 1;
	err_set(err, what, ch);
	return -1;
}

/* A byte of a word at column at + 1 (quoted: inside ' or "): -1 with why it cannot be. */
static int
check_char(char ch, int quoted, size_t at, struct hk_err *err)
{
	if (ch == '$')
		return bad_at(err, at, "'%c': make would expand it (write the value itself)", ch);
	if (ch == '`')
		return bad_at(err, at, "a backquote (%c): a shell would run what it quotes", ch);
	if (ch == '\\')
		return bad_at(err, at, "a backslash (%c): quote with ' or \" instead", ch);
	if (!quoted && strchr(";&|<>()", ch))
		return bad_at(err, at, "'%c' outside quotes: a shell would take it as an operator", ch);
	if (!quoted && strchr("*?[~", ch))
		return bad_at(err, at, "'%c' outside quotes: a shell would expand it", ch);
	return 0;
}

/*
 * The next word of s[*i, n), its quotes removed, into w: 1, or 0 at the
 * end of the line or a comment, or -1.
 */
static int
next_word(const char *s, size_t n, size_t *i, struct sbuf *w, struct hk_err *err)
{
	size_t at = *i;

	while (at < n && is_blank(s[at]))
		at++;
	if (at == n || s[at] == '#') {
		*i = n;
		return 0;
	}
	sbuf_reset(w);
	while (at < n && !is_blank(s[at])) {
		char q = s[at];
		if (q != '\'' && q != '"') {
			if (check_char(q, 0, at, err) == -1)
				return -1;
			sbuf_addc(w, s[at++]);
			continue;
		}
		size_t open = at++;
		for (; at < n && s[at] != q; at++) {
			if (check_char(s[at], 1, at, err) == -1)
				return -1;
			sbuf_addc(w, s[at]);
		}
		if (at == n)
			return bad_at(err, open, "unbalanced quote %c: it is not closed on the line", q);
		at++;
	}
	*i = at;
	return 1;
}

/* Does the name begin with [A-Za-z_] and go on with [A-Za-z0-9_]? */
static int
is_name(const char *s, size_t n)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";

	if (n == 0 || strchr(alpha, s[0]) == NULL)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (strchr(alpha, s[i]) == NULL && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

/* The word w (which began at column start + 1) as NAME=VALUE appended to t. */
static int
add_var(struct tiers_line *t, const char *w, size_t start, const char *const *names, struct hk_err *err)
{
	const char *eq = strchr(w, '=');
	size_t nn = eq ? (size_t)(eq - w) : 0;
	char *name;

	err->col = (long)start + 1;
	if (eq == NULL || !is_name(w, nn)) {
		err_set(err, "'%.60s' is not an assignment NAME=VALUE (NAME: letters, digits, _)", w);
		return -1;
	}
	name = xstrndup(w, nn);
	if (names ? !in_list(names, name) : in_list(make_own, name) || strncmp(name, "MAKE", 4) == 0) {
		err_set(err, "%s: %s", name, names ? "not a variable a tier may set" : "make's own variable");
		free(name);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0) {
			err_set(err, "%s given twice", name);
			free(name);
			return -1;
		}
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n].name = name;
	t->v[t->n++].value = xstrdup(eq + 1);
	return 0;
}

int
tiers_parse_line(const char *s, size_t n, const char *const *names, struct tiers_line *out, struct hk_err *err)
{
	struct sbuf w = SBUF_INIT;
	size_t i = 0, start;
	int rc = 0, got;

	tiers_line_release(out);
	if (n > TIERS_LINE_MAX) {
		err_set(err, "line longer than %d bytes", TIERS_LINE_MAX);
		return -1;
	}
	/* control characters even in a comment: a CR there means a DOS file */
	for (size_t k = 0; k < n; k++) {
		unsigned char ch = (unsigned char)s[k];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			err->col = (long)k + 1;
			err_set(err, "control character 0x%02x%s", ch, ch == '\r' ? " (a DOS line end?)" : "");
			return -1;
		}
	}
	for (;;) {
		for (start = i; start < n && is_blank(s[start]); start++)
			;
		if ((got = next_word(s, n, &i, &w, err)) == 0)
			break;
		if (got == -1 || add_var(out, w.s ? w.s : "", start, names, err) == -1) {
			rc = -1;
			break;
		}
	}
	sbuf_release(&w);
	if (rc == -1)
		tiers_line_release(out);
	return rc;
}

int
tiers_parse(const char *text, size_t n, const char *name, const char *const *names, long want, long *count,
    struct tiers_line *out, struct hk_err *err)
{
	struct tiers_line scratch = TIERS_LINE_INIT;
	size_t at = 0;
	long lineno = 0;
	int rc = 0;

	*count = 0;
	tiers_line_release(out);
	while (rc == 0 && at < n) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t len = nl ? (size_t)(nl - (text + at)) : n - at;
		lineno++;
		err->col = 0;
		if ((rc = tiers_parse_line(text + at, len, names, &scratch, err)) == -1) {
			long col = err->col;
			err_where(err, name, lineno);
			err->col = col;
		}
		else if (scratch.n > 0 && ++*count == want) {
			*out = scratch;
			scratch = (struct tiers_line)TIERS_LINE_INIT;
		}
		at += len + 1;
	}
	tiers_line_release(&scratch);
	if (rc == -1)
		tiers_line_release(out);
	return rc;
}

int
tiers_read(const char *path, const char *const *names, long want, long *count, struct tiers_line *out,
    struct hk_err *err)
{
	struct sbuf text = SBUF_INIT;
	struct stat st;
	int rc = -1;

	*count = 0;
	tiers_line_release(out);
	errno = 0;
	err_where(err, path, 0);
	err->col = 0;
	/* before reading: a FIFO or /dev/zero named by mistake would never end */
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		err_set(err, "%s", errno ? strerror(errno) : "not a regular file");
	else if (st.st_size > TIERS_FILE_MAX)
		err_set(err, "larger than %d bytes: not a tiers file", TIERS_FILE_MAX);
	else if (file_read(path, &text) == -1)
		err_set(err, "%s", strerror(errno));
	else
		rc = tiers_parse(text.s ? text.s : "", text.len, path, names, want, count, out, err);
	sbuf_release(&text);
	return rc;
}

void
tiers_quote(const struct tiers_line *t, struct sbuf *out)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *parts[] = { t->v[i].name, "=", t->v[i].value };
		sbuf_addstr(out, i ? " '" : "'");
		for (size_t k = 0; k < 3; k++)
			for (const char *p = parts[k]; *p; p++) {
				if (*p == '\'')
					sbuf_addstr(out, "'\\''");
				else
					sbuf_addc(out, *p);
			}
		sbuf_addc(out, '\'');
	}
}

void
tiers_line_release(struct tiers_line *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].value);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
