/* pg_bulk.c - PostgreSQL's bulk path (db.h: bulk_* and temp_* ops):
 * COPY ... FROM STDIN in text format, and temporary key tables loaded the
 * same way.
 *
 * Values are the same text exec() binds as parameters (canonical forms,
 * bytes as \x hex), escaped for COPY's text format: backslash, tab, newline
 * and carriage return get a backslash, NULL is \N.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "rowferry/db.h"

/* Rows go to the server in pieces of this size. */
#define PG_BULK_PIECE (256 * 1024)

/* COPY table_sql (the quoted names of t's columns cols[0..n)) FROM STDIN */
static void copy_statement(struct rf_db *dbp, const char *table_sql, const struct rf_table_info *t,
                           const size_t *cols, size_t n, struct rf_buf *out)
{
	size_t i;
	rf_buf_printf(out, "COPY %s (", table_sql);
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(out, ", ");
		pg_quote_ident(dbp, t->cols[cols[i]].name, out);
	}
	rf_buf_adds(out, ") FROM STDIN");
}

void pg_bulk_statement(struct rf_db *dbp, const struct rf_table_info *t, const size_t *cols,
                       size_t n, struct rf_buf *out)
{
	struct rf_buf table = RF_BUF_INIT;
	pg_quote_table(dbp, t, &table);
	copy_statement(dbp, table.data, t, cols, n, out);
	rf_buf_free(&table);
}

/* COPY text format: backslash, tab, newline and carriage return */
static const char copy_escapes[256] = {['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r'};

void pg_bulk_value(struct rf_db *dbp, enum rf_type_class c, const struct rf_cell *v, bool last,
                   struct rf_buf *out)
{
	(void)dbp;
	if (v->is_null) {
		rf_buf_add(out, "\\N", 2);
	} else {
		if (c == RF_T_BYTES)
			rf_buf_add(out, "\\\\x", 3); /* canonical bytes are hex */
		rf_db_add_escaped(out, v->data, v->len, copy_escapes);
	}
	rf_buf_addc(out, last ? '\n' : '\t');
}

void pg_bulk_script(struct rf_db *dbp, const char *sql, const char *data, size_t len,
                    struct rf_buf *out)
{
	(void)dbp;
	rf_buf_adds(out, sql);
	rf_buf_adds(out, ";\n");
	rf_buf_add(out, data, len);
	rf_buf_adds(out, "\\.");
}

/* The error of a COPY that failed on the client side: the server's result
 * when there is one, else the connection's message. */
static int copy_fail(struct pg_db *db, struct rf_error *err)
{
	PGresult *res = PQgetResult(db->conn);
	int rc = pg_fail(db, res, err);
	while (res) {
		PQclear(res);
		res = PQgetResult(db->conn);
	}
	return rc;
}

/* Ends a COPY that the rows' source stopped: the server discards it. */
static int copy_stopped(struct pg_db *db)
{
	PGresult *res;
	PQputCopyEnd(db->conn, "rowferry stopped the load");
	while ((res = PQgetResult(db->conn)))
		PQclear(res);
	return -1;
}

int pg_bulk_stream(struct rf_db *dbp, const char *sql, const struct rf_bulk_rows *src,
                   long long *rows, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	PGresult *res;
	const char *data;
	size_t len, off;
	int more, rc = -1;

	*rows = 0;
	if (pg_busy(db, err))
		return -1;
	/* extended protocol: sql is one statement (pg_query) */
	res = PQexecParams(db->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		pg_fail(db, res, err);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	while ((more = src->next(src->ctx, &data, &len, err)) > 0)
		for (off = 0; off < len; off += PG_BULK_PIECE) {
			size_t n = len - off < PG_BULK_PIECE ? len - off : PG_BULK_PIECE;
			if (PQputCopyData(db->conn, data + off, (int)n) != 1)
				return copy_fail(db, err);
		}
	if (more < 0)
		return copy_stopped(db);
	if (PQputCopyEnd(db->conn, NULL) != 1)
		return copy_fail(db, err);
	res = PQgetResult(db->conn);
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		*rows = strtoll(PQcmdTuples(res), NULL, 10);
		rc = 0;
	} else {
		pg_fail(db, res, err);
	}
	while (res) {
		PQclear(res);
		res = PQgetResult(db->conn);
	}
	return rc;
}

int pg_temp_load(struct rf_db *dbp, const char *name, const struct rf_table_info *t,
                 const size_t *cols, size_t n, const char *data, size_t len, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	struct rf_buf sql = RF_BUF_INIT, list = RF_BUF_INIT, table = RF_BUF_INIT;
	long long rows;
	size_t i;
	int rc = -1;

	if (!rf_db_plain_name(name))
		return rf_error_set(err, dbp->name, "bad temporary table name %s", name);
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(&list, ", ");
		pg_quote_ident(dbp, t->cols[cols[i]].name, &list);
	}
	pg_quote_table(dbp, t, &table);
	/* the types of the target's own columns, so the join compares like
	 * with like and can use the target's indexes */
	rf_buf_printf(&sql,
	              "CREATE TEMPORARY TABLE pg_temp.%s ON COMMIT DROP AS SELECT %s FROM %s "
	              "WITH NO DATA",
	              name, list.data, table.data);
	if (pg_run(db, sql.data, err) != 0)
		goto out;
	rf_buf_reset(&table);
	rf_buf_printf(&table, "pg_temp.%s", name);
	rf_buf_reset(&sql);
	copy_statement(dbp, table.data, t, cols, n, &sql);
	if (rf_db_bulk_load(dbp, sql.data, data, len, &rows, err) != 0)
		goto out;
	rf_buf_reset(&sql);
	/* without statistics the planner takes the table for empty and may
	 * probe the target's index once per key, or scan it once per key */
	rf_buf_printf(&sql, "ANALYZE pg_temp.%s", name);
	rc = pg_run(db, sql.data, err);
out:
	rf_buf_free(&sql);
	rf_buf_free(&list);
	rf_buf_free(&table);
	return rc;
}

int pg_temp_drop(struct rf_db *dbp, const char *name, struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	int rc;
	if (!rf_db_plain_name(name))
		return rf_error_set(err, dbp->name, "bad temporary table name %s", name);
	rf_buf_printf(&sql, "DROP TABLE pg_temp.%s", name);
	rc = pg_run(pg(dbp), sql.data, err);
	rf_buf_free(&sql);
	return rc;
}
