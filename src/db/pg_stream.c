/* pg_stream.c - the PostgreSQL driver's row streams.
 *
 * Reads stream with COPY (SELECT ...) TO STDOUT in text format: it is the
 * fastest way out of PostgreSQL and the performance target is measured
 * against it (DESIGN §9). Each line is decoded in place in the buffer libpq
 * hands us, so a row costs no allocation of ours and memory stays flat.
 * COPY cannot lock rows, so a locking stream (apply's re-check) uses a cursor
 * fetched in batches instead, which also leaves the connection free for
 * exec() between batches.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "rowferry/db.h"

#define PG_FETCH_ROWS 1000 /* rows per FETCH on the cursor path */

struct rf_stream {
	struct pg_db *db;
	size_t ncols;
	bool *is_bytes;        /* per output column: decode bytea to raw bytes */
	struct rf_cell *cells; /* ncols cells, reused for every row */
	struct rf_row row;
	bool done;
	/* COPY path */
	bool savepoint; /* a SAVEPOINT guards the COPY (inside a transaction) */
	char *line;     /* the current line from PQgetCopyData (PQfreemem) */
	/* cursor path */
	bool use_cursor;
	bool cursor_open; /* DECLAREd, to be CLOSEd */
	bool last_batch;
	char cursor[32];
	PGresult *batch;
	int batch_row;
	struct rf_buf scratch; /* decoded bytea of the current row */
};

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
		pg_quote_ident(db, t->cols[spec->cols[i]].name, sql);
	}
	rf_buf_adds(sql, " FROM ");
	pg_quote_table(db, t, sql);
	if (spec->where)
		rf_buf_printf(sql, " WHERE (%s)", spec->where);
	for (size_t i = 0; i < spec->nkey; i++) {
		const struct rf_column *c = &t->cols[spec->key[i]];
		rf_buf_adds(sql, i ? ", " : " ORDER BY ");
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

/* Starts COPY (select) TO STDOUT. Inside a transaction a savepoint is set in
 * the same round trip, so that an error, or a COPY cancelled by an early
 * stream_close(), does not leave the transaction aborted. */
static int copy_open(struct rf_stream *s, const char *select, struct rf_error *err)
{
	struct pg_db *db = s->db;
	struct rf_buf sql = RF_BUF_INIT;
	PGresult *res;
	int rc = -1;

	if (db->base.in_tx)
		rf_buf_adds(&sql, "SAVEPOINT rf_stream; ");
	rf_buf_printf(&sql, "COPY (%s) TO STDOUT", select);
	if (!PQsendQuery(db->conn, sql.data)) {
		pg_fail(db, NULL, err);
		goto cleanup;
	}
	db->copy_stream = s;
	while ((res = PQgetResult(db->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK) { /* the SAVEPOINT */
			s->savepoint = true;
			PQclear(res);
			continue;
		}
		if (st == PGRES_COPY_OUT) {
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
	if (rf_db_check_where(spec->where, dbp->name, err) != 0 || pg_busy(db, err) != 0)
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
	s->ncols = spec->ncols;
	s->is_bytes = rf_xcalloc(s->ncols, sizeof *s->is_bytes);
	s->cells = rf_xcalloc(s->ncols, sizeof *s->cells);
	for (size_t i = 0; i < s->ncols; i++)
		s->is_bytes[i] = spec->table->cols[spec->cols[i]].tclass == RF_T_BYTES;
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

/* The byte a COPY text escape \c stands for (\b \f \n \r \t \v; any other
 * character stands for itself, e.g. \\). */
static char copy_unescape(char c)
{
	static const char from[] = "bfnrtv", to[] = "\b\f\n\r\t\v";
	const char *p = strchr(from, c);
	return p && c ? to[p - from] : c;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* Unescapes a COPY text field in place from p (its first backslash) to
 * end: \n \t \\ ..., \ooo octal, \xhh hex, as COPY FROM reads them. Runs
 * without escapes move in one piece. Returns the new end of the field, or
 * NULL when the field ends in a lone backslash. */
static char *copy_unescape_field(char *p, char *end)
{
	char *w = p;

	while (p < end) {
		char *bs = memchr(p, '\\', (size_t)(end - p));
		size_t run = (size_t)((bs ? bs : end) - p);
		int v = 0;

		memmove(w, p, run);
		w += run;
		p += run;
		if (!bs)
			break;
		if (++p == end)
			return NULL;
		if (is_octal(*p)) {
			for (int k = 0; k < 3 && p < end && is_octal(*p); k++)
				v = v * 8 + (*p++ - '0');
			*w++ = (char)v;
		} else if (*p == 'x' && p + 1 < end && pg_hex_value(p[1]) >= 0) {
			v = pg_hex_value(*++p);
			if (p + 1 < end && pg_hex_value(p[1]) >= 0)
				v = v * 16 + pg_hex_value(*++p);
			p++;
			*w++ = (char)v;
		} else {
			*w++ = copy_unescape(*p++);
		}
	}
	return w;
}

/* Decodes one COPY text line in place into s->cells: fields separated by
 * tabs, \N alone is NULL, escapes as copy_unescape_field() reads them.
 * Cells point into the line. */
static int parse_copy_line(struct rf_stream *s, char *p, size_t n, struct rf_error *err)
{
	char *end = p + n, *bs;

	if (n && end[-1] == '\n')
		end--;
	/* the next backslash of the line: most fields hold none, so one search
	 * serves many fields */
	bs = memchr(p, '\\', n);
	for (size_t i = 0; i < s->ncols; i++) {
		struct rf_cell *c = &s->cells[i];
		char *f, *w, *fend;

		if (i && (p >= end || *p++ != '\t'))
			return stream_error(s, "COPY row has too few fields", err);
		f = p;
		if (bs == p && end - p >= 2 && p[1] == 'N' && (end - p == 2 || p[2] == '\t')) {
			c->is_null = true;
			p += 2;
			bs = memchr(p, '\\', (size_t)(end - p));
			continue;
		}
		/* a raw tab always ends a field: tabs inside values arrive as \t */
		fend = memchr(p, '\t', (size_t)(end - p));
		fend = fend ? fend : end;
		w = fend;
		if (bs && bs < fend) {
			if (!(w = copy_unescape_field(bs, fend)))
				return stream_error(s, "COPY row ends in a backslash", err);
			bs = memchr(fend, '\\', (size_t)(end - fend));
		}
		p = fend;
		c->is_null = false;
		c->data = f;
		c->len = (size_t)(w - f);
		if (s->is_bytes[i]) { /* bytea arrives as \x + hex: decode in place */
			long len = c->len >= 2 && f[0] == '\\' && f[1] == 'x'
			               ? pg_hex_decode(f, f + 2, c->len - 2)
			               : -1;
			if (len < 0)
				return stream_error(s, "bytea value is not in hex form", err);
			c->len = (size_t)len;
		}
	}
	if (p != end)
		return stream_error(s, "COPY row has too many fields", err);
	return 0;
}

static int copy_next(struct rf_stream *s, struct rf_error *err)
{
	int n = PQgetCopyData(s->db->conn, &s->line, 0);
	if (n > 0) {
		if (parse_copy_line(s, s->line, (size_t)n, err) == 0)
			return 1;
		copy_abort(s); /* a line we cannot read: free the connection */
		return -1;
	}
	if (n == -2)
		pg_fail(s->db, NULL, err);
	return copy_finish(s, n != -1, err);
}

/* Points s->cells at row r of the current FETCH batch; bytea is decoded
 * into s->scratch, reserved up front so the pointers stay valid. */
static int cursor_row(struct rf_stream *s, int r, struct rf_error *err)
{
	const PGresult *res = s->batch;
	size_t need = 0;

	if ((size_t)PQnfields(res) != s->ncols)
		return stream_error(s, "cursor returned an unexpected column count", err);
	rf_buf_reset_small(&s->scratch);
	for (size_t i = 0; i < s->ncols; i++)
		if (s->is_bytes[i])
			need += (size_t)PQgetlength(res, r, (int)i) / 2;
	rf_buf_reserve(&s->scratch, need);
	for (size_t i = 0; i < s->ncols; i++) {
		struct rf_cell *c = &s->cells[i];
		const char *v = PQgetvalue(res, r, (int)i);
		size_t len = (size_t)PQgetlength(res, r, (int)i);
		char *dst = s->scratch.data + s->scratch.len;
		long n;

		c->is_null = PQgetisnull(res, r, (int)i);
		c->data = v;
		c->len = len;
		if (!s->is_bytes[i] || c->is_null)
			continue;
		n = len >= 2 && v[0] == '\\' && v[1] == 'x' ? pg_hex_decode(dst, v + 2, len - 2)
		                                            : -1;
		if (n < 0)
			return stream_error(s, "bytea value is not in hex form", err);
		s->scratch.len += (size_t)n;
		c->data = dst;
		c->len = (size_t)n;
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
	if (!(s->batch = pg_query(s->db, sql, 0, NULL, err))) {
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
	rf_buf_free(&s->scratch);
	free(s->cells);
	free(s->is_bytes);
	free(s);
}
