#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tiers.h"
#include "testutil.h"

/* The line's assignments as "NAME=VALUE|NAME=VALUE", or "ERROR col N: message". */
static char *
parse(const char *line, const char *const *names)
{
	struct tiers_line t = TIERS_LINE_INIT;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf sb = SBUF_INIT;

	if (tiers_parse_line(line, strlen(line), names, &t, &e) == -1)
		sbuf_addf(&sb, "ERROR col %ld: %s", e.col, e.msg);
	for (size_t i = 0; i < t.n; i++)
		sbuf_addf(&sb, "%s%s=%s", i ? "|" : "", t.v[i].name, t.v[i].value);
	tiers_line_release(&t);
	return sbuf_detach(&sb);
}

static void
check(const char *line, const char *const *names, const char *want)
{
	char *got = parse(line, names);

	if (strcmp(got, want) != 0)
		fail_msg("[%s]: got [%s], want [%s]", line, got, want);
	free(got);
}

static void
good_lines(void **state)
{
	check("LIMIT=400", NULL, "LIMIT=400");
	check("\"TIERS=A B\" \"B_WHERE=energy_barrier < 1\" B_LIMIT=50 B_IMAGES=5", NULL,
	    "TIERS=A B|B_WHERE=energy_barrier < 1|B_LIMIT=50|B_IMAGES=5");
	check("  CUTOFF=6\tMAX_PATHS=0   \"WHERE=measures.dimensionality >= 1\"  ", NULL,
	    "CUTOFF=6|MAX_PATHS=0|WHERE=measures.dimensionality >= 1");
	check("TIERS=\"A B\" B_WHERE='kind != \"relax\"' INCAR='ENCUT=600 KPAR=4'", NULL,
	    "TIERS=A B|B_WHERE=kind != \"relax\"|INCAR=ENCUT=600 KPAR=4");
	check("'WHERE=formula == \"LiF\"; x' _X1=", NULL, "WHERE=formula == \"LiF\"; x|_X1=");
	check("\"A=it's\"", NULL, "A=it's");
	check("LIMIT=4 # then wider", NULL, "LIMIT=4");
	check("LIMIT=4#not-a-comment", NULL, "LIMIT=4#not-a-comment");
	check("# a comment", NULL, "");
	check("   ", NULL, "");
	check("", NULL, "");
	check("A=caf\xc3\xa9", NULL, "A=caf\xc3\xa9");
}

static void
bad_lines(void **state)
{
	static const char *const names[] = { "LIMIT", "CUTOFF", "TIERS", NULL };

	check("LIMIT=1; touch /tmp/pwned", NULL,
	    "ERROR col 8: ';' outside quotes: a shell would take it as an operator");
	check("LIMIT=$(touch x)", NULL, "ERROR col 7: '$': make would expand it (write the value itself)");
	check("'LIMIT=${HOME}'", NULL, "ERROR col 8: '$': make would expand it (write the value itself)");
	check("LIMIT=`id`", NULL, "ERROR col 7: a backquote (`): a shell would run what it quotes");
	check("\"LIMIT=`id`\"", NULL, "ERROR col 8: a backquote (`): a shell would run what it quotes");
	check("LIMIT=a\\ b", NULL, "ERROR col 8: a backslash (\\): quote with ' or \" instead");
	check("\"TIERS=A B", NULL, "ERROR col 1: unbalanced quote \": it is not closed on the line");
	check("A=1 'B=2", NULL, "ERROR col 5: unbalanced quote ': it is not closed on the line");
	check("LIMIT=4 touch", NULL, "ERROR col 9: 'touch' is not an assignment NAME=VALUE (NAME: letters, digits, _)");
	check("''", NULL, "ERROR col 1: '' is not an assignment NAME=VALUE (NAME: letters, digits, _)");
	check("=4", NULL, "ERROR col 1: '=4' is not an assignment NAME=VALUE (NAME: letters, digits, _)");
	check("1A=4", NULL, "ERROR col 1: '1A=4' is not an assignment NAME=VALUE (NAME: letters, digits, _)");
	check("A-B=4", NULL, "ERROR col 1: 'A-B=4' is not an assignment NAME=VALUE (NAME: letters, digits, _)");
	check("A:=4", NULL, "ERROR col 1: 'A:=4' is not an assignment NAME=VALUE (NAME: letters, digits, _)");
	check("A+=4", NULL, "ERROR col 1: 'A+=4' is not an assignment NAME=VALUE (NAME: letters, digits, _)");
	check("LIMIT=1 LIMIT=2", NULL, "ERROR col 9: LIMIT given twice");
	check("SHELL=/bin/evil", NULL, "ERROR col 1: SHELL: make's own variable");
	check("X=1 MAKEFLAGS=-j9", NULL, "ERROR col 5: MAKEFLAGS: make's own variable");
	check("LIMIT=2>x", NULL, "ERROR col 8: '>' outside quotes: a shell would take it as an operator");
	check("LIMIT=a|b", NULL, "ERROR col 8: '|' outside quotes: a shell would take it as an operator");
	check("LIMIT=*", NULL, "ERROR col 7: '*' outside quotes: a shell would expand it");
	check("SOURCES=~/x", NULL, "ERROR col 9: '~' outside quotes: a shell would expand it");
	check("LIMIT=4\r", NULL, "ERROR col 8: control character 0x0d (a DOS line end?)");
	check("# \033[2J", NULL, "ERROR col 3: control character 0x1b");
	check("LIMIT=400", names, "LIMIT=400");
	check("LIMIT=400 TOPUP=x", names, "ERROR col 11: TOPUP: not a variable a tier may set");
	check("BIN=/tmp", names, "ERROR col 1: BIN: not a variable a tier may set");
}

