/* diff_internal.h - what diff.c (the merge) uses of diff_shape.c (the
 * shape); internal to the core. */
#ifndef RF_DIFF_INTERNAL_H
#define RF_DIFF_INTERNAL_H

#include "rowferry/diff.h"

/* Describes name on db; an engine without schemas also takes the name a
 * schema-qualified one shows ("public.jobs" -> "jobs"). 0 or -1 with err. */
int diff_describe(struct rf_db *db, const char *name, struct rf_table_info *t,
                  struct rf_error *err);
/* Pairs the columns of sh->src_table and sh->dst_table (described) into
 * sh, checks the selection's column names, and resolves the match key.
 * 0 or -1 with err. */
int diff_shape_build(struct rf_diff_shape *sh, const struct rf_selection *sel,
                     struct rf_error *err);
/* The shape column named name, or -1. */
int diff_shape_col(const struct rf_diff_shape *sh, const char *name);
/* Frees what sh holds (not sh). */
void diff_shape_clear(struct rf_diff_shape *sh);

/* diff_hash.c: the hash diff's plan (DESIGN §14). */
struct diff_range { /* [lo, hi): nkey canonical cells each, owned; NULL unbounded */
	struct rf_cell *lo, *hi;
};
struct diff_hash_plan {
	size_t nkey;
	size_t len, cap;
	struct diff_range *ranges;    /* the ranges to stream, in key order */
	unsigned long long root_rows; /* rows of the larger side */
	bool declined;                /* auto: not more than hash_min_rows, or
	                                 the differences spread too widely */
	size_t spread, parts;         /* auto declined for spread: segments of
	                                 the first cut that differ, of parts */
	/* Cut by key hash (diff_bucket.c): where bucket_mod > 0, ranges holds
	 * one unbounded range and the rows streamed are those whose key hash
	 * modulo bucket_mod is one of buckets[0..nbuckets), ascending, owned. */
	unsigned long long bucket_mod;
	unsigned long long *buckets;
	size_t nbuckets;
};
/* Why the hash diff cannot diff the shape exactly (allocated, the caller
 * frees), or NULL when it can. */
char *diff_hash_refusal(const struct rf_diff_shape *sh, struct rf_db *src, struct rf_db *dst);
/* Plans the ranges to stream: counts identical rows of equal segments into
 * stats->identical, and what crossed the wire into stats. where[0] and
 * where[1]: each side's filter. auto_mode: declines (plan->declined) a
 * table of at most o->hash_min_rows rows, and one where more than half the
 * segments of the first cut differ (then nearly every row would be read
 * anyway, by many range queries instead of one stream: stream mode is
 * faster). 0 or -1 with err. */
int diff_hash_plan(const struct rf_diff_shape *sh, struct rf_db *src, struct rf_db *dst,
                   const char *where[2], const struct rf_diff_opts *o, bool auto_mode,
                   struct diff_hash_plan *plan, struct rf_diff_stats *stats, struct rf_error *err);
void diff_hash_plan_free(struct diff_hash_plan *p);

/* What planning a hash diff keeps (diff_hash.c), shared with the cut by
 * key hash (diff_bucket.c). */
struct hash_ctx {
	const struct rf_diff_shape *sh;
	struct rf_db *db[2];
	struct rf_segment_spec spec[2];
	size_t *cols[2];
	size_t *keys[2];
	enum rf_type_class *classes;
	unsigned long long segment_rows;
	int max_depth;  /* levels of cutting below the root */
	bool auto_mode; /* decline when the first cut mostly differs */
	struct diff_hash_plan *plan;
	struct rf_diff_stats *stats;
	const struct rf_diff_opts *opts;
	struct rf_diff_progress progress;
};
/* Tells the caller how far the plan is; nonzero: it asked to stop. */
int diff_hash_report(struct hash_ctx *h, struct rf_error *err);
/* Both sides' segment_sums of h->spec (out[s][0..nb] zeroed by the
 * caller), the two servers at once. 0 or -1 with err. */
int diff_hash_sums(struct hash_ctx *h, size_t nb, struct rf_segment_sum *out[2],
                   struct rf_error *err);
