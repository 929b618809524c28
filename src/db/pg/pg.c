/* pg.c - the PostgreSQL driver (libpq) behind struct rf_db_ops (db.h):
 * connection, transactions, quoting and the ops table. Catalog queries
 * (list_tables, describe) live in pg_catalog.c, row streams (COPY and
 * cursors) in pg_stream.c, exec in pg_exec.c; pg_internal.h is what they
 * share.
 *
 * Identifiers and literals are quoted only by pg_quote_ident() /
 * pg_quote_literal(), through libpq; catalog queries bind their parameters.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "rowferry/db.h"
#include "rowferry/secret.h"

#define PG_MIN_VERSION 120000

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
int pg_fail(struct pg_db *db, const PGresult *res, struct rf_error *err)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	bool first = err && !err->set;
	char line[1024];

	/* query_canceled by statement_timeout in a read transaction: rowferry
	 * cancels its own COPYs only with err == NULL (pg_stream.c) */
	if (state && strcmp(state, "57014") == 0 && db->base.in_tx &&
	    db->base.tx_read_timeout_ms > 0)
		return rf_db_read_timeout_error(&db->base, err);
	if (primary && *primary)
		first_line(primary, line, sizeof line);
	else
		first_line(PQerrorMessage(db->conn), line, sizeof line);
	if (!*line)
		snprintf(line, sizeof line, "unknown PostgreSQL error");
	rf_error_set(err, db->base.name, "%s", line);
	if (first)
		err->duplicate_key = state && strcmp(state, "23505") == 0; /* unique_violation */
	return -1;
}

int pg_busy(struct pg_db *db, struct rf_error *err)
{
	if (!db->copy_stream)
		return 0;
	return rf_error_set(err, db->base.name,
	                    "a row stream is still open on this connection; close it first");
}

/* Every internal statement goes through here (psql's PSQLexec): one place
 * that checks the connection is free and handles the result status. Always
 * the extended protocol, parameters or not: the server then refuses a
 * second statement in sql ("cannot insert multiple commands into a
 * prepared statement"), which the simple protocol would run (DESIGN §15).
 * Returns the result (caller PQclear()s) or NULL with err. */
PGresult *pg_query(struct pg_db *db, const char *sql, int nparams, const char *const *params,
                   struct rf_error *err)
{
	PGresult *res;
	ExecStatusType st;

	if (pg_busy(db, err))
		return NULL;
	res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	pg_fail(db, res, err);
	PQclear(res);
	return NULL;
}

PGresult *pg_query_binary(struct pg_db *db, const char *sql, struct rf_error *err)
{
	PGresult *res;

	if (pg_busy(db, err))
		return NULL;
	res = PQexecParams(db->conn, sql, 0, NULL, NULL, NULL, NULL, 1);
	if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK)
		return res;
	pg_fail(db, res, err);
	PQclear(res);
	return NULL;
}

/* Runs sql and discards the result. Returns 0 or -1 with err. */
int pg_run(struct pg_db *db, const char *sql, struct rf_error *err)
{
	PGresult *res = pg_query(db, sql, 0, NULL, err);
	PQclear(res);
	return res ? 0 : -1;
}

/* ---- connection --------------------------------------------------------- */

/* Cuts msg at its first quoted part longer than one character: libpq
 * quotes the whole string it cannot parse ('invalid URI query parameter:
 * "postgres://acc:PW@[::1"'), and a password holding '"' would end any
 * quote early. '"]"' and '"="' stay. */
static void cut_quoted(char *msg, size_t cap)
{
	char *p = msg, *close;

	while ((p = strchr(p, '"')) != NULL) {
		close = strchr(p + 1, '"');
		if (close && close - p <= 2) {
			p = close + 1;
			continue;
		}
		if ((size_t)(p - msg) + sizeof "\"...\"" <= cap)
			memcpy(p, "\"...\"", sizeof "\"...\"");
		else
			*p = '\0';
		return;
	}
}

/* Server notices (a WARNING, a NOTICE from a trigger) would go to stderr
 * through libpq's default processor, in the middle of the console's screen
 * or a command's report; rowferry reports errors itself and drops them. */
static void pg_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The password libpq reads from a conninfo string: its last
 * "password=" item as secret.h finds it (caller frees; NULL if none). */
static char *conninfo_password(const char *url)
{
	size_t n, i;
	struct rf_url_secret *s = rf_url_secrets(url, &n);
	char *value = NULL;

	for (i = 0; i < n; i++)
		if (!s[i].ssl) {
			free(value);
			value = rf_url_secret_value(url, &s[i]);
		}
	free(s);
	return value;
}

