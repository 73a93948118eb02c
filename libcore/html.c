#include <stdio.h>
#include <string.h>

#include "html.h"

void
html_escape(struct sbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sbuf_addstr(sb, "&amp;"); break;
		case '<': sbuf_addstr(sb, "&lt;"); break;
		case '>': sbuf_addstr(sb, "&gt;"); break;
		case '"': sbuf_addstr(sb, "&quot;"); break;
		case '\'': sbuf_addstr(sb, "&#39;"); break;
		default: sbuf_addc(sb, *s);
		}
	}
}

void
html_json_string(struct sbuf *sb, const char *s)
{
	sbuf_addc(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			sbuf_addc(sb, '\\');
			sbuf_addc(sb, (char)c);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			sbuf_addf(sb, "\\u%04x", c);
		} else {
			sbuf_addc(sb, (char)c);
		}
	}
	sbuf_addc(sb, '"');
}

void
html_url_path(struct sbuf *sb, const char *s)
{
	static const char safe[] = "-._~/";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(safe, c))
			sbuf_addc(sb, (char)c);
		else
			sbuf_addf(sb, "%%%02X", c);
	}
}
