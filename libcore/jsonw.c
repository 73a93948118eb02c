#include <math.h>
#include <string.h>

#include "jsonw.h"
#include "num.h"

void
jsonw_string(struct sbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	sbuf_grow(sb, n + 2);
	sbuf_addc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':  sbuf_add(sb, "\\\"", 2); break;
		case '\\': sbuf_add(sb, "\\\\", 2); break;
		case '\n': sbuf_add(sb, "\\n", 2); break;
		case '\r': sbuf_add(sb, "\\r", 2); break;
		case '\t': sbuf_add(sb, "\\t", 2); break;
		case '\b': sbuf_add(sb, "\\b", 2); break;
		case '\f': sbuf_add(sb, "\\f", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				sbuf_add(sb, u, 6);
			} else {
				sbuf_addc(sb, (char)c);
			}
		}
	}
	sbuf_addc(sb, '"');
}

int
jsonw_value(struct sbuf *sb, const json_t *v, struct hk_err *err)
{
	char nb[NUM_BUFSZ];
	const char *key;
	json_t *item;
	size_t i;
	int first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		sbuf_addc(sb, '{');
		json_object_foreach((json_t *)v, key, item) {
			if (!first)
				sbuf_addc(sb, ',');
			first = 0;
			jsonw_string(sb, key, strlen(key));
			sbuf_addc(sb, ':');
			if (jsonw_value(sb, item, err) == -1)
				return -1;
		}
		sbuf_addc(sb, '}');
		return 0;
	case JSON_ARRAY:
		sbuf_addc(sb, '[');
		json_array_foreach(v, i, item) {
			if (i > 0)
				sbuf_addc(sb, ',');
			if (jsonw_value(sb, item, err) == -1)
				return -1;
		}
		sbuf_addc(sb, ']');
		return 0;
	case JSON_STRING:
		jsonw_string(sb, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		sbuf_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return 0;
	case JSON_REAL:
		if (!isfinite(json_real_value(v))) {
			err_set(err, "cannot write a non-finite number as JSON");
			return -1;
		}
		sbuf_addstr(sb, num_format(json_real_value(v), nb));
		return 0;
	case JSON_TRUE:
		sbuf_addstr(sb, "true");
		return 0;
	case JSON_FALSE:
		sbuf_addstr(sb, "false");
		return 0;
	case JSON_NULL:
		sbuf_addstr(sb, "null");
		return 0;
	}
	err_set(err, "unknown JSON value type");
	return -1;
}

int
jsonw_line(FILE *f, const json_t *v, struct sbuf *scratch, struct hk_err *err)
{
	sbuf_reset(scratch);
	if (jsonw_value(scratch, v, err) == -1)
		return -1;
	sbuf_addc(scratch, '\n');
	if (fwrite(scratch->s, 1, scratch->len, f) != scratch->len) {
		err_set(err, "write error");
		return -1;
	}
	return 0;
}

json_t *
jsonw_real(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *
jsonw_vec(const double *x, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, jsonw_real(x[i]));
	return a;
}
