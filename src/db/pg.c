/* pg.c - the PostgreSQL driver (libpq) behind struct rf_db_ops (db.h).
 *
 * Reads stream with COPY (SELECT ...) TO STDOUT in text format: it is the
 * fastest way out of PostgreSQL and the performance target is measured
 * against it (DESIGN §9). Each line is decoded in place in the buffer libpq
 * hands us, so a row costs no allocation of ours and memory stays flat.
 * COPY cannot lock rows, so a locking stream (apply's re-check) uses a cursor
 * fetched in batches instead, which also leaves the connection free for
 * exec() between batches.
 *
 * Every catalog query binds its parameters; identifiers and literals are
 * quoted only by pg_quote_ident() / pg_quote_literal(), through libpq.
 */
#include "rowferry/db.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_BYTEA_OID   17
#define PG_FETCH_ROWS  1000 /* rows per FETCH on the cursor path */
#define PG_COUNT_BATCH 100  /* tables counted per query in list_tables */
#define PG_MIN_VERSION 120000

struct pg_db {
	struct rf_db base; /* first: the core only sees this part */
	PGconn *conn;
	struct rf_stream *copy_stream; /* the COPY that holds the connection, or NULL */
	unsigned cursor_seq;           /* names cursors uniquely per connection */
};

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

static struct pg_db *pg(struct rf_db *db)
{
	return (struct pg_db *)db;
}

/* Copies the first line of msg, without trailing blanks, into out. */
static void first_line(const char *msg, char *out, size_t outlen)
{
	size_t n = strcspn(msg ? msg : "", "\r\n");
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, msg ? msg : "", n);
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
}

/* Sets err from a failed result (its primary message, as the server wrote
 * it: 'relation "x" does not exist') or from the connection. Returns -1. */
static int pg_fail(struct pg_db *db, const PGresult *res, struct rf_error *err)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char line[1024];

	if (primary && *primary)
		first_line(primary, line, sizeof line);
	else
		first_line(PQerrorMessage(db->conn), line, sizeof line);
	if (!*line)
		snprintf(line, sizeof line, "unknown PostgreSQL error");
	return rf_error_set(err, db->base.name, "%s", line);
}

static int pg_busy(struct pg_db *db, struct rf_error *err)
{
	if (!db->copy_stream)
		return 0;
	return rf_error_set(err, db->base.name,
	                    "a row stream is still open on this connection; close it first");
}

/* Every internal statement goes through here (psql's PSQLexec): one place
 * that checks the connection is free and handles the result status. With
 * no parameters the simple protocol is used, so sql may hold several
 * statements. Returns the result (caller PQclear()s) or NULL with err. */
static PGresult *pg_query(struct pg_db *db, const char *sql, int nparams, const char *const *params,
                          struct rf_error *err)
{
	PGresult *res;
	ExecStatusType st;

	if (pg_busy(db, err))
		return NULL;
	if (nparams == 0)
		res = PQexec(db->conn, sql);
	else
		res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	pg_fail(db, res, err);
	PQclear(res);
	return NULL;
}

/* Runs sql and discards the result. Returns 0 or -1 with err. */
static int pg_run(struct pg_db *db, const char *sql, struct rf_error *err)
{
	PGresult *res = pg_query(db, sql, 0, NULL, err);
	PQclear(res);
	return res ? 0 : -1;
}

/* hex digit value + 1, 0 for anything else: a table because bytea decoding
 * is the hottest loop of a stream */
