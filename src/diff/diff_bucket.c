/* diff_bucket.c - the hash diff cut by a hash of the key (DESIGN §14,
 * db.h rf_segment_spec.buckets), for a key that is no one integer column
 * between two servers of one engine.
 *
 * A range of a text or composite key is an index range only where the
 * index sorts in byte order, which it seldom does (a collation), so cutting
 * such a key at keys makes every segment's query read the whole table; and
 * thirty-two segments find nothing to skip when differences are spread.
 * Here each server numbers its rows by a hash of the key, modulo
 * BUCKETS, in one pass: tens of thousands of segments whatever the key's
 * type or collation. Where the buckets whose sums differ hold many rows,
 * they are summed again, cut BUCKET_PARTS each (the hash modulo BUCKETS *
 * BUCKET_PARTS, which refines the first numbering), in one more pass over
 * those buckets' rows; the rows of the differing buckets (or parts) then
 * stream in one statement in key order, so the merge and its output are
 * the stream's.
 *
 * Which bucket a row falls in never decides what the diff finds: every
 * row of a bucket whose count or sum differs is streamed from both sides,
 * and a bucket whose sums are equal holds the same rows on both (up to a
 * 60-bit collision of sums). A key the two servers hash differently (a
 * value printed differently that the stream calls equal) only makes two
 * buckets differ.
 */
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

#define BUCKETS      131072ULL /* first pass: about 8 rows a bucket at 1M rows */
#define BUCKET_PARTS 4ULL      /* second pass: each differing bucket in 4 */
/* The second pass runs only where the first pass's differing buckets
 * hold more than this share of the rows (per mille): below it, streaming
 * them whole costs less than one more pass over the table. */
#define REFINE_PER_MILLE 30
#define BUCKET_LIST      65536 /* buckets one statement names at most */

static bool same(const struct rf_segment_sum *a, const struct rf_segment_sum *b)
{
	return a->rows == b->rows && a->sum == b->sum;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
	return x < y ? -1 : x > y;
}

struct bucket_list {
	unsigned long long *v;
	size_t len, cap;
};

static void list_add(struct bucket_list *l, unsigned long long b)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = rf_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->len++] = b;
}

/* Rows and bytes of segment sums read: 24 bytes a non-empty one, as
 * diff_hash.c counts them. */
static void counted(struct hash_ctx *h, const struct rf_segment_sum *a,
                    const struct rf_segment_sum *b)
{
	h->stats->bytes_received += (a->rows ? 24 : 0) + (b->rows ? 24 : 0);
	h->stats->segments++;
}

static void settle(struct hash_ctx *h, const struct rf_segment_sum *a,
                   const struct rf_segment_sum *b, bool identical)
{
	unsigned long long most = a->rows > b->rows ? a->rows : b->rows;

	if (identical)
		h->stats->identical += a->rows;
	h->progress.settled += most;
}

/* Both sides' sums: the hash modulo mod, of the rows whose hash modulo
 * in_mod is one of in[0..nin) (nin 0: every row). */
static int bucket_sums(struct hash_ctx *h, unsigned long long mod, unsigned long long in_mod,
                       const unsigned long long *in, size_t nin, struct rf_segment_sum *out[2],
                       struct rf_error *err)
{
	int s, rc;

	for (s = 0; s < 2; s++) {
		struct rf_segment_spec *sp = &h->spec[s];
		sp->lo = sp->hi = NULL;
		sp->width = 0;
		sp->nranges = 0;
		sp->ranges = NULL;
		sp->buckets = mod;
		sp->in_mod = in_mod;
		sp->in = in;
		sp->nin = nin;
	}
	rc = diff_hash_sums(h, (size_t)(mod - 1), out, err);
	for (s = 0; s < 2; s++) {
		h->spec[s].buckets = h->spec[s].in_mod = 0;
		h->spec[s].in = NULL;
		h->spec[s].nin = 0;
	}
	return rc;
}

/* The second pass over the big differing buckets big[0..n): the parts
 * that differ go to *fine (numbered modulo BUCKETS * BUCKET_PARTS); a
 * bucket whose parts do not add up to its rows (a server read other rows
 * the second time) goes whole. */
