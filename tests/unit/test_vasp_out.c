#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "testutil.h"
#include "vasp_out.h"

static ssize_t
pull_gz(void *ctx, void *buf, size_t n)
{
	return gzread((gzFile)ctx, buf, (unsigned)n);
}

typedef int (*parser)(linerd_pull, void *, const char *, struct vasp_run *, struct hk_err *);

static int
parse(parser p, const char *name, struct vasp_run *r, struct hk_err *e)
{
	char path[1024];
	gzFile g;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", getenv("HOPKIT_TESTDATA") ? getenv("HOPKIT_TESTDATA") : "tests/data", name);
	g = gzopen(path, "r");
	assert_non_null(g);
	vasp_run_init(r);
	rc = p(pull_gz, g, name, r, e);
	gzclose(g);
	return rc;
}

/* Values from pymatgen 2022.11.7 (tests/xcheck/ref/vasp_pymatgen.tsv). */
static void
matches_pymatgen(void **state)
{
	struct vasp_run r;
	struct hk_err e = HK_ERR_INIT;

	assert_int_equal(parse(oszicar_parse, "vasp/static_v51/OSZICAR", &r, &e), 0);
	assert_near(r.e0, -27.110901, 1e-9);
	assert_int_equal(r.n_ionic, 1);
	assert_int_equal(parse(oszicar_parse, "vasp/si_relax/OSZICAR", &r, &e), 0);
	assert_near(r.e0, -10.846716, 1e-9);
	assert_int_equal(r.n_ionic, 3);
	assert_int_equal(parse(oszicar_parse, "vasp/OSZICAR.nonconv", &r, &e), 0);
	assert_near(r.e0, -3.5078944, 1e-9);
	assert_int_equal(r.n_ionic, 4);

	assert_int_equal(parse(outcar_parse, "vasp/static_v51/OUTCAR.gz", &r, &e), 0);
	assert_near(r.e0, -27.11090125, 1e-9);
	assert_near(r.e_fr, -27.11090125, 1e-9);
	assert_near(r.elapsed, 93.923, 1e-9);
	assert_int_equal(r.converged_electronic, 1);
	assert_int_equal(parse(outcar_parse, "vasp/approxneb/im1.OUTCAR.gz", &r, &e), 0);
	assert_near(r.e0, -192.10379828, 1e-9);
	assert_near(r.elapsed, 615.682, 1e-9);
	assert_int_equal(parse(outcar_parse, "vasp/si_relax/OUTCAR.gz", &r, &e), 0);
	assert_near(r.e0, -10.84671647, 1e-9);
	assert_int_equal(r.n_ionic, 3);
	assert_int_equal(r.reached_accuracy, 1);

	assert_int_equal(parse(vasprun_parse, "vasp/static_v51/vasprun.xml.gz", &r, &e), 0);
	assert_near(r.e0, -27.11090125, 1e-9);
	assert_int_equal(r.converged_electronic, 1);
	assert_int_equal(r.converged_ionic, 1);
	assert_int_equal(parse(vasprun_parse, "vasp/si_relax/vasprun.xml.gz", &r, &e), 0);
	assert_near(r.e0, -10.84671647, 1e-9);
	assert_int_equal(r.n_ionic, 3);
	assert_int_equal(r.nsw, 99);
	assert_int_equal(r.nelm, 100);
}

static void
bad_outputs(void **state)
{
	struct vasp_run r;
	struct hk_err e = HK_ERR_INIT;

	assert_int_equal(parse(outcar_parse, "vasp/large_cell/OUTCAR", &r, &e), -1);
	assert_non_null(strstr(e.msg, "no energy"));
	assert_int_equal(r.nelm, 60);
	assert_int_equal(parse(vasprun_parse, "vasp/large_cell/vasprun.xml", &r, &e), -1);
	assert_non_null(strstr(e.msg, "cut short"));
	/* an empty file */
	assert_int_equal(parse(oszicar_parse, "vasp/POSCAR.Si", &r, &e), -1);
	assert_non_null(strstr(e.msg, "no completed ionic step"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_pymatgen),
		cmocka_unit_test(bad_outputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
