/* identity.c - identity generators moved past the keys a copy loaded
 * (identity.h, DESIGN §13). The statements are schema.c's, per engine;
 * this file decides when they run and journals them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/identity.h"
#include "rowferry/schema.h"

void rf_identity_list_free(struct rf_identity_list *l)
{
	size_t i;
	for (i = 0; i < l->len; i++) {
		free(l->items[i].seq_schema);
		free(l->items[i].seq_name);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* A cell holding a decimal integer. */
static bool cell_long(const struct rf_cell *c, long long *out)
{
	char text[32], *end;
	if (c->is_null || !c->data || c->len == 0 || c->len >= sizeof text)
		return false;
	memcpy(text, c->data, c->len);
	text[c->len] = '\0';
	errno = 0;
	*out = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0';
}

/* Runs sql (a buffer, terminated here) and reads the first column of its
 * one row as an integer: 1 and *v, 0 when there is no row or it is NULL
 * (or not an integer), -1 with err. */
static int query_long(struct rf_db *db, struct rf_buf *sql, long long *v, struct rf_error *err)
{
	struct rf_result r = {0};
	int rc;

	rf_buf_addc(sql, '\0');
	if (db->ops->exec(db, sql->data, 0, NULL, &r, err) != 0)
		return -1;
	rc = r.nrows >= 1 && r.ncols >= 1 && cell_long(&r.cells[0], v) ? 1 : 0;
	rf_result_free(&r);
	return rc;
}

/* Where the engine keeps the column's generator apart from the table
 * (PostgreSQL: its sequence), finds it: 1 (c->seq_* set), 0 when it has
 * none there (a default that is not an owned sequence), 2 where the engine
 * keeps none apart (the generator is the table's own), -1 with err. */
static int locate(struct rf_db *db, struct rf_identity_col *c, struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	struct rf_result r = {0};
	int rc = 2;

	if (!rf_schema_identity_locate(db, c->t, c->column, &sql))
		goto out;
	rf_buf_addc(&sql, '\0');
	rc = -1;
	if (db->ops->exec(db, sql.data, 0, NULL, &r, err) != 0)
		goto out;
	rc = 0;
	if (r.nrows < 1 || r.ncols < 4 || r.cells[0].is_null || r.cells[1].is_null ||
	    !cell_long(&r.cells[2], &c->increment))
		goto out;
	c->owned = !r.cells[3].is_null && r.cells[3].len && r.cells[3].data[0] == 't';
	c->seq_schema = rf_xstrndup(r.cells[0].data, r.cells[0].len);
	c->seq_name = rf_xstrndup(r.cells[1].data, r.cells[1].len);
	rc = 1;
out:
	rf_result_free(&r);
	rf_buf_free(&sql);
	return rc;
}

static struct rf_schema_sequence sequence_of(const struct rf_identity_col *c)
{
	struct rf_schema_sequence s = {c->seq_schema, c->seq_name, c->increment, c->owned};
	return s;
}

/* The value c's generator gives next: 1 and *next, 0 where the engine
 * keeps none to read, -1 with err. */
static int read_next(struct rf_db *db, const struct rf_identity_col *c, long long *next,
                     struct rf_error *err)
{
	struct rf_schema_sequence seq = sequence_of(c);
	struct rf_buf sql = RF_BUF_INIT;
	int rc = 0;

	if (rf_schema_identity_read(db, c->t, c->seq_name ? &seq : NULL, &sql))
		rc = query_long(db, &sql, next, err);
	rf_buf_free(&sql);
	return rc;
}

/* The column's largest key in the target: 1 and *max, 0 for an empty
 * table, -1 with err. */
static int read_max(struct rf_db *db, const struct rf_table_info *t, const char *column,
                    long long *max, struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	int rc;

	rf_schema_identity_max(db, t, column, &sql);
	rc = query_long(db, &sql, max, err);
	rf_buf_free(&sql);
	return rc;
}

