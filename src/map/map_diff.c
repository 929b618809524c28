/* map_diff.c - a diff through a [map] section (DESIGN §12): the source
 * rows are mapped and validated, then compared canonically with the
 * target's rows by the map's key.
 *
 * First slice: both sides are read into memory and sorted by the mapped
 * key (a key computed by an expression has no order the source server
 * could stream it in), so memory grows with the table, unlike the plain
 * diff. A ref() parent's (match key, primary key) pairs are read from the
 * target once and searched per row; each sql() is one more select-list
 * item of the source's stream, after its columns.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/map_diff.h"

/* A row of one side: ncols canonical target-shaped cells into one buffer. */
struct side_row {
	struct rf_cell *cells;
	char *bytes;
};

struct side {
	size_t len, cap;
	struct side_row *rows;
};

struct ctx {
	const struct rf_map_diff_shape *ms;
	const struct rf_diff_shape *sh;
};

static const struct ctx *sort_ctx; /* qsort has no context argument */

static int row_cmp(const struct ctx *c, const struct side_row *a, const struct side_row *b)
{
	size_t i;
	int r;

	for (i = 0; i < c->sh->nkey; i++) {
		size_t k = c->sh->key[i];
		r = rf_value_cmp_key(c->sh->cols[k].tclass, &a->cells[k], &b->cells[k]);
		if (r)
			return r;
	}
	return 0;
}

static int qsort_cmp(const void *a, const void *b)
{
	return row_cmp(sort_ctx, a, b);
}

/* Sorts s by the key unless it is in order already: the target streams
 * in key order, and a source keyed by its own primary key usually does. */
static void sort_by_key(const struct ctx *c, struct side *s)
{
	size_t i;

	for (i = 1; i < s->len; i++)
		if (row_cmp(c, &s->rows[i - 1], &s->rows[i]) > 0)
			break;
	if (i >= s->len)
		return;
	sort_ctx = c;
	qsort(s->rows, s->len, sizeof *s->rows, qsort_cmp);
	sort_ctx = NULL;
}

/* Freezes the cells just built in buf (offsets in cells[i].data) into a row. */
static void side_add(struct side *s, struct rf_cell *cells, size_t n, struct rf_buf *buf)
{
	struct side_row *r;
	size_t i;

	if (s->len == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->rows = rf_xrealloc(s->rows, s->cap * sizeof *s->rows);
	}
	r = &s->rows[s->len++];
	r->bytes = rf_xmalloc(buf->len + 1);
	memcpy(r->bytes, buf->data ? buf->data : "", buf->len + 1);
	r->cells = rf_xmalloc(n * sizeof *r->cells);
	for (i = 0; i < n; i++) {
		r->cells[i] = cells[i];
		if (!cells[i].is_null)
			r->cells[i].data = r->bytes + (size_t)(uintptr_t)cells[i].data;
	}
}

static void side_free(struct side *s)
{
	size_t i;

	for (i = 0; i < s->len; i++) {
		free(s->rows[i].cells);
		free(s->rows[i].bytes);
	}
	free(s->rows);
}

/* Appends a cell's bytes to buf, noting their offset in c->data. */
static void cell_set(struct rf_cell *c, struct rf_buf *buf, const char *p, size_t n)
{
	c->is_null = false;
	c->data = (const char *)(uintptr_t)buf->len;
	c->len = n;
	rf_buf_add(buf, p, n);
}

static void invalid(struct rf_map_diff_report *rep, const char *key, const char *col,
                    const char *reason)
{
	rf_buf_printf(&rep->invalid, "%s\t%s\t%s\n", key, col, reason);
	rep->ninvalid_cells++;
}

/* The source key of a raw source row, "ID=42", for the invalid-row list. */
static void source_key(const struct rf_table_info *t, const struct rf_row *row, struct rf_buf *out)
{
	size_t i;

	rf_buf_reset(out);
	for (i = 0; i < t->npk; i++) {
		const struct rf_cell *c = &row->cells[t->pk[i]];
		rf_buf_printf(out, "%s%s=", i ? ", " : "", t->cols[t->pk[i]].name);
		if (c->is_null)
			rf_buf_adds(out, "NULL");
		else
			rf_buf_add(out, c->data, c->len);
	}
	if (!t->npk)
		rf_buf_adds(out, "(no primary key)");
}

