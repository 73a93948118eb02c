#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "sbuf.h"
#include "num.h"
#include "rec.h"
#include "xalloc.h"

enum kind { E_NUM, E_STR, E_NULL, E_BOOL, E_FIELD, E_CMP, E_IN, E_ISNULL, E_AND, E_OR, E_NOT };
enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct expr {
	enum kind kind;
	int col;		/* 1-based column in the source text */
	double num;
	char *str;		/* string literal or field path */
	int bval, neg;
	enum op op;
	struct expr *a, *b;
	struct expr **list;	/* for in ( ... ) */
	int nlist;
	int depth;		/* of the tree below, this node included */
};

void
expr_free(struct expr *e)
{
	if (e == NULL)
		return;
	expr_free(e->a);
	expr_free(e->b);
	for (int i = 0; i < e->nlist; i++)
		expr_free(e->list[i]);
	free(e->list);
	free(e->str);
	free(e);
}

/* --- lexer ------------------------------------------------------------ */

enum tok { T_END, T_NUM, T_STR, T_NAME, T_OP, T_LP, T_RP, T_COMMA };

struct lex {
	const char *src, *p;
	enum tok t;
	const char *start;
	size_t len;
	struct hk_err *err;
	int nest;		/* parentheses and nots open */
};

static int
lex_error(struct lex *l, const char *at, const char *msg)
{
	err_set(l->err, "%s", msg);
	l->err->col = (long)(at - l->src) + 1;
	return -1;
}

static int
next(struct lex *l)
{
	while (isspace((unsigned char)*l->p))
		l->p++;
	l->start = l->p;
	char c = *l->p;
	if (c == '\0') {
		l->t = T_END;
		l->len = 0;
		return 0;
	}
	if (c == '(' || c == ')' || c == ',') {
		l->t = c == '(' ? T_LP : c == ')' ? T_RP : T_COMMA;
		l->p++;
	} else if (c == '"' || c == '\'') {
		const char *q = l->p + 1;
		while (*q && *q != c)
			q++;
		if (*q != c)
			return lex_error(l, l->p, "unterminated string");
		l->t = T_STR;
		l->p = q + 1;
	} else if (isdigit((unsigned char)c) || ((c == '-' || c == '.') && (isdigit((unsigned char)l->p[1]) || l->p[1] == '.'))) {
		const char *q = l->p + 1;
		while (isalnum((unsigned char)*q) || *q == '.' || ((*q == '-' || *q == '+') && (q[-1] == 'e' || q[-1] == 'E')))
			q++;
		l->t = T_NUM;
		l->p = q;
	} else if (isalpha((unsigned char)c) || c == '_') {
		const char *q = l->p;
		while (isalnum((unsigned char)*q) || *q == '_' || *q == '.')
			q++;
		l->t = T_NAME;
		l->p = q;
	} else if (strchr("=!<>", c)) {
		const char *q = l->p + 1;
		if (*q == '=')
			q++;
		l->t = T_OP;
		l->p = q;
		if (c == '=' && q - l->start == 1)
			return lex_error(l, l->start, "'=' is not an operator (use ==)");
		if (c == '!' && q - l->start == 1)
			return lex_error(l, l->start, "'!' is not an operator (use != or not)");
	} else {
		return lex_error(l, l->p, "unexpected character");
	}
	l->len = (size_t)(l->p - l->start);
	return 0;
}

static int
is_word(const struct lex *l, const char *w)
{
	return l->t == T_NAME && l->len == strlen(w) && strncmp(l->start, w, l->len) == 0;
}

static struct expr *
node(enum kind k, const struct lex *l)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->kind = k;
	e->col = (int)(l->start - l->src) + 1;
	e->depth = 1;
	return e;
}

/*
 * e's depth from its children's; -1 (err set, e freed) beyond
 * EXPR_MAX_DEPTH, since matching and freeing recurse as deep as the tree
 * and a hostile --where must not overflow the stack.
 */
