/* output_json.c - `diff --format json`: JSON Lines exactly as DESIGN §7,
 * one object per differing row, the summary last. Values are canonical
 * strings (value.h) or null. A row with a large value that came as its
 * first bytes is written part by part, the value after the rows
 * (output_large.c), the same bytes as a whole dump. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

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

/* JSON_COMPACT | JSON_PRESERVE_ORDER, as emit() dumps a whole line */
#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

/* One "name": of an object written piece by piece, as jansson writes it
 * in a compact dump. */
static void put_name(FILE *out, bool *first, const char *name)
{
	json_t *k = json_stringn_nocheck(name, strlen(name));
	if (!*first)
		fputc(',', out);
	*first = false;
	json_dumpf(k, out, DUMP_FLAGS);
	json_decref(k);
	fputc(':', out);
}

/* "name":value, v taken (a NULL value: left out, as json_object_set_new
 * leaves it out). */
static void put_member(FILE *out, bool *first, const char *name, json_t *v)
{
	if (!v)
		return;
	put_name(out, first, name);
	json_dumpf(v, out, DUMP_FLAGS);
	json_decref(v);
}

/* side_json written piece by piece, a large value as a hole
 * (output_large.c). */
static void side_pieces(struct rf_diff_writer *w, const struct rf_cell *cells, int side)
{
	const struct rf_diff_shape *sh = w->shape;
	bool first = true;
	size_t i;

	if (!cells) {
		fputs("null", w->out);
		return;
	}
	fputc('{', w->out);
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		if (c->excluded || (side == 0 ? c->src : c->dst) < 0)
			continue;
		if (!rf_writer_partial(w, side, i)) {
			put_member(w->out, &first, c->name, cell_json(&cells[i]));
			continue;
		}
		put_name(w->out, &first, c->name);
		rf_writer_hole(w, side, i, cells, RF_HOLE_JSON);
	}
	fputc('}', w->out);
}

static bool row_partial(const struct rf_diff_writer *w, const struct rf_diff_row *row)
{
	for (size_t i = 0; w->diff && i < w->shape->ncols; i++)
		if ((row->src && rf_writer_partial(w, 0, i)) ||
		    (row->dst && rf_writer_partial(w, 1, i)))
			return true;
	return false;
}

/* json_row's line for a row with a large value that came as its first
 * bytes: the same bytes, each part dumped by jansson on its own. */
static void json_row_pieces(struct rf_diff_writer *w, const struct rf_diff_row *row, json_t *key,
                            json_t *changed)
{
	bool first = true;

	fputc('{', w->out);
	if (w->in_set)
		put_member(w->out, &first, "table", json_string(w->shape->src_table.display));
	put_member(w->out, &first, "status", json_string(rf_diff_status_name(row->status)));
	put_member(w->out, &first, "key", key);
	fputs(",\"source\":", w->out);
	side_pieces(w, row->src, 0);
	fputs(",\"target\":", w->out);
	side_pieces(w, row->dst, 1);
	put_member(w->out, &first, "changed", changed);
	fputs("}\n", w->out);
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
	changed = json_array();
	for (i = 0; i < sh->ncols; i++)
		if (row->changed[i])
			json_array_append_new(changed, json_string(sh->cols[i].name));
	if (row_partial(w, row)) {
		json_decref(o);
		json_row_pieces(w, row, key, changed);
		return;
	}
	json_object_set_new_nocheck(o, "status", json_string(rf_diff_status_name(row->status)));
	json_object_set_new_nocheck(o, "key", key);
	json_object_set_new_nocheck(o, "source", side_json(sh, row->src, 0));
	json_object_set_new_nocheck(o, "target", side_json(sh, row->dst, 1));
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
