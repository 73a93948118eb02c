/*
 * tiers.h - the tiers file of scripts/topup: a line of make variables per tier.
 *
 * A tier line is words separated by blanks, each an assignment NAME=VALUE
 * (NAME a make variable name, [A-Za-z_][A-Za-z0-9_]*), quoted as in sh:
 * "TIERS=A B", B_WHERE='energy_barrier < 1'.  Blank lines and lines whose
 * first non-blank is # are not tiers; a # starting a word begins a comment.
 * The reader is strict, because the values go to make and from there into
 * shell commands: it refuses an unbalanced quote, a word that is not an
 * assignment, a name given twice or not allowed, a $ (make would expand
 * it), a backquote or backslash anywhere, an unquoted ; & | < > ( ) * ? [ ~,
 * a control character and a line over TIERS_LINE_MAX bytes, naming the
 * line and column and what is wrong.  The values are returned unquoted;
 * tiers_quote gives them back as words any sh reads literally.
 */
#ifndef HK_TIERS_H
#define HK_TIERS_H

#include <stddef.h>

#include "err.h"
#include "sbuf.h"

#define TIERS_LINE_MAX 4096
#define TIERS_FILE_MAX (1 << 20)

struct tiers_var {
	char *name, *value;
};

struct tiers_line {
	struct tiers_var *v;
	size_t n;
};

#define TIERS_LINE_INIT { NULL, 0 }

/*
 * The assignments of the n bytes at s (one line, no newline) into out
 * (emptied first, and left empty on failure; release it with
 * tiers_line_release).  names: the variable names allowed (NULL-terminated), or NULL
 * for any but make's own (SHELL, MAKEFLAGS, MAKE..., VPATH, ...).  A blank
 * or comment line gives none.  -1 with the message and err->col set.
 */
int tiers_parse_line(const char *s, size_t n, const char *const *names, struct tiers_line *out, struct hk_err *err);

/*
 * Every line of the n bytes at text checked, as the file name (for
 * messages); *count gets the number of tier lines and, when want is
 * 1..*count, out the assignments of tier line want (nothing otherwise).
 * -1 with err (file, line, column, message) at the first bad line, and
 * out empty.
 */
int tiers_parse(const char *text, size_t n, const char *name, const char *const *names, long want, long *count,
    struct tiers_line *out, struct hk_err *err);

/* tiers_parse on the file at path (a regular file of at most TIERS_FILE_MAX bytes). */
int tiers_read(const char *path, const char *const *names, long want, long *count, struct tiers_line *out,
    struct hk_err *err);

/* Append t's assignments to out as sh words, 'NAME=VALUE', separated by spaces ('\'' for a quote). */
void tiers_quote(const struct tiers_line *t, struct sbuf *out);

void tiers_line_release(struct tiers_line *t);

#endif
