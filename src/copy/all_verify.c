/* all_verify.c - copy --all: every table verified before COMMIT
 * (all_copy.h, DESIGN §13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rowferry/all_copy.h"
#include "rowferry/all_create.h"

static double now(void);

void rf_all_check_init(struct rf_all_check *c, const struct rf_set_plan *sp, struct rf_db *src,
                       struct rf_db *dst)
{
	size_t i;

	memset(c, 0, sizeof *c);
	c->sp = sp;
	c->src = src;
	c->dst = dst;
	c->items = rf_xcalloc(sp->len + 1, sizeof *c->items);
	c->len = sp->len;
	for (i = 0; i < sp->len; i++) {
		const struct rf_set_plan_table *t = &sp->items[i];
		c->items[i].table = rf_xstrdup(t->table);
		c->items[i].written = t->plan->nops + (t->deletes ? t->deletes->nops : 0) +
		                      (t->refs ? t->refs->nops : 0);
		if (t->streamed) /* until loaded: the planning count */
			c->items[i].written = (size_t)t->stream_rows;
		c->items[i].bytes = t->stats.bytes_received;
		c->total_ops += c->items[i].written;
	}
	c->current = c->len;
	c->last = now();
}

void rf_all_step_begin(void *ctx, const struct rf_plan *step)
{
	struct rf_all_check *c = ctx;
	c->current = rf_set_plan_item_of(c->sp, step);
}

void rf_all_step_done(void *ctx, const struct rf_plan *step)
{
	struct rf_all_check *c = ctx;
	double t = now();
	size_t i = rf_set_plan_item_of(c->sp, step);

	if (i < c->len)
		c->items[i].write_seconds += t - c->last;
	c->steps_ops += step->nops;
	c->last = t;
}

void rf_all_check_free(struct rf_all_check *c)
{
	size_t i;
	if (c->src_open && c->src->in_tx)
		rf_db_rollback(c->src, NULL);
	c->src_open = false;
	for (i = 0; i < c->len; i++) {
		free(c->items[i].table);
		free(c->items[i].why);
	}
	free(c->items);
	c->items = NULL;
	c->len = 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The target table as the engine describes it: a table --create made is
 * planned in rowferry's spelling of its types (all_create.h). */
static const struct rf_table_info *dst_table(const struct rf_db *dst,
                                             const struct rf_diff_shape *sh)
{
	const struct rf_table_info *made = rf_db_created(dst, sh->dst_table.display);
	return made ? made : &sh->dst_table;
}

/* Why the table's rows cannot be summed exactly on both sides, or NULL
 * (diff_hash_refusal's rules, over the copied columns). */
static char *sum_refusal(const struct rf_plan *p, struct rf_db *src, struct rf_db *dst,
                         const struct rf_diff_stats *st, bool deletes)
{
	const struct rf_diff_shape *sh = p->shape;
	struct rf_db *db[2] = {src, dst};
	size_t i;
	int s;

	if (st->only_target && !deletes)
		return rf_xasprintf("%llu rows only in the target are kept (no --ops delete)",
		                    st->only_target);
	for (s = 0; s < 2; s++)
		if (!db[s]->ops->segment_sums || !db[s]->ops->hash_column)
			return rf_xasprintf("%s has no checksums in SQL", db[s]->ops->engine);
	for (i = 0; i < sh->nkey; i++) {
		const struct rf_diff_col *k = &sh->cols[sh->key[i]];
		if (k->tclass != RF_T_INTEGER && k->tclass != RF_T_TEXT)
			return rf_xasprintf("the key column %s is neither an integer nor text",
			                    k->name);
	}
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		if (!c->copy && !c->key_pos)
			continue;
		if (c->ref)
			return rf_xasprintf("%s is written through a match key", c->name);
		for (s = 0; s < 2; s++) {
			const struct rf_table_info *t = s ? dst_table(dst, sh) : &sh->src_table;
			const struct rf_column *col = &t->cols[s ? c->dst : c->src];
			if (!db[s]->ops->hash_column(db[s], col, c->tclass, src->ops == dst->ops))
				return rf_xasprintf("column %s (%s %s) cannot be summed exactly in "
				                    "SQL on %s",
				                    c->name, db[s]->ops->engine, col->decl_type,
				                    db[s]->name);
		}
	}
	return NULL;
}

