/*
 * html.h - text made safe for an HTML page.
 *
 * Ids and formulas come from files anyone may have written: every one
 * goes through html_escape before it reaches the page, so "<script>" is
 * shown, never run.  Data for the page's script is JSON inside a <script>
 * element, where "</script>" would end the element whatever the quoting:
 * html_json_string writes a JSON string with <, > and & as \u escapes, so
 * it can hold anything.  Invalid UTF-8 bytes pass through unchanged (the
 * browser shows a replacement character; no markup can come of them).
 */
#ifndef HK_HTML_H
#define HK_HTML_H

#include <stddef.h>

#include "sbuf.h"

/* Append s with & < > " ' as character references (good in text and in quoted attributes). */
void html_escape(struct sbuf *sb, const char *s);

/* Append s as a JSON string literal that is safe inside a <script> element. */
void html_json_string(struct sbuf *sb, const char *s);

/*
 * Append s for a link's path: bytes other than letters, digits and
 * "-._~/" percent-encoded, so the result is also safe in a quoted attribute.
 */
void html_url_path(struct sbuf *sb, const char *s);

#endif
