/* db.h - one interface over PostgreSQL, MySQL/MariaDB and SQLite (DESIGN §1, §2).
 *
 * The core talks to a database only through struct rf_db_ops; each driver is
 * one file in src/db/ and nothing outside those files knows which engine it
 * is talking to (no `if (engine == PG)` elsewhere; capabilities are flags).
 *
 * Reads: rf_db_begin(db, RF_TX_READ) starts a transaction the *server*
 * enforces as read-only (BEGIN READ ONLY / START TRANSACTION READ ONLY /
 * PRAGMA query_only), each statement in it bounded by [safety]
 * read_timeout_ms, then streams rows. Writes: RF_TX_WRITE on the target
 * only, with lock and statement timeouts. Every statement is sent alone
 * (PostgreSQL's extended protocol, no CLIENT_MULTI_STATEMENTS, SQLite's
 * prepare tail checked); user fragments are checked first with the
 * engine's own quoting (rf_sql_check_fragment, src/db/fragment.c).
 *
 * Values exchanged with a driver are cells (value.h):
 *  - rows streamed OUT of a driver hold the engine's text form of each value
 *    (timestamps in the session time zone, which drivers set to UTC), except
 *    RF_T_BYTES, which is the raw bytes;
 *  - parameters and literals going IN are canonical forms (value.h) tagged
 *    with the target column's class; the driver converts them to what its
 *    engine accepts (e.g. boolean "true" -> 1 on MySQL, bytes -> bytea).
 */
#ifndef ROWFERRY_DB_H
#define ROWFERRY_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/util.h"
#include "rowferry/value.h"

struct rf_db;
struct rf_stream;
struct rf_planned_tables;

struct rf_column {
	char *name;
	char *decl_type;           /* as declared: "numeric(12,2)", "tinyint(1)", "TEXT" */
	enum rf_type_class tclass; /* DESIGN §3 */
	bool nullable;
	char *default_expr; /* NULL when the column has no default */
	bool generated;     /* computed: GENERATED ALWAYS AS (expr) [STORED|VIRTUAL] */
	bool identity;      /* identity / serial / auto_increment / SQLite rowid alias */
	int pk_pos;         /* 1-based position in the primary key, 0 if not in it */
	/* What an INSERT stores when sent a canonical value of tclass (set by
	 * describe; apply then journals inserted rows without reading them
	 * back, predict.c): */
	enum rf_store {
		RF_STORE_UNKNOWN, /* not known: read it back (the default) */
		RF_STORE_EXACT,   /* the value sent, or the load fails */
		RF_STORE_LIMIT,   /* the value sent if within store_limit: fraction
		                     digits (decimal, time, timestamp) or characters
		                     (text); otherwise rounded or cut */
		RF_STORE_JSONB    /* the JSON sent, printed back in jsonb's form
		                     (rf_value_jsonb_form) */
	} store;
	int store_limit;
};

struct rf_key { /* a unique key, or the columns of a foreign key */
	char *name;
	size_t ncols;
	char **cols;
};

struct rf_fkey {
	char *name;
	size_t ncols;
	char **cols;     /* referencing columns of this table */
	char *ref_table; /* referenced table, named as describe() accepts it */
	char **ref_cols; /* referenced columns, same count */
};

/* One foreign key as the row graph sees it (graph.h, DESIGN §11). Tables
 * are named as describe() names them (its `display`: "public.jobs" on
 * PostgreSQL, "jobs" in MariaDB's connected database and in SQLite). */
struct rf_fk_edge {
	char *name;
	char *child;  /* the referencing table */
	char *parent; /* the referenced table */
	size_t ncols;
	char **child_cols;  /* in the constraint's order */
	char **parent_cols; /* same count */
	bool nullable;      /* every child column accepts NULL: a cycle can be
	                       broken here (insert NULL, UPDATE later) */
	bool deferrable;    /* DEFERRABLE (PostgreSQL; false elsewhere) */
	bool enforced;      /* the engine checks it on this connection now
	                       (SQLite: PRAGMA foreign_keys; MariaDB:
	                       foreign_key_checks) */
};
/* Owns its items and their strings; rf_fk_list_free(). */
struct rf_fk_list {
	size_t len;
	struct rf_fk_edge *items;
};
void rf_fk_list_free(struct rf_fk_list *l);
/* Appends a deep copy of e. */
void rf_fk_list_add(struct rf_fk_list *l, const struct rf_fk_edge *e);

/* Everything the core needs to know about one table. Owned by the caller of
 * describe(); free with rf_table_info_free(). Column order is the table's. */
