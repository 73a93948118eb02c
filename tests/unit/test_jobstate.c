#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobstate.h"
#include "sbuf.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dir_lock_keeps_a_second_out),
		cmocka_unit_test(save_existing_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
