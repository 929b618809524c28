/* map_parse.c - the expression language of [map] sections (DESIGN §12)
 * into trees (map.h).
 *
 * expr   := null | default | NUMBER | 'text' | "Column" | Column
 *         | name '(' [expr {',' expr}] ')'
 * map()  := map(expr, case {',' case})   case := value ':' result
 *           value := NUMBER | 'text' | word | '*'   (a bare word is text)
 *           result := NUMBER | 'text' | word | null | now()
 * ref()  := ref(TABLE, expr {',' expr})
 * sql()  := sql(any source SQL, parentheses balanced outside quotes)
 *
 * Errors name the file, line and target column; the parser stops at the
 * first one.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rowferry/map.h"
#include "rowferry/regex.h"

static const struct {
	const char *name;
	enum rf_map_fn fn;
	int min, max; /* arguments; max -1: any number */
} builtins[] = {
    {"unixtime", RF_FN_UNIXTIME, 1, 1}, {"unixtime_ms", RF_FN_UNIXTIME_MS, 1, 1},
    {"map", RF_FN_MAP, 2, -1},          {"ref", RF_FN_REF, 2, -1},
    {"json", RF_FN_JSON, 2, 2},         {"trim", RF_FN_TRIM, 1, 1},
    {"lower", RF_FN_LOWER, 1, 1},       {"upper", RF_FN_UPPER, 1, 1},
    {"nullif", RF_FN_NULLIF, 2, 2},     {"coalesce", RF_FN_COALESCE, 1, -1},
    {"concat", RF_FN_CONCAT, 1, -1},    {"strip_nul", RF_FN_STRIP_NUL, 1, 1},
    {"now", RF_FN_NOW, 0, 0},           {"uuid5", RF_FN_UUID5, 1, -1},
    {"check", RF_FN_CHECK, 2, 2},       {"sql", RF_FN_SQL, 1, 1},
};

struct parser {
	const char *p;
	const char *file;
	int line;
	const char *col;
	struct rf_error *err;
};

static int fail(struct parser *ps, const char *fmt, ...) RF_PRINTF(2, 3);

static int fail(struct parser *ps, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return rf_error_set(ps->err, NULL, "%s:%d: column %s: %s", ps->file, ps->line, ps->col,
	                    msg);
}

static void skip_blanks(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool is_word_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_word(unsigned char c)
{
	return is_word_start(c) || isdigit(c) || c == '$';
}

static struct rf_map_expr *node(enum rf_map_node_kind kind, char *text)
{
	struct rf_map_expr *e = rf_xcalloc(1, sizeof *e);

	e->kind = kind;
	e->text = text;
	e->slot = -1;
	return e;
}

void rf_map_expr_free(struct rf_map_expr *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nargs; i++)
		rf_map_expr_free(e->args[i]);
	for (i = 0; i < e->ncases; i++) {
		free(e->cases[i].value);
		rf_map_expr_free(e->cases[i].result);
	}
	if (e->re) {
		regfree(e->re);
		free(e->re);
	}
	free(e->args);
	free(e->cases);
	free(e->text);
	free(e);
}

/* 'text' with '' for a quote, or "name" with "" for a double quote; the
 * opening quote is at ps->p. The unescaped bytes into *out. */
static int quoted(struct parser *ps, char **out)
{
	char q = *ps->p++;
	struct rf_buf b = RF_BUF_INIT;

	for (;;) {
		if (!*ps->p) {
			rf_buf_free(&b);
			return fail(ps, "unterminated %s", q == '\'' ? "string" : "quoted name");
		}
		if (*ps->p == q) {
			if (ps->p[1] != q)
				break;
			ps->p++;
		}
		rf_buf_addc(&b, *ps->p++);
	}
	ps->p++;
	if (!b.data)
		rf_buf_adds(&b, "");
	*out = rf_buf_steal(&b);
	return 0;
}

static char *word(struct parser *ps)
{
	const char *start = ps->p;

	while (is_word((unsigned char)*ps->p))
		ps->p++;
	return rf_xstrndup(start, (size_t)(ps->p - start));
}

/* A number as written: -?digits[.digits] (or .digits). NULL if none. */
static char *number(struct parser *ps)
{
	const char *s = ps->p, *q = s;
	size_t digits = 0;

	if (*q == '-' || *q == '+')
		q++;
	while (isdigit((unsigned char)*q))
		q++, digits++;
	if (*q == '.') {
		q++;
		while (isdigit((unsigned char)*q))
			q++, digits++;
	}
	if (!digits || is_word((unsigned char)*q))
		return NULL;
	ps->p = q;
	return rf_xstrndup(s, (size_t)(q - s));
}

static int expr(struct parser *ps, struct rf_map_expr **out, bool top);

static void add_arg(struct rf_map_expr *e, struct rf_map_expr *a)
{
	e->args = rf_xrealloc(e->args, (e->nargs + 1) * sizeof *e->args);
	e->args[e->nargs++] = a;
}

