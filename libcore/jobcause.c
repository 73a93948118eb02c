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

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The key of the last error recorded during attempt n, or NULL. */
static const char *
attempt_error(const json_t *rec, json_int_t n)
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

/* The class of a record written before classes were kept, from what it holds. */
static const char *
class_from_history(const json_t *rec, const char *why)
{
	const json_t *h = json_object_get(rec, "history");
	const json_t *last = json_array_get(h, json_array_size(h) - 1);
	const char *key;

	if (strncmp(why, "not run: ", 9) == 0)
		return JC_NOT_RUN;
	if (strncmp(why, "not prepared: ", 14) == 0)
		return JC_NOT_PREPARED;
	if (strcmp(str(last, "state"), "lost") == 0)
		return JC_LOST_RUN;
	if (strcmp(str(last, "state"), "interrupted") == 0 || strstr(why, "interrupted by"))
		return JC_INTERRUPTED;
	key = attempt_error(rec, json_integer_value(json_object_get(rec, "attempts")));
	/* an error corrected earlier in the attempt is not why it ended */
	if (key && strstr(why, key))
		return key;
	if (strstr(why, "the calculator exited"))
		return JC_CALC_EXIT;
	if (key)
		return key;
	return strstr(why, "walltime") ? "walltime" : JC_UNKNOWN;
}

const char *
jc_class(const json_t *rec)
{
	const char *why = json_string_value(json_object_get(rec, "last_error"));
	const char *cls = str(rec, "error_class");

	if (why == NULL)
		return NULL;
	return cls[0] ? cls : class_from_history(rec, why);
}

const char *
jc_failed_class(const json_t *rec)
{
	const char *cls;

	if (strcmp(str(rec, "state"), "failed") != 0)
		return NULL;
	cls = jc_class(rec);
	return cls ? cls : class_from_history(rec, "");
}