struct rf_table_info {
	char *schema;  /* PostgreSQL schema / MySQL database; NULL for SQLite */
	char *name;    /* exact table name */
	char *display; /* "public.siteflow_orders", "siteflow_orders" */
	size_t ncols;
	struct rf_column *cols;
	size_t npk;
	size_t *pk; /* indexes into cols, in key order */
	size_t nunique;
	struct rf_key *uniques; /* unique keys and unique indexes, not the PK */
	size_t nfkeys;
	struct rf_fkey *fkeys;
	size_t nindexes;
	struct rf_key *indexes; /* the other indexes: not unique, on plain
	                           columns (no expression, not partial), in
	                           name order; for creating the table elsewhere
	                           (schema.h) */
	bool plain_inserts;     /* a base table without triggers or rules: an INSERT
	                           stores its values as each column's `store` says
	                           (false where not known) */
	bool large_values;      /* PostgreSQL: the table's TOAST relation holds
	                           data, so a value may be large, and a stream
	                           may read those as digests (rf_stream_spec's
	                           digest); false elsewhere, and where not known */
};
void rf_table_info_free(struct rf_table_info *t);
/* Fills *to (overwritten) with a deep copy of from; rf_table_info_free(to). */
void rf_table_info_copy(struct rf_table_info *to, const struct rf_table_info *from);
/* index of column `name` (exact match), or -1 */
int rf_table_info_col(const struct rf_table_info *t, const char *name);

struct rf_table_entry {
	char *name;     /* as describe() accepts it: "public.jobs" / "jobs" */
	long long rows; /* exact count; -1 if it could not be counted */
};
struct rf_table_list {
	size_t len;
	struct rf_table_entry *items;
};
void rf_table_list_free(struct rf_table_list *l);

/* A streamed row. Owned by the stream; valid until the next stream_next()
 * or stream_close(). cells[i] corresponds to spec->cols[i]. */
struct rf_row {
	size_t ncols;
	struct rf_cell *cells;
};

/* What to stream. The driver quotes every identifier itself. */
/* [lo, hi) over a key: nkey canonical cells each, of the key columns'
 * classes; NULL: unbounded on that side. Borrowed. */
struct rf_key_range {
	const struct rf_cell *lo, *hi;
};

struct rf_stream_spec {
	const struct rf_table_info *table;
	size_t ncols;
	const size_t *cols; /* column indexes into table->cols, in output order */
	const char *where;  /* an SQL boolean expression, or NULL. The driver
	                       wraps it in parentheses and must refuse input
	                       that is not a single expression (';', unbalanced
	                       parentheses or quotes, comments) */
	size_t nkey;
	const size_t *key; /* ORDER BY these columns (indexes into table->cols),
	                      ascending, text-class columns in byte order
	                      (COLLATE "C" / binary), NULLs first */
	bool lock;         /* SELECT ... FOR UPDATE (only inside RF_TX_WRITE;
	                      ignored where the engine locks otherwise) */
	/* Key ranges (hash diff, DESIGN §14): rows whose key, as a tuple of
	 * the nkey key columns, lies in one of ranges[0..nranges): >= lo and
	 * < hi in the order of the ORDER BY above (integers as numbers, text
	 * in byte order). The ranges are disjoint and in key order, so one
	 * ordered statement reads them all (one round trip for many ranges).
	 * nranges 0: every row. */
	size_t nranges;
	const struct rf_key_range *ranges;
	/* Key buckets (hash diff cut by key hash, rf_segment_spec.buckets):
	 * where bucket_mod > 0, only rows whose key hash modulo bucket_mod is
	 * one of buckets[0..nbuckets) (ascending), still in key order. */
	unsigned long long bucket_mod;
	size_t nbuckets;
	const unsigned long long *buckets;
	/* References compared through match keys (DESIGN §11): NULL, or ncols
	 * entries; where refs[i].parent is set, output column i is the
	 * parent's match key instead of the column's own value, written by
	 * rf_db_ref_select (keys are never such columns). */
	const struct rf_stream_ref *refs;
	/* Source-engine expressions (a map's sql(), DESIGN §12, §15): nexprs
	 * more output columns after the ncols above, exprs[i] as the select
	 * list item "(sql) AS <rf_sql_i quoted>" (rf_db_expr_select), so the
	 * value is read in the same statement and snapshot as the row. The
	 * driver checks each sql as a --where (rf_db_check_exprs) and reads
	 * its value in the engine's text form of class tclass, as it reads a
	 * column of that class (bytes raw, booleans t/f or 1/0). */
	size_t nexprs;
	const struct rf_stream_expr *exprs;
	/* Large values as digests (PostgreSQL only; asked only of a table
	 * whose large_values is set, diff_digest.c): NULL, or ncols flags;
	 * where digest[i] is set (a bytes or text column that is no key), a
	 * value of more than digest_min bytes comes in output column i as its
	 * first RF_DIGEST_PREFIX bytes (bytes) or characters (text), and in
	 * one more output column, after the exprs, one per flag set in order,
	 * as the SHA-256 of its bytes (text in UTF-8); that column is NULL
	 * where the value is not over digest_min (or NULL). */
	const bool *digest;
	size_t digest_min;
};
/* What a digested value's own column keeps of it (rf_stream_spec digest):
 * more than a listing shows (output_text.c's 40 characters, hex digits of
 * bytes), so a digested value is shown as it would be whole. */
