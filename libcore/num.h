/*
 * num.h - the one place numbers are parsed and written.
 *
 * Parsing is in the C locale and knows only decimal numbers: no NaN,
 * infinities or hex floats, ranges checked.  The parsers take a whole
 * string (no blanks, no trailing junk); the scanners read a number at the
 * start of a string and say where it ended, for formats that put several
 * on a line.  A failed parse or scan leaves *out as it was.
 *
 * Writing: num_format gives the shortest text that reads back to the same
 * double, so 7.6 stays "7.6" and golden files are stable.  File formats
 * that fix the number of decimals (POSCAR %.16f, CIF %.8f) or of
 * significant digits use num_fixed_digits and num_sig_digits, which are
 * printf's %.*f and %.*g byte for byte.  Every writer fills a caller's
 * buffer of NUM_BUFSZ bytes and returns it.
 */
#ifndef HK_NUM_H
#define HK_NUM_H

#include <stddef.h>

#define NUM_BUFSZ 32

/* Parse all of s as a finite double.  -1 on junk, empty, NaN, inf or overflow. */
int num_parse_double(const char *s, double *out);

/*
 * Parse the first n bytes of s as a finite double (same rules; n must be
 * below 128).
 */
int num_parse_double_n(const char *s, size_t n, double *out);

/* Parse all of s as a base-10 integer within [lo, hi].  Leading blanks are allowed. */
int num_parse_long(const char *s, long lo, long hi, long *out);

/*
 * Scan a base-10 integer at the start of s (leading blanks skipped); *end is set past it.
 * -1 (and *end = s) when s does not start with one or it overflows long.
 * Blanks are what isspace() takes in the C locale, newlines included, as
 * for strtol.  "0x10" scans as 0, ending at the 'x'.
 */
int num_scan_long(const char *s, const char **end, long *out);

/*
 * The same for a finite double (no NaN, inf or hex): an optional sign,
 * digits with at most one '.', an optional exponent.  An exponent marker
 * without digits is not part of the number ("1e" scans as 1, ending at
 * the 'e'), nor is a hex prefix ("0x1p3" scans as 0, ending at the 'x').
 * -1 also when the magnitude is outside double's normal range (overflow,
 * or underflow to a subnormal or zero), as num_parse_double.
 */
int num_scan_double(const char *s, const char **end, double *out);

/*
 * Write x in the shortest form that round-trips (%.15g, else %.16g, else
 * %.17g) into buf, which must hold NUM_BUFSZ bytes.  Negative zero is
 * written as 0.  x must be finite.  Returns buf.
 */
char *num_format(double x, char buf[NUM_BUFSZ]);

/*
 * x with digits decimals (0 to 20; others are taken as the nearest),
 * exactly as printf's "%.*f": a negative number that rounds to zero keeps
 * its sign ("-0.00"), as file formats written with printf always had it.
 * Text longer than NUM_BUFSZ - 1 characters (a number with more than
 * about 29 - digits digits before the point) is written in num_format's
 * form instead, so that it still reads back.
 */
char *num_fixed_digits(double x, int digits, char buf[NUM_BUFSZ]);

/* Fixed-point writer for human tables: num_fixed_digits with -0 written as 0. */
char *num_fixed(double x, int prec, char buf[NUM_BUFSZ]);

/*
 * x with digits significant digits (1 to 17; others are taken as the
 * nearest), exactly as printf's
 * "%.*g": trailing zeros dropped, an exponent when it is below -4 or not
 * below digits.  Always fits in NUM_BUFSZ.
 */
char *num_sig_digits(double x, int digits, char buf[NUM_BUFSZ]);

#endif
