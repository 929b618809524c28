/* apply_check.c - apply's reads of the target inside its transaction:
 * the re-check of the plan's rows against the diff before anything is
 * written (locking what will be updated or deleted), and the read-back of
 * written rows for the journal where neither RETURNING nor a prediction
 * (predict.c) gave their after-images.
 */
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

/* Keys per stream when reading written rows back (see readback()). */
#define APPLY_READBACK_CHUNK 5000

static void add_drift(struct apply *a, const struct rf_cell *shape_cells, const char *what)
{
	struct rf_buf b = RF_BUF_INIT;
	if (a->name_table)
		rf_buf_printf(&b, "%s ", a->dt->display);
	rf_buf_addc(&b, '(');
	rf_diff_format_key(a->sh, shape_cells, &b);
	rf_buf_printf(&b, ") %s", what);
	rf_strlist_add(&a->res->drift, b.data);
	rf_buf_free(&b);
}

/* Encodes into a->enc the key (shape columns key[0..nkey)) of a row
 * streamed in stream_cols order, canonical as the diff made it: only the
 * key is canonicalized, the rest of the row is not looked at. */
void apply_encode_row_key(struct apply *a, const struct rf_row *row, const size_t *key, size_t nkey)
{
	size_t i, off;
	rf_buf_reset(&a->canon);
	for (i = 0; i < nkey; i++) {
		const struct rf_diff_col *c = &a->sh->cols[key[i]];
		const struct rf_cell *in = &row->cells[a->stream_of[key[i]]];
		a->key[i].is_null = in->is_null;
		a->key[i].len = a->canon.len;
		if (!in->is_null)
			rf_value_canon(c->tclass, in, &c->opts, &a->canon);
		a->key[i].len = a->canon.len - a->key[i].len;
	}
	for (i = 0, off = 0; i < nkey; off += a->key[i].len, i++)
		a->key[i].data = a->key[i].is_null ? NULL : a->canon.data + off;
	rf_buf_reset(&a->enc);
	rf_key_encode(&a->enc, a->key, NULL, nkey);
}

/* Empties a->keys for a new lookup. */
void apply_reset_keys(struct apply *a)
{
	rf_keyset_free(&a->keys);
	a->keys_hold_inserts = false;
}

/* Fills tuples with the cells[key[i]] of ops [first, first+n) of one kind
 * group, and a->keys with their encodings. Returns the tuple count. */
static size_t chunk_tuples(struct apply *a, const size_t *ops, size_t n, const size_t *key,
                           size_t nkey, bool use_src, struct rf_cell *tuples)
{
	size_t i, k;
	apply_reset_keys(a);
	rf_keyset_reserve(&a->keys, n);
	for (i = 0; i < n; i++) {
		const struct rf_diff_row *r = a->p->ops[ops[i]].row;
		const struct rf_cell *cells = use_src ? r->src : r->dst;
		for (k = 0; k < nkey; k++)
			tuples[i * nkey + k] = cells[key[k]];
		rf_buf_reset(&a->enc);
		rf_key_encode(&a->enc, cells, key, nkey);
		rf_keyset_put(&a->keys, a->enc.data, a->enc.len, ops[i], NULL);
	}
	return n;
}

/* How the target is searched by a key of shape columns. */
static void lookup_key(const struct apply *a, const size_t *key, size_t nkey, size_t *cols,
                       enum rf_type_class *classes)
{
	size_t i;
	for (i = 0; i < nkey; i++) {
		const struct rf_diff_col *c = &a->sh->cols[key[i]];
		cols[i] = (size_t)c->dst;
		classes[i] = rf_lookup_class(c->tclass, a->dt->cols[c->dst].tclass);
	}
}

/* Whether shape column j of a re-checked row equals what the diff saw in
 * the target: a reference through a match key by the match key read
 * through it (ref_at), not by the id the row holds. */
