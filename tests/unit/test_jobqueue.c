#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobqueue.h"
#include "sbuf.h"
#include "stream.h"
#include "testutil.h"
#include "xalloc.h"

static void
add_report(void *note, const struct hk_err *e)
{
	const struct jq_note *n = note;

	if (n)
		n->fn(n->ctx, e);
}

/*
 * What run-vasp add does: the records of the files through the stream,
 * checked and written by jq_add_work on threads threads (0: none, take
 * does it all), placed by jq_add_take; 1 if one was bad.
 */
static int
add_files_on(int threads, const char *root, char **files, int n, long *added, long *known,
    const struct jq_note *note, struct hk_err *err)
{
	struct jq_adder a;
	struct stream s;
	int rc;

	if (jq_add_begin(&a, root, err) == -1)
		return -1;
	stream_init(&s, stdout);
	if (threads > 0) {
		s.work = jq_add_work;
		s.jobs = threads;
	}
	s.take = jq_add_take;
	s.ctx = &a;
	s.report = add_report;
	s.hctx = (void *)note;
	s.keep_going = 1;
	rc = stream_run(&s, n, files);
	if (rc != -1 && jq_add_finish(&a, err) == -1)
		rc = -1;
	jq_add_end(&a);
	stream_release(&s);
	*added = a.added;
	*known = a.known;
	return rc != 0;
}

static int
add_files(const char *root, char **files, int n, long *added, long *known, const struct jq_note *note,
    struct hk_err *err)
{
	return add_files_on(2, root, files, n, added, known, note, err);
}

/* A state directory in a temporary directory of its own, per test. */
struct fixture {
	char tmp[64];
	char *root;
	int notes;		/* jq_note calls */
	char last[512];		/* the last note, as err_format gives it */
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct hk_err e = HK_ERR_INIT;

	strcpy(f->tmp, "/tmp/hk-jobqueue-XXXXXX");
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	f->root = xmalloc(strlen(f->tmp) + 8);
	sprintf(f->root, "%s/jobs", f->tmp);
	*state = f;
	return js_init(f->root, &e);
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc = nftw(f->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);

	free(f->root);
	free(f);
	return rc;
}

static void
count_note(void *ctx, const struct hk_err *e)
{
	struct fixture *f = ctx;

	f->notes++;
	err_format(e, f->last, sizeof(f->last));
}

/* Job records id0 ... id(n-1), in that order, each with a directory of its own; the file's path. */
static char *
write_jobs(struct fixture *f, const char *name, const char *const *ids, int n)
{
	char *path = xmalloc(strlen(f->tmp) + strlen(name) + 2);
	FILE *fp;

	sprintf(path, "%s/%s", f->tmp, name);
	assert_non_null(fp = fopen(path, "w"));
	for (int i = 0; i < n; i++) {
		char dir[256];
		snprintf(dir, sizeof(dir), "%s/%s", f->tmp, ids[i]);
		test_job_dir(dir);
		fprintf(fp, "{\"id\":\"%s\",\"dir\":\"%s\",\"kind\":\"static3\"}\n", ids[i], dir);
	}
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* The ids in a state's directory, in js_list order, space-separated. */
static void
ids_in(struct fixture *f, enum js_state s, char *out, size_t n)
{
	char **list;
	int k;

	out[0] = '\0';
	assert_int_equal(js_list(f->root, s, &list, &k), 0);
	for (int i = 0; i < k; i++) {
		char *id = js_id_of(list[i], s);
		snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? " " : "", id);
		free(id);
		free(list[i]);
	}
	free(list);
}

static void
add(struct fixture *f, const char *const *ids, int n)
{
	struct jq_note note = { count_note, f };
	struct hk_err e = HK_ERR_INIT;
	char *file = write_jobs(f, "jobs.jsonl", ids, n);
	long added, known;

	assert_int_equal(add_files(f->root, &file, 1, &added, &known, &note, &e), 0);
	assert_int_equal(added, n);
	free(file);
}

/* A local executor whose runs are /bin/true: started, gone at once. */
static struct exec_opts
local_true(struct fixture *f)
{
	return (struct exec_opts){ "local", f->root, "/bin/true", "true", 0, 0, 5, NULL, 1 };
}

