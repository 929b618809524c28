/* hash_sql.h - the SQL of the hash diff (DESIGN §14) that every driver
 * shares: the key range of a segment (and of a stream), and the statements
 * behind the ops segment_sums and segment_keys (db.h). A driver fills one
 * struct rf_hash_sql with what differs between engines (the byte-order form
 * of a key, the row hash) and runs the statements itself.
 */
#ifndef RF_HASH_SQL_H
#define RF_HASH_SQL_H

#include "rowferry/db.h"

struct rf_hash_sql {
	/* Opens a row of several key columns or literals: "ROW(" or "(". */
	const char *row_open;
	/* Appends t, quoted, as FROM names it. */
	void (*table)(struct rf_db *db, const struct rf_table_info *t, struct rf_buf *sql);
	/* Appends key column col of t, compared as class cls, in a form that
	 * sorts in byte order as the stream's ORDER BY does. */
	void (*key_column)(struct rf_db *db, const struct rf_table_info *t, size_t col,
	                   enum rf_type_class cls, struct rf_buf *sql);
	/* Appends the canonical value v of class cls in the form key_column
	 * compares with. */
	void (*key_literal)(struct rf_db *db, enum rf_type_class cls, const struct rf_cell *v,
	                    struct rf_buf *sql);
	/* Appends key column col of t as segment_keys returns it (the engine's
	 * text form, as streamed). */
	void (*key_output)(struct rf_db *db, const struct rf_table_info *t, size_t col,
	                   struct rf_buf *sql);
	/* Appends the value the row hash reads for column i of spec (its
	 * canonical form in SQL, or the column as it is). */
	void (*value)(struct rf_db *db, const struct rf_segment_spec *spec, size_t i,
	              struct rf_buf *sql);
	/* Appends a non-negative integer hash of the key columns key[0..nkey)
	 * of t (their values as the engine holds them, NULL hashed as a
	 * value), or NULL where the driver cuts no key buckets (db.h,
	 * rf_segment_spec.buckets). */
	void (*key_hash)(struct rf_db *db, const struct rf_table_info *t, size_t nkey,
	                 const size_t *key, struct rf_buf *sql);
	/* Appended to the rows a sums statement groups (NULL: nothing).
	 * PostgreSQL: " OFFSET 0", so that its planner, which cannot count the
	 * groups of a computed segment number and takes each row for one,
	 * groups in a hash table instead of sorting every row with all its
	 * values first (3.7 s against 2.1 s for 1M rows, to disk below 64MB of
	 * work_mem). */
	const char *fence;
	/* Integer division, between two integer operands: " / " or " DIV ". */
	const char *int_div;
	/* Appends the aggregate over the values v0 .. v<ncols-1> of a segment's
	 * rows: the sum of their row hashes modulo 2^60 (db.h). */
	void (*row_sum)(struct rf_db *db, const struct rf_segment_spec *spec, struct rf_buf *sql);
	/* Many listed key buckets may be tested as a bit of a bitmap instead
	 * of an IN list: get_bit(decode('<hex>', 'hex'), bucket) = 1
	 * (PostgreSQL; false where the engine has no get_bit). */
	bool bucket_bitmap;
};

/* Appends to sql the condition that the key (columns key[0..nkey) of t,
 * compared as cls[i], or as their own class where cls is NULL) lies in
 * [lo, hi), each bound nkey canonical cells or NULL for none, after " AND "
 * when have_where, else after " WHERE "; nothing when both are NULL. */
void rf_hash_key_range(struct rf_db *db, const struct rf_hash_sql *h, const struct rf_table_info *t,
                       size_t nkey, const size_t *key, const enum rf_type_class *cls,
                       const struct rf_cell *lo, const struct rf_cell *hi, bool have_where,
                       struct rf_buf *sql);

/* The same for a stream's ranges (rf_stream_spec.ranges[0..nranges)):
 * nothing for none, rf_hash_key_range's form for one, and for several
 * " WHERE|AND ((range 1) OR (range 2) ...)"; before them, the stream's
 * key buckets (rf_stream_spec.bucket_mod) as " WHERE|AND hash % m IN
 * (...)". */
void rf_hash_stream_ranges(struct rf_db *db, const struct rf_hash_sql *h,
                           const struct rf_stream_spec *spec, bool have_where, struct rf_buf *sql);

/* Appends to sql the statement of segment_sums (db.h): one row a
 * non-empty segment, its number (0 .. nb), its row count and its sum. */
void rf_hash_sums_sql(struct rf_db *db, const struct rf_hash_sql *h,
                      const struct rf_segment_spec *spec, const struct rf_cell *bounds, size_t nb,
                      struct rf_buf *sql);

/* Appends to sql the statement of segment_keys (db.h): the nkey key
 * columns of the rows number step, 2*step, ... in key order, at most max. */
void rf_hash_keys_sql(struct rf_db *db, const struct rf_hash_sql *h,
                      const struct rf_segment_spec *spec, unsigned long long step, size_t max,
                      struct rf_buf *sql);

/* For each row of the statement (out[0..nb] zeroed by the caller):
 * segment b (ignored when over nb) has rows rows and sum sum. */
void rf_hash_sums_put(struct rf_segment_sum *out, size_t nb, unsigned long long b,
                      unsigned long long rows, unsigned long long sum);

#endif
