/* sqlite_hash.c - the SQLite driver's side of the hash diff (DESIGN §14,
 * db.h: hash_column, segment_sums, segment_keys, and the key range of a
 * stream).
 *
 * SQLite has no md5, so the row hashes come from an aggregate registered on
 * the connection, rowferry_segsum(classes, v1, v2, ...): it reads each
 * value as the stream does (sqlite_stream.c sq_read_cell: integers as their digits,
 * blobs and bytes-class columns raw, the rest as text), canonicalizes it
 * with rf_value_canon, the same code stream mode compares with, and sums the
 * md5 row hashes as db.h says. Every column is thus normalized exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash_sql.h"
#include "rowferry/db.h"
#include "sqlite_internal.h"

bool sq_hash_column(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
                    bool native)
{
	(void)db;
	(void)native;
	(void)c;
	(void)cls;
	return true; /* rf_value_canon itself, in segsum_step */
}

/* One value as sqlite_stream.c's sq_read_cell gives it to the stream. */
static void value_cell(sqlite3_value *v, bool raw, char *intbuf, struct rf_cell *cell)
{
	int type = sqlite3_value_type(v);
	const void *p;

	cell->is_null = type == SQLITE_NULL;
	cell->data = NULL;
	cell->len = 0;
	if (cell->is_null)
		return;
	if (type == SQLITE_INTEGER && !raw) {
		cell->len = rf_int64_text(sqlite3_value_int64(v), intbuf);
		cell->data = intbuf;
		return;
	}
	p = raw || type == SQLITE_BLOB ? sqlite3_value_blob(v) : sqlite3_value_text(v);
	cell->len = (size_t)sqlite3_value_bytes(v);
	cell->data = p ? p : "";
}

/* argv[0]: two characters per column, 'a' + its class and '1' when the
 * stream reads it raw (bytes class) else '0'; then the values. */
static void segsum_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned long long *sum = sqlite3_aggregate_context(ctx, sizeof *sum);
	const unsigned char *classes = sqlite3_value_text(argv[0]);
	struct rf_buf row = RF_BUF_INIT, canon = RF_BUF_INIT;
	char intbuf[24];
	int i;

	if (!sum || !classes || (size_t)sqlite3_value_bytes(argv[0]) < 2 * (size_t)(argc - 1)) {
		sqlite3_result_error(ctx, "rowferry_segsum: bad arguments", -1);
		return;
	}
	for (i = 1; i < argc; i++) {
		struct rf_cell cell, c;
		enum rf_type_class cls = (enum rf_type_class)(classes[2 * (i - 1)] - 'a');

		value_cell(argv[i], classes[2 * (i - 1) + 1] == '1', intbuf, &cell);
		if (!cell.is_null) {
			rf_buf_reset(&canon);
			rf_value_canon(cls, &cell, NULL, &canon);
		}
		c.is_null = cell.is_null;
		c.data = canon.data;
		c.len = canon.len;
		rf_row_hash_add(&row, &c);
	}
	rf_row_hash_sum(&row, sum);
	rf_buf_free(&row);
	rf_buf_free(&canon);
}

static void segsum_final(sqlite3_context *ctx)
{
	unsigned long long *sum = sqlite3_aggregate_context(ctx, 0);
	sqlite3_result_int64(ctx, sum ? (sqlite3_int64)*sum : 0);
}

static int register_segsum(struct sqlite_db *db, struct rf_error *err)
{
	if (sqlite3_create_function(db->conn, "rowferry_segsum", -1, SQLITE_UTF8, NULL, NULL,
	                            segsum_step, segsum_final) != SQLITE_OK)
		return sq_fail(db, err, "registering rowferry_segsum");
	return 0;
}

/* The key in byte order as the stream's ORDER BY sorts it (sqlite_stream.c):
 * COLLATE BINARY whatever the column's declared collation. */
static void key_column(struct rf_db *db, const struct rf_table_info *t, size_t col,
                       enum rf_type_class cls, struct rf_buf *sql)
{
	sq_quote_ident(sql, t->cols[col].name);
	rf_buf_adds(sql, " COLLATE BINARY");
}

static void key_literal(struct rf_db *db, enum rf_type_class cls, const struct rf_cell *v,
                        struct rf_buf *sql)
{
	db->ops->quote_literal(db, cls, v, sql);
}

static void key_output(struct rf_db *db, const struct rf_table_info *t, size_t col,
                       struct rf_buf *sql)
{
	sq_quote_ident(sql, t->cols[col].name);
}

