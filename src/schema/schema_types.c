/* schema_types.c - the type map (schema.h; README "Type map"): a declared
 * type of one engine read as a neutral kind, then written the way another
 * engine spells it. The same engine keeps the declared text.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/schema.h"
#include "schema_internal.h"

/* Lower-cased copy of s into buf (cut at n - 1 bytes). */
static void lower(const char *s, char *buf, size_t n)
{
	size_t i;
	for (i = 0; s[i] && i < n - 1; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "(p)" or "(p,s)" after the type name: fills p and s (-1 when absent). */
static void params(const char *s, int *p, int *sc)
{
	const char *open = strchr(s, '(');
	*p = *sc = -1;
	if (!open || !isdigit((unsigned char)open[1]))
		return;
	*p = atoi(open + 1);
	open = strchr(open, ',');
	if (open)
		*sc = atoi(open + 1);
}

static void warn(struct rf_strlist *w, const struct rf_column *c, const char *fmt, ...)
    RF_PRINTF(3, 4);
static void warn(struct rf_strlist *w, const struct rf_column *c, const char *fmt, ...)
{
	struct rf_buf line = RF_BUF_INIT;
	va_list ap;

	rf_buf_printf(&line, "%s: ", c->name);
	va_start(ap, fmt);
	rf_buf_vprintf(&line, fmt, ap);
	va_end(ap);
	rf_buf_addc(&line, '\0');
	rf_strlist_add(w, line.data);
	rf_buf_free(&line);
}

/* SQLite: the declared name as users write it, then SQLite's affinity
 * rules (INT, CHAR/CLOB/TEXT, BLOB or none, REAL/FLOA/DOUB, else NUMERIC). */
static struct sc_kind kind_sqlite(const struct rf_column *c, struct rf_strlist *w)
{
	struct sc_kind k = {SC_TEXT, -1, -1};
	char t[128];

	lower(c->decl_type, t, sizeof t);
	params(t, &k.p, &k.s);
	if (!*t) {
		warn(w, c,
		     "untyped (SQLite BLOB affinity): created as bytes, its values kept byte "
		     "for byte");
		k.k = SC_BYTES;
	} else if (strstr(t, "bool"))
		k.k = SC_BOOL;
	else if (strstr(t, "int"))
		k.k = SC_INT8; /* SQLite integers are 64-bit whatever the name */
	else if (strstr(t, "uuid") || strstr(t, "guid"))
		k.k = SC_UUID;
	else if (strstr(t, "json"))
		k.k = SC_JSON;
	else if (strstr(t, "timestamptz") || strstr(t, "with time zone"))
		k.k = SC_TIMESTAMPTZ;
	else if (strstr(t, "datetime") || strstr(t, "timestamp"))
		k.k = SC_TIMESTAMP;
	else if (strstr(t, "date"))
		k.k = SC_DATE;
	else if (strstr(t, "time"))
		k.k = SC_TIME;
	else if ((starts(t, "varchar") || starts(t, "nvarchar") || starts(t, "varying") ||
	          starts(t, "character varying")) &&
	         k.p > 0)
		k.k = SC_VARCHAR;
	else if ((starts(t, "char") || starts(t, "nchar") || starts(t, "character")) && k.p > 0)
		k.k = SC_CHAR;
	else if (strstr(t, "char") || strstr(t, "clob") || strstr(t, "text"))
		k.k = SC_TEXT;
	else if (strstr(t, "blob"))
		k.k = SC_BYTES;
	else if (strstr(t, "real") || strstr(t, "floa") || strstr(t, "doub"))
		k.k = SC_FLOAT8;
	else {
		k.k = SC_DECIMAL; /* NUMERIC affinity: DECIMAL(p,s), NUMERIC, MONEY, ... */
		if (!strstr(t, "numeric") && !strstr(t, "decimal"))
			warn(w, c, "type %s is not a name rowferry knows: NUMERIC affinity, %s",
			     c->decl_type, "created as a decimal");
	}
	return k;
}

/* MariaDB / MySQL COLUMN_TYPE. */
static struct sc_kind kind_mysql(const struct rf_column *c, struct rf_strlist *w)
{
	struct sc_kind k = {SC_TEXT, -1, -1};
	bool uns;
	char t[128];

	lower(c->decl_type, t, sizeof t);
	params(t, &k.p, &k.s);
	uns = strstr(t, "unsigned") != NULL;
	if (c->tclass == RF_T_BOOLEAN) /* tinyint(1), bit(1) */
		k.k = SC_BOOL;
	else if (c->tclass == RF_T_JSON)
		k.k = SC_JSON;
	else if (starts(t, "tinyint") || starts(t, "year"))
		k.k = SC_INT2;
	else if (starts(t, "smallint"))
		k.k = uns ? SC_INT4 : SC_INT2;
	else if (starts(t, "mediumint"))
		k.k = SC_INT4;
	else if (starts(t, "int"))
		k.k = uns ? SC_INT8 : SC_INT4;
	else if (starts(t, "bigint"))
		k.k = uns ? SC_UINT8 : SC_INT8;
	else if (starts(t, "bit")) {
		k.k = SC_INT8;
		warn(w, c, "%s: created as a 64-bit integer", c->decl_type);
	} else if (starts(t, "decimal") || starts(t, "numeric"))
		k.k = SC_DECIMAL;
	else if (starts(t, "float"))
		k.k = SC_FLOAT4;
	else if (starts(t, "double") || starts(t, "real"))
		k.k = SC_FLOAT8;
	else if (starts(t, "varchar"))
		k.k = SC_VARCHAR;
	else if (starts(t, "char"))
		k.k = SC_CHAR;
	else if (strstr(t, "text"))
		k.k = SC_TEXT;
	else if (strstr(t, "blob") || strstr(t, "binary"))
		k.k = SC_BYTES;
	else if (starts(t, "datetime"))
		k.k = SC_TIMESTAMP;
	else if (starts(t, "timestamp"))
		k.k = SC_TIMESTAMPTZ; /* an instant, stored as UTC (value class) */
	else if (starts(t, "date"))
		k.k = SC_DATE;
	else if (starts(t, "time"))
		k.k = SC_TIME;
	else if (starts(t, "uuid"))
		k.k = SC_UUID;
	else if (starts(t, "enum(")) {
		k.k = SC_TEXT; /* with a CHECK of its values (schema.c) */
	} else {
		/* set(...), geometry, inet6, ... */
		k.k = SC_TEXT;
		warn(w, c, "%s: created as text without its list of allowed values", c->decl_type);
	}
	if (k.k != SC_DECIMAL && k.k != SC_VARCHAR && k.k != SC_CHAR && k.k != SC_TIME &&
	    k.k != SC_TIMESTAMP && k.k != SC_TIMESTAMPTZ)
		k.p = k.s = -1;
	if (k.k == SC_DECIMAL && uns)
		warn(w, c,
		     "%s: the target has no unsigned decimal; negative values would be "
		     "accepted",
		     c->decl_type);
	return k;
}

/* PostgreSQL format_type(). */
static struct sc_kind kind_pg(const struct rf_column *c, struct rf_strlist *w)
{
	static const struct {
		const char *prefix;
		enum sc_kind_id k;
	} map[] = {
	    {"smallint", SC_INT2},       {"integer", SC_INT4},
	    {"bigint", SC_INT8},         {"numeric", SC_DECIMAL},
	    {"real", SC_FLOAT4},         {"double precision", SC_FLOAT8},
	    {"boolean", SC_BOOL},        {"character varying", SC_VARCHAR},
	    {"character", SC_CHAR},      {"text", SC_TEXT},
	    {"bytea", SC_BYTES},         {"date", SC_DATE},
	    {"timestamp", SC_TIMESTAMP}, /* "with time zone" below */
	    {"time", SC_TIME},           {"jsonb", SC_JSON},
	    {"json", SC_JSON},           {"uuid", SC_UUID},
	};
	struct sc_kind k = {SC_TEXT, -1, -1};
	char t[128];
	size_t i;

	lower(c->decl_type, t, sizeof t);
	params(t, &k.p, &k.s);
	if (strstr(t, "[]")) {
		warn(w, c, "%s (an array): created as text, the array's text form {a,b}",
		     c->decl_type);
		k.p = k.s = -1;
		return k;
	}
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (starts(t, map[i].prefix)) {
			k.k = map[i].k;
			if (k.k == SC_TIMESTAMP && strstr(t, "with time zone"))
				k.k = SC_TIMESTAMPTZ;
			if (k.k == SC_TIME && strstr(t, "with time zone"))
				warn(w, c, "%s: created without its time zone", c->decl_type);
			return k;
		}
	}
	k.p = k.s = -1;
	if (c->tclass != RF_T_TEXT) /* enums and citext are text */
		warn(w, c, "%s: created as text", c->decl_type);
	else if (!starts(t, "citext"))
		warn(w, c, "%s (an enum?): created as text without its list of values",
		     c->decl_type);
	return k;
}

struct sc_kind sc_kind_of(const char *engine, const struct rf_column *c, struct rf_strlist *w)
{
	if (strcmp(engine, "sqlite") == 0)
		return kind_sqlite(c, w);
	if (strcmp(engine, "mysql") == 0)
		return kind_mysql(c, w);
	return kind_pg(c, w);
}

static void add_params(struct rf_buf *b, const struct sc_kind *k)
{
	if (k->p >= 0 && k->s >= 0)
		rf_buf_printf(b, "(%d,%d)", k->p, k->s);
	else if (k->p >= 0)
		rf_buf_printf(b, "(%d)", k->p);
}

static void type_pg(const struct sc_kind *k, struct rf_buf *b)
{
	static const char *const name[SC__COUNT] = {
	    [SC_BOOL] = "boolean",        [SC_INT2] = "smallint",
	    [SC_INT4] = "integer",        [SC_INT8] = "bigint",
	    [SC_UINT8] = "numeric(20)",   [SC_DECIMAL] = "numeric",
	    [SC_FLOAT4] = "real",         [SC_FLOAT8] = "double precision",
	    [SC_VARCHAR] = "varchar",     [SC_CHAR] = "char",
	    [SC_TEXT] = "text",           [SC_BYTES] = "bytea",
	    [SC_DATE] = "date",           [SC_TIME] = "time",
	    [SC_TIMESTAMP] = "timestamp", [SC_TIMESTAMPTZ] = "timestamptz",
	    [SC_JSON] = "jsonb",          [SC_UUID] = "uuid",
	};
	rf_buf_adds(b, name[k->k]);
	if (k->k == SC_DECIMAL || k->k == SC_VARCHAR || k->k == SC_CHAR || k->k == SC_TIME ||
	    k->k == SC_TIMESTAMP || k->k == SC_TIMESTAMPTZ)
		add_params(b, k);
}

static void type_mysql(const struct rf_column *c, const struct sc_kind *k, bool in_key,
                       struct rf_buf *b, struct rf_strlist *w)
{
	int frac = k->p >= 0 ? k->p : 6;

	switch (k->k) {
	case SC_BOOL:
		rf_buf_adds(b, "tinyint(1)");
		break;
	case SC_INT2:
		rf_buf_adds(b, "smallint");
		break;
	case SC_INT4:
		rf_buf_adds(b, "int");
		break;
	case SC_INT8:
		rf_buf_adds(b, "bigint");
		break;
	case SC_UINT8:
		rf_buf_adds(b, "bigint unsigned");
		break;
	case SC_DECIMAL:
		if (k->p < 0) {
			rf_buf_adds(b, "decimal(65,30)");
			warn(w, c,
			     "decimal without precision: created as decimal(65,30), values "
			     "with more than 30 fraction digits rounded");
		} else {
			rf_buf_adds(b, "decimal");
			add_params(b, k);
		}
		break;
	case SC_FLOAT4:
		rf_buf_adds(b, "float");
		break;
	case SC_FLOAT8:
		rf_buf_adds(b, "double");
		break;
	case SC_VARCHAR:
	case SC_CHAR:
		rf_buf_adds(b, k->k == SC_CHAR ? "char" : "varchar");
		add_params(b, k);
		break;
	case SC_TEXT:
	case SC_JSON:
		if (in_key) {
			rf_buf_adds(b, "varchar(255)");
			warn(w, c,
			     "text in a key or index: created as varchar(255) (MariaDB "
			     "cannot index text whole)");
		} else
			rf_buf_adds(b, k->k == SC_JSON ? "json" : "longtext");
		break;
	case SC_BYTES:
		if (in_key) {
			rf_buf_adds(b, "varbinary(255)");
			warn(w, c,
			     "bytes in a key or index: created as varbinary(255) (MariaDB "
			     "cannot index a blob whole)");
		} else
			rf_buf_adds(b, "longblob");
		break;
	case SC_DATE:
		rf_buf_adds(b, "date");
		break;
	case SC_TIME:
		rf_buf_printf(b, "time(%d)", frac);
		break;
	case SC_TIMESTAMP:
		rf_buf_printf(b, "datetime(%d)", frac);
		break;
	case SC_TIMESTAMPTZ:
		rf_buf_printf(b, "timestamp(%d)", frac);
		warn(w, c,
		     "timestamp with time zone: created as MariaDB timestamp (an instant, "
		     "stored as UTC; its range ends in 2038)");
		break;
	case SC_UUID:
		rf_buf_adds(b, "uuid");
		break;
	case SC__COUNT:
		break;
	}
}

static void type_sqlite(const struct sc_kind *k, struct rf_buf *b)
{
	static const char *const name[SC__COUNT] = {
	    [SC_BOOL] = "BOOLEAN",       [SC_INT2] = "INTEGER",
	    [SC_INT4] = "INTEGER",       [SC_INT8] = "INTEGER",
	    [SC_UINT8] = "NUMERIC(20)",  [SC_DECIMAL] = "NUMERIC",
	    [SC_FLOAT4] = "REAL",        [SC_FLOAT8] = "REAL",
	    [SC_VARCHAR] = "VARCHAR",    [SC_CHAR] = "CHAR",
	    [SC_TEXT] = "TEXT",          [SC_BYTES] = "BLOB",
	    [SC_DATE] = "DATE",          [SC_TIME] = "TIME",
	    [SC_TIMESTAMP] = "DATETIME", [SC_TIMESTAMPTZ] = "TIMESTAMPTZ",
	    [SC_JSON] = "JSON",          [SC_UUID] = "UUID",
	};
	rf_buf_adds(b, name[k->k]);
	if (k->k == SC_DECIMAL || k->k == SC_VARCHAR || k->k == SC_CHAR)
		add_params(b, k);
}

void sc_type_of(const char *dst_engine, const struct rf_column *c, const struct sc_kind *k,
                bool in_key, struct rf_buf *type, struct rf_strlist *w)
{
	if (strcmp(dst_engine, "sqlite") == 0)
		type_sqlite(k, type);
	else if (strcmp(dst_engine, "mysql") == 0)
		type_mysql(c, k, in_key, type, w);
	else
		type_pg(k, type);
}

void rf_schema_map_type(const char *src_engine, const struct rf_column *c, bool in_key,
                        const char *dst_engine, struct rf_buf *type, struct rf_strlist *warnings)
{
	struct sc_kind k;

	if (strcmp(src_engine, dst_engine) == 0) {
		rf_buf_adds(type, c->decl_type);
		return;
	}
	k = sc_kind_of(src_engine, c, warnings);
	sc_type_of(dst_engine, c, &k, in_key, type, warnings);
}
