/*
 * Fuzz target: scripts/topup's tiers file, every line checked, each tier
 * picked in turn; what the reader takes must be safe to hand to make and
 * sh (a name of [A-Za-z0-9_], no $, backquote, backslash or control
 * character in a value), or the target aborts.
 */
#include "fuzzmem.h"
#include "tiers.h"

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

static void
check(const struct tiers_line *t)
{
	struct sbuf q = SBUF_INIT;

	for (size_t i = 0; i < t->n; i++) {
		const char *name = t->v[i].name, *v = t->v[i].value;
		if (name[0] == '\0' || name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")])
			abort();
		for (; *v; v++)
			if (*v == '$' || *v == '`' || *v == '\\' || (unsigned char)*v < 0x20 || *v == 0x7f)
				if (*v != '\t')
					abort();
	}
	tiers_quote(t, &q);
	sbuf_release(&q);
}

int
LLVMFuzzerTestOneInput(const unsigned char *p, size_t n)
{
	static const char *const names[] = { "LIMIT", "CUTOFF", "TIERS", "WHERE", "B_WHERE", NULL };
	char *text = fuzzmem_text(p, n);
	struct tiers_line t = TIERS_LINE_INIT;
	struct hk_err err = HK_ERR_INIT;
	long count = 0;

	if (tiers_parse(text, n, "tiers", NULL, 0, &count, &t, &err) == 0)
		for (long k = 1; k <= count && k <= 64; k++) {
			if (tiers_parse(text, n, "tiers", NULL, k, &count, &t, &err) != 0 || t.n == 0)
				abort();
			check(&t);
		}
	tiers_parse(text, n, "tiers", names, 1, &count, &t, &err);
	check(&t);
	tiers_line_release(&t);
	free(text);
	return 0;
}