static struct expr *
deepen(struct lex *l, struct expr *e)
{
	int d = 0;

	if (e->a && e->a->depth > d)
		d = e->a->depth;
	if (e->b && e->b->depth > d)
		d = e->b->depth;
	for (int i = 0; i < e->nlist; i++)
		if (e->list[i]->depth > d)
			d = e->list[i]->depth;
	e->depth = d + 1;
	if (e->depth > EXPR_MAX_DEPTH) {
		err_set(l->err, "the expression is nested more than %d deep", EXPR_MAX_DEPTH);
		l->err->col = e->col;
		expr_free(e);
		return NULL;
	}
	return e;
}

/* Enter a parenthesis or a not; -1 when too many are open. */
static int
open_nest(struct lex *l)
{
	if (++l->nest <= EXPR_MAX_DEPTH)
		return 0;
	err_set(l->err, "the expression is nested more than %d deep", EXPR_MAX_DEPTH);
	l->err->col = (long)(l->start - l->src) + 1;
	return -1;
}

/* --- parser ----------------------------------------------------------- */

static struct expr *parse_or(struct lex *l);

static struct expr *
parse_value(struct lex *l)
{
	struct expr *e = NULL;

	switch (l->t) {
	case T_NUM:
		e = node(E_NUM, l);
		if (num_parse_double_n(l->start, l->len, &e->num) == -1) {
			lex_error(l, l->start, "bad number");
			expr_free(e);
			return NULL;
		}
		break;
	case T_STR:
		e = node(E_STR, l);
		e->str = xstrndup(l->start + 1, l->len - 2);
		break;
	case T_NAME:
		if (is_word(l, "null")) {
			e = node(E_NULL, l);
		} else if (is_word(l, "true") || is_word(l, "false")) {
			e = node(E_BOOL, l);
			e->bval = is_word(l, "true");
		} else if (is_word(l, "and") || is_word(l, "or") || is_word(l, "not") || is_word(l, "in") ||
		    is_word(l, "is")) {
			lex_error(l, l->start, "expected a value, found a keyword");
			return NULL;
		} else {
			e = node(E_FIELD, l);
			e->str = xstrndup(l->start, l->len);
			if (e->str[l->len - 1] == '.' || strstr(e->str, "..")) {
				lex_error(l, l->start, "bad field name");
				expr_free(e);
				return NULL;
			}
		}
		break;
	case T_LP:
		if (open_nest(l) == -1 || next(l) == -1 || (e = parse_or(l)) == NULL)
			return NULL;
		l->nest--;
		if (l->t != T_RP) {
			lex_error(l, l->start, "expected ')'");
			expr_free(e);
			return NULL;
		}
		break;
	case T_END:
		lex_error(l, l->start, "unexpected end of expression");
		return NULL;
	default:
		lex_error(l, l->start, "expected a value");
		return NULL;
	}
	if (next(l) == -1) {
		expr_free(e);
		return NULL;
	}
	return e;
}

static struct expr *
parse_compare(struct lex *l)
{
	struct expr *a = parse_value(l), *e;

	if (a == NULL)
		return NULL;
	if (l->t == T_OP) {
		static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
		e = node(E_CMP, l);
		for (int k = 0; k < 6; k++)
			if (strlen(ops[k]) == l->len && strncmp(ops[k], l->start, l->len) == 0)
				e->op = (enum op)k;
		e->a = a;
		if (next(l) == -1 || (e->b = parse_value(l)) == NULL) {
			expr_free(e);
			return NULL;
		}
		return deepen(l, e);
	}
	if (is_word(l, "in")) {
		e = node(E_IN, l);
		e->a = a;
		if (next(l) == -1)
			goto bad;
		if (l->t != T_LP) {
			lex_error(l, l->start, "expected '(' after in");
			goto bad;
		}
		do {
			struct expr *v;
			if (next(l) == -1 || (v = parse_value(l)) == NULL)
				goto bad;
			e->list = xreallocarray(e->list, (size_t)e->nlist + 1, sizeof(*e->list));
			e->list[e->nlist++] = v;
		} while (l->t == T_COMMA);
		if (l->t != T_RP) {
			lex_error(l, l->start, "expected ',' or ')' in the list");
			goto bad;
		}
		if (next(l) == -1)
			goto bad;
		return deepen(l, e);
bad:
		expr_free(e);
		return NULL;
	}
	if (is_word(l, "is")) {
		e = node(E_ISNULL, l);
		e->a = a;
		if (next(l) == -1)
			goto bad2;
		if (is_word(l, "not")) {
			e->neg = 1;
			if (next(l) == -1)
				goto bad2;
		}
		if (!is_word(l, "null")) {
			lex_error(l, l->start, "expected null after is");
			goto bad2;
		}
		if (next(l) == -1)
			goto bad2;
		return deepen(l, e);
bad2:
		expr_free(e);
		return NULL;
	}
	return a;
}