#define RF_DIGEST_PREFIX 48

/* One raw expression of a stream (rf_stream_spec's exprs). Borrowed. */
struct rf_stream_expr {
	const char *sql;           /* a user fragment: checked, parenthesized */
	enum rf_type_class tclass; /* what its value is read as */
};
/* Appends "(x->sql)<cast> AS <alias>", the alias rf_sql_<n> quoted by
 * db's quote_ident; cast ("::text", or "") as the driver needs it. */
void rf_db_expr_select(struct rf_db *db, const struct rf_stream_expr *x, size_t n, const char *cast,
                       struct rf_buf *out);
/* rf_sql_check_fragment of every expression of spec in db's current
 * dialect, named "sql()" in the error. 0 or -1 with err. */
int rf_db_check_exprs(struct rf_db *db, const struct rf_stream_spec *spec, struct rf_error *err);

/* A foreign key column streamed as its parent's match key: (SELECT
 * rf_p.mk FROM parent rf_p WHERE rf_p.pk = table.col). Borrowed. */
struct rf_stream_ref {
	const struct rf_table_info *parent; /* schema and name used */
	const char *pk;                     /* the parent's referenced column */
	const char *mk;                     /* the parent's match key column */
};
/* Appends ref's scalar subquery for column col of t, quoted by db's
 * quote_ident; cast ("::text", or "") follows the match key column. */
void rf_db_ref_select(struct rf_db *db, const struct rf_stream_ref *ref,
                      const struct rf_table_info *t, const char *col, const char *cast,
                      struct rf_buf *out);

/* A segment of a table for the hash diff (DESIGN §14): the rows of table
 * that pass where and whose key (NOT NULL columns of integer or text
 * class) lies in [lo, hi) as rf_stream_spec's key range says. The driver
 * hashes, per row, the columns cols[0..ncols) canonicalized as classes[i]
 * (rf_value_canon without options), in SQL or, for SQLite, in a function
 * registered on the connection:
 *   S = for each column: "-" for NULL, else the byte length of its
 *       canonical form in decimal, ':', the canonical form (UTF-8);
 *   row hash = the first 15 hex digits of md5(S) as a 60-bit number;
 * and returns per segment the row count and the sum of the row hashes
 * modulo 2^60. A value the engine cannot normalize exactly must hash as
 * something no canonical form of another value hashes as (it may then
 * hash unequal where the stream would call it equal: that only costs a
 * segment streamed, never a wrong diff); hash_column says which columns
 * it normalizes exactly. */
struct rf_segment_spec {
	const struct rf_table_info *table;
	size_t ncols;
	const size_t *cols;                /* indexes into table->cols */
	const enum rf_type_class *classes; /* class of each, as the diff compares it */
	const char *where;                 /* checked user fragment or NULL */
	size_t nkey;
	const size_t *key;                   /* the key columns (indexes into table->cols) */
	const enum rf_type_class *key_class; /* RF_T_INTEGER or RF_T_TEXT each */
	const struct rf_cell *lo, *hi;       /* nkey canonical cells; NULL unbounded */
	/* Cut by width (one integer key column): where width > 0,
	 * segment_sums' nb bounds are width_lo + width * (i + 1), i = 0 ..
	 * nb - 1, and its bounds argument is NULL. The server numbers each row
	 * by arithmetic on its key instead of comparing it with every bound,
	 * so one pass cuts a table into tens of thousands of segments. */
	long long width_lo, width;
	/* Where nranges > 0 (cut by width only): the rows are those of these
	 * disjoint ranges in key order (lo/hi then unused), each range made
	 * of whole segments of the width numbering: a pass over a table's
	 * differing segments only, numbered as the whole table's. */
	size_t nranges;
	const struct rf_key_range *ranges;
	/* Cut by key hash (a key that is no one integer column, both sides
	 * this engine: hash_key_buckets): where buckets > 0, segment_sums
	 * numbers each row by a hash of its key the server computes, modulo
	 * buckets (its nb is buckets - 1, bounds NULL): one pass over the
	 * table cuts it into tens of thousands of segments whatever the key's
	 * type or collation. Where nin > 0, only the rows whose key hash
	 * modulo in_mod is one of in[0..nin) (ascending) are read. Which
	 * bucket a row falls in never decides what the diff finds, only how
	 * much is streamed: every row of a bucket whose sums differ is. */
	unsigned long long buckets, in_mod;
	size_t nin;
	const unsigned long long *in;
	bool native;       /* both sides are this driver's engine: the row hash may
	                      instead be any 60-bit hash the engine computes faster,
	                      the same on both, of the columns' text forms as the
	                      stream reads them (equal hashes: equal text forms, so
	                      equal in stream mode whatever the classes and options;
	                      PostgreSQL: hashtextextended of the row's text) */
	bool native_typed; /* ... and both servers hash typed values (each
	                      side's hash_typed said so): the row hash may use
	                      the types' own hash functions where equal values
	                      are equal in stream mode (PostgreSQL >= 14:
	                      hash_record_extended) */
	bool native_cols;  /* ... and the row hash need not be the one a journal
	                      stored (a diff's, not copy --all's checksums, which
	                      undo computes again): each column hashed by its own
	                      function with a seed of its place, XORed, no row
	                      formed (PostgreSQL: a third less server time) */
};
struct rf_segment_sum {
	unsigned long long rows;
	unsigned long long sum; /* < 2^60 */
};

