/* hash_sql.c - the SQL of the hash diff that every driver shares
 * (hash_sql.h, DESIGN §14).
 *
 * Segments are cut in byte order identically on both sides: each driver
 * gives the form of a key column (and of a literal key) that sorts so, and
 * the same bounds then put every key in the same segment on every engine,
 * whatever the columns' collations. Several key columns are compared as a
 * row, which every engine compares column by column.
 */
#include <stdlib.h>

#include "hash_sql.h"

static enum rf_type_class key_class(const struct rf_table_info *t, const size_t *key,
                                    const enum rf_type_class *cls, size_t i)
{
	return cls ? cls[i] : t->cols[key[i]].tclass;
}

/* The key as the stream's ORDER BY sorts it. */
static void key_expr(struct rf_db *db, const struct rf_hash_sql *h, const struct rf_table_info *t,
                     size_t nkey, const size_t *key, const enum rf_type_class *cls,
                     struct rf_buf *sql)
{
	size_t i;

	if (nkey > 1)
		rf_buf_adds(sql, h->row_open);
	for (i = 0; i < nkey; i++) {
		if (i)
			rf_buf_adds(sql, ", ");
		h->key_column(db, t, key[i], key_class(t, key, cls, i), sql);
	}
	if (nkey > 1)
		rf_buf_addc(sql, ')');
}

/* The key op the literal key v (nkey canonical cells). */
static void key_cmp(struct rf_db *db, const struct rf_hash_sql *h, const struct rf_table_info *t,
                    size_t nkey, const size_t *key, const enum rf_type_class *cls, const char *op,
                    const struct rf_cell *v, struct rf_buf *sql)
{
	size_t i;

	key_expr(db, h, t, nkey, key, cls, sql);
	rf_buf_printf(sql, " %s ", op);
	if (nkey > 1)
		rf_buf_adds(sql, h->row_open);
	for (i = 0; i < nkey; i++) {
		if (i)
			rf_buf_adds(sql, ", ");
		h->key_literal(db, key_class(t, key, cls, i), &v[i], sql);
	}
	if (nkey > 1)
		rf_buf_addc(sql, ')');
}

void rf_hash_key_range(struct rf_db *db, const struct rf_hash_sql *h, const struct rf_table_info *t,
                       size_t nkey, const size_t *key, const enum rf_type_class *cls,
                       const struct rf_cell *lo, const struct rf_cell *hi, bool have_where,
                       struct rf_buf *sql)
{
	if (lo) {
		rf_buf_adds(sql, have_where ? " AND " : " WHERE ");
		key_cmp(db, h, t, nkey, key, cls, ">=", lo, sql);
		have_where = true;
	}
	if (hi) {
		rf_buf_adds(sql, have_where ? " AND " : " WHERE ");
		key_cmp(db, h, t, nkey, key, cls, "<", hi, sql);
	}
}

static void key_ranges(struct rf_db *db, const struct rf_hash_sql *h, const struct rf_table_info *t,
                       size_t nkey, const size_t *key, const enum rf_type_class *cls,
                       const struct rf_key_range *ranges, size_t nranges, bool have_where,
                       struct rf_buf *sql)
{
	size_t i;

	if (nranges == 1)
		rf_hash_key_range(db, h, t, nkey, key, cls, ranges[0].lo, ranges[0].hi, have_where,
		                  sql);
	if (nranges <= 1)
		return;
	/* (k >= lo1 AND k < hi1) OR (k >= lo2 AND k < hi2) ...: each an index
	 * range where the key's form is indexed (an integer key on every
	 * engine); only the first may lack lo and only the last hi, as the
	 * ranges are disjoint and in order, so no term is empty */
	rf_buf_adds(sql, have_where ? " AND (" : " WHERE (");
	for (i = 0; i < nranges; i++) {
		const struct rf_key_range *r = &ranges[i];
		rf_buf_adds(sql, i ? " OR (" : "(");
		if (r->lo)
			key_cmp(db, h, t, nkey, key, cls, ">=", r->lo, sql);
		if (r->lo && r->hi)
			rf_buf_adds(sql, " AND ");
		if (r->hi)
			key_cmp(db, h, t, nkey, key, cls, "<", r->hi, sql);
		if (!r->lo && !r->hi)
			rf_buf_adds(sql, "1 = 1");
		rf_buf_addc(sql, ')');
	}
	rf_buf_addc(sql, ')');
}