static struct expr *
parse_unary(struct lex *l)
{
	if (is_word(l, "not")) {
		struct expr *e = node(E_NOT, l);
		if (open_nest(l) == -1 || next(l) == -1 || (e->a = parse_unary(l)) == NULL) {
			expr_free(e);
			return NULL;
		}
		l->nest--;
		return deepen(l, e);
	}
	return parse_compare(l);
}

static struct expr *
parse_binary(struct lex *l, const char *word, enum kind k, struct expr *(*sub)(struct lex *))
{
	struct expr *a = sub(l);

	while (a && is_word(l, word)) {
		struct expr *e = node(k, l);
		e->a = a;
		if (next(l) == -1 || (e->b = sub(l)) == NULL) {
			expr_free(e);
			return NULL;
		}
		if ((a = deepen(l, e)) == NULL)
			return NULL;
	}
	return a;
}

static struct expr *
parse_and(struct lex *l)
{
	return parse_binary(l, "and", E_AND, parse_unary);
}

static struct expr *
parse_or(struct lex *l)
{
	return parse_binary(l, "or", E_OR, parse_and);
}

struct expr *
expr_compile(const char *text, struct hk_err *err)
{
	struct lex l = { text, text, T_END, text, 0, err, 0 };
	struct expr *e;

	if (next(&l) == -1 || (e = parse_or(&l)) == NULL)
		return NULL;
	if (l.t != T_END) {
		lex_error(&l, l.start, "unexpected text after the expression");
		expr_free(e);
		return NULL;
	}
	return e;
}

/* --- evaluation ------------------------------------------------------- */

struct val {
	enum { V_NULL, V_NUM, V_STR, V_BOOL } t;
	double num;
	const char *str;
	int b;
};

static int
type_error(struct hk_err *err, const struct expr *e, const char *msg)
{
	err_set(err, "%s (column %d)", msg, e->col);
	err->col = e->col;
	return -1;
}

static int eval(const struct expr *e, const json_t *rec, int strict, struct val *v, struct hk_err *err);

static int
eval_field(const struct expr *e, const json_t *rec, int strict, struct val *v, struct hk_err *err)
{
	const json_t *j = rec_get_path(rec, e->str);

	v->t = V_NULL;
	if (j == NULL) {
		if (strict) {
			char msg[300];
			snprintf(msg, sizeof(msg), "record has no field '%.200s'", e->str);
			return type_error(err, e, msg);
		}
		return 0;
	}
	switch (json_typeof(j)) {
	case JSON_INTEGER:
	case JSON_REAL:
		v->t = V_NUM;
		v->num = json_number_value(j);
		break;
	case JSON_STRING:
		v->t = V_STR;
		v->str = json_string_value(j);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		v->t = V_BOOL;
		v->b = json_is_true(j);
		break;
	case JSON_NULL:
		break;
	default: {
		char msg[300];
		snprintf(msg, sizeof(msg), "field '%.200s' is an object or array, not a value", e->str);
		return type_error(err, e, msg);
	}
	}
	return 0;
}