/* A ref() parent: its target rows' match key cells then primary key cell,
 * sorted by the match key. */
struct parent {
	const struct rf_map_diff_ref *ref;
	struct rf_table_info info;
	bool described;
	size_t nkey;
	size_t *cols; /* the match key's columns, then the primary key's */
	struct side rows;
};

static const struct parent *parent_ctx; /* for qsort and bsearch */

static int parent_cmp(const void *a, const void *b)
{
	const struct side_row *x = a, *y = b;
	size_t i;
	int r;

	for (i = 0; i < parent_ctx->nkey; i++) {
		r = rf_value_cmp_key(parent_ctx->info.cols[parent_ctx->cols[i]].tclass,
		                     &x->cells[i], &y->cells[i]);
		if (r)
			return r;
	}
	return 0;
}

static void parents_free(struct parent *p, size_t n)
{
	size_t i;

	for (i = 0; p && i < n; i++) {
		if (p[i].described)
			rf_table_info_free(&p[i].info);
		free(p[i].cols);
		side_free(&p[i].rows);
	}
	free(p);
}

/* Reads the parent of ref r from the target: its match key and primary key
 * of every row, canonical, sorted. */
static int read_parent(struct rf_db *dst, const struct rf_map_diff_ref *r, struct parent *p,
                       struct rf_error *err)
{
	struct rf_strlist key = RF_STRLIST_INIT;
	struct rf_stream_spec spec;
	struct rf_stream *stream = NULL;
	const struct rf_row *row;
	struct rf_cell *out = NULL;
	struct rf_buf buf = RF_BUF_INIT;
	size_t i;
	int c, rv, rc = -1;

	p->ref = r;
	if (rf_db_describe(dst, r->e->text, &p->info, err) != 0)
		goto out;
	p->described = true;
	rf_strlist_split(&key, r->key);
	if (p->info.npk != 1 || !key.len) {
		rf_error_set(err, "map", "ref(%s): its primary key must be one column", r->e->text);
		goto out;
	}
	if (key.len != r->e->nargs) {
		rf_error_set(err, "map", "ref(%s, ...) gives %zu value%s for its match key %s",
		             r->e->text, r->e->nargs, r->e->nargs == 1 ? "" : "s", r->key);
		goto out;
	}
	p->nkey = key.len;
	p->cols = rf_xcalloc(key.len + 1, sizeof *p->cols);
	for (i = 0; i < key.len; i++) {
		if ((c = rf_table_info_col(&p->info, key.items[i])) < 0) {
			rf_error_set(err, "map", "ref(%s): no column %s in the target's %s",
			             r->e->text, key.items[i], p->info.display);
			goto out;
		}
		p->cols[i] = (size_t)c;
	}
	p->cols[key.len] = p->info.pk[0];
	memset(&spec, 0, sizeof spec);
	spec.table = &p->info;
	spec.ncols = key.len + 1;
	spec.cols = p->cols;
	if (dst->ops->stream_open(dst, &spec, &stream, err) != 0)
		goto out;
	out = rf_xcalloc(key.len + 1, sizeof *out);
	while ((rv = dst->ops->stream_next(stream, &row, err)) > 0) {
		rf_buf_reset(&buf);
		for (i = 0; i <= key.len; i++) {
			size_t at = buf.len;
			out[i].is_null = row->cells[i].is_null;
			if (out[i].is_null)
				continue;
			rf_value_canon(p->info.cols[p->cols[i]].tclass, &row->cells[i], NULL, &buf);
			out[i].data = (const char *)(uintptr_t)at;
			out[i].len = buf.len - at;
		}
		side_add(&p->rows, out, key.len + 1, &buf);
	}
	if (rv < 0)
		goto out;
	parent_ctx = p;
	if (p->rows.len) /* rows is NULL for an empty parent */
		qsort(p->rows.rows, p->rows.len, sizeof *p->rows.rows, parent_cmp);
	parent_ctx = NULL;
	rc = 0;
out:
	if (stream)
		dst->ops->stream_close(stream);
	rf_strlist_free(&key);
	rf_buf_free(&buf);
	free(out);
	return rc;
}

