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
#include "rowferry/plan.h"

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

#endif
