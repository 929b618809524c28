/* output_sql.c - `diff --format sql`: the statements that would make the
 * target match the source (inserts, updates and deletes), in the target's
 * dialect, rendered by the same plan renderer copy uses. Like sqldiff's
 * output, but honouring --exclude. */
#include <stdlib.h>

#include "rowferry/output.h"
#include "rowferry/plan.h"

/* The writer collects the differing rows in a plan that borrows the diff's
 * shape (owns_shape = false). */
struct sql_state {
	struct rf_plan *plan;
};

static void sql_begin(struct rf_diff_writer *w)
{
	struct sql_state *st = rf_xcalloc(1, sizeof *st);
	st->plan = rf_plan_new((struct rf_diff_shape *)w->shape, RF_OPS_ALL);
	st->plan->owns_shape = false;
	st->plan->no_returning = true; /* a script to run, like sqldiff's: */
	st->plan->bulk_rows = 0;       /* plain statements, no COPY blocks */
	w->state = st;
}

static void sql_row(struct rf_diff_writer *w, const struct rf_diff_row *row)
{
	struct sql_state *st = w->state;
	rf_plan_add(st->plan, row);
}

static void sql_end(struct rf_diff_writer *w, const struct rf_diff_stats *stats)
{
	struct sql_state *st = w->state;
	struct rf_buf text = RF_BUF_INIT;
	size_t i;

	if (!w->summary_only) {
		fprintf(w->out, "-- rowferry diff %s: make %s match %s\n",
		        w->shape->src_table.display, w->dst->name, w->src->name);
		for (i = 0; i < st->plan->errors.len; i++)
			fprintf(w->out, "-- warning: %s\n", st->plan->errors.items[i]);
		rf_plan_render_text(st->plan, w->dst, &text);
		fputs(text.data ? text.data : "", w->out);
	}
	fprintf(w->out,
	        "-- %llu only in source, %llu only in target, %llu changed, %llu identical\n",
	        stats->only_source, stats->only_target, stats->changed, stats->identical);
	rf_buf_free(&text);
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
