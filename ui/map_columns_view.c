/* map_columns_view.c - the columns screen of a table compared through a
 * [map TARGET] section (c on its diff, DESIGN §12).
 *
 * One line per target column, `target <- expression` as the section
 * writes it (or the source column the names rule pairs it with); a
 * column nothing maps is flagged `!`, and the source columns no
 * expression reads are listed below them, flagged `?`. `e` edits the
 * selected column's expression in a line editor: Enter checks it (parse,
 * then the diff opens with it, which binds its columns) and either the
 * diff runs again with it or the error is shown and the old expression
 * kept. Edits live in the session; the config file is not written.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "lineedit.h"
#include "rowferry/map_diff.h"
#include "session.h"
#include "theme.h"
#include "view.h"

struct map_columns_view {
	struct lineedit edit;
	bool editing;
	size_t col;  /* shape column being edited */
	char *error; /* the last edit's error, shown above the prompt */
};

static const struct rf_diff_shape *shape(struct view *v)
{
	return v->con->session->shape;
}

/* The shape's target columns are the lines, in the target's order; when
 * the map did not open (an unknown column in the section), its own lines,
 * so that `e` can put them right. */
static size_t ntarget(struct view *v)
{
	const struct rf_map *m = session_map_map(v->con->session);
	return shape(v) ? shape(v)->ncols : m ? m->ncols : 0;
}

static const char *line_name(struct view *v, size_t i)
{
	return shape(v) ? shape(v)->cols[i].name : session_map_map(v->con->session)->cols[i].name;
}

/* The source columns no expression reads, by index into the source table. */
static size_t unread(struct view *v, size_t *out)
{
	const struct rf_diff_shape *sh = shape(v);
	size_t i, n, k = 0;
	bool *seen;

	if (!sh)
		return 0;
	n = sh->src_table.ncols;
	seen = rf_xcalloc(n + 1, sizeof *seen);
	for (i = 0; i < sh->ncols; i++)
		session_map_reads(session_map_expr(v->con->session, i), seen, n);
	for (i = 0; i < n; i++)
		if (!seen[i]) {
			if (out)
				out[k] = i;
			k++;
		}
	free(seen);
	return k;
}

/* "<- expression" of shape column i, and a note when nothing maps it. */
static void describe(struct view *v, size_t i, struct rf_buf *expr, struct rf_buf *note)
{
	struct session *s = v->con->session;
	const struct rf_diff_col *dc;
	const struct rf_map *m = session_map_map(s);
	const char *text = session_map_text(s, line_name(v, i));
	const struct rf_map_expr *e = session_map_expr(s, i);
	const struct rf_column *c;
	static const char *const rule[] = {"exact", "ignore_case", "snake_case"};

	if (!shape(v)) { /* the section's line as written */
		rf_buf_adds(expr, text ? text : "");
		return;
	}
	dc = &shape(v)->cols[i];
	c = dc->dst >= 0 ? &shape(v)->dst_table.cols[dc->dst] : NULL;
	if (text) {
		rf_buf_adds(expr, text);
	} else if (e && e->kind == RF_MAP_COLUMN) {
		rf_buf_printf(expr, "%s", e->text);
		rf_buf_printf(note, "names = %s", rule[m ? m->names : 0]);
	} else {
		rf_buf_adds(expr, "(no mapping)");
		if (c && (c->default_expr || c->identity || c->generated))
			rf_buf_adds(note, "the target's default");
		else if (c && !c->nullable)
			rf_buf_adds(note, "NOT NULL: inserts need a value (e)");
		else
			rf_buf_adds(note, "left NULL");
	}
	if (dc->key_pos)
		rf_buf_printf(note, "%smatch key", note->len ? ", " : "");
}

static void map_columns_draw(struct view *v, int top, int height)
{
	struct map_columns_view *cv = v->priv;
	const struct rf_diff_shape *sh = shape(v);
	size_t nt = ntarget(v), nu = unread(v, NULL), *src = rf_xcalloc(nu + 1, sizeof *src);
	struct rf_buf line = RF_BUF_INIT, expr = RF_BUF_INIT, note = RF_BUF_INIT;
	int i, namew = 8, prompt = cv->editing ? 1 + (cv->error ? 1 : 0) : 0;
	size_t k;

	unread(v, src);
	for (k = 0; k < nt; k++)
		if ((int)strlen(line_name(v, k)) > namew)
			namew = (int)strlen(line_name(v, k));
	if (namew > COLS / 4)
		namew = COLS / 4;
	v->list.count = nt + (nu ? 1 + nu : 0);
	v->list.height = height - prompt;
	list_clamp(&v->list);
	if (!nt)
		draw_line(top, 2, COLS - 4, "the map did not open: R runs it again (q goes back)",
		          theme_attr(COLOR_DIM));
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < v->list.count; i++) {
		size_t r = v->list.top + (size_t)i;
		bool cursor = r == v->list.cursor;
		unsigned long a = theme_attr(cursor ? COLOR_CURSOR : COLOR_NORMAL);
		int y = top + i;

		rf_buf_reset(&line);
		rf_buf_reset(&expr);
		rf_buf_reset(&note);
		if (r < nt) {
			describe(v, r, &expr, &note);
			rf_buf_printf(&line, "%c %-*s <- %s",
			              session_map_expr(v->con->session, r) ||
			                      session_map_text(v->con->session, line_name(v, r))
			                  ? ' '
			                  : '!',
			              namew, line_name(v, r), expr.data);
			if (note.len)
				rf_buf_printf(&line, "   (%s)", note.data);
			if (!cursor && line.data[0] == '!')
				a = theme_attr(COLOR_WARNING);
		} else if (r == nt) {
			const struct rf_map *m = session_map_map(v->con->session);
			rf_buf_printf(&line, "source columns of %s no expression reads:",
			              m ? m->from : "the source");
			if (!cursor)
				a = theme_attr(COLOR_TITLE);
		} else {
			rf_buf_printf(&line, "? %s", sh->src_table.cols[src[r - nt - 1]].name);
			if (!cursor)
				a = theme_attr(COLOR_DIM);
		}
		draw_line(y, 0, COLS, line.data, a);
	}
	if (cv->editing) {
		int y = top + height - 1;
		char label[300];
		int lw;
		if (cv->error)
			draw_line(y - 1, 0, COLS, cv->error, theme_attr(COLOR_ERROR));
		snprintf(label, sizeof label, "%s <- ", line_name(v, cv->col));
		lw = (int)text_width(label, strlen(label));
		if (lw > COLS / 2)
			lw = COLS / 2;
		draw_line(y, 0, COLS, label, theme_attr(COLOR_INPUT));
		v->con->cursor_y = y;
		v->con->cursor_x =
		    lineedit_draw(&cv->edit, y, lw, COLS - lw, theme_attr(COLOR_INPUT));
	}
	free(src);
	rf_buf_free(&line);
	rf_buf_free(&expr);
	rf_buf_free(&note);
}

