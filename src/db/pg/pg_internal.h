/* pg_internal.h - what the files of the PostgreSQL driver share: pg.c
 * (connection, transactions, quoting, and the ops table), pg_exec.c (exec),
 * pg_catalog.c (list_tables and describe), pg_stream.c (COPY and cursor
 * streams), pg_bulk.c and pg_hash.c. Private to src/db/; the core sees only
 * rf_pg_ops.
 */
#ifndef ROWFERRY_DB_PG_INTERNAL_H
#define ROWFERRY_DB_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stddef.h>

#include "rowferry/db.h"

struct pg_db {
	struct rf_db base; /* first: the core only sees this part */
	PGconn *conn;
	struct rf_stream *copy_stream; /* the COPY that holds the connection, or NULL */
	unsigned cursor_seq;           /* names cursors uniquely per connection */
	char *prepared_sql;            /* text of the statement prepared as prepared_name */
	char prepared_name[32];
	unsigned prepared_seq;
};

static inline struct pg_db *pg(struct rf_db *db)
{
	return (struct pg_db *)db;
}

/* The type oid of bytea (pg_type.h's BYTEAOID). */
#define PG_BYTEA_OID 17

/* pg_exec.c: the op exec (contract in db.h). */
int pg_exec(struct rf_db *dbp, const char *sql, size_t nparams, const struct rf_param *params,
            struct rf_result *out, struct rf_error *err);

/* pg.c: every internal statement goes through pg_query() (or pg_run(),
 * which discards the result); pg_fail() turns a failed result into err;
 * pg_busy() fails while a COPY holds the connection. */
int pg_fail(struct pg_db *db, const PGresult *res, struct rf_error *err);
int pg_busy(struct pg_db *db, struct rf_error *err);
PGresult *pg_query(struct pg_db *db, const char *sql, int nparams, const char *const *params,
                   struct rf_error *err);
int pg_run(struct pg_db *db, const char *sql, struct rf_error *err);
/* pg_query() with no parameters and the results in binary form (the row
 * streams' cursor path). */
PGresult *pg_query_binary(struct pg_db *db, const char *sql, struct rf_error *err);

/* bytea arrives as hex (bytea_output = 'hex'): rf_hex_decode (util.h). */

/* pg.c: the op quote_ident (contract in db.h), and "schema"."table" for t. */
void pg_quote_ident(struct rf_db *dbp, const char *ident, struct rf_buf *out);
void pg_quote_table(struct rf_db *dbp, const struct rf_table_info *t, struct rf_buf *out);

/* pg_catalog.c: the ops list_tables and describe (contracts in db.h). */
int pg_list_tables(struct rf_db *dbp, bool count, struct rf_table_list *out, struct rf_error *err);
int pg_foreign_keys(struct rf_db *dbp, struct rf_fk_list *out, struct rf_error *err);
int pg_describe(struct rf_db *dbp, const char *name, struct rf_table_info *out,
                struct rf_error *err);

/* pg_stream.c: the ops stream_open, stream_next and stream_close
 * (contracts in db.h). */
int pg_stream_open(struct rf_db *dbp, const struct rf_stream_spec *spec, struct rf_stream **out,
                   struct rf_error *err);
int pg_stream_next(struct rf_stream *s, const struct rf_row **row, struct rf_error *err);
void pg_stream_close(struct rf_stream *s);
void pg_stream_release(struct rf_stream *s);
void pg_piece_expr(struct rf_db *db, const char *col, unsigned long long from, unsigned len,
                   struct rf_buf *out);

/* pg_bulk.c: the bulk ops (contracts in db.h). */
void pg_bulk_statement(struct rf_db *dbp, const struct rf_table_info *t, const size_t *cols,
                       size_t n, struct rf_buf *out);
void pg_bulk_value(struct rf_db *dbp, enum rf_type_class c, const struct rf_cell *v, bool last,
                   struct rf_buf *out);
void pg_bulk_script(struct rf_db *dbp, const char *sql, const char *data, size_t len,
                    struct rf_buf *out);
int pg_bulk_stream(struct rf_db *dbp, const char *sql, const struct rf_bulk_rows *src,
                   long long *rows, struct rf_error *err);
int pg_temp_load(struct rf_db *dbp, const char *name, const struct rf_table_info *t,
                 const size_t *cols, size_t n, const char *data, size_t len, struct rf_error *err);
int pg_temp_drop(struct rf_db *dbp, const char *name, struct rf_error *err);

/* pg_hash.c: the hash diff's ops (contracts in db.h), and a key range
 * (a segment's) or a stream's key ranges (rf_stream_spec's ranges) appended as " WHERE ..." or,
 * when the statement has a WHERE already, " AND ..." (cls: the key columns' classes, NULL for their
 * own). */
bool pg_hash_typed(struct rf_db *db);
bool pg_hash_key_buckets(struct rf_db *db);
bool pg_hash_column(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
                    bool native);
int pg_segment_sums(struct rf_db *db, const struct rf_segment_spec *spec,
                    const struct rf_cell *bounds, size_t nb, struct rf_segment_sum *out,
                    struct rf_error *err);
int pg_segment_keys(struct rf_db *db, const struct rf_segment_spec *spec, unsigned long long step,
                    size_t max, struct rf_result *out, struct rf_error *err);
void pg_key_ranges(struct rf_db *db, const struct rf_stream_spec *spec, bool have_where,
                   struct rf_buf *sql);

#endif
