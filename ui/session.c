/* session.c - the diff of one table, run in slices (session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "rowferry/output.h"
#include "session.h"
#include "view.h"

#define MAX_COL_WIDTH 28
#define MIN_COL_WIDTH 3
/* rows between looks at the clock: cheap enough, fine enough */
#define CLOCK_EVERY 256

static void free_rows(struct session *s)
{
	size_t i, ncols = s->shape ? s->shape->ncols : 0;
	for (i = 0; i < s->nrows; i++) {
		rf_diff_row_free(s->rows[i], ncols);
		if (s->invalid)
			free(s->invalid[i]);
	}
	free(s->rows);
	free(s->marked);
	free(s->sources);
	free(s->invalid);
	s->rows = NULL;
	s->marked = NULL;
	s->sources = NULL;
	s->invalid = NULL;
	s->nrows = s->cap = s->nmarked = 0;
}

/* Ends the diff (its streams and read transactions), keeping the shape. */
static void end_diff(struct session *s)
{
	if (!s->diff)
		return;
	if (s->shape && !s->owns_shape) {
		s->shape = rf_diff_detach_shape(s->diff);
		s->owns_shape = true;
	}
	rf_diff_close(s->diff);
	s->diff = NULL;
}

static void drop_shape(struct session *s)
{
	if (s->owns_shape)
		rf_diff_shape_free(s->shape);
	s->shape = NULL;
	s->owns_shape = false;
	free(s->width);
	s->width = NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *row_key(const struct rf_diff_shape *sh, const struct rf_diff_row *r)
{
	struct rf_buf b = RF_BUF_INIT;
	rf_diff_format_key(sh, r->src ? r->src : r->dst, &b);
	return rf_buf_steal(&b);
}

/* Remembers the keys of marked rows so a re-run (new WHERE, excluded
 * column) keeps them marked. */
static void save_marks(struct session *s)
{
	size_t i;
	if (!s->nmarked || !s->shape)
		return;
	rf_strlist_free(&s->marked_keys);
	for (i = 0; i < s->nrows; i++)
		if (s->marked[i]) {
			char *k = row_key(s->shape, s->rows[i]);
			rf_strlist_add(&s->marked_keys, k);
			free(k);
		}
	qsort(s->marked_keys.items, s->marked_keys.len, sizeof(char *), cmp_str);
}

const struct rf_cell *session_shown_cells(const struct rf_diff_row *r, int side)
{
	if (side == 0)
		return r->src_stored ? r->src_stored : r->src;
	return r->dst_stored ? r->dst_stored : r->dst;
}

/* Columns a value takes in the grid (session_shown_cells, as shown by
 * rf_format_stored_display). */
static size_t cell_width(const struct rf_db *db, enum rf_type_class tc, const struct rf_cell *c)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t i, w;
	if (!c || c->is_null)
		return 4;
	/* the common case, plain ASCII, without building the display form */
	for (i = 0; tc != RF_T_BYTES && i < c->len && i < MAX_COL_WIDTH + 1; i++)
		if ((unsigned char)c->data[i] < 0x20 || (unsigned char)c->data[i] >= 0x7f)
			break;
	if (tc != RF_T_BYTES && (i == c->len || i > MAX_COL_WIDTH))
		return c->len ? (i > MAX_COL_WIDTH ? MAX_COL_WIDTH : c->len) : 2;
	rf_format_stored_display(db, tc, c, MAX_COL_WIDTH + 1, &b);
	w = text_width(b.data, b.len);
	rf_buf_free(&b);
	return w;
}

static void widen(struct session *s, const struct rf_diff_row *r)
{
	size_t i;
	int side;
	for (i = 0; i < s->shape->ncols; i++) {
		size_t w = s->width[i];
		if (w >= MAX_COL_WIDTH)
			continue;
		for (side = 0; side < 2; side++) {
			const struct rf_cell *cells = session_shown_cells(r, side);
			size_t cw;
			if (!cells)
				continue;
			cw = cell_width(side == 0 ? s->con->src : s->con->dst,
			                s->shape->cols[i].tclass, &cells[i]);
			if (cw > w)
				w = cw;
		}
		s->width[i] = w > MAX_COL_WIDTH ? MAX_COL_WIDTH : w;
	}
}