/* The columns a table's checksum covers on each side: the key, then the
 * other copied columns, of the shape's classes. */
struct sum_cols {
	enum rf_type_class *classes;
	size_t *cols[2], *keys[2], n, nkey;
};

static void sum_cols_build(const struct rf_diff_shape *sh, struct sum_cols *sc)
{
	size_t i;
	int s;

	memset(sc, 0, sizeof *sc);
	sc->classes = rf_xcalloc(sh->ncols + 1, sizeof *sc->classes);
	for (s = 0; s < 2; s++) {
		sc->cols[s] = rf_xcalloc(sh->ncols + 1, sizeof *sc->cols[s]);
		sc->keys[s] = rf_xcalloc(sh->nkey + 1, sizeof *sc->keys[s]);
	}
	for (i = 0; i < sh->nkey; i++) {
		const struct rf_diff_col *k = &sh->cols[sh->key[i]];
		sc->classes[sc->n] = k->tclass;
		sc->keys[0][i] = sc->cols[0][sc->n] = (size_t)k->src;
		sc->keys[1][i] = sc->cols[1][sc->n++] = (size_t)k->dst;
	}
	sc->nkey = sh->nkey;
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		if (!c->copy || c->key_pos)
			continue;
		sc->classes[sc->n] = c->tclass;
		sc->cols[0][sc->n] = (size_t)c->src;
		sc->cols[1][sc->n++] = (size_t)c->dst;
	}
}

static void sum_cols_free(struct sum_cols *sc)
{
	int s;

	free(sc->classes);
	for (s = 0; s < 2; s++) {
		free(sc->cols[s]);
		free(sc->keys[s]);
	}
}

/* Side s's spec of sc over table t. */
static void sum_spec(const struct sum_cols *sc, int s, const struct rf_table_info *t,
                     struct rf_db *src, struct rf_db *dst, struct rf_segment_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	spec->table = t;
	spec->ncols = sc->n;
	spec->cols = sc->cols[s];
	spec->classes = sc->classes;
	spec->nkey = sc->nkey;
	spec->key = sc->keys[s];
	spec->key_class = sc->classes;
	spec->native = src->ops == dst->ops;
	spec->native_typed = spec->native && src->ops->hash_typed && src->ops->hash_typed(src) &&
	                     dst->ops->hash_typed(dst);
}

/* Both sides' count and checksum of the copied columns (key first); a
 * table summed as it was read (out->read_summed): the target's only; one
 * whose target was summed once loaded (out->dst_summed): the source's
 * only. */
static int sum_rows(const struct rf_plan *p, struct rf_db *src, struct rf_db *dst,
                    struct rf_all_table_check *out, struct rf_error *err)
{
	const struct rf_diff_shape *sh = p->shape;
	struct rf_db *db[2] = {src, dst};
	struct sum_cols sc;
	struct rf_segment_sum sum[2] = {{0, 0}, {0, 0}}; /* an empty table: no row */
	int s, rc = 0;

	sum_cols_build(sh, &sc);
	for (s = out->read_summed ? 1 : 0; s < 2 && rc == 0; s++) {
		struct rf_segment_spec spec;
		if (s == 1 && out->dst_summed)
			break;
		sum_spec(&sc, s, s ? dst_table(dst, sh) : &sh->src_table, src, dst, &spec);
		rc = db[s]->ops->segment_sums(db[s], &spec, NULL, 0, &sum[s], err);
	}
	if (rc == 0 && out->read_summed) { /* what was read, summed as read */
		sum[0].rows = out->read_rows;
		sum[0].sum = out->read_sum;
	}
	if (rc == 0 && out->dst_summed) {
		sum[1].rows = out->dst_rows;
		sum[1].sum = out->dst_sum;
	}
	if (rc == 0) {
		out->src_rows = sum[0].rows;
		out->dst_rows = sum[1].rows;
		out->src_sum = sum[0].sum;
		out->dst_sum = sum[1].sum;
		out->summed = true;
	}
	sum_cols_free(&sc);
	return rc;
}

