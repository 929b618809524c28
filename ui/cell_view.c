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

#define NOT_A_VALUE ((size_t)-1) /* add_value's size of "no row", NULL */

/* "  LABEL  VALUE" when it fits on a line, so that both sides line up
 * and the reason stays on a small screen; else the label with the
 * value's size, and the value wrapped below it. */
static void add_value(struct text_lines *t, const char *label, int label_width,
                      const struct rf_buf *shown, size_t bytes, int width)
{
	int pad = label_width - (int)text_width(label, strlen(label));
	const char *text = shown->data ? shown->data : "";
	size_t w = text_width(text, shown->len);

	if (pad < 0)
		pad = 0;
	if (!memchr(text, '\n', shown->len) && 4 + (size_t)label_width + w <= (size_t)width) {
		text_lines_addf(t, COLOR_NORMAL, "  %s%*s  %s", label, pad, "", text);
		return;
	}
	if (bytes == NOT_A_VALUE)
		text_lines_addf(t, COLOR_NORMAL, "  %s", label);
	else
		text_lines_addf(t, COLOR_NORMAL, "  %s, %zu bytes", label, bytes);
	text_lines_add_wrapped(t, COLOR_NORMAL, text, shown->len, width, 4);
}

/* The labels of both sides in a section, and the wider one's width. */
static int side_labels(struct console *con, bool engine, char labels[2][160])
{
	int i, w = 0;
	for (i = 0; i < 2; i++) {
		struct rf_db *db = i == 0 ? con->src : con->dst;
		int lw;
		if (engine)
			snprintf(labels[i], 160, "%s (%s, %s)", db->name,
			         i == 0 ? "source" : "target", db->ops->engine);
		else
			snprintf(labels[i], 160, "%s", db->name);
		lw = (int)text_width(labels[i], strlen(labels[i]));
		if (lw > w)
			w = lw;
	}
	return w;
}

/* Each side's value as its engine printed it (what psql, mariadb or
 * sqlite3 show), in full: what the user knows the row by. */
static void add_stored(struct text_lines *t, struct console *con, const struct rf_diff_row *r,
                       const struct rf_diff_col *dc, size_t col, int width)
{
	char labels[2][160];
	int lw = side_labels(con, true, labels), side;
	struct rf_buf b = RF_BUF_INIT;

	text_lines_adds(t, COLOR_TITLE,
	                (r->src && !r->src_stored) || (r->dst && !r->dst_stored)
	                    ? "canonical forms (the stored ones were not kept)"
	                    : "as stored");
	for (side = 0; side < 2; side++) {
		struct rf_db *db = side == 0 ? con->src : con->dst;
		const char *why;
		const struct rf_cell *cells = side_cells(r, dc, side, &why);

		rf_buf_reset(&b);
		if (!cells)
			rf_buf_adds(&b, why);
		else
			rf_format_stored_display(db, dc->tclass, &cells[col], 0, &b);
		add_value(t, labels[side], lw, &b,
		          cells && !cells[col].is_null ? cells[col].len : NOT_A_VALUE, width);
	}
	rf_buf_free(&b);
}

/* The canonical forms the diff compared, or that a side's is its stored
 * text unchanged. */
static void add_canonical(struct text_lines *t, struct console *con, const struct rf_diff_row *r,
                          const struct rf_diff_col *dc, size_t col, int width)
{
	char labels[2][160];
	int lw = side_labels(con, false, labels), side;
	struct rf_buf b = RF_BUF_INIT;

	text_lines_adds(t, COLOR_TITLE, "canonical forms (what the diff compared)");
	for (side = 0; side < 2; side++) {
		const struct rf_cell *canon = side == 0 ? r->src : r->dst;
		const struct rf_cell *stored = side == 0 ? r->src_stored : r->dst_stored;
		const char *why;

		if (!side_cells(r, dc, side, &why) || !canon || canon[col].is_null)
			continue;
		rf_buf_reset(&b);
		if (stored && !stored[col].is_null && stored[col].len == canon[col].len &&
		    memcmp(stored[col].data, canon[col].data, canon[col].len) == 0)
			rf_buf_adds(&b, "same as stored");
		else /* bytes: hex, twice the value's size; cut as the stored form is */
			rf_format_value_display(
			    &canon[col], dc->tclass == RF_T_BYTES ? 2 * RF_STORED_BYTES_SHOWN : 0,
			    &b);
		if (r->flagged[col])
			rf_buf_adds(&b, " (did not parse as its type: compared as raw bytes)");
		add_value(t, labels[side], lw, &b, canon[col].len, width);
	}
	rf_buf_free(&b);
}

