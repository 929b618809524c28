/* all_stream.c - copy --all --create: the tables it creates loaded as
 * their source rows are read (all_stream.h, DESIGN §13). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/all_copy.h"
#include "rowferry/all_create.h"
#include "rowferry/all_stream.h"

/* Bytes of bulk rows handed to the loader at a time: the server loads
 * one piece while the next is read and rendered. */
#define STREAM_PIECE (256u << 10)

/* Whether every column of sh is copied as it is: nothing for the diff to
 * work out (a reference through a match key, a remapped or generated key,
 * an excluded column, the source's own key for the journal). */
static bool shape_plain(const struct rf_diff_shape *sh)
{
	size_t i;

	if (sh->nsrc_key || sh->remapped)
		return false;
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		if (c->ref || c->remap || c->hidden || c->excluded || c->src < 0)
			return false;
	}
	return true;
}

int rf_all_stream_plan(struct rf_db *src, struct rf_db *dst, const struct rf_selection *sel,
                       unsigned ops_mask, struct rf_plan **plan, unsigned long long *rows,
                       struct rf_error *err)
{
	struct rf_selection none;
	struct rf_diff *d;
	struct rf_plan *p = NULL;
	int rc = -1;

	*plan = NULL;
	*rows = 0;
	if (!dst->planned || !dst->planned->stream || !(ops_mask & RF_OP_INSERT) || !dst->bulk ||
	    !dst->ops->bulk_stream || !dst->ops->bulk_statement || !dst->ops->bulk_value ||
	    sel->where || sel->source_where || sel->target_where || sel->nremaps || sel->nrefs)
		return 0;
	/* the shape as the diff resolves it, with no row read */
	rf_selection_copy(&none, sel);
	none.source_where = rf_xstrdup("1 = 0");
	d = rf_diff_open(src, dst, &none, err);
	rf_selection_free(&none);
	if (!d)
		return -1;
	if (!rf_db_planned(dst, rf_diff_shape(d)->dst_table.display) ||
	    !shape_plain(rf_diff_shape(d))) {
		rf_diff_close(d);
		return 0;
	}
	p = rf_plan_new(rf_diff_detach_shape(d), ops_mask);
	rf_diff_close(d);
	if (p->errors.len || !p->ninsert_cols) {
		rf_plan_free(p);
		return 0;
	}
	if (rf_db_count_rows(src, &p->shape->src_table, rows, err) != 0)
		goto out;
	*plan = p;
	p = NULL;
	rc = 1;
out:
	rf_plan_free(p);
	return rc;
}

/* One table's rows on their way: read, canonicalized, rendered, and
 * summed as the verification sums a table (all_copy.h): the row hash of
 * the copied columns, key first, over their canonical forms. */
struct feed {
	const struct rf_plan *p;
	struct rf_db *src, *dst;
	struct rf_stream *st;
	const struct rf_apply_opts *o;
	struct rf_buf out, canon;
	struct rf_cell *cells; /* one row, per shape column */
	unsigned long long read, bytes;
	size_t total; /* rows expected (the planning count), for progress */
	bool cancelled;
	size_t nsum, *sum_cols; /* the shape columns summed, in order; 0: none */
	unsigned long long sum;
	struct rf_buf row; /* one row's hash input */
};

/* Whether the rows read can be summed here as the verification sums them
 * in SQL: engines of their own (the same engine on both sides sums its
 * native way) and columns canonicalized without options (a tolerance, a
 * precision or a trim changes the canonical form the load writes). Then
 * f's summed columns are set: the key, then the other copied ones. */
static void sum_setup(struct feed *f, const struct rf_db *src, const struct rf_db *dst)
{
	const struct rf_diff_shape *sh = f->p->shape;
	size_t i;

	if (src->ops == dst->ops)
		return;
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_col_opts *o = &sh->cols[i].opts;
		if (o->has_tolerance || o->ts_precision >= 0 || o->trim)
			return;
	}
	f->sum_cols = rf_xcalloc(sh->ncols + 1, sizeof *f->sum_cols);
	for (i = 0; i < sh->nkey; i++)
		f->sum_cols[f->nsum++] = sh->key[i];
	for (i = 0; i < sh->ncols; i++)
		if (sh->cols[i].copy && !sh->cols[i].key_pos)
			f->sum_cols[f->nsum++] = i;
}

/* Adds the row in f->cells to f->sum (value.h, rf_row_hash_sum). */
static void sum_row(struct feed *f)
{
	size_t i;

	for (i = 0; i < f->nsum; i++)
		rf_row_hash_add(&f->row, &f->cells[f->sum_cols[i]]);
	rf_row_hash_sum(&f->row, &f->sum);
}

