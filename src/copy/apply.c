/* apply.c - one transaction that carries a plan out (apply.h, DESIGN §5).
 *
 * Images: the journal records rows exactly as the target holds them
 * (rf_journal_form with each target column's own class and no comparison
 * options: a --trim must not trim what undo restores). The
 * re-check compares in the diff's terms instead (rf_diff_canon_row: shape
 * classes and options), because "unchanged since the preview" means
 * unchanged as the diff saw it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "rowferry/config.h"
#include "rowferry/preview.h"

/* Rows a bulk load's pieces hold (rendered while the ones before load). */
#define APPLY_FEED_ROWS 2000

void rf_apply_opts_init(struct rf_apply_opts *o, const struct rf_config *cfg)
{
	memset(o, 0, sizeof *o);
	o->undo_dir = cfg->undo_dir;
	o->lock_timeout_ms = cfg->lock_timeout_ms;
	o->statement_timeout_ms = cfg->statement_timeout_ms;
}

void rf_apply_result_free(struct rf_apply_result *r)
{
	free(r->journal);
	free(r->rejects);
	rf_strlist_free(&r->drift);
	memset(r, 0, sizeof *r);
}

bool apply_cancelled(struct apply *a, enum rf_apply_phase phase, size_t done, size_t total)
{
	if (a->o->cancel && *a->o->cancel)
		return true;
	return a->o->progress && a->o->progress(a->o->progress_ctx, phase, done, total) != 0;
}

void apply_image_free(struct image *im)
{
	free(im->cells);
	free(im->block);
	im->cells = NULL;
	im->block = NULL;
}

void apply_fill_image(const struct apply *a, const struct rf_row *row, struct rf_buf *b,
                      struct rf_cell *cells, size_t *offs)
{
	size_t k, d;

	rf_buf_reset(b);
	for (d = 0; d < a->dt->ncols; d++) {
		cells[d].is_null = true;
		offs[d] = 0;
	}
	for (k = 0; k < a->nstream && k < row->ncols; k++) {
		d = a->stream_cols[k];
		offs[d] = b->len;
		if (row->cells[k].is_null)
			continue;
		rf_journal_form(a->dt->cols[d].tclass, &row->cells[k], b);
		cells[d].is_null = false;
		cells[d].len = b->len - offs[d];
	}
	for (d = 0; d < a->dt->ncols; d++)
		cells[d].data = cells[d].is_null ? NULL : b->data + offs[d];
}

/* apply_fill_image() into memory of its own, for images kept (before-images). */
struct image apply_make_image(const struct apply *a, const struct rf_row *row)
{
	struct image im;
	struct rf_buf b = RF_BUF_INIT;
	size_t *offs = rf_xcalloc(a->dt->ncols, sizeof *offs);
	size_t d;

	im.cells = rf_xcalloc(a->dt->ncols, sizeof *im.cells);
	apply_fill_image(a, row, &b, im.cells, offs);
	im.block = rf_buf_steal(&b);
	for (d = 0; d < a->dt->ncols; d++)
		if (!im.cells[d].is_null)
			im.cells[d].data = im.block + offs[d];
	free(offs);
	return im;
}

const struct rf_cell *apply_journal_key(struct apply *a, const struct image *im)
{
	size_t i;
	for (i = 0; i < a->njkey; i++)
		a->jkey_cells[i] = im->cells[a->jkey[i]];
	return a->jkey_cells;
}

const struct rf_cell *apply_source_key(struct apply *a, size_t op)
{
	size_t k;
	if (!a->sh->nsrc_key || !a->p->ops[op].row->src)
		return NULL;
	if (!a->skey)
		a->skey = rf_xcalloc(a->sh->nsrc_key, sizeof *a->skey);
	for (k = 0; k < a->sh->nsrc_key; k++)
		a->skey[k] = a->p->ops[op].row->src[a->sh->src_key[k]];
	return a->skey;
}

/* Journals inserted rows from their RETURNING rows (table column order),
 * matched to the statement's ops by match key. */
static int journal_returned(struct apply *a, const struct rf_stmt *s, const struct rf_result *r,
                            struct rf_error *err)
{
	size_t row, k, i, matched = 0;

