/* output_sql.c - `diff --format sql`: the script `copy --dry-run` prints
 * for the same selection (rf_preview_script): the same operations (--ops,
 * inserts and updates unless deletes are asked for), header, warnings,
 * BEGIN and COMMIT, in the target's dialect. Like sqldiff's output, but
 * honouring --exclude, and never a DELETE nobody asked for. */
#include <stdlib.h>

#include "rowferry/output.h"
#include "rowferry/plan.h"
#include "rowferry/preview.h"

/* The writer collects the differing rows in a plan that borrows the diff's
 * shape (owns_shape = false). */
struct sql_state {
	struct rf_plan *plan;
};

static void sql_begin(struct rf_diff_writer *w)
{
	struct sql_state *st = rf_xcalloc(1, sizeof *st);
	st->plan = rf_plan_new((struct rf_diff_shape *)w->shape,
	                       w->ops_mask ? w->ops_mask : RF_OPS_DEFAULT);
	st->plan->owns_shape = false;
	rf_plan_target(st->plan, w->dst, w->bulk_rows); /* as copy's plan */
	w->state = st;
}

static void sql_row(struct rf_diff_writer *w, const struct rf_diff_row *row)
{
	struct sql_state *st = w->state;
	rf_plan_add(st->plan, row); /* ops outside the mask are only counted */
}

static void sql_end(struct rf_diff_writer *w, const struct rf_diff_stats *stats)
{
	struct sql_state *st = w->state;
	struct rf_preview_opts popts = {w->filtered, 0, 0};
	struct rf_warnings warn = RF_WARNINGS_INIT;
	struct rf_buf text = RF_BUF_INIT;
	struct rf_error err;

	rf_error_clear(&err);
	if (rf_preview_warnings(st->plan, w->dst, &popts, &warn, &err) != 0) {
		char msg[1300];
		rf_warnings_add(&warn, RF_SEV_WARNING, "plan", "the checks could not finish: %s",
		                rf_error_text(&err, msg, sizeof msg));
	}
	if (w->summary_only)
		rf_preview_summary(st->plan, w->src, w->dst, stats, &warn, "-- ", &text);
	else
		rf_preview_script(st->plan, w->src, w->dst, stats, &warn, &text);
	fwrite(text.data, 1, text.len, w->out);
	rf_buf_free(&text);
	rf_warnings_free(&warn);
	rf_plan_free(st->plan);
	free(st);
	w->state = NULL;
}

const struct rf_diff_writer_ops rf_diff_sql_writer = {
    .name = "sql",
    .begin = sql_begin,
    .row = sql_row,
    .end = sql_end,
};
