/* set_copy.c - a copy of a set of related tables (set_copy.h, DESIGN
 * §11): the plans of every table, their script and their apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/all_create.h"
#include "rowferry/all_stream.h"
#include "rowferry/config.h"
#include "rowferry/identity.h"
#include "rowferry/set_copy.h"
#include "set_keys.h"

void rf_set_plan_free(struct rf_set_plan *sp)
{
	size_t i;
	for (i = 0; i < sp->len; i++) {
		struct rf_set_plan_table *t = &sp->items[i];
		rf_plan_free(t->deletes); /* borrow plan's shape: first */
		rf_plan_free(t->refs);
		rf_plan_free(t->plan);
		rf_warnings_free(&t->warnings);
		free(t->table);
	}
	free(sp->items);
	rf_strlist_free(&sp->broken);
	rf_strlist_free(&sp->defer);
	rf_warnings_free(&sp->all);
	rf_planned_tables_free(sp->create);
	free(sp->create);
	memset(sp, 0, sizeof *sp);
}

size_t rf_set_plan_item_of(const struct rf_set_plan *sp, const struct rf_plan *step)
{
	size_t i;
	for (i = 0; i < sp->len; i++) {
		const struct rf_set_plan_table *it = &sp->items[i];
		if (it->plan == step || it->deletes == step || it->refs == step)
			break;
	}
	return i;
}

size_t rf_set_plan_count(const struct rf_set_plan *sp, enum rf_op_kind k)
{
	size_t i, n = 0;
	for (i = 0; i < sp->len; i++) {
		n += rf_plan_count(sp->items[i].plan, k);
		if (k == RF_OP_INSERT && sp->items[i].streamed)
			n += (size_t)sp->items[i].stream_rows;
		if (sp->items[i].deletes)
			n += rf_plan_count(sp->items[i].deletes, k);
		if (sp->items[i].refs)
			n += rf_plan_count(sp->items[i].refs, k);
	}
	return n;
}

size_t rf_set_plan_nops(const struct rf_set_plan *sp)
{
	return rf_set_plan_count(sp, RF_OP_INSERT) + rf_set_plan_count(sp, RF_OP_UPDATE) +
	       rf_set_plan_count(sp, RF_OP_DELETE);
}

/* The plans in the order they run: each table's deletes children first
 * (apply order backwards), then each table's inserts and updates parents
 * first, then the references left NULL by a broken cycle. steps has room
 * for 3 * sp->len; returns how many. */
static size_t set_steps(const struct rf_set_plan *sp, const struct rf_plan **steps)
{
	size_t i, n = 0;
	for (i = sp->len; i-- > 0;)
		if (sp->items[i].deletes)
			steps[n++] = sp->items[i].deletes;
	for (i = 0; i < sp->len; i++)
		steps[n++] = sp->items[i].plan;
	for (i = 0; i < sp->len; i++)
		if (sp->items[i].refs)
			steps[n++] = sp->items[i].refs;
	return n;
}

