/* predict.h - after-images of inserted rows from the values sent, where
 * the target provably stores them as sent (src/copy/predict.c; used by apply
 * instead of reading a bulk load's rows back).
 */
#ifndef ROWFERRY_PREDICT_H
#define ROWFERRY_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/plan.h"

struct rf_predict {
	const struct rf_plan *p;
	const struct rf_table_info *t; /* the target table as described now */
	size_t *shape_of;              /* per target column: the shape column sent */
};

/* True when the target table t (as the plan saw it) may store what p's
 * INSERTs send as sent: a plain table (no trigger, no rule), every column
 * sent, as its own class, with a known rule (rf_column.store). Each
 * value is then checked by rf_predict_fits. pr serves images until
 * rf_predict_close; t must outlive it. False: read the rows back. */
bool rf_predict_open(struct rf_predict *pr, const struct rf_plan *p, const struct rf_table_info *t);
/* Whether every value insert op sends is one its column holds as is. */
bool rf_predict_fits(const struct rf_predict *pr, const struct rf_op *op);
/* Whether the table described again now (inside the writing transaction,
 * after the load) still stores values as the plan's description said: a
 * plain table with the same columns, types, rules and nullability. */
bool rf_predict_holds(const struct rf_predict *pr, const struct rf_table_info *now);
/* The same for a table as was described (the plan's) and now: apply's
 * updates of large bytes values journaled as sent (apply_check.c). */
bool rf_predict_table_holds(const struct rf_table_info *was, const struct rf_table_info *now);
/* The after-image of insert op: one cell per target column into cells
 * (bytes in b, which is reset, or the op's own values where they are their
 * form: valid while b and the plan are; offs: scratch, one per column), in
 * the form the target prints the value, as a read-back would have
 * journaled it. */
void rf_predict_image(const struct rf_predict *pr, const struct rf_op *op, struct rf_buf *b,
                      struct rf_cell *cells, size_t *offs);
void rf_predict_close(struct rf_predict *pr);

struct rf_journal_writer;
/* Journals every INSERT of pr's plan with its predicted image (keyed by
 * the image's columns jkey[0..njkey)) in a thread of its own, so the work
 * overlaps the load the caller runs meanwhile; it stops at the first
 * insert that does not fit (rf_predict_fits). Nothing else may use w, or
 * pr, until rf_predict_join. */
struct rf_predict_job *rf_predict_start(const struct rf_predict *pr, struct rf_journal_writer *w,
                                        const size_t *jkey, size_t njkey);
/* Waits until the job has done all it will (it reads the plan no more),
 * keeping its outcome for rf_predict_join, which the caller still calls:
 * for a caller about to lend the plan's memory to exec() (rf_param.lent).
 * job NULL is fine. */
void rf_predict_wait(struct rf_predict_job *job);
/* Waits for the job (stop: tells it to give up first, the lines are not
 * wanted), frees it and sets *job to NULL, whatever the outcome, so a
 * caller's cleanup path can join again harmlessly. *proven (may be NULL):
 * every insert fitted and is journaled. 0, or -1 with the journal's error.
 * *job NULL is fine. */
int rf_predict_join(struct rf_predict_job **job, bool stop, bool *proven, struct rf_error *err);

#endif