	apply_reset_keys(a);
	rf_keyset_reserve(&a->keys, s->count);
	for (i = s->first; i < s->first + s->count; i++) {
		rf_buf_reset(&a->enc);
		rf_key_encode(&a->enc, a->p->ops[i].row->src, a->sh->key, a->sh->nkey);
		rf_keyset_put(&a->keys, a->enc.data, a->enc.len, i, NULL);
	}
	if (r->ncols != a->dt->ncols)
		return rf_error_set(err, a->db->name, "RETURNING gave %zu columns, expected %zu",
		                    r->ncols, a->dt->ncols);
	for (row = 0; row < r->nrows; row++) {
		struct image im;
		for (k = 0; k < a->nstream; k++)
			a->tmp.cells[k] = r->cells[row * r->ncols + a->stream_cols[k]];
		apply_encode_row_key(a, &a->tmp, a->sh->key, a->sh->nkey);
		if (!rf_keyset_get(&a->keys, a->enc.data, a->enc.len, &i))
			return rf_error_set(err, a->db->name,
			                    "an inserted row came back with a key that was not "
			                    "inserted (a trigger changed it?)");
		im = apply_make_image(a, &a->tmp);
		apply_learn_key(a, i, im.cells);
		k = (size_t)rf_journal_add_src(a->journal, RF_OP_INSERT, apply_journal_key(a, &im),
		                               apply_source_key(a, i), NULL, im.cells, err);
		apply_image_free(&im);
		if (k != 0)
			return -1;
		matched++;
	}
	if (matched != s->count)
		return rf_error_set(err, a->db->name, "INSERT returned %zu rows for %zu inserted",
		                    matched, s->count);
	return 0;
}

/* A bulk load's rows, rendered a piece at a time while the server loads
 * the pieces before: progress is reported, and a cancel stops the load. */
struct feed {
	struct apply *a;
	const struct rf_stmt *s;
	size_t next; /* the next op to render */
	struct rf_buf buf;
};

static int feed_next(void *ctx, const char **data, size_t *len, struct rf_error *err)
{
	struct feed *f = ctx;
	size_t end = f->s->first + f->s->count, n = end - f->next;

	if (f->next >= end)
		return 0;
	if (apply_cancelled(f->a, RF_APPLY_WRITING, f->a->done + (f->next - f->s->first),
	                    f->a->p->nops)) {
		f->a->load_cancelled = true;
		return rf_error_set(err, f->a->db->name, "cancelled: rolled back, nothing written");
	}
	if (n > APPLY_FEED_ROWS)
		n = APPLY_FEED_ROWS;
	rf_buf_reset(&f->buf);
	rf_plan_bulk_rows(f->a->p, f->a->db, f->next, n, &f->buf);
	f->next += n;
	*data = f->buf.data ? f->buf.data : "";
	*len = f->buf.len;
	return 1;
}

/* Lends the statement's large bytes values (the plan's hex) to exec()
 * (rf_param.lent): PostgreSQL's driver decodes them in place for a binary
 * parameter, not into a copy of their own, and gives them back as they
 * were before exec() returns (DESIGN §9, e2e.large_values). The plan's
 * memory is its own (rf_op: owned copies) and this thread's, except for
 * the predict job, which journals the inserts from those same values
 * while they load: it is waited for first (only when a value is lent: a
 * plan of small values keeps the overlap). */
static void lend_large_values(struct apply *a, struct rf_stmt *s)
{
	bool lent = false;
	size_t i;

	for (i = 0; i < s->nparams; i++) {
		struct rf_param *p = &s->params[i];
		if (p->tclass == RF_T_BYTES && !p->value.is_null &&
		    p->value.len >= RF_PARAM_LEND_MIN)
			p->lent = lent = true;
	}
	if (lent)
		rf_predict_wait(a->job);
}

