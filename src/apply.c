/* apply.c - one transaction that carries a plan out (apply.h, DESIGN §5).
 *
 * Images: the journal records rows exactly as the target holds them
 * (rf_journal_form with each target column's own class and no comparison
 * options: a --trim must not trim what undo restores). The
 * re-check compares in the diff's terms instead (rf_diff_canon_row: shape
 * classes and options), because "unchanged since the preview" means
 * unchanged as the diff saw it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookup.h"
#include "rowferry/apply.h"
#include "rowferry/journal.h"
#include "rowferry/predict.h"

/* Keys per stream when reading written rows back (see readback()). */
#define APPLY_READBACK_CHUNK 5000

/* A whole target row, canonical per target column, in table order. */
struct image {
	struct rf_cell *cells;
	char *block;
};

struct apply {
	const struct rf_plan *p;
	const struct rf_diff_shape *sh;
	const struct rf_table_info *dt;
	struct rf_db *db;
	const struct rf_apply_opts *o;
	struct rf_apply_result *res;
	size_t nstream;        /* target columns streamed, in shape order */
	size_t *stream_cols;   /* their table indexes */
	size_t *stream_shape;  /* their shape columns */
	size_t *stream_of;     /* per shape column: its stream position */
	struct image *before;  /* per op: the locked row (updates, deletes) */
	bool *seen;            /* per op: found by the current lookup */
	struct rf_keyset keys; /* encoded key -> op, for the current lookup */
	struct rf_buf canon, enc;
	struct rf_cell *cells;  /* one row in shape terms (into canon) */
	struct rf_cell key[64]; /* one row's key cells (into canon) */
	struct rf_row tmp;      /* a RETURNING row reordered as a stream row */
	struct rf_journal_writer *journal;
	size_t njkey;
	size_t *jkey; /* table indexes of the journal's key */
	struct rf_cell *jkey_cells;
	size_t done;
	struct image img;      /* scratch image (cells only) for read-back rows */
	struct rf_buf img_buf; /* its bytes */
	size_t *img_offs;
	bool keys_hold_inserts;           /* a->keys holds every insert's match key */
	char *insert_keys;                /* the server-side table of the keys to insert,
	                                     between the re-check and the read-back */
	struct rf_predict pr;             /* inserts journaled from the values sent */
	struct rf_predict_job *job;       /* ... while they load */
	struct rf_journal_savepoint mark; /* where those lines begin */
};

