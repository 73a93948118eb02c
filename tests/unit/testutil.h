/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef HK_TESTUTIL_H
#define HK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* cmocka 1.1's assert_float_equal works in float; this works in double. */
#define assert_near(a, b, tol) _assert_near((double)(a), (double)(b), (double)(tol), #a, #b, __FILE__, __LINE__)
void _assert_near(double a, double b, double tol, const char *sa, const char *sb, const char *file, int line);

/* The contents of tests/data/NAME (NUL-terminated, caller frees). */
char *test_data(const char *name, size_t *n);

/* The structure in tests/data/NAME (CIF when NAME ends in .cif, else POSCAR); fails the test if none. */
struct cell;
struct cell test_cell(const char *name);

/* dir/name holding text (name's own directory made when missing); fails the test if it cannot. */
void test_put(const char *dir, const char *name, const char *text);

/*
 * Make dir (and its parents' last level) a static3 job directory that
 * run-vasp accepts: start, mid and end, each with INCAR, KPOINTS, POSCAR
 * (tests/data/vasp/POSCAR.Si) and POTCAR.spec.  Fails the test if it cannot.
 */
void test_job_dir(const char *dir);

#endif
