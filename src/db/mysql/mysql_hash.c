/* mysql_hash.c - the MySQL/MariaDB driver's side of the hash diff (DESIGN
 * §14, db.h: hash_column, segment_sums, segment_keys, and the key range of
 * a stream).
 *
 * Each column is normalized in SQL into the canonical form rf_value_canon
 * gives for the text the stream reads (value.c): integers and dates as
 * their text, decimals without trailing zeros (1.50 -> 1.5), tinyint(1) as
 * true/false (another number as its digits, as the stream's value is kept),
 * text as its utf8mb4 bytes, bytes as lower-case hex, datetime and
 * timestamp through DATE_FORMAT in the ISO form with microseconds
 * (timestamp with 'Z': the session is in UTC), a zero date as 'x' and its
 * text, which no canonical form starts with. Text keys are compared as the
 * bytes of their utf8mb4 form, as the stream's ORDER BY sorts them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hash_sql.h"
#include "mysql_internal.h"
#include "rowferry/db.h"

#define UUID_RE "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

static bool decl_is(const struct rf_column *c, const char *prefix)
{
	return c->decl_type && strncasecmp(c->decl_type, prefix, strlen(prefix)) == 0;
}

bool my_hash_column(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
                    bool native)
{
	(void)db;
	(void)native; /* the same normalized values: md5 is MariaDB's fastest */
	if (cls == RF_T_UUID && c->tclass == RF_T_TEXT) /* a uuid kept as char(36) */
		return decl_is(c, "char") || decl_is(c, "varchar");
	if (c->tclass != cls)
		return false;
	switch (cls) {
	case RF_T_INTEGER:
		return decl_is(c, "tinyint") || decl_is(c, "smallint") || decl_is(c, "mediumint") ||
		       decl_is(c, "int") || decl_is(c, "bigint");
	case RF_T_DECIMAL:
		return decl_is(c, "decimal") || decl_is(c, "numeric");
	case RF_T_BOOLEAN:
		return decl_is(c, "tinyint(1)");
	case RF_T_TEXT:
		return decl_is(c, "char") || decl_is(c, "varchar") || decl_is(c, "tinytext") ||
		       decl_is(c, "text") || decl_is(c, "mediumtext") || decl_is(c, "longtext");
	case RF_T_BYTES:
		return decl_is(c, "binary") || decl_is(c, "varbinary") || decl_is(c, "tinyblob") ||
		       decl_is(c, "blob") || decl_is(c, "mediumblob") || decl_is(c, "longblob");
	case RF_T_UUID:
		return decl_is(c, "uuid");
	case RF_T_DATE:
		return decl_is(c, "date") && !decl_is(c, "datetime");
	case RF_T_TIMESTAMP:
		return decl_is(c, "datetime");
	case RF_T_TIMESTAMPTZ:
		return decl_is(c, "timestamp");
	default:
		return false;
	}
}

/* The column's canonical form as a utf8mb4 string, NULL for NULL. */
static void norm_expr(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
                      struct rf_buf *sql)
{
	struct rf_buf q = RF_BUF_INIT;

	my_quote_ident(db, c->name, &q);
	switch (cls) {
	case RF_T_DECIMAL:
		rf_buf_printf(sql,
		              "IF(LOCATE('.', %s) > 0, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' "
		              "FROM CAST(%s AS CHAR CHARACTER SET utf8mb4))), CAST(%s AS CHAR "
		              "CHARACTER SET utf8mb4))",
		              q.data, q.data, q.data);
		break;
	case RF_T_BOOLEAN:
		rf_buf_printf(sql,
		              "CASE %s WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE CAST(%s AS "
		              "CHAR CHARACTER SET utf8mb4) END",
		              q.data, q.data);
		break;
	case RF_T_TEXT:
		rf_buf_printf(sql, "CONVERT(%s USING utf8mb4)", q.data);
		break;
	case RF_T_BYTES:
		rf_buf_printf(sql, "CONVERT(LOWER(HEX(%s)) USING utf8mb4)", q.data);
		break;
	case RF_T_TIMESTAMP:
	case RF_T_TIMESTAMPTZ:
		rf_buf_printf(sql,
		              "IF(%s >= '0001-01-01', CONCAT(DATE_FORMAT(%s, "
		              "'%%Y-%%m-%%dT%%H:%%i:%%s.%%f')%s), CONCAT('x', CAST(%s AS CHAR "
		              "CHARACTER SET utf8mb4)))",
		              q.data, q.data, cls == RF_T_TIMESTAMPTZ ? ", 'Z'" : "", q.data);
		break;
	case RF_T_UUID:
		/* canonical: lower case when it is a uuid in the 36-character
		 * form, else kept as it is (another form hashes as itself, which
		 * no canonical form is: it can only make a segment differ) */
		rf_buf_printf(sql,
		              "IF(CONVERT(%s USING utf8mb4) REGEXP '%s', LOWER(CONVERT(%s USING "
		              "utf8mb4)), CONVERT(%s USING utf8mb4))",
		              q.data, UUID_RE, q.data, q.data);
		break;
	default: /* integer, date: the text form is canonical */
		rf_buf_printf(sql, "CAST(%s AS CHAR CHARACTER SET utf8mb4)", q.data);
		break;
	}
	rf_buf_free(&q);
}

