/* undo_apply.c - the reverse statements of a journal and the transaction
 * that runs them (undo.h). Statements are built by the same renderer as a
 * copy's (render.h): placeholders for execution, literals for showing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "rowferry/config.h"
#include "rowferry/identity.h"
#include "rowferry/undo.h"
#include "undo_internal.h"

/* The journal's table and the target's for op lines of table t. */
#define JT(u, t) (&(u)->journal.tables[t])
#define UT(u, t) (&(u)->tables[t])

/* key columns = values of one row: "(a = $1 AND b IS NULL)" */
static void where_row(struct rf_render *r, const struct rf_undo *u, size_t t,
                      const struct rf_cell *key)
{
	size_t k;
	for (k = 0; k < JT(u, t)->key.len; k++) {
		const struct rf_column *c = &UT(u, t)->info.cols[UT(u, t)->key_of[k]];
		if (k)
			rf_render_add(r, " AND ");
		rf_render_ident(r, c->name);
		if (key[k].is_null) {
			rf_render_add(r, " IS NULL");
		} else {
			rf_render_add(r, " = ");
			rf_render_value(r, c->tclass, &key[k]);
		}
	}
}

static bool any_null_key(const struct rf_undo *u, size_t t, const size_t *ops, size_t n)
{
	size_t i, k;
	for (i = 0; i < n; i++)
		for (k = 0; k < JT(u, t)->key.len; k++)
			if (u->journal.ops[ops[i]].key[k].is_null)
				return true;
	return false;
}

/* (key = row 1) OR (key = row 2) ... as a balanced tree: a flat chain of
 * hundreds of ORs is deeper than SQLite parses (SQLITE_MAX_EXPR_DEPTH). */
static void or_tree(struct rf_render *r, const struct rf_undo *u, size_t t, const size_t *ops,
                    size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2;
	rf_render_add(r, "(");
	if (hi - lo > 1) {
		or_tree(r, u, t, ops, lo, mid);
		rf_render_add(r, " OR ");
		or_tree(r, u, t, ops, mid, hi);
	} else {
		where_row(r, u, t, u->journal.ops[ops[lo]].key);
	}
	rf_render_add(r, ")");
}

/* Removes the rows the copy inserted: one DELETE for a batch of keys (of
 * table t). */
static void render_delete(const struct rf_undo *u, size_t t, struct rf_render *r, const size_t *ops,
                          size_t n, struct rf_stmts *out)
{
	const struct rf_journal *j = &u->journal;
	const struct rf_undo_table *ut = UT(u, t);
	size_t i;

	rf_render_add(r, "DELETE FROM ");
	rf_render_table(r, &ut->info);
	rf_render_add(r, " WHERE ");
	if (JT(u, t)->key.len == 1 && !any_null_key(u, t, ops, n)) {
		const struct rf_column *c = &ut->info.cols[ut->key_of[0]];
		rf_render_ident(r, c->name);
		rf_render_add(r, " IN (");
		for (i = 0; i < n; i++) {
			if (i)
				rf_render_add(r, ", ");
			rf_render_value(r, c->tclass, &j->ops[ops[i]].key[0]);
		}
		rf_render_add(r, ")");
	} else {
		or_tree(r, u, t, ops, 0, n);
	}
	rf_render_finish(r, out, RF_OP_DELETE, ops[0], n, false);
}

/* Columns a restoring INSERT or UPDATE may write: not generated ones. */
static bool writable(const struct rf_undo *u, size_t t, size_t c)
{
	return !UT(u, t)->info.cols[UT(u, t)->col_of[c]].generated;
}

/* Puts back the rows the copy deleted (of table t), from their
 * before-images. */