/* Reads url as libpq will before libpq connects with it, so no message of
 * libpq's can carry a password (DESIGN §15): a string libpq cannot parse
 * gets our message without the quoted string; one whose password libpq
 * would read differently from secret.h is refused, as the rest of that
 * password would land in the host, port or database libpq reports on
 * ("postgres://u:p/w@h": host "u", port "p"). */
static int pg_check_url(const char *url, const char *who, struct rf_error *err)
{
	struct rf_url_userinfo ui;
	PQconninfoOption *opts, *opt;
	char *msg = NULL, *ours = NULL;
	const char *theirs = NULL;
	int rc = 0;

	opts = PQconninfoParse(url, &msg);
	if (!opts) {
		char line[512];
		first_line(msg ? msg : "out of memory", line, sizeof line);
		cut_quoted(line, sizeof line);
		PQfreemem(msg);
		return rf_error_set(err, who, "cannot read the connection string: %s", line);
	}
	if (strstr(url, "://")) {
		/* libpq ends the user part at the first '@' before any '/',
		 * secret.h at the last '@'. Where they differ and libpq would
		 * read the password (or its head) elsewhere, refuse; a ':'
		 * past libpq's user part is its port ("u@h:5432/db?a=b@c"). */
		size_t end =
		    rf_url_userinfo(url, &ui) ? ui.start + strcspn(url + ui.start, "@/") : 0;
		if (end && ui.colon != (size_t)-1 && end != ui.at &&
		    (url[end] != '@' || ui.colon < end))
			rc = rf_error_set(err, who,
			                  "the URL's password cannot be told from its host: "
			                  "write '@' as %%40 and '/' as %%2F in a password, and "
			                  "'@' as %%40 after the host");
	} else {
		for (opt = opts; opt->keyword; opt++)
			if (strcmp(opt->keyword, "password") == 0)
				theirs = opt->val;
		ours = conninfo_password(url);
		if (strcmp(theirs ? theirs : "", ours ? ours : "") != 0)
			rc = rf_error_set(err, who,
			                  "the password= item cannot be read unambiguously: "
			                  "quote it as password='...' with \\' and \\\\ inside");
	}
	if (ours) {
		memset(ours, 0, strlen(ours));
		free(ours);
	}
	PQconninfoFree(opts);
	return rc;
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
 * (pg_quote_literal writes '\x..', and the --where check reads '\' as a
 * whole string; pg_dialect() follows the setting should it change). One
 * statement, as every statement is (pg_query). */
static const char pg_session_sql[] =
    "SELECT pg_catalog.set_config('TimeZone', 'UTC', false),"
    " pg_catalog.set_config('DateStyle', 'ISO', false),"
    " pg_catalog.set_config('IntervalStyle', 'iso_8601', false),"
    " pg_catalog.set_config('extra_float_digits', '3', false),"
    " pg_catalog.set_config('bytea_output', 'hex', false),"
    " pg_catalog.set_config('standard_conforming_strings', 'on', false)";

/* libpq tracks standard_conforming_strings as the server reports it, so a
 * fragment that turned it off (set_config() in an earlier --where) is
 * still lexed as the server will read it. */
static enum rf_sql_dialect pg_dialect(struct rf_db *dbp)
{
	const char *scs = PQparameterStatus(pg(dbp)->conn, "standard_conforming_strings");
	return scs && strcmp(scs, "on") == 0 ? RF_SQL_POSTGRES : RF_SQL_POSTGRES_ESCAPES;
}

/* On success *out is a new connection the caller closes with pg_close(). */
static int pg_connect(const struct rf_connect_opts *o, struct rf_db **out, struct rf_error *err)
{
	struct pg_db *db = rf_xcalloc(1, sizeof *db);
	char *prompted = NULL;
	int rc = -1;

	*out = NULL;
	rf_db_init_base(&db->base, &rf_pg_ops, o);
	if (pg_check_url(o->url, db->base.name, err) != 0)
		goto cleanup;
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
		rf_scrub_secret(line, sizeof line, o->password);
		rf_scrub_secret(line, sizeof line, prompted);
		for (PQconninfoOption *opt = opts; opt && opt->keyword; opt++)
			if (strcmp(opt->keyword, "password") == 0)
				rf_scrub_secret(line, sizeof line, opt->val);
		PQconninfoFree(opts);
		rf_error_set(err, db->base.name, "%s", *line ? line : "cannot connect");
		goto cleanup;
	}
	PQsetNoticeProcessor(db->conn, pg_notice, NULL);
	if (PQserverVersion(db->conn) < PG_MIN_VERSION) {
		rf_error_set(err, db->base.name,
		             "PostgreSQL 12 or later is required (server is %s)",
		             PQparameterStatus(db->conn, "server_version"));
		goto cleanup;
	}
	if (pg_run(db, pg_session_sql, err) != 0)
		goto cleanup;
	db->base.bulk = true; /* COPY FROM STDIN needs no server setting */
	db->base.values_in = true;
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
	free(db->prepared_sql);
	rf_db_free_base(&db->base);
	free(db);
}

