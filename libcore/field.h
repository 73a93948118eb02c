/*
 * field.h - typed reads of a record's fields.
 *
 * A field is addressed by key or dotted path ("previous.energy_barrier",
 * "esite.1"; see rec_get_path).  Every reader returns 1 when the field is
 * there with the type wanted (*out set), 0 when it is absent or null
 * (*out untouched: the caller's default stands), and -1 when it is there
 * with another type or out of range, with err naming the field, what it
 * is and what was wanted:  "length" is a string, want a number.  Only the
 * message is set; the caller adds the record and the place.  Integers
 * must be JSON integers (2.5 and 2.0 are refused) within [lo, hi].
 * Strings are borrowed from rec.
 */
#ifndef HK_FIELD_H
#define HK_FIELD_H

#include <stddef.h>
#include <jansson.h>

#include "err.h"

int field_num(const json_t *rec, const char *key, double *out, struct hk_err *err);
int field_int(const json_t *rec, const char *key, long lo, long hi, long *out, struct hk_err *err);
int field_str(const json_t *rec, const char *key, const char **out, struct hk_err *err);
int field_bool(const json_t *rec, const char *key, int *out, struct hk_err *err);

/* An array or object, borrowed from rec. */
int field_array(const json_t *rec, const char *key, const json_t **out, struct hk_err *err);
int field_object(const json_t *rec, const char *key, const json_t **out, struct hk_err *err);

/* An array of exactly n numbers, or of n integers within [lo, hi]. */
int field_nums(const json_t *rec, const char *key, double *out, size_t n, struct hk_err *err);
int field_ints(const json_t *rec, const char *key, long lo, long hi, long *out, size_t n, struct hk_err *err);

/* One row of a table of the fields a program reads, for field_check. */
enum field_want { FIELD_NUM, FIELD_INT, FIELD_STR, FIELD_BOOL, FIELD_ARRAY, FIELD_OBJECT, FIELD_NUMS, FIELD_INTS };

struct field_spec {
	const char *key;	/* NULL ends the table */
	enum field_want want;
	long lo, hi;		/* FIELD_INT, FIELD_INTS: the bounds */
	size_t n;		/* FIELD_NUMS, FIELD_INTS (at most 16), FIELD_ARRAY (0: any): the entries */
};

/*
 * 0 when every field of the table that rec has is of its type; else -1
 * with err naming the first that is not.  Absent fields are not checked.
 */
int field_check(const json_t *rec, const struct field_spec *spec, struct hk_err *err);

/*
 * Takes rec (NULL passes through): rec when field_check passes, else NULL,
 * rec released and err "where: <what field_check says>".  For a record
 * just loaded:  rec = field_checked(js_load(path, err), spec, path, err).
 */
json_t *field_checked(json_t *rec, const struct field_spec *spec, const char *where, struct hk_err *err);

/* What v is, for messages: "a string", "the number 2.5", "absent", ... */
const char *field_type(const json_t *v, char *buf, size_t n);

#endif
