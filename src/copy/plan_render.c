/* plan_render.c - a plan as statements (plan.h): DELETEs, then UPDATEs,
 * then INSERTs (batched, or one bulk load), assembled through render.h so
 * the preview's text and apply's bound statement are the same; plan.c
 * builds the plan they render. */
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "rowferry/plan.h"

/* "a" = $1 AND "b" IS NULL ... for the target key of a row */
static void r_where_key(struct rf_render *r, const struct rf_plan *p, const struct rf_cell *cells)
{
	size_t i;
	rf_render_add(r, " WHERE ");
	for (i = 0; i < p->ntarget_key; i++) {
		const struct rf_diff_col *c = &p->shape->cols[p->target_key[i]];
		if (i)
			rf_render_add(r, " AND ");
		rf_render_ident(r, c->name);
		if (cells[p->target_key[i]].is_null) {
			rf_render_add(r, " IS NULL");
		} else {
			rf_render_add(r, " = ");
			rf_render_value(r, c->tclass, &cells[p->target_key[i]]);
		}
	}
}

/* What op writes into column col (rf_plan_written): a plain value, or a
 * reference through a match key to a parent this copy inserts, resolved
 * in the target in the same transaction. */
static void r_value(struct rf_render *r, const struct rf_plan *p, const struct rf_op *op,
                    size_t col)
{
	const struct rf_diff_col *c = &p->shape->cols[col];
	const struct rf_cell *v;
	enum rf_type_class cls;

	if (!rf_plan_written(p, op, col, &v, &cls)) {
		rf_render_value(r, cls, v);
		return;
	}
	rf_render_add(r, "(SELECT ");
	rf_render_ident(r, c->ref->pk);
	rf_render_add(r, " FROM ");
	rf_render_table(r, &c->ref->parent[1]);
	rf_render_add(r, " WHERE ");
	rf_render_ident(r, c->ref->mk);
	rf_render_add(r, " = ");
	rf_render_value(r, cls, v);
	rf_render_add(r, ")");
}

bool rf_plan_loads_in_bulk(const struct rf_plan *p, const struct rf_db *db)
{
	/* no bulk loader carries a subquery: the references are resolved
	 * before the load where a set's apply does it (refs_first) */
	return db->bulk && p->bulk_rows && p->ninsert_cols &&
	       rf_plan_count(p, RF_OP_INSERT) >= p->bulk_rows &&
	       (p->refs_first || rf_plan_inserts_plain(p));
}

/* Rows per INSERT: as asked, but never more parameters than every engine
 * accepts in one statement. */
static size_t insert_batch(const struct rf_plan *p, size_t batch)
{
	size_t most = p->ninsert_cols ? RF_RENDER_MAX_PARAMS / p->ninsert_cols : batch;
	if (batch > most)
		batch = most;
	return batch ? batch : 1;
}

void rf_plan_bulk_rows(const struct rf_plan *p, struct rf_db *db, size_t first, size_t n,
                       struct rf_buf *out)
{
	const struct rf_cell *v;
	enum rf_type_class cls;
	size_t k, j;
	for (k = first; k < first + n; k++)
		for (j = 0; j < p->ninsert_cols; j++) {
			/* plain values only: rf_plan_loads_in_bulk */
			rf_plan_written(p, &p->ops[k], p->insert_cols[j], &v, &cls);
			db->ops->bulk_value(db, cls, v, j + 1 == p->ninsert_cols, out);
		}
}

/* The n inserts from ops[i] as one bulk load (the target's loader). Apply
 * (no text) renders the rows as the load runs (rf_plan_bulk_rows). */
static void render_bulk(const struct rf_plan *p, struct rf_render *r, size_t i, size_t n,
                        struct rf_stmts *out)
{
	struct rf_db *db = r->db;
	struct rf_buf sql = RF_BUF_INIT, data = RF_BUF_INIT;
	size_t *cols = rf_xcalloc(p->ninsert_cols, sizeof *cols);
	size_t j;

	for (j = 0; j < p->ninsert_cols; j++)
		cols[j] = (size_t)p->shape->cols[p->insert_cols[j]].dst;
	db->ops->bulk_statement(db, &p->shape->dst_table, cols, p->ninsert_cols, &sql);
	if (r->with_text)
		rf_plan_bulk_rows(p, db, i, n, &data);
	rf_render_bulk(r, sql.data, &data);
	rf_render_finish(r, out, RF_OP_INSERT, i, n, false);
	free(cols);
	rf_buf_free(&sql);
}

/* A value sent this long (canonical bytes: hex) is not asked back by
 * RETURNING: PostgreSQL returns bytea as hex text, twice the raw size, in
 * libpq's buffer and in its result, for a value apply already holds. The
 * inserts then journal as without RETURNING (predicted from the values
 * sent, or read back), DESIGN §9. */
#define RENDER_RETURNING_MAX (1u << 20)

/* Whether an insert of p sends a value longer than RENDER_RETURNING_MAX:
 * all of p's inserts then go without RETURNING (apply journals a plan's
 * inserts one way). */
static bool inserts_large_value(const struct rf_plan *p)
{
	size_t i, j;
	for (i = 0; i < p->nops; i++) {
		if (p->ops[i].kind != RF_OP_INSERT)
			continue;
		for (j = 0; j < p->ninsert_cols; j++) {
			const struct rf_cell *v = rf_plan_value(&p->ops[i], p->insert_cols[j]);
			if (!v->is_null && v->len > RENDER_RETURNING_MAX)
				return true;
		}
	}
	return false;
}