int rf_all_target_sum(struct rf_all_check *c, const struct rf_plan *step,
                      struct rf_journal_load_sum *desc, struct rf_error *err)
{
	const struct rf_diff_shape *sh = step->shape;
	struct rf_all_table_check *v;
	const struct rf_table_info *t;
	struct rf_segment_spec spec;
	struct rf_segment_sum sum = {0, 0};
	struct sum_cols sc;
	char *why;
	size_t i, k;
	int rc;

	memset(desc, 0, sizeof *desc);
	i = rf_set_plan_item_of(c->sp, step);
	if (i == c->len)
		return 0;
	v = &c->items[i];
	why = sum_refusal(step, c->src, c->dst, &c->sp->items[i].stats,
	                  c->sp->items[i].deletes != NULL);
	if (why) {
		free(why);
		return 0;
	}
	t = dst_table(c->dst, sh);
	sum_cols_build(sh, &sc);
	sum_spec(&sc, 1, t, c->src, c->dst, &spec);
	rc = c->dst->ops->segment_sums(c->dst, &spec, NULL, 0, &sum, err);
	if (rc == 0) {
		v->dst_summed = true;
		v->dst_rows = sum.rows;
		v->dst_sum = sum.sum;
		desc->sum = sum.sum;
		desc->native = spec.native;
		desc->typed = spec.native_typed;
		desc->nkey = sc.nkey;
		desc->ncols = sc.n;
		desc->names = rf_xcalloc(sc.n + 1, sizeof *desc->names);
		desc->classes = rf_xcalloc(sc.n + 1, sizeof *desc->classes);
		for (k = 0; k < sc.n; k++) {
			desc->names[k] = rf_xstrdup(t->cols[sc.cols[1][k]].name);
			desc->classes[k] = sc.classes[k];
		}
	}
	sum_cols_free(&sc);
	return rc == 0 ? 1 : -1;
}

static int verify_table(struct rf_all_check *c, size_t i, struct rf_error *err)
{
	const struct rf_set_plan_table *t = &c->sp->items[i];
	struct rf_all_table_check *v = &c->items[i];
	double t0 = now();

	v->checked = true;
	v->why = sum_refusal(t->plan, c->src, c->dst, &t->stats, t->deletes != NULL);
	if (v->why) {
		if (v->streamed) /* the rows read, in the snapshot counted */
			v->src_rows = v->read_rows;
		else if (rf_db_count_rows(c->src, &t->plan->shape->src_table, &v->src_rows, err) !=
		         0)
			return -1;
		if (rf_db_count_rows(c->dst, &t->plan->shape->dst_table, &v->dst_rows, err) != 0)
			return -1;
		/* rows only in the target and kept are on top of the source's */
		v->ok = v->dst_rows ==
		        v->src_rows + (t->deletes ? 0 : (unsigned long long)t->stats.only_target);
	} else {
		if (sum_rows(t->plan, c->src, c->dst, v, err) != 0)
			return -1;
		v->ok = v->src_rows == v->dst_rows && v->src_sum == v->dst_sum;
	}
	v->seconds = now() - t0;
	if (v->ok)
		return 0;
	return rf_error_set(err, t->table,
	                    "verification failed: %llu rows read from %s, %llu in %s after the "
	                    "copy%s; nothing committed",
	                    v->src_rows, c->src->name, v->dst_rows, c->dst->name,
	                    v->summed && v->src_rows == v->dst_rows ? ", and their checksums differ"
	                                                            : "");
}

int rf_all_verify(void *ctx, struct rf_error *err)
{
	struct rf_all_check *c = ctx;
	size_t i;
	int rc = 0;

	/* the snapshot the streamed tables were read in, else one of its own */
	if (!c->src_open && rf_db_begin(c->src, RF_TX_READ, NULL, err) != 0)
		return -1;
	for (i = 0; i < c->len && rc == 0; i++)
		rc = verify_table(c, i, err);
	rf_db_rollback(c->src, NULL);
	c->src_open = false;
	return rc;
}
