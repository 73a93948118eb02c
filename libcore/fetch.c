#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cif.h"
#include "dedupe.h"
#include "fetch.h"
#include "formula.h"
#include "jsonw.h"
#include "lattice.h"
#include "linerd.h"
#include "poscar.h"
#include "rec.h"
#include "source.h"
#include "strset.h"
#include "structjson.h"
#include "symmetry.h"
#include "xalloc.h"

#define MAX_TEXT_FILE ((size_t)64 << 20)
#define MAX_JSON_DOC ((size_t)512 << 20)

struct fetch {
	struct fetch_opts o;
	fetch_out_fn out;
	fetch_diag_fn diag;
	void *ctx;
	struct fetch_stats st;
	struct dedupe *dd;
	struct sbuf scratch;
	/* the entry being read */
	const struct src_entry *entry;
	char fileid[64];	/* MP id from the file name, or "" */
	int nblock;		/* structures seen in the current entry */
	int stop;
};

void
fetch_opts_init(struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->symprec = 0.1;
	o->min_distance = 0.5;
	o->lim = *limits_default();
}

struct fetch *
fetch_new(const struct fetch_opts *o, fetch_out_fn out, fetch_diag_fn diag, void *ctx)
{
	struct fetch *f = xcalloc(1, sizeof(*f));

	f->o = *o;
	f->out = out;
	f->diag = diag;
	f->ctx = ctx;
	if (o->dedupe)
		f->dd = dedupe_new();
	return f;
}

void
fetch_free(struct fetch *f)
{
	if (f == NULL)
		return;
	dedupe_free(f->dd);
	sbuf_release(&f->scratch);
	free(f);
}

const struct fetch_stats *
fetch_stats(const struct fetch *f)
{
	return &f->st;
}

int
fetch_parse_elements(const char *list, unsigned char set[ELEM_MAX + 1], struct hk_err *err)
{
	const char *p = list;

	while (*p) {
		const char *e = p;
		while (*e && *e != ',')
			e++;
		int z = elem_z_n(p, (size_t)(e - p));
		if (z == 0) {
			err_set(err, "unknown element '%.*s'", (int)(e - p), p);
			return -1;
		}
		set[z] = 1;
		p = *e ? e + 1 : e;
	}
	return 0;
}

/* "mp-1138" from "mp-1138_LiF.cif"; "" when the name carries no id. */
static void
id_from_name(const char *name, char *out, size_t n)
{
	const char *b = strrchr(name, '/'), *p;
	static const char *const prefixes[] = { "mp-", "mvc-", NULL };

	b = b ? b + 1 : name;
	out[0] = '\0';
	for (int i = 0; prefixes[i]; i++) {
		size_t m = strlen(prefixes[i]);
		if (strncmp(b, prefixes[i], m) != 0)
			continue;
		p = b + m;
		while (isdigit((unsigned char)*p))
			p++;
		if (p > b + m && (size_t)(p - b) < n && !isalnum((unsigned char)*p)) {
			memcpy(out, b, (size_t)(p - b));
			out[p - b] = '\0';
		}
		return;
	}
}

static int
report(struct fetch *f, const struct hk_err *e, int code)
{
	int skip = code == HK_E_DISORDER && f->o.skip_disorder;

	if (skip)
		f->st.skipped++;
	else
		f->st.bad++;
	if (f->diag(f->ctx, e, skip))
		f->stop = 1;
	return f->stop;
}

static int
report_msg(struct fetch *f, long line, const char *msg)
{
	struct hk_err e = HK_ERR_INIT;

	err_at(&e, f->entry->name, line, "%s", msg);
	return report(f, &e, HK_E_BAD);
}

static int
passes_elements(const struct fetch_opts *o, const struct cell *c)
{
	unsigned char have[ELEM_MAX + 1] = { 0 };
	int any = 0;

	for (int i = 0; i < c->n; i++)
		have[c->z[i]] = 1;
	for (int z = 1; z <= ELEM_MAX; z++) {
		if (o->all[z] && !have[z])
			return 0;
		if (o->none[z] && have[z])
			return 0;
		if (o->any[z] && have[z])
			any = 1;
	}
	if (o->has_any && !any)
		return 0;
	return !(o->max_nelements > 0 && cell_nelements(c) > o->max_nelements);
}