struct parents {
	struct parent *items;
	size_t n;
	bool by_key; /* a copy's: the reference is the match key itself */
	const struct rf_map_pending *pending;
	size_t npending;
};

static enum rf_type_class pending_cls; /* for bsearch */

static int pending_cmp(const void *a, const void *b)
{
	return rf_value_cmp_key(pending_cls, a, b);
}

/* Whether a parent the copy inserts has the match key k. */
static bool pending_has(const struct parents *ps, const char *table, const struct rf_cell *k)
{
	size_t i;
	bool hit = false;

	for (i = 0; i < ps->npending && !hit; i++) {
		const struct rf_map_pending *p = &ps->pending[i];
		if (strcmp(p->table, table) != 0 || !p->n)
			continue;
		pending_cls = p->cls;
		hit = bsearch(k, p->keys, p->n, sizeof *p->keys, pending_cmp) != NULL;
	}
	return hit;
}

/* rf_map_row's ref: the parent's primary key whose match key is keys. */
static int resolve_ref(void *ctx, const struct rf_map_expr *e, const struct rf_map_value *keys,
                       size_t n, struct rf_map_value *out, struct rf_buf *reason,
                       struct rf_error *err)
{
	struct parents *ps = ctx;
	struct parent *p = NULL;
	struct rf_buf conv = RF_BUF_INIT, why = RF_BUF_INIT;
	struct side_row probe, *hit;
	/* per row: no allocation for a match key of a few columns */
	struct rf_cell cells_small[8];
	char *owned_small[8];
	struct rf_cell *cells = n < 8 ? cells_small : rf_xcalloc(n + 1, sizeof *cells);
	char **owned = n < 8 ? owned_small : rf_xcalloc(n + 1, sizeof *owned);
	size_t i;
	int rc = 1;

	memset(cells, 0, (n + 1) * sizeof *cells);
	memset(owned, 0, (n + 1) * sizeof *owned);

	for (i = 0; i < ps->n; i++)
		if (ps->items[i].ref->e == e)
			p = &ps->items[i];
	if (!p) {
		rc = rf_error_set(err, "map", "ref(%s): parent not read", e->text);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (rf_map_convert(&p->info.cols[p->cols[i]], &keys[i], &conv, &why) != 0) {
			rf_buf_printf(reason, "ref(%s): %s", e->text, why.data);
			goto out;
		}
		owned[i] = rf_buf_steal(&conv);
		cells[i].data = owned[i] ? owned[i] : "";
		cells[i].len = owned[i] ? strlen(owned[i]) : 0;
	}
	probe.cells = cells;
	parent_ctx = p;
	hit = p->rows.len
	          ? bsearch(&probe, p->rows.rows, p->rows.len, sizeof *p->rows.rows, parent_cmp)
	          : NULL;
	parent_ctx = NULL;
	if (ps->by_key && (hit || (n == 1 && pending_has(ps, e->text, &cells[0])))) {
		/* a copy writes the match key; the target finds the parent */
		rf_buf_reset(&out->buf);
		rf_buf_add(&out->buf, cells[0].data, cells[0].len);
		out->cls = p->info.cols[p->cols[0]].tclass;
		out->is_null = false;
		rc = 0;
		goto out;
	}
	if (!hit || hit->cells[n].is_null) {
		rf_buf_printf(reason, "ref(%s): no parent with %s = ", e->text, p->ref->key);
		for (i = 0; i < n; i++)
			rf_buf_printf(reason, "%s%s", i ? ", " : "", cells[i].data);
		goto out;
	}
	rf_buf_reset(&out->buf);
	rf_buf_add(&out->buf, hit->cells[n].data, hit->cells[n].len);
	out->cls = p->info.cols[p->cols[n]].tclass;
	out->is_null = false;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(owned[i]);
	if (owned != owned_small)
		free(owned);
	if (cells != cells_small)
		free(cells);
	rf_buf_free(&conv);
	rf_buf_free(&why);
	return rc;
}

