/* cli_diff.c - the algorithm, its line on stderr and progress, for
 * `diff` and `copy` (cli_diff.h). */
#include <stdio.h>
#include <unistd.h>

#include "cli_diff.h"

void cli_diff_progress_init(struct cli_diff_progress *p, const char *cmd)
{
	p->cmd = cmd;
	p->on = isatty(STDERR_FILENO);
	p->shown = false;
	p->last = 0;
}

/* At most once a second. */
static bool due(struct cli_diff_progress *p)
{
	time_t now;

	if (!p->on)
		return false;
	now = time(NULL);
	if (now == p->last)
		return false;
	p->last = now;
	p->shown = true;
	return true;
}

void cli_diff_progress_rows(struct cli_diff_progress *p, const struct rf_diff_stats *st)
{
	if (!p->on || ((st->src_rows + st->dst_rows) & 0x3fff) != 0 || !due(p))
		return;
	fprintf(stderr, "\r%s: %llu source rows, %llu target rows read; %llu differ\033[K", p->cmd,
	        st->src_rows, st->dst_rows, st->only_source + st->only_target + st->changed);
}

int cli_diff_progress_hash(void *ctx, const struct rf_diff_progress *hp)
{
	struct cli_diff_progress *p = ctx;
	unsigned long long settled = hp->settled < hp->total ? hp->settled : hp->total;

	if (due(p))
		fprintf(stderr,
		        "\r%s: hashing: %llu of %llu rows settled (%llu%%), %llu segments\033[K",
		        p->cmd, settled, hp->total, hp->total ? settled * 100 / hp->total : 100,
		        hp->segments);
	return 0;
}

void cli_diff_progress_done(struct cli_diff_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}

int cli_diff_opts(const struct rf_config *cfg, const char *cmd, const char *flag,
                  struct cli_diff_progress *prog, struct rf_diff_opts *o)
{
	if (rf_diff_opts_from_config(cfg, flag, o) != 0) {
		fprintf(stderr, "rowferry: %s: %s '%s' (stream, hash, auto)\n", cmd,
		        flag ? "unknown --algorithm" : "unknown [diff] algorithm",
		        flag ? flag : cfg->diff_algorithm);
		return -1;
	}
	o->progress = prog ? cli_diff_progress_hash : NULL;
	o->progress_ctx = prog;
	return 0;
}

void cli_say_algorithm(const struct rf_diff *d, const char *cmd, const char *table)
{
	const struct rf_diff_stats *st = rf_diff_stats(d);
	const char *note = rf_diff_algorithm_note(d);

	if (rf_diff_algorithm_used(d) == RF_DIFF_HASH)
		fprintf(stderr,
		        "rowferry: %s %s: algorithm hash: %llu segments checked, %llu "
		        "streamed; received %llu rows, %llu bytes\n",
		        cmd, table, st->segments, st->segments_streamed, st->rows_received,
		        st->bytes_received);
	else
		fprintf(stderr,
		        "rowferry: %s %s: algorithm stream%s%s%s; received %llu rows, %llu bytes\n",
		        cmd, table, note ? " (hash not used: " : "", note ? note : "",
		        note ? ")" : "", st->rows_received, st->bytes_received);
}
