/* apply.h - carrying a plan out on the target (DESIGN §5, §6).
 *
 * One transaction on the target, with the lock and statement timeouts of
 * [safety]. Inside it, the target rows of the plan are locked and
 * re-checked against the diff rows the plan came from: rows to update or
 * delete must still equal what the preview showed, rows to insert must
 * still be absent. If the target changed since, nothing is written and the
 * apply is refused. Then the plan's statements run (rf_plan_render: the
 * same statements the preview shows, INSERTs batched, values bound), every
 * row they touch is journaled with its before- and after-image (generated
 * keys included), the journal is fsync'ed, and only then the transaction
 * commits. Any error rolls everything back and marks the journal aborted.
 *
 * This is the whole of writing: the console and the CLI call rf_apply and
 * speak no SQL of their own.
 *
 * Several plans (related tables) go in one transaction and one journal
 * through the transaction object: rf_apply_begin with every plan,
 * rf_apply_step for each (in the order given by the caller: parents
 * first), rf_apply_commit. rf_apply is exactly that for one plan.
 */
#ifndef ROWFERRY_APPLY_H
#define ROWFERRY_APPLY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/plan.h"

/* Rows per INSERT statement (also what a preview should render with to
 * show exactly the statements apply runs). */
#define RF_APPLY_BATCH_ROWS 500

enum rf_apply_phase {
	RF_APPLY_CHECKING,  /* locking and re-checking target rows */
	RF_APPLY_WRITING,   /* running the statements */
	RF_APPLY_COMMITTING /* journal synced, COMMIT sent */
};

/* Called between steps with how far the phase has come (rows). Returning
 * nonzero cancels: the transaction is rolled back. */
typedef int (*rf_apply_progress_fn)(void *ctx, enum rf_apply_phase phase, size_t done,
                                    size_t total);

struct rf_warnings;
struct rf_config;
struct rf_apply_tx;

struct rf_apply_opts {
	const char *undo_dir; /* where the journal goes (required) */
	int lock_timeout_ms;  /* [safety]; 0: the server's default */
	int statement_timeout_ms;
	size_t batch_rows;             /* 0: RF_APPLY_BATCH_ROWS */
	rf_apply_progress_fn progress; /* may be NULL */
	void *progress_ctx;
	const volatile sig_atomic_t *cancel; /* set nonzero (e.g. by SIGINT or Esc)
	                                        to cancel; may be NULL */
	const struct rf_warnings *warnings;  /* the checks the front end showed
	                                        (rf_preview_warnings): an error-
	                                        severity one refuses the apply, here
	                                        in the core; NULL: none were run */
	size_t rejected;                     /* source rows left out as invalid (copy through a
	                                        map with --skip-invalid): counted in the journal's
	                                        header ("rejected") */
	const char *rejects;                 /* their JSON lines, written with the journal to
	                                        <journal>.rejects.jsonl (0600, fsync'ed before
	                                        COMMIT); NULL: none */
	const char *source_sha256;           /* into the journal's header (journal.h);
	                                        NULL: none */
	int (*verify)(void *ctx, struct rf_error *err); /* rf_set_apply: after the
	                                        last step, before COMMIT; nonzero rolls
	                                        everything back (FAILED, err its
	                                        reason); NULL: none */
	void *verify_ctx;
	void (*step_done)(void *ctx, const struct rf_plan *step); /* rf_set_apply:
	                                        after each step that succeeded
	                                        (ctx: verify_ctx); NULL: none */
	/* rf_set_apply: before each step (ctx: verify_ctx); NULL: none */
	void (*step_begin)(void *ctx, const struct rf_plan *step);
	/* rf_set_apply: loads the rows of a table planned as streamed
	 * (set_copy.h, all_stream.h) after its step, inside tx (ctx:
	 * verify_ctx): 0, 1 cancelled, -1 with err; NULL: a streamed table
	 * refuses the apply */
	int (*load)(void *ctx, struct rf_apply_tx *tx, const struct rf_plan *step,
	            const struct rf_apply_opts *o, struct rf_error *err);
	size_t load_rows; /* rows the loads are expected to write (the planning
	                     count): operations for rf_apply_begin and progress */
};
/* Zeroes o and fills what the config says: undo_dir, lock and statement
 * timeouts. The front ends then add progress, cancel and warnings. */
void rf_apply_opts_init(struct rf_apply_opts *o, const struct rf_config *cfg);

enum rf_apply_status {
	RF_APPLY_DONE,      /* committed, journal committed */
	RF_APPLY_NOTHING,   /* the plan has no operation */
	RF_APPLY_REFUSED,   /* the plan has errors, or the target changed since
	                       the diff: nothing written; no journal, or an
	                       aborted one where the load itself found a row
	                       that appeared (a duplicate key) */
	RF_APPLY_CANCELLED, /* cancelled: rolled back (journal aborted if begun) */
	RF_APPLY_FAILED     /* an error: rolled back, journal aborted */
};

struct rf_apply_result {
	enum rf_apply_status status;
	char *journal; /* the journal written (even when aborted), or NULL */
	size_t inserted, updated, deleted;
	bool predicted;          /* inserts were journaled from the values sent,
	                            which the target provably stores as sent (predict.h),
	                            not read back (of at least one table) */
	struct rf_strlist drift; /* REFUSED: one line per row that changed since the
	                            diff ("public.t (k=1) ..." when several tables) */
	double seconds;          /* wall time of the transaction */
	size_t rejected;         /* o->rejected, when a journal was written */
	char *rejects;           /* the rejects file written, or NULL */
};
void rf_apply_result_free(struct rf_apply_result *r);

