/* pg_hash.c - the PostgreSQL driver's side of the hash diff (DESIGN §14,
 * db.h: hash_column, segment_sums, segment_keys, and the key range of a
 * stream).
 *
 * Each column is normalized in SQL into the canonical form rf_value_canon
 * gives for what the stream reads (value.c), so that rows the stream calls
 * equal hash equal: integers as their text, decimals through trim_scale
 * (1.50 -> 1.5), booleans as true/false, bytea as lower-case hex, uuid as
 * its (lower-case) text, dates and timestamps through to_char in the ISO
 * form with microseconds (timestamptz in UTC with 'Z', the session being in
 * UTC). A value outside what to_char prints exactly (BC, infinity) hashes
 * as 'x' and its text, which no canonical form starts with. Floats, json,
 * time and other types are not normalized: the table is streamed.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "hash_sql.h"
#include "pg_internal.h"
#include "rowferry/db.h"

#define UUID_RE "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

static bool decl_is(const struct rf_column *c, const char *prefix)
{
	return c->decl_type && strncmp(c->decl_type, prefix, strlen(prefix)) == 0;
}

/* Whether column c, of class cls, is a type norm_expr below normalizes
 * exactly. */
static bool normalized(const struct rf_column *c, enum rf_type_class cls)
{
	switch (cls) {
	case RF_T_INTEGER:
		return decl_is(c, "smallint") || decl_is(c, "integer") || decl_is(c, "bigint") ||
		       decl_is(c, "numeric");
	case RF_T_DECIMAL:
		return decl_is(c, "numeric");
	case RF_T_BOOLEAN:
		return decl_is(c, "boolean");
	case RF_T_TEXT:
		return decl_is(c, "text") || decl_is(c, "character") || decl_is(c, "citext");
	case RF_T_BYTES:
		return decl_is(c, "bytea");
	case RF_T_UUID:
		return decl_is(c, "uuid");
	case RF_T_DATE:
		return decl_is(c, "date");
	case RF_T_TIMESTAMP:
		return decl_is(c, "timestamp") && strstr(c->decl_type, "without time zone");
	case RF_T_TIMESTAMPTZ:
		return decl_is(c, "timestamp") && strstr(c->decl_type, "with time zone") &&
		       !strstr(c->decl_type, "without");
	default:
		return false;
	}
}

bool pg_hash_column(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
                    bool native)
{
	(void)db;
	if (native) /* the row's text: every type has one */
		return true;
	if (cls == RF_T_UUID && c->tclass == RF_T_TEXT) /* a uuid kept as text */
		return decl_is(c, "text") || decl_is(c, "character varying");
	return c->tclass == cls && normalized(c, cls);
}

/* The column's canonical form as text, NULL for NULL. */
static void norm_expr(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
                      struct rf_buf *sql)
{
	struct rf_buf q = RF_BUF_INIT;

	pg_quote_ident(db, c->name, &q);
	switch (cls) {
	case RF_T_DECIMAL:
		rf_buf_printf(sql, "trim_scale(%s)::text", q.data);
		break;
	case RF_T_BOOLEAN:
		rf_buf_printf(sql, "CASE WHEN %s THEN 'true' WHEN NOT %s THEN 'false' END", q.data,
		              q.data);
		break;
	case RF_T_TEXT:
		/* format() calls the output function: character(n) keeps its
		 * padding, as the stream reads it (a cast to text drops it);
		 * but it makes NULL '' */
		rf_buf_printf(sql, "CASE WHEN %s IS NOT NULL THEN format('%%s', %s) END", q.data,
		              q.data);
		break;
	case RF_T_BYTES:
		rf_buf_printf(sql, "encode(%s, 'hex')", q.data);
		break;
	case RF_T_DATE:
		rf_buf_printf(sql,
		              "CASE WHEN %s BETWEEN '0001-01-01' AND '9999-12-31' "
		              "THEN to_char(%s, 'YYYY-MM-DD') ELSE 'x' || %s::text END",
		              q.data, q.data, q.data);
		break;
	case RF_T_TIMESTAMP:
		rf_buf_printf(sql,
		              "CASE WHEN %s >= '0001-01-01' AND %s < '10000-01-01' "
		              "THEN to_char(%s, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') ELSE 'x' || "
		              "%s::text END",
		              q.data, q.data, q.data, q.data);
		break;
	case RF_T_TIMESTAMPTZ:
		rf_buf_printf(sql,
		              "CASE WHEN %s >= '0001-01-01Z' AND %s < '10000-01-01Z' "
		              "THEN to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') "
		              "|| 'Z' ELSE 'x' || %s::text END",
		              q.data, q.data, q.data, q.data);
		break;
	case RF_T_UUID:
		/* uuid's text is canonical; text holding a uuid in the
		 * 36-character form is lowered, another form kept as it is
		 * (it hashes as no canonical form does: a segment can only
		 * differ for it) */
		rf_buf_printf(sql,
		              "CASE WHEN %s::text ~ '%s' THEN lower(%s::text) ELSE %s::text END",
		              q.data, UUID_RE, q.data, q.data);
		break;
	default: /* integer: the text form is canonical */
		rf_buf_printf(sql, "%s::text", q.data);
		break;
	}
	rf_buf_free(&q);
}