/* Result of exec(): affected rows and, for statements with RETURNING, the
 * returned rows materialized (small: used for generated keys). Free with
 * rf_result_free(). Cells of returned rows are in the engine's output form
 * like streamed rows; `data` of each cell is owned by the result. */
struct rf_result {
	long long affected;
	unsigned long long last_insert_id; /* after an INSERT, the id it generated:
	                                      MySQL LAST_INSERT_ID(), SQLite
	                                      last_insert_rowid(); 0 on PostgreSQL
	                                      (use RETURNING) and after other
	                                      statements */
	size_t nrows;
	size_t ncols;
	struct rf_cell *cells; /* nrows * ncols, row-major */
};
void rf_result_free(struct rf_result *r);

/* A bound parameter: a canonical value tagged with the target column's class. */
struct rf_param {
	struct rf_cell value;
	enum rf_type_class tclass;
	/* The caller lends value.data's bytes to exec() for the call: heap
	 * memory of its own, writable, which nothing else (no other thread)
	 * reads or writes until exec() returns. exec() may use them as
	 * scratch and gives them back as they were before it returns, error
	 * or not (PostgreSQL decodes a large bytes value's hex there instead
	 * of into a copy, DESIGN §9), but leaves alone bytes that another
	 * parameter of the call shares. Callers lend bytes values of at least
	 * RF_PARAM_LEND_MIN; false: value.data is only read. */
	bool lent;
};
/* A bytes parameter this long (hex digits) is worth lending (rf_param.lent). */
#define RF_PARAM_LEND_MIN (1u << 20)

enum rf_tx_mode { RF_TX_READ, RF_TX_WRITE };

/* The quoting rules a driver's engine parses SQL text with, for the
 * lexical check of user fragments (rf_sql_check_fragment). */
enum rf_sql_dialect {
	RF_SQL_POSTGRES,         /* standard_conforming_strings on: '\' is a whole
	                            string; E'..' escapes; $tag$..$tag$ */
	RF_SQL_POSTGRES_ESCAPES, /* standard_conforming_strings off: '..' takes
	                            backslash escapes as E'..' does */
	RF_SQL_MYSQL,            /* sql_mode without ANSI_QUOTES or NO_BACKSLASH_ESCAPES:
	                            '..' and ".." strings with backslash escapes */
	RF_SQL_SQLITE,           /* '..' strings; "..", `..`, [..] identifiers */
};

struct rf_tx_opts {
	int lock_timeout_ms;      /* RF_TX_WRITE; 0: engine default */
	int statement_timeout_ms; /* RF_TX_WRITE; 0: engine default */
	int read_timeout_ms;      /* RF_TX_READ: the longest one statement of the
	                             transaction may run, then it fails with
	                             "the read took longer than read_timeout_ms";
	                             0: no limit. rf_db_begin without opts uses
	                             the connection's (rf_connect_opts) */
	const char *xid;          /* RF_TX_WRITE only, or NULL: the transaction's
	                             name, "rowferry-<journal id>", known before it
	                             begins (MariaDB: XA START xid), so a journal
	                             names its transaction even if the apply died
	                             before the prepared line (DESIGN §6) */
};

/* What the engine records of an apply's transaction (tx_outcome). */
enum rf_tx_outcome {
	RF_TX_COMMITTED,
	RF_TX_ABORTED,
	RF_TX_RUNNING /* still running or committing on the server */
};

