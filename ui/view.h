/* view.h - one screen of the console behind one ops table (tig's view_ops).
 *
 * Each screen is one file in ui/ that ends with its `struct view_ops`. The
 * main loop reads a key, lets the top view take it raw (text entry), else
 * maps it to an action (actions.h) and hands that to the view; what the view
 * does not handle falls to console_global_action(). Views draw only their
 * body: the header (connections, READ-ONLY badge), the title line and the
 * status bar are drawn here for all of them.
 */
#ifndef RF_UI_VIEW_H
#define RF_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "console.h"
#include "rowferry/apply.h"
#include "rowferry/util.h"

struct view;
struct rf_set_plan;
struct rf_map_copy_report;

/* One of a screen's main keys, for the status bar: the key as bound now
 * and a word for what it does ("w where"). */
struct view_hint {
	enum action action;
	const char *label;
};

struct view_ops {
	const char *name; /* "diff", "columns", ... */
	/* The screen's main keys, shown in the status bar before help, back and
	 * quit (as lazygit and htop do); ends with {ACT_NONE, NULL}. May be NULL. */
	const struct view_hint *hints;
	/* Draws the body into screen lines [top, top + height). */
	void (*draw)(struct view *v, int top, int height);
	/* The title line: what this screen is about. */
	void (*title)(struct view *v, struct rf_buf *out);
	/* The right part of the status bar: counts, position (may be NULL). */
	void (*status)(struct view *v, struct rf_buf *out);
	/* A raw key, before the key map (text entry); true if consumed. May be NULL. */
	bool (*key)(struct view *v, int key);
	/* An action; true if handled. */
	bool (*action)(struct view *v, enum action a);
	/* The view is on top again after the one above it closed. May be NULL. */
	void (*resume)(struct view *v);
	/* Background work of a view anywhere on the stack (the related-tables
	 * screen counting rows): whether there is some, and doing some for
	 * about budget_ms. Both may be NULL. */
	bool (*busy)(struct view *v);
	void (*work)(struct view *v, int budget_ms);
	/* A screen that copies a set of tables (related tables, the tables
	 * screen's marks): its plan with the operations of ops_mask, which
	 * the set's preview asks for again when D toggles the deletes or R
	 * reloads (0, or -1 with err; *out is the caller's to free with
	 * rf_set_plan_free in both cases), and the words naming the set in
	 * titles (the view's: they outlive the screens above it). Both NULL
	 * on the other screens. */
	int (*set_plan)(struct view *v, unsigned ops_mask, struct rf_set_plan *out,
	                struct rf_error *err);
	const char *(*set_name)(struct view *v);
	/* A copy through a map (the diff screen of a [map] table): the
	 * invalid rows its last set_plan left out, which the preview lists
	 * and the apply writes to the rejects file; NULL elsewhere. */
	const struct rf_map_copy_report *(*set_rejects)(struct view *v);
	bool set_whole; /* the set's tables go whole: its apply verifies each
	                   before COMMIT as copy --all does (all_copy.h) */
	/* Frees priv. */
	void (*free)(struct view *v);
	/* Drawn over the view below it (prompts, pickers): the view below is
	 * drawn first and this one draws only its box. */
	bool overlay;
};

/* Cursor and scroll position of a list of `count` lines. */
struct list_state {
	size_t cursor, top, count;
	int height; /* lines visible, set by the last draw */
};

struct view {
	const struct view_ops *ops;
	struct console *con;
	void *priv; /* the view's own state, freed by ops->free */
	struct list_state list;
};

/* Makes a view (the console does not own it until view_push). */
struct view *view_new(struct console *con, const struct view_ops *ops, void *priv);
/* Puts v on top of the stack (takes ownership). */
void view_push(struct console *con, struct view *v);
/* Closes and frees the top view; the one below it gets resume(). */
void view_pop(struct console *con);
struct view *view_top(struct console *con);
/* The topmost view with these ops, or NULL. */
struct view *view_find(struct console *con, const struct view_ops *ops);

/* Draws the whole screen and refreshes it. */
void screen_draw(struct console *con);

/* Moves l for the movement actions (j k g G ^D ^U); true if a was one. */
bool list_move(struct list_state *l, enum action a);
/* Moves a text pager (the top line is the position) for the movement
 * actions; true if a was one. */