/* Whether the plan's INSERTs write shape column k, a target identity. */
static const struct rf_column *identity_written(const struct rf_plan *p, size_t k)
{
	const struct rf_diff_col *sc = &p->shape->cols[p->insert_cols[k]];
	const struct rf_column *c;

	if (sc->dst < 0)
		return NULL;
	c = &p->shape->dst_table.cols[sc->dst];
	return c->identity ? c : NULL;
}

/* Whether the engine keeps c's generator apart (PostgreSQL), to be looked
 * up after the load, when it is read again anyway. */
static bool deferrable(struct rf_db *db, const struct rf_identity_col *c)
{
	struct rf_buf sql = RF_BUF_INIT;
	bool apart = rf_schema_identity_locate(db, c->t, c->column, &sql);
	rf_buf_free(&sql);
	return apart;
}

int rf_identity_find(const struct rf_set_plan *sp, struct rf_db *db, bool before_load,
                     struct rf_identity_list *out, struct rf_error *err)
{
	size_t i, k;
	int r;

	memset(out, 0, sizeof *out);
	for (i = 0; i < sp->len; i++) {
		const struct rf_plan *p = sp->items[i].plan;
		/* a streamed table (all_stream.h) inserts with no op */
		if (rf_plan_count(p, RF_OP_INSERT) == 0 && !sp->items[i].streamed)
			continue;
		for (k = 0; k < p->ninsert_cols; k++) {
			const struct rf_column *col = identity_written(p, k);
			struct rf_identity_col c = {0};
			if (!col)
				continue;
			c.plan = p;
			c.t = &p->shape->dst_table;
			c.column = col->name;
			/* the preview of a table the copy creates (all_create.h):
			 * no sequence to read yet, it comes with the table */
			if ((before_load || rf_db_planned(db, c.t->display)) &&
			    deferrable(db, &c)) {
				c.deferred = true;
				out->items =
				    rf_xrealloc(out->items, (out->len + 1) * sizeof *out->items);
				out->items[out->len++] = c;
				continue;
			}
			r = locate(db, &c, err);
			if (r == 1 && c.increment <= 0)
				r = 0; /* a descending sequence: past the largest is not up */
			if (r > 0)
				r = read_next(db, &c, &c.before, err);
			if (r < 0) {
				free(c.seq_schema);
				free(c.seq_name);
				return -1;
			}
			if (r == 0) { /* nothing to move on this engine */
				free(c.seq_schema);
				free(c.seq_name);
				continue;
			}
			c.has_before = true;
			out->items = rf_xrealloc(out->items, (out->len + 1) * sizeof *out->items);
			out->items[out->len++] = c;
		}
	}
	return 0;
}

/* PostgreSQL: journaled, then moved, where it stands at or below max. */
static int move_sequence(const struct rf_identity_col *c, struct rf_db *db, struct rf_apply_tx *tx,
                         long long max, struct rf_error *err)
{
	struct rf_schema_sequence seq = sequence_of(c);
	struct rf_buf sql = RF_BUF_INIT;
	long long now;
	int rc;

	/* again, now: another session may have drawn from it meanwhile */
	rc = read_next(db, c, &now, err);
	if (rc <= 0 || now > max)
		return rc < 0 ? -1 : 0;
	if (rf_apply_journal_sequence(tx, c->plan, c->column, now, max + 1, err) != 0)
		return -1;
	rf_schema_identity_set(db, c->t, &seq, max + 1, &sql);
	rf_buf_addc(&sql, '\0');
	rc = db->ops->exec(db, sql.data, 0, NULL, NULL, err);
	rf_buf_free(&sql);
	return rc;
}

/* MariaDB: the server moved it during the load; journaled as it moved. */
static int note_moved(const struct rf_identity_col *c, struct rf_db *db, struct rf_apply_tx *tx,
                      long long max, struct rf_error *err)
{
	long long now;
	int rc = read_next(db, c, &now, err);

	if (rc <= 0)
		return rc < 0 ? -1 : 0;
	if (now <= max)
		return rf_error_set(err, db->name,
		                    "%s.%s: AUTO_INCREMENT stands at %lld after the load, not past "
		                    "the largest key %lld: rolled back",
		                    c->t->display, c->column, now, max);
	if (now > c->before &&
	    rf_apply_journal_sequence(tx, c->plan, c->column, c->before, now, err) != 0)
		return -1;
	return 0;
}

