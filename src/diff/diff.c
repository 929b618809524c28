/* diff.c - streaming merge-join diff (diff.h, DESIGN §4): both sides opened
 * in their read snapshots, streamed in key order and merged. What is
 * compared, and how, is the shape (diff_shape.c). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "rowferry/diff.h"
#include "rowferry/plan.h"

struct rf_diff {
	struct rf_diff_shape *shape; /* owned unless detached (owns_shape) */
	bool owns_shape;
	struct diff_side side[2];
	struct rf_diff_row row;
	struct rf_diff_stats stats;
	bool consume[2];     /* advance this side before the next merge step */
	bool full_identical; /* canonicalize every cell of identical rows too */
	bool keys_one_sided; /* rows on one side only: their key cells only */
	bool rows_taken;     /* rf_diff_set_rows_taken */
	bool digest;         /* rf_diff_opts.digest_large or digest_fetch
	                        (diff_digest.c) */
	bool cut;            /* rf_diff_opts.digest_large: large values cut */
	const char *where[2];
	/* hash mode (DESIGN §14): the ranges to stream; the streams open read
	 * plan.ranges[next_range .. next_range + nbatch) */
	bool hash;
	struct diff_hash_plan plan;
	size_t next_range, nbatch;
	char *note; /* rf_diff_algorithm_note */
};

/* One side's preparation: its read-only transaction first, so that the
 * table is described in the same snapshot its rows are read from. */
struct side_prep {
	struct rf_db *db;
	const char *table;
	struct rf_table_info *info;
	bool started_tx;
	struct rf_error err;
	int rc;
};

static void *side_prepare(void *arg)
{
	struct side_prep *j = arg;
	rf_error_clear(&j->err);
	j->rc = 0;
	if (!j->db->in_tx) {
		j->rc = rf_db_begin(j->db, RF_TX_READ, NULL, &j->err);
		j->started_tx = j->rc == 0;
	}
	if (j->rc == 0)
		j->rc = diff_describe(j->db, j->table, j->info, &j->err);
	return NULL;
}

/* Prepares both sides at once: two servers answer in the time of the slower
 * one rather than the sum, which is most of a targeted diff's latency. Each
 * thread uses only its own connection. */
static int prepare_sides(struct rf_diff *d, struct rf_db *src, struct rf_db *dst, const char *table,
                         struct rf_error *err)
{
	struct side_prep jobs[2] = {
	    {src, table, &d->shape->src_table, false, {0, "", "", false}, 0},
	    {dst, table, &d->shape->dst_table, false, {0, "", "", false}, 0}};
	pthread_t th;
	bool threaded = src != dst && pthread_create(&th, NULL, side_prepare, &jobs[1]) == 0;

