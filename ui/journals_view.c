/* journals_view.c - the undo journals (u): the list in undo_dir, newest
 * first, and one journal's details; r (or Enter on the details) goes on to
 * the guided rollback (rollback_view.c). Journals are read with the core's
 * reader (journal.h): state, seal and ops as undo will see them. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "rowferry/journal.h"
#include "rowferry/output.h"
#include "theme.h"
#include "view.h"

#define DETAIL_MAX_OPS 500 /* ops listed on the details screen */

struct journals_view {
	struct rf_journal_list list;
	bool loaded;
};

static void load(struct view *v)
{
	struct journals_view *jv = v->priv;
	struct rf_error err;

	rf_error_clear(&err);
	if (jv->loaded)
		rf_journal_list_free(&jv->list);
	memset(&jv->list, 0, sizeof jv->list);
	jv->loaded = true;
	if (rf_journal_list(v->con->cfg.undo_dir, &jv->list, &err) != 0)
		console_error(v->con, &err);
	v->list.count = jv->list.len;
	list_clamp(&v->list);
}

static const char *state_text(const struct rf_journal *j)
{
	if (j->busy)
		return "in use";
	if (j->sealed && !j->seal_ok)
		return "EDITED";
	return rf_journal_state_name(j->state);
}

static void journals_draw(struct view *v, int top, int height)
{
	struct journals_view *jv = v->priv;
	char line[1024];
	int i;

	snprintf(line, sizeof line, "  %-20s  %-9s  %5s  %-12s  %-24s  %s", "CREATED", "STATE",
	         "OPS", "TARGET", "TABLE", "FILE");
	draw_line(top, 0, COLS, line, theme_attr(COLOR_COLUMN_HEADER));
	v->list.height = height - 1;
	v->list.count = jv->list.len;
	list_clamp(&v->list);
	if (!jv->list.len) {
		snprintf(line, sizeof line, "no journals in %s yet: apply writes one per copy",
		         v->con->cfg.undo_dir);
		draw_line(top + 1, 2, COLS - 2, line, theme_attr(COLOR_DIM));
	}
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < jv->list.len; i++) {
		size_t k = v->list.top + (size_t)i;
		const struct rf_journal *j = &jv->list.items[k];
		const char *file = strrchr(j->path, '/') ? strrchr(j->path, '/') + 1 : j->path;
		char target[64];
		unsigned long a = theme_attr(k == v->list.cursor                ? COLOR_CURSOR
		                             : j->state == RF_JOURNAL_COMMITTED ? COLOR_NORMAL
		                                                                : COLOR_DIM);
		/* "prod (sqlite:...)": the name is enough in a column */
		snprintf(target, sizeof target, "%s", j->target ? j->target : "?");
		target[strcspn(target, " ")] = '\0';
		struct rf_buf tables = RF_BUF_INIT;
		rf_journal_tables_text(j, ",", &tables);
		snprintf(line, sizeof line, "  %-20.20s  %-9s  %5zu  %-12.12s  %-24.24s  %s",
		         j->created ? j->created : "?", state_text(j),
		         j->nops + (size_t)rf_journal_loaded_rows(j, SIZE_MAX), target,
		         tables.len ? tables.data : (j->note ? j->note : "?"), file);
		rf_buf_free(&tables);
		draw_line(top + 1 + i, 0, COLS, line, a);
	}
}

static void journals_title(struct view *v, struct rf_buf *out)
{
	rf_buf_printf(out, "Journals in %s   Enter details, r rollback", v->con->cfg.undo_dir);
}

static void journals_status(struct view *v, struct rf_buf *out)
{
	struct journals_view *jv = v->priv;
	size_t i, exposed = 0;
	unsigned mode;

	rf_buf_printf(out, "%zu journal(s)", jv->list.len);
	for (i = 0; i < jv->list.len; i++)
		exposed += rf_journal_exposed(jv->list.items[i].path, &mode);
	if (exposed)
		rf_buf_printf(out,
		              "   WARNING: %zu readable by others: they hold row data (chmod 600)",
		              exposed);
}

static void detail_open(struct console *con, const char *path);

static bool journals_action(struct view *v, enum action a)
{
	struct journals_view *jv = v->priv;

	if (list_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_OPEN:
		if (jv->list.len)
			detail_open(v->con, jv->list.items[v->list.cursor].path);
		return true;
	case ACT_ROLLBACK:
		if (jv->list.len)
			rollback_view_open(v->con, jv->list.items[v->list.cursor].path);
		return true;
	case ACT_RELOAD:
		load(v);
		return true;
	case ACT_JOURNALS:
		return true; /* already here */
	default:
		return false;
	}
}

static void journals_resume(struct view *v)
{
	load(v); /* a rollback changes a journal's state */
}

static void journals_free(struct view *v)
{
	struct journals_view *jv = v->priv;
	if (jv->loaded)
		rf_journal_list_free(&jv->list);
	free(jv);
}

static const struct view_hint journals_hints[] = {
    {ACT_OPEN, "details"}, {ACT_ROLLBACK, "rollback"}, {ACT_NONE, NULL}};

static const struct view_ops journals_ops = {
    .hints = journals_hints,
    .name = "journals",
    .draw = journals_draw,
    .title = journals_title,
    .status = journals_status,
    .action = journals_action,
    .resume = journals_resume,
    .free = journals_free,
};

void journals_view_open(struct console *con)
{
	struct view *v;
	if (view_find(con, &journals_ops)) {
		/* back to the list rather than a second one on the stack */
		while (view_top(con)->ops != &journals_ops)
			view_pop(con);
		return;
	}
	v = view_new(con, &journals_ops, rf_xcalloc(1, sizeof(struct journals_view)));
	view_push(con, v);
	load(v);
}

