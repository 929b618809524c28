/* session_map.c - a table the console compares through a [map TARGET]
 * section (DESIGN §12, session.h).
 *
 * The rows come from the map core, the diff `rowferry diff TABLE` runs
 * (rf_map_diff_run) and the plan `rowferry copy --map` makes
 * (rf_map_copy_plan); nothing here maps a value. What the console adds:
 * each source row is kept for the cell inspector (source value -> mapped
 * value -> target value), the rows that do not map are kept as rows of
 * the diff with their reasons, and the expressions as written, which the
 * columns screen's `e` replaces for this session only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rowferry/map_diff.h"
#include "session.h"

/* A source row as read: its canonical cells in one buffer, and the key
 * it maps to (rf_diff_format_key of the mapped cells; NULL when it is
 * invalid). */
struct map_source {
	char *key;
	struct rf_cell *cells;
	char *bytes;
};

struct session_map {
	struct rf_map *map; /* NULL when the section does not parse: err says why */
	struct rf_error err;
	char **texts;                 /* per map->cols: the expression as written or edited */
	struct rf_map_diff_shape *ms; /* the last run's; s->shape is its shape */
	struct map_source *sources;   /* the last run's source rows */
	size_t nsources, cap;
	bool sorted; /* the valid ones first, by key: the rows emitted find theirs */
	size_t nvalid;
	unsigned long long invalid_rows;
	bool skip_invalid;
	struct rf_map_copy_report report; /* the last plan's */
	struct session *s;                /* during a run */
};

static const struct rf_map_config *find_section(const struct rf_config *cfg, const char *table)
{
	const struct rf_map_config *m = rf_config_map(cfg, table);
	size_t i, k;

	if (m)
		return m;
	/* opened by its source's name: the section whose from = names it */
	for (i = 0; i < cfg->nmaps; i++)
		for (k = 0; k < cfg->maps[i].nlines; k++)
			if (strcmp(cfg->maps[i].lines[k].name, "from") == 0 &&
			    strcmp(cfg->maps[i].lines[k].value, table) == 0)
				return &cfg->maps[i];
	return NULL;
}

bool session_map_exists(const struct console *con, const char *table)
{
	return find_section(console_map_sections(con), table) != NULL;
}

bool session_map_describe(const struct console *con, const char *table, char *out, size_t len)
{
	const struct rf_map_config *m = find_section(console_map_sections(con), table);
	const char *from = m ? m->target : NULL;
	size_t k;

	if (!m)
		return false;
	for (k = 0; k < m->nlines; k++)
		if (strcmp(m->lines[k].name, "from") == 0)
			from = m->lines[k].value;
	snprintf(out, len, "map: %s <- %s (Enter diffs through it)", m->target, from);
	return true;
}

struct session_map *session_map_new(struct console *con, const char *table)
{
	const struct rf_config *cfg = console_map_sections(con);
	const struct rf_map_config *sec = find_section(cfg, table);
	struct session_map *sm;
	size_t i, k;

	if (!sec)
		return NULL;
	sm = rf_xcalloc(1, sizeof *sm);
	rf_error_clear(&sm->err);
	if (rf_map_parse(sec, cfg->path, &sm->map, &sm->err) != 0)
		return sm;
	sm->texts = rf_xcalloc(sm->map->ncols + 1, sizeof *sm->texts);
	for (i = 0; i < sm->map->ncols; i++)
		for (k = 0; k < sec->nlines; k++)
			if (strcmp(sec->lines[k].name, sm->map->cols[i].name) == 0)
				sm->texts[i] = rf_xstrdup(sec->lines[k].value);
	return sm;
}

static void free_sources(struct session_map *sm)
{
	size_t i;

	for (i = 0; i < sm->nsources; i++) {
		free(sm->sources[i].key);
		free(sm->sources[i].cells);
		free(sm->sources[i].bytes);
	}
	free(sm->sources);
	sm->sources = NULL;
	sm->nsources = sm->cap = sm->nvalid = 0;
	sm->sorted = false;
}