static const signed char hex_table[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hex_value(char c)
{
	return hex_table[(unsigned char)c] - 1;
}

/* Decodes n hex digits at src into dst (dst may equal src: the output is
 * half as long and never overtakes the input). Returns the byte count, or
 * -1 when src is not an even run of hex digits. */
static long hex_decode(char *dst, const char *src, size_t n)
{
	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_value(src[i]), lo = hex_value(src[i + 1]);
		if ((hi | lo) < 0)
			return -1;
		dst[i / 2] = (char)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

/* ---- connection --------------------------------------------------------- */

/* Replaces every occurrence of secret in msg with "***". libpq does not put
 * passwords in its messages; this makes sure no future one can leak. */
static void scrub_secret(char *msg, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *p = msg;

	if (!n)
		return;
	while ((p = strstr(p, secret)) != NULL) {
		if (n >= 3) {
			memcpy(p, "***", 3);
			memmove(p + 3, p + n, strlen(p + n) + 1);
			p += 3;
		} else {
			memset(p, '*', n);
			p += n;
		}
	}
}

/* Opens a libpq connection. The URL or conninfo goes to libpq unchanged as
 * an expandable dbname, so PG* variables, .pgpass, service files and
 * sslmode behave as in psql; keywords after it override the URL's. */
static PGconn *pg_open(const char *url, const char *password)
{
	const char *keys[5], *vals[5];
	int n = 0;

	keys[n] = "dbname", vals[n++] = url;
	keys[n] = "fallback_application_name", vals[n++] = "rowferry";
	keys[n] = "client_encoding", vals[n++] = "UTF8";
	if (password)
		keys[n] = "password", vals[n++] = password;
	keys[n] = NULL, vals[n] = NULL;
	return PQconnectdbParams(keys, vals, 1);
}

/* The session settings the rest of the driver relies on: timestamps in UTC
 * and ISO form (value.h canonicalizes from there), bytea as hex (decoded by
 * the stream), floats that round-trip, literals without backslash escapes
 * (pg_quote_literal writes '\x..'). */
static const char pg_session_sql[] =
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'iso_8601'; "
    "SET extra_float_digits = 3; SET bytea_output = 'hex'; "
    "SET standard_conforming_strings = on";

/* On success *out is a new connection the caller closes with pg_close(). */
static int pg_connect(const struct rf_connect_opts *o, struct rf_db **out, struct rf_error *err)
{
	struct pg_db *db = rf_xcalloc(1, sizeof *db);
	char *prompted = NULL;
	int rc = -1;

	*out = NULL;
	rf_db_init_base(&db->base, &rf_pg_ops, o);
	db->conn = pg_open(o->url, o->password);
	/* the last password source: ask, when nothing else supplied one */
	if (PQstatus(db->conn) != CONNECTION_OK && !o->password && o->allow_prompt &&
	    PQconnectionNeedsPassword(db->conn)) {
		prompted = rf_db_prompt_password(db->base.name);
		if (prompted) {
			PQfinish(db->conn);
			db->conn = pg_open(o->url, prompted);
		}
	}
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		char line[1024];
		PQconninfoOption *opts = db->conn ? PQconninfo(db->conn) : NULL;
		first_line(db->conn ? PQerrorMessage(db->conn) : "out of memory", line,
		           sizeof line);
		scrub_secret(line, o->password);
		scrub_secret(line, prompted);
		for (PQconninfoOption *opt = opts; opt && opt->keyword; opt++)
			if (strcmp(opt->keyword, "password") == 0)
				scrub_secret(line, opt->val);
		PQconninfoFree(opts);
		rf_error_set(err, db->base.name, "%s", *line ? line : "cannot connect");
		goto cleanup;
	}
	if (PQserverVersion(db->conn) < PG_MIN_VERSION) {
		rf_error_set(err, db->base.name,
		             "PostgreSQL 12 or later is required (server is %s)",
		             PQparameterStatus(db->conn, "server_version"));
		goto cleanup;
	}
	if (pg_run(db, pg_session_sql, err) != 0)
		goto cleanup;
	*out = &db->base;
	rc = 0;
cleanup:
	if (prompted) {
		memset(prompted, 0, strlen(prompted));
		free(prompted);
	}
	if (rc != 0) {
		PQfinish(db->conn);
		rf_db_free_base(&db->base);
		free(db);
	}
	return rc;
}

static void pg_close(struct rf_db *dbp)
{
	struct pg_db *db = pg(dbp);
	if (!db)
		return;
	PQfinish(db->conn);
	rf_db_free_base(&db->base);
	free(db);
}

/* ---- transactions ------------------------------------------------------- */

static int pg_begin(struct rf_db *dbp, enum rf_tx_mode mode, const struct rf_tx_opts *opts,
                    struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	char sql[200];

	if (dbp->in_tx)
		return rf_error_set(err, dbp->name, "a transaction is already open");
	if (mode == RF_TX_READ) {
		/* the server refuses writes; one snapshot for every stream of a diff */
		snprintf(sql, sizeof sql, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	} else {
		int n = snprintf(sql, sizeof sql, "BEGIN");
		if (opts && opts->lock_timeout_ms > 0)
			n += snprintf(sql + n, sizeof sql - (size_t)n,
			              "; SET LOCAL lock_timeout = %d", opts->lock_timeout_ms);
		if (opts && opts->statement_timeout_ms > 0)
			snprintf(sql + n, sizeof sql - (size_t)n,
			         "; SET LOCAL statement_timeout = %d", opts->statement_timeout_ms);
	}
	if (pg_run(db, sql, err) != 0) {
		if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
			pg_run(db, "ROLLBACK", NULL);
		return -1;
	}
	dbp->in_tx = true;
	dbp->tx_mode = mode;
	return 0;
}

/* After COMMIT or ROLLBACK: in_tx follows what the server says. */
static void pg_sync_tx_state(struct pg_db *db)
{
	PGTransactionStatusType st = PQtransactionStatus(db->conn);
	db->base.in_tx = st == PQTRANS_INTRANS || st == PQTRANS_INERROR;
}

static int pg_commit(struct rf_db *dbp, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	PGresult *res = pg_query(db, "COMMIT", 0, NULL, err);
	int rc = -1;

	if (!res)
		goto cleanup;
	/* COMMIT of a failed transaction "succeeds" with the tag ROLLBACK */
	if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		rf_error_set(
		    err, dbp->name,
		    "transaction was rolled back by the server (an earlier statement failed)");
		goto cleanup;
	}
	rc = 0;
cleanup:
	PQclear(res);
	if (!db->copy_stream)
		pg_sync_tx_state(db);
	return rc;
}

static int pg_rollback(struct rf_db *dbp, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	int rc = pg_run(db, "ROLLBACK", err);
	if (!db->copy_stream)
		pg_sync_tx_state(db);
	return rc;
}

/* ---- quoting ------------------------------------------------------------ */

static void pg_quote_ident(struct rf_db *dbp, const char *ident, struct rf_buf *out)
{
	char *q = PQescapeIdentifier(pg(dbp)->conn, ident, strlen(ident));
	if (q) {
		rf_buf_adds(out, q);
		PQfreemem(q);
		return;
	}
	/* invalid encoding: quote by hand, the server will reject it clearly */
	rf_buf_addc(out, '"');
	for (const char *p = ident; *p; p++) {
		if (*p == '"')
			rf_buf_addc(out, '"');
		rf_buf_addc(out, *p);
	}
	rf_buf_addc(out, '"');
}

static void quote_string(struct pg_db *db, const char *s, size_t n, struct rf_buf *out)
{
	char *q = PQescapeLiteral(db->conn, s, n);
	if (q) {
		rf_buf_adds(out, q);
		PQfreemem(q);
		return;
	}
	/* invalid encoding; standard_conforming_strings is on, so only ' needs care */
	rf_buf_addc(out, '\'');
	for (size_t i = 0; i < n && s[i]; i++) {
		if (s[i] == '\'')
			rf_buf_addc(out, '\'');
		rf_buf_addc(out, s[i]);
	}
	rf_buf_addc(out, '\'');
}

/* A plain number PostgreSQL reads the same unquoted: -12, 1.50, 1e-3. */
static bool is_plain_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && s[i] == '-')
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp = 0;
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			exp++;
		if (!exp)
			return false;
	}
	return i == n;
}

