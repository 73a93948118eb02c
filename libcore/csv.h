/*
 * csv.h - write RFC 4180 CSV rows, and split them.
 *
 * Fields with a comma, quote, CR or LF are quoted, quotes doubled.
 * Numbers are written with num_format; JSON null is an empty field.
 */
#ifndef HK_CSV_H
#define HK_CSV_H

#include <jansson.h>

#include "sbuf.h"

void csv_field(struct sbuf *row, const char *s, int first);
/* A JSON value as one field: strings as they are, numbers shortest, objects as JSON. */
void csv_json_field(struct sbuf *row, const json_t *v, int first);
/* A row of the named fields (dotted paths) of rec. */
void csv_record(struct sbuf *row, const json_t *rec, const char *const *cols, int ncols);
void csv_header(struct sbuf *row, const char *const *cols, int ncols);

/*
 * Split one CSV line (RFC 4180 quotes allowed, no line breaks inside
 * fields) in place into at most max fields; returns how many.
 */
int csv_split(char *line, char **fields, int max);

#endif