static int refine(struct hash_ctx *h, struct rf_segment_sum *root[2], const unsigned long long *big,
                  size_t n, struct bucket_list *fine, struct rf_error *err)
{
	const unsigned long long mod = BUCKETS * BUCKET_PARTS;
	struct rf_segment_sum *part[2];
	size_t i, first, len;
	unsigned long long k;
	int rc = -1;

	part[0] = rf_xcalloc(mod, sizeof *part[0]);
	part[1] = rf_xcalloc(mod, sizeof *part[1]);
	for (first = 0; first < n; first += len) {
		len = n - first < BUCKET_LIST ? n - first : BUCKET_LIST;
		if (bucket_sums(h, mod, BUCKETS, &big[first], len, part, err) != 0)
			goto cleanup;
		for (i = first; i < first + len; i++) {
			unsigned long long b = big[i], rows[2] = {0, 0};
			for (k = 0; k < BUCKET_PARTS; k++) {
				const unsigned long long p = b + k * BUCKETS;
				counted(h, &part[0][p], &part[1][p]);
				rows[0] += part[0][p].rows;
				rows[1] += part[1][p].rows;
			}
			for (k = 0; k < BUCKET_PARTS; k++) {
				const unsigned long long p = b + k * BUCKETS;
				bool whole =
				    rows[0] != root[0][b].rows || rows[1] != root[1][b].rows;
				if (!whole && same(&part[0][p], &part[1][p]) && part[0][p].rows)
					settle(h, &part[0][p], &part[1][p], true);
				else if (whole || !same(&part[0][p], &part[1][p]))
					list_add(fine, p);
				memset(&part[0][p], 0, sizeof part[0][p]);
				memset(&part[1][p], 0, sizeof part[1][p]);
			}
		}
		if (diff_hash_report(h, err) != 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	free(part[0]);
	free(part[1]);
	return rc;
}

int diff_plan_by_bucket(struct hash_ctx *h, struct rf_error *err)
{
	const struct rf_db_ops *ops[2] = {h->db[0]->ops, h->db[1]->ops};
	struct rf_segment_sum *root[2] = {NULL, NULL};
	struct bucket_list big = {NULL, 0, 0}, small = {NULL, 0, 0}, fine = {NULL, 0, 0};
	struct diff_hash_plan *plan = h->plan;
	unsigned long long rows[2] = {0, 0}, differing_rows = 0, b, k;
	size_t nonempty = 0, differ = 0, i;
	int rc = -1;

	if (!h->spec[0].native || !ops[0]->hash_key_buckets || !ops[1]->hash_key_buckets ||
	    !ops[0]->hash_key_buckets(h->db[0]) || !ops[1]->hash_key_buckets(h->db[1]))
		return 0;
	root[0] = rf_xcalloc(BUCKETS, sizeof *root[0]);
	root[1] = rf_xcalloc(BUCKETS, sizeof *root[1]);
	if (bucket_sums(h, BUCKETS, 0, NULL, 0, root, err) != 0)
		goto cleanup;
	for (b = 0; b < BUCKETS; b++) {
		rows[0] += root[0][b].rows;
		rows[1] += root[1][b].rows;
		if (!root[0][b].rows && !root[1][b].rows)
			continue;
		counted(h, &root[0][b], &root[1][b]);
		nonempty++;
		differ += !same(&root[0][b], &root[1][b]);
	}
	plan->root_rows = rows[0] > rows[1] ? rows[0] : rows[1];
	h->progress.total = plan->root_rows;
	if (h->auto_mode && plan->root_rows <= h->opts->hash_min_rows) {
		plan->declined = true;
		rc = 1;
		goto cleanup;
	}
	if (h->auto_mode && differ * 2 > nonempty) {
		plan->declined = true;
		plan->spread = differ;
		plan->parts = nonempty;
		rc = 1;
		goto cleanup;
	}
	for (b = 0; b < BUCKETS; b++) {
		const struct rf_segment_sum *x = &root[0][b], *y = &root[1][b];
		if (same(x, y)) {
			if (x->rows)
				settle(h, x, y, true);
		} else {
			list_add(&big, b);
			differing_rows += x->rows > y->rows ? x->rows : y->rows;
		}
	}
	if (differing_rows * 1000 <= plan->root_rows * REFINE_PER_MILLE) {
		/* few rows differ: stream their buckets whole */
		struct bucket_list t = small;
		small = big;
		big = t;
	}
	if (diff_hash_report(h, err) != 0)
		goto cleanup;
	if (big.len && refine(h, root, big.v, big.len, &fine, err) != 0)
		goto cleanup;
	for (i = 0; i < small.len; i++)
		for (k = 0; k < BUCKET_PARTS; k++)
			list_add(&fine, small.v[i] + k * BUCKETS);
	h->stats->segments_streamed = big.len + small.len;
	h->progress.settled = h->progress.total;
	if (big.len + small.len == 0) {
		rc = 1; /* nothing differs: nothing to stream */
		goto cleanup;
	}
	diff_hash_add_range(plan, NULL, NULL);
	if (fine.len <= BUCKET_LIST) {
		qsort(fine.v, fine.len, sizeof *fine.v, cmp_ull);
		plan->bucket_mod = BUCKETS * BUCKET_PARTS;
		plan->buckets = fine.v;
		plan->nbuckets = fine.len;
		fine.v = NULL;
	} else if (big.len + small.len <= BUCKET_LIST) {
		/* too many parts to name: the differing buckets whole */
		for (i = 0; i < small.len; i++)
			list_add(&big, small.v[i]);
		qsort(big.v, big.len, sizeof *big.v, cmp_ull);
		plan->bucket_mod = BUCKETS;
		plan->buckets = big.v;
		plan->nbuckets = big.len;
		big.v = NULL;
	} /* else every row: the one unbounded range */
	rc = 1;
cleanup:
	free(root[0]);
	free(root[1]);
	free(big.v);
	free(small.v);
	free(fine.v);
	return rc;
}