static bool still_equal(struct apply *a, const struct rf_row *row, const struct rf_op *op, size_t j)
{
	const struct rf_diff_col *c = &a->sh->cols[j];
	static const struct rf_col_opts plain = RF_COL_OPTS_INIT;
	struct rf_buf b = RF_BUF_INIT;
	struct rf_cell mk;
	bool eq;
	if (!c->ref)
		return rf_value_equal(c->tclass, &a->cells[j], &op->row->dst[j], &c->opts);
	if (!a->ref_at || a->ref_at[j] < 0 || (size_t)a->ref_at[j] >= row->ncols)
		return true;
	mk = row->cells[a->ref_at[j]];
	if (!mk.is_null) {
		rf_value_canon(c->tclass, &mk, &plain, &b);
		mk.data = b.data ? b.data : "";
		mk.len = b.len;
	}
	eq = rf_value_equal(c->tclass, &mk, &op->row->dst[j], &plain);
	rf_buf_free(&b);
	return eq;
}

/* A row to update or delete, locked: it must still be what the diff saw. */
static int recheck_existing(void *ctx, const struct rf_row *row, struct rf_error *err)
{
	struct apply *a = ctx;
	const struct rf_diff_shape *sh = a->sh;
	struct rf_buf changed = RF_BUF_INIT;
	const struct rf_op *op;
	size_t i, j;
	(void)err;

	rf_diff_canon_row(sh, 1, row, &a->canon, a->cells, NULL);
	rf_buf_reset(&a->enc);
	rf_key_encode(&a->enc, a->cells, a->p->target_key, a->p->ntarget_key);
	if (!rf_keyset_get(&a->keys, a->enc.data, a->enc.len, &i) || a->seen[i])
		return 0;
	a->seen[i] = true;
	op = &a->p->ops[i];
	for (j = 0; j < sh->ncols; j++) {
		const struct rf_diff_col *c = &sh->cols[j];
		if (c->dst < 0 || (a->p->own_rows && !c->copy) || still_equal(a, row, op, j))
			continue;
		rf_buf_adds(&changed, changed.len ? ", " : "changed since the diff: ");
		rf_buf_adds(&changed, c->name);
	}
	if (changed.len)
		add_drift(a, op->row->dst, changed.data);
	a->before[i] = apply_make_image(a, row);
	rf_buf_free(&changed);
	return 0;
}

/* A row to insert must still be absent: any row with its key is drift. */
static int recheck_absent(void *ctx, const struct rf_row *row, struct rf_error *err)
{
	struct apply *a = ctx;
	size_t i;
	(void)err;

	apply_encode_row_key(a, row, a->sh->key, a->sh->nkey);
	if (rf_keyset_get(&a->keys, a->enc.data, a->enc.len, &i) && !a->seen[i]) {
		a->seen[i] = true;
		add_drift(a, a->p->ops[i].row->src, "is now in the target (it was to be inserted)");
	}
	return 0;
}

/* Locks and re-checks the plan's rows in chunks: first the rows to update
 * or delete, by target key, then the keys to insert, by match key. */
/* The columns the re-check of existing rows streams: the target's columns
 * (a->stream_cols), then each reference through a match key again, read
 * as that match key (refs), its position in a->ref_at. Returns how many. */
static size_t recheck_cols(struct apply *a, size_t **cols, struct rf_stream_ref **refs)
{
	size_t j, n = a->nstream;

	*cols = rf_xcalloc(a->nstream + a->sh->ncols + 1, sizeof **cols);
	*refs = NULL;
	memcpy(*cols, a->stream_cols, a->nstream * sizeof **cols);
	free(a->ref_at);
	a->ref_at = rf_xcalloc(a->sh->ncols + 1, sizeof *a->ref_at);
	for (j = 0; j < a->sh->ncols; j++) {
		const struct rf_diff_col *c = &a->sh->cols[j];
		a->ref_at[j] = -1;
		if (!c->ref || c->dst < 0)
			continue;
		if (!*refs)
			*refs = rf_xcalloc(a->nstream + a->sh->ncols + 1, sizeof **refs);
		(*refs)[n].parent = &c->ref->parent[1];
		(*refs)[n].pk = c->ref->pk;
		(*refs)[n].mk = c->ref->mk;
		a->ref_at[j] = (int)n;
		(*cols)[n++] = (size_t)c->dst;
	}
	return n;
}

