#include <ctype.h>
#include <math.h>
#include <string.h>

#include "cif.h"
#include "elements.h"
#include "field.h"
#include "jsonw.h"
#include "structjson.h"
#include "xalloc.h"

static int
get_num(const json_t *v, double *x)
{
	if (!json_is_number(v))
		return -1;
	*x = json_number_value(v);
	return isfinite(*x) ? 0 : -1;
}

static int
read_vec3(const json_t *v, double out[3])
{
	if (!json_is_array(v) || json_array_size(v) != 3)
		return -1;
	for (size_t k = 0; k < 3; k++)
		if (get_num(json_array_get(v, k), &out[k]) == -1)
			return -1;
	return 0;
}

static int
read_lattice(const json_t *v, double l[3][3], struct hk_err *err)
{
	if (json_is_object(v))
		v = json_object_get(v, "matrix");
	if (!json_is_array(v) || json_array_size(v) != 3) {
		err_set(err, "\"lattice\" is not a 3x3 array of numbers");
		return -1;
	}
	for (size_t r = 0; r < 3; r++)
		if (read_vec3(json_array_get(v, r), l[r]) == -1) {
			err_set(err, "\"lattice\" row %zu is not 3 finite numbers", r + 1);
			return -1;
		}
	return 0;
}

static int
read_compact(const json_t *v, struct cell *c, struct hk_err *err)
{
	const json_t *sp = json_object_get(v, "species");
	const json_t *fr = json_object_get(v, "frac");
	const json_t *ox = json_object_get(v, "oxidation_states");
	size_t n;

	if (!json_is_array(sp) || !json_is_array(fr)) {
		err_set(err, "structure needs \"species\" and \"frac\" arrays");
		return -1;
	}
	n = json_array_size(sp);
	if (json_array_size(fr) != n) {
		err_set(err, "\"species\" has %zu entries but \"frac\" has %zu", n, json_array_size(fr));
		return -1;
	}
	if (ox && !json_is_null(ox)) {
		if (!json_is_array(ox) || json_array_size(ox) != n) {
			err_set(err, "\"oxidation_states\" must have one number per site");
			return -1;
		}
		c->oxi = xmalloc(sizeof(double));
	}
	cell_reserve(c, (int)n + 1);
	for (size_t i = 0; i < n; i++) {
		const json_t *s = json_array_get(sp, i);
		double f[3], o = 0;
		int z;
		if (!json_is_string(s) || cif_parse_species(json_string_value(s),
		    json_string_length(s), &z, &o) == -1 ||
		    isalpha((unsigned char)json_string_value(s)[strlen(elem_symbol(z))])) {
			err_set(err, "species[%zu]: unknown element %s%s%s", i,
			    json_is_string(s) ? "'" : "", json_is_string(s) ? json_string_value(s) : "(not a string)",
			    json_is_string(s) ? "'" : "");
			return -1;
		}
		if (read_vec3(json_array_get(fr, i), f) == -1) {
			err_set(err, "frac[%zu] is not 3 finite numbers", i);
			return -1;
		}
		if (c->oxi && get_num(json_array_get(ox, i), &o) == -1) {
			err_set(err, "oxidation_states[%zu] is not a number", i);
			return -1;
		}
		cell_add(c, z, f, o);
	}
	return 0;
}

static int
read_pymatgen(const json_t *v, struct cell *c, struct hk_err *err, int *code)
{
	const json_t *sites = json_object_get(v, "sites");
	size_t i, n;
	int all_oxi = 1;

	if (!json_is_array(sites)) {
		err_set(err, "\"sites\" is not an array");
		return -1;
	}
	n = json_array_size(sites);
	c->oxi = xmalloc(sizeof(double));
	cell_reserve(c, (int)n + 1);
	for (i = 0; i < n; i++) {
		const json_t *site = json_array_get(sites, i);
		const json_t *species = json_object_get(site, "species");
		const json_t *sp0, *el, *occ, *ox;
		double f[3], o = 0, oc = 1;
		int z;
		if (!json_is_array(species) || json_array_size(species) == 0) {
			err_set(err, "sites[%zu].species is not a list", i);
			return -1;
		}
		if (json_array_size(species) > 1) {
			err_set(err, "sites[%zu] has %zu species: disordered structures are not supported",
			    i, json_array_size(species));
			*code = HK_E_DISORDER;
			return -1;
		}
		sp0 = json_array_get(species, 0);
		el = json_object_get(sp0, "element");
		if (!json_is_string(el) || (z = elem_z(json_string_value(el))) == 0) {
			err_set(err, "sites[%zu]: unknown element %s", i,
			    json_is_string(el) ? json_string_value(el) : "(missing)");
			return -1;
		}
		occ = json_object_get(sp0, "occu");
		if (occ && get_num(occ, &oc) == -1) {
			err_set(err, "sites[%zu].occu is not a number", i);
			return -1;
		}
		if (fabs(oc - 1) > 1e-3) {
			err_set(err, "sites[%zu]: partial occupancy %g of %s: disordered structures are not supported",
			    i, oc, elem_symbol(z));
			*code = HK_E_DISORDER;
			return -1;
		}
		ox = json_object_get(sp0, "oxidation_state");
		if (ox && !json_is_null(ox)) {
			if (get_num(ox, &o) == -1) {
				err_set(err, "sites[%zu].oxidation_state is not a number", i);
				return -1;
			}
		} else {
			all_oxi = 0;
		}
		if (read_vec3(json_object_get(site, "abc"), f) == -1) {
			err_set(err, "sites[%zu].abc is not 3 finite numbers", i);
			return -1;
		}
		cell_add(c, z, f, o);
	}
	if (!all_oxi) {
		free(c->oxi);
		c->oxi = NULL;
	}
	return 0;
}

