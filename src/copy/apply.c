/* apply.c - one transaction that carries a plan out (apply.h, DESIGN §5).
 *
 * Images: the journal records rows exactly as the target holds them
 * (rf_journal_form with each target column's own class and no comparison
 * options: a --trim must not trim what undo restores). The
 * re-check compares in the diff's terms instead (rf_diff_canon_row: shape
 * classes and options), because "unchanged since the preview" means
 * unchanged as the diff saw it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* An error-severity check the front end showed refuses the apply here, in
 * the core, not only in each front end. */
static int refused_by_checks(struct rf_db *target, const struct rf_apply_opts *o,
                             struct rf_error *err)
{
	size_t i;

	for (i = 0; o->warnings && i < o->warnings->len; i++)
		if (o->warnings->items[i].severity == RF_SEV_ERROR)
			return rf_error_set(err, target->name,
			                    "refused: the copy cannot succeed as planned: %s",
			                    o->warnings->items[i].text),
			       1;
	return 0;
}

void rf_apply_result_free(struct rf_apply_result *r)
{
	free(r->journal);
	rf_strlist_free(&r->drift);
	memset(r, 0, sizeof *r);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

/* Journals inserted rows from their RETURNING rows (table column order),
 * matched to the statement's ops by match key. */
static int journal_returned(struct apply *a, const struct rf_stmt *s, const struct rf_result *r,
                            struct rf_error *err)
{
	size_t row, k, i, matched = 0;

	apply_reset_keys(a);
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
		k = (size_t)rf_journal_add(a->journal, RF_OP_INSERT, apply_journal_key(a, &im),
		                           NULL, im.cells, err);
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

/* Runs one statement and journals what it did. */
static int run_stmt(struct apply *a, const struct rf_stmt *s, struct rf_error *err)
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
	} else if (a->db->ops->exec(a->db, s->sql, s->nparams, s->params, &r, err) != 0) {
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

static int write_all(struct apply *a, struct rf_error *err)
{
	struct rf_stmts stmts;
	size_t i, batch = a->o->batch_rows ? a->o->batch_rows : RF_APPLY_BATCH_ROWS;
	bool updates_journaled = false, returned = false;
	int rc = -1;

	rf_plan_render_stmts(a->p, a->db, batch, false, &stmts);
	a->done = 0;
	for (i = 0; i <= stmts.len; i++) {
		const struct rf_stmt *s = i < stmts.len ? &stmts.items[i] : NULL;
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

/* Test-only: ROWFERRY_TEST_KILL_AT=POINT makes the process die (SIGKILL,
 * as a crash or kill -9 would) at that point of the commit sequence, so
 * the tests reach each crash window deterministically. Points, in order:
 * journal-created, before-prepare (the op lines written), after-engine-
 * prepare, after-prepared-line, after-commit. Not a user setting. */
static void test_kill_at(struct apply *a, const char *point)
{
	const char *at = getenv("ROWFERRY_TEST_KILL_AT");
	if (!at || strcmp(at, point) != 0)
		return;
	if (strcmp(point, "before-prepare") == 0)
		rf_journal_sync(a->journal, NULL);
	raise(SIGKILL);
}

/* The commit sequence (DESIGN §6): the engine prepares and names the
 * transaction, the prepared line (with that name and the seal) is made
 * durable, then COMMIT. A crash anywhere leaves a journal the engine can
 * settle: no prepared line, no COMMIT was sent. */
static int prepare_commit(struct apply *a, struct rf_buf *txid, struct rf_error *err)
{
	test_kill_at(a, "before-prepare");
	if (rf_db_prepare(a->db, txid, err) != 0)
		return -1;
	test_kill_at(a, "after-engine-prepare");
	if (rf_journal_prepare(a->journal, txid->data, err) != 0)
		return -1;
	test_kill_at(a, "after-prepared-line");
	return 0;
}

/* COMMIT failed after the prepared line: the server may have committed or
 * not. When it says it did not, the journal says aborted; otherwise it stays
 * pending and undo settles it from the server. Nothing is settled here. */
static void commit_failed(struct apply *a, const char *xid, const char *txid,
                          const struct rf_error *cause)
{
	enum rf_tx_outcome out;
	char text[1300];

	if (rf_db_tx_outcome(a->db, xid, txid, false, &out, NULL) == 0 && out == RF_TX_ABORTED)
		rf_journal_abort(a->journal, rf_error_text(cause, text, sizeof text), NULL);
}

static int open_journal(struct apply *a, const struct rf_db *source, const char *id,
                        struct rf_error *err)
{
	const struct rf_table_info *dt = a->dt;
	const char **key = rf_xcalloc(a->njkey + 1, sizeof *key);
	const char **cols = rf_xcalloc(dt->ncols + 1, sizeof *cols);
	char *src = rf_xasprintf("%s (%s)", source->name, source->display_url);
	char *dst = rf_xasprintf("%s (%s)", a->db->name, a->db->display_url);
	struct rf_journal_header h;
	size_t i;
	int rc;

	for (i = 0; i < a->njkey; i++)
		key[i] = dt->cols[a->jkey[i]].name;
	for (i = 0; i < dt->ncols; i++)
		cols[i] = dt->cols[i].name;
	h.source = src;
	h.target = dst;
	h.target_name = a->db->name;
	h.table = dt->display;
	h.nkey = a->njkey;
	h.key = key;
	h.ncols = dt->ncols;
	h.cols = cols;
	h.id = id;
	rc = rf_journal_create(a->o->undo_dir, &h, &a->journal, err);
	if (rc == 0)
		a->res->journal = rf_xstrdup(rf_journal_writer_path(a->journal));
	free(src);
	free(dst);
	free(key);
	free(cols);
	return rc;
}

static void apply_init(struct apply *a, const struct rf_plan *p, struct rf_db *target,
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
	if (dt->npk) {
		for (i = 0; i < dt->npk; i++)
			a->jkey[a->njkey++] = dt->pk[i];
	} else {
		for (i = 0; i < p->ntarget_key; i++)
			a->jkey[a->njkey++] = (size_t)a->sh->cols[p->target_key[i]].dst;
	}
	a->jkey_cells = rf_xcalloc(a->njkey ? a->njkey : 1, sizeof *a->jkey_cells);
	a->img.cells = rf_xcalloc(dt->ncols ? dt->ncols : 1, sizeof *a->img.cells);
	a->img_offs = rf_xcalloc(dt->ncols ? dt->ncols : 1, sizeof *a->img_offs);
}

static void apply_free(struct apply *a)
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
	rf_journal_writer_free(a->journal);
}

/* Ends a failed or cancelled apply: rollback, journal aborted. */
static void abandon(struct apply *a, const struct rf_error *cause)
{
	char text[1300];
	/* a failed duplicate-key explanation (refused_as_drift) has ended the
	 * transaction already */
	if (a->db->in_tx)
		rf_db_rollback(a->db, NULL);
	if (a->journal)
		rf_journal_abort(a->journal,
		                 cause && cause->set ? rf_error_text(cause, text, sizeof text)
		                                     : "cancelled",
		                 NULL);
}

/* A guarded load failed on a duplicate key (err): when rows to insert
 * appeared in the target since the diff, that is drift, and the apply is
 * refused (the journal, aborted, says so) rather than failed. */
static bool refused_as_drift(struct apply *a, const struct rf_tx_opts *tx, struct rf_error *err)
{
	struct rf_error why;

	rf_db_rollback(a->db, NULL);
	rf_error_clear(&why);
	if (apply_explain_duplicate(a, tx, &why) != 1)
		return false;
	rf_error_clear(err);
	rf_error_set(err, a->db->name, "%zu row%s changed since the diff: nothing written",
	             a->res->drift.len, a->res->drift.len == 1 ? "" : "s");
	rf_journal_abort(a->journal, err->msg, NULL);
	return true;
}

int rf_apply(const struct rf_plan *p, const struct rf_db *source, struct rf_db *target,
             const struct rf_apply_opts *o, struct rf_apply_result *res, struct rf_error *err)
{
	/* the transaction is named before it begins, after the journal's id,
	 * so a journal names it even if the apply dies before the prepared line */
	char id[37], xid[48];
	struct rf_tx_opts tx = {.lock_timeout_ms = o->lock_timeout_ms,
	                        .statement_timeout_ms = o->statement_timeout_ms,
	                        .xid = xid};
	struct rf_tx_opts plain = {.lock_timeout_ms = o->lock_timeout_ms,
	                           .statement_timeout_ms = o->statement_timeout_ms};
	struct rf_buf txid = RF_BUF_INIT;
	struct apply a;
	double start = now_seconds();
	int r, rc = -1;

	memset(res, 0, sizeof *res);
	res->status = RF_APPLY_FAILED;
	if (p->errors.len) {
		res->status = RF_APPLY_REFUSED;
		rf_error_set(err, target->name, "the plan cannot be applied: %s",
		             p->errors.items[0]);
		return 1;
	}
	if (p->nops == 0) {
		res->status = RF_APPLY_NOTHING;
		return 0;
	}
	if (refused_by_checks(target, o, err)) {
		res->status = RF_APPLY_REFUSED;
		return 1;
	}
	if (!o->undo_dir || !*o->undo_dir)
		return rf_error_set(err, target->name,
		                    "no undo directory: nothing is written "
		                    "without a journal");
	if (target->in_tx)
		return rf_error_set(err, target->name,
		                    "a transaction is still open on the target (close the diff "
		                    "before applying)");
	rf_journal_new_id(id);
	snprintf(xid, sizeof xid, "rowferry-%s", id);
	apply_init(&a, p, target, o, res);
	res->status = RF_APPLY_FAILED;
	if (rf_db_begin(target, RF_TX_WRITE, &tx, err) != 0)
		goto out;
	/* where a unique key makes the load refuse a row that appeared, the
	 * load itself checks the inserts, atomically */
	a.guarded = apply_inserts_guarded(&a, a.dt);
	if (apply_lock_inserts(&a, err) != 0) {
		rf_db_rollback(target, NULL);
		goto out;
	}
	r = apply_recheck(
	    &a, APPLY_CHECK_EXISTING | (a.guarded ? 0 : APPLY_CHECK_INSERTS | APPLY_CHECK_KEEP),
	    err);
	if (r != 0 || res->drift.len) {
		rf_db_rollback(target, NULL);
		if (r < 0)
			goto out;
		res->status = r > 0 ? RF_APPLY_CANCELLED : RF_APPLY_REFUSED;
		rf_error_set(err, target->name,
		             r > 0 ? "cancelled: nothing written"
		                   : "%zu row%s changed since the diff: nothing written",
		             res->drift.len, res->drift.len == 1 ? "" : "s");
		rc = 1;
		goto out;
	}
	if (open_journal(&a, source, id, err) != 0) {
		rf_db_rollback(target, NULL);
		goto out;
	}
	test_kill_at(&a, "journal-created");
	r = write_all(&a, err);
	if (r < 0 && a.guarded && err && err->duplicate_key && refused_as_drift(&a, &plain, err)) {
		res->status = RF_APPLY_REFUSED;
		rc = 1;
		goto out;
	}
	if (r != 0) {
		abandon(&a, r > 0 ? NULL : err);
		res->status = r > 0 ? RF_APPLY_CANCELLED : RF_APPLY_FAILED;
		if (r > 0)
			rf_error_set(err, target->name, "cancelled: rolled back, nothing written");
		rc = r > 0 ? 1 : -1;
		goto out;
	}
	if (apply_cancelled(&a, RF_APPLY_COMMITTING, p->nops, p->nops)) {
		abandon(&a, NULL);
		res->status = RF_APPLY_CANCELLED;
		rf_error_set(err, target->name, "cancelled: rolled back, nothing written");
		rc = 1;
		goto out;
	}
	if (prepare_commit(&a, &txid, err) != 0) {
		abandon(&a, err);
		goto out;
	}
	if (rf_db_commit(target, err) != 0) {
		/* the server may or may not have committed: the journal stays
		 * pending unless the server says it did not, and undo settles it
		 * from the server's record (journal.h) */
		rf_db_rollback(target, NULL);
		commit_failed(&a, xid, txid.data, err);
		if (err) {
			size_t n = strlen(err->msg);
			snprintf(err->msg + n, sizeof err->msg - n,
			         " (if the journal stays pending, rowferry undo settles it from "
			         "the server)");
		}
		goto out;
	}
	test_kill_at(&a, "after-commit");
	res->status = RF_APPLY_DONE;
	/* committed; a failure to seal the journal is reported, not undone */
	rc = rf_journal_commit(a.journal, err) == 0 ? 0 : -1;
out:
	res->seconds = now_seconds() - start;
	rf_buf_free(&txid);
	apply_free(&a);
	return rc;
}