/* The item whose source table is name (as the graph names it), or -1. */
static int item_of(const struct rf_set_plan *sp, const char *name)
{
	size_t i;
	for (i = 0; i < sp->len; i++) {
		const struct rf_table_info *t = &sp->items[i].plan->shape->src_table;
		if (strcmp(t->display, name) == 0 || strcmp(t->name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* A reference to a parent of the set whose referenced key the target
 * generates (excluded) is written through the parent's match key (its
 * shape column has a ref); one that could not be made so (a part of the
 * child's match key) would be copied by value and point at another row:
 * refused. */
static int refuse_why(const struct rf_set_plan *sp, size_t p, size_t t, const struct rf_fkey *fk,
                      size_t k, struct rf_error *err)
{
	char why[512];
	if (fk->ncols > 1)
		snprintf(why, sizeof why, "a foreign key of %zu columns", fk->ncols);
	else if (sp->items[p].plan->shape->nkey > 1)
		snprintf(why, sizeof why, "the match key of %s has several columns",
		         sp->items[p].table);
	else
		snprintf(why, sizeof why, "%s is part of the match key of %s", fk->cols[k],
		         sp->items[t].table);
	return rf_error_set(err, sp->items[t].table,
	                    "foreign key %s references %s.%s, which is excluded (the target "
	                    "generates it), and cannot be rewritten through a match key: "
	                    "%s; give --key TABLE:COLS, or keep %s.%s",
	                    fk->name ? fk->name : "(unnamed)", sp->items[p].table, fk->ref_cols[k],
	                    why, sp->items[p].table, fk->ref_cols[k]);
}

static int refuse_regenerated(const struct rf_set_plan *sp, struct rf_error *err)
{
	size_t t, f, k, j;

	for (t = 0; t < sp->len; t++) {
		const struct rf_diff_shape *sh = sp->items[t].plan->shape;
		const struct rf_table_info *st = &sh->src_table;
		for (f = 0; f < st->nfkeys; f++) {
			const struct rf_fkey *fk = &st->fkeys[f];
			int p = item_of(sp, fk->ref_table);
			const struct rf_diff_shape *ps;
			if (p < 0)
				continue;
			ps = sp->items[p].plan->shape;
			for (k = 0; k < fk->ncols; k++) {
				int cc = rf_table_info_col(st, fk->cols[k]);
				for (j = 0; j < sh->ncols && cc >= 0; j++)
					if (sh->cols[j].src == cc && sh->cols[j].ref)
						cc = -1;
				for (j = 0; j < ps->ncols && cc >= 0; j++)
					if (strcmp(ps->cols[j].name, fk->ref_cols[k]) == 0 &&
					    !ps->cols[j].copy && !ps->cols[j].hidden)
						return refuse_why(sp, (size_t)p, t, fk, k, err);
			}
		}
	}
	return 0;
}

/* A table --create makes has its foreign keys checked once the rows are
 * in (all_create.h): its rows load as they are, no cycle broken. */
static bool loaded_as_is(const struct rf_db *dst, const struct rf_fk_edge *e)
{
	return dst->planned && dst->planned->keys_after_load && rf_db_planned(dst, e->child);
}

/* Breaks the set's cycles in the target (set_copy.h): deferred where the
 * key is DEFERRABLE and the target defers, else NULL then UPDATE. */
static int break_cycles(struct rf_db *dst, const struct rf_fk_list *broken, struct rf_set_plan *sp,
                        struct rf_error *err)
{
	size_t i, k, j, t;

	for (t = 0; t < sp->len; t++) {
		struct rf_set_plan_table *it = &sp->items[t];
		const struct rf_diff_shape *sh = it->plan->shape;
		size_t *cols = rf_xcalloc(sh->ncols + 1, sizeof *cols), n = 0;

		for (i = 0; i < broken->len; i++) {
			const struct rf_fk_edge *e = &broken->items[i];
			if (item_of(sp, e->child) != (int)t)
				continue;
			if (loaded_as_is(dst, e))
				continue;
			if (e->deferrable && dst->ops->defer_constraint) {
				struct rf_buf b = RF_BUF_INIT;
				dst->ops->defer_constraint(dst, e->name, &b);
				rf_strlist_add(&sp->defer, b.data);
				rf_buf_free(&b);
				continue;
			}
			if (!e->nullable) {
				free(cols);
				return rf_error_set(err, dst->name,
				                    "the cycle broken at %s (%s -> %s) cannot be "
				                    "broken in the target: not nullable, and %s "
				                    "defers no constraint",
				                    e->name, e->child, e->parent, dst->name);
			}
			for (k = 0; k < e->ncols; k++)
				for (j = 0; j < sh->ncols; j++)
					if (sh->cols[j].copy &&
					    strcmp(sh->cols[j].name, e->child_cols[k]) == 0)
						cols[n++] = j;
		}
		if (n)
			it->refs = rf_plan_take_references(it->plan, cols, n);
		free(cols);
	}
	return 0;
}

/* Which tables of d are loaded as read (all_stream.h): into streamed[i]
 * (its plan into plans[i], its count into rows[i]), all of them or none,
 * so that every table's rows come from one source snapshot: the streamed
 * ones are read in the apply's, the planned ones in the planning's. 0 or
 * -1 with err. */
static int stream_tables(struct rf_db *src, struct rf_db *dst, const struct rf_set_diff *d,
                         unsigned ops_mask, bool *streamed, struct rf_plan **plans,
                         unsigned long long *rows, struct rf_error *err)
{
	bool all = true;
	size_t i;
	int s;

	for (i = 0; i < d->len; i++) {
		s = rf_all_stream_plan(src, dst, &d->items[i].sel, ops_mask, &plans[i], &rows[i],
		                       err);
		if (s < 0)
			return -1;
		streamed[i] = s > 0;
		all = all && streamed[i];
	}
	for (i = 0; i < d->len && !all; i++) {
		rf_plan_free(plans[i]);
		plans[i] = NULL;
		streamed[i] = false;
	}
	return 0;
}

/* Diffs and plans every table of d, in one snapshot per side (the caller's
 * read transactions). */
static int plan_tables(struct rf_db *src, struct rf_db *dst, const struct rf_config *cfg,
                       const struct rf_set_diff *d, unsigned ops_mask, struct rf_set_plan *out,
                       struct rf_error *err)
{
	bool *streamed = rf_xcalloc(d->len + 1, sizeof *streamed);
	struct rf_plan **plans = rf_xcalloc(d->len + 1, sizeof *plans);
	unsigned long long *rows = rf_xcalloc(d->len + 1, sizeof *rows);
	size_t i;
	int rc = -1;

	out->items = rf_xcalloc(d->len + 1, sizeof *out->items);
	if (stream_tables(src, dst, d, ops_mask, streamed, plans, rows, err) != 0)
		goto cleanup;
	for (i = 0; i < d->len; i++) {
		struct rf_set_plan_table *t = &out->items[out->len];
		struct rf_diff *diff;
		if (streamed[i]) { /* a created table: loaded as read (all_stream.h) */
			t->plan = plans[i];
			plans[i] = NULL;
			t->stream_rows = rows[i];
			out->len++;
			t->streamed = true;
			t->table = rf_xstrdup(d->items[i].sel.table);
			rf_plan_target(t->plan, dst, (size_t)cfg->bulk_rows);
			continue;
		}
		diff = rf_diff_open(src, dst, &d->items[i].sel, err);
		if (!diff)
			goto cleanup;
		t->plan = rf_plan_from_diff(diff, ops_mask, err);
		t->stats = *rf_diff_stats(diff);
		rf_diff_close(diff);
		if (!t->plan)
			goto cleanup;
		out->len++;
		t->table = rf_xstrdup(d->items[i].sel.table);
		rf_plan_target(t->plan, dst, (size_t)cfg->bulk_rows);
		if (rf_plan_count(t->plan, RF_OP_DELETE))
			t->deletes = rf_plan_take_deletes(t->plan);
	}
	rc = 0;
cleanup:
	for (i = 0; i < d->len; i++)
		rf_plan_free(plans[i]);
	free(plans);
	free(streamed);
	free(rows);
	return rc;
}

int rf_set_plan_warnings(struct rf_set_plan *sp, struct rf_db *dst, const bool *filtered,
                         struct rf_error *err)
{
	const struct rf_plan **plans = rf_xcalloc(sp->len + 1, sizeof *plans);
	size_t i, k;
	int rc = -1;

	/* which children load in bulk, their references resolved first */
	set_keys_mark(sp, dst);
	for (i = 0; i < sp->len; i++)
		plans[i] = sp->items[i].plan;
	for (i = 0; i < sp->len; i++) {
		struct rf_set_plan_table *t = &sp->items[i];
		struct rf_plan *steps[3] = {t->plan, t->deletes, t->refs};
		struct rf_preview_opts o = {filtered[i], 0, 0};
		for (k = 0; k < 3; k++)
			if (steps[k] && rf_preview_warnings_set(steps[k], dst, &o, plans, sp->len,
			                                        &t->warnings, err) != 0)
				goto out;
		for (k = 0; k < t->warnings.len; k++)
			rf_warnings_add(&sp->all, t->warnings.items[k].severity,
			                t->warnings.items[k].kind, "%s: %s", t->table,
			                t->warnings.items[k].text);
	}
	rc = 0;
out:
	free(plans);
	return rc;
}

/* The warnings of a set diffed by selections: a table is filtered when its
 * selection has a WHERE (the semi-joins of a set included). */
static int set_warnings(struct rf_db *dst, const struct rf_set_diff *d, struct rf_set_plan *sp,
                        struct rf_error *err)
{
	bool *filtered = rf_xcalloc(sp->len + 1, sizeof *filtered);
	size_t i;
	int rc;

	for (i = 0; i < sp->len; i++) {
		const struct rf_selection *sel = &d->items[i].sel;
		filtered[i] = sel->where || sel->source_where || sel->target_where;
	}
	rc = rf_set_plan_warnings(sp, dst, filtered, err);
	free(filtered);
	return rc;
}

/* The translation's warnings of each table --create makes (a default
 * dropped, a type widened), with the table's own. */
static void ddl_warnings(const struct rf_planned_tables *p, struct rf_set_plan *sp)
{
	size_t i, k;

	for (i = 0; i < p->len; i++) {
		int t = item_of(sp, p->items[i].source);
		const struct rf_strlist *w = &p->items[i].ddl.warnings;
		if (t < 0)
			continue;
		for (k = 0; k < w->len; k++) {
			rf_warnings_add(&sp->items[t].warnings, RF_SEV_WARNING, "create", "%s",
			                w->items[k]);
			rf_warnings_add(&sp->all, RF_SEV_WARNING, "create", "%s: %s",
			                sp->items[t].table, w->items[k]);
		}
	}
}

int rf_set_plan_build(struct rf_db *src, struct rf_db *dst, const struct rf_config *cfg,
                      const char *root, const struct rf_selection_flags *f,
                      const struct rf_set_flags *sf, unsigned ops_mask, struct rf_set_plan *out,
                      struct rf_error *err)
{
	struct rf_set_diff d;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&d, 0, sizeof d);
	if (rf_set_diff_begin(src, dst, err) != 0)
		return -1;
	if (rf_set_diff_build(src, dst, cfg, root, f, sf, &d, err) == 0 &&
	    plan_tables(src, dst, cfg, &d, ops_mask, out, err) == 0)
		rc = 0;
	rf_set_diff_end(src, dst);
	if (rc == 0) {
		for (i = 0; i < d.broken.len; i++)
			if (!loaded_as_is(dst, &d.broken_edges.items[i]))
				rf_strlist_add(&out->broken, d.broken.items[i]);
		rc = refuse_regenerated(out, err);
	}
	if (rc == 0)
		rc = break_cycles(dst, &d.broken_edges, out, err);
	if (rc == 0)
		rc = set_warnings(dst, &d, out, err);
	if (rc == 0 && dst->planned)
		ddl_warnings(dst->planned, out);
	rf_set_diff_free(&d);
	return rc;
}

void rf_set_preview_summary(const struct rf_set_plan *sp, const struct rf_db *src,
                            const struct rf_db *dst, struct rf_buf *out)
{
	const struct rf_planned_tables *made = sp->create ? sp->create : dst->planned;
	size_t i, k;

	rf_buf_printf(out, "-- copy of %zu table%s: %s (%s) -> %s (%s), one transaction\n", sp->len,
	              sp->len == 1 ? "" : "s", src->name, src->display_url, dst->name,
	              dst->display_url);
	rf_buf_adds(out, "-- apply order (parents first):");
	for (i = 0; i < sp->len; i++)
		rf_buf_printf(out, "%s %s", i ? "," : "", sp->items[i].table);
	rf_buf_adds(out, "\n");
	for (i = 0; i < sp->broken.len; i++)
		rf_buf_printf(out, "-- cycle broken at %s\n", sp->broken.items[i]);
	for (i = 0; i < sp->len; i++) {
		const struct rf_set_plan_table *t = &sp->items[i];
		size_t del = t->deletes ? t->deletes->nops : 0;
		if (t->streamed)
			rf_buf_printf(out,
			              "-- %s: %llu to insert, 0 to update, 0 to delete; created, "
			              "loaded as read (not listed)\n",
			              t->table, t->stream_rows);
		else
			rf_buf_printf(out,
			              "-- %s: %zu to insert, %zu to update, %zu to delete; %llu "
			              "identical\n",
			              t->table, rf_plan_count(t->plan, RF_OP_INSERT),
			              rf_plan_count(t->plan, RF_OP_UPDATE), del,
			              t->stats.identical);
		for (k = 0; k < t->warnings.len; k++)
			rf_buf_printf(out, "--   %s: %s\n",
			              rf_severity_name(t->warnings.items[k].severity),
			              t->warnings.items[k].text);
	}
	rf_buf_printf(out, "-- %zu to insert, %zu to update, %zu to delete in all\n",
	              rf_set_plan_count(sp, RF_OP_INSERT), rf_set_plan_count(sp, RF_OP_UPDATE),
	              rf_set_plan_count(sp, RF_OP_DELETE));
	if (made && dst->ops->ddl_commits)
		rf_buf_printf(out,
		              "-- %zu table%s created first (%s commits DDL), dropped again "
		              "if the copy fails\n",
		              made->len, made->len == 1 ? "" : "s", dst->ops->engine);
	else if (made)
		rf_buf_printf(out, "-- %zu table%s created in the same transaction\n", made->len,
		              made->len == 1 ? "" : "s");
}

/* The table whose plan is step when it is streamed (all_stream.h), or
 * NULL. */
static const struct rf_set_plan_table *streamed_item(const struct rf_set_plan *sp,
                                                     const struct rf_plan *step)
{
	size_t i = rf_set_plan_item_of(sp, step);
	return i < sp->len && sp->items[i].plan == step && sp->items[i].streamed ? &sp->items[i]
	                                                                         : NULL;
}

/* A streamed table's step in the script: its loader's statement, as a
 * comment (the rows are read from the source as it runs, not listed). */
static void stream_script(const struct rf_set_plan_table *t, struct rf_db *dst, struct rf_buf *out)
{
	const struct rf_plan *p = t->plan;
	struct rf_buf sql = RF_BUF_INIT;
	size_t *cols = rf_xcalloc(p->ninsert_cols + 1, sizeof *cols), j;

	for (j = 0; j < p->ninsert_cols; j++)
		cols[j] = (size_t)p->shape->cols[p->insert_cols[j]].dst;
	dst->ops->bulk_statement(dst, &p->shape->dst_table, cols, p->ninsert_cols, &sql);
	rf_buf_printf(out,
	              "-- %s: the source's rows (%llu when planned), streamed from %s as read, "
	              "in the verification's snapshot:\n-- %s;\n",
	              p->shape->dst_table.display, t->stream_rows, p->shape->src_table.display,
	              sql.data);
	rf_buf_free(&sql);
	free(cols);
}

void rf_set_preview_script(const struct rf_set_plan *sp, const struct rf_db *src, struct rf_db *dst,
                           struct rf_buf *out)
{
	const struct rf_plan **steps = rf_xcalloc(3 * sp->len + 1, sizeof *steps);
	struct rf_planned_tables *was = dst->planned;
	size_t i, k, n = set_steps(sp, steps);

	if (sp->create)
		dst->planned = sp->create;
	rf_set_preview_summary(sp, src, dst, out);
	if (rf_set_plan_nops(sp) == 0)
		goto out;
	if (dst->planned && dst->ops->ddl_commits) {
		rf_buf_adds(out, "-- the tables, created (and committed) before the data:\n");
		rf_all_create_script(dst->planned, true, out);
	}
	rf_buf_adds(out, "BEGIN;\n");
	if (dst->planned && !dst->ops->ddl_commits)
		rf_all_create_script(dst->planned, true, out);
	for (i = 0; i < sp->defer.len; i++)
		rf_buf_printf(out, "%s;\n", sp->defer.items[i]);
	for (i = 0; i < n; i++) {
		struct rf_stmts s;
		const struct rf_set_plan_table *st = streamed_item(sp, steps[i]);
		if (st)
			stream_script(st, dst, out);
		if (steps[i]->nops == 0)
			continue;
		rf_buf_printf(out, "-- %s%s\n", steps[i]->shape->dst_table.display,
		              steps[i]->ops_mask == RF_OP_DELETE ? ": deletes (children first)"
		              : steps[i]->own_rows ? ": references set once every row exists "
		                                     "(cycle broken)"
		                                   : "");
		set_keys_preview(steps[i], dst, out);
		rf_plan_render_stmts(steps[i], dst, RF_APPLY_BATCH_ROWS, true, &s);
		for (k = 0; k < s.len; k++)
			rf_buf_printf(out, "%s%s\n", s.items[k].text, rf_stmt_end(&s.items[k]));
		rf_stmts_free(&s);
	}
	if (dst->planned)
		rf_all_create_script(dst->planned, false, out);
	rf_identity_preview(sp, dst, out);
	rf_buf_adds(out, "COMMIT;\n");
out:
	dst->planned = was;
	free(steps);
}

/* Rolls tx back for err (its journal aborted with that reason): FAILED. */
static int fail_tx(struct rf_apply_tx *tx, struct rf_apply_result *res, const struct rf_error *err)
{
	char text[1300];
	rf_apply_abort(tx, rf_error_text(err, text, sizeof text));
	res->status = RF_APPLY_FAILED;
	return -1;
}

/* A streamed table's rows, loaded by o->load inside tx: 0, or 1 / -1
 * with the transaction ended (CANCELLED / FAILED). */
static int load_step(struct rf_apply_tx *tx, const struct rf_plan *step,
                     const struct rf_apply_opts *o, struct rf_apply_result *res,
                     struct rf_error *err)
{
	int rc;

	if (!o->load) {
		rf_error_set(err, step->shape->dst_table.display,
		             "planned to be loaded as read, but this front end loads no rows: "
		             "nothing written");
		return fail_tx(tx, res, err);
	}
	rc = o->load(o->verify_ctx, tx, step, o, err);
	if (rc > 0) {
		rf_apply_abort(tx, NULL);
		res->status = RF_APPLY_CANCELLED;
	} else if (rc < 0) {
		fail_tx(tx, res, err);
	}
	return rc;
}

int rf_set_apply(const struct rf_set_plan *sp, const struct rf_db *source, struct rf_db *target,
                 const struct rf_apply_opts *o, struct rf_apply_result *res, struct rf_error *err)
{
	const struct rf_plan **steps = rf_xcalloc(3 * sp->len + 1, sizeof *steps);
	size_t i, n = set_steps(sp, steps);
	struct rf_apply_opts opts = *o;
	struct rf_identity_list ids = {0, NULL};
	struct rf_planned_tables *was = target->planned;
	struct rf_apply_tx *tx;
	struct set_keys keys;
	int rc;

	set_keys_init(&keys, sp);
	if (sp->create)
		target->planned = sp->create;
	opts.warnings = &sp->all;
	for (i = 0; i < sp->len; i++)
		if (sp->items[i].streamed)
			opts.load_rows += (size_t)sp->items[i].stream_rows;
	rc = rf_apply_begin(target, source, steps, n, &opts, res, &tx, err);
	if (rc != 0)
		goto out;
	/* where the identity generators stand before the load (identity.h) */
	if (target->in_tx && rf_identity_find(sp, target, true, &ids, err) != 0)
		rc = fail_tx(tx, res, err);
	for (i = 0; i < sp->defer.len && target->in_tx && rc == 0; i++) {
		if (target->ops->exec(target, sp->defer.items[i], 0, NULL, NULL, err) != 0) {
			char text[1300];
			rf_apply_abort(tx, rf_error_text(err, text, sizeof text));
			res->status = RF_APPLY_FAILED;
			rc = -1;
		}
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (o->step_begin)
			o->step_begin(o->verify_ctx, steps[i]);
		/* the references to parents inserted before: plain values */
		if (target->in_tx && set_keys_resolve(&keys, steps[i], target, err) != 0) {
			rc = fail_tx(tx, res, err);
			break;
		}
		rc = rf_apply_step_keys(tx, steps[i], set_keys_learner(&keys, steps[i]), err);
		if (rc == 0 && streamed_item(sp, steps[i]))
			rc = load_step(tx, steps[i], &opts, res, err);
		if (rc == 0 && o->step_done)
			o->step_done(o->verify_ctx, steps[i]);
	}
	if (rc == 0 && target->planned && target->in_tx &&
	    rf_all_create_finish(target, target->planned, err) != 0)
		rc = fail_tx(tx, res, err);
	/* the generators past the keys loaded, before the verification */
	if (rc == 0 && ids.len && target->in_tx && rf_identity_move(&ids, target, tx, err) != 0)
		rc = fail_tx(tx, res, err);
	if (rc == 0 && o->verify && target->in_tx && o->verify(o->verify_ctx, err) != 0)
		rc = fail_tx(tx, res, err);
	if (rc == 0)
		rc = rf_apply_commit(tx, err);
	rf_apply_tx_free(tx);
out:
	set_keys_free(&keys); /* the plans as they were */
	target->planned = was;
	rf_identity_list_free(&ids);
	free(steps);
	return rc;
}