/* Connection parameters as resolved from config (config.h) or a bare URL. */
struct rf_connect_opts {
	const char *name;     /* "dev", "prod", or the redacted URL for bare URLs */
	const char *url;      /* DESIGN §2 URL forms or a libpq conninfo / service */
	const char *password; /* from password_env, or NULL */
	bool allow_prompt;    /* may prompt on the terminal (no echo) */
	int read_timeout_ms;  /* [safety] read_timeout_ms: for read transactions
	                         begun without opts; 0 none */
};

/* A bulk load's rows, piece by piece: next() points *data and *len at the
 * next piece (whole rows of bulk_value fields, valid until the following
 * call) and returns 1, returns 0 when there are no more, or -1 with err
 * set to stop the load (it then fails and its rows are not kept). */
struct rf_bulk_rows {
	int (*next)(void *ctx, const char **data, size_t *len, struct rf_error *err);
	void *ctx;
};

struct rf_db_ops {
	const char *engine;  /* "postgres", "mysql", "sqlite" */
	bool has_returning;  /* INSERT/UPDATE/DELETE ... RETURNING supported */
	bool fast_returning; /* INSERT ... RETURNING costs about what the insert
	                        does, so apply journals from it instead of
	                        reading the rows back (not MariaDB: ~4x slower) */
	bool has_schemas;
	bool is_server; /* a server over a connection, not a local file: the
	                   hash diff (DESIGN §14) saves reading its rows */
	/* DDL commits the open transaction (MariaDB): copy --all --create
	 * makes the tables before the data's transaction */
	bool ddl_commits;
	/* How the engine's own client prints a bytes value: hex digits between
	 * a prefix and a suffix (psql \x00ff; mariadb --binary-as-hex 0x00FF;
	 * sqlite3 .mode quote X'00FF'), for showing stored values
	 * (rf_format_stored_display). */
	struct rf_hex_form {
		const char *prefix, *suffix;
		bool upper; /* A-F rather than a-f */
	} bytes_form;

	/* The quoting rules the server parses this connection's SQL with now
	 * (PostgreSQL: as standard_conforming_strings currently says). */
	enum rf_sql_dialect (*dialect)(struct rf_db *db);

	/* Returns 0 and *out, or -1 with err ("prod: connection refused ...").
	 * The password is never copied into error text. */
	int (*connect)(const struct rf_connect_opts *o, struct rf_db **out, struct rf_error *err);
	void (*close)(struct rf_db *db);

	/* count: each table's exact row count; false: names only (rows -1),
	 * which costs nothing on a large database ("did you mean"). */
	int (*list_tables)(struct rf_db *db, bool count, struct rf_table_list *out,
	                   struct rf_error *err);
	/* name: "table" or "schema.table", exact (case-sensitive) names; on
	 * PostgreSQL an unqualified name is looked up in the search_path. */
	int (*describe)(struct rf_db *db, const char *name, struct rf_table_info *out,
	                struct rf_error *err);
	/* Every foreign key of the database (PostgreSQL: every schema but the
	 * system's; MariaDB: the tables of the connected database; SQLite:
	 * the main database), ordered by child table and constraint name. *out
	 * is the caller's (rf_fk_list_free), also on error. */
	int (*foreign_keys)(struct rf_db *db, struct rf_fk_list *out, struct rf_error *err);

	int (*stream_open)(struct rf_db *db, const struct rf_stream_spec *spec,
	                   struct rf_stream **out, struct rf_error *err);
	/* 1: *row set; 0: end of rows; -1: error */
	int (*stream_next)(struct rf_stream *s, const struct rf_row **row, struct rf_error *err);
	void (*stream_close)(struct rf_stream *s);
	/* Optional (NULL: not offered): frees the current row's memory now;
	 * its cells are invalid until the next stream_next(). For a caller
	 * that has copied what it keeps of a huge row (DESIGN §9). */
	void (*stream_release)(struct rf_stream *s);
	/* Optional: appends an expression for len units of column col from
	 * 1-based unit from (bytes of a bytes column, characters of text),
	 * read as a stream expr of the column's class: how a diff reads a
	 * value it was sent as a digest again in pieces (diff_digest.c).
	 * NULL where the driver sends no digests (rf_stream_spec digest). */
	void (*piece_expr)(struct rf_db *db, const char *col, unsigned long long from, unsigned len,
	                   struct rf_buf *out);

	/* Executes one statement with parameters bound (placeholders as rendered
	 * by placeholder()). out may be NULL when no result is wanted. */
	int (*exec)(struct rf_db *db, const char *sql, size_t nparams,
	            const struct rf_param *params, struct rf_result *out, struct rf_error *err);

	int (*begin)(struct rf_db *db, enum rf_tx_mode mode, const struct rf_tx_opts *opts,
	             struct rf_error *err);
	int (*commit)(struct rf_db *db, struct rf_error *err);
	int (*rollback)(struct rf_db *db, struct rf_error *err);

