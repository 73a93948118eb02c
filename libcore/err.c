#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

void
err_set(struct hk_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
err_at(struct hk_err *e, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	e->col = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
err_where(struct hk_err *e, const char *file, long line)
{
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	e->col = 0;
}

void
err_prefix(struct hk_err *e, const char *fmt, ...)
{
	char old[sizeof(e->msg)];
	va_list ap;
	int n;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg) - 2) {
		size_t m = (size_t)n;
		e->msg[m++] = ':';
		e->msg[m++] = ' ';
		size_t room = sizeof(e->msg) - m - 1, len = strlen(old);
		memcpy(e->msg + m, old, len < room ? len : room);
		e->msg[m + (len < room ? len : room)] = '\0';
	}
}

void
err_clear(struct hk_err *e)
{
	e->msg[0] = '\0';
	e->file[0] = '\0';
	e->line = 0;
	e->col = 0;
}

void
err_format(const struct hk_err *e, char *buf, size_t n)
{
	const char *file = e->file[0] ? e->file : NULL;

	if (file && e->line > 0 && e->col > 0)
		snprintf(buf, n, "%s:%ld:%ld: %s", file, e->line, e->col, e->msg);
	else if (file && e->line > 0)
		snprintf(buf, n, "%s:%ld: %s", file, e->line, e->msg);
	else if (file)
		snprintf(buf, n, "%s: %s", file, e->msg);
	else
		snprintf(buf, n, "%s", e->msg);
}
