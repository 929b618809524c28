/* map_copy.c - a copy through [map] sections (map_copy.h, DESIGN §12):
 * every map diffed by its key in one snapshot, parents first, each
 * parent's inserted match keys handed to its children's ref()s, the
 * plans gathered into a set plan for the ordinary preview and apply. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/graph.h"
#include "rowferry/map_copy.h"
#include "rowferry/preview.h"

void rf_map_copy_report_free(struct rf_map_copy_report *rep)
{
	rf_buf_free(&rep->invalid);
	rf_buf_free(&rep->rejects);
	memset(rep, 0, sizeof *rep);
}

struct table {
	struct rf_map *map;
	struct rf_map_diff_shape *ms;
	struct rf_plan *plan;
	struct rf_diff_stats stats;
	bool placed;
};

static bool expr_refs(const struct rf_map_expr *e, const char *table)
{
	size_t i;

	if (e->kind == RF_MAP_CALL && e->fn == RF_FN_REF && strcmp(e->text, table) == 0)
		return true;
	for (i = 0; i < e->nargs; i++)
		if (expr_refs(e->args[i], table))
			return true;
	for (i = 0; i < e->ncases; i++)
		if (e->cases[i].result && expr_refs(e->cases[i].result, table))
			return true;
	return false;
}

/* Whether a's rows need b's first: a ref() of a's map to b's table, or a
 * foreign key of a's target table to b's. */
static bool depends(const struct table *a, const struct table *b)
{
	const struct rf_table_info *at = &a->ms->shape->dst_table, *bt = &b->ms->shape->dst_table;
	size_t i;

	if (a == b)
		return false;
	for (i = 0; i < a->map->ncols; i++)
		if (expr_refs(a->map->cols[i].expr, b->map->target))
			return true;
	for (i = 0; i < at->nfkeys; i++)
		if (strcmp(at->fkeys[i].ref_table, bt->name) == 0 ||
		    strcmp(at->fkeys[i].ref_table, bt->display) == 0)
			return strcmp(bt->display, at->display) != 0;
	return false;
}

/* Whether another map's ref() names x's table: its children need the
 * match keys x's plan inserts. */
static bool referenced(const struct table *t, size_t n, const struct table *x)
{
	size_t i, c;

	for (i = 0; i < n; i++)
		for (c = 0; &t[i] != x && c < t[i].map->ncols; c++)
			if (expr_refs(t[i].map->cols[c].expr, x->map->target))
				return true;
	return false;
}

/* order[0..n): parents first. -1 with err on a cycle. */
static int order_tables(struct table *t, size_t n, size_t *order, struct rf_error *err)
{
	size_t done, i, j;

	for (done = 0; done < n; done++) {
		for (i = 0; i < n; i++) {
			if (t[i].placed)
				continue;
			for (j = 0; j < n; j++)
				if (!t[j].placed && depends(&t[i], &t[j]))
					break;
			if (j == n)
				break;
		}
		if (i == n)
			return rf_error_set(err, "map",
			                    "the maps reference each other in a cycle (ref() or "
			                    "foreign keys): no order inserts parents first");
		t[i].placed = true;
		order[done] = i;
	}
	return 0;
}

/* A row's op, writing the parents the target holds by their key
 * (rf_plan_set_ref_key): plain values, loaded in bulk and predicted. */
static void emit(void *ctx, const struct rf_diff_row *row, const struct rf_cell *parent_keys,
                 char **src_bytes)
{
	struct rf_plan *p = ctx;
	size_t n = p->nops, j;

	rf_plan_add_taking(p, row, src_bytes);
	for (j = 0; p->nops > n && j < p->shape->ncols; j++)
		if (!parent_keys[j].is_null)
			rf_plan_set_ref_key(p, &p->ops[n], j, &parent_keys[j]);
}

/* The plan's ops in the order their statements run: deletes, updates,
 * inserts, each in key order. */
