/*
 * structjson.h - structures as JSON: hopkit's compact form and pymatgen's.
 *
 * Compact: {"lattice": [[ax,ay,az],[bx,by,bz],[cx,cy,cz]], "species":
 * ["Li","F"], "frac": [[0,0,0],[0.5,0.5,0.5]]} with an optional
 * "oxidation_states" array.  pymatgen: Structure.as_dict(), as the
 * Materials Project API returns it ("lattice": {"matrix": ...}, "sites":
 * [{"species": [{"element", "occu"}], "abc": [...]}]).
 */
#ifndef HK_STRUCTJSON_H
#define HK_STRUCTJSON_H

#include <jansson.h>

#include "cell.h"
#include "err.h"
#include "structure.h"

/*
 * Fill c from either form.  -1 with err->msg naming the bad field; *code
 * (may be NULL) is HK_E_DISORDER for partial occupancies.
 */
int structjson_read(const json_t *v, struct cell *c, struct hk_err *err, int *code);

/* A new compact JSON object for c. */
json_t *structjson_compact(const struct cell *c);

/*
 * Read one JSON document as a structure record: a Materials Project
 * document ({"material_id", "structure", "energy_above_hull", ...}), a
 * hopkit record ({"id", "structure", ...}), or a bare structure in either
 * form.  Fields other than the structure go to s->extra.
 */
int structjson_doc(const json_t *doc, struct structure *s, struct hk_err *err, int *code);

#endif
