/* diff_digest.c - comparing one column of two rows (diff.c's merge), and
 * large values compared by a digest the server computes.
 *
 * Why: libpq reads a message whole, into an input buffer grown to the
 * largest message and never shrunk, and PQgetCopyData hands out a copy of
 * it: a 200 MiB value on both sides of a diff held 4x its size (808 MiB,
 * tests/e2e/test_large_values.sh), against DESIGN §9's 3x + 64 MiB.
 *
 * What is read when: a diff only listed as text (rf_diff_opts.digest_large:
 * diff's text format and --summary, which show a changed value's first 40
 * characters, never more) asks a PostgreSQL side whose table has values
 * stored out of line for its large values as digests (rf_stream_spec
 * digest): each bytes or text column that is no key, compared as its
 * bytes (no --trim), comes as the value where it is DIFF_DIGEST_MIN bytes
 * or less, else as its first RF_DIGEST_PREFIX bytes (bytea) or characters
 * (text) plus, in a column of its own, the SHA-256 of its bytes (text in
 * UTF-8, as the stream sends it). Such a value then never crosses the
 * wire: both sides hold a few bytes for it, and the listing shows its
 * first bytes as it would show the whole value. Nothing else reads these
 * rows (diff.h), so they need no refetch.
 *
 * diff's json and csv (rf_diff_opts.digest_fetch) print changed and
 * one-sided rows whole, so they read values as digests too (an identical
 * large value then never crosses the wire), nothing is cut, and a cell
 * that came as its first bytes is marked (rf_diff_cell_partial). Its
 * writer leaves a hole for it in what it writes (output_large.c) and,
 * once every row is read, reads the value again by the row's key
 * (diff_fetch_value): one statement per DIFF_PIECE bytes (bytea) or
 * DIFF_PIECE_TEXT characters (text), the driver's piece_expr (substring(col FROM off FOR n)), on
 * the side's own connection in the diff's read transaction - the COPY
 * stream has ended, and PostgreSQL runs no other statement on a
 * connection while one streams - so it reads the snapshot the row came
 * from: the same value. Each piece is made canonical (the hex of its
 * bytes a MiB at a time, a text's bytes as they are) and printed at
 * once, so the whole value is never held; the canonical forms of the pieces, one after the other,
 * are the canonical form of the whole value (hex per byte; text cut on whole characters), so the
 * output is the one the whole value makes.
 *
 * Why equal digests mean equal values: a bytes column's canonical form is
 * the hex of its bytes and a text column's (without --trim) its bytes, so
 * two values are equal iff their bytes are; SHA-256 collisions are not
 * found, so equal digests mean equal bytes. Where one side sent a digest
 * and the other the value (a MariaDB or SQLite side, a value just under
 * the size on one side, a table without out-of-line values), rowferry
 * hashes that value itself (src/base/sha256.c): the same bytes, the same
 * digest. So the result never depends on which side digests, and a
 * cross-engine diff stays exact.
 *
 * A side that sends a large value whole (not PostgreSQL, or not gated) has
 * it cut to its first bytes before it is made canonical for the listing
 * (diff_digest_cut), so showing it costs no hex of the whole value either.
 *
 * The gate: the table's TOAST relation is not empty (pg_catalog.c,
 * rf_table_info.large_values: a file size, no row read). PostgreSQL moves
 * a value out of the row once the row passes ~2 kB after compression, and
 * a value over 1 MiB compresses to more than that (the test's repeated 8
 * bytes: 50 MiB to 586 KiB with pglz, pg_column_size; lz4 keeps ~1/255 at
 * best): only a column set to STORAGE MAIN could keep one in the row. An
 * ordinary table (the diff bench's, ~275 bytes a row) has an empty TOAST
 * relation and streams as before; a table that has one pays a CASE and a
 * length per bytes or text column and row. A wrong gate costs memory,
 * never a wrong result (the other side is hashed here). */
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "lookup.h"
#include "rowferry/sha256.h"

/* Whether shape column c may be read as a digest from a side whose column
 * is t: compared as bytes on both sides, not the match key (the merge
 * orders by it), read as itself (no reference, no remap). */
static bool can_digest(const struct rf_diff_col *c, const struct rf_column *t)
{
	if (c->key_pos || c->ref || c->remap || c->hidden || t->tclass != c->tclass)
		return false;
	return c->tclass == RF_T_BYTES || (c->tclass == RF_T_TEXT && !c->opts.trim);
}

void diff_digest_plan(const struct rf_diff_shape *sh, int idx, struct diff_side *s)
{
	const struct rf_table_info *t = idx == 0 ? &sh->src_table : &sh->dst_table;
	size_t i, k = 0;

	/* remapped rows are read whole into memory (diff_remap.c) */
	if (!t->large_values || sh->remapped)
		return;
	for (i = 0; i < s->nstream; i++) {
		size_t c = s->shape_cols[i];
		if (!can_digest(&sh->cols[c], &t->cols[s->stream_cols[i]]))
			continue;
		if (!s->digest) {
			s->digest = rf_xcalloc(s->nstream, sizeof *s->digest);
			s->digest_at = rf_xcalloc(sh->ncols, sizeof *s->digest_at);
			for (size_t j = 0; j < sh->ncols; j++)
				s->digest_at[j] = -1;
		}
		s->digest[i] = true;
		/* the digests follow the streamed columns (no exprs in a diff) */
		s->digest_at[c] = (int)(s->nstream + k++);
	}
}

