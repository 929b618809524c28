/* related_view.c - the related-tables screen (DESIGN §11, "Console"): `f`
 * on a table or a diff lists the table's foreign-key neighbours, parents
 * and children and further along as `--follow both` brings them, in apply
 * order, each with a checkbox and the `+ - ~ =` counts of its rows
 * selected through the root's current selection (its WHERE, key and
 * excluded columns) by the semi-joins of rf_set_diff_build.
 *
 * The counts are the diffs of the set's tables run one after the other in
 * slices between key presses, inside one read transaction per side
 * (rf_set_diff_begin), so the set is counted from one snapshot as
 * `rowferry diff --follow both` counts it; Esc stops them. Enter opens a
 * table's diff with its set selection on the normal diff screen: the
 * console's session is swapped for that table's while it is open and put
 * back when q returns here.
 *
 * p and A copy the checked tables (the root always) as one set: the core's
 * plan of the set (set_copy.h) less the unchecked tables, on the normal
 * preview and apply screens; the set is counted again after an apply.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "rowferry/graph.h"
#include "rowferry/set_copy.h"
#include "session.h"
#include "theme.h"
#include "view.h"

/* rows between looks at the clock */
#define CLOCK_EVERY 256

enum count_state { COUNT_WAITING, COUNT_RUNNING, COUNT_DONE, COUNT_FAILED, COUNT_CANCELLED };

struct related_table {
	struct rf_selection sel; /* its set selection (owned) */
	const char *role;        /* "root", "parent", "child" */
	int depth;               /* steps from the root */
	char *via;               /* the constraint it is selected through, or NULL */
	bool in;                 /* checked: part of the set to copy */
	enum count_state state;
	struct rf_diff_stats stats;
};

struct related_view {
	struct rf_selection root; /* what the set is selected through (owned) */
	char *root_words;         /* the root opened from a table of a set: its
	                             words (session.h through), or NULL */
	struct related_table *t;  /* in apply order, parents first */
	size_t n;
	struct rf_strlist broken; /* cycles broken, "name (child -> parent)" */
	/* counting: the table whose diff runs, in one read transaction per side */
	struct rf_diff *diff;
	size_t next;
	bool open_tx, running, failed;
	struct rf_error err;
	/* the session below while a table of the set is open on the diff screen */
	struct session *saved;
	bool child_open;
	bool placed;  /* the cursor was put on the root */
	bool copying; /* the preview or apply of the set is open above */
	bool copied;  /* a copy changed rows since the screen opened */
};

static void free_tables(struct related_view *r)
{
	size_t i;
	for (i = 0; i < r->n; i++) {
		rf_selection_free(&r->t[i].sel);
		free(r->t[i].via);
	}
	free(r->t);
	r->t = NULL;
	r->n = 0;
	rf_strlist_free(&r->broken);
}

/* Stops counting: the diff running, then both read transactions. */
static void stop(struct related_view *r, struct console *con, enum count_state left)
{
	size_t i;
	if (r->diff)
		rf_diff_close(r->diff);
	r->diff = NULL;
	if (r->open_tx)
		rf_set_diff_end(con->src, con->dst);
	r->open_tx = false;
	r->running = false;
	for (i = 0; i < r->n; i++)
		if (r->t[i].state == COUNT_WAITING || r->t[i].state == COUNT_RUNNING)
			r->t[i].state = left;
}

/* "sales_orders_job_id_fkey: sales_orders(job_id) -> jobs(id)" */
static char *describe_edge(const struct rf_fk_edge *e)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t k;
	rf_buf_printf(&b, "%s: %s(", e->name ? e->name : "?", e->child);
	for (k = 0; k < e->ncols; k++)
		rf_buf_printf(&b, "%s%s", k ? "," : "", e->child_cols[k]);
	rf_buf_printf(&b, ") -> %s(", e->parent);
	for (k = 0; k < e->ncols; k++)
		rf_buf_printf(&b, "%s%s", k ? "," : "", e->parent_cols[k]);
	rf_buf_addc(&b, ')');
	return rf_buf_steal(&b);
}

