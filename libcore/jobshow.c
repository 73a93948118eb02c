#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobqueue.h"
#include "jobstate.h"
#include "jobshow.h"
#include "num.h"
#include "sbuf.h"
#include "tail.h"
#include "xalloc.h"

#define TAIL_LINES 10

struct shower {
	struct sbuf text;
	void (*line)(void *ctx, const char *text);
	void *ctx;
};

static void __attribute__((format(printf, 2, 3)))
say(struct shower *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sbuf_reset(&w->text);
	sbuf_grow(&w->text, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(w->text.s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	w->text.len = (size_t)n;
	sbuf_addc(&w->text, '\n');
	w->line(w->ctx, w->text.s);
}

static const char *
str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

/* "T1 to T2 (N s)", or as much of it as is known. */
static void
span(const json_t *o, char *buf, size_t n)
{
	double t0 = json_number_value(json_object_get(o, "started")), t1 = json_number_value(json_object_get(o, "ended"));
	char a[40], b[40], s[NUM_BUFSZ];

	jq_time_text(t0, a, sizeof(a));
	jq_time_text(t1, b, sizeof(b));
	if (t0 > 0 && t1 >= t0)
		snprintf(buf, n, "%s to %s (%s s)", a, b, num_fixed(t1 - t0, 0, s));
	else if (t0 > 0)
		snprintf(buf, n, "since %s", a);
	else
		snprintf(buf, n, "not started");
}

/* The errors and corrections of attempt (all of them when attempt < 0). */
static void
show_fixes(struct shower *w, const json_t *rec, json_int_t attempt)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(rec, "errors"), i, e)
		if (attempt < 0 || json_integer_value(json_object_get(e, "attempt")) == attempt)
			say(w, "    error       %s: %s (%s)", str(e, "image", "?"), str(e, "error", "?"), str(e, "message", ""));
	json_array_foreach(json_object_get(rec, "corrections"), i, e)
		if (attempt < 0 || !json_object_get(e, "attempt") ||
		    json_integer_value(json_object_get(e, "attempt")) == attempt)
			say(w, "    correction  %s: %s: %s (outputs kept in %s)", str(e, "image", "?"), str(e, "error", "?"),
			    str(e, "actions", ""), str(e, "backup", "?"));
}

static void
show_attempt(struct shower *w, const json_t *rec, const json_t *a)
{
	json_int_t n = json_integer_value(json_object_get(a, "attempt"));
	char when[128];
	size_t i;
	json_t *r;

	span(a, when, sizeof(when));
	say(w, "attempt %lld: %s, %s %s on %s (pid %lld), %s", (long long)n, str(a, "state", "running"),
	    str(a, "executor", "run by hand"), str(a, "exec_id", ""), str(a, "host", "?"),
	    (long long)json_integer_value(json_object_get(a, "pid")), when);
	json_array_foreach(json_object_get(a, "runs"), i, r) {
		span(r, when, sizeof(when));
		say(w, "    calculator  %s: exit status %lld%s%s, %s", str(r, "image", "?"),
		    (long long)json_integer_value(json_object_get(r, "exit_status")),
		    json_object_get(r, "stopped") ? ", stopped: " : "", str(r, "stopped", ""), when);
	}
	show_fixes(w, rec, n);
	if (json_object_get(a, "error"))
		say(w, "    ended with  %s", str(a, "error", ""));
}

/* The last lines of each image's std_err.txt. */
static void
show_stderr(struct shower *w, const json_t *rec)
{
	const char *const *images = js_run_dirs(str(rec, "kind", "static3"));
	struct sbuf t = SBUF_INIT;

	for (int k = 0; images[k]; k++) {
		char *p = xasprintf("%s/%s/std_err.txt", str(rec, "dir", "."), images[k]);
		sbuf_reset(&t);
		if (tail_lines(p, TAIL_LINES, 1 << 16, &t) > 0) {
			say(w, "%s, its last lines:", p);
			for (char *l = t.s, *nl; (nl = strchr(l, '\n')) != NULL; l = nl + 1)
				say(w, "    %.*s", (int)(nl - l), l);
		}
		free(p);
	}
	sbuf_release(&t);
}

/* One job's lines; -1 when it is unknown. */
static int
show_one(struct shower *w, const char *root, const char *id)
{
	json_t *rec = jq_status(root, id), *h, *a;
	char when[128];
	size_t i;

	if (rec == NULL)
		return -1;
	h = json_object_get(rec, "history");
	say(w, "%s: %s", id, str(rec, "state", "?"));
	say(w, "dir: %s", str(rec, "dir", "?"));
	say(w, "kind: %s", str(rec, "kind", "?"));
	say(w, "attempts: %lld", (long long)json_integer_value(json_object_get(rec, "attempts")));
	if (json_object_get(rec, "submitted")) {
		jq_time_text(json_number_value(json_object_get(rec, "submitted")), when, sizeof(when));
		say(w, "submitted: %s %s, %s", str(rec, "executor", "?"), str(rec, "exec_id", ""), when);
	}
	say(w, "last error: %s", str(rec, "last_error", "none"));
	json_array_foreach(h, i, a)
		show_attempt(w, rec, a);
	if (json_array_size(h) == 0 && (json_array_size(json_object_get(rec, "errors")) ||
	    json_array_size(json_object_get(rec, "corrections")))) {
		say(w, "errors and corrections:");
		show_fixes(w, rec, -1);
	}
	if (strcmp(str(rec, "state", ""), "done") != 0)
		show_stderr(w, rec);
	json_decref(rec);
	return 0;
}

int
jq_show(const char *root, char *const *ids, int n, void (*line)(void *ctx, const char *text), void *ctx,
    const struct jq_note *note)
{
	struct shower w = { SBUF_INIT, line, ctx };
	int bad = 0;

	for (int i = 0; i < n; i++) {
		if (i > 0)
			line(ctx, "\n");
		if (show_one(&w, root, ids[i]) == -1 && note && note->fn) {
			struct hk_err e = HK_ERR_INIT;
			err_set(&e, "%s: no such job", ids[i]);
			note->fn(note->ctx, &e);
			bad = 1;
		}
	}
	sbuf_release(&w.text);
	return bad;
}
