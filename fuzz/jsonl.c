/* Fuzz target: a JSONL table, record by record, with every program's stage check. */
#include "fuzzmem.h"
#include "rec.h"
#include "stage.h"

static const char *const progs[] = { "find-paths", "measure", "make-neb", "run-vasp", "rank", "collect" };

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	struct fuzzmem m = { p, n, 0 };
	struct rec_reader *r = rec_open_pull(fuzzmem_pull, &m, "fuzz.jsonl");
	struct hk_err err = { 0 };
	json_t *rec;
	int rc;

	while ((rc = rec_next(r, &rec, &err)) != 0) {
		if (rc < 0) {
			if (rec_failed(r))
				break;
			continue;
		}
		rec_id(rec, &err);
		stage_of(rec);
		for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
			const struct stage_reader *rd = stage_reader(progs[i]);
			if (rd != NULL)
				stage_check(rd, rec, &err);
		}
		rec_get_path(rec, "measures.energy_barrier");
		json_decref(rec);
	}
	rec_close(r);
	return 0;
}
