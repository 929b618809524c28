/* cli_write.c - see cli_write.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_write.h"
#include "rowferry/all_copy.h"

volatile sig_atomic_t cli_interrupted;

bool cli_confirm_write(const char *target, const struct rf_conn_config *conn, bool yes,
                       const char *what)
{
	char line[512];
	bool by_name = !conn || !conn->confirm || strcmp(conn->confirm, "none") != 0;
	size_t n;

	if (yes)
		return true;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr,
		        "rowferry: %s: writing to %s needs --yes when no terminal is attached; "
		        "nothing written\n",
		        what, target);
		return false;
	}
	if (by_name)
		printf("Type the target's name (%s) to %s, anything else to stop: ", target, what);
	else
		printf("%s %s? [y/N] ", what, target);
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		line[0] = '\0';
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (by_name ? strcmp(line, target) == 0
	            : (strcmp(line, "y") == 0 || strcmp(line, "yes") == 0))
		return true;
	fprintf(stderr, "rowferry: %s: not confirmed; nothing written\n", what);
	return false;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p, const char *verb)
{
	p->on = isatty(STDERR_FILENO);
	p->shown = false;
	p->last = now_seconds();
	p->verb = verb;
	p->all = NULL;
}

/* copy --all: "copy: orders 3/6 tables, 40210/120000 rows (33%)", the
 * rows of the steps done and of this one. */
static void all_line(const struct cli_progress *p, enum rf_apply_phase phase, size_t done)
{
	const struct rf_all_check *c = p->all;
	size_t rows = c->steps_ops + (phase == RF_APPLY_WRITING ? done : 0);

	if (phase == RF_APPLY_COMMITTING || c->current >= c->len)
		fprintf(stderr, "\r%s: %zu tables, %zu rows: committing\033[K", p->verb, c->len,
		        c->total_ops);
	else
		fprintf(stderr, "\r%s: %s %zu/%zu tables, %zu/%zu rows (%d%%)\033[K", p->verb,
		        c->items[c->current].table, c->current + 1, c->len, rows, c->total_ops,
		        c->total_ops ? (int)(100.0 * (double)rows / (double)c->total_ops) : 100);
}

int cli_progress_cb(void *ctx, enum rf_apply_phase phase, size_t done, size_t total)
{
	static const char *const what[] = {"checking", "writing", "committing"};
	struct cli_progress *p = ctx;
	double now;

	if (!p->on)
		return 0;
	now = now_seconds();
	/* quiet for the first second: short jobs print nothing */
	if (now - p->last < (p->shown ? 0.2 : 1.0) && phase != RF_APPLY_COMMITTING)
		return 0;
	if (phase == RF_APPLY_COMMITTING && !p->shown)
		return 0;
	p->last = now;
	p->shown = true;
	if (p->all) {
		all_line(p, phase, done);
		return 0;
	}
	fprintf(stderr, "\r%s: %s %zu/%zu rows (%d%%)\033[K", p->verb, what[phase], done, total,
	        total ? (int)(100.0 * (double)done / (double)total) : 100);
	return 0;
}

void cli_progress_done(struct cli_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}

static void on_interrupt(int sig)
{
	(void)sig;
	cli_interrupted = 1;
}

void cli_catch_interrupt(bool on)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_interrupt : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	cli_interrupted = 0;
}