static bool is_hex(const char *s, size_t n)
{
	if (n % 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (hex_value(s[i]) < 0)
			return false;
	return true;
}

static void pg_quote_literal(struct rf_db *dbp, enum rf_type_class c, const struct rf_cell *v,
                             struct rf_buf *out)
{
	struct pg_db *db = pg(dbp);

	if (v->is_null) {
		rf_buf_adds(out, "NULL");
		return;
	}
	switch (c) {
	case RF_T_BYTES: /* canonical bytes are hex */
		if (is_hex(v->data, v->len)) {
			rf_buf_adds(out, "'\\x");
			rf_buf_add(out, v->data, v->len);
			rf_buf_adds(out, "'::bytea");
			return;
		}
		break;
	case RF_T_BOOLEAN:
		if (v->len == 4 && memcmp(v->data, "true", 4) == 0) {
			rf_buf_adds(out, "TRUE");
			return;
		}
		if (v->len == 5 && memcmp(v->data, "false", 5) == 0) {
			rf_buf_adds(out, "FALSE");
			return;
		}
		break;
	case RF_T_INTEGER:
	case RF_T_DECIMAL:
	case RF_T_FLOAT:
		if (is_plain_number(v->data, v->len)) {
			rf_buf_add(out, v->data, v->len);
			return;
		}
		break; /* NaN, Infinity: quoted */
	default:
		break;
	}
	quote_string(db, v->data, v->len, out);
}

static void pg_placeholder(struct rf_db *db, size_t n, struct rf_buf *out)
{
	rf_buf_printf(out, "$%zu", n);
}

/* ---- exec --------------------------------------------------------------- */

/* Copies the rows of res into out; bytea columns (known from the result's
 * column types) are decoded to raw bytes like streamed cells. */
static void copy_result_rows(const PGresult *res, struct rf_result *out)
{
	size_t nrows = (size_t)PQntuples(res), ncols = (size_t)PQnfields(res);

	out->nrows = nrows;
	out->ncols = ncols;
	out->cells = rf_xcalloc(nrows * ncols, sizeof *out->cells);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			struct rf_cell *cell = &out->cells[r * ncols + c];
			const char *v = PQgetvalue(res, (int)r, (int)c);
			size_t len = (size_t)PQgetlength(res, (int)r, (int)c);
			char *copy;
			long n;

			if (PQgetisnull(res, (int)r, (int)c)) {
				cell->is_null = true;
				continue;
			}
			copy = rf_xstrndup(v, len);
			if (PQftype(res, (int)c) == PG_BYTEA_OID && len >= 2 && v[0] == '\\' &&
			    v[1] == 'x' && (n = hex_decode(copy, v + 2, len - 2)) >= 0)
				len = (size_t)n;
			cell->data = copy;
			cell->len = len;
		}
	}
}

