#include <limits.h>
#include <string.h>

#include "stage.h"

#define PATHS (STAGE_BIT(STAGE_PATH) | STAGE_BIT(STAGE_MEASURED))

/*
 * find-paths derives paths from a structure: fed paths it would find hops
 * of hops.  measure works on one hop; a job or a result is a hop already
 * taken further.  make-neb builds the next tier from a lower tier's
 * results too (a result carries its hop).  run-vasp add registers jobs.
 * rank orders any table, so it is not here.
 */
static const struct stage_reader readers[] = {
	{ "find-paths", STAGE_BIT(STAGE_STRUCTURE), "structure records (fetch-structures' output)" },
	{ "measure", PATHS, "path records (find-paths' output)" },
	{ "make-neb", PATHS | STAGE_BIT(STAGE_RESULT), "path records (find-paths' or measure's output) or results (collect's)" },
	{ "run-vasp", STAGE_BIT(STAGE_JOB), "job records (make-neb's output)" },
};

/* supercell entries: a matrix with larger ones would make no supercell find-paths builds (4096 cells at most) */
#define SC_ROW(k) { "supercell.matrix." #k, FIELD_INTS, -4096, 4096, 3 }

/* what measure and make-neb read of a hop */
#define HOP_FIELDS \
	{ "id", FIELD_STR, 0, 0, 0 }, { "structure_id", FIELD_STR, 0, 0, 0 }, { "ion", FIELD_STR, 0, 0, 0 }, \
	{ "length", FIELD_NUM, 0, 0, 0 }, { "iindex", FIELD_INT, 0, INT_MAX, 0 }, \
	{ "eindex", FIELD_INT, 0, INT_MAX, 0 }, { "esite", FIELD_NUMS, 0, 0, 3 }, \
	{ "supercell", FIELD_OBJECT, 0, 0, 0 }, { "supercell.matrix", FIELD_ARRAY, 0, 0, 3 }, \
	SC_ROW(0), SC_ROW(1), SC_ROW(2)

static const struct field_spec hop_fields[] = { HOP_FIELDS, { NULL, 0, 0, 0, 0 } };