void diff_digest_cut(const struct rf_diff_col *c, struct rf_cell *v)
{
	/* a UTF-8 character is 4 bytes at most; --trim would cut blanks the
	 * listing shows */
	if (!c->key_pos && !c->opts.trim && (c->tclass == RF_T_BYTES || c->tclass == RF_T_TEXT) &&
	    v->len > DIFF_DIGEST_MIN)
		v->len = 4 * RF_DIGEST_PREFIX;
}

/* Column c's digest in s's current row, or NULL where the value came
 * whole. */
static const struct rf_cell *digest_of(const struct diff_side *s, size_t c)
{
	int k = s->digest_at ? s->digest_at[c] : -1;
	if (k < 0 || (size_t)k >= s->raw->ncols || s->raw->cells[k].is_null)
		return NULL;
	return &s->raw->cells[k];
}

bool diff_cell_partial(const struct diff_side *s, size_t c)
{
	return digest_of(s, c) != NULL;
}

/* Bytes of bytea, or characters of text (8 MiB at most in UTF-8), read
 * again per statement: libpq's buffer and the row it hands out hold a
 * piece each, its hex is made DIFF_HEX_SLICE bytes at a time. */
#define DIFF_PIECE      (8u << 20)
#define DIFF_PIECE_TEXT (2u << 20)
#define DIFF_HEX_SLICE  (1u << 20)

/* Gives fn the canonical form of piece v of column c: a text's bytes as
 * they are (no --trim: can_digest), a bytes value's hex a slice at a
 * time. */
static int give_piece(const struct rf_diff_col *c, const struct rf_cell *v, struct rf_buf *buf,
                      rf_diff_piece_fn fn, void *ctx, struct rf_error *err)
{
	if (c->tclass != RF_T_BYTES)
		return v->len ? fn(ctx, v->data, v->len, err) : 0;
	for (size_t at = 0; at < v->len; at += DIFF_HEX_SLICE) {
		struct rf_cell slice = *v;
		slice.data = v->data + at;
		slice.len = v->len - at < DIFF_HEX_SLICE ? v->len - at : DIFF_HEX_SLICE;
		rf_buf_reset(buf);
		rf_value_canon(c->tclass, &slice, &c->opts, buf);
		if (fn(ctx, buf->data, buf->len, err) != 0)
			return -1;
	}
	return 0;
}

/* Whether the key cells of row (the first sh->nkey, as the server sent
 * them) are key (canonical) exactly: the server's = may call other keys
 * equal (a nondeterministic collation). */
static bool key_is(const struct rf_diff_shape *sh, const struct rf_row *row,
                   const struct rf_cell *key, struct rf_buf *buf)
{
	for (size_t i = 0; i < sh->nkey; i++) {
		const struct rf_diff_col *kc = &sh->cols[sh->key[i]];
		const struct rf_cell *v = &row->cells[i];
		if (v->is_null || key[i].is_null) {
			if (v->is_null != key[i].is_null)
				return false;
			continue;
		}
		rf_buf_reset(buf);
		rf_value_canon(kc->tclass, v, &kc->opts, buf);
		if (buf->len != key[i].len || memcmp(buf->data, key[i].data, buf->len) != 0)
			return false;
	}
	return true;
}

/* Units (bytes, or UTF-8 characters for text) in a piece. */
static size_t piece_units(enum rf_type_class c, const struct rf_cell *v)
{
	size_t n = 0;
	if (c != RF_T_TEXT)
		return v->len;
	for (size_t i = 0; i < v->len; i++)
		n += ((unsigned char)v->data[i] & 0xc0) != 0x80;
	return n;
}

int diff_fetch_value(const struct rf_diff_shape *sh, int idx, struct diff_side *s, size_t col,
                     const struct rf_cell *key, rf_diff_piece_fn fn, void *ctx,
                     struct rf_error *err)
{
	const struct rf_table_info *t = idx == 0 ? &sh->src_table : &sh->dst_table;
	const struct rf_diff_col *c = &sh->cols[col];
	struct rf_db *db = s->db;
	size_t *cols = rf_xcalloc(sh->nkey ? sh->nkey : 1, sizeof *cols);
	enum rf_type_class *classes = rf_xcalloc(sh->nkey ? sh->nkey : 1, sizeof *classes);
	struct rf_lookup_key lk = {sh->nkey, cols, classes, 0, NULL, false};
	struct rf_buf where = RF_BUF_INIT, expr = RF_BUF_INIT, canon = RF_BUF_INIT;
	struct rf_stream_expr x;
	struct rf_stream_spec spec;
	unsigned long long off = 1;
	unsigned piece = c->tclass == RF_T_TEXT ? DIFF_PIECE_TEXT : DIFF_PIECE;
	int tcol = idx == 0 ? c->src : c->dst, rc = -1;