static int pg_exec(struct rf_db *dbp, const char *sql, size_t nparams,
                   const struct rf_param *params, struct rf_result *out, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	struct rf_buf text = RF_BUF_INIT; /* all parameter values, NUL-separated */
	size_t *offs = rf_xcalloc(nparams, sizeof *offs);
	const char **vals = rf_xcalloc(nparams, sizeof *vals);
	PGresult *res = NULL;
	int rc = -1;

	if (out)
		memset(out, 0, sizeof *out);
	if (pg_busy(db, err))
		goto cleanup;
	if (nparams > 65535) {
		rf_error_set(err, dbp->name, "too many parameters (%zu)", nparams);
		goto cleanup;
	}
	for (size_t i = 0; i < nparams; i++) {
		const struct rf_cell *v = &params[i].value;
		if (v->is_null) {
			offs[i] = SIZE_MAX;
			continue;
		}
		offs[i] = text.len;
		if (params[i].tclass == RF_T_BYTES) {
			if (!is_hex(v->data, v->len)) {
				rf_error_set(err, dbp->name,
				             "parameter $%zu: bytes value is not hex", i + 1);
				goto cleanup;
			}
			rf_buf_adds(&text, "\\x");
		} else if (v->len && memchr(v->data, '\0', v->len)) {
			rf_error_set(
			    err, dbp->name,
			    "parameter $%zu holds a NUL byte, which PostgreSQL text cannot store",
			    i + 1);
			goto cleanup;
		}
		rf_buf_add(&text, v->data, v->len);
		rf_buf_addc(&text, '\0');
	}
	for (size_t i = 0; i < nparams; i++)
		vals[i] = offs[i] == SIZE_MAX ? NULL : text.data + offs[i];
	res = PQexecParams(db->conn, sql, (int)nparams, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_fail(db, res, err);
		goto cleanup;
	}
	if (out) {
		out->affected = strtoll(PQcmdTuples(res), NULL, 10);
		copy_result_rows(res, out);
	}
	rc = 0;
cleanup:
	PQclear(res);
	free(vals);
	free(offs);
	rf_buf_free(&text);
	return rc;
}