/* The parents one reference column's plain values point at
 * (rf_plan_set_ref_key): each distinct parent key with the match key the
 * plan found it by. */
struct parents_check {
	struct apply *a;
	const struct rf_diff_col *c;
	const struct rf_table_info *t; /* the parent, described in the transaction */
	struct rf_keyset keys;         /* encoded parent key -> its index */
	size_t n, cap;
	struct rf_cell *pk, *mk; /* per parent: its key, its match key as planned */
	bool *seen;
	struct rf_buf canon, enc;
};

static void parents_drift(struct parents_check *pc, size_t i, const struct rf_cell *now)
{
	const struct rf_col_ref *r = pc->c->ref;
	struct rf_buf b = RF_BUF_INIT;

	rf_buf_printf(&b, "%s (%s = ", pc->t->display, r->pk);
	rf_buf_add(&b, pc->pk[i].data, pc->pk[i].len);
	rf_buf_printf(&b,
	              "), the parent %s.%s was planned to reference as %s = ", pc->a->dt->display,
	              pc->c->name, r->mk);
	rf_buf_add(&b, pc->mk[i].data, pc->mk[i].len);
	if (!now) {
		rf_buf_adds(&b, ": is no longer in the target");
	} else {
		rf_buf_printf(&b, ": its %s is now ", r->mk);
		if (now->is_null)
			rf_buf_adds(&b, "NULL");
		else
			rf_buf_add(&b, now->data, now->len);
	}
	rf_strlist_add(&pc->a->res->drift, b.data);
	rf_buf_free(&b);
}

/* A parent row, locked: [key, match key]. */
static int parents_row(void *ctx, const struct rf_row *row, struct rf_error *err)
{
	struct parents_check *pc = ctx;
	static const struct rf_col_opts plain = RF_COL_OPTS_INIT;
	int pkc = rf_table_info_col(pc->t, pc->c->ref->pk);
	struct rf_cell k = row->cells[0], mk = row->cells[1];
	size_t i, at;
	(void)err;

	if (k.is_null || pkc < 0)
		return 0;
	rf_buf_reset(&pc->canon);
	rf_value_canon(pc->t->cols[pkc].tclass, &k, &plain, &pc->canon);
	at = pc->canon.len;
	if (!mk.is_null)
		rf_value_canon(pc->c->tclass, &mk, &plain, &pc->canon);
	k.data = pc->canon.data;
	k.len = at;
	if (!mk.is_null) {
		mk.data = pc->canon.data + at;
		mk.len = pc->canon.len - at;
	}
	rf_buf_reset(&pc->enc);
	rf_key_encode(&pc->enc, &k, NULL, 1);
	if (!rf_keyset_get(&pc->keys, pc->enc.data, pc->enc.len, &i) || pc->seen[i])
		return 0;
	pc->seen[i] = true;
	if (!rf_value_equal(pc->c->tclass, &mk, &pc->mk[i], &plain))
		parents_drift(pc, i, &mk);
	return 0;
}

/* Re-checks, for reference column j, that every parent its plain values
 * point at is still in the target with the match key the plan found it
 * by, reading the parents FOR UPDATE so they stay so until COMMIT: a
 * parent re-keyed or deleted since the diff is drift, never a reference
 * to the wrong row (DESIGN §15). */