const char *rf_apply_status_name(enum rf_apply_status s)
{
	static const char *const names[] = {"done", "nothing to do", "refused", "cancelled",
	                                    "failed"};
	return names[s];
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

/* Reports progress; true when the caller wants to stop. */
static bool cancelled(struct apply *a, enum rf_apply_phase phase, size_t done, size_t total)
{
	if (a->o->cancel && *a->o->cancel)
		return true;
	return a->o->progress && a->o->progress(a->o->progress_ctx, phase, done, total) != 0;
}

static void image_free(struct image *im)
{
	free(im->cells);
	free(im->block);
	im->cells = NULL;
	im->block = NULL;
}

/* The journal image of a row streamed in stream_cols order, into cells
 * (one per table column) and b (reset here); offs: scratch, one per table
 * column. */
static void fill_image(const struct apply *a, const struct rf_row *row, struct rf_buf *b,
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

/* fill_image() into memory of its own, for images kept (before-images). */
static struct image make_image(const struct apply *a, const struct rf_row *row)
{
	struct image im;
	struct rf_buf b = RF_BUF_INIT;
	size_t *offs = rf_xcalloc(a->dt->ncols, sizeof *offs);
	size_t d;

	im.cells = rf_xcalloc(a->dt->ncols, sizeof *im.cells);
	fill_image(a, row, &b, im.cells, offs);
	im.block = rf_buf_steal(&b);
	for (d = 0; d < a->dt->ncols; d++)
		if (!im.cells[d].is_null)
			im.cells[d].data = im.block + offs[d];
	free(offs);
	return im;
}

static const struct rf_cell *journal_key(struct apply *a, const struct image *im)
{
	size_t i;
	for (i = 0; i < a->njkey; i++)
		a->jkey_cells[i] = im->cells[a->jkey[i]];
	return a->jkey_cells;
}

static void add_drift(struct apply *a, const struct rf_cell *shape_cells, const char *what)
{
	struct rf_buf b = RF_BUF_INIT;
	rf_buf_addc(&b, '(');
	rf_diff_format_key(a->sh, shape_cells, &b);
	rf_buf_printf(&b, ") %s", what);
	rf_strlist_add(&a->res->drift, b.data);
	rf_buf_free(&b);
}

/* Encodes into a->enc the key (shape columns key[0..nkey)) of a row
 * streamed in stream_cols order, canonical as the diff made it: only the
 * key is canonicalized, the rest of the row is not looked at. */
static void encode_row_key(struct apply *a, const struct rf_row *row, const size_t *key,
                           size_t nkey)
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
static void reset_keys(struct apply *a)
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
	reset_keys(a);
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
		if (c->dst < 0 ||
		    rf_value_equal(c->tclass, &a->cells[j], &op->row->dst[j], &c->opts))
			continue;
		rf_buf_adds(&changed, changed.len ? ", " : "changed since the diff: ");
		rf_buf_adds(&changed, c->name);
	}
	if (changed.len)
		add_drift(a, op->row->dst, changed.data);
	a->before[i] = make_image(a, row);
	rf_buf_free(&changed);
	return 0;
}

/* A row to insert must still be absent: any row with its key is drift. */
static int recheck_absent(void *ctx, const struct rf_row *row, struct rf_error *err)
{
	struct apply *a = ctx;
	size_t i;
	(void)err;

	encode_row_key(a, row, a->sh->key, a->sh->nkey);
	if (rf_keyset_get(&a->keys, a->enc.data, a->enc.len, &i) && !a->seen[i]) {
		a->seen[i] = true;
		add_drift(a, a->p->ops[i].row->src, "is now in the target (it was to be inserted)");
	}
	return 0;
}

/* Locks and re-checks the plan's rows in chunks: first the rows to update
 * or delete, by target key, then the keys to insert, by match key. */
