#include <stdio.h>
#include <string.h>

#include "hklimits.h"
#include "testutil.h"

/* A fake environment: NAME=VALUE strings, NULL-terminated. */
static const char *const *fake_env;

static char *
fake_get(const char *name)
{
	size_t n = strlen(name);

	for (const char *const *p = fake_env; p && *p; p++)
		if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
			return (char *)*p + n + 1;
	return NULL;
}

static void
env_overrides_defaults(void **state)
{
	static const char *const env[] = { "HOPKIT_MAX_ATOMS=20000", "HOPKIT_MAX_LINE=2M",
		"HOPKIT_MAX_MEMBER_BYTES=3G", "HOPKIT_MAX_MEMBERS=5k", NULL };
	struct hk_limits l = HK_LIMITS_INIT;
	struct hk_err e = HK_ERR_INIT;

	(void)state;
	fake_env = env;
	assert_int_equal(limits_from_env(&l, fake_get, &e), 0);
	assert_int_equal(l.atoms, 20000);
	assert_int_equal(l.line, 2L << 20);
	assert_int_equal(l.member_bytes, 3L << 30);
	assert_int_equal(l.members, 5120);
	assert_int_equal(l.archive_bytes, HK_MAX_ARCHIVE_BYTES);
	assert_int_equal(l.ratio, HK_MAX_RATIO);
}

static void
env_rejects_nonsense(void **state)
{
	static const char *const bad[] = { "0", "-5", "12x", "k", "", "99999999999999999999", "1.5G" };
	struct hk_err e = HK_ERR_INIT;

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char var[64];
		const char *env[] = { var, NULL };
		struct hk_limits l = HK_LIMITS_INIT;
		snprintf(var, sizeof(var), "HOPKIT_MAX_RATIO=%s", bad[k]);
		fake_env = env;
		assert_int_equal(limits_from_env(&l, fake_get, &e), -1);
		assert_non_null(strstr(e.msg, "HOPKIT_MAX_RATIO"));
		assert_int_equal(l.ratio, HK_MAX_RATIO);
	}
}

static void
guard_members_and_bytes(void **state)
{
	struct hk_limits l = { .atoms = 1, .line = 1, .members = 2, .member_bytes = 100, .archive_bytes = 150,
		.ratio = 1000 };
	struct hk_guard g = { .lim = &l };
	struct hk_err e = HK_ERR_INIT;

	(void)state;
	/* a member that declares too much is refused alone */
	assert_int_equal(limits_member(&g, 101), -1);
	assert_int_equal(limits_whole(&g), 0);
	limits_error(&g, "a.tar", "x.cif", &e);
	assert_string_equal(e.file, "a.tar:x.cif");
	assert_non_null(strstr(e.msg, "declares more than 100 bytes"));
	/* the next is read; bytes beyond the archive's total refuse it all */
	assert_int_equal(limits_member(&g, -1), 0);
	assert_int_equal(limits_bytes(&g, 100, 100), 0);
	assert_int_equal(limits_bytes(&g, 1, 101), -1);
	assert_int_equal(g.over, LIM_MEMBER_BYTES);
	g.over = LIM_OK;
	g.members = 0;
	g.total = 0;
	assert_int_equal(limits_member(&g, 10), 0);
	assert_int_equal(limits_member(&g, 10), 0);
	assert_int_equal(limits_member(&g, 10), -1);
	assert_int_equal(limits_whole(&g), 1);
	limits_error(&g, "a.tar", "x.cif", &e);
	assert_string_equal(e.file, "a.tar");
	assert_non_null(strstr(e.msg, "more than 2 members"));
	assert_non_null(strstr(e.msg, "HOPKIT_MAX_MEMBERS"));
}

static void
guard_ratio(void **state)
{
	struct hk_limits l = HK_LIMITS_INIT;
	struct hk_guard g = { .lim = &l };

	(void)state;
	assert_int_equal(limits_member(&g, -1), 0);
	/* a high ratio is let pass until HK_RATIO_AFTER bytes came out */
	assert_int_equal(limits_bytes(&g, HK_RATIO_AFTER, 1000), 0);
	assert_int_equal(limits_bytes(&g, 1 << 20, 1000), -1);
	assert_int_equal(g.over, LIM_RATIO);
	assert_int_equal(limits_whole(&g), 1);
	/* past a limit, nothing more comes */
	assert_int_equal(limits_bytes(&g, 1, 1 << 30), -1);
	assert_int_equal(limits_member(&g, 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_overrides_defaults),
		cmocka_unit_test(env_rejects_nonsense),
		cmocka_unit_test(guard_members_and_bytes),
		cmocka_unit_test(guard_ratio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
