/* pg_stream.c - the PostgreSQL driver's row streams.
 *
 * Reads stream with COPY (SELECT ...) TO STDOUT: it is the fastest way out
 * of PostgreSQL and the performance target is measured against it (DESIGN
 * §9). The format is binary, with every column whose binary form is not
 * its text selected as text (x::text, the type's output): bytea then comes
 * as its raw bytes, not as hex twice their size, and a huge value costs
 * its own size in libpq's buffer and in the line, not four times it
 * (DESIGN §9: 3x the largest value + 64 MiB). Cells point into the line
 * libpq hands us, so a row costs no allocation of ours.
 * COPY cannot lock rows, so a locking stream (apply's re-check) uses a cursor
 * fetched in batches instead, which also leaves the connection free for
 * exec() between batches.
 * A diff that only lists what differs may ask for large values as digests
 * (rf_stream_spec digest, diff_digest.c): a value over the size comes as
 * its first bytes and its SHA-256, computed by the server, so neither
 * libpq's buffer nor the line holds it.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "rowferry/db.h"

#define PG_FETCH_ROWS 1000 /* rows per FETCH on the cursor path */

struct rf_stream {
	struct pg_db *db;
	size_t ncols;
	bool *is_bool;         /* per output column: one byte, shown as t / f */
	struct rf_cell *cells; /* ncols cells, reused for every row */
	struct rf_row row;
	bool done;
	/* COPY path */
	bool savepoint; /* a SAVEPOINT guards the COPY (inside a transaction) */
	bool header;    /* the binary COPY header was read */
	char *line;     /* the current line from PQgetCopyData (PQfreemem) */
	/* cursor path */
	bool use_cursor;
	bool cursor_open; /* DECLAREd, to be CLOSEd */
	bool last_batch;
	char cursor[32];
	PGresult *batch; /* binary results, like the COPY's fields */
	int batch_row;
};

/* A column in the select list of a binary stream, so that its binary form
 * is its text form: bytea (raw bytes), text-like types (text, varchar,
 * bpchar, name, enums, citext: binary is the text) and bool (one byte) as
 * they are; other classes cast to text, which is their output function;
 * class other through format('%s'), which calls the output function even
 * where a cast to text is not it (inet::text shows the netmask). */
static void select_col(struct rf_db *db, const struct rf_column *c, struct rf_buf *sql)
{
	switch (c->tclass) {
	case RF_T_BYTES:
	case RF_T_TEXT:
	case RF_T_BOOLEAN:
		pg_quote_ident(db, c->name, sql);
		break;
	case RF_T_OTHER:
		rf_buf_adds(sql, "CASE WHEN ");
		pg_quote_ident(db, c->name, sql);
		rf_buf_adds(sql, " IS NOT NULL THEN format('%s', ");
		pg_quote_ident(db, c->name, sql);
		rf_buf_adds(sql, ") END");
		break;
	default:
		pg_quote_ident(db, c->name, sql);
		rf_buf_adds(sql, "::text");
		break;
	}
}

/* Whether column c can be read as a digest (rf_stream_spec digest): bytea,
 * and text whose bytes are the value's as streamed (text, varchar, citext;
 * a char(n) is padded where its cast to text is not). */
static bool digestible(const struct rf_column *c)
{
	const char *t = c->decl_type ? c->decl_type : "";
	return c->tclass == RF_T_BYTES ||
	       (c->tclass == RF_T_TEXT && (strcmp(t, "text") == 0 || strcmp(t, "citext") == 0 ||
	                                   strncmp(t, "character varying", 17) == 0));
}

/* "CASE WHEN octet_length(col) > min THEN " */
static void digest_when(struct rf_db *db, const struct rf_column *c, size_t min, struct rf_buf *sql)
{
	rf_buf_adds(sql, "CASE WHEN octet_length(");
	pg_quote_ident(db, c->name, sql);
	rf_buf_printf(sql, ") > %zu THEN ", min);
}

/* Column c of a digest stream: its first RF_DIGEST_PREFIX bytes (bytea) or
 * characters (text) where it is over min bytes, else the value. */