bool pager_move(struct list_state *l, enum action a);
/* Keeps cursor inside [0, count) and visible in height lines. */
void list_clamp(struct list_state *l);
/* Draws a bordered box of *h x *w centred in the body, cut to the body when
 * larger (*h and *w then say the size it got: what goes inside must keep
 * within them); returns its top-left corner in *y, *x. */
void draw_box(int *h, int *w, int *y, int *x, const char *title);

/* Progress of a write transaction (rf_apply, rf_undo_apply). */
struct progress {
	const char *phase; /* "checking", "writing", "committing" */
	size_t done, total;
	double last_draw; /* ms */
};
/* The body of an rf_apply_progress_fn: records where the work is, redraws
 * the screen at most every 50 ms and returns 1 when Esc or ^C was pressed
 * (the caller's transaction then rolls back). */
int progress_report(struct console *con, struct progress *p, enum rf_apply_phase phase, size_t done,
                    size_t total);
/* An rf_diff_opts.progress (ctx: the struct console): while a hash diff
 * plans its segments, before its first row, the bottom line says how far
 * (at most every 50 ms); returns 1 when Esc or ^C was pressed, which stops
 * the diff ("diff: cancelled"). */
int progress_hash(void *ctx, const struct rf_diff_progress *p);
/* A progress bar with its phase and "Esc cancels" on screen line y. */
void progress_draw(const struct progress *p, int y);

/* The views (one file each). Each constructor pushes its view. */
/* The unique keys column col belongs to, for the key picker and the
 * columns screen: "UQ" for a key of that column alone, "UQn" for the n-th
 * unique key of t when it has several columns (only the columns together
 * are unique); with spell, a composite key also names the other columns:
 * "UQ1 with order_ref". Space-separated, nothing when none. */
void unique_marks(const struct rf_table_info *t, const char *col, bool spell, struct rf_buf *out);

void tables_view_open(struct console *con);
void connections_view_open(struct console *con);
void diff_view_open(struct console *con);
void columns_view_open(struct console *con);
void where_view_open(struct console *con);
void key_view_open(struct console *con);
/* col: shape column; row: index into the session's rows */
void cell_view_open(struct console *con, size_t row, size_t col);
void preview_view_open(struct console *con);
void apply_view_open(struct console *con);
/* The preview and apply screens for a copy of a set of tables (p and A
 * of the related-tables screen and of the tables screen's marks): the
 * preview takes sp (frees it) and plans again through from (below it:
 * its ops->set_plan) when D toggles the deletes; the apply screen takes
 * sp when take, else borrows it (the preview's, below it). root names
 * the set in the titles (borrowed: it must outlive the screen); with
 * verify the apply checks every table before COMMIT as copy --all does
 * (all_copy.h: counts and checksums, a mismatch rolls back). */
void preview_view_open_set(struct console *con, struct rf_set_plan *sp, struct view *from);
void apply_view_open_set(struct console *con, struct rf_set_plan *sp, const char *root, bool take,
                         bool verify);
/* The apply screen of a copy through the session's map (it takes sp,
 * unless from_preview: the preview keeps its plan): refused, with the reason
 * on the status bar, while rejects lists invalid rows and the session's
 * skip-invalid toggle (I) is off; else the invalid rows are left out and
 * written to <journal>.rejects.jsonl, as copy --skip-invalid does. */
void apply_view_open_mapped(struct console *con, struct rf_set_plan *sp, const char *root,
                            bool from_preview, const struct rf_map_copy_report *rejects);
/* The diff screen of a mapped table (diff_map.c): its title after the
 * table's name; p, A and I (name: the set's, for the titles, borrowed),
 * and its set_plan and set_rejects. */
struct session;
void diff_map_title(const struct session *s, struct rf_buf *out);
void diff_map_copy(struct view *v, enum action a, const char *name);
int diff_map_set_plan(struct view *v, unsigned ops_mask, struct rf_set_plan *out,
                      struct rf_error *err);
const struct rf_map_copy_report *diff_map_set_rejects(struct view *v);
/* The columns screen of a mapped table (map_columns_view.c): target <-
 * expression per column, the unmatched flagged, e edits an expression. */
void map_columns_view_open(struct console *con);
void journals_view_open(struct console *con);
/* path: the journal to roll back */
void rollback_view_open(struct console *con, const char *path);
void help_view_open(struct console *con);
/* The related-tables screen of table (DESIGN §11): sel is the selection of
 * its rows the set is selected through (copied; NULL: the table's own, as
 * console_table_selection gives it). */
void related_view_open(struct console *con, const char *table, const struct rf_selection *sel);

#endif
