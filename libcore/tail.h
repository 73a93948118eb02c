/*
 * tail.h - the end of a text file: what a failed calculator said last.
 *
 * A calculator's std_err.txt may be large (or binary junk); only its last
 * max bytes are read, a line cut by that window is dropped, and the text
 * handed out is printable: control characters become '?', and what a
 * carriage return overwrote on a terminal (progress bars) is dropped.
 */
#ifndef HK_TAIL_H
#define HK_TAIL_H

#include <stddef.h>

#include "sbuf.h"

/*
 * Append the last n lines of path (blank lines at its end skipped), each
 * ending in '\n', reading at most max bytes from its end.  How many lines
 * were appended; -1 (errno set) when path cannot be read.
 */
int tail_lines(const char *path, int n, size_t max, struct sbuf *out);

/*
 * Append the last non-blank line of path, without its newline and blanks
 * around it, cut to at most width bytes (on a UTF-8 character boundary,
 * "..." after a cut).  1 when there was one, 0 when the file is empty or
 * blank, -1 (errno set) when it cannot be read.
 */
int tail_last_line(const char *path, size_t width, struct sbuf *out);

#endif