/* The key in byte order as ORDER BY sorts it (pg_stream.c): text through
 * COLLATE "C"; qualified, as a select list item x::text is also named x. */
static void key_column(struct rf_db *db, const struct rf_table_info *t, size_t col,
                       enum rf_type_class cls, struct rf_buf *sql)
{
	pg_quote_table(db, t, sql);
	rf_buf_addc(sql, '.');
	pg_quote_ident(db, t->cols[col].name, sql);
	if (cls != RF_T_INTEGER)
		rf_buf_adds(sql, "::text COLLATE \"C\"");
}

static void key_literal(struct rf_db *db, enum rf_type_class cls, const struct rf_cell *v,
                        struct rf_buf *sql)
{
	db->ops->quote_literal(db, cls, v, sql);
	if (cls != RF_T_INTEGER)
		rf_buf_adds(sql, "::text");
}

static void key_output(struct rf_db *db, const struct rf_table_info *t, size_t col,
                       struct rf_buf *sql)
{
	pg_quote_table(db, t, sql);
	rf_buf_addc(sql, '.');
	pg_quote_ident(db, t->cols[col].name, sql);
	rf_buf_adds(sql, "::text");
}

/* The key's bucket hash (hash_sql.h): each column's text in bytes
 * (COLLATE "C": a nondeterministic collation's hash would fold case)
 * through hashtextextended, a seed per column, XORed; NULL as 0. */
static void key_hash(struct rf_db *db, const struct rf_table_info *t, size_t nkey,
                     const size_t *key, struct rf_buf *sql)
{
	size_t k;

	rf_buf_addc(sql, '(');
	for (k = 0; k < nkey; k++) {
		rf_buf_adds(sql, k ? " # " : "");
		rf_buf_adds(sql, "coalesce(hashtextextended(");
		pg_quote_table(db, t, sql);
		rf_buf_addc(sql, '.');
		pg_quote_ident(db, t->cols[key[k]].name, sql);
		rf_buf_printf(sql, "::text COLLATE \"C\", %zu), 0)", k);
	}
	rf_buf_adds(sql, ") & 9223372036854775807");
}

bool pg_hash_key_buckets(struct rf_db *db)
{
	(void)db;
	return true;
}

bool pg_hash_typed(struct rf_db *db)
{
	return PQserverVersion(pg(db)->conn) >= 140000; /* hash_record_extended */
}

/* Whether a column of this type, compared as cls, is hashed by its type's
 * own hash function in a typed native row hash: only where values the
 * type's equality calls equal are equal in stream mode too (integers of
 * any width hash alike, numeric 1.5 and 1.50 alike, as their canonical
 * forms are; timestamps by their instant). Not floats (0 and -0 hash
 * alike), character(n) (its hash ignores the padding the stream reads),
 * intervals, json/jsonb, arrays, enums and the rest: those are hashed as
 * their output text, as the row's text did. */
static bool typed_hash(const struct rf_column *c, enum rf_type_class cls)
{
	if (!normalized(c, cls))
		return false;
	if (cls == RF_T_INTEGER) /* a numeric's hash is its value's, not its text's */
		return !decl_is(c, "numeric");
	if (cls == RF_T_TEXT) /* not character(n), not citext */
		return decl_is(c, "text") || decl_is(c, "character varying");
	return true;
}

/* Column i's own hash (rf_segment_spec.native_cols), never NULL: the
 * function its type's default hash operator class uses, seeded by its place
 * (the same value in two columns hashes differently), where typed_hash()
 * says equal values are equal in stream mode; else its output text's hash,
 * as the typed row hash does; NULL as a constant of its place. These are
 * the functions hash_record_extended calls, without the row it forms and
 * takes apart again for every row (which copies every value, the JSON text
 * too): a fifth less server time for the bench table's first pass. Integers
 * of any width as bigint (hashint2/4/8extended agree on a value anyway),
 * timestamptz as its instant in UTC, booleans as 0/1, json as the text it
 * stores (a cast without a function, where format() copies it through the
 * output function); a date or bytea by hash_record_extended of it alone
 * (bytea's hash function takes `internal`, and a date's difference from a
 * day fails for infinity). */
