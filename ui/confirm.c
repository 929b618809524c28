/* confirm.c - the typed confirmation before a write (confirm.h). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "draw.h"
#include "theme.h"

void confirm_init(struct confirm *c, const struct console *con)
{
	const struct rf_conn_config *conn = con->dst_conn;
	/* a bare URL has no [connection] to relax it: its name is typed too */
	c->type_name = !conn || !conn->confirm || strcmp(conn->confirm, "none") != 0;
	lineedit_init(&c->edit, NULL, NULL);
}

void confirm_free(struct confirm *c)
{
	lineedit_free(&c->edit);
}

enum confirm_answer confirm_key(struct confirm *c, struct console *con, int key, const char *verb)
{
	enum confirm_answer answer = CONFIRM_PENDING;
	char *typed;

	if (!c->type_name) {
		if (key == RF_KEY_ENTER || key == '\n')
			return CONFIRM_YES;
		return key == RF_KEY_ESC || key == 3 ? CONFIRM_NO : CONFIRM_PENDING;
	}
	switch (lineedit_key(&c->edit, key)) {
	case LE_ACCEPT:
		typed = lineedit_text(&c->edit);
		if (strcmp(typed, con->dst->name) == 0)
			answer = CONFIRM_YES;
		else
			console_message(con, MSG_WARNING, "type %s exactly to %s (or Esc)",
			                con->dst->name, verb);
		free(typed);
		return answer;
	case LE_CANCEL:
		return CONFIRM_NO;
	default:
		return CONFIRM_PENDING;
	}
}

void confirm_draw(struct confirm *c, struct console *con, int y, const char *verb)
{
	char prompt[256];
	int x;

	if (c->type_name)
		snprintf(prompt, sizeof prompt, "Type %s to %s, Esc cancels: ", con->dst->name,
		         verb);
	else
		snprintf(prompt, sizeof prompt, "Press Enter to %s, Esc cancels", verb);
	draw_line(y, 2, COLS - 2, prompt, theme_attr(COLOR_WARNING));
	if (!c->type_name)
		return;
	x = 2 + (int)text_width(prompt, strlen(prompt));
	con->cursor_y = y;
	con->cursor_x = lineedit_draw(&c->edit, y, x, COLS - x - 1, theme_attr(COLOR_INPUT));
}