static void render_insert(const struct rf_undo *u, size_t t, struct rf_render *r, const size_t *ops,
                          size_t n, struct rf_stmts *out)
{
	const struct rf_journal *j = &u->journal;
	const struct rf_undo_table *ut = UT(u, t);
	size_t i, c, ncol = 0, ncols = JT(u, t)->cols.len;

	rf_render_add(r, "INSERT INTO ");
	rf_render_table(r, &ut->info);
	rf_render_add(r, " (");
	for (c = 0; c < ncols; c++) {
		if (!writable(u, t, c))
			continue;
		rf_render_add(r, ncol++ ? ", " : "");
		rf_render_ident(r, ut->info.cols[ut->col_of[c]].name);
	}
	rf_render_add(r, ") VALUES");
	for (i = 0; i < n; i++) {
		const struct rf_cell *b = j->ops[ops[i]].before;
		rf_render_add(r, i ? ",\n  (" : "\n  (");
		for (c = 0, ncol = 0; c < ncols; c++) {
			if (!writable(u, t, c))
				continue;
			rf_render_add(r, ncol++ ? ", " : "");
			rf_render_value(r, ut->info.cols[ut->col_of[c]].tclass, &b[c]);
		}
		rf_render_add(r, ")");
	}
	rf_render_finish(r, out, RF_OP_INSERT, ops[0], n, false);
}

/* Gives an updated row its before-image back, in the columns the copy
 * changed. Returns false when there is nothing to set. */
static bool render_update(const struct rf_undo *u, struct rf_render *r, size_t op,
                          struct rf_stmts *out)
{
	const struct rf_journal_op *jo = &u->journal.ops[op];
	const struct rf_undo_table *ut = UT(u, jo->table);
	size_t c, n = 0;

	for (c = 0; c < JT(u, jo->table)->cols.len; c++) {
		const struct rf_column *tc = &ut->info.cols[ut->col_of[c]];
		if (!writable(u, jo->table, c) ||
		    (rf_undo_raw_after(u, jo->table, c)
		         ? rf_undo_raw_equals_hex(&jo->after[c], &jo->before[c])
		         : rf_journal_equal(tc->tclass, &jo->before[c], &jo->after[c])))
			continue;
		rf_render_add(r, n++ ? ", " : "UPDATE ");
		if (n == 1) {
			rf_render_table(r, &ut->info);
			rf_render_add(r, " SET ");
		}
		rf_render_ident(r, tc->name);
		rf_render_add(r, " = ");
		rf_render_value(r, tc->tclass, &jo->before[c]);
	}
	if (n == 0)
		return false;
	rf_render_add(r, " WHERE ");
	where_row(r, u, jo->table, jo->key);
	rf_render_finish(r, out, RF_OP_UPDATE, op, 1, false);
	return true;
}

/* Rows per statement for table t: as many as the engine's parameter limit
 * allows. */
static size_t batch_for(const struct rf_undo *u, size_t t, size_t batch_rows)
{
	size_t nc = JT(u, t)->cols.len, nk = JT(u, t)->key.len;
	size_t widest = nc > nk ? nc : nk;

	if (batch_rows == 0)
		batch_rows = RF_APPLY_BATCH_ROWS;
	if (widest && batch_rows > RF_RENDER_MAX_PARAMS / widest)
		batch_rows = RF_RENDER_MAX_PARAMS / widest;
	return batch_rows ? batch_rows : 1;
}

void rf_undo_render(const struct rf_undo *u, struct rf_db *target, size_t batch_rows,
                    bool with_text, struct rf_stmts *out)
{
	const struct rf_journal *j = &u->journal;
	size_t *ops = rf_xcalloc(j->nops + 1, sizeof *ops);
	size_t i = j->nops, n;
	struct rf_render r;

	out->len = 0;
	out->items = NULL;
	rf_render_init(&r, target, with_text);
	/* backwards, across tables: the last change is taken back first (a
	 * child's insert, journaled after its parent's, is deleted before it) */
	while (i > 0) {
		enum rf_op_kind kind = j->ops[i - 1].kind;
		size_t t = j->ops[i - 1].table, batch = batch_for(u, t, batch_rows);
		if (u->drifted && u->drifted[i - 1]) {
			i--;
			continue;
		}
		if (kind == RF_OP_UPDATE) {
			render_update(u, &r, i - 1, out);
			i--;
			continue;
		}
		for (n = 0;
		     i > 0 && n < batch && j->ops[i - 1].kind == kind && j->ops[i - 1].table == t;
		     i--)
			if (!(u->drifted && u->drifted[i - 1]))
				ops[n++] = i - 1;
		if (n == 0)
			continue;
		if (kind == RF_OP_INSERT)
			render_delete(u, t, &r, ops, n, out);
		else
			render_insert(u, t, &r, ops, n, out);
	}
	rf_render_free(&r);
	free(ops);
}