/* Appends the range [lo, hi) (NULL: unbounded) to the plan's ranges. */
void diff_hash_add_range(struct diff_hash_plan *p, const struct rf_cell *lo,
                         const struct rf_cell *hi);
/* The whole table cut by a hash of its key where both servers can
 * (db.h, rf_segment_spec.buckets): 1 planned, 0 not this way, -1 error. */
int diff_plan_by_bucket(struct hash_ctx *h, struct rf_error *err);

/* diff_remap.c: the source's rows of a shape with remapped columns
 * (shape->remapped), read whole from stream st (columns shape_cols, the
 * inverse stream_of), remapped and sorted by the key. */
struct diff_mem {
	size_t len, pos;
	void *rows;
};
/* 0, or -1 with err (the stream's); m is the caller's to free either way. */
int diff_mem_load(const struct rf_diff_shape *sh, struct rf_db *db, struct rf_stream *st,
                  const size_t *shape_cols, const int *stream_of, struct diff_mem *m,
                  struct rf_error *err);
/* The next row (valid until diff_mem_free), or NULL at the end. */
const struct rf_row *diff_mem_next(struct diff_mem *m);
void diff_mem_free(struct diff_mem *m);

/* One side of the merge: its stream, the current row in canonical form and
 * the previous key, kept to verify the stream's order. */
struct diff_side {
	struct rf_db *db;
	struct rf_stream *stream;
	bool started_tx;
	size_t nstream;
	size_t *stream_cols;      /* table column indexes streamed */
	size_t *shape_cols;       /* shape column each streamed cell fills */
	size_t *offs;             /* scratch for canon_cells */
	int *stream_of;           /* per shape column: its index in the stream, or -1 */
	const struct rf_row *raw; /* the current row as the driver gave it */
	struct rf_buf scratch;    /* canonical forms of single cells being compared */
	struct rf_buf buf;        /* canonical bytes of the current row */
	struct rf_cell *cells;    /* shape->ncols canonical cells of the current row */
	struct rf_cell *stored;   /* shape->ncols cells of raw, by shape column */
	unsigned char *flagged;
	struct rf_buf prev_buf;   /* canonical bytes of the previous key */
	struct rf_cell *prev_key; /* shape->ncols cells, key columns set, bytes in prev_buf */
	bool have_prev;
	bool have_row; /* cells hold a row not yet merged */
	bool eof;
	const char *label; /* "source" / "target" */
	bool use_mem;      /* rows come from mem (remapped, sorted), not the stream */
	struct diff_mem mem;
	/* large values as digests (diff_digest.c), NULL when none: */
	bool *digest;   /* per streamed column: read as a digest (rf_stream_spec) */
	int *digest_at; /* per shape column: its digest's cell in the row, or -1 */
};

/* diff_digest.c: comparing one column of two rows, large values by digest
 * (rf_diff_opts.digest_large). A value over this size is sent as a digest:
 * 1 MiB, the size from which copy makes a value's hex after its row is
 * gone (diff.c, DIFF_LATE_HEX). */
#define DIFF_DIGEST_MIN (1u << 20)
/* Sets s->digest and s->digest_at (side idx, streams chosen): which of its
 * columns the server sends as digests. Nothing when none can be. */
void diff_digest_plan(const struct rf_diff_shape *sh, int idx, struct diff_side *s);
/* A value of column c as the text listing shows it (a digest diff's rows):
 * a bytes or text value over DIFF_DIGEST_MIN that is no key is cut to its
 * first bytes, RF_DIGEST_PREFIX characters at least, so that showing a
 * value that came whole costs no more than one that came as a digest. */
void diff_digest_cut(const struct rf_diff_col *c, struct rf_cell *v);
/* Whether column c's cell of s's current row came as its first bytes and
 * a digest. */
bool diff_cell_partial(const struct diff_side *s, size_t c);
/* rf_diff_fetch_value on side idx (s): a statement per piece. */
int diff_fetch_value(const struct rf_diff_shape *sh, int idx, struct diff_side *s, size_t col,
                     const struct rf_cell *key, rf_diff_piece_fn fn, void *ctx,
                     struct rf_error *err);
/* Whether column c holds the same value on both sides' current rows. */
bool diff_cells_equal(const struct rf_diff_shape *sh, size_t c, struct diff_side *s,
                      struct diff_side *t);

#endif