static void
make_id(struct fetch *f, const struct structure *s, const json_t *st, char *id, size_t n)
{
	if (s->id && rec_id_valid(s->id)) {
		snprintf(id, n, "%s", s->id);
	} else if (f->fileid[0]) {
		if (f->nblock > 1)
			snprintf(id, n, "%s_%d", f->fileid, f->nblock);
		else
			snprintf(id, n, "%s", f->fileid);
	} else {
		/* a stable content hash of the structure as written */
		struct hk_err e = HK_ERR_INIT;
		sbuf_reset(&f->scratch);
		jsonw_value(&f->scratch, st, &e);
		snprintf(id, n, "hk-%016llx",
		    (unsigned long long)hash_fnv1a(f->scratch.s, f->scratch.len));
	}
}

static json_t *
build_record(struct fetch *f, const struct structure *s, const struct symmetry *sym,
    const char *id, const char *formula, json_t *st)
{
	json_t *rec = json_object(), *sg = json_object();
	const char *key;
	json_t *val;

	json_object_set_new(rec, "id", json_string(id));
	json_object_set_new(rec, "formula", json_string(formula));
	json_object_set_new(rec, "nsites", json_integer(s->cell.n));
	json_object_set_new(sg, "number", json_integer(sym->number));
	json_object_set_new(sg, "symbol", json_string(sym->symbol));
	json_object_set_new(rec, "spacegroup", sg);
	if (s->has_ehull)
		json_object_set_new(rec, "e_above_hull", jsonw_real(s->e_above_hull));
	json_object_set_new(rec, "source", json_string(f->entry->relname));
	if (s->extra)
		json_object_foreach(s->extra, key, val)
			if (json_object_get(rec, key) == NULL)
				json_object_set(rec, key, val);
	json_object_set(rec, "structure", st);
	return rec;
}

/* Everything after reading: checks, filters, sanitation, record. */
static int
take_structure(struct fetch *f, struct structure *s)
{
	struct symmetry sym = SYMMETRY_INIT;
	struct hk_err e = HK_ERR_INIT;
	char formula[256], id[256];
	json_t *st = NULL, *rec = NULL;
	double d;
	int i, j;

	if (s->cell.n > f->o.lim.atoms) {
		err_at(&e, f->entry->name, s->line, "more than %ld atoms: refused (HOPKIT_MAX_ATOMS raises the limit)",
		    f->o.lim.atoms);
		return report(f, &e, HK_E_BAD);
	}
	if (!passes_elements(&f->o, &s->cell) ||
	    (f->o.has_max_ehull && (!s->has_ehull || s->e_above_hull > f->o.max_ehull))) {
		f->st.filtered++;
		return 0;
	}
	cell_wrap(&s->cell);
	if (f->o.sanitize && sym_sanitize(&s->cell, f->o.symprec, &e) == -1) {
		err_prefix(&e, "cannot sanitise");
		err_where(&e, f->entry->name, s->line);
		return report(f, &e, HK_E_BAD);
	}
	if (f->o.max_sites > 0 && s->cell.n > f->o.max_sites) {
		f->st.filtered++;
		return 0;
	}
	if (f->o.min_distance > 0 && s->cell.n <= 100000 &&
	    (d = cell_min_distance(&s->cell, &i, &j)) < f->o.min_distance) {
		err_at(&e, f->entry->name, s->line, "atoms overlap: %s (site %d) and %s (site %d) are %.3f A apart",
		    elem_symbol(s->cell.z[i]), i + 1, elem_symbol(s->cell.z[j]), j + 1, d);
		return report(f, &e, HK_E_BAD);
	}
	if (sym_analyze(&s->cell, f->o.symprec, &sym, &e) == -1) {
		err_where(&e, f->entry->name, s->line);
		return report(f, &e, HK_E_BAD);
	}
	formula_reduced(&s->cell, formula, sizeof(formula));
	st = structjson_compact(&s->cell);
	make_id(f, s, st, id, sizeof(id));
	if (f->dd && dedupe_seen(f->dd, id, formula, &s->cell, &sym)) {
		f->st.duplicates++;
	} else {
		rec = build_record(f, s, &sym, id, formula, st);
		f->st.written++;
		if (f->out(f->ctx, rec))
			f->stop = 1;
	}
	json_decref(rec);
	json_decref(st);
	sym_release(&sym);
	return f->stop;
}

