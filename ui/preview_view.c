/* preview_view.c - the SQL the copy would run (p), exactly as apply runs it
 * (the plan's own renderer, apply's batch size), with the warnings computed
 * before it (rf_preview_warnings) above. s saves it to a file, D toggles
 * deletes, A goes on to apply. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "lineedit.h"
#include "rowferry/apply.h"
#include "rowferry/preview.h"
#include "rowferry/set_copy.h"
#include "session.h"
#include "theme.h"
#include "view.h"

struct preview_view {
	struct text_lines lines;
	struct rf_buf sql;    /* the statements, shown */
	struct rf_buf script; /* what s saves: copy --dry-run's script */
	size_t nops, nerrors;
	size_t hscroll;       /* columns scrolled off the left (h/l) */
	struct lineedit path; /* the save prompt */
	bool saving;
	/* a copy of a set (the related-tables or tables screen): its plan
	 * (owned), the screen that plans it (below this one), its operations,
	 * the set's name (borrowed) and whether the apply verifies every
	 * table (whole tables, as copy --all); set NULL for the session's
	 * table */
	struct rf_set_plan *set;
	struct view *from;
	unsigned set_ops;
	const char *root;
	bool verify;
};

static enum color_meaning severity_color(enum rf_severity s)
{
	return s == RF_SEV_ERROR ? COLOR_ERROR : s == RF_SEV_WARNING ? COLOR_WARNING : COLOR_NORMAL;
}

/* A copy through a map: the source rows that do not map, each with its
 * reasons ("table\tsource key\tcolumn\treason\n" per invalid cell), and
 * the script's first line as copy --map --skip-invalid --dry-run's. */