static void select_digest_col(struct rf_db *db, const struct rf_column *c, size_t min,
                              struct rf_buf *sql)
{
	digest_when(db, c, min, sql);
	rf_buf_adds(sql, c->tclass == RF_T_BYTES ? "substring(" : "left(");
	pg_quote_ident(db, c->name, sql);
	rf_buf_printf(sql, c->tclass == RF_T_BYTES ? " FROM 1 FOR %d)" : ", %d)", RF_DIGEST_PREFIX);
	rf_buf_adds(sql, " ELSE ");
	pg_quote_ident(db, c->name, sql);
	rf_buf_adds(sql, " END");
}

/* Column c's digest: the SHA-256 of its bytes (text in UTF-8, the
 * connection's client_encoding, as the stream sends it) where it is over
 * min bytes, else NULL. */
static void select_digest(struct rf_db *db, const struct rf_column *c, size_t min,
                          struct rf_buf *sql)
{
	if (!digestible(c)) {
		rf_buf_adds(sql, "NULL::bytea");
		return;
	}
	digest_when(db, c, min, sql);
	rf_buf_adds(sql, "sha256(");
	if (c->tclass == RF_T_TEXT)
		rf_buf_adds(sql, "convert_to(");
	pg_quote_ident(db, c->name, sql);
	rf_buf_adds(sql, c->tclass == RF_T_TEXT ? ", 'UTF8')) END" : ") END");
}

/* substring(col FROM from FOR len): bytes of a bytea, characters of text
 * (db.h, piece_expr). */
void pg_piece_expr(struct rf_db *db, const char *col, unsigned long long from, unsigned len,
                   struct rf_buf *out)
{
	rf_buf_adds(out, "substring(");
	pg_quote_ident(db, col, out);
	rf_buf_printf(out, " FROM %llu FOR %u)", from, len);
}

/* The cast of a raw expression (sql()) whose binary form is then its
 * text, as select_col makes it of a column: its type is the engine's to
 * decide, so every class but bytes and boolean goes through text. */
static const char *expr_cast(enum rf_type_class c)
{
	return c == RF_T_BYTES ? "::bytea" : c == RF_T_BOOLEAN ? "::boolean" : "::text";
}

/* SELECT cols FROM table [WHERE (where)] ORDER BY key [FOR UPDATE].
 *
 * The collation trap: a database created in en_US.UTF-8 sorts 'a' < 'B',
 * but the merge-join compares keys byte by byte, so text keys are ordered
 * with COLLATE "C". Enums, citext, json and "other" types are ordered by
 * their text form for the same reason (their own order is not byte order,
 * and json has none). NULLS FIRST only where a NULL can occur: on a NOT
 * NULL column it would stop PostgreSQL from using the key's index. */
static void build_select(struct rf_db *db, const struct rf_stream_spec *spec, struct rf_buf *sql)
{
	const struct rf_table_info *t = spec->table;

	rf_buf_adds(sql, "SELECT ");
	for (size_t i = 0; i < spec->ncols; i++) {
		if (i)
			rf_buf_adds(sql, ", ");
		if (spec->refs && spec->refs[i].parent)
			rf_db_ref_select(db, &spec->refs[i], t, t->cols[spec->cols[i]].name,
			                 "::text", sql);
		else if (spec->digest && spec->digest[i] && digestible(&t->cols[spec->cols[i]]))
			select_digest_col(db, &t->cols[spec->cols[i]], spec->digest_min, sql);
		else
			select_col(db, &t->cols[spec->cols[i]], sql);
	}
	for (size_t i = 0; i < spec->nexprs; i++) {
		if (i || spec->ncols)
			rf_buf_adds(sql, ", ");
		rf_db_expr_select(db, &spec->exprs[i], i, expr_cast(spec->exprs[i].tclass), sql);
	}
	for (size_t i = 0; spec->digest && i < spec->ncols; i++) {
		if (!spec->digest[i])
			continue;
		rf_buf_adds(sql, ", ");
		select_digest(db, &t->cols[spec->cols[i]], spec->digest_min, sql);
	}
	rf_buf_adds(sql, " FROM ");
	pg_quote_table(db, t, sql);
	if (spec->where)
		rf_buf_printf(sql, " WHERE (%s)", spec->where);
	pg_key_ranges(db, spec, spec->where != NULL, sql);
	/* the key columns qualified: a select list item x::text is also named
	 * x, and ORDER BY x would sort by it */
	for (size_t i = 0; i < spec->nkey; i++) {
		const struct rf_column *c = &t->cols[spec->key[i]];
		rf_buf_adds(sql, i ? ", " : " ORDER BY ");
		pg_quote_table(db, t, sql);
		rf_buf_addc(sql, '.');
		pg_quote_ident(db, c->name, sql);
		if (c->tclass == RF_T_TEXT || c->tclass == RF_T_JSON || c->tclass == RF_T_OTHER)
			rf_buf_adds(sql, "::text COLLATE \"C\"");
		if (c->nullable)
			rf_buf_adds(sql, " NULLS FIRST");
	}
	if (spec->lock)
		rf_buf_adds(sql, " FOR UPDATE");
}

