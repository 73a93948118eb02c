/*
 * stage.h - which stage of the pipeline wrote a record, and which stages
 * each program reads.
 *
 * A record's stage is recognised by its fields (hopkit-records(5)): a
 * result has "energies", a job "dir" and "kind", a measured path
 * "measures", a path "iindex" or "eindex", a structure record
 * "structure"; the latest stage whose fields are present wins, since each
 * stage passes the earlier fields through.  A record with none of them is
 * of no known stage and every program lets it through (its own checks say
 * what is missing).  The table of what each program reads is here, in one
 * place; a program not in it reads anything.  So are the types of the
 * fields each program reads from its input records (field.h): a field of
 * another type makes the record a bad one.
 */
#ifndef HK_STAGE_H
#define HK_STAGE_H

#include <jansson.h>

#include "err.h"
#include "field.h"

enum stage {
	STAGE_UNKNOWN,
	STAGE_STRUCTURE,	/* fetch-structures */
	STAGE_PATH,		/* find-paths */
	STAGE_MEASURED,		/* measure */
	STAGE_JOB,		/* make-neb */
	STAGE_RESULT,		/* collect */
	STAGE_COUNT
};

#define STAGE_BIT(s) (1u << (s))
#define STAGE_ANY (~0u)

/* What a program reads: the stages it accepts, and how to say so. */
struct stage_reader {
	const char *prog;
	unsigned accepts;	/* STAGE_BIT()s; STAGE_UNKNOWN is always accepted */
	const char *wants;	/* "path records (find-paths' output)" */
};

enum stage stage_of(const json_t *rec);

/* "a structure record (fetch-structures' output)"; "" for STAGE_UNKNOWN. */
const char *stage_describe(enum stage s);

/* The table's row for prog, or NULL when prog reads anything. */
const struct stage_reader *stage_reader(const char *prog);

/*
 * The fields prog reads from its input records and their types, or NULL;
 * "state": what run-vasp and report read of a job's state file.
 */
const struct field_spec *stage_fields(const char *prog);

/*
 * 0 when rd (NULL: anything) accepts rec; else -1 with err saying what rec
 * is and what rd->prog reads.
 */
int stage_check(const struct stage_reader *rd, const json_t *rec, struct hk_err *err);

#endif
