/* lineedit.c - one line of text entry (lineedit.h). The text is kept as
 * wide characters so the cursor moves by character, not by byte. */
#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "lineedit.h"

static void reserve(struct lineedit *e, size_t n)
{
	if (e->len + n + 1 <= e->cap)
		return;
	e->cap = (e->len + n + 1) * 2;
	e->buf = rf_xrealloc(e->buf, e->cap * sizeof *e->buf);
}

void lineedit_set(struct lineedit *e, const char *text)
{
	const char *t = text ? text : "", *p = t;
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof st);
	n = mbsrtowcs(NULL, &p, 0, &st);
	if (n == (size_t)-1) /* not valid in this locale: take it byte by byte */
		n = strlen(t);
	e->len = 0;
	reserve(e, n);
	p = t;
	memset(&st, 0, sizeof st);
	if (mbsrtowcs(e->buf, &p, n + 1, &st) == (size_t)-1) {
		for (n = 0; t[n]; n++)
			e->buf[n] = (unsigned char)t[n];
	}
	e->len = n;
	e->buf[n] = 0;
	e->cursor = n;
}

void lineedit_init(struct lineedit *e, const char *text, const struct rf_strlist *history)
{
	memset(e, 0, sizeof *e);
	e->history = history;
	e->hist_pos = history ? history->len : 0;
	lineedit_set(e, text);
}

void lineedit_free(struct lineedit *e)
{
	free(e->buf);
	free(e->typed);
	memset(e, 0, sizeof *e);
}

char *lineedit_text(const struct lineedit *e)
{
	struct rf_buf out = RF_BUF_INIT;
	size_t i;
	for (i = 0; i < e->len; i++) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, e->buf[i], &st);
		if (n != (size_t)-1)
			rf_buf_add(&out, mb, n);
	}
	return rf_buf_steal(&out); /* "" for an empty line */
}

static void delete_range(struct lineedit *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, (e->len - to + 1) * sizeof *e->buf);
	e->len -= to - from;
	e->cursor = from;
}

static void history_go(struct lineedit *e, int dir)
{
	size_t next;
	if (!e->history || e->history->len == 0)
		return;
	if (dir < 0 && e->hist_pos == 0)
		return;
	if (dir > 0 && e->hist_pos >= e->history->len)
		return;
	next = dir < 0 ? e->hist_pos - 1 : e->hist_pos + 1;
	if (e->hist_pos == e->history->len) {
		free(e->typed);
		e->typed = lineedit_text(e);
	}
	e->hist_pos = next;
	lineedit_set(e, next == e->history->len ? e->typed : e->history->items[next]);
}

enum lineedit_result lineedit_key(struct lineedit *e, int key)
{
	switch (key) {
	case RF_KEY_ENTER:
	case '\n':
	case RF_KEY_FN(KEY_ENTER):
		return LE_ACCEPT;
	case RF_KEY_ESC:
	case 3: /* ^C */
		return LE_CANCEL;
	case RF_KEY_FN(KEY_BACKSPACE):
	case 127:
	case 8:
		if (e->cursor > 0)
			delete_range(e, e->cursor - 1, e->cursor);
		return LE_CONTINUE;
	case RF_KEY_FN(KEY_DC):
	case 4: /* ^D */
		if (e->cursor < e->len)
			delete_range(e, e->cursor, e->cursor + 1);
		return LE_CONTINUE;
	case RF_KEY_FN(KEY_LEFT):
	case 2: /* ^B */
		if (e->cursor > 0)
			e->cursor--;
		return LE_CONTINUE;
	case RF_KEY_FN(KEY_RIGHT):
	case 6: /* ^F */
		if (e->cursor < e->len)
			e->cursor++;
		return LE_CONTINUE;
	case RF_KEY_FN(KEY_HOME):
	case 1: /* ^A */
		e->cursor = 0;
		return LE_CONTINUE;
	case RF_KEY_FN(KEY_END):
	case 5: /* ^E */
		e->cursor = e->len;
		return LE_CONTINUE;
	case 21: /* ^U */
		delete_range(e, 0, e->cursor);
		return LE_CONTINUE;
	case 11: /* ^K */
		e->len = e->cursor;
		e->buf[e->len] = 0;
		return LE_CONTINUE;
	case 23: { /* ^W: the word before the cursor, and the blanks after it */
		size_t from = e->cursor;
		while (from > 0 && e->buf[from - 1] == ' ')
			from--;
		while (from > 0 && e->buf[from - 1] != ' ')
			from--;
		delete_range(e, from, e->cursor);
		return LE_CONTINUE;
	}
	case RF_KEY_FN(KEY_UP):
	case 16: /* ^P */
		history_go(e, -1);
		return LE_CONTINUE;
	case RF_KEY_FN(KEY_DOWN):
	case 14: /* ^N */
		history_go(e, 1);
		return LE_CONTINUE;
	default:
		break;
	}
	if (key < ' ' || key == 127 || key >= 0x110000)
		return LE_IGNORED;
	reserve(e, 1);
	memmove(e->buf + e->cursor + 1, e->buf + e->cursor,
	        (e->len - e->cursor + 1) * sizeof *e->buf);
	e->buf[e->cursor++] = (wchar_t)key;
	e->len++;
	return LE_CONTINUE;
}

static int wc_width(wchar_t c)
{
	int w = wcwidth(c);
	return w < 0 ? 1 : w;
}

int lineedit_draw(const struct lineedit *e, int y, int x, int width, unsigned long attr)
{
	size_t start = 0, i;
	int before = 0, col = 0;

	if (width <= 1)
		return x;
	/* scroll so the cursor stays inside, keeping a column for it at the end */
	for (i = 0; i < e->cursor; i++)
		before += wc_width(e->buf[i]);
	while (before > width - 1 && start < e->cursor)
		before -= wc_width(e->buf[start++]);
	attrset((int)attr);
	mvhline(y, x, ' ', width);
	for (i = start; i < e->len; i++) {
		int w = wc_width(e->buf[i]);
		wchar_t c = e->buf[i] < ' ' ? L'?' : e->buf[i];
		if (col + w > width)
			break;
		mvaddnwstr(y, x + col, &c, 1);
		col += w;
	}
	return x + before;
}
