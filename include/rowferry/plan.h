/* plan.h - the operations that make the target match the source, and the
 * SQL that carries them out (DESIGN §5).
 *
 * One renderer produces every statement of a copy: the preview shows its
 * text with literals inlined (quoted by the target driver), apply executes
 * the same statement with the values bound as parameters, and the journal
 * records the rows those statements touched. The statements' kinds and
 * their container are in ops.h; the only other writer of SQL is undo's
 * reversal, built with the same assembly (render.h).
 */
#ifndef ROWFERRY_PLAN_H
#define ROWFERRY_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/diff.h"
#include "rowferry/ops.h"

struct rf_op {
	enum rf_op_kind kind;
	struct rf_diff_row *row; /* owned copy of the diff row it came from */
	struct rf_cell *gen;     /* per shape column: client-generated values
	                            (UUIDs for excluded keys without default),
	                            NULL cells where none; owned */
	struct rf_cell *ref_key; /* per shape column: for a reference through a
	                            match key (rf_col_ref), the parent's key the
	                            target held when the plan was made
	                            (rf_plan_set_ref_key), NULL cells where none;
	                            NULL when none at all; owned */
};

/* INSERTs from which a plan loads in bulk by default: below it the
 * preview's multi-row INSERTs are easier to read, above it the engine's
 * loader is several times faster. */
#define RF_PLAN_BULK_ROWS 1000

struct rf_plan {
	struct rf_diff_shape *shape; /* owned (rf_diff_detach_shape) unless !owns_shape */
	bool owns_shape;
	unsigned ops_mask;
	size_t nops;
	struct rf_op *ops;
	size_t skipped;           /* differing rows whose op is not in ops_mask */
	struct rf_strlist errors; /* reasons the plan cannot be applied */
	size_t *insert_cols;      /* shape columns an INSERT writes, in order */
	size_t ninsert_cols;
	size_t *target_key; /* shape columns addressing a target row:
	                       the target's primary key, else the match key */
	size_t ntarget_key;
	bool no_returning; /* render INSERTs without RETURNING: rf_plan_new sets
	                      it; rf_plan_from_diff clears it where the target's
	                      RETURNING is cheap (fast_returning), otherwise
	                      apply reads inserted rows back */
	size_t ops_cap;    /* allocated length of ops */
	size_t bulk_rows;  /* this many INSERTs or more go as one bulk load
	                      where the target has one (COPY FROM STDIN);
	                      0: never. rf_plan_new sets RF_PLAN_BULK_ROWS */
	size_t unwritable; /* changed rows whose differences are all in
	                      columns the target computes (generated):
	                      nothing to write, so no op */
	bool own_rows;     /* UPDATEs of rows this same apply inserts (a
	                      cycle broken at a nullable foreign key,
	                      rf_plan_take_references): the re-check compares
	                      only the columns the INSERT wrote */
	bool refs_first;   /* a set's apply resolves, before this plan runs,
	                      each reference its inserts make through a match
	                      key to the key the target holds or has just
	                      generated for that parent (rf_plan_set_ref_key),
	                      so they load in bulk (rf_plan_loads_in_bulk)
	                      though the preview cannot show those keys: its
	                      rows show the match keys (set_keys.c) */
	size_t dst_rows;   /* rows the diff read in the target (only there,
	                      changed or identical) */
	bool dst_whole;    /* ...and those were the whole table (no WHERE):
	                      apply reads its inserts back by one scan of a
	                      table that held few rows (apply_check.c) */
};

/* Makes an empty plan over shape (taking ownership of it). Checks what can
 * be known before any row: an excluded column that is NOT NULL without a
 * default gets client-side UUIDs if its class holds UUIDs (uuid, or text
 * holding them: a name containing guid or uuid, or a uuid-like type), else the plan
 * gets an error line. */
struct rf_plan *rf_plan_new(struct rf_diff_shape *shape, unsigned ops_mask);
void rf_plan_free(struct rf_plan *p);
/* Adds the op for one diff row (copied): only_source -> INSERT,
 * changed -> UPDATE, only_target -> DELETE; identical rows and ops not in
 * the mask are skipped (the latter counted in p->skipped). */
void rf_plan_add(struct rf_plan *p, const struct rf_diff_row *row);
/* rf_plan_add, taking the bytes row->src points into (*src_bytes, one
 * malloc'd block, or NULL: copied as rf_plan_add does) when the row
 * becomes an op: *src_bytes is then NULL and the op owns them. */
void rf_plan_add_taking(struct rf_plan *p, const struct rf_diff_row *row, char **src_bytes);
/* Reads every remaining row of d into a new plan, ops grouped in the order
 * their statements run (deletes, updates, inserts; each in diff order), and
 * takes d's shape (rf_diff_detach_shape) at the end: afterwards d may only be
 * closed; its stats stay readable. Returns NULL and sets err when the diff
 * fails. The caller frees the plan. */
