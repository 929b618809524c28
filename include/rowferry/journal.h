/* journal.h - the undo journal (DESIGN §6).
 *
 * One JSON Lines file per apply, in undo_dir, named
 * YYYYMMDDTHHMMSSZ-<target>-<table>-<id8>.jsonl (for several tables, the
 * first table's name followed by "+N", N the others), mode 0600. Version 2:
 *
 *   {"rowferry_undo":2,"id":..,"created":..,"source":..,"target":..,
 *    "tables":[{"table":"public.jobs","key":["id"]},..],"state":"pending",
 *    "prepare":true}          ("source_sha256":"<hex>" after "source" for
 *                              a SQLite source of copy --all)
 *   {"op":"insert","table":"public.jobs","key":{..},"after":{..}}
 *   {"op":"update","table":..,"key":{..},"before":{..},"after":{..}}
 *   {"op":"delete","table":..,"key":{..},"before":{..}}
 *   {"op":"create","table":..,"ddl":"CREATE TABLE .."}   (copy --all --create:
 *                              counted in "ops", kept in created_tables)
 *   {"op":"load","table":..,"rows":"1000000"}   (copy --all --create: the
 *                              rows streamed into a table it created,
 *                              all_stream.h, instead of a row image each;
 *                              counted in "ops", kept in loads; undo drops
 *                              the table only while it holds that many)
 *   {"op":"load",..,"sum":"N","native":false,"typed":false,
 *    "cols":[["id","integer"],..]}   (and, where the copy could sum them,
 *                              the checksum of the table's rows as loaded,
 *                              db.h segment_sums over those columns and
 *                              classes, which undo computes again before
 *                              the DROP: a row changed in place refuses it)
 *   {"op":"sequence","table":..,"column":"id","before":"41","after":"1041"}
 *                             (an identity generator moved past the keys
 *                              a copy loaded, identity.h: the value it
 *                              gave next before and after; undo sets
 *                              `before` back)
 *   {"state":"prepared","ops":N,"sha256":"<hex>","tx":"<engine>:<id>"}
 *   {"state":"committed","ops":N,"sha256":"<hex>"}
 *
 * Every table the apply may write is in the header, which is written
 * first and sealed with the rest; op lines are in the order apply ran
 * them, across tables (parents' inserts before their children's), and
 * undo runs them backwards. Version 1 journals (one table: "table" and
 * "key" in the header, no "table" on op lines) are still read.
 *
 * `key` is each target table's primary key (the columns holding generated
 * values), images are whole target rows, values are canonical strings
 * (value.h) or null (rf_journal_form: json, uuid and decimal values keep
 * the engine's own text, which their canonical forms would change); a value
 * that is not valid UTF-8 is written as {"hex":"..."}. The sha256 is that
 * of every byte above the prepared line (header and op lines, newlines
 * included), and the committed line repeats it: a journal edited afterwards
 * is refused by undo. Later lines record what happened since ("aborted",
 * "undone", or the resolution of a journal a crash left pending).
 *
 * Commit status comes from the engine, never from the rows (DESIGN §6,
 * §15). The apply's transaction is named before it begins,
 * "rowferry-<id>" (the header's id: MariaDB's XA xid), and the prepared
 * line, written and fsync'ed before COMMIT, records the engine's own
 * identifier of it in "tx":
 *   - "postgres:<txid_current()>": resolved by txid_status(): committed,
 *     aborted, or in progress (refused until it ends);
 *   - "mysql:rowferry-<id>": the XA transaction, prepared (XA END, XA
 *     PREPARE) before the line is written and XA COMMITted after. XA
 *     RECOVER settles it: listed as prepared, it is XA COMMITted when the
 *     prepared line holds and XA ROLLBACKed when not; not listed, it
 *     committed when the prepared line holds, and when none does it never
 *     got prepared (an XA START of the name tells whether a session still
 *     holds it active, then refused as running, or it was rolled back);
 *   - "sqlite:<N>": the file change counter when the write transaction
 *     began (BEGIN IMMEDIATE keeps every other writer out until it ends;
 *     each commit adds one). Once the file is opened, which rolls a hot
 *     journal back, the counter still N means it did not commit; any other
 *     value is refused (the copy, or another writer after it failed: SQLite
 *     cannot tell which). "sqlite:wal" (WAL mode keeps no such count) is
 *     refused the same way.
 * A pending journal without a valid prepared line (missing, torn, its seal
 * or op count not matching the lines above) never reached COMMIT: it is
 * settled as aborted. Resolution never computes a seal over what it finds.
 * Journals from before the prepared line (no "prepare" in the header) that
 * were left pending are refused.
 */
