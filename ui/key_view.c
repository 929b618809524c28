/* key_view.c - the key picker (K): which columns match a source row to a
 * target row. Needed whenever the primary key is a surrogate that differs
 * between the databases (GUIDs): match by business columns instead.
 * Space picks columns in order, Enter re-runs the diff with them. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "session.h"
#include "theme.h"
#include "view.h"

struct key_view {
	const struct rf_table_info *info; /* the session's, borrowed */
	size_t *pick;                     /* chosen columns (indexes into info->cols), in order */
	size_t npick;
};

static int pick_pos(const struct key_view *k, size_t col)
{
	size_t i;
	for (i = 0; i < k->npick; i++)
		if (k->pick[i] == col)
			return (int)i + 1;
	return 0;
}

static void key_draw(struct view *v, int top, int height)
{
	struct key_view *k = v->priv;
	const struct rf_table_info *t = k->info;
	int y, x, bw = 72, bh = (int)t->ncols + 5, i;

	(void)top;
	if (bh > height)
		bh = height;
	draw_box(&bh, &bw, &y, &x, "Key columns: rows are matched by these");
	v->list.height = bh - 5 > 1 ? bh - 5 : 1;
	v->list.count = t->ncols;
	list_clamp(&v->list);
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < t->ncols; i++) {
		size_t c = v->list.top + (size_t)i;
		const struct rf_column *col = &t->cols[c];
		int pos = pick_pos(k, c);
		char line[256], num[8];
		unsigned long a = theme_attr(c == v->list.cursor ? COLOR_CURSOR : COLOR_NORMAL);
		struct rf_buf uq = RF_BUF_INIT;

		/* "UQ1 with order_ref": only the columns together are
		 * unique, so picking one of them alone is not a key */
		unique_marks(t, col->name, true, &uq);
		snprintf(num, sizeof num, pos ? "%d" : " ", pos);
		snprintf(line, sizeof line, "[%s] %-24s %-14.14s %s%s", num, col->name,
		         rf_type_class_name(col->tclass), col->pk_pos ? "PK " : "",
		         uq.len ? uq.data : "");
		rf_buf_free(&uq);
		draw_line(y + 2 + i, x + 2, bw - 4, line, a);
	}
	draw_line(y + bh - 2, x + 2, bw - 4,
	          bw >= 72 ? "Space picks in order  Enter applies  none: primary key  Esc cancels"
	                   : "Space picks  Enter applies  Esc cancels",
	          theme_attr(COLOR_DIM));
}

static void key_title(struct view *v, struct rf_buf *out)
{
	(void)v;
	rf_buf_adds(out, "Key");
}

static void key_status(struct view *v, struct rf_buf *out)
{
	struct key_view *k = v->priv;
	size_t i;
	rf_buf_adds(out, "key: ");
	for (i = 0; i < k->npick; i++)
		rf_buf_printf(out, "%s%s", i ? "," : "", k->info->cols[k->pick[i]].name);
	if (!k->npick)
		rf_buf_adds(out, "(primary key)");
}

static void toggle(struct key_view *k, size_t col)
{
	int pos = pick_pos(k, col);
	if (pos) {
		memmove(&k->pick[pos - 1], &k->pick[pos],
		        (k->npick - (size_t)pos) * sizeof *k->pick);
		k->npick--;
	} else {
		k->pick[k->npick++] = col;
	}
}

static void apply(struct view *v)
{
	struct key_view *k = v->priv;
	struct console *con = v->con;
	struct session *s = con->session;
	size_t i;

	rf_strlist_free(&s->sel.key);
	for (i = 0; i < k->npick; i++)
		rf_strlist_add(&s->sel.key, k->info->cols[k->pick[i]].name);
	view_pop(con); /* k is freed here */
	if (session_run(s) != 0)
		console_error(con, &s->err);
	else
		console_message(con, MSG_INFO, "rows are matched by the new key");
}

static bool key_action(struct view *v, enum action a)
{
	struct key_view *k = v->priv;
	if (list_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_MARK:
		toggle(k, v->list.cursor);
		return true;
	case ACT_OPEN:
		apply(v);
		return true;
	case ACT_CANCEL:
	case ACT_BACK:
		view_pop(v->con);
		return true;
	default:
		/* the picker is modal, but help and quit still work */
		return a != ACT_QUIT && a != ACT_HELP;
	}
}

static void key_free(struct view *v)
{
	struct key_view *k = v->priv;
	free(k->pick);
	free(k);
}

static const struct view_ops key_ops = {
    .name = "key",
    .draw = key_draw,
    .title = key_title,
    .status = key_status,
    .action = key_action,
    .free = key_free,
    .overlay = true,
};

void key_view_open(struct console *con)
{
	struct session *s = con->session;
	const struct rf_table_info *t = session_table_info(s);
	struct key_view *k;
	size_t i;

	if (!t)
		return;
	k = rf_xcalloc(1, sizeof *k);
	k->info = t;
	k->pick = rf_xcalloc(t->ncols + 1, sizeof *k->pick);
	/* start from the key in force: the chosen one, else the primary key */
	if (s->sel.key.len) {
		for (i = 0; i < s->sel.key.len; i++) {
			int c = rf_table_info_col(t, s->sel.key.items[i]);
			if (c >= 0)
				k->pick[k->npick++] = (size_t)c;
		}
	} else {
		for (i = 0; i < t->npk; i++)
			k->pick[k->npick++] = t->pk[i];
	}
	view_push(con, view_new(con, &key_ops, k));
}
