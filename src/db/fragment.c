/* fragment.c - the lexical check of user SQL fragments (--where), one lexer
 * with a switch per engine's quoting (DESIGN §15).
 *
 * A fragment is pasted into a statement as "WHERE (fragment)", so it must be
 * one expression: no ';' and no comment outside quotes, parentheses
 * balanced, every quote closed. That is only true if the lexer ends each
 * quoted run exactly where the engine does: `'\'` is a whole string on
 * PostgreSQL (standard_conforming_strings on) and the start of one on
 * MariaDB; `$$;$$` is a string on PostgreSQL and a ';' between two
 * identifiers elsewhere. Where the engine's rules are not modelled the
 * check refuses rather than guesses (SQLite parameters, every '--').
 *
 * The drivers send each statement alone as well (extended protocol,
 * no CLIENT_MULTI_STATEMENTS, prepare's tail checked): this check is what
 * turns an attempt into a clear error before the server sees it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rowferry/db.h"

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* A character that continues a word (identifier, keyword) on every engine:
 * PostgreSQL, MariaDB and SQLite all accept '$' after the first character,
 * so "a$$b" is one identifier and opens no dollar quote. */
static bool is_word(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '$';
}

/* Just past the quoted run that opens at p (*p is the opening quote), or
 * NULL when it is not closed. backslash: a backslash takes the next byte
 * literally; doubled: two closing quotes in a row stand for one. */
static const char *quoted_end(const char *p, char close, bool backslash, bool doubled)
{
	for (p++; *p; p++) {
		if (backslash && *p == '\\') {
			if (!*++p)
				return NULL;
			continue;
		}
		if (*p != close)
			continue;
		if (doubled && p[1] == close) {
			p++;
			continue;
		}
		return p + 1;
	}
	return NULL;
}

/* PostgreSQL at a '$' (p): sets *end past a dollar-quoted string $tag$...$tag$
 * (the tag may be empty) and returns 1; returns 0 when p opens no dollar
 * quote ($1 is a parameter, a lone '$' a character), -1 when the quote is
 * not closed. */
static int dollar_quote(const char *p, const char **end)
{
	const char *t = p + 1, *close;
	size_t taglen;

	if (is_digit((unsigned char)*t))
		return 0;
	if (is_alpha((unsigned char)*t))
		while (is_alpha((unsigned char)*t) || is_digit((unsigned char)*t))
			t++;
	if (*t != '$')
		return 0;
	taglen = (size_t)(t - p) + 1; /* "$tag$" */
	for (close = t + 1; (close = strchr(close, '$')) != NULL; close++)
		if (strncmp(close, p, taglen) == 0) {
			*end = close + taglen;
			return 1;
		}
	return -1;
}

/* The end of a number at p on PostgreSQL: digits, a fraction, an exponent
 * only when digits follow it. What comes next starts a new token: in
 * "1E'x'" the E prefixes an escape string (before PostgreSQL 15; 15 refuses
 * the junk after the number). */
static const char *pg_number_end(const char *p)
{
	while (is_digit((unsigned char)*p))
		p++;
	if (*p == '.')
		for (p++; is_digit((unsigned char)*p);)
			p++;
	if (*p == 'e' || *p == 'E') {
		const char *e = p + 1;
		if (*e == '+' || *e == '-')
			e++;
		if (is_digit((unsigned char)*e)) {
			while (is_digit((unsigned char)*e))
				e++;
			p = e;
		}
	}
	return p;
}

static int refuse(struct rf_error *err, const char *who, const char *what, const char *problem,
                  const char *sql)
{
	return rf_error_set(err, who, "%s %s: %s", what, problem, sql);
}

int rf_sql_check_fragment(const char *sql, enum rf_sql_dialect d, const char *what, const char *who,
                          struct rf_error *err)
{
	bool pg = d == RF_SQL_POSTGRES || d == RF_SQL_POSTGRES_ESCAPES;
	const char *p = sql, *end;
	int depth = 0;

