/* cli_diff.h - what `diff` and `copy` share about running a diff: the
 * algorithm from --algorithm or [diff] (DESIGN §14), the line on stderr
 * saying which ran, and progress on a terminal. */
#ifndef ROWFERRY_CLI_DIFF_H
#define ROWFERRY_CLI_DIFF_H

#include <stdbool.h>
#include <time.h>

#include "rowferry/config.h"
#include "rowferry/diff.h"

#define CLI_ALGORITHM_HELP                                                                         \
	"  --algorithm ALGO       stream: read both tables in key order and merge;\n"              \
	"                         hash: the servers checksum key segments and only\n"              \
	"                         segments that differ are read (a table whose types\n"            \
	"                         cannot be normalized in SQL is streamed, said on\n"              \
	"                         stderr); auto (default, [diff] algorithm): hash for\n"           \
	"                         two servers and more than [diff] hash_min_rows rows,\n"          \
	"                         unless most segments of the first cut differ.\n"                 \
	"                         Which one ran, and the rows and bytes received, go\n"            \
	"                         to stderr when hash ran or an algorithm was chosen\n"

/* Progress on stderr while a long diff runs, only when stderr is a
 * terminal: rows read while streaming, rows settled while hashing. */
struct cli_diff_progress {
	const char *cmd;
	bool on, shown;
	time_t last;
};
void cli_diff_progress_init(struct cli_diff_progress *p, const char *cmd);
void cli_diff_progress_rows(struct cli_diff_progress *p, const struct rf_diff_stats *st);
/* rf_diff_opts.progress; ctx is a struct cli_diff_progress. Never stops. */
int cli_diff_progress_hash(void *ctx, const struct rf_diff_progress *hp);
void cli_diff_progress_done(struct cli_diff_progress *p);

/* *o from flag (--algorithm, NULL if not given), else [diff] algorithm,
 * else auto, and the [diff] hash settings; progress goes to prog (may be
 * NULL). -1 after saying on stderr what is unknown. */
int cli_diff_opts(const struct rf_config *cfg, const char *cmd, const char *flag,
                  struct cli_diff_progress *prog, struct rf_diff_opts *o);

/* One line on stderr (stdout stays the same whichever ran, §14): which
 * algorithm ran for table, why hash did not, what the client received. */
void cli_say_algorithm(const struct rf_diff *d, const char *cmd, const char *table);

#endif
