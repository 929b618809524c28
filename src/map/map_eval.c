/* map_eval.c - evaluation of map expressions on a source row (DESIGN §12).
 *
 * Every built-in runs here, in rowferry, on canonical values (value.h), so
 * a mapping gives the same result whatever engine the row came from: the
 * case functions and trim work on ASCII only (as the canonical forms do),
 * unixtime() is plain arithmetic on the proleptic Gregorian calendar, and
 * uuid5() is RFC 4122 over OpenSSL's SHA-1.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rowferry/map.h"
#include "rowferry/uuid.h"

void rf_map_value_free(struct rf_map_value *v)
{
	rf_buf_free(&v->buf);
	memset(v, 0, sizeof *v);
}

static void value_init(struct rf_map_value *v)
{
	memset(v, 0, sizeof *v);
	v->cls = RF_T_TEXT;
}

static void set_text(struct rf_map_value *v, enum rf_type_class cls, const char *p, size_t n)
{
	rf_buf_reset(&v->buf);
	rf_buf_add(&v->buf, p, n);
	if (!v->buf.data)
		rf_buf_adds(&v->buf, "");
	v->cls = cls;
	v->is_null = false;
	v->is_default = false;
}

void rf_map_row_init(struct rf_map_row *r)
{
	memset(r, 0, sizeof *r);
	memcpy(r->namespace_id, rf_uuid_url_namespace, sizeof r->namespace_id);
}

/* Civil date of a day count since 1970-01-01 (Howard Hinnant's
 * civil_from_days): exact for every year, no time_t or time zone. */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	*y = yoe + era * 400;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	if (*m <= 2)
		(*y)++;
}

/* unixtime(c) / unixtime_ms(c): a number of seconds (or milliseconds)
 * since 1970-01-01 UTC, fractions kept to the microsecond, into a
 * canonical timestamptz. 0 or 1 with reason. */
static int unixtime(const struct rf_map_value *in, long long unit_us, struct rf_map_value *out,
                    struct rf_buf *reason)
{
	/* 0001-01-01 .. 9999-12-31 23:59:59.999999 in microseconds */
	static const long long min_us = -62135596800LL * 1000000;
	static const long long max_us = 253402300800LL * 1000000 - 1;
	const char *p = in->buf.data;
	struct rf_buf canon = RF_BUF_INIT;
	struct rf_cell c = {p, in->buf.len, false};
	long long whole = 0, frac = 0, scale = 1, us, days, secs, y;
	bool neg = false, big = false;
	int m, d, rc = 1;
	char text[128];

	if (rf_value_canon(RF_T_DECIMAL, &c, NULL, &canon) != 0) {
		rf_buf_printf(reason, "'%s' is not a number of %s", p,
		              unit_us == 1000 ? "milliseconds" : "seconds");
		goto out;
	}
	p = canon.data;
	if (*p == '-')
		neg = true, p++;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > 1000000000000000LL)
			big = true;
		else
			whole = whole * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			if (scale < 1000000000000LL)
				frac = frac * 10 + (*p - '0'), scale *= 10;
	if (big || whole > max_us / unit_us + 1)
		goto range;
	/* microseconds, the fraction below one microsecond dropped (a unix
	 * time has no finer instants than the target's timestamptz) */
	us = whole * unit_us + frac * unit_us / scale;
	if (neg)
		us = -us;
	if (us < min_us || us > max_us)
		goto range;
	secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	civil_from_days(days, &y, &m, &d);
	secs -= days * 86400;
	snprintf(text, sizeof text, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%06lldZ", y, m, d,
	         secs / 3600, secs / 60 % 60, secs % 60, us - (days * 86400 + secs) * 1000000);
	set_text(out, RF_T_TIMESTAMPTZ, text, strlen(text));
	rc = 0;
	goto out;
range:
	rf_buf_printf(reason, "%s %s is outside years 1..9999", in->buf.data,
	              unit_us == 1000 ? "ms" : "s");
out:
	rf_buf_free(&canon);
	return rc;
}

/* json(c, '$.a.b[0]'): the value at the path; a JSON string comes out as
 * text, anything else as canonical JSON, a missing path as NULL. */
static int json_path(const struct rf_map_value *in, const char *path, struct rf_map_value *out,
                     struct rf_buf *reason)
{
	json_error_t jerr;
	json_t *root =
	           json_loadb(in->buf.data, in->buf.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr),
	       *at;
	const char *p = path + 1;
	int rc = 1;