/* sql( ... ): the raw text up to the ')' that closes it, quotes skipped
 * (the source engine's lexer checks it again when it is used). */
static int sql_text(struct parser *ps, struct rf_map_expr *e)
{
	const char *s = ps->p;
	int depth = 0;

	for (; *ps->p; ps->p++) {
		char c = *ps->p;
		if (c == '\'' || c == '"' || c == '`') {
			const char *q = strchr(ps->p + 1, c);
			if (!q)
				return fail(ps, "sql(): unterminated quote");
			ps->p = q;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (depth-- == 0)
				break;
		} else if (c == ';') {
			return fail(ps, "sql() must be a single expression (found ';')");
		}
	}
	if (*ps->p != ')')
		return fail(ps, "sql(): missing ')'");
	e->text = rf_xstrndup(s, (size_t)(ps->p - s));
	rf_strtrim(e->text);
	ps->p++;
	if (!*e->text)
		return fail(ps, "sql() is empty");
	return 0;
}

/* A value or result of map(): a literal, a bare word taken as text, '*'
 * (value only), null and now() (results only). */
static int map_literal(struct parser *ps, bool result, struct rf_map_expr **out)
{
	char *t;

	skip_blanks(ps);
	*out = NULL;
	if (*ps->p == '\'') {
		if (quoted(ps, &t) != 0)
			return -1;
		*out = node(RF_MAP_TEXT, t);
		return 0;
	}
	if (!result && *ps->p == '*') {
		ps->p++;
		*out = node(RF_MAP_DEFAULT, NULL); /* marks '*' */
		return 0;
	}
	if ((t = number(ps))) {
		*out = node(RF_MAP_NUMBER, t);
		return 0;
	}
	if (!is_word_start((unsigned char)*ps->p))
		return fail(ps, "map(): expected a value at '%.20s'", ps->p);
	t = word(ps);
	if (result && strcasecmp(t, "null") == 0) {
		free(t);
		*out = node(RF_MAP_NULL, NULL);
		return 0;
	}
	if (result && strcasecmp(t, "now") == 0) {
		skip_blanks(ps);
		if (*ps->p == '(') {
			ps->p++;
			skip_blanks(ps);
			if (*ps->p != ')') {
				free(t);
				return fail(ps, "now() takes no arguments");
			}
			ps->p++;
			free(t);
			*out = node(RF_MAP_CALL, NULL);
			(*out)->fn = RF_FN_NOW;
			return 0;
		}
	}
	*out = node(RF_MAP_TEXT, t);
	return 0;
}

static int map_cases(struct parser *ps, struct rf_map_expr *e)
{
	for (;;) {
		struct rf_map_expr *v = NULL, *r = NULL;
		struct rf_map_case *c;

		skip_blanks(ps);
		if (*ps->p == ')')
			break;
		if (*ps->p != ',')
			return fail(ps, "map(): expected ',' or ')' at '%.20s'", ps->p);
		ps->p++;
		if (map_literal(ps, false, &v) != 0)
			return -1;
		skip_blanks(ps);
		if (*ps->p != ':') {
			rf_map_expr_free(v);
			return fail(ps, "map(): expected 'value:result' at '%.20s'", ps->p);
		}
		ps->p++;
		if (map_literal(ps, true, &r) != 0) {
			rf_map_expr_free(v);
			return -1;
		}
		e->cases = rf_xrealloc(e->cases, (e->ncases + 1) * sizeof *e->cases);
		c = &e->cases[e->ncases++];
		c->value = v->kind == RF_MAP_DEFAULT ? NULL : v->text;
		v->text = NULL;
		c->result = r;
		rf_map_expr_free(v);
	}
	if (!e->ncases)
		return fail(ps, "map() needs at least one 'value:result'");
	return 0;
}