/* -1 error, else 0/1; *isnull when either side is null */
static int
compare(const struct expr *e, const struct val *a, const struct val *b, enum op op, struct hk_err *err)
{
	int c;

	if (a->t == V_NULL || b->t == V_NULL) {
		int both = a->t == V_NULL && b->t == V_NULL;
		if (op == OP_EQ)
			return both;
		if (op == OP_NE)
			return !both;
		return 0;
	}
	if (a->t != b->t) {
		static const char *const names[] = { "null", "a number", "a string", "a boolean" };
		char msg[200];
		snprintf(msg, sizeof(msg), "cannot compare %s with %s", names[a->t], names[b->t]);
		return type_error(err, e, msg);
	}
	switch (a->t) {
	case V_NUM:
		c = a->num < b->num ? -1 : a->num > b->num ? 1 : 0;
		break;
	case V_STR:
		c = strcmp(a->str, b->str);
		break;
	default:
		if (op != OP_EQ && op != OP_NE)
			return type_error(err, e, "booleans can only be compared with == or !=");
		c = a->b - b->b;
	}
	switch (op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	case OP_GE: return c >= 0;
	}
	return 0;
}

static int
truth(const struct expr *e, const json_t *rec, int strict, struct hk_err *err)
{
	struct val v;

	if (eval(e, rec, strict, &v, err) == -1)
		return -1;
	if (v.t == V_NULL)
		return 0;
	if (v.t != V_BOOL)
		return type_error(err, e, "a condition must be a comparison or a boolean");
	return v.b;
}

static int
eval(const struct expr *e, const json_t *rec, int strict, struct val *v, struct hk_err *err)
{
	struct val a, b;
	int r;

	switch (e->kind) {
	case E_NUM:
		v->t = V_NUM;
		v->num = e->num;
		return 0;
	case E_STR:
		v->t = V_STR;
		v->str = e->str;
		return 0;
	case E_NULL:
		v->t = V_NULL;
		return 0;
	case E_BOOL:
		v->t = V_BOOL;
		v->b = e->bval;
		return 0;
	case E_FIELD:
		return eval_field(e, rec, strict, v, err);
	case E_CMP:
		if (eval(e->a, rec, strict, &a, err) == -1 || eval(e->b, rec, strict, &b, err) == -1)
			return -1;
		if ((r = compare(e, &a, &b, e->op, err)) == -1)
			return -1;
		break;
	case E_IN:
		if (eval(e->a, rec, strict, &a, err) == -1)
			return -1;
		r = 0;
		for (int i = 0; i < e->nlist && !r; i++) {
			if (eval(e->list[i], rec, strict, &b, err) == -1)
				return -1;
			if (a.t == V_NULL || b.t == V_NULL)
				continue;
			if ((r = compare(e, &a, &b, OP_EQ, err)) == -1)
				return -1;
		}
		break;
	case E_ISNULL:
		if (eval(e->a, rec, strict, &a, err) == -1)
			return -1;
		r = (a.t == V_NULL) != e->neg;
		break;
	case E_AND:
	case E_OR: {
		int x = truth(e->a, rec, strict, err), y;
		if (x == -1)
			return -1;
		if ((e->kind == E_AND && !x) || (e->kind == E_OR && x)) {
			r = x;
			break;
		}
		if ((y = truth(e->b, rec, strict, err)) == -1)
			return -1;
		r = y;
		break;
	}
	case E_NOT:
		if ((r = truth(e->a, rec, strict, err)) == -1)
			return -1;
		r = !r;
		break;
	default:
		return type_error(err, e, "internal: unknown node");
	}
	v->t = V_BOOL;
	v->b = r;
	return 0;
}

int
expr_match(const struct expr *e, const json_t *rec, int strict, struct hk_err *err)
{
	return truth(e, rec, strict, err);
}

void
expr_error_text(const char *text, const struct hk_err *err, struct sbuf *out)
{
	sbuf_addf(out, "%s at column %ld\n  %s\n  %*s^", err->msg, err->col, text,
	    (int)(err->col > 0 ? err->col - 1 : 0), "");
}