/* ---- tables ------------------------------------------------------------- */

static int pg_list_tables(struct rf_db *dbp, struct rf_table_list *out, struct rf_error *err)
{
	static const char sql[] =
	    "SELECT n.nspname, c.relname, pg_catalog.has_table_privilege(c.oid, 'SELECT')"
	    " FROM pg_catalog.pg_class c"
	    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
	    " AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
	    " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";
	struct pg_db *db = pg(dbp);
	struct rf_buf q = RF_BUF_INIT;
	PGresult *res = pg_query(db, sql, 0, NULL, err), *counts = NULL;
	size_t n, done;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!res)
		goto cleanup;
	n = (size_t)PQntuples(res);
	out->items = rf_xcalloc(n, sizeof *out->items);
	out->len = n;
	for (size_t i = 0; i < n; i++) {
		out->items[i].name =
		    rf_xasprintf("%s.%s", PQgetvalue(res, (int)i, 0), PQgetvalue(res, (int)i, 1));
		out->items[i].rows = -1; /* stays -1 without SELECT privilege */
	}
	/* exact counts, a batch of tables per round trip */
	for (done = 0; done < n; done += PG_COUNT_BATCH) {
		size_t end = done + PG_COUNT_BATCH < n ? done + PG_COUNT_BATCH : n;
		rf_buf_reset(&q);
		for (size_t i = done; i < end; i++) {
			if (strcmp(PQgetvalue(res, (int)i, 2), "t") != 0)
				continue;
			rf_buf_printf(&q, "%sSELECT %zu, count(*) FROM ",
			              q.len ? " UNION ALL " : "", i);
			pg_quote_ident(dbp, PQgetvalue(res, (int)i, 0), &q);
			rf_buf_addc(&q, '.');
			pg_quote_ident(dbp, PQgetvalue(res, (int)i, 1), &q);
		}
		if (!q.len)
			continue;
		if (!(counts = pg_query(db, q.data, 0, NULL, err)))
			goto cleanup;
		for (int r = 0; r < PQntuples(counts); r++) {
			size_t i = (size_t)strtoull(PQgetvalue(counts, r, 0), NULL, 10);
			if (i < n)
				out->items[i].rows = strtoll(PQgetvalue(counts, r, 1), NULL, 10);
		}
		PQclear(counts);
		counts = NULL;
	}
	rc = 0;
cleanup:
	PQclear(res);
	PQclear(counts);
	rf_buf_free(&q);
	if (rc != 0)
		rf_table_list_free(out);
	return rc;
}

/* Type class from the (domain base) type: builtin types by name, enums and
 * citext as text, everything else (arrays, ranges, composites) other. */
