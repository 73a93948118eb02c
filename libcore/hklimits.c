#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hklimits.h"
#include "num.h"

static const struct hk_limits defaults = HK_LIMITS_INIT;

const struct hk_limits *
limits_default(void)
{
	return &defaults;
}

/* A positive count with an optional binary suffix; -1 when it is not one. */
static int
parse_size(const char *s, long *out)
{
	char digits[32];
	size_t n = strlen(s);
	int shift = 0;
	long v;

	if (n > 0 && strchr("kKmMgG", s[n - 1])) {
		shift = strchr("kK", s[n - 1]) ? 10 : strchr("mM", s[n - 1]) ? 20 : 30;
		n--;
	}
	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (num_parse_long(digits, 1, (1L << 62) >> shift, &v) == -1)
		return -1;
	*out = v << shift;
	return 0;
}

int
limits_from_env(struct hk_limits *l, char *(*get)(const char *), struct hk_err *err)
{
	struct {
		const char *var;
		long *v;
	} tab[] = {
		{ "HOPKIT_MAX_ATOMS", &l->atoms }, { "HOPKIT_MAX_LINE", &l->line },
		{ "HOPKIT_MAX_MEMBERS", &l->members }, { "HOPKIT_MAX_MEMBER_BYTES", &l->member_bytes },
		{ "HOPKIT_MAX_ARCHIVE_BYTES", &l->archive_bytes }, { "HOPKIT_MAX_RATIO", &l->ratio },
	};

	for (size_t k = 0; k < sizeof(tab) / sizeof(tab[0]); k++) {
		const char *s = get(tab[k].var);
		if (s != NULL && parse_size(s, tab[k].v) == -1) {
			err_set(err, "%s='%s': want a positive number, maybe with k, M or G after it", tab[k].var, s);
			return -1;
		}
	}
	return 0;
}

int
limits_member(struct hk_guard *g, long size)
{
	if (g->over && limits_whole(g))
		return -1;
	g->over = LIM_OK;
	g->member = 0;
	g->declared = size;
	if (++g->members > g->lim->members)
		g->over = LIM_MEMBERS;
	else if (size > g->lim->member_bytes)
		g->over = LIM_MEMBER_BYTES;
	return g->over ? -1 : 0;
}

int
limits_bytes(struct hk_guard *g, long n, long in)
{
	if (g->over)
		return -1;
	g->member += n;
	g->total += n;
	if (g->member > g->lim->member_bytes)
		g->over = LIM_MEMBER_BYTES;
	else if (g->total > g->lim->archive_bytes)
		g->over = LIM_ARCHIVE_BYTES;
	else if (g->total > HK_RATIO_AFTER && g->total / (in > 0 ? in : 1) >= g->lim->ratio)
		g->over = LIM_RATIO;
	return g->over ? -1 : 0;
}

int
limits_whole(const struct hk_guard *g)
{
	return g->over == LIM_MEMBERS || g->over == LIM_ARCHIVE_BYTES || g->over == LIM_RATIO;
}

void
limits_error(const struct hk_guard *g, const char *archive, const char *member, struct hk_err *err)
{
	const struct hk_limits *l = g->lim;

	switch (g->over) {
	case LIM_MEMBERS:
		err_set(err, "more than %ld members: refused (HOPKIT_MAX_MEMBERS raises the limit)", l->members);
		break;
	case LIM_MEMBER_BYTES:
		err_set(err, "%s more than %ld bytes: refused (HOPKIT_MAX_MEMBER_BYTES raises the limit)",
		    g->declared > l->member_bytes ? "declares" : "holds", l->member_bytes);
		break;
	case LIM_ARCHIVE_BYTES:
		err_set(err, "more than %ld bytes uncompressed: refused (HOPKIT_MAX_ARCHIVE_BYTES raises the limit)",
		    l->archive_bytes);
		break;
	case LIM_RATIO:
		err_set(err, "expands more than %ld times, a decompression bomb: refused (HOPKIT_MAX_RATIO raises the limit)",
		    l->ratio);
		break;
	default:
		err_set(err, "no limit passed");
	}
	if (member && !limits_whole(g))
		snprintf(err->file, sizeof(err->file), "%s:%s", archive, member);
	else
		snprintf(err->file, sizeof(err->file), "%s", archive);
	err->line = 0;
}
