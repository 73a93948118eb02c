#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbuf.h"
#include "tail.h"
#include "testutil.h"
#include "xalloc.h"

/* A temporary file holding text; the caller unlinks and frees the path. */
static char *
file_with(const char *text, size_t n)
{
	char *path = xstrdup("/tmp/hk-tail-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static char *
last_line(const char *text, size_t width, int want)
{
	char *path = file_with(text, strlen(text));
	struct sbuf out = SBUF_INIT;

	assert_int_equal(tail_last_line(path, width, &out), want);
	unlink(path);
	free(path);
	return out.s ? sbuf_detach(&out) : xstrdup("");
}

static void
last_line_is_the_cause(void **state)
{
	char *s;

	(void)state;
	s = last_line("reading POSCAR\nno softBV parameters for Nd3+ with Se2-\n\n  \n", 200, 1);
	assert_string_equal(s, "no softBV parameters for Nd3+ with Se2-");
	free(s);
	s = last_line("sh: 1: mpirun: not found", 200, 1);
	assert_string_equal(s, "sh: 1: mpirun: not found");
	free(s);
	/* a progress bar: what \r overwrote is gone; controls are shown as '?' */
	s = last_line("step 1\rstep 2\rfailed \x1b[1mhere\n", 200, 1);
	assert_string_equal(s, "failed ?[1mhere");
	free(s);
	s = last_line("\n \n\t\n", 200, 0);
	assert_string_equal(s, "");
	free(s);
	s = last_line("", 200, 0);
	free(s);
}

static void
long_lines_are_cut_on_a_character(void **state)
{
	/* "é" is two bytes: a cut at 5 bytes would split the third */
	char *s = last_line("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n", 5, 1);

	(void)state;
	assert_string_equal(s, "\xc3\xa9\xc3\xa9...");
	free(s);
}

static void
tail_reads_only_the_end(void **state)
{
	struct sbuf text = SBUF_INIT, out = SBUF_INIT;
	char *path;

	(void)state;
	for (int i = 0; i < 20000; i++)
		sbuf_addf(&text, "line %d\n", i);
	path = file_with(text.s, text.len);
	assert_int_equal(tail_lines(path, 3, 4096, &out), 3);
	assert_string_equal(out.s, "line 19997\nline 19998\nline 19999\n");
	sbuf_reset(&out);
	/* a window smaller than the lines asked for: only whole lines */
	assert_int_equal(tail_lines(path, 100, 30, &out), 2);
	assert_string_equal(out.s, "line 19998\nline 19999\n");
	unlink(path);
	assert_int_equal(tail_lines(path, 3, 4096, &out), -1);
	free(path);
	sbuf_release(&text);
	sbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(last_line_is_the_cause),
		cmocka_unit_test(long_lines_are_cut_on_a_character),
		cmocka_unit_test(tail_reads_only_the_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