/* run-vasp add, and what running the job reads of it later (1 to 97 images, as VASP's NEB takes) */
static const struct field_spec job_fields[] = {
	{ "id", FIELD_STR, 0, 0, 0 },
	{ "dir", FIELD_STR, 0, 0, 0 },
	{ "kind", FIELD_STR, 0, 0, 0 },
	{ "nimages", FIELD_INT, 1, 97, 0 },
	{ "natoms", FIELD_INT, 1, INT_MAX, 0 },
	{ "parents", FIELD_ARRAY, 0, 0, 0 },
	{ "interpolation", FIELD_STR, 0, 0, 0 },
	{ "reuse_wavecar", FIELD_BOOL, 0, 0, 0 },
	{ "endpoint_maps", FIELD_OBJECT, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

/* report's tables of results; a job's state file */
static const struct field_spec result_fields[] = {
	{ "id", FIELD_STR, 0, 0, 0 },
	{ "kind", FIELD_STR, 0, 0, 0 },
	{ "formula", FIELD_STR, 0, 0, 0 },
	{ "length", FIELD_NUM, 0, 0, 0 },
	{ "measures", FIELD_OBJECT, 0, 0, 0 },
	{ "measures.bvse_barrier", FIELD_NUM, 0, 0, 0 },
	{ "energy_barrier", FIELD_NUM, 0, 0, 0 },
	{ "dir", FIELD_STR, 0, 0, 0 },
	{ "state", FIELD_STR, 0, 0, 0 },
	{ "run_state", FIELD_STR, 0, 0, 0 },
	{ "attempts", FIELD_INT, 0, INT_MAX, 0 },
	{ "last_error", FIELD_STR, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

/* run-vasp's job state files: written by run-vasp, but plain files anyone may edit */
static const struct field_spec state_fields[] = {
	{ "id", FIELD_STR, 0, 0, 0 },
	{ "state", FIELD_STR, 0, 0, 0 },
	{ "dir", FIELD_STR, 0, 0, 0 },
	{ "kind", FIELD_STR, 0, 0, 0 },
	{ "archive", FIELD_STR, 0, 0, 0 },
	{ "attempts", FIELD_INT, 0, INT_MAX, 0 },
	{ "last_error", FIELD_STR, 0, 0, 0 },
	{ "errors", FIELD_ARRAY, 0, 0, 0 },
	{ "corrections", FIELD_ARRAY, 0, 0, 0 },
	{ "history", FIELD_ARRAY, 0, 0, 0 },
	{ "parents", FIELD_ARRAY, 0, 0, 0 },
	{ "blocked_by", FIELD_STR, 0, 0, 0 },
	{ "submitted", FIELD_NUM, 0, 0, 0 },
	{ "started", FIELD_NUM, 0, 0, 0 },
	{ "ended", FIELD_NUM, 0, 0, 0 },
	{ "walltime", FIELD_NUM, 0, 0, 0 },
	{ "executor", FIELD_STR, 0, 0, 0 },
	{ "exec_id", FIELD_STR, 0, 0, 0 },
	{ "host", FIELD_STR, 0, 0, 0 },
	{ "pid", FIELD_INT, 1, INT_MAX, 0 },
	{ "proc_start", FIELD_INT, 0, LONG_MAX, 0 },
	{ "calc_pgid", FIELD_INT, 1, INT_MAX, 0 },
	{ "calc_start", FIELD_INT, 0, LONG_MAX, 0 },
	{ NULL, 0, 0, 0, 0 },
};

/* collect: a job's job.json */
static const struct field_spec collect_fields[] = {
	{ "id", FIELD_STR, 0, 0, 0 },
	{ "kind", FIELD_STR, 0, 0, 0 },
	{ "nimages", FIELD_INT, 1, 97, 0 },
	{ "natoms", FIELD_INT, 1, INT_MAX, 0 },
	{ NULL, 0, 0, 0, 0 },
};

/* rank reads any table: what every record has, and the fields of its default sort keys */
static const struct field_spec any_fields[] = {
	{ "id", FIELD_STR, 0, 0, 0 },
	{ "nsites_777", FIELD_INT, 0, LONG_MAX, 0 },
	{ "nsites", FIELD_INT, 0, LONG_MAX, 0 },
	{ "length", FIELD_NUM, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

static const struct {
	const char *prog;
	const struct field_spec *fields;
} field_tables[] = {
	{ "measure", hop_fields },
	{ "make-neb", hop_fields },
	{ "run-vasp", job_fields },
	{ "rank", any_fields },
	{ "report", result_fields },
	{ "collect", collect_fields },
	{ "state", state_fields },
};

const struct field_spec *
stage_fields(const char *prog)
{
	for (size_t k = 0; prog && k < sizeof(field_tables) / sizeof(field_tables[0]); k++)
		if (strcmp(field_tables[k].prog, prog) == 0)
			return field_tables[k].fields;
	return NULL;
}

enum stage
stage_of(const json_t *rec)
{
	if (json_object_get(rec, "energies"))
		return STAGE_RESULT;
	if (json_object_get(rec, "dir") && json_object_get(rec, "kind"))
		return STAGE_JOB;
	if (json_object_get(rec, "measures"))
		return STAGE_MEASURED;
	if (json_object_get(rec, "iindex") || json_object_get(rec, "eindex"))
		return STAGE_PATH;
	if (json_object_get(rec, "structure"))
		return STAGE_STRUCTURE;
	return STAGE_UNKNOWN;
}

const char *
stage_describe(enum stage s)
{
	static const char *const text[STAGE_COUNT] = {
		[STAGE_UNKNOWN] = "",
		[STAGE_STRUCTURE] = "a structure record (fetch-structures' output)",
		[STAGE_PATH] = "a path record (find-paths' output)",
		[STAGE_MEASURED] = "a measured path record (measure's output)",
		[STAGE_JOB] = "a job record (make-neb's output)",
		[STAGE_RESULT] = "a result record (collect's output)",
	};

	return s >= 0 && s < STAGE_COUNT ? text[s] : "";
}

const struct stage_reader *
stage_reader(const char *prog)
{
	for (size_t k = 0; prog && k < sizeof(readers) / sizeof(readers[0]); k++)
		if (strcmp(readers[k].prog, prog) == 0)
			return &readers[k];
	return NULL;
}

int
stage_check(const struct stage_reader *rd, const json_t *rec, struct hk_err *err)
{
	enum stage s = stage_of(rec);

	if (rd == NULL || s == STAGE_UNKNOWN || (rd->accepts & STAGE_BIT(s)))
		return 0;
	err_set(err, "%s; %s reads %s", stage_describe(s), rd->prog, rd->wants);
	return -1;
}