static void group_ops(struct rf_plan *p)
{
	static const enum rf_op_kind kinds[3] = {RF_OP_DELETE, RF_OP_UPDATE, RF_OP_INSERT};
	struct rf_op *ops;
	size_t i, k, n = 0;

	if (!p->nops)
		return; /* p->ops is NULL */
	ops = rf_xcalloc(p->nops, sizeof *ops);
	for (k = 0; k < 3; k++)
		for (i = 0; i < p->nops; i++)
			if (p->ops[i].kind == kinds[k])
				ops[n++] = p->ops[i];
	memcpy(p->ops, ops, n * sizeof *ops);
	free(ops);
}

static enum rf_type_class key_cls; /* for qsort */

static int key_cmp(const void *a, const void *b)
{
	return rf_value_cmp_key(key_cls, a, b);
}

/* The match keys t's plan inserts, sorted, for its children's ref(). */
static void add_pending(const struct table *t, struct rf_map_pending *pd, struct rf_cell **keys)
{
	const struct rf_plan *p = t->plan;
	const struct rf_diff_shape *sh = p->shape;
	struct rf_cell *k = rf_xcalloc(p->nops + 1, sizeof *k);
	size_t i, n = 0;

	for (i = 0; sh->nkey == 1 && i < p->nops; i++)
		if (p->ops[i].kind == RF_OP_INSERT && !p->ops[i].row->src[sh->key[0]].is_null)
			k[n++] = p->ops[i].row->src[sh->key[0]];
	key_cls = sh->nkey == 1 ? sh->cols[sh->key[0]].tclass : RF_T_TEXT;
	qsort(k, n, sizeof *k, key_cmp);
	pd->table = t->map->target;
	pd->n = n;
	pd->keys = k;
	pd->cls = key_cls;
	*keys = k;
}

/* rep's invalid cells of table into out's list and rejects. */
static void collect_invalid(const char *table, const struct rf_map_diff_report *r,
                            struct rf_map_copy_report *out)
{
	const char *p = r->invalid.data;
	json_t *row = NULL, *problems = NULL;
	char *last = NULL;

	out->invalid_rows += r->invalid_rows;
	while (p && *p) {
		const char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		const char *nl = t2 ? strchr(t2 + 1, '\n') : NULL;
		char *key, *col, *why;
		if (!nl)
			break;
		key = rf_xstrndup(p, (size_t)(t1 - p));
		col = rf_xstrndup(t1 + 1, (size_t)(t2 - t1 - 1));
		why = rf_xstrndup(t2 + 1, (size_t)(nl - t2 - 1));
		rf_buf_printf(&out->invalid, "%s\t%s\t%s\t%s\n", table, key, col, why);
		if (!last || strcmp(last, key) != 0) {
			if (row) {
				char *s = json_dumps(row, JSON_COMPACT | JSON_ENSURE_ASCII);
				rf_buf_printf(&out->rejects, "%s\n", s);
				free(s);
				json_decref(row);
			}
			problems = json_array();
			row = json_pack("{s:s,s:s,s:s,s:s,s:o}", "table", table, "source_key", key,
			                "column", col, "reason", why, "problems", problems);
			free(last);
			last = rf_xstrdup(key);
		}
		json_array_append_new(problems,
		                      json_pack("{s:s,s:s}", "column", col, "reason", why));
		free(key);
		free(col);
		free(why);
		p = nl + 1;
	}
	if (row) {
		char *s = json_dumps(row, JSON_COMPACT | JSON_ENSURE_ASCII);
		rf_buf_printf(&out->rejects, "%s\n", s);
		free(s);
		json_decref(row);
	}
	free(last);
}

