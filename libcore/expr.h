/*
 * expr.h - the small filter language of rank --where.
 *
 *   expr    := or
 *   or      := and { "or" and }
 *   and     := unary { "and" unary }
 *   unary   := "not" unary | compare
 *   compare := value [ op value | "in" "(" value { "," value } ")"
 *                    | "is" [ "not" ] "null" ]
 *   op      := "==" | "!=" | "<" | "<=" | ">" | ">="
 *   value   := number | string | "null" | "true" | "false" | field | "(" expr ")"
 *   field   := name { "." name }     (array elements by index: a.0.b)
 *
 * Strings in single or double quotes.  A field missing from a record is
 * null (or an error when strict).  A comparison with null is false except
 * == null and != null (and "is [not] null"); comparing a string with a
 * number, or using a non-boolean as a condition, is an error naming the
 * column.  Keywords are lowercase.  An expression nests at most
 * EXPR_MAX_DEPTH deep -- parentheses and nots open at once, and the depth
 * of the tree, where each and/or of a chain counts one -- so that
 * compiling, matching and freeing it (which recurse) stay on the stack.
 */
#ifndef HK_EXPR_H
#define HK_EXPR_H

#include <jansson.h>

#include "err.h"
#include "sbuf.h"

struct expr;

#define EXPR_MAX_DEPTH 256

/* Compile text; -1 with err->col at the problem. */
struct expr *expr_compile(const char *text, struct hk_err *err);
void expr_free(struct expr *e);

/* A compile error as the user should see it: the message, the text, a caret under the column. */
void expr_error_text(const char *text, const struct hk_err *err, struct sbuf *out);

/* 1 if rec satisfies e, 0 if not, -1 on a type error (err set, col too). */
int expr_match(const struct expr *e, const json_t *rec, int strict, struct hk_err *err);

#endif