void session_start_widths(struct session *s)
{
	size_t i;
	s->width = rf_xcalloc(s->shape->ncols ? s->shape->ncols : 1, sizeof *s->width);
	for (i = 0; i < s->shape->ncols; i++) {
		/* the header shows markers around the name: "(guid)" when excluded */
		size_t w = text_width(s->shape->cols[i].name, strlen(s->shape->cols[i].name)) + 2;
		s->width[i] = w < MIN_COL_WIDTH   ? MIN_COL_WIDTH
		              : w > MAX_COL_WIDTH ? MAX_COL_WIDTH
		                                  : w;
	}
}

void session_keep_row(struct session *s, const struct rf_diff_row *r)
{
	if (s->nrows == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->rows = rf_xrealloc(s->rows, s->cap * sizeof *s->rows);
		s->marked = rf_xrealloc(s->marked, s->cap);
		if (s->map) {
			s->sources = rf_xrealloc(s->sources, s->cap * sizeof *s->sources);
			s->invalid = rf_xrealloc(s->invalid, s->cap * sizeof *s->invalid);
		}
	}
	s->rows[s->nrows] = rf_diff_row_dup_stored(r, s->shape->ncols);
	s->marked[s->nrows] = 0;
	if (s->map) {
		s->sources[s->nrows] = NULL;
		s->invalid[s->nrows] = NULL;
	}
	if (s->marked_keys.len) {
		char *k = row_key(s->shape, r);
		if (bsearch(&k, s->marked_keys.items, s->marked_keys.len, sizeof(char *),
		            cmp_str)) {
			s->marked[s->nrows] = 1;
			s->nmarked++;
		}
		free(k);
	}
	widen(s, r);
	s->nrows++;
}

static long long expected_rows(const struct session *s)
{
	long long a, b;
	if (s->sel.where || s->sel.source_where || s->sel.target_where)
		return -1;
	a = console_table_rows(s->con, 0, s->sel.table);
	b = console_table_rows(s->con, 1, s->sel.table);
	return a < 0 || b < 0 ? -1 : a + b;
}

/* Describes the source table for the title when the diff could not start;
 * its error is not the one to show (the diff's is), so it is dropped. */
static void describe_quietly(struct session *s)
{
	struct rf_db *db = s->con->src;
	struct rf_error err;

	if (s->have_info)
		return;
	rf_error_clear(&err);
	memset(&s->info, 0, sizeof s->info);
	s->have_info = rf_db_describe(db, s->sel.table, &s->info, &err) == 0;
	if (!s->have_info)
		rf_table_info_free(&s->info);
}

/* The algorithm of [diff] (DESIGN §14; auto when not set): a table of
 * more than hash_min_rows rows on two servers is hashed, its segments
 * planned before the first row with progress at the bottom of the screen
 * (Esc stops it). -1 with s->err for an unknown algorithm. */
static int diff_opts(struct session *s, struct rf_diff_opts *o)
{
	const struct rf_config *cfg = s->con->cfg_loaded ? &s->con->cfg : NULL;

	if (rf_diff_opts_from_config(cfg, NULL, o) != 0) {
		rf_error_set(&s->err, "[diff] algorithm",
		             "unknown algorithm '%s' (stream, hash, auto)", cfg->diff_algorithm);
		return -1;
	}
	o->progress = progress_hash;
	o->progress_ctx = s->con;
	return 0;
}