/* ---- transactions ------------------------------------------------------- */

static int pg_begin(struct rf_db *dbp, enum rf_tx_mode mode, const struct rf_tx_opts *opts,
                    struct rf_error *err)
{
	static const struct rf_tx_opts none;
	struct pg_db *db = pg(dbp);
	const struct rf_tx_opts *o = opts ? opts : &none;
	int lock = mode == RF_TX_WRITE ? o->lock_timeout_ms : 0;
	int stmt = mode == RF_TX_READ ? o->read_timeout_ms : o->statement_timeout_ms;
	char lock_ms[16], stmt_ms[16];
	const char *params[2];
	int n = 0;
	PGresult *res = NULL;
	int rc = -1;

	if (dbp->in_tx)
		return rf_error_set(err, dbp->name, "a transaction is already open");
	/* reads: the server refuses writes; one snapshot for every stream of
	 * a diff */
	if (pg_run(db,
	           mode == RF_TX_READ ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN",
	           err) != 0)
		goto cleanup;
	/* SET LOCAL, as set_config(..., true): the timeouts end with the
	 * transaction; a 0 leaves the session's own setting */
	snprintf(lock_ms, sizeof lock_ms, "%d", lock > 0 ? lock : 0);
	snprintf(stmt_ms, sizeof stmt_ms, "%d", stmt > 0 ? stmt : 0);
	if (lock > 0)
		params[n++] = lock_ms;
	if (stmt > 0)
		params[n++] = stmt_ms;
	if (n) {
		res = pg_query(
		    db,
		    lock > 0 && stmt > 0 ? "SELECT pg_catalog.set_config('lock_timeout', $1, true),"
		                           " pg_catalog.set_config('statement_timeout', $2, true)"
		    : lock > 0           ? "SELECT pg_catalog.set_config('lock_timeout', $1, true)"
		               : "SELECT pg_catalog.set_config('statement_timeout', $1, true)",
		    n, params, err);
		if (!res)
			goto cleanup;
	}
	dbp->in_tx = true;
	dbp->tx_mode = mode;
	dbp->tx_read_timeout_ms = mode == RF_TX_READ && stmt > 0 ? stmt : 0;
	rc = 0;
cleanup:
	PQclear(res);
	if (rc != 0 && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		pg_run(db, "ROLLBACK", NULL);
	return rc;
}

/* After COMMIT or ROLLBACK: in_tx follows what the server says. */
static void pg_sync_tx_state(struct pg_db *db)
{
	PGTransactionStatusType st = PQtransactionStatus(db->conn);
	db->base.in_tx = st == PQTRANS_INTRANS || st == PQTRANS_INERROR;
	if (!db->base.in_tx)
		db->base.tx_read_timeout_ms = 0;
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
	int rc;

	/* nothing to end: a ROLLBACK now would only earn a WARNING */
	if (!db->copy_stream && PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
		pg_sync_tx_state(db);
		return 0;
	}
	rc = pg_run(db, "ROLLBACK", err);
	if (!db->copy_stream)
		pg_sync_tx_state(db);
	return rc;
}

/* ---- commit status (DESIGN §6) ------------------------------------------ */

/* The transaction's id: txid_current() (64 bits, with the epoch, so it is
 * never reused), which txid_status() answers for later. */
static int pg_prepare(struct rf_db *dbp, struct rf_buf *tx, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	PGresult *res = pg_query(db, "SELECT txid_current()", 0, NULL, err);

	if (!res)
		return -1;
	rf_buf_adds(tx, PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* txid_status(): the server's commit log. A transaction whose client died
 * in the middle of COMMIT goes on committing (deferred triggers and
 * constraints run first), so "in progress" is an answer of its own. */
static int pg_tx_outcome(struct rf_db *dbp, const char *xid, const char *tx, bool settle,
                         enum rf_tx_outcome *out, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	const char *st;
	PGresult *res;
	int rc = -1;
	(void)xid, (void)settle;

	if (!tx) {
		/* no prepared line: COMMIT was never sent, and a transaction
		 * whose client is gone without COMMIT is rolled back */
		*out = RF_TX_ABORTED;
		return 0;
	}
	if (strspn(tx, "0123456789") != strlen(tx) || !*tx)
		return rf_error_set(err, dbp->name, "not a PostgreSQL transaction id: %s", tx);
	res = pg_query(db, "SELECT txid_status($1::bigint)", 1, &tx, err);
	if (!res)
		return -1;
	st = PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0);
	if (!st)
		rf_error_set(err, dbp->name,
		             "transaction %s is too old for the server to tell whether it "
		             "committed (its commit log was truncated)",
		             tx);
	else if (strcmp(st, "committed") == 0)
		*out = RF_TX_COMMITTED, rc = 0;
	else if (strcmp(st, "aborted") == 0)
		*out = RF_TX_ABORTED, rc = 0;
	else if (strcmp(st, "in progress") == 0)
		*out = RF_TX_RUNNING, rc = 0;
	else
		rf_error_set(err, dbp->name, "txid_status(%s) said '%s'", tx, st);
	PQclear(res);
	return rc;
}

/* ---- quoting ------------------------------------------------------------ */

static void pg_defer_constraint(struct rf_db *dbp, const char *name, struct rf_buf *out)
{
	rf_buf_adds(out, "SET CONSTRAINTS ");
	if (name)
		pg_quote_ident(dbp, name, out);
	else
		rf_buf_adds(out, "ALL");
	rf_buf_adds(out, " DEFERRED");
}

void pg_quote_ident(struct rf_db *dbp, const char *ident, struct rf_buf *out)
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

void pg_quote_table(struct rf_db *dbp, const struct rf_table_info *t, struct rf_buf *out)
{
	if (t->schema) {
		pg_quote_ident(dbp, t->schema, out);
		rf_buf_addc(out, '.');
	}
	pg_quote_ident(dbp, t->name, out);
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
		if (rf_is_hex(v->data, v->len)) {
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

/* Other writers of t wait until this transaction ends: SHARE ROW
 * EXCLUSIVE conflicts with the ROW EXCLUSIVE lock every INSERT, UPDATE and
 * DELETE takes, and with itself, so two copies into t also go one after
 * the other. (SERIALIZABLE would not do: a plain INSERT from a session in
 * READ COMMITTED is never a serialization failure.) */
static int pg_lock_inserts(struct rf_db *dbp, const struct rf_table_info *t, struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	int rc;

	rf_buf_adds(&sql, "LOCK TABLE ");
	pg_quote_table(dbp, t, &sql);
	rf_buf_adds(&sql, " IN SHARE ROW EXCLUSIVE MODE");
	rc = pg_run(pg(dbp), sql.data, err);
	rf_buf_free(&sql);
	return rc;
}

const struct rf_db_ops rf_pg_ops = {
    .engine = "postgres",
    .dialect = pg_dialect,
    .has_returning = true,
    .fast_returning = true,
    .has_schemas = true,
    .is_server = true,
    .bytes_form = {"\\x", "", false},
    .connect = pg_connect,
    .close = pg_close,
    .list_tables = pg_list_tables,
    .describe = pg_describe,
    .foreign_keys = pg_foreign_keys,
    .stream_open = pg_stream_open,
    .stream_next = pg_stream_next,
    .stream_close = pg_stream_close,
    .stream_release = pg_stream_release,
    .piece_expr = pg_piece_expr,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .prepare = pg_prepare,
    .tx_outcome = pg_tx_outcome,
    .quote_ident = pg_quote_ident,
    .defer_constraint = pg_defer_constraint,
    .quote_literal = pg_quote_literal,
    .placeholder = pg_placeholder,
    .bulk_statement = pg_bulk_statement,
    .bulk_value = pg_bulk_value,
    .bulk_script = pg_bulk_script,
    .bulk_stream = pg_bulk_stream,
    .temp_load = pg_temp_load,
    .temp_drop = pg_temp_drop,
    .lock_inserts = pg_lock_inserts,
    .hash_column = pg_hash_column,
    .hash_typed = pg_hash_typed,
    .hash_key_buckets = pg_hash_key_buckets,
    .segment_sums = pg_segment_sums,
    .segment_keys = pg_segment_keys,
};