int
structjson_read(const json_t *v, struct cell *c, struct hk_err *err, int *code)
{
	int dummy;

	if (code == NULL)
		code = &dummy;
	*code = HK_E_BAD;
	if (!json_is_object(v)) {
		err_set(err, "structure is not a JSON object");
		return -1;
	}
	if (read_lattice(json_object_get(v, "lattice"), c->lattice, err) == -1)
		return -1;
	if (json_object_get(v, "sites")) {
		if (read_pymatgen(v, c, err, code) == -1)
			return -1;
	} else if (read_compact(v, c, err) == -1) {
		return -1;
	}
	return cell_validate(c, err);
}

json_t *
structjson_compact(const struct cell *c)
{
	json_t *o = json_object(), *lat = json_array(), *sp = json_array(), *fr = json_array();

	for (int r = 0; r < 3; r++)
		json_array_append_new(lat, jsonw_vec(c->lattice[r], 3));
	for (int i = 0; i < c->n; i++) {
		json_array_append_new(sp, json_string(elem_symbol(c->z[i])));
		json_array_append_new(fr, jsonw_vec(c->frac[i], 3));
	}
	json_object_set_new(o, "lattice", lat);
	json_object_set_new(o, "species", sp);
	json_object_set_new(o, "frac", fr);
	if (c->oxi)
		json_object_set_new(o, "oxidation_states", jsonw_vec(c->oxi, c->n));
	return o;
}

/* Fields a structure record computes afresh, so never passed through. */
static int
recomputed(const char *key)
{
	static const char *const keys[] = { "structure", "id", "material_id", "formula",
		"nsites", "spacegroup", "source", "e_above_hull", "energy_above_hull", NULL };

	for (int i = 0; keys[i]; i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

int
structjson_doc(const json_t *doc, struct structure *s, struct hk_err *err, int *code)
{
	const json_t *st = json_object_get(doc, "structure");
	const json_t *id, *eh;
	const char *key;
	json_t *val;

	if (code)
		*code = HK_E_BAD;
	if (!json_is_object(doc)) {
		err_set(err, "document is not a JSON object");
		return -1;
	}
	if (st == NULL) {
		if (json_object_get(doc, "lattice") == NULL) {
			err_set(err, "document has no \"structure\" (nor \"lattice\" and sites)");
			return -1;
		}
		st = doc;
	} else {
		s->extra = json_object();
		json_object_foreach((json_t *)doc, key, val)
			if (!recomputed(key))
				json_object_set(s->extra, key, val);
	}
	if (structjson_read(st, &s->cell, err, code) == -1) {
		err_prefix(err, "structure");
		return -1;
	}
	id = json_object_get(doc, "material_id");
	if (!json_is_string(id))
		id = json_object_get(doc, "id");
	if (json_is_string(id))
		s->id = xstrdup(json_string_value(id));
	eh = json_object_get(doc, "energy_above_hull");
	if (eh == NULL)
		eh = json_object_get(doc, "e_above_hull");
	if (json_is_number(eh)) {
		s->e_above_hull = json_number_value(eh);
		s->has_ehull = 1;
	} else if (eh != NULL && !json_is_null(eh)) {
		char what[64];

		err_set(err, "\"%s\" is %s, want a number (eV per atom)",
		    json_object_get(doc, "energy_above_hull") ? "energy_above_hull" : "e_above_hull", field_type(eh, what, sizeof(what)));
		return -1;
	}
	return 0;
}