static void col_hash(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls, size_t i,
                     struct rf_buf *sql)
{
	struct rf_buf q = RF_BUF_INIT;
	unsigned long long seed = i + 1;
	long long null_hash = (long long)(seed * 0x9E3779B97F4A7C15ULL);

	pg_quote_ident(db, c->name, &q);
	rf_buf_adds(sql, "coalesce(");
	if (!typed_hash(c, cls) && c->decl_type && strcmp(c->decl_type, "json") == 0)
		rf_buf_printf(sql, "hashtextextended(%s::text, %llu)", q.data, seed);
	else if (!typed_hash(c, cls))
		rf_buf_printf(
		    sql,
		    "CASE WHEN %s IS NOT NULL THEN hashtextextended(format('%%s', %s), %llu) END",
		    q.data, q.data, seed);
	else if (cls == RF_T_INTEGER)
		rf_buf_printf(sql, "hashint8extended(%s::bigint, %llu)", q.data, seed);
	else if (cls == RF_T_DECIMAL)
		rf_buf_printf(sql, "hash_numeric_extended(%s, %llu)", q.data, seed);
	else if (cls == RF_T_TEXT)
		rf_buf_printf(sql, "hashtextextended(%s COLLATE \"C\", %llu)", q.data, seed);
	else if (cls == RF_T_UUID)
		rf_buf_printf(sql, "uuid_hash_extended(%s, %llu)", q.data, seed);
	else if (cls == RF_T_TIMESTAMP)
		rf_buf_printf(sql, "timestamp_hash_extended(%s, %llu)", q.data, seed);
	else if (cls == RF_T_TIMESTAMPTZ)
		rf_buf_printf(sql, "timestamp_hash_extended(%s AT TIME ZONE 'UTC', %llu)", q.data,
		              seed);
	else if (cls == RF_T_BOOLEAN)
		rf_buf_printf(sql, "hashint4extended(%s::integer, %llu)", q.data, seed);
	else
		rf_buf_printf(sql, "hash_record_extended(ROW(%s), %llu)", q.data, seed);
	rf_buf_printf(sql, ", (%lld)::bigint)", null_hash);
	rf_buf_free(&q);
}

static void value(struct rf_db *db, const struct rf_segment_spec *spec, size_t i,
                  struct rf_buf *sql)
{
	const struct rf_column *c = &spec->table->cols[spec->cols[i]];
	struct rf_buf q = RF_BUF_INIT;

	if (!spec->native) {
		norm_expr(db, c, spec->classes[i], sql);
		return;
	}
	if (spec->native_typed && spec->native_cols) {
		col_hash(db, c, spec->classes[i], i, sql);
		return;
	}
	pg_quote_ident(db, c->name, &q);
	if (!spec->native_typed)
		rf_buf_add(sql, q.data, q.len);
	else if (!typed_hash(c, spec->classes[i]))
		/* the output function's text, as record_out printed it;
		 * NULL stays NULL */
		rf_buf_printf(sql, "CASE WHEN %s IS NOT NULL THEN format('%%s', %s) END", q.data,
		              q.data);
	else if (spec->classes[i] == RF_T_TEXT)
		/* the bytes, whatever the column's collation */
		rf_buf_printf(sql, "%s COLLATE \"C\"", q.data);
	else
		rf_buf_add(sql, q.data, q.len);
	rf_buf_free(&q);
}

static void row_sum(struct rf_db *db, const struct rf_segment_spec *spec, struct rf_buf *sql)
{
	size_t i;

	/* Between two PostgreSQL servers the row's text, ROW(...)::text,
	 * stands for the normalized values: both sessions print it alike,
	 * record_out quotes so that equal text means equal columns (NULL
	 * unquoted and empty, '' as ""), and a value stream mode calls equal
	 * but printed differently (1.5 and 1.50) only costs a segment
	 * streamed. hashtextextended (64 bits, stable across platforms and
	 * versions) of it takes a quarter of the time md5 of the normalized
	 * values does. */
	if (spec->native_typed && spec->native_cols) {
		/* the columns' own hashes (col_hash), XORed */
		rf_buf_adds(sql, "sum((");
		for (i = 0; i < spec->ncols; i++)
			rf_buf_printf(sql, "%sv%zu", i ? " # " : "", i);
		rf_buf_adds(sql, ") & 1152921504606846975) % 1152921504606846976");
		return;
	}
	if (spec->native_typed) {
		/* each value by its type's hash function (value() above),
		 * NULL apart from any value: no text made per row, 2.4x
		 * faster than the row's text on the bench table */
		rf_buf_adds(sql, "sum(hash_record_extended(ROW(");
		for (i = 0; i < spec->ncols; i++)
			rf_buf_printf(sql, "%sv%zu", i ? ", " : "", i);
		rf_buf_adds(sql, "), 0) & 1152921504606846975) % 1152921504606846976");
		return;
	}
	if (spec->native) {
		rf_buf_adds(sql, "sum(hashtextextended(ROW(");
		for (i = 0; i < spec->ncols; i++)
			rf_buf_printf(sql, "%sv%zu", i ? ", " : "", i);
		rf_buf_adds(sql, ")::text, 0) & 1152921504606846975) % 1152921504606846976");
		return;
	}
	rf_buf_adds(sql, "sum(('x' || substr(md5(concat(");
	for (i = 0; i < spec->ncols; i++)
		rf_buf_printf(sql, "%scoalesce(octet_length(v%zu)::text || ':' || v%zu, '-')",
		              i ? ", " : "", i, i);
	rf_buf_adds(sql, ")), 1, 15))::bit(60)::bigint) % 1152921504606846976");
}