/* Whether the graph's name of a table (schema-qualified on PostgreSQL)
 * names the table a set selection is for (the bare name there). */
static bool same_table(const char *graph_name, const char *sel_name)
{
	size_t g = strlen(graph_name), s = strlen(sel_name);
	return strcmp(graph_name, sel_name) == 0 ||
	       (g > s && graph_name[g - s - 1] == '.' && strcmp(graph_name + g - s, sel_name) == 0);
}

/* Each table's role, depth and constraint, from the set rf_set_diff_build
 * made: the same graph and closure give the same apply order, which is
 * checked name by name; when they differ the lines go without them. */
static void relations(struct related_view *r, struct console *con)
{
	struct rf_graph g;
	struct rf_fk_list fks = {0};
	struct rf_set set = {0};
	struct rf_table_info info = {0};
	struct rf_strlist none = RF_STRLIST_INIT;
	struct rf_error err;
	int *depth = NULL;
	size_t i, k;

	rf_graph_init(&g);
	rf_error_clear(&err);
	if (rf_db_describe(con->src, r->root.table, &info, &err) != 0 ||
	    rf_db_foreign_keys(con->src, NULL, &fks, &err) != 0)
		goto out;
	rf_graph_add_edges(&g, &fks);
	i = rf_graph_add_table(&g, info.display);
	if (rf_set_closure(&g, i, &none, RF_FOLLOW_BOTH, &set, &err) != 0 || set.len != r->n)
		goto out;
	for (k = 0; k < r->n; k++)
		if (!same_table(g.tables.items[set.items[set.order[k]].table], r->t[k].sel.table))
			goto out;
	depth = rf_xcalloc(set.len, sizeof *depth);
	/* in the order found, the other end of a link comes first */
	for (i = 0; i < set.len; i++) {
		const struct rf_set_table *it = &set.items[i];
		const struct rf_fk_edge *e;
		if (it->root || !it->nlinks)
			continue;
		e = &g.edges.items[it->links[0].edge];
		depth[i] =
		    1 + depth[rf_set_find(&set, (size_t)rf_graph_table(
		                                    &g, it->links[0].down ? e->parent : e->child))];
	}
	for (k = 0; k < r->n; k++) {
		const struct rf_set_table *it = &set.items[set.order[k]];
		struct related_table *t = &r->t[k];
		t->depth = depth[set.order[k]];
		if (it->root || !it->nlinks) {
			t->role = it->root ? "root" : "";
			continue;
		}
		t->role = it->links[0].down ? "child" : "parent";
		t->via = describe_edge(&g.edges.items[it->links[0].edge]);
		if (it->nlinks > 1) {
			char *more = rf_xasprintf("%s (and %zu more)", t->via, it->nlinks - 1);
			free(t->via);
			t->via = more;
		}
	}
out:
	free(depth);
	rf_table_info_free(&info);
	rf_fk_list_free(&fks);
	rf_set_free(&set);
	rf_graph_free(&g);
}

/* Builds the set from the root's selection and starts counting. The
 * root's WHERE, key and excluded columns are handed to the core as the
 * command line would give them (--where, --key COLS, --exclude ROOT.COL),
 * so the set is the one `rowferry diff ROOT --follow both` diffs. */
struct root_flags {
	struct rf_selection_flags f;
	struct rf_set_flags sf;
	char *ignore, *key;
};

static void root_flags_init(const struct related_view *r, struct root_flags *rf)
{
	const struct rf_selection *rs = &r->root;
	size_t i;

	memset(rf, 0, sizeof *rf);
	rf->f.where = rs->where;
	rf->f.source_where = rs->source_where;
	rf->f.target_where = rs->target_where;
	if (rs->ignore.len)
		rf->f.ignore = rf->ignore = rf_strlist_join(&rs->ignore, ",");
	rf->sf.follow = "both";
	if (rs->key.len) {
		rf->key = rf_strlist_join(&rs->key, ",");
		rf_strlist_add(&rf->sf.keys, rf->key);
	}
	for (i = 0; i < rs->exclude.len; i++) {
		char *x = rf_xasprintf("%s.%s", rs->table, rs->exclude.items[i]);
		rf_strlist_add(&rf->sf.excludes, x);
		free(x);
	}
}

