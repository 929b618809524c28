/* lineedit.h - one line of text entry with readline's common keys and a
 * history, shared by the WHERE editor, the `/` filter, typed confirmations
 * and file-name prompts.
 *
 * Keys: characters insert; Left Right Home End ^A ^E move; Backspace Del
 * delete; ^U ^K kill to start / end; ^W deletes a word; Up Down walk the
 * history; Enter accepts; Esc and ^C cancel.
 */
#ifndef RF_UI_LINEEDIT_H
#define RF_UI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "rowferry/util.h"

struct lineedit {
	wchar_t *buf; /* owned, NUL-terminated */
	size_t len, cap, cursor;
	const struct rf_strlist *history; /* borrowed, may be NULL; oldest first */
	size_t hist_pos;                  /* == history->len: the line being typed */
	char *typed;                      /* the line being typed while browsing history */
};

enum lineedit_result { LE_CONTINUE, LE_ACCEPT, LE_CANCEL, LE_IGNORED };

void lineedit_init(struct lineedit *e, const char *text, const struct rf_strlist *history);
void lineedit_free(struct lineedit *e);
void lineedit_set(struct lineedit *e, const char *text);
enum lineedit_result lineedit_key(struct lineedit *e, int key);
/* The text as UTF-8 (caller frees). */
char *lineedit_text(const struct lineedit *e);
/* Draws the text at (y, x) in width columns, scrolled so the cursor shows,
 * and returns the cursor's screen column. */
int lineedit_draw(const struct lineedit *e, int y, int x, int width, unsigned long attr);

#endif