/* Reads, canonicalizes, sums and renders rows into out (reset here) until
 * it holds STREAM_PIECE bytes or the rows end: 1 with rows in out, 0 at
 * the end, -1 with err. */
static int fill_piece(struct feed *f, struct rf_buf *out, struct rf_error *err)
{
	const struct rf_plan *p = f->p;
	const struct rf_row *row;
	size_t j, k;
	int r;

	rf_buf_reset(out);
	while (out->len < STREAM_PIECE) {
		r = f->src->ops->stream_next(f->st, &row, err);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		for (k = 0; k < row->ncols; k++)
			f->bytes += row->cells[k].len;
		rf_diff_canon_row(p->shape, 0, row, &f->canon, f->cells, NULL);
		if (f->nsum)
			sum_row(f);
		for (j = 0; j < p->ninsert_cols; j++) {
			size_t c = p->insert_cols[j];
			f->dst->ops->bulk_value(f->dst, p->shape->cols[c].tclass, &f->cells[c],
			                        j + 1 == p->ninsert_cols, out);
		}
		f->read++;
	}
	return out->len ? 1 : 0;
}

/* Between two pieces: progress, and a cancel stops the load. */
static int feed_tick(struct feed *f, unsigned long long read, struct rf_error *err)
{
	if ((f->o->cancel && *f->o->cancel) ||
	    (f->o->progress &&
	     f->o->progress(f->o->progress_ctx, RF_APPLY_WRITING, (size_t)read, f->total) != 0)) {
		f->cancelled = true;
		return rf_error_set(err, f->dst->name, "cancelled: rolled back, nothing written");
	}
	return 0;
}

/* The load's rows read in the loader's own thread (no reader thread). */
static int feed_next(void *ctx, const char **data, size_t *len, struct rf_error *err)
{
	struct feed *f = ctx;
	int r = fill_piece(f, &f->out, err);

	if (r <= 0)
		return r;
	if (feed_tick(f, f->read, err) != 0)
		return -1;
	*data = f->out.data;
	*len = f->out.len;
	return 1;
}

/* The source read by a thread of its own, a few pieces ahead of the
 * loader: the source's server (or SQLite's reads and the rendering) and
 * the target's load then run side by side instead of in turns. Only the
 * reader touches the source connection and the feed's row state while it
 * runs; the pieces pass under the mutex. */
#define STREAM_PIECES 3

struct reader {
	struct feed *f;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rf_buf piece[STREAM_PIECES];
	size_t head, full;       /* the oldest full piece; how many are full */
	bool given;              /* piece[head] is with the loader */
	bool end, failed, stop;  /* the reader ended, failed; the loader stops it */
	unsigned long long read; /* rows in the pieces filled */
	struct rf_error err;     /* failed: why */
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct rf_error e;
	size_t at;
	int rc;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (r->full == STREAM_PIECES && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		at = (r->head + r->full) % STREAM_PIECES;
		rc = r->stop ? 0 : 1;
		pthread_mutex_unlock(&r->mu);
		if (!rc)
			break;
		rf_error_clear(&e);
		rc = fill_piece(r->f, &r->piece[at], &e); /* a piece not full: not the loader's */
		pthread_mutex_lock(&r->mu);
		if (rc < 0) {
			r->failed = true;
			r->err = e;
		} else if (rc == 0) {
			r->end = true;
		} else {
			r->full++;
			r->read = r->f->read;
		}
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		if (rc <= 0)
			break;
	}
	return NULL;
}

static int reader_next(void *ctx, const char **data, size_t *len, struct rf_error *err)
{
	struct reader *r = ctx;
	unsigned long long read;
	int rc;

	pthread_mutex_lock(&r->mu);
	if (r->given) { /* the loader is done with the piece it had */
		r->given = false;
		r->head = (r->head + 1) % STREAM_PIECES;
		r->full--;
		pthread_cond_broadcast(&r->cv);
	}
	while (!r->full && !r->end && !r->failed)
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->failed) {
		*err = r->err;
		rc = -1;
	} else if (r->full) {
		*data = r->piece[r->head].data;
		*len = r->piece[r->head].len;
		r->given = true;
		rc = 1;
	} else {
		rc = 0;
	}
	read = r->read;
	pthread_mutex_unlock(&r->mu);
	if (rc > 0 && feed_tick(r->f, read, err) != 0)
		return -1;
	return rc;
}

/* Loads sql's rows from f through the target's bulk loader, read by a
 * reader thread where one starts (else in this one). */