/* Reports progress; true when the caller wants to stop. */
static bool cancelled(const struct rf_undo_opts *o, size_t done, size_t total)
{
	if (o->cancel && *o->cancel)
		return true;
	return o->progress && o->progress(o->progress_ctx, RF_APPLY_WRITING, done, total) != 0;
}

static int run(struct rf_db *db, const struct rf_stmts *stmts, const struct rf_undo_opts *o,
               size_t total, size_t *done, struct rf_error *err)
{
	size_t i;
	for (i = 0; i < stmts->len; i++) {
		const struct rf_stmt *s = &stmts->items[i];
		struct rf_result r;
		long long affected;
		if (cancelled(o, *done, total))
			return 1;
		if (db->ops->exec(db, s->sql, s->nparams, s->params, &r, err) != 0)
			return -1;
		affected = r.affected;
		rf_result_free(&r);
		if (affected != (long long)s->count)
			return rf_error_set(err, db->name,
			                    "undo %s affected %lld rows where %zu were expected",
			                    rf_op_name(s->kind), affected, s->count);
		*done += s->count;
	}
	return cancelled(o, *done, total) ? 1 : 0;
}

/* Whether table t's rows differ from what its load op summed (journal.h:
 * the checksum of the rows as loaded, over the columns and classes it
 * names): *differs; false where the journal holds no sum. 0 or -1 with
 * err. */
static int load_sum_differs(struct rf_undo *u, struct rf_db *db, size_t t, bool *differs,
                            struct rf_error *err)
{
	const struct rf_journal_load *l = NULL;
	const struct rf_table_info *ti = &UT(u, t)->info;
	struct rf_segment_spec spec;
	struct rf_segment_sum sum = {0, 0};
	enum rf_type_class *classes;
	size_t *cols, i, n = 0;
	int rc = 0;

	*differs = false;
	for (i = 0; i < u->journal.nloads; i++)
		if (u->journal.loads[i].table == t) {
			l = &u->journal.loads[i];
			n++;
		}
	if (n != 1 || !l->has_sum || !db->ops->segment_sums)
		return 0;
	cols = rf_xcalloc(l->sum.ncols + 1, sizeof *cols);
	classes = rf_xcalloc(l->sum.ncols + 1, sizeof *classes);
	for (i = 0; i < l->sum.ncols; i++) {
		int c = rf_table_info_col(ti, l->sum.names[i]);
		if (c < 0) { /* a column gone since the copy */
			*differs = true;
			goto out;
		}
		cols[i] = (size_t)c;
		classes[i] = (enum rf_type_class)l->sum.classes[i];
	}
	memset(&spec, 0, sizeof spec);
	spec.table = ti;
	spec.ncols = l->sum.ncols;
	spec.cols = cols;
	spec.classes = classes;
	spec.nkey = l->sum.nkey;
	spec.key = cols;
	spec.key_class = classes;
	spec.native = l->sum.native;
	spec.native_typed = l->sum.typed;
	rc = db->ops->segment_sums(db, &spec, NULL, 0, &sum, err);
	*differs = rc == 0 && (sum.rows != l->rows || sum.sum != l->sum.sum);
out:
	free(cols);
	free(classes);
	return rc;
}

/* The tables the copy created (its create ops, DESIGN §13), last created
 * first, once the journal's rows are deleted: one still holding another
 * number of rows than its load ops put in (none without them), or rows
 * whose checksum is not its load op's, refuses the undo (1 with err), or
 * with force is left alone (counted in
 * *kept); the others are dropped when drop, else only checked. 0, 1, or
 * -1 with err. */
