/* columns_view.c - per column: compare it? copy it? (c)
 *
 * Copy off is --exclude (neither compared nor copied: the target supplies
 * the value, e.g. its own GUID); compare off is --ignore (copied, never a
 * difference). Changes are collected here and the diff re-runs once, when
 * the screen is left with Enter or q; Esc drops them. Each column shows its
 * type and markers: PK, FK, UQ (unique), UQn (one of the columns of the
 * n-th unique key, listed in the status line), NN (not null), default, generated,
 * identity; a GUID-like primary key gets a suggestion to exclude it.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "draw.h"
#include "session.h"
#include "theme.h"
#include "view.h"

struct columns_view {
	const struct rf_table_info *info; /* the session's source table, borrowed */
	bool *exclude, *ignore;           /* pending, per column of info */
	bool changed;
};

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; hay && *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* A primary key column holding GUIDs: a surrogate that differs per
 * database, which the target should generate rather than receive. */
static bool guid_like_pk(const struct rf_column *c)
{
	if (!c->pk_pos)
		return false;
	return c->tclass == RF_T_UUID || contains_ci(c->name, "guid") ||
	       contains_ci(c->name, "uuid") || contains_ci(c->decl_type, "uuid") ||
	       contains_ci(c->decl_type, "char(36)") ||
	       contains_ci(c->decl_type, "uniqueidentifier");
}

static void markers(const struct rf_table_info *t, const struct rf_column *c, struct rf_buf *out)
{
	size_t i, j, mark;
	if (c->pk_pos)
		rf_buf_printf(out, "PK%s ", t->npk > 1 ? "+" : "");
	for (i = 0; i < t->nfkeys; i++)
		for (j = 0; j < t->fkeys[i].ncols; j++)
			if (strcmp(t->fkeys[i].cols[j], c->name) == 0)
				rf_buf_printf(out, "FK>%s ", t->fkeys[i].ref_table);
	mark = out->len;
	unique_marks(t, c->name, false, out); /* UQ, or UQn for a key of several */
	if (out->len > mark)
		rf_buf_addc(out, ' ');
	if (!c->nullable)
		rf_buf_adds(out, "NN ");
	if (c->default_expr)
		rf_buf_adds(out, "default ");
	if (c->generated)
		rf_buf_adds(out, "generated ");
	if (c->identity)
		rf_buf_adds(out, "identity ");
}

static void note(struct view *v, size_t i, struct rf_buf *out)
{
	struct columns_view *cv = v->priv;
	const struct rf_column *c = &cv->info->cols[i];
	const struct rf_diff_shape *sh = v->con->session->shape;

	if (sh) {
		size_t k;
		for (k = 0; k < sh->ncols; k++)
			if (strcmp(sh->cols[k].name, c->name) == 0 && sh->cols[k].dst < 0 &&
			    !sh->cols[k].hidden) {
				rf_buf_printf(out, "not in %s: not copied", v->con->dst->name);
				return;
			}
	}
	if (cv->exclude[i] && c->pk_pos && !v->con->session->sel.key.len)
		rf_buf_adds(out, "excluded key: pick other key columns with K");
	else if (!cv->exclude[i] && guid_like_pk(c))
		rf_buf_printf(out, "suggest: exclude it (x), %s makes its own", v->con->dst->name);
	else if (cv->exclude[i] && !c->nullable && !c->default_expr && !c->identity)
		rf_buf_adds(out, "NOT NULL without default: inserts need a value");
}

/* Where the fields of a line start: after the two toggles, the width left
 * is shared out so a narrow terminal still shows every field, cut. */
struct layout {
	int name, type, markers, note, end;
};

static struct layout layout_for(int cols)
{
	struct layout l;
	int rest = cols - 16 > 40 ? cols - 16 : 40;
	l.name = 16;
	l.type = l.name + rest * 20 / 100;
	l.markers = l.type + rest * 24 / 100;
	l.note = l.markers + rest * 19 / 100;
	l.end = cols;
	return l;
}

static void columns_draw(struct view *v, int top, int height)
{
	struct columns_view *cv = v->priv;
	const struct rf_table_info *t = cv->info;
	struct layout l = layout_for(COLS);
	struct rf_buf m = RF_BUF_INIT, n = RF_BUF_INIT;
	unsigned long hdr = theme_attr(COLOR_COLUMN_HEADER);
	char toggles[32], type[96];
	int i;

	draw_line(top, 0, COLS, "  compare copy", hdr);
	draw_text(top, l.name, l.type - l.name, "column", 6, hdr, true);
	draw_text(top, l.type, l.markers - l.type, "type", 4, hdr, true);
	draw_text(top, l.markers, l.note - l.markers, "markers", 7, hdr, true);
	draw_text(top, l.note, l.end - l.note, "note", 4, hdr, true);
	v->list.height = height - 1;
	v->list.count = t->ncols;
	list_clamp(&v->list);
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < t->ncols; i++) {
		size_t c = v->list.top + (size_t)i;
		const struct rf_column *col = &t->cols[c];
		bool cmp = !cv->exclude[c] && !cv->ignore[c];
		unsigned long a = theme_attr(cv->exclude[c] ? COLOR_EXCLUDED : COLOR_NORMAL);
		int y = top + 1 + i;

		if (c == v->list.cursor)
			a = theme_attr(COLOR_CURSOR);
		rf_buf_reset(&m);
		rf_buf_reset(&n);
		markers(t, col, &m);
		note(v, c, &n);
		snprintf(type, sizeof type, "%s (%s)", col->decl_type ? col->decl_type : "?",
		         rf_type_class_name(col->tclass));
		snprintf(toggles, sizeof toggles, "  [%c]     [%c]", cmp ? 'x' : ' ',
		         cv->exclude[c] ? ' ' : 'x');
		draw_line(y, 0, COLS, toggles, a);
		draw_text(y, l.name, l.type - l.name - 1, col->name, strlen(col->name), a, true);
		draw_text(y, l.type, l.markers - l.type - 1, type, strlen(type), a, true);
		draw_text(y, l.markers, l.note - l.markers - 1, m.data ? m.data : "", m.len, a,
		          true);
		draw_text(y, l.note, l.end - l.note, n.data ? n.data : "", n.len,
		          c == v->list.cursor ? a : theme_attr(COLOR_SUGGESTION), true);
	}
	rf_buf_free(&m);
	rf_buf_free(&n);
}

