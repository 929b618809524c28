/* mysql.c - the MySQL/MariaDB driver over MariaDB Connector/C (DESIGN §2, §3).
 *
 * Reads stream with mysql_use_result(): rows come off the socket one at a
 * time and cells point into the library's row buffer, so a 1M-row diff runs
 * in flat memory with no allocation per row. Writes go through prepared
 * statements with every value bound, never pasted into SQL.
 *
 * Session: utf8mb4, time_zone UTC (TIMESTAMP columns are instants and come
 * out in UTC; DATETIME is untouched by it), and a fixed sql_mode that is
 * strict and does NOT contain NO_BACKSLASH_ESCAPES or ANSI_QUOTES, so the
 * backslash escaping of quote_literal() and backtick quoting always match
 * what the server parses.
 */
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mysql_internal.h"
#include "rowferry/secret.h"

/* A row stream. The cells point into libmariadb's buffer of the current
 * row, which the next mysql_fetch_row() overwrites: exactly the lifetime
 * db.h promises for struct rf_row. */
struct my_stream {
	struct my_db *db;
	MYSQL_RES *res;
	struct my_order order; /* how the rows come in key order (mysql_order.c) */
	struct rf_row row;
};
/* One round trip of session setup. UTC: see top. Strict so a bad value is
 * an error instead of a silently truncated row; NO_AUTO_VALUE_ON_ZERO so an
 * explicit 0 in an auto_increment column is copied as 0 (as mysqldump
 * does); backslash escapes stay on (see top). net_write_timeout: a stream
 * is read at the pace of its consumer, which may pause longer than the
 * default 60 s before the server gives up on it. */
#define MY_SESSION_SETUP                                                                           \
	"SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,"           \
	"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', net_write_timeout = 3600"