static int recheck_parents_of(struct apply *a, size_t j, struct rf_error *err)
{
	const struct rf_plan *p = a->p;
	struct parents_check pc;
	struct rf_table_info t;
	size_t i, cols[2];
	enum rf_type_class quote;
	struct rf_lookup_key lk = {1, cols, &quote, 0, NULL, false};
	int pkc, mkc, rc = -1;

	memset(&pc, 0, sizeof pc);
	memset(&t, 0, sizeof t);
	pc.a = a;
	pc.c = &a->sh->cols[j];
	for (i = 0; i < p->nops; i++) {
		const struct rf_op *op = &p->ops[i];
		bool added;
		size_t at;
		if (!op->ref_key || op->ref_key[j].is_null || op->row->src[j].is_null ||
		    !(op->kind == RF_OP_INSERT ||
		      (op->kind == RF_OP_UPDATE && op->row->changed[j])))
			continue;
		rf_buf_reset(&pc.enc);
		rf_key_encode(&pc.enc, &op->ref_key[j], NULL, 1);
		at = rf_keyset_put(&pc.keys, pc.enc.data, pc.enc.len, pc.n, &added);
		if (!added)
			continue;
		if (pc.n == pc.cap) {
			pc.cap = pc.cap ? 2 * pc.cap : 64;
			pc.pk = rf_xrealloc(pc.pk, pc.cap * sizeof *pc.pk);
			pc.mk = rf_xrealloc(pc.mk, pc.cap * sizeof *pc.mk);
		}
		pc.pk[at] = op->ref_key[j];
		pc.mk[at] = op->row->src[j];
		pc.n++;
	}
	if (!pc.n) {
		rc = 0;
		goto out;
	}
	if (rf_db_describe(a->db, pc.c->ref->parent[1].display, &t, err) != 0)
		goto out;
	pc.t = &t;
	pkc = rf_table_info_col(&t, pc.c->ref->pk);
	mkc = rf_table_info_col(&t, pc.c->ref->mk);
	if (pkc < 0 || mkc < 0) {
		rf_error_set(err, a->db->name, "%s: no column %s or %s any more", t.display,
		             pc.c->ref->pk, pc.c->ref->mk);
		goto out;
	}
	cols[0] = (size_t)pkc;
	cols[1] = (size_t)mkc;
	quote = rf_lookup_class(t.cols[pkc].tclass, t.cols[pkc].tclass);
	pc.seen = rf_xcalloc(pc.n, sizeof *pc.seen);
	if (rf_lookup_rows(a->db, &t, &lk, pc.pk, pc.n, cols, 2, true, parents_row, &pc, err) != 0)
		goto out;
	for (i = 0; i < pc.n; i++)
		if (!pc.seen[i])
			parents_drift(&pc, i, NULL);
	rc = 0;
out:
	rf_table_info_free(&t);
	rf_keyset_free(&pc.keys);
	rf_buf_free(&pc.canon);
	rf_buf_free(&pc.enc);
	free(pc.pk);
	free(pc.mk);
	free(pc.seen);
	return rc;
}

static int recheck_parents(struct apply *a, struct rf_error *err)
{
	size_t j;

	for (j = 0; j < a->sh->ncols; j++)
		if (a->sh->cols[j].ref && a->sh->cols[j].dst >= 0 &&
		    recheck_parents_of(a, j, err) != 0)
			return -1;
	return 0;
}