static void columns_title(struct view *v, struct rf_buf *out)
{
	rf_buf_printf(out,
	              "Columns of %s: x copy (exclude), i compare (ignore); Enter or q applies, "
	              "Esc drops",
	              v->con->session->sel.table);
}

static void columns_status(struct view *v, struct rf_buf *out)
{
	struct columns_view *cv = v->priv;
	size_t i, ex = 0, ig = 0;
	for (i = 0; i < cv->info->ncols; i++) {
		ex += cv->exclude[i];
		ig += cv->ignore[i] && !cv->exclude[i];
	}
	rf_buf_printf(out, "%zu excluded, %zu ignored%s", ex, ig,
	              cv->changed ? " (not applied)" : "");
	/* what UQn means: only those columns together are unique */
	for (i = 0; i < cv->info->nunique; i++) {
		const struct rf_key *u = &cv->info->uniques[i];
		size_t k;
		if (u->ncols < 2)
			continue;
		rf_buf_printf(out, "  UQ%zu = ", i + 1);
		for (k = 0; k < u->ncols; k++)
			rf_buf_printf(out, "%s%s", k ? "+" : "", u->cols[k]);
	}
}

/* Rebuilds the selection's lists from the pending flags, keeping names
 * that are not source columns as they were. */
static void rebuild(struct rf_strlist *l, const struct rf_table_info *t, const bool *flag)
{
	struct rf_strlist out = RF_STRLIST_INIT;
	size_t i;
	for (i = 0; i < l->len; i++)
		if (rf_table_info_col(t, l->items[i]) < 0)
			rf_strlist_add(&out, l->items[i]);
	for (i = 0; i < t->ncols; i++)
		if (flag[i])
			rf_strlist_add(&out, t->cols[i].name);
	rf_strlist_free(l);
	*l = out;
}

static void apply(struct view *v)
{
	struct columns_view *cv = v->priv;
	struct console *con = v->con;
	struct session *s = con->session;
	bool *ign = rf_xcalloc(cv->info->ncols + 1, sizeof *ign);
	size_t i;

	if (!cv->changed) {
		free(ign);
		view_pop(con);
		return;
	}
	for (i = 0; i < cv->info->ncols; i++)
		ign[i] = cv->ignore[i] && !cv->exclude[i];
	rebuild(&s->sel.exclude, cv->info, cv->exclude);
	rebuild(&s->sel.ignore, cv->info, ign);
	free(ign);
	view_pop(con);
	if (session_run(s) != 0)
		console_error(con, &s->err);
	else
		console_message(con, MSG_INFO, "columns changed; the diff runs again");
}

static bool columns_action(struct view *v, enum action a)
{
	struct columns_view *cv = v->priv;
	size_t c = v->list.cursor;

	if (list_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_TOGGLE_COPY:
	case ACT_MARK:
		cv->exclude[c] = !cv->exclude[c];
		cv->changed = true;
		return true;
	case ACT_TOGGLE_COMPARE:
		if (cv->exclude[c]) {
			console_message(v->con, MSG_INFO,
			                "an excluded column is not compared; x copies it again");
			return true;
		}
		cv->ignore[c] = !cv->ignore[c];
		cv->changed = true;
		return true;
	case ACT_OPEN:
	case ACT_BACK:
		apply(v);
		return true;
	case ACT_CANCEL:
		view_pop(v->con);
		return true;
	default:
		return false;
	}
}

static void columns_free(struct view *v)
{
	struct columns_view *cv = v->priv;
	free(cv->exclude);
	free(cv->ignore);
	free(cv);
}

static const struct view_hint columns_hints[] = {{ACT_TOGGLE_COPY, "copy"},
                                                 {ACT_TOGGLE_COMPARE, "compare"},
                                                 {ACT_OPEN, "done"},
                                                 {ACT_CANCEL, "drop changes"},
                                                 {ACT_NONE, NULL}};

static const struct view_ops columns_ops = {
    .hints = columns_hints,
    .name = "columns",
    .draw = columns_draw,
    .title = columns_title,
    .status = columns_status,
    .action = columns_action,
    .free = columns_free,
};

void columns_view_open(struct console *con)
{
	struct session *s = con->session;
	const struct rf_table_info *t = s->map ? NULL : session_table_info(s);
	struct columns_view *cv;
	size_t i;

	if (s->map) {
		map_columns_view_open(con);
		return;
	}
	if (!t)
		return;
	cv = rf_xcalloc(1, sizeof *cv);
	cv->info = t;
	cv->exclude = rf_xcalloc(t->ncols + 1, sizeof *cv->exclude);
	cv->ignore = rf_xcalloc(t->ncols + 1, sizeof *cv->ignore);
	for (i = 0; i < t->ncols; i++) {
		cv->exclude[i] = rf_strlist_index(&s->sel.exclude, t->cols[i].name) >= 0;
		cv->ignore[i] = rf_strlist_index(&s->sel.ignore, t->cols[i].name) >= 0;
	}
	view_push(con, view_new(con, &columns_ops, cv));
}
