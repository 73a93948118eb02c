#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slurmconf.h"
#include "testutil.h"

static int
parse(const char *text, const char *kind, struct slurm_conf *c, struct hk_err *e)
{
	return slurmconf_parse(text, strlen(text), "sc", kind, c, e);
}

static void
the_manual_example(void **state)
{
	static const char text[] = "# sbatch settings\n"
				   "*      account  mat123\n"
				   "*      line     module load vasp/6.4\n"
				   "\n"
				   "static3 partition short\n"
				   "static3 time     04:00:00\n"
				   "neb    partition long\n"
				   "neb    nodes    2\n"
				   "  # an indented comment\n"
				   "neb\tntasks\t64   \n"
				   "*      line     export OMP_NUM_THREADS=1";
	struct hk_err e = HK_ERR_INIT;
	struct slurm_conf c;

	assert_int_equal(parse(text, "neb", &c, &e), 0);
	assert_string_equal(c.partition, "long");
	assert_string_equal(c.account, "mat123");
	assert_string_equal(c.time, "");
	assert_int_equal(c.nodes, 2);
	assert_int_equal(c.ntasks, 64);
	assert_string_equal(c.lines, "module load vasp/6.4\nexport OMP_NUM_THREADS=1\n");
	slurmconf_release(&c);
	assert_int_equal(parse(text, "static3", &c, &e), 0);
	assert_string_equal(c.partition, "short");
	assert_string_equal(c.time, "04:00:00");
	assert_int_equal(c.nodes, 0);
	slurmconf_release(&c);
	assert_int_equal(parse(text, "relax", &c, &e), 0);
	assert_string_equal(c.partition, "");
	assert_string_equal(c.account, "mat123");
	slurmconf_release(&c);
}

/* a kind's own setting wins over *'s, wherever it stands */
static void
a_kind_wins_over_star(void **state)
{
	struct hk_err e = HK_ERR_INIT;
	struct slurm_conf c;

	assert_int_equal(parse("neb partition long\n* partition short\n* nodes 1\n", "neb", &c, &e), 0);
	assert_string_equal(c.partition, "long");
	assert_int_equal(c.nodes, 1);
	slurmconf_release(&c);
	assert_int_equal(parse("", "neb", &c, &e), 0);
	assert_null(c.lines);
	slurmconf_release(&c);
}

static void
times(void **state)
{
	static const char *const good[] = { "30", "30:00", "4:00:00", "2-00", "2-12:30", "2-00:00:00", "INFINITE",
		"UNLIMITED" };
	static const char *const badt[] = { "", "4h", "1:2:3:4", "2-", "-4", "2-3-4", ":30", "30:", "1234567",
		"1 day", "04:00:00x" };
	char text[128];

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		struct hk_err e = HK_ERR_INIT;
		struct slurm_conf c;
		snprintf(text, sizeof text, "* time %s\n", good[i]);
		if (parse(text, "neb", &c, &e) != 0)
			fail_msg("time '%s' refused: %s", good[i], e.msg);
		assert_string_equal(c.time, good[i]);
		slurmconf_release(&c);
	}
	for (size_t i = 0; i < sizeof badt / sizeof *badt; i++) {
		struct hk_err e = HK_ERR_INIT;
		struct slurm_conf c;
		snprintf(text, sizeof text, "* time %s\n", badt[i]);
		if (parse(text, "neb", &c, &e) != -1)
			fail_msg("time '%s' taken", badt[i]);
		slurmconf_release(&c);
	}
}

static void
bad_lines_name_file_line_and_problem(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "* nodes 2\n* ntasks x4\n", "sc:2: ntasks 'x4' is not a whole number" },
		{ "* nodes 0\n", "sc:1: nodes '0' is out of range" },
		{ "* nodes -2\n", "sc:1: nodes '-2' is not a whole number" },
		{ "* nodes 99999999999\n", "sc:1: nodes '99999999999' is out of range" },
		{ "* nodes 2 4\n", "sc:1: nodes '2 4' is not a whole number" },
		{ "* partiton short\n", "sc:1: unknown key 'partiton' (partition, account" },
		{ "nbe partition long\n", "sc:1: unknown job kind 'nbe'" },
		{ "neb\n", "sc:1: no key ''" },
		{ "neb partition\n", "sc:1: neb partition has no value" },
		{ "neb line   \n", "sc:1: neb line has no value" },
		{ "\n\nneb partition long\nneb partition short\n", "sc:4: neb partition given twice (first on line 3)" },
		{ "* account a b\n", "sc:1: account 'a b' is not one word" },
		{ "* account a;b\n", "sc:1: account 'a;b' is not one word" },
		{ "* partition long\r\n", "sc:1: control character 0x0d in column 17 (a DOS line end?)" },
		{ "* line echo \033[31m\n", "sc:1: control character 0x1b" },
		{ "* account 0123456789012345678901234567890123456789012345678901234567890123\n",
			"is too long (at most 63 bytes)" },
	};

	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		struct hk_err e = HK_ERR_INIT;
		struct slurm_conf c;
		if (parse(cases[k].text, "neb", &c, &e) != -1)
			fail_msg("'%s' was taken", cases[k].text);
		if (strstr(e.msg, cases[k].msg) == NULL)
			fail_msg("'%s': message '%s' lacks '%s'", cases[k].text, e.msg, cases[k].msg);
		slurmconf_release(&c);
	}
}

/* a NUL, and a line over the limit, even for another kind */
static void
nul_and_long_lines(void **state)
{
	struct hk_err e = HK_ERR_INIT;
	struct slurm_conf c;
	char *text = malloc(SLURMCONF_LINE_MAX + 32);

	assert_int_equal(slurmconf_parse("* line a\0b\n", 11, "sc", "neb", &c, &e), -1);
	assert_non_null(strstr(e.msg, "sc:1: control character 0x00 in column 9"));
	slurmconf_release(&c);
	snprintf(text, SLURMCONF_LINE_MAX + 32, "static3 line %0*d\n", SLURMCONF_LINE_MAX, 0);
	assert_int_equal(parse(text, "neb", &c, &e), -1);
	assert_non_null(strstr(e.msg, "sc:1: line longer than 1024 bytes"));
	slurmconf_release(&c);
	free(text);
}

static void
files(void **state)
{
	char path[] = "/tmp/slurmconfXXXXXX";
	int fd = mkstemp(path);
	struct hk_err e = HK_ERR_INIT;
	struct slurm_conf c;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "* nodes 3\n", 10), 10);
	close(fd);
	assert_int_equal(slurmconf_read(path, "neb", &c, &e), 0);
	assert_int_equal(c.nodes, 3);
	slurmconf_release(&c);
	unlink(path);
	assert_int_equal(slurmconf_read(path, "neb", &c, &e), -1);
	assert_non_null(strstr(e.msg, "No such file"));
	slurmconf_release(&c);
	assert_int_equal(slurmconf_read("/tmp", "neb", &c, &e), -1);
	assert_non_null(strstr(e.msg, "/tmp: not a regular file"));
	slurmconf_release(&c);
	assert_int_equal(slurmconf_read(NULL, "neb", &c, &e), 0);
	slurmconf_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_manual_example),
		cmocka_unit_test(a_kind_wins_over_star),
		cmocka_unit_test(times),
		cmocka_unit_test(bad_lines_name_file_line_and_problem),
		cmocka_unit_test(nul_and_long_lines),
		cmocka_unit_test(files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
