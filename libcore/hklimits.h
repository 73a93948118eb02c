/*
 * hklimits.h - what a hostile or broken input file cannot make hopkit exceed.
 *
 * Every reader of outside data stops at these limits with an error that
 * names the file (and line or archive member), the limit, and how to raise
 * it, so that a zip bomb, an archive of a million members or a structure
 * declaring ten million atoms costs a second and a few megabytes, not the
 * machine.  Memory stays bounded below them too: nothing is allocated for
 * a count the input declares before the count is checked, and archives are
 * read in place, never extracted.
 *
 * The limits a real user may need to raise are in struct hk_limits; the
 * command layer fills it once from the environment (limits_from_env: one
 * variable per limit, HOPKIT_MAX_ATOMS and so on) and hands it to the
 * readers; NULL for a reader means the defaults.  The others are fixed by
 * the formats themselves and are named here only to be documented.
 */
#ifndef HK_HKLIMITS_H
#define HK_HKLIMITS_H

#include "err.h"

/*
 * Atoms in one structure (HOPKIT_MAX_ATOMS).  The corpus's largest cell
 * has a few hundred atoms and a DFT supercell stays below about a
 * thousand; at 10^4 a CIF's site merging (quadratic in the atoms) still
 * takes about a second, at 10^5 it would take minutes.
 */
#define HK_MAX_ATOMS 10000L

/*
 * Bytes in one line of text, a JSON record included (HOPKIT_MAX_LINE).  A
 * record of a 10^4-atom structure is about 1 MiB; 64 MiB leaves room for
 * anything real while a line without end is skipped in bounded memory.
 */
#define HK_MAX_LINE (64L << 20)

/*
 * Members (of any type) of one archive (HOPKIT_MAX_MEMBERS).  The corpus's
 * archives hold a few thousand structures; 10^5 headers are read in well
 * under a second, and an archive of a million empty members is refused
 * before it floods the output with a million errors.
 */
#define HK_MAX_MEMBERS 100000L

/*
 * Bytes that come out of one member, or of a compressed single file
 * (HOPKIT_MAX_MEMBER_BYTES).  A structure file is read whole only up to
 * 64 MiB; a JSON Lines dump of all the Materials Project's structures is
 * about half a gigabyte.  A member whose header declares more is refused
 * without being read (a 10 GB sparse file, say).
 */
#define HK_MAX_MEMBER_BYTES (1L << 30)

/* Bytes that come out of all the members of one archive (HOPKIT_MAX_ARCHIVE_BYTES). */
#define HK_MAX_ARCHIVE_BYTES (4L << 30)

/*
 * How many times larger than its compressed bytes an archive's contents
 * may be (HOPKIT_MAX_RATIO), checked once HK_RATIO_AFTER bytes came out.
 * Text structure files compress 5 to 20 times; deflate cannot exceed
 * about 1032, which is what a zip bomb's repeated bytes reach, so a bomb
 * is refused after its first 16 MiB instead of after gigabytes.
 */
#define HK_MAX_RATIO 200L
#define HK_RATIO_AFTER (16L << 20)

/*
 * Nesting depth of a JSON value: Jansson's own limit (JSON_PARSER_MAX_DEPTH,
 * fixed when the library is built), far beyond the 4 levels of a record.
 * Not adjustable.
 */
#define HK_MAX_DEPTH 2048

/*
 * Interior images of an NEB: VASP names image directories with two
 * digits, the endpoints 00 and N+1 included, so 97 (00 ... 98) is near
 * the format's end; collect reads at most RUN_MAXIMG (100) image
 * directories, all that two digits can name.  Not adjustable.
 */
#define HK_MAX_IMAGES 97

struct hk_limits {
	long atoms;
	long line;
	long members;
	long member_bytes;
	long archive_bytes;
	long ratio;
};

#define HK_LIMITS_INIT \
	{ HK_MAX_ATOMS, HK_MAX_LINE, HK_MAX_MEMBERS, HK_MAX_MEMBER_BYTES, HK_MAX_ARCHIVE_BYTES, HK_MAX_RATIO }

/* The defaults, for a reader given NULL. */
const struct hk_limits *limits_default(void);

/*
 * Fill l from the environment through get (getenv, or a test's own):
 * each HOPKIT_MAX_* variable that is set replaces its default.  A value
 * is a positive integer, optionally followed by k, M or G (times 1024,
 * 1024^2, 1024^3).  -1 with err naming the variable when one is invalid.
 */
int limits_from_env(struct hk_limits *l, char *(*get)(const char *), struct hk_err *err);

/*
 * The account of one archive (or compressed file) being read: members
 * seen, bytes out of the member being read and of all, and which limit
 * was passed first.  Zero it, set lim (never NULL), then call
 * limits_member per header and limits_bytes per read.
 */
enum { LIM_OK, LIM_MEMBERS, LIM_MEMBER_BYTES, LIM_ARCHIVE_BYTES, LIM_RATIO };

struct hk_guard {
	const struct hk_limits *lim;
	long members;
	long member;		/* bytes out of the current member */
	long total;		/* ... of all */
	long declared;		/* what the header said the member holds, or -1 */
	int over;		/* LIM_*, the first limit passed */
};

/*
 * A new member whose header declares size bytes (-1: not said).  -1 when
 * it is one member too many (the archive is refused) or declares more
 * than a member may hold (only this member is).
 */
int limits_member(struct hk_guard *g, long size);

/*
 * n more bytes came out, for in bytes read from the file so far.  -1 once
 * a limit is passed (and for every call after).
 */
int limits_bytes(struct hk_guard *g, long n, long in);

/* 1 when the limit passed refuses the whole archive, not one member. */
int limits_whole(const struct hk_guard *g);

/*
 * The message for the limit passed: "archive:member: ..." for a member's,
 * "archive: ..." for the archive's, with the variable that raises it.
 */
void limits_error(const struct hk_guard *g, const char *archive, const char *member, struct hk_err *err);

#endif
