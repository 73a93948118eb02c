/*
 * tally.h - counts of what was lost, by group and by reason.
 *
 * A group is a field left null ("bvse_barrier"), or a kind of loss
 * ("bad records"); within it, reasons are counted by a short key: the
 * text up to its first ':', " for " or " with " (so "no softBV parameters
 * for F- with Sn2+" and "... for F- with Pb2+" count as one), without a
 * leading record id ("mp-1: ", "mp-1 ").  Memory is bounded: past TALLY_MAX_GROUPS groups and
 * TALLY_MAX_REASONS reasons in a group, the rest count as "other".
 */
#ifndef HK_TALLY_H
#define HK_TALLY_H

#include "sbuf.h"

#define TALLY_MAX_GROUPS 64
#define TALLY_MAX_REASONS 16
#define TALLY_KEY_MAX 120

struct tally_reason {
	char *key;
	long n;
};

struct tally_group {
	char *name;
	long n;
	struct tally_reason *r;
	int nr;
};

struct tally {
	struct tally_group *g;
	int ng;
};

#define TALLY_INIT { NULL, 0 }

/* The key reason is counted under (id, when given, is dropped from its start). */
void tally_key(const char *reason, const char *id, char key[TALLY_KEY_MAX + 1]);

/* Count one under group, for reason (keyed as above; NULL: "unknown"). */
void tally_add(struct tally *t, const char *group, const char *reason, const char *id);

/* The count in group, 0 when absent. */
long tally_count(const struct tally *t, const char *group);

/*
 * Append "(key: n, key: n)" for group g, most frequent reason first, at
 * most 4 named and the rest as "other".
 */
void tally_format_group(const struct tally_group *g, struct sbuf *sb);

/*
 * Append every group as "NAME[, NAME...]<sep>N (reasons)", groups with
 * the same reasons and counts merged into one, separated by ", ".
 */
void tally_format(const struct tally *t, const char *sep, struct sbuf *sb);

/*
 * Append every group as "N NAME[s] (reasons)", the group named as one
 * thing ("bad record"), separated by ", ".
 */
void tally_format_counts(const struct tally *t, struct sbuf *sb);

void tally_release(struct tally *t);

#endif
