/*
 * profile_svg.h - the energy profile of a result record, as SVG text.
 *
 * The record is collect's (see collect.h): its energies_relative (eV,
 * image 0 first) are drawn as a line over the image index, with the id
 * as title and, when the record has an energy_barrier, a dashed line at
 * the level of the image it is measured at (highest_image; a static3's
 * midpoint; else the highest) labelled with the barrier.  The energy axis
 * spans zero and every energy, negative or of any magnitude, with ticks
 * at round values whose labels fit the margin (3 significant digits from
 * 1e5 eV); the label stays inside the plot, clear of the axes.  At most
 * PROFILE_SVG_MAX images are drawn; a value that is not a finite number
 * is drawn at 0.  The text depends on the record only, byte for byte,
 * so plots can be compared with cmp.
 */
#ifndef HK_PROFILE_SVG_H
#define HK_PROFILE_SVG_H

#include <jansson.h>

#include "err.h"
#include "sbuf.h"

#define PROFILE_SVG_MAX 100

/* Append the SVG document to svg; -1 (err set) when fewer than two energies. */
int profile_svg_render(const json_t *result, struct sbuf *svg, struct hk_err *err);

#endif
