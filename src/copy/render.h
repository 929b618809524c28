/* render.h - where every statement that writes is assembled (internal to
 * the core: plan.c renders copies, undo.c renders their reversal).
 *
 * A statement is built twice side by side: `sql` with the driver's
 * placeholders and the values collected as bound parameters (what apply and
 * undo execute), and `text` with the same values inlined by the driver's
 * quote_literal (what the preview shows). Building both from the same calls
 * is what makes the preview exactly the statement that runs.
 */
#ifndef ROWFERRY_RENDER_H
#define ROWFERRY_RENDER_H

#include <stdbool.h>

#include "rowferry/db.h"
#include "rowferry/plan.h"

/* Statements whose parameter count stays under every engine's limit
 * (SQLite 32766, PostgreSQL and MySQL 65535). */
#define RF_RENDER_MAX_PARAMS 30000

struct rf_render {
	struct rf_db *db;
	bool with_text; /* false: skip the literal text (apply needs none) */
	struct rf_buf sql, text;
	size_t nparams, cap;
	struct rf_param *params; /* cells are borrowed from the caller's rows */
	struct rf_buf data;      /* a bulk load's rows (rf_render_bulk) */
	bool bulk;
};

void rf_render_init(struct rf_render *r, struct rf_db *db, bool with_text);
void rf_render_free(struct rf_render *r);
/* Appends SQL text that is the same in both renderings (keywords, commas). */
void rf_render_add(struct rf_render *r, const char *s);
void rf_render_ident(struct rf_render *r, const char *name);
/* schema.table where the engine has schemas, else table */
void rf_render_table(struct rf_render *r, const struct rf_table_info *t);
/* A value: placeholder + parameter in sql, literal in text. v is borrowed
 * until the statement is freed. */
void rf_render_value(struct rf_render *r, enum rf_type_class c, const struct rf_cell *v);
/* " RETURNING every column of t" when the engine supports it; returns
 * whether it was added. */
bool rf_render_returning(struct rf_render *r, const struct rf_table_info *t);
/* Makes the statement being built a bulk load: sql, and its rows in data
 * (taken over; data is left empty); text becomes the driver's script. */
void rf_render_bulk(struct rf_render *r, const char *sql, struct rf_buf *data);
/* Moves the statement built so far into out (r is ready for the next). */
void rf_render_finish(struct rf_render *r, struct rf_stmts *out, enum rf_op_kind k, size_t first,
                      size_t count, bool returning);

#endif