int session_run(struct session *s)
{
	struct rf_diff_opts o = RF_DIFF_OPTS_INIT;

	session_cancel(s);
	save_marks(s);
	free_rows(s);
	drop_shape(s);
	memset(&s->stats, 0, sizeof s->stats);
	rf_error_clear(&s->err);
	s->generation++;
	s->identical_kept = 0;
	s->expected = expected_rows(s);
	s->hashed = false;
	if (s->map)
		return session_map_run(s);
	if (diff_opts(s, &o) == 0)
		s->diff = rf_diff_open_opts(s->con->src, s->con->dst, &s->sel, &o, &s->err);
	if (!s->diff) {
		s->state = SESSION_FAILED;
		if (!s->sel.key.len)
			describe_quietly(s); /* the title names the primary key */
		return -1;
	}
	s->shape = (struct rf_diff_shape *)rf_diff_shape(s->diff);
	s->owns_shape = false;
	s->hashed = rf_diff_algorithm_used(s->diff) == RF_DIFF_HASH;
	session_start_widths(s);
	s->state = SESSION_RUNNING;
	session_step(s, 1);
	return s->state == SESSION_FAILED ? -1 : 0;
}

bool session_step(struct session *s, int budget_ms)
{
	double until = console_now_ms() + budget_ms;
	const struct rf_diff_row *r;
	unsigned n = 0;

	if (s->state != SESSION_RUNNING)
		return false;
	for (;;) {
		int rc = rf_diff_next(s->diff, &r, &s->err);
		if (rc < 0) {
			end_diff(s);
			free_rows(s);
			s->state = SESSION_FAILED;
			break;
		}
		if (rc == 0) {
			s->stats = *rf_diff_stats(s->diff);
			end_diff(s);
			s->state = SESSION_DONE;
			rf_strlist_free(&s->marked_keys);
			break;
		}
		if (r->status != RF_IDENTICAL) {
			session_keep_row(s, r);
		} else if (s->show_identical) {
			if (s->identical_kept < SESSION_MAX_IDENTICAL_KEPT) {
				session_keep_row(s, r);
				s->identical_kept++;
			}
		}
		if (++n % CLOCK_EVERY == 0 && console_now_ms() >= until)
			break;
	}
	if (s->diff)
		s->stats = *rf_diff_stats(s->diff);
	return s->state == SESSION_RUNNING;
}

void session_cancel(struct session *s)
{
	if (s->state != SESSION_RUNNING)
		return;
	end_diff(s);
	s->state = SESSION_CANCELLED;
}

bool session_busy(const struct session *s)
{
	return s && s->state == SESSION_RUNNING;
}

struct session *session_new(struct console *con, struct rf_selection *sel)
{
	struct session *s = rf_xcalloc(1, sizeof *s);
	s->con = con;
	s->ops_mask = RF_OPS_DEFAULT;
	s->sel = *sel;
	memset(sel, 0, sizeof *sel);
	s->map = session_map_new(con, s->sel.table);
	session_run(s);
	return s;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	session_cancel(s);
	free_rows(s);
	drop_shape(s);
	session_map_free(s->map);
	rf_selection_free(&s->sel);
	rf_strlist_free(&s->marked_keys);
	if (s->have_info)
		rf_table_info_free(&s->info);
	free(s->through);
	free(s);
}

void session_counts(const struct session *s, struct rf_buf *out)
{
	const struct rf_diff_stats *st = &s->stats;
	rf_buf_printf(out, "+%llu -%llu ~%llu", st->only_source, st->only_target, st->changed);
	rf_buf_printf(out, " =%llu", st->identical);
	if (s->show_identical && st->identical > s->identical_kept)
		rf_buf_printf(out, " (%zu shown)", s->identical_kept);
	if (s->map && session_map_invalid(s))
		rf_buf_printf(out, " !%llu invalid", session_map_invalid(s));
	if (s->nmarked)
		rf_buf_printf(out, "  %zu marked", s->nmarked);
	if (s->hashed)
		rf_buf_printf(out, "  hash %llu/%llu segments", st->segments_streamed,
		              st->segments);
	if (s->state == SESSION_RUNNING) {
		unsigned long long seen = st->src_rows + st->dst_rows;
		if (s->hashed)
			rf_buf_printf(out, "  diff %llu rows", seen);
		else if (s->expected > 0)
			rf_buf_printf(out, "  diff %llu%%",
			              seen * 100 / (unsigned long long)s->expected);
		else
			rf_buf_printf(out, "  diff %llu rows", seen);
	} else if (s->state == SESSION_CANCELLED) {
		rf_buf_adds(out, "  CANCELLED");
	}
}

