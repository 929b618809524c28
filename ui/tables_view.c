/* tables_view.c - the first screen: both sides' tables with their row
 * counts; Enter opens a table's diff, `/` filters the list.
 *
 * Space marks a table and `*` marks or unmarks them all (DESIGN §13 in
 * the console): with marks, p and A copy the marked tables as one set,
 * whole, keys kept - the plan `rowferry copy --all --tables MARKED`
 * makes, on the set's preview and apply screens (the related-tables
 * screen's), the apply verifying every table before COMMIT as copy --all
 * does. A table only in the source shows `create`: marked, the set is
 * `rowferry copy --all --create --tables MARKED`'s (all_tables.h), the
 * table created from the source's definition where copy --all --create
 * creates it (in the transaction, or first on MariaDB), journaled as a
 * create op that a rollback drops again. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "lineedit.h"
#include "rowferry/all_tables.h"
#include "rowferry/set_copy.h"
#include "session.h"
#include "theme.h"
#include "view.h"

struct tables_view {
	char *filter;         /* substring the names must contain, or NULL */
	size_t *shown;        /* indexes into con->tables that pass the filter */
	struct lineedit edit; /* the filter prompt */
	bool editing;
	struct rf_strlist marked; /* the marked tables' names, kept across reloads */
};

static bool is_marked(const struct tables_view *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->marked.len; i++)
		if (!strcmp(t->marked.items[i], name))
			return true;
	return false;
}

static void set_mark(struct tables_view *t, const char *name, bool on)
{
	struct rf_strlist keep = RF_STRLIST_INIT;
	size_t i;

	if (on) {
		if (!is_marked(t, name))
			rf_strlist_add(&t->marked, name);
		return;
	}
	for (i = 0; i < t->marked.len; i++)
		if (strcmp(t->marked.items[i], name) != 0)
			rf_strlist_add(&keep, t->marked.items[i]);
	rf_strlist_free(&t->marked);
	t->marked = keep;
}

/* The marked tables in the list's order joined with ','s into list
 * (when not NULL); how many into *n, how many of them the target does not
 * have (the copy creates them) into *missing. */
static void marked_tables(struct view *v, struct rf_buf *list, size_t *n, size_t *missing)
{
	struct tables_view *t = v->priv;
	const struct rf_table_pairs *p = &v->con->tables;
	size_t i;

	*n = *missing = 0;
	for (i = 0; i < p->len; i++) {
		if (!is_marked(t, p->items[i].name))
			continue;
		if (list)
			rf_buf_printf(list, "%s%s", *n ? "," : "", p->items[i].name);
		(*n)++;
		if (p->items[i].dst_rows == RF_TABLE_ABSENT)
			(*missing)++;
	}
}

static void refilter(struct view *v)
{
	struct tables_view *t = v->priv;
	const struct rf_table_pairs *p = &v->con->tables;
	char *live = t->editing ? lineedit_text(&t->edit) : NULL;
	const char *f = live ? live : t->filter;
	size_t i, n = 0;

	free(t->shown);
	t->shown = rf_xcalloc(p->len + 1, sizeof *t->shown);
	for (i = 0; i < p->len; i++)
		if (!f || !*f || strstr(p->items[i].name, f))
			t->shown[n++] = i;
	v->list.count = n;
	list_clamp(&v->list);
	free(live);
}

static void load(struct view *v)
{
	struct rf_error err;
	struct tables_view *t = v->priv;
	const struct rf_table_pairs *p = &v->con->tables;
	struct rf_strlist keep = RF_STRLIST_INIT;
	size_t i;

	rf_error_clear(&err);
	if (console_load_tables(v->con, &err) != 0)
		console_error(v->con, &err);
	/* the marks stay on the tables still listed in the source */
	for (i = 0; i < p->len; i++)
		if (p->items[i].src_rows != RF_TABLE_ABSENT && is_marked(t, p->items[i].name))
			rf_strlist_add(&keep, p->items[i].name);
	rf_strlist_free(&t->marked);
	t->marked = keep;
	refilter(v);
}

static void format_rows(long long n, char *out, size_t len)
{
	if (n == RF_TABLE_ABSENT)
		snprintf(out, len, "-");
	else if (n < 0)
		snprintf(out, len, "?");
	else
		snprintf(out, len, "%lld", n);
}

