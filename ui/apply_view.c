/* apply_view.c - applying the copy (A): what will happen, a typed
 * confirmation of the target's name, progress while rf_apply runs its one
 * transaction (Esc cancels: it rolls back, nothing is written), and the
 * result with the journal path. The writing itself is rf_apply's alone. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "draw.h"
#include "rowferry/all_copy.h"
#include "rowferry/all_create.h"
#include "rowferry/all_stream.h"
#include "rowferry/apply.h"
#include "rowferry/preview.h"
#include "rowferry/set_copy.h"
#include "session.h"
#include "theme.h"
#include "view.h"

enum apply_state { APPLY_CONFIRM, APPLY_RUNNING, APPLY_RESULT };

struct apply_view {
	enum apply_state state;
	struct rf_plan *plan;    /* until applied; borrows the session's shape */
	struct text_lines lines; /* summary, then the result */
	size_t nerrors;
	struct rf_warnings warnings; /* the checks shown, handed to rf_apply */
	struct confirm confirm;
	struct progress progress; /* while running */
	/* a copy of a set (the related-tables screen): its plans, owned when
	 * owns_set, and its root's name (borrowed); NULL for the session's
	 * table, whose plan is above */
	struct rf_set_plan *set;
	bool owns_set;
	const char *root;
	bool verify; /* every table checked before COMMIT (all_copy.h) */
	/* a copy through the session's map: the invalid rows left out
	 * (borrowed from the session), written to the rejects file */
	const struct rf_map_copy_report *rejects;
	bool mapped;
};

/* Operations the copy would run. */
static size_t nops(const struct apply_view *a)
{
	if (a->set)
		return rf_set_plan_nops(a->set);
	return a->plan ? a->plan->nops : 0;
}

/* A set's summary: its tables and counts, then the errors and warnings
 * of every table, which rf_set_apply refuses on as the preview says. */
static void summarize_set(struct view *v)
{
	struct apply_view *a = v->priv;
	struct console *con = v->con;
	const struct rf_set_plan *sp = a->set;
	struct rf_buf names = RF_BUF_INIT;
	char said[1300];
	size_t i;

	for (i = 0; i < sp->len; i++)
		rf_buf_printf(&names, "%s%s", i ? ", " : "", sp->items[i].table);
	text_lines_addf(&a->lines, COLOR_TITLE, "Apply to %s: %s", con->dst->name,
	                con->dst->display_url);
	text_lines_addf(&a->lines, COLOR_NORMAL, "  tables    %s", names.len ? names.data : "");
	text_lines_addf(&a->lines, COLOR_NORMAL, "  rows      the set of %s (%zu)", a->root,
	                nops(a));
	text_lines_addf(&a->lines, COLOR_NORMAL, "  insert    %zu",
	                rf_set_plan_count(sp, RF_OP_INSERT));
	text_lines_addf(&a->lines, COLOR_NORMAL, "  update    %zu",
	                rf_set_plan_count(sp, RF_OP_UPDATE));
	text_lines_addf(&a->lines, COLOR_NORMAL, "  delete    %zu",
	                rf_set_plan_count(sp, RF_OP_DELETE));
	if (sp->create) { /* copy --all --create's tables (tables_view.c) */
		rf_buf_reset(&names);
		for (i = 0; i < sp->create->len; i++)
			rf_buf_printf(&names, "%s%s", i ? ", " : "", sp->create->items[i].source);
		text_lines_addf(&a->lines, COLOR_NORMAL, "  create    %s (%s)", names.data,
		                con->dst->ops->ddl_commits
		                    ? "created first: the engine commits DDL; dropped again if "
		                      "the copy fails"
		                    : "CREATE TABLE in the same transaction");
	}
	text_lines_addf(&a->lines, COLOR_NORMAL, "  journal   in %s (one for the set)",
	                con->cfg.undo_dir);
	if (a->rejects && a->rejects->invalid_rows)
		text_lines_addf(&a->lines, COLOR_WARNING,
		                "  invalid   %llu source row(s) left out, listed in "
		                "<journal>.rejects.jsonl (skip-invalid)",
		                a->rejects->invalid_rows);
	text_lines_add(&a->lines, COLOR_NORMAL, "", 0);
	a->nerrors = rf_warnings_count(&sp->all, RF_SEV_ERROR);
	for (i = 0; i < sp->len; i++) {
		a->nerrors += sp->items[i].plan->errors.len;
		if (sp->items[i].plan->errors.len)
			text_lines_addf(&a->lines, COLOR_ERROR, "error: %s: %s", sp->items[i].table,
			                sp->items[i].plan->errors.items[0]);
	}
	for (i = 0; i < sp->all.len; i++)
		if (sp->all.items[i].severity != RF_SEV_INFO)
			text_lines_addf(&a->lines,
			                sp->all.items[i].severity == RF_SEV_ERROR ? COLOR_ERROR
			                                                          : COLOR_WARNING,
			                "%s: %s", rf_severity_name(sp->all.items[i].severity),
			                console_words(sp->all.items[i].text, said, sizeof said));
	rf_buf_free(&names);
}

