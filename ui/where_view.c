/* where_view.c - the WHERE editor (w): an SQL condition for both sides,
 * with history; Tab switches to a condition for the source alone or the
 * target alone (--source-where / --target-where), which then replaces the
 * shared one on that side. Enter runs the diff with all three; when the
 * server rejects it, its message is shown here and the editor stays open to
 * fix the text. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "lineedit.h"
#include "session.h"
#include "theme.h"
#include "view.h"

#define BOX_LINES 12

enum { SCOPE_BOTH, SCOPE_SOURCE, SCOPE_TARGET, SCOPES };

struct where_view {
	struct lineedit edit; /* the condition of `scope` */
	int scope;            /* SCOPE_*: what the edit line is for */
	char *text[SCOPES];   /* the other scopes' conditions, NULL for none */
	char *old[SCOPES];    /* to go back to when the user gives up on a failed one */
	bool failed;          /* the last Enter was rejected: s->err says why */
};

static char *dup_or_null(const char *s)
{
	return s && *s ? rf_xstrdup(s) : NULL;
}

/* The edit line's text back into text[scope]. */
static void keep_line(struct where_view *w)
{
	char *t = lineedit_text(&w->edit);
	free(w->text[w->scope]);
	w->text[w->scope] = dup_or_null(rf_strtrim(t));
	free(t);
}

static void load_line(struct where_view *w, struct console *con)
{
	lineedit_free(&w->edit);
	lineedit_init(&w->edit, w->text[w->scope], &con->where_history);
}

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
	char title[160];
	snprintf(title, sizeof title, "WHERE (%s%s%s)   Tab: both / source / target",
	         w->scope == SCOPE_BOTH     ? "both sides"
	         : w->scope == SCOPE_SOURCE ? "source "
	                                    : "target ",
	         w->scope == SCOPE_SOURCE   ? v->con->src->name
	         : w->scope == SCOPE_TARGET ? v->con->dst->name
	                                    : "",
	         w->scope == SCOPE_BOTH ? "" : " only");
	draw_box(&bh, &bw, &y, &x, title);
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

	if (key == '\t') {
		keep_line(w);
		w->scope = (w->scope + 1) % SCOPES;
		load_line(w, con);
		return true;
	}
	switch (lineedit_key(&w->edit, key)) {
	case LE_ACCEPT:
		keep_line(w);
		text = w->text[w->scope];
		if (text)
			remember(con, text);
		if (session_set_wheres(s, w->text[SCOPE_BOTH], w->text[SCOPE_SOURCE],
		                       w->text[SCOPE_TARGET]) != 0) {
			w->failed = true;
			return true;
		}
		console_message(con, MSG_INFO, "WHERE %s%s%s%s%s",
		                w->text[SCOPE_BOTH] ? w->text[SCOPE_BOTH] : "(all rows)",
		                w->text[SCOPE_SOURCE] ? ", source only: " : "",
		                w->text[SCOPE_SOURCE] ? w->text[SCOPE_SOURCE] : "",
		                w->text[SCOPE_TARGET] ? ", target only: " : "",
		                w->text[SCOPE_TARGET] ? w->text[SCOPE_TARGET] : "");
		view_pop(con);
		return true;
	case LE_CANCEL:
		if (w->failed)
			session_set_wheres(s, w->old[SCOPE_BOTH], w->old[SCOPE_SOURCE],
			                   w->old[SCOPE_TARGET]);
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
	int i;
	lineedit_free(&w->edit);
	for (i = 0; i < SCOPES; i++) {
		free(w->text[i]);
		free(w->old[i]);
	}
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
	const struct rf_selection *sel = &con->session->sel;
	const char *cur[SCOPES] = {sel->where, sel->source_where, sel->target_where};
	int i;

	for (i = 0; i < SCOPES; i++) {
		w->text[i] = dup_or_null(cur[i]);
		w->old[i] = dup_or_null(cur[i]);
	}
	/* open on the side that has a condition of its own, if only one has */
	w->scope = !cur[0] && cur[1] && !cur[2]   ? SCOPE_SOURCE
	           : !cur[0] && !cur[1] && cur[2] ? SCOPE_TARGET
	                                          : SCOPE_BOTH;
	lineedit_init(&w->edit, w->text[w->scope], &con->where_history);
	view_push(con, view_new(con, &where_ops, w));
}
