/* undo.h - guided rollback of a copy from its journal (DESIGN §6).
 *
 * Undo replays a journal backwards in one transaction on the target,
 * across every table it names (children's inserts, journaled after their
 * parents', are deleted first): inserted rows are deleted, updated rows get their before-image
 * back, deleted rows are inserted again, identity generators a copy moved
 * are set back (identity.h). First it checks, under lock, that every row is still what
 * the copy left (its after-image; deleted rows still absent). Rows changed since are listed and the
 * undo is refused, unless forced: then those rows are left alone and the rest restored.
 *
 * A journal whose seal does not match (edited), that was aborted, or that
 * was undone already is refused. A journal a crash left `pending` is first
 * settled from the engine's own record of the copy's transaction
 * (rf_undo_resolve, journal.h), never from the rows it finds.
 *
 * Usage (the CLI and the console alike): rf_undo_open, rf_undo_allowed
 * (after rf_undo_resolve when pending), rf_undo_check to list drift and
 * rf_undo_render to show the SQL, then rf_undo_apply.
 */
#ifndef ROWFERRY_UNDO_H
#define ROWFERRY_UNDO_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/apply.h"
#include "rowferry/db.h"
#include "rowferry/journal.h"
#include "rowferry/ops.h"

/* A table of the journal as the target has it now. */
struct rf_undo_table {
	struct rf_table_info info; /* described on the target */
	size_t *col_of;            /* per journal column of the table: index in info */
	size_t *key_of;            /* per journal key column: index in info */
};

struct rf_undo {
	struct rf_journal journal; /* loaded in full */
	char *target_name;         /* the connection name the journal names ("prod") */
	char *target_url;          /* the redacted URL it names, or NULL */
	/* filled by rf_undo_check / rf_undo_resolve: */
	struct rf_undo_table *tables; /* per journal table (journal.ntables), or NULL */
	struct rf_strlist drift;      /* one line per row changed since the copy
	                                 ("public.t (id=1) ..." in a journal of
	                                 several tables) */
	bool *drifted;                /* per journal op */
	size_t ndrifted;
	bool checked;
	bool after_raw; /* the after-images' bytes columns (not keys) hold the
	                   raw bytes, no longer their hex (undo.c) */
};

struct rf_undo_opts {
	bool force; /* skip drifted rows instead of refusing */
	int lock_timeout_ms;
	int statement_timeout_ms;
	size_t batch_rows;             /* 0: RF_APPLY_BATCH_ROWS */
	rf_apply_progress_fn progress; /* may be NULL; nonzero return cancels */
	void *progress_ctx;
	const volatile sig_atomic_t *cancel;
};
/* Zeroes o and fills the config's lock and statement timeouts. */
void rf_undo_opts_init(struct rf_undo_opts *o, const struct rf_config *cfg);

/* Loads the journal at path in full. Returns NULL with err when it cannot
 * be read. Free with rf_undo_free. */
struct rf_undo *rf_undo_open(const char *path, struct rf_error *err);
void rf_undo_free(struct rf_undo *u);

/* Whether the journal may be undone as it stands: 0 yes, else 1 with err
 * saying why not (edited, aborted, undone already, still being written,
 * pending: resolve it first). */
int rf_undo_allowed(const struct rf_undo *u, struct rf_error *err);

/* Settles a pending journal from the target's own record of the copy's
 * transaction (journal.h, DESIGN §6): no valid prepared line, it never
 * reached COMMIT (aborted); else the engine says. write: appends the
 * outcome to the journal (the committed line repeats the prepared line's
 * seal; none is computed) and lets the engine finish a transaction it holds
 * prepared (MariaDB XA); then u->journal is the journal read again. !write
 * (--dry-run): nothing is written anywhere, u->journal says the outcome in
 * memory only. Returns 0 and *out (committed or aborted); 1 with err when
 * another process holds the journal's lock; -1 with err when it cannot be
 * settled: still running on the server, a journal from before prepared
 * lines, or an engine that cannot tell. */
int rf_undo_resolve(struct rf_undo *u, struct rf_db *target, bool write, enum rf_tx_outcome *out,
                    struct rf_error *err);

/* The steps before every undo, one sequence for both front ends: settle a
 * pending journal from the engine (rf_undo_resolve; write false for a dry
 * run), rf_undo_allowed, then rf_undo_check against the target. Returns
 * RF_UNDO_READY (u->ndrifted rows changed since the copy: refuse them or
 * leave them with --force), RF_UNDO_NOTHING (the journal was pending and the
 * copy never committed: nothing to undo), RF_UNDO_REFUSED with err, or
 * RF_UNDO_ERROR with err. *settled (may be NULL): true when a pending
 * journal was settled, *outcome then says how. */
enum rf_undo_ready { RF_UNDO_READY, RF_UNDO_NOTHING, RF_UNDO_REFUSED, RF_UNDO_ERROR };
enum rf_undo_ready rf_undo_prepare(struct rf_undo *u, struct rf_db *target, bool write,
                                   bool *settled, enum rf_tx_outcome *outcome,
                                   struct rf_error *err);

/* Compares every journaled row with the target (in a read-only
 * transaction of its own unless one is open) and fills drift/drifted.
 * Returns 0, or -1 with err. */
int rf_undo_check(struct rf_undo *u, struct rf_db *target, struct rf_error *err);

/* The reverse statements, in the order undo runs them, rendered by the
 * target driver (with_text: literal text for showing). Drifted rows are
 * left out. rf_undo_check must have run. Free with rf_stmts_free. In these
 * statements `count` is the number of rows and `first` the journal op the
 * statement starts with. */
void rf_undo_render(const struct rf_undo *u, struct rf_db *target, size_t batch_rows,
                    bool with_text, struct rf_stmts *out);

/* Appends what undo does to the journal's sequence ops (identity.h), as
 * comments and statements, for showing after rf_undo_render's; empty when
 * the journal has none. rf_undo_check must have run. */
void rf_undo_sequences_text(const struct rf_undo *u, struct rf_db *target, struct rf_buf *out);
/* Undoes: one write transaction, the check again under lock (refused when
 * rows drifted and !o->force), the statements, COMMIT, then an `undone`
 * line in the journal. Returns 0 done, 1 refused or cancelled (err says
 * which; nothing written), -1 error (rolled back). *undone counts the rows
 * restored. */
int rf_undo_apply(struct rf_undo *u, struct rf_db *target, const struct rf_undo_opts *o,
                  size_t *undone, struct rf_error *err);

#endif
