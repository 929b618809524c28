/* session.h - the table being compared: its selection (WHERE, key, excluded
 * and ignored columns), the diff running in slices between key presses,
 * and what it found.
 *
 * Only differing rows are kept (copies made with rf_diff_row_dup_stored:
 * canonical forms and the values as stored, which the grid shows), plus the
 * counts, so memory follows the differences, not the table; identical rows
 * are kept only while the `=` toggle asks to see them. The read
 * transactions of a diff end as soon as it finishes or is cancelled.
 */
#ifndef RF_UI_SESSION_H
#define RF_UI_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "console.h"
#include "rowferry/diff.h"
#include "rowferry/map_copy.h"
#include "rowferry/plan.h"

/* identical rows kept for `=`: enough to look around in, while a table of
 * millions of identical rows does not fill the memory */
#define SESSION_MAX_IDENTICAL_KEPT 100000

enum session_state {
	SESSION_RUNNING,
	SESSION_DONE,
	SESSION_CANCELLED, /* stopped by the user: the rows so far are kept */
	SESSION_FAILED,    /* err says why; no rows */
};

struct session {
	struct console *con;
	struct rf_selection sel; /* owned */
	enum session_state state;
	struct rf_error err;
	struct rf_diff *diff;        /* while running */
	struct rf_diff_shape *shape; /* NULL when the diff could not start */
	bool owns_shape;             /* detached from the diff once it ended */
	struct rf_diff_row **rows;   /* owned, in key order */
	size_t nrows, cap;
	unsigned char *marked; /* per row */
	size_t nmarked;
	bool show_identical;   /* keep identical rows too, up to a limit */
	size_t identical_kept; /* how many were kept */
	unsigned ops_mask;     /* what the copy does: RF_OPS_DEFAULT, D adds deletes */
	struct rf_diff_stats stats;
	bool hashed;                   /* the diff ran as hash (DESIGN §14): stats has segments */
	size_t *width;                 /* display columns per shape column */
	unsigned generation;           /* bumped by every run: views reset cursors */
	long long expected;            /* rows both sides will stream, -1 unknown */
	struct rf_strlist marked_keys; /* marks carried over a re-run, sorted */
	/* the related-tables screen's words for a table of a set, whose WHERE
	 * is the set's semi-joins: "jobs WHERE job_number = '0000077'", the
	 * root it is selected through (owned; NULL otherwise, and once the
	 * WHERE is edited) */
	char *through;
	struct rf_table_info info; /* the source table, see session_table_info */
	bool have_info;
	/* a table compared through a [map TARGET] section (session_map.c), or
	 * NULL; then, per kept row, the source row it was mapped from (its
	 * canonical cells, the source's columns; NULL for a row only in the
	 * target) and why the row does not map ("column: reason; ..."), NULL
	 * for a valid one: an invalid row is kept as a row only in the source,
	 * its invalid cells NULL */
	struct session_map *map;
	const struct rf_cell **sources;
	char **invalid;
};

/* A session for table, its selection built from [compare TABLE] and, for
 * the table named on the command line, the selection flags. The diff is
 * started (see session_run). */
struct session *session_new(struct console *con, struct rf_selection *sel);
void session_free(struct session *s);
/* (Re)starts the diff with s->sel. Marks are carried over by key. Returns
 * 0, or -1 when the diff cannot start (state SESSION_FAILED, s->err set:
 * a bad WHERE, an unknown column). One slice of rows is read at once so
 * errors the server reports on the first fetch show up here too. */
int session_run(struct session *s);
/* Reads rows for about budget_ms; false once the diff is no longer running. */
bool session_step(struct session *s, int budget_ms);
void session_cancel(struct session *s);
bool session_busy(const struct session *s);
/* "+12 -2 ~3 =40" (identical shown when known), "diff: 35% ..." while running. */
void session_counts(const struct session *s, struct rf_buf *out);
void session_toggle_mark(struct session *s, size_t row);
/* The cells of a kept row to show for side 0 (source) or 1 (target): the
 * values as stored (the engine's text, rf_format_stored_display), or the
 * canonical ones for a row kept without them; NULL when the side has no
 * row. What is compared and copied stays the canonical forms. */