	if (!sql)
		return 0;
	p += strspn(p, " \t\r\n\f\v");
	if (!*p)
		return rf_error_set(err, who, "%s is empty", what);
	for (p = sql; *p;) {
		unsigned char c = (unsigned char)*p;
		bool backslash = false, doubled = true;
		char close = (char)c;

		if (is_alpha(c) || (!pg && is_digit(c))) {
			end = p;
			while (is_word((unsigned char)*end))
				end++;
			/* PostgreSQL string prefixes: E'..' takes backslash
			 * escapes; B'..' X'..' U&'..' never do */
			if (pg && end == p + 1 && *end == '\'') {
				backslash =
				    c == 'e' || c == 'E' ||
				    (d == RF_SQL_POSTGRES_ESCAPES && !strchr("bBxX", (char)c));
				close = '\'';
				p = end;
				goto quoted;
			}
			if (pg && end == p + 1 && (c == 'u' || c == 'U') && end[0] == '&' &&
			    (end[1] == '\'' || end[1] == '"')) {
				p = end + 1;
				close = *p;
				goto quoted;
			}
			p = end;
			continue;
		}
		if (pg && is_digit(c)) {
			p = pg_number_end(p);
			continue;
		}
		switch (c) {
		case '\'':
			/* MariaDB (sql_mode without NO_BACKSLASH_ESCAPES, as the
			 * driver sets it) and PostgreSQL with
			 * standard_conforming_strings off */
			backslash = d == RF_SQL_MYSQL || d == RF_SQL_POSTGRES_ESCAPES;
			goto quoted;
		case '"': /* a string on MariaDB (no ANSI_QUOTES), else an identifier */
			backslash = d == RF_SQL_MYSQL;
			goto quoted;
		case '`':
			if (pg)
				break; /* an operator character */
			goto quoted;
		case '[':
			if (d != RF_SQL_SQLITE)
				break;
			close = ']';
			doubled = false;
			goto quoted;
		case '$':
			if (pg) {
				int r = dollar_quote(p, &end);
				if (r < 0)
					return refuse(err, who, what,
					              "has an unterminated dollar-quoted string",
					              sql);
				if (r > 0) {
					p = end;
					continue;
				}
				break;
			}
			if (d == RF_SQL_SQLITE)
				goto parameter;
			break;
		case ':':
		case '@':
		case '?':
			if (d == RF_SQL_SQLITE)
				goto parameter;
			break;
		case '#':
			if (d == RF_SQL_SQLITE)
				goto parameter;
			if (d == RF_SQL_MYSQL)
				return refuse(err, who, what, "must not contain comments", sql);
			break;
		case '-':
			if (p[1] == '-')
				return refuse(err, who, what, "must not contain comments", sql);
			break;
		case '/':
			if (p[1] == '*')
				return refuse(err, who, what, "must not contain comments", sql);
			break;
		case ';':
			return refuse(err, who, what, "must be a single expression (found ';')",
			              sql);
		case '(':
			depth++;
			break;
		case ')':
			if (--depth < 0)
				return refuse(err, who, what, "has an unbalanced ')'", sql);
			break;
		default:
			break;
		}
		p++;
		continue;
	quoted:
		if (!(p = quoted_end(p, close, backslash, doubled)))
			return refuse(err, who, what,
			              close == '\'' || (close == '"' && d == RF_SQL_MYSQL)
			                  ? "has an unterminated string"
			                  : "has an unterminated quoted identifier",
			              sql);
		continue;
	parameter:
		/* SQLite reads "$a(...)" and "$a::b" as one parameter name,
		 * quotes included; a fragment binds nothing anyway */
		return refuse(err, who, what, "must not contain parameters ($x, :x, @x, #x, ?)",
		              sql);
	}
	if (depth)
		return refuse(err, who, what, "has an unbalanced '('", sql);
	return 0;
}

int rf_db_check_where(struct rf_db *db, const char *where, struct rf_error *err)
{
	return rf_sql_check_fragment(where, db->ops->dialect(db), "--where", db->name, err);
}

int rf_db_check_exprs(struct rf_db *db, const struct rf_stream_spec *spec, struct rf_error *err)
{
	size_t i;

	for (i = 0; i < spec->nexprs; i++) {
		const char *sql = spec->exprs[i].sql;
		if (!sql)
			return rf_error_set(err, db->name, "sql() is empty");
		if (rf_sql_check_fragment(sql, db->ops->dialect(db), "sql()", db->name, err) != 0)
			return -1;
	}
	return 0;
}

/* The expression parenthesized (it was checked to be one), then an alias
 * of rowferry's own: the user's text never names a select-list item. */
void rf_db_expr_select(struct rf_db *db, const struct rf_stream_expr *x, size_t n, const char *cast,
                       struct rf_buf *out)
{
	char alias[32];

	snprintf(alias, sizeof alias, "rf_sql_%zu", n + 1);
	rf_buf_printf(out, "(%s)%s AS ", x->sql, cast);
	db->ops->quote_ident(db, alias, out);
}