static int recheck(struct apply *a, struct rf_error *err)
{
	const struct rf_plan *p = a->p;
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
		struct rf_lookup_key lk = {nkey, cols, classes, 0, NULL};

		for (i = n = 0; i < p->nops; i++)
			if ((p->ops[i].kind == RF_OP_INSERT) == inserts)
				group[n++] = i;
		lookup_key(a, key, nkey, cols, classes);
		span = rf_lookup_span(a->db, n);
		/* the keys to insert are looked up again after the inserts */
		if (inserts)
			lk.kept = &a->insert_keys;
		for (first = 0; first < n; first += span) {
			size_t m = n - first < span ? n - first : span;
			chunk_tuples(a, group + first, m, key, nkey, inserts, tuples);
			a->keys_hold_inserts = inserts && m == n;
			if (rf_lookup_rows(a->db, a->dt, &lk, tuples, m, a->stream_cols, a->nstream,
			                   true, inserts ? recheck_absent : recheck_existing, a,
			                   err) != 0)
				goto out;
			for (i = first; !inserts && i < first + m; i++)
				if (!a->seen[group[i]])
					add_drift(a, p->ops[group[i]].row->dst,
					          "is no longer in the target");
			a->done += m;
			if (cancelled(a, RF_APPLY_CHECKING, a->done, p->nops)) {
				rc = 1;
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(tuples);
	free(group);
	return rc;
}

/* Journals inserted rows from their RETURNING rows (table column order),
 * matched to the statement's ops by match key. */
static int journal_returned(struct apply *a, const struct rf_stmt *s, const struct rf_result *r,
                            struct rf_error *err)
{
	size_t row, k, i, matched = 0;

	reset_keys(a);
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
		rf_diff_canon_row(a->sh, 1, &a->tmp, &a->canon, a->cells, NULL);
		rf_buf_reset(&a->enc);
		rf_key_encode(&a->enc, a->cells, a->sh->key, a->sh->nkey);
		if (!rf_keyset_get(&a->keys, a->enc.data, a->enc.len, &i))
			return rf_error_set(err, a->db->name,
			                    "an inserted row came back with a key that was not "
			                    "inserted (a trigger changed it?)");
		im = make_image(a, &a->tmp);
		k = (size_t)rf_journal_add(a->journal, RF_OP_INSERT, journal_key(a, &im), NULL,
		                           im.cells, err);
		image_free(&im);
		if (k != 0)
			return -1;
		matched++;
	}
	if (matched != s->count)
		return rf_error_set(err, a->db->name, "INSERT returned %zu rows for %zu inserted",
		                    matched, s->count);
	return 0;
}

/* Rows written without RETURNING are read back (under the transaction's
 * own locks) for their after-images. */
struct readback {
	struct apply *a;
	enum rf_op_kind kind;
	const size_t *key;
	size_t nkey;
	size_t found;
};

static int readback_row(void *ctx, const struct rf_row *row, struct rf_error *err)
{
	struct readback *rb = ctx;
	struct apply *a = rb->a;
	struct image im;
	size_t i;
	int rc;

	encode_row_key(a, row, rb->key, rb->nkey);
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
	fill_image(a, row, &a->img_buf, a->img.cells, a->img_offs);
	im = a->img;
	rc = rf_journal_add(a->journal, rb->kind, journal_key(a, &im),
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
	struct readback rb = {a, kind, key, nkey, 0};
	size_t cols[64];
	enum rf_type_class classes[64];
	/* rows just written: a table that was small when the transaction began
	 * may be scanned rather than probed, so fewer, larger lookups */
	struct rf_lookup_key lk = {nkey, cols, classes, APPLY_READBACK_CHUNK,
	                           kind == RF_OP_INSERT ? &a->insert_keys : NULL};
	size_t i, k;
	bool reuse;
	int rc;

	/* the re-check left exactly these keys in a->keys when it looked
	 * them all up at once: no need to hash 100k keys again */
	reuse = kind == RF_OP_INSERT && a->keys_hold_inserts;
	if (!reuse)
		reset_keys(a);
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
	rc = rf_lookup_rows(a->db, a->dt, &lk, tuples, n, a->stream_cols, a->nstream, false,
	                    readback_row, &rb, err);
	if (rc == 0 && rb.found != n)
		rc = rf_error_set(err, a->db->name,
		                  "%zu of %zu written rows could not be read back for the journal",
		                  n - rb.found, n);
	free(tuples);
	return rc;
}

/* Runs one statement and journals what it did. */
static int run_stmt(struct apply *a, const struct rf_stmt *s, struct rf_error *err)
{
	struct rf_result r;
	int rc = -1;

	if (s->bulk) {
		memset(&r, 0, sizeof r);
		if (a->db->ops->bulk_load(a->db, s->sql, s->data, s->data_len, &r.affected, err) !=
		    0)
			return -1;
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
		if (rf_journal_add(a->journal, RF_OP_DELETE, journal_key(a, b), b->cells, NULL,
		                   err) != 0)
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

/* Journals every op of one kind by reading the rows back: updates once
 * all have run (before the inserts, so the journal lists ops in the order
 * they took effect), inserts at the end. */
static int journal_read_back(struct apply *a, enum rf_op_kind kind, struct rf_error *err)
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

/* Starts journaling the inserts from the values sent, while they load,
 * where the table as the plan saw it stores them as sent (predict.c); the
 * journal is marked first, so that journal_inserts() can take the lines
 * back. */
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

	if (rf_predict_join(a->job, false, &holds, err) != 0)
		return -1;
	a->job = NULL;
	if (!a->mark.set)
		return journal_read_back(a, RF_OP_INSERT, err);
	if (holds) {
		if (a->db->ops->describe(a->db, a->dt->display, &now, err) != 0)
			return -1;
		holds = rf_predict_holds(&a->pr, &now);
		rf_table_info_free(&now);
	}
	if (!holds)
		return rf_journal_rollback_to(a->journal, &a->mark, err) == 0
		           ? journal_read_back(a, RF_OP_INSERT, err)
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
			if (journal_read_back(a, RF_OP_UPDATE, err) != 0 ||
			    (s && !s->returning && start_predicting(a, err) != 0))
				goto out;
			updates_journaled = true;
		}
		if (!s)
			break;
		if (cancelled(a, RF_APPLY_WRITING, a->done, a->p->nops)) {
			rc = 1;
			goto out;
		}
		if (run_stmt(a, s, err) != 0)
			goto out;
		returned = returned || s->returning;
		a->done += s->count;
	}
	if (!returned && journal_inserts(a, err) != 0)
		goto out;
	rc = cancelled(a, RF_APPLY_WRITING, a->done, a->p->nops) ? 1 : 0;
out:
	rf_predict_join(a->job, true, NULL, NULL); /* after a failure: lines not wanted */
	a->job = NULL;
	rf_stmts_free(&stmts);
	return rc;
}

static int open_journal(struct apply *a, const struct rf_db *source, struct rf_error *err)
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
		image_free(&a->before[i]);
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
	rf_db_rollback(a->db, NULL);
	if (a->journal)
		rf_journal_abort(a->journal,
		                 cause && cause->set ? rf_error_text(cause, text, sizeof text)
		                                     : "cancelled",
		                 NULL);
}

