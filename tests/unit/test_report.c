/* html.h's escapes, jobcause.h's classes of failed jobs and report.h's links from the page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobcause.h"
#include "html.h"
#include "report.h"
#include "sbuf.h"
#include "testutil.h"
#include "xalloc.h"

static char *
escaped(void (*f)(struct sbuf *, const char *), const char *s)
{
	struct sbuf b = SBUF_INIT;

	f(&b, s);
	return b.s ? sbuf_detach(&b) : xstrdup("");
}

static void
escapes_make_no_markup(void **state)
{
	char *s;

	(void)state;
	s = escaped(html_escape, "a<script>\"x\" & 'y'</script>");
	assert_string_equal(s, "a&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
	free(s);
	s = escaped(html_json_string, "</script>\"\\\n&");
	assert_string_equal(s, "\"\\u003c/script\\u003e\\\"\\\\\\u000a\\u0026\"");
	free(s);
	s = escaped(html_url_path, "plots/mp-1.F.0 <a>\"&.svg");
	assert_string_equal(s, "plots/mp-1.F.0%20%3Ca%3E%22%26.svg");
	free(s);
	s = escaped(html_escape, "");
	assert_string_equal(s, "");
	free(s);
}

static const char *
cause(const char *json)
{
	static char out[64];
	json_t *rec = json_loads(json, 0, NULL);
	const char *c;

	assert_non_null(rec);
	c = jc_failed_class(rec);
	snprintf(out, sizeof(out), "%s", c ? c : "(none)");
	json_decref(rec);
	return out;
}

static void
causes_of_failures(void **state)
{
	(void)state;
	assert_string_equal(cause("{\"state\":\"done\"}"), "(none)");
	assert_string_equal(cause("{\"state\":\"failed\",\"history\":[{\"state\":\"done\"},{\"state\":\"lost\"}]}"),
	    "lost_run");
	assert_string_equal(cause("{\"state\":\"failed\",\"last_error\":\"01: interrupted by SIGTERM\"}"), "interrupted");
	/* the error of the last attempt that the message names */
	assert_string_equal(cause("{\"state\":\"failed\",\"attempts\":2,\"last_error\":\"01: EDDDAV (VASP: ...) cannot be corrected\","
	    "\"errors\":[{\"error\":\"ZBRENT\",\"attempt\":1},{\"error\":\"EDDDAV\",\"attempt\":2}]}"), "EDDDAV");
	/* an error corrected earlier in the attempt is not why it ended */
	assert_string_equal(cause("{\"state\":\"failed\",\"attempts\":1,\"last_error\":\"01: the calculator exited with status 1\","
	    "\"errors\":[{\"error\":\"ZBRENT\",\"attempt\":1}]}"), "calculator_exit");
	assert_string_equal(cause("{\"state\":\"failed\",\"attempts\":1,\"last_error\":\"01: walltime reached\","
	    "\"errors\":[{\"error\":\"walltime\",\"attempt\":1}]}"), "walltime");
	assert_string_equal(cause("{\"state\":\"failed\",\"last_error\":\"something new\"}"), "unknown");
	/* the class run-vasp recorded wins */
	assert_string_equal(cause("{\"state\":\"failed\",\"last_error\":\"01: the calculator exited\",\"error_class\":\"edddav\"}"),
	    "edddav");
}

static char *
base(const char *page, const char *dir)
{
	struct hk_err e = HK_ERR_INIT;
	char *b = report_base(page, dir, &e);

	assert_non_null(b);
	return b;
}

static void
links_from_the_page(void **state)
{
	char tmp[] = "/tmp/hk-report-XXXXXX", *b;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	assert_int_equal(chdir(tmp), 0);
	assert_int_equal(mkdir("study", 0777), 0);
	assert_int_equal(mkdir("study/sub", 0777), 0);
	assert_int_equal(mkdir("out", 0777), 0);
	b = base("study/report.html", "study");
	assert_string_equal(b, "");
	free(b);
	b = base("out/r.html", "study");
	assert_string_equal(b, "../study/");
	free(b);
	b = base("study/sub/r.html", "study");
	assert_string_equal(b, "../");
	free(b);
	b = base("r.html", "study/sub");
	assert_string_equal(b, "study/sub/");
	free(b);
	struct hk_err e = HK_ERR_INIT;
	assert_null(report_base("nothere/r.html", "study", &e));
	assert_true(strstr(e.msg, "nothere") != NULL);
	rmdir("study/sub"), rmdir("study"), rmdir("out");
	assert_int_equal(chdir("/"), 0);
	rmdir(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_make_no_markup),
		cmocka_unit_test(causes_of_failures),
		cmocka_unit_test(links_from_the_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
