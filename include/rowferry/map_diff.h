/* map_diff.h - `rowferry diff TARGET` through a [map] section (DESIGN §12):
 * the source rows mapped and validated, then compared canonically with the
 * target by the map's key.
 *
 * The shape is an ordinary rf_diff_shape (diff.h) over the *target's*
 * columns, so the diff writers print it as any diff: a column is compared
 * when the map (or the name rule) gives it a value; `default`, a ref() whose
 * parent has no [map] key, and unmatched columns are not, each with a note
 * in shape->warnings.
 */
#ifndef ROWFERRY_MAP_DIFF_H
#define ROWFERRY_MAP_DIFF_H

#include "rowferry/config.h"
#include "rowferry/diff.h"
#include "rowferry/map.h"

/* Owns shape, exprs (the name rule's column nodes; the map's own are
 * borrowed from map, which must outlive it) and src_names. */
struct rf_map_diff_shape {
	const struct rf_map *map;
	struct rf_diff_shape *shape;
	const struct rf_map_expr **exprs; /* per shape column, or NULL */
	struct rf_map_expr **owned;       /* per shape column: the ones made here */
	char **src_names;                 /* the source's columns, for binding */
	enum rf_type_class *src_classes;  /* theirs, then each sql()'s */
	/* sql() nodes (DESIGN §12): the source stream's items after its
	 * columns, in slot order (rf_map_bind); exprs[i].sql points into
	 * sqls. A whole-column sql() is read as the target column's class,
	 * one inside a built-in as text. */
	struct rf_strlist sqls;
	struct rf_stream_expr *sql_exprs;
	const char *now;   /* canonical timestamptz of now(): the diff's start */
	bool refs_by_key;  /* a copy's (rf_map_diff_copy_refs): ref() columns
	                      hold and compare the parent's match key */
	bool skip_invalid; /* --skip-invalid: invalid rows are listed in the
	                      report and left out; the valid ones are emitted */
	bool *uses_now;    /* per shape column: its expression can give now(),
	                      whose value equals any non-NULL target value (the
	                      time of an earlier copy): re-runs stay idempotent */
	/* Each source row as read (the console keeps them for its cell
	 * inspector and lists the invalid ones): src, the source's canonical
	 * cells (its columns); mapped, the shape's (NULL cells where a column
	 * is not compared or its value is invalid); invalid, that row's lines
	 * of rep->invalid ("source key\tcolumn\treason\n"), NULL for a valid
	 * row. All valid during the call only. NULL: not called. */
	void (*on_source)(void *ctx, const struct rf_cell *src, const struct rf_cell *mapped,
	                  const char *invalid);
	void *on_source_ctx;
	size_t nrefs;
	struct rf_map_diff_ref {
		const struct rf_map_expr *e; /* a ref() node */
		char *key;                   /* the parent's match key ("legacy_id") */
	} * refs;
};

struct rf_map_diff_report {
	unsigned long long src_rows, dst_rows;
	struct rf_diff_stats stats;
	unsigned long long invalid_rows, ninvalid_cells;
	struct rf_buf invalid; /* "source key\tcolumn\treason\n" per invalid cell */
};

/* ref(TABLE, c...) columns are compared when sections (the config or the
 * --map file the map came from; may be NULL) has a [map TABLE] whose key
 * names the parent's match key: the reference is then the parent's
 * primary key in the target whose match key equals c... (a parent the
 * target lacks makes the row invalid). Otherwise they are noted, not
 * compared. */
/* Starts read transactions on both sides, describes map->from on src and
 * map->target on dst and resolves the columns (binding every expression,
 * so an unknown source column, a mapped column the target lacks or a
 * sql() that fails the source engine's --where check is an error
 * "FILE:LINE: column X: ..."). now: the canonical
 * timestamptz now() gives (borrowed). 0 with *out (free with
 * rf_map_diff_shape_free), or -1 with err. The map's expressions are
 * bound in place (their slots). */
int rf_map_diff_open(struct rf_db *src, struct rf_db *dst, struct rf_map *map, const char *now,
                     const struct rf_config *sections, struct rf_map_diff_shape **out,
                     struct rf_error *err);
void rf_map_diff_shape_free(struct rf_map_diff_shape *ms);
/* Frees ms but its shape, which it returns (the caller's: a plan's). */
struct rf_diff_shape *rf_map_diff_shape_take(struct rf_map_diff_shape *ms);

/* For a copy (DESIGN §11, §12): every ref(TABLE, c) column becomes a
 * reference through TABLE's match key (the one column its [map TABLE]
 * key names; struct rf_col_ref on the shape column), so the diff compares
 * the parent's match key on both sides; the plan writes the parent's key
 * where the target has the parent (rf_map_diff_copy_fn's parent_keys), else
 * (SELECT pk FROM TABLE WHERE mk = value): a parent this copy inserts. A ref() inside another
 * expression, a parent without a [map] key, a composite match key or parent key are errors
 * "FILE:LINE: column X: ...". Call after rf_map_diff_open, on dst. */
int rf_map_diff_copy_refs(struct rf_map_diff_shape *ms, struct rf_db *dst, struct rf_error *err);

/* Called for each key in key order, identical rows included; the row is
 * valid during the call only. */
typedef void (*rf_map_diff_row_fn)(void *ctx, const struct rf_diff_row *row);

/* Match keys of parents a copy of a set inserts (map_copy.c): a ref()
 * to table whose key is among these (canonical, of the parent's match key
 * column) has its parent even though the target lacks it yet. Borrowed. */
struct rf_map_pending {
	const char *table; /* the parent's target table, as ref() names it */
	size_t n;
	const struct rf_cell *keys; /* sorted by rf_value_cmp_key */
	enum rf_type_class cls;
};

/* Reads both sides (memory grows with the tables in this first slice),
 * maps and validates every source row. When a row is invalid nothing is
 * emitted and rep->invalid lists every invalid cell (the caller refuses),
 * unless ms->skip_invalid: then the invalid rows are left out and the
 * rest emitted. Otherwise every key is emitted. pending[0..npending):
 * parents a set copy inserts (NULL, 0: none). rep is zeroed by the caller
 * and freed with rf_buf_free(&rep->invalid). 0, or -1 with err. */
int rf_map_diff_run(struct rf_db *src, struct rf_db *dst, const struct rf_map_diff_shape *ms,
                    rf_map_diff_row_fn emit, void *emit_ctx, struct rf_map_diff_report *rep,
                    struct rf_error *err);
/* A copy's emit: the row as rf_map_diff_row_fn's, and parent_keys, per
 * shape column, the target's key of the parent a ref() column's match key
 * names, where the target held that parent when the diff read it
 * (canonical, of the referencing target column's class), a NULL cell
 * elsewhere (a parent the copy inserts among them). Valid during the call.
 * src_bytes: the malloc'd block row->src's cells point into (NULL when the
 * row has no source side), which the callee may take, setting it NULL
 * (rf_plan_add_taking). */
typedef void (*rf_map_diff_copy_fn)(void *ctx, const struct rf_diff_row *row,
                                    const struct rf_cell *parent_keys, char **src_bytes);
int rf_map_diff_run_pending(struct rf_db *src, struct rf_db *dst,
                            const struct rf_map_diff_shape *ms,
                            const struct rf_map_pending *pending, size_t npending,
                            rf_map_diff_copy_fn emit, void *emit_ctx,
                            struct rf_map_diff_report *rep, struct rf_error *err);

#endif
