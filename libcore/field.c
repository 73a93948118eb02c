#include <limits.h>
#include <stdio.h>

#include "field.h"
#include "num.h"
#include "rec.h"

const char *
field_type(const json_t *v, char *buf, size_t n)
{
	char nb[NUM_BUFSZ];

	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_INTEGER:
		snprintf(buf, n, "the integer %" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, n, "the number %s", num_format(json_real_value(v), nb));
		return buf;
	default: return v ? "null" : "absent";
	}
}

/* -1 with "NAME is <what v is>, want WANT". */
static int
wrong(const json_t *v, const char *name, const char *want, struct hk_err *err)
{
	char buf[64];

	err_set(err, "\"%.200s\" is %s, want %s", name, field_type(v, buf, sizeof(buf)), want);
	return -1;
}

/* "", " of at least 0", " from 1 to 97": the bounds of an integer, for messages. */
static const char *
int_range(long lo, long hi, char *buf, size_t n)
{
	if (lo == LONG_MIN && hi == LONG_MAX)
		snprintf(buf, n, "%s", "");
	else if (hi == LONG_MAX)
		snprintf(buf, n, " of at least %ld", lo);
	else if (lo == LONG_MIN)
		snprintf(buf, n, " of at most %ld", hi);
	else
		snprintf(buf, n, " from %ld to %ld", lo, hi);
	return buf;
}

static int
value_num(const json_t *v, const char *name, double *out, struct hk_err *err)
{
	if (!json_is_number(v))
		return wrong(v, name, "a number", err);
	*out = json_number_value(v);
	return 1;
}

static int
value_int(const json_t *v, const char *name, long lo, long hi, long *out, struct hk_err *err)
{
	char want[80], range[64];

	if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi) {
		*out = (long)json_integer_value(v);
		return 1;
	}
	snprintf(want, sizeof(want), "an integer%s", int_range(lo, hi, range, sizeof(range)));
	return wrong(v, name, want, err);
}

/* The field at key, or NULL when absent or null. */
static const json_t *
get(const json_t *rec, const char *key)
{
	const json_t *v = rec_get_path(rec, key);

	return json_is_null(v) ? NULL : v;
}

int
field_num(const json_t *rec, const char *key, double *out, struct hk_err *err)
{
	const json_t *v = get(rec, key);

	return v ? value_num(v, key, out, err) : 0;
}

int
field_int(const json_t *rec, const char *key, long lo, long hi, long *out, struct hk_err *err)
{
	const json_t *v = get(rec, key);

	return v ? value_int(v, key, lo, hi, out, err) : 0;
}

int
field_str(const json_t *rec, const char *key, const char **out, struct hk_err *err)
{
	const json_t *v = get(rec, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return wrong(v, key, "a string", err);
	*out = json_string_value(v);
	return 1;
}

int
field_bool(const json_t *rec, const char *key, int *out, struct hk_err *err)
{
	const json_t *v = get(rec, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return wrong(v, key, "true or false", err);
	*out = json_is_true(v);
	return 1;
}

int
field_array(const json_t *rec, const char *key, const json_t **out, struct hk_err *err)
{
	const json_t *v = get(rec, key);

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return wrong(v, key, "an array", err);
	*out = v;
	return 1;
}

int
field_object(const json_t *rec, const char *key, const json_t **out, struct hk_err *err)
{
	const json_t *v = get(rec, key);

	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return wrong(v, key, "an object", err);
	*out = v;
	return 1;
}

/* The array at key, checked to hold n entries; 0 absent, -1 wrong (err says "of WHAT"). */
static int
array_of(const json_t *rec, const char *key, size_t n, const char *what, const json_t **a, struct hk_err *err)
{
	char want[96];
	int rc = field_array(rec, key, a, err);

	if (rc == 1 && json_array_size(*a) != n) {
		err_set(err, "\"%.200s\" has %zu entries, want %zu %s", key, json_array_size(*a), n, what);
		return -1;
	}
	if (rc == -1) {
		snprintf(want, sizeof(want), "an array of %zu %s", n, what);
		return wrong(rec_get_path(rec, key), key, want, err);
	}
	return rc;
}

/* "key.k", the name of an entry in messages. */
static const char *
entry_name(const char *key, size_t k, char *buf, size_t n)
{
	snprintf(buf, n, "%.200s.%zu", key, k);
	return buf;
}

int
field_nums(const json_t *rec, const char *key, double *out, size_t n, struct hk_err *err)
{
	const json_t *a = NULL;
	char name[224];
	double x;
	int rc = array_of(rec, key, n, "numbers", &a, err);

	if (rc != 1)
		return rc;
	/* every entry checked before any is stored: *out stays as it was on an error */
	for (size_t k = 0; k < n; k++)
		if (value_num(json_array_get(a, k), entry_name(key, k, name, sizeof(name)), &x, err) == -1)
			return -1;
	for (size_t k = 0; k < n; k++)
		out[k] = json_number_value(json_array_get(a, k));
	return 1;
}

int
field_ints(const json_t *rec, const char *key, long lo, long hi, long *out, size_t n, struct hk_err *err)
{
	const json_t *a = NULL;
	char name[224], want[80], range[64];
	long x;
	int rc;

	snprintf(want, sizeof(want), "integers%s", int_range(lo, hi, range, sizeof(range)));
	if ((rc = array_of(rec, key, n, want, &a, err)) != 1)
		return rc;
	for (size_t k = 0; k < n; k++)
		if (value_int(json_array_get(a, k), entry_name(key, k, name, sizeof(name)), lo, hi, &x, err) == -1)
			return -1;
	for (size_t k = 0; k < n; k++)
		out[k] = (long)json_integer_value(json_array_get(a, k));
	return 1;
}

int
field_check(const json_t *rec, const struct field_spec *spec, struct hk_err *err)
{
	const json_t *j;
	const char *str;
	double x[16];
	long l[16];
	int b, rc = 0;

	for (const struct field_spec *f = spec; f && f->key && rc != -1; f++) {
		switch (f->want) {
		case FIELD_NUM: rc = field_num(rec, f->key, x, err); break;
		case FIELD_INT: rc = field_int(rec, f->key, f->lo, f->hi, l, err); break;
		case FIELD_STR: rc = field_str(rec, f->key, &str, err); break;
		case FIELD_BOOL: rc = field_bool(rec, f->key, &b, err); break;
		case FIELD_ARRAY:
			rc = field_array(rec, f->key, &j, err);
			if (rc == 1 && f->n && json_array_size(j) != f->n) {
				err_set(err, "\"%.200s\" has %zu entries, want %zu", f->key, json_array_size(j), f->n);
				rc = -1;
			}
			break;
		case FIELD_OBJECT: rc = field_object(rec, f->key, &j, err); break;
		case FIELD_NUMS: rc = f->n <= 16 ? field_nums(rec, f->key, x, f->n, err) : 0; break;
		case FIELD_INTS: rc = f->n <= 16 ? field_ints(rec, f->key, f->lo, f->hi, l, f->n, err) : 0; break;
		}
	}
	return rc == -1 ? -1 : 0;
}

json_t *
field_checked(json_t *rec, const struct field_spec *spec, const char *where, struct hk_err *err)
{
	if (rec == NULL || field_check(rec, spec, err) == 0)
		return rec;
	err_prefix(err, "%s", where);
	json_decref(rec);
	return NULL;
}