	/* Commit status from the engine (DESIGN §6, journal.h). prepare: the
	 * first phase of COMMIT of an RF_TX_WRITE transaction begun with an
	 * xid; appends to tx the engine's own identifier of the transaction
	 * (after "<engine>:", which the caller writes), for the journal's
	 * prepared line. PostgreSQL: txid_current(); MariaDB: XA END and XA
	 * PREPARE, the id is the xid; SQLite: the file change counter read
	 * when the transaction began ("wal" in WAL mode). After it, only
	 * commit or rollback. */
	int (*prepare)(struct rf_db *db, struct rf_buf *tx, struct rf_error *err);
	/* What became of the transaction named xid (the journal's), whose
	 * prepared line recorded tx (the part after "<engine>:"), or NULL
	 * when the journal has no valid prepared line (then it never reached
	 * COMMIT). Outside any transaction. settle: a transaction the engine
	 * holds prepared is finished here, committed when tx is given and
	 * rolled back when not (MariaDB XA); without settle nothing is
	 * written, and *out says what settling would make of it. Returns 0
	 * and *out, or -1 with err when the engine's record cannot tell. */
	int (*tx_outcome)(struct rf_db *db, const char *xid, const char *tx, bool settle,
	                  enum rf_tx_outcome *out, struct rf_error *err);

	/* Appends the quoted identifier ("line item" / `line item`). */
	void (*quote_ident)(struct rf_db *db, const char *ident, struct rf_buf *out);
	/* Appends the statement that defers the DEFERRABLE foreign key `name`
	 * to COMMIT inside the open transaction (SET CONSTRAINTS "name"
	 * DEFERRED; name NULL: every DEFERRABLE one); NULL where the engine has
	 * no deferrable constraints. */
	void (*defer_constraint)(struct rf_db *db, const char *name, struct rf_buf *out);
	/* Appends a literal in the engine's dialect for a canonical value of
	 * class c: 'it''s', NULL, TRUE/1, '\x00ff'::bytea / x'00ff' / X'00FF'. */
	void (*quote_literal)(struct rf_db *db, enum rf_type_class c, const struct rf_cell *v,
	                      struct rf_buf *out);
	/* Appends the placeholder for 1-based parameter n: "$n" or "?". */
	void (*placeholder)(struct rf_db *db, size_t n, struct rf_buf *out);

	/* Bulk load through the engine's own loader (COPY FROM STDIN on
	 * PostgreSQL, LOAD DATA LOCAL INFILE on MySQL/MariaDB; NULL where there
	 * is none, and then every op below is NULL too). Used only where
	 * db->bulk is true. Rows travel as text: fields appended by bulk_value, one
	 * row per line.
	 *
	 * bulk_statement appends the statement that loads rows into the
	 * columns cols[0..n) of t (the driver quotes the names). */
	void (*bulk_statement)(struct rf_db *db, const struct rf_table_info *t, const size_t *cols,
	                       size_t n, struct rf_buf *out);
	/* Appends one field for a canonical value of class c (like a
	 * parameter), then a field separator, or the end of the row if last. */
	void (*bulk_value)(struct rf_db *db, enum rf_type_class c, const struct rf_cell *v,
	                   bool last, struct rf_buf *out);
	/* Appends the statement and its rows as a script the engine's own
	 * client runs (psql: the statement, the rows, "\."): the preview. */
	void (*bulk_script)(struct rf_db *db, const char *sql, const char *data, size_t len,
	                    struct rf_buf *out);
	/* Runs a bulk_statement with the rows src gives, piece by piece while
	 * the server loads the ones before (apply renders them as they go;
	 * rf_db_bulk_load for rows in one buffer). *rows: rows the server
	 * loaded. Inside the caller's transaction. */
	int (*bulk_stream)(struct rf_db *db, const char *sql, const struct rf_bulk_rows *src,
	                   long long *rows, struct rf_error *err);
	/* Creates the temporary table `name` (plain word, no quoting needed)
	 * with the types of t's columns cols[0..n) and their names, loads data
	 * (bulk_value rows) into it and makes it ready to join (statistics).
	 * Only inside RF_TX_WRITE; dropped by temp_drop or at the end of the
	 * transaction, whichever comes first. */
	int (*temp_load)(struct rf_db *db, const char *name, const struct rf_table_info *t,
	                 const size_t *cols, size_t n, const char *data, size_t len,
	                 struct rf_error *err);
	int (*temp_drop)(struct rf_db *db, const char *name, struct rf_error *err);

