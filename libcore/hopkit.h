/*
 * hopkit.h - conventions shared by every libcore module.
 *
 * Ownership: whatever a function returns (a pointer, or an object it filled)
 * belongs to the caller, who releases it with the matching _free/_release.
 * No function takes ownership of its arguments unless its comment says so.
 *
 * Errors: functions return 0 (or a pointer) on success and -1 (or NULL) on
 * failure, filling a caller-supplied struct hk_err.  libcore never prints
 * and never exits, with one exception: running out of memory aborts with a
 * message (xalloc.h), as git's xmalloc does.
 */
#ifndef HOPKIT_H
#define HOPKIT_H

#include "err.h"
#include "xalloc.h"

#endif
