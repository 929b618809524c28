/* diff_hash.c - the hash diff's plan (diff.h, DESIGN §14): which key ranges
 * of a table differ, found from per-segment row counts and checksums the
 * servers compute (db.h, rf_segment_spec), so that only those ranges are
 * streamed and merged (diff.c).
 *
 * Segments are cut at keys of one side (the one with more rows in the
 * segment), taken at every step-th row in key order, and both sides count
 * and hash the same half-open ranges: the ranges compare keys as numbers or
 * as bytes on every engine (db.h, rf_stream_spec's key range), so no
 * collation can put a key in a different segment on the two sides.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "rowferry/config.h"
#include "rowferry/diff.h"

#define HASH_FANOUT 32 /* segments a differing segment is cut into */
/* An integer key is cut by width (db.h, rf_segment_spec.width) into
 * segments of about WIDTH_ROWS rows, at most WIDTH_MAX of them per pass:
 * one pass over the table then finds differences spread as thinly as one
 * row in a few hundred, and only their segments are streamed. */
#define WIDTH_ROWS 64
#define WIDTH_MAX  65536
/* The root's differing segments are then cut in FINE_PARTS each, in a
 * second pass that reads only those segments' rows, FINE_RANGES runs of
 * adjacent ones per statement: a change among a few hundred rows streams
 * its ~8-row part, and the sums of the identical parts (most of the
 * table) come over once, at 64 rows a segment. */
#define FINE_PARTS  8
#define FINE_RANGES 32
#define INT_LIMIT   (1LL << 61) /* keys beyond are cut by keys, not width */

int diff_hash_report(struct hash_ctx *h, struct rf_error *err)
{
	if (!h->opts->progress)
		return 0;
	h->progress.segments = h->stats->segments;
	if (h->opts->progress(h->opts->progress_ctx, &h->progress) == 0)
		return 0;
	rf_error_set(err, "diff", "cancelled");
	return -1;
}

int rf_diff_algorithm_parse(const char *name, enum rf_diff_algorithm *out)
{
	if (strcmp(name, "stream") == 0)
		*out = RF_DIFF_STREAM;
	else if (strcmp(name, "hash") == 0)
		*out = RF_DIFF_HASH;
	else if (strcmp(name, "auto") == 0)
		*out = RF_DIFF_AUTO;
	else
		return -1;
	return 0;
}

int rf_diff_opts_from_config(const struct rf_config *cfg, const char *name, struct rf_diff_opts *o)
{
	if (!name)
		name = cfg && cfg->diff_algorithm ? cfg->diff_algorithm : "auto";
	if (rf_diff_algorithm_parse(name, &o->algorithm) != 0)
		return -1;
	if (cfg) {
		o->hash_min_rows = (unsigned long long)cfg->hash_min_rows;
		o->segment_rows = (unsigned long long)cfg->hash_segment_rows;
	}
	return 0;
}

/* Whether column c is hashed: compared, or part of the key. Comparison
 * options need no care: a row hash is over values without options, and
 * values equal without --trim, --tolerance or --ts-precision are equal
 * with them; rows equal only with them hash unequal, and their segment is
 * streamed and compared with the options. */
static bool hashed(const struct rf_diff_col *c)
{
	return c->compare || c->key_pos;
}