static void
add_is_idempotent_and_keeps_order(void **state)
{
	static const char *const ids[] = { "mp-9.F.0", "mp-1.F.0", "mp-5.F.2" };
	struct fixture *f = *state;
	struct jq_note note = { count_note, f };
	struct hk_err e = HK_ERR_INIT;
	char *file = write_jobs(f, "a.jsonl", ids, 3), *bad = xmalloc(strlen(f->tmp) + 16), got[256];
	long added, known;
	FILE *fp;

	assert_int_equal(add_files(f->root, &file, 1, &added, &known, &note, &e), 0);
	assert_int_equal(added, 3);
	assert_int_equal(known, 0);
	ids_in(f, JS_READY, got, sizeof(got));
	assert_string_equal(got, "mp-9.F.0 mp-1.F.0 mp-5.F.2");
	/*
	 * again, with a record that has no directory and one whose id an
	 * earlier file of the same input has: nothing changes but the notes
	 */
	sprintf(bad, "%s/b.jsonl", f->tmp);
	assert_non_null(fp = fopen(bad, "w"));
	fputs("{\"id\":\"mp-1.F.0\",\"dir\":\"x\"}\n{\"id\":\"nodir\"}\n", fp);
	assert_int_equal(fclose(fp), 0);
	char *both[] = { file, bad };
	assert_int_equal(add_files(f->root, both, 2, &added, &known, &note, &e), 1);
	assert_int_equal(added, 0);
	assert_int_equal(known, 3);
	assert_int_equal(f->notes, 2);
	assert_non_null(strstr(f->last, "b.jsonl:2: job record nodir has no \"dir\""));
	ids_in(f, JS_READY, got, sizeof(got));
	assert_string_equal(got, "mp-9.F.0 mp-1.F.0 mp-5.F.2");
	free(file);
	free(bad);
}

static void
relative_dirs_become_absolute(void **state)
{
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	char *file = xmalloc(strlen(f->tmp) + 16);
	long added, known;
	FILE *fp;

	char *cwd = getcwd(NULL, 0), *calcs = xmalloc(strlen(f->tmp) + 16);

	sprintf(file, "%s/r.jsonl", f->tmp);
	assert_non_null(fp = fopen(file, "w"));
	fputs("{\"id\":\"rel\",\"dir\":\"calcs/rel\"}\n", fp);
	assert_int_equal(fclose(fp), 0);
	/* the directory must exist, relative to where add runs */
	sprintf(calcs, "%s/calcs", f->tmp);
	assert_int_equal(mkdir(calcs, 0777), 0);
	strcat(calcs, "/rel");
	test_job_dir(calcs);
	assert_non_null(cwd);
	assert_int_equal(chdir(f->tmp), 0);
	assert_int_equal(add_files(f->root, &file, 1, &added, &known, NULL, &e), 0);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	free(calcs);
	json_t *rec = jq_status(f->root, "rel");
	assert_non_null(rec);
	const char *dir = json_string_value(json_object_get(rec, "dir"));
	assert_true(dir[0] == '/');
	assert_non_null(strstr(dir, "/calcs/rel"));
	json_decref(rec);
	free(file);
}

static void
topup_starts_up_to_n(void **state)
{
	static const char *const ids[] = { "j1", "j2", "j3", "j4" };
	struct fixture *f = *state;
	struct jq_note note = { count_note, f };
	struct hk_err e = HK_ERR_INIT;
	struct exec_opts eo = local_true(f);
	struct jq_topup t;
	struct jq_counts c;
	char got[256];

	add(f, ids, 4);
	assert_int_equal(jq_topup(f->root, &eo, 2, &t, &note, &e), 0);
	assert_int_equal(t.started, 2);
	assert_int_equal(t.active, 2);
	assert_int_equal(t.ready, 2);
	ids_in(f, JS_ACTIVE, got, sizeof(got));
	assert_string_equal(got, "j1 j2");
	json_t *rec = jq_status(f->root, "j1");
	assert_string_equal(json_string_value(json_object_get(rec, "state")), "queued");
	assert_string_equal(json_string_value(json_object_get(rec, "executor")), "local");
	assert_true(json_integer_value(json_object_get(rec, "pid")) > 0);
	json_decref(rec);
	/* two are active: a second round has no room */
	assert_int_equal(jq_topup(f->root, &eo, 2, &t, &note, &e), 0);
	assert_int_equal(t.started, 0);
	assert_int_equal(t.active, 2);
	assert_int_equal(t.ready, 2);
	assert_int_equal(jq_topup(f->root, &eo, 3, &t, &note, &e), 0);
	assert_int_equal(t.started, 1);
	jq_count(f->root, &c);
	assert_int_equal(c.n[JS_READY], 1);
	assert_int_equal(c.n[JS_ACTIVE], 3);
	assert_int_equal(c.queued, 3);
	assert_int_equal(c.running, 0);
	assert_int_equal(f->notes, 0);
	while (wait(NULL) > 0)
		;
}