/* Maps and diffs t (its parents' inserted keys in pd[0..npd)) into its plan. */
static int plan_table(struct rf_db *src, struct rf_db *dst, struct table *t,
                      const struct rf_map_pending *pd, size_t npd, unsigned ops_mask,
                      size_t bulk_rows, struct rf_map_copy_report *rep, struct rf_error *err)
{
	struct rf_map_diff_report r;
	int rc;

	memset(&r, 0, sizeof r);
	t->plan = rf_plan_new(t->ms->shape, ops_mask);
	t->plan->owns_shape = false; /* until the set plan takes it */
	t->ms->skip_invalid = true;  /* every invalid row listed; refused later */
	rc = rf_map_diff_run_pending(src, dst, t->ms, pd, npd, emit, t->plan, &r, err);
	if (rc == 0) {
		group_ops(t->plan);
		rf_plan_target(t->plan, dst, bulk_rows);
		t->stats = r.stats;
		t->stats.src_rows = r.src_rows;
		t->stats.dst_rows = r.dst_rows;
		collect_invalid(t->map->target, &r, rep);
	}
	rf_buf_free(&r.invalid);
	return rc;
}

/* Moves the plans into out, parents first, with their warnings. */
static int to_set_plan(struct rf_db *dst, struct table *t, const size_t *order, size_t n,
                       struct rf_set_plan *out, struct rf_error *err)
{
	bool *filtered = rf_xcalloc(n + 1, sizeof *filtered);
	size_t i;
	int rc;

	out->items = rf_xcalloc(n + 1, sizeof *out->items);
	for (i = 0; i < n; i++) {
		struct table *x = &t[order[i]];
		struct rf_set_plan_table *it = &out->items[out->len++];
		it->table = rf_xstrdup(x->map->target);
		it->plan = x->plan;
		it->stats = x->stats;
		x->plan = NULL;
		rf_map_diff_shape_take(x->ms); /* the plan owns the shape now */
		x->ms = NULL;
		it->plan->owns_shape = true;
		if (rf_plan_count(it->plan, RF_OP_DELETE))
			it->deletes = rf_plan_take_deletes(it->plan);
		filtered[i] = x->map->where != NULL;
	}
	rc = rf_set_plan_warnings(out, dst, filtered, err);
	free(filtered);
	return rc;
}

int rf_map_copy_plan(struct rf_db *src, struct rf_db *dst, struct rf_map *const *maps, size_t n,
                     const struct rf_config *sections, const char *now, unsigned ops_mask,
                     size_t bulk_rows, bool skip_invalid, struct rf_set_plan *out,
                     struct rf_map_copy_report *rep, struct rf_error *err)
{
	struct table *t = rf_xcalloc(n + 1, sizeof *t);
	size_t *order = rf_xcalloc(n + 1, sizeof *order);
	struct rf_map_pending *pd = rf_xcalloc(n + 1, sizeof *pd);
	struct rf_cell **keys = rf_xcalloc(n + 1, sizeof *keys);
	size_t i, npd = 0;
	bool open = false;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (rf_set_diff_begin(src, dst, err) != 0)
		goto out;
	open = true;
	for (i = 0; i < n; i++) {
		t[i].map = maps[i];
		if (rf_map_diff_open(src, dst, maps[i], now, sections, &t[i].ms, err) != 0 ||
		    rf_map_diff_copy_refs(t[i].ms, dst, err) != 0)
			goto out;
	}
	if (order_tables(t, n, order, err) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		struct table *x = &t[order[i]];
		if (plan_table(src, dst, x, pd, npd, ops_mask, bulk_rows, rep, err) != 0)
			goto out;
		if (referenced(t, n, x)) {
			add_pending(x, &pd[npd], &keys[npd]);
			npd++;
		}
	}
	rf_set_diff_end(src, dst);
	open = false;
	if (rep->invalid_rows && !skip_invalid) {
		rc = 0; /* refused: the caller lists them */
		goto out;
	}
	rc = to_set_plan(dst, t, order, n, out, err);
out:
	if (open)
		rf_set_diff_end(src, dst);
	for (i = 0; i < n; i++) {
		rf_plan_free(t[i].plan);
		rf_map_diff_shape_free(t[i].ms);
		free(keys[i]);
	}
	free(keys);
	free(pd);
	free(order);
	free(t);
	return rc;
}