static void
nul_and_long_lines(void **state)
{
	struct tiers_line t = TIERS_LINE_INIT;
	struct hk_err e = HK_ERR_INIT;
	char *line = malloc(TIERS_LINE_MAX + 2);

	assert_int_equal(tiers_parse_line("A=1\0B=2", 7, NULL, &t, &e), -1);
	assert_string_equal(e.msg, "control character 0x00");
	assert_int_equal(e.col, 4);
	memset(line, 'x', TIERS_LINE_MAX + 1);
	memcpy(line, "A=", 2);
	assert_int_equal(tiers_parse_line(line, TIERS_LINE_MAX, NULL, &t, &e), 0);
	assert_int_equal(tiers_parse_line(line, TIERS_LINE_MAX + 1, NULL, &t, &e), -1);
	assert_string_equal(e.msg, "line longer than 4096 bytes");
	tiers_line_release(&t);
	free(line);
}

/* tier lines counted past comments and blanks; every line checked, the one asked for or not */
static void
files_count_and_pick(void **state)
{
	static const char text[] = "# tiers\n\nLIMIT=400\n  # more\n\"TIERS=A B\" B_LIMIT=50\nCUTOFF=6";
	struct tiers_line t = TIERS_LINE_INIT;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf q = SBUF_INIT;
	long count;

	assert_int_equal(tiers_parse(text, strlen(text), "tiers", NULL, 2, &count, &t, &e), 0);
	assert_int_equal(count, 3);
	tiers_quote(&t, &q);
	assert_string_equal(q.s, "'TIERS=A B' 'B_LIMIT=50'");
	assert_int_equal(tiers_parse(text, strlen(text), "tiers", NULL, 4, &count, &t, &e), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(tiers_parse("LIMIT=1\n\nA=1 B\n", 15, "tiers", NULL, 1, &count, &t, &e), -1);
	assert_string_equal(e.file, "tiers");
	assert_int_equal(e.line, 3);
	assert_int_equal(e.col, 5);
	assert_int_equal(t.n, 0);
	sbuf_release(&q);
	tiers_line_release(&t);
}

/* what tiers_quote writes, sh reads back as the same words */
static void
quoting_round_trips_through_sh(void **state)
{
	static const char line[] = "\"A=it's a 'test'\" 'B=x; $y' C=\"\"";
	struct tiers_line t = TIERS_LINE_INIT;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf q = SBUF_INIT, cmd = SBUF_INIT;
	char out[256] = "";
	FILE *p;

	/* $ is refused: the round trip needs a line the reader takes */
	assert_int_equal(tiers_parse_line(line, strlen(line), NULL, &t, &e), -1);
	assert_int_equal(tiers_parse_line("\"A=it's a 'test'\" 'B=x; y|z' C=\"\"", 33, NULL, &t, &e), 0);
	tiers_quote(&t, &q);
	assert_string_equal(q.s, "'A=it'\\''s a '\\''test'\\''' 'B=x; y|z' 'C='");
	/* popen's sh -c gets the command as it is */
	sbuf_addf(&cmd, "eval \"set -- %s\"; printf '[%%s]' \"$@\"", q.s);
	assert_non_null(p = popen(cmd.s, "r"));
	assert_non_null(fgets(out, sizeof out, p));
	assert_int_equal(pclose(p), 0);
	assert_string_equal(out, "[A=it's a 'test'][B=x; y|z][C=]");
	sbuf_release(&cmd);
	sbuf_release(&q);
	tiers_line_release(&t);
}

static void
read_files(void **state)
{
	char path[] = "/tmp/tiersXXXXXX";
	int fd = mkstemp(path);
	struct tiers_line t = TIERS_LINE_INIT;
	struct hk_err e = HK_ERR_INIT;
	long count;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "LIMIT=4\nLIMIT=8\n", 16), 16);
	close(fd);
	assert_int_equal(tiers_read(path, NULL, 2, &count, &t, &e), 0);
	assert_int_equal(count, 2);
	assert_string_equal(t.v[0].value, "8");
	unlink(path);
	assert_int_equal(tiers_read(path, NULL, 1, &count, &t, &e), -1);
	assert_string_equal(e.msg, "No such file or directory");
	assert_int_equal(tiers_read("/tmp", NULL, 1, &count, &t, &e), -1);
	assert_string_equal(e.msg, "not a regular file");
	tiers_line_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_lines),
		cmocka_unit_test(bad_lines),
		cmocka_unit_test(nul_and_long_lines),
		cmocka_unit_test(files_count_and_pick),
		cmocka_unit_test(quoting_round_trips_through_sh),
		cmocka_unit_test(read_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
