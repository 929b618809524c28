/* diff_view.c - one table's rows, source and target side by side.
 *
 * Two panes aligned by key and scrolled together; one line per key with its
 * status glyph (+ only in the source, - only in the target, ~ changed,
 * = identical) and, in a gutter, '*' for a marked row. Values are shown
 * as each engine stored them (session_shown_cells), not as the canonical
 * forms compared. Key columns stay pinned on the left while h/l walk the
 * others. Only the lines in view are drawn, so a diff of any size costs
 * the same per key press.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "lineedit.h"
#include "rowferry/output.h"
#include "session.h"
#include "theme.h"
#include "view.h"

#define GUTTER 3 /* mark, glyph, blank */

struct diff_view {
	unsigned generation; /* of the session the layout below was made for */
	size_t *order;       /* shape columns in display order: key first */
	size_t norder, nkey;
	size_t col;             /* column cursor: index into order */
	size_t hscroll;         /* first non-key column shown: index into order */
	int focus;              /* 0 source pane, 1 target pane */
	struct lineedit search; /* the prompt of / (search) or E (export) */
	bool searching;
	bool exporting; /* the prompt asks for the export's file */
	char *last_search;
	char *set_name; /* "map: orders <- Orders", while a preview shows it */
};

static struct session *sess(struct view *v)
{
	return v->con->session;
}

/* Lays the columns out again after a (re)run: the key may have changed. */
static void relayout(struct view *v)
{
	struct diff_view *d = v->priv;
	struct session *s = sess(v);
	const struct rf_diff_shape *sh = s->shape;
	size_t i, n = 0;

	free(d->order);
	d->order = NULL;
	d->norder = d->nkey = d->col = d->hscroll = 0;
	d->generation = s->generation;
	v->list.cursor = v->list.top = 0;
	if (!sh)
		return;
	d->order = rf_xcalloc(sh->ncols + 1, sizeof *d->order);
	for (i = 0; i < sh->nkey; i++)
		d->order[n++] = sh->key[i];
	d->nkey = n;
	for (i = 0; i < sh->ncols; i++)
		if (!sh->cols[i].key_pos && !sh->cols[i].hidden)
			d->order[n++] = i;
	d->norder = n;
	d->hscroll = d->nkey;
}

static unsigned long status_attr(enum rf_diff_status st)
{
	switch (st) {
	case RF_ONLY_SOURCE:
		return theme_attr(COLOR_ROW_ADDED);
	case RF_ONLY_TARGET:
		return theme_attr(COLOR_ROW_REMOVED);
	case RF_CHANGED:
		return theme_attr(COLOR_ROW_CHANGED);
	case RF_IDENTICAL:
		return theme_attr(COLOR_ROW_IDENTICAL);
	}
	return theme_attr(COLOR_NORMAL);
}

/* Calls fn for each column visible in a pane of width w: pinned key
 * columns, then the others from hscroll. */
typedef void (*col_fn)(struct view *v, size_t oi, int x, int w, void *ctx);
static void each_visible(struct view *v, int x0, int pw, col_fn fn, void *ctx)
{
	struct diff_view *d = v->priv;
	struct session *s = sess(v);
	int x = x0, end = x0 + pw;
	size_t oi;

	for (oi = 0; oi < d->norder && x < end; oi++) {
		int w;
		if (oi >= d->nkey && oi < d->hscroll)
			continue;
		w = (int)s->width[d->order[oi]];
		if (x + w > end)
			w = end - x;
		fn(v, oi, x, w, ctx);
		x += w + 1;
	}
}

struct row_ctx {
	int y;
	int side;
	const struct rf_diff_row *row;
	bool cursor;
	unsigned long base;
};