static void map_columns_title(struct view *v, struct rf_buf *out)
{
	rf_buf_printf(out, "Columns of %s: target <- expression (", v->con->session->sel.table);
	session_map_name(v->con->session, out);
	rf_buf_adds(out, ")");
}

static void map_columns_status(struct view *v, struct rf_buf *out)
{
	const struct rf_diff_shape *sh = shape(v);
	size_t i, none = 0;

	for (i = 0; sh && i < sh->ncols; i++)
		none += !session_map_expr(v->con->session, i) &&
		        !session_map_text(v->con->session, sh->cols[i].name);
	rf_buf_printf(out, "%zu unmapped, %zu source column(s) not read", none, unread(v, NULL));
}

/* Enter in the editor: the expression checked and run, or its error shown. */
static void accept(struct view *v)
{
	struct map_columns_view *cv = v->priv;
	struct session *s = v->con->session;
	char *text = lineedit_text(&cv->edit), *name;
	struct rf_buf counts = RF_BUF_INIT;
	struct rf_error err;
	char said[1300];
	int rc;

	rf_error_clear(&err);
	name = rf_xstrdup(line_name(v, cv->col));
	free(cv->error);
	cv->error = NULL;
	rc = session_map_edit(s, name, text, &err);
	if (rc == -1) {
		/* the prompt stays, with the text, to be fixed */
		cv->error = rf_xasprintf("error: %s (the old expression is kept)",
		                         console_error_text(&err, said, sizeof said));
		console_error(v->con, &err);
	} else if (rc == -2) {
		cv->editing = false;
		console_message(v->con, MSG_ERROR, "%s edited; the map still does not run: %s",
		                name, console_error_text(&err, said, sizeof said));
	} else {
		cv->editing = false;
		session_counts(s, &counts);
		console_message(v->con, MSG_INFO, "the diff ran again: %s (%s edited)", counts.data,
		                name);
	}
	rf_buf_free(&counts);
	free(name);
	free(text);
}

static bool map_columns_key(struct view *v, int key)
{
	struct map_columns_view *cv = v->priv;

	if (!cv->editing)
		return false;
	switch (lineedit_key(&cv->edit, key)) {
	case LE_ACCEPT:
		accept(v);
		break;
	case LE_CANCEL:
		cv->editing = false;
		free(cv->error);
		cv->error = NULL;
		break;
	default:
		break;
	}
	return true;
}

static bool map_columns_action(struct view *v, enum action a)
{
	struct map_columns_view *cv = v->priv;
	struct session *s = v->con->session;
	const char *text;

	if (list_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_EDIT_EXPRESSION:
	case ACT_OPEN:
		if (v->list.cursor >= ntarget(v)) {
			console_message(v->con, MSG_INFO,
			                "e edits a target column's expression (the lines above)");
			return true;
		}
		cv->col = v->list.cursor;
		text = session_map_text(s, line_name(v, cv->col));
		if (!text && session_map_expr(s, cv->col))
			text = session_map_expr(s, cv->col)->text; /* the names rule's column */
		lineedit_free(&cv->edit);
		lineedit_init(&cv->edit, text ? text : "", NULL);
		free(cv->error);
		cv->error = NULL;
		cv->editing = true;
		return true;
	case ACT_TOGGLE_COPY:
	case ACT_TOGGLE_COMPARE:
		console_message(
		    v->con, MSG_INFO,
		    "a mapped column is copied and compared by its expression: e edits it");
		return true;
	case ACT_RELOAD:
		session_run(s);
		return true;
	default:
		return false;
	}
}

static void map_columns_free(struct view *v)
{
	struct map_columns_view *cv = v->priv;
	lineedit_free(&cv->edit);
	free(cv->error);
	free(cv);
}

static const struct view_hint map_columns_hints[] = {{ACT_EDIT_EXPRESSION, "edit expression"},
                                                     {ACT_NONE, NULL}};

static const struct view_ops map_columns_ops = {
    .hints = map_columns_hints,
    .name = "columns",
    .draw = map_columns_draw,
    .title = map_columns_title,
    .status = map_columns_status,
    .key = map_columns_key,
    .action = map_columns_action,
    .free = map_columns_free,
};

void map_columns_view_open(struct console *con)
{
	struct map_columns_view *cv = rf_xcalloc(1, sizeof *cv);
	lineedit_init(&cv->edit, "", NULL);
	view_push(con, view_new(con, &map_columns_ops, cv));
}