/* Applies p to target. `source` only names the source in the journal.
 * The target must have no transaction open (close the diff first); p is
 * not changed. Returns 0 for DONE and NOTHING, 1 for REFUSED and CANCELLED
 * (err says why), -1 for FAILED (err holds the cause). res is filled in
 * every case; free it with rf_apply_result_free. */
int rf_apply(const struct rf_plan *p, const struct rf_db *source, struct rf_db *target,
             const struct rf_apply_opts *o, struct rf_apply_result *res, struct rf_error *err);

/* ---- several plans in one transaction ---- */

struct rf_apply_tx;

/* Begins an apply of plans[0..nplans) (one per target table, each table
 * once, except that parts of one table's plan may be plans of their own
 * over the same shape: rf_plan_take_deletes, rf_plan_take_references) in
 * one transaction on target. Every plan is given here: the
 * journal's header lists their tables and is sealed with the rest. The
 * transaction is opened now; the journal is created by the first step
 * that writes (a refusal before any write leaves no journal). Where
 * target->planned holds tables to create (copy --all --create,
 * all_create.h), the journal is created here, a create op for each, and
 * the tables are created: inside the transaction, or before it where DDL
 * commits (MariaDB; a failed apply then drops them). res is
 * filled as the steps go and must outlive the object; plans, source and o
 * too. Returns 0 and *out (free with rf_apply_tx_free): the plans hold
 * no operation at all, res->status is NOTHING and steps and commit do
 * nothing; 1 (REFUSED: a plan has errors or an error-severity check) or
 * -1 (FAILED) with err and *out NULL. */
int rf_apply_begin(struct rf_db *target, const struct rf_db *source,
                   const struct rf_plan *const *plans, size_t nplans, const struct rf_apply_opts *o,
                   struct rf_apply_result *res, struct rf_apply_tx **out, struct rf_error *err);

/* Carries out one of the plans given to rf_apply_begin, once: locks and
 * re-checks its rows, runs its statements, journals them. Returns 0, or
 * 1 (drift: REFUSED; cancel: CANCELLED) or -1 (FAILED) with err, and the
 * transaction has then ended: rolled back, the journal (if any) aborted
 * with the reason, res->status set; later steps and the commit fail. */
int rf_apply_step(struct rf_apply_tx *tx, const struct rf_plan *p, struct rf_error *err);

/* The keys the target gave a step's inserted rows in one column (the
 * parent's referenced key of a set's references, DESIGN §11), by the
 * rows' match keys: what apply learns for free where it journals the
 * inserts from RETURNING or the read-back (the key being generated, the
 * values sent cannot tell it). Owns its bytes. */
struct rf_gen_keys;
/* An empty set of keys of target column `column` (copied). */
struct rf_gen_keys *rf_gen_keys_new(const char *column);
void rf_gen_keys_free(struct rf_gen_keys *k);
/* Adds pk (canonical, of the column's class; copied) as the key of the
 * row whose match key is mk (one column, canonical). False when mk was
 * there already (the key kept is the first). */
bool rf_gen_keys_put(struct rf_gen_keys *k, const struct rf_cell *mk, const struct rf_cell *pk);
/* How many keys k holds. */
size_t rf_gen_keys_len(const struct rf_gen_keys *k);
/* The key learned for the row whose match key (one column, canonical as
 * the diff made it) is mk: true and *key (canonical, of the column's
 * class; valid while k lives) set, else false. */
bool rf_gen_keys_get(const struct rf_gen_keys *k, const struct rf_cell *mk, struct rf_cell *key);

/* rf_apply_step, and learn (NULL: nothing) gets the keys the target gave
 * p's inserted rows in learn's column, by match key, where apply reads
 * them anyway (RETURNING, read-back); inserts journaled from the values
 * sent (predict.h) teach it nothing. */
int rf_apply_step_keys(struct rf_apply_tx *tx, const struct rf_plan *p, struct rf_gen_keys *learn,
                       struct rf_error *err);

/* Journals a sequence op (journal.h) of p's table, between steps: column's
 * generator gave `before` next and is about to give `after`
 * (identity.h). Before the statement that moves it runs. 0, or -1 with
 * err (nothing journaled yet: the transaction has no journal; or the
 * journal failed: then rolled back, FAILED). */
int rf_apply_journal_sequence(struct rf_apply_tx *tx, const struct rf_plan *p, const char *column,
                              long long before, long long after, struct rf_error *err);

struct rf_journal_load_sum;
/* Journals a load op of p's table (journal.h): rows loaded into it by an
 * rf_apply_opts.load, a table this apply created, and their checksum
 * where sum is not NULL (borrowed). 0, or -1 with err (the transaction
 * then rolled back, FAILED). */
int rf_apply_journal_load(struct rf_apply_tx *tx, const struct rf_plan *p, unsigned long long rows,
                          const struct rf_journal_load_sum *sum, struct rf_error *err);

/* Ends the transaction: the prepared line, COMMIT, the committed line
 * (DESIGN §6). Returns 0 (DONE, or NOTHING when no step wrote: rolled
 * back, no journal), 1 when cancelled, -1 on error (as rf_apply). */
int rf_apply_commit(struct rf_apply_tx *tx, struct rf_error *err);

/* Ends an open transaction without committing: rollback, the journal (if
 * any) aborted with reason (NULL: "cancelled"), status CANCELLED. Nothing
 * when it has ended already. */
void rf_apply_abort(struct rf_apply_tx *tx, const char *reason);

/* Frees tx; one still open is aborted first. NULL is fine. */
void rf_apply_tx_free(struct rf_apply_tx *tx);

#endif
