#include <string.h>

#include "jobcause.h"

void
jc_set(json_t *rec, const char *cls)
{
	json_object_set_new(rec, "error_class", json_string(cls));
}

void
jc_clear(json_t *rec)
{
	json_object_del(rec, "last_error");
	json_object_del(rec, "error_class");
}

/* The error found in rec's last attempt, or NULL: what older records tell. */
static const char *
last_attempt_error(const json_t *rec)
{
	const json_t *errors = json_object_get(rec, "errors");
	const json_t *last = json_array_get(errors, json_array_size(errors) - 1);
	json_int_t attempt = json_integer_value(json_object_get(rec, "attempts"));

	if (last == NULL || json_integer_value(json_object_get(last, "attempt")) != attempt)
		return NULL;
	return json_string_value(json_object_get(last, "error"));
}

const char *
jc_class(const json_t *rec)
{
	const char *why = json_string_value(json_object_get(rec, "last_error"));
	const char *cls = json_string_value(json_object_get(rec, "error_class"));

	if (why == NULL)
		return NULL;
	if (cls && cls[0])
		return cls;
	if (strncmp(why, "not run: ", 9) == 0)
		return JC_NOT_RUN;
	if (strncmp(why, "not prepared: ", 14) == 0)
		return JC_NOT_PREPARED;
	cls = last_attempt_error(rec);
	return cls ? cls : JC_UNKNOWN;
}