	side_prepare(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		side_prepare(&jobs[1]);
	d->side[0].db = src;
	d->side[1].db = dst;
	d->side[0].started_tx = jobs[0].started_tx;
	d->side[1].started_tx = jobs[1].started_tx;
	if (jobs[0].rc != 0 || jobs[1].rc != 0) {
		if (err && !err->set)
			*err = jobs[0].rc != 0 ? jobs[0].err : jobs[1].err;
		return -1;
	}
	return 0;
}

/* A bytes value from this size up is made hex after its row is released
 * (canon_cells' release). */
#define DIFF_LATE_HEX (1u << 20)

/* Canonicalizes the n streamed cells of row into out (one cell per shape
 * column) with bytes in buf. offs is scratch space for n offsets: buf may
 * move while it grows, so pointers are set only at the end. Hot path of the
 * diff: no allocation once buf has grown to the widest row. release: the
 * side whose row this is, to give it back to the driver before the hex of
 * its large bytes values is made (rf_diff_set_rows_taken), or NULL. cut:
 * large values are canonicalized from their first bytes (diff_digest_cut). */
static void canon_cells(const struct rf_diff_shape *sh, const size_t *shape_cols, size_t n,
                        const struct rf_row *row, struct rf_buf *buf, struct rf_cell *out,
                        unsigned char *flagged, size_t *offs, struct diff_side *release, bool cut)
{
	size_t i, late = 0;
	rf_buf_reset_small(buf);
	for (i = 0; i < sh->ncols; i++) {
		out[i].is_null = true;
		out[i].data = NULL;
		out[i].len = 0;
		if (flagged)
			flagged[i] = 0;
	}
	for (i = 0; i < n && i < row->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[shape_cols[i]];
		struct rf_cell in = row->cells[i];
		offs[i] = buf->len;
		if (in.is_null)
			continue;
		if (cut)
			diff_digest_cut(c, &in);
		if (release && c->tclass == RF_T_BYTES && in.len >= DIFF_LATE_HEX) {
			rf_value_hex_begin(&in, buf); /* finished below */
			late++;
		} else if (rf_value_canon(c->tclass, &in, &c->opts, buf) != 0 && flagged) {
			flagged[shape_cols[i]] = 1;
		}
		out[shape_cols[i]].is_null = false;
		out[shape_cols[i]].len = buf->len - offs[i];
	}
	if (late) {
		/* every raw byte kept is in buf now: the row goes before the hex
		 * doubles them */
		release->db->ops->stream_release(release->stream);
		for (i = 0; i < n && i < row->ncols; i++) {
			const struct rf_cell *o = &out[shape_cols[i]];
			if (!o->is_null && sh->cols[shape_cols[i]].tclass == RF_T_BYTES &&
			    o->len / 2 >= DIFF_LATE_HEX)
				rf_value_hex_finish(buf, offs[i], o->len / 2);
		}
	}
	for (i = 0; i < n && i < row->ncols; i++)
		out[shape_cols[i]].data = out[shape_cols[i]].is_null ? NULL : buf->data + offs[i];
}

void rf_diff_canon_row(const struct rf_diff_shape *shape, int side, const struct rf_row *row,
                       struct rf_buf *buf, struct rf_cell *out, unsigned char *flagged)
{
	size_t *cols, *shape_cols, n, *offs;
	rf_diff_stream_cols(shape, side, &cols, &shape_cols, &n);
	offs = rf_xcalloc(n ? n : 1, sizeof *offs);
	canon_cells(shape, shape_cols, n, row, buf, out, flagged, offs, NULL, false);
	free(offs);
	free(cols);
	free(shape_cols);
}

static int key_cmp(const struct rf_diff_shape *sh, const struct rf_cell *a, const struct rf_cell *b,
                   size_t *col)
{
	size_t i;
	for (i = 0; i < sh->nkey; i++) {
		const struct rf_diff_col *c = &sh->cols[sh->key[i]];
		int r = rf_value_cmp_key(c->tclass, &a[sh->key[i]], &b[sh->key[i]]);
		if (r) {
			if (col)
				*col = sh->key[i];
			return r;
		}
	}
	if (col)
		*col = sh->key[0];
	return 0;
}

/* Canonicalizes only the key columns of a side's current row: the merge
 * needs them for every row, the other columns only when their raw bytes
 * differ (canonicalization is a function of class, bytes and options, so
 * equal bytes always mean equal canonical forms) or the row is shown. */
static void canon_key_cells(const struct rf_diff_shape *sh, struct diff_side *s)
{
	size_t i;
	rf_buf_reset(&s->buf);
	for (i = 0; i < sh->nkey; i++) {
		size_t c = sh->key[i];
		const struct rf_cell *in = &s->raw->cells[s->stream_of[c]];
		s->offs[i] = s->buf.len;
		s->flagged[c] = 0;
		s->cells[c].is_null = in->is_null;
		if (!in->is_null &&
		    rf_value_canon(sh->cols[c].tclass, in, &sh->cols[c].opts, &s->buf) != 0)
			s->flagged[c] = 1;
		s->cells[c].len = s->buf.len - s->offs[i];
	}
	for (i = 0; i < sh->nkey; i++) {
		struct rf_cell *c = &s->cells[sh->key[i]];
		c->data = c->is_null ? NULL : s->buf.data + s->offs[i];
	}
}

/* Canonicalizes every cell of a side's current row (rows that are shown);
 * for a caller that takes the rows, the driver's row goes before large
 * bytes values are made hex; for the text listing (digest), a large value
 * is cut to what it shows, as the digests' sides send it. */
static void canon_full(const struct rf_diff *d, struct diff_side *s)
{
	bool release = d->rows_taken && !s->use_mem && s->stream && s->db->ops->stream_release;
	canon_cells(d->shape, s->shape_cols, s->nstream, s->raw, &s->buf, s->cells, s->flagged,
	            s->offs, release ? s : NULL, d->cut);
}

/* Points a side's stored cells at its current row as the driver gave it,
 * one per shape column (a NULL cell where the side has no such column):
 * pointers only, for rows that are returned in full. */
static void point_stored(const struct rf_diff_shape *sh, struct diff_side *s)
{
	size_t i;
	for (i = 0; i < sh->ncols; i++) {
		int k = s->stream_of[i];
		if (k >= 0 && (size_t)k < s->raw->ncols) {
			s->stored[i] = s->raw->cells[k];
		} else {
			s->stored[i].is_null = true;
			s->stored[i].data = NULL;
			s->stored[i].len = 0;
		}
	}
}

/* Reads the next row of a side into its canonical cells and checks that its
 * key is greater than the previous one: the merge is only right if both
 * streams are sorted the way key_cmp sorts, and a server collation, a
 * --trim on a key column or a driver bug could break that silently. */
static int side_advance(struct rf_diff *d, struct diff_side *s, struct rf_error *err)
{
	const struct rf_diff_shape *sh = d->shape;
	const struct rf_row *row;
	int r;
	size_t i, col;

	s->have_row = false;
	if (s->eof)
		return 0;
	if (s->use_mem) {
		row = diff_mem_next(&s->mem);
		r = row != NULL;
	} else {
		r = s->db->ops->stream_next(s->stream, &row, err);
	}
	if (r < 0)
		return -1;
	if (r == 0) {
		s->eof = true;
		return 0;
	}
	s->raw = row;
	d->stats.rows_received++;
	for (i = 0; i < row->ncols; i++)
		d->stats.bytes_received += row->cells[i].is_null ? 0 : row->cells[i].len;
	canon_key_cells(sh, s);
	if (s->have_prev) {
		int c = key_cmp(sh, s->prev_key, s->cells, &col);
		if (c >= 0) {
			struct rf_buf a = RF_BUF_INIT, b = RF_BUF_INIT;
			/* format both keys for the message */
			rf_diff_format_key(sh, s->prev_key, &a);
			rf_diff_format_key(sh, s->cells, &b);
			if (c == 0)
				rf_error_set(err, s->db->name,
				             "the key is not unique in the %s: (%s) appears twice; "
				             "choose a unique --key",
				             s->label, a.data);
			else
				rf_error_set(
				    err, s->db->name,
				    "%s rows arrive out of key order on column %s: (%s) "
				    "before (%s); the diff stopped rather than give a wrong "
				    "result",
				    s->label, sh->cols[col].name, a.data, b.data);
			rf_buf_free(&a);
			rf_buf_free(&b);
			return -1;
		}
	}
	/* remember this key for the next order check */
	rf_buf_reset(&s->prev_buf);
	for (i = 0; i < sh->nkey; i++) {
		const struct rf_cell *c = &s->cells[sh->key[i]];
		s->prev_key[sh->key[i]] = *c;
		s->offs[i] = s->prev_buf.len; /* offs is free again once canon_cells is done */
		if (!c->is_null)
			rf_buf_add(&s->prev_buf, c->data, c->len);
	}
	for (i = 0; i < sh->nkey; i++) {
		struct rf_cell *p = &s->prev_key[sh->key[i]];
		p->data = p->is_null ? NULL : s->prev_buf.data + s->offs[i];
	}
	s->have_prev = true;
	s->have_row = true;
	if (s == &d->side[0])
		d->stats.src_rows++;
	else
		d->stats.dst_rows++;
	return 1;
}

/* Ranges one stream statement reads at most (hash mode): a round trip per
 * differing range was the hash diff's cost where differences spread (each
 * range a query on each side); a few hundred ranges keep the statement
 * small (a few KiB) and each engine's planner on index ranges. */
#define RANGES_PER_STREAM 32

/* Opens a side's stream of the rows in plan.ranges[first .. first + n)
 * (n 0: every row). */
static int side_stream(struct rf_diff *d, int idx, size_t first, size_t n, struct rf_error *err)
{
	struct diff_side *s = &d->side[idx];
	const struct rf_diff_shape *sh = d->shape;
	struct rf_stream_spec spec;
	size_t *key = rf_xcalloc(sh->nkey, sizeof *key);
	struct rf_key_range *ranges = n ? rf_xcalloc(n, sizeof *ranges) : NULL;
	struct rf_stream_ref *refs = NULL;
	size_t i;
	int rc;

	for (i = 0; i < s->nstream; i++) {
		const struct rf_col_ref *r = sh->cols[s->shape_cols[i]].ref;
		if (!r)
			continue;
		if (!refs)
			refs = rf_xcalloc(s->nstream, sizeof *refs);
		refs[i].parent = &r->parent[idx];
		refs[i].pk = r->pk;
		refs[i].mk = r->mk;
	}

	for (i = 0; i < sh->nkey; i++) {
		const struct rf_diff_col *c = &sh->cols[sh->key[i]];
		key[i] = (size_t)(idx == 0 ? c->src : c->dst);
	}
	memset(&spec, 0, sizeof spec);
	spec.table = idx == 0 ? &sh->src_table : &sh->dst_table;
	spec.ncols = s->nstream;
	spec.cols = s->stream_cols;
	spec.where = d->where[idx];
	spec.nkey = sh->nkey;
	spec.key = key;
	spec.refs = refs;
	for (i = 0; i < n; i++) {
		ranges[i].lo = d->plan.ranges[first + i].lo;
		ranges[i].hi = d->plan.ranges[first + i].hi;
	}
	spec.nranges = n;
	spec.ranges = ranges;
	spec.bucket_mod = n ? d->plan.bucket_mod : 0;
	spec.nbuckets = d->plan.nbuckets;
	spec.buckets = d->plan.buckets;
	spec.digest = s->digest;
	spec.digest_min = DIFF_DIGEST_MIN;
	if (idx == 1 && rf_db_planned(s->db, sh->dst_table.display)) {
		/* a table --create will make: no row yet */
		s->eof = true;
		free(key);
		free(ranges);
		free(refs);
		return 0;
	}
	rc = s->db->ops->stream_open(s->db, &spec, &s->stream, err);
	s->eof = false;
	free(key);
	free(ranges);
	free(refs);
	return rc;
}

/* How many ranges from first the next statement reads. */
static size_t range_batch(const struct rf_diff *d, size_t first)
{
	size_t left = d->plan.len - first;
	return left < RANGES_PER_STREAM ? left : RANGES_PER_STREAM;
}

static int side_open(struct rf_diff *d, int idx, struct rf_db *db, const char *where,
                     struct rf_error *err)
{
	struct diff_side *s = &d->side[idx];
	const struct rf_diff_shape *sh = d->shape;
	size_t i;

