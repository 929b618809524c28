/* sqlite.c - the SQLite driver (DESIGN §1, §2).
 *
 * URLs: sqlite:relative/file.db, sqlite:/abs/file.db, sqlite:///abs/file.db.
 * The file must exist: a typo in a URL must not silently create an empty
 * database that then diffs as "every row missing".
 *
 * Read-only is enforced by the engine: the connection keeps
 * PRAGMA query_only=ON at all times except inside a write transaction, so a
 * write outside apply/undo fails with "attempt to write a readonly database".
 * A write transaction is BEGIN IMMEDIATE: it takes the write lock up front
 * (waiting at most lock_timeout_ms), which is also what makes the re-check
 * of the target rows under lock valid; streams therefore need no FOR UPDATE.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "sqlite_internal.h"

/* How long a reader waits for a writer's lock outside write transactions. */
#define SQLITE_DEFAULT_BUSY_MS 5000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Progress handler: interrupts a statement that runs past the deadline. */
static int on_progress(void *arg)
{
	struct sqlite_db *db = arg;
	return db->deadline_ms && now_ms() > db->deadline_ms;
}

static void arm_deadline(struct sqlite_db *db)
{
	db->deadline_ms = db->statement_timeout_ms ? now_ms() + db->statement_timeout_ms : 0;
}

void sq_arm_deadline(struct sqlite_db *db)
{
	arm_deadline(db);
}

/* Sets err from the connection's last error, as one line naming the
 * connection; `what` (may be NULL) says what was being done. Returns -1. */
