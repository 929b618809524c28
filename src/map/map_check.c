/* map_check.c - a mapped value into the target column's canonical form,
 * or the reason the row is invalid (DESIGN §12, "validation before any
 * write"). Nothing is rounded or cut: a value that the target would store
 * differently from what the mapping produced is refused with a reason. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rowferry/map.h"

/* The numbers in parentheses of a declared type: "numeric(12,2)" -> 12, 2;
 * "varchar(40)" -> 40. Returns how many were found (0..2). */
static int type_args(const char *decl, long *a, long *b)
{
	const char *p = decl ? strchr(decl, '(') : NULL;
	char *end;

	if (!p)
		return 0;
	*a = strtol(p + 1, &end, 10);
	if (end == p + 1)
		return 0;
	if (*end != ',')
		return 1;
	p = end + 1;
	*b = strtol(p, &end, 10);
	return end == p ? 1 : 2;
}

/* Whether decl holds word (lower-case) as a whole word, any case. Called
 * per value: the first letter is tested before the rest. */
static bool decl_has(const char *decl, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = decl; p && *p; p++)
		if (tolower((unsigned char)*p) == *word && strncasecmp(p, word, n) == 0 &&
		    (p == decl || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]))
			return true;
	return false;
}

/* The range of an integer column from its declared type; a 64-bit range
 * when the type does not say. */
static void int_range(const char *decl, long long *lo, unsigned long long *hi)
{
	bool unsig = decl_has(decl, "unsigned");
	int bits = 64;

	if (decl_has(decl, "tinyint"))
		bits = 8;
	else if (decl_has(decl, "smallint") || decl_has(decl, "int2"))
		bits = 16;
	else if (decl_has(decl, "mediumint"))
		bits = 24;
	else if (decl_has(decl, "int") || decl_has(decl, "integer") || decl_has(decl, "int4"))
		bits = 32;
	/* SQLite's INTEGER is 64-bit whatever it is called */
	if (decl && strcmp(decl, "INTEGER") == 0)
		bits = 64;
	if (unsig) {
		*lo = 0;
		*hi = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	} else {
		*lo = bits == 64 ? (-9223372036854775807LL - 1) : -(1LL << (bits - 1));
		*hi = bits == 64 ? 9223372036854775807ULL : (1ULL << (bits - 1)) - 1;
	}
}

static int check_integer(const struct rf_column *col, const char *canon, struct rf_buf *reason)
{
	long long lo;
	unsigned long long hi;
	bool neg = canon[0] == '-';
	char *end;

	int_range(col->decl_type, &lo, &hi);
	errno = 0;
	if (neg) {
		long long v = strtoll(canon, &end, 10);
		if (errno == 0 && v >= lo)
			return 0;
	} else {
		unsigned long long v = strtoull(canon, &end, 10);
		if (errno == 0 && v <= hi)
			return 0;
	}
	rf_buf_printf(reason, "%s is out of range for %s", canon, col->decl_type);
	return 1;
}

/* Digits before and after the point of a canonical decimal. */
static int check_decimal(const struct rf_column *col, const char *canon, struct rf_buf *reason)
{
	long prec = 0, scale = 0;
	int n = type_args(col->decl_type, &prec, &scale);
	const char *p = canon + (canon[0] == '-'), *dot = strchr(p, '.');
	size_t before = dot ? (size_t)(dot - p) : strlen(p), after = dot ? strlen(dot + 1) : 0;

	if (n == 0)
		return 0;
	if (n == 1)
		scale = 0;
	if (before == 1 && p[0] == '0')
		before = 0;
	if ((long)after > scale) {
		rf_buf_printf(reason,
		              "%s has more than %ld decimal places (%s); it would be rounded",
		              canon, scale, col->decl_type);
		return 1;
	}
	if ((long)before > prec - scale) {
		rf_buf_printf(reason, "%s does not fit %s", canon, col->decl_type);
		return 1;
	}
	return 0;
}

/* Characters (UTF-8 sequences) of text within a declared length. */
static int check_text(const struct rf_column *col, const char *p, size_t len, struct rf_buf *reason)
{
	long max = 0, unused = 0;
	size_t i, chars = 0;

	if (memchr(p, '\0', len)) {
		rf_buf_adds(reason, "text holds a NUL byte (strip_nul() removes them)");
		return 1;
	}
	if ((decl_has(col->decl_type, "char") || decl_has(col->decl_type, "varchar") ||
	     decl_has(col->decl_type, "varying")) &&
	    type_args(col->decl_type, &max, &unused) >= 1) {
		for (i = 0; i < len; i++)
			if (((unsigned char)p[i] & 0xc0) != 0x80)
				chars++;
		if ((long)chars > max) {
			rf_buf_printf(reason, "%zu characters, longer than %s", chars,
			              col->decl_type);
			return 1;
		}
	}
	return 0;
}

static const char *class_noun(enum rf_type_class c)
{
	switch (c) {
	case RF_T_INTEGER:
		return "an integer";
	case RF_T_DECIMAL:
	case RF_T_FLOAT:
		return "a number";
	case RF_T_BOOLEAN:
		return "a boolean";
	case RF_T_DATE:
		return "a date";
	case RF_T_TIME:
		return "a time";
	case RF_T_TIMESTAMP:
	case RF_T_TIMESTAMPTZ:
		return "a timestamp";
	case RF_T_JSON:
		return "JSON";
	case RF_T_UUID:
		return "a UUID";
	default:
		return "a value of its type";
	}
}

int rf_map_convert(const struct rf_column *col, const struct rf_map_value *v, struct rf_buf *out,
                   struct rf_buf *reason)
{
	struct rf_cell in = {v->buf.data, v->buf.len, false};
	enum rf_type_class t = col->tclass;
	char tmp[40];

	rf_buf_reset(out);
	rf_buf_reset(reason);
	if (v->is_default)
		return 0;
	if (v->is_null) {
		if (col->nullable)
			return 0;
		rf_buf_adds(reason, "NULL in a NOT NULL column");
		return 1;
	}
	/* bytes are canonical already (hex): canonicalizing them again as
	 * bytes would hex the hex digits */
	if (v->cls == RF_T_BYTES && t == RF_T_BYTES) {
		rf_buf_add(out, v->buf.data ? v->buf.data : "", v->buf.len);
		if (!out->data)
			rf_buf_adds(out, "");
		return 0;
	}
	/* an instant into a column without zone, or a date: its UTC reading */
	if (v->cls == RF_T_TIMESTAMPTZ && (t == RF_T_TIMESTAMP || t == RF_T_DATE) &&
	    v->buf.len > 10) {
		in.len = t == RF_T_DATE ? 10 : v->buf.len - 1;
	} else if (v->cls == RF_T_BOOLEAN && t == RF_T_INTEGER) {
		snprintf(tmp, sizeof tmp, "%d", strcmp(v->buf.data, "true") == 0);
		in.data = tmp;
		in.len = strlen(tmp);
	}
	if (rf_value_canon(t, &in, NULL, out) != 0) {
		rf_buf_reset(out);
		rf_buf_printf(reason, "'%.*s' is not %s", (int)(in.len > 60 ? 60 : in.len), in.data,
		              class_noun(t));
		return 1;
	}
	switch (t) {
	case RF_T_INTEGER:
		return check_integer(col, out->data, reason);
	case RF_T_DECIMAL:
		return check_decimal(col, out->data, reason);
	case RF_T_TEXT:
		return check_text(col, out->data, out->len, reason);
	default:
		return 0;
	}
}