static void draw_cell(struct view *v, size_t oi, int x, int w, void *p)
{
	struct diff_view *d = v->priv;
	struct row_ctx *c = p;
	size_t col = d->order[oi];
	const struct rf_diff_col *dc = &sess(v)->shape->cols[col];
	const struct rf_cell *cells = session_shown_cells(c->row, c->side);
	struct rf_buf b = RF_BUF_INIT;
	unsigned long a = c->base;

	if (!cells)
		return; /* draw_row says "(no row)" across the pane */
	if ((c->side == 0 ? dc->src : dc->dst) < 0) {
		rf_buf_adds(&b, "");
	} else if (c->side == 0 && dc->excluded) {
		rf_buf_adds(&b, "\xc2\xb7"); /* · : not read from the source */
		a = theme_attr(COLOR_EXCLUDED);
	} else {
		rf_format_stored_display(c->side == 0 ? v->con->src : v->con->dst, dc->tclass,
		                         &cells[col], (size_t)w + 1, &b);
		if (cells[col].is_null && !c->cursor)
			a = theme_attr(COLOR_DIM);
	}
	if (c->row->changed[col])
		a = theme_attr(COLOR_CELL_CHANGED);
	else if (dc->excluded && !c->cursor)
		a = theme_attr(COLOR_EXCLUDED);
	if (c->cursor && oi == d->col && c->side == d->focus)
		a = theme_attr(COLOR_CURSOR) | A_BOLD | A_UNDERLINE;
	draw_fill(c->y, x, w, a);
	draw_text(c->y, x, w, b.data ? b.data : "", b.len, a, true);
	rf_buf_free(&b);
}

static void draw_header_cell(struct view *v, size_t oi, int x, int w, void *p)
{
	struct diff_view *d = v->priv;
	const struct rf_diff_col *dc = &sess(v)->shape->cols[d->order[oi]];
	int *y = p;
	char name[256];
	unsigned long a = theme_attr(dc->key_pos ? COLOR_KEY_COLUMN : COLOR_COLUMN_HEADER);

	/* markers, so excluded / ignored do not depend on colour */
	if (dc->excluded)
		snprintf(name, sizeof name, "(%s)", dc->name);
	else if (!dc->compare && dc->copy)
		snprintf(name, sizeof name, "[%s]", dc->name);
	else
		snprintf(name, sizeof name, "%s", dc->name);
	if (dc->excluded)
		a = theme_attr(COLOR_EXCLUDED) | A_UNDERLINE;
	if (oi == d->col)
		a |= A_REVERSE;
	draw_fill(*y, x, w, a);
	draw_text(*y, x, w, name, strlen(name), a, true);
}

static void draw_progress(struct view *v, int y)
{
	struct session *s = sess(v);
	unsigned long long seen = s->stats.src_rows + s->stats.dst_rows;
	char text[128];
	int bar = 30, fill, x;

	if (s->expected > 0) {
		fill = (int)(seen * (unsigned long long)bar / (unsigned long long)s->expected);
		if (fill > bar)
			fill = bar;
		snprintf(text, sizeof text, " %llu%%  %llu rows read  Esc cancels",
		         seen * 100 / (unsigned long long)s->expected, seen);
	} else {
		fill = (int)(seen / 1000 % (unsigned long long)(bar + 1));
		snprintf(text, sizeof text, " %llu rows read  Esc cancels", seen);
	}
	x = draw_text(y, 0, COLS, "diffing ", 8, theme_attr(COLOR_TITLE), false);
	draw_fill(y, x, fill, theme_attr(COLOR_PROGRESS));
	draw_text(y, x + fill, bar - fill, "..............................", (size_t)(bar - fill),
	          theme_attr(COLOR_DIM), false);
	draw_text(y, x + bar, COLS - x - bar, text, strlen(text), theme_attr(COLOR_NORMAL), true);
}

/* The cursor row's changed columns in words, at the right of the pane
 * titles: the highlight of the cells alone would say it by colour only. */
static void draw_changed_names(struct view *v, int y, int pw)
{
	struct session *s = sess(v);
	const struct rf_diff_row *r = s->rows[v->list.cursor];
	struct rf_buf b = RF_BUF_INIT;
	size_t k, n = 0;
	int w;

	rf_buf_adds(&b, "changed: ");
	for (k = 0; k < s->shape->ncols; k++)
		if (r->changed[k])
			rf_buf_printf(&b, "%s%s", n++ ? ", " : "", s->shape->cols[k].name);
	w = (int)text_width(b.data, b.len);
	if (w > pw - 20)
		w = pw - 20;
	draw_text(y, COLS - w - 1, w, b.data, b.len, theme_attr(COLOR_ROW_CHANGED), true);
	rf_buf_free(&b);
}

