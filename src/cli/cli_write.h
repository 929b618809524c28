/* cli_write.h - what `copy` and `undo` share before and while they write:
 * the confirmation rule of DESIGN §7, progress on stderr, Ctrl-C as a
 * request to roll back. */
#ifndef ROWFERRY_CLI_WRITE_H
#define ROWFERRY_CLI_WRITE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "rowferry/apply.h"
#include "rowferry/config.h"

/* Exit codes of copy and undo (DESIGN §7). */
enum { CLI_EXIT_DONE = 0, CLI_EXIT_ERROR = 2, CLI_EXIT_REFUSED = 3 };

/* Asks before writing to `target`: with --yes, yes; on a terminal
 * (stdin and stdout), the user types the target's name (or answers y when
 * the connection says confirm = none); without a terminal, no. Prints why
 * on stderr when the answer is no. */
bool cli_confirm_write(const char *target, const struct rf_conn_config *conn, bool yes,
                       const char *what);

/* Progress of apply/undo on stderr, shown only when stderr is a terminal
 * and the job takes a while. ctx: a struct cli_progress. */
struct rf_all_check;
struct cli_progress {
	bool on;
	bool shown;
	double last;
	const char *verb;               /* "copy", "undo" */
	const struct rf_all_check *all; /* copy --all: the line names the table
	                                   and counts tables and rows over all
	                                   of them; NULL: this step's rows */
};
void cli_progress_init(struct cli_progress *p, const char *verb);
int cli_progress_cb(void *ctx, enum rf_apply_phase phase, size_t done, size_t total);
void cli_progress_done(struct cli_progress *p);

/* While writing, Ctrl-C sets this flag (the transaction is then rolled
 * back) instead of killing the process mid-transaction. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_interrupt(bool on);

#endif