static int
on_structure(void *ctx, struct structure *s, const struct hk_err *e, int code)
{
	struct fetch *f = ctx;

	f->st.found++;
	f->nblock++;
	if (s == NULL)
		return report(f, e, code);
	return take_structure(f, s);
}

static int
take_doc(struct fetch *f, const json_t *doc, long line)
{
	struct structure s = STRUCTURE_INIT;
	struct hk_err e = HK_ERR_INIT;
	int code = HK_E_BAD, rc;

	if (json_is_array(doc)) {
		size_t i;
		json_t *v;
		json_array_foreach(doc, i, v)
			if ((rc = take_doc(f, v, line)) != 0)
				return rc;
		return 0;
	}
	if (json_is_object(doc) && json_is_array(json_object_get(doc, "data")) &&
	    json_object_get(doc, "structure") == NULL && json_object_get(doc, "lattice") == NULL)
		return take_doc(f, json_object_get(doc, "data"), line);
	s.line = line;
	if (structjson_doc(doc, &s, &e, &code) == -1) {
		err_where(&e, f->entry->name, line);
		rc = on_structure(f, NULL, &e, code);
	} else {
		rc = on_structure(f, &s, NULL, 0);
	}
	structure_release(&s);
	return rc;
}

static int
line_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

static json_t *
parse_value(const char *s, size_t n, json_error_t *je)
{
	return json_loadb(s, n, JSON_REJECT_DUPLICATES, je);
}

/* 1 if the second non-blank line of text is a complete JSON object. */
static int
looks_like_lines(const char *text, size_t n)
{
	const char *p = text, *end = text + n;
	int seen = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!line_blank(p, len) && ++seen == 2) {
			json_error_t je;
			json_t *v = json_loadb(p, len, 0, &je);
			int ok = json_is_object(v);
			json_decref(v);
			return ok;
		}
		p += len + 1;
	}
	return 0;
}

static void
take_buffered_lines(struct fetch *f, const char *name, const char *text, size_t n, long line)
{
	const char *p = text, *end = text + n;
	struct hk_err err = HK_ERR_INIT;

	for (; p < end && !f->stop; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!line_blank(p, len)) {
			json_error_t je;
			json_t *v = parse_value(p, len, &je);
			if (v == NULL) {
				err_at(&err, name, line, "invalid JSON: %s", je.text);
				err.col = je.column;
				report(f, &err, HK_E_BAD);
			} else {
				f->nblock = 0;
				take_doc(f, v, line);
				json_decref(v);
			}
		}
		p += len + 1;
	}
}

/*
 * JSON Lines are streamed; a file whose first line is not a complete JSON
 * value (a pretty-printed document or list) is read whole.
 */
static int
read_json(struct fetch *f, struct src_entry *e)
{
	struct linerd lr;
	struct hk_err err = HK_ERR_INIT;
	struct sbuf whole = SBUF_INIT;
	json_error_t je;
	const char *line;
	size_t len;
	long first_line = 0;
	int rc, mode = 0;	/* 0 undecided, 1 lines, 2 whole */

	linerd_init(&lr, src_pull, e, e->name, (size_t)f->o.lim.line);
	while (!f->stop && (rc = linerd_next(&lr, &line, &len, &err)) != 0) {
		if (rc < 0 && lr.failed) {
			/* past a limit: the member's is said here with the limit, the archive's by src_walk */
			struct hk_err why = HK_ERR_INIT;
			if (src_error(e, &why) == 0)
				report(f, e->guard->over ? &why : &err, HK_E_BAD);
			mode = 3;
			break;
		}
		if (rc < 0) {
			report(f, &err, HK_E_BAD);
			continue;
		}
		if (mode == 2) {
			if (whole.len + len + 1 > MAX_JSON_DOC) {
				report_msg(f, first_line, "JSON document larger than 512 MiB");
				mode = 3;
				break;
			}
			sbuf_add(&whole, line, len);
			sbuf_addc(&whole, '\n');
			continue;
		}
		if (line_blank(line, len))
			continue;
		if (memchr(line, '\0', len)) {
			err_at(&err, e->name, lr.lineno, "binary data (NUL byte)");
			report(f, &err, HK_E_BAD);
			continue;
		}
		json_t *v = parse_value(line, len, &je);
		if (mode == 0 && v == NULL) {
			/* "{" or "[" alone, or a document spread over lines */
			size_t i = 0;
			while (i < len && isspace((unsigned char)line[i]))
				i++;
			if (len - i <= 1 || je.position >= (int)len) {
				mode = 2;
				first_line = lr.lineno;
				sbuf_add(&whole, line, len);
				sbuf_addc(&whole, '\n');
				continue;
			}
		}
		mode = 1;
		if (v == NULL) {
			err_at(&err, e->name, lr.lineno, "invalid JSON: %s", je.text);
			err.col = je.column;
			report(f, &err, HK_E_BAD);
			continue;
		}
		f->nblock = 0;
		take_doc(f, v, lr.lineno);
		json_decref(v);
	}
	if (mode == 2 && !f->stop) {
		json_t *v = parse_value(whole.s, whole.len, &je);
		if (v == NULL && looks_like_lines(whole.s, whole.len)) {
			/* JSON Lines whose first line is cut short */
			take_buffered_lines(f, e->name, whole.s, whole.len, first_line);
		} else if (v == NULL) {
			err_at(&err, e->name, first_line + je.line - 1, "invalid JSON: %s", je.text);
			err.col = je.column;
			report(f, &err, HK_E_BAD);
		} else {
			take_doc(f, v, first_line);
			json_decref(v);
		}
	}
	sbuf_release(&whole);
	linerd_release(&lr);
	return f->stop;
}

