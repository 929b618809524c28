/* view.c - the view stack, the frame every screen shares (header, title,
 * status bar) and list movement (view.h). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "input.h"
#include "theme.h"
#include "view.h"

#define MIN_LINES 8
#define MIN_COLS  40

struct view *view_new(struct console *con, const struct view_ops *ops, void *priv)
{
	struct view *v = rf_xcalloc(1, sizeof *v);
	v->ops = ops;
	v->con = con;
	v->priv = priv;
	return v;
}

static void view_free(struct view *v)
{
	if (v->ops->free)
		v->ops->free(v);
	free(v);
}

void view_push(struct console *con, struct view *v)
{
	if (con->nviews == CONSOLE_MAX_VIEWS) {
		/* deeper than anyone navigates: drop the new one, say so */
		console_message(con, MSG_WARNING, "too many screens open; press q to go back");
		view_free(v);
		return;
	}
	con->views[con->nviews++] = v;
}

void view_pop(struct console *con)
{
	struct view *top;
	if (con->nviews == 0)
		return;
	view_free(con->views[--con->nviews]);
	top = view_top(con);
	if (top && top->ops->resume)
		top->ops->resume(top);
}

struct view *view_top(struct console *con)
{
	return con->nviews ? con->views[con->nviews - 1] : NULL;
}

struct view *view_find(struct console *con, const struct view_ops *ops)
{
	size_t i;
	for (i = con->nviews; i-- > 0;)
		if (con->views[i]->ops == ops)
			return con->views[i];
	return NULL;
}

void list_clamp(struct list_state *l)
{
	size_t h = l->height > 0 ? (size_t)l->height : 1;
	if (l->count == 0) {
		l->cursor = l->top = 0;
		return;
	}
	if (l->cursor >= l->count)
		l->cursor = l->count - 1;
	if (l->top > l->cursor)
		l->top = l->cursor;
	if (l->cursor >= l->top + h)
		l->top = l->cursor - h + 1;
	if (l->top + h > l->count)
		l->top = l->count > h ? l->count - h : 0;
}

bool list_move(struct list_state *l, enum action a)
{
	size_t half = l->height > 1 ? (size_t)l->height / 2 : 1;
	switch (a) {
	case ACT_MOVE_DOWN:
		if (l->cursor + 1 < l->count)
			l->cursor++;
		break;
	case ACT_MOVE_UP:
		if (l->cursor > 0)
			l->cursor--;
		break;
	case ACT_MOVE_FIRST:
		l->cursor = 0;
		break;
	case ACT_MOVE_LAST:
		l->cursor = l->count ? l->count - 1 : 0;
		break;
	case ACT_PAGE_DOWN:
		/* the page moves with the cursor, like vim's ^D */
		l->cursor += half;
		l->top += half;
		if (l->count && l->cursor >= l->count)
			l->cursor = l->count - 1;
		break;
	case ACT_PAGE_UP:
		l->cursor = l->cursor > half ? l->cursor - half : 0;
		l->top = l->top > half ? l->top - half : 0;
		break;
	default:
		return false;
	}
	list_clamp(l);
	return true;
}

bool pager_move(struct list_state *l, enum action a)
{
	size_t h = l->height > 0 ? (size_t)l->height : 1;
	size_t max = l->count > h ? l->count - h : 0;
	size_t step = a == ACT_PAGE_DOWN || a == ACT_PAGE_UP ? (h > 1 ? h / 2 : 1) : 1;

	switch (a) {
	case ACT_MOVE_DOWN:
	case ACT_PAGE_DOWN:
		l->top = l->top + step > max ? max : l->top + step;
		break;
	case ACT_MOVE_UP:
	case ACT_PAGE_UP:
		l->top = l->top > step ? l->top - step : 0;
		break;
	case ACT_MOVE_FIRST:
		l->top = 0;
		break;
	case ACT_MOVE_LAST:
		l->top = max;
		break;
	default:
		return false;
	}
	l->cursor = l->top;
	return true;
}