char *diff_hash_refusal(const struct rf_diff_shape *sh, struct rf_db *src, struct rf_db *dst)
{
	struct rf_db *db[2] = {src, dst};
	const struct rf_diff_col *key;
	char *why = NULL;
	size_t i;
	int s;

	for (s = 0; s < 2; s++)
		if (!db[s]->ops->segment_sums)
			return rf_xstrdup("the driver has no segment checksums");
	for (i = 0; i < sh->ncols; i++)
		if (sh->cols[i].ref)
			return rf_xasprintf("%s is compared through %s's match key",
			                    sh->cols[i].name, sh->cols[i].ref->parent[0].display);
	for (i = 0; i < sh->nkey; i++) {
		key = &sh->cols[sh->key[i]];
		if (key->tclass != RF_T_INTEGER && key->tclass != RF_T_TEXT) {
			why = rf_xasprintf("the key column %s is neither an integer nor text",
			                   key->name);
			return why;
		}
		if (sh->src_table.cols[key->src].tclass != key->tclass ||
		    sh->dst_table.cols[key->dst].tclass != key->tclass) {
			why = rf_xasprintf("the key column %s has different types on the two sides",
			                   key->name);
			return why;
		}
		if (sh->src_table.cols[key->src].nullable ||
		    sh->dst_table.cols[key->dst].nullable) {
			why = rf_xasprintf("the key column %s may be NULL", key->name);
			return why;
		}
	}
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		if (!hashed(c))
			continue;
		for (s = 0; s < 2; s++) {
			const struct rf_table_info *t = s ? &sh->dst_table : &sh->src_table;
			const struct rf_column *col = &t->cols[s ? c->dst : c->src];
			if (!db[s]->ops->hash_column(db[s], col, c->tclass, src->ops == dst->ops)) {
				why = rf_xasprintf(
				    "column %s (%s %s) is not normalized exactly in SQL "
				    "on %s",
				    c->name, db[s]->ops->engine, col->decl_type, db[s]->name);
				return why;
			}
		}
	}
	return NULL;
}

/* A key is a tuple of nkey canonical cells, owned where stored. */
static struct rf_cell *tuple_dup(size_t nkey, const struct rf_cell *src)
{
	struct rf_cell *t = rf_xcalloc(nkey, sizeof *t);
	size_t i;

	for (i = 0; i < nkey; i++) {
		t[i].is_null = false;
		t[i].len = src[i].len;
		t[i].data = rf_xstrndup(src[i].data ? src[i].data : "", src[i].len);
	}
	return t;
}

static void tuple_free(size_t nkey, struct rf_cell *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < nkey; i++)
		free((void *)t[i].data);
	free(t);
}

static bool tuple_same(size_t nkey, const struct rf_cell *a, const struct rf_cell *b)
{
	size_t i;

	for (i = 0; i < nkey; i++)
		if (a[i].len != b[i].len || (a[i].len && memcmp(a[i].data, b[i].data, a[i].len)))
			return false;
	return true;
}

/* The merge's order (rf_value_cmp_key column by column). */
static int tuple_cmp(size_t nkey, const enum rf_type_class *cls, const struct rf_cell *a,
                     const struct rf_cell *b)
{
	size_t i;
	int r;

	for (i = 0; i < nkey; i++)
		if ((r = rf_value_cmp_key(cls[i], &a[i], &b[i])) != 0)
			return r;
	return 0;
}

/* Appends [lo, hi) to the plan's ranges, joined to the last one when they
 * meet: adjacent differing segments stream as one. */
void diff_hash_add_range(struct diff_hash_plan *p, const struct rf_cell *lo,
                         const struct rf_cell *hi)
{
	struct diff_range *last = p->len ? &p->ranges[p->len - 1] : NULL;

	if (last && last->hi && lo && tuple_same(p->nkey, last->hi, lo)) {
		tuple_free(p->nkey, last->hi);
		last->hi = hi ? tuple_dup(p->nkey, hi) : NULL;
		return;
	}
	if (p->len == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->ranges = rf_xrealloc(p->ranges, p->cap * sizeof *p->ranges);
	}
	last = &p->ranges[p->len++];
	last->lo = lo ? tuple_dup(p->nkey, lo) : NULL;
	last->hi = hi ? tuple_dup(p->nkey, hi) : NULL;
}

void diff_hash_plan_free(struct diff_hash_plan *p)
{
	size_t i;
	for (i = 0; i < p->len; i++) {
		tuple_free(p->nkey, p->ranges[i].lo);
		tuple_free(p->nkey, p->ranges[i].hi);
	}
	free(p->ranges);
	free(p->buckets);
	memset(p, 0, sizeof *p);
}

