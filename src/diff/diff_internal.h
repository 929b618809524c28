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

#endif
