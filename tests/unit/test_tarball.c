#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbuf.h"
#include "tarball.h"
#include "testutil.h"

/* Each case in its own directory: TMP/job (the job, id t.1) and TMP/arch. */
struct fixture {
	char root[64];
	struct sbuf job, arch, archive;
};

static const char job_json[] = "{\"id\":\"t.1\",\"kind\":\"static3\"}\n";

static char *
path_in(const struct fixture *f, const char *rel)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "%s/%s", f->root, rel);
	return sbuf_detach(&sb);
}

static void
put(const struct fixture *f, const char *rel, const char *text)
{
	char *p = path_in(f, rel);
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	free(p);
}

static int
exists(const struct fixture *f, const char *rel)
{
	char *p = path_in(f, rel);
	struct stat st;
	int rc = stat(p, &st) == 0;

	free(p);
	return rc;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	static const char *const dirs[] = { "job", "job/start", "job/mid", "job/mid/sub", "arch" };

	snprintf(f->root, sizeof(f->root), "/tmp/hk-tarball.XXXXXX");
	if (mkdtemp(f->root) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *p = path_in(f, dirs[i]);
		int rc = mkdir(p, 0777);
		free(p);
		if (rc == -1)
			return -1;
	}
	put(f, "job/job.json", job_json);
	put(f, "job/start/OSZICAR", "   1 F= -.1E+01 E0= -.1E+01  d E =0.0E+00\n");
	put(f, "job/mid/sub/notes", "kept as it is\n");
	put(f, "job/mid/WAVECAR", "large\n");
	sbuf_addf(&f->job, "%s/job", f->root);
	sbuf_addf(&f->arch, "%s/arch", f->root);
	sbuf_addf(&f->archive, "%s/arch/t.1.tar.gz", f->root);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct sbuf cmd = SBUF_INIT;

	sbuf_addf(&cmd, "rm -rf '%s'", f->root);
	if (system(cmd.s) != 0)
		return -1;
	sbuf_release(&cmd);
	sbuf_release(&f->job);
	sbuf_release(&f->arch);
	sbuf_release(&f->archive);
	free(f);
	return 0;
}

/* The members of the archive at path, one per line, and the text of member want. */
static void
read_archive(const char *path, const char *want, struct sbuf *names, struct sbuf *text)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char buf[4096];
	la_ssize_t got;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 4096), ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		const char *m = archive_entry_pathname(ae);
		sbuf_addf(names, "%s\n", m);
		while ((got = archive_read_data(a, buf, sizeof(buf))) > 0)
			if (strcmp(m, want) == 0)
				sbuf_add(text, buf, (size_t)got);
		assert_true(got == 0);
	}
	archive_read_free(a);
}

/* Keep the first half of the file: a truncated gzip stream. */
static void
truncate_half(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size / 2), 0);
}

static void
pack_writes_verifies_removes(void **state)
{
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf names = SBUF_INIT, text = SBUF_INIT;
	char *ar = NULL;

	assert_int_equal(tarball_pack(f->job.s, "t.1", f->arch.s, 0, &ar, &e), 0);
	assert_string_equal(ar, f->archive.s);
	assert_false(exists(f, "job"));
	read_archive(ar, "t.1/job.json", &names, &text);
	/* name order, WAVECAR left out */
	assert_string_equal(names.s, "t.1/job.json\nt.1/mid/sub/notes\nt.1/start/OSZICAR\n");
	assert_string_equal(text.s, job_json);
	free(ar);
	sbuf_release(&names);
	sbuf_release(&text);
}

static void
keep_large_keeps_wavecar(void **state)
{
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf names = SBUF_INIT, text = SBUF_INIT;
	char *ar = NULL;

	assert_int_equal(tarball_pack(f->job.s, "t.1", f->arch.s, 1, &ar, &e), 0);
	read_archive(ar, "t.1/mid/WAVECAR", &names, &text);
	assert_string_equal(text.s, "large\n");
	free(ar);
	sbuf_release(&names);
	sbuf_release(&text);
}