	if (tcol < 0 || !sh->nkey) {
		rf_error_set(err, db->name, "%s: no key to read %s again by", t->display, c->name);
		goto out;
	}
	if (!db->ops->piece_expr) { /* it sent no digest, so none to read again */
		rf_error_set(err, db->name, "%s: %s cannot be read in pieces", t->display, c->name);
		goto out;
	}
	/* key = literal AND ...: a lookup's WHERE (lookup.c), each key matched
	 * exactly below */
	for (size_t i = 0; i < sh->nkey; i++) {
		const struct rf_diff_col *kc = &sh->cols[sh->key[i]];
		cols[i] = (size_t)(idx == 0 ? kc->src : kc->dst);
		classes[i] = rf_lookup_class(kc->tclass, t->cols[cols[i]].tclass);
	}
	rf_lookup_tuple_where(db, t, &lk, key, &where);
	for (;;) {
		struct rf_stream *st = NULL;
		const struct rf_row *row;
		size_t units = 0;
		bool found = false;
		int r;

		rf_buf_reset(&expr);
		db->ops->piece_expr(db, t->cols[tcol].name, off, piece, &expr);
		x.sql = expr.data;
		x.tclass = c->tclass;
		memset(&spec, 0, sizeof spec);
		spec.table = t;
		spec.ncols = sh->nkey;
		spec.cols = cols;
		spec.where = where.data;
		spec.nexprs = 1;
		spec.exprs = &x;
		if (db->ops->stream_open(db, &spec, &st, err) != 0)
			goto out;
		while ((r = db->ops->stream_next(st, &row, err)) == 1) {
			const struct rf_cell *v = &row->cells[sh->nkey];
			if (found || row->ncols <= sh->nkey || !key_is(sh, row, key, &canon))
				continue;
			found = true;
			if (v->is_null)
				continue;
			units = piece_units(c->tclass, v);
			if (give_piece(c, v, &canon, fn, ctx, err) != 0) {
				r = -1;
				break;
			}
		}
		db->ops->stream_close(st);
		if (r < 0)
			goto out;
		if (!found) {
			rf_error_set(err, db->name,
			             "%s: the row of a value read again is not found", t->display);
			goto out;
		}
		if (units < piece)
			break;
		off += piece;
	}
	rc = 0;
out:
	free(cols);
	free(classes);
	rf_buf_free(&where);
	rf_buf_free(&expr);
	rf_buf_free(&canon);
	return rc;
}

/* Two values at least one of which came as a digest: a value that came
 * whole is hashed here. */
static bool digests_equal(const struct rf_cell *x, const struct rf_cell *xd,
                          const struct rf_cell *y, const struct rf_cell *yd)
{
	const struct rf_cell *v[2] = {x, y}, *d[2] = {xd, yd};
	unsigned char h[2][RF_SHA256_LEN];

	for (int i = 0; i < 2; i++) {
		if (d[i]) {
			if (d[i]->len != RF_SHA256_LEN)
				return false; /* not a digest: never equal */
			memcpy(h[i], d[i]->data, RF_SHA256_LEN);
		} else {
			struct rf_sha256 ctx;
			rf_sha256_init(&ctx);
			rf_sha256_update(&ctx, v[i]->data ? v[i]->data : "", v[i]->len);
			rf_sha256_final(&ctx, h[i]);
		}
	}
	return memcmp(h[0], h[1], RF_SHA256_LEN) == 0;
}

/* Raw bytes first, canonical forms only when the bytes differ; a value
 * sent as a digest by its digest (its cell holds its first bytes only). */
bool diff_cells_equal(const struct rf_diff_shape *sh, size_t c, struct diff_side *s,
                      struct diff_side *t)
{
	const struct rf_diff_col *col = &sh->cols[c];
	const struct rf_cell *x = &s->raw->cells[s->stream_of[c]];
	const struct rf_cell *y = &t->raw->cells[t->stream_of[c]];
	const struct rf_cell *xd, *yd;
	struct rf_cell cx, cy;

	if (x->is_null || y->is_null)
		return x->is_null && y->is_null;
	xd = digest_of(s, c);
	yd = digest_of(t, c);
	if (xd || yd)
		return digests_equal(x, xd, y, yd);
	if (x->len == y->len && memcmp(x->data, y->data, x->len) == 0)
		return true;
	/* bytes are canonical as the hex of the bytes read (value.c), so
	 * bytes that differ are values that differ: no hex of each (twice a
	 * large value's size, a side) to find it out */
	if (col->tclass == RF_T_BYTES)
		return col->opts.ignore;
	rf_buf_reset_small(&s->scratch);
	rf_buf_reset(&t->scratch);
	rf_value_canon(col->tclass, x, &col->opts, &s->scratch);
	rf_value_canon(col->tclass, y, &col->opts, &t->scratch);
	cx.is_null = cy.is_null = false;
	cx.data = s->scratch.data;
	cx.len = s->scratch.len;
	cy.data = t->scratch.data;
	cy.len = t->scratch.len;
	return rf_value_equal(col->tclass, &cx, &cy, &col->opts);
}