int apply_recheck(struct apply *a, unsigned what, struct rf_error *err)
{
	const struct rf_plan *p = a->p;
	size_t *xcols = NULL, nx;
	struct rf_stream_ref *xrefs = NULL;
	size_t *group = rf_xcalloc(p->nops ? p->nops : 1, sizeof *group);
	struct rf_cell *tuples = NULL;
	size_t cols[64];
	enum rf_type_class classes[64];
	size_t pass, i, n, first, span;
	int rc = -1;

	if (p->ntarget_key > 64 || a->sh->nkey > 64) {
		rf_error_set(err, a->db->name, "keys of more than 64 columns are not supported");
		goto out;
	}
	tuples = rf_xcalloc(rf_lookup_span(a->db, p->nops) *
	                            (p->ntarget_key > a->sh->nkey ? p->ntarget_key : a->sh->nkey) +
	                        1,
	                    sizeof *tuples);
	for (pass = 0; pass < 2; pass++) {
		bool inserts = pass == 1;
		const size_t *key = inserts ? a->sh->key : p->target_key;
		size_t nkey = inserts ? a->sh->nkey : p->ntarget_key;
		struct rf_lookup_key lk = {nkey, cols, classes, 0, NULL, false};

		if (!(what & (inserts ? APPLY_CHECK_INSERTS : APPLY_CHECK_EXISTING)))
			continue;
		for (i = n = 0; i < p->nops; i++)
			if ((p->ops[i].kind == RF_OP_INSERT) == inserts) {
				group[n++] = i;
				a->seen[i] = false;
			}
		lookup_key(a, key, nkey, cols, classes);
		span = rf_lookup_span(a->db, n);
		/* the keys to insert are looked up again after the inserts */
		if (inserts && (what & APPLY_CHECK_KEEP))
			lk.kept = &a->insert_keys;
		nx = inserts ? a->nstream : recheck_cols(a, &xcols, &xrefs);
		for (first = 0; first < n; first += span) {
			size_t m = n - first < span ? n - first : span;
			chunk_tuples(a, group + first, m, key, nkey, inserts, tuples);
			a->keys_hold_inserts = inserts && m == n && (what & APPLY_CHECK_KEEP);
			if (rf_lookup_rows_refs(
			        a->db, a->dt, &lk, tuples, m, inserts ? a->stream_cols : xcols,
			        inserts ? NULL : xrefs, nx, true,
			        inserts ? recheck_absent : recheck_existing, a, err) != 0)
				goto out;
			for (i = first; !inserts && i < first + m; i++)
				if (!a->seen[group[i]])
					add_drift(a, p->ops[group[i]].row->dst,
					          "is no longer in the target");
			a->done += m;
			if (apply_cancelled(a, RF_APPLY_CHECKING, a->done, p->nops)) {
				rc = 1;
				goto out;
			}
		}
	}
	if ((what & APPLY_CHECK_EXISTING) && recheck_parents(a, err) != 0)
		goto out;
	rc = 0;
out:
	free(tuples);
	free(group);
	free(xcols);
	free(xrefs);
	return rc;
}

/* Rows written without RETURNING are read back (under the transaction's
 * own locks) for their after-images. */
struct readback {
	struct apply *a;
	enum rf_op_kind kind;
	const size_t *key;
	size_t nkey;
	size_t found;
	const bool *sent_at; /* per stream position: not read, journaled from
	                        the value sent (updates_sent_as_is); NULL: all read */
};

/* A large bytes value an UPDATE sets is journaled from the value sent, not
 * read back: the read-back held it in libpq's buffer (hex), as the row's
 * raw bytes and in its journal form (hex) at once, 5x the value besides
 * the plan's hex (DESIGN §9, e2e.large_values: an update of 200 MiB). The
 * target stores a bytes value as sent where the table is plain (no
 * trigger, no rule) with the columns and store rules the plan saw:
 * predict.c's rule for inserts, checked the same way, on the table
 * described again now, after the updates, under their locks (a trigger
 * created since the diff is seen; none can come or go until COMMIT). Such
 * a column - bytes on both sides, stored as sent (RF_STORE_EXACT: bytea,
 * varbinary, the blobs; not binary(n), which pads), written plainly (no
 * reference), not generated, not in a key the rows are found or journaled
 * by, set to a value of RF_PARAM_LEND_MIN or more by one of the updates -
 * is not read: its after-image is the value sent where the op changed it,
 * else the locked before-image's (the row is locked since the re-check).
 * Sets sent_at[k] per stream position; 1 when any is set, 0 when none, -1
 * on error. */
static int updates_sent_as_is(struct apply *a, const size_t *ops, size_t n, bool *sent_at,
                              struct rf_error *err)
{
	const struct rf_plan *p = a->p;
	struct rf_table_info now;
	size_t k, i, j;
	bool any = false, holds;