static void root_flags_free(struct root_flags *rf)
{
	rf_set_flags_free(&rf->sf);
	free(rf->ignore);
	free(rf->key);
}

static void build(struct view *v)
{
	struct related_view *r = v->priv;
	struct console *con = v->con;
	const struct rf_selection *rs = &r->root;
	struct root_flags rfl;
	struct rf_set_diff set;
	struct rf_strlist out = RF_STRLIST_INIT; /* the tables left unchecked */
	size_t i, k;

	stop(r, con, COUNT_CANCELLED);
	/* counted again (R, after a copy): the unchecked tables stay out */
	for (i = 0; i < r->n; i++)
		if (!r->t[i].in)
			rf_strlist_add(&out, r->t[i].sel.table);
	free_tables(r);
	rf_error_clear(&r->err);
	r->failed = false;
	root_flags_init(r, &rfl);
	if (rf_set_diff_begin(con->src, con->dst, &r->err) != 0) {
		r->failed = true;
		goto out;
	}
	r->open_tx = true;
	if (rf_set_diff_build(con->src, con->dst, &con->cfg, rs->table, &rfl.f, &rfl.sf, &set,
	                      &r->err) != 0) {
		r->failed = true;
		stop(r, con, COUNT_FAILED);
		goto out;
	}
	r->n = set.len;
	r->t = rf_xcalloc(set.len ? set.len : 1, sizeof *r->t);
	for (i = 0; i < set.len; i++) {
		r->t[i].sel = set.items[i].sel;
		memset(&set.items[i].sel, 0, sizeof set.items[i].sel);
		r->t[i].role = "";
		r->t[i].in = true;
		for (k = 0; k < out.len; k++)
			if (!strcmp(out.items[k], r->t[i].sel.table))
				r->t[i].in = false;
	}
	r->broken = set.broken;
	memset(&set.broken, 0, sizeof set.broken);
	rf_set_diff_free(&set);
	relations(r, con);
	if (!r->placed) /* the cursor starts on the root, amid its parents and children */
		for (i = 0; i < r->n; i++)
			if (!strcmp(r->t[i].role, "root"))
				v->list.cursor = i;
	r->placed = true;
	r->next = 0;
	r->running = true;
out:
	if (r->failed)
		console_error(con, &r->err);
	v->list.count = r->n;
	list_clamp(&v->list);
	root_flags_free(&rfl);
	rf_strlist_free(&out);
}

static bool related_busy(struct view *v)
{
	struct related_view *r = v->priv;
	return r->running;
}

/* Counts for about budget_ms: the tables in turn, each diff in full. */
static void related_work(struct view *v, int budget_ms)
{
	struct related_view *r = v->priv;
	struct console *con = v->con;
	double until = console_now_ms() + budget_ms;
	const struct rf_diff_row *row;
	unsigned n = 0;
	int rc;

	while (r->running) {
		struct related_table *t;
		if (r->next == r->n) {
			stop(r, con, COUNT_DONE);
			break;
		}
		t = &r->t[r->next];
		if (!r->diff) {
			r->diff = rf_diff_open(con->src, con->dst, &t->sel, &r->err);
			if (!r->diff)
				goto failed;
			rf_diff_set_identical_rows(r->diff, false); /* only counted */
			t->state = COUNT_RUNNING;
		}
		rc = rf_diff_next(r->diff, &row, &r->err);
		if (rc < 0)
			goto failed;
		t->stats = *rf_diff_stats(r->diff);
		if (rc == 0) {
			rf_diff_close(r->diff);
			r->diff = NULL;
			t->state = COUNT_DONE;
			r->next++;
		}
		if (++n % CLOCK_EVERY == 0 && console_now_ms() >= until)
			break;
	}
	return;
failed:
	r->t[r->next].state = COUNT_FAILED;
	r->failed = true;
	stop(r, con, COUNT_CANCELLED);
	console_error(con, &r->err);
}

