/* lookup.c - key sets and key lookups on the target (lookup.h). */
#include <stdlib.h>
#include <string.h>

#include "lookup.h"

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void rf_keyset_free(struct rf_keyset *s)
{
	size_t i;
	for (i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	s->slots = NULL;
	s->cap = s->len = 0;
}

static struct rf_keyset_slot *find_slot(struct rf_keyset_slot *slots, size_t cap, const char *key,
                                        size_t klen, uint64_t hash)
{
	size_t i = (size_t)hash & (cap - 1);
	for (;; i = (i + 1) & (cap - 1)) {
		struct rf_keyset_slot *s = &slots[i];
		if (!s->key ||
		    (s->hash == hash && s->klen == klen && memcmp(s->key, key, klen) == 0))
			return s;
	}
}

static void grow(struct rf_keyset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 64, i;
	struct rf_keyset_slot *n = rf_xcalloc(ncap, sizeof *n);
	for (i = 0; i < s->cap; i++)
		if (s->slots[i].key)
			*find_slot(n, ncap, s->slots[i].key, s->slots[i].klen, s->slots[i].hash) =
			    s->slots[i];
	free(s->slots);
	s->slots = n;
	s->cap = ncap;
}

size_t rf_keyset_put(struct rf_keyset *s, const char *key, size_t klen, size_t value, bool *added)
{
	uint64_t hash = fnv1a(key, klen);
	struct rf_keyset_slot *slot;

	if ((s->len + 1) * 2 > s->cap)
		grow(s);
	slot = find_slot(s->slots, s->cap, key, klen, hash);
	if (slot->key) {
		if (added)
			*added = false;
		return slot->value;
	}
	slot->key = rf_xmalloc(klen ? klen : 1);
	memcpy(slot->key, key, klen);
	slot->klen = klen;
	slot->hash = hash;
	slot->value = value;
	s->len++;
	if (added)
		*added = true;
	return value;
}

bool rf_keyset_get(const struct rf_keyset *s, const char *key, size_t klen, size_t *value)
{
	struct rf_keyset_slot *slot;
	if (!s->cap)
		return false;
	slot = find_slot(s->slots, s->cap, key, klen, fnv1a(key, klen));
	if (!slot->key)
		return false;
	if (value)
		*value = slot->value;
	return true;
}

void rf_key_encode(struct rf_buf *out, const struct rf_cell *cells, const size_t *idx, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const struct rf_cell *c = &cells[idx ? idx[i] : i];
		if (c->is_null) {
			rf_buf_addc(out, 'N');
			continue;
		}
		/* length first, so ("ab","c") and ("a","bc") differ; no printf:
		 * this runs for every row apply and preview look at */
		char len[24];
		size_t at = sizeof len, v = c->len;
		do {
			len[--at] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		rf_buf_addc(out, 'V');
		rf_buf_add(out, len + at, sizeof len - at);
		rf_buf_addc(out, ':');
		rf_buf_add(out, c->data, c->len);
	}
}

/* col = lit, or col IS NULL */
static void add_equal(struct rf_db *db, const char *name, enum rf_type_class c,
                      const struct rf_cell *v, struct rf_buf *out)
{
	db->ops->quote_ident(db, name, out);
	if (v->is_null) {
		rf_buf_adds(out, " IS NULL");
		return;
	}
	rf_buf_adds(out, " = ");
	db->ops->quote_literal(db, c, v, out);
}

/* (a = x AND b = y) OR ... for tuples [lo, hi), as a balanced tree of
 * ORs: a flat chain of a thousand is an expression a thousand deep, past
 * SQLite's limit (SQLITE_MAX_EXPR_DEPTH); balanced, it is ten deep. */
static void add_or_tree(struct rf_db *db, const struct rf_table_info *t,
                        const struct rf_lookup_key *key, const struct rf_cell *tuples, size_t lo,
                        size_t hi, struct rf_buf *out)
{
	size_t j, mid;
	if (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		rf_buf_addc(out, '(');
		add_or_tree(db, t, key, tuples, lo, mid, out);
		rf_buf_adds(out, " OR ");
		add_or_tree(db, t, key, tuples, mid, hi, out);
		rf_buf_addc(out, ')');
		return;
	}
	rf_buf_addc(out, '(');
	for (j = 0; j < key->n; j++) {
		if (j)
			rf_buf_adds(out, " AND ");
		add_equal(db, t->cols[key->cols[j]].name, key->classes[j], &tuples[lo * key->n + j],
		          out);
	}
	rf_buf_addc(out, ')');
}

/* The condition for tuples [first, first+n): "k IN (a, b) OR k IS NULL"
 * for a one-column key (an index lookup every engine plans well), else
 * "(a = x AND b = y) OR ...". */
static void build_where(struct rf_db *db, const struct rf_table_info *t,
                        const struct rf_lookup_key *key, const struct rf_cell *tuples, size_t first,
                        size_t n, struct rf_buf *out)
{
	size_t i, nvalues = 0;
	bool has_null = false;

	rf_buf_reset(out);
	if (key->n == 1) {
		const char *name = t->cols[key->cols[0]].name;
		for (i = first; i < first + n; i++) {
			const struct rf_cell *v = &tuples[i];
			if (v->is_null) {
				has_null = true;
				continue;
			}
			if (nvalues++ == 0) {
				db->ops->quote_ident(db, name, out);
				rf_buf_adds(out, " IN (");
			} else {
				rf_buf_adds(out, ", ");
			}
			db->ops->quote_literal(db, key->classes[0], v, out);
		}
		if (nvalues)
			rf_buf_adds(out, ")");
		if (has_null) {
			if (nvalues)
				rf_buf_adds(out, " OR ");
			db->ops->quote_ident(db, name, out);
			rf_buf_adds(out, " IS NULL");
		}
		return;
	}
	add_or_tree(db, t, key, tuples, first, first + n, out);
}

int rf_lookup_rows(struct rf_db *db, const struct rf_table_info *t, const struct rf_lookup_key *key,
                   const struct rf_cell *tuples, size_t ntuples, const size_t *stream_cols,
                   size_t nstream, bool lock, rf_lookup_fn fn, void *ctx, struct rf_error *err)
{
	struct rf_buf where = RF_BUF_INIT;
	struct rf_stream *st = NULL;
	size_t first, chunk = key->chunk ? key->chunk : RF_LOOKUP_CHUNK;
	int rc = 0;

	for (first = 0; rc == 0 && first < ntuples; first += chunk) {
		size_t n = ntuples - first < chunk ? ntuples - first : chunk;
		struct rf_stream_spec spec;
		const struct rf_row *row;
		int r;

		build_where(db, t, key, tuples, first, n, &where);
		memset(&spec, 0, sizeof spec);
		spec.table = t;
		spec.ncols = nstream;
		spec.cols = stream_cols;
		spec.where = where.data;
		spec.lock = lock;
		if (db->ops->stream_open(db, &spec, &st, err) != 0) {
			rc = -1;
			break;
		}
		while ((r = db->ops->stream_next(st, &row, err)) == 1)
			if (fn(ctx, row, err) != 0) {
				r = -1;
				break;
			}
		db->ops->stream_close(st);
		st = NULL;
		if (r < 0)
			rc = -1;
	}
	rf_buf_free(&where);
	return rc;
}

enum rf_type_class rf_lookup_class(enum rf_type_class value_class, enum rf_type_class column_class)
{
	if (column_class == RF_T_TEXT || column_class == RF_T_OTHER)
		return column_class;
	return value_class;
}

struct rf_cell *rf_lookup_canon(const struct rf_row *row, size_t first, size_t n,
                                const enum rf_type_class *classes, const struct rf_col_opts *opts,
                                struct rf_buf *buf, struct rf_cell *out)
{
	static const struct rf_col_opts defaults = RF_COL_OPTS_INIT;
	size_t i, off;

	rf_buf_reset(buf);
	/* offsets first: buf moves while it grows */
	for (i = 0; i < n; i++) {
		const struct rf_cell *c = &row->cells[first + i];
		out[i].is_null = c->is_null;
		out[i].len = buf->len;
		if (!c->is_null)
			rf_value_canon(classes[i], c, opts ? &opts[i] : &defaults, buf);
		out[i].len = buf->len - out[i].len;
	}
	for (i = 0, off = 0; i < n; off += out[i].len, i++)
		out[i].data = out[i].is_null ? NULL : buf->data + off;
	return out;
}