	for (k = 0; k < a->nstream; k++) {
		size_t c = a->stream_shape[k], d = a->stream_cols[k];
		const struct rf_column *tc = &a->dt->cols[d];

		sent_at[k] = false;
		if (a->sh->cols[c].tclass != RF_T_BYTES || a->sh->cols[c].ref ||
		    tc->tclass != RF_T_BYTES || tc->generated || tc->store != RF_STORE_EXACT)
			continue;
		for (j = 0; j < p->ntarget_key && p->target_key[j] != c; j++)
			;
		if (j < p->ntarget_key)
			continue;
		for (j = 0; j < a->njkey && a->jkey[j] != d; j++)
			;
		if (j < a->njkey)
			continue;
		for (i = 0; i < n; i++) {
			const struct rf_op *op = &p->ops[ops[i]];
			const struct rf_cell *v;
			enum rf_type_class cls;
			if (op->row->changed[c] && !rf_plan_written(p, op, c, &v, &cls) &&
			    !v->is_null && v->len >= RF_PARAM_LEND_MIN)
				break;
		}
		sent_at[k] = i < n;
		any = any || sent_at[k];
	}
	if (!any)
		return 0;
	if (a->db->ops->describe(a->db, a->dt->display, &now, err) != 0)
		return -1;
	holds = rf_predict_table_holds(a->dt, &now);
	rf_table_info_free(&now);
	if (!holds)
		memset(sent_at, 0, a->nstream * sizeof *sent_at);
	return holds ? 1 : 0;
}

/* The after-image cells of updated op i whose columns were not read
 * (rb->sent_at): pointers to the value sent or to the before-image, the
 * journal forms of bytes (canonical hex), valid while the plan and
 * a->before are. */
static void image_sent_values(struct readback *rb, size_t i, struct rf_cell *cells)
{
	struct apply *a = rb->a;
	const struct rf_op *op = &a->p->ops[i];
	const struct rf_cell *v;
	enum rf_type_class cls;
	size_t k;

	for (k = 0; k < a->nstream; k++) {
		size_t c = a->stream_shape[k], d = a->stream_cols[k];
		if (!rb->sent_at[k])
			continue;
		if (op->row->changed[c] && !rf_plan_written(a->p, op, c, &v, &cls))
			cells[d] = *v; /* plain: sent as is (no reference, updates_sent_as_is) */
		else
			cells[d] = a->before[i].cells[d];
	}
}

/* row as streamed with the columns of rb->sent_at left out, in a->tmp as
 * all stream columns (those NULL until image_sent_values). */
static const struct rf_row *widen_row(struct readback *rb, const struct rf_row *row)
{
	struct apply *a = rb->a;
	size_t k, j = 0;

	for (k = 0; k < a->nstream; k++) {
		if (rb->sent_at[k]) {
			a->tmp.cells[k].is_null = true;
			a->tmp.cells[k].data = NULL;
			a->tmp.cells[k].len = 0;
		} else {
			a->tmp.cells[k] =
			    j < row->ncols ? row->cells[j++] : (struct rf_cell){NULL, 0, true};
		}
	}
	return &a->tmp;
}

static int readback_row(void *ctx, const struct rf_row *streamed, struct rf_error *err)
{
	struct readback *rb = ctx;
	struct apply *a = rb->a;
	const struct rf_row *row = rb->sent_at ? widen_row(rb, streamed) : streamed;
	struct image im;
	size_t i;
	int rc;

	apply_encode_row_key(a, row, rb->key, rb->nkey);
	if (!rf_keyset_get(&a->keys, a->enc.data, a->enc.len, &i))
		return 0;
	if (a->seen[i]) {
		/* two rows with the key just written: which one is ours cannot be
		 * told, and a journal that might name the wrong row is worse than
		 * no copy */
		struct rf_buf key = RF_BUF_INIT;
		rf_diff_canon_row(a->sh, 1, row, &a->canon, a->cells, NULL);
		rf_diff_format_key(a->sh, a->cells, &key);
		rf_error_set(err, a->db->name,
		             "(%s) is in the target twice after the %s: the key does not "
		             "identify one row, so the journal could not; rolled back",
		             key.data, rf_op_name(rb->kind));
		rf_buf_free(&key);
		return -1;
	}
	a->seen[i] = true;
	rb->found++;
	/* written at once and forgotten: scratch memory, no allocation */
	apply_fill_image(a, row, &a->img_buf, a->img.cells, a->img_offs);
	im = a->img;
	if (rb->sent_at)
		image_sent_values(rb, i, im.cells);
	if (rb->kind == RF_OP_INSERT)
		apply_learn_key(a, i, im.cells);
	rc =
	    rf_journal_add_src(a->journal, rb->kind, apply_journal_key(a, &im),
	                       rb->kind == RF_OP_INSERT ? apply_source_key(a, i) : NULL,
	                       rb->kind == RF_OP_UPDATE ? a->before[i].cells : NULL, im.cells, err);
	return rc;
}