/* Runs one statement and journals what it did. */
static int run_stmt(struct apply *a, struct rf_stmt *s, struct rf_error *err)
{
	struct rf_result r;
	int rc = -1;

	if (s->bulk) {
		struct feed f = {a, s, s->first, RF_BUF_INIT};
		struct rf_bulk_rows src = {feed_next, &f};
		memset(&r, 0, sizeof r);
		rc = a->db->ops->bulk_stream(a->db, s->sql, &src, &r.affected, err);
		rf_buf_free(&f.buf);
		if (rc != 0)
			return -1;
		rc = -1;
	} else {
		lend_large_values(a, s);
		if (a->db->ops->exec(a->db, s->sql, s->nparams, s->params, &r, err) != 0)
			return -1;
	}
	if (r.affected != (long long)s->count) {
		rf_error_set(err, a->db->name, "%s affected %lld rows where %zu were expected",
		             rf_op_name(s->kind), r.affected, s->count);
		goto out;
	}
	switch (s->kind) {
	case RF_OP_DELETE: {
		const struct image *b = &a->before[s->first];
		if (rf_journal_add(a->journal, RF_OP_DELETE, apply_journal_key(a, b), b->cells,
		                   NULL, err) != 0)
			goto out;
		a->res->deleted += s->count;
		break;
	}
	case RF_OP_UPDATE:
		a->res->updated += s->count; /* journaled by readback() after all updates */
		break;
	case RF_OP_INSERT:
		/* without RETURNING, journaled by readback() after all inserts */
		if (s->returning && journal_returned(a, s, &r, err) != 0)
			goto out;
		a->res->inserted += s->count;
		break;
	}
	rc = 0;
out:
	rf_result_free(&r);
	return rc;
}

/* Starts journaling the inserts from the values sent, while they load,
 * where the table as the plan saw it stores them as sent (predict.c); a
 * savepoint of the journal first, so that journal_inserts() can take the
 * lines back. Called at the first INSERT statement: statements run
 * deletes, updates, inserts (rf_plan_render_stmts) and the inserts
 * journal nothing themselves here, so until journal_inserts() joins it the
 * job is the journal's only writer. */
static int start_predicting(struct apply *a, struct rf_error *err)
{
	if (!rf_predict_open(&a->pr, a->p, a->dt))
		return 0;
	if (rf_journal_savepoint(a->journal, &a->mark, err) != 0)
		return -1;
	a->job = rf_predict_start(&a->pr, a->journal, a->jkey, a->njkey);
	return 0;
}

/* Journals the inserts that had no RETURNING. The predicted lines stand
 * if every value fitted and the table, described again now, under the
 * lock the load took (so a trigger or type change since the diff is
 * seen), still stores values as the plan saw; otherwise they are taken
 * back and the rows read back. */
static int journal_inserts(struct apply *a, struct rf_error *err)
{
	struct rf_table_info now;
	bool holds;

	if (rf_predict_join(&a->job, false, &holds, err) != 0)
		return -1;
	if (!a->mark.set)
		return apply_journal_read_back(a, RF_OP_INSERT, err);
	if (holds) {
		if (a->db->ops->describe(a->db, a->dt->display, &now, err) != 0)
			return -1;
		/* a load that skipped the re-check of its keys relied on a unique
		 * key: if it was dropped before the load, only the read-back (which
		 * refuses a key found twice) can tell that no row appeared */
		holds = rf_predict_holds(&a->pr, &now) &&
		        (!a->guarded || apply_inserts_guarded(a, &now));
		rf_table_info_free(&now);
	}
	if (!holds)
		return rf_journal_rollback_to(a->journal, &a->mark, err) == 0
		           ? apply_journal_read_back(a, RF_OP_INSERT, err)
		           : -1;
	a->res->predicted = true;
	return rf_lookup_release(a->db, &a->insert_keys, err);
}

int apply_write_all(struct apply *a, struct rf_error *err)
{
	struct rf_stmts stmts;
	size_t i, batch = a->o->batch_rows ? a->o->batch_rows : RF_APPLY_BATCH_ROWS;
	bool updates_journaled = false, returned = false;
	int rc = -1;

	rf_plan_render_stmts(a->p, a->db, batch, false, &stmts);
	a->done = 0;
	for (i = 0; i <= stmts.len; i++) {
		struct rf_stmt *s = i < stmts.len ? &stmts.items[i] : NULL;
		if (!updates_journaled && (!s || s->kind == RF_OP_INSERT)) {
			if (apply_journal_read_back(a, RF_OP_UPDATE, err) != 0 ||
			    (s && !s->returning && start_predicting(a, err) != 0))
				goto out;
			updates_journaled = true;
		}
		if (!s)
			break;
		if (apply_cancelled(a, RF_APPLY_WRITING, a->done, a->p->nops)) {
			rc = 1;
			goto out;
		}
		if (run_stmt(a, s, err) != 0) {
			rc = a->load_cancelled ? 1 : -1;
			goto out;
		}
		returned = returned || s->returning;
		a->done += s->count;
	}
	if (!returned && journal_inserts(a, err) != 0)
		goto out;
	rc = apply_cancelled(a, RF_APPLY_WRITING, a->done, a->p->nops) ? 1 : 0;
out:
	rf_predict_join(&a->job, true, NULL, NULL); /* after a failure: lines not wanted */
	rf_stmts_free(&stmts);
	return rc;
}