static void add_rejects(struct view *v)
{
	struct preview_view *p = v->priv;
	const struct rf_map_copy_report *rej =
	    p->from->ops->set_rejects ? p->from->ops->set_rejects(p->from) : NULL;
	const char *l;

	if (!rej || !rej->invalid_rows)
		return;
	rf_buf_printf(&p->script, "-- %llu invalid source row%s left out (--skip-invalid)\n",
	              rej->invalid_rows, rej->invalid_rows == 1 ? "" : "s");
	text_lines_addf(&p->lines,
	                session_map_skip_invalid(v->con->session) ? COLOR_WARNING : COLOR_ERROR,
	                "%llu invalid source row(s); %s:", rej->invalid_rows,
	                session_map_skip_invalid(v->con->session)
	                    ? "left out, written to <journal>.rejects.jsonl (I: skip-invalid on)"
	                    : "apply refused (I skips them, as --skip-invalid)");
	for (l = rej->invalid.data; l && *l;) {
		const char *t1 = strchr(l, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		const char *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
		const char *nl = t3 ? strchr(t3 + 1, '\n') : NULL;
		if (!nl)
			break;
		text_lines_addf(&p->lines, COLOR_WARNING, "  invalid  %.*s  %.*s  %.*s: %.*s",
		                (int)(t1 - l), l, (int)(t2 - t1 - 1), t1 + 1, (int)(t3 - t2 - 1),
		                t2 + 1, (int)(nl - t3 - 1), t3 + 1);
		l = nl + 1;
	}
}

/* A set's preview: its counts, then the script copy --follow --dry-run
 * prints (rf_set_preview_script: the tables, their warnings, the
 * statements), which is also what s saves. */
static void build_set(struct view *v)
{
	struct preview_view *p = v->priv;
	struct console *con = v->con;
	const struct rf_set_plan *sp = p->set;
	size_t i;

	text_lines_reset(&p->lines);
	rf_buf_reset(&p->script);
	p->nops = rf_set_plan_nops(sp);
	p->nerrors = rf_warnings_count(&sp->all, RF_SEV_ERROR);
	for (i = 0; i < sp->len; i++)
		p->nerrors += sp->items[i].plan->errors.len;
	text_lines_addf(&p->lines, COLOR_TITLE,
	                "set of %s, %zu table(s)%s: %zu insert(s), %zu update(s), %zu delete(s) "
	                "into %s%s",
	                p->root, sp->len, sp->create ? ", created where missing" : "",
	                rf_set_plan_count(sp, RF_OP_INSERT), rf_set_plan_count(sp, RF_OP_UPDATE),
	                rf_set_plan_count(sp, RF_OP_DELETE), con->dst->name,
	                p->set_ops & RF_OP_DELETE ? "" : "; deletes off (D turns them on)");
	for (i = 0; i < sp->all.len; i++)
		if (sp->all.items[i].severity == RF_SEV_ERROR)
			text_lines_addf(&p->lines, COLOR_ERROR, "error: %s", sp->all.items[i].text);
	add_rejects(v);
	text_lines_add(&p->lines, COLOR_NORMAL, "", 0);
	rf_set_preview_script(sp, con->src, con->dst, &p->script);
	if (p->script.len)
		text_lines_add_wrapped(&p->lines, COLOR_NORMAL, p->script.data, p->script.len - 1,
		                       (int)p->script.len + 1, 0);
	v->list.top = v->list.cursor = 0;
}

/* Builds the plan, its warnings and its SQL into p->lines. */
static void build(struct view *v)
{
	struct preview_view *p = v->priv;
	struct console *con = v->con;
	struct session *s = con->session;
	struct rf_plan *plan = session_plan(s);
	struct rf_warnings w = RF_WARNINGS_INIT;
	struct rf_preview_opts o = {s->sel.where || s->sel.source_where || s->sel.target_where, 0,
	                            0};
	struct rf_stmts stmts;
	struct rf_error err;
	size_t i;

	rf_error_clear(&err);
	text_lines_reset(&p->lines);
	rf_buf_reset(&p->sql);
	rf_buf_reset(&p->script);
	p->nops = plan->nops;
	text_lines_addf(&p->lines, COLOR_TITLE,
	                "%zu insert(s), %zu update(s), %zu delete(s) into %s %s, from %s rows%s",
	                rf_plan_count(plan, RF_OP_INSERT), rf_plan_count(plan, RF_OP_UPDATE),
	                rf_plan_count(plan, RF_OP_DELETE), con->dst->name, s->sel.table,
	                s->nmarked ? "the marked" : "all differing",
	                s->ops_mask & RF_OP_DELETE ? "" : "; deletes off (D turns them on)");
	if (rf_preview_warnings(plan, con->dst, &o, &w, &err) != 0) {
		char text[1300];
		text_lines_addf(&p->lines, COLOR_ERROR, "error: the checks could not run: %s",
		                console_error_text(&err, text, sizeof text));
	}
	char said[1300]; /* a warning in the console's words */
	p->nerrors = rf_warnings_count(&w, RF_SEV_ERROR) + (err.set ? 1 : 0);
	for (i = 0; i < w.len; i++)
		text_lines_addf(&p->lines, severity_color(w.items[i].severity), "%s: %s",
		                rf_severity_name(w.items[i].severity),
		                console_words(w.items[i].text, said, sizeof said));
	text_lines_add(&p->lines, COLOR_NORMAL, "", 0);
	rf_plan_render(plan, con->dst, RF_APPLY_BATCH_ROWS, &stmts);
	for (i = 0; i < stmts.len; i++) {
		rf_buf_adds(&p->sql, stmts.items[i].text);
		rf_buf_adds(&p->sql, rf_stmt_end(&stmts.items[i]));
		rf_buf_addc(&p->sql, '\n');
	}
	/* one screen line per SQL line; long ones scroll with h/l */
	if (p->sql.len)
		text_lines_add_wrapped(&p->lines, COLOR_NORMAL, p->sql.data, p->sql.len - 1,
		                       (int)p->sql.len + 1, 0);
	else
		text_lines_adds(&p->lines, COLOR_DIM, "-- nothing to do");
	rf_stmts_free(&stmts);
	rf_preview_script(plan, con->src, con->dst, &s->stats, &w, &p->script);
	rf_warnings_free(&w);
	rf_plan_free(plan);
	v->list.top = v->list.cursor = 0;
}

/* A set planned again with ops (D, R); the plan shown stays when that fails. */
static void replan(struct view *v, unsigned ops)
{
	struct preview_view *p = v->priv;
	struct rf_set_plan *sp = rf_xcalloc(1, sizeof *sp);
	struct rf_error err;

	rf_error_clear(&err);
	if (p->from->ops->set_plan(p->from, ops, sp, &err) != 0) {
		console_error(v->con, &err);
		rf_set_plan_free(sp);
		free(sp);
		return;
	}
	rf_set_plan_free(p->set);
	free(p->set);
	p->set = sp;
	p->set_ops = ops;
	build_set(v);
	console_message(v->con, MSG_INFO, "deletes %s",
	                ops & RF_OP_DELETE ? "included" : "left out");
}

static void preview_resume(struct view *v)
{
	struct preview_view *p = v->priv;
	/* back from apply: the target may have changed, so may the plan (a
	 * set's apply, once run, goes back past this screen) */
	if (!p->set)
		build(v);
}

static void preview_draw(struct view *v, int top, int height)
{
	struct preview_view *p = v->priv;
	int i;

	v->list.height = height - (p->saving ? 1 : 0);
	v->list.count = p->lines.n;
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < p->lines.n; i++) {
		size_t k = v->list.top + (size_t)i;
		const char *line = text_lines_get(&p->lines, k);
		size_t len = strlen(line), skip = text_prefix(line, len, p->hscroll);
		int y = top + i;
		draw_line(y, 0, COLS, line + skip,
		          theme_attr((enum color_meaning)p->lines.color[k]));
		/* the statement's verb stands out, so the eye finds each one */
		if (!skip && (!strncmp(line, "INSERT", 6) || !strncmp(line, "UPDATE", 6) ||
		              !strncmp(line, "DELETE", 6) || !strncmp(line, "CREATE", 6)))
			draw_text(y, 0, 6, line, 6, theme_attr(COLOR_SQL_KEYWORD), false);
	}
	if (p->saving) {
		int y = top + height - 1;
		draw_line(y, 0, COLS, "save to: ", theme_attr(COLOR_INPUT));
		v->con->cursor_y = y;
		v->con->cursor_x = lineedit_draw(&p->path, y, 9, COLS - 9, theme_attr(COLOR_INPUT));
	}
}