/* The key's bucket: its hash modulo mod (db.h, rf_segment_spec.buckets). */
static void bucket_expr(struct rf_db *db, const struct rf_hash_sql *h,
                        const struct rf_table_info *t, size_t nkey, const size_t *key,
                        unsigned long long mod, struct rf_buf *sql)
{
	rf_buf_adds(sql, "((");
	h->key_hash(db, t, nkey, key, sql);
	rf_buf_printf(sql, ") %% %llu)", mod);
}

/* From this many listed buckets on, and up to BITMAP_MAX_MOD buckets in
 * all, a bitmap (rf_hash_sql.bucket_bitmap): the bench's 2975 of 524288
 * buckets as an IN list took the planner 32 ms to read and the executor a
 * hash probe a row; the bitmap's 128 KiB of hex, a bit test a row (the
 * second pass 0.21-0.24 -> 0.17-0.19 s of server CPU a side). */
#define BITMAP_MIN_IN  64
#define BITMAP_MAX_MOD (1ull << 23)

/* " WHERE|AND bucket IN (b0, b1, ...)": the rows of the listed buckets. */
static void bucket_in(struct rf_db *db, const struct rf_hash_sql *h, const struct rf_table_info *t,
                      size_t nkey, const size_t *key, unsigned long long mod,
                      const unsigned long long *in, size_t nin, bool have_where, struct rf_buf *sql)
{
	size_t i;

	rf_buf_adds(sql, have_where ? " AND " : " WHERE ");
	if (h->bucket_bitmap && nin >= BITMAP_MIN_IN && mod <= BITMAP_MAX_MOD) {
		unsigned char *bits = rf_xcalloc((size_t)(mod + 7) / 8, 1);
		for (i = 0; i < nin; i++)
			if (in[i] <
			    mod) /* bit n of get_bit: byte n / 8, bit n % 8 from the low end */
				bits[in[i] / 8] |= (unsigned char)(1u << (in[i] % 8));
		rf_buf_adds(sql, "get_bit(decode('");
		rf_buf_addhex(sql, bits, (size_t)(mod + 7) / 8);
		rf_buf_adds(sql, "', 'hex'), (");
		bucket_expr(db, h, t, nkey, key, mod, sql);
		rf_buf_adds(sql, ")::integer) = 1");
		free(bits);
		return;
	}
	bucket_expr(db, h, t, nkey, key, mod, sql);
	rf_buf_adds(sql, " IN (");
	for (i = 0; i < nin; i++)
		rf_buf_printf(sql, "%s%llu", i ? ", " : "", in[i]);
	rf_buf_addc(sql, ')');
}

void rf_hash_stream_ranges(struct rf_db *db, const struct rf_hash_sql *h,
                           const struct rf_stream_spec *spec, bool have_where, struct rf_buf *sql)
{
	if (spec->bucket_mod && h->key_hash) {
		bucket_in(db, h, spec->table, spec->nkey, spec->key, spec->bucket_mod,
		          spec->buckets, spec->nbuckets, have_where, sql);
		have_where = true;
	}
	key_ranges(db, h, spec->table, spec->nkey, spec->key, NULL, spec->ranges, spec->nranges,
	           have_where, sql);
}

static void segment_from(struct rf_db *db, const struct rf_hash_sql *h,
                         const struct rf_segment_spec *spec, struct rf_buf *sql)
{
	bool have_where = spec->where != NULL;

	rf_buf_adds(sql, " FROM ");
	h->table(db, spec->table, sql);
	if (spec->where)
		rf_buf_printf(sql, " WHERE (%s)", spec->where);
	if (spec->nin && h->key_hash) {
		bucket_in(db, h, spec->table, spec->nkey, spec->key, spec->in_mod, spec->in,
		          spec->nin, have_where, sql);
		have_where = true;
	}
	if (spec->nranges)
		key_ranges(db, h, spec->table, spec->nkey, spec->key, spec->key_class, spec->ranges,
		           spec->nranges, have_where, sql);
	else
		rf_hash_key_range(db, h, spec->table, spec->nkey, spec->key, spec->key_class,
		                  spec->lo, spec->hi, have_where, sql);
}

void rf_hash_sums_sql(struct rf_db *db, const struct rf_hash_sql *h,
                      const struct rf_segment_spec *spec, const struct rf_cell *bounds, size_t nb,
                      struct rf_buf *sql)
{
	size_t i;

