#include <string.h>

#include "failclass.h"
#include "jobcause.h"

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The key of the last error recorded during attempt n, or NULL. */
static const char *
last_error_key(const json_t *rec, json_int_t n)
{
	const json_t *errors = json_object_get(rec, "errors");

	for (size_t i = json_array_size(errors); i-- > 0;) {
		const json_t *e = json_array_get(errors, i);
		const json_t *a = json_object_get(e, "attempt");
		if ((a == NULL || json_integer_value(a) == n) && str(e, "error")[0])
			return str(e, "error");
	}
	return NULL;
}

const char *
failclass_of(const json_t *rec)
{
	const json_t *h = json_object_get(rec, "history");
	const json_t *last = json_array_get(h, json_array_size(h) - 1);
	const char *msg = str(rec, "last_error"), *cls = str(rec, "error_class"), *key;

	if (strcmp(str(rec, "state"), "failed") != 0)
		return NULL;
	if (cls[0])
		return cls;
	if (strcmp(str(last, "state"), "lost") == 0)
		return JC_LOST_RUN;
	if (strcmp(str(last, "state"), "interrupted") == 0 || strstr(msg, "interrupted by"))
		return JC_INTERRUPTED;
	key = last_error_key(rec, json_integer_value(json_object_get(rec, "attempts")));
	/* an error corrected earlier in the attempt is not why it ended */
	if (key && strstr(msg, key))
		return key;
	if (strstr(msg, "the calculator exited"))
		return JC_CALC_EXIT;
	if (key)
		return key;
	return strstr(msg, "walltime") ? "walltime" : JC_UNKNOWN;
}