static void draw_pane_titles(struct view *v, int y, int pw)
{
	struct diff_view *d = v->priv;
	struct console *con = v->con;
	struct session *s = sess(v);
	char t[160];
	int i;

	for (i = 0; i < 2; i++) {
		struct rf_db *db = i == 0 ? con->src : con->dst;
		unsigned long a = i == 0 ? con->src_attr : con->dst_attr;
		snprintf(t, sizeof t, "%s %s (%s)", d->focus == i ? ">" : " ", db->name,
		         i == 0 ? "source" : "target");
		draw_text(y, i == 0 ? GUTTER : GUTTER + pw + 1, pw, t, strlen(t), a, true);
	}
	if (v->list.cursor < s->nrows && s->rows[v->list.cursor]->nchanged)
		draw_changed_names(v, y, pw);

	if (s->state == SESSION_RUNNING && v->list.count == 0)
		draw_progress(v, y);
}

static void draw_row(struct view *v, int y, size_t idx, int pw)
{
	struct session *s = sess(v);
	const struct rf_diff_row *r = s->rows[idx];
	bool cursor = idx == v->list.cursor;
	struct row_ctx c = {y, 0, r, cursor, status_attr(r->status)};
	/* '!': a source row that does not map (session_map.c) */
	char gutter[4] = {s->marked[idx] ? '*' : ' ',
	                  s->invalid && s->invalid[idx] ? '!' : rf_diff_status_glyph(r->status),
	                  ' ', 0};
	unsigned long line = cursor ? theme_attr(COLOR_CURSOR) : theme_attr(COLOR_NORMAL);

	draw_fill(y, 0, COLS, line);
	draw_text(y, 0, 1, gutter, 1, s->marked[idx] ? theme_attr(COLOR_MARKED) : line, false);
	draw_text(y, 1, 2, gutter + 1, 2, cursor ? line : c.base, false);
	if (cursor)
		c.base = line;
	else if (r->status == RF_CHANGED)
		c.base = theme_attr(COLOR_NORMAL);
	if (r->src)
		each_visible(v, GUTTER, pw, draw_cell, &c);
	else
		draw_text(y, GUTTER, pw, "(no row)", 8, cursor ? line : theme_attr(COLOR_DIM),
		          false);
	draw_text(y, GUTTER + pw, 1, "\u2502", 3, theme_attr(COLOR_DIM), false);
	c.side = 1;
	if (r->dst) {
		each_visible(v, GUTTER + pw + 1, COLS - GUTTER - pw - 1, draw_cell, &c);
	} else if (s->invalid && s->invalid[idx]) {
		/* a source row that does not map: why, where its target row would be */
		char *why = rf_xasprintf("invalid: %s", s->invalid[idx]);
		draw_text(y, GUTTER + pw + 1, COLS - GUTTER - pw - 1, why, strlen(why),
		          cursor ? line : theme_attr(COLOR_ERROR), true);
		free(why);
	} else
		draw_text(y, GUTTER + pw + 1, 8, "(no row)", 8,
		          cursor ? line : theme_attr(COLOR_DIM), false);
}

static void draw_empty(struct view *v, int y, int h)
{
	struct session *s = sess(v);
	char text[1400], e[1300];

	if (s->state == SESSION_FAILED) {
		snprintf(text, sizeof text, "the diff could not run: %s",
		         console_error_text(&s->err, e, sizeof e));
		/* wrapped: a server's message is often longer than a line */
		for (size_t off = 0, len = strlen(text); off < len && h > 0; h--, y++) {
			size_t n = text_prefix_words(text + off, len - off, (size_t)COLS - 4);
			draw_text(y, 2, COLS - 4, text + off, n, theme_attr(COLOR_ERROR), false);
			off += n ? n : 1;
		}
		if (h > 1)
			draw_line(
			    y + 1, 2, COLS - 4,
			    "w edits the WHERE, K the key columns, c the columns; q goes back",
			    theme_attr(COLOR_DIM));
		return;
	}
	if (s->state == SESSION_RUNNING)
		return;
	if (s->stats.identical && !s->show_identical)
		snprintf(text, sizeof text, "no differences: %llu identical rows (= shows them)",
		         s->stats.identical);
	else
		snprintf(text, sizeof text, "no rows%s", s->sel.where ? " match the WHERE" : "");
	draw_line(y, 2, COLS - 4, text, theme_attr(COLOR_DIM));
}