static void summarize(struct view *v)
{
	struct apply_view *a = v->priv;
	struct console *con = v->con;
	struct session *s = con->session;
	struct rf_preview_opts o = {s->sel.where || s->sel.source_where || s->sel.target_where, 0,
	                            0};
	struct rf_error err;
	char text[1300];
	size_t i;

	rf_error_clear(&err);
	text_lines_addf(&a->lines, COLOR_TITLE, "Apply to %s: %s", con->dst->name,
	                con->dst->display_url);
	text_lines_addf(&a->lines, COLOR_NORMAL, "  table     %s", s->sel.table);
	text_lines_addf(&a->lines, COLOR_NORMAL, "  rows      %s (%zu)",
	                s->nmarked ? "the marked rows" : "every differing row", a->plan->nops);
	text_lines_addf(&a->lines, COLOR_NORMAL, "  insert    %zu",
	                rf_plan_count(a->plan, RF_OP_INSERT));
	text_lines_addf(&a->lines, COLOR_NORMAL, "  update    %zu",
	                rf_plan_count(a->plan, RF_OP_UPDATE));
	text_lines_addf(&a->lines, COLOR_NORMAL, "  delete    %zu%s",
	                rf_plan_count(a->plan, RF_OP_DELETE),
	                s->ops_mask & RF_OP_DELETE ? "" : " (deletes are off: D in the preview)");
	if (s->sel.exclude.len) {
		char *j = rf_strlist_join(&s->sel.exclude, ", ");
		text_lines_addf(&a->lines, COLOR_NORMAL,
		                "  excluded  %s (the target supplies them)", j);
		free(j);
	}
	text_lines_addf(&a->lines, COLOR_NORMAL, "  journal   in %s", con->cfg.undo_dir);
	text_lines_add(&a->lines, COLOR_NORMAL, "", 0);
	if (rf_preview_warnings(a->plan, con->dst, &o, &a->warnings, &err) != 0)
		text_lines_addf(&a->lines, COLOR_ERROR, "error: the checks could not run: %s",
		                console_error_text(&err, text, sizeof text));
	char said[1300]; /* a warning in the console's words */
	a->nerrors = rf_warnings_count(&a->warnings, RF_SEV_ERROR) + (err.set ? 1 : 0);
	for (i = 0; i < a->warnings.len; i++)
		if (a->warnings.items[i].severity != RF_SEV_INFO)
			text_lines_addf(
			    &a->lines,
			    a->warnings.items[i].severity == RF_SEV_ERROR ? COLOR_ERROR
			                                                  : COLOR_WARNING,
			    "%s: %s", rf_severity_name(a->warnings.items[i].severity),
			    console_words(a->warnings.items[i].text, said, sizeof said));
}

static void apply_draw(struct view *v, int top, int height)
{
	struct apply_view *a = v->priv;
	struct console *con = v->con;
	int n = (int)a->lines.n, y = top + n + 1;

	v->list.height = height;
	text_lines_draw(&a->lines, 0, top, height - 3);
	if (a->state == APPLY_CONFIRM) {
		if (a->nerrors) {
			draw_line(
			    y, 2, COLS - 2,
			    "Cannot apply: the errors above must be fixed first (q goes back).",
			    theme_attr(COLOR_ERROR));
			return;
		}
		if (!nops(a)) {
			draw_line(y, 2, COLS - 2, "Nothing to apply (q goes back).",
			          theme_attr(COLOR_DIM));
			return;
		}
		confirm_draw(&a->confirm, con, y, "apply");
	} else if (a->state == APPLY_RUNNING) {
		progress_draw(&a->progress, y);
	}
}

static void apply_title(struct view *v, struct rf_buf *out)
{
	struct apply_view *a = v->priv;
	if (a->set)
		rf_buf_printf(out, "Apply: copy the set of %s from %s to %s", a->root,
		              v->con->src->name, v->con->dst->name);
	else
		rf_buf_printf(out, "Apply: copy %s rows from %s to %s", v->con->session->sel.table,
		              v->con->src->name, v->con->dst->name);
}