void draw_box(int *hp, int *wp, int *y, int *x, const char *title)
{
	int top = 2, body = LINES - 3, i, h, w;
	unsigned long a = theme_attr(COLOR_NORMAL);

	if (*wp > COLS)
		*wp = COLS;
	if (*hp > body)
		*hp = body;
	h = *hp;
	w = *wp;
	*y = top + (body - h) / 2;
	*x = (COLS - w) / 2;
	for (i = 0; i < h; i++)
		draw_fill(*y + i, *x, w, a);
	/* box characters as Unicode, not ACS: they read back as themselves
	 * from the screen (dumps), and every UTF-8 terminal has them */
	for (i = 1; i < w - 1; i++) {
		draw_text(*y, *x + i, 1, "\u2500", 3, a, false);
		draw_text(*y + h - 1, *x + i, 1, "\u2500", 3, a, false);
	}
	for (i = 1; i < h - 1; i++) {
		draw_text(*y + i, *x, 1, "\u2502", 3, a, false);
		draw_text(*y + i, *x + w - 1, 1, "\u2502", 3, a, false);
	}
	draw_text(*y, *x, 1, "\u250c", 3, a, false);
	draw_text(*y, *x + w - 1, 1, "\u2510", 3, a, false);
	draw_text(*y + h - 1, *x, 1, "\u2514", 3, a, false);
	draw_text(*y + h - 1, *x + w - 1, 1, "\u2518", 3, a, false);
	if (title) {
		char t[256];
		snprintf(t, sizeof t, " %s ", title);
		draw_text(*y, *x + 2, w - 4, t, strlen(t), theme_attr(COLOR_TITLE), true);
	}
}

int progress_report(struct console *con, struct progress *p, enum rf_apply_phase phase, size_t done,
                    size_t total)
{
	static const char *const names[] = {"checking", "writing", "committing"};
	p->phase = names[phase];
	p->done = done;
	p->total = total;
	if (console_now_ms() - p->last_draw > 50) {
		screen_draw(con);
		p->last_draw = console_now_ms();
	}
	return input_cancel_requested(con) ? 1 : 0;
}

int progress_hash(void *ctx, const struct rf_diff_progress *p)
{
	static double last_draw;
	struct console *con = ctx;
	unsigned long long settled = p->settled < p->total ? p->settled : p->total;
	char t[200];

	if (console_now_ms() - last_draw > 50) {
		snprintf(
		    t, sizeof t,
		    " hashing: %llu%% of %llu rows settled, %llu segments checked  Esc cancels",
		    p->total ? settled * 100 / p->total : 100, p->total, p->segments);
		draw_fill(LINES - 1, 0, COLS, theme_attr(COLOR_STATUS));
		draw_text(LINES - 1, 0, COLS, t, strlen(t), theme_attr(COLOR_STATUS), true);
		refresh();
		last_draw = console_now_ms();
	}
	return input_cancel_requested(con) ? 1 : 0;
}

void progress_draw(const struct progress *p, int y)
{
	int bar = COLS - 44 > 10 ? COLS - 44 : 10, fill;
	char t[128];

	fill = p->total ? (int)((double)p->done / (double)p->total * bar) : 0;
	if (fill > bar)
		fill = bar;
	snprintf(t, sizeof t, " %s %zu/%zu  Esc cancels", p->phase ? p->phase : "starting", p->done,
	         p->total);
	draw_fill(y, 2, fill, theme_attr(COLOR_PROGRESS));
	draw_fill(y, 2 + fill, bar - fill, theme_attr(COLOR_DIM) | A_REVERSE);
	draw_text(y, 2 + bar, COLS - bar - 2, t, strlen(t), theme_attr(COLOR_NORMAL), true);
}

/* One side in the header: "dev sqlite:demo/dev.db". */
static int draw_side(int x, int width, struct rf_db *db, unsigned long name_attr)
{
	unsigned long base = theme_attr(COLOR_HEADER);
	char text[512];
	int used;

	if (width <= 0)
		return 0;
	snprintf(text, sizeof text, " %s ", db->name);
	used = draw_text(0, x, width, text, strlen(text), name_attr, true);
	if (used < width) {
		snprintf(text, sizeof text, " %s", db->display_url);
		used += draw_text(0, x + used, width - used, text, strlen(text), base, true);
	}
	return used;
}

/* Header: both connections, the target in its colour with a badge saying
 * whether rowferry may write to it right now. */
static void draw_header(struct console *con)
{
	unsigned long base = theme_attr(COLOR_HEADER);
	const char *badge = con->writing ? " WRITING " : " READ-ONLY ";
	int bw = (int)strlen(badge), side = (COLS - 14 - bw) / 2, x = 0;

	draw_fill(0, 0, COLS, base);
	x += draw_text(0, x, COLS, " rowferry ", 10, base | A_BOLD, false);
	x += draw_side(x, side, con->src, con->src_attr);
	x += draw_text(0, x, 4, " -> ", 4, base, false);
	x += draw_side(x, side, con->dst, con->dst_attr);
	draw_text(0, COLS - bw, bw, badge, (size_t)bw,
	          theme_attr(con->writing ? COLOR_WRITE_BADGE : COLOR_PROD_BADGE), false);
	(void)x;
}