static void tables_draw(struct view *v, int top, int height)
{
	struct tables_view *t = v->priv;
	struct console *con = v->con;
	const struct rf_table_pairs *p = &con->tables;
	unsigned long hdr = theme_attr(COLOR_COLUMN_HEADER);
	int name_w = 20, y, i;
	char line[512], a[32], b[32], src_h[64], dst_h[64];

	for (size_t k = 0; k < p->len; k++) {
		int w = (int)text_width(p->items[k].name, strlen(p->items[k].name));
		if (w > name_w)
			name_w = w;
	}
	if (name_w > COLS - 50)
		name_w = COLS - 50 > 10 ? COLS - 50 : 10;
	snprintf(src_h, sizeof src_h, "%.20s rows", con->src->name);
	snprintf(dst_h, sizeof dst_h, "%.20s rows", con->dst->name);
	snprintf(line, sizeof line, "  %-*s  %14s  %14s", name_w, "TABLE", src_h, dst_h);
	draw_line(top, 0, COLS, line, hdr);
	v->list.height = height - 1 - (t->editing ? 1 : 0);
	list_clamp(&v->list);
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < v->list.count; i++) {
		size_t idx = v->list.top + (size_t)i;
		const struct rf_table_pair *tp = &p->items[t->shown[idx]];
		bool cursor = idx == v->list.cursor;
		const char *glyph = " ", *note = "";
		bool marked = is_marked(t, tp->name);
		unsigned long attr = theme_attr(COLOR_NORMAL);
		char nb[96];
		int x = 0;

		y = top + 1 + i;
		format_rows(tp->src_rows, a, sizeof a);
		format_rows(tp->dst_rows, b, sizeof b);
		if (tp->dst_rows == RF_TABLE_ABSENT) {
			/* the word first: what an 80-column line keeps */
			glyph = "+";
			snprintf(nb, sizeof nb, "create: only in %s, missing in %s", con->src->name,
			         con->dst->name);
			note = nb;
			attr = theme_attr(COLOR_ROW_ADDED);
		} else if (tp->src_rows == RF_TABLE_ABSENT) {
			glyph = "-";
			snprintf(nb, sizeof nb, "only in %s", con->dst->name);
			note = nb;
			attr = theme_attr(COLOR_ROW_REMOVED);
		} else if (tp->src_rows != tp->dst_rows) {
			glyph = "~";
			note = "row counts differ";
		}
		if (session_map_describe(con, tp->name, nb, sizeof nb))
			note = nb; /* its diff goes through the section, names differing */
		if (cursor)
			attr = theme_attr(COLOR_CURSOR);
		draw_fill(y, 0, COLS, attr);
		x += draw_text(y, x, 1, glyph, 1, attr, false);
		/* the mark right of the glyph, as a character: not by colour alone */
		x += draw_text(y, x, 1, marked ? "*" : " ", 1, attr, false);
		x += draw_text(y, x, name_w, tp->name, strlen(tp->name), attr, true);
		snprintf(line, sizeof line, "  %14s  %14s  %s", a, b, note);
		draw_text(y, 2 + name_w, COLS - 2 - name_w, line, strlen(line), attr, true);
		(void)x;
	}
	if (v->list.count == 0)
		draw_line(top + 1, 2, COLS - 2,
		          p->len ? "no table matches the filter" : "no tables",
		          theme_attr(COLOR_DIM));
	if (t->editing) {
		y = top + height - 1;
		draw_line(y, 0, COLS, "/", theme_attr(COLOR_INPUT));
		con->cursor_y = y;
		con->cursor_x = lineedit_draw(&t->edit, y, 1, COLS - 1, theme_attr(COLOR_INPUT));
	}
}

static void tables_title(struct view *v, struct rf_buf *out)
{
	struct tables_view *t = v->priv;
	rf_buf_printf(out, "Tables: %s (source) -> %s (target)", v->con->src->name,
	              v->con->dst->name);
	if (t->filter)
		rf_buf_printf(out, "   filter: %s", t->filter);
}