static int load_rows(struct feed *f, const char *sql, long long *loaded, struct rf_error *err)
{
	struct rf_bulk_rows rows = {feed_next, f};
	struct reader *r = rf_xcalloc(1, sizeof *r);
	size_t k;
	int rc;

	r->f = f;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->thread, NULL, reader_main, r) == 0) {
		rows.next = reader_next;
		rows.ctx = r;
		rc = f->dst->ops->bulk_stream(f->dst, sql, &rows, loaded, err);
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	} else {
		rc = f->dst->ops->bulk_stream(f->dst, sql, &rows, loaded, err);
	}
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	for (k = 0; k < STREAM_PIECES; k++)
		rf_buf_free(&r->piece[k]);
	free(r);
	return rc;
}

/* The source's read transaction every streamed table is read in, begun by
 * the first load and ended by the verification (or rf_all_check_free). */
static int source_snapshot(struct rf_all_check *c, struct rf_error *err)
{
	if (c->src_open)
		return 0;
	if (c->src->in_tx)
		return rf_error_set(err, c->src->name, "a transaction is still open on the source");
	if (rf_db_begin(c->src, RF_TX_READ, NULL, err) != 0)
		return -1;
	c->src_open = true;
	return 0;
}

int rf_all_stream_load(void *ctx, struct rf_apply_tx *tx, const struct rf_plan *step,
                       const struct rf_apply_opts *o, struct rf_error *err)
{
	struct rf_all_check *c = ctx;
	const struct rf_diff_shape *sh = step->shape;
	size_t i = rf_set_plan_item_of(c->sp, step), *scols = NULL, *shape_cols = NULL, n = 0,
	       *dcols;
	struct rf_stream_spec spec;
	struct rf_buf sql = RF_BUF_INIT;
	struct feed f;
	long long loaded = 0;
	struct rf_journal_load_sum sum;
	int rc = -1, sr;

	memset(&sum, 0, sizeof sum);
	if (i == c->len || !c->sp->items[i].streamed)
		return rf_error_set(err, c->dst->name, "a load of a table not planned as streamed");
	if (source_snapshot(c, err) != 0)
		return -1;
	memset(&f, 0, sizeof f);
	f.p = step;
	f.src = c->src;
	f.dst = c->dst;
	f.o = o;
	f.total = (size_t)c->sp->items[i].stream_rows;
	f.cells = rf_xcalloc(sh->ncols + 1, sizeof *f.cells);
	sum_setup(&f, c->src, c->dst);
	dcols = rf_xcalloc(step->ninsert_cols + 1, sizeof *dcols);
	for (n = 0; n < step->ninsert_cols; n++)
		dcols[n] = (size_t)sh->cols[step->insert_cols[n]].dst;
	c->dst->ops->bulk_statement(c->dst, &sh->dst_table, dcols, step->ninsert_cols, &sql);
	rf_diff_stream_cols(sh, 0, &scols, &shape_cols, &n);
	memset(&spec, 0, sizeof spec);
	spec.table = &sh->src_table;
	spec.ncols = n;
	spec.cols = scols;
	if (c->src->ops->stream_open(c->src, &spec, &f.st, err) != 0)
		goto out;
	rc = load_rows(&f, sql.data, &loaded, err);
	c->src->ops->stream_close(f.st);
	if (rc != 0) {
		rc = f.cancelled ? 1 : -1;
		goto out;
	}
	rc = -1;
	if (loaded < 0 || (unsigned long long)loaded != f.read) {
		rf_error_set(err, c->sp->items[i].table,
		             "%llu rows read from %s, %lld loaded into %s; nothing committed",
		             f.read, c->src->name, loaded, c->dst->name);
		goto out;
	}
	/* the target's checksum now, for the journal (undo checks it) and
	 * the verification */
	sr = rf_all_target_sum(c, step, &sum, err);
	if (sr < 0 || rf_apply_journal_load(tx, step, f.read, sr > 0 ? &sum : NULL, err) != 0)
		goto out;
	c->items[i].written = (size_t)f.read;
	c->items[i].streamed = true;
	c->items[i].read_rows = f.read;
	c->items[i].read_summed = f.nsum > 0;
	c->items[i].read_sum = f.sum;
	c->items[i].bytes = f.bytes;
	c->steps_ops += (size_t)f.read;
	rc = 0;
out:
	rf_journal_load_sum_free(&sum);
	free(scols);
	free(shape_cols);
	free(dcols);
	free(f.cells);
	free(f.sum_cols);
	rf_buf_free(&f.row);
	rf_buf_free(&f.out);
	rf_buf_free(&f.canon);
	rf_buf_free(&sql);
	return rc;
}