size_t apply_journal_key_cols(const struct rf_plan *p, size_t *out)
{
	const struct rf_table_info *dt = &p->shape->dst_table;
	size_t i, n = 0;

	if (dt->npk) {
		for (i = 0; i < dt->npk; i++)
			out[n++] = dt->pk[i];
	} else {
		for (i = 0; i < p->ntarget_key; i++)
			out[n++] = (size_t)p->shape->cols[p->target_key[i]].dst;
	}
	return n;
}

void apply_init(struct apply *a, const struct rf_plan *p, struct rf_db *target,
                const struct rf_apply_opts *o, struct rf_apply_result *res)
{
	const struct rf_table_info *dt = &p->shape->dst_table;
	size_t i;

	memset(a, 0, sizeof *a);
	a->p = p;
	a->sh = p->shape;
	a->dt = dt;
	a->db = target;
	a->o = o;
	a->res = res;
	rf_diff_stream_cols(a->sh, 1, &a->stream_cols, &a->stream_shape, &a->nstream);
	a->stream_of = rf_xcalloc(a->sh->ncols ? a->sh->ncols : 1, sizeof *a->stream_of);
	for (i = 0; i < a->nstream; i++)
		a->stream_of[a->stream_shape[i]] = i;
	a->before = rf_xcalloc(p->nops ? p->nops : 1, sizeof *a->before);
	a->seen = rf_xcalloc(p->nops ? p->nops : 1, sizeof *a->seen);
	a->cells = rf_xcalloc(a->sh->ncols ? a->sh->ncols : 1, sizeof *a->cells);
	a->tmp.ncols = a->nstream;
	a->tmp.cells = rf_xcalloc(a->nstream ? a->nstream : 1, sizeof *a->tmp.cells);
	/* the journal is keyed by the target's primary key: it holds the
	 * values the target generated, and undo finds rows by it */
	a->jkey = rf_xcalloc(dt->ncols ? dt->ncols : 1, sizeof *a->jkey);
	a->njkey = apply_journal_key_cols(p, a->jkey);
	a->jkey_cells = rf_xcalloc(a->njkey ? a->njkey : 1, sizeof *a->jkey_cells);
	a->img.cells = rf_xcalloc(dt->ncols ? dt->ncols : 1, sizeof *a->img.cells);
	a->img_offs = rf_xcalloc(dt->ncols ? dt->ncols : 1, sizeof *a->img_offs);
}

void apply_free(struct apply *a)
{
	size_t i;
	for (i = 0; i < a->p->nops; i++)
		apply_image_free(&a->before[i]);
	free(a->before);
	free(a->seen);
	free(a->cells);
	free(a->tmp.cells);
	free(a->stream_cols);
	free(a->stream_shape);
	free(a->stream_of);
	free(a->ref_at);
	free(a->skey);
	free(a->jkey);
	free(a->jkey_cells);
	free(a->insert_keys); /* dropped with the transaction or the session */
	rf_predict_close(&a->pr);
	rf_journal_savepoint_free(&a->mark);
	free(a->img.cells);
	free(a->img_offs);
	rf_buf_free(&a->img_buf);
	rf_keyset_free(&a->keys);
	rf_buf_free(&a->canon);
	rf_buf_free(&a->enc);
}

/* A guarded load failed on a duplicate key (err): when rows to insert
 * appeared in the target since the diff, that is drift, and the apply is
 * refused (err says so, for the journal's aborted line) rather than
 * failed. The transaction is rolled back either way. */
bool apply_refused_as_drift(struct apply *a, const struct rf_tx_opts *tx, struct rf_error *err)
{
	struct rf_error why;

	rf_db_rollback(a->db, NULL);
	rf_error_clear(&why);
	if (apply_explain_duplicate(a, tx, &why) != 1)
		return false;
	rf_error_clear(err);
	rf_error_set(err, a->db->name, "%zu row%s changed since the diff: nothing written",
	             a->res->drift.len, a->res->drift.len == 1 ? "" : "s");
	return true;
}