static int undo_created(struct rf_undo *u, struct rf_db *db, bool drop, bool force, size_t *kept,
                        size_t *gone, struct rf_error *err)
{
	const struct rf_strlist *c = &u->journal.created_tables;
	size_t i;
	int rc = 0;

	*kept = 0;
	for (i = c->len; i-- > 0 && rc == 0;) {
		int t = rf_journal_table(&u->journal, c->items[i]);
		struct rf_buf q = RF_BUF_INIT;
		unsigned long long want, have = 0;
		bool other, changed = false;

		if (t < 0)
			continue;
		want = rf_journal_loaded_rows(&u->journal, (size_t)t);
		rc = rf_db_count_rows(db, &UT(u, t)->info, &have, err);
		other = have != want;
		if (rc == 0 && !other && want)
			rc = load_sum_differs(u, db, (size_t)t, &changed, err);
		if (rc == 0 && (changed || other) && force) {
			(*kept)++;
		} else if (rc == 0 && changed) {
			rf_error_set(
			    err, db->name,
			    "%s, which the copy created, holds rows changed since the copy "
			    "(the %llu rows it loaded, their checksum differs): undo refused, "
			    "nothing written (--force leaves the table in place)",
			    c->items[i], want);
			rc = 1;
		} else if (rc == 0 && other && want) {
			rf_error_set(err, db->name,
			             "%s, which the copy created, holds %s (it loaded %llu, it "
			             "holds %llu): undo refused, nothing written (--force leaves "
			             "the table in place)",
			             c->items[i],
			             have > want ? "rows the copy did not write"
			                         : "fewer rows than the copy loaded",
			             want, have);
			rc = 1;
		} else if (rc == 0 && other) {
			rf_error_set(err, db->name,
			             "%s, which the copy created, holds rows the copy did not "
			             "write: undo refused, nothing written (--force leaves the "
			             "table in place)",
			             c->items[i]);
			rc = 1;
		} else if (rc == 0 && drop) {
			rf_buf_reset(&q);
			rf_buf_adds(&q, "DROP TABLE ");
			rf_db_quote_table(db, &UT(u, t)->info, &q);
			rc = db->ops->exec(db, q.data, 0, NULL, NULL, err) != 0 ? -1 : 0;
			if (rc == 0) /* the rows its load ops put in go with it */
				*gone += (size_t)want;
		}
		rf_buf_free(&q);
	}
	return rc;
}

/* The journal's sequence ops, last first: each generator set back
 * (identity.h). in_tx: inside the undo's transaction (ALTER SEQUENCE),
 * else after its COMMIT (setval, MariaDB's ALTER TABLE: not
 * transactional). */
/* Whether the journal's table t is one the copy created: the undo drops
 * it, its generator with it (forced, a created table that holds other
 * rows stays, its generator where those rows' inserts left it). */
static bool created_table(const struct rf_undo *u, size_t t)
{
	const struct rf_strlist *c = &u->journal.created_tables;
	size_t i;
	for (i = 0; i < c->len; i++)
		if (strcmp(c->items[i], u->journal.tables[t].table) == 0)
			return true;
	return false;
}

static int restore_sequences(struct rf_undo *u, struct rf_db *db, bool in_tx, struct rf_error *err)
{
	size_t i;
	for (i = u->journal.nseqs; i-- > 0;) {
		const struct rf_journal_sequence *sq = &u->journal.seqs[i];
		if (created_table(u, sq->table))
			continue;
		if (rf_identity_restore(db, &u->tables[sq->table].info, sq->column, sq->before,
		                        in_tx, NULL, err) != 0)
			return -1;
	}
	return 0;
}

void rf_undo_sequences_text(const struct rf_undo *u, struct rf_db *target, struct rf_buf *out)
{
	size_t i;
	for (i = u->journal.nseqs; u->tables && i-- > 0;) {
		const struct rf_journal_sequence *sq = &u->journal.seqs[i];
		if (created_table(u, sq->table))
			continue;
		rf_identity_restore_text(target, &u->tables[sq->table].info, sq->column, sq->before,
		                         out);
	}
}

