/* cell_view.c - the cell inspector (Enter on a cell): both sides' values in
 * full as their engines stored them (the text psql or sqlite3 shows), then
 * the canonical forms the diff compared, and the core's own sentence on
 * why they are equal or not (rf_value_explain). It opens on the row's
 * changed cell; ] and [ step to the next and previous changed cell, h/l
 * to the neighbouring column. */
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

/* What a side has in this column, or NULL with *why (no row, no such
 * column, not read) to say instead of a value. */
static const struct rf_cell *side_cells(const struct rf_diff_row *r, const struct rf_diff_col *dc,
                                        int side, const char **why)
{
	const struct rf_cell *cells = session_shown_cells(r, side);

	*why = NULL;
	if (!cells)
		*why = "no row with this key";
	else if ((side == 0 ? dc->src : dc->dst) < 0)
		*why = "no such column";
	else if (side == 0 && dc->excluded)
		*why = "excluded, not read";
	return *why ? NULL : cells;
}

/* The value as the side's engine printed it (psql, mariadb, sqlite3 show
 * the same text), in full: what the user knows the row by. */
static void add_stored(struct text_lines *t, struct rf_db *db, int side,
                       const struct rf_diff_row *r, const struct rf_diff_col *dc, size_t col,
                       int width)
{
	const char *role = side == 0 ? "source" : "target", *why;
	const struct rf_cell *cells = side_cells(r, dc, side, &why);
	bool stored = (side == 0 ? r->src_stored : r->dst_stored) != NULL;
	struct rf_buf b = RF_BUF_INIT;

	if (!cells) {
		text_lines_addf(t, COLOR_TITLE, "%s (%s): %s", db->name, role, why);
		return;
	}
	if (cells[col].is_null) {
		text_lines_addf(t, COLOR_TITLE, "%s (%s, %s): NULL", db->name, role,
		                db->ops->engine);
		return;
	}
	text_lines_addf(t, COLOR_TITLE, "%s (%s, %s), %s, %zu bytes", db->name, role,
	                db->ops->engine, stored ? "as stored" : "canonical form", cells[col].len);
	rf_format_stored_display(db, dc->tclass, &cells[col], 0, &b);
	text_lines_add_wrapped(t, COLOR_NORMAL, b.data, b.len, width, 2);
	rf_buf_free(&b);
}

/* The canonical form the diff compared for one side, or that it is the
 * stored text unchanged. */
static void add_canonical(struct text_lines *t, struct rf_db *db, int side,
                          const struct rf_diff_row *r, const struct rf_diff_col *dc, size_t col,
                          int width)
{
	const struct rf_cell *canon = side == 0 ? r->src : r->dst;
	const struct rf_cell *stored = side == 0 ? r->src_stored : r->dst_stored;
	const char *why,
	    *flag = r->flagged[col] ? " (did not parse as its type: compared as raw bytes)" : "";
	struct rf_buf b = RF_BUF_INIT;

	if (!side_cells(r, dc, side, &why) || !canon || canon[col].is_null)
		return;
	if (stored && !stored[col].is_null && stored[col].len == canon[col].len &&
	    memcmp(stored[col].data, canon[col].data, canon[col].len) == 0) {
		text_lines_addf(t, COLOR_NORMAL, "%s: the stored text as it is%s", db->name, flag);
		return;
	}
	text_lines_addf(t, COLOR_NORMAL, "%s, %zu bytes%s", db->name, canon[col].len, flag);
	/* bytes: hex, twice the value's size; cut as the stored form is */
	rf_format_value_display(&canon[col],
	                        dc->tclass == RF_T_BYTES ? 2 * RF_STORED_BYTES_SHOWN : 0, &b);
	text_lines_add_wrapped(t, COLOR_NORMAL, b.data, b.len, width, 2);
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
	bool both = r->src && r->dst && dc->src >= 0 && dc->dst >= 0 && !dc->excluded;

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
	add_stored(t, v->con->src, 0, r, dc, cv->col, width);
	add_stored(t, v->con->dst, 1, r, dc, cv->col, width);
	if ((r->src && !r->src[cv->col].is_null) || (r->dst && !r->dst[cv->col].is_null)) {
		text_lines_add(t, COLOR_NORMAL, "", 0);
		text_lines_adds(t, COLOR_TITLE, "canonical forms (what the diff compared)");
		add_canonical(t, v->con->src, 0, r, dc, cv->col, width);
		add_canonical(t, v->con->dst, 1, r, dc, cv->col, width);
	}
	if (both) {
		rf_buf_reset(&b);
		rf_value_explain(dc->tclass, &r->src[cv->col], &r->dst[cv->col], &dc->opts, &b);
		text_lines_add(t, COLOR_NORMAL, "", 0);
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