static void format_counts(const struct related_table *t, char *out, size_t len)
{
	const struct rf_diff_stats *st = &t->stats;
	switch (t->state) {
	case COUNT_WAITING:
		snprintf(out, len, "...");
		break;
	case COUNT_RUNNING:
		snprintf(out, len, "counting %llu", st->src_rows + st->dst_rows);
		break;
	case COUNT_FAILED:
		snprintf(out, len, "failed");
		break;
	case COUNT_CANCELLED:
		snprintf(out, len, "cancelled");
		break;
	case COUNT_DONE:
		snprintf(out, len, "+%llu -%llu ~%llu =%llu", st->only_source, st->only_target,
		         st->changed, st->identical);
		break;
	}
}

static void related_draw(struct view *v, int top, int height)
{
	struct related_view *r = v->priv;
	unsigned long hdr = theme_attr(COLOR_COLUMN_HEADER);
	int name_w = 12, foot = (int)r->broken.len, y, i;
	char line[256], counts[96];
	size_t k;

	if (r->failed && !r->n) { /* the set could not be built: why, wrapped */
		char text[1300];
		const char *p = console_error_text(&r->err, text, sizeof text);
		for (y = top; *p && y < top + height; y++) {
			size_t len =
			    text_prefix_words(p, strlen(p), (size_t)(COLS > 4 ? COLS - 4 : 1));
			if (!len)
				break;
			draw_text(y, 2, COLS - 2, p, len, theme_attr(COLOR_ERROR), false);
			p += len;
		}
		return;
	}
	for (k = 0; k < r->n; k++) {
		int w = 2 * r->t[k].depth +
		        (int)text_width(r->t[k].sel.table, strlen(r->t[k].sel.table));
		if (w > name_w)
			name_w = w;
	}
	if (name_w > COLS / 3)
		name_w = COLS / 3;
	if (foot > height / 3)
		foot = height / 3;
	snprintf(line, sizeof line, "    %-*s  %-6s  %-22s  %s", name_w, "TABLE", "ROLE",
	         "+ - ~ = ROWS", "SELECTED THROUGH");
	draw_line(top, 0, COLS, line, hdr);
	v->list.height = height - 1 - foot;
	list_clamp(&v->list);
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < v->list.count; i++) {
		size_t idx = v->list.top + (size_t)i;
		const struct related_table *t = &r->t[idx];
		const struct rf_diff_stats *st = &t->stats;
		unsigned long attr = theme_attr(COLOR_NORMAL);
		int x;

		y = top + 1 + i;
		if (t->state == COUNT_DONE && st->only_source + st->only_target + st->changed == 0)
			attr = theme_attr(COLOR_DIM);
		else if (t->state == COUNT_FAILED)
			attr = theme_attr(COLOR_ERROR);
		if (idx == v->list.cursor)
			attr = theme_attr(COLOR_CURSOR);
		draw_fill(y, 0, COLS, attr);
		draw_text(y, 0, 4, t->in ? "[x]" : "[ ]", 3, attr, false);
		x = 4 + 2 * t->depth;
		if (x > 4 + name_w - 4)
			x = 4 + name_w - 4;
		draw_text(y, x, 4 + name_w - x, t->sel.table, strlen(t->sel.table), attr, true);
		format_counts(t, counts, sizeof counts);
		snprintf(line, sizeof line, "  %-6s  %-22s  %s", t->role, counts,
		         t->via ? t->via : "");
		draw_text(y, 4 + name_w, COLS - 4 - name_w, line, strlen(line), attr, true);
	}
	for (i = 0; i < foot; i++) {
		snprintf(line, sizeof line, "cycle broken at %s", r->broken.items[i]);
		draw_line(top + height - foot + i, 2, COLS - 2, line, theme_attr(COLOR_DIM));
	}
}