	if (!root) {
		rf_buf_printf(reason, "json(): not JSON: %s", jerr.text);
		return 1;
	}
	at = root;
	while (*p && at) {
		if (*p == '.') {
			size_t n = strcspn(++p, ".[");
			char *key = rf_xstrndup(p, n);
			at = json_is_object(at) ? json_object_get(at, key) : NULL;
			free(key);
			p += n;
		} else if (*p == '[') {
			char *end;
			long i = strtol(p + 1, &end, 10);
			if (*end != ']' || i < 0) {
				rf_buf_printf(reason, "json(): bad path '%s'", path);
				goto out;
			}
			at = json_is_array(at) ? json_array_get(at, (size_t)i) : NULL;
			p = end + 1;
		} else {
			rf_buf_printf(reason, "json(): bad path '%s'", path);
			goto out;
		}
	}
	if (!at || json_is_null(at)) {
		out->is_null = true;
	} else if (json_is_string(at)) {
		set_text(out, RF_T_TEXT, json_string_value(at), json_string_length(at));
	} else {
		char *s = json_dumps(at, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		struct rf_cell c = {s, strlen(s), false};
		rf_buf_reset(&out->buf);
		rf_value_canon(RF_T_JSON, &c, NULL, &out->buf);
		out->cls = RF_T_JSON;
		out->is_null = false;
		free(s);
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* The canonical form of literal text as class cls (its own bytes when it
 * is not of that class), for comparing with a value of that class. */
static void literal_as(enum rf_type_class cls, const char *text, struct rf_buf *out)
{
	struct rf_cell c = {text, strlen(text), false};

	rf_buf_reset(out);
	if (cls == RF_T_TEXT || cls == RF_T_OTHER || rf_value_canon(cls, &c, NULL, out) != 0) {
		rf_buf_reset(out);
		rf_buf_adds(out, text);
	}
}

static bool value_equal(const struct rf_map_value *a, const struct rf_map_value *b)
{
	return a->buf.len == b->buf.len && memcmp(a->buf.data, b->buf.data, a->buf.len) == 0;
}

static int eval(const struct rf_map_expr *e, const struct rf_map_row *row, struct rf_map_value *out,
                struct rf_buf *reason, struct rf_error *err);

static int map_cases(const struct rf_map_expr *e, const struct rf_map_row *row,
                     struct rf_map_value *out, struct rf_buf *reason, struct rf_error *err)
{
	struct rf_map_value in;
	struct rf_buf lit = RF_BUF_INIT;
	const struct rf_map_case *hit = NULL;
	size_t i;
	int rc;

	value_init(&in);
	rc = eval(e->args[0], row, &in, reason, err);
	if (rc != 0)
		goto out;
	if (in.is_null) {
		out->is_null = true;
		goto out;
	}
	for (i = 0; i < e->ncases && !hit; i++) {
		if (!e->cases[i].value)
			continue;
		literal_as(in.cls, e->cases[i].value, &lit);
		if (lit.len == in.buf.len && memcmp(lit.data, in.buf.data, lit.len) == 0)
			hit = &e->cases[i];
	}
	for (i = 0; i < e->ncases && !hit; i++)
		if (!e->cases[i].value)
			hit = &e->cases[i];
	if (!hit) {
		rf_buf_printf(reason, "unmapped value '%s' in map()", in.buf.data);
		rc = 1;
		goto out;
	}
	rc = eval(hit->result, row, out, reason, err);
out:
	rf_buf_free(&lit);
	rf_map_value_free(&in);
	return rc;
}

/* Text functions take any value's canonical text; the result is text. */
static void text_fn(enum rf_map_fn fn, struct rf_map_value *v)
{
	char *p = v->buf.data;
	size_t n = v->buf.len, i, j;

	switch (fn) {
	case RF_FN_TRIM:
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		for (i = 0; i < n && isspace((unsigned char)p[i]); i++)
			;
		memmove(p, p + i, n - i);
		v->buf.len = n - i;
		break;
	case RF_FN_LOWER:
	case RF_FN_UPPER:
		for (i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x80)
				p[i] = (char)(fn == RF_FN_LOWER ? tolower((unsigned char)p[i])
				                                : toupper((unsigned char)p[i]));
		break;
	default: /* RF_FN_STRIP_NUL */
		for (i = j = 0; i < n; i++)
			if (p[i])
				p[j++] = p[i];
		v->buf.len = j;
		break;
	}
	v->buf.data[v->buf.len] = '\0';
	v->cls = RF_T_TEXT;
}

/* ref(TABLE, c...): the arguments evaluated, then the row's resolver; a
 * NULL argument is a NULL reference. */
static int ref(const struct rf_map_expr *e, const struct rf_map_row *row, struct rf_map_value *out,
               struct rf_buf *reason, struct rf_error *err)
{
	struct rf_map_value *keys;
	size_t i, n = 0;
	int rc = 0;

	if (!row->ref)
		return rf_error_set(err, "map",
		                    "ref(%s, ...): needs the row-graph copy, not available yet",
		                    e->text);
	keys = rf_xcalloc(e->nargs + 1, sizeof *keys);
	for (; n < e->nargs && rc == 0; n++) {
		value_init(&keys[n]);
		rc = eval(e->args[n], row, &keys[n], reason, err);
		if (rc == 0 && keys[n].is_null)
			out->is_null = true;
	}
	if (rc == 0 && !out->is_null)
		rc = row->ref(row->ref_ctx, e, keys, e->nargs, out, reason, err);
	for (i = 0; i < n; i++)
		rf_map_value_free(&keys[i]);
	free(keys);
	return rc;
}

static int call(const struct rf_map_expr *e, const struct rf_map_row *row, struct rf_map_value *out,
                struct rf_buf *reason, struct rf_error *err)
{
	struct rf_map_value a, b;
	struct rf_buf name = RF_BUF_INIT;
	size_t i;
	int rc = 0;

	value_init(&a);
	value_init(&b);
	switch (e->fn) {
	case RF_FN_NOW:
		if (!row->now) {
			rc = rf_error_set(err, "map", "now(): no time given");
			break;
		}
		set_text(out, RF_T_TIMESTAMPTZ, row->now, strlen(row->now));
		break;
	case RF_FN_MAP:
		rc = map_cases(e, row, out, reason, err);
		break;
	case RF_FN_REF:
		rc = ref(e, row, out, reason, err);
		break;
	case RF_FN_UNIXTIME:
	case RF_FN_UNIXTIME_MS:
	case RF_FN_JSON:
	case RF_FN_TRIM:
	case RF_FN_LOWER:
	case RF_FN_UPPER:
	case RF_FN_STRIP_NUL:
	case RF_FN_CHECK:
		rc = eval(e->args[0], row, &a, reason, err);
		if (rc != 0)
			break;
		if (a.is_null) {
			out->is_null = true;
			break;
		}
		if (e->fn == RF_FN_UNIXTIME || e->fn == RF_FN_UNIXTIME_MS) {
			rc = unixtime(&a, e->fn == RF_FN_UNIXTIME ? 1000000 : 1000, out, reason);
		} else if (e->fn == RF_FN_JSON) {
			rc = json_path(&a, e->args[1]->text, out, reason);
		} else if (e->fn == RF_FN_CHECK) {
			/* regexec stops at a NUL: such text cannot pass a check */
			if (memchr(a.buf.data, '\0', a.buf.len) ||
			    regexec(e->re, a.buf.data, 0, NULL, 0) != 0) {
				rf_buf_printf(reason, "'%s' fails check '%s'", a.buf.data,
				              e->args[1]->text);
				rc = 1;
				break;
			}
			set_text(out, a.cls, a.buf.data, a.buf.len);
		} else {
			text_fn(e->fn, &a);
			set_text(out, RF_T_TEXT, a.buf.data, a.buf.len);
		}
		break;
	case RF_FN_NULLIF:
		rc = eval(e->args[0], row, &a, reason, err);
		if (rc == 0)
			rc = eval(e->args[1], row, &b, reason, err);
		if (rc != 0)
			break;
		if (a.is_null || (!b.is_null && value_equal(&a, &b)))
			out->is_null = true;
		else
			set_text(out, a.cls, a.buf.data, a.buf.len);
		break;
	case RF_FN_COALESCE:
		out->is_null = true;
		for (i = 0; i < e->nargs && out->is_null && rc == 0; i++) {
			rf_map_value_free(&a);
			value_init(&a);
			rc = eval(e->args[i], row, &a, reason, err);
			if (rc == 0 && !a.is_null)
				set_text(out, a.cls, a.buf.data, a.buf.len);
		}
		break;
	case RF_FN_CONCAT:
	case RF_FN_UUID5:
		/* concat: NULLs count as '' (as PostgreSQL's concat()); uuid5:
		 * the arguments joined with ':', NULL if any is NULL */
		rf_buf_adds(&name, "");
		for (i = 0; i < e->nargs && rc == 0; i++) {
			rf_map_value_free(&a);
			value_init(&a);
			rc = eval(e->args[i], row, &a, reason, err);
			if (rc != 0)
				break;
			if (a.is_null && e->fn == RF_FN_UUID5) {
				out->is_null = true;
				break;
			}
			if (i && e->fn == RF_FN_UUID5)
				rf_buf_addc(&name, ':');
			if (!a.is_null)
				rf_buf_add(&name, a.buf.data, a.buf.len);
		}
		if (rc != 0 || out->is_null)
			break;
		if (e->fn == RF_FN_CONCAT) {
			set_text(out, RF_T_TEXT, name.data, name.len);
		} else {
			rf_buf_reset(&out->buf);
			rf_uuid5(row->namespace_id, name.data, name.len, &out->buf);
			out->cls = RF_T_UUID;
		}
		break;
	case RF_FN_SQL:
		rc =
		    rf_error_set(err, "map", "sql(%s) was not bound to the source stream", e->text);
		break;
	}
	rf_buf_free(&name);
	rf_map_value_free(&a);
	rf_map_value_free(&b);
	return rc;
}

static int eval(const struct rf_map_expr *e, const struct rf_map_row *row, struct rf_map_value *out,
                struct rf_buf *reason, struct rf_error *err)
{
	const struct rf_cell *c;

	out->is_null = false;
	out->is_default = false;
	switch (e->kind) {
	case RF_MAP_NULL:
		out->is_null = true;
		return 0;
	case RF_MAP_DEFAULT:
		out->is_default = true;
		return 0;
	case RF_MAP_TEXT:
		set_text(out, RF_T_TEXT, e->text, strlen(e->text));
		return 0;
	case RF_MAP_NUMBER: {
		struct rf_cell n = {e->text, strlen(e->text), false};
		rf_buf_reset(&out->buf);
		rf_value_canon(RF_T_DECIMAL, &n, NULL, &out->buf);
		out->cls = strchr(out->buf.data, '.') ? RF_T_DECIMAL : RF_T_INTEGER;
		return 0;
	}
	case RF_MAP_COLUMN:
		if (e->slot < 0 || (size_t)e->slot >= row->ncols)
			return rf_error_set(err, "map", "column %s was not bound to the source row",
			                    e->text);
		c = &row->cells[e->slot];
		if (c->is_null) {
			out->is_null = true;
			return 0;
		}
		set_text(out, row->classes[e->slot], c->data, c->len);
		return 0;
	case RF_MAP_CALL:
		if (e->fn == RF_FN_SQL && e->slot >= 0 && (size_t)e->slot < row->ncols) {
			c = &row->cells[e->slot];
			if (c->is_null)
				out->is_null = true;
			else
				set_text(out, row->classes[e->slot], c->data, c->len);
			return 0;
		}
		return call(e, row, out, reason, err);
	}
	return 0;
}

int rf_map_eval(const struct rf_map_expr *e, const struct rf_map_row *row, struct rf_map_value *out,
                struct rf_buf *reason, struct rf_error *err)
{
	value_init(out);
	rf_buf_reset(reason);
	return eval(e, row, out, reason, err);
}

int rf_map_bind(struct rf_map_expr *e, const char *const *names, size_t n, struct rf_strlist *sqls,
                const char *where, const char *col, struct rf_error *err)
{
	size_t i;

	if (e->kind == RF_MAP_COLUMN) {
		for (i = 0; i < n; i++)
			if (strcmp(names[i], e->text) == 0)
				break;
		if (i == n)
			for (i = 0; i < n; i++)
				if (strcasecmp(names[i], e->text) == 0)
					break;
		if (i == n)
			return rf_error_set(err, NULL,
			                    "%s: column %s: unknown source column '%s' (text "
			                    "needs quotes: '%s')",
			                    where, col, e->text, e->text);
		e->slot = (int)i;
		return 0;
	}
	if (e->kind == RF_MAP_CALL && e->fn == RF_FN_SQL) {
		e->slot = (int)(n + sqls->len);
		rf_strlist_add(sqls, e->text);
		return 0;
	}
	for (i = 0; i < e->nargs; i++)
		if (rf_map_bind(e->args[i], names, n, sqls, where, col, err) != 0)
			return -1;
	for (i = 0; i < e->ncases; i++)
		if (rf_map_bind(e->cases[i].result, names, n, sqls, where, col, err) != 0)
			return -1;
	return 0;
}