/* Reads back ops[0..n) of one kind: inserts by match key, updates by
 * their target key as updated. */
static int readback(struct apply *a, enum rf_op_kind kind, const size_t *ops, size_t n,
                    struct rf_error *err)
{
	const struct rf_plan *p = a->p;
	const size_t *key = kind == RF_OP_INSERT ? a->sh->key : p->target_key;
	size_t nkey = kind == RF_OP_INSERT ? a->sh->nkey : p->ntarget_key;
	struct rf_cell *tuples = rf_xcalloc(n * nkey + 1, sizeof *tuples);
	struct readback rb = {a, kind, key, nkey, 0, NULL};
	bool *sent_at = NULL;
	size_t *read_cols = NULL, nread = 0;
	size_t cols[64];
	enum rf_type_class classes[64];
	/* rows just written: a table that was small when the transaction began
	 * may be scanned rather than probed, so fewer, larger lookups */
	struct rf_lookup_key lk = {nkey,
	                           cols,
	                           classes,
	                           APPLY_READBACK_CHUNK,
	                           kind == RF_OP_INSERT ? &a->insert_keys : NULL,
	                           false};
	size_t i, k;
	bool reuse;
	int rc;

	/* inserts into a table the diff read whole and found (nearly) empty,
	 * the seed case: one scan of the table finds them (lookup.h, scan) */
	lk.scan = kind == RF_OP_INSERT && p->dst_whole && p->dst_rows <= n / 4;
	/* the re-check left exactly these keys in a->keys when it looked
	 * them all up at once: no need to hash 100k keys again */
	reuse = kind == RF_OP_INSERT && a->keys_hold_inserts;
	if (!reuse) {
		apply_reset_keys(a);
		rf_keyset_reserve(&a->keys, n);
	}
	for (i = 0; i < n; i++) {
		const struct rf_diff_row *r = p->ops[ops[i]].row;
		for (k = 0; k < nkey; k++) {
			size_t c = key[k];
			/* an update may have changed a key column: find it as updated */
			tuples[i * nkey + k] = kind == RF_OP_INSERT ? r->src[c]
			                       : r->changed[c]      ? r->src[c]
			                                            : r->dst[c];
		}
		if (reuse) {
			a->seen[ops[i]] = false;
			continue;
		}
		rf_buf_reset(&a->enc);
		rf_key_encode(&a->enc, &tuples[i * nkey], NULL, nkey);
		rf_keyset_put(&a->keys, a->enc.data, a->enc.len, ops[i], NULL);
		a->seen[ops[i]] = false;
	}
	lookup_key(a, key, nkey, cols, classes);
	if (kind == RF_OP_UPDATE) {
		sent_at = rf_xcalloc(a->nstream + 1, sizeof *sent_at);
		if ((rc = updates_sent_as_is(a, ops, n, sent_at, err)) < 0)
			goto out;
		if (rc > 0) {
			read_cols = rf_xcalloc(a->nstream, sizeof *read_cols);
			for (k = 0; k < a->nstream; k++)
				if (!sent_at[k])
					read_cols[nread++] = a->stream_cols[k];
			rb.sent_at = sent_at;
		}
	}
	rc = rf_lookup_rows(a->db, a->dt, &lk, tuples, n, read_cols ? read_cols : a->stream_cols,
	                    read_cols ? nread : a->nstream, false, readback_row, &rb, err);
	if (rc == 0 && rb.found != n)
		rc = rf_error_set(err, a->db->name,
		                  "%zu of %zu written rows could not be read back for the journal",
		                  n - rb.found, n);
out:
	free(tuples);
	free(sent_at);
	free(read_cols);
	return rc;
}