/* "jobs WHERE job_number = '0000077'": the root and its selection. */
static void describe_root(const struct related_view *r, struct rf_buf *out)
{
	const struct rf_selection *rs = &r->root;
	if (r->root_words) {
		rf_buf_adds(out, r->root_words);
		return;
	}
	rf_buf_adds(out, rs->table);
	if (!rs->where && !rs->source_where && !rs->target_where)
		rf_buf_adds(out, " (all rows)");
	if (rs->where)
		rf_buf_printf(out, " WHERE %s", rs->where);
	if (rs->source_where)
		rf_buf_printf(out, "  source WHERE %s", rs->source_where);
	if (rs->target_where)
		rf_buf_printf(out, "  target WHERE %s", rs->target_where);
}

static void related_title(struct view *v, struct rf_buf *out)
{
	rf_buf_adds(out, "Related tables of ");
	describe_root(v->priv, out);
}

static void related_status(struct view *v, struct rf_buf *out)
{
	struct related_view *r = v->priv;
	unsigned long long add = 0, del = 0, chg = 0;
	size_t i, in = 0;

	for (i = 0; i < r->n; i++) {
		if (!r->t[i].in)
			continue;
		in++;
		add += r->t[i].stats.only_source;
		del += r->t[i].stats.only_target;
		chg += r->t[i].stats.changed;
	}
	if (r->running) {
		rf_buf_printf(out, "counting %zu/%zu  Esc cancels", r->next + 1, r->n);
		return;
	}
	rf_buf_printf(out, "%zu of %zu in  +%llu -%llu ~%llu", in, r->n, add, del, chg);
	if (r->failed)
		rf_buf_adds(out, "  FAILED");
	else if (r->n && r->t[r->n - 1].state == COUNT_CANCELLED)
		rf_buf_adds(out, "  CANCELLED");
}

/* Drops table i of sp, whose plans borrow the first one's shape. */
static void drop_table(struct rf_set_plan_table *t)
{
	rf_plan_free(t->deletes);
	rf_plan_free(t->refs);
	rf_plan_free(t->plan);
	rf_warnings_free(&t->warnings);
	free(t->table);
}

/* Whether a cycle broken, "name (child -> parent)", has an end in table. */
static bool broken_touches(const char *broken, const char *table)
{
	char *child = rf_xasprintf("(%s -> ", table), *parent = rf_xasprintf(" -> %s)", table);
	bool hit = strstr(broken, child) || strstr(broken, parent);
	free(child);
	free(parent);
	return hit;
}

/* Leaves the unchecked tables out of sp (the core's plan of the whole
 * set, in the order the screen lists it), keeping the apply order, and
 * computes the kept tables' warnings again against the kept plans only: a
 * parent left out no longer counts as inserted by the set, so its
 * children's rows that need it are errors (missing parent). With every
 * table checked sp is left as the core made it, the plan `rowferry copy
 * ROOT --follow both` makes. */
static int keep_checked(struct related_view *r, struct console *con, struct rf_set_plan *sp,
                        struct rf_error *err)
{
	const struct rf_plan **plans = NULL;
	struct rf_strlist broken = RF_STRLIST_INIT;
	size_t i, k, n = 0, *from = NULL;
	int rc = -1;