int rf_apply(const struct rf_plan *p, const struct rf_db *source, struct rf_db *target,
             const struct rf_apply_opts *o, struct rf_apply_result *res, struct rf_error *err)
{
	struct rf_tx_opts tx = {o->lock_timeout_ms, o->statement_timeout_ms};
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
	if (!o->undo_dir || !*o->undo_dir)
		return rf_error_set(err, target->name,
		                    "no undo directory: nothing is written "
		                    "without a journal");
	if (target->in_tx)
		return rf_error_set(err, target->name,
		                    "a transaction is still open on the target (close the diff "
		                    "before applying)");
	apply_init(&a, p, target, o, res);
	res->status = RF_APPLY_FAILED;
	if (rf_db_begin(target, RF_TX_WRITE, &tx, err) != 0)
		goto out;
	r = recheck(&a, err);
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
	if (open_journal(&a, source, err) != 0) {
		rf_db_rollback(target, NULL);
		goto out;
	}
	r = write_all(&a, err);
	if (r != 0 || rf_journal_sync(a.journal, err) != 0) {
		abandon(&a, r > 0 ? NULL : err);
		res->status = r > 0 ? RF_APPLY_CANCELLED : RF_APPLY_FAILED;
		if (r > 0)
			rf_error_set(err, target->name, "cancelled: rolled back, nothing written");
		rc = r > 0 ? 1 : -1;
		goto out;
	}
	if (cancelled(&a, RF_APPLY_COMMITTING, p->nops, p->nops)) {
		abandon(&a, NULL);
		res->status = RF_APPLY_CANCELLED;
		rf_error_set(err, target->name, "cancelled: rolled back, nothing written");
		rc = 1;
		goto out;
	}
	if (rf_db_commit(target, err) != 0) {
		/* the server may or may not have committed: the journal stays
		 * pending, and undo resolves it by looking for the after-images */
		rf_db_rollback(target, NULL);
		goto out;
	}
	res->status = RF_APPLY_DONE;
	/* committed; a failure to seal the journal is reported, not undone */
	rc = rf_journal_commit(a.journal, err) == 0 ? 0 : -1;
out:
	res->seconds = now_seconds() - start;
	apply_free(&a);
	return rc;
}
