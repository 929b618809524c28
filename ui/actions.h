/* actions.h - every action of the console, declared once (STYLE.md 2).
 *
 * Keys map to actions and views handle actions, never keys. Each entry is
 * X(ID, name, default key, alternative key, help line): `name` is what
 * [keys] in config.ini rebinds ("preview = P"), the keys use the spec syntax
 * of keys_parse() and the help screen (help_view.c) is generated from this
 * list, so a new action shows up there by being added here.
 */
#ifndef RF_UI_ACTIONS_H
#define RF_UI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/config.h"
#include "rowferry/util.h"

#define RF_ACTIONS(X)                                                                              \
	X(MOVE_DOWN, "move-down", "j", "Down", "Move the cursor down one line")                    \
	X(MOVE_UP, "move-up", "k", "Up", "Move the cursor up one line")                            \
	X(MOVE_FIRST, "move-first", "g", "Home", "Jump to the first line")                         \
	X(MOVE_LAST, "move-last", "G", "End", "Jump to the last line")                             \
	X(PAGE_DOWN, "page-down", "^D", "PgDn", "Move down half a screen")                         \
	X(PAGE_UP, "page-up", "^U", "PgUp", "Move up half a screen")                               \
	X(SCROLL_LEFT, "scroll-left", "h", "Left", "Previous column (scrolls the panes)")          \
	X(SCROLL_RIGHT, "scroll-right", "l", "Right", "Next column (scrolls the panes)")           \
	X(SWITCH_PANE, "switch-pane", "Tab", NULL, "Switch between the source and target pane")    \
	X(OPEN, "open", "Enter", NULL, "Open the table, cell, journal or choice under the cursor") \
	X(MARK, "mark", "Space", NULL, "Mark or unmark a row (the copy takes marked rows)")        \
	X(NEXT_DIFF, "next-diff", "]", NULL, "Next difference")                                    \
	X(PREV_DIFF, "prev-diff", "[", NULL, "Previous difference")                                \
	X(SEARCH, "search", "/", NULL, "Filter tables / search rows")                              \
	X(SEARCH_NEXT, "search-next", "n", NULL, "Diff: the next row matching the last search")    \
	X(SEARCH_PREV, "search-prev", "N", NULL,                                                   \
	  "Diff: the previous row matching the last search")                                       \
	X(EDIT_WHERE, "edit-where", "w", NULL, "Edit the WHERE condition of the diff")             \
	X(PICK_KEY, "pick-key", "K", NULL, "Choose the key columns rows are matched by")           \
	X(COLUMNS, "columns", "c", NULL, "Choose the columns to compare and copy")                 \
	X(PREVIEW, "preview", "p", NULL, "Preview the SQL the copy would run")                     \
	X(APPLY, "apply", "A", NULL, "Apply the copy to the target (asks first)")                  \
	X(JOURNALS, "journals", "u", NULL, "Undo journals: list, details, rollback")               \
	X(CONNECTIONS, "connections", "C", NULL,                                                   \
	  "Tables: choose the source and target among the config's connections")                   \
	X(TOGGLE_IDENTICAL, "toggle-identical", "=", NULL, "Show or hide identical rows")          \
	X(TOGGLE_COPY, "toggle-copy", "x", NULL, "Columns: copy (and compare) this column or not") \
	X(TOGGLE_COMPARE, "toggle-compare", "i", NULL, "Columns: compare this column or not")      \
	X(ROLLBACK, "rollback", "r", NULL, "Journals: preview the rollback of this journal")       \
	X(TOGGLE_DELETES, "toggle-deletes", "D", NULL,                                             \
	  "Preview/apply: also delete rows only in the target (- rows)")                           \
	X(SAVE, "save", "s", NULL, "Preview: save the SQL to a file")                              \
	X(EXPORT, "export", "E", NULL,                                                             \
	  "Diff: export the differing rows to a file (.csv or JSON Lines)")                        \
	X(WRITE_SELECTION, "write-selection", "W", NULL,                                           \
	  "Diff: write the WHERE, key and columns to [compare TABLE] in the config")               \
	X(RELOAD, "reload", "R", NULL, "Run the diff again / reload the list")                     \
	X(REDRAW, "redraw", "^L", NULL, "Redraw the screen")                                       \
	X(HELP, "help", "?", "F1", "This help")                                                    \
	X(CANCEL, "cancel", "Esc", "^C", "Cancel the running operation or the prompt")             \
	X(BACK, "back", "q", NULL, "Back to the previous screen")                                  \
	X(QUIT, "quit", "Q", NULL, "Quit rowferry")

enum action {
	ACT_NONE = 0,
#define RF_ACTION_ENUM(id, name, key, alt, help) ACT_##id,
	RF_ACTIONS(RF_ACTION_ENUM)
#undef RF_ACTION_ENUM
	    ACT__COUNT
};

struct action_info {
	enum action id;
	const char *name;
	const char *default_key;
	const char *alt_key;
	const char *help;
};

/* The declaration as a table, ACT_NONE excluded (ACT__COUNT - 1 entries). */
const struct action_info *actions_table(size_t *n);
const struct action_info *action_info(enum action a);
/* ACT_NONE for an unknown name */
enum action action_by_name(const char *name);

/* Keys: wide characters as their code point, curses function keys
 * (KEY_UP, ...) moved above Unicode so the two never collide. */
#define RF_KEY_FN(k) (0x110000 + (k))
#define RF_KEY_ENTER '\r'
#define RF_KEY_ESC   27
#define RF_KEY_NONE  (-1)

/* Parses a key spec: "j", "^D" (Ctrl-D), "Enter", "Tab", "Space", "Esc",
 * "Backspace", "Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home",
 * "End", "Del", "F1".."F12", or any single UTF-8 character. RF_KEY_NONE
 * when it is none of these. */
int keys_parse(const char *spec);
/* The spec of a key as keys_parse() reads it; writes into out. */
const char *keys_name(int key, char *out, size_t outlen);

/* Key -> action map: the declaration's keys, then [keys] overrides. */
struct keymap {
	size_t len, cap;
	struct keymap_entry {
		int key;
		enum action action;
	} * items;
};
/* Fills map with the defaults and applies cfg's [keys] (cfg may be NULL).
 * Each problem is added to warnings as "FILE:LINE: message". A rebound
 * action loses its default key (its alternative key stays); a key another
 * action holds is not taken (a warning says which action holds it). */
void keymap_init(struct keymap *map, const struct rf_config *cfg, struct rf_strlist *warnings);
void keymap_free(struct keymap *map);
enum action keymap_lookup(const struct keymap *map, int key);
/* "j, Down": the keys bound to a, for the help screen and prompts. */
void keymap_describe(const struct keymap *map, enum action a, struct rf_buf *out);

#endif