static int call(struct parser *ps, char *name, struct rf_map_expr **out)
{
	struct rf_map_expr *e = node(RF_MAP_CALL, NULL);
	size_t i, nb = sizeof builtins / sizeof builtins[0];
	int rc = -1;

	*out = e;
	for (i = 0; i < nb; i++)
		if (strcasecmp(builtins[i].name, name) == 0)
			break;
	if (i == nb) {
		fail(ps, "unknown function '%s'", name);
		goto out;
	}
	e->fn = builtins[i].fn;
	ps->p++; /* '(' */
	if (e->fn == RF_FN_SQL) {
		rc = sql_text(ps, e);
		goto out;
	}
	skip_blanks(ps);
	if (e->fn == RF_FN_REF) {
		if (*ps->p == '"') {
			if (quoted(ps, &e->text) != 0)
				goto out;
		} else if (is_word_start((unsigned char)*ps->p)) {
			e->text = word(ps);
			while (*ps->p == '.' && is_word_start((unsigned char)ps->p[1])) {
				char *rest, *full;
				ps->p++;
				rest = word(ps);
				full = rf_xasprintf("%s.%s", e->text, rest);
				free(rest);
				free(e->text);
				e->text = full;
			}
		} else {
			fail(ps, "ref() needs a table name first");
			goto out;
		}
		skip_blanks(ps);
		if (*ps->p == ',')
			ps->p++;
	}
	skip_blanks(ps);
	if (*ps->p != ')' || e->fn == RF_FN_REF) {
		for (;;) {
			struct rf_map_expr *a;
			if (expr(ps, &a, false) != 0) {
				rf_map_expr_free(a);
				goto out;
			}
			add_arg(e, a);
			skip_blanks(ps);
			if (e->fn == RF_FN_MAP)
				break;
			if (*ps->p != ',')
				break;
			ps->p++;
		}
	}
	if (e->fn == RF_FN_MAP) {
		if (map_cases(ps, e) != 0)
			goto out;
	}
	skip_blanks(ps);
	if (*ps->p != ')') {
		fail(ps, "%s(): expected ',' or ')' at '%.20s'", builtins[i].name, ps->p);
		goto out;
	}
	ps->p++;
	{
		size_t n = e->nargs + (e->fn == RF_FN_REF) + e->ncases;
		int min = builtins[i].min, max = builtins[i].max;
		if ((int)n < min || (max >= 0 && (int)n > max)) {
			if (min == max)
				fail(ps, "%s() takes %d argument%s, not %zu", builtins[i].name, min,
				     min == 1 ? "" : "s", n);
			else
				fail(ps, "%s() takes at least %d arguments, not %zu",
				     builtins[i].name, min, n);
			goto out;
		}
	}
	if (e->fn == RF_FN_JSON || e->fn == RF_FN_CHECK) {
		const struct rf_map_expr *lit = e->args[1];
		if (lit->kind != RF_MAP_TEXT) {
			fail(ps, "%s(): the second argument must be a 'quoted' %s",
			     builtins[i].name, e->fn == RF_FN_JSON ? "path" : "regular expression");
			goto out;
		}
		if (e->fn == RF_FN_JSON && lit->text[0] != '$') {
			fail(ps, "json(): the path must start with '$' ('$.a.b', '$.items[0]')");
			goto out;
		}
	}
	if (e->fn == RF_FN_CHECK) {
		char msg[256];
		e->re = rf_xmalloc(sizeof *e->re);
		if (rf_regex_compile(e->re, e->args[1]->text, REG_NOSUB, msg, sizeof msg) != 0) {
			free(e->re);
			e->re = NULL;
			fail(ps, "check(): bad regular expression '%s': %s", e->args[1]->text, msg);
			goto out;
		}
	}
	rc = 0;
out:
	free(name);
	return rc;
}

static int expr(struct parser *ps, struct rf_map_expr **out, bool top)
{
	char *t;

	*out = NULL;
	skip_blanks(ps);
	if (*ps->p == '\'') {
		if (quoted(ps, &t) != 0)
			return -1;
		*out = node(RF_MAP_TEXT, t);
		return 0;
	}
	if (*ps->p == '"') {
		if (quoted(ps, &t) != 0)
			return -1;
		*out = node(RF_MAP_COLUMN, t);
		return 0;
	}
	if ((t = number(ps))) {
		*out = node(RF_MAP_NUMBER, t);
		return 0;
	}
	if (!is_word_start((unsigned char)*ps->p)) {
		if (!*ps->p)
			return fail(ps, "expression expected");
		return fail(ps, "unexpected '%c'", *ps->p);
	}
	t = word(ps);
	skip_blanks(ps);
	if (*ps->p == '(')
		return call(ps, t, out);
	if (strcasecmp(t, "null") == 0) {
		free(t);
		*out = node(RF_MAP_NULL, NULL);
		return 0;
	}
	if (strcasecmp(t, "default") == 0) {
		free(t);
		if (!top)
			return fail(ps, "default stands alone (the target fills the column)");
		*out = node(RF_MAP_DEFAULT, NULL);
		return 0;
	}
	*out = node(RF_MAP_COLUMN, t);
	return 0;
}

int rf_map_parse_expr(const char *text, const char *file, int line, const char *col,
                      struct rf_map_expr **out, struct rf_error *err)
{
	struct parser ps = {text, file ? file : "map", line, col, err};
	struct rf_map_expr *e = NULL;

	*out = NULL;
	if (expr(&ps, &e, true) != 0)
		goto fail;
	skip_blanks(&ps);
	if (*ps.p) {
		if (e->kind == RF_MAP_COLUMN && is_word_start((unsigned char)*ps.p))
			fail(&ps, "bare words '%s %.20s': quote text ('...') or name one column",
			     e->text, ps.p);
		else
			fail(&ps, "unexpected text after the expression: '%.20s'", ps.p);
		goto fail;
	}
	*out = e;
	return 0;
fail:
	rf_map_expr_free(e);
	return -1;
}