static void diff_draw(struct view *v, int top, int height)
{
	struct diff_view *d = v->priv;
	struct session *s = sess(v);
	int pw = (COLS - GUTTER - 1) / 2, i, y;

	if (d->generation != s->generation)
		relayout(v);
	v->list.count = s->nrows;
	v->list.height = height - 2 - (d->searching ? 1 : 0);
	list_clamp(&v->list);
	draw_pane_titles(v, top, pw);
	if (s->shape && s->width) {
		y = top + 1;
		each_visible(v, GUTTER, pw, draw_header_cell, &y);
		each_visible(v, GUTTER + pw + 1, COLS - GUTTER - pw - 1, draw_header_cell, &y);
	}
	if (s->nrows == 0)
		draw_empty(v, top + 2, height - 2);
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < s->nrows; i++)
		draw_row(v, top + 2 + i, v->list.top + (size_t)i, pw);
	if (d->searching) {
		y = top + height - 1;
		const char *label = d->exporting ? "export to (.csv or .jsonl): " : "/";
		int lw = (int)strlen(label);
		draw_line(y, 0, COLS, label, theme_attr(COLOR_INPUT));
		v->con->cursor_y = y;
		v->con->cursor_x =
		    lineedit_draw(&d->search, y, lw, COLS - lw, theme_attr(COLOR_INPUT));
	}
}

static void add_list(struct rf_buf *out, const char *label, const struct rf_strlist *l)
{
	char *j;
	if (!l->len)
		return;
	j = rf_strlist_join(l, ",");
	rf_buf_printf(out, "  %s %s", label, j);
	free(j);
}

/* W: the selection into the table's [compare TABLE], so the CLI and the
 * next start of the console get it too. */
static void write_selection(struct console *con, const struct rf_selection *sel)
{
	static const char *const names[] = {"where", "key", "exclude", "ignore"};
	char *key = rf_strlist_join(&sel->key, ","), *ex = rf_strlist_join(&sel->exclude, ",");
	char *ig = rf_strlist_join(&sel->ignore, ",");
	const char *values[] = {sel->where, key, ex, ig};
	struct rf_error err;

	rf_error_clear(&err);
	if (rf_config_save_compare(con->cfg.path, sel->table, names, values, 4, &err) != 0)
		console_error(con, &err);
	else
		console_message(con, MSG_INFO, "wrote [compare %s] to %s%s", sel->table,
		                con->cfg.path,
		                sel->source_where || sel->target_where
		                    ? " (the per-side WHERE stays in this session only)"
		                    : "");
	free(key);
	free(ex);
	free(ig);
}

/* The set's name in the preview's and apply's titles. */
static const char *diff_set_name(struct view *v)
{
	struct diff_view *d = v->priv;
	struct session *s = sess(v);
	struct rf_buf b = RF_BUF_INIT;

	if (!s->map)
		return s->sel.table;
	if (!d->set_name) { /* borrowed by the screens above: made once */
		session_map_name(s, &b);
		d->set_name = rf_buf_steal(&b);
	}
	return d->set_name;
}

