/* output_csv.c - `diff --format csv` and the console's export (E): one
 * line per side of each differing row, RFC 4180 quoting:
 *
 *   diff,side,<column>,<column>,...
 *   changed,source,...
 *   changed,target,...
 *   only_source,source,...
 *
 * Values are canonical strings; NULL is an empty field and '' a quoted
 * empty one (""), so the two stay apart. Excluded columns are left out, as
 * in the JSON form; a column one side lacks is an empty field. A large
 * value that came as its first bytes is written after the rows
 * (output_large.c), as field() writes it. */
#include <string.h>

#include "rowferry/output.h"

static void field(FILE *out, const char *s, size_t n, bool quote)
{
	size_t i;
	if (!quote) {
		fwrite(s, 1, n, out);
		return;
	}
	fputc('"', out);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', out);
		fputc(s[i], out);
	}
	fputc('"', out);
}

static bool needs_quotes(const char *s, size_t n)
{
	return n == 0 || memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) ||
	       memchr(s, '\r', n) || s[0] == ' ' || s[n - 1] == ' ';
}

static void csv_begin(struct rf_diff_writer *w)
{
	const struct rf_diff_shape *sh = w->shape;
	size_t i;

	if (w->summary_only)
		return;
	fputs("diff,side", w->out);
	for (i = 0; i < sh->ncols; i++) {
		if (sh->cols[i].excluded)
			continue;
		fputc(',', w->out);
		field(w->out, sh->cols[i].name, strlen(sh->cols[i].name),
		      needs_quotes(sh->cols[i].name, strlen(sh->cols[i].name)));
	}
	fputc('\n', w->out);
}

static void side_line(struct rf_diff_writer *w, const struct rf_diff_row *row, int side)
{
	const struct rf_diff_shape *sh = w->shape;
	const struct rf_cell *cells = side == 0 ? row->src : row->dst;
	size_t i;

	fprintf(w->out, "%s,%s", rf_diff_status_name(row->status), side == 0 ? "source" : "target");
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		if (c->excluded)
			continue;
		fputc(',', w->out);
		if ((side == 0 ? c->src : c->dst) < 0 || cells[i].is_null)
			continue;
		if (rf_writer_partial(w, side, i)) { /* its first bytes: whole later */
			rf_writer_hole(w, side, i, cells, RF_HOLE_CSV);
			continue;
		}
		field(w->out, cells[i].data, cells[i].len,
		      needs_quotes(cells[i].data, cells[i].len));
	}
	fputc('\n', w->out);
}

static void csv_row(struct rf_diff_writer *w, const struct rf_diff_row *row)
{
	if (w->summary_only)
		return;
	if (row->src)
		side_line(w, row, 0);
	if (row->dst)
		side_line(w, row, 1);
}

static void csv_end(struct rf_diff_writer *w, const struct rf_diff_stats *st)
{
	if (w->summary_only)
		fprintf(w->out, "only_source,only_target,changed,identical\n%llu,%llu,%llu,%llu\n",
		        st->only_source, st->only_target, st->changed, st->identical);
}

const struct rf_diff_writer_ops rf_diff_csv_writer = {
    .name = "csv",
    .begin = csv_begin,
    .row = csv_row,
    .end = csv_end,
};
