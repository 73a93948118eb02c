#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "jobstate.h"
#include "sbuf.h"
#include "strset.h"
#include "xalloc.h"
#include "testutil.h"

/* The job directory's lock: one holder; a child that inherits it holds it after the parent lets go. */
static void
dir_lock_keeps_a_second_out(void **state)
{
	char dir[] = "/tmp/hk-dirlock-XXXXXX";
	struct hk_err e = HK_ERR_INIT;
	struct sbuf who = SBUF_INIT;
	int fd, fd2, go[2];
	pid_t pid;
	char c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(js_dir_busy(dir, &who), 0);
	assert_int_equal(js_dir_lock(dir, &fd, &e), 0);
	assert_true(fd >= 0);
	js_dir_lock_note(fd, "run-vasp run 1 on here\n");
	assert_int_equal(pipe(go), 0);
	if ((pid = fork()) == 0) {
		/* the calculator: holds the inherited descriptor until told to go */
		close(go[1]);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	close(fd);
	/* the parent closed its descriptor; the child's still holds the lock */
	assert_int_equal(js_dir_lock(dir, &fd2, &e), 1);
	assert_non_null(strstr(e.msg, "a calculator still runs here: process "));
	assert_int_equal(js_dir_busy(dir, &who), 1);
	assert_non_null(strstr(who.s, "process "));
	close(go[1]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(js_dir_busy(dir, NULL), 0);
	assert_int_equal(js_dir_lock(dir, &fd2, &e), 0);
	close(fd2);
	/* a directory that is not there */
	assert_int_equal(js_dir_lock("/nonexistent/hk", &fd2, &e), -1);
	sbuf_reset(&who);
	sbuf_addf(&who, "%s/.hopkit.lock", dir);
	unlink(who.s);
	rmdir(dir);
	sbuf_release(&who);
}

/* A runner's save does not bring back a file that was moved away. */
static void
save_existing_only(void **state)
{
	char dir[] = "/tmp/hk-saveex-XXXXXX";
	struct hk_err e = HK_ERR_INIT;
	struct sbuf path = SBUF_INIT, moved = SBUF_INIT;
	json_t *rec = json_pack("{s:s}", "state", "running"), *got;

	(void)state;
	assert_non_null(mkdtemp(dir));
	sbuf_addf(&path, "%s/j.json", dir);
	sbuf_addf(&moved, "%s/moved.json", dir);
	assert_int_equal(js_save_existing(path.s, rec, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(access(path.s, F_OK), -1);
	assert_int_equal(js_save(path.s, rec, &e), 0);
	json_object_set_new(rec, "state", json_string("failed"));
	assert_int_equal(js_save_existing(path.s, rec, &e), 0);
	got = js_load(path.s, &e);
	assert_string_equal(json_string_value(json_object_get(got, "state")), "failed");
	json_decref(got);
	assert_int_equal(rename(path.s, moved.s), 0);
	assert_int_equal(js_save_existing(path.s, rec, &e), -1);
	assert_int_equal(access(path.s, F_OK), -1);
	/* no temporary file is left either way */
	assert_int_equal(unlink(moved.s), 0);
	assert_int_equal(rmdir(dir), 0);
	json_decref(rec);
	sbuf_release(&path);
	sbuf_release(&moved);
}

/* Jobs ids written and placed in one batch, in order (tag: their place). */
static void
place_jobs(const char *root, const char *dir, const char *ids, struct js_batch *b)
{
	struct hk_err e = HK_ERR_INIT;
	struct strset known = STRSET_INIT;
	struct js_new n;

	assert_int_equal(js_known_ids(root, &known), 0);
	for (const char *id = ids; *id; id++) {
		char one[2] = { *id, 0 };
		json_t *job = json_pack("{s:s,s:s,s:s}", "id", one, "dir", dir, "kind", "static3");
		assert_int_equal(js_add_write(root, job, &known, (unsigned long)(id - ids), &n, &e), 0);
		assert_non_null(n.tmp);
		js_add_place(root, &n, one, &known, b);
		js_new_release(&n);
		json_decref(job);
	}
	strset_release(&known);
}

/*
 * A batch whose renames stop part way (as a kill would stop them) has
 * given its numbers for good: the next add's jobs still come after the
 * ones that were placed.
 */
static void
batch_cut_short_keeps_order(void **state)
{
	char tmp[] = "/tmp/hk-batchcut-XXXXXX";
	struct hk_err e = HK_ERR_INIT;
	struct js_batch b = JS_BATCH_INIT;
	char *root, *dir, *block, *inside, **list;
	int n, fd;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	root = xasprintf("%s/jobs", tmp);
	dir = xasprintf("%s/d", tmp);
	test_job_dir(dir);
	assert_int_equal(js_init(root, &e), 0);
	assert_true((fd = js_lock(root, &e)) >= 0);
	place_jobs(root, dir, "cb", &b);
	/* b's name is taken by a directory that a rename cannot replace */
	block = xasprintf("%s/ready/001000000002.b.json", root);
	inside = xasprintf("%s/x", block);
	assert_int_equal(mkdir(block, 0755), 0);
	test_put(block, "x", "x\n");
	assert_int_equal(js_batch_commit(root, &b, &e), -1);
	js_batch_release(&b);
	assert_int_equal(unlink(inside), 0);
	assert_int_equal(rmdir(block), 0);
	place_jobs(root, dir, "ba", &b);
	assert_int_equal(js_batch_commit(root, &b, &e), 0);
	js_batch_release(&b);
	js_unlock(fd);
	assert_int_equal(js_list(root, JS_READY, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0], "001000000001.c.json");
	assert_string_equal(list[1], "001000000003.b.json");
	assert_string_equal(list[2], "001000000004.a.json");
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	assert_int_equal(js_clean(root), 0);
	assert_int_equal(file_remove_tree(tmp), 0);
	free(root);
	free(dir);
	free(block);
	free(inside);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dir_lock_keeps_a_second_out),
		cmocka_unit_test(save_existing_only),
		cmocka_unit_test(batch_cut_short_keeps_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