/* One side's segment_sums, run in a thread of its own for the target. */
struct sums_job {
	struct rf_db *db;
	const struct rf_segment_spec *spec;
	const struct rf_cell *bounds;
	size_t nb;
	struct rf_segment_sum *out;
	struct rf_error err;
	int rc;
};

static void *sums_run(void *arg)
{
	struct sums_job *j = arg;
	rf_error_clear(&j->err);
	j->rc = j->db->ops->segment_sums(j->db, j->spec, j->bounds, j->nb, j->out, &j->err);
	return NULL;
}

/* Both sides' sums of h->spec cut at bounds (or as the spec says) at
 * once: each server hashes while the other does, and the wall time is the
 * slower side's (each thread uses its own connection). */
static int run_sums(struct hash_ctx *h, const struct rf_cell *bounds, size_t nb,
                    struct rf_segment_sum *out[2], struct rf_error *err)
{
	struct sums_job jobs[2];
	pthread_t th;
	bool threaded;
	int s;

	for (s = 0; s < 2; s++) {
		jobs[s].db = h->db[s];
		jobs[s].spec = &h->spec[s];
		jobs[s].bounds = bounds;
		jobs[s].nb = nb;
		jobs[s].out = out[s];
	}
	threaded = h->db[0] != h->db[1] && pthread_create(&th, NULL, sums_run, &jobs[1]) == 0;
	sums_run(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		sums_run(&jobs[1]);
	for (s = 0; s < 2; s++)
		if (jobs[s].rc != 0) {
			if (err)
				*err = jobs[s].err;
			return -1;
		}
	return 0;
}

int diff_hash_sums(struct hash_ctx *h, size_t nb, struct rf_segment_sum *out[2],
                   struct rf_error *err)
{
	return run_sums(h, NULL, nb, out, err);
}

/* The sums of [lo, hi) cut at bounds, or by width w from wlo, or of the
 * ranges (run_sums). */
static int sums(struct hash_ctx *h, const struct rf_cell *lo, const struct rf_cell *hi,
                const struct rf_cell *bounds, size_t nb, long long wlo, long long w,
                const struct rf_key_range *ranges, size_t nranges, struct rf_segment_sum *out[2],
                struct rf_error *err)
{
	int s;

