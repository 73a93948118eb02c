#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "shard.h"
#include "testutil.h"
#include "xalloc.h"

/* The part is FNV-1a 64 of the id modulo n: the same on every machine and every run. */
static void
part_is_fnv1a_of_the_structure(void **state)
{
	json_t *hop = json_pack("{s:s,s:s}", "id", "mp-2741.F.0", "structure_id", "mp-2741");
	json_t *cell = json_pack("{s:s}", "id", "mp-1138");

	(void)state;
	assert_int_equal(shard_of("a", 1000), 996);
	assert_int_equal(shard_of("mp-2741", 1000), 423);
	assert_int_equal(shard_of("mp-1138", 4), 2);
	assert_int_equal(shard_of("mp-1138", 1), 0);
	assert_string_equal(shard_key(hop), "mp-2741");
	assert_string_equal(shard_key(cell), "mp-1138");
	json_object_set_new(cell, "id", json_integer(3));
	assert_null(shard_key(cell));
	json_decref(hop);
	json_decref(cell);
}

/* Feed one record, as the stream would. */
static int
feed(struct shard_split *sp, const char *json)
{
	json_error_t je;
	json_t *rec = json_loads(json, 0, &je);
	struct stream_item it = { .rec = &rec, .n = 1 };
	int st = shard_split_take(sp, &it);

	json_decref(rec);
	return st;
}

static void
split_keeps_structures_together_and_parts_unchanged(void **state)
{
	char dir[] = "/tmp/hk-shard-XXXXXX";
	struct shard_split sp;
	struct hk_err e = HK_ERR_INIT;
	struct sbuf text = SBUF_INIT;
	char *p3 = NULL;
	int changed;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int round = 0; round < 2; round++) {
		assert_int_equal(shard_split_begin(&sp, dir, 4, &e), 0);
		assert_int_equal(feed(&sp, "{\"id\":\"mp-2741.F.0\",\"structure_id\":\"mp-2741\"}"), STREAM_OK);
		assert_int_equal(feed(&sp, "{\"id\":\"mp-2741.F.1\",\"structure_id\":\"mp-2741\",\"x\":7.6}"), STREAM_OK);
		assert_int_equal(feed(&sp, "{\"id\":\"b.F.0\",\"structure_id\":\"b\"}"), STREAM_OK);
		assert_int_equal(feed(&sp, "{\"id\":\"mp-2741.F.2\",\"structure_id\":\"mp-2741\"}"), STREAM_BAD);
		assert_int_equal(feed(&sp, "{\"id\":4}"), STREAM_BAD);
		assert_int_equal(shard_split_finish(&sp, &changed, &e), 0);
		/* the first round writes all four (two empty), the second none */
		assert_int_equal(changed, round == 0 ? 4 : 0);
		shard_split_release(&sp);
	}
	p3 = shard_path(dir, "in", 3);
	assert_int_equal(file_read(p3, &text), 0);
	assert_string_equal(text.s, "{\"id\":\"mp-2741.F.0\",\"structure_id\":\"mp-2741\"}\n"
	    "{\"id\":\"mp-2741.F.1\",\"structure_id\":\"mp-2741\",\"x\":7.6}\n");
	assert_int_equal(file_remove_tree(dir), 0);
	sbuf_release(&text);
	free(p3);
}

static void
join_refuses_a_foreign_record(void **state)
{
	char dir[] = "/tmp/hk-shardj-XXXXXX";
	struct shard_join j;
	struct hk_err e = HK_ERR_INIT;
	char *parts[2];
	json_t *rec = json_pack("{s:s}", "id", "mp-1138");
	struct stream_item it = { .rec = &rec, .n = 1 };
	FILE *out = tmpfile();

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int k = 0; k < 2; k++)
		parts[k] = shard_path(dir, "out", k);
	/* mp-1138 is part 0 of 2; part 1 holds a structure the input lacks */
	test_put(dir, "out.000.jsonl", "{\"id\":\"mp-1138.F.0\",\"structure_id\":\"mp-1138\"}\n");
	test_put(dir, "out.001.jsonl", "{\"id\":\"zz.F.0\",\"structure_id\":\"zz\"}\n");
	assert_int_equal(shard_of("mp-1138", 2), 0);
	assert_int_equal(shard_join_begin(&j, parts, 2, out, &e), 0);
	assert_int_equal(shard_join_take(&j, &it), STREAM_OK);
	assert_int_equal(j.lines, 1);
	assert_int_equal(shard_join_finish(&j, &e), -1);
	assert_non_null(strstr(e.msg, "structure 'zz'"));
	assert_int_equal(e.line, 1);
	shard_join_release(&j);
	fclose(out);
	json_decref(rec);
	for (int k = 0; k < 2; k++)
		free(parts[k]);
	assert_int_equal(file_remove_tree(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(part_is_fnv1a_of_the_structure),
		cmocka_unit_test(split_keeps_structures_together_and_parts_unchanged),
		cmocka_unit_test(join_refuses_a_foreign_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