int rf_identity_move(const struct rf_identity_list *l, struct rf_db *db, struct rf_apply_tx *tx,
                     struct rf_error *err)
{
	size_t i;
	long long max;
	int r;

	for (i = 0; i < l->len; i++) {
		const struct rf_identity_col *c = &l->items[i];
		r = read_max(db, c->t, c->column, &max, err);
		if (r < 0)
			return -1;
		if (r == 0)
			continue; /* empty: nothing was loaded there */
		if (c->deferred) {
			/* its sequence looked up now: the table exists, even one
			 * created in this transaction */
			struct rf_identity_col d = *c;
			d.seq_schema = d.seq_name = NULL;
			r = locate(db, &d, err);
			if (r == 1 && d.increment > 0)
				r = move_sequence(&d, db, tx, max, err);
			free(d.seq_schema);
			free(d.seq_name);
			if (r < 0)
				return -1;
			continue;
		}
		r = c->seq_name ? move_sequence(c, db, tx, max, err)
		                : note_moved(c, db, tx, max, err);
		if (r != 0)
			return -1;
	}
	return 0;
}

/* The largest value the plan's INSERTs write into column; false when none
 * is an integer. */
static bool plan_max(const struct rf_plan *p, const char *column, long long *max)
{
	size_t i, k;
	long long v;
	bool any = false;

	for (k = 0; k < p->shape->ncols; k++)
		if (p->shape->cols[k].dst >= 0 &&
		    strcmp(p->shape->dst_table.cols[p->shape->cols[k].dst].name, column) == 0)
			break;
	if (k == p->shape->ncols)
		return false;
	for (i = 0; i < p->nops; i++) {
		if (p->ops[i].kind != RF_OP_INSERT || !cell_long(rf_plan_value(&p->ops[i], k), &v))
			continue;
		if (!any || v > *max)
			*max = v;
		any = true;
	}
	return any;
}

static void preview_col(const struct rf_identity_col *c, struct rf_db *db, struct rf_buf *out,
                        struct rf_error *err)
{
	struct rf_schema_sequence seq = sequence_of(c);
	long long max = 0, loaded = 0;
	bool any;

	if (c->deferred) { /* its table is created by the copy */
		if (plan_max(c->plan, c->column, &loaded))
			rf_buf_printf(out,
			              "-- %s.%s: the sequence of the table created above is moved "
			              "past the largest key loaded (%lld) once the rows are in, "
			              "RESTART WITH %lld (journaled; undo drops it with the "
			              "table)\n",
			              c->t->display, c->column, loaded, loaded + 1);
		else if (!c->plan->nops) /* loaded as read (all_stream.h) */
			rf_buf_printf(
			    out,
			    "-- %s.%s: the sequence of the table created above is moved "
			    "past the largest key loaded once the rows are in (journaled; "
			    "undo drops it with the table)\n",
			    c->t->display, c->column);
		return;
	}
	any = read_max(db, c->t, c->column, &max, err) > 0;
	if (err->set)
		return;
	if (plan_max(c->plan, c->column, &loaded) && (!any || loaded > max)) {
		max = loaded;
		any = true;
	}
	if (!any || c->before > max) {
		rf_buf_printf(out,
		              "-- %s.%s: its generator gives %lld next, past the keys: "
		              "nothing moves\n",
		              c->t->display, c->column, c->before);
		return;
	}
	if (!c->seq_name) {
		rf_buf_printf(out,
		              "-- %s.%s: AUTO_INCREMENT (now %lld) passes the largest key (%lld) "
		              "by itself as the rows load: nothing runs; journaled, and undo "
		              "sets %lld back as far as the server allows\n",
		              c->t->display, c->column, c->before, max, c->before);
		return;
	}
	rf_buf_printf(out,
	              "-- %s.%s: its sequence gives %lld next; moved past the largest key "
	              "(%lld), only if it still stands at or below it (journaled; undo sets "
	              "%lld back)%s\n",
	              c->t->display, c->column, c->before, max, c->before,
	              c->owned ? "" : "; not its owner: setval, which a rollback leaves moved");
	rf_schema_identity_set(db, c->t, &seq, max + 1, out);
	rf_buf_adds(out, ";\n");
}

