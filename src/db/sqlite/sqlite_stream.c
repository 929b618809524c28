/* sqlite_stream.c - the SQLite driver's streams (db.h stream_open, _next,
 * _close): one prepared SELECT stepped a row at a time, each cell pointing
 * into SQLite's own column buffers until the next step (an INTEGER's or a
 * REAL's text written into the stream's per-column buffer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

struct sqlite_stream {
	struct sqlite_db *db;
	sqlite3_stmt *stmt;
	bool *raw;                      /* per output column: deliver the raw bytes (RF_T_BYTES) */
	char (*ints)[SQ_REAL_TEXT_MAX]; /* per output column: text of an INTEGER or REAL */
	struct rf_cell *cells;
	struct rf_row row;
	bool done; /* stepping a finished statement would restart it */
};

static struct sqlite_stream *stream_of(struct rf_stream *s)
{
	return (struct sqlite_stream *)(void *)s;
}

void sq_stream_close(struct rf_stream *handle)
{
	struct sqlite_stream *s = stream_of(handle);
	if (!s)
		return;
	sqlite3_finalize(s->stmt);
	free(s->raw);
	free(s->ints);
	free(s->cells);
	free(s);
}

int sq_stream_open(struct rf_db *base, const struct rf_stream_spec *spec, struct rf_stream **out,
                   struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	const struct rf_table_info *t = spec->table;
	struct rf_buf sql = RF_BUF_INIT;
	struct sqlite_stream *s = NULL;
	const char *tail = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (spec->ncols == 0) {
		rf_error_set(err, base->name, "stream of %s: no columns", t->display);
		goto out;
	}
	for (i = 0; i < spec->ncols; i++)
		if (spec->cols[i] >= t->ncols) {
			rf_error_set(err, base->name, "stream of %s: bad column index", t->display);
			goto out;
		}
	for (i = 0; i < spec->nkey; i++)
		if (spec->key[i] >= t->ncols) {
			rf_error_set(err, base->name, "stream of %s: bad key index", t->display);
			goto out;
		}
	if ((spec->where && rf_db_check_where(base, spec->where, err) != 0) ||
	    rf_db_check_exprs(base, spec, err) != 0)
		goto out;
	/* the write lock of BEGIN IMMEDIATE is what locks the rows; without
	 * it nothing would (as on the other engines, refused) */
	if (spec->lock && !(base->in_tx && base->tx_mode == RF_TX_WRITE)) {
		rf_error_set(err, base->name, "locking rows needs a write transaction");
		goto out;
	}

	rf_buf_adds(&sql, "SELECT ");
	for (i = 0; i < spec->ncols; i++) {
		if (i)
			rf_buf_adds(&sql, ", ");
		if (spec->refs && spec->refs[i].parent)
			rf_db_ref_select(base, &spec->refs[i], t, t->cols[spec->cols[i]].name, "",
			                 &sql);
		else
			sq_quote_ident(&sql, t->cols[spec->cols[i]].name);
	}
	for (i = 0; i < spec->nexprs; i++) {
		rf_buf_adds(&sql, ", ");
		rf_db_expr_select(base, &spec->exprs[i], i, "", &sql);
	}
	rf_buf_adds(&sql, " FROM ");
	sq_quote_ident(&sql, t->name);
	if (spec->where)
		rf_buf_printf(&sql, " WHERE (%s)", spec->where);
	sq_key_ranges(base, spec, spec->where != NULL, &sql);
	/* Byte order whatever the column's declared collation (a NOCASE key
	 * would otherwise interleave 'B' and 'b' and break the merge join);
	 * NULLs sort first in SQLite's ascending order already. */
	for (i = 0; i < spec->nkey; i++) {
		rf_buf_adds(&sql, i ? ", " : " ORDER BY ");
		sq_quote_ident(&sql, t->cols[spec->key[i]].name);
		rf_buf_adds(&sql, " COLLATE BINARY");
	}

	s = rf_xcalloc(1, sizeof *s);
	s->db = db;
	sq_arm_deadline(db);
	if (sqlite3_prepare_v2(db->conn, sql.data, -1, &s->stmt, &tail) != SQLITE_OK) {
		sq_fail(db, err, NULL);
		goto out;
	}
	/* a second statement smuggled through the WHERE text */
	if (tail && *sq_skip_space(tail)) {
		rf_error_set(err, base->name, "--where and sql() must be single expressions: %s",
		             spec->where ? spec->where : "");
		goto out;
	}
	s->raw = rf_xcalloc(spec->ncols + spec->nexprs, sizeof *s->raw);
	s->ints = rf_xcalloc(spec->ncols + spec->nexprs, sizeof *s->ints);
	s->cells = rf_xcalloc(spec->ncols + spec->nexprs, sizeof *s->cells);
	for (i = 0; i < spec->ncols + spec->nexprs; i++)
		s->raw[i] = (i < spec->ncols ? t->cols[spec->cols[i]].tclass
		                             : spec->exprs[i - spec->ncols].tclass) == RF_T_BYTES;
	s->row.ncols = spec->ncols + spec->nexprs;
	s->row.cells = s->cells;
	*out = (struct rf_stream *)(void *)s;
	s = NULL;
	rc = 0;
out:
	sq_stream_close((struct rf_stream *)(void *)s);
	rf_buf_free(&sql);
	return rc;
}