static void tables_status(struct view *v, struct rf_buf *out)
{
	size_t n, missing;

	marked_tables(v, NULL, &n, &missing);
	if (n)
		rf_buf_printf(out, "%zu marked  ", n);
	if (missing)
		rf_buf_printf(out, "%zu to create  ", missing);
	if (v->list.count != v->con->tables.len)
		rf_buf_printf(out, "%zu of %zu tables", v->list.count, v->con->tables.len);
	else
		rf_buf_printf(out, "%zu tables", v->list.count);
}

static bool tables_key(struct view *v, int key)
{
	struct tables_view *t = v->priv;
	if (!t->editing)
		return false;
	switch (lineedit_key(&t->edit, key)) {
	case LE_ACCEPT:
		free(t->filter);
		t->filter = lineedit_text(&t->edit);
		if (!*t->filter) {
			free(t->filter);
			t->filter = NULL;
		}
		t->editing = false;
		break;
	case LE_CANCEL:
		t->editing = false;
		break;
	case LE_IGNORED:
		return true;
	case LE_CONTINUE:
		break;
	}
	/* the list follows each key typed */
	refilter(v);
	return true;
}

/* The marked tables' plan (set_plan): what `rowferry copy --all --create
 * --tables MARKED` plans (cmd_copy.c copy_all): rf_all_tables's set,
 * the tables missing in the target planned into it, then
 * rf_set_plan_build's for the first as the root and the others as
 * --tables, no selection flags. The tables to create go with the plan
 * (out->create). */
static int tables_plan(struct view *v, unsigned ops_mask, struct rf_set_plan *out,
                       struct rf_error *err)
{
	struct console *con = v->con;
	struct rf_selection_flags f;
	struct rf_set_flags sf;
	struct rf_buf list = RF_BUF_INIT, rest = RF_BUF_INIT;
	struct rf_strlist names = RF_STRLIST_INIT, missing = RF_STRLIST_INIT;
	struct rf_planned_tables *create = rf_xcalloc(1, sizeof *create);
	size_t i, n, nmissing;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&f, 0, sizeof f);
	memset(&sf, 0, sizeof sf);
	marked_tables(v, &list, &n, &nmissing);
	if (!n) {
		rf_error_set(err, "tables", "no table marked: Space marks one, * marks all");
		goto out;
	}
	if (rf_all_tables(con->src, con->dst, list.data, create, &names, &missing, err) != 0)
		goto out;
	for (i = 1; i < names.len; i++)
		rf_buf_printf(&rest, "%s%s", i > 1 ? "," : "", names.items[i]);
	sf.tables = rest.len ? rest.data : "";
	rc = rf_set_plan_build(con->src, con->dst, &con->cfg, names.items[0], &f, &sf, ops_mask,
	                       out, err);
	if (rc == 0 && create->len) {
		out->create = create;
		create = NULL;
	}
out:
	con->dst->planned = NULL;
	rf_planned_tables_free(create);
	free(create);
	rf_strlist_free(&names);
	rf_strlist_free(&missing);
	rf_buf_free(&list);
	rf_buf_free(&rest);
	return rc;
}

static const char *tables_set_name(struct view *v)
{
	(void)v;
	return "the marked tables";
}

/* p and A with marks: the marked tables' set on its preview, or straight
 * on the apply screen. */
static void copy_marked(struct view *v, bool apply)
{
	struct rf_set_plan *sp = rf_xcalloc(1, sizeof *sp);
	struct rf_error err;

	rf_error_clear(&err);
	if (tables_plan(v, RF_OPS_DEFAULT, sp, &err) != 0) {
		console_error(v->con, &err);
		rf_set_plan_free(sp);
		free(sp);
		return;
	}
	if (apply)
		apply_view_open_set(v->con, sp, tables_set_name(v), true, true);
	else
		preview_view_open_set(v->con, sp, v);
}

