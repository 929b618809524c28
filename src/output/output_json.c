/* output_json.c - `diff --format json`: JSON Lines exactly as DESIGN §7,
 * one object per differing row, the summary last. Values are canonical
 * strings (value.h) or null. */
#include <jansson.h>
#include <stdlib.h>

#include "rowferry/output.h"

static json_t *cell_json(const struct rf_cell *c)
{
	return c->is_null ? json_null() : json_stringn_nocheck(c->data, c->len);
}

/* The columns of one side a reader cares about: everything not excluded
 * that the side has. */
static json_t *side_json(const struct rf_diff_shape *sh, const struct rf_cell *cells, int side)
{
	json_t *o;
	size_t i;
	if (!cells)
		return json_null();
	o = json_object();
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		if (c->excluded || (side == 0 ? c->src : c->dst) < 0)
			continue;
		json_object_set_new_nocheck(o, c->name, cell_json(&cells[i]));
	}
	return o;
}

static void emit(struct rf_diff_writer *w, json_t *j)
{
	/* canonical strings may hold any bytes; jansson escapes them */
	json_dumpf(j, w->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', w->out);
	json_decref(j);
}

static void json_begin(struct rf_diff_writer *w)
{
	(void)w;
}

static void json_row(struct rf_diff_writer *w, const struct rf_diff_row *row)
{
	const struct rf_diff_shape *sh = w->shape;
	const struct rf_cell *kc = row->src ? row->src : row->dst;
	json_t *o, *key, *changed;
	size_t i;

	if (w->summary_only)
		return;
	o = json_object();
	if (w->in_set)
		json_object_set_new_nocheck(o, "table", json_string(w->shape->src_table.display));
	key = json_object();
	for (i = 0; i < sh->nkey; i++)
		json_object_set_new_nocheck(key, sh->cols[sh->key[i]].name,
		                            cell_json(&kc[sh->key[i]]));
	json_object_set_new_nocheck(o, "status", json_string(rf_diff_status_name(row->status)));
	json_object_set_new_nocheck(o, "key", key);
	json_object_set_new_nocheck(o, "source", side_json(sh, row->src, 0));
	json_object_set_new_nocheck(o, "target", side_json(sh, row->dst, 1));
	changed = json_array();
	for (i = 0; i < sh->ncols; i++)
		if (row->changed[i])
			json_array_append_new(changed, json_string(sh->cols[i].name));
	json_object_set_new_nocheck(o, "changed", changed);
	emit(w, o);
}

static void json_end(struct rf_diff_writer *w, const struct rf_diff_stats *st)
{
	json_t *s = json_pack("{s:s, s:I, s:I, s:I, s:I}", "table", w->shape->src_table.display,
	                      "only_source", (json_int_t)st->only_source, "only_target",
	                      (json_int_t)st->only_target, "changed", (json_int_t)st->changed,
	                      "identical", (json_int_t)st->identical);
	if (w->in_set)
		emit(w,
		     json_pack("{s:s, s:o}", "table", w->shape->src_table.display, "summary", s));
	else
		emit(w, json_pack("{s:o}", "summary", s));
}

static void json_end_all(struct rf_diff_writer *w, size_t ntables, const struct rf_diff_stats *st)
{
	json_t *s =
	    json_pack("{s:I, s:I, s:I, s:I, s:I}", "tables", (json_int_t)ntables, "only_source",
	              (json_int_t)st->only_source, "only_target", (json_int_t)st->only_target,
	              "changed", (json_int_t)st->changed, "identical", (json_int_t)st->identical);
	emit(w, json_pack("{s:o}", "summary_all", s));
}

const struct rf_diff_writer_ops rf_diff_json_writer = {
    .name = "json",
    .begin = json_begin,
    .row = json_row,
    .end = json_end,
    .end_all = json_end_all,
};
