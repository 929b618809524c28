/* output_text.c - `diff --format text`: an aligned listing for people.
 * Every status has a glyph (+ - ~); colour only adds to it, on a terminal. */
#include <stdlib.h>
#include <string.h>

#include "rowferry/output.h"

#define VALUE_WIDTH 40

static const char *color_of(enum rf_diff_status s)
{
	return s == RF_ONLY_SOURCE ? "\033[32m" : s == RF_ONLY_TARGET ? "\033[31m" : "\033[33m";
}

static const char *status_words(enum rf_diff_status s)
{
	return s == RF_ONLY_SOURCE   ? "only in source"
	       : s == RF_ONLY_TARGET ? "only in target"
	                             : "changed";
}

static void text_begin(struct rf_diff_writer *w)
{
	const struct rf_diff_shape *sh = w->shape;
	size_t i;
	if (w->summary_only)
		return;
	fprintf(w->out,
	        "table:  %s\nsource: %s (%s)\ntarget: %s (%s)\nkey:    ", sh->src_table.display,
	        w->src->name, w->src->display_url, w->dst->name, w->dst->display_url);
	for (i = 0; i < sh->nkey; i++)
		fprintf(w->out, "%s%s", i ? ", " : "", sh->cols[sh->key[i]].name);
	fputc('\n', w->out);
	/* references whose parent's key the target generates: their values
	 * are the parent's match key (DESIGN §11) */
	for (i = 0; i < sh->ncols; i++)
		if (sh->cols[i].ref)
			fprintf(w->out,
			        "ref:    %s -> %s.%s (compared by the parent's match key)\n",
			        sh->cols[i].name, sh->cols[i].ref->parent[0].display,
			        sh->cols[i].ref->mk);
	for (i = 0; i < sh->warnings.len; i++)
		fprintf(w->out, "note:   %s\n", sh->warnings.items[i]);
	fputc('\n', w->out);
}

/* Display width of a UTF-8 string in characters (good enough for the
 * alignment of a plain-text listing). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void text_row(struct rf_diff_writer *w, const struct rf_diff_row *row)
{
	const struct rf_diff_shape *sh = w->shape;
	const struct rf_cell *cells = row->src ? row->src : row->dst;
	struct rf_buf key = RF_BUF_INIT, a = RF_BUF_INIT, b = RF_BUF_INIT;
	size_t i, namew = 0;

	if (w->summary_only)
		return;
	rf_diff_format_key(sh, cells, &key);
	fprintf(w->out, "%s%c %s%s  (%s)\n", w->color ? color_of(row->status) : "",
	        rf_diff_status_glyph(row->status), key.data, w->color ? "\033[0m" : "",
	        status_words(row->status));
	if (row->status == RF_CHANGED) {
		for (i = 0; i < sh->ncols; i++)
			if (row->changed[i] && strlen(sh->cols[i].name) > namew)
				namew = strlen(sh->cols[i].name);
		for (i = 0; i < sh->ncols; i++) {
			size_t pad;
			if (!row->changed[i])
				continue;
			rf_buf_reset(&a);
			rf_buf_reset(&b);
			rf_format_value_display(&row->src[i], VALUE_WIDTH, &a);
			rf_format_value_display(&row->dst[i], VALUE_WIDTH, &b);
			pad =
			    utf8_chars(a.data) < VALUE_WIDTH ? VALUE_WIDTH - utf8_chars(a.data) : 0;
			fprintf(w->out, "    %-*s  %s%*s  ->  %s\n", (int)namew, sh->cols[i].name,
			        a.data, (int)pad, "", b.data);
		}
	}
	rf_buf_free(&key);
	rf_buf_free(&a);
	rf_buf_free(&b);
}

static void text_end(struct rf_diff_writer *w, const struct rf_diff_stats *st)
{
	fprintf(w->out,
	        "%s%s: %llu only in source, %llu only in target, %llu changed, %llu identical\n",
	        w->summary_only ? "" : "\n", w->shape->src_table.display, st->only_source,
	        st->only_target, st->changed, st->identical);
}

static void text_end_all(struct rf_diff_writer *w, size_t ntables, const struct rf_diff_stats *st)
{
	fprintf(w->out,
	        "%sall %zu tables: %llu only in source, %llu only in target, %llu changed, "
	        "%llu identical\n",
	        w->summary_only ? "" : "\n", ntables, st->only_source, st->only_target, st->changed,
	        st->identical);
}

const struct rf_diff_writer_ops rf_diff_text_writer = {
    .name = "text",
    .begin = text_begin,
    .row = text_row,
    .end = text_end,
    .end_all = text_end_all,
};