static void diff_title(struct view *v, struct rf_buf *out)
{
	struct session *s = sess(v);
	const struct rf_diff_shape *sh = s->shape;
	size_t i;

	rf_buf_printf(out, "%s", s->sel.table);
	if (s->map) {
		diff_map_title(s, out);
		return;
	}
	if (s->through) {
		/* its WHERE is the set's semi-joins (w shows them) */
		rf_buf_printf(out, "  rows of the set of %s", s->through);
	} else {
		rf_buf_printf(out, "  WHERE %s", s->sel.where ? s->sel.where : "(all rows)");
		if (s->sel.source_where)
			rf_buf_printf(out, "  source WHERE %s", s->sel.source_where);
		if (s->sel.target_where)
			rf_buf_printf(out, "  target WHERE %s", s->sel.target_where);
	}
	rf_buf_adds(out, "  key ");
	if (sh) {
		for (i = 0; i < sh->nkey; i++)
			rf_buf_printf(out, "%s%s", i ? "," : "", sh->cols[sh->key[i]].name);
	} else if (s->sel.key.len) {
		/* the diff did not start: the key asked for */
		for (i = 0; i < s->sel.key.len; i++)
			rf_buf_printf(out, "%s%s", i ? "," : "", s->sel.key.items[i]);
	} else {
		/* the primary key, named where the table was described */
		for (i = 0; s->have_info && i < s->info.npk; i++)
			rf_buf_printf(out, "%s%s", i ? "," : "", s->info.cols[s->info.pk[i]].name);
		rf_buf_printf(out, "%s(primary key)", s->have_info && s->info.npk ? " " : "");
	}
	add_list(out, "exclude", &s->sel.exclude);
	add_list(out, "ignore", &s->sel.ignore);
}

static void diff_status(struct view *v, struct rf_buf *out)
{
	struct session *s = sess(v);
	if (s->map) {
		session_map_name(s, out);
		rf_buf_adds(out, "  ");
	}
	session_counts(s, out);
	if (s->nrows)
		rf_buf_printf(out, "  %zu/%zu", v->list.cursor + 1, s->nrows);
}

/* The column cursor: h/l, keeping it in view. */
static void move_col(struct view *v, int dir)
{
	struct diff_view *d = v->priv;
	struct session *s = sess(v);
	int pw = (COLS - GUTTER - 1) / 2, used = 0;
	size_t i;

	if (!d->norder)
		return;
	if (dir < 0 && d->col > 0)
		d->col--;
	if (dir > 0 && d->col + 1 < d->norder)
		d->col++;
	if (d->col < d->nkey)
		return;
	if (d->col < d->hscroll)
		d->hscroll = d->col;
	/* scroll right until the cursor column fits beside the key columns */
	for (;;) {
		used = 0;
		for (i = 0; i < d->nkey; i++)
			used += (int)s->width[d->order[i]] + 1;
		for (i = d->hscroll; i <= d->col; i++)
			used += (int)s->width[d->order[i]] + 1;
		if (used <= pw + 1 || d->hscroll >= d->col)
			break;
		d->hscroll++;
	}
}

static void jump_diff(struct view *v, int dir)
{
	struct diff_view *d = v->priv;
	struct session *s = sess(v);
	size_t i = v->list.cursor, k;

	for (;;) {
		if (dir > 0 ? i + 1 >= s->nrows : i == 0) {
			console_message(v->con, MSG_INFO, "no %s difference",
			                dir > 0 ? "next" : "previous");
			return;
		}
		i = dir > 0 ? i + 1 : i - 1;
		if (s->rows[i]->status != RF_IDENTICAL)
			break;
	}
	v->list.cursor = i;
	list_clamp(&v->list);
	/* on a changed row, the first changed column */
	for (k = 0; k < d->norder; k++)
		if (s->rows[i]->changed[d->order[k]]) {
			d->col = k > 0 ? k - 1 : 0;
			move_col(v, k > 0 ? 1 : 0);
			break;
		}
}

static bool cell_contains(const struct rf_cell *c, const char *text, size_t n)
{
	size_t i;
	if (c->is_null || c->len < n)
		return false;
	for (i = 0; i + n <= c->len; i++)
		if (memcmp(c->data + i, text, n) == 0)
			return true;
	return false;
}

/* A row matches when a value contains text as the grid shows it (stored)
 * or as it was compared (canonical). */
static bool row_matches(const struct session *s, const struct rf_diff_row *r, const char *text)
{
	size_t i, n = strlen(text);
	int side;
	for (side = 0; side < 4; side++) {
		const struct rf_cell *cells = side < 2    ? session_shown_cells(r, side)
		                              : side == 2 ? r->src
		                                          : r->dst;
		for (i = 0; cells && i < s->shape->ncols; i++)
			if (cell_contains(&cells[i], text, n))
				return true;
	}
	return false;
}

/* The next (dir 1) or previous (dir -1) row matching the last search,
 * wrapping around. */