/* Hands a source row to ms->on_source: the mapped cells built in buf
 * hold offsets (cell_set) until side_add, so a copy points into buf. */
static void source_row(const struct rf_map_diff_shape *ms, const struct rf_cell *canon,
                       const struct rf_cell *out, size_t n, const struct rf_buf *buf,
                       const char *invalid)
{
	struct rf_cell *mapped = rf_xcalloc(n + 1, sizeof *mapped);
	size_t i;

	for (i = 0; i < n; i++) {
		mapped[i] = out[i];
		if (!out[i].is_null)
			mapped[i].data =
			    (buf->data ? buf->data : "") + (size_t)(uintptr_t)out[i].data;
	}
	ms->on_source(ms->on_source_ctx, canon, mapped, invalid);
	free(mapped);
}

static bool has_sql(const struct rf_map_expr *e)
{
	size_t i;

	if (e->kind == RF_MAP_CALL && e->fn == RF_FN_SQL)
		return true;
	for (i = 0; i < e->nargs; i++)
		if (has_sql(e->args[i]))
			return true;
	return false;
}

/* A source read with sql() items that failed: the server's message may
 * be about one of them (an unknown function), so the error names the
 * columns that have one, "FILE:LINE: column X". */
static void sql_context(const struct rf_map_diff_shape *ms, struct rf_error *err)
{
	const struct rf_map *m = ms->map;
	struct rf_buf b = RF_BUF_INIT;
	size_t i;

	if (!ms->sqls.len)
		return;
	rf_buf_adds(&b, " (in the source's read with sql():");
	for (i = 0; i < m->ncols; i++)
		if (has_sql(m->cols[i].expr))
			rf_buf_printf(&b, " %s:%d: column %s;", m->file, m->cols[i].line,
			              m->cols[i].name);
	b.data[b.len - 1] = ')';
	snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg), "%s", b.data);
	rf_buf_free(&b);
}

/* Reads, maps and validates every source row into s. */
static int read_source(struct rf_db *src, const struct rf_map_diff_shape *ms,
                       const struct rf_diff_shape *sh, struct parents *ps, struct side *s,
                       struct rf_map_diff_report *rep, struct rf_error *err)
{
	const struct rf_table_info *t = &sh->src_table;
	size_t n = t->ncols + ms->sqls.len, i, *all = rf_xmalloc((n ? n : 1) * sizeof *all);
	struct rf_stream_spec spec;
	struct rf_stream *stream = NULL;
	const struct rf_row *row;
	struct rf_cell *canon = rf_xcalloc(n + 1, sizeof *canon);
	struct rf_cell *out = rf_xcalloc(sh->ncols + 1, sizeof *out);
	struct rf_buf cbuf = RF_BUF_INIT, obuf = RF_BUF_INIT, conv = RF_BUF_INIT;
	struct rf_buf reason = RF_BUF_INIT, key = RF_BUF_INIT;
	struct rf_map_row mrow;
	size_t *offs = rf_xmalloc((n + 1) * sizeof *offs);
	int r, rc = -1;