static int on_progress(void *ctx, enum rf_apply_phase phase, size_t done, size_t total)
{
	struct view *v = ctx;
	struct apply_view *a = v->priv;
	return progress_report(v->con, &a->progress, phase, done, total);
}

static void show_result(struct view *v, const struct rf_apply_result *res,
                        const struct rf_error *err)
{
	struct apply_view *a = v->priv;
	struct console *con = v->con;
	char text[1300];
	size_t i;

	text_lines_reset(&a->lines);
	switch (res->status) {
	case RF_APPLY_DONE:
		text_lines_addf(&a->lines, COLOR_TITLE,
		                "Applied to %s in one transaction: %zu inserted, %zu updated, "
		                "%zu deleted (%.2f s).",
		                con->dst->name, res->inserted, res->updated, res->deleted,
		                res->seconds);
		if (res->rejects)
			text_lines_addf(&a->lines, COLOR_WARNING,
			                "Rejected: %zu invalid source row(s), listed in %s",
			                res->rejected, res->rejects);
		if (a->set && a->set->create)
			text_lines_addf(&a->lines, COLOR_NORMAL,
			                "Created %zu table(s) in %s; a rollback (u, r) drops them.",
			                a->set->create->len, con->dst->name);
		if (a->verify)
			text_lines_adds(
			    &a->lines, COLOR_NORMAL,
			    "Verified before COMMIT as copy --all does: each table's rows "
			    "counted and, where exact, checksummed on both sides.");
		break;
	case RF_APPLY_NOTHING:
		text_lines_adds(&a->lines, COLOR_NORMAL, "Nothing to apply.");
		break;
	case RF_APPLY_REFUSED:
		text_lines_addf(&a->lines, COLOR_ERROR, "Refused, nothing written: %s",
		                console_error_text(err, text, sizeof text));
		for (i = 0; i < res->drift.len; i++)
			text_lines_addf(&a->lines, COLOR_WARNING, "  %s", res->drift.items[i]);
		break;
	case RF_APPLY_CANCELLED:
		text_lines_adds(&a->lines, COLOR_WARNING,
		                "Cancelled: rolled back, nothing written.");
		break;
	case RF_APPLY_FAILED:
		text_lines_addf(&a->lines, COLOR_ERROR, "Failed, rolled back, nothing written: %s",
		                console_error_text(err, text, sizeof text));
		break;
	}
	if (res->journal)
		text_lines_addf(&a->lines, COLOR_NORMAL, "Journal: %s", res->journal);
	text_lines_add(&a->lines, COLOR_NORMAL, "", 0);
	text_lines_adds(&a->lines, COLOR_DIM,
	                a->set && a->verify    ? "q goes back to the tables, counted again."
	                : a->set && !a->mapped ? "q goes back to the related tables, counted again."
	                : res->status == RF_APPLY_DONE
	                    ? "The diff has run again. q goes back to it; u lists the journals "
	                      "(rollback)."
	                    : "q goes back to the diff.");
	if (res->status == RF_APPLY_DONE)
		console_message(con, MSG_INFO, "applied; journal %s",
		                res->journal ? res->journal : "");
}

/* As copy --all: a SQLite source passes PRAGMA integrity_check before
 * anything is written, and its file's SHA-256 (into sha) goes into the
 * journal's header through o. */
static int check_source(struct console *con, char sha[RF_SHA256_HEX_LEN + 1],
                        struct rf_apply_opts *o, struct rf_error *err)
{
	if (rf_all_check_source(con->src, sha, NULL, err) != 0)
		return -1;
	o->source_sha256 = sha[0] ? sha : NULL;
	return 0;
}

