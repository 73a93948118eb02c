#include <stdio.h>
#include <string.h>

#include "elements.h"
#include "formula.h"
#include "sbuf.h"

static long
gcd(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a < 0 ? -a : a;
}

static int
before(int za, int zb)
{
	double xa = elem_x_key(za), xb = elem_x_key(zb);

	if (xa != xb)
		return xa < xb;
	return strcmp(elem_symbol(za), elem_symbol(zb)) < 0;
}

static void
add_amount(struct sbuf *sb, int z, long amt)
{
	sbuf_addstr(sb, elem_symbol(z));
	if (amt != 1)
		sbuf_addf(sb, "%ld", amt);
}

char *
formula_from_counts(const long *counts, char *buf, size_t n)
{
	static const char *const special[][2] = {
		{ "LiO", "Li2O2" }, { "NaO", "Na2O2" }, { "KO", "K2O2" }, { "HO", "H2O2" },
		{ "CsO", "Cs2O2" }, { "RbO", "Rb2O2" }, { "O", "O2" }, { "N", "N2" },
		{ "F", "F2" }, { "Cl", "Cl2" }, { "H", "H2" },
	};
	int zs[ELEM_MAX], k = 0;
	long factor = 0;
	struct sbuf sb = SBUF_INIT;
	int poly = 0;

	for (int z = 1; z <= ELEM_MAX; z++)
		if (counts[z] > 0) {
			int j = k++;
			while (j > 0 && before(z, zs[j - 1])) {
				zs[j] = zs[j - 1];
				j--;
			}
			zs[j] = z;
			factor = gcd(factor, counts[z]);
		}
	if (k == 0) {
		snprintf(buf, n, "%s", "");
		return buf;
	}
	if (k >= 3 && elem_x(zs[k - 1]) - elem_x(zs[k - 2]) < 1.65) {
		long a = counts[zs[k - 2]] / factor, b = counts[zs[k - 1]] / factor;
		long pf = gcd(a, b);
		if (pf != 1)
			poly = 1;
		for (int i = 0; i < k - (poly ? 2 : 0); i++)
			add_amount(&sb, zs[i], counts[zs[i]] / factor);
		if (poly) {
			sbuf_addc(&sb, '(');
			add_amount(&sb, zs[k - 2], a / pf);
			add_amount(&sb, zs[k - 1], b / pf);
			sbuf_addf(&sb, ")%ld", pf);
		}
	} else {
		for (int i = 0; i < k; i++)
			add_amount(&sb, zs[i], counts[zs[i]] / factor);
	}
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcmp(sb.s, special[i][0]) == 0) {
			sbuf_reset(&sb);
			sbuf_addstr(&sb, special[i][1]);
			break;
		}
	snprintf(buf, n, "%s", sb.s);
	sbuf_release(&sb);
	return buf;
}

char *
formula_reduced(const struct cell *c, char *buf, size_t n)
{
	long counts[ELEM_MAX + 1] = { 0 };

	for (int i = 0; i < c->n; i++)
		if (c->z[i] >= 1 && c->z[i] <= ELEM_MAX)
			counts[c->z[i]]++;
	return formula_from_counts(counts, buf, n);
}