static void search_next(struct view *v, int dir)
{
	struct diff_view *d = v->priv;
	struct session *s = sess(v);
	size_t n = s->nrows, k;

	if (!d->last_search || !*d->last_search) {
		console_message(v->con, MSG_INFO, "no search yet (/ searches)");
		return;
	}
	if (!n)
		return;
	for (k = 1; k <= n; k++) {
		size_t i = dir > 0 ? (v->list.cursor + k) % n : (v->list.cursor + n - k) % n;
		if (row_matches(s, s->rows[i], d->last_search)) {
			v->list.cursor = i;
			list_clamp(&v->list);
			return;
		}
	}
	console_message(v->con, MSG_INFO, "'%s' not found", d->last_search);
}

/* E: the differing rows as the diff shows them (marked ones only when
 * some are marked), through the core's writers: CSV for a .csv name, else
 * JSON Lines (diff --format csv / json). Written beside the name and
 * renamed over it, mode 0600: it holds row data. */
static void export_rows(struct view *v, const char *path)
{
	struct session *s = sess(v);
	struct rf_diff_writer w;
	size_t n = strlen(path), i, rows = 0;
	char *tmp;
	int fd;
	FILE *f;

	if (!*path) {
		console_message(v->con, MSG_INFO, "not exported: no file name given");
		return;
	}
	tmp = rf_xasprintf("%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		console_message(v->con, MSG_ERROR, "error: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(tmp);
		return;
	}
	memset(&w, 0, sizeof w);
	w.ops =
	    n > 4 && strcmp(path + n - 4, ".csv") == 0 ? &rf_diff_csv_writer : &rf_diff_json_writer;
	w.out = f;
	w.shape = s->shape;
	w.src = v->con->src;
	w.dst = v->con->dst;
	w.table = s->sel.table;
	w.ops->begin(&w);
	for (i = 0; i < s->nrows; i++)
		if (s->rows[i]->status != RF_IDENTICAL && (!s->nmarked || s->marked[i])) {
			w.ops->row(&w, s->rows[i]);
			rows++;
		}
	w.ops->end(&w, &s->stats);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		console_message(v->con, MSG_ERROR, "error: %s: %s", path, strerror(errno));
		unlink(tmp);
	} else {
		console_message(v->con, MSG_INFO, "exported %zu row(s) to %s (%s)", rows, path,
		                w.ops->name);
	}
	free(tmp);
}

static bool diff_key(struct view *v, int key)
{
	struct diff_view *d = v->priv;
	if (!d->searching)
		return false;
	switch (lineedit_key(&d->search, key)) {
	case LE_ACCEPT:
		if (d->exporting) {
			char *path = lineedit_text(&d->search);
			d->searching = d->exporting = false;
			export_rows(v, path);
			free(path);
			break;
		}
		free(d->last_search);
		d->last_search = lineedit_text(&d->search);
		d->searching = false;
		search_next(v, 1);
		break;
	case LE_CANCEL:
		d->searching = d->exporting = false;
		break;
	default:
		break;
	}
	return true;
}