/* Journals every op of one kind by reading the rows back: updates once
 * all have run (before the inserts, so the journal lists ops in the order
 * they took effect), inserts at the end. */
int apply_journal_read_back(struct apply *a, enum rf_op_kind kind, struct rf_error *err)
{
	const struct rf_plan *p = a->p;
	size_t *ops = rf_xcalloc(p->nops ? p->nops : 1, sizeof *ops), n = 0, i;
	int rc = 0;

	for (i = 0; i < p->nops; i++)
		if (p->ops[i].kind == kind)
			ops[n++] = i;
	if (n)
		rc = readback(a, kind, ops, n, err);
	if (rc == 0 && kind == RF_OP_INSERT)
		rc = rf_lookup_release(a->db, &a->insert_keys, err);
	free(ops);
	return rc;
}

/* Whether the target itself refuses a second row with a match key: its
 * primary key, or a unique key of NOT NULL columns (so that no NULL slips
 * past it), lies within the match key. */
bool apply_key_unique(const struct apply *a, const struct rf_table_info *t)
{
	bool in_key[1024] = {false};
	size_t k, c;

	if (t->ncols > 1024)
		return false;
	for (k = 0; k < a->sh->nkey; k++) {
		int d = rf_table_info_col(t, a->sh->cols[a->sh->key[k]].name);
		if (d >= 0)
			in_key[d] = true;
	}
	if (t->npk) {
		for (c = 0; c < t->npk && in_key[t->pk[c]]; c++)
			;
		if (c == t->npk)
			return true;
	}
	for (k = 0; k < t->nunique; k++) {
		const struct rf_key *u = &t->uniques[k];
		for (c = 0; c < u->ncols; c++) {
			int d = rf_table_info_col(t, u->cols[c]);
			if (d < 0 || !in_key[d] || t->cols[d].nullable)
				break;
		}
		if (u->ncols && c == u->ncols)
			return true;
	}
	return false;
}

/* Whether the load is the inserts' re-check: the plan loads in bulk, and
 * the target refuses a duplicate match key (apply_key_unique). The load
 * is then an atomic re-check: it fails on a duplicate key, and
 * apply_explain_duplicate() tells which rows appeared. */
bool apply_inserts_guarded(const struct apply *a, const struct rf_table_info *t)
{
	return rf_plan_loads_in_bulk(a->p, a->db) && apply_key_unique(a, t);
}

/* Where nothing in the target refuses a second row with a match key, the
 * re-check of the inserts (a lookup that finds nothing) must also keep
 * such a row from appearing until COMMIT, or another session could commit
 * one in between and the key would end up twice (issue 10, item 8). The
 * driver's lock_inserts does that where the engine's locking read does
 * not; on MariaDB the locking re-check's next-key locks do it (write
 * transactions are REPEATABLE READ), on SQLite BEGIN IMMEDIATE does. */
int apply_lock_inserts(struct apply *a, struct rf_error *err)
{
	size_t i;

	if (!a->db->ops->lock_inserts || apply_key_unique(a, a->dt))
		return 0;
	for (i = 0; i < a->p->nops && a->p->ops[i].kind != RF_OP_INSERT; i++)
		;
	return i < a->p->nops ? a->db->ops->lock_inserts(a->db, a->dt, err) : 0;
}

int apply_explain_duplicate(struct apply *a, const struct rf_tx_opts *tx, struct rf_error *err)
{
	int rc;

	if (rf_db_begin(a->db, RF_TX_WRITE, tx, err) != 0)
		return -1;
	free(a->insert_keys); /* dropped with the failed transaction */
	a->insert_keys = NULL;
	rc = apply_recheck(a, APPLY_CHECK_INSERTS, err);
	rf_db_rollback(a->db, NULL);
	return rc < 0 ? -1 : a->res->drift.len > 0;
}
