#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tail.h"

/* The last max bytes of path into buf; a line cut by the window is dropped.  -1 when unreadable. */
static int
read_end(const char *path, size_t max, struct sbuf *buf)
{
	struct stat st;
	char chunk[4096];
	ssize_t got = 0;
	off_t from = 0;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size > (off_t)max)
		from = st.st_size - (off_t)max;
	if (lseek(fd, from, SEEK_SET) == -1)
		from = 0;
	while (buf->len < max && (got = read(fd, chunk, sizeof(chunk))) > 0)
		sbuf_add(buf, chunk, (size_t)got < max - buf->len ? (size_t)got : max - buf->len);
	e = errno;
	close(fd);
	if (got < 0) {
		errno = e;
		return -1;
	}
	if (from > 0 && buf->len) {
		char *nl = memchr(buf->s, '\n', buf->len);
		size_t skip = nl ? (size_t)(nl - buf->s) + 1 : buf->len;
		memmove(buf->s, buf->s + skip, buf->len - skip);
		buf->len -= skip;
		buf->s[buf->len] = '\0';
	}
	return 0;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Append line [p, p + n) as a terminal would show it: after its last \r, controls as '?'. */
static void
add_printable(struct sbuf *out, const char *p, size_t n)
{
	const char *cr;

	while (n > 0 && blank(p[n - 1]))
		n--;
	while ((cr = memchr(p, '\r', n)) != NULL) {
		n -= (size_t)(cr + 1 - p);
		p = cr + 1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		sbuf_addc(out, (c < 0x20 && c != '\t') || c == 0x7f ? '?' : p[i]);
	}
}

int
tail_lines(const char *path, int n, size_t max, struct sbuf *out)
{
	struct sbuf buf = SBUF_INIT;
	size_t end, start;
	int k = 0;

	if (read_end(path, max, &buf) == -1)
		return -1;
	end = buf.len;
	while (end > 0 && blank(buf.s[end - 1]))
		end--;
	/* back over n lines */
	for (start = end; start > 0 && k < n; k++) {
		start--;
		while (start > 0 && buf.s[start - 1] != '\n')
			start--;
	}
	for (size_t p = start; p < end;) {
		const char *nl = memchr(buf.s + p, '\n', end - p);
		size_t len = nl ? (size_t)(nl - (buf.s + p)) : end - p;
		add_printable(out, buf.s + p, len);
		sbuf_addc(out, '\n');
		p += len + 1;
	}
	sbuf_release(&buf);
	return k;
}

int
tail_last_line(const char *path, size_t width, struct sbuf *out)
{
	struct sbuf line = SBUF_INIT;
	size_t from = 0, n;
	int k = tail_lines(path, 1, 8192, &line);

	if (k <= 0) {
		sbuf_release(&line);
		return k;
	}
	n = line.len;
	while (from < n && blank(line.s[from]))
		from++;
	while (n > from && blank(line.s[n - 1]))
		n--;
	if (n == from) {
		sbuf_release(&line);
		return 0;
	}
	if (n - from > width) {
		/* not inside a UTF-8 sequence */
		n = from + width;
		while (n > from && ((unsigned char)line.s[n] & 0xC0) == 0x80)
			n--;
		sbuf_add(out, line.s + from, n - from);
		sbuf_addstr(out, "...");
	} else {
		sbuf_add(out, line.s + from, n - from);
	}
	sbuf_release(&line);
	return 1;
}