	for (i = 0; i < t->ncols; i++)
		all[i] = i;
	memset(&spec, 0, sizeof spec);
	spec.table = t;
	spec.ncols = t->ncols;
	spec.cols = all;
	spec.where = ms->map->where;
	/* sql(): the same statement, so the same read-only snapshot */
	spec.nexprs = ms->sqls.len;
	spec.exprs = ms->sql_exprs;
	if (src->ops->stream_open(src, &spec, &stream, err) != 0) {
		sql_context(ms, err);
		goto out;
	}
	rf_map_row_init(&mrow);
	mrow.ncols = n;
	mrow.names = (const char *const *)ms->src_names;
	mrow.classes = ms->src_classes;
	mrow.cells = canon;
	mrow.now = ms->now;
	mrow.ref = resolve_ref;
	mrow.ref_ctx = ps;
	while ((r = src->ops->stream_next(stream, &row, err)) > 0) {
		bool bad = false;
		size_t inv_at = rep->invalid.len;
		rep->src_rows++;
		rf_buf_reset(&cbuf);
		for (i = 0; i < n; i++) {
			offs[i] = cbuf.len;
			canon[i].is_null = row->cells[i].is_null;
			if (!canon[i].is_null)
				rf_value_canon(ms->src_classes[i], &row->cells[i], NULL, &cbuf);
			canon[i].len = cbuf.len - offs[i];
		}
		for (i = 0; i < n; i++)
			canon[i].data = cbuf.data + offs[i];
		rf_buf_reset(&obuf);
		for (i = 0; i < sh->ncols; i++) {
			const struct rf_map_expr *e = ms->exprs[i];
			struct rf_map_value v;
			int er;
			out[i].is_null = true;
			if (!e || !sh->cols[i].compare)
				continue;
			er = rf_map_eval(e, &mrow, &v, &reason, err);
			if (er == 0 && sh->cols[i].ref) {
				/* the parent's match key, converted by resolve_ref */
				rf_buf_reset(&conv);
				rf_buf_add(&conv, v.buf.data ? v.buf.data : "", v.buf.len);
			} else if (er == 0)
				er = rf_map_convert(&sh->dst_table.cols[sh->cols[i].dst], &v, &conv,
				                    &reason);
			if (er < 0) {
				rf_map_value_free(&v);
				goto out;
			}
			if (er > 0) {
				if (!bad)
					rep->invalid_rows++;
				bad = true;
				source_key(t, row, &key);
				invalid(rep, key.data, sh->cols[i].name, reason.data);
			} else if (!v.is_null && !v.is_default) {
				cell_set(&out[i], &obuf, conv.data, conv.len);
			}
			rf_map_value_free(&v);
		}
		if (ms->on_source)
			source_row(ms, canon, out, sh->ncols, &obuf,
			           bad ? rep->invalid.data + inv_at : NULL);
		if (!bad)
			side_add(s, out, sh->ncols, &obuf);
	}
	if (r < 0)
		sql_context(ms, err);
	rc = r < 0 ? -1 : 0;
out:
	if (stream)
		src->ops->stream_close(stream);
	free(all);
	free(canon);
	free(out);
	free(offs);
	rf_buf_free(&cbuf);
	rf_buf_free(&obuf);
	rf_buf_free(&conv);
	rf_buf_free(&reason);
	rf_buf_free(&key);
	return rc;
}

static int read_target(struct rf_db *dst, const struct rf_diff_shape *sh, struct side *s,
                       struct rf_map_diff_report *rep, struct rf_error *err)
{
	const struct rf_table_info *t = &sh->dst_table;
	size_t *cols = rf_xmalloc((sh->ncols + 1) * sizeof *cols), *key, i;
	struct rf_stream_spec spec;
	struct rf_stream *stream = NULL;
	const struct rf_row *row;
	struct rf_cell *out = rf_xcalloc(sh->ncols + 1, sizeof *out);
	struct rf_stream_ref *refs = NULL;
	struct rf_buf buf = RF_BUF_INIT;
	int r, rc = -1;

	key = rf_xmalloc((sh->nkey + 1) * sizeof *key);
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_col_ref *cr = sh->cols[i].ref;
		cols[i] = (size_t)sh->cols[i].dst;
		if (!cr)
			continue;
		/* a copy compares the parent's match key (DESIGN §11) */
		if (!refs)
			refs = rf_xcalloc(sh->ncols + 1, sizeof *refs);
		refs[i].parent = &cr->parent[1];
		refs[i].pk = cr->pk;
		refs[i].mk = cr->mk;
	}
	for (i = 0; i < sh->nkey; i++)
		key[i] = (size_t)sh->cols[sh->key[i]].dst;
	memset(&spec, 0, sizeof spec);
	spec.table = t;
	spec.ncols = sh->ncols;
	spec.cols = cols;
	spec.nkey = sh->nkey;
	spec.key = key;
	spec.refs = refs;
	if (dst->ops->stream_open(dst, &spec, &stream, err) != 0)
		goto out;
	while ((r = dst->ops->stream_next(stream, &row, err)) > 0) {
		rep->dst_rows++;
		rf_buf_reset(&buf);
		for (i = 0; i < sh->ncols; i++) {
			size_t at = buf.len;
			out[i].is_null = row->cells[i].is_null;
			if (out[i].is_null)
				continue;
			rf_value_canon(sh->cols[i].tclass, &row->cells[i], NULL, &buf);
			out[i].data = (const char *)(uintptr_t)at;
			out[i].len = buf.len - at;
		}
		side_add(s, out, sh->ncols, &buf);
	}
	rc = r < 0 ? -1 : 0;
