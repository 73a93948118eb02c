#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Length of the decimal number at s in strtod's grammar (sign, digits
 * with at most one point, exponent with digits), 0 when there is none.
 * Checked here because strtod also takes NaN, infinities and hex.
 */
static size_t
decimal_len(const char *s)
{
	size_t i = 0, digits = 0;

	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; is_digit(s[i]); i++)
		digits++;
	if (s[i] == '.')
		for (i++; is_digit(s[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (is_digit(s[j])) {
			while (is_digit(s[j]))
				j++;
			i = j;
		}
	}
	return i;
}

int
num_scan_double(const char *s, const char **end, double *out)
{
	const char *p = s;
	char *e;
	size_t n;
	double x;

	*end = s;
	while (isspace((unsigned char)*p))
		p++;
	if ((n = decimal_len(p)) == 0)
		return -1;
	errno = 0;
	x = strtod(p, &e);
	if (e > p + n && (p[n] == 'x' || p[n] == 'X')) {
		/* strtod read hex ("0x1p3") where the decimal number is a zero */
		x = p[0] == '-' ? -0.0 : 0.0;
	} else if (e != p + n) {
		return -1;	/* a locale with another decimal point */
	} else if (errno == ERANGE || !isfinite(x)) {
		return -1;
	}
	*end = p + n;
	*out = x;
	return 0;
}

int
num_scan_long(const char *s, const char **end, long *out)
{
	char *e;
	long x;

	*end = s;
	errno = 0;
	x = strtol(s, &e, 10);
	if (e == s || errno == ERANGE)
		return -1;
	*end = e;
	*out = x;
	return 0;
}

int
num_parse_double(const char *s, double *out)
{
	return num_parse_double_n(s, strlen(s), out);
}

int
num_parse_double_n(const char *s, size_t n, double *out)
{
	char tmp[128];
	const char *end;
	double x;

	if (n == 0 || n >= sizeof(tmp) || isspace((unsigned char)s[0]))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (num_scan_double(tmp, &end, &x) == -1 || end != tmp + n)
		return -1;
	*out = x;
	return 0;
}

int
num_parse_long(const char *s, long lo, long hi, long *out)
{
	const char *end;
	long x;

	if (num_scan_long(s, &end, &x) == -1 || *end != '\0' || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

char *
num_sig_digits(double x, int digits, char buf[NUM_BUFSZ])
{
	digits = digits < 1 ? 1 : digits > 17 ? 17 : digits;
	snprintf(buf, NUM_BUFSZ, "%.*g", digits, x);
	return buf;
}

char *
num_format(double x, char buf[NUM_BUFSZ])
{
	if (x == 0) {
		strcpy(buf, "0");
		return buf;
	}
	for (int digits = 15; digits <= 17; digits++)
		if (strtod(num_sig_digits(x, digits, buf), NULL) == x)
			break;
	return buf;
}

char *
num_fixed_digits(double x, int digits, char buf[NUM_BUFSZ])
{
	int n;

	digits = digits < 0 ? 0 : digits > 20 ? 20 : digits;
	n = snprintf(buf, NUM_BUFSZ, "%.*f", digits, x);
	if (n < 0 || n >= NUM_BUFSZ)
		num_format(x, buf);
	return buf;
}

char *
num_fixed(double x, int prec, char buf[NUM_BUFSZ])
{
	num_fixed_digits(x, prec, buf);
	if (buf[0] == '-') {
		const char *p = buf + 1;
		while (*p == '0' || *p == '.')
			p++;
		if (*p == '\0')
			memmove(buf, buf + 1, strlen(buf));
	}
	return buf;
}