static void
corrupt_archive_keeps_dir(void **state)
{
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	char *ar = NULL;

	assert_int_equal(tarball_write(f->job.s, "t.1", 0, f->archive.s, &e), 0);
	assert_int_equal(tarball_verify(f->archive.s, f->job.s, "t.1", 0, &e), 0);
	truncate_half(f->archive.s);
	assert_int_equal(tarball_verify(f->archive.s, f->job.s, "t.1", 0, &e), -1);
	/* the archive exists, so pack only verifies it: it fails, the job stays whole */
	assert_int_equal(tarball_pack(f->job.s, "t.1", f->arch.s, 0, &ar, &e), -1);
	assert_null(ar);
	assert_non_null(strstr(e.msg, f->archive.s));
	assert_true(exists(f, "job/job.json") && exists(f, "job/start/OSZICAR") && exists(f, "job/mid/sub/notes"));
	/* with the bad archive gone it is written afresh */
	assert_int_equal(unlink(f->archive.s), 0);
	assert_int_equal(tarball_pack(f->job.s, "t.1", f->arch.s, 0, &ar, &e), 0);
	assert_false(exists(f, "job"));
	free(ar);
}

static void
changed_file_keeps_dir(void **state)
{
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	char *ar = NULL;

	assert_int_equal(tarball_write(f->job.s, "t.1", 0, f->archive.s, &e), 0);
	put(f, "job/mid/sub/notes", "kept as it iz\n");
	assert_int_equal(tarball_pack(f->job.s, "t.1", f->arch.s, 0, &ar, &e), -1);
	assert_non_null(strstr(e.msg, "t.1/mid/sub/notes differs from"));
	assert_non_null(strstr(e.msg, "(size 14 vs 14)"));
	assert_true(exists(f, "job/mid/sub/notes"));
	/* a file the archive lacks */
	put(f, "job/mid/sub/notes", "kept as it is\n");
	put(f, "job/start/OUTCAR", "new\n");
	assert_int_equal(tarball_verify(f->archive.s, f->job.s, "t.1", 0, &e), -1);
	assert_non_null(strstr(e.msg, "start/OUTCAR is missing from the archive"));
	assert_true(exists(f, "job/start/OUTCAR"));
}

static void
interrupted_run_is_finished(void **state)
{
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	char *ar = NULL, *stale = path_in(f, "arch/t.1.tar.gz.tmp.99999999"), *p = path_in(f, "job/start/OSZICAR");

	/* killed after the archive and part of the removal, and one writing a temporary */
	assert_int_equal(tarball_write(f->job.s, "t.1", 0, f->archive.s, &e), 0);
	put(f, "arch/t.1.tar.gz.tmp.99999999", "partial");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(tarball_pack(f->job.s, "t.1", f->arch.s, 0, &ar, &e), 0);
	assert_false(exists(f, "job"));
	assert_int_equal(access(stale, F_OK), -1);
	free(stale);
	free(p);
	free(ar);
}

static void
bad_id_and_unwritable_dir(void **state)
{
	struct fixture *f = *state;
	struct hk_err e = HK_ERR_INIT;
	char *ar = NULL, *missing = path_in(f, "no/such/dir"), *p = NULL;

	assert_int_equal(tarball_pack(f->job.s, "../t", f->arch.s, 0, &ar, &e), -1);
	assert_string_equal(e.msg, "invalid id '../t'");
	assert_int_equal(tarball_pack(f->job.s, "t.1", missing, 0, &ar, &e), -1);
	assert_null(ar);
	assert_true(exists(f, "job/job.json"));
	p = tarball_path("a/b", "t.1");
	assert_string_equal(p, "a/b/t.1.tar.gz");
	free(p);
	free(missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pack_writes_verifies_removes, setup, teardown),
		cmocka_unit_test_setup_teardown(keep_large_keeps_wavecar, setup, teardown),
		cmocka_unit_test_setup_teardown(corrupt_archive_keeps_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(changed_file_keeps_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(interrupted_run_is_finished, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_id_and_unwritable_dir, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