static int stream_error(struct rf_stream *s, const char *what, struct rf_error *err)
{
	return rf_error_set(err, s->db->base.name, "%s", what);
}

/* Ends the COPY: collects its final result, frees the connection, and
 * settles the savepoint (released after success; after a failure rolled
 * back to, so an open transaction stays usable). failed: the caller already
 * saw an error. Returns 0 or -1 with err. */
static int copy_finish(struct rf_stream *s, bool failed, struct rf_error *err)
{
	struct pg_db *db = s->db;
	PGresult *res;

	while ((res = PQgetResult(db->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			pg_fail(db, res, err);
			failed = true;
		}
		PQclear(res);
	}
	db->copy_stream = NULL;
	s->done = true;
	if (s->savepoint) {
		s->savepoint = false;
		if (failed)
			pg_run(db, "ROLLBACK TO SAVEPOINT rf_stream", NULL);
		if (pg_run(db, "RELEASE SAVEPOINT rf_stream", failed ? NULL : err) != 0)
			failed = true;
	}
	return failed ? -1 : 0;
}

/* Stops a COPY before its end: asks the server to cancel, drains what is
 * already on the way, and settles the savepoint. */
static void copy_abort(struct rf_stream *s)
{
	PGcancel *cancel = PQgetCancel(s->db->conn);
	char errbuf[256], *buf;

	if (cancel) {
		PQcancel(cancel, errbuf, sizeof errbuf);
		PQfreeCancel(cancel);
	}
	while (PQgetCopyData(s->db->conn, &buf, 0) > 0)
		PQfreemem(buf);
	copy_finish(s, true, NULL);
}

/* Starts COPY (select) TO STDOUT, through the extended protocol like every
 * statement (pg_query): the server refuses a second statement smuggled in
 * the select. Inside a transaction a savepoint is set first, so that an
 * error, or a COPY cancelled by an early stream_close(), does not leave the
 * transaction aborted. */
static int copy_open(struct rf_stream *s, const char *select, struct rf_error *err)
{
	struct pg_db *db = s->db;
	struct rf_buf sql = RF_BUF_INIT;
	PGresult *res;
	int rc = -1;

	if (db->base.in_tx) {
		if (pg_run(db, "SAVEPOINT rf_stream", err) != 0)
			goto cleanup;
		s->savepoint = true;
	}
	rf_buf_printf(&sql, "COPY (%s) TO STDOUT (FORMAT binary)", select);
	if (!PQsendQueryParams(db->conn, sql.data, 0, NULL, NULL, NULL, NULL, 0)) {
		pg_fail(db, NULL, err);
		copy_finish(s, true, NULL);
		goto cleanup;
	}
	db->copy_stream = s;
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (PQresultStatus(res) == PGRES_COPY_OUT) {
			PQclear(res);
			rc = 0;
			goto cleanup;
		}
		pg_fail(db, res, err);
		PQclear(res);
		break;
	}
	rf_error_set(err, db->base.name, "COPY did not start");
	copy_finish(s, true, NULL);
cleanup:
	rf_buf_free(&sql);
	return rc;
}

/* Declares a cursor for a locking SELECT; rows come in FETCH batches. */
static int cursor_open(struct rf_stream *s, const char *select, struct rf_error *err)
{
	char *sql;

	s->use_cursor = true;
	snprintf(s->cursor, sizeof s->cursor, "rf_cursor_%u", ++s->db->cursor_seq);
	sql = rf_xasprintf("DECLARE %s NO SCROLL CURSOR FOR %s", s->cursor, select);
	s->cursor_open = pg_run(s->db, sql, err) == 0;
	free(sql);
	s->done = !s->cursor_open;
	return s->cursor_open ? 0 : -1;
}

