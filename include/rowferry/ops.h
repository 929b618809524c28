/* ops.h - the kinds of write and the statements that carry them: what a
 * plan renders (plan.h), apply runs (apply.h), the journal records and undo
 * reverses (journal.h, undo.h), without those depending on the plan. */
#ifndef ROWFERRY_OPS_H
#define ROWFERRY_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/util.h"

enum rf_op_kind { RF_OP_INSERT = 1, RF_OP_UPDATE = 2, RF_OP_DELETE = 4 };
#define RF_OPS_DEFAULT (RF_OP_INSERT | RF_OP_UPDATE)
#define RF_OPS_ALL     (RF_OP_INSERT | RF_OP_UPDATE | RF_OP_DELETE)
/* "insert,update,delete" -> mask; -1 with err on an unknown word. */
int rf_ops_parse(const char *spec, struct rf_error *err);
const char *rf_op_name(enum rf_op_kind k); /* "insert" ... */

/* A rendered statement covering ops [first, first+count). `sql` has
 * placeholders for `params`; `text` is the same statement with the values
 * inlined as literals, for previews and `diff --format sql`. INSERTs get
 * RETURNING (every target column) only when the target supports it and
 * p->no_returning is false (rf_plan_target: where RETURNING is cheap);
 * elsewhere apply journals the rows as written, generated keys included,
 * from the values sent or by reading them back under its locks. With at
 * least p->bulk_rows inserts and a target with a bulk loader, the inserts
 * are one bulk statement instead (no RETURNING). UPDATE and DELETE never
 * return rows (MariaDB has no UPDATE ... RETURNING). */
struct rf_stmt {
	enum rf_op_kind kind;
	size_t first, count;
	char *sql;
	char *text;
	size_t nparams;
	struct rf_param *params; /* cells point into the plan's rows */
	bool returning;
	/* A bulk load (the target's bulk_statement): sql is the statement,
	 * data its rows in the driver's load format, and text the script the
	 * engine's client runs (statement, rows, end marker), which ends
	 * itself: print it followed by rf_stmt_end(). No params. Rendered
	 * for apply (no text), data is empty: the rows are rendered as they
	 * load (rf_plan_bulk_rows). */
	bool bulk;
	char *data;
	size_t data_len;
};
/* What ends a statement's text in a script: ";" or, after a bulk load's
 * rows, nothing. */
const char *rf_stmt_end(const struct rf_stmt *s);
struct rf_stmts {
	size_t len;
	struct rf_stmt *items;
};
void rf_stmts_free(struct rf_stmts *s);

#endif
