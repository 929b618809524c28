/* apply_internal.h - what apply_tx.c (the transaction), apply.c (one
 * plan's statements and journal lines) and apply_check.c (the re-check and
 * read-back) share: the state of one plan's apply and the helpers they
 * use. Not a public interface.
 */
#ifndef ROWFERRY_APPLY_INTERNAL_H
#define ROWFERRY_APPLY_INTERNAL_H

#include "lookup.h"
#include "rowferry/apply.h"
#include "rowferry/journal.h"
#include "rowferry/predict.h"

/* A whole target row, canonical per target column, in table order. */
struct image {
	struct rf_cell *cells;
	char *block;
};

/* One plan's part of an apply (one rf_apply_step). */
struct apply {
	const struct rf_plan *p;
	const struct rf_diff_shape *sh;
	const struct rf_table_info *dt;
	struct rf_db *db;
	const struct rf_apply_opts *o;
	struct rf_apply_result *res;
	size_t nstream;        /* target columns streamed, in shape order */
	size_t *stream_cols;   /* their table indexes */
	size_t *stream_shape;  /* their shape columns */
	size_t *stream_of;     /* per shape column: its stream position */
	struct rf_cell *skey;  /* scratch: one op's source_key (apply_source_key) */
	int *ref_at;           /* per shape column: where the re-check reads a
	                          reference through a match key as that match
	                          key (a column after the nstream ones), or -1 */
	struct image *before;  /* per op: the locked row (updates, deletes) */
	bool *seen;            /* per op: found by the current lookup */
	struct rf_keyset keys; /* encoded key -> op, for the current lookup */
	struct rf_buf canon, enc;
	struct rf_cell *cells;             /* one row in shape terms (into canon) */
	struct rf_cell key[64];            /* one row's key cells (into canon) */
	struct rf_row tmp;                 /* a RETURNING row reordered as a stream row */
	struct rf_journal_writer *journal; /* the transaction's (not owned); NULL
	                                      until the first step's re-check passed */
	bool name_table;                   /* drift lines name the table (an apply
	                                      of several tables) */
	size_t njkey;
	size_t *jkey; /* table indexes of the journal's key */
	struct rf_cell *jkey_cells;
	size_t done;
	struct image img;      /* scratch image (cells only) for read-back rows */
	struct rf_buf img_buf; /* its bytes */
	size_t *img_offs;
	bool keys_hold_inserts;           /* a->keys holds every insert's match key */
	char *insert_keys;                /* the server-side table of the keys to insert,
	                                     between the re-check and the read-back */
	struct rf_predict pr;             /* inserts journaled from the values sent */
	struct rf_predict_job *job;       /* ... while they load */
	struct rf_journal_savepoint mark; /* where those lines begin */
	bool guarded;              /* the load is the inserts' re-check (apply_inserts_guarded) */
	bool load_cancelled;       /* a cancel stopped a bulk load midway */
	struct rf_gen_keys *learn; /* keys the inserts were given, kept
	                              (rf_apply_step_keys); NULL: none */
	int learn_col;             /* its column in dt, or -1 */
};

/* apply.c */
/* Sets a up for plan p (a->journal left NULL); apply_free after. */
void apply_init(struct apply *a, const struct rf_plan *p, struct rf_db *target,
                const struct rf_apply_opts *o, struct rf_apply_result *res);
void apply_free(struct apply *a);
/* The target table columns (indexes) of p's journal key, into out (room
 * for every column of the target table); returns how many. */
size_t apply_journal_key_cols(const struct rf_plan *p, size_t *out);
/* Runs the plan's statements and journals every row they touch. 0, 1
 * when cancelled, -1 on error. */
int apply_write_all(struct apply *a, struct rf_error *err);
/* After a guarded load failed on a duplicate key (err): rolls back, and
 * true with err replaced when rows to insert appeared since the diff. */
bool apply_refused_as_drift(struct apply *a, const struct rf_tx_opts *tx, struct rf_error *err);
/* Reports progress; true when the caller wants to stop. */
bool apply_cancelled(struct apply *a, enum rf_apply_phase phase, size_t done, size_t total);
void apply_image_free(struct image *im);
/* The journal image of a row streamed in stream_cols order, into cells
 * (one per table column) and b (reset here); offs: scratch, one per table
 * column. */
void apply_fill_image(const struct apply *a, const struct rf_row *row, struct rf_buf *b,
                      struct rf_cell *cells, size_t *offs);
/* apply_fill_image() into memory of its own, for images kept. */
struct image apply_make_image(const struct apply *a, const struct rf_row *row);
/* The journal key of an image (a->jkey's cells; valid until the next call). */
const struct rf_cell *apply_journal_key(struct apply *a, const struct image *im);
/* The source_key of op (its source row's primary key, shape src_key) in
 * a->skey, or NULL when the shape has none. */
const struct rf_cell *apply_source_key(struct apply *a, size_t op);

/* apply_keys.c */
/* Learns (a->learn) the key inserted op `op` was given, from its image
 * (one cell per target column, journal form). */
void apply_learn_key(struct apply *a, size_t op, const struct rf_cell *image);
/* Makes a learn into learn (NULL: nothing), after apply_init. */
void apply_learn_setup(struct apply *a, struct rf_gen_keys *learn);

/* apply_check.c */
/* Empties a->keys for a new lookup. */
void apply_reset_keys(struct apply *a);
enum {
	APPLY_CHECK_EXISTING = 1, /* the rows to update or delete: locked, unchanged;
	                             and the parents plain references point at
	                             (rf_plan_set_ref_key): locked, same match key */
	APPLY_CHECK_INSERTS = 2,  /* the keys to insert: still absent */
	APPLY_CHECK_KEEP = 4      /* keep the inserts' key table for the read-back */
};
/* Re-checks the plan's rows against the diff, as `what` says. Drift goes
 * to a->res->drift. 0, 1 when cancelled, -1 on error. */
int apply_recheck(struct apply *a, unsigned what, struct rf_error *err);
/* Whether a unique key of t (the target table) makes the load fail for a
 * row to insert that appeared since the diff, so that no check before it
 * is needed. */
/* Encodes into a->enc the key (shape columns key[0..nkey)) of a row
 * streamed in stream_cols order, canonical as the diff made it; the rest
 * of the row is not canonicalized (a huge value costs nothing). */
void apply_encode_row_key(struct apply *a, const struct rf_row *row, const size_t *key,
                          size_t nkey);
bool apply_key_unique(const struct apply *a, const struct rf_table_info *t);
bool apply_inserts_guarded(const struct apply *a, const struct rf_table_info *t);
int apply_lock_inserts(struct apply *a, struct rf_error *err);
/* After a guarded load failed on a duplicate key and was rolled back:
 * looks the keys to insert up in a transaction of its own. 1 with drift
 * set when some are in the target now, 0 when none (the duplicate was of
 * another key), -1 on error. */
int apply_explain_duplicate(struct apply *a, const struct rf_tx_opts *tx, struct rf_error *err);
/* Journals every op of one kind by reading the rows back. */
int apply_journal_read_back(struct apply *a, enum rf_op_kind kind, struct rf_error *err);

#endif