static void preview_title(struct view *v, struct rf_buf *out)
{
	rf_buf_printf(out,
	              "Preview: the SQL apply would run on %s   h/l scroll, s saves, A applies",
	              v->con->dst->name);
}

static void preview_status(struct view *v, struct rf_buf *out)
{
	struct preview_view *p = v->priv;
	if (p->nerrors)
		rf_buf_printf(out, "%zu error(s): apply refused  ", p->nerrors);
	rf_buf_printf(out, "%zu/%zu", v->list.top + 1, v->list.count);
}

/* Writes the script (copy --dry-run's) next to path under a temporary name, then renames it:
 * a half-written file never takes the name. Mode 0600: it holds row data. */
static int save(struct preview_view *p, const char *path, struct rf_error *err)
{
	char *tmp = rf_xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp), rc = -1;
	size_t off = 0;

	if (fd < 0) {
		rf_error_set(err, path, "%s", strerror(errno));
		goto out;
	}
	while (off < p->script.len) {
		ssize_t n = write(fd, p->script.data + off, p->script.len - off);
		if (n < 0) {
			rf_error_set(err, path, "%s", strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		rf_error_set(err, path, "%s", strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

static bool preview_key(struct view *v, int key)
{
	struct preview_view *p = v->priv;
	struct rf_error err;
	char *path;

	if (!p->saving)
		return false;
	switch (lineedit_key(&p->path, key)) {
	case LE_ACCEPT:
		path = lineedit_text(&p->path);
		rf_error_clear(&err);
		p->saving = false;
		if (!*path)
			console_message(v->con, MSG_INFO, "not saved: no file name given");
		else if (save(p, path, &err) == 0)
			console_message(v->con, MSG_INFO, "saved to %s", path);
		else
			console_error(v->con, &err);
		free(path);
		break;
	case LE_CANCEL:
		p->saving = false;
		break;
	default:
		break;
	}
	return true;
}

static bool preview_action(struct view *v, enum action a)
{
	struct preview_view *p = v->priv;
	struct session *s = v->con->session;
	char *name, *c;

	if (pager_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_SCROLL_LEFT:
		p->hscroll = p->hscroll > 20 ? p->hscroll - 20 : 0;
		return true;
	case ACT_SCROLL_RIGHT:
		p->hscroll += 20;
		return true;
	case ACT_SAVE:
		name = rf_xasprintf("rowferry-%s-%spreview.sql", p->set ? p->root : s->sel.table,
		                    p->set ? "set-" : "");
		for (c = name; *c; c++) /* "the marked tables": no spaces in a file name */
			if (*c == ' ')
				*c = '-';
		lineedit_free(&p->path);
		lineedit_init(&p->path, name, NULL);
		free(name);
		p->saving = true;
		return true;
	case ACT_TOGGLE_DELETES:
		if (p->set) {
			replan(v, p->set_ops ^ RF_OP_DELETE);
			return true;
		}
		s->ops_mask ^= RF_OP_DELETE;
		build(v);
		console_message(v->con, MSG_INFO, "deletes %s",
		                s->ops_mask & RF_OP_DELETE ? "included" : "left out");
		return true;
	case ACT_SKIP_INVALID:
		if (!p->set || !p->from->ops->set_rejects)
			return false;
		session_map_toggle_skip(v->con->session);
		build_set(v);
		return true;
	case ACT_APPLY:
		if (p->set && p->from->ops->set_rejects)
			apply_view_open_mapped(v->con, p->set, p->root, true,
			                       p->from->ops->set_rejects(p->from));
		else if (p->set)
			apply_view_open_set(v->con, p->set, p->root, false, p->verify);
		else
			apply_view_open(v->con);
		return true;
	case ACT_RELOAD:
		if (p->set)
			replan(v, p->set_ops);
		else
			build(v);
		return true;
	default:
		return false;
	}
}

static void preview_free(struct view *v)
{
	struct preview_view *p = v->priv;
	text_lines_free(&p->lines);
	rf_buf_free(&p->sql);
	rf_buf_free(&p->script);
	lineedit_free(&p->path);
	if (p->set)
		rf_set_plan_free(p->set);
	free(p->set);
	free(p);
}

static const struct view_hint preview_hints[] = {
    {ACT_SAVE, "save"}, {ACT_APPLY, "apply"}, {ACT_TOGGLE_DELETES, "deletes"}, {ACT_NONE, NULL}};

static const struct view_ops preview_ops = {
    .hints = preview_hints,
    .name = "preview",
    .draw = preview_draw,
    .title = preview_title,
    .status = preview_status,
    .key = preview_key,
    .action = preview_action,
    .resume = preview_resume,
    .free = preview_free,
};

void preview_view_open(struct console *con)
{
	struct view *v = view_new(con, &preview_ops, rf_xcalloc(1, sizeof(struct preview_view)));
	view_push(con, v);
	build(v);
}

void preview_view_open_set(struct console *con, struct rf_set_plan *sp, struct view *from)
{
	struct preview_view *p = rf_xcalloc(1, sizeof *p);
	struct view *v = view_new(con, &preview_ops, p);
	p->set = sp;
	p->from = from;
	p->set_ops = RF_OPS_DEFAULT;
	p->root = from->ops->set_name(from);
	p->verify = from->ops->set_whole;
	view_push(con, v);
	build_set(v);
}
