/* actions.h - every action of the console, declared once (STYLE.md 2).
 *
 * Keys map to actions and views handle actions, never keys. Each entry is
 * X(ID, name, default key, alternative key, group, help line): `name` is what
 * [keys] in config.ini rebinds ("preview = P"), the keys use the spec syntax
 * of keys_parse() and the help screen (help_view.c) is generated from this
 * list, grouped by the screen an action belongs to (as tig groups its
 * requests), so a new action shows up there by being added here.
 */
#ifndef RF_UI_ACTIONS_H
#define RF_UI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/config.h"
#include "rowferry/util.h"

#define RF_ACTIONS(X)                                                                              \
	X(MOVE_DOWN, "move-down", "j", "Down", G_MOVE, "Move the cursor down one line")            \
	X(MOVE_UP, "move-up", "k", "Up", G_MOVE, "Move the cursor up one line")                    \
	X(MOVE_FIRST, "move-first", "g", "Home", G_MOVE, "Jump to the first line")                 \
	X(MOVE_LAST, "move-last", "G", "End", G_MOVE, "Jump to the last line")                     \
	X(PAGE_DOWN, "page-down", "^D", "PgDn", G_MOVE, "Move down half a screen")                 \
	X(PAGE_UP, "page-up", "^U", "PgUp", G_MOVE, "Move up half a screen")                       \
	X(SCROLL_LEFT, "scroll-left", "h", "Left", G_MOVE, "Previous column (scrolls the panes)")  \
	X(SCROLL_RIGHT, "scroll-right", "l", "Right", G_MOVE, "Next column (scrolls the panes)")   \
	X(SWITCH_PANE, "switch-pane", "Tab", NULL, G_DIFF,                                         \
	  "Switch between the source and target pane")                                             \
	X(OPEN, "open", "Enter", NULL, G_ANY,                                                      \
	  "Open the table, cell, journal or choice under the cursor")                              \
	X(MARK, "mark", "Space", NULL, G_DIFF,                                                     \
	  "Mark or unmark a row (the copy takes marked rows), or a table on the tables screen")    \
	X(MARK_ALL, "mark-all", "*", NULL, G_TABLES,                                               \
	  "Mark or unmark every table: p and A copy the marked tables whole, as one set")          \
	X(NEXT_DIFF, "next-diff", "]", NULL, G_DIFF, "Next difference")                            \
	X(PREV_DIFF, "prev-diff", "[", NULL, G_DIFF, "Previous difference")                        \
	X(SEARCH, "search", "/", NULL, G_ANY, "Filter tables / search rows")                       \
	X(SEARCH_NEXT, "search-next", "n", NULL, G_DIFF, "The next row matching the last search")  \
	X(SEARCH_PREV, "search-prev", "N", NULL, G_DIFF,                                           \
	  "The previous row matching the last search")                                             \
	X(EDIT_WHERE, "edit-where", "w", NULL, G_DIFF, "Edit the WHERE condition of the diff")     \
	X(PICK_KEY, "pick-key", "K", NULL, G_DIFF, "Choose the key columns rows are matched by")   \
	X(COLUMNS, "columns", "c", NULL, G_DIFF, "Choose the columns to compare and copy")         \
	X(PREVIEW, "preview", "p", NULL, G_DIFF, "Preview the SQL the copy would run")             \
	X(APPLY, "apply", "A", NULL, G_DIFF, "Apply the copy to the target (asks first)")          \
	X(JOURNALS, "journals", "u", NULL, G_ANY, "Undo journals: list, details, rollback")        \
	X(CONNECTIONS, "connections", "C", NULL, G_TABLES,                                         \
	  "Choose the source and target among the config's connections")                           \
	X(RELATED, "related", "f", NULL, G_RELATED,                                                \
	  "Related tables (foreign-key parents, children) with counts: Space includes, Enter "     \
	  "opens, p and A preview and copy the checked set")                                       \
	X(TOGGLE_IDENTICAL, "toggle-identical", "=", NULL, G_DIFF, "Show or hide identical rows")  \
	X(TOGGLE_COPY, "toggle-copy", "x", NULL, G_COLUMNS,                                        \
	  "Copy (and compare) this column or not")                                                 \
	X(TOGGLE_COMPARE, "toggle-compare", "i", NULL, G_COLUMNS, "Compare this column or not")    \
	X(EDIT_EXPRESSION, "edit-expression", "e", NULL, G_COLUMNS,                                \
	  "Edit a mapped column's expression ([map] tables; this session only)")                   \
	X(SKIP_INVALID, "skip-invalid", "I", NULL, G_DIFF,                                         \
	  "Mapped table: apply copies the valid rows, rejects the invalid (--skip-invalid)")       \
	X(ROLLBACK, "rollback", "r", NULL, G_JOURNALS, "Preview the rollback of this journal")     \
	X(TOGGLE_DELETES, "toggle-deletes", "D", NULL, G_PREVIEW,                                  \
	  "Also delete rows only in the target (- rows)")                                          \
	X(SAVE, "save", "s", NULL, G_PREVIEW, "Save the SQL to a file")                            \
	X(EXPORT, "export", "E", NULL, G_DIFF,                                                     \
	  "Export the differing rows to a file (.csv or JSON Lines)")                              \
	X(WRITE_SELECTION, "write-selection", "W", NULL, G_DIFF,                                   \
	  "Write the WHERE, key and columns to [compare TABLE] in the config")                     \
	X(RELOAD, "reload", "R", NULL, G_ANY, "Run the diff again / reload the list")              \
	X(REDRAW, "redraw", "^L", NULL, G_ANY, "Redraw the screen")                                \
	X(HELP, "help", "?", "F1", G_ANY, "This help")                                             \
	X(CANCEL, "cancel", "Esc", "^C", G_ANY, "Cancel the running operation or the prompt")      \
	X(BACK, "back", "q", NULL, G_ANY, "Back to the previous screen")                           \
	X(QUIT, "quit", "Q", NULL, G_ANY, "Quit rowferry")

/* Where an action works, for the help screen's sections. */
enum action_group {
	G_MOVE,
	G_ANY,
	G_TABLES,
	G_DIFF,
	G_RELATED,
	G_COLUMNS,
	G_PREVIEW,
	G_JOURNALS,
	G__COUNT
};
/* "Moving around", "Everywhere", "Tables screen", ... */
const char *action_group_name(enum action_group g);

enum action {
	ACT_NONE = 0,
#define RF_ACTION_ENUM(id, name, key, alt, group, help) ACT_##id,
	RF_ACTIONS(RF_ACTION_ENUM)
#undef RF_ACTION_ENUM
	    ACT__COUNT
};

struct action_info {
	enum action id;
	const char *name;
	const char *default_key;
	const char *alt_key;
	enum action_group group;
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
