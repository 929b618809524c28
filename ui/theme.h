/* theme.h - colours named by meaning (DESIGN §8, STYLE.md 3).
 *
 * Views ask for a meaning (COLOR_ROW_ADDED), never for "green". A theme is
 * an INI file, themes/NAME.ini, mapping each meaning to "fg bg attrs":
 *
 *   [colors]
 *   row_added = green default bold
 *
 * Meanings a theme leaves out keep the built-in default below, which is also
 * the theme when the file cannot be found. With NO_COLOR set the console uses
 * no colour at all, only attributes (the built-in monochrome table), and every
 * state still has its glyph or marker.
 */
#ifndef RF_UI_THEME_H
#define RF_UI_THEME_H

#include <stdbool.h>

#include "rowferry/util.h"

/* X(ID, name, colour spec, monochrome spec) */
#define RF_COLORS(X)                                                                               \
	X(NORMAL, "normal", "default default", "normal")                                           \
	X(HEADER, "header", "white blue bold", "reverse")                                          \
	X(TITLE, "title", "cyan default bold", "bold")                                             \
	X(STATUS, "status", "black white", "reverse")                                              \
	X(ERROR, "error", "white red bold", "reverse bold")                                        \
	X(WARNING, "warning", "black yellow", "reverse")                                           \
	X(CURSOR, "cursor", "black cyan", "reverse")                                               \
	X(ROW_ADDED, "row_added", "green default", "normal")                                       \
	X(ROW_REMOVED, "row_removed", "red default", "normal")                                     \
	X(ROW_CHANGED, "row_changed", "yellow default", "normal")                                  \
	X(ROW_IDENTICAL, "row_identical", "default default dim", "dim")                            \
	X(CELL_CHANGED, "cell_changed", "black yellow", "bold underline")                          \
	X(EXCLUDED, "excluded", "blue default dim", "dim")                                         \
	X(MARKED, "marked", "magenta default bold", "bold")                                        \
	X(KEY_COLUMN, "key_column", "default default bold", "bold")                                \
	X(COLUMN_HEADER, "column_header", "default default underline", "underline")                \
	X(SOURCE, "source", "black green bold", "reverse bold")                                    \
	X(TARGET, "target", "white red bold", "reverse bold")                                      \
	X(PROD_BADGE, "prod_badge", "white red bold", "reverse bold")                              \
	X(WRITE_BADGE, "write_badge", "black yellow bold", "reverse bold")                         \
	X(SQL_KEYWORD, "sql_keyword", "cyan default bold", "bold")                                 \
	X(HELP_KEY, "help_key", "cyan default bold", "bold")                                       \
	X(PROGRESS, "progress", "black green", "reverse")                                          \
	X(INPUT, "input", "default default", "normal")                                             \
	X(DIM, "dim", "default default dim", "dim")                                                \
	X(SUGGESTION, "suggestion", "magenta default", "underline")

enum color_meaning {
#define RF_COLOR_ENUM(id, name, spec, mono) COLOR_##id,
	RF_COLORS(RF_COLOR_ENUM)
#undef RF_COLOR_ENUM
	    COLOR__COUNT
};

/* Loads theme `name` (a name looked up as NAME.ini in the theme directories,
 * or a path to an .ini file) over the built-in default and initializes the
 * curses colour pairs (after initscr). Problems go to warnings as
 * "FILE:LINE: message"; a missing theme is one warning and the built-in
 * default. config_dir (may be NULL) is searched first for themes/NAME.ini. */
void theme_load(const char *name, const char *config_dir, struct rf_strlist *warnings);
/* The curses attributes (A_* | COLOR_PAIR) of a meaning. */
unsigned long theme_attr(enum color_meaning m);
/* A connection's `color = NAME`: a meaning ("prod_badge") or a colour name
 * ("red"): the header shows the connection's name on that background. Returns false (and keeps
 * *attr) when the name is neither, so the caller can warn. */
bool theme_named_attr(const char *name, unsigned long *attr);
/* The file the theme came from, or "built-in". */
const char *theme_source(void);
/* Whether colours are in use (not with NO_COLOR or a monochrome terminal). */
bool theme_uses_color(void);

#endif