void rf_identity_preview(const struct rf_set_plan *sp, struct rf_db *db, struct rf_buf *out)
{
	struct rf_identity_list l;
	struct rf_error err;
	char text[1300];
	bool began = false;
	size_t i;

	rf_error_clear(&err);
	if (!db->in_tx) {
		if (rf_db_begin(db, RF_TX_READ, NULL, &err) != 0)
			goto fail;
		began = true;
	}
	if (rf_identity_find(sp, db, false, &l, &err) != 0)
		goto fail;
	for (i = 0; i < l.len && !err.set; i++)
		preview_col(&l.items[i], db, out, &err);
	rf_identity_list_free(&l);
	if (!err.set)
		goto out;
fail:
	rf_buf_printf(out, "-- identity columns: cannot read where their generators stand: %s\n",
	              rf_error_text(&err, text, sizeof text));
out:
	if (began)
		rf_db_rollback(db, NULL);
}

int rf_identity_restore(struct rf_db *db, const struct rf_table_info *t, const char *column,
                        long long before, bool in_tx, long long *next, struct rf_error *err)
{
	struct rf_identity_col c = {.t = t, .column = column};
	struct rf_schema_sequence seq;
	struct rf_buf sql = RF_BUF_INIT;
	long long max, set = before;
	int rc = 0, r;

	if (next)
		*next = 0;
	r = locate(db, &c, err);
	/* inside the undo's transaction where the move is transactional
	 * (ALTER SEQUENCE); after its COMMIT where it is not (setval) or
	 * commits itself (MariaDB's ALTER TABLE): a rolled back undo must not
	 * leave it below the rows that stay */
	if (r <= 0 || (r == 1 && c.owned) != in_tx)
		goto out;
	rc = -1;
	if ((r = read_max(db, t, column, &max, err)) < 0)
		goto out;
	if (r > 0 && max >= set)
		set = max + 1; /* rows above it stay: never below them */
	seq = sequence_of(&c);
	rc = 0;
	if (!rf_schema_identity_set(db, t, c.seq_name ? &seq : NULL, set, &sql))
		goto out;
	rf_buf_addc(&sql, '\0');
	rc = db->ops->exec(db, sql.data, 0, NULL, NULL, err);
	if (rc == 0 && next)
		*next = set;
out:
	rf_buf_free(&sql);
	free(c.seq_schema);
	free(c.seq_name);
	return rc;
}

void rf_identity_restore_text(struct rf_db *db, const struct rf_table_info *t, const char *column,
                              long long before, struct rf_buf *out)
{
	struct rf_identity_col c = {.t = t, .column = column};
	struct rf_schema_sequence seq;
	struct rf_error err;
	int r;

	rf_error_clear(&err);
	r = locate(db, &c, &err);
	seq = sequence_of(&c);
	if (r == 1 || r == 2) {
		rf_buf_printf(out,
		              "-- %s.%s: its generator set back to give %lld next (or the "
		              "largest key + 1 where a row holds one at or above it)%s\n",
		              t->display, column, before,
		              r == 2     ? ", after COMMIT: ALTER TABLE commits implicitly"
		              : !c.owned ? ", after COMMIT: setval is not transactional"
		                         : "");
		if (rf_schema_identity_set(db, t, r == 1 ? &seq : NULL, before, out))
			rf_buf_adds(out, ";\n");
	}
	free(c.seq_schema);
	free(c.seq_name);
}
