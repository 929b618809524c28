/* sqlite_internal.h - what the two halves of the SQLite driver share:
 * sqlite.c (connect, quoting, writing, transactions, and the ops table),
 * sqlite_value.c (values as SQLite stores them), sqlite_stream.c (reads),
 * sqlite_schema.c (list_tables and describe), sqlite_hash.c and
 * sqlite_real.c. Private to
 * src/db/; the core sees only rf_sqlite_ops.
 */
#ifndef ROWFERRY_DB_SQLITE_INTERNAL_H
#define ROWFERRY_DB_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "rowferry/db.h"

struct sqlite_db {
	struct rf_db base; /* first: the core holds a struct rf_db * */
	sqlite3 *conn;
	char *path;
	int statement_timeout_ms; /* inside a transaction with a statement or
	                             read timeout, else 0 */
	long long deadline_ms;    /* CLOCK_MONOTONIC; the running step stops after it */
	/* the write transaction's identity (prepare): the file change counter
	 * as it was when the transaction began, or wal */
	unsigned long begin_counter;
	bool begin_wal;
};

static inline struct sqlite_db *sqlite_of(struct rf_db *db)
{
	return (struct sqlite_db *)db;
}

/* sqlite.c */
/* Sets err from the connection's last error, as one line naming the
 * connection; `what` (may be NULL) says what was being done. Returns -1. */
int sq_fail(struct sqlite_db *db, struct rf_error *err, const char *what);
/* Prepares one statement into *st (caller finalizes), or -1 with err. */
int sq_prepare(struct sqlite_db *db, const char *sql, sqlite3_stmt **st, struct rf_error *err);
/* p past blanks, tabs and line ends. */
const char *sq_skip_space(const char *p);
/* Appends ident as a double-quoted identifier. */
void sq_quote_ident(struct rf_buf *out, const char *ident);

/* sqlite_value.c: a canonical value as SQLite stores it, bound to
 * parameter n of st (-1 with err), or appended as a literal (the preview);
 * both through one conversion. */
int sq_bind_param(struct sqlite_db *db, sqlite3_stmt *st, int n, const struct rf_param *p,
                  struct rf_error *err);
void sq_quote_literal(struct rf_db *db, enum rf_type_class c, const struct rf_cell *v,
                      struct rf_buf *out);

/* sqlite_stream.c: the ops stream_open, stream_next, stream_close
 * (contracts in db.h). */
int sq_stream_open(struct rf_db *base, const struct rf_stream_spec *spec, struct rf_stream **out,
                   struct rf_error *err);
int sq_stream_next(struct rf_stream *handle, const struct rf_row **row, struct rf_error *err);
void sq_stream_close(struct rf_stream *handle);
/* Column i of st's current row as a cell pointing into SQLite's buffers
 * (valid until the next step): raw asks for a BLOB's bytes; intbuf
 * (SQ_REAL_TEXT_MAX bytes, may be NULL) receives an INTEGER's or REAL's
 * text. */
void sq_read_cell(sqlite3_stmt *st, int i, bool raw, char *intbuf, struct rf_cell *cell);

/* sqlite_schema.c: the ops list_tables and describe (contracts in db.h). */
int sq_list_tables(struct rf_db *base, bool count, struct rf_table_list *out, struct rf_error *err);
int sq_foreign_keys(struct rf_db *base, struct rf_fk_list *out, struct rf_error *err);
int sq_describe(struct rf_db *base, const char *name, struct rf_table_info *out,
                struct rf_error *err);

/* sqlite.c: starts the statement deadline (read_timeout_ms) of the next
 * step, as every statement of a transaction with a timeout does. */
void sq_arm_deadline(struct sqlite_db *db);

/* sqlite_real.c: the text sqlite3_column_text() gives the REAL x, written
 * to out (SQ_REAL_TEXT_MAX bytes, NUL-terminated) without SQLite's printf;
 * returns its length, or 0 when x is one to leave to SQLite. */
#define SQ_REAL_TEXT_MAX 32
size_t sq_real_text(double x, char *out);

/* sqlite_hash.c: the hash diff's ops (contracts in db.h), and a key range
 * (a segment's) or a stream's key ranges (rf_stream_spec's ranges) appended as " WHERE ..." or,
 * when the statement has a WHERE already, " AND ...". */
bool sq_hash_column(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
                    bool native);
int sq_segment_sums(struct rf_db *db, const struct rf_segment_spec *spec,
                    const struct rf_cell *bounds, size_t nb, struct rf_segment_sum *out,
                    struct rf_error *err);
int sq_segment_keys(struct rf_db *db, const struct rf_segment_spec *spec, unsigned long long step,
                    size_t max, struct rf_result *out, struct rf_error *err);
void sq_key_ranges(struct rf_db *db, const struct rf_stream_spec *spec, bool have_where,
                   struct rf_buf *sql);

#endif