int sq_fail(struct sqlite_db *db, struct rf_error *err, const char *what)
{
	char msg[900];
	char *p;

	if (db->conn && sqlite3_errcode(db->conn) == SQLITE_INTERRUPT &&
	    db->base.tx_read_timeout_ms)
		return rf_db_read_timeout_error(&db->base, err);
	if (db->conn && sqlite3_errcode(db->conn) == SQLITE_INTERRUPT && db->statement_timeout_ms)
		snprintf(msg, sizeof msg, "statement timeout (%d ms) exceeded",
		         db->statement_timeout_ms);
	else
		snprintf(msg, sizeof msg, "%s",
		         db->conn ? sqlite3_errmsg(db->conn)
		                  : "out of memory opening the database");
	for (p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (what)
		return rf_error_set(err, db->base.name, "%s: %s", what, msg);
	return rf_error_set(err, db->base.name, "%s", msg);
}

/* Runs one statement that takes no parameters and returns nothing we
 * need (one: sq_prepare checks the tail, as for every statement). */
static int exec_simple(struct sqlite_db *db, const char *sql, struct rf_error *err)
{
	sqlite3_stmt *st = NULL;
	int step = SQLITE_DONE, rc = 0;

	if (sq_prepare(db, sql, &st, err) != 0)
		return -1;
	while (st && (step = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (step != SQLITE_DONE)
		rc = sq_fail(db, err, NULL);
	sqlite3_finalize(st);
	return rc;
}

int sq_prepare(struct sqlite_db *db, const char *sql, sqlite3_stmt **st, struct rf_error *err)
{
	const char *tail = NULL;
	if (sqlite3_prepare_v2(db->conn, sql, -1, st, &tail) != SQLITE_OK)
		return sq_fail(db, err, NULL);
	/* prepare compiles the first statement only: the rest would be lost,
	 * or run by whoever prepares the tail (DESIGN §15) */
	if (tail && *sq_skip_space(tail)) {
		sqlite3_finalize(*st);
		*st = NULL;
		return rf_error_set(err, db->base.name, "one statement at a time: %.60s",
		                    sq_skip_space(tail));
	}
	return 0;
}

const char *sq_skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* ---- connect / close ---- */

/* The file path of a sqlite: URL (caller frees), or NULL with err. */
static char *path_from_url(const char *url, const char *who, struct rf_error *err)
{
	const char *p;
	const char *home = getenv("HOME");

	if (!url || strncmp(url, "sqlite:", 7) != 0) {
		rf_error_set(err, who, "not a sqlite: URL");
		return NULL;
	}
	p = url + 7;
	if (strncmp(p, "//", 2) == 0) {
		p += 2;
		if (*p != '/') {
			rf_error_set(err, who,
			             "sqlite:// must be followed by an absolute path "
			             "(sqlite:///abs/file.db), or use sqlite:relative/file.db");
			return NULL;
		}
	}
	if (!*p) {
		rf_error_set(err, who, "the sqlite: URL names no file");
		return NULL;
	}
	if (p[0] == '~' && p[1] == '/' && home)
		return rf_xasprintf("%s%s", home, p + 1);
	return rf_xstrdup(p);
}

static void sqlite_close(struct rf_db *base)
{
	struct sqlite_db *db = sqlite_of(base);
	if (!db)
		return;
	/* v2: statements still open are finalized with the connection; an
	 * open transaction is rolled back by the engine */
	if (db->conn)
		sqlite3_close_v2(db->conn);
	free(db->path);
	rf_db_free_base(&db->base);
	free(db);
}

static int sqlite_connect(const struct rf_connect_opts *o, struct rf_db **out, struct rf_error *err)
{
	struct sqlite_db *db = rf_xcalloc(1, sizeof *db);
	struct stat st;
	int rc = -1;

	*out = NULL;
	rf_db_init_base(&db->base, &rf_sqlite_ops, o);
	db->path = path_from_url(o->url, db->base.name, err);
	if (!db->path)
		goto out;
	/* No SQLITE_OPEN_CREATE: a missing file is an error, never a new database. */
	if (stat(db->path, &st) != 0) {
		rf_error_set(err, db->base.name, "cannot open %s: %s", db->path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rf_error_set(err, db->base.name, "cannot open %s: not a regular file", db->path);
		goto out;
	}
	if (sqlite3_open_v2(db->path, &db->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		sq_fail(db, err, db->path);
		goto out;
	}
	sqlite3_busy_timeout(db->conn, SQLITE_DEFAULT_BUSY_MS);
	/* A file that is not a database only fails on the first read: read now,
	 * so the error names the connection at connect time. */
	if (exec_simple(db, "PRAGMA foreign_keys=ON", err) != 0 ||
	    exec_simple(db, "PRAGMA query_only=ON", err) != 0 ||
	    exec_simple(db, "SELECT count(*) FROM sqlite_schema", err) != 0)
		goto out;
	*out = &db->base;
	rc = 0;
out:
	if (rc != 0)
		sqlite_close(&db->base);
	return rc;
}

/* ---- quoting ---- */

void sq_quote_ident(struct rf_buf *out, const char *ident)
{
	const char *p;
	rf_buf_addc(out, '"');
	for (p = ident; *p; p++) {
		if (*p == '"')
			rf_buf_addc(out, '"');
		rf_buf_addc(out, *p);
	}
	rf_buf_addc(out, '"');
}

/* SQLite defers no single constraint: every foreign key's check moves
 * to COMMIT (PRAGMA defer_foreign_keys, reset when the transaction
 * ends), whatever name says. */
static void sqlite_defer_constraint(struct rf_db *db, const char *name, struct rf_buf *out)
{
	(void)db;
	(void)name;
	rf_buf_adds(out, "PRAGMA defer_foreign_keys = ON");
}

static void sqlite_quote_ident(struct rf_db *db, const char *ident, struct rf_buf *out)
{
	(void)db;
	sq_quote_ident(out, ident);
}

static void sqlite_placeholder(struct rf_db *db, size_t n, struct rf_buf *out)
{
	(void)db;
	rf_buf_printf(out, "?%zu", n);
}

/* ---- writing ---- */

static bool starts_with_word(const char *sql, const char *word)
{
	size_t n = strlen(word);
	sql = sq_skip_space(sql);
	return strncasecmp(sql, word, n) == 0 &&
	       !((sql[n] >= 'a' && sql[n] <= 'z') || (sql[n] >= 'A' && sql[n] <= 'Z') ||
	         sql[n] == '_');
}

/* Appends the current row of st to r, copying every value (r owns them). */
static void collect_row(sqlite3_stmt *st, struct rf_result *r)
{
	size_t i, base = r->nrows * r->ncols;

	r->cells = rf_xrealloc(r->cells, (base + r->ncols) * sizeof *r->cells);
	for (i = 0; i < r->ncols; i++) {
		struct rf_cell c;
		char *copy = NULL;
		sq_read_cell(st, (int)i, false, NULL, &c);
		if (!c.is_null) {
			copy = rf_xmalloc(c.len + 1);
			memcpy(copy, c.data, c.len);
			copy[c.len] = '\0';
		}
		r->cells[base + i].data = copy;
		r->cells[base + i].len = c.len;
		r->cells[base + i].is_null = c.is_null;
	}
	r->nrows++;
}

static int sqlite_exec(struct rf_db *base, const char *sql, size_t nparams,
                       const struct rf_param *params, struct rf_result *out, struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	struct rf_result local;
	struct rf_result *r = out ? out : &local;
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	size_t i;
	int step, rc = -1;

	memset(r, 0, sizeof *r);
	arm_deadline(db);
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, &tail) != SQLITE_OK) {
		sq_fail(db, err, NULL);
		goto out;
	}
	if (!st) {
		rf_error_set(err, base->name, "empty statement");
		goto out;
	}
	if (tail && *sq_skip_space(tail)) {
		rf_error_set(err, base->name, "one statement at a time: %.60s",
		             sq_skip_space(tail));
		goto out;
	}
	if ((size_t)sqlite3_bind_parameter_count(st) != nparams) {
		rf_error_set(err, base->name, "the statement has %d placeholders, %zu values given",
		             sqlite3_bind_parameter_count(st), nparams);
		goto out;
	}
	for (i = 0; i < nparams; i++)
		if (sq_bind_param(db, st, (int)i + 1, &params[i], err) != 0)
			goto out;
	r->ncols = (size_t)sqlite3_column_count(st);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		collect_row(st, r);
	if (step != SQLITE_DONE) {
		sq_fail(db, err, NULL);
		goto out;
	}
	r->affected = sqlite3_stmt_readonly(st) ? (long long)r->nrows : sqlite3_changes64(db->conn);
	if (starts_with_word(sql, "INSERT") || starts_with_word(sql, "REPLACE"))
		r->last_insert_id = (unsigned long long)sqlite3_last_insert_rowid(db->conn);
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc != 0 || !out)
		rf_result_free(r);
	return rc;
}

/* ---- transactions ---- */

static int end_tx(struct sqlite_db *db, const char *sql, struct rf_error *err);

/* The file change counter (header bytes 24..27) as the database file holds
 * it, read through SQLite's own file handle (opening the file a second time
 * and closing it would drop SQLite's POSIX locks), and whether the
 * database is in WAL mode. Inside a transaction, so a hot journal has been
 * rolled back and no one else commits meanwhile. */
static int file_identity(struct sqlite_db *db, unsigned long *counter, bool *wal,
                         struct rf_error *err)
{
	sqlite3_file *f = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char b[4];

	if (sq_prepare(db, "PRAGMA main.journal_mode", &st, err) != 0)
		return -1;
	*wal = sqlite3_step(st) == SQLITE_ROW &&
	       sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (sqlite3_file_control(db->conn, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK ||
	    !f || !f->pMethods || f->pMethods->xRead(f, b, 4, 24) != SQLITE_OK)
		return rf_error_set(err, db->base.name, "cannot read the header of %s", db->path);
	*counter =
	    (unsigned long)b[0] << 24 | (unsigned long)b[1] << 16 | (unsigned long)b[2] << 8 | b[3];
	return 0;
}

static int sqlite_begin(struct rf_db *base, enum rf_tx_mode mode, const struct rf_tx_opts *opts,
                        struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);

	if (base->in_tx)
		return rf_error_set(err, base->name, "a transaction is already open");
	if (mode == RF_TX_READ) {
		if (exec_simple(db, "PRAGMA query_only=ON", err) != 0 ||
		    exec_simple(db, "BEGIN", err) != 0)
			return -1;
		/* read_timeout_ms: each step of a read stops at the deadline */
		if (opts && opts->read_timeout_ms > 0) {
			db->statement_timeout_ms = opts->read_timeout_ms;
			base->tx_read_timeout_ms = opts->read_timeout_ms;
			sqlite3_progress_handler(db->conn, 1000, on_progress, db);
		}
	} else {
		sqlite3_busy_timeout(db->conn, opts && opts->lock_timeout_ms > 0
		                                   ? opts->lock_timeout_ms
		                                   : SQLITE_DEFAULT_BUSY_MS);
		if (exec_simple(db, "PRAGMA query_only=OFF", err) != 0)
			return -1;
		/* IMMEDIATE takes the write lock now, so two appliers cannot both
		 * pass the re-check and then collide at the first write */
		if (sqlite3_exec(db->conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
			sq_fail(db, err, "cannot start a write transaction");
			exec_simple(db, "PRAGMA query_only=ON", NULL);
			sqlite3_busy_timeout(db->conn, SQLITE_DEFAULT_BUSY_MS);
			return -1;
		}
		/* before any write of ours: the counter the file holds now is
		 * the last commit's (commit status, DESIGN §6) */
		if (file_identity(db, &db->begin_counter, &db->begin_wal, err) != 0) {
			end_tx(db, "ROLLBACK", NULL);
			return -1;
		}
		if (opts && opts->statement_timeout_ms > 0) {
			db->statement_timeout_ms = opts->statement_timeout_ms;
			sqlite3_progress_handler(db->conn, 1000, on_progress, db);
		}
	}
	base->in_tx = true;
	base->tx_mode = mode;
	return 0;
}

/* Ends the transaction with sql (COMMIT or ROLLBACK) and returns to the
 * read-only state. A COMMIT that fails (e.g. the lock wait ran out) is
 * rolled back here: a failed apply must leave nothing half-written. */
static int end_tx(struct sqlite_db *db, const char *sql, struct rf_error *err)
{
	int rc = 0;

	if (!sqlite3_get_autocommit(db->conn))
		rc = exec_simple(db, sql, err);
	if (rc != 0 && !sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_progress_handler(db->conn, 0, NULL, NULL);
	db->statement_timeout_ms = 0;
	db->deadline_ms = 0;
	db->base.tx_read_timeout_ms = 0;
	sqlite3_busy_timeout(db->conn, SQLITE_DEFAULT_BUSY_MS);
	if (exec_simple(db, "PRAGMA query_only=ON", err) != 0)
		rc = -1;
	db->base.in_tx = false;
	db->base.tx_mode = RF_TX_READ;
	return rc;
}

static int sqlite_commit(struct rf_db *base, struct rf_error *err)
{
	return end_tx(sqlite_of(base), "COMMIT", err);
}

static int sqlite_rollback(struct rf_db *base, struct rf_error *err)
{
	return end_tx(sqlite_of(base), "ROLLBACK", err);
}

/* ---- commit status (DESIGN §6) ---- */

/* In rollback-journal mode every commit adds one to the file change
 * counter, and the write transaction (BEGIN IMMEDIATE) kept every other
 * writer out from its start: the counter it began with is the transaction's
 * identity. WAL mode does not count commits in the file. */
static int sqlite_prepare(struct rf_db *base, struct rf_buf *tx, struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);

	if (!base->in_tx || base->tx_mode != RF_TX_WRITE)
		return rf_error_set(err, base->name, "no write transaction to prepare");
	if (db->begin_wal)
		rf_buf_adds(tx, "wal");
	else
		rf_buf_printf(tx, "%lu", db->begin_counter);
	return 0;
}

/* Opening the file rolled a hot journal back (connect reads it): the file
 * is the truth. Its counter unchanged since the transaction began: that
 * transaction did not commit (nor did any other since). Changed: the copy
 * committed, or it did not and another writer did; SQLite keeps no record
 * that tells which, so this is refused rather than guessed. */
static int sqlite_tx_outcome(struct rf_db *base, const char *xid, const char *tx, bool settle,
                             enum rf_tx_outcome *out, struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	unsigned long now, then;
	char *end;
	bool wal;
	int rc;
	(void)xid, (void)settle;

	if (!tx) {
		/* no prepared line: COMMIT was never run */
		*out = RF_TX_ABORTED;
		return 0;
	}
	if (strcmp(tx, "wal") == 0)
		return rf_error_set(err, base->name,
		                    "the copy ran on a database in WAL mode, which keeps no record "
		                    "of its commits: rowferry cannot tell whether it committed");
	errno = 0;
	then = strtoul(tx, &end, 10);
	if (errno || end == tx || *end)
		return rf_error_set(err, base->name, "not a SQLite transaction identity: %s", tx);
	/* a read of the schema takes the shared lock, and with it rolls a hot
	 * journal back: the file is then as its last commit left it */
	if (exec_simple(db, "BEGIN", err) != 0)
		return -1;
	if (exec_simple(db, "SELECT count(*) FROM sqlite_schema", err) != 0) {
		exec_simple(db, "ROLLBACK", NULL);
		return -1;
	}
	rc = file_identity(db, &now, &wal, err);
	exec_simple(db, "COMMIT", NULL);
	if (rc != 0)
		return -1;
	if (wal)
		return rf_error_set(err, base->name,
		                    "%s is in WAL mode now, which keeps no record of commits: "
		                    "rowferry cannot tell whether the copy committed",
		                    db->path);
	if (now != then)
		return rf_error_set(err, base->name,
		                    "%s changed since the copy's transaction began (file change "
		                    "counter %lu, now %lu): the copy committed, or it did not and "
		                    "another writer changed the file; SQLite keeps no record that "
		                    "tells which, so rowferry cannot settle this journal",
		                    db->path, then, now);
	*out = RF_TX_ABORTED;
	return 0;
}

static enum rf_sql_dialect sqlite_dialect(struct rf_db *base)
{
	(void)base;
	return RF_SQL_SQLITE;
}

const struct rf_db_ops rf_sqlite_ops = {
    .engine = "sqlite",
    .dialect = sqlite_dialect,
    .has_returning = true,
    .fast_returning = true, /* SQLite 3.35+ */
    .has_schemas = false,
    .bytes_form = {"X'", "'", true},
    .connect = sqlite_connect,
    .close = sqlite_close,
    .list_tables = sq_list_tables,
    .describe = sq_describe,
    .foreign_keys = sq_foreign_keys,
    .stream_open = sq_stream_open,
    .stream_next = sq_stream_next,
    .stream_close = sq_stream_close,
    .exec = sqlite_exec,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .prepare = sqlite_prepare,
    .tx_outcome = sqlite_tx_outcome,
    .quote_ident = sqlite_quote_ident,
    .defer_constraint = sqlite_defer_constraint,
    .quote_literal = sq_quote_literal,
    .placeholder = sqlite_placeholder,
    .hash_column = sq_hash_column,
    .segment_sums = sq_segment_sums,
    .segment_keys = sq_segment_keys,
};
