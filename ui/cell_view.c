/* cell_view.c - the cell inspector (Enter on a cell): both sides' values in
 * full, as the canonical forms the diff compared, and the core's own
 * sentence on why they are equal or not (rf_value_explain). It opens on
 * the row's changed cell; ] and [ step to the next and previous changed
 * cell, h/l to the neighbouring column. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "rowferry/output.h"
#include "session.h"
#include "theme.h"
#include "view.h"

struct cell_view {
	size_t row, col;     /* index into the session's rows; shape column */
	unsigned generation; /* the rows are gone once the diff re-runs */
};

static void add_side(struct text_lines *t, struct rf_db *db, const char *role,
                     const struct rf_diff_col *dc, const struct rf_cell *cells, size_t col,
                     bool flagged, int width)
{
	struct rf_buf b = RF_BUF_INIT;
	int idx = role[0] == 's' ? dc->src : dc->dst;

	if (!cells) {
		text_lines_addf(t, COLOR_TITLE, "%s (%s): no row with this key", db->name, role);
		return;
	}
	if (idx < 0) {
		text_lines_addf(t, COLOR_TITLE, "%s (%s): no column %s", db->name, role, dc->name);
		return;
	}
	if (role[0] == 's' && dc->excluded) {
		text_lines_addf(t, COLOR_TITLE, "%s (%s): excluded, not read", db->name, role);
		return;
	}
	if (cells[col].is_null)
		text_lines_addf(t, COLOR_TITLE, "%s (%s): NULL", db->name, role);
	else
		text_lines_addf(t, COLOR_TITLE, "%s (%s), canonical form, %zu bytes%s", db->name,
		                role, cells[col].len,
		                flagged ? " (did not parse as its type: compared as raw bytes)"
		                        : "");
	if (!cells[col].is_null) {
		rf_format_value_display(&cells[col], 0, &b);
		text_lines_add_wrapped(t, COLOR_NORMAL, b.data, b.len, width, 2);
	}
	rf_buf_free(&b);
}

static void build(struct view *v, struct text_lines *t)
{
	struct cell_view *cv = v->priv;
	struct session *s = v->con->session;
	const struct rf_diff_shape *sh = s->shape;
	const struct rf_diff_row *r = s->rows[cv->row];
	const struct rf_diff_col *dc = &sh->cols[cv->col];
	struct rf_buf b = RF_BUF_INIT;
	int width = COLS - 2;

	rf_diff_format_key(sh, r->src ? r->src : r->dst, &b);
	text_lines_addf(t, COLOR_NORMAL, "row     %s   (%c %s)", b.data,
	                rf_diff_status_glyph(r->status), rf_diff_status_name(r->status));
	text_lines_addf(t, COLOR_NORMAL, "column  %s: %s%s%s%s", dc->name,
	                rf_type_class_name(dc->tclass), dc->key_pos ? ", key column" : "",
	                dc->excluded ? ", excluded" : "",
	                !dc->excluded && !dc->compare ? ", not compared (ignored)" : "");
	if (dc->opts.has_tolerance || dc->opts.ts_precision >= 0 || dc->opts.trim) {
		rf_buf_reset(&b);
		if (dc->opts.has_tolerance)
			rf_buf_printf(&b, "tolerance %g  ", dc->opts.tolerance);
		if (dc->opts.ts_precision >= 0)
			rf_buf_printf(&b, "ts-precision %d  ", dc->opts.ts_precision);
		if (dc->opts.trim)
			rf_buf_adds(&b, "trim");
		text_lines_addf(t, COLOR_NORMAL, "options %s", b.data);
	}
	text_lines_add(t, COLOR_NORMAL, "", 0);
	add_side(t, v->con->src, "source", dc, r->src, cv->col, r->flagged[cv->col], width);
	text_lines_add(t, COLOR_NORMAL, "", 0);
	add_side(t, v->con->dst, "target", dc, r->dst, cv->col, r->flagged[cv->col], width);
	text_lines_add(t, COLOR_NORMAL, "", 0);
	if (r->src && r->dst && dc->src >= 0 && dc->dst >= 0 && !dc->excluded) {
		rf_buf_reset(&b);
		rf_value_explain(dc->tclass, &r->src[cv->col], &r->dst[cv->col], &dc->opts, &b);
		text_lines_addf(t, COLOR_TITLE, "why");
		text_lines_add_wrapped(t, r->changed[cv->col] ? COLOR_CELL_CHANGED : COLOR_NORMAL,
		                       b.data, b.len, width, 2);
	}
	rf_buf_free(&b);
}

static void cell_draw(struct view *v, int top, int height)
{
	struct cell_view *cv = v->priv;
	struct session *s = v->con->session;
	struct text_lines t;

	if (cv->generation != s->generation || cv->row >= s->nrows || !s->shape) {
		draw_line(top, 1, COLS - 1, "the diff ran again: this row is gone (q goes back)",
		          theme_attr(COLOR_DIM));
		return;
	}
	memset(&t, 0, sizeof t);
	build(v, &t);
	v->list.height = height;
	v->list.count = t.n;
	if (v->list.top + (size_t)height > t.n)
		v->list.top = t.n > (size_t)height ? t.n - (size_t)height : 0;
	text_lines_draw(&t, v->list.top, top, height);
	text_lines_free(&t);
}

static void cell_title(struct view *v, struct rf_buf *out)
{
	struct cell_view *cv = v->priv;
	struct session *s = v->con->session;
	if (s->shape && cv->col < s->shape->ncols)
		rf_buf_printf(out, "Cell %s.%s", s->sel.table, s->shape->cols[cv->col].name);
}

/* ] and [: the next or previous changed cell of the row. */
static void step_changed(struct view *v, int dir)
{
	struct cell_view *cv = v->priv;
	struct session *s = v->con->session;
	const struct rf_diff_row *r;
	size_t c = cv->col;

	if (cv->generation != s->generation || cv->row >= s->nrows || !s->shape)
		return;
	r = s->rows[cv->row];
	while (dir > 0 ? c + 1 < s->shape->ncols : c > 0) {
		c = dir > 0 ? c + 1 : c - 1;
		if (r->changed[c]) {
			cv->col = c;
			v->list.top = 0;
			return;
		}
	}
	console_message(v->con, MSG_INFO, "no %s changed cell in this row",
	                dir > 0 ? "next" : "previous");
}

static bool cell_action(struct view *v, enum action a)
{
	struct cell_view *cv = v->priv;
	struct session *s = v->con->session;

	if (pager_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_SCROLL_LEFT:
		if (cv->col > 0)
			cv->col--;
		v->list.top = 0;
		return true;
	case ACT_SCROLL_RIGHT:
		if (s->shape && cv->col + 1 < s->shape->ncols)
			cv->col++;
		v->list.top = 0;
		return true;
	case ACT_NEXT_DIFF:
	case ACT_PREV_DIFF:
		step_changed(v, a == ACT_NEXT_DIFF ? 1 : -1);
		return true;
	case ACT_OPEN:
	case ACT_CANCEL:
		view_pop(v->con);
		return true;
	default:
		return false;
	}
}

static void cell_free(struct view *v)
{
	free(v->priv);
}

static const struct view_ops cell_ops = {
    .name = "cell",
    .draw = cell_draw,
    .title = cell_title,
    .action = cell_action,
    .free = cell_free,
};

void cell_view_open(struct console *con, size_t row, size_t col)
{
	struct cell_view *cv = rf_xcalloc(1, sizeof *cv);
	cv->row = row;
	cv->col = col;
	cv->generation = con->session->generation;
	view_push(con, view_new(con, &cell_ops, cv));
}