/* ---- one journal's details ---- */

struct detail_view {
	char *path;
	struct text_lines lines;
};

static void add_cells(struct rf_buf *b, const struct rf_strlist *names, const struct rf_cell *c)
{
	size_t i;
	for (i = 0; i < names->len; i++) {
		rf_buf_printf(b, "%s%s=", i ? ", " : "", names->items[i]);
		rf_format_value_display(&c[i], 40, b);
	}
}

static void detail_build(struct detail_view *d)
{
	struct rf_journal j;
	struct rf_error err;
	struct rf_buf b = RF_BUF_INIT;
	char text[1300];
	size_t i;

	rf_error_clear(&err);
	memset(&j, 0, sizeof j);
	text_lines_reset(&d->lines);
	if (rf_journal_load(d->path, false, &j, &err) != 0) {
		text_lines_addf(&d->lines, COLOR_ERROR, "%s",
		                console_error_text(&err, text, sizeof text));
		return;
	}
	text_lines_addf(&d->lines, COLOR_NORMAL, "file      %s", j.path);
	text_lines_addf(&d->lines, COLOR_NORMAL, "id        %s", j.id ? j.id : "?");
	text_lines_addf(&d->lines, COLOR_NORMAL, "created   %s", j.created ? j.created : "?");
	text_lines_addf(&d->lines, COLOR_NORMAL, "source    %s", j.source ? j.source : "?");
	text_lines_addf(&d->lines, COLOR_NORMAL, "target    %s", j.target ? j.target : "?");
	for (i = 0; i < j.ntables; i++) {
		size_t k, n = (size_t)rf_journal_loaded_rows(&j, i);
		for (k = 0; k < j.nops; k++)
			n += j.ops[k].table == i;
		text_lines_addf(&d->lines, COLOR_NORMAL, "%s %s (%zu row%s)",
		                i               ? "         "
		                : j.ntables > 1 ? "tables   "
		                                : "table    ",
		                j.tables[i].table, n, n == 1 ? "" : "s");
	}
	text_lines_addf(&d->lines, j.state == RF_JOURNAL_COMMITTED ? COLOR_TITLE : COLOR_WARNING,
	                "state     %s%s%s%s%s", state_text(&j), j.state_at ? " at " : "",
	                j.state_at ? j.state_at : "", j.note ? ": " : "", j.note ? j.note : "");
	text_lines_addf(&d->lines, j.sealed && !j.seal_ok ? COLOR_ERROR : COLOR_NORMAL,
	                "seal      %s",
	                !j.sealed   ? "none (not committed)"
	                : j.seal_ok ? "intact (sha256 matches)"
	                            : (j.seal_problem ? j.seal_problem : "broken"));
	text_lines_addf(&d->lines, COLOR_NORMAL, "ops       %zu",
	                j.nops + (size_t)rf_journal_loaded_rows(&j, SIZE_MAX));
	text_lines_add(&d->lines, COLOR_NORMAL, "", 0);
	for (i = 0; i < j.nloads; i++) /* copy --all --create: streamed, no row images */
		text_lines_addf(
		    &d->lines, COLOR_ROW_ADDED,
		    "load    %s: %llu rows as read (dropped with the table on rollback)",
		    j.tables[j.loads[i].table].table, j.loads[i].rows);
	for (i = 0; i < j.nops && i < DETAIL_MAX_OPS && j.ops; i++) {
		const struct rf_journal_op *op = &j.ops[i];
		rf_buf_reset(&b);
		rf_buf_printf(&b, "%-7s ", rf_op_name(op->kind));
		if (j.ntables > 1)
			rf_buf_printf(&b, "%s ", j.tables[op->table].table);
		add_cells(&b, &j.tables[op->table].key, op->key);
		text_lines_add(&d->lines,
		               op->kind == RF_OP_INSERT   ? COLOR_ROW_ADDED
		               : op->kind == RF_OP_DELETE ? COLOR_ROW_REMOVED
		                                          : COLOR_ROW_CHANGED,
		               b.data, b.len);
	}
	if (j.nops > DETAIL_MAX_OPS)
		text_lines_addf(&d->lines, COLOR_DIM, "... and %zu more", j.nops - DETAIL_MAX_OPS);
	rf_buf_free(&b);
	rf_journal_free(&j);
}

static void detail_draw(struct view *v, int top, int height)
{
	struct detail_view *d = v->priv;
	v->list.height = height;
	v->list.count = d->lines.n;
	text_lines_draw(&d->lines, v->list.top, top, height);
}

static void detail_title(struct view *v, struct rf_buf *out)
{
	(void)v;
	rf_buf_adds(out, "Journal   r previews the rollback");
}

static bool detail_action(struct view *v, enum action a)
{
	struct detail_view *d = v->priv;
	if (pager_move(&v->list, a))
		return true;
	if (a == ACT_ROLLBACK || a == ACT_OPEN) {
		rollback_view_open(v->con, d->path);
		return true;
	}
	return false;
}

static void detail_resume(struct view *v)
{
	detail_build(v->priv);
}

static void detail_free(struct view *v)
{
	struct detail_view *d = v->priv;
	free(d->path);
	text_lines_free(&d->lines);
	free(d);
}

static const struct view_ops detail_ops = {
    .name = "journal",
    .draw = detail_draw,
    .title = detail_title,
    .action = detail_action,
    .resume = detail_resume,
    .free = detail_free,
};

static void detail_open(struct console *con, const char *path)
{
	struct detail_view *d = rf_xcalloc(1, sizeof *d);
	d->path = rf_xstrdup(path);
	detail_build(d);
	view_push(con, view_new(con, &detail_ops, d));
}