static enum rf_type_class pg_type_class(const char *typname, const char *typtype, bool builtin)
{
	static const struct {
		const char *name;
		enum rf_type_class c;
	} map[] = {
	    {"int2", RF_T_INTEGER},        {"int4", RF_T_INTEGER},
	    {"int8", RF_T_INTEGER},        {"numeric", RF_T_DECIMAL},
	    {"float4", RF_T_FLOAT},        {"float8", RF_T_FLOAT},
	    {"bool", RF_T_BOOLEAN},        {"text", RF_T_TEXT},
	    {"varchar", RF_T_TEXT},        {"bpchar", RF_T_TEXT},
	    {"name", RF_T_TEXT},           {"char", RF_T_TEXT},
	    {"bytea", RF_T_BYTES},         {"date", RF_T_DATE},
	    {"time", RF_T_TIME},           {"timetz", RF_T_TIME},
	    {"timestamp", RF_T_TIMESTAMP}, {"timestamptz", RF_T_TIMESTAMPTZ},
	    {"json", RF_T_JSON},           {"jsonb", RF_T_JSON},
	    {"uuid", RF_T_UUID},
	};
	if (strcmp(typtype, "e") == 0 || strcmp(typname, "citext") == 0)
		return RF_T_TEXT;
	if (!builtin)
		return RF_T_OTHER;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].name, typname) == 0)
			return map[i].c;
	return RF_T_OTHER;
}

/* Resolves name to a relation: "schema.table" (any dot may be the one that
 * splits schema from table, so names holding dots still work), else an
 * unqualified name visible in the search_path. */
static const char pg_resolve_sql[] =
    "SELECT c.oid, n.nspname, c.relname, 0 AS pref"
    " FROM pg_catalog.generate_series(1, length($1::text)) AS p(i)"
    " JOIN pg_catalog.pg_namespace n ON n.nspname = left($1::text, p.i - 1)"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    "  AND c.relname = substr($1::text, p.i + 1)"
    " WHERE substr($1::text, p.i, 1) = '.' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
    " UNION ALL"
    " SELECT c.oid, n.nspname, c.relname, 1"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relname = $1::text AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
    " AND pg_catalog.pg_table_is_visible(c.oid)"
    " ORDER BY 4";

/* Domains are looked through one level to their base type. */
static const char pg_columns_sql[] =
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
    " coalesce(bt.typname, t.typname), coalesce(bt.typtype, t.typtype),"
    " coalesce(bt.typnamespace, t.typnamespace) = 'pg_catalog'::regnamespace,"
    " NOT a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid),"
    " a.attgenerated = 's', a.attidentity <> '',"
    " coalesce(pg_catalog.array_position(pk.conkey, a.attnum), 0)"
    " FROM pg_catalog.pg_attribute a"
    " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
    " LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype"
    " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
    " LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = a.attrelid AND pk.contype = 'p'"
    " WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped"
    " ORDER BY a.attnum";

/* Unique constraints and unique indexes other than the primary key. Partial
 * and expression indexes are left out: they do not make a column list
 * unique across the table. One row per (key, column). */
static const char pg_uniques_sql[] =
    "SELECT x.indexrelid, coalesce(con.conname, i.relname), a.attname"
    " FROM pg_catalog.pg_index x"
    " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    " LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = x.indexrelid"
    "  AND con.conrelid = x.indrelid AND con.contype = 'u'"
    " CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum"
    " WHERE x.indrelid = $1::oid AND x.indisunique AND NOT x.indisprimary AND x.indisvalid"
    " AND x.indpred IS NULL AND x.indexprs IS NULL AND k.ord <= x.indnkeyatts"
    " ORDER BY x.indexrelid, k.ord";

/* Foreign keys, one row per column pair; conparentid = 0 skips the copies
 * PostgreSQL keeps for each partition of a referenced partitioned table. */