/* On success *out is a stream the caller closes with stream_close(). While
 * a stream that is not locking is open, the connection is busy: exec(),
 * describe() and commit fail until it ends or is closed. */
int pg_stream_open(struct rf_db *dbp, const struct rf_stream_spec *spec, struct rf_stream **out,
                   struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	struct rf_buf select = RF_BUF_INIT;
	struct rf_stream *s = NULL;
	int rc = -1;

	*out = NULL;
	if (rf_db_check_where(dbp, spec->where, err) != 0 ||
	    rf_db_check_exprs(dbp, spec, err) != 0 || pg_busy(db, err) != 0)
		goto cleanup;
	for (size_t i = 0; i < spec->ncols + spec->nkey; i++) {
		size_t c = i < spec->ncols ? spec->cols[i] : spec->key[i - spec->ncols];
		if (c >= spec->table->ncols) {
			rf_error_set(err, dbp->name, "stream of %s: column index %zu out of range",
			             spec->table->display, c);
			goto cleanup;
		}
	}
	if (spec->lock && !(dbp->in_tx && dbp->tx_mode == RF_TX_WRITE)) {
		rf_error_set(err, dbp->name, "locking rows needs a write transaction");
		goto cleanup;
	}
	s = rf_xcalloc(1, sizeof *s);
	s->db = db;
	s->ncols = spec->ncols + spec->nexprs;
	for (size_t i = 0; spec->digest && i < spec->ncols; i++)
		s->ncols += spec->digest[i]; /* the digests' columns */
	s->is_bool = rf_xcalloc(s->ncols, sizeof *s->is_bool);
	s->cells = rf_xcalloc(s->ncols, sizeof *s->cells);
	for (size_t i = 0; i < spec->ncols + spec->nexprs; i++)
		s->is_bool[i] =
		    (i < spec->ncols ? spec->table->cols[spec->cols[i]].tclass
		                     : spec->exprs[i - spec->ncols].tclass) == RF_T_BOOLEAN;
	s->row.ncols = s->ncols;
	s->row.cells = s->cells;
	build_select(dbp, spec, &select);
	/* COPY cannot lock rows */
	if ((spec->lock ? cursor_open(s, select.data, err) : copy_open(s, select.data, err)) != 0)
		goto cleanup;
	*out = s;
	rc = 0;
cleanup:
	rf_buf_free(&select);
	if (rc != 0)
		pg_stream_close(s);
	return rc;
}

static uint32_t be32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

/* A field's binary form as the cell's text: bool's one byte becomes t or
 * f in place; everything else is its text already (select_col). */
static int field_cell(struct rf_stream *s, size_t i, char *p, size_t len, struct rf_error *err)
{
	struct rf_cell *c = &s->cells[i];

	c->is_null = false;
	c->data = p;
	c->len = len;
	if (s->is_bool[i]) {
		if (len != 1)
			return stream_error(s, "a boolean field is not one byte", err);
		*p = *p ? 't' : 'f';
	}
	return 0;
}

/* Reads one binary COPY message into s->cells (which point into it): the
 * file header before the first row, then an int16 field count and per
 * field an int32 length (-1: NULL) and its bytes. Returns 1 for a row, 0
 * for the trailer (field count -1), -1 with err. */
static int parse_copy_row(struct rf_stream *s, char *p, size_t n, struct rf_error *err)
{
	static const char sig[11] = "PGCOPY\n\377\r\n";
	char *end = p + n;
	int nf;

	if (!s->header) {
		uint32_t ext;
		if (n < 19 || memcmp(p, sig, sizeof sig) != 0)
			return stream_error(s, "COPY data has no binary header", err);
		ext = be32(p + 15);
		if (ext > n - 19)
			return stream_error(s, "COPY binary header is cut short", err);
		p += 19 + ext;
		s->header = true;
	}
	if (end - p < 2)
		return stream_error(s, "COPY row is cut short", err);
	nf = (int16_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]);
	p += 2;
	if (nf == -1)
		return 0;
	if (nf < 0 || (size_t)nf != s->ncols)
		return stream_error(s, "COPY row has the wrong number of fields", err);
	for (size_t i = 0; i < s->ncols; i++) {
		int32_t len;
		if (end - p < 4)
			return stream_error(s, "COPY row is cut short", err);
		len = (int32_t)be32(p);
		p += 4;
		if (len == -1) {
			s->cells[i].is_null = true;
			continue;
		}
		if (len < 0 || len > end - p)
			return stream_error(s, "COPY field is cut short", err);
		if (field_cell(s, i, p, (size_t)len, err) != 0)
			return -1;
		p += len;
	}
	if (p != end)
		return stream_error(s, "COPY row has too many fields", err);
	return 1;
}