/* Points cell at column i of the current row: raw bytes for blobs and
 * bytes-class columns, SQLite's text form for everything else. The data
 * stays valid until the next step. */
/* Reads column i of the current row into cell. intbuf (may be NULL) is
 * where an INTEGER's text goes; it must live as long as the cell. */
void sq_read_cell(sqlite3_stmt *st, int i, bool raw, char *intbuf, struct rf_cell *cell)
{
	/* The column's value once, then the sqlite3_value_* calls: the
	 * sqlite3_column_* ones look the column up and check the connection's
	 * error state on every call, three calls a cell. The connection is
	 * opened SQLITE_OPEN_NOMUTEX, where an unprotected value is a
	 * protected one (sqlite3_column_value). */
	sqlite3_value *v = sqlite3_column_value(st, i);
	int type = sqlite3_value_type(v);
	const void *p;

	if (type == SQLITE_NULL) {
		cell->is_null = true;
		cell->data = NULL;
		cell->len = 0;
		return;
	}
	if (type == SQLITE_INTEGER && !raw && intbuf) {
		cell->is_null = false;
		/* SQLite's own integer-to-text goes through its printf machinery,
		 * a tenth of a full diff's time */
		cell->len = rf_int64_text(sqlite3_value_int64(v), intbuf);
		cell->data = intbuf;
		return;
	}
	/* REALs too (the same text, sqlite_real.c), where it is sure */
	if (type == SQLITE_FLOAT && !raw && intbuf &&
	    (cell->len = sq_real_text(sqlite3_value_double(v), intbuf)) > 0) {
		cell->is_null = false;
		cell->data = intbuf;
		return;
	}
	/* _blob/_text before _bytes: the length is that of the form asked for */
	if (raw || type == SQLITE_BLOB)
		p = sqlite3_value_blob(v);
	else
		p = sqlite3_value_text(v);
	cell->is_null = false;
	cell->len = (size_t)sqlite3_value_bytes(v);
	cell->data = p ? p : ""; /* an empty blob comes back as NULL */
}

int sq_stream_next(struct rf_stream *handle, const struct rf_row **row, struct rf_error *err)
{
	struct sqlite_stream *s = stream_of(handle);
	size_t i;
	int step;

	if (s->done)
		return 0;
	sq_arm_deadline(s->db);
	step = sqlite3_step(s->stmt);
	if (step == SQLITE_DONE) {
		s->done = true;
		return 0;
	}
	if (step != SQLITE_ROW) {
		s->done = true;
		return sq_fail(s->db, err, NULL);
	}
	for (i = 0; i < s->row.ncols; i++)
		sq_read_cell(s->stmt, (int)i, s->raw[i], s->ints[i], &s->cells[i]);
	*row = &s->row;
	return 1;
}
