/*
 * jsonw.h - write JSON text with hopkit's number formatting.
 *
 * Values come from jansson (which parses strictly) but are written here so
 * that reals use num_format's shortest round-trip form: jansson would print
 * 7.6 as 7.5999999999999996.  Object keys keep their insertion order.
 */
#ifndef HK_JSONW_H
#define HK_JSONW_H

#include <stdio.h>
#include <jansson.h>

#include "err.h"
#include "sbuf.h"

/* Append v as compact JSON.  -1 if v holds a non-finite real. */
int jsonw_value(struct sbuf *sb, const json_t *v, struct hk_err *err);

/* Append s as a JSON string literal (quotes and escapes). */
void jsonw_string(struct sbuf *sb, const char *s, size_t n);

/* Write v and a newline to f.  -1 with err set on a write error. */
int jsonw_line(FILE *f, const json_t *v, struct sbuf *scratch, struct hk_err *err);

/* A jansson real from a double; NaN/inf become JSON null. */
json_t *jsonw_real(double x);

/* A JSON array of n doubles. */
json_t *jsonw_vec(const double *x, int n);

#endif