#ifndef ROWFERRY_JOURNAL_H
#define ROWFERRY_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/ops.h"
#include "rowferry/sha256.h"
#include "rowferry/util.h"
#include "rowferry/value.h"

enum rf_journal_state {
	RF_JOURNAL_PENDING,
	RF_JOURNAL_COMMITTED,
	RF_JOURNAL_ABORTED,
	RF_JOURNAL_UNDONE
};
const char *rf_journal_state_name(enum rf_journal_state s); /* "pending", ... */

/* ---- values ---- */

/* Appends the journal form of a value as the target's driver delivered it
 * (not NULL): its canonical form (value.h, no comparison options), except
 * for json, uuid and decimal, whose canonical forms drop what a dump of the
 * table shows (key order, letter case, trailing zeros); for those the
 * engine's own text is kept: it is valid input for the same column, so
 * undo restores the row byte for byte. */
void rf_journal_form(enum rf_type_class c, const struct rf_cell *engine, struct rf_buf *out);
/* Whether two journal forms of class c hold the same value. */
bool rf_journal_equal(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b);

/* ---- writing (apply) ---- */

/* One table of a journal: its name, its journal key (the target's primary
 * key columns) and the columns of every image, in table order. */
struct rf_journal_table_head {
	const char *table; /* "public.siteflow_orders" */
	size_t nkey;
	const char *const *key;
	size_t ncols;
	const char *const *cols;
};

struct rf_journal_header {
	const char *source;      /* "dev (postgres://app@localhost/wg_dev)": redacted */
	const char *target;      /* "prod (postgres://app@db.internal/wg)" */
	const char *target_name; /* "prod", for the file name */
	const char *table;       /* "public.siteflow_orders" */
	size_t nkey;
	const char *const *key; /* the target's primary key columns */
	size_t ncols;
	const char *const *cols;   /* the columns of every image, in table order */
	const char *id;            /* the journal's id (rf_journal_new_id), made before
	                              the transaction begins so its name is known; NULL:
	                              a new one */
	size_t rejected;           /* source rows a copy left out as invalid, listed
	                              in <journal>.rejects.jsonl; 0: the header has
	                              no "rejected" */
	const char *source_sha256; /* a SQLite source's file, hex (copy --all,
	                              DESIGN §13): "source_sha256" in the header;
	                              NULL: none */
};

/* A new journal id: a random UUID, lower case. */
void rf_journal_new_id(char out[37]);

struct rf_journal_writer;

/* Creates undo_dir (mode 0700, with parents) and a new journal in it
 * (O_CREAT|O_EXCL, 0600), writes the header line and holds an exclusive
 * flock on the file until rf_journal_writer_free, so undo can tell an
 * apply still running from one that crashed. Nothing is fsync'ed yet.
 * Returns 0 and *out, or -1 with err. A journal of the one table h names. */
int rf_journal_create(const char *undo_dir, const struct rf_journal_header *h,
                      struct rf_journal_writer **out, struct rf_error *err);
/* rf_journal_create() for tables[0..ntables) (ntables >= 1; h's table,
 * key and columns are not read). The header is sealed with the op lines:
 * every table the apply may write is given here. */
int rf_journal_create_tables(const char *undo_dir, const struct rf_journal_header *h,
                             size_t ntables, const struct rf_journal_table_head *tables,
                             struct rf_journal_writer **out, struct rf_error *err);
const char *rf_journal_writer_path(const struct rf_journal_writer *w);

/* The table the next op lines are of (an index into the header's tables;
 * 0 at first). */
void rf_journal_use_table(struct rf_journal_writer *w, size_t table);
/* Appends one op line of the current table (buffered). key: its nkey
 * cells; before/after: its ncols cells each, or NULL where the op has no
 * such image. Cells are canonical forms and are copied. */
int rf_journal_add(struct rf_journal_writer *w, enum rf_op_kind kind, const struct rf_cell *key,
                   const struct rf_cell *before, const struct rf_cell *after, struct rf_error *err);
/* The same with the source row's primary key (DESIGN §6 "source_key":
 * which source row became this target row), its cells named as
 * rf_journal_set_source_key said for the current table; NULL, or a table
 * without such names: none written. */
int rf_journal_add_src(struct rf_journal_writer *w, enum rf_op_kind kind, const struct rf_cell *key,
                       const struct rf_cell *source_key, const struct rf_cell *before,
                       const struct rf_cell *after, struct rf_error *err);
/* Appends the create op of the current table, {"op":"create","table":..,
 * "ddl":"CREATE TABLE .."} (DESIGN §6, §13: copy --all --create), and
 * writes it out (not fsync'ed: rf_journal_sync where the CREATE commits
 * by itself). Undo drops the table once the rows the journal inserted in
 * it are deleted. 0, or -1 with err. */