	for (s = 0; s < 2; s++) {
		h->spec[s].lo = lo;
		h->spec[s].hi = hi;
		h->spec[s].width_lo = wlo;
		h->spec[s].width = bounds ? 0 : w;
		h->spec[s].ranges = ranges;
		h->spec[s].nranges = nranges;
	}
	return run_sums(h, bounds, nb, out, err);
}

/* What the sums of segments out[s][first .. first + n) brought: three
 * numbers a non-empty segment, taken as 24 bytes. */
static void count_sums(struct hash_ctx *h, struct rf_segment_sum *out[2], size_t first, size_t n)
{
	size_t i;
	int s;

	for (s = 0; s < 2; s++)
		for (i = first; i < first + n; i++)
			h->stats->bytes_received += out[s][i].rows ? 24 : 0;
	h->stats->segments += n;
}

/* The keys at which the side with more rows cuts [lo, hi) into about
 * HASH_FANOUT segments: nb tuples into *out (nb * nkey cells), canonical,
 * strictly ascending and inside (lo, hi). */
static int cut_keys(struct hash_ctx *h, int side, unsigned long long rows, const struct rf_cell *lo,
                    const struct rf_cell *hi, struct rf_cell **out, size_t *n, struct rf_error *err)
{
	size_t nkey = h->spec[side].nkey, i, k;
	const enum rf_type_class *cls = h->spec[side].key_class;
	struct rf_result res;
	struct rf_buf *buf = rf_xcalloc(nkey, sizeof *buf);
	struct rf_cell *c = rf_xcalloc(nkey, sizeof *c);
	unsigned long long step = (rows + HASH_FANOUT - 1) / HASH_FANOUT;
	int rc = -1;

	*out = NULL;
	*n = 0;
	h->spec[side].lo = lo;
	h->spec[side].hi = hi;
	if (h->db[side]->ops->segment_keys(h->db[side], &h->spec[side], step ? step : 1,
	                                   HASH_FANOUT - 1, &res, err) != 0)
		goto cleanup;
	*out = rf_xcalloc(res.nrows * nkey + 1, sizeof **out);
	for (i = 0; i < res.nrows && res.ncols == nkey; i++) {
		const struct rf_cell *row = &res.cells[i * nkey];
		bool null = false;
		for (k = 0; k < nkey; k++) {
			null = null || row[k].is_null;
			h->stats->bytes_received += row[k].len;
			rf_buf_reset(&buf[k]);
			rf_value_canon(cls[k], &row[k], NULL, &buf[k]);
			c[k].is_null = false;
			c[k].data = buf[k].data ? buf[k].data : "";
			c[k].len = buf[k].len;
		}
		if (null || (lo && tuple_cmp(nkey, cls, c, lo) <= 0) ||
		    (*n && tuple_cmp(nkey, cls, c, &(*out)[(*n - 1) * nkey]) <= 0) ||
		    (hi && tuple_cmp(nkey, cls, c, hi) >= 0))
			continue;
		for (k = 0; k < nkey; k++) {
			struct rf_cell *d = &(*out)[*n * nkey + k];
			d->is_null = false;
			d->len = c[k].len;
			d->data = rf_xstrndup(c[k].data, c[k].len);
		}
		(*n)++;
	}
	rf_result_free(&res);
	rc = 0;
cleanup:
	for (k = 0; k < nkey; k++)
		rf_buf_free(&buf[k]);
	free(buf);
	free(c);
	return rc;
}

static bool int64_of(const struct rf_cell *c, long long *v)
{
	char buf[24], *end;

	if (!c || c->len == 0 || c->len >= sizeof buf)
		return false;
	memcpy(buf, c->data, c->len);
	buf[c->len] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool int_key(const struct hash_ctx *h)
{
	return h->spec[0].nkey == 1 && h->spec[0].key_class[0] == RF_T_INTEGER;
}

/* How a one-column integer key in [a, b) with about rows rows is cut by
 * width: *nb bounds a + w, a + 2w, ... (nb + 1 segments of WIDTH_ROWS
 * rows where the keys are dense). False where it cannot be (no integer
 * key, a span too small or too large). */
static bool cut_width(const struct hash_ctx *h, long long a, long long b, unsigned long long rows,
                      long long *w, size_t *nb)
{
	unsigned long long parts;
	long long span;

	if (!int_key(h) || a < -INT_LIMIT || b > INT_LIMIT || b - a < 2)
		return false;
	span = b - a;
	parts = rows / WIDTH_ROWS + 1;
	if (parts > WIDTH_MAX)
		parts = WIDTH_MAX;
	if (parts < 2)
		parts = 2;
	if (parts > (unsigned long long)span)
		parts = (unsigned long long)span;
	*w = (span + (long long)parts - 1) / (long long)parts;
	*nb = (size_t)((span + *w - 1) / *w) - 1;
	return *nb > 0;
}

/* The canonical text of integer v as a one-cell key, owned by *c. */
static void int_cell(long long v, struct rf_cell *c)
{
	char text[24];

	c->is_null = false;
	c->len = rf_int64_text(v, text);
	c->data = rf_xstrndup(text, c->len);
}

static bool same_sum(const struct rf_segment_sum *a, const struct rf_segment_sum *b)
{
	return a->rows == b->rows && a->sum == b->sum;
}

static int check(struct hash_ctx *h, int depth, const struct rf_cell *lo, const struct rf_cell *hi,
                 const struct rf_segment_sum *a, const struct rf_segment_sum *b,
                 struct rf_error *err);

/* Checks segment i of [lo, hi) cut by width from wlo (w wide, nb + 1
 * segments: the first from lo, the last to hi), whose sums are a and b. A
 * segment gets its bounds' text only where it differs: most of tens of
 * thousands are identical. */
static int check_width_part(struct hash_ctx *h, int depth, const struct rf_cell *lo,
                            const struct rf_cell *hi, size_t i, size_t nb, long long wlo,
                            long long w, const struct rf_segment_sum *a,
                            const struct rf_segment_sum *b, struct rf_error *err)
{
	const struct rf_cell *plo = lo, *phi = hi;
	struct rf_cell cl, ch;
	int r;

	memset(&cl, 0, sizeof cl);
	memset(&ch, 0, sizeof ch);
	if (!same_sum(a, b)) {
		if (i > 0) {
			int_cell(wlo + (long long)i * w, &cl);
			plo = &cl;
		}
		if (i < nb) {
			int_cell(wlo + (long long)(i + 1) * w, &ch);
			phi = &ch;
		}
	}
	r = check(h, depth, plo, phi, a, b, err);
	free((void *)cl.data);
	free((void *)ch.data);
	return r;
}

/* The second pass of a root cut by width (FINE_PARTS above): the parts
 * of sub whose sums differ, FINE_RANGES runs of adjacent ones at a time,
 * summed again cut FINE_PARTS each (w / FINE_PARTS wide, numbered from
 * wlo as the whole table's), then each fine part checked. A part whose
 * fine parts do not add up to its rows (a server read other rows the
 * second time) is checked whole. */
static int refine(struct hash_ctx *h, struct rf_segment_sum *sub[2], size_t nb, long long wlo,
                  long long w, struct rf_error *err)
{
	long long fw = w / FINE_PARTS;
	size_t nfine = (nb + 1) * FINE_PARTS, i = 0, k, n, p, j;
	size_t first[FINE_RANGES], last[FINE_RANGES];
	struct rf_key_range rg[FINE_RANGES];
	struct rf_cell cells[2 * FINE_RANGES];
	struct rf_segment_sum *fine[2];
	int rc = -1, r = 0;

	fine[0] = rf_xcalloc(nfine, sizeof *fine[0]);
	fine[1] = rf_xcalloc(nfine, sizeof *fine[1]);
	while (i <= nb) {
		/* the next runs of differing parts; identical ones settled */
		for (n = 0; i <= nb && n < FINE_RANGES; i++) {
			if (same_sum(&sub[0][i], &sub[1][i])) {
				if (check(h, 1, NULL, NULL, &sub[0][i], &sub[1][i], err) != 0)
					goto cleanup;
			} else if (n && last[n - 1] + 1 == i) {
				last[n - 1] = i;
			} else {
				first[n] = last[n] = i;
				n++;
			}
		}
		if (n == 0)
			break;
		memset(cells, 0, sizeof cells);
		for (k = 0; k < n; k++) {
			rg[k].lo = rg[k].hi = NULL;
			if (first[k] > 0) {
				int_cell(wlo + (long long)first[k] * w, &cells[2 * k]);
				rg[k].lo = &cells[2 * k];
			}
			if (last[k] < nb) {
				int_cell(wlo + (long long)(last[k] + 1) * w, &cells[2 * k + 1]);
				rg[k].hi = &cells[2 * k + 1];
			}
		}
		r = sums(h, NULL, NULL, NULL, nfine - 1, wlo, fw, rg, n, fine, err);
		for (k = 0; k < 2 * n; k++)
			free((void *)cells[k].data);
		if (r != 0)
			goto cleanup;
		for (k = 0; k < n && r == 0; k++)
			for (p = first[k]; p <= last[k] && r == 0; p++) {
				unsigned long long rows[2] = {0, 0};
				size_t f0 = p * FINE_PARTS;
				count_sums(h, fine, f0, FINE_PARTS);
				for (j = f0; j < f0 + FINE_PARTS; j++) {
					rows[0] += fine[0][j].rows;
					rows[1] += fine[1][j].rows;
				}
				if (rows[0] != sub[0][p].rows || rows[1] != sub[1][p].rows)
					r = check_width_part(h, 1, NULL, NULL, p, nb, wlo, w,
					                     &sub[0][p], &sub[1][p], err);
				for (j = f0; j < f0 + FINE_PARTS && r == 0; j++)
					if (rows[0] == sub[0][p].rows && rows[1] == sub[1][p].rows)
						r = check_width_part(h, 2, NULL, NULL, j, nfine - 1,
						                     wlo, fw, &fine[0][j],
						                     &fine[1][j], err);
				memset(&fine[0][f0], 0, FINE_PARTS * sizeof *fine[0]);
				memset(&fine[1][f0], 0, FINE_PARTS * sizeof *fine[1]);
			}
		if (r != 0 || diff_hash_report(h, err) != 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	free(fine[0]);
	free(fine[1]);
	return rc;
}

/* Segment [lo, hi) cut at nb bounds (bounds, or, where bounds is NULL, by
 * width w from wlo): both sides' sums of every part, then each part
 * checked in key order. root: [lo, hi) is the whole table, whose row count
 * the parts give (auto declines here when it is small). */
static int cut(struct hash_ctx *h, int depth, bool root, const struct rf_cell *lo,
               const struct rf_cell *hi, const struct rf_cell *bounds, size_t nb, long long wlo,
               long long w, struct rf_error *err)
{
	size_t nkey = h->spec[0].nkey, i;
	struct rf_segment_sum *sub[2];
	unsigned long long rows[2] = {0, 0};
	int rc = -1;

	sub[0] = rf_xcalloc(nb + 1, sizeof *sub[0]);
	sub[1] = rf_xcalloc(nb + 1, sizeof *sub[1]);
	if (sums(h, lo, hi, bounds, nb, wlo, w, NULL, 0, sub, err) != 0)
		goto cleanup;
	count_sums(h, sub, 0, nb + 1);
	if (root) {
		for (i = 0; i <= nb; i++) {
			rows[0] += sub[0][i].rows;
			rows[1] += sub[1][i].rows;
		}
		h->plan->root_rows = rows[0] > rows[1] ? rows[0] : rows[1];
		h->progress.total = h->plan->root_rows;
		if (h->auto_mode && h->plan->root_rows <= h->opts->hash_min_rows) {
			h->plan->declined = true;
			rc = 0;
			goto cleanup;
		}
	}
	if (diff_hash_report(h, err) != 0)
		goto cleanup;
	if (depth == 0 && h->auto_mode) {
		size_t differ = 0;
		for (i = 0; i <= nb; i++)
			differ += !same_sum(&sub[0][i], &sub[1][i]);
		if (differ * 2 > nb + 1) {
			h->plan->declined = true;
			h->plan->spread = differ;
			h->plan->parts = nb + 1;
			rc = 0;
			goto cleanup;
		}
	}
	if (depth == 0 && !bounds && w >= 2 * FINE_PARTS && w % FINE_PARTS == 0) {
		rc = refine(h, sub, nb, wlo, w, err);
		goto cleanup;
	}
	for (i = 0; i <= nb; i++) {
		int r = bounds ? check(h, depth + 1, i ? &bounds[(i - 1) * nkey] : lo,
		                       i < nb ? &bounds[i * nkey] : hi, &sub[0][i], &sub[1][i], err)
		               : check_width_part(h, depth + 1, lo, hi, i, nb, wlo, w, &sub[0][i],
		                                  &sub[1][i], err);
		if (r != 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	free(sub[0]);
	free(sub[1]);
	return rc;
}

/* Segment [lo, hi), whose sums on both sides are a and b: skipped when
 * equal, streamed when small or not cut further, else cut (an integer key
 * by width, others at keys a server gives) and each part checked the same
 * way. */
static int check(struct hash_ctx *h, int depth, const struct rf_cell *lo, const struct rf_cell *hi,
                 const struct rf_segment_sum *a, const struct rf_segment_sum *b,
                 struct rf_error *err)
{
	size_t nkey = h->spec[0].nkey;
	struct rf_cell *bounds = NULL;
	unsigned long long most = a->rows > b->rows ? a->rows : b->rows;
	long long la = 0, lb = 0, w = 0;
	size_t nb = 0, i;
	int rc = -1;

	if (same_sum(a, b)) {
		h->stats->identical += a->rows;
		h->progress.settled += most;
		return 0;
	}
	if (most > h->segment_rows && depth < h->max_depth) {
		if (int64_of(lo, &la) && int64_of(hi, &lb) && cut_width(h, la, lb, most, &w, &nb))
			;
		else if (cut_keys(h, a->rows >= b->rows ? 0 : 1, most, lo, hi, &bounds, &nb, err) !=
		         0)
			goto cleanup;
	}
	if (nb == 0) {
		diff_hash_add_range(h->plan, lo, hi);
		h->stats->segments_streamed++;
		h->progress.settled += most;
		rc = 0;
		goto cleanup;
	}
	rc = cut(h, depth, false, lo, hi, bounds, nb, la, w, err);
cleanup:
	for (i = 0; bounds && i < nb * nkey; i++)
		free((void *)bounds[i].data);
	free(bounds);
	return rc;
}

/* The whole table, for a one-column integer key: its smallest and largest
 * key on both sides (an index read at each end), then one pass cut by
 * width. 1: planned; 0: not this way (no integer key, empty tables, keys
 * that are no int64), the caller plans the general way; -1: error. */
static int plan_by_width(struct hash_ctx *h, struct rf_error *err)
{
	struct rf_result res;
	struct rf_buf canon = RF_BUF_INIT;
	struct rf_cell c;
	long long lo = 0, hi = 0, v, w;
	bool any = false, ok = true;
	size_t i, nb;
	int s;

	if (!int_key(h))
		return 0;
	for (s = 0; s < 2 && ok; s++) {
		h->spec[s].lo = h->spec[s].hi = NULL;
		if (h->db[s]->ops->segment_keys(h->db[s], &h->spec[s], 0, 2, &res, err) != 0) {
			rf_buf_free(&canon);
			return -1;
		}
		for (i = 0; i < res.nrows && ok; i++) {
			h->stats->bytes_received += res.cells[i].len;
			rf_buf_reset(&canon);
			rf_value_canon(RF_T_INTEGER, &res.cells[i], NULL, &canon);
			c.is_null = res.cells[i].is_null;
			c.data = canon.data ? canon.data : "";
			c.len = canon.len;
			ok = !c.is_null && int64_of(&c, &v);
			if (!ok)
				break;
			lo = any && lo < v ? lo : v;
			hi = any && hi > v ? hi : v;
			any = true;
		}
		rf_result_free(&res);
	}
	rf_buf_free(&canon);
	if (!ok || !any || hi >= INT_LIMIT ||
	    !cut_width(h, lo, hi + 1, (unsigned long long)(hi + 1 - lo), &w, &nb))
		return 0;
	if (w >= 2 * FINE_PARTS && w % FINE_PARTS) {
		/* whole fine parts in each segment (refine) */
		w += FINE_PARTS - w % FINE_PARTS;
		nb = (size_t)((hi + 1 - lo + w - 1) / w) - 1;
		if (nb == 0)
			return 0;
	}
	h->progress.total = (unsigned long long)(hi + 1 - lo);
	return cut(h, 0, true, NULL, NULL, NULL, nb, lo, w, err) == 0 ? 1 : -1;
}

int diff_hash_plan(const struct rf_diff_shape *sh, struct rf_db *src, struct rf_db *dst,
                   const char *where[2], const struct rf_diff_opts *o, bool auto_mode,
                   struct diff_hash_plan *plan, struct rf_diff_stats *stats, struct rf_error *err)
{
	struct hash_ctx h;
	struct rf_segment_sum root[2] = {{0, 0}, {0, 0}}, *out[2] = {&root[0], &root[1]};
	size_t i, n = 0;
	int s, rc = -1;

	memset(&h, 0, sizeof h);
	memset(plan, 0, sizeof *plan);
	plan->nkey = sh->nkey;
	h.sh = sh;
	h.db[0] = src;
	h.db[1] = dst;
	h.plan = plan;
	h.stats = stats;
	h.opts = o;
	h.segment_rows = o->segment_rows ? o->segment_rows : 1;
	h.auto_mode = auto_mode;
	/* A range of an integer key is an index range on every engine; one of
	 * text compared in byte order (COLLATE "C", the bytes of the utf8mb4
	 * form) is not where the key's index has another collation, so each
	 * segment's query would read the whole table: text keys are cut once,
	 * into HASH_FANOUT segments in one pass, and differing ones streamed
	 * (between two servers of one engine they are cut by key hash
	 * instead: diff_bucket.c). */
	h.max_depth = INT_MAX;
	for (i = 0; i < sh->nkey; i++)
		if (sh->cols[sh->key[i]].tclass != RF_T_INTEGER)
			h.max_depth = 1;
	h.classes = rf_xcalloc(sh->ncols, sizeof *h.classes);
	for (s = 0; s < 2; s++) {
		h.cols[s] = rf_xcalloc(sh->ncols, sizeof *h.cols[s]);
		h.keys[s] = rf_xcalloc(sh->nkey, sizeof *h.keys[s]);
	}
	/* the key columns first, then the other compared columns in shape order */
	for (i = 0; i < sh->nkey; i++) {
		const struct rf_diff_col *key = &sh->cols[sh->key[i]];
		h.classes[n] = key->tclass;
		h.keys[0][i] = h.cols[0][n] = (size_t)key->src;
		h.keys[1][i] = h.cols[1][n++] = (size_t)key->dst;
	}
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		if (!hashed(c) || c->key_pos)
			continue;
		h.classes[n] = c->tclass;
		h.cols[0][n] = (size_t)c->src;
		h.cols[1][n++] = (size_t)c->dst;
	}
	for (s = 0; s < 2; s++) {
		struct rf_segment_spec *sp = &h.spec[s];
		sp->table = s ? &sh->dst_table : &sh->src_table;
		sp->ncols = n;
		sp->cols = h.cols[s];
		sp->classes = h.classes;
		sp->where = where[s];
		sp->nkey = sh->nkey;
		sp->key = h.keys[s];
		sp->key_class = h.classes; /* the key's classes come first */
		sp->native = src->ops == dst->ops;
		sp->native_typed = sp->native && src->ops->hash_typed &&
		                   src->ops->hash_typed(src) && dst->ops->hash_typed(dst);
		sp->native_cols = sp->native_typed;
		if (rf_db_check_where(h.db[s], where[s], err) != 0)
			goto cleanup;
	}
	rc = plan_by_width(&h, err);
	if (rc == 0)
		rc = diff_plan_by_bucket(&h, err);
	if (rc != 0) {
		rc = rc > 0 ? 0 : -1;
		goto cleanup;
	}
	rc = -1;
	if (sums(&h, NULL, NULL, NULL, 0, 0, 0, NULL, 0, out, err) != 0)
		goto cleanup;
	count_sums(&h, out, 0, 1);
	plan->root_rows = root[0].rows > root[1].rows ? root[0].rows : root[1].rows;
	h.progress.total = plan->root_rows;
	if (diff_hash_report(&h, err) != 0)
		goto cleanup;
	if (auto_mode && plan->root_rows <= o->hash_min_rows) {
		plan->declined = true;
		rc = 0;
		goto cleanup;
	}
	rc = check(&h, 0, NULL, NULL, &root[0], &root[1], err);
cleanup:
	free(h.classes);
	for (s = 0; s < 2; s++) {
		free(h.cols[s]);
		free(h.keys[s]);
	}
	if (rc != 0)
		diff_hash_plan_free(plan);
	return rc;
}