static void
topup_stops_at_a_start_that_fails(void **state)
{
	static const char *const ids[] = { "k1", "k2" };
	struct fixture *f = *state;
	struct jq_note note = { count_note, f };
	struct hk_err e = HK_ERR_INIT;
	/* Slurm's batch script cannot be written into a directory that is not there */
	struct exec_opts eo = { "slurm", f->root, "/bin/true", "true", 0, 0, 5, NULL, 1 };
	struct jq_topup t;
	char before[256], after[256], *path;

	add(f, ids, 2);
	path = xmalloc(2 * strlen(f->tmp) + 16);
	sprintf(path, "%s/k1", f->tmp);
	sprintf(path + strlen(path) + 1, "%s/k1.gone", f->tmp);
	assert_int_equal(rename(path, path + strlen(path) + 1), 0);
	free(path);
	ids_in(f, JS_READY, before, sizeof(before));
	assert_int_equal(jq_topup(f->root, &eo, 5, &t, &note, &e), 1);
	assert_int_equal(t.started, 0);
	assert_int_equal(t.active, 0);
	assert_int_equal(t.ready, 2);
	assert_int_equal(f->notes, 1);
	assert_non_null(strstr(f->last, "k1: not started: "));
	ids_in(f, JS_READY, after, sizeof(after));
	assert_string_equal(after, before);
	assert_string_equal(after, "k1 k2");
}