void session_toggle_mark(struct session *s, size_t row)
{
	if (row >= s->nrows || s->rows[row]->status == RF_IDENTICAL)
		return;
	if (s->map) {
		/* rf_map_copy_plan copies every row the map selects */
		console_message(
		    s->con, MSG_INFO,
		    "a mapped table is copied whole: its [map] where = selects the rows");
		return;
	}
	s->marked[row] ^= 1;
	if (s->marked[row])
		s->nmarked++;
	else
		s->nmarked--;
}

void session_copy_rows(const struct session *s, const struct rf_diff_row ***rows, size_t *n)
{
	size_t i, k = 0;
	*rows = rf_xcalloc(s->nrows ? s->nrows : 1, sizeof **rows);
	for (i = 0; i < s->nrows; i++) {
		if (s->rows[i]->status == RF_IDENTICAL)
			continue;
		if (s->nmarked && !s->marked[i])
			continue;
		(*rows)[k++] = s->rows[i];
	}
	*n = k;
}

struct rf_plan *session_plan(struct session *s)
{
	const struct rf_diff_row **rows;
	struct rf_plan *p;
	size_t i, n;

	/* ops grouped in the order their statements run (deletes, updates,
	 * inserts), as rf_plan_from_diff does: consecutive inserts batch into
	 * one statement, so preview and apply run few, large INSERTs */
	static const enum rf_diff_status order[] = {RF_ONLY_TARGET, RF_CHANGED, RF_ONLY_SOURCE};
	size_t k;

	p = rf_plan_new(s->shape, s->ops_mask);
	p->owns_shape = false;
	rf_plan_target(p, s->con->dst, (size_t)s->con->cfg.bulk_rows); /* as copy's */
	session_copy_rows(s, &rows, &n);
	for (k = 0; k < sizeof order / sizeof order[0]; k++)
		for (i = 0; i < n; i++)
			if (rows[i]->status == order[k])
				rf_plan_add(p, rows[i]);
	free(rows);
	return p;
}

bool session_ready(struct session *s)
{
	switch (s->state) {
	case SESSION_DONE:
		return true;
	case SESSION_RUNNING:
		console_message(s->con, MSG_WARNING,
		                "the diff is still running; wait for it or Esc");
		return false;
	case SESSION_CANCELLED:
		console_message(
		    s->con, MSG_WARNING,
		    "the diff was cancelled, so its rows are incomplete; R runs it again");
		return false;
	case SESSION_FAILED:
		console_error(s->con, &s->err);
		return false;
	}
	return false;
}

int session_set_where(struct session *s, const char *where)
{
	return session_set_wheres(s, where, s->sel.source_where, s->sel.target_where);
}

static void set_text(char **slot, const char *v)
{
	char *copy = v && *v ? rf_xstrdup(v) : NULL;
	free(*slot);
	*slot = copy;
}

int session_set_wheres(struct session *s, const char *both, const char *source, const char *target)
{
	free(s->through); /* the WHERE is no longer the set's */
	s->through = NULL;
	set_text(&s->sel.where, both);
	set_text(&s->sel.source_where, source);
	set_text(&s->sel.target_where, target);
	return session_run(s);
}

const struct rf_table_info *session_table_info(struct session *s)
{
	struct rf_db *db = s->con->src;
	struct rf_error err;

	if (s->have_info)
		return &s->info;
	rf_error_clear(&err);
	memset(&s->info, 0, sizeof s->info);
	if (rf_db_describe(db, s->sel.table, &s->info, &err) != 0) {
		console_error(s->con, &err);
		return NULL;
	}
	s->have_info = true;
	return &s->info;
}
