/*
 * profile_svg.h - the energy profile of a result record, as SVG text.
 *
 * The record is collect's (see collect.h): its energies_relative (eV,
 * image 0 first) are drawn as a line over the image index, with the id
 * as title and, when the record has an energy_barrier, a dashed line at
 * the highest image labelled with the barrier.  At most PROFILE_SVG_MAX
 * images are drawn.  The text depends on the record only, byte for byte,
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
