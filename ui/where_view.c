/* where_view.c - the WHERE editor (w): one SQL condition for both sides,
 * with history. Enter runs the diff with it; when the server rejects it, its
 * message is shown here and the editor stays open to fix the text. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "lineedit.h"
#include "session.h"
#include "theme.h"
#include "view.h"

#define BOX_LINES 12

struct where_view {
	struct lineedit edit;
	char *old_where; /* to go back to when the user gives up on a failed one */
	bool failed;     /* the last Enter was rejected: s->err says why */
};

static void where_draw(struct view *v, int top, int height)
{
	struct where_view *w = v->priv;
	struct session *s = v->con->session;
	const struct rf_strlist *hist = &v->con->where_history;
	/* narrow terminals: the whole width, so no cut cell of the diff
	 * behind shows at the sides */
	int y, x, bw = COLS >= 80 ? COLS - 4 : COLS, bh = BOX_LINES, line, i;

	(void)top;
	(void)height;
	draw_box(&bh, &bw, &y, &x, "WHERE (both sides)");
	draw_text(y + 2, x + 2, 6, "WHERE ", 6, theme_attr(COLOR_KEY_COLUMN), false);
	v->con->cursor_y = y + 2;
	v->con->cursor_x = lineedit_draw(&w->edit, y + 2, x + 8, bw - 10, theme_attr(COLOR_INPUT));
	line = y + 4;
	if (w->failed) {
		char text[1300];
		const char *e = console_error_text(&s->err, text, sizeof text);
		size_t off = 0, len = strlen(e);
		/* the server's message, wrapped over up to three lines */
		for (i = 0; i < 3 && off < len && line < y + bh - 2; i++, line++) {
			size_t n = text_prefix_words(e + off, len - off, (size_t)bw - 4);
			draw_text(line, x + 2, bw - 4, e + off, n, theme_attr(COLOR_ERROR), false);
			off += n ? n : 1;
		}
	} else {
		draw_line(line++, x + 2, bw - 4, "history (Up/Down):", theme_attr(COLOR_DIM));
		for (i = 0; i < 3 && (size_t)i < hist->len && line < y + bh - 2; i++)
			draw_line(line++, x + 4, bw - 6, hist->items[hist->len - 1 - (size_t)i],
			          theme_attr(COLOR_DIM));
	}
	draw_line(y + bh - 2, x + 2, bw - 4,
	          bw >= 58 ? "Enter runs the diff   empty: all rows   Esc cancels"
	                   : "Enter runs  empty: all rows  Esc cancels",
	          theme_attr(COLOR_DIM));
}

static void where_title(struct view *v, struct rf_buf *out)
{
	(void)v;
	rf_buf_adds(out, "WHERE");
}

static void remember(struct console *con, const char *text)
{
	int i = rf_strlist_index(&con->where_history, text);
	if (!*text)
		return;
	if (i >= 0) { /* move it to the end: most recent last */
		free(con->where_history.items[i]);
		memmove(&con->where_history.items[i], &con->where_history.items[i + 1],
		        (con->where_history.len - (size_t)i - 1) * sizeof(char *));
		con->where_history.len--;
	}
	rf_strlist_add(&con->where_history, text);
}

static bool where_key(struct view *v, int key)
{
	struct where_view *w = v->priv;
	struct console *con = v->con;
	struct session *s = con->session;
	char *text;

	switch (lineedit_key(&w->edit, key)) {
	case LE_ACCEPT:
		text = lineedit_text(&w->edit);
		remember(con, text);
		if (session_set_where(s, rf_strtrim(text)) != 0) {
			w->failed = true;
			free(text);
			return true;
		}
		console_message(con, MSG_INFO, "WHERE %s", *text ? text : "(all rows)");
		free(text);
		view_pop(con);
		return true;
	case LE_CANCEL:
		if (w->failed)
			session_set_where(s, w->old_where);
		view_pop(con);
		return true;
	default:
		/* the error stays in view while the text is being fixed */
		return true;
	}
}

static bool where_action(struct view *v, enum action a)
{
	(void)v;
	(void)a;
	return true; /* every key went to where_key */
}

static void where_free(struct view *v)
{
	struct where_view *w = v->priv;
	lineedit_free(&w->edit);
	free(w->old_where);
	free(w);
}

static const struct view_ops where_ops = {
    .name = "where",
    .draw = where_draw,
    .title = where_title,
    .key = where_key,
    .action = where_action,
    .free = where_free,
    .overlay = true,
};

void where_view_open(struct console *con)
{
	struct where_view *w = rf_xcalloc(1, sizeof *w);
	const char *cur = con->session->sel.where;
	w->old_where = cur ? rf_xstrdup(cur) : NULL;
	lineedit_init(&w->edit, cur, &con->where_history);
	view_push(con, view_new(con, &where_ops, w));
}