static const struct rf_hash_sql pg_hash_sql = {
    .row_open = "ROW(",
    .table = pg_quote_table,
    .key_column = key_column,
    .key_literal = key_literal,
    .key_output = key_output,
    .value = value,
    .row_sum = row_sum,
    .key_hash = key_hash,
    .fence = " OFFSET 0",
    .int_div = " / ",
    .bucket_bitmap = true,
};

void pg_key_ranges(struct rf_db *db, const struct rf_stream_spec *spec, bool have_where,
                   struct rf_buf *sql)
{
	rf_hash_stream_ranges(db, &pg_hash_sql, spec, have_where, sql);
}

int pg_segment_sums(struct rf_db *db, const struct rf_segment_spec *spec,
                    const struct rf_cell *bounds, size_t nb, struct rf_segment_sum *out,
                    struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	PGresult *res;
	int r, rc = -1;

	if (nb >= 4096 && !spec->nranges && !spec->nin) {
		/* a first pass of tens of thousands of groups: room for them
		 * in memory where the server's work_mem is below 64MB; and no
		 * JIT, whose compiling took 150-350 ms of each statement over
		 * 1M rows (the differing rows' stream 0.55 s without, 0.9 s
		 * with); both for this read transaction only (SET LOCAL), so
		 * once, before the first pass: the passes over the differing
		 * segments (ranges, in) run in the same transaction */
		res = pg_query(pg(db),
		               "SELECT CASE WHEN pg_size_bytes(current_setting('work_mem')) < "
		               "67108864 THEN set_config('work_mem', '64MB', true) END, "
		               "set_config('jit', 'off', true)",
		               0, NULL, err);
		if (!res)
			goto cleanup;
		PQclear(res);
	}
	rf_hash_sums_sql(db, &pg_hash_sql, spec, bounds, nb, &sql);
	res = pg_query(pg(db), sql.data, 0, NULL, err);
	if (!res)
		goto cleanup;
	for (r = 0; r < PQntuples(res); r++)
		rf_hash_sums_put(out, nb, strtoull(PQgetvalue(res, r, 0), NULL, 10),
		                 strtoull(PQgetvalue(res, r, 1), NULL, 10),
		                 strtoull(PQgetvalue(res, r, 2), NULL, 10));
	PQclear(res);
	rc = 0;
cleanup:
	rf_buf_free(&sql);
	return rc;
}

int pg_segment_keys(struct rf_db *db, const struct rf_segment_spec *spec, unsigned long long step,
                    size_t max, struct rf_result *out, struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	PGresult *res;
	size_t i, k;
	int rc = -1;

	memset(out, 0, sizeof *out);
	rf_hash_keys_sql(db, &pg_hash_sql, spec, step, max, &sql);
	res = pg_query(pg(db), sql.data, 0, NULL, err);
	if (!res)
		goto cleanup;
	out->ncols = spec->nkey;
	out->nrows = (size_t)PQntuples(res);
	out->cells = rf_xcalloc(out->nrows * out->ncols + 1, sizeof *out->cells);
	for (i = 0; i < out->nrows; i++)
		for (k = 0; k < spec->nkey; k++) {
			struct rf_cell *c = &out->cells[i * spec->nkey + k];
			c->is_null = PQgetisnull(res, (int)i, (int)k);
			c->len = (size_t)PQgetlength(res, (int)i, (int)k);
			c->data = c->is_null ? NULL
			                     : rf_xstrndup(PQgetvalue(res, (int)i, (int)k), c->len);
		}
	PQclear(res);
	rc = 0;
cleanup:
	rf_buf_free(&sql);
	return rc;
}
