/* lookup.c - key sets and key lookups on the target (lookup.h). */
#include <stdio.h>
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

/* Keys are copied into blocks, not malloc'ed one by one: apply and the
 * preview put a key per row of the plan. */
#define KEYSET_BLOCK 65536
struct rf_keyset_block {
	struct rf_keyset_block *next;
	size_t used, size;
	char bytes[];
};

static char *keyset_copy(struct rf_keyset *s, const char *key, size_t klen)
{
	struct rf_keyset_block *b = s->blocks;
	char *at;
	if (!b || b->size - b->used < klen) {
		size_t size = klen > KEYSET_BLOCK ? klen : KEYSET_BLOCK;
		b = rf_xmalloc(sizeof *b + size);
		b->used = 0;
		b->size = size;
		b->next = s->blocks;
		s->blocks = b;
	}
	at = b->bytes + b->used;
	memcpy(at, key, klen);
	b->used += klen;
	return at;
}

void rf_keyset_free(struct rf_keyset *s)
{
	while (s->blocks) {
		struct rf_keyset_block *next = s->blocks->next;
		free(s->blocks);
		s->blocks = next;
	}
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

static void resize(struct rf_keyset *s, size_t ncap)
{
	struct rf_keyset_slot *n = rf_xcalloc(ncap, sizeof *n);
	size_t i;

	for (i = 0; i < s->cap; i++)
		if (s->slots[i].key)
			*find_slot(n, ncap, s->slots[i].key, s->slots[i].klen, s->slots[i].hash) =
			    s->slots[i];
	free(s->slots);
	s->slots = n;
	s->cap = ncap;
}

void rf_keyset_reserve(struct rf_keyset *s, size_t n)
{
	size_t ncap = s->cap ? s->cap : 64;

	while (ncap < 2 * n)
		ncap *= 2;
	if (ncap > s->cap)
		resize(s, ncap);
}

size_t rf_keyset_put(struct rf_keyset *s, const char *key, size_t klen, size_t value, bool *added)
{
	uint64_t hash = fnv1a(key, klen);
	struct rf_keyset_slot *slot;

	if ((s->len + 1) * 2 > s->cap)
		resize(s, s->cap ? s->cap * 2 : 64);
	slot = find_slot(s->slots, s->cap, key, klen, hash);
	if (slot->key) {
		if (added)
			*added = false;
		return slot->value;
	}
	slot->key = keyset_copy(s, key, klen);
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

void rf_lookup_tuple_where(struct rf_db *db, const struct rf_table_info *t,
                           const struct rf_lookup_key *key, const struct rf_cell *tuple,
                           struct rf_buf *out)
{
	for (size_t j = 0; j < key->n; j++) {
		if (j)
			rf_buf_adds(out, " AND ");
		add_equal(db, t->cols[key->cols[j]].name, key->classes[j], &tuple[j], out);
	}
}

/* (a = x AND b = y) OR ... for tuples [lo, hi), as a balanced tree of
 * ORs: a flat chain of a thousand is an expression a thousand deep, past
 * SQLite's limit (SQLITE_MAX_EXPR_DEPTH); balanced, it is ten deep. */
static void add_or_tree(struct rf_db *db, const struct rf_table_info *t,
                        const struct rf_lookup_key *key, const struct rf_cell *tuples, size_t lo,
                        size_t hi, struct rf_buf *out)
{
	size_t mid;
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
	rf_lookup_tuple_where(db, t, key, &tuples[lo * key->n], out);
	rf_buf_addc(out, ')');
}

/* -?[0-9]+: a canonical integer, safe to write as it is */
static bool plain_integer(const char *s, size_t len)
{
	size_t i = len && s[0] == '-' ? 1 : 0;
	if (i == len)
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Whether tuples [first, first+n) can go as "(a, b) IN (VALUES (x, y),
 * ...)": the engine reads it (db->values_in), and every value is a non-NULL
 * integer, a literal that compares as the column's own type on every
 * engine (a string in VALUES would be text, not a timestamp or a uuid). A
 * thousand ORs cost PostgreSQL ~250 ms to plan and run; the VALUES list,
 * a hashed semi-join, ~25 ms. */
static bool values_in(const struct rf_db *db, const struct rf_lookup_key *key,
                      const struct rf_cell *tuples, size_t first, size_t n)
{
	size_t i, j;
	if (!db->values_in || key->n < 2)
		return false;
	for (j = 0; j < key->n; j++)
		if (key->classes[j] != RF_T_INTEGER)
			return false;
	for (i = first * key->n; i < (first + n) * key->n; i++)
		if (tuples[i].is_null || !plain_integer(tuples[i].data, tuples[i].len))
			return false;
	return true;
}

static void add_values_in(struct rf_db *db, const struct rf_table_info *t,
                          const struct rf_lookup_key *key, const struct rf_cell *tuples,
                          size_t first, size_t n, struct rf_buf *out)
{
	size_t i, j;
	rf_buf_addc(out, '(');
	for (j = 0; j < key->n; j++) {
		if (j)
			rf_buf_adds(out, ", ");
		db->ops->quote_ident(db, t->cols[key->cols[j]].name, out);
	}
	rf_buf_adds(out, ") IN (VALUES ");
	for (i = first; i < first + n; i++) {
		rf_buf_adds(out, i > first ? ", (" : "(");
		for (j = 0; j < key->n; j++) {
			const struct rf_cell *v = &tuples[i * key->n + j];
			if (j)
				rf_buf_adds(out, ", ");
			rf_buf_add(out, v->data, v->len);
		}
		rf_buf_addc(out, ')');
	}
	rf_buf_addc(out, ')');
}

/* The condition for tuples [first, first+n): "k IN (a, b) OR k IS NULL"
 * for a one-column key (an index lookup every engine plans well), else
 * "(a, b) IN (VALUES ...)" for integers where the engine reads it, else
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
	if (values_in(db, key, tuples, first, n))
		add_values_in(db, t, key, tuples, first, n, out);
	else
		add_or_tree(db, t, key, tuples, first, first + n, out);
}

static bool table_path(const struct rf_db *db, size_t n)
{
	return db->bulk && db->in_tx && db->tx_mode == RF_TX_WRITE && n >= RF_LOOKUP_TABLE_MIN;
}

size_t rf_lookup_span(const struct rf_db *db, size_t n)
{
	return table_path(db, n) ? n : RF_LOOKUP_CHUNK;
}

/* One stream of the rows of t matching `where`, each passed to fn. */
static int stream_where(struct rf_db *db, const struct rf_table_info *t, const char *where,
                        const size_t *stream_cols, size_t nstream, const struct rf_stream_ref *refs,
                        bool lock, rf_lookup_fn fn, void *ctx, struct rf_error *err)
{
	struct rf_stream_spec spec;
	struct rf_stream *st = NULL;
	const struct rf_row *row;
	int r;

	memset(&spec, 0, sizeof spec);
	spec.table = t;
	spec.ncols = nstream;
	spec.cols = stream_cols;
	spec.where = where;
	spec.lock = lock;
	spec.refs = refs;
	if (db->ops->stream_open(db, &spec, &st, err) != 0)
		return -1;
	while ((r = db->ops->stream_next(st, &row, err)) == 1)
		if (fn(ctx, row, err) != 0) {
			r = -1;
			break;
		}
	db->ops->stream_close(st);
	return r < 0 ? -1 : 0;
}

static int lookup_chunks(struct rf_db *db, const struct rf_table_info *t,
                         const struct rf_lookup_key *key, const struct rf_cell *tuples,
                         size_t ntuples, const size_t *stream_cols, size_t nstream,
                         const struct rf_stream_ref *refs, bool lock, rf_lookup_fn fn, void *ctx,
                         struct rf_error *err)
{
	struct rf_buf where = RF_BUF_INIT;
	size_t first, chunk = key->chunk ? key->chunk : RF_LOOKUP_CHUNK;
	int rc = 0;

	for (first = 0; rc == 0 && first < ntuples; first += chunk) {
		size_t n = ntuples - first < chunk ? ntuples - first : chunk;
		build_where(db, t, key, tuples, first, n, &where);
		rc =
		    stream_where(db, t, where.data, stream_cols, nstream, refs, lock, fn, ctx, err);
	}
	rf_buf_free(&where);
	return rc;
}

/* The tuples without NULLs go to a temporary table and one stream joins
 * it ("(a, b) IN (SELECT a, b FROM rowferry_keys_N)"); tuples with a NULL
 * (which = never matches) are looked up in chunks as usual. */
static int lookup_table(struct rf_db *db, const struct rf_table_info *t,
                        const struct rf_lookup_key *key, const struct rf_cell *tuples,
                        size_t ntuples, const size_t *stream_cols, size_t nstream,
                        const struct rf_stream_ref *refs, bool lock, rf_lookup_fn fn, void *ctx,
                        struct rf_error *err)
{
	static unsigned seq;
	struct rf_buf data = RF_BUF_INIT, cols = RF_BUF_INIT, where = RF_BUF_INIT;
	struct rf_cell *nulls = NULL;
	size_t i, j, nnull = 0;
	char name[48];
	int rc = -1;

	for (i = 0; i < ntuples; i++) {
		const struct rf_cell *tu = &tuples[i * key->n];
		for (j = 0; j < key->n && !tu[j].is_null; j++)
			;
		if (j < key->n) {
			if (!nulls)
				nulls = rf_xcalloc(ntuples * key->n, sizeof *nulls);
			memcpy(&nulls[nnull++ * key->n], tu, key->n * sizeof *tu);
			continue;
		}
		for (j = 0; j < key->n && !(key->kept && *key->kept); j++)
			db->ops->bulk_value(db, key->classes[j], &tu[j], j + 1 == key->n, &data);
	}
	if (nnull && lookup_chunks(db, t, key, nulls, nnull, stream_cols, nstream, refs, lock, fn,
	                           ctx, err) != 0)
		goto out;
	if (nnull == ntuples) {
		rc = 0;
		goto out;
	}
	if (key->kept && *key->kept) {
		snprintf(name, sizeof name, "%s", *key->kept);
	} else {
		snprintf(name, sizeof name, "rowferry_keys_%u",
		         __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
		if (db->ops->temp_load(db, name, t, key->cols, key->n, data.data, data.len, err) !=
		    0)
			goto out;
		if (key->kept)
			*key->kept = rf_xstrdup(name);
	}
	for (j = 0; j < key->n; j++) {
		if (j)
			rf_buf_adds(&cols, ", ");
		db->ops->quote_ident(db, t->cols[key->cols[j]].name, &cols);
	}
	rf_buf_printf(&where,
	              key->n == 1 ? "%s IN (SELECT %s FROM %s)" : "(%s) IN (SELECT %s FROM %s)",
	              cols.data, cols.data, name);
	rc = stream_where(db, t, where.data, stream_cols, nstream, refs, lock, fn, ctx, err);
	/* on failure the transaction is rolled back, and the table with it */
	if (rc == 0 && !key->kept)
		rc = db->ops->temp_drop(db, name, err);
out:
	free(nulls);
	rf_buf_free(&data);
	rf_buf_free(&cols);
	rf_buf_free(&where);
	return rc;
}

int rf_lookup_release(struct rf_db *db, char **kept, struct rf_error *err)
{
	int rc = 0;
	if (*kept) {
		rc = db->ops->temp_drop(db, *kept, err);
		free(*kept);
		*kept = NULL;
	}
	return rc;
}

int rf_lookup_rows_refs(struct rf_db *db, const struct rf_table_info *t,
                        const struct rf_lookup_key *key, const struct rf_cell *tuples,
                        size_t ntuples, const size_t *stream_cols, const struct rf_stream_ref *refs,
                        size_t nstream, bool lock, rf_lookup_fn fn, void *ctx, struct rf_error *err)
{
	if (rf_db_planned(db, t->display))
		return 0; /* a table --create will make: no row yet */
	/* The rows a copy just inserted into a table that held few rows: one
	 * scan of the table reads them for less than loading their keys into
	 * a temporary table and joining it (MariaDB, 100k rows inserted in the
	 * same transaction: 40-90 ms against 18 ms + 110-190 ms; a range of
	 * the keys on their unique index was slower still, 0.35 s for its
	 * COUNT alone, as every entry of our own rows is checked against the
	 * clustered record). The caller matches every row exactly anyway, so
	 * the table's other rows are read and dropped. */
	if (key->scan && !lock)
		return stream_where(db, t, NULL, stream_cols, nstream, refs, false, fn, ctx, err);
	if (table_path(db, ntuples))
		return lookup_table(db, t, key, tuples, ntuples, stream_cols, nstream, refs, lock,
		                    fn, ctx, err);
	return lookup_chunks(db, t, key, tuples, ntuples, stream_cols, nstream, refs, lock, fn, ctx,
	                     err);
}

int rf_lookup_rows(struct rf_db *db, const struct rf_table_info *t, const struct rf_lookup_key *key,
                   const struct rf_cell *tuples, size_t ntuples, const size_t *stream_cols,
                   size_t nstream, bool lock, rf_lookup_fn fn, void *ctx, struct rf_error *err)
{
	return rf_lookup_rows_refs(db, t, key, tuples, ntuples, stream_cols, NULL, nstream, lock,
	                           fn, ctx, err);
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