void session_map_free(struct session_map *sm)
{
	size_t i;

	if (!sm)
		return;
	free_sources(sm);
	rf_map_diff_shape_free(sm->ms);
	for (i = 0; sm->map && i < sm->map->ncols; i++)
		free(sm->texts[i]);
	free(sm->texts);
	rf_map_free(sm->map);
	rf_map_copy_report_free(&sm->report);
	free(sm);
}

/* A copy of n cells into one buffer. */
static struct map_source *add_source(struct session_map *sm, const struct rf_cell *cells, size_t n)
{
	struct map_source *m;
	size_t i, len = 0, at = 0;

	if (sm->nsources == sm->cap) {
		sm->cap = sm->cap ? 2 * sm->cap : 64;
		sm->sources = rf_xrealloc(sm->sources, sm->cap * sizeof *sm->sources);
	}
	m = &sm->sources[sm->nsources++];
	for (i = 0; i < n; i++)
		len += cells[i].is_null ? 0 : cells[i].len;
	m->key = NULL;
	m->bytes = rf_xmalloc(len + 1);
	m->cells = rf_xcalloc(n + 1, sizeof *m->cells);
	for (i = 0; i < n; i++) {
		m->cells[i] = cells[i];
		if (cells[i].is_null)
			continue;
		memcpy(m->bytes + at, cells[i].data, cells[i].len);
		m->cells[i].data = m->bytes + at;
		at += cells[i].len;
	}
	return m;
}

/* "column: reason; column: reason" of a row's lines "key\tcolumn\treason\n". */
static char *reasons(const char *lines)
{
	struct rf_buf b = RF_BUF_INIT;
	const char *p = lines;

	while (p && *p) {
		const char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		const char *nl = t2 ? strchr(t2 + 1, '\n') : NULL;
		if (!nl)
			break;
		rf_buf_printf(&b, "%s%.*s: %.*s", b.len ? "; " : "", (int)(t2 - t1 - 1), t1 + 1,
		              (int)(nl - t2 - 1), t2 + 1);
		p = nl + 1;
	}
	return rf_buf_steal(&b);
}

/* rf_map_diff_shape's on_source: every source row is kept; an invalid
 * one becomes a row of the diff at once (before the emitted ones),
 * "only in the source", with its reasons. */
static void on_source(void *ctx, const struct rf_cell *src, const struct rf_cell *mapped,
                      const char *invalid)
{
	struct session_map *sm = ctx;
	struct session *s = sm->s;
	const struct rf_diff_shape *sh = sm->ms->shape;
	struct map_source *m = add_source(sm, src, sh->src_table.ncols);
	struct rf_buf key = RF_BUF_INIT;
	struct rf_diff_row r;

	if (!invalid) {
		rf_diff_format_key(sh, mapped, &key);
		m->key = rf_buf_steal(&key);
		sm->nvalid++;
		return;
	}
	sm->invalid_rows++;
	memset(&r, 0, sizeof r);
	r.status = RF_ONLY_SOURCE;
	r.src = (struct rf_cell *)mapped;
	r.changed = rf_xcalloc(sh->ncols + 1, sizeof *r.changed);
	r.flagged = rf_xcalloc(sh->ncols + 1, 1);
	session_keep_row(s, &r);
	s->sources[s->nrows - 1] = m->cells;
	s->invalid[s->nrows - 1] = reasons(invalid);
	free(r.changed);
	free(r.flagged);
}

static int cmp_source(const void *a, const void *b)
{
	const struct map_source *x = a, *y = b;
	if (!x->key || !y->key)
		return !x->key - !y->key; /* the invalid ones last */
	return strcmp(x->key, y->key);
}

