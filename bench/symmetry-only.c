/*
 * symmetry-only: the floor find-paths is measured against.  Reads structure
 * records and runs the one spglib analysis find-paths needs per structure,
 * and nothing else.  Built by make bench; not installed.
 */
#include <stdio.h>

#include "cli.h"
#include "rec.h"
#include "structjson.h"
#include "symmetry.h"

int
main(int argc, char *argv[])
{
	struct cli cli;
	long n = 0, sum = 0;

	cli_init(&cli, "symmetry-only", "symmetry-only [file]");
	struct hk_err e = HK_ERR_INIT;
	struct rec_reader *r = rec_open(argc > 1 ? argv[1] : "-", &e);
	json_t *rec;
	int rc;

	if (r == NULL)
		cli_fatal(&cli, "%s", e.msg);
	while ((rc = rec_next(r, &rec, &e)) != 0) {
		struct cell c = CELL_INIT;
		struct symmetry s = SYMMETRY_INIT;
		if (rc == 1 && structjson_read(json_object_get(rec, "structure"), &c, &e, NULL) == 0 &&
		    sym_analyze(&c, 0.1, &s, &e) == 0)
			sum += s.number;
		n++;
		sym_release(&s);
		cell_release(&c);
		if (rc == 1)
			json_decref(rec);
	}
	rec_close(r);
	printf("%ld structures, space-group sum %ld\n", n, sum);
	return 0;
}
