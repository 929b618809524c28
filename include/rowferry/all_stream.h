/* all_stream.h - copy --all --create (DESIGN §13): a table the copy
 * creates is loaded as its source rows are read, not planned.
 *
 * A created table is empty by construction: there is nothing to diff and
 * every source row is an insert. Instead of holding every row in a plan,
 * its plan keeps only the shape (no operation; the set plan counts the
 * source's rows, read in the planning snapshot, for the preview), and the
 * apply streams the source's rows straight into the target's bulk loader
 * (COPY FROM STDIN, LOAD DATA) inside the copy's transaction, a piece at a
 * time: memory stays bounded whatever the table's size. Every streamed
 * table is read in one read transaction of the source, begun by the first
 * load and kept open through the verification (all_copy.h), which sums
 * the same snapshot: what was read against what was written. The journal
 * gets a `load` op per streamed table (the rows loaded) instead of a row
 * image per insert: undo drops the table it created, and refuses while
 * the table holds another number of rows (journal.h).
 *
 * Streamed: a table in dst->planned with planned->stream set, on a target
 * with a bulk loader, whose every column is copied as it is (no
 * --exclude, reference through a match key, --remap or source_key).
 * Others are diffed and planned as before.
 */
#ifndef ROWFERRY_ALL_STREAM_H
#define ROWFERRY_ALL_STREAM_H

#include <stdbool.h>

#include "rowferry/apply.h"
#include "rowferry/db.h"
#include "rowferry/diff.h"
#include "rowferry/plan.h"

/* Plans sel's table as streamed when it can be (above), inside the
 * caller's read transactions: *plan gets its shape and no operation (the
 * caller's), *rows the source's count(*). 1 when streamed; 0 when not
 * (nothing set: plan it from a diff); -1 with err. */
int rf_all_stream_plan(struct rf_db *src, struct rf_db *dst, const struct rf_selection *sel,
                       unsigned ops_mask, struct rf_plan **plan, unsigned long long *rows,
                       struct rf_error *err);

/* An rf_apply_opts.load callback (ctx: the copy's rf_all_check): loads
 * step's source rows into its created table inside tx (o: the apply's
 * options, for progress and cancel), journals the load op, and counts
 * the rows in the check. 0; 1 when cancelled; -1 with err. The
 * transaction is left for the caller to end in both cases. */
int rf_all_stream_load(void *ctx, struct rf_apply_tx *tx, const struct rf_plan *step,
                       const struct rf_apply_opts *o, struct rf_error *err);

#endif