/* Species for a VASP 4 POSCAR from a POTCAR beside it. */
static char *
potcar_hint(const struct src_entry *e)
{
	char *path, *text = NULL, *sp = NULL;
	FILE *fp;
	long n;

	if (e->dirpath == NULL)
		return NULL;
	path = xasprintf("%s/POTCAR", e->dirpath);
	fp = fopen(path, "r");
	free(path);
	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && n < (64L << 20) &&
	    fseek(fp, 0, SEEK_SET) == 0) {
		text = xmalloc((size_t)n);
		if (fread(text, 1, (size_t)n, fp) == (size_t)n)
			sp = poscar_potcar_species(text, (size_t)n);
	}
	free(text);
	fclose(fp);
	return sp;
}

static int
read_text(struct fetch *f, struct src_entry *e)
{
	struct hk_err err = HK_ERR_INIT;
	char *text = NULL, *hint = NULL;
	size_t n;
	int rc;

	if (src_read_all(e, MAX_TEXT_FILE, &text, &n, &err) == -1)
		return e->failed && src_error(e, &err) == 1 ? 0 : report(f, &err, HK_E_BAD);
	if (memchr(text, '\0', n)) {
		free(text);
		return report_msg(f, 0, "binary data, not a structure file");
	}
	if (e->format == SRC_CIF) {
		rc = cif_read(text, n, e->name, f->o.lim.atoms, on_structure, f, &err);
		if (rc == -1)
			rc = report(f, &err, HK_E_BAD);
	} else {
		hint = potcar_hint(e);
		rc = poscar_read(text, n, e->name, hint, f->o.lim.atoms, on_structure, f, &err);
	}
	free(hint);
	free(text);
	return f->stop ? f->stop : (rc > 0 ? rc : 0);
}

static int
on_entry(void *ctx, struct src_entry *e)
{
	struct fetch *f = ctx;
	const unsigned char *p;
	size_t n;

	f->entry = e;
	f->nblock = 0;
	id_from_name(e->relname, f->fileid, sizeof(f->fileid));
	n = src_peek(e, 8192, &p);
	if (e->failed) {
		struct hk_err err = HK_ERR_INIT;
		return src_error(e, &err) == 1 ? 0 : report(f, &err, HK_E_BAD);
	}
	if (n == 0)
		return report_msg(f, 0, "empty file");
	if (memchr(p, '\0', n))
		return report_msg(f, 0, "binary data, not a structure file");
	if (e->format == SRC_UNKNOWN)
		e->format = src_format_sniff(p, n);
	if (e->format == SRC_JSON)
		return read_json(f, e);
	return read_text(f, e);
}

static int
on_source_error(void *ctx, const struct hk_err *err)
{
	struct fetch *f = ctx;

	return report(f, err, HK_E_BAD);
}

int
fetch_source(struct fetch *f, const char *path)
{
	struct hk_err err = HK_ERR_INIT;
	int rc;

	f->stop = 0;
	rc = src_walk(path, &f->o.lim, on_entry, on_source_error, f, &err);
	if (rc == -1)
		rc = report(f, &err, HK_E_BAD);
	return f->stop ? f->stop : rc;
}