void rf_undo_opts_init(struct rf_undo_opts *o, const struct rf_config *cfg)
{
	memset(o, 0, sizeof *o);
	o->lock_timeout_ms = cfg->lock_timeout_ms;
	o->statement_timeout_ms = cfg->statement_timeout_ms;
}

int rf_undo_apply(struct rf_undo *u, struct rf_db *target, const struct rf_undo_opts *o,
                  size_t *undone, struct rf_error *err)
{
	struct rf_tx_opts tx = {.lock_timeout_ms = o->lock_timeout_ms,
	                        .statement_timeout_ms = o->statement_timeout_ms};
	struct rf_stmts stmts = {0, NULL};
	char *path = NULL;
	size_t total, kept = 0;
	int rc = -1, r;

	*undone = 0;
	if (rf_undo_allowed(u, err) != 0)
		return 1;
	if (rf_db_begin(target, RF_TX_WRITE, &tx, err) != 0)
		return -1;
	/* again, under lock: the rows must not change between check and write */
	if (rf_undo_check_locked(u, target, true, err) != 0)
		goto fail;
	if (u->ndrifted && !o->force) {
		rf_error_set(err, target->name,
		             "%zu row%s changed since the copy: undo refused, nothing written "
		             "(--force restores the others and leaves these alone)",
		             u->ndrifted, u->ndrifted == 1 ? "" : "s");
		rc = 1;
		goto fail;
	}
	total = u->journal.nops - u->ndrifted;
	if (u->journal.ntables > 1 && target->ops->defer_constraint) {
		/* a copy of several tables may have crossed a cycle at a
		 * DEFERRABLE key: its rows are deleted in one order, checked at
		 * COMMIT (non-deferrable keys stay immediate) */
		struct rf_buf b = RF_BUF_INIT;
		target->ops->defer_constraint(target, NULL, &b);
		r = target->ops->exec(target, b.data, 0, NULL, NULL, err);
		rf_buf_free(&b);
		if (r != 0)
			goto fail;
	}
	rf_undo_render(u, target, o->batch_rows, false, &stmts);
	r = run(target, &stmts, o, total, undone, err);
	if (r != 0) {
		if (r > 0)
			rf_error_set(err, target->name, "cancelled: rolled back, nothing written");
		rc = r;
		goto fail;
	}
	if (restore_sequences(u, target, true, err) != 0)
		goto fail;
	/* the created tables go in the same transaction where DDL is
	 * transactional; where it commits (MariaDB), once the rows are gone */
	r = undo_created(u, target, !target->ops->ddl_commits, o->force, &kept, undone, err);
	if (r != 0) {
		rc = r;
		goto fail;
	}
	if (rf_db_commit(target, err) != 0)
		goto fail;
	if (target->ops->ddl_commits &&
	    undo_created(u, target, true, o->force, &kept, undone, err) != 0)
		return -1; /* the rows are undone, the journal not marked: undo again */
	path = rf_xstrdup(u->journal.path);
	rc = rf_journal_mark(path, RF_JOURNAL_UNDONE, *undone, u->ndrifted, NULL,
	                     u->ndrifted ? "forced: rows changed since the copy were left alone"
	                     : kept      ? "forced: tables the copy created hold other rows: "
	                                   "left in place"
	                                 : NULL,
	                     err);
	u->journal.state = RF_JOURNAL_UNDONE;
	free(path);
	if (rc == 0 && restore_sequences(u, target, false, err) != 0) {
		size_t n = strlen(err->msg);
		snprintf(err->msg + n, sizeof err->msg - n,
		         " (the rows are undone; the identity generator was not set back)");
		rc = -1;
	}
	rf_stmts_free(&stmts);
	return rc;
fail:
	rf_db_rollback(target, NULL);
	rf_stmts_free(&stmts);
	*undone = 0;
	return rc;
}
