#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

int
num_parse_double(const char *s, double *out)
{
	return num_parse_double_n(s, strlen(s), out);
}

int
num_parse_double_n(const char *s, size_t n, double *out)
{
	char tmp[128], *end;
	double x;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	/* strtod accepts "nan", "inf" and hex floats; records never hold them. */
	for (size_t i = 0; i < n; i++) {
		char c = tmp[i];
		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
		    c == 'e' || c == 'E'))
			return -1;
	}
	errno = 0;
	x = strtod(tmp, &end);
	if (end == tmp || *end != '\0' || errno == ERANGE || !isfinite(x))
		return -1;
	*out = x;
	return 0;
}

int
num_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long x;

	if (*s == '\0')
		return -1;
	errno = 0;
	x = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

char *
num_format(double x, char buf[NUM_BUFSZ])
{
	static const char *const fmts[] = { "%.15g", "%.16g", "%.17g" };

	if (x == 0) {
		strcpy(buf, "0");
		return buf;
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(buf, NUM_BUFSZ, fmts[i], x);
		if (strtod(buf, NULL) == x)
			break;
	}
	return buf;
}

char *
num_fixed(double x, int prec, char buf[NUM_BUFSZ])
{
	snprintf(buf, NUM_BUFSZ, "%.*f", prec, x);
	if (buf[0] == '-') {
		const char *p = buf + 1;
		while (*p == '0' || *p == '.')
			p++;
		if (*p == '\0')
			memmove(buf, buf + 1, strlen(buf));
	}
	return buf;
}