static int copy_next(struct rf_stream *s, struct rf_error *err)
{
	int n, r;

	while ((n = PQgetCopyData(s->db->conn, &s->line, 0)) > 0) {
		if ((r = parse_copy_row(s, s->line, (size_t)n, err)) == 1)
			return 1;
		PQfreemem(s->line);
		s->line = NULL;
		if (r < 0) {
			copy_abort(s); /* a row we cannot read: free the connection */
			return -1;
		}
		/* the trailer: the end follows */
	}
	if (n == -2)
		pg_fail(s->db, NULL, err);
	return copy_finish(s, n != -1, err);
}

/* Points s->cells at row r of the current FETCH batch (binary results:
 * the same fields as the COPY's). */
static int cursor_row(struct rf_stream *s, int r, struct rf_error *err)
{
	PGresult *res = s->batch;

	if ((size_t)PQnfields(res) != s->ncols)
		return stream_error(s, "cursor returned an unexpected column count", err);
	for (size_t i = 0; i < s->ncols; i++) {
		if (PQgetisnull(res, r, (int)i)) {
			s->cells[i].is_null = true;
			continue;
		}
		if (field_cell(s, i, PQgetvalue(res, r, (int)i),
		               (size_t)PQgetlength(res, r, (int)i), err) != 0)
			return -1;
	}
	return 0;
}

static int cursor_next(struct rf_stream *s, struct rf_error *err)
{
	char sql[64];

	if (s->batch && s->batch_row < PQntuples(s->batch))
		return cursor_row(s, s->batch_row++, err) == 0 ? 1 : -1;
	PQclear(s->batch);
	s->batch = NULL;
	s->done = s->last_batch;
	if (s->done)
		return 0;
	snprintf(sql, sizeof sql, "FETCH FORWARD %d FROM %s", PG_FETCH_ROWS, s->cursor);
	if (!(s->batch = pg_query_binary(s->db, sql, err))) {
		s->done = true;
		return -1;
	}
	s->batch_row = 0;
	/* a short batch is the last: saves a round trip for an empty FETCH */
	s->last_batch = PQntuples(s->batch) < PG_FETCH_ROWS;
	return cursor_next(s, err);
}

int pg_stream_next(struct rf_stream *s, const struct rf_row **row, struct rf_error *err)
{
	int rc;

	*row = NULL;
	if (s->line) {
		PQfreemem(s->line);
		s->line = NULL;
	}
	if (s->done)
		return 0;
	rc = s->use_cursor ? cursor_next(s, err) : copy_next(s, err);
	if (rc == 1)
		*row = &s->row;
	return rc;
}

/* The COPY path's line goes back to libpq at once; a cursor's rows share
 * their batch's result, which stays. */
void pg_stream_release(struct rf_stream *s)
{
	if (s->line) {
		PQfreemem(s->line);
		s->line = NULL;
	}
}

/* Frees s (NULL is fine). A COPY still running is cancelled and drained;
 * a cursor is closed while its transaction is still usable. */
void pg_stream_close(struct rf_stream *s)
{
	if (!s)
		return;
	if (s->line)
		PQfreemem(s->line);
	if (!s->done && s->db->copy_stream == s)
		copy_abort(s);
	if (s->cursor_open && PQtransactionStatus(s->db->conn) == PQTRANS_INTRANS) {
		char sql[64];
		snprintf(sql, sizeof sql, "CLOSE %s", s->cursor);
		pg_run(s->db, sql, NULL);
	}
	PQclear(s->batch);
	free(s->cells);
	free(s->is_bool);
	free(s);
}
