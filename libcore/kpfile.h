/*
 * kpfile.h - KPOINTS files as VASP reads them, checked line by line.
 *
 * Line 1 is a comment, line 2 the number of k-points (0: VASP generates
 * them), line 3 the mode, told by its first letter as VASP tells it:
 *
 *   automatic  0, A(uto), a length R_k > 0
 *   mesh       0, G(amma) or M(onkhorst-Pack), n1 n2 n3, an optional shift
 *   lattice    0, any other mode (C or K Cartesian, else reciprocal),
 *              three generating vectors, a shift
 *   explicit   N > 0, C or K (Cartesian) or other (reciprocal), then N
 *              lines "kx ky kz weight"; what follows them (tetrahedra) is
 *              not read
 *   line       N > 0, L(ine-mode), the coordinates' mode, then pairs of
 *              points, one segment per pair (blank lines between them)
 *
 * Every line a form needs must be there with its numbers; words after the
 * numbers (a label, a comment) are allowed, as VASP allows them.  A mesh's
 * divisions are 1 to KPF_DIV_MAX, a list at most KPF_POINTS_MAX points
 * (counted, never stored).  Errors name the file and line.
 */
#ifndef HK_KPFILE_H
#define HK_KPFILE_H

#include "err.h"

/* Divisions along one axis: no crystal needs more, and a product of three stays in a long. */
#define KPF_DIV_MAX 1000
/* Points of an explicit list or segments' ends: far past any band structure or weighted set. */
#define KPF_POINTS_MAX 10000000L

enum kpf_form { KPF_AUTO, KPF_MESH, KPF_LATTICE, KPF_EXPLICIT, KPF_LINE };

struct kpfile {
	enum kpf_form form;
	int gamma;		/* mesh: Gamma-centred (else Monkhorst-Pack) */
	int cartesian;		/* lattice, explicit, line: Cartesian coordinates */
	long div[3];		/* mesh */
	double shift[3];	/* mesh (0 0 0 when absent), lattice */
	double length;		/* automatic */
	long count;		/* explicit: points; line: points per segment */
	long segments;		/* line */
};

/* Parse KPOINTS text (name for messages) into *kp; -1 with err (file, line) when it is not one. */
int kpf_parse(const char *text, const char *name, struct kpfile *kp, struct hk_err *err);

/* The form's name: "automatic", "mesh", "lattice", "explicit", "line". */
const char *kpf_form_name(enum kpf_form f);

#endif