out:
	if (stream)
		dst->ops->stream_close(stream);
	free(cols);
	free(key);
	free(out);
	free(refs);
	rf_buf_free(&buf);
	return rc;
}

/* A now() value against a non-NULL target value: the time an earlier run
 * wrote, kept (DESIGN §12: now() is the copy's time). */
static bool kept_now(const struct rf_map_diff_shape *ms, size_t k, const struct rf_cell *s,
                     const struct rf_cell *d)
{
	return ms->uses_now && ms->uses_now[k] && !s->is_null && !d->is_null &&
	       s->len == strlen(ms->now) && memcmp(s->data, ms->now, s->len) == 0;
}

/* Two sorted sides with one key twice: a mapping that is not one to one. */
static int check_unique(const struct ctx *c, const struct side *s, const char *what,
                        struct rf_error *err)
{
	struct rf_buf k = RF_BUF_INIT;
	size_t i;

	for (i = 1; i < s->len; i++) {
		if (row_cmp(c, &s->rows[i - 1], &s->rows[i]) == 0) {
			rf_diff_format_key(c->sh, s->rows[i].cells, &k);
			rf_error_set(err, "map", "%s: two rows map to the key %s", what, k.data);
			rf_buf_free(&k);
			return -1;
		}
	}
	return 0;
}

/* parent_keys[i] of an emitted row: the key of the parent whose match key
 * the row's ref() column i holds, where the target has it and its key is
 * of the column's class (else a NULL cell: resolved by the target). */
static void parent_keys(const struct rf_diff_shape *sh, const struct parent *const *of,
                        const struct rf_cell *src, struct rf_cell *keys)
{
	struct rf_cell probe[1];
	struct side_row row = {probe, NULL}, *hit;
	size_t i;

	for (i = 0; i < sh->ncols; i++) {
		const struct parent *p = of[i];
		keys[i].is_null = true;
		if (!p || !src || src[i].is_null || !p->rows.len)
			continue;
		probe[0] = src[i];
		parent_ctx = p;
		hit = bsearch(&row, p->rows.rows, p->rows.len, sizeof *p->rows.rows, parent_cmp);
		parent_ctx = NULL;
		if (hit)
			keys[i] = hit->cells[p->nkey];
	}
}

static int run(struct rf_db *src, struct rf_db *dst, const struct rf_map_diff_shape *ms,
               const struct rf_map_pending *pending, size_t npending, rf_map_diff_row_fn emit,
               rf_map_diff_copy_fn emit_copy, void *emit_ctx, struct rf_map_diff_report *rep,
               struct rf_error *err)
{
	const struct rf_diff_shape *sh = ms->shape;
	struct side a = {0, 0, NULL}, b = {0, 0, NULL};
	struct ctx c = {ms, sh};
	struct rf_diff_row out;
	bool *changed = rf_xcalloc(sh->ncols + 1, sizeof *changed);
	unsigned char *flagged = rf_xcalloc(sh->ncols + 1, 1);
	const struct parent **of = rf_xcalloc(sh->ncols + 1, sizeof *of);
	struct rf_cell *keys = rf_xcalloc(sh->ncols + 1, sizeof *keys);
	size_t i = 0, j = 0, k, x;
	struct parents ps = {NULL, 0, ms->refs_by_key, pending, npending};
	int rc = -1;

