/*
 * vasp_in.h - VASP input files: INCAR, KPOINTS, POTCAR.
 *
 * An INCAR is an ordered list of tags.  Presets are plain INCAR files
 * under share/presets/ (NAME.incar) whose special values are filled in
 * for a structure: MAGMOM = auto (element defaults, for ISPIN = 2),
 * LDAU = auto (Hubbard U for transition metals when F or O is present),
 * EDIFF_PER_ATOM (becomes EDIFF times the number of atoms).  KPOINTS is a
 * Gamma-centred grid from a density in k-points per reciprocal atom
 * (pymatgen's automatic_density rule).  POTCAR concatenates
 * $VASP_PP_PATH/<symbol>/POTCAR (or POT_GGA_PAW_PBE/<symbol>/POTCAR) in
 * species order; without a library, POTCAR.spec lists the symbols.
 */
#ifndef HK_VASP_IN_H
#define HK_VASP_IN_H

#include "cell.h"
#include "err.h"
#include "sbuf.h"

struct incar {
	char **key, **val;
	int n;
};

#define INCAR_INIT { NULL, NULL, 0 }

void incar_release(struct incar *in);
/* Set (replace or append) a tag; the key is upper-cased. */
void incar_set(struct incar *in, const char *key, const char *val);
const char *incar_get(const struct incar *in, const char *key);
void incar_unset(struct incar *in, const char *key);

/*
 * A tag's value as an integer in [lo, hi], a number, or a logical (.TRUE.,
 * T, .FALSE., F): dflt into *out when the tag is absent; -1 with err
 * naming the tag when its value is not one.
 */
int incar_get_long(const struct incar *in, const char *key, long lo, long hi, long dflt, long *out,
    struct hk_err *err);
int incar_get_double(const struct incar *in, const char *key, double dflt, double *out, struct hk_err *err);
int incar_get_bool(const struct incar *in, const char *key, int dflt, int *out, struct hk_err *err);
/* Parse INCAR text ("KEY = VALUE", comments with # or !, ; separated). */
int incar_parse(struct incar *in, const char *text, const char *name, struct hk_err *err);
/* Parse "KEY=VALUE" from the command line. */
int incar_parse_arg(struct incar *in, const char *arg, struct hk_err *err);
/* Load share/presets/NAME.incar. */
int incar_preset(struct incar *in, const char *name, struct hk_err *err);
/* Fill MAGMOM/LDAU/EDIFF_PER_ATOM for c (species in POSCAR runs). */
int incar_resolve(struct incar *in, const struct cell *c, struct hk_err *err);
void incar_write(const struct incar *in, struct sbuf *out);

/* Gamma-centred divisions for kppa k-points per reciprocal atom. */
void kpoints_density(const struct cell *c, double kppa, int div[3]);
void kpoints_write(const int div[3], double kppa, struct sbuf *out);

/*
 * A k-point rule, as a preset states it with one of two pseudo-tags that
 * never reach VASP: KPOINTS_LENGTH = L (VASP's fully automatic mode, as
 * pymatgen's MIT sets: N_i = max(1, int(L |b_i| + 0.5)), |b_i| in 1/Å
 * without 2 pi) or KPOINTS_DENSITY = D (pymatgen's reciprocal_density of
 * MPRelaxSet (64) and MPStaticSet (100): D k-points per Å^-3 of reciprocal
 * volume, 2 pi included, times the number of atoms, as a kppa).  Without
 * either, kppa 1000.
 */
enum kp_rule { KP_KPPA, KP_LENGTH, KP_DENSITY };

struct kpoints {
	enum kp_rule rule;
	double value;
	int div[3];
};

/* Take the pseudo-tag from in (removing it) into kp->rule/value; -1 when its value is no number. */
int kpoints_rule_take(struct incar *in, struct kpoints *kp, struct hk_err *err);
/* kp->div for c by kp's rule. */
void kpoints_apply(struct kpoints *kp, const struct cell *c);
/* The KPOINTS file: the grid, the rule in its comment line. */
void kpoints_write_rule(const struct kpoints *kp, struct sbuf *out);
/* The rule as a record's words: "length 25", "reciprocal_density 100", "kppa 1000". */
void kpoints_rule_name(const struct kpoints *kp, struct sbuf *out);

/*
 * The valence electrons of c with POTCARs of the symbols (one per species
 * run): ZVAL from each POTCAR of potcar (their concatenation, as
 * potcar_build gives it) or, when potcar is NULL, from
 * share/presets/potcar-zval.tsv.  -1 with err when a symbol has none or
 * the counts disagree.
 */
int potcar_valence(const struct cell *c, const char *symbols, const char *potcar, double *nelect,
    struct hk_err *err);

/* POTCAR symbols of the species runs of c ("Li_sv F"), or -1. */
int potcar_symbols(const struct cell *c, struct sbuf *out, struct hk_err *err);

/*
 * The POTCAR for the symbols: 1 with the concatenation in out when a
 * library is found, 0 when there is none (out untouched), -1 when one is
 * found but lacks a symbol (err names it).  If where is not NULL and a
 * library is found, *where is its directory (the caller frees it).
 */
int potcar_build(const char *symbols, struct sbuf *out, char **where, struct hk_err *err);

#endif
