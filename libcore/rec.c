#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "rec.h"
#include "xalloc.h"

struct rec_reader *
rec_open(const char *path, struct hk_err *err)
{
	struct rec_reader *r;
	struct src_gunzip *gz;
	FILE *f;

	if (path == NULL || strcmp(path, "-") == 0) {
		f = stdin;
		path = "-";
	} else if ((f = fopen(path, "r")) == NULL) {
		err_at(err, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	gz = src_gunzip_open(linerd_pull_file, f);
	r = rec_open_pull(src_gunzip_pull, gz, path);
	r->f = f;
	r->gz = gz;
	return r;
}

struct rec_reader *
rec_open_pull(linerd_pull pull, void *ctx, const char *name)
{
	struct rec_reader *r = xcalloc(1, sizeof(*r));

	r->name = xstrdup(name);
	linerd_init(&r->lr, pull, ctx, r->name, 0);
	return r;
}

static int
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

json_t *
rec_parse(const char *text, size_t len, const char *name, long lineno, struct hk_err *err)
{
	json_error_t je;
	json_t *v;

	if (memchr(text, '\0', len) != NULL) {
		err_at(err, name, lineno, "binary data (NUL byte) in a JSON line");
		return NULL;
	}
	v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (v == NULL) {
		err_at(err, name, lineno, "invalid JSON: %s", je.text);
		err->col = je.column > 0 ? je.column : 0;
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		err_at(err, name, lineno, "record is not a JSON object");
		return NULL;
	}
	return v;
}

int
rec_next(struct rec_reader *r, json_t **out, struct hk_err *err)
{
	const char *line;
	size_t len;
	int rc;

	for (;;) {
		rc = linerd_next(&r->lr, &line, &len, err);
		if (rc < 0 && r->lr.failed && r->gz)
			src_gunzip_error(r->gz, r->name, err);
		if (rc <= 0)
			return rc;
		if (!blank(line, len))
			break;
	}
	*out = rec_parse(line, len, r->name, r->lr.lineno, err);
	r->text = line;
	r->text_len = len;
	return *out ? 1 : -1;
}

const char *
rec_text(const struct rec_reader *r, size_t *len)
{
	*len = r->text_len;
	return r->text;
}

void
rec_set_limits(struct rec_reader *r, const struct hk_limits *lim)
{
	if (lim == NULL)
		lim = limits_default();
	r->lr.max = (size_t)lim->line;
	if (r->gz)
		src_gunzip_limit(r->gz, lim->ratio);
}

int
rec_failed(const struct rec_reader *r)
{
	return r->lr.failed;
}

long
rec_line(const struct rec_reader *r)
{
	return r->lr.lineno;
}

void
rec_close(struct rec_reader *r)
{
	if (r == NULL)
		return;
	linerd_release(&r->lr);
	if (r->gz)
		src_gunzip_close(r->gz);
	if (r->f && r->f != stdin)
		fclose(r->f);
	free(r->name);
	free(r);
}

int
rec_id_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];
		if (!(isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return n > 0 && n <= 200 && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

const char *
rec_id(const json_t *rec, struct hk_err *err)
{
	const json_t *v = json_object_get(rec, "id");
	const char *s;

	if (v == NULL) {
		err_set(err, "record has no \"id\"");
		return NULL;
	}
	if (!json_is_string(v)) {
		err_set(err, "\"id\" is not a string");
		return NULL;
	}
	s = json_string_value(v);
	if (!rec_id_valid(s)) {
		err_set(err, "invalid id '%.80s' (want 1-200 of [A-Za-z0-9._-])", s);
		return NULL;
	}
	return s;
}

json_t *
rec_get_path(const json_t *rec, const char *path)
{
	json_t *cur = (json_t *)rec;
	char key[256];

	while (cur && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n == 0 || n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (json_is_object(cur)) {
			cur = json_object_get(cur, key);
		} else if (json_is_array(cur)) {
			long i;
			cur = num_parse_long(key, 0, LONG_MAX, &i) == 0 ? json_array_get(cur, (size_t)i) : NULL;
		} else {
			return NULL;
		}
		path += n + (dot ? 1 : 0);
		if (dot && *path == '\0')
			return NULL;
	}
	return cur;
}