	if (sp->len != r->n)
		goto changed;
	for (i = 0; i < sp->len; i++)
		if (strcmp(sp->items[i].table, r->t[i].sel.table) != 0)
			goto changed;
	for (i = 0; i < r->n && r->t[i].in; i++)
		;
	if (i == r->n)
		return 0;
	from = rf_xcalloc(sp->len, sizeof *from);
	for (i = 0; i < sp->len; i++) {
		if (r->t[i].in) {
			from[n] = i;
			sp->items[n++] = sp->items[i];
			continue;
		}
		for (k = 0; k < sp->broken.len; k++)
			if (broken_touches(sp->broken.items[k], sp->items[i].table))
				sp->broken.items[k][0] = '\0';
		drop_table(&sp->items[i]);
	}
	sp->len = n;
	for (k = 0; k < sp->broken.len; k++)
		if (sp->broken.items[k][0])
			rf_strlist_add(&broken, sp->broken.items[k]);
	rf_strlist_free(&sp->broken);
	sp->broken = broken;
	rf_warnings_free(&sp->all);
	plans = rf_xcalloc(n + 1, sizeof *plans);
	for (i = 0; i < n; i++)
		plans[i] = sp->items[i].plan;
	for (i = 0; i < n; i++) {
		struct rf_set_plan_table *t = &sp->items[i];
		const struct rf_selection *sel = &r->t[from[i]].sel;
		struct rf_preview_opts o = {sel->where || sel->source_where || sel->target_where, 0,
		                            0};
		const struct rf_plan *step[3] = {t->plan, t->deletes, t->refs};
		rf_warnings_free(&t->warnings);
		for (k = 0; k < 3; k++)
			if (step[k] && rf_preview_warnings_set(step[k], con->dst, &o, plans, n,
			                                       &t->warnings, err) != 0)
				goto out;
		for (k = 0; k < t->warnings.len; k++)
			rf_warnings_add(&sp->all, t->warnings.items[k].severity,
			                t->warnings.items[k].kind, "%s: %s", t->table,
			                t->warnings.items[k].text);
	}
	rc = 0;
	goto out;
changed:
	rf_error_set(err, "related", "the set changed since it was counted; R counts it again");
out:
	free(plans);
	free(from);
	return rc;
}

/* The set's name in titles: its root table's (set_name). */
static const char *related_root(struct view *v)
{
	struct related_view *r = v->priv;
	return r->root.table;
}

/* The plan of the checked tables (the root always), the operations of
 * ops_mask: rf_set_plan_build's for the root's selection, less the
 * unchecked tables (set_plan). */
static int related_plan(struct view *v, unsigned ops_mask, struct rf_set_plan *out,
                        struct rf_error *err)
{
	struct related_view *r = v->priv;
	struct console *con = v->con;
	struct root_flags rfl;
	int rc = -1;

	root_flags_init(r, &rfl);
	if (rf_set_plan_build(con->src, con->dst, &con->cfg, r->root.table, &rfl.f, &rfl.sf,
	                      ops_mask, out, err) == 0 &&
	    keep_checked(r, con, out, err) == 0)
		rc = 0;
	root_flags_free(&rfl);
	return rc;
}

/* p and A: the plan of the checked tables, built as `rowferry copy ROOT
 * --follow both` builds it (insert and update; D on the preview adds the
 * deletes), on the preview or straight on the apply screen. */
static void copy_set(struct view *v, bool apply)
{
	struct related_view *r = v->priv;
	struct rf_set_plan *sp = rf_xcalloc(1, sizeof *sp);
	struct rf_error err;

	rf_error_clear(&err);
	if (related_plan(v, RF_OPS_DEFAULT, sp, &err) != 0) {
		console_error(v->con, &err);
		rf_set_plan_free(sp);
		free(sp);
		return;
	}
	r->copying = true;
	if (apply)
		apply_view_open_set(v->con, sp, r->root.table, true, false);
	else
		preview_view_open_set(v->con, sp, v);
}

/* Opens table i's diff on the diff screen with its set selection; the
 * session below is kept aside until q comes back here. */
static void open_table(struct view *v, size_t i)
{
	struct related_view *r = v->priv;
	struct console *con = v->con;
	struct rf_selection sel;

	struct rf_buf through = RF_BUF_INIT;

	rf_selection_copy(&sel, &r->t[i].sel);
	r->saved = con->session;
	r->child_open = true;
	con->session = session_new(con, &sel);
	describe_root(r, &through);
	con->session->through = rf_buf_steal(&through);
	diff_view_open(con);
	if (con->session->state == SESSION_FAILED)
		console_error(con, &con->session->err);
}

