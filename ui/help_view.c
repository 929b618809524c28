/* help_view.c - the keys, generated from the action declaration
 * (actions.h) and the key map in force, so rebound keys show as bound; then
 * what the markers mean and the messages of this run. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "theme.h"
#include "view.h"

struct help_line {
	char *keys; /* NULL for a plain text line */
	char *text;
	enum color_meaning color;
};

struct help_view {
	struct help_line *lines;
	size_t n;
};

static void add(struct help_view *h, const char *keys, const char *text, enum color_meaning c)
{
	h->lines = rf_xrealloc(h->lines, (h->n + 1) * sizeof *h->lines);
	h->lines[h->n].keys = keys ? rf_xstrdup(keys) : NULL;
	h->lines[h->n].text = rf_xstrdup(text);
	h->lines[h->n].color = c;
	h->n++;
}

static const char *const legend[] = {
    "+  only in the source: the copy inserts it",
    "-  only in the target: the copy deletes it only when asked (D in the preview)",
    "~  in both, some compared columns differ: the copy updates them",
    "=  identical (shown with =)",
    "*  (left of the glyph) a marked row: the copy takes marked rows, or all when none is",
    "*  (right of the glyph, tables) a marked table: p and A copy the marked tables whole",
    "create  (tables) not in the target: marked, p and A create it (copy --all --create)",
    "(col)  excluded: neither compared nor copied; the target supplies it",
    "[col]  ignored: copied but not compared",
    "[x] / [ ]  (related tables) in the set or not; the root is always in",
    "READ-ONLY / WRITING  whether rowferry holds a write transaction on the target",
};

static void build(struct help_view *h, struct console *con)
{
	const struct action_info *t;
	struct rf_buf keys = RF_BUF_INIT;
	char line[512];
	size_t n, i;
	int g;

	add(h, NULL, "Keys (rebind them in config.ini [keys]: ACTION = KEY)", COLOR_TITLE);
	t = actions_table(&n);
	/* one section per screen, as tig groups its requests */
	for (g = 0; g < G__COUNT; g++) {
		add(h, NULL, "", COLOR_NORMAL);
		add(h, NULL, action_group_name((enum action_group)g), COLOR_TITLE);
		for (i = 0; i < n; i++) {
			if (t[i].group != (enum action_group)g)
				continue;
			rf_buf_reset(&keys);
			keymap_describe(&con->keys, t[i].id, &keys);
			snprintf(line, sizeof line, "%-18s %s", t[i].name, t[i].help);
			add(h, keys.len ? keys.data : "(unbound)", line, COLOR_NORMAL);
		}
	}
	add(h, NULL, "", COLOR_NORMAL);
	add(h, NULL, "Markers (shown as characters, not only as colours)", COLOR_TITLE);
	for (i = 0; i < sizeof legend / sizeof legend[0]; i++)
		add(h, NULL, legend[i], COLOR_NORMAL);
	add(h, NULL, "", COLOR_NORMAL);
	snprintf(line, sizeof line, "Theme: %s%s", theme_source(),
	         theme_uses_color() ? "" : " (colours off: NO_COLOR or a monochrome terminal)");
	add(h, NULL, line, COLOR_DIM);
	if (con->warnings.len) {
		add(h, NULL, "", COLOR_NORMAL);
		add(h, NULL, "Messages", COLOR_TITLE);
		for (i = 0; i < con->warnings.len; i++)
			add(h, NULL, con->warnings.items[i], COLOR_WARNING);
	}
	rf_buf_free(&keys);
}

static void help_draw(struct view *v, int top, int height)
{
	struct help_view *h = v->priv;
	int i;

	v->list.height = height;
	v->list.count = h->n;
	list_clamp(&v->list);
	for (i = 0; i < height && v->list.top + (size_t)i < h->n; i++) {
		const struct help_line *l = &h->lines[v->list.top + (size_t)i];
		int y = top + i;
		if (l->keys) {
			draw_line(y, 2, 14, l->keys, theme_attr(COLOR_HELP_KEY));
			draw_line(y, 17, COLS - 17, l->text, theme_attr(l->color));
		} else {
			draw_line(y, 0, COLS, l->text, theme_attr(l->color));
		}
	}
}

static void help_title(struct view *v, struct rf_buf *out)
{
	(void)v;
	rf_buf_adds(out, "Help");
}

static void help_status(struct view *v, struct rf_buf *out)
{
	rf_buf_printf(out, "%zu/%zu", v->list.top + 1, v->list.count);
}

static bool help_action(struct view *v, enum action a)
{
	if (pager_move(&v->list, a))
		return true;
	if (a == ACT_HELP || a == ACT_CANCEL) {
		view_pop(v->con);
		return true;
	}
	return false;
}

static void help_free(struct view *v)
{
	struct help_view *h = v->priv;
	size_t i;
	for (i = 0; i < h->n; i++) {
		free(h->lines[i].keys);
		free(h->lines[i].text);
	}
	free(h->lines);
	free(h);
}

static const struct view_ops help_ops = {
    .name = "help",
    .draw = help_draw,
    .title = help_title,
    .status = help_status,
    .action = help_action,
    .free = help_free,
};

void help_view_open(struct console *con)
{
	struct help_view *h;
	if (view_find(con, &help_ops))
		return;
	h = rf_xcalloc(1, sizeof *h);
	build(h, con);
	view_push(con, view_new(con, &help_ops, h));
}