/* The key in byte order as the stream's ORDER BY sorts it (mysql.c): text
 * as the bytes of its utf8mb4 form, which order like code points. */
static void key_column(struct rf_db *db, const struct rf_table_info *t, size_t col,
                       enum rf_type_class cls, struct rf_buf *sql)
{
	if (cls != RF_T_INTEGER)
		rf_buf_adds(sql, "CAST(CONVERT(");
	my_quote_ident(db, t->cols[col].name, sql);
	if (cls != RF_T_INTEGER)
		rf_buf_adds(sql, " USING utf8mb4) AS BINARY)");
}

static void key_literal(struct rf_db *db, enum rf_type_class cls, const struct rf_cell *v,
                        struct rf_buf *sql)
{
	if (cls != RF_T_INTEGER)
		rf_buf_adds(sql, "CAST(CONVERT(");
	db->ops->quote_literal(db, cls, v, sql);
	if (cls != RF_T_INTEGER)
		rf_buf_adds(sql, " USING utf8mb4) AS BINARY)");
}

static void key_output(struct rf_db *db, const struct rf_table_info *t, size_t col,
                       struct rf_buf *sql)
{
	my_quote_ident(db, t->cols[col].name, sql);
}

static void value(struct rf_db *db, const struct rf_segment_spec *spec, size_t i,
                  struct rf_buf *sql)
{
	norm_expr(db, &spec->table->cols[spec->cols[i]], spec->classes[i], sql);
}

/* md5 of the normalized values also where both sides are MariaDB: it is
 * MariaDB's fastest hash. */
static void row_sum(struct rf_db *db, const struct rf_segment_spec *spec, struct rf_buf *sql)
{
	size_t i;

	rf_buf_adds(sql, "MOD(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT(");
	for (i = 0; i < spec->ncols; i++)
		rf_buf_printf(sql, "%sIFNULL(CONCAT(LENGTH(v%zu), ':', v%zu), '-')", i ? ", " : "",
		              i, i);
	rf_buf_adds(sql, ")), 1, 15), 16, 10) AS UNSIGNED)), 1152921504606846976)");
}

static const struct rf_hash_sql my_hash_sql = {
    .row_open = "(",
    .table = my_quote_table,
    .key_column = key_column,
    .key_literal = key_literal,
    .key_output = key_output,
    .value = value,
    .row_sum = row_sum,
    .int_div = " DIV ",
};

void my_key_ranges(struct rf_db *db, const struct rf_stream_spec *spec, bool have_where,
                   struct rf_buf *sql)
{
	rf_hash_stream_ranges(db, &my_hash_sql, spec, have_where, sql);
}

/* Runs sql and keeps its rows (small results only). */
static MYSQL_RES *query(struct my_db *db, const struct rf_buf *sql, struct rf_error *err)
{
	MYSQL_RES *res;

	if (mysql_real_query(db->conn, sql->data, sql->len) != 0 ||
	    !(res = mysql_store_result(db->conn))) {
		my_fail(db, err, mysql_error(db->conn));
		return NULL;
	}
	return res;
}

int my_segment_sums(struct rf_db *db, const struct rf_segment_spec *spec,
                    const struct rf_cell *bounds, size_t nb, struct rf_segment_sum *out,
                    struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	MYSQL_RES *res;
	MYSQL_ROW r;
	int rc = -1;

	rf_hash_sums_sql(db, &my_hash_sql, spec, bounds, nb, &sql);
	res = query((struct my_db *)db, &sql, err);
	if (!res)
		goto cleanup;
	while ((r = mysql_fetch_row(res)) != NULL)
		rf_hash_sums_put(out, nb, strtoull(r[0] ? r[0] : "0", NULL, 10),
		                 strtoull(r[1] ? r[1] : "0", NULL, 10),
		                 strtoull(r[2] ? r[2] : "0", NULL, 10));
	mysql_free_result(res);
	rc = 0;
cleanup:
	rf_buf_free(&sql);
	return rc;
}

int my_segment_keys(struct rf_db *db, const struct rf_segment_spec *spec, unsigned long long step,
                    size_t max, struct rf_result *out, struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	MYSQL_RES *res;
	MYSQL_ROW r;
	unsigned long *len;
	size_t i = 0, k;
	int rc = -1;

	memset(out, 0, sizeof *out);
	rf_hash_keys_sql(db, &my_hash_sql, spec, step, max, &sql);
	res = query((struct my_db *)db, &sql, err);
	if (!res)
		goto cleanup;
	out->ncols = spec->nkey;
	out->nrows = (size_t)mysql_num_rows(res);
	out->cells = rf_xcalloc(out->nrows * out->ncols + 1, sizeof *out->cells);
	while ((r = mysql_fetch_row(res)) != NULL && i < out->nrows) {
		len = mysql_fetch_lengths(res);
		for (k = 0; k < spec->nkey; k++) {
			struct rf_cell *c = &out->cells[i * spec->nkey + k];
			c->is_null = r[k] == NULL;
			c->len = r[k] ? len[k] : 0;
			c->data = r[k] ? rf_xstrndup(r[k], c->len) : NULL;
		}
		i++;
	}
	mysql_free_result(res);
	rc = 0;
cleanup:
	rf_buf_free(&sql);
	return rc;
}