/* The column as it is: rowferry_segsum reads it as the stream does. */
static void value(struct rf_db *db, const struct rf_segment_spec *spec, size_t i,
                  struct rf_buf *sql)
{
	sq_quote_ident(sql, spec->table->cols[spec->cols[i]].name);
}

static void row_sum(struct rf_db *db, const struct rf_segment_spec *spec, struct rf_buf *sql)
{
	size_t i;

	rf_buf_adds(sql, "rowferry_segsum('");
	for (i = 0; i < spec->ncols; i++) {
		const struct rf_column *c = &spec->table->cols[spec->cols[i]];
		rf_buf_addc(sql, (char)('a' + (int)spec->classes[i]));
		rf_buf_addc(sql, c->tclass == RF_T_BYTES ? '1' : '0');
	}
	rf_buf_addc(sql, '\'');
	for (i = 0; i < spec->ncols; i++)
		rf_buf_printf(sql, ", v%zu", i);
	rf_buf_addc(sql, ')');
}

static void quote_table(struct rf_db *db, const struct rf_table_info *t, struct rf_buf *sql)
{
	sq_quote_ident(sql, t->name);
}

static const struct rf_hash_sql sq_hash_sql = {
    .row_open = "(",
    .table = quote_table,
    .key_column = key_column,
    .key_literal = key_literal,
    .key_output = key_output,
    .value = value,
    .row_sum = row_sum,
    .int_div = " / ",
};

void sq_key_ranges(struct rf_db *db, const struct rf_stream_spec *spec, bool have_where,
                   struct rf_buf *sql)
{
	rf_hash_stream_ranges(db, &sq_hash_sql, spec, have_where, sql);
}

int sq_segment_sums(struct rf_db *base, const struct rf_segment_spec *spec,
                    const struct rf_cell *bounds, size_t nb, struct rf_segment_sum *out,
                    struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	struct rf_buf sql = RF_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	if (register_segsum(db, err) != 0)
		return -1;
	rf_hash_sums_sql(base, &sq_hash_sql, spec, bounds, nb, &sql);
	sq_arm_deadline(db);
	if (sq_prepare(db, sql.data, &st, err) != 0)
		goto cleanup;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		rf_hash_sums_put(out, nb, (unsigned long long)sqlite3_column_int64(st, 0),
		                 (unsigned long long)sqlite3_column_int64(st, 1),
		                 (unsigned long long)sqlite3_column_int64(st, 2));
	if (step != SQLITE_DONE) {
		sq_fail(db, err, NULL);
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_finalize(st);
	rf_buf_free(&sql);
	return rc;
}

int sq_segment_keys(struct rf_db *base, const struct rf_segment_spec *spec, unsigned long long step,
                    size_t max, struct rf_result *out, struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	struct rf_buf sql = RF_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t cap = 0, k;
	int r, rc = -1;

	memset(out, 0, sizeof *out);
	out->ncols = spec->nkey;
	rf_hash_keys_sql(base, &sq_hash_sql, spec, step, max, &sql);
	sq_arm_deadline(db);
	if (sq_prepare(db, sql.data, &st, err) != 0)
		goto cleanup;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->nrows == cap) {
			cap = cap ? cap * 2 : 32;
			out->cells = rf_xrealloc(out->cells, cap * spec->nkey * sizeof *out->cells);
		}
		for (k = 0; k < spec->nkey; k++) {
			struct rf_cell *c = &out->cells[out->nrows * spec->nkey + k];
			bool raw = spec->table->cols[spec->key[k]].tclass == RF_T_BYTES;
			int type = sqlite3_column_type(st, (int)k);
			char intbuf[24];
			const void *p;

			c->is_null = type == SQLITE_NULL;
			c->data = NULL;
			c->len = 0;
			if (type == SQLITE_INTEGER && !raw) {
				c->len = rf_int64_text(sqlite3_column_int64(st, (int)k), intbuf);
				c->data = rf_xstrndup(intbuf, c->len);
			} else if (!c->is_null) {
				p = raw || type == SQLITE_BLOB
				        ? sqlite3_column_blob(st, (int)k)
				        : (const void *)sqlite3_column_text(st, (int)k);
				c->len = (size_t)sqlite3_column_bytes(st, (int)k);
				c->data = rf_xstrndup(p ? p : "", c->len);
			}
		}
		out->nrows++;
	}
	if (r != SQLITE_DONE) {
		sq_fail(db, err, NULL);
		rf_result_free(out);
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_finalize(st);
	rf_buf_free(&sql);
	return rc;
}