	/* Inside RF_TX_WRITE: keeps other sessions from adding rows to t until
	 * the transaction ends, where a locking read that finds no row does not
	 * (apply's inserts under a match key that no unique key of t covers:
	 * the re-check found the key absent, and it must stay so until COMMIT).
	 * PostgreSQL: LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE (other writers
	 * wait; lock_timeout applies). NULL where the engine needs nothing:
	 * MariaDB's locking re-check takes next-key locks in REPEATABLE READ,
	 * which write transactions use; SQLite's BEGIN IMMEDIATE serializes
	 * writers. */
	int (*lock_inserts)(struct rf_db *db, const struct rf_table_info *t, struct rf_error *err);

	/* The hash diff (DESIGN §14; NULL where the driver has none, and then
	 * all three are NULL). hash_column: whether column c of a table,
	 * compared as class cls, is normalized in SQL into exactly its
	 * canonical form (rf_value_canon of what stream_open gives), so that
	 * rows stream mode calls equal hash equal and rows it calls different
	 * never do; a table with a column that is not falls back to stream
	 * mode. native: as rf_segment_spec's (the engine may then hash any
	 * column it streams). */
	bool (*hash_column)(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
	                    bool native);
	/* Whether this server can hash values by their types for
	 * rf_segment_spec.native_typed (NULL: it cannot). */
	bool (*hash_typed)(struct rf_db *db);
	/* Whether segment_sums and stream_open take key buckets
	 * (rf_segment_spec.buckets, rf_stream_spec.bucket_mod; NULL: no). */
	bool (*hash_key_buckets)(struct rf_db *db);
	/* segment_sums: the segment spec cut at nb keys (bounds: nb * nkey
	 * canonical cells, key after key, ascending, inside (lo, hi)): out[0]
	 * for [lo, key 0), out[i] for [key i-1, key i), out[nb] for
	 * [key nb-1, hi). out[0..nb] is zeroed by the caller; the driver sets
	 * the non-empty segments' entries. Inside the caller's read
	 * transaction. */
	int (*segment_sums)(struct rf_db *db, const struct rf_segment_spec *spec,
	                    const struct rf_cell *bounds, size_t nb, struct rf_segment_sum *out,
	                    struct rf_error *err);
	/* segment_keys: the keys of the segment's rows number step, 2*step, ...
	 * (1-based, in key order), at most max of them, into out (nkey columns,
	 * the engine's text form as streamed; the caller canonicalizes).
	 * step 0: the segment's smallest and largest key (two rows, read
	 * through the key's index; none for an empty segment; max ignored). */
	int (*segment_keys)(struct rf_db *db, const struct rf_segment_spec *spec,
	                    unsigned long long step, size_t max, struct rf_result *out,
	                    struct rf_error *err);
};

/* Common head of every driver's connection struct. */
struct rf_db {
	const struct rf_db_ops *ops;
	char *name;        /* connection name for messages */
	char *display_url; /* URL with the password removed */
	bool in_tx;
	enum rf_tx_mode tx_mode;
	int read_timeout_ms;    /* rf_connect_opts: reads begun without opts */
	int tx_read_timeout_ms; /* the read timeout of the read transaction
	                           now open, for its error message; else 0 */
	bool bulk;              /* the bulk ops may be used on this connection: the driver
	                           has them and the server allows them (MySQL and MariaDB:
	                           local_infile); set by connect */
	bool values_in;         /* the engine reads `(a, b) IN (VALUES (1, 2), ...)`: a
	                           lookup of integer tuples goes as that, not as ORs
	                           (lookup.c); set by connect */
	/* Tables `copy --all --create` will make in this database
	 * (all_create.h), planned before they exist; NULL: none. Borrowed. */
	struct rf_planned_tables *planned;
};

/* A table planned in db->planned that is not created yet, by any name
 * describe() would accept for it ("customers", "public.customers"), or
 * NULL. While it is not created, rf_db_describe and the diff answer with
 * its planned definition, a stream over it is empty, and lookups in it
 * find nothing (src/copy/all_create.c). */
const struct rf_table_info *rf_db_planned(const struct rf_db *db, const char *name);

extern const struct rf_db_ops rf_pg_ops;
extern const struct rf_db_ops rf_mysql_ops;
extern const struct rf_db_ops rf_sqlite_ops;

/* Picks the driver from the URL form (DESIGN §2): postgres:// postgresql://
 * or a conninfo/service string -> PostgreSQL; mysql:// mariadb:// -> MySQL;
 * sqlite: -> SQLite. Returns NULL and sets err for anything else. */
const struct rf_db_ops *rf_db_ops_for_url(const char *url, struct rf_error *err);
/* Resolves the driver and connects. */
int rf_db_connect(const struct rf_connect_opts *o, struct rf_db **out, struct rf_error *err);

/* Connects a and b at the same time (two threads, each with its own
 * connection): a diff's latency is then one connection setup, not two. On
 * failure neither stays open and err holds the first side's error. */