int rf_journal_add_create(struct rf_journal_writer *w, const char *ddl, struct rf_error *err);
/* The names of table's source_key (n of them, copied), once per table. */
void rf_journal_set_source_key(struct rf_journal_writer *w, size_t table, const char *const *names,
                               size_t n);
/* Appends a load op line of the current table (a table the journal's
 * create op made, loaded as its source was read: all_stream.h):
 * {"op":"load","table":..,"rows":"N"}. Buffered, as op lines are. 0, or
 * -1 with err. */
struct rf_journal_load_sum;
int rf_journal_add_load(struct rf_journal_writer *w, unsigned long long rows,
                        const struct rf_journal_load_sum *sum, struct rf_error *err);
/* Appends a sequence op line of table (an index into the header's
 * tables): column's generator gave `before` next and gives `after` next
 * once the copy commits (identity.h). Buffered, as op lines are. */
int rf_journal_add_sequence(struct rf_journal_writer *w, size_t table, const char *column,
                            long long before, long long after, struct rf_error *err);
/* A point in a journal that the lines added after it can be taken back to:
 * apply journals inserts it predicts while the load runs, and takes them
 * back if the table turns out not to store what was sent (predict.h). */
struct rf_journal_savepoint {
	bool set;
	long long size;        /* bytes in the file then */
	size_t nops;           /* op lines then */
	struct rf_sha256 seal; /* the seal as it was then */
};
/* Writes what is buffered and notes where the journal ends. Free with
 * rf_journal_savepoint_free. */
int rf_journal_savepoint(struct rf_journal_writer *w, struct rf_journal_savepoint *m,
                         struct rf_error *err);
/* Drops every line added after the savepoint m: the file, the op count and
 * the seal are as they were then. Not after rf_journal_commit. */
int rf_journal_rollback_to(struct rf_journal_writer *w, const struct rf_journal_savepoint *m,
                           struct rf_error *err);
void rf_journal_savepoint_free(struct rf_journal_savepoint *m);
/* Writes what is buffered and fsyncs the file (and, the first time, its
 * directory). */
int rf_journal_sync(struct rf_journal_writer *w, struct rf_error *err);
/* Before COMMIT, after the engine's prepare (db.h): appends the prepared
 * line (op count, the seal over every byte above, tx: the engine's
 * identifier of the transaction, rf_db_prepare) and fsyncs. No op line can
 * be added after it. */
int rf_journal_prepare(struct rf_journal_writer *w, const char *tx, struct rf_error *err);
/* After COMMIT: appends the committed line with the prepared line's op
 * count and seal, and fsyncs. */
int rf_journal_commit(struct rf_journal_writer *w, struct rf_error *err);
/* After a failure: appends {"state":"aborted","reason":...} (buffered op
 * lines are written first) and fsyncs. */
int rf_journal_abort(struct rf_journal_writer *w, const char *reason, struct rf_error *err);
/* Closes the file (releasing the lock). NULL is fine. */
void rf_journal_writer_free(struct rf_journal_writer *w);

/* ---- reading (log, undo) ---- */

/* A table of a loaded journal. */
struct rf_journal_table {
	char *table;
	struct rf_strlist key;  /* primary key column names */
	struct rf_strlist cols; /* image columns (of the table's first image) */
};

struct rf_journal_op {
	enum rf_op_kind kind;
	size_t table;           /* index in the journal's tables */
	struct rf_cell *key;    /* that table's key.len cells */
	struct rf_cell *before; /* its cols.len cells, or NULL */
	struct rf_cell *after;  /* its cols.len cells, or NULL */
	char *block;            /* owns the bytes of all cells above */
};

/* A sequence op of a loaded journal (identity.h). */
struct rf_journal_sequence {
	size_t table; /* index in the journal's tables */
	char *column;
	long long before, after; /* the value the generator gave next */
	size_t at;               /* row ops journaled before it */
};

/* The checksum of a loaded table's rows (a load op's "sum"): segment_sums
 * of the table over columns names[0..ncols) (the first nkey the key) of
 * classes classes[], with rf_segment_spec's native and native_typed. */
struct rf_journal_load_sum {
	unsigned long long sum;
	bool native, typed;
	size_t ncols, nkey;
	char **names;
	int *classes; /* enum rf_type_class */
};

void rf_journal_load_sum_free(struct rf_journal_load_sum *s);

/* A load op of a loaded journal (all_stream.h). */
struct rf_journal_load {
	size_t table;            /* index in the journal's tables */
	unsigned long long rows; /* rows it loaded */
	bool has_sum;            /* sum is set (owned) */
	struct rf_journal_load_sum sum;
};