/* "w where  K key  ": each action's first key as bound now and its word;
 * an action left without a key is not shown. */
static void add_hints(struct console *con, const struct view_hint *h, struct rf_buf *out)
{
	struct rf_buf keys = RF_BUF_INIT;

	for (; h->action != ACT_NONE; h++) {
		const char *comma;
		rf_buf_reset(&keys);
		keymap_describe(&con->keys, h->action, &keys);
		if (!keys.len)
			continue;
		comma = strstr(keys.data, ", ");
		rf_buf_printf(out, "%s%.*s %s", out->len ? "  " : "",
		              (int)(comma ? (size_t)(comma - keys.data) : keys.len), keys.data,
		              h->label);
	}
	rf_buf_free(&keys);
}

static void draw_status(struct console *con, struct view *top)
{
	struct rf_buf right = RF_BUF_INIT;
	unsigned long a = theme_attr(COLOR_STATUS);
	int y = LINES - 1, rw = 0;
	const char *msg = con->msg;

	if (top && top->ops->status)
		top->ops->status(top, &right);
	if (right.len)
		rw = (int)text_width(right.data, right.len) + 1;
	if (rw > COLS / 2)
		rw = COLS / 2;
	draw_fill(y, 0, COLS, a);
	if (*msg) {
		enum color_meaning m = con->msg_kind == MSG_ERROR     ? COLOR_ERROR
		                       : con->msg_kind == MSG_WARNING ? COLOR_WARNING
		                                                      : COLOR_STATUS;
		draw_text(y, 0, COLS - rw - 1, msg, strlen(msg), theme_attr(m), true);
	} else {
		static const struct view_hint always[] = {
		    {ACT_HELP, "help"}, {ACT_BACK, "back"}, {ACT_QUIT, "quit"}, {ACT_NONE, NULL}};
		struct rf_buf hint = RF_BUF_INIT;
		/* the keys as bound now: [keys] may have moved them */
		if (top && top->ops->hints)
			add_hints(con, top->ops->hints, &hint);
		add_hints(con, always, &hint);
		draw_text(y, 0, COLS - rw - 1, hint.data, hint.len, a, true);
		rf_buf_free(&hint);
	}
	if (rw)
		draw_text(y, COLS - rw, rw, right.data, right.len, a, true);
	rf_buf_free(&right);
}

void screen_draw(struct console *con)
{
	struct view *top = view_top(con);
	struct rf_buf title = RF_BUF_INIT;
	size_t base = con->nviews;
	int body = LINES - 3;

	con->cursor_y = con->cursor_x = -1;
	erase();
	if (LINES < MIN_LINES || COLS < MIN_COLS) {
		draw_line(0, 0, COLS, "rowferry: the terminal is too small",
		          theme_attr(COLOR_ERROR));
		refresh();
		return;
	}
	draw_header(con);
	/* overlays are drawn over the first full screen below them */
	while (base > 0 && con->views[base - 1]->ops->overlay)
		base--;
	if (base > 0) {
		struct view *v = con->views[base - 1];
		v->list.height = body;
		v->ops->title(v, &title);
		draw_line(1, 0, COLS, title.data ? title.data : "", theme_attr(COLOR_TITLE));
		v->ops->draw(v, 2, body);
	}
	for (; base < con->nviews; base++) {
		struct view *v = con->views[base];
		v->ops->draw(v, 2, body);
	}
	draw_status(con, top);
	rf_buf_free(&title);
	if (con->cursor_y >= 0) {
		curs_set(1);
		move(con->cursor_y, con->cursor_x);
	} else {
		curs_set(0);
	}
	refresh();
}

void unique_marks(const struct rf_table_info *t, const char *col, bool spell, struct rf_buf *out)
{
	size_t i, j, k;
	bool any = false;

	for (i = 0; i < t->nunique; i++) {
		const struct rf_key *u = &t->uniques[i];
		for (j = 0; j < u->ncols && strcmp(u->cols[j], col) != 0; j++)
			;
		if (j == u->ncols)
			continue;
		if (any)
			rf_buf_addc(out, ' ');
		any = true;
		if (u->ncols == 1) {
			rf_buf_adds(out, "UQ");
			continue;
		}
		rf_buf_printf(out, "UQ%zu", i + 1);
		if (!spell)
			continue;
		rf_buf_adds(out, " with ");
		for (k = 0, any = false; k < u->ncols; k++)
			if (k != j) {
				rf_buf_printf(out, "%s%s", any ? "+" : "", u->cols[k]);
				any = true;
			}
	}
}