static bool tables_action(struct view *v, enum action a)
{
	struct tables_view *t = v->priv;
	const struct rf_table_pair *tp;
	size_t i, n;

	if (list_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_CONNECTIONS:
		connections_view_open(v->con);
		return true;
	case ACT_SEARCH:
		lineedit_free(&t->edit);
		lineedit_init(&t->edit, t->filter, NULL);
		t->editing = true;
		return true;
	case ACT_CANCEL:
		if (!t->filter)
			return false;
		free(t->filter);
		t->filter = NULL;
		refilter(v);
		return true;
	case ACT_RELOAD:
		load(v);
		return true;
	case ACT_MARK:
		if (v->list.count == 0)
			return true;
		tp = &v->con->tables.items[t->shown[v->list.cursor]];
		if (tp->src_rows == RF_TABLE_ABSENT) {
			console_message(v->con, MSG_WARNING, "%s is only in %s: nothing to copy",
			                tp->name, v->con->dst->name);
			return true;
		}
		set_mark(t, tp->name, !is_marked(t, tp->name));
		if (tp->dst_rows == RF_TABLE_ABSENT && is_marked(t, tp->name))
			console_message(v->con, MSG_INFO,
			                "%s is not in %s: p and A create it there, as copy --all "
			                "--create",
			                tp->name, v->con->dst->name);
		list_move(&v->list, ACT_MOVE_DOWN);
		return true;
	case ACT_MARK_ALL:
		/* every table of the source listed, or none when all are marked */
		for (i = n = 0; i < v->list.count; i++) {
			tp = &v->con->tables.items[t->shown[i]];
			if (tp->src_rows != RF_TABLE_ABSENT && !is_marked(t, tp->name))
				n++;
		}
		for (i = 0; i < v->list.count; i++) {
			tp = &v->con->tables.items[t->shown[i]];
			if (tp->src_rows != RF_TABLE_ABSENT)
				set_mark(t, tp->name, n > 0);
		}
		return true;
	case ACT_PREVIEW:
	case ACT_APPLY:
		if (!t->marked.len)
			console_message(v->con, MSG_WARNING,
			                "no table marked: Space marks one, * marks all; p and A "
			                "copy the marked tables whole");
		else
			copy_marked(v, a == ACT_APPLY);
		return true;
	case ACT_OPEN:
	case ACT_RELATED:
		if (v->list.count == 0)
			return true;
		tp = &v->con->tables.items[t->shown[v->list.cursor]];
		/* a [map] section pairs tables of different names (Orders -> orders) */
		if ((tp->src_rows == RF_TABLE_ABSENT || tp->dst_rows == RF_TABLE_ABSENT) &&
		    !(a == ACT_OPEN && session_map_exists(v->con, tp->name))) {
			console_message(v->con, MSG_WARNING,
			                tp->src_rows == RF_TABLE_ABSENT
			                    ? "%s is only in %s: nothing to compare"
			                    : "%s is only in %s: Space marks it, p and A create it",
			                tp->name,
			                tp->src_rows == RF_TABLE_ABSENT ? v->con->dst->name
			                                                : v->con->src->name);
			return true;
		}
		if (a == ACT_RELATED)
			related_view_open(v->con, tp->name, NULL);
		else
			console_open_table(v->con, tp->name);
		return true;
	default:
		return false;
	}
}

static void tables_resume(struct view *v)
{
	/* an apply or rollback changed row counts; otherwise the list stays
	 * as read (counting every table again can take a while: R does it) */
	if (v->con->tables_stale) {
		v->con->tables_stale = false;
		load(v);
	}
}

static void tables_free(struct view *v)
{
	struct tables_view *t = v->priv;
	lineedit_free(&t->edit);
	free(t->filter);
	free(t->shown);
	rf_strlist_free(&t->marked);
	free(t);
}

static const struct view_hint tables_hints[] = {{ACT_OPEN, "open"},
                                                {ACT_MARK, "mark"},
                                                {ACT_PREVIEW, "preview"},
                                                {ACT_APPLY, "apply"},
                                                {ACT_RELATED, "related"},
                                                {ACT_SEARCH, "search"},
                                                {ACT_JOURNALS, "journals"},
                                                {ACT_RELOAD, "reload"},
                                                {ACT_CONNECTIONS, "connections"},
                                                {ACT_NONE, NULL}};

static const struct view_ops tables_ops = {
    .hints = tables_hints,
    .name = "tables",
    .draw = tables_draw,
    .title = tables_title,
    .status = tables_status,
    .key = tables_key,
    .action = tables_action,
    .resume = tables_resume,
    .set_plan = tables_plan,
    .set_name = tables_set_name,
    .set_whole = true,
    .free = tables_free,
};

void tables_view_open(struct console *con)
{
	struct view *v = view_new(con, &tables_ops, rf_xcalloc(1, sizeof(struct tables_view)));
	view_push(con, v);
	load(v);
}