static void
sync_reconciles_active_jobs(void **state)
{
	static const char *const ids[] = { "done1", "dead1", "claimed1", "other" };
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	struct exec_opts eo = local_true(f);
	struct jq_topup t;
	char got[256], *path = NULL, **list;
	enum js_state st;
	int n;

	add(f, ids, 4);
	assert_int_equal(jq_topup(f->root, &eo, 2, &t, NULL, &e), 0);
	/* the runs (/bin/true) are over and reaped: their processes are gone */
	while (wait(NULL) > 0)
		;
	/* done1's runner recorded the end, then died before moving its file */
	assert_int_equal(js_find(f->root, "done1", &st, &path), 0);
	json_t *rec = js_load(path, &e);
	json_object_set_new(rec, "state", json_string("done"));
	assert_int_equal(js_save(path, rec, &e), 0);
	json_decref(rec);
	free(path);
	/* claimed1 is claimed by a top-up that died before starting it */
	assert_int_equal(js_list(f->root, JS_READY, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(js_move_file(f->root, list[0], JS_READY, JS_ACTIVE, 0, &e), 0);
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	assert_int_equal(jq_sync(f->root, &e), 1);
	ids_in(f, JS_DONE, got, sizeof(got));
	assert_string_equal(got, "done1");
	ids_in(f, JS_FAILED, got, sizeof(got));
	assert_string_equal(got, "dead1");
	ids_in(f, JS_READY, got, sizeof(got));
	assert_string_equal(got, "claimed1 other");
	ids_in(f, JS_ACTIVE, got, sizeof(got));
	assert_string_equal(got, "");
	rec = jq_status(f->root, "dead1");
	assert_non_null(strstr(json_string_value(json_object_get(rec, "last_error")), "lost run: process"));
	json_decref(rec);
	assert_int_equal(jq_sync(f->root, &e), 0);
}

static void
retry_abort_and_forget(void **state)
{
	static const char *const ids[] = { "r1", "r2", "r3" };
	struct fixture *f = *state;
	struct jq_note note = { count_note, f };
	struct hk_err e = HK_ERR_INIT;
	char got[256], *r1[] = { "r1" }, *r2[] = { "r2" }, *nosuch[] = { "nosuch" };
	enum js_state st;

	add(f, ids, 3);
	assert_int_equal(js_move(f->root, "r3", JS_READY, JS_FAILED, 0, &e), 0);
	assert_int_equal(jq_retry_failed(f->root, &e), 0);
	ids_in(f, JS_READY, got, sizeof(got));
	assert_string_equal(got, "r3 r1 r2");
	/* ready jobs are not retried; an aborted one is, to the front */
	assert_int_equal(jq_retry(f->root, r2, 1, &note, &e), 1);
	assert_string_equal(f->last, "r2: not failed or aborted");
	assert_int_equal(jq_abort(f->root, r2, 1, &note), 0);
	assert_int_equal(js_find(f->root, "r2", &st, NULL), 0);
	assert_int_equal(st, JS_ABORTED);
	assert_int_equal(jq_retry(f->root, r2, 1, &note, &e), 0);
	ids_in(f, JS_READY, got, sizeof(got));
	assert_string_equal(got, "r2 r3 r1");
	assert_int_equal(jq_abort(f->root, nosuch, 1, &note), 1);
	assert_string_equal(f->last, "nosuch: not ready, queued or running");
	/* forget: gone from the state directory; unknown ids are noted */
	assert_int_equal(jq_forget(f->root, r1, 1, &note), 0);
	assert_int_equal(js_find(f->root, "r1", &st, NULL), -1);
	assert_int_equal(jq_forget(f->root, r1, 1, &note), 1);
	assert_string_equal(f->last, "r1: unknown or active (abort it first)");
	ids_in(f, JS_READY, got, sizeof(got));
	assert_string_equal(got, "r2 r3");
}

static void
collect_line(void *ctx, const char *text)
{
	sbuf_addstr(ctx, text);
}

static void
list_lines(void **state)
{
	static const char *const ids[] = { "l1", "l2" };
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf out = SBUF_INIT;

	add(f, ids, 2);
	assert_int_equal(js_move(f->root, "l2", JS_READY, JS_DONE, 0, &e), 0);
	jq_list(f->root, -1, NULL, 1, collect_line, &out);
	assert_string_equal(out.s, "id,state,attempts,executor,exec_id,submitted,started,ended,walltime,last_error,error_class\n"
	    "l1,ready,0,,,-,-,-,,,\nl2,done,0,,,-,-,-,,,\n");
	sbuf_reset(&out);
	jq_list(f->root, JS_DONE, NULL, 0, collect_line, &out);
	assert_non_null(strstr(out.s, "\nl2                           done       0 -      -          -"));
	assert_null(strstr(out.s, "l1"));
	sbuf_release(&out);
}

/* Files of ready/ with a temporary name. */
static int
tmp_files(const char *root)
{
	char *p = xasprintf("%s/ready", root);
	DIR *d = opendir(p);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strstr(de->d_name, ".tmp.") != NULL;
	closedir(d);
	free(p);
	return n;
}

/*
 * 5000 records on 2 threads, then on none, over more than one batch:
 * every other run of 32 repeats the ids of the run before it (written at
 * the same time on the threads), so each later one is refused however
 * the threads ran, the first stays, the order is the input's, and no
 * temporary file is left
 */
static void
add_first_of_one_id_wins(void **state)
{
	struct fixture *f = *state;
	struct jq_note note = { count_note, f };
	struct hk_err e = HK_ERR_INIT;
	char *path = xasprintf("%s/many.jsonl", f->tmp), *dir = xasprintf("%s/d", f->tmp), **list;
	long added, known;
	int k;
	FILE *fp;

	test_job_dir(dir);
	for (int threads = 2; threads >= 0; threads -= 2) {
		char *root = xasprintf("%s/state%d", f->tmp, threads);
		assert_int_equal(js_init(root, &e), 0);
		assert_non_null(fp = fopen(path, "w"));
		for (int i = 0; i < 5000; i++)
			fprintf(fp, "{\"id\":\"j%d\",\"dir\":\"%s\",\"kind\":\"static3\"}\n", (i / 32) % 2 ? i - 32 : i, dir);
		assert_int_equal(fclose(fp), 0);
		f->notes = 0;
		assert_int_equal(add_files_on(threads, root, &path, 1, &added, &known, &note, &e), 1);
		assert_int_equal(added, 2504);
		assert_int_equal(f->notes, 2496);
		assert_int_equal(js_list(root, JS_READY, &list, &k), 0);
		assert_int_equal(k, 2504);
		for (int i = 0; i < k; i++) {
			char *id = js_id_of(list[i], JS_READY), want[16];
			snprintf(want, sizeof(want), "j%d", (i / 32) * 64 + i % 32);
			assert_string_equal(id, want);
			free(id);
			free(list[i]);
		}
		free(list);
		assert_int_equal(tmp_files(root), 0);
		free(root);
	}
	free(path);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(add_is_idempotent_and_keeps_order, setup, teardown),
		cmocka_unit_test_setup_teardown(relative_dirs_become_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(add_first_of_one_id_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(topup_starts_up_to_n, setup, teardown),
		cmocka_unit_test_setup_teardown(topup_stops_at_a_start_that_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(sync_reconciles_active_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(retry_abort_and_forget, setup, teardown),
		cmocka_unit_test_setup_teardown(list_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