	rf_buf_adds(sql, "SELECT b, count(*), ");
	h->row_sum(db, spec, sql);
	rf_buf_adds(sql, " FROM (SELECT ");
	if (nb == 0) {
		rf_buf_adds(sql, "0");
	} else if (spec->buckets > 0 && h->key_hash) {
		bucket_expr(db, h, spec->table, spec->nkey, spec->key, spec->buckets, sql);
	} else if (spec->width > 0) {
		/* segment i is [lo + i*w, lo + (i+1)*w), the first and the last
		 * open below and above: (key - lo) DIV w between them */
		long long lo = spec->width_lo, w = spec->width;
		rf_buf_adds(sql, "CASE WHEN ");
		key_expr(db, h, spec->table, 1, spec->key, spec->key_class, sql);
		rf_buf_printf(sql, " < %lld THEN 0 WHEN ", lo + w);
		key_expr(db, h, spec->table, 1, spec->key, spec->key_class, sql);
		rf_buf_printf(sql, " >= %lld THEN %zu ELSE CAST((", lo + (long long)nb * w, nb);
		key_expr(db, h, spec->table, 1, spec->key, spec->key_class, sql);
		rf_buf_printf(sql, " - (%lld))%s%lld AS INTEGER) END", lo, h->int_div, w);
	} else {
		/* the segment's number: the first bound the key is below */
		rf_buf_adds(sql, "CASE");
		for (i = 0; i < nb; i++) {
			rf_buf_adds(sql, " WHEN ");
			key_cmp(db, h, spec->table, spec->nkey, spec->key, spec->key_class, "<",
			        &bounds[i * spec->nkey], sql);
			rf_buf_printf(sql, " THEN %zu", i);
		}
		rf_buf_printf(sql, " ELSE %zu END", nb);
	}
	rf_buf_adds(sql, " AS b");
	for (i = 0; i < spec->ncols; i++) {
		rf_buf_adds(sql, ", ");
		h->value(db, spec, i, sql);
		rf_buf_printf(sql, " AS v%zu", i);
	}
	segment_from(db, h, spec, sql);
	if (h->fence)
		rf_buf_adds(sql, h->fence);
	rf_buf_adds(sql, ") q GROUP BY b");
}

void rf_hash_keys_sql(struct rf_db *db, const struct rf_hash_sql *h,
                      const struct rf_segment_spec *spec, unsigned long long step, size_t max,
                      struct rf_buf *sql)
{
	size_t k;
	int end;

	if (step == 0) {
		/* the first and the last key: ORDER BY .. LIMIT 1 each way, an
		 * index walk of one row; as subqueries, the form all three
		 * engines accept in a UNION */
		for (end = 0; end < 2; end++) {
			rf_buf_adds(sql, end ? " UNION ALL SELECT * FROM (SELECT "
			                     : "SELECT * FROM (SELECT ");
			for (k = 0; k < spec->nkey; k++) {
				if (k)
					rf_buf_adds(sql, ", ");
				h->key_output(db, spec->table, spec->key[k], sql);
				rf_buf_printf(sql, " AS k%zu", k);
			}
			segment_from(db, h, spec, sql);
			for (k = 0; k < spec->nkey; k++) {
				rf_buf_adds(sql, k ? ", " : " ORDER BY ");
				key_expr(db, h, spec->table, 1, &spec->key[k], &spec->key_class[k],
				         sql);
				if (end)
					rf_buf_adds(sql, " DESC");
			}
			rf_buf_printf(sql, " LIMIT 1) q%d", end);
		}
		return;
	}
	rf_buf_adds(sql, "SELECT * FROM (SELECT ");
	for (k = 0; k < spec->nkey; k++) {
		h->key_output(db, spec->table, spec->key[k], sql);
		rf_buf_printf(sql, " AS k%zu, ", k);
	}
	rf_buf_adds(sql, "row_number() OVER (ORDER BY ");
	for (k = 0; k < spec->nkey; k++) {
		if (k)
			rf_buf_adds(sql, ", ");
		key_expr(db, h, spec->table, 1, &spec->key[k], &spec->key_class[k], sql);
	}
	rf_buf_adds(sql, ") AS rn");
	segment_from(db, h, spec, sql);
	rf_buf_printf(sql, ") q WHERE rn %% %llu = 0 ORDER BY rn LIMIT %zu", step, max);
}

void rf_hash_sums_put(struct rf_segment_sum *out, size_t nb, unsigned long long b,
                      unsigned long long rows, unsigned long long sum)
{
	if (b > nb)
		return;
	out[b].rows = rows;
	out[b].sum = sum;
}