const struct rf_cell *session_shown_cells(const struct rf_diff_row *r, int side);
/* The rows the copy takes: the marked ones, or every differing row when
 * none is marked. *rows is allocated (caller frees the array, not the rows). */
void session_copy_rows(const struct session *s, const struct rf_diff_row ***rows, size_t *n);
/* The plan for session_copy_rows() under s->ops_mask. It borrows s->shape:
 * free it (rf_plan_free) before the session runs again or is freed. */
struct rf_plan *session_plan(struct session *s);
/* Whether the current results may be copied: the diff finished. Sets a
 * message on the console when not. */
bool session_ready(struct session *s);
/* The source table's columns and keys, for the key and column pickers,
 * which must work when the diff cannot start (no primary key, the key
 * excluded). NULL, with the error on the status bar, when it cannot be read. */
const struct rf_table_info *session_table_info(struct session *s);
/* Sets the WHERE (NULL or "" for none) and re-runs. */
int session_set_where(struct session *s, const char *where);
/* The three conditions at once (source/target: that side alone, replacing
 * the shared one there; NULL or "" for none), then the diff runs again. */
int session_set_wheres(struct session *s, const char *both, const char *source, const char *target);

/* For session_map.c: keeps a copy of row r (its index is s->nrows - 1
 * after), and the column widths of a shape that starts. */
void session_keep_row(struct session *s, const struct rf_diff_row *r);
void session_start_widths(struct session *s);

/* session_map.c: a table with a [map TARGET] section in the config, or in
 * the console's --map FILE (the target's name, or a section whose from =
 * names it). */
struct session_map *session_map_new(struct console *con, const char *table);
bool session_map_exists(const struct console *con, const char *table);
/* "map: orders <- Orders (Enter diffs through it)" into out, for the
 * tables screen: false when table has no section. */
bool session_map_describe(const struct console *con, const char *table, char *out, size_t len);
void session_map_free(struct session_map *sm);
/* The mapped diff (rf_map_diff_run, as rowferry diff runs it, the
 * invalid rows kept and marked): called by session_run once the old rows
 * and shape are gone. 0, or -1 with s->err (state SESSION_FAILED). */
int session_map_run(struct session *s);
/* "map: orders <- Orders" */
void session_map_name(const struct session *s, struct rf_buf *out);
/* Invalid source rows of the last run (their rows are in s->rows). */
unsigned long long session_map_invalid(const struct session *s);
/* The map, and the expression of target column col as written (or the
 * edit that replaced it), NULL when the section has no line for it. */
const struct rf_map *session_map_map(const struct session *s);
const char *session_map_text(const struct session *s, const char *col);
/* The expression of shape column col in the last run (a line of the
 * section, or the source column the names rule paired), or NULL. */
const struct rf_map_expr *session_map_expr(const struct session *s, size_t col);
/* Marks in seen[0..n) the source columns e reads (bound slots). */
void session_map_reads(const struct rf_map_expr *e, bool *seen, size_t n);
/* Replaces the expression of target column col with text (a line added
 * when the section has none) and runs the diff again: 0. A parse error,
 * or a bind error of a map that ran, keeps the old expression (and runs
 * it again): -1 with err. A map that did not run keeps the edit, which
 * may not be all it needs: -2 with the error it still stops on. */
int session_map_edit(struct session *s, const char *col, const char *text, struct rf_error *err);
/* The skip-invalid toggle (I): apply copies the valid rows and writes the
 * rejects file, as copy --skip-invalid does. */
bool session_map_skip_invalid(const struct session *s);
void session_map_toggle_skip(struct session *s);
/* Plans the copy through the map (rf_map_copy_plan, as copy --map runs
 * it, invalid rows left out) with ops_mask into *out (the caller frees it
 * with rf_set_plan_free in both cases); the invalid rows stay in the
 * session's report (session_map_report) until the next plan. 0, or -1
 * with err. */
int session_map_plan(struct session *s, unsigned ops_mask, struct rf_set_plan *out,
                     struct rf_error *err);
const struct rf_map_copy_report *session_map_report(const struct session *s);

#endif
