/* all_stream.c - copy --all --create: the tables it creates loaded as
 * their source rows are read (all_stream.h, DESIGN §13). */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/all_copy.h"
#include "rowferry/all_create.h"
#include "rowferry/all_stream.h"

/* Bytes of bulk rows handed to the loader at a time: the server loads
 * one piece while the next is read and rendered. */
#define STREAM_PIECE (256u << 10)
/* Rows between two progress reports (and cancel checks). */
#define STREAM_TICK 8192

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

/* count(*) of the source table, in the caller's snapshot. */
static int count_rows(struct rf_db *db, const struct rf_table_info *t, unsigned long long *out,
                      struct rf_error *err)
{
	struct rf_buf q = RF_BUF_INIT;
	struct rf_result r = {0};
	int rc = -1;

	rf_buf_adds(&q, "SELECT count(*) FROM ");
	rf_db_quote_table(db, t, &q);
	if (db->ops->exec(db, q.data, 0, NULL, &r, err) != 0)
		goto out;
	if (r.nrows != 1 || r.ncols != 1 || r.cells[0].is_null) {
		rf_error_set(err, t->display, "count(*) gave no row");
		goto out;
	}
	*out = strtoull(r.cells[0].data, NULL, 10);
	rc = 0;
out:
	rf_result_free(&r);
	rf_buf_free(&q);
	return rc;
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
	if (count_rows(src, &p->shape->src_table, rows, err) != 0)
		goto out;
	*plan = p;
	p = NULL;
	rc = 1;
out:
	rf_plan_free(p);
	return rc;
}

/* The row sums of db.h's segment_sums, modulo 2^60. */
#define SUM_MASK ((1ULL << 60) - 1)

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
	uint64_t sum;
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

/* Adds the row in f->cells to f->sum: md5 of each value as
 * "<length>:<canonical>" ("-" for NULL), its first 15 hex digits. */
static void sum_row(struct feed *f)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	uint64_t h = 0;
	size_t i;

	rf_buf_reset_small(&f->row);
	for (i = 0; i < f->nsum; i++) {
		const struct rf_cell *c = &f->cells[f->sum_cols[i]];
		if (c->is_null) {
			rf_buf_addc(&f->row, '-');
			continue;
		}
		rf_buf_printf(&f->row, "%zu:", c->len);
		rf_buf_add(&f->row, c->data ? c->data : "", c->len);
	}
	EVP_Digest(f->row.data ? f->row.data : "", f->row.len, md, &mdlen, EVP_md5(), NULL);
	for (i = 0; i < 8; i++)
		h = (h << 8) | md[i];
	f->sum = (f->sum + (h >> 4)) & SUM_MASK;
}

static int feed_next(void *ctx, const char **data, size_t *len, struct rf_error *err)
{
	struct feed *f = ctx;
	const struct rf_plan *p = f->p;
	const struct rf_row *row;
	size_t j, k;
	int r;

	rf_buf_reset(&f->out);
	while (f->out.len < STREAM_PIECE) {
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
			                        j + 1 == p->ninsert_cols, &f->out);
		}
		if (++f->read % STREAM_TICK)
			continue;
		if ((f->o->cancel && *f->o->cancel) ||
		    (f->o->progress && f->o->progress(f->o->progress_ctx, RF_APPLY_WRITING,
		                                      (size_t)f->read, f->total) != 0)) {
			f->cancelled = true;
			return rf_error_set(err, f->dst->name,
			                    "cancelled: rolled back, nothing written");
		}
	}
	if (!f->out.len)
		return 0;
	*data = f->out.data;
	*len = f->out.len;
	return 1;
}

/* The index of the table whose plan is step, or c->len. */
static size_t item_of(const struct rf_all_check *c, const struct rf_plan *step)
{
	size_t i;
	for (i = 0; i < c->len; i++)
		if (c->sp->items[i].plan == step)
			break;
	return i;
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
	size_t i = item_of(c, step), *scols = NULL, *shape_cols = NULL, n = 0, *dcols;
	struct rf_stream_spec spec;
	struct rf_buf sql = RF_BUF_INIT;
	struct rf_bulk_rows rows;
	struct feed f;
	long long loaded = 0;
	int rc = -1;

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
	rows.next = feed_next;
	rows.ctx = &f;
	rc = c->dst->ops->bulk_stream(c->dst, sql.data, &rows, &loaded, err);
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
	if (rf_apply_journal_load(tx, step, f.read, err) != 0)
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
