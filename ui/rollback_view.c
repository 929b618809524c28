/* rollback_view.c - the guided rollback of one journal (r on the journals
 * screen): what undo will do, the rows changed since the copy (drift: undo
 * is refused while there are any), the reverse SQL to scroll through, then
 * (r or Enter) a typed confirmation of the target's name, progress, result. All of it is the core's
 * undo (undo.h); this screen only shows it and asks. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "draw.h"
#include "rowferry/undo.h"
#include "session.h"
#include "theme.h"
#include "view.h"

/* REVIEW: the rollback's SQL, scrolled at will; r or Enter then opens the
 * typed confirmation (CONFIRM), where every key goes to the prompt and Esc
 * goes back to the review. */
enum rollback_state { RB_REFUSED, RB_REVIEW, RB_CONFIRM, RB_RUNNING, RB_RESULT };

struct rollback_view {
	enum rollback_state state;
	struct rf_undo *undo;
	struct text_lines lines;
	struct confirm confirm;
	struct progress progress;
};

static void refuse(struct rollback_view *r, const char *why)
{
	text_lines_add(&r->lines, COLOR_NORMAL, "", 0);
	text_lines_addf(&r->lines, COLOR_ERROR, "Rollback refused: %s", why);
	r->state = RB_REFUSED;
}

static void refuse_err(struct rollback_view *r, const struct rf_error *err)
{
	char text[1300];
	refuse(r, console_error_text(err, text, sizeof text));
}

/* Runs the checks and fills the screen: the plan of the rollback, or why
 * there will be none. */
static void prepare(struct view *v, const char *path)
{
	struct rollback_view *r = v->priv;
	struct console *con = v->con;
	struct rf_stmts stmts;
	struct rf_error err;
	size_t i, t, n[5] = {0};
	enum rf_tx_outcome outcome = RF_TX_ABORTED;
	bool settled = false;

	rf_error_clear(&err);
	text_lines_addf(&r->lines, COLOR_TITLE, "Rollback of %s", path);
	if (console_busy(con)) {
		/* the diff's read transaction on the target would be in the way */
		session_cancel(con->session);
		text_lines_adds(&r->lines, COLOR_WARNING,
		                "The running diff was stopped (R reruns it).");
	}
	if (!(r->undo = rf_undo_open(path, &err))) {
		refuse_err(r, &err);
		return;
	}
	if (strcmp(r->undo->target_name, con->dst->name) != 0) {
		char *why =
		    rf_xasprintf("the journal is for %s, the console's target is %s "
		                 "(open rowferry with --to %s)",
		                 r->undo->target_name, con->dst->name, r->undo->target_name);
		refuse(r, why);
		free(why);
		return;
	}
	switch (rf_undo_prepare(r->undo, con->dst, true, &settled, &outcome, &err)) {
	case RF_UNDO_READY:
		break;
	case RF_UNDO_NOTHING:
		refuse(r, "the copy never committed (its journal is now marked aborted): nothing "
		          "to roll back");
		return;
	case RF_UNDO_REFUSED:
	case RF_UNDO_ERROR:
		refuse_err(r, &err);
		return;
	}
	if (settled)
		/* a crash left it pending: settled from the target's record of
		 * the copy's transaction */
		text_lines_addf(
		    &r->lines, COLOR_WARNING, "The journal was left pending; %s says the copy %s.",
		    con->dst->name, outcome == RF_TX_COMMITTED ? "committed" : "never committed");
	/* every table of the journal, in the order the copy wrote them */
	for (t = 0; t < r->undo->journal.ntables; t++) {
		memset(n, 0, sizeof n);
		for (i = 0; i < r->undo->journal.nops; i++)
			if (r->undo->journal.ops[i].table == t)
				n[r->undo->journal.ops[i].kind]++;
		text_lines_addf(&r->lines, COLOR_NORMAL,
		                "  on %s, table %s: delete %zu inserted row(s), restore %zu "
		                "updated, re-insert %zu deleted",
		                con->dst->name, r->undo->journal.tables[t].table, n[RF_OP_INSERT],
		                n[RF_OP_UPDATE], n[RF_OP_DELETE]);
	}
	/* copy --all --create's tables, dropped once their rows are deleted
	 * (as rowferry undo says) */
	for (i = r->undo->journal.created_tables.len; i-- > 0;)
		text_lines_addf(&r->lines, COLOR_NORMAL,
		                "  then DROP TABLE %s (the copy created it), refused while it "
		                "holds other rows",
		                r->undo->journal.created_tables.items[i]);
	text_lines_add(&r->lines, COLOR_NORMAL, "", 0);
	if (r->undo->ndrifted) {
		text_lines_addf(&r->lines, COLOR_ERROR,
		                "%zu row(s) changed since the copy; rolling back would overwrite "
		                "those changes:",
		                r->undo->ndrifted);
		for (i = 0; i < r->undo->drift.len; i++)
			text_lines_addf(&r->lines, COLOR_WARNING, "  %s", r->undo->drift.items[i]);
		refuse(r, "rows drifted (rowferry undo --force rolls back the others)");
		return;
	}
	text_lines_adds(&r->lines, COLOR_TITLE,
	                "Every row is as the copy left it. The rollback runs:");
	rf_undo_render(r->undo, con->dst, RF_APPLY_BATCH_ROWS, true, &stmts);
	for (i = 0; i < stmts.len; i++) {
		struct rf_buf b = RF_BUF_INIT;
		rf_buf_printf(&b, "%s;", stmts.items[i].text);
		text_lines_add_wrapped(&r->lines, COLOR_NORMAL, b.data, b.len, COLS - 1, 2);
		rf_buf_free(&b);
	}
	rf_stmts_free(&stmts);
	r->state = RB_REVIEW;
}

