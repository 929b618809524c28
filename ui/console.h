/* console.h - the state every screen of the console shares.
 *
 * One struct console per run (console.c). It owns the config, both
 * connections, the key map, the stack of open screens (view.h) and the
 * session of the table being compared (session.h). Screens reach the
 * databases only through the core API (include/rowferry/); none of them
 * writes SQL.
 */
#ifndef RF_UI_CONSOLE_H
#define RF_UI_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "rowferry/config.h"
#include "rowferry/db.h"
#include "rowferry/table_pairs.h"
#include "rowferry/util.h"

struct view;
struct session;
struct input;

enum msg_kind { MSG_INFO, MSG_WARNING, MSG_ERROR };

#define CONSOLE_MAX_VIEWS 16

struct console {
	struct rf_config cfg;
	bool cfg_loaded;
	/* --map FILE: its [map TARGET] sections, which then map the tables
	 * instead of the config's (DESIGN §12) */
	struct rf_config map_file;
	bool map_file_loaded;
	char *config_dir; /* directory of the config file, or NULL */
	struct rf_db *src, *dst;
	const struct rf_conn_config *src_conn; /* NULL for a bare URL */
	const struct rf_conn_config *dst_conn;
	unsigned long src_attr, dst_attr; /* header colours of the two sides */
	struct keymap keys;
	struct input *input;
	struct view *views[CONSOLE_MAX_VIEWS];
	size_t nviews;
	struct session *session;                    /* the table being compared, or NULL */
	struct rf_table_pairs tables;               /* both sides' tables with row counts */
	const struct rf_selection_flags *cli_flags; /* selection flags of the command line */
	const char *cli_table;                      /* the table they are for (--table) */

	char msg[1024]; /* status bar message */
	enum msg_kind msg_kind;
	struct rf_strlist warnings;      /* config/theme/keys problems, shown in turn */
	struct rf_strlist where_history; /* WHERE editor history, oldest first */
	/* the selection (WHERE, key, columns) of each table left, restored when
	 * it is opened again while the console runs */
	struct rf_selection *remembered;
	size_t nremembered;

	int cursor_y, cursor_x; /* terminal cursor after a draw (text entry); -1 hides */
	bool quit;
	bool writing;      /* apply/undo holds a write transaction */
	bool tables_stale; /* row counts changed since the list was read */
	bool mouse;
	int exit_code;
};

/* Where [map TARGET] sections come from: --map FILE, else the config. */
const struct rf_config *console_map_sections(const struct console *con);
/* Sets the status bar message (replacing the previous one). */
void console_message(struct console *con, enum msg_kind kind, const char *fmt, ...) RF_PRINTF(3, 4);
/* The status bar shows "error: WHERE: MSG". */
void console_error(struct console *con, const struct rf_error *err);
/* The core's messages name the command line's flags ("--where must be a
 * single expression", "give --key COLS"); inside the console they are said
 * with its own words and keys ("the WHERE must be ...", "pick key columns
 * with K"). Writes the text into buf (len bytes) and returns it. */
const char *console_words(const char *text, char *buf, size_t len);
/* The header colour of a side: its [connection] color, else fallback (a
 * warning for an unknown colour name). */
unsigned long console_side_attr(struct console *con, const struct rf_conn_config *conn,
                                int fallback);
/* rf_error_text in the console's words. */
const char *console_error_text(const struct rf_error *err, char *buf, size_t len);
/* Row count of a table on one side (0 source, 1 target) from the table
 * list, -1 when unknown. */
long long console_table_rows(const struct console *con, int side, const char *table);
/* Lists both sides' tables into con->tables (in a read-only transaction
 * each, ended at once). */
int console_load_tables(struct console *con, struct rf_error *err);
/* The selection table is opened with: the one remembered from this run
 * (the session's own is remembered first), else its [compare TABLE]
 * defaults and, for --table, the command line's flags. Returns 0, or -1 with err (a bad [compare
 * TABLE] value); *sel is the caller's to free on success. */
int console_table_selection(struct console *con, const char *table, struct rf_selection *sel,
                            struct rf_error *err);
/* Starts comparing table (its [compare TABLE] defaults, the command line's
 * flags when it is --table) and opens the diff screen. */
void console_open_table(struct console *con, const char *table);
/* Milliseconds on the monotonic clock (timing slices, redraws, benchmark). */
double console_now_ms(void);
/* Background work (a diff running in slices, a view's work): whether there is some, and
 * doing some for about budget_ms. */
bool console_busy(struct console *con);
void console_work(struct console *con, int budget_ms);
/* Applies one action the top view did not handle (help, quit, back, ...). */
void console_global_action(struct console *con, enum action a);
/* Runs one key through the top view and the key map. */
void console_handle_key(struct console *con, int key);

#endif
