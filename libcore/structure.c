#include <stdlib.h>
#include <string.h>

#include "structure.h"

void
structure_release(struct structure *s)
{
	cell_release(&s->cell);
	free(s->id);
	free(s->name);
	if (s->extra)
		json_decref(s->extra);
	memset(s, 0, sizeof(*s));
}
