/* draw.c - UTF-8 text by display columns (draw.h). */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "theme.h"

/* Decodes one character at s (at most len bytes); sets *wc and returns
 * the bytes used (at least 1: an invalid byte becomes U+FFFD). */
static size_t next_char(const char *s, size_t len, wchar_t *wc)
{
	mbstate_t st;
	size_t n;
	unsigned char c = (unsigned char)*s;

	if (c < 0x80) {
		*wc = c;
		return 1;
	}
	memset(&st, 0, sizeof st);
	n = mbrtowc(wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = 0xFFFD;
		return 1;
	}
	return n;
}

static int char_width(wchar_t *wc)
{
	int w;
	/* a tab is a field separator (a bulk load's rows in the preview):
	 * shown as an arrow, so empty fields stay visible */
	if (*wc == '\t') {
		*wc = MB_CUR_MAX > 1 ? 0x2192 : ' ';
		return 1;
	}
	if (*wc < 0x80)
		w = (*wc < ' ' || *wc == 0x7f) ? -1 : 1;
	else
		w = wcwidth(*wc);
	if (w < 0) {
		*wc = '?';
		w = 1;
	}
	return w;
}

size_t text_width(const char *s, size_t len)
{
	size_t i = 0, cols = 0;
	wchar_t wc;
	while (i < len) {
		i += next_char(s + i, len - i, &wc);
		cols += (size_t)char_width(&wc);
	}
	return cols;
}

size_t text_prefix(const char *s, size_t len, size_t cols)
{
	size_t i = 0, used = 0, n;
	wchar_t wc;
	while (i < len) {
		int w;
		n = next_char(s + i, len - i, &wc);
		w = char_width(&wc);
		if (used + (size_t)w > cols)
			break;
		used += (size_t)w;
		i += n;
	}
	return i;
}

int draw_text(int y, int x, int width, const char *s, size_t len, unsigned long attr, bool ellipsis)
{
	wchar_t buf[512];
	size_t i = 0, nbuf = 0;
	int used = 0, limit = width;
	bool cut = false;

	if (width <= 0)
		return 0;
	if (ellipsis && text_width(s, len) > (size_t)width) {
		limit = width - 1;
		cut = true;
	}
	while (i < len && nbuf < sizeof buf / sizeof buf[0] - 2) {
		wchar_t wc;
		size_t n = next_char(s + i, len - i, &wc);
		int w = char_width(&wc);
		if (used + w > limit)
			break;
		buf[nbuf++] = wc;
		used += w;
		i += n;
	}
	if (cut) {
		buf[nbuf++] = 0x2026; /* … */
		used++;
	}
	buf[nbuf] = 0;
	attrset((int)attr);
	mvaddnwstr(y, x, buf, (int)nbuf);
	return used;
}

void draw_fill(int y, int x, int width, unsigned long attr)
{
	if (width <= 0)
		return;
	/* curses ORs the window's current attributes into what hline draws:
	 * set exactly these, and draw plain blanks */
	attrset((int)attr);
	mvhline(y, x, ' ', width);
}

void draw_line(int y, int x, int width, const char *s, unsigned long attr)
{
	int used = draw_text(y, x, width, s, strlen(s), attr, true);
	draw_fill(y, x + used, width - used, attr);
}

void text_lines_add(struct text_lines *t, int color, const char *s, size_t len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->off = rf_xrealloc(t->off, t->cap * sizeof *t->off);
		t->color = rf_xrealloc(t->color, t->cap * sizeof *t->color);
	}
	t->off[t->n] = t->text.len;
	t->color[t->n] = color;
	rf_buf_add(&t->text, s, len);
	rf_buf_addc(&t->text, '\0');
	t->n++;
}

void text_lines_adds(struct text_lines *t, int color, const char *s)
{
	text_lines_add(t, color, s, strlen(s));
}

void text_lines_addf(struct text_lines *t, int color, const char *fmt, ...)
{
	struct rf_buf b = RF_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rf_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	text_lines_add(t, color, b.data ? b.data : "", b.len);
	rf_buf_free(&b);
}

size_t text_prefix_words(const char *s, size_t len, size_t cols)
{
	size_t n = text_prefix(s, len, cols), cut = n;

	if (n < len && s[n] != ' ') {
		while (cut > 0 && s[cut - 1] != ' ')
			cut--;
		if (cut == 0)
			cut = n; /* one long word: cut it */
	}
	while (cut < len && s[cut] == ' ')
		cut++;
	return cut;
}

void text_lines_add_wrapped(struct text_lines *t, int color, const char *s, size_t len, int width,
                            int indent)
{
	struct rf_buf line = RF_BUF_INIT;
	size_t off = 0;
	int w = width - indent < 8 ? 8 : width - indent;

	do {
		size_t end = off, n;
		while (end < len && s[end] != '\n')
			end++;
		n = text_prefix(s + off, end - off, (size_t)w);
		if (n == 0 && off < end)
			n = 1; /* a character wider than the line: take it anyway */
		rf_buf_reset(&line);
		rf_buf_printf(&line, "%*s", indent, "");
		rf_buf_add(&line, s + off, n);
		text_lines_add(t, color, line.data, line.len);
		off += n;
		if (off == end && end < len)
			off++; /* the newline */
	} while (off < len);
	rf_buf_free(&line);
}

const char *text_lines_get(const struct text_lines *t, size_t i)
{
	return t->text.data + t->off[i];
}

void text_lines_reset(struct text_lines *t)
{
	rf_buf_reset(&t->text);
	t->n = 0;
}

void text_lines_free(struct text_lines *t)
{
	rf_buf_free(&t->text);
	free(t->off);
	free(t->color);
	memset(t, 0, sizeof *t);
}

void text_lines_draw(const struct text_lines *t, size_t first, int top, int height)
{
	int i;
	for (i = 0; i < height && first + (size_t)i < t->n; i++)
		draw_line(top + i, 0, COLS, text_lines_get(t, first + (size_t)i),
		          theme_attr((enum color_meaning)t->color[first + (size_t)i]));
}
