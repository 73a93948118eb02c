#include <string.h>

#include "csv.h"
#include "jsonw.h"
#include "num.h"
#include "rec.h"

void
csv_field(struct sbuf *row, const char *s, int first)
{
	if (!first)
		sbuf_addc(row, ',');
	if (strpbrk(s, ",\"\r\n") == NULL) {
		sbuf_addstr(row, s);
		return;
	}
	sbuf_addc(row, '"');
	for (; *s; s++) {
		if (*s == '"')
			sbuf_addc(row, '"');
		sbuf_addc(row, *s);
	}
	sbuf_addc(row, '"');
}

void
csv_json_field(struct sbuf *row, const json_t *v, int first)
{
	char nb[NUM_BUFSZ];
	struct sbuf tmp = SBUF_INIT;
	struct hk_err e = HK_ERR_INIT;

	if (v == NULL || json_is_null(v)) {
		csv_field(row, "", first);
	} else if (json_is_string(v)) {
		csv_field(row, json_string_value(v), first);
	} else if (json_is_integer(v)) {
		sbuf_addf(&tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		csv_field(row, tmp.s, first);
	} else if (json_is_real(v)) {
		csv_field(row, num_format(json_real_value(v), nb), first);
	} else {
		jsonw_value(&tmp, v, &e);
		csv_field(row, tmp.s ? tmp.s : "", first);
	}
	sbuf_release(&tmp);
}

void
csv_record(struct sbuf *row, const json_t *rec, const char *const *cols, int ncols)
{
	for (int i = 0; i < ncols; i++)
		csv_json_field(row, rec_get_path(rec, cols[i]), i == 0);
	sbuf_addc(row, '\n');
}

void
csv_header(struct sbuf *row, const char *const *cols, int ncols)
{
	for (int i = 0; i < ncols; i++)
		csv_field(row, cols[i], i == 0);
	sbuf_addc(row, '\n');
}

/* One field from s, unquoted in place; returns where the next one starts, or NULL at the end. */
static char *
split_field(char *s)
{
	char *w = s, *r = s;

	if (*r == '"') {
		for (r++; *r; ) {
			if (*r == '"' && r[1] == '"') {
				*w++ = '"';
				r += 2;
			} else if (*r == '"') {
				r++;
				break;
			} else {
				*w++ = *r++;
			}
		}
		while (*r && *r != ',')
			r++;
	} else {
		while (*r && *r != ',')
			*w++ = *r++;
	}
	int last = *r == '\0';
	*w = '\0';
	return last ? NULL : r + 1;
}

int
csv_split(char *line, char **fields, int max)
{
	int n = 0;

	for (char *s = line; s && n < max; n++) {
		fields[n] = s;
		s = split_field(s);
	}
	return n;
}