/* A value as compared: canonical, "NULL" for NULL. */
static void add_canonical_value(struct text_lines *t, const char *label, int lw,
                                const struct rf_cell *c, enum rf_type_class tc, int width)
{
	struct rf_buf b = RF_BUF_INIT;

	if (!c)
		rf_buf_adds(&b, "no row with this key");
	else
		rf_format_value_display(c, tc == RF_T_BYTES ? 2 * RF_STORED_BYTES_SHOWN : 0, &b);
	add_value(t, label, lw, &b, c && !c->is_null ? c->len : NOT_A_VALUE, width);
	rf_buf_free(&b);
}

/* A mapped table's column (DESIGN §12): its expression, the source values
 * it reads, what it maps them to, the target's value, and why the row
 * does not map when it does not. */
static void add_mapping(struct text_lines *t, struct session *s, size_t row, size_t col, int width)
{
	const struct rf_diff_shape *sh = s->shape;
	const struct rf_diff_row *r = s->rows[row];
	const struct rf_diff_col *dc = &sh->cols[col];
	const struct rf_map_expr *e = session_map_expr(s, col);
	const char *text = session_map_text(s, dc->name);
	const struct rf_cell *src = s->sources ? s->sources[row] : NULL;
	size_t n = sh->src_table.ncols, i;
	bool *seen = rf_xcalloc(n + 1, sizeof *seen);
	int lw = 6;

	text_lines_addf(t, COLOR_TITLE, "mapping  %s <- %s", dc->name,
	                text                            ? text
	                : e && e->kind == RF_MAP_COLUMN ? e->text
	                                                : "(no mapping)");
	session_map_reads(e, seen, n);
	for (i = 0; i < n; i++) /* the labels line up */
		if (seen[i] && (int)strlen(sh->src_table.cols[i].name) + 7 > lw)
			lw = (int)strlen(sh->src_table.cols[i].name) + 7;
	for (i = 0; i < n; i++) {
		char label[300];
		if (!seen[i])
			continue;
		snprintf(label, sizeof label, "source %s", sh->src_table.cols[i].name);
		add_canonical_value(t, label, lw, src ? &src[i] : NULL,
		                    sh->src_table.cols[i].tclass, width);
	}
	if (!src && r->src)
		text_lines_adds(t, COLOR_DIM, "  (the source row was not kept)");
	if (e && e->kind == RF_MAP_DEFAULT)
		text_lines_addf(t, COLOR_NORMAL, "  %-*s  default: the target fills it", lw,
		                "mapped");
	else if (r->src)
		add_canonical_value(t, "mapped", lw, &r->src[col], dc->tclass, width);
	add_canonical_value(t, "target", lw, r->dst ? &r->dst[col] : NULL, dc->tclass, width);
	if (s->invalid && s->invalid[row]) {
		text_lines_adds(t, COLOR_ERROR, "invalid: the row does not map");
		text_lines_add_wrapped(t, COLOR_ERROR, s->invalid[row], strlen(s->invalid[row]),
		                       width, 2);
	}
	text_lines_add(t, COLOR_NORMAL, "", 0);
	free(seen);
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
	if (s->invalid && s->invalid[cv->row])
		text_lines_addf(t, COLOR_NORMAL, "row     %s   (! invalid: does not map)", b.data);
	else
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
	if (s->map)
		add_mapping(t, s, cv->row, cv->col, width);
	else /* a mapped row has no stored form: its values are computed */
		add_stored(t, v->con, r, dc, cv->col, width);
	if ((r->src && !r->src[cv->col].is_null) || (r->dst && !r->dst[cv->col].is_null))
		add_canonical(t, v->con, r, dc, cv->col, width);
	if (both) {
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