static void rollback_draw(struct view *v, int top, int height)
{
	struct rollback_view *r = v->priv;
	struct console *con = v->con;
	int y = top + height - 1;

	v->list.height = height - 2;
	v->list.count = r->lines.n;
	text_lines_draw(&r->lines, v->list.top, top, height - 2);
	if (r->state == RB_REVIEW) {
		char hint[160];
		snprintf(
		    hint, sizeof hint,
		    "%zu line(s): j/k ^D/^U scroll   r or Enter rolls back (asks first)   q back",
		    r->lines.n);
		draw_line(y, 0, COLS, hint, theme_attr(COLOR_DIM));
	} else if (r->state == RB_CONFIRM) {
		confirm_draw(&r->confirm, con, y, "roll back");
	} else if (r->state == RB_RUNNING) {
		progress_draw(&r->progress, y);
	}
}

static void rollback_title(struct view *v, struct rf_buf *out)
{
	rf_buf_printf(out, "Rollback on %s", v->con->dst->name);
}

static int on_progress(void *ctx, enum rf_apply_phase phase, size_t done, size_t total)
{
	struct view *v = ctx;
	struct rollback_view *r = v->priv;
	return progress_report(v->con, &r->progress, phase, done, total);
}

static void run(struct view *v)
{
	struct rollback_view *r = v->priv;
	struct console *con = v->con;
	struct rf_undo_opts o;
	struct rf_error err;
	size_t undone = 0;
	char text[1300];
	int rc;

	rf_undo_opts_init(&o, &con->cfg);
	rf_error_clear(&err);
	o.progress = on_progress;
	o.progress_ctx = v;
	r->state = RB_RUNNING;
	con->writing = true;
	screen_draw(con);
	rc = rf_undo_apply(r->undo, con->dst, &o, &undone, &err);
	con->writing = false;
	r->state = RB_RESULT;
	text_lines_reset(&r->lines);
	if (rc == 0) {
		text_lines_addf(&r->lines, COLOR_TITLE,
		                "Rolled back on %s in one transaction: %zu row(s) restored. The "
		                "journal is marked undone.",
		                con->dst->name, undone);
		for (size_t i = 0; i < r->undo->journal.created_tables.len; i++)
			text_lines_addf(&r->lines, COLOR_NORMAL,
			                "Dropped %s, which the copy created.",
			                r->undo->journal.created_tables.items[i]);
		console_message(con, MSG_INFO, "rolled back %zu row(s)", undone);
		con->tables_stale = true;
		if (con->session)
			session_run(con->session);
	} else {
		text_lines_addf(&r->lines, COLOR_ERROR, "%s, nothing written: %s",
		                rc > 0 ? "Refused or cancelled" : "Failed, rolled back",
		                console_error_text(&err, text, sizeof text));
	}
	text_lines_adds(&r->lines, COLOR_DIM, "q goes back.");
}

static bool rollback_key(struct view *v, int key)
{
	struct rollback_view *r = v->priv;

	if (r->state != RB_CONFIRM)
		return false;
	switch (confirm_key(&r->confirm, v->con, key, "roll back")) {
	case CONFIRM_YES:
		run(v);
		break;
	case CONFIRM_NO:
		r->state = RB_REVIEW; /* back to the SQL */
		break;
	case CONFIRM_PENDING:
		break;
	}
	return true;
}

static bool rollback_action(struct view *v, enum action a)
{
	struct rollback_view *r = v->priv;

	if (pager_move(&v->list, a))
		return true;
	if (r->state == RB_REVIEW && (a == ACT_ROLLBACK || a == ACT_OPEN)) {
		r->state = RB_CONFIRM;
		return true;
	}
	if (a == ACT_CANCEL || a == ACT_BACK || a == ACT_OPEN) {
		view_pop(v->con);
		return true;
	}
	return false;
}

static void rollback_free(struct view *v)
{
	struct rollback_view *r = v->priv;
	rf_undo_free(r->undo);
	text_lines_free(&r->lines);
	confirm_free(&r->confirm);
	free(r);
}

static const struct view_ops rollback_ops = {
    .name = "rollback",
    .draw = rollback_draw,
    .title = rollback_title,
    .key = rollback_key,
    .action = rollback_action,
    .free = rollback_free,
};

void rollback_view_open(struct console *con, const char *path)
{
	struct rollback_view *r = rf_xcalloc(1, sizeof *r);
	struct view *v = view_new(con, &rollback_ops, r);

	confirm_init(&r->confirm, con);
	view_push(con, v);
	prepare(v, path);
}
