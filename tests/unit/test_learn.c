#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "learn.h"
#include "model.h"
#include "stats.h"
#include "testutil.h"
#include "trainset.h"

static void
spearman_matches_hand_worked_values(void **state)
{
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 5, 6, 7, 8, 7 };
	const double x[] = { 1, 2, 2, 3 }, y[] = { 1, 3, 2, 4 }, c[] = { 3, 3, 3, 3 };
	double r[4];

	(void)state;
	/* ranks of b: 1 2 3.5 5 3.5; rho = 0.8207826816681233 */
	assert_near(stats_spearman(a, b, 5), 0.8207826816681233, 1e-14);
	stats_ranks(x, 4, r);
	assert_near(r[1], 2.5, 0);
	assert_near(r[2], 2.5, 0);
	/* 4.5 / sqrt(4.5 * 5) */
	assert_near(stats_spearman(x, y, 4), 0.9486832980505138, 1e-14);
	assert_near(stats_spearman(a, a, 5), 1, 1e-15);
	assert_true(isnan(stats_spearman(c, y, 4)));
	assert_true(isnan(stats_spearman(a, b, 1)));
	assert_near(stats_mae(x, y, 4), 0.5, 1e-15);
}

static void
features_are_checked_names(void **state)
{
	struct features f;
	struct hk_err e = HK_ERR_INIT;
	float row[3];
	json_t *rec = json_loads("{\"a\":2.5,\"m\":{\"b\":true},\"s\":\"x\",\"big\":1e300}", 0, NULL);

	(void)state;
	assert_int_equal(features_parse("a,m.b,c", &f, &e), 0);
	assert_int_equal(features_row(&f, rec, row, &e), 2);
	assert_near(row[0], 2.5, 0);
	assert_near(row[1], 1, 0);
	assert_true(isnan(row[2]));
	features_release(&f);
	assert_int_equal(features_parse("a,s", &f, &e), 0);
	assert_int_equal(features_row(&f, rec, row, &e), -1);
	assert_string_equal(e.msg, "feature \"s\" is a string, want a number");
	features_release(&f);
	assert_int_equal(features_parse("big", &f, &e), 0);
	assert_int_equal(features_row(&f, rec, row, &e), -1);
	features_release(&f);
	assert_int_equal(features_parse("a,", &f, &e), -1);
	assert_int_equal(features_parse("a,b,a", &f, &e), -1);
	assert_string_equal(e.msg, "feature 'a' named twice");
	json_decref(rec);
}

/* n rows of n/3 groups: y = a + b^2, b missing in every fifth. */
static void
table(struct trainset *t, int n)
{
	struct hk_err e = HK_ERR_INIT;

	assert_int_equal(trainset_init(t, "a,b", "y", "g", &e), 0);
	for (int i = 0; i < n; i++) {
		double a = (i * 37 % 101) / 101.0, b = (i * 53 % 97) / 97.0;
		json_t *rec = json_pack("{s:s,s:f,s:o,s:f}", "g", (char[]){ (char)('A' + i / 3 % 26), (char)('a' + i / 78), 0 },
		    "a", a, "b", i % 5 == 4 ? json_null() : json_real(b), "y", a + b * b);
		assert_int_equal(trainset_add(t, rec, &e), 1);
		json_decref(rec);
	}
}

static void
targets_missing_are_counted_not_rows(void **state)
{
	struct trainset t;
	struct hk_err e = HK_ERR_INIT;
	json_t *none = json_loads("{\"a\":1}", 0, NULL), *text = json_loads("{\"a\":1,\"y\":\"x\"}", 0, NULL);

	(void)state;
	assert_int_equal(trainset_init(&t, "a", "y", "g", &e), 0);
	assert_int_equal(trainset_usable(&t, &e), -1);
	assert_int_equal(trainset_add(&t, none, &e), 0);
	assert_int_equal(trainset_add(&t, text, &e), 0);
	assert_int_equal(t.no_target, 1);
	assert_int_equal(t.bad_target, 1);
	assert_int_equal(t.n, 0);
	trainset_release(&t);
	json_decref(none);
	json_decref(text);
}

static void
a_saved_model_predicts_as_before(void **state)
{
	struct trainset t;
	struct model m, back;
	struct model_params p = MODEL_PARAMS_INIT;
	struct hk_err e = HK_ERR_INIT;
	char path[] = "/tmp/hopkit-model-XXXXXX";
	double v1[60], s1[60], v2[60], s2[60];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	p.members = 3, p.rounds = 80;
	table(&t, 60);
	assert_int_equal(model_fit(&m, &t, NULL, t.n, &p, &e), 0);
	assert_int_equal(m.n_groups, 20);
	assert_int_equal(model_predict(&m, t.x, t.n, v1, s1, &e), 0);
	assert_int_equal(model_save(&m, path, &e), 0);
	assert_int_equal(model_load(&back, path, &e), 0);
	assert_int_equal(back.feat.n, 2);
	assert_string_equal(back.feat.name[1], "b");
	assert_string_equal(back.target, "y");
	assert_int_equal(back.n_train, 60);
	assert_int_equal(model_predict(&back, t.x, t.n, v2, s2, &e), 0);
	for (int i = 0; i < 60; i++) {
		assert_near(v1[i], v2[i], 1e-6);
		assert_near(s1[i], s2[i], 1e-6);
		assert_true(s1[i] >= 0);
	}
	{
		double y[60];
		for (int i = 0; i < 60; i++)
			y[i] = t.y[i];
		/* it learnt the rows it saw (y spans 0 to 2) */
		assert_true(stats_mae(v1, y, 60) < 0.1);
	}
	model_release(&m);
	model_release(&back);
	trainset_release(&t);
	unlink(path);
}

static void
cv_keeps_groups_whole_and_ranks_well(void **state)
{
	struct trainset t;
	struct cv_result r;
	struct model_params p = MODEL_PARAMS_INIT;
	struct hk_err e = HK_ERR_INIT;
	long n = 0, g = 0;

	(void)state;
	p.members = 2, p.rounds = 100;
	table(&t, 240);
	assert_int_equal(learn_cv(&t, 4, &p, &r, &e), 0);
	for (int f = 0; f < 4; f++)
		n += r.fold[f].n, g += r.fold[f].ngroups;
	assert_int_equal(n, 240);
	assert_int_equal(g, t.ng);
	/* y = a + b^2 with b known in 4 rows of 5: well above either feature alone (0.90 today, 0.72 for each) */
	assert_true(r.spearman > 0.8);
	assert_true(r.spearman > r.feature_rho[0] && r.spearman > r.feature_rho[1]);
	assert_int_equal(r.feature_n[1], 192);
	cv_result_release(&r);
	assert_int_equal(learn_cv(&t, 200, &p, &r, &e), -1);
	assert_string_equal(e.msg, "80 groups (g) for 200 folds: each fold needs one");
	trainset_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spearman_matches_hand_worked_values),
		cmocka_unit_test(features_are_checked_names),
		cmocka_unit_test(targets_missing_are_counted_not_rows),
		cmocka_unit_test(a_saved_model_predicts_as_before),
		cmocka_unit_test(cv_keeps_groups_whole_and_ranks_well),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