int rf_db_connect_pair(const struct rf_connect_opts *a, const struct rf_connect_opts *b,
                       struct rf_db **out_a, struct rf_db **out_b, struct rf_error *err);

/* Thin wrappers so callers read naturally: rf_db_exec(db, ...) etc. */
void rf_db_close(struct rf_db *db);
int rf_db_begin(struct rf_db *db, enum rf_tx_mode mode, const struct rf_tx_opts *opts,
                struct rf_error *err);
int rf_db_commit(struct rf_db *db, struct rf_error *err);
/* list_tables and describe for the front ends, which never call the
 * driver's ops themselves. */
int rf_db_list_tables(struct rf_db *db, bool count, struct rf_table_list *out,
                      struct rf_error *err);
int rf_db_describe(struct rf_db *db, const char *name, struct rf_table_info *out,
                   struct rf_error *err);
/* The foreign keys of the database (table NULL), or those of which table
 * (any name describe() accepts) is the child or the parent. *out is the
 * caller's (rf_fk_list_free), also on error. */
int rf_db_foreign_keys(struct rf_db *db, const char *table, struct rf_fk_list *out,
                       struct rf_error *err);
int rf_db_rollback(struct rf_db *db, struct rf_error *err);
/* prepare(), the engine's name and ':' written first into tx: the value of
 * the journal's "tx" ("postgres:745", "mysql:rowferry-<uuid>", "sqlite:12"). */
int rf_db_prepare(struct rf_db *db, struct rf_buf *tx, struct rf_error *err);
/* tx_outcome() for a journal's "tx" (NULL: no valid prepared line). A tx
 * recorded on another engine is an error. */
int rf_db_tx_outcome(struct rf_db *db, const char *xid, const char *tx, bool settle,
                     enum rf_tx_outcome *out, struct rf_error *err);

/* Shared helpers for drivers (src/db/db.c). */
/* Checks a user SQL fragment (src/db/fragment.c) with dialect d's quoting:
 * not empty, no ';' and no comment outside quotes, every quote closed,
 * parentheses balanced, and on SQLite no parameters. Returns 0 (also for
 * sql == NULL) or -1 with err: who is the connection named in it, what the
 * fragment's name ("--where"), e.g. "prod: --where must be a single
 * expression (found ';'): ...". Every driver also sends each statement
 * alone (DESIGN §15); this makes an attempt a clear error first. */
int rf_sql_check_fragment(const char *sql, enum rf_sql_dialect d, const char *what, const char *who,
                          struct rf_error *err);
/* Appends t's name as SQL on db: schema.name, each quoted by db's
 * quote_ident (the name alone where t has no schema). */
void rf_db_quote_table(struct rf_db *db, const struct rf_table_info *t, struct rf_buf *out);
/* count(*) of table t on db, in db's current transaction (if any): 0, or
 * -1 with err. */
int rf_db_count_rows(struct rf_db *db, const struct rf_table_info *t, unsigned long long *out,
                     struct rf_error *err);
/* rf_sql_check_fragment for a --where on db, in db's current dialect. */
int rf_db_check_where(struct rf_db *db, const char *where, struct rf_error *err);
/* True for a name made only of ASCII letters, digits and '_' (not
 * starting with a digit): the temporary tables rowferry names itself,
 * which drivers put into SQL unquoted. */
bool rf_db_plain_name(const char *name);
/* Appends s[0..n), every byte b with esc[b] != 0 written as a backslash
 * and esc[b] (the bulk-load text formats: COPY's and LOAD DATA's escapes;
 * esc is a driver's static table, e.g. {['\t'] = 't', ...}). */
void rf_db_add_escaped(struct rf_buf *out, const char *s, size_t n, const char esc[256]);
/* bulk_stream with the rows in data[0..len), as one piece. */
int rf_db_bulk_load(struct rf_db *db, const char *sql, const char *data, size_t len,
                    long long *rows, struct rf_error *err);
/* Sets err to "the read took longer than read_timeout_ms (N ms)" for db's
 * read transaction (drivers call it when the server stopped a statement
 * for that reason). Returns -1. */
int rf_db_read_timeout_error(const struct rf_db *db, struct rf_error *err);
/* Fills the driver-common part of a connection. */
void rf_db_init_base(struct rf_db *db, const struct rf_db_ops *ops,
                     const struct rf_connect_opts *o);
void rf_db_free_base(struct rf_db *db);
/* Reads a password from the terminal without echo; NULL if no terminal.
 * Caller frees (and should wipe) the result. */
char *rf_db_prompt_password(const char *who);
/* Helpers for building rf_table_info in drivers. */
void rf_table_info_add_column(struct rf_table_info *t,
                              const struct rf_column *c); /* copies strings */

#endif