	ps.items = rf_xcalloc(ms->nrefs + 1, sizeof *ps.items);
	for (; ps.n < ms->nrefs; ps.n++)
		if (read_parent(dst, &ms->refs[ps.n], &ps.items[ps.n], err) != 0) {
			ps.n++;
			goto out;
		}
	if (read_source(src, ms, sh, &ps, &a, rep, err) != 0 ||
	    read_target(dst, sh, &b, rep, err) != 0)
		goto out;
	if (rep->invalid_rows && !ms->skip_invalid) {
		rc = 0; /* refused: the caller lists them */
		goto out;
	}
	/* a copy's ref() columns: the parent each one reads, where the
	 * parent's key is of the column's class (written as it is) */
	for (k = 0; emit_copy && k < sh->ncols; k++)
		for (x = 0; sh->cols[k].ref && sh->cols[k].dst >= 0 && x < ps.n; x++)
			if (ps.items[x].ref->e == ms->exprs[k] && ps.items[x].nkey == 1 &&
			    ps.items[x].info.cols[ps.items[x].cols[1]].tclass ==
			        sh->dst_table.cols[sh->cols[k].dst].tclass)
				of[k] = &ps.items[x];
	sort_by_key(&c, &a);
	sort_by_key(&c, &b);
	if (check_unique(&c, &a, "source", err) != 0 || check_unique(&c, &b, "target", err) != 0)
		goto out;
	memset(&out, 0, sizeof out);
	out.changed = changed;
	out.flagged = flagged;
	while (i < a.len || j < b.len) {
		int r = i == a.len ? 1 : j == b.len ? -1 : row_cmp(&c, &a.rows[i], &b.rows[j]);
		out.src = r <= 0 ? a.rows[i].cells : NULL;
		out.dst = r >= 0 ? b.rows[j].cells : NULL;
		out.nchanged = 0;
		memset(changed, 0, sh->ncols * sizeof *changed);
		if (r < 0) {
			out.status = RF_ONLY_SOURCE;
			rep->stats.only_source++;
		} else if (r > 0) {
			out.status = RF_ONLY_TARGET;
			rep->stats.only_target++;
		} else {
			for (k = 0; k < sh->ncols; k++) {
				if (!sh->cols[k].compare)
					continue;
				if (!rf_value_equal(sh->cols[k].tclass, &out.src[k], &out.dst[k],
				                    NULL) &&
				    !kept_now(ms, k, &out.src[k], &out.dst[k])) {
					changed[k] = true;
					out.nchanged++;
				}
			}
			out.status = out.nchanged ? RF_CHANGED : RF_IDENTICAL;
			if (out.nchanged)
				rep->stats.changed++;
			else
				rep->stats.identical++;
		}
		if (emit_copy) {
			parent_keys(sh, of, out.src, keys);
			emit_copy(emit_ctx, &out, keys, r <= 0 ? &a.rows[i].bytes : NULL);
		} else {
			emit(emit_ctx, &out);
		}
		i += r <= 0;
		j += r >= 0;
	}
	rc = 0;
out:
	side_free(&a);
	side_free(&b);
	parents_free(ps.items, ps.n);
	free(changed);
	free(flagged);
	free(of);
	free(keys);
	return rc;
}

int rf_map_diff_run(struct rf_db *src, struct rf_db *dst, const struct rf_map_diff_shape *ms,
                    rf_map_diff_row_fn emit, void *emit_ctx, struct rf_map_diff_report *rep,
                    struct rf_error *err)
{
	return run(src, dst, ms, NULL, 0, emit, NULL, emit_ctx, rep, err);
}

int rf_map_diff_run_pending(struct rf_db *src, struct rf_db *dst,
                            const struct rf_map_diff_shape *ms,
                            const struct rf_map_pending *pending, size_t npending,
                            rf_map_diff_copy_fn emit, void *emit_ctx,
                            struct rf_map_diff_report *rep, struct rf_error *err)
{
	return run(src, dst, ms, pending, npending, NULL, emit, emit_ctx, rep, err);
}
