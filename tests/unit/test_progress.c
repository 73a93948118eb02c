#include <string.h>

#include "progress.h"
#include "testutil.h"

static void
format(long n, const char *what, double frac, double elapsed, const char *want)
{
	struct sbuf sb = SBUF_INIT;

	progress_format(&sb, n, what, frac, elapsed);
	assert_string_equal(sb.s, want);
	sbuf_release(&sb);
}

static void
known_size_gives_a_total_and_an_eta(void **state)
{
	(void)state;
	format(4120, "paths", 0.42, 13.3, "4120 of ~9810 paths, 42%, 310/s, ETA 18s");
	/* the estimate keeps three digits: it is not exact */
	format(1234, "paths", 0.25, 100, "1234 of ~4940 paths, 25%, 12/s, ETA 5m00s");
	format(50, "jobs", 0.5, 7200, "50 of ~100 jobs, 50%, 0.42/min, ETA 2h00m");
}

static void
early_or_unknown_says_less(void **state)
{
	(void)state;
	/* no size: the count and the rate */
	format(300, "records", -1, 2, "300 records, 150/s");
	format(3, "records", -1, 2, "3 records, 1.5/s");
	/* under a second, no rate and no ETA */
	format(10, "paths", 0.5, 0.4, "10 of ~20 paths, 50%");
	/* under 1% read, no estimate of the total */
	format(10, "paths", 0.005, 3, "10 paths, 0%, 3.3/s");
	format(1, "jobs", -1, 600, "1 jobs, 0.1/min");
	/* all read (the last items still working): no ETA */
	format(10, "paths", 1, 3, "10 paths, 100%, 3.3/s");
	format(0, NULL, -1, 0, "0 records");
}

static void
durations_read_at_a_glance(void **state)
{
	const struct { double s; const char *text; } cases[] = {
		{ 0, "0s" }, { 59.4, "59s" }, { 60, "1m00s" }, { 185, "3m05s" }, { 3599, "59m59s" },
		{ 3600, "1h00m" }, { 7440, "2h04m" }, { -5, "0s" },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct sbuf sb = SBUF_INIT;
		progress_duration(&sb, cases[k].s);
		assert_string_equal(sb.s, cases[k].text);
		sbuf_release(&sb);
	}
}

/* Alone: a redraw at most every 0.25 s, the first after 0.5 s. */
static void
redraws_are_rate_limited(void **state)
{
	struct progress p;
	int shown = 0;

	(void)state;
	progress_init(&p, 100, 0);
	assert_int_equal(progress_due(&p, 100.3), 0);
	assert_int_equal(progress_due(&p, 100.5), 1);
	assert_int_equal(progress_due(&p, 100.6), 0);
	assert_int_equal(progress_due(&p, 100.75), 1);
	/* called for every record of 10 s: about 4 a second */
	for (int k = 0; k < 100000; k++)
		shown += progress_due(&p, 101 + k * 1e-4);
	assert_in_range(shown, 36, 41);
}

/* In a pipeline: a line every 3 s, the first after 3 s. */
static void
pipeline_lines_are_rare(void **state)
{
	struct progress p;

	(void)state;
	progress_init(&p, 0, 1);
	assert_int_equal(progress_due(&p, 2.9), 0);
	assert_int_equal(progress_due(&p, 3), 1);
	assert_int_equal(progress_due(&p, 5), 0);
	assert_int_equal(progress_due(&p, 6.1), 1);
	assert_int_equal(p.shown, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_size_gives_a_total_and_an_eta),
		cmocka_unit_test(early_or_unknown_says_less),
		cmocka_unit_test(durations_read_at_a_glance),
		cmocka_unit_test(redraws_are_rate_limited),
		cmocka_unit_test(pipeline_lines_are_rare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
