/* preview_script.c - a plan as the SQL script every front end shows
 * (preview.h): copy --dry-run, diff --format sql and the console's saved
 * preview. */
#include <string.h>

#include "rowferry/apply.h"
#include "rowferry/preview.h"

void rf_preview_summary(const struct rf_plan *p, const struct rf_db *src, const struct rf_db *dst,
                        const struct rf_diff_stats *st, const struct rf_warnings *w,
                        const char *prefix, struct rf_buf *out)
{
	size_t i;

	rf_buf_printf(out, "%scopy %s: %s (%s) -> %s (%s)\n", prefix, p->shape->dst_table.display,
	              src->name, src->display_url, dst->name, dst->display_url);
	rf_buf_printf(out, "%s%zu to insert, %zu to update, %zu to delete; %llu identical\n",
	              prefix, rf_plan_count(p, RF_OP_INSERT), rf_plan_count(p, RF_OP_UPDATE),
	              rf_plan_count(p, RF_OP_DELETE), st->identical);
	for (i = 0; i < w->len; i++)
		rf_buf_printf(out, "%s%s: %s\n", prefix, rf_severity_name(w->items[i].severity),
		              w->items[i].text);
}

void rf_preview_sql(const struct rf_plan *p, struct rf_db *dst, size_t max, struct rf_buf *out)
{
	struct rf_stmts s;
	size_t i;

	rf_plan_render_stmts(p, dst, RF_APPLY_BATCH_ROWS, true, &s);
	rf_buf_adds(out, "BEGIN;\n");
	for (i = 0; i < s.len && (max == 0 || i < max); i++) {
		const struct rf_stmt *st = &s.items[i];
		const char *text = st->text, *cut = text;
		size_t line;
		/* a bulk load, shortened: the statement and its first rows */
		for (line = 0; st->bulk && max && cut && line <= max; line++)
			if ((cut = strchr(cut, '\n')))
				cut++;
		if (st->bulk && max && cut) {
			rf_buf_printf(
			    out,
			    "%.*s-- ... and the rest of the %zu rows (--dry-run shows them "
			    "all)\n",
			    (int)(cut - text), text, st->count);
			continue;
		}
		rf_buf_printf(out, "%s%s\n", text, rf_stmt_end(st));
	}
	if (i < s.len)
		rf_buf_printf(out, "-- ... %zu more statements (--dry-run shows them all)\n",
		              s.len - i);
	else
		rf_buf_adds(out, "COMMIT;\n");
	rf_stmts_free(&s);
}

void rf_preview_script(const struct rf_plan *p, const struct rf_db *src, struct rf_db *dst,
                       const struct rf_diff_stats *st, const struct rf_warnings *w,
                       struct rf_buf *out)
{
	rf_preview_summary(p, src, dst, st, w, "-- ", out);
	if (p->nops)
		rf_preview_sql(p, dst, 0, out);
}