static const char pg_fkeys_sql[] =
    "SELECT con.oid, con.conname, rn.nspname, rc.relname, a.attname, ra.attname"
    " FROM pg_catalog.pg_constraint con"
    " JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid"
    " JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
    " CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum"
    " JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum"
    " WHERE con.conrelid = $1::oid AND con.contype = 'f' AND con.conparentid = 0"
    " ORDER BY con.oid, k.ord";

static void describe_columns(const PGresult *res, struct rf_table_info *t)
{
	for (int r = 0; r < PQntuples(res); r++) {
		struct rf_column c = {0};
		c.name = PQgetvalue(res, r, 0);
		c.decl_type = PQgetvalue(res, r, 1);
		c.tclass = pg_type_class(PQgetvalue(res, r, 2), PQgetvalue(res, r, 3),
		                         *PQgetvalue(res, r, 4) == 't');
		c.nullable = *PQgetvalue(res, r, 5) == 't';
		c.generated = *PQgetvalue(res, r, 7) == 't';
		/* a generated column's expression is not a default the target could use */
		c.default_expr =
		    PQgetisnull(res, r, 6) || c.generated ? NULL : PQgetvalue(res, r, 6);
		c.identity = *PQgetvalue(res, r, 8) == 't' ||
		             (c.default_expr && strncmp(c.default_expr, "nextval(", 8) == 0);
		c.pk_pos = atoi(PQgetvalue(res, r, 9));
		rf_table_info_add_column(t, &c);
	}
	t->pk = rf_xcalloc(t->ncols, sizeof *t->pk);
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].pk_pos > 0 && (size_t)t->cols[i].pk_pos <= t->ncols) {
			t->pk[t->cols[i].pk_pos - 1] = i;
			t->npk++;
		}
}

static void describe_uniques(const PGresult *res, struct rf_table_info *t)
{
	const char *prev = NULL;
	t->uniques = rf_xcalloc((size_t)PQntuples(res) + 1, sizeof *t->uniques);
	for (int r = 0; r < PQntuples(res); r++) {
		struct rf_key *k;
		if (!prev || strcmp(prev, PQgetvalue(res, r, 0)) != 0) {
			k = &t->uniques[t->nunique++];
			k->name = rf_xstrdup(PQgetvalue(res, r, 1));
			k->cols = rf_xcalloc((size_t)PQntuples(res), sizeof *k->cols);
			prev = PQgetvalue(res, r, 0);
		}
		k = &t->uniques[t->nunique - 1];
		k->cols[k->ncols++] = rf_xstrdup(PQgetvalue(res, r, 2));
	}
}

static void describe_fkeys(const PGresult *res, struct rf_table_info *t)
{
	const char *prev = NULL;
	size_t n = (size_t)PQntuples(res);
	t->fkeys = rf_xcalloc(n + 1, sizeof *t->fkeys);
	for (int r = 0; r < (int)n; r++) {
		struct rf_fkey *f;
		if (!prev || strcmp(prev, PQgetvalue(res, r, 0)) != 0) {
			f = &t->fkeys[t->nfkeys++];
			f->name = rf_xstrdup(PQgetvalue(res, r, 1));
			f->ref_table =
			    rf_xasprintf("%s.%s", PQgetvalue(res, r, 2), PQgetvalue(res, r, 3));
			f->cols = rf_xcalloc(n, sizeof *f->cols);
			f->ref_cols = rf_xcalloc(n, sizeof *f->ref_cols);
			prev = PQgetvalue(res, r, 0);
		}
		f = &t->fkeys[t->nfkeys - 1];
		f->cols[f->ncols] = rf_xstrdup(PQgetvalue(res, r, 4));
		f->ref_cols[f->ncols++] = rf_xstrdup(PQgetvalue(res, r, 5));
	}
}