struct rf_plan *rf_plan_from_diff(struct rf_diff *d, unsigned ops_mask, struct rf_error *err);
/* What a plan's statements depend on where they go, set the same way for
 * every front end (so copy, diff --format sql and the console render one
 * script): INSERT ... RETURNING where the target's is cheap
 * (fast_returning; elsewhere apply reads inserted rows back), and a bulk
 * load from bulk_rows inserts on ([safety] bulk_rows; 0: never).
 * rf_plan_from_diff calls it with RF_PLAN_BULK_ROWS. */
void rf_plan_target(struct rf_plan *p, const struct rf_db *target, size_t bulk_rows);
/* Moves p's DELETE ops (in their order) into a new plan over p's shape,
 * which p keeps owning (free the new plan first): a copy of several
 * tables deletes children before parents but inserts parents first, so
 * each table's deletes are a step of their own (set_copy.h). The new
 * plan has no errors (it inserts nothing); caller frees it. */
struct rf_plan *rf_plan_take_deletes(struct rf_plan *p);
/* A cycle broken at a nullable foreign key (DESIGN §11): p's INSERTs
 * write NULL in shape columns cols[0..ncols) instead of their values, and
 * the returned plan (over p's shape, which p keeps owning: free it first)
 * UPDATEs those columns to the values once every row of the set exists,
 * in the same transaction (own_rows). NULL when no insert has a value
 * there. */
struct rf_plan *rf_plan_take_references(struct rf_plan *p, const size_t *cols, size_t ncols);
/* Counts per kind. */
size_t rf_plan_count(const struct rf_plan *p, enum rf_op_kind k);
/* Whether the plan's inserts go to db as bulk loads (bulk_rows): plain
 * values only (rf_plan_inserts_plain), or refs_first. */
bool rf_plan_loads_in_bulk(const struct rf_plan *p, const struct rf_db *db);
/* Appends the rows of the inserts ops[first..first+n) in db's bulk load
 * format (bulk_value fields). */
void rf_plan_bulk_rows(const struct rf_plan *p, struct rf_db *db, size_t first, size_t n,
                       struct rf_buf *out);
/* The value op writes into shape column col, the one place every writer
 * reads it from (INSERT and UPDATE rendering, bulk rows, the preview's
 * checks, predicted after-images): a client-generated value where the
 * plan made one, else the source row's cell. */
const struct rf_cell *rf_plan_value(const struct rf_op *op, size_t col);

/* A reference through a match key (shape column col has a rf_col_ref, op
 * holds the parent's match key there) whose parent the target already
 * held when the plan was made: pk, the parent's key there (canonical, of
 * the target column's class; copied), is what op writes, a plain value
 * (loaded in bulk, predicted). Apply's re-check verifies, under lock,
 * that the parent with that key still has the match key (DESIGN §15). */
void rf_plan_set_ref_key(const struct rf_plan *p, struct rf_op *op, size_t col,
                         const struct rf_cell *pk);
/* What op writes into shape column col, the one place every statement,
 * bulk row and predicted image decides it: the value (rf_plan_value, or
 * the parent's key set by rf_plan_set_ref_key) and its class in *cls.
 * True when the value is a parent's match key the statement resolves in
 * the target, (SELECT pk FROM parent WHERE mk = value): a parent this
 * copy inserts, whose key the target generates. */
bool rf_plan_written(const struct rf_plan *p, const struct rf_op *op, size_t col,
                     const struct rf_cell **v, enum rf_type_class *cls);
/* Takes back a key rf_plan_set_ref_key set: op writes col through the
 * parent's match key again. */
void rf_plan_unset_ref_key(const struct rf_plan *p, struct rf_op *op, size_t col);
/* Whether every INSERT of p writes plain values only (no rf_plan_written
 * resolves in the target): then a bulk loader can carry them, and their
 * after-images can be predicted. */
bool rf_plan_inserts_plain(const struct rf_plan *p);

/* Renders the plan for the target db: DELETEs first, then UPDATEs, then
 * INSERTs (so a delete+insert of the same unique value works), INSERTs
 * batched batch_rows rows per statement (1 for one statement per row; fewer
 * when that many rows would pass 30000 parameters, which no engine takes).
 * Table and column names are the target's, quoted by its driver. */
void rf_plan_render(const struct rf_plan *p, struct rf_db *target, size_t batch_rows,
                    struct rf_stmts *out);

/* rf_plan_render, and with_text false leaves every stmt's text NULL: apply
 * executes only `sql`, and inlining 100k rows of literals would double its
 * work. */
void rf_plan_render_stmts(const struct rf_plan *p, struct rf_db *target, size_t batch_rows,
                          bool with_text, struct rf_stmts *out);

/* Appends the plan's SQL text (all statements, each ending with ";\n"). */
void rf_plan_render_text(const struct rf_plan *p, struct rf_db *target, struct rf_buf *out);

#endif