/* Sets err to msg as one line naming the connection. */
int my_fail(const struct my_db *db, struct rf_error *err, const char *msg)
{
	char line[1024];
	bool first = err && !err->set;
	size_t i;

	/* max_statement_time (MariaDB) / max_execution_time (MySQL) of a read */
	if (db->conn && db->base.in_tx && db->base.tx_read_timeout_ms > 0 &&
	    (mysql_errno(db->conn) == ER_STATEMENT_TIMEOUT ||
	     mysql_errno(db->conn) == 3024 /* MySQL's ER_QUERY_TIMEOUT */))
		return rf_db_read_timeout_error(&db->base, err);
	/* an error while fetching a statement's rows (max_statement_time in a
	 * write transaction) is the connection's, not the statement's */
	if ((!msg || !*msg) && db->conn)
		msg = mysql_error(db->conn);
	snprintf(line, sizeof line, "%s", msg && *msg ? msg : "unknown MySQL error");
	for (i = 0; line[i]; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	rf_error_set(err, db->base.name, "%s", line);
	if (first && db->conn)
		err->duplicate_key = mysql_errno(db->conn) == 1062; /* ER_DUP_ENTRY */
	return -1;
}

/* Runs a statement that returns no rows (SET, START TRANSACTION, ...). */
int my_run(struct my_db *db, const char *sql, struct rf_error *err)
{
	MYSQL_RES *res;

	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
		return my_fail(db, err, mysql_error(db->conn));
	res = mysql_store_result(db->conn);
	if (res)
		mysql_free_result(res);
	else if (mysql_field_count(db->conn) != 0)
		return my_fail(db, err, mysql_error(db->conn));
	return 0;
}

/* See mysql_internal.h. */
void my_wipe(char *s)
{
	volatile char *p = s;
	while (p && *p)
		*p++ = '\0';
}

/* ---- connect ---- */

/* One connection attempt. Returns the handle, or NULL with *errnum and msg
 * filled (msg never holds the password: the server does not echo it). */
static MYSQL *try_connect(const struct my_url *u, const char *password, unsigned int *errnum,
                          char *msg, size_t msglen)
{
	MYSQL *m = mysql_init(NULL);
	my_bool yes = 1;
	unsigned int timeout = 10, yes_int = 1, proto;
	const char *host = u->host && *u->host ? u->host : "localhost";

	if (!m) {
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	/* LOAD DATA LOCAL for bulk loads; the library never reads a file for
	 * the server: my_bulk_install() replaces its handler before the first
	 * query (mysql_bulk.c) */
	mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &yes_int);
	if (u->socket) {
		proto = MYSQL_PROTOCOL_SOCKET;
		mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &proto);
		host = "localhost";
	} else if (strcmp(host, "localhost") != 0) {
		proto = MYSQL_PROTOCOL_TCP;
		mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &proto);
	}
	if (u->ssl == MY_SSL_REQUIRED || u->ssl == MY_SSL_VERIFY)
		mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &yes);
	if (u->ssl == MY_SSL_VERIFY)
		mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
	/* CLIENT_FOUND_ROWS: UPDATE reports rows matched, not rows changed, as
	 * PostgreSQL does; apply compares it with the rows it meant to touch.
	 * Never CLIENT_MULTI_STATEMENTS: a second statement in any text is a
	 * syntax error to the server (DESIGN §15; checked in my_connect). */
	if (!mysql_real_connect(m, host, u->user, password ? password : "", u->database, u->port,
	                        u->socket, CLIENT_FOUND_ROWS)) {
		*errnum = mysql_errno(m);
		/* the library names the host but not the port or socket tried */
		if ((*errnum == CR_CONNECTION_ERROR || *errnum == CR_CONN_HOST_ERROR) && u->socket)
			snprintf(msg, msglen, "%s [socket %s]", mysql_error(m), u->socket);
		else if (*errnum == CR_CONNECTION_ERROR || *errnum == CR_CONN_HOST_ERROR)
			snprintf(msg, msglen, "%s [%s port %u]", mysql_error(m), host,
			         u->port ? u->port : MYSQL_PORT);
		else
			snprintf(msg, msglen, "%s", mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

static void my_close(struct rf_db *base)
{
	struct my_db *db = (struct my_db *)base;
	if (!db)
		return;
	if (db->conn)
		mysql_close(db->conn);
	free(db->database);
	free(db->xid);
	rf_db_free_base(&db->base);
	free(db);
}

static int my_connect(const struct rf_connect_opts *o, struct rf_db **out, struct rf_error *err)
{
	struct my_db *db = rf_xcalloc(1, sizeof *db);
	struct my_url u;
	const char *password;
	char *prompted = NULL, msg[1024] = "";
	unsigned int errnum = 0;
	unsigned long caps = 0;
	int rc = -1;

	*out = NULL;
	rf_db_init_base(&db->base, &rf_mysql_ops, o);
	if (my_url_parse(o->url, &u, db->base.name, err) != 0)
		goto out;
	/* DESIGN §2 order: password_env, the URL, MYSQL_PWD, then a prompt */
	password = o->password ? o->password : u.password ? u.password : getenv("MYSQL_PWD");
	db->conn = try_connect(&u, password, &errnum, msg, sizeof msg);
	if (!db->conn && errnum == ER_ACCESS_DENIED_ERROR && (!password || !*password) &&
	    o->allow_prompt && (prompted = rf_db_prompt_password(db->base.name)) != NULL)
		db->conn = try_connect(&u, prompted, &errnum, msg, sizeof msg);
	if (!db->conn) {
		my_fail(db, err, msg);
		/* the server does not echo a password; should it ever */
		rf_error_scrub(err, NULL, password);
		rf_error_scrub(err, NULL, prompted);
		goto out;
	}
	/* Connector/C 3.3 quietly falls back to plain text when the server
	 * has no TLS unless certificates are verified; REQUIRED means TLS.
	 * A Unix socket never leaves the host, so it counts as secure, as
	 * MySQL's require_secure_transport has it. */
	if (u.ssl == MY_SSL_REQUIRED && !u.socket && !mysql_get_ssl_cipher(db->conn)) {
		rf_error_set(err, db->base.name,
		             "ssl-mode=REQUIRED, but the server does not support TLS");
		goto out;
	}
	/* no option file or default may have turned multi-statements on */
	if (mariadb_get_infov(db->conn, MARIADB_CONNECTION_CLIENT_CAPABILITIES, &caps) != 0 ||
	    (caps & CLIENT_MULTI_STATEMENTS)) {
		rf_error_set(err, db->base.name,
		             "the connection would accept several statements in one text");
		goto out;
	}
	db->database = u.database ? rf_xstrdup(u.database) : NULL;
	db->mariadb = strstr(mysql_get_server_info(db->conn), "MariaDB") != NULL;
	/* table value constructors: MariaDB 10.3.3+ */
	db->base.values_in = db->mariadb && mysql_get_server_version(db->conn) >= 100303;
	my_bulk_install(db);
	if (my_run(db, MY_SESSION_SETUP, err) != 0)
		goto out;
	*out = &db->base;
	rc = 0;
out:
	if (prompted) {
		my_wipe(prompted);
		free(prompted);
	}
	my_url_free(&u);
	if (rc != 0)
		my_close(&db->base);
	return rc;
}

/* ---- transactions ---- */

/* An XA name rowferry makes ("rowferry-<uuid>"): goes into SQL as is. */
static bool xid_ok(const char *xid)
{
	size_t n = strlen(xid);
	return n > 0 && n <= 64 && strspn(xid, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Ends this session's XA transaction: XA END (unless prepared) and
 * XA ROLLBACK. */
static int xa_rollback(struct my_db *db, struct rf_error *err)
{
	char sql[128];
	int rc;

	if (!db->xa_prepared) {
		snprintf(sql, sizeof sql, "XA END '%s'", db->xid);
		my_run(db, sql, NULL); /* fails when a failed statement ended it already */
	}
	snprintf(sql, sizeof sql, "XA ROLLBACK '%s'", db->xid);
	rc = my_run(db, sql, err);
	free(db->xid);
	db->xid = NULL;
	db->xa_prepared = false;
	return rc;
}

/* The longest a statement of this session may run: ms, or the server's
 * default for 0. MariaDB's max_statement_time bounds every statement;
 * MySQL's max_execution_time only SELECTs. */
static int set_statement_time(struct my_db *db, int ms, struct rf_error *err)
{
	char sql[96];

	if (ms > 0 && db->mariadb)
		snprintf(sql, sizeof sql, "SET SESSION max_statement_time = %d.%03d", ms / 1000,
		         ms % 1000);
	else if (ms > 0)
		snprintf(sql, sizeof sql, "SET SESSION max_execution_time = %d", ms);
	else
		snprintf(sql, sizeof sql, "SET SESSION %s = DEFAULT",
		         db->mariadb ? "max_statement_time" : "max_execution_time");
	return my_run(db, sql, err);
}

static int my_begin(struct rf_db *base, enum rf_tx_mode mode, const struct rf_tx_opts *opts,
                    struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	char sql[128];

	if (base->in_tx)
		return rf_error_set(err, base->name, "a transaction is already open");
	if (mode == RF_TX_READ) {
		int read_ms = opts && opts->read_timeout_ms > 0 ? opts->read_timeout_ms : 0;
		/* read_timeout_ms bounds each statement (a session setting: the
		 * previous transaction's is replaced either way) */
		if (set_statement_time(db, read_ms, err) != 0)
			return -1;
		/* READ ONLY is enforced by the server; the consistent snapshot makes
		 * every stream of this transaction see the same data. */
		if (my_run(db, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", err) !=
		        0 ||
		    my_run(db, "START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT", err) != 0)
			return -1;
		base->tx_read_timeout_ms = read_ms;
	} else {
		/* whole seconds, rounded up so 1 ms never means "wait forever" (0) */
		int lock_s =
		    opts && opts->lock_timeout_ms > 0 ? (opts->lock_timeout_ms + 999) / 1000 : 0;
		/* row locks (InnoDB) and metadata locks (the server: a table an
		 * open or prepared transaction uses, LOCK TABLES, DDL) alike; the
		 * latter's default is a day */
		if (lock_s > 0)
			snprintf(
			    sql, sizeof sql,
			    "SET SESSION innodb_lock_wait_timeout = %d, lock_wait_timeout = %d",
			    lock_s, lock_s);
		else
			snprintf(sql, sizeof sql,
			         "SET SESSION innodb_lock_wait_timeout = DEFAULT, "
			         "lock_wait_timeout = DEFAULT");
		if (my_run(db, sql, err) != 0 ||
		    set_statement_time(db, opts ? opts->statement_timeout_ms : 0, err) != 0)
			return -1;
		/* REPEATABLE READ whatever the server's default: the locking
		 * re-check then takes next-key locks, so a row it found absent
		 * cannot be inserted by another session before COMMIT */
		if (my_run(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", err) != 0)
			return -1;
		if (opts && opts->xid) {
			/* an apply: XA, so the transaction can be prepared before
			 * the journal says so, and settled later (DESIGN §6) */
			if (!xid_ok(opts->xid))
				return rf_error_set(err, base->name, "bad XA transaction name %s",
				                    opts->xid);
			snprintf(sql, sizeof sql, "XA START '%s'", opts->xid);
			if (my_run(db, sql, err) != 0)
				return -1;
			db->xid = rf_xstrdup(opts->xid);
			db->xa_prepared = false;
		} else if (my_run(db, "START TRANSACTION", err) != 0) {
			return -1;
		}
		base->tx_read_timeout_ms = 0;
	}
	base->in_tx = true;
	base->tx_mode = mode;
	return 0;
}

static int my_commit(struct rf_db *base, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	char sql[128];
	int rc;

	if (!db->xid) {
		if (my_run(db, "COMMIT", err) != 0)
			return -1; /* still in the transaction: the caller rolls back */
		base->in_tx = false;
		base->tx_read_timeout_ms = 0;
		return 0;
	}
	if (!db->xa_prepared)
		snprintf(sql, sizeof sql, "XA END '%s'", db->xid);
	if (!db->xa_prepared && my_run(db, sql, err) != 0)
		return -1;
	snprintf(sql, sizeof sql, "XA COMMIT '%s'%s", db->xid, db->xa_prepared ? "" : " ONE PHASE");
	rc = my_run(db, sql, err);
	/* a prepared transaction whose XA COMMIT failed is left to the
	 * server: the journal says it was to commit, and undo settles it with
	 * XA RECOVER; the caller's rollback must not roll it back */
	free(db->xid);
	db->xid = NULL;
	db->xa_prepared = false;
	base->in_tx = false;
	base->tx_read_timeout_ms = 0;
	return rc;
}

static int my_rollback(struct rf_db *base, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	base->in_tx = false;
	base->tx_read_timeout_ms = 0;
	if (db->xid)
		return xa_rollback(db, err);
	return my_run(db, "ROLLBACK", err);
}

/* ---- commit status (DESIGN §6) ---- */

static int my_prepare(struct rf_db *base, struct rf_buf *tx, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	char sql[128];

	if (!db->xid || db->xa_prepared)
		return rf_error_set(err, base->name, "no XA transaction to prepare");
	snprintf(sql, sizeof sql, "XA END '%s'", db->xid);
	if (my_run(db, sql, err) != 0)
		return -1;
	snprintf(sql, sizeof sql, "XA PREPARE '%s'", db->xid);
	if (my_run(db, sql, err) != 0) {
		/* XA END went through: the transaction is idle, not active */
		db->xa_prepared = true;
		snprintf(sql, sizeof sql, "XA ROLLBACK '%s'", db->xid);
		my_run(db, sql, NULL);
		db->xa_prepared = false;
		free(db->xid);
		db->xid = NULL;
		base->in_tx = false;
		return -1;
	}
	db->xa_prepared = true;
	rf_buf_adds(tx, db->xid);
	return 0;
}

/* Whether XA RECOVER lists xid (prepared, on any session or none). */
static int xa_listed(struct my_db *db, const char *xid, bool *listed, struct rf_error *err)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	*listed = false;
	if (mysql_real_query(db->conn, "XA RECOVER", 10) != 0 ||
	    !(res = mysql_store_result(db->conn)))
		return my_fail(db, err, mysql_error(db->conn));
	while ((row = mysql_fetch_row(res)))
		if (mysql_num_fields(res) >= 4 && row[0] && strcmp(row[0], "1") == 0 && row[2] &&
		    strcmp(row[2], "0") == 0 && row[3] && strcmp(row[3], xid) == 0)
			*listed = true;
	mysql_free_result(res);
	return 0;
}

/* XA RECOVER lists the prepared transactions, which outlive their
 * session (MariaDB 10.5+, MySQL 5.7.7+). One it lists is finished here:
 * committed when the journal's prepared line holds (the apply decided to
 * commit), else rolled back. One it does not list was committed when the
 * prepared line holds (nothing else ends a prepared XA); without one it
 * never got prepared, and XA START of the same name tells whether a
 * session still holds it active (XAER_DUPID) or nobody does: then it was
 * rolled back with its session and can never commit. Right after the
 * apply died its session may still be ending (the server refuses the name
 * until it has): that is waited for a few seconds, then called running. */
#define XA_SETTLE_TRIES 50 /* of 100 ms */
static int my_tx_outcome(struct rf_db *base, const char *xid, const char *tx, bool settle,
                         enum rf_tx_outcome *out, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	const struct timespec pause = {0, 100 * 1000 * 1000};
	char sql[160];
	bool listed;
	int try;

	if (!xid || !xid_ok(xid))
		return rf_error_set(err, base->name, "bad XA transaction name %s",
		                    xid ? xid : "(none)");
	if (tx && strcmp(tx, xid) != 0)
		return rf_error_set(err, base->name,
		                    "the journal's prepared line names XA transaction %s, its "
		                    "header %s",
		                    tx, xid);
	for (try = 0; try < XA_SETTLE_TRIES; try++) {
		unsigned int e;
		if (try)
			nanosleep(&pause, NULL);
		if (xa_listed(db, xid, &listed, err) != 0)
			return -1;
		if (listed) {
			*out = tx ? RF_TX_COMMITTED : RF_TX_ABORTED;
			if (!settle)
				return 0;
			snprintf(sql, sizeof sql, "XA %s '%s'", tx ? "COMMIT" : "ROLLBACK", xid);
		} else if (tx) {
			*out = RF_TX_COMMITTED;
			return 0;
		} else {
			snprintf(sql, sizeof sql, "XA START '%s'", xid);
		}
		if (mysql_real_query(db->conn, sql, strlen(sql)) == 0)
			break;
		e = mysql_errno(db->conn);
		if (e != 1397 && e != 1440) /* XAER_NOTA, XAER_DUPID: held by a session */
			return my_fail(db, err, mysql_error(db->conn));
	}
	if (try == XA_SETTLE_TRIES) {
		*out = RF_TX_RUNNING;
		return 0;
	}
	if (listed)
		return 0;
	/* our own XA START went through: nobody held the name */
	snprintf(sql, sizeof sql, "XA END '%s'", xid);
	if (my_run(db, sql, err) != 0)
		return -1;
	snprintf(sql, sizeof sql, "XA ROLLBACK '%s'", xid);
	if (my_run(db, sql, err) != 0)
		return -1;
	*out = RF_TX_ABORTED;
	return 0;
}

/* ---- streaming ---- */

bool my_is_bit(const struct rf_column *c)
{
	return strncasecmp(c->decl_type, "bit", 3) == 0 &&
	       (c->decl_type[3] == '(' || !c->decl_type[3]);
}

void my_quote_table(struct rf_db *base, const struct rf_table_info *t, struct rf_buf *sql)
{
	if (t->schema) {
		my_quote_ident(base, t->schema, sql);
		rf_buf_addc(sql, '.');
	}
	my_quote_ident(base, t->name, sql);
}

/* MY_SESSION_SETUP fixes sql_mode without ANSI_QUOTES and
 * NO_BACKSLASH_ESCAPES, and a fragment cannot set a system variable. */
static enum rf_sql_dialect my_dialect(struct rf_db *base)
{
	(void)base;
	return RF_SQL_MYSQL;
}

static int my_stream_open(struct rf_db *base, const struct rf_stream_spec *spec,
                          struct rf_stream **out, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	const struct rf_table_info *t = spec->table;
	struct rf_buf sql = RF_BUF_INIT;
	struct my_stream *s = NULL;
	struct my_order order = {0};
	MYSQL_RES *res;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (spec->ncols == 0) {
		rf_error_set(err, base->name, "%s: no columns to stream", t->display);
		goto out;
	}
	/* outside one, FOR UPDATE would lock nothing past the statement */
	if (spec->lock && !(base->in_tx && base->tx_mode == RF_TX_WRITE)) {
		rf_error_set(err, base->name, "locking rows needs a write transaction");
		goto out;
	}
	if (rf_db_check_where(base, spec->where, err) != 0 ||
	    rf_db_check_exprs(base, spec, err) != 0)
		goto out;
	rf_buf_adds(&sql, "SELECT ");
	for (i = 0; i < spec->ncols; i++) {
		const struct rf_column *c = &t->cols[spec->cols[i]];
		if (i)
			rf_buf_adds(&sql, ", ");
		if (spec->refs && spec->refs[i].parent) {
			rf_db_ref_select(base, &spec->refs[i], t, c->name, "", &sql);
			continue;
		}
		/* BIT comes over the wire as raw bytes; +0 makes it a number */
		if (my_is_bit(c))
			rf_buf_addc(&sql, '(');
		my_quote_ident(base, c->name, &sql);
		if (my_is_bit(c))
			rf_buf_adds(&sql, "+0)");
	}
	for (i = 0; i < spec->nexprs; i++) {
		rf_buf_adds(&sql, ", ");
		rf_db_expr_select(base, &spec->exprs[i], i, "", &sql);
	}
	rf_buf_adds(&sql, " FROM ");
	my_quote_table(base, t, &sql);
	if (spec->where)
		rf_buf_printf(&sql, " WHERE (%s)", spec->where);
	my_key_ranges(base, spec, spec->where != NULL, &sql);
	my_order_by(db, spec, &sql, &order);
	if (spec->lock)
		rf_buf_adds(&sql, " FOR UPDATE");
	if (mysql_real_query(db->conn, sql.data, sql.len) != 0 ||
	    !(res = mysql_use_result(db->conn))) {
		my_fail(db, err, mysql_error(db->conn));
		goto out;
	}
	s = rf_xcalloc(1, sizeof *s);
	s->db = db;
	s->res = res;
	s->order = order;
	memset(&order, 0, sizeof order);
	s->row.ncols = spec->ncols + spec->nexprs;
	s->row.cells = rf_xcalloc(s->row.ncols, sizeof *s->row.cells);
	*out = (struct rf_stream *)s;
	rc = 0;
out:
	my_order_free(&order);
	rf_buf_free(&sql);
	return rc;
}

static int my_stream_next(struct rf_stream *stream, const struct rf_row **row, struct rf_error *err)
{
	struct my_stream *s = (struct my_stream *)stream;
	MYSQL_ROW r;
	unsigned long *len;
	size_t i;
	int rc = my_order_fetch(s->db, &s->order, &s->res, &r, err);

	if (rc <= 0)
		return rc;
	len = mysql_fetch_lengths(s->res);
	for (i = 0; i < s->row.ncols; i++) {
		s->row.cells[i].is_null = r[i] == NULL;
		s->row.cells[i].data = r[i];
		s->row.cells[i].len = r[i] ? len[i] : 0;
	}
	*row = &s->row;
	return 1;
}

/* Frees the stream; unread rows are drained from the connection first. */
static void my_stream_close(struct rf_stream *stream)
{
	struct my_stream *s = (struct my_stream *)stream;
	if (!s)
		return;
	if (s->res)
		mysql_free_result(s->res);
	my_order_free(&s->order);
	free(s->row.cells);
	free(s);
}

/* ---- quoting ---- */

void my_quote_ident(struct rf_db *base, const char *ident, struct rf_buf *out)
{
	const char *p;
	rf_buf_addc(out, '`');
	for (p = ident; *p; p++) {
		if (*p == '`')
			rf_buf_addc(out, '`');
		rf_buf_addc(out, *p);
	}
	rf_buf_addc(out, '`');
}

/* The one place text becomes an SQL string literal. */
static void add_string(struct my_db *db, const char *s, size_t n, struct rf_buf *out)
{
	rf_buf_reserve(out, 2 * n + 2);
	out->data[out->len++] = '\'';
	out->len += mysql_real_escape_string(db->conn, out->data + out->len, s, (unsigned long)n);
	out->data[out->len++] = '\'';
	out->data[out->len] = '\0';
}

static bool is_number(const char *s, size_t n)
{
	size_t i, digits = 0;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (!strchr("+-.eE", s[i]) || !s[i])
			return false;
	}
	return digits > 0;
}

static void my_quote_literal(struct rf_db *base, enum rf_type_class c, const struct rf_cell *v,
                             struct rf_buf *out)
{
	struct my_db *db = (struct my_db *)base;
	const char *s = v->data ? v->data : "";
	int b;

	if (v->is_null) {
		rf_buf_adds(out, "NULL");
		return;
	}
	switch (c) {
	case RF_T_BOOLEAN:
		if ((b = my_parse_bool(s, v->len)) >= 0) {
			rf_buf_adds(out, b ? "1" : "0");
			return;
		}
		break;
	case RF_T_INTEGER:
	case RF_T_DECIMAL:
	case RF_T_FLOAT:
		if (is_number(s, v->len)) {
			rf_buf_add(out, s, v->len);
			return;
		}
		break;
	case RF_T_BYTES:
		rf_buf_adds(out, "x'");
		if (rf_is_hex(s, v->len))
			rf_buf_add(out, s, v->len);
		else /* not canonical: quote the bytes themselves */
			rf_buf_addhex(out, (const unsigned char *)s, v->len);
		rf_buf_addc(out, '\'');
		return;
	case RF_T_TIMESTAMP:
	case RF_T_TIMESTAMPTZ: {
		char *ts = my_timestamp_text(s, v->len);
		add_string(db, ts, strlen(ts), out);
		free(ts);
		return;
	}
	default:
		break;
	}
	add_string(db, s, v->len, out);
}

static void my_placeholder(struct rf_db *base, size_t n, struct rf_buf *out)
{
	rf_buf_addc(out, '?');
}

/* has_returning: MariaDB 10.5+ has INSERT/DELETE ... RETURNING (not UPDATE);
 * Oracle MySQL has none and fails such a statement with a syntax error. The
 * ops table is shared and const, so this cannot vary by server; generated
 * keys also come back as last_insert_id on both. */
const struct rf_db_ops rf_mysql_ops = {
    .engine = "mysql",
    .dialect = my_dialect,
    .has_returning = true,
    .has_schemas = false,
    .ddl_commits = true,
    .is_server = true,
    .bytes_form = {"0x", "", true},
    .connect = my_connect,
    .close = my_close,
    .list_tables = my_list_tables,
    .describe = my_describe,
    .foreign_keys = my_foreign_keys,
    .stream_open = my_stream_open,
    .stream_next = my_stream_next,
    .stream_close = my_stream_close,
    .exec = my_exec,
    .begin = my_begin,
    .commit = my_commit,
    .rollback = my_rollback,
    .prepare = my_prepare,
    .tx_outcome = my_tx_outcome,
    .quote_ident = my_quote_ident,
    .quote_literal = my_quote_literal,
    .placeholder = my_placeholder,
    .bulk_statement = my_bulk_statement,
    .bulk_value = my_bulk_value,
    .bulk_script = my_bulk_script,
    .bulk_stream = my_bulk_stream,
    .temp_load = my_temp_load,
    .temp_drop = my_temp_drop,
    .hash_column = my_hash_column,
    .segment_sums = my_segment_sums,
    .segment_keys = my_segment_keys,
};