/* Fills *out (caller frees with rf_table_info_free(), also on error). */
static int pg_describe(struct rf_db *dbp, const char *name, struct rf_table_info *out,
                       struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	PGresult *res = NULL;
	const char *param[1] = {name};
	char oid[16];
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!(res = pg_query(db, pg_resolve_sql, 1, param, err)))
		goto cleanup;
	if (PQntuples(res) == 0) {
		rf_error_set(err, dbp->name, "relation \"%s\" does not exist", name);
		goto cleanup;
	}
	if (PQntuples(res) > 1 && strcmp(PQgetvalue(res, 1, 3), "0") == 0) {
		rf_error_set(err, dbp->name, "table name \"%s\" is ambiguous (%s.%s or %s.%s)",
		             name, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
		             PQgetvalue(res, 1, 1), PQgetvalue(res, 1, 2));
		goto cleanup;
	}
	snprintf(oid, sizeof oid, "%s", PQgetvalue(res, 0, 0));
	out->schema = rf_xstrdup(PQgetvalue(res, 0, 1));
	out->name = rf_xstrdup(PQgetvalue(res, 0, 2));
	out->display = rf_xasprintf("%s.%s", out->schema, out->name);
	param[0] = oid;

	PQclear(res);
	if (!(res = pg_query(db, pg_columns_sql, 1, param, err)))
		goto cleanup;
	describe_columns(res, out);

	PQclear(res);
	if (!(res = pg_query(db, pg_uniques_sql, 1, param, err)))
		goto cleanup;
	describe_uniques(res, out);

	PQclear(res);
	if (!(res = pg_query(db, pg_fkeys_sql, 1, param, err)))
		goto cleanup;
	describe_fkeys(res, out);
	rc = 0;
cleanup:
	PQclear(res);
	if (rc != 0)
		rf_table_info_free(out);
	return rc;
}

/* ---- streams ------------------------------------------------------------ */

static void pg_stream_close(struct rf_stream *s);

static void add_qualified_table(struct rf_db *db, const struct rf_table_info *t, struct rf_buf *sql)
{
	if (t->schema) {
		pg_quote_ident(db, t->schema, sql);
		rf_buf_addc(sql, '.');
	}
	pg_quote_ident(db, t->name, sql);
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
		pg_quote_ident(db, t->cols[spec->cols[i]].name, sql);
	}
	rf_buf_adds(sql, " FROM ");
	add_qualified_table(db, t, sql);
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
static int pg_stream_open(struct rf_db *dbp, const struct rf_stream_spec *spec,
                          struct rf_stream **out, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	struct rf_buf select = RF_BUF_INIT;
	struct rf_stream *s = NULL;
	int rc = -1;

	*out = NULL;
	if (rf_db_check_where(spec->where, dbp->name, err) != 0 || pg_busy(db, err) != 0)
		goto cleanup;
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
		} else if (*p == 'x' && p + 1 < end && hex_value(p[1]) >= 0) {
			v = hex_value(*++p);
			if (p + 1 < end && hex_value(p[1]) >= 0)
				v = v * 16 + hex_value(*++p);
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
			               ? hex_decode(f, f + 2, c->len - 2)
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
	rf_buf_reset(&s->scratch);
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
		n = len >= 2 && v[0] == '\\' && v[1] == 'x' ? hex_decode(dst, v + 2, len - 2) : -1;
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

static int pg_stream_next(struct rf_stream *s, const struct rf_row **row, struct rf_error *err)
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
static void pg_stream_close(struct rf_stream *s)
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

const struct rf_db_ops rf_pg_ops = {
    .engine = "postgres",
    .has_returning = true,
    .has_schemas = true,
    .connect = pg_connect,
    .close = pg_close,
    .list_tables = pg_list_tables,
    .describe = pg_describe,
    .stream_open = pg_stream_open,
    .stream_next = pg_stream_next,
    .stream_close = pg_stream_close,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .quote_ident = pg_quote_ident,
    .quote_literal = pg_quote_literal,
    .placeholder = pg_placeholder,
};
