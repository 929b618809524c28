/* identity.h - identity generators moved past the keys a copy loaded
 * (DESIGN §13).
 *
 * A set copy that inserts rows with their keys into a target identity,
 * serial or auto-increment column leaves the generator where it stood,
 * and the application's next insert would collide with a loaded key.
 * After the set's steps, inside the copy's transaction and before the
 * verification and COMMIT, each such column's generator is moved past the
 * largest key, only when it stands at or below it (never backwards), and
 * the move is journaled as a `sequence` op (journal.h): the value the
 * generator gave next before, and after. Per engine:
 *
 *   PostgreSQL  ALTER SEQUENCE .. RESTART WITH max + 1 on the column's
 *               sequence (identity and serial alike), journaled before it
 *               runs. Unlike setval(), it is transactional: a copy rolled
 *               back, or killed, leaves the sequence where it was. It is
 *               the owner's: a user who does not own the sequence moves it
 *               with setval(), which a rolled back copy leaves moved (a gap
 *               in the ids, never a collision).
 *   MariaDB     nothing runs: InnoDB moves AUTO_INCREMENT past an explicit
 *               key by itself while the rows load (checked on the server:
 *               INSERT and LOAD DATA alike), and ALTER TABLE would commit
 *               the copy's transaction (it is refused inside its XA one).
 *               The move InnoDB made is journaled as read before and after
 *               the load. The counter is not transactional: a copy rolled
 *               back leaves it moved (a gap in the ids, never a collision).
 *   SQLite      nothing: a rowid alias (and AUTOINCREMENT's sqlite_sequence)
 *               continues after the largest key by itself.
 *
 * Undo (rf_identity_restore) sets `before` back where no row holds a key
 * at or above it, else the largest key + 1: inside the undo's transaction
 * with ALTER SEQUENCE; after its COMMIT with setval (not transactional: a
 * rolled back undo must not leave it below the rows) and on MariaDB
 * (ALTER TABLE commits implicitly; the server also never goes below the
 * largest key + 1).
 */
#ifndef ROWFERRY_IDENTITY_H
#define ROWFERRY_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/apply.h"
#include "rowferry/set_copy.h"

/* One identity column a set copy loads keys into. */
struct rf_identity_col {
	const struct rf_plan *plan;    /* its table's inserts (borrowed) */
	const struct rf_table_info *t; /* the target table (borrowed: the plan's) */
	const char *column;            /* borrowed: t's */
	char *seq_schema, *seq_name;   /* PostgreSQL: its sequence (owned) */
	long long increment;
	bool owned;       /* ... which the user owns (ALTER SEQUENCE), else setval */
	bool deferred;    /* PostgreSQL, before_load: its sequence is looked
	                     up after the load (a table created in the
	                     copy's transaction exists only then) */
	bool has_before;  /* the generator was read before the load */
	long long before; /* ... the value it gave next then */
};

/* Owns its items; rf_identity_list_free(). */
struct rf_identity_list {
	size_t len;
	struct rf_identity_col *items;
};
void rf_identity_list_free(struct rf_identity_list *l);

/* Finds the identity columns sp's inserts write into on db, with the
 * generator each has on db's engine (a PostgreSQL column whose default is
 * not an owned sequence has none: left out), and reads where each
 * stands. before_load: run inside the copy's transaction, before its
 * steps; a PostgreSQL sequence is then only looked up by
 * rf_identity_move (deferred), which reads it again there anyway, and its
 * table may be created by the copy's own steps. Returns 0 (out filled,
 * possibly empty), or -1 with err; out is the caller's to free in both
 * cases. */
int rf_identity_find(const struct rf_set_plan *sp, struct rf_db *db, bool before_load,
                     struct rf_identity_list *out, struct rf_error *err);

/* After the steps, in the same transaction (tx): moves each generator of
 * l past its column's largest key where it stands at or below it,
 * journaling each move first (above). Returns 0, or -1 with err (the
 * caller rolls back). */
int rf_identity_move(const struct rf_identity_list *l, struct rf_db *db, struct rf_apply_tx *tx,
                     struct rf_error *err);

/* The preview's part (rf_set_preview_script, before COMMIT): per column,
 * a comment saying what happens to its generator and, where a statement
 * runs, that statement as apply would run it with the largest key the
 * plan and the target hold now. Reads db (in a read transaction of its
 * own unless one is open); a read that fails is said in a comment. */
void rf_identity_preview(const struct rf_set_plan *sp, struct rf_db *db, struct rf_buf *out);

/* Undo of a sequence op: sets column's generator of t back to `before`,
 * or the largest key + 1 where a row holds a key at or above it. in_tx:
 * called inside the undo's transaction (ALTER SEQUENCE moves there;
 * setval and MariaDB do nothing then and want a second call with in_tx
 * false, after COMMIT). *next (may be NULL): the value set, 0 when nothing ran.
 * Returns 0, or -1 with err. */
int rf_identity_restore(struct rf_db *db, const struct rf_table_info *t, const char *column,
                        long long before, bool in_tx, long long *next, struct rf_error *err);

/* Appends, for undo's --dry-run, what rf_identity_restore would run
 * (a comment and the statement, `before` as the value). */
void rf_identity_restore_text(struct rf_db *db, const struct rf_table_info *t, const char *column,
                              long long before, struct rf_buf *out);

#endif