static void run_apply(struct view *v)
{
	struct apply_view *a = v->priv;
	struct console *con = v->con;
	struct rf_apply_opts o;
	struct rf_apply_result res;
	struct rf_all_check check;
	struct rf_error err;
	char sha[RF_SHA256_HEX_LEN + 1] = "";

	memset(&check, 0, sizeof check);
	rf_apply_opts_init(&o, &con->cfg);
	if (a->set && a->verify) { /* as copy --all: a mismatch rolls back */
		rf_all_check_init(&check, a->set, con->src, con->dst);
		o.verify = rf_all_verify;
		o.load = rf_all_stream_load; /* the created tables (all_stream.h) */
		o.step_done = rf_all_step_done;
		o.verify_ctx = &check;
	}
	o.warnings = &a->warnings; /* shown: rf_apply refuses on their errors too */
	if (a->rejects && a->rejects->invalid_rows) { /* as copy --skip-invalid */
		o.rejected = (size_t)a->rejects->invalid_rows;
		o.rejects = a->rejects->rejects.data;
	}
	memset(&res, 0, sizeof res);
	rf_error_clear(&err);
	o.progress = on_progress;
	o.progress_ctx = v;
	a->state = APPLY_RUNNING;
	con->writing = true;
	screen_draw(con);
	if (a->set && a->verify && check_source(con, sha, &o, &err) != 0)
		res.status = RF_APPLY_REFUSED;
	else if (a->set)
		rf_set_apply(a->set, con->src, con->dst, &o, &res, &err);
	else
		rf_apply(a->plan, con->src, con->dst, &o, &res, &err);
	con->writing = false;
	/* the plan borrows the session's shape: free it before the re-run */
	rf_plan_free(a->plan);
	a->plan = NULL;
	a->state = APPLY_RESULT;
	show_result(v, &res, &err);
	rf_all_check_free(&check);
	if (res.status == RF_APPLY_DONE) {
		/* a set's tables are counted again by the related screen */
		if (!a->set || a->mapped)
			session_run(con->session);
		con->tables_stale = true;
	}
	rf_apply_result_free(&res);
}

static bool apply_key(struct view *v, int key)
{
	struct apply_view *a = v->priv;

	if (a->state != APPLY_CONFIRM || a->nerrors || !nops(a))
		return false;
	switch (confirm_key(&a->confirm, v->con, key, "apply")) {
	case CONFIRM_YES:
		run_apply(v);
		break;
	case CONFIRM_NO:
		view_pop(v->con);
		break;
	case CONFIRM_PENDING:
		break;
	}
	return true;
}

static bool apply_action(struct view *v, enum action a)
{
	struct apply_view *av = v->priv;
	struct console *con = v->con;

	if (a == ACT_CANCEL || a == ACT_BACK || a == ACT_OPEN) {
		bool ran = av->state == APPLY_RESULT;
		view_pop(con); /* v is freed here */
		/* after an apply (done, refused or failed) the preview it was
		 * opened from shows a plan that no longer is: back to the diff,
		 * which has run again */
		while (ran && view_top(con) && strcmp(view_top(con)->ops->name, "preview") == 0)
			view_pop(con);
		return true;
	}
	/* u (journals) is what the result screen offers next */
	return a != ACT_QUIT && a != ACT_HELP && a != ACT_JOURNALS;
}

static void apply_free(struct view *v)
{
	struct apply_view *a = v->priv;
	rf_plan_free(a->plan);
	if (a->owns_set) {
		rf_set_plan_free(a->set);
		free(a->set);
	}
	rf_warnings_free(&a->warnings);
	text_lines_free(&a->lines);
	confirm_free(&a->confirm);
	free(a);
}

static const struct view_ops apply_ops = {
    .name = "apply",
    .draw = apply_draw,
    .title = apply_title,
    .key = apply_key,
    .action = apply_action,
    .free = apply_free,
};

void apply_view_open(struct console *con)
{
	struct apply_view *a = rf_xcalloc(1, sizeof *a);
	struct view *v = view_new(con, &apply_ops, a);

	a->plan = session_plan(con->session);
	confirm_init(&a->confirm, con);
	summarize(v);
	view_push(con, v);
}

void apply_view_open_mapped(struct console *con, struct rf_set_plan *sp, const char *root,
                            bool from_preview, const struct rf_map_copy_report *rejects)
{
	struct apply_view *a;

	if (rejects && rejects->invalid_rows && !session_map_skip_invalid(con->session)) {
		console_message(
		    con, MSG_ERROR,
		    "error: apply refused: %llu source row(s) do not map (p lists them); "
		    "I skips them, as copy --skip-invalid",
		    rejects->invalid_rows);
		if (!from_preview) {
			rf_set_plan_free(sp);
			free(sp);
		}
		return;
	}
	apply_view_open_set(con, sp, root, !from_preview, false);
	a = view_top(con)->priv;
	a->rejects = rejects;
	a->mapped = true;
	/* the summary again, with the invalid rows */
	text_lines_reset(&a->lines);
	summarize_set(view_top(con));
}

void apply_view_open_set(struct console *con, struct rf_set_plan *sp, const char *root, bool take,
                         bool verify)
{
	struct apply_view *a = rf_xcalloc(1, sizeof *a);
	struct view *v = view_new(con, &apply_ops, a);

	a->set = sp;
	a->owns_set = take;
	a->root = root;
	a->verify = verify;
	confirm_init(&a->confirm, con);
	summarize_set(v);
	view_push(con, v);
}
