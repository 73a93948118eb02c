/*
 * num.h - the one place numbers are parsed and written.
 *
 * Parsing takes the whole string (no trailing junk), in the C locale,
 * rejects NaN and infinities, and checks ranges.  Writing gives the
 * shortest text that reads back to the same double, so 7.6 stays "7.6"
 * and golden files are stable.
 */
#ifndef HK_NUM_H
#define HK_NUM_H

#include <stddef.h>

#define NUM_BUFSZ 32

/* Parse all of s as a finite double.  -1 on junk, empty, NaN, inf or overflow. */
int num_parse_double(const char *s, double *out);

/* Parse the first n bytes of s as a finite double (same rules). */
int num_parse_double_n(const char *s, size_t n, double *out);

/* Parse all of s as a base-10 integer within [lo, hi]. */
int num_parse_long(const char *s, long lo, long hi, long *out);

/*
 * Write x in the shortest form that round-trips (%.15g, else %.16g, else
 * %.17g) into buf, which must hold NUM_BUFSZ bytes.  Negative zero is
 * written as 0.  x must be finite.  Returns buf.
 */
char *num_format(double x, char buf[NUM_BUFSZ]);

/* Fixed-point writer for human tables: %.*f with -0 cleaned up. */
char *num_fixed(double x, int prec, char buf[NUM_BUFSZ]);

#endif