/* The source row a mapped row came from, by its key. */
static const struct rf_cell *source_of(struct session_map *sm, const struct rf_diff_row *r)
{
	struct rf_buf key = RF_BUF_INIT;
	struct map_source probe, *hit;

	if (!r->src)
		return NULL;
	if (!sm->sorted) {
		/* the cells stay where they are: the invalid rows' pointers
		 * (on_source) still hold */
		qsort(sm->sources, sm->nsources, sizeof *sm->sources, cmp_source);
		sm->sorted = true;
	}
	rf_diff_format_key(sm->ms->shape, r->src, &key);
	probe.key = key.data ? key.data : (char *)"";
	hit = sm->nvalid ? bsearch(&probe, sm->sources, sm->nvalid, sizeof *sm->sources, cmp_source)
	                 : NULL;
	rf_buf_free(&key);
	return hit ? hit->cells : NULL;
}

static void emit(void *ctx, const struct rf_diff_row *r)
{
	struct session_map *sm = ctx;
	struct session *s = sm->s;

	if (r->status == RF_IDENTICAL) {
		if (!s->show_identical || s->identical_kept >= SESSION_MAX_IDENTICAL_KEPT)
			return;
		s->identical_kept++;
	}
	session_keep_row(s, r);
	s->sources[s->nrows - 1] = source_of(sm, r);
}

/* now(): the diff's start, in UTC, as rowferry diff gives it */
static void now_text(char *out, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
}

/* The read transactions rf_map_diff_open began end with the diff: the
 * next screen's reads (a plan, the tables' counts) begin their own. */
static void end_reads(struct console *con)
{
	if (con->src->in_tx)
		rf_db_rollback(con->src, NULL);
	if (con->dst->in_tx)
		rf_db_rollback(con->dst, NULL);
}

int session_map_run(struct session *s)
{
	struct session_map *sm = s->map;
	const struct rf_config *sections = console_map_sections(s->con);
	struct rf_map_diff_report rep;
	char now[40];
	int rc;

	memset(&rep, 0, sizeof rep);
	free_sources(sm);
	rf_map_diff_shape_free(sm->ms);
	sm->ms = NULL;
	sm->invalid_rows = 0;
	s->state = SESSION_FAILED;
	if (!sm->map) {
		s->err = sm->err;
		return -1;
	}
	now_text(now, sizeof now);
	if (rf_map_diff_open(s->con->src, s->con->dst, sm->map, now, sections, &sm->ms, &s->err) !=
	    0) {
		end_reads(s->con);
		return -1;
	}
	/* every row is shown: the invalid ones marked, the valid diffed */
	sm->ms->skip_invalid = true;
	sm->ms->on_source = on_source;
	sm->ms->on_source_ctx = sm;
	s->shape = sm->ms->shape;
	s->owns_shape = false;
	session_start_widths(s);
	sm->s = s;
	rc = rf_map_diff_run(s->con->src, s->con->dst, sm->ms, emit, sm, &rep, &s->err);
	end_reads(s->con);
	if (rc != 0) {
		sm->s = NULL;
		rf_buf_free(&rep.invalid);
		return -1;
	}
	sm->s = NULL;
	s->stats = rep.stats;
	s->stats.src_rows = rep.src_rows;
	s->stats.dst_rows = rep.dst_rows;
	s->state = SESSION_DONE;
	rf_buf_free(&rep.invalid);
	return 0;
}

void session_map_name(const struct session *s, struct rf_buf *out)
{
	const struct rf_map *m = s->map->map;
	if (m)
		rf_buf_printf(out, "map: %s <- %s", m->target, m->from);
	else
		rf_buf_printf(out, "map: %s (does not parse)", s->sel.table);
}

unsigned long long session_map_invalid(const struct session *s)
{
	return s->map ? s->map->invalid_rows : 0;
}

const struct rf_map *session_map_map(const struct session *s)
{
	return s->map ? s->map->map : NULL;
}

const char *session_map_text(const struct session *s, const char *col)
{
	const struct rf_map *m = session_map_map(s);
	size_t i;

	for (i = 0; m && i < m->ncols; i++)
		if (strcmp(m->cols[i].name, col) == 0)
			return s->map->texts[i];
	return NULL;
}

