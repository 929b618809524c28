/* diff_remap.c - the source side of a diff with remapped columns
 * (--remap TABLE=uuid5, DESIGN §11).
 *
 * A remapped column's source value is replaced by UUIDv5(namespace,
 * "TABLE:<canonical value>"). No engine computes that, so the source's
 * rows cannot arrive ordered by it: they are read whole, remapped, and
 * sorted by the match key in memory (as the diff through a map does,
 * map_diff.c), then handed to the merge one by one. Memory grows with the
 * source's rows of such a table; the target still streams.
 */
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "rowferry/uuid.h"

/* One row: its cells, then its canonical key cells, bytes in one block. */
struct mem_row {
	struct rf_row row;
	struct rf_cell *key; /* nkey canonical cells, in key order */
	char *bytes;
};

static const struct rf_diff_shape *sort_shape; /* qsort has no context */

static int mem_cmp(const void *pa, const void *pb)
{
	const struct mem_row *a = pa, *b = pb;
	size_t i;
	for (i = 0; i < sort_shape->nkey; i++) {
		int r = rf_value_cmp_key(sort_shape->cols[sort_shape->key[i]].tclass, &a->key[i],
		                         &b->key[i]);
		if (r)
			return r;
	}
	return 0;
}

/* Appends cell c of shape column col to buf as the merge will see it:
 * remapped when the column is. */
static void remap_cell(const struct rf_diff_shape *sh, const struct rf_diff_col *col,
                       const struct rf_cell *c, struct rf_buf *name, struct rf_buf *buf)
{
	static const struct rf_col_opts plain = RF_COL_OPTS_INIT;

	if (!col->remap) {
		rf_buf_add(buf, c->data, c->len);
		return;
	}
	rf_buf_reset(name);
	rf_buf_printf(name, "%s:", col->remap);
	rf_value_canon(sh->src_table.cols[col->src].tclass, c, &plain, name);
	rf_uuid5(sh->remap_ns, name->data, name->len, buf);
}

/* Freezes the row into out: its cells (remapped) in one block, then the
 * key's canonical forms. buf and kbuf are scratch. */
static void mem_add(const struct rf_diff_shape *sh, const size_t *shape_cols, const int *stream_of,
                    const struct rf_row *in, struct rf_buf *name, struct rf_buf *buf,
                    struct rf_buf *kbuf, struct mem_row *out)
{
	size_t i, n = in->ncols, *offs = rf_xcalloc(n + sh->nkey + 1, sizeof *offs);
	struct rf_cell *cells = rf_xcalloc(n + 1, sizeof *cells);
	char *p;

	rf_buf_reset(buf);
	rf_buf_reset(kbuf);
	for (i = 0; i < n; i++) {
		offs[i] = buf->len;
		cells[i].is_null = in->cells[i].is_null;
		if (!in->cells[i].is_null)
			remap_cell(sh, &sh->cols[shape_cols[i]], &in->cells[i], name, buf);
		cells[i].len = buf->len - offs[i];
	}
	for (i = 0; i < n; i++) /* buf no longer grows */
		cells[i].data = cells[i].is_null ? NULL : buf->data + offs[i];
	out->key = rf_xcalloc(sh->nkey + 1, sizeof *out->key);
	for (i = 0; i < sh->nkey; i++) {
		const struct rf_diff_col *c = &sh->cols[sh->key[i]];
		const struct rf_cell *k = &cells[stream_of[sh->key[i]]];
		offs[n + i] = kbuf->len;
		out->key[i].is_null = k->is_null;
		if (!k->is_null)
			rf_value_canon(c->tclass, k, &c->opts, kbuf);
		out->key[i].len = kbuf->len - offs[n + i];
	}
	p = out->bytes = rf_xmalloc(buf->len + kbuf->len + 1);
	if (buf->len)
		memcpy(p, buf->data, buf->len);
	if (kbuf->len)
		memcpy(p + buf->len, kbuf->data, kbuf->len);
	for (i = 0; i < n; i++)
		cells[i].data = cells[i].is_null ? NULL : p + offs[i];
	for (i = 0; i < sh->nkey; i++)
		out->key[i].data = out->key[i].is_null ? NULL : p + buf->len + offs[n + i];
	out->row.ncols = n;
	out->row.cells = cells;
	free(offs);
}

int diff_mem_load(const struct rf_diff_shape *sh, struct rf_db *db, struct rf_stream *st,
                  const size_t *shape_cols, const int *stream_of, struct diff_mem *m,
                  struct rf_error *err)
{
	struct rf_buf name = RF_BUF_INIT, buf = RF_BUF_INIT, kbuf = RF_BUF_INIT;
	struct mem_row *rows = NULL;
	const struct rf_row *row;
	size_t cap = 0;
	int r, rc = -1;

	memset(m, 0, sizeof *m);
	while ((r = db->ops->stream_next(st, &row, err)) > 0) {
		if (m->len == cap) {
			cap = cap ? 2 * cap : 64;
			rows = rf_xrealloc(rows, cap * sizeof *rows);
		}
		mem_add(sh, shape_cols, stream_of, row, &name, &buf, &kbuf, &rows[m->len++]);
	}
	m->rows = rows;
	if (r < 0)
		goto out;
	sort_shape = sh;
	qsort(rows, m->len, sizeof *rows, mem_cmp);
	sort_shape = NULL;
	rc = 0;
out:
	rf_buf_free(&name);
	rf_buf_free(&buf);
	rf_buf_free(&kbuf);
	return rc;
}

const struct rf_row *diff_mem_next(struct diff_mem *m)
{
	struct mem_row *rows = m->rows;
	return m->pos < m->len ? &rows[m->pos++].row : NULL;
}

void diff_mem_free(struct diff_mem *m)
{
	struct mem_row *rows = m->rows;
	size_t i;
	for (i = 0; i < m->len; i++) {
		free(rows[i].row.cells);
		free(rows[i].key);
		free(rows[i].bytes);
	}
	free(rows);
	memset(m, 0, sizeof *m);
}