static bool diff_action(struct view *v, enum action a)
{
	struct diff_view *d = v->priv;
	struct session *s = sess(v);

	if (list_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_SCROLL_LEFT:
	case ACT_SCROLL_RIGHT:
		move_col(v, a == ACT_SCROLL_LEFT ? -1 : 1);
		return true;
	case ACT_SWITCH_PANE:
		d->focus ^= 1;
		return true;
	case ACT_OPEN:
		if (s->nrows && d->norder) {
			const struct rf_diff_row *r = s->rows[v->list.cursor];
			size_t col = d->order[d->col], k;
			/* on a changed row, the cell that changed, unless the
			 * cursor is on one already */
			for (k = 0; !r->changed[col] && k < d->norder; k++)
				if (r->changed[d->order[k]]) {
					col = d->order[k];
					break;
				}
			cell_view_open(v->con, v->list.cursor, col);
		}
		return true;
	case ACT_MARK:
		session_toggle_mark(s, v->list.cursor);
		list_move(&v->list, ACT_MOVE_DOWN);
		return true;
	case ACT_NEXT_DIFF:
	case ACT_PREV_DIFF:
		jump_diff(v, a == ACT_NEXT_DIFF ? 1 : -1);
		return true;
	case ACT_SEARCH:
	case ACT_EXPORT:
		lineedit_free(&d->search);
		lineedit_init(&d->search, NULL, NULL);
		d->searching = true;
		d->exporting = a == ACT_EXPORT;
		if (d->exporting && !session_ready(s))
			d->searching = d->exporting = false;
		return true;
	case ACT_SEARCH_NEXT:
	case ACT_SEARCH_PREV:
		search_next(v, a == ACT_SEARCH_NEXT ? 1 : -1);
		return true;
	case ACT_EDIT_WHERE:
	case ACT_PICK_KEY:
	case ACT_WRITE_SELECTION:
	case ACT_RELATED:
		if (!s->map)
			break;
		console_message(v->con, MSG_INFO,
		                "%s is mapped: its where and key come from its [map] section "
		                "(c shows the columns' expressions)",
		                s->sel.table);
		return true;
	case ACT_PREVIEW:
	case ACT_APPLY:
	case ACT_SKIP_INVALID:
		if (!s->map)
			break;
		diff_map_copy(v, a, diff_set_name(v));
		return true;
	default:
		break;
	}
	switch (a) {
	case ACT_EDIT_WHERE:
		where_view_open(v->con);
		return true;
	case ACT_WRITE_SELECTION:
		if (s->through) /* its WHERE is the set's semi-joins, not its own */
			console_message(v->con, MSG_WARNING,
			                "W: this WHERE is the set's, not %s's own; open the table "
			                "from the tables screen to write its selection",
			                s->sel.table);
		else
			write_selection(v->con, &s->sel);
		return true;
	case ACT_PICK_KEY:
		key_view_open(v->con);
		return true;
	case ACT_COLUMNS:
		columns_view_open(v->con);
		return true;
	case ACT_PREVIEW:
		if (session_ready(s))
			preview_view_open(v->con);
		return true;
	case ACT_APPLY:
		if (session_ready(s))
			apply_view_open(v->con);
		return true;
	case ACT_RELATED:
		/* the set is selected through this diff's rows: its WHERE, key and
		 * excluded columns; one diff at a time on the connections */
		if (session_busy(s))
			console_message(v->con, MSG_WARNING,
			                "the diff is still running; wait for it or Esc");
		else
			related_view_open(v->con, s->sel.table, &s->sel);
		return true;
	case ACT_TOGGLE_IDENTICAL:
		s->show_identical = !s->show_identical;
		session_run(s);
		console_message(v->con, MSG_INFO, "identical rows %s",
		                s->show_identical ? "shown" : "hidden");
		return true;
	case ACT_RELOAD:
		session_run(s);
		return true;
	default:
		return false;
	}
}

static void diff_free(struct view *v)
{
	struct diff_view *d = v->priv;
	/* leaving the table stops its diff: nobody is looking at it, and its
	 * read transactions would stand in the way of the next screen's reads */
	session_cancel(sess(v));
	lineedit_free(&d->search);
	free(d->last_search);
	free(d->set_name);
	free(d->order);
	free(d);
}

static const struct view_hint diff_hints[] = {
    {ACT_EDIT_WHERE, "where"}, {ACT_PICK_KEY, "key"},   {ACT_COLUMNS, "columns"},
    {ACT_PREVIEW, "preview"},  {ACT_APPLY, "apply"},    {ACT_OPEN, "cell"},
    {ACT_MARK, "mark"},        {ACT_NEXT_DIFF, "next"}, {ACT_NONE, NULL}};

static const struct view_ops diff_ops = {
    .hints = diff_hints,
    .name = "diff",
    .draw = diff_draw,
    .title = diff_title,
    .status = diff_status,
    .key = diff_key,
    .action = diff_action,
    .set_plan = diff_map_set_plan,
    .set_name = diff_set_name,
    .set_rejects = diff_map_set_rejects,
    .free = diff_free,
};

void diff_view_open(struct console *con)
{
	struct diff_view *d = rf_xcalloc(1, sizeof *d);
	struct view *v = view_new(con, &diff_ops, d);
	d->generation = con->session->generation - 1; /* lay out on the first draw */
	view_push(con, v);
}