/* A loaded journal. Owns everything; rf_journal_free. */
struct rf_journal {
	char *path;
	char *id, *created, *source, *target;
	char *table;                     /* the first table's name (listings) */
	int version;                     /* 1 or 2 */
	size_t ntables;                  /* 1 for version 1 */
	struct rf_journal_table *tables; /* in header order */

	size_t nops;                 /* op lines (counted even when not kept) */
	struct rf_journal_op *ops;   /* NULL when loaded as a summary */
	enum rf_journal_state state; /* the last state line's */
	char *state_at;              /* when that line was written, if recorded */
	char *note;                  /* its reason/resolution text, if any */
	size_t rejected;             /* the header's "rejected": source rows a
	                                copy through a map left out as invalid */
	size_t undo_skipped;         /* rows an `undone --force` left alone */
	bool sealed;                 /* a committed line with a sha256 was found */
	bool seal_ok;                /* ... and it matches the bytes above it (and,
	                                with a prepared line, that line) */
	bool two_phase;              /* the header says a prepared line precedes
	                                COMMIT ("prepare":true) */
	bool prepared;               /* a prepared line was found */
	bool prepared_ok;            /* ... the first one matches the bytes and
	                                op lines above it */
	char *tx;                    /* its "tx", or NULL */
	char *prepared_sha;          /* its "sha256", or NULL */
	char *prepare_problem;       /* why it does not hold, or NULL */
	char *seal_problem;          /* why the seal does not hold, or NULL */
	bool busy;                   /* another process (a running apply or undo)
	                                holds the journal's lock */
	/* the tables its create ops made, in the order they were created
	 * (copy --all --create; not among ops) */
	struct rf_strlist created_tables;
	/* its load ops (copy --all --create's streamed tables; not among ops,
	 * kept in summaries too) */
	size_t nloads;
	struct rf_journal_load *loads;

	/* sequence op lines, apart from the rows' (nops counts rows only);
	 * seqs NULL when loaded as a summary */
	size_t nseqs;
	struct rf_journal_sequence *seqs;
};

/* Reads a journal. summary: count the op lines but keep none (for
 * listings). Returns 0 (rf_journal_free j), or -1 with err when the file
 * cannot be read or is not a rowferry journal; j is then left empty
 * (nothing to free). A seal that does not match is not an error here:
 * j->seal_ok says so and undo refuses. */
int rf_journal_load(const char *path, bool summary, struct rf_journal *j, struct rf_error *err);
/* The rows j's load ops put into its table t (t SIZE_MAX: every table's):
 * rows with no op line of their own (copy --all --create's streamed
 * tables). */
unsigned long long rf_journal_loaded_rows(const struct rf_journal *j, size_t t);
void rf_journal_free(struct rf_journal *j);

/* Index of column name in the image columns of table t, or -1. */
int rf_journal_col(const struct rf_journal *j, size_t t, const char *name);
/* Appends the journal's table names, in header order, joined by sep. */
void rf_journal_tables_text(const struct rf_journal *j, const char *sep, struct rf_buf *out);
/* Index of the table named name, or -1. */
int rf_journal_table(const struct rf_journal *j, const char *name);

/* Appends a state line to an existing journal and fsyncs it:
 * {"state":STATE,"at":NOW[,"ops":N][,"skipped":S][,"sha256":SHA][,"resolved"|"note":NOTE]}.
 * sha256: for RF_JOURNAL_COMMITTED (resolving a pending journal), the
 * prepared line's seal, repeated; no seal is ever computed here over what
 * the file holds. A torn last line (a crash mid-write, before any COMMIT)
 * is cut off first. Refused while another process holds the journal's
 * lock. Returns 0 or -1 with err. */
int rf_journal_mark(const char *path, enum rf_journal_state state, size_t ops, size_t skipped,
                    const char *sha256, const char *note, struct rf_error *err);

/* Whether the journal at path may be read or written by group or others
 * (mode & 077): it holds row data. *mode: its permission bits. */
bool rf_journal_exposed(const char *path, unsigned *mode);

/* The journals in dir, newest first (by file name), loaded as summaries;
 * unreadable files are listed with state from err text in `note`. */
struct rf_journal_list {
	size_t len;
	struct rf_journal *items;
};
int rf_journal_list(const char *dir, struct rf_journal_list *out, struct rf_error *err);
void rf_journal_list_free(struct rf_journal_list *l);

/* Finds a journal by path, by file name in dir, or by a unique prefix of
 * its id or name. Returns a new string (caller frees) or NULL with err. */
char *rf_journal_find(const char *dir, const char *spec, struct rf_error *err);

#endif
