/* tables_view.c - the first screen: both sides' tables with their row
 * counts; Enter opens a table's diff, `/` filters the list. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "lineedit.h"
#include "theme.h"
#include "view.h"

struct tables_view {
	char *filter;         /* substring the names must contain, or NULL */
	size_t *shown;        /* indexes into con->tables that pass the filter */
	struct lineedit edit; /* the filter prompt */
	bool editing;
};

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
	rf_error_clear(&err);
	if (console_load_tables(v->con, &err) != 0)
		console_error(v->con, &err);
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
		unsigned long attr = theme_attr(COLOR_NORMAL);
		char nb[96];
		int x = 0;

		y = top + 1 + i;
		format_rows(tp->src_rows, a, sizeof a);
		format_rows(tp->dst_rows, b, sizeof b);
		if (tp->dst_rows == RF_TABLE_ABSENT) {
			glyph = "+";
			snprintf(nb, sizeof nb, "only in %s", con->src->name);
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
		if (cursor)
			attr = theme_attr(COLOR_CURSOR);
		draw_fill(y, 0, COLS, attr);
		x += draw_text(y, x, 2, glyph, 1, attr, false) + 1;
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

static bool tables_action(struct view *v, enum action a)
{
	struct tables_view *t = v->priv;
	const struct rf_table_pair *tp;

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
	case ACT_OPEN:
	case ACT_RELATED:
		if (v->list.count == 0)
			return true;
		tp = &v->con->tables.items[t->shown[v->list.cursor]];
		if (tp->src_rows == RF_TABLE_ABSENT || tp->dst_rows == RF_TABLE_ABSENT) {
			console_message(
			    v->con, MSG_WARNING,
			    "%s is only in %s: create it there first, rowferry copies rows",
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
	free(t);
}

static const struct view_hint tables_hints[] = {
    {ACT_OPEN, "open"},     {ACT_RELATED, "related"},
    {ACT_SEARCH, "search"}, {ACT_JOURNALS, "journals"},
    {ACT_RELOAD, "reload"}, {ACT_CONNECTIONS, "connections"},
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
    .free = tables_free,
};

void tables_view_open(struct console *con)
{
	struct view *v = view_new(con, &tables_ops, rf_xcalloc(1, sizeof(struct tables_view)));
	view_push(con, v);
	load(v);
}