static void render_inserts(const struct rf_plan *p, struct rf_render *r, size_t batch,
                           struct rf_stmts *out)
{
	size_t i = 0, j, n;
	bool returning, no_returning = p->no_returning || inserts_large_value(p);

	if (rf_plan_loads_in_bulk(p, r->db)) {
		/* plans group their inserts; a hand-built one may not, and
		 * each run of consecutive inserts is then its own load */
		while (i < p->nops) {
			if (p->ops[i].kind != RF_OP_INSERT) {
				i++;
				continue;
			}
			for (n = 0; i + n < p->nops && p->ops[i + n].kind == RF_OP_INSERT; n++)
				;
			render_bulk(p, r, i, n, out);
			i += n;
		}
		return;
	}
	batch = insert_batch(p, batch);
	while (i < p->nops) {
		if (p->ops[i].kind != RF_OP_INSERT) {
			i++;
			continue;
		}
		rf_render_add(r, "INSERT INTO ");
		rf_render_table(r, &p->shape->dst_table);
		rf_render_add(r, " (");
		for (j = 0; j < p->ninsert_cols; j++) {
			if (j)
				rf_render_add(r, ", ");
			rf_render_ident(r, p->shape->cols[p->insert_cols[j]].name);
		}
		rf_render_add(r, ") VALUES");
		/* consecutive inserts only, so first/count name a range of ops */
		for (n = 0; i + n < p->nops && n < batch && p->ops[i + n].kind == RF_OP_INSERT;
		     n++) {
			const struct rf_op *op = &p->ops[i + n];
			rf_render_add(r, n ? ",\n  (" : "\n  (");
			for (j = 0; j < p->ninsert_cols; j++) {
				if (j)
					rf_render_add(r, ", ");
				r_value(r, p, op, p->insert_cols[j]);
			}
			rf_render_add(r, ")");
		}
		returning = !no_returning && rf_render_returning(r, &p->shape->dst_table);
		rf_render_finish(r, out, RF_OP_INSERT, i, n, returning);
		i += n;
	}
}

/* UPDATE and DELETE carry no RETURNING: MariaDB has none for UPDATE, and
 * apply reads before- and after-images under its row locks anyway. */
static void render_update(const struct rf_plan *p, struct rf_render *r, size_t i,
                          struct rf_stmts *out)
{
	const struct rf_op *op = &p->ops[i];
	size_t j, n = 0;

	rf_render_add(r, "UPDATE ");
	rf_render_table(r, &p->shape->dst_table);
	rf_render_add(r, " SET ");
	for (j = 0; j < p->shape->ncols; j++) {
		if (!op->row->changed[j])
			continue;
		if (n++)
			rf_render_add(r, ", ");
		rf_render_ident(r, p->shape->cols[j].name);
		rf_render_add(r, " = ");
		r_value(r, p, op, j);
	}
	r_where_key(r, p, op->row->dst);
	rf_render_finish(r, out, RF_OP_UPDATE, i, 1, false);
}

static void render_delete(const struct rf_plan *p, struct rf_render *r, size_t i,
                          struct rf_stmts *out)
{
	rf_render_add(r, "DELETE FROM ");
	rf_render_table(r, &p->shape->dst_table);
	r_where_key(r, p, p->ops[i].row->dst);
	rf_render_finish(r, out, RF_OP_DELETE, i, 1, false);
}

void rf_plan_render_stmts(const struct rf_plan *p, struct rf_db *target, size_t batch_rows,
                          bool with_text, struct rf_stmts *out)
{
	struct rf_render r;
	size_t i;

	rf_render_init(&r, target, with_text);
	out->len = 0;
	out->items = NULL;
	if (batch_rows == 0)
		batch_rows = 1;
	for (i = 0; i < p->nops; i++)
		if (p->ops[i].kind == RF_OP_DELETE)
			render_delete(p, &r, i, out);
	for (i = 0; i < p->nops; i++)
		if (p->ops[i].kind == RF_OP_UPDATE)
			render_update(p, &r, i, out);
	render_inserts(p, &r, batch_rows, out);
	rf_render_free(&r);
}

void rf_plan_render(const struct rf_plan *p, struct rf_db *target, size_t batch_rows,
                    struct rf_stmts *out)
{
	rf_plan_render_stmts(p, target, batch_rows, true, out);
}

void rf_stmts_free(struct rf_stmts *s)
{
	size_t i;
	for (i = 0; i < s->len; i++) {
		free(s->items[i].sql);
		free(s->items[i].text);
		free(s->items[i].params);
		free(s->items[i].data);
	}
	free(s->items);
	s->items = NULL;
	s->len = 0;
}

void rf_plan_render_text(const struct rf_plan *p, struct rf_db *target, struct rf_buf *out)
{
	struct rf_stmts s;
	size_t i;
	rf_plan_render(p, target, 1, &s);
	for (i = 0; i < s.len; i++) {
		rf_buf_adds(out, s.items[i].text);
		rf_buf_adds(out, rf_stmt_end(&s.items[i]));
		rf_buf_addc(out, '\n');
	}
	rf_stmts_free(&s);
}