	s->db = db;
	s->label = idx == 0 ? "source" : "target";
	s->cells = rf_xcalloc(sh->ncols, sizeof *s->cells);
	s->stored = rf_xcalloc(sh->ncols ? sh->ncols : 1, sizeof *s->stored);
	s->flagged = rf_xcalloc(sh->ncols, 1);
	s->prev_key = rf_xcalloc(sh->ncols, sizeof *s->prev_key);
	rf_diff_stream_cols(sh, idx, &s->stream_cols, &s->shape_cols, &s->nstream);
	s->offs = rf_xcalloc(s->nstream ? s->nstream : 1, sizeof *s->offs);
	s->stream_of = rf_xcalloc(sh->ncols ? sh->ncols : 1, sizeof *s->stream_of);
	for (i = 0; i < sh->ncols; i++)
		s->stream_of[i] = -1;
	for (i = 0; i < s->nstream; i++)
		s->stream_of[s->shape_cols[i]] = (int)i;
	if (d->digest)
		diff_digest_plan(sh, idx, s);
	d->where[idx] = where;
	if (idx == 1)
		d->stats.target_where = where && *where;
	if (rf_db_check_where(db, where, err) != 0)
		return -1;
	if (d->hash) {
		if (d->plan.len == 0) {
			s->eof = true;
			return 0;
		}
		return side_stream(d, idx, 0, d->nbatch, err);
	}
	if (side_stream(d, idx, 0, 0, err) != 0)
		return -1;
	if (idx == 0 && sh->remapped) {
		s->use_mem = true;
		if (diff_mem_load(sh, db, s->stream, s->shape_cols, s->stream_of, &s->mem, err) !=
		    0)
			return -1;
		db->ops->stream_close(s->stream);
		s->stream = NULL;
	}
	return 0;
}

/* One side's side_open() on a thread of its own. */
struct side_open_job {
	struct rf_diff *d;
	int idx;
	struct rf_db *db;
	const char *where;
	struct rf_error err;
	int rc;
};

static void *side_open_run(void *arg)
{
	struct side_open_job *j = arg;
	rf_error_clear(&j->err);
	j->rc = side_open(j->d, j->idx, j->db, j->where, &j->err);
	return NULL;
}

/* Opens both streams at once, as prepare_sides() prepares them: a server
 * may check or sort its rows before the first one comes (MariaDB's key
 * order check, any ORDER BY that is no index walk), and the two servers
 * then do it in the time of the slower one. Each thread uses only its own
 * connection and its own side. */
static int open_sides(struct rf_diff *d, struct rf_db *src, struct rf_db *dst, const char *sw,
                      const char *tw, struct rf_error *err)
{
	struct side_open_job jobs[2] = {{d, 0, src, sw, {0, "", "", false}, 0},
	                                {d, 1, dst, tw, {0, "", "", false}, 0}};
	pthread_t th;
	bool threaded = src != dst && pthread_create(&th, NULL, side_open_run, &jobs[1]) == 0;

	side_open_run(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else if (jobs[0].rc == 0)
		side_open_run(&jobs[1]);
	if (jobs[0].rc != 0 || jobs[1].rc != 0) {
		if (err && !err->set)
			*err = jobs[0].rc != 0 ? jobs[0].err : jobs[1].err;
		return -1;
	}
	return 0;
}

/* Hash mode: both streams of a batch of ranges ended; opens the next
 * batch's, if any. 1: opened, 0: no more ranges, -1: error. */
static int next_range(struct rf_diff *d, struct rf_error *err)
{
	int i;
	if (!d->hash || d->next_range + d->nbatch >= d->plan.len)
		return 0;
	d->next_range += d->nbatch;
	d->nbatch = range_batch(d, d->next_range);
	for (i = 0; i < 2; i++) {
		struct diff_side *s = &d->side[i];
		if (s->stream)
			s->db->ops->stream_close(s->stream);
		s->stream = NULL;
		if (side_stream(d, i, d->next_range, d->nbatch, err) != 0)
			return -1;
		d->consume[i] = true;
	}
	return 1;
}

static void side_close(struct diff_side *s)
{
	if (s->stream)
		s->db->ops->stream_close(s->stream);
	if (s->started_tx)
		rf_db_rollback(s->db, NULL);
	free(s->stream_cols);
	free(s->shape_cols);
	free(s->offs);
	free(s->stream_of);
	rf_buf_free(&s->scratch);
	free(s->cells);
	free(s->stored);
	free(s->flagged);
	free(s->prev_key);
	diff_mem_free(&s->mem);
	free(s->digest);
	free(s->digest_at);
	rf_buf_free(&s->buf);
	rf_buf_free(&s->prev_buf);
}

struct rf_diff *rf_diff_open(struct rf_db *src, struct rf_db *dst, const struct rf_selection *sel,
                             struct rf_error *err)
{
	return rf_diff_open_opts(src, dst, sel, NULL, err);
}

/* Decides the algorithm (DESIGN §14) and, for hash, plans the ranges to
 * stream. A fallback is noted, never an error. */
static int choose_algorithm(struct rf_diff *d, const struct rf_diff_opts *o, const char *sw,
                            const char *tw, struct rf_error *err)
{
	struct rf_db *src = d->side[0].db, *dst = d->side[1].db;
	const char *where[2] = {sw, tw};
	bool auto_mode = o->algorithm == RF_DIFF_AUTO;

	if (o->algorithm == RF_DIFF_STREAM)
		return 0;
	if (auto_mode && (!src->ops->is_server || !dst->ops->is_server)) {
		d->note = rf_xstrdup("a side is a local file");
		return 0;
	}
	if (d->shape->remapped) {
		d->note = rf_xstrdup("keys are remapped (--remap): computed by rowferry");
		return 0;
	}
	d->note = diff_hash_refusal(d->shape, src, dst);
	if (d->note)
		return 0;
	if (diff_hash_plan(d->shape, src, dst, where, o, auto_mode, &d->plan, &d->stats, err) != 0)
		return -1;
	if (d->plan.declined) {
		if (d->plan.parts)
			d->note = rf_xasprintf("%zu of %zu segments differ: one stream reads "
			                       "them faster",
			                       d->plan.spread, d->plan.parts);
		else
			d->note = rf_xasprintf("%llu rows, not more than hash_min_rows (%llu)",
			                       d->plan.root_rows, o->hash_min_rows);
		diff_hash_plan_free(&d->plan);
		d->stats.segments = 0; /* the count crossed the wire all the same */
		return 0;
	}
	d->hash = true;
	d->nbatch = range_batch(d, 0);
	return 0;
}

struct rf_diff *rf_diff_open_opts(struct rf_db *src, struct rf_db *dst,
                                  const struct rf_selection *sel, const struct rf_diff_opts *o,
                                  struct rf_error *err)
{
	static const struct rf_diff_opts stream = RF_DIFF_OPTS_INIT;
	struct rf_diff *d = rf_xcalloc(1, sizeof *d);
	d->shape = rf_xcalloc(1, sizeof *d->shape);
	d->owns_shape = true;
	d->full_identical = true;
	const char *sw = sel->source_where ? sel->source_where : sel->where;
	const char *tw = sel->target_where ? sel->target_where : sel->where;

	if (!sel->table || !*sel->table) {
		rf_error_set(err, "diff", "no table given");
		goto fail;
	}
	if (prepare_sides(d, src, dst, sel->table, err) != 0 ||
	    diff_shape_build(d->shape, sel, err) != 0)
		goto fail;
	d->shape->lean_target = o && o->lean_target;
	d->digest = o && (o->digest_large || o->digest_fetch);
	d->cut = o && o->digest_large;
	d->row.changed = rf_xcalloc(d->shape->ncols, sizeof *d->row.changed);
	d->row.flagged = rf_xcalloc(d->shape->ncols, 1);
	if (choose_algorithm(d, o ? o : &stream, sw, tw, err) != 0)
		goto fail;
	if (open_sides(d, src, dst, sw, tw, err) != 0)
		goto fail;
	d->consume[0] = d->consume[1] = true;
	return d;
fail:
	rf_diff_close(d);
	return NULL;
}

enum rf_diff_algorithm rf_diff_algorithm_used(const struct rf_diff *d)
{
	return d->hash ? RF_DIFF_HASH : RF_DIFF_STREAM;
}

const char *rf_diff_algorithm_note(const struct rf_diff *d)
{
	return d->note;
}

const struct rf_diff_shape *rf_diff_shape(const struct rf_diff *d)
{
	return d->shape;
}

struct rf_db *rf_diff_target(const struct rf_diff *d)
{
	return d->side[1].db;
}

void rf_diff_set_identical_rows(struct rf_diff *d, bool full)
{
	d->full_identical = full;
}

void rf_diff_set_one_sided_rows(struct rf_diff *d, bool full)
{
	d->keys_one_sided = !full;
}

void rf_diff_set_rows_taken(struct rf_diff *d)
{
	d->rows_taken = true;
}

const struct rf_diff_stats *rf_diff_stats(const struct rf_diff *d)
{
	return &d->stats;
}

int rf_diff_next(struct rf_diff *d, const struct rf_diff_row **out, struct rf_error *err)
{
	struct diff_side *s = &d->side[0], *t = &d->side[1];
	const struct rf_diff_shape *sh = d->shape;
	struct rf_diff_row *row = &d->row;
	size_t i;
	int c;

	for (;;) {
		for (i = 0; i < 2; i++) {
			if (d->consume[i] && side_advance(d, &d->side[i], err) < 0)
				return -1;
			d->consume[i] = false;
		}
		if (s->have_row || t->have_row)
			break;
		c = next_range(d, err);
		if (c <= 0)
			return c;
	}
	if (s->have_row && t->have_row)
		c = key_cmp(sh, s->cells, t->cells, NULL);
	else
		c = s->have_row ? -1 : 1;

	memset(row->changed, 0, sh->ncols * sizeof *row->changed);
	row->nchanged = 0;
	if (c < 0) {
		row->status = RF_ONLY_SOURCE;
		d->consume[0] = true;
		d->stats.only_source++;
	} else if (c > 0) {
		row->status = RF_ONLY_TARGET;
		d->consume[1] = true;
		d->stats.only_target++;
	} else {
		for (i = 0; i < sh->ncols; i++) {
			const struct rf_diff_col *col = &sh->cols[i];
			if (!col->compare || col->key_pos)
				continue;
			if (!diff_cells_equal(sh, i, s, t)) {
				row->changed[i] = true;
				row->nchanged++;
			}
		}
		row->status = row->nchanged ? RF_CHANGED : RF_IDENTICAL;
		if (row->nchanged)
			d->stats.changed++;
		else
			d->stats.identical++;
		d->consume[0] = d->consume[1] = true;
	}
	row->src_stored = row->dst_stored = NULL;
	if (row->status == RF_IDENTICAL ? d->full_identical
	                                : row->status == RF_CHANGED || !d->keys_one_sided) {
		if (c <= 0) {
			canon_full(d, s);
			point_stored(sh, s);
			row->src_stored = d->rows_taken ? NULL : s->stored;
		}
		if (c >= 0) {
			canon_full(d, t);
			point_stored(sh, t);
			row->dst_stored = d->rows_taken ? NULL : t->stored;
		}
	} else {
		/* nobody asked for its cells: only the key is set */
		for (i = 0; i < sh->ncols; i++)
			if (!sh->cols[i].key_pos)
				s->cells[i].is_null = t->cells[i].is_null = true;
	}
	row->src = c <= 0 ? s->cells : NULL;
	row->dst = c >= 0 ? t->cells : NULL;
	for (i = 0; i < sh->ncols; i++)
		row->flagged[i] =
		    (unsigned char)((c <= 0 && s->flagged[i]) || (c >= 0 && t->flagged[i]));
	*out = row;
	return 1;
}

bool rf_diff_cell_partial(const struct rf_diff *d, int side, size_t col)
{
	const struct diff_side *s = &d->side[side];
	return d->digest && !d->cut && s->raw && col < d->shape->ncols && diff_cell_partial(s, col);
}

int rf_diff_fetch_value(struct rf_diff *d, int side, size_t col, const struct rf_cell *key,
                        rf_diff_piece_fn fn, void *ctx, struct rf_error *err)
{
	struct diff_side *s = &d->side[side];

	if (!s->eof || s->use_mem)
		return rf_error_set(err, "diff", "a value is read again only after the rows");
	/* every row is read: the connection is free for a statement of its
	 * own, in the same transaction */
	if (s->stream)
		s->db->ops->stream_close(s->stream);
	s->stream = NULL;
	s->raw = NULL;
	return diff_fetch_value(d->shape, side, s, col, key, fn, ctx, err);
}

/* Canonical bytes of a side past this size are taken, not copied. */
#define DIFF_TAKE_MIN (1u << 20)

struct rf_diff_row *rf_diff_take_row(struct rf_diff *d)
{
	const struct rf_diff_row *r = &d->row;
	struct rf_diff_row *o;
	bool take[2];
	size_t i;

	/* a side is in the row only when the next rf_diff_next advances it
	 * (consume), which rebuilds its bytes: the other side's key is still
	 * to be compared and stays */
	take[0] = r->src && d->consume[0] && d->side[0].buf.len > DIFF_TAKE_MIN;
	take[1] = r->dst && d->consume[1] && d->side[1].buf.len > DIFF_TAKE_MIN;
	o = rf_diff_row_dup_taking(r, d->shape->ncols, take[0], take[1]);
	for (i = 0; i < 2; i++)
		if (take[i])
			o->owned[i] = rf_buf_steal(&d->side[i].buf);
	return o;
}

void rf_diff_close(struct rf_diff *d)
{
	if (!d)
		return;
	side_close(&d->side[0]);
	side_close(&d->side[1]);
	free(d->row.changed);
	free(d->row.flagged);
	if (d->owns_shape)
		rf_diff_shape_free(d->shape);
	diff_hash_plan_free(&d->plan);
	free(d->note);
	free(d);
}

struct rf_diff_shape *rf_diff_detach_shape(struct rf_diff *d)
{
	d->owns_shape = false;
	return d->shape;
}
