/* sqlite_value.c - canonical values -> what SQLite stores (DESIGN §2).
 *
 * One conversion serves both exec() (bound, sq_bind_param) and
 * quote_literal() (the preview, sq_quote_literal), so the preview shows
 * exactly what apply writes.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlite_internal.h"

enum engine_kind { ENGINE_TEXT, ENGINE_INT, ENGINE_FLOAT, ENGINE_BLOB };

struct engine_value {
	enum engine_kind kind;
	sqlite3_int64 i;
	double d;
	struct rf_buf bytes; /* TEXT and BLOB */
};

static bool cell_is(const struct rf_cell *v, const char *s)
{
	return v->len == strlen(s) && strncasecmp(v->data, s, v->len) == 0;
}

static bool parse_int64(const struct rf_cell *v, sqlite3_int64 *out)
{
	char buf[32];
	char *end;
	long long n;

	if (v->len == 0 || v->len >= sizeof buf)
		return false;
	memcpy(buf, v->data, v->len);
	buf[v->len] = '\0';
	if (!(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
		return false;
	errno = 0;
	n = strtoll(buf, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

/* -?digits[.digits][e[+-]digits]: safe to write unquoted in SQL. */
static bool looks_numeric(const struct rf_cell *v)
{
	size_t i = 0, digits = 0;
	const char *s = v->data;

	if (i < v->len && s[i] == '-')
		i++;
	for (; i < v->len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < v->len && s[i] == '.')
		for (i++; i < v->len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits)
		return false;
	if (i < v->len && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp = 0;
		i++;
		if (i < v->len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < v->len && s[i] >= '0' && s[i] <= '9'; i++)
			exp++;
		if (!exp)
			return false;
	}
	return i == v->len;
}

static bool hex_decode(const struct rf_cell *v, struct rf_buf *out)
{
	size_t i;
	if (v->len % 2)
		return false;
	for (i = 0; i < v->len; i += 2) {
		int hi = rf_hex_digit(v->data[i]), lo = rf_hex_digit(v->data[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		rf_buf_addc(out, (char)(hi << 4 | lo));
	}
	return true;
}

/* Canonical times carry 'T' and six fractional digits; SQLite's own
 * functions (CURRENT_TIMESTAMP, datetime()) write "YYYY-MM-DD HH:MM:SS".
 * Writing that form keeps copied rows indistinguishable from native ones,
 * and string comparisons in the application's queries working. */
static void add_sqlite_time(struct rf_buf *out, enum rf_type_class c, const struct rf_cell *v)
{
	size_t start = out->len, frac, end, i;

	rf_buf_add(out, v->data, v->len);
	if (c != RF_T_TIME && out->len > 10 + start && out->data[start + 10] == 'T')
		out->data[start + 10] = ' ';
	frac = start + (c == RF_T_TIME ? 8 : 19);
	if (frac >= out->len || out->data[frac] != '.')
		return;
	for (end = frac + 1; end < out->len && out->data[end] >= '0' && out->data[end] <= '9';)
		end++;
	i = end;
	while (i > frac + 1 && out->data[i - 1] == '0')
		i--;
	if (i == frac + 1)
		i = frac; /* ".000000": drop the point too */
	memmove(out->data + i, out->data + end, out->len - end);
	out->len -= end - i;
	out->data[out->len] = '\0';
}

/* Fills ev (ev->bytes must be empty) with the value SQLite should store for
 * canonical value v of class c. Never fails: what does not parse as its
 * class is stored as the text it is. v must not be NULL. */
static void engine_value(enum rf_type_class c, const struct rf_cell *v, struct engine_value *ev)
{
	ev->kind = ENGINE_TEXT;
	switch (c) {
	case RF_T_INTEGER:
		if (parse_int64(v, &ev->i)) {
			ev->kind = ENGINE_INT;
			return;
		}
		break;
	case RF_T_BOOLEAN:
		if (cell_is(v, "true") || cell_is(v, "t") || cell_is(v, "1") || cell_is(v, "yes") ||
		    cell_is(v, "on")) {
			ev->kind = ENGINE_INT;
			ev->i = 1;
			return;
		}
		if (cell_is(v, "false") || cell_is(v, "f") || cell_is(v, "0") || cell_is(v, "no") ||
		    cell_is(v, "off")) {
			ev->kind = ENGINE_INT;
			ev->i = 0;
			return;
		}
		break;
	case RF_T_FLOAT:
		if (cell_is(v, "Infinity") || cell_is(v, "-Infinity")) {
			ev->kind = ENGINE_FLOAT;
			ev->d = v->data[0] == '-' ? -HUGE_VAL : HUGE_VAL;
			return;
		}
		break;
	case RF_T_BYTES:
		if (hex_decode(v, &ev->bytes)) {
			ev->kind = ENGINE_BLOB;
			return;
		}
		rf_buf_reset(&ev->bytes);
		break;
	case RF_T_TIME:
	case RF_T_TIMESTAMP:
	case RF_T_TIMESTAMPTZ:
		add_sqlite_time(&ev->bytes, c, v);
		return;
	default:
		break;
	}
	/* decimals and floats stay text: the column's NUMERIC/REAL affinity
	 * converts them, and a TEXT column keeps every digit */
	rf_buf_add(&ev->bytes, v->data, v->len);
}

void sq_quote_literal(struct rf_db *db, enum rf_type_class c, const struct rf_cell *v,
                      struct rf_buf *out)
{
	struct engine_value ev = {ENGINE_TEXT, 0, 0.0, RF_BUF_INIT};
	size_t i;
	(void)db;

	if (v->is_null) {
		rf_buf_adds(out, "NULL");
		return;
	}
	engine_value(c, v, &ev);
	switch (ev.kind) {
	case ENGINE_INT:
		rf_buf_printf(out, "%lld", (long long)ev.i);
		break;
	case ENGINE_FLOAT:
		rf_buf_adds(out, ev.d < 0 ? "-9e999" : "9e999"); /* SQLite's infinity */
		break;
	case ENGINE_BLOB:
		rf_buf_adds(out, "X'");
		rf_buf_addhex(out, (const unsigned char *)ev.bytes.data, ev.bytes.len);
		rf_buf_addc(out, '\'');
		break;
	case ENGINE_TEXT:
		if ((c == RF_T_INTEGER || c == RF_T_DECIMAL || c == RF_T_FLOAT) &&
		    looks_numeric(v)) {
			rf_buf_add(out, ev.bytes.data, ev.bytes.len);
		} else if (memchr(ev.bytes.data ? ev.bytes.data : "", '\0', ev.bytes.len)) {
			/* SQL text ends at a NUL byte; spell such text as a blob */
			rf_buf_adds(out, "CAST(X'");
			rf_buf_addhex(out, (const unsigned char *)ev.bytes.data, ev.bytes.len);
			rf_buf_adds(out, "' AS TEXT)");
		} else {
			rf_buf_addc(out, '\'');
			for (i = 0; i < ev.bytes.len; i++) {
				if (ev.bytes.data[i] == '\'')
					rf_buf_addc(out, '\'');
				rf_buf_addc(out, ev.bytes.data[i]);
			}
			rf_buf_addc(out, '\'');
		}
		break;
	}
	rf_buf_free(&ev.bytes);
}

int sq_bind_param(struct sqlite_db *db, sqlite3_stmt *st, int n, const struct rf_param *p,
                  struct rf_error *err)
{
	struct engine_value ev = {ENGINE_TEXT, 0, 0.0, RF_BUF_INIT};
	int rc;

	if (p->value.is_null)
		return sqlite3_bind_null(st, n) == SQLITE_OK ? 0 : sq_fail(db, err, "bind");
	engine_value(p->tclass, &p->value, &ev);
	switch (ev.kind) {
	case ENGINE_INT:
		rc = sqlite3_bind_int64(st, n, ev.i);
		break;
	case ENGINE_FLOAT:
		rc = sqlite3_bind_double(st, n, ev.d);
		break;
	case ENGINE_BLOB:
		rc = sqlite3_bind_blob64(st, n, ev.bytes.len ? ev.bytes.data : "", ev.bytes.len,
		                         SQLITE_TRANSIENT);
		break;
	default:
		rc = sqlite3_bind_text64(st, n, ev.bytes.len ? ev.bytes.data : "", ev.bytes.len,
		                         SQLITE_TRANSIENT, SQLITE_UTF8);
		break;
	}
	rf_buf_free(&ev.bytes);
	return rc == SQLITE_OK ? 0 : sq_fail(db, err, "bind");
}
