/*
 * err.h - the error handle every libcore function fills on failure.
 *
 * A message plus, when known, the file, line and column it concerns.  The
 * command layer formats it as "prog: file:line: message".
 */
#ifndef HK_ERR_H
#define HK_ERR_H

#include <stddef.h>

struct hk_err {
	char msg[512];
	char file[512];
	long line;	/* 0 when not known */
	long col;	/* 0 when not known */
};

#define HK_ERR_INIT { "", "", 0, 0 }

/* Set the message (printf-style); file/line are left as they are. */
void err_set(struct hk_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set location and message together. */
void err_at(struct hk_err *e, const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Set only the location, keeping the message. */
void err_where(struct hk_err *e, const char *file, long line);

/* Prefix the current message with more context ("what: old message"). */
void err_prefix(struct hk_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Clear every field. */
void err_clear(struct hk_err *e);

/* "file:line:col: msg" with the parts that are known. */
void err_format(const struct hk_err *e, char *buf, size_t n);

#endif