static bool related_action(struct view *v, enum action a)
{
	struct related_view *r = v->priv;
	struct related_table *t = r->n ? &r->t[v->list.cursor] : NULL;

	if (list_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_MARK:
		if (!t)
			return true;
		if (!strcmp(t->role, "root")) {
			console_message(v->con, MSG_INFO, "%s is the root: always in the set",
			                t->sel.table);
			return true;
		}
		t->in = !t->in;
		list_move(&v->list, ACT_MOVE_DOWN);
		return true;
	case ACT_OPEN:
		if (!t)
			return true;
		if (r->running)
			console_message(v->con, MSG_WARNING,
			                "counting is still running; wait for it or Esc");
		else
			open_table(v, v->list.cursor);
		return true;
	case ACT_PREVIEW:
	case ACT_APPLY:
		if (r->running)
			console_message(v->con, MSG_WARNING,
			                "counting is still running; wait for it or Esc");
		else if (r->n)
			copy_set(v, a == ACT_APPLY);
		return true;
	case ACT_JOURNALS:
		if (!r->running)
			return false; /* a rollback writes: not inside the read transactions */
		console_message(v->con, MSG_WARNING,
		                "counting is still running; wait for it or Esc");
		return true;
	case ACT_CANCEL:
		if (!r->running)
			return false;
		stop(r, v->con, COUNT_CANCELLED);
		console_message(v->con, MSG_WARNING,
		                "counting cancelled: the counts so far are shown; R counts again");
		return true;
	case ACT_RELOAD:
		build(v);
		return true;
	default:
		return false;
	}
}

/* Puts back the session kept aside by open_table; false when none was. */
static bool restore_session(struct related_view *r, struct console *con)
{
	if (!r->child_open)
		return false;
	session_free(con->session);
	con->session = r->saved;
	r->saved = NULL;
	r->child_open = false;
	return true;
}

static void related_resume(struct view *v)
{
	struct related_view *r = v->priv;
	bool copied = r->copying;
	/* a copy of the set, or from that table's diff, changed rows: count
	 * again */
	r->copying = false;
	if ((restore_session(r, v->con) || copied) && v->con->tables_stale) {
		r->copied = true;
		build(v);
	}
}

static void related_free(struct view *v)
{
	struct related_view *r = v->priv;
	stop(r, v->con, COUNT_CANCELLED);
	restore_session(r, v->con);
	/* the diff below shows rows a copy of the set changed: run it again */
	if (r->copied && v->con->session)
		session_run(v->con->session);
	free_tables(r);
	rf_selection_free(&r->root);
	free(r->root_words);
	free(r);
}

static const struct view_hint related_hints[] = {{ACT_MARK, "include"},
                                                 {ACT_OPEN, "open"},
                                                 {ACT_PREVIEW, "preview"},
                                                 {ACT_APPLY, "apply"},
                                                 {ACT_NONE, NULL}};

static const struct view_ops related_ops = {
    .hints = related_hints,
    .name = "related",
    .draw = related_draw,
    .title = related_title,
    .status = related_status,
    .action = related_action,
    .resume = related_resume,
    .busy = related_busy,
    .work = related_work,
    .set_plan = related_plan,
    .set_name = related_root,
    .free = related_free,
};

void related_view_open(struct console *con, const char *table, const struct rf_selection *sel)
{
	struct related_view *r = rf_xcalloc(1, sizeof *r);
	struct view *v;
	struct rf_error err;

	rf_error_clear(&err);
	if (sel) {
		rf_selection_copy(&r->root, sel);
		/* a table of a set: its WHERE is that set's semi-joins */
		if (con->session && sel == &con->session->sel && con->session->through)
			r->root_words = rf_xasprintf("%s (rows of the set of %s)", table,
			                             con->session->through);
	} else if (console_table_selection(con, table, &r->root, &err) != 0) {
		console_error(con, &err);
		free(r);
		return;
	}
	v = view_new(con, &related_ops, r);
	view_push(con, v);
	if (view_top(con) == v)
		build(v);
}