void session_map_reads(const struct rf_map_expr *e, bool *seen, size_t n)
{
	size_t i;

	if (!e)
		return;
	if (e->kind == RF_MAP_COLUMN && e->slot >= 0 && (size_t)e->slot < n)
		seen[e->slot] = true;
	for (i = 0; i < e->nargs; i++)
		session_map_reads(e->args[i], seen, n);
	for (i = 0; i < e->ncases; i++)
		session_map_reads(e->cases[i].result, seen, n);
}

const struct rf_map_expr *session_map_expr(const struct session *s, size_t col)
{
	const struct rf_map_diff_shape *ms = s->map ? s->map->ms : NULL;
	return ms && col < ms->shape->ncols ? ms->exprs[col] : NULL;
}

int session_map_edit(struct session *s, const char *col, const char *text, struct rf_error *err)
{
	struct session_map *sm = s->map;
	struct rf_map *m = sm->map;
	struct rf_map_expr *e = NULL, *old;
	char *old_text;
	size_t i;
	bool added = false, was_running = s->state != SESSION_FAILED;

	for (i = 0; i < m->ncols && strcmp(m->cols[i].name, col) != 0; i++)
		;
	/* messages name the line it replaces, or the section's */
	if (rf_map_parse_expr(text, m->file, i < m->ncols ? m->cols[i].line : m->line, col, &e,
	                      err) != 0)
		return -1;
	if (i == m->ncols) {
		/* a column the section has no line for: one added */
		m->cols = rf_xrealloc(m->cols, (m->ncols + 1) * sizeof *m->cols);
		sm->texts = rf_xrealloc(sm->texts, (m->ncols + 1) * sizeof *sm->texts);
		m->cols[i].name = rf_xstrdup(col);
		m->cols[i].line = m->line;
		m->cols[i].expr = NULL;
		sm->texts[i] = NULL;
		m->ncols++;
		added = true;
	}
	old = m->cols[i].expr;
	old_text = sm->texts[i];
	m->cols[i].expr = e;
	sm->texts[i] = rf_xstrdup(text);
	if (session_run(s) == 0 || !was_running) {
		/* a map that did not run keeps the edit: another line may be
		 * what still stops it */
		*err = s->err;
		rf_map_expr_free(old);
		free(old_text);
		return s->state == SESSION_FAILED ? -2 : 0;
	}
	/* the old expression back, and its diff */
	*err = s->err;
	free(sm->texts[i]);
	sm->texts[i] = old_text;
	m->cols[i].expr = old;
	if (added) {
		free(m->cols[i].name);
		m->ncols--;
	}
	session_run(s);
	rf_map_expr_free(e);
	return -1;
}

bool session_map_skip_invalid(const struct session *s)
{
	return s->map && s->map->skip_invalid;
}

void session_map_toggle_skip(struct session *s)
{
	s->map->skip_invalid = !s->map->skip_invalid;
}

int session_map_plan(struct session *s, unsigned ops_mask, struct rf_set_plan *out,
                     struct rf_error *err)
{
	struct session_map *sm = s->map;
	struct rf_map *maps[1];
	char now[40];

	memset(out, 0, sizeof *out);
	rf_map_copy_report_free(&sm->report);
	memset(&sm->report, 0, sizeof sm->report);
	if (!sm->map) {
		*err = sm->err;
		return -1;
	}
	maps[0] = sm->map;
	/* now(): the copy's start, as copy --map gives it */
	now_text(now, sizeof now);
	/* the invalid rows left out and listed: the preview shows both; apply
	 * refuses unless the skip-invalid toggle is on */
	return rf_map_copy_plan(s->con->src, s->con->dst, maps, 1, console_map_sections(s->con),
	                        now, ops_mask, (size_t)s->con->cfg.bulk_rows, true, out,
	                        &sm->report, err);
}

const struct rf_map_copy_report *session_map_report(const struct session *s)
{
	return s->map ? &s->map->report : NULL;
}
