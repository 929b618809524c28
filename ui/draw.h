/* draw.h - putting UTF-8 text on the screen by display columns.
 *
 * Everything the console shows goes through these so wide characters (CJK,
 * emoji) take two columns, combining marks none, and a cut never splits a
 * character: columns stay aligned whatever the data holds. Text is UTF-8;
 * bytes that are not are shown as U+FFFD, control characters as '?'
 * (values are escaped before, with rf_format_value_display).
 */
#ifndef RF_UI_DRAW_H
#define RF_UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/util.h"

/* Display columns of len bytes of UTF-8. */
size_t text_width(const char *s, size_t len);
/* Draws s at (y, x) in at most width columns with attr (theme_attr()).
 * With ellipsis, text that does not fit ends in '…'. Returns the columns
 * drawn. */
int draw_text(int y, int x, int width, const char *s, size_t len, unsigned long attr,
              bool ellipsis);
/* draw_text of a NUL-terminated string, then spaces up to width. */
void draw_line(int y, int x, int width, const char *s, unsigned long attr);
void draw_fill(int y, int x, int width, unsigned long attr);
/* Byte length of the prefix of s that fits in `cols` columns (for wrapping
 * long text in the inspector and preview). */
size_t text_prefix(const char *s, size_t len, size_t cols);
/* text_prefix cut back to the end of its last word, for wrapping sentences
 * (messages) between words; a word longer than the line is cut. Blanks
 * after the cut are included, so the next line starts with a word. */
size_t text_prefix_words(const char *s, size_t len, size_t cols);

/* Lines of text with a colour meaning each (enum color_meaning), for the
 * screens that page through text: inspector, preview, journal details. */
struct text_lines {
	struct rf_buf text; /* every line, each followed by a NUL */
	size_t n, cap;
	size_t *off;
	int *color;
};
void text_lines_add(struct text_lines *t, int color, const char *s, size_t len);
void text_lines_adds(struct text_lines *t, int color, const char *s);
void text_lines_addf(struct text_lines *t, int color, const char *fmt, ...) RF_PRINTF(3, 4);
/* Adds s cut into lines of at most width columns, each after `indent`
 * blanks; '\n' in s starts a new line. */
void text_lines_add_wrapped(struct text_lines *t, int color, const char *s, size_t len, int width,
                            int indent);
const char *text_lines_get(const struct text_lines *t, size_t i);
void text_lines_reset(struct text_lines *t);
void text_lines_free(struct text_lines *t);
/* Draws lines [first, first + height) at screen lines top... */
void text_lines_draw(const struct text_lines *t, size_t first, int top, int height);

#endif
