/* cli_map.c - [map] sections on the command line (DESIGN §12): finding the
 * section for a table (--map FILE, else the config) and `diff` through it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_map.h"
#include "cli_write.h"
#include "rowferry/map_diff.h"

int cli_map_find(const struct rf_config *cfg, const char *map_file, const char *table,
                 struct rf_map **out)
{
	struct rf_config file;
	const struct rf_config *from = cfg;
	const struct rf_map_config *s;
	struct rf_error err;
	int rc = -1;

	*out = NULL;
	rf_error_clear(&err);
	memset(&file, 0, sizeof file);
	if (map_file) {
		if (rf_config_load(&file, map_file, NULL, NULL, &err) != 0) {
			cli_print_error(&err);
			return -1;
		}
		from = &file;
	}
	s = rf_config_map(from, table);
	if (!s) {
		if (map_file)
			fprintf(stderr, "rowferry: %s: no [map %s] section\n", map_file, table);
		rc = map_file ? -1 : 0;
		goto out;
	}
	if (rf_map_parse(s, from->path, out, &err) != 0) {
		fprintf(stderr, "rowferry: %s\n", err.msg);
		goto out;
	}
	rc = 0;
out:
	if (map_file)
		rf_config_free(&file);
	return rc;
}

/* The header is written with the first row, so a refused diff (invalid
 * rows: nothing is emitted) writes nothing to stdout. */
struct emit_ctx {
	struct rf_diff_writer *w;
	bool begun;
};

static void begin(struct emit_ctx *c)
{
	if (!c->begun)
		c->w->ops->begin(c->w);
	c->begun = true;
}

static void emit(void *ctx, const struct rf_diff_row *row)
{
	struct emit_ctx *c = ctx;

	begin(c);
	if (row->status != RF_IDENTICAL)
		c->w->ops->row(c->w, row);
}

/* Each invalid cell as "  table  source key  column: reason". */
static void list_invalid(const char *table, const struct rf_map_diff_report *rep)
{
	const char *p = rep->invalid.data;

	fprintf(stderr, "rowferry: diff: %s: %llu invalid source row%s (nothing compared):\n",
	        table, rep->invalid_rows, rep->invalid_rows == 1 ? "" : "s");
	while (p && *p) {
		const char *tab1 = strchr(p, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		const char *nl = tab2 ? strchr(tab2 + 1, '\n') : NULL;
		if (!nl)
			break;
		fprintf(stderr, "  %s  %.*s  %.*s: %.*s\n", table, (int)(tab1 - p), p,
		        (int)(tab2 - tab1 - 1), tab1 + 1, (int)(nl - tab2 - 1), tab2 + 1);
		p = nl + 1;
	}
}

int cli_map_diff(struct rf_db *src, struct rf_db *dst, const struct rf_config *cfg,
                 const char *map_file, struct rf_map *map, struct rf_diff_writer *w)
{
	struct rf_map_diff_shape *ms = NULL;
	struct rf_map_diff_report rep;
	struct emit_ctx ctx = {w, false};
	struct rf_error err;
	char now[40];
	time_t t = time(NULL);
	struct tm tm;
	struct rf_config file;
	bool file_loaded = false;
	int rc = 2;

	rf_error_clear(&err);
	memset(&rep, 0, sizeof rep);
	/* now() in a diff: the diff's start, in UTC */
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
	/* the sections ref() finds its parents' match keys in */
	memset(&file, 0, sizeof file);
	if (map_file) {
		if (rf_config_load(&file, map_file, NULL, NULL, &err) != 0)
			goto out;
		file_loaded = true;
	}
	if (rf_map_diff_open(src, dst, map, now, file_loaded ? &file : cfg, &ms, &err) != 0)
		goto out;
	w->shape = ms->shape;
	w->table = map->target;
	w->filtered = map->where != NULL;
	if (rf_map_diff_run(src, dst, ms, emit, &ctx, &rep, &err) != 0)
		goto out;
	if (rep.invalid_rows) {
		fflush(w->out);
		list_invalid(map->target, &rep);
		rc = 3;
		goto out;
	}
	begin(&ctx);
	w->ops->end(w, &rep.stats);
	rc = rep.stats.only_source + rep.stats.only_target + rep.stats.changed ? 1 : 0;
out:
	if (rc == 2)
		cli_print_error(&err);
	w->shape = NULL;
	rf_map_diff_shape_free(ms);
	rf_buf_free(&rep.invalid);
	if (file_loaded)
		rf_config_free(&file);
	return rc;
}

void cli_map_set_free(struct cli_map_set *ms)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		rf_map_free(ms->maps[i]);
	free(ms->maps);
	if (ms->file_loaded)
		rf_config_free(&ms->file);
	memset(ms, 0, sizeof *ms);
}

int cli_map_set_load(struct cli_map_set *ms, const struct rf_config *cfg, const char *map_file,
                     const char *table, const struct cli_selection_args *sel)
{
	const struct rf_set_flags *set = &sel->set;
	const struct rf_selection_flags *f = &sel->flags;
	struct rf_strlist names = RF_STRLIST_INIT;
	struct rf_error err;
	size_t i;
	int rc = -1;

	memset(ms, 0, sizeof *ms);
	rf_error_clear(&err);
	ms->sections = cfg;
	if (map_file) {
		if (rf_config_load(&ms->file, map_file, NULL, NULL, &err) != 0) {
			cli_print_error(&err);
			return -1;
		}
		ms->file_loaded = true;
		ms->sections = &ms->file;
	}
	rf_strlist_add(&names, table);
	if (set->tables)
		rf_strlist_split(&names, set->tables);
	ms->maps = rf_xcalloc(names.len + 1, sizeof *ms->maps);
	for (i = 0; i < names.len; i++) {
		if (rf_strlist_index(&names, names.items[i]) != (int)i)
			continue; /* named twice */
		if (cli_map_find(cfg, map_file, names.items[i], &ms->maps[ms->n]) != 0)
			goto out;
		if (ms->maps[ms->n])
			ms->n++;
		else if (ms->n) {
			fprintf(stderr,
			        "rowferry: copy: %s has no [map %s] section: a copy through maps "
			        "takes every table from a map\n",
			        names.items[i], names.items[i]);
			goto out;
		} else if (i == 0) {
			break; /* the root is not mapped: an ordinary copy */
		}
	}
	if (ms->n &&
	    (set->follow || set->restricts.len || set->limit_given || set->keys.len ||
	     set->excludes.len || f->where || f->source_where || f->target_where || f->key ||
	     f->exclude || f->ignore || f->trim || f->tolerance.len || f->ts_precision.len)) {
		/* a map's rows are its where =, matched by its key =: a flag
		 * silently not taken would copy other rows than asked */
		fprintf(stderr,
		        "rowferry: copy: %s is mapped ([map %s]): its where and key come "
		        "from the section; selection flags, --follow, --restrict and "
		        "--limit are not taken with a map (name other mapped tables with "
		        "--tables)\n",
		        table, table);
		goto out;
	}
	rc = 0;
out:
	rf_strlist_free(&names);
	return rc;
}

int cli_map_copy_plan(const struct cli_map_set *ms, const struct rf_config *cfg, struct rf_db *src,
                      struct rf_db *dst, unsigned ops_mask, bool skip_invalid, bool dry_run,
                      struct rf_set_plan *sp, struct rf_map_copy_report *rep)
{
	struct rf_error err;
	char now[40];
	time_t t = time(NULL);
	struct tm tm;
	const char *p;

	rf_error_clear(&err);
	/* now(): the copy's start, in UTC (the planned values are what is written) */
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
	if (rf_map_copy_plan(src, dst, ms->maps, ms->n, ms->sections, now, ops_mask,
	                     (size_t)cfg->bulk_rows, skip_invalid || dry_run, sp, rep, &err) != 0) {
		cli_print_error(&err);
		return CLI_EXIT_ERROR;
	}
	if (!rep->invalid_rows)
		return 0;
	fprintf(stderr, "rowferry: copy: %llu invalid source row%s %s:\n", rep->invalid_rows,
	        rep->invalid_rows == 1 ? "" : "s",
	        skip_invalid ? "left out (--skip-invalid)" : "(nothing written)");
	for (p = rep->invalid.data; p && *p;) {
		const char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		const char *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
		const char *nl = t3 ? strchr(t3 + 1, '\n') : NULL;
		if (!nl)
			break;
		fprintf(stderr, "  %.*s  %.*s  %.*s: %.*s\n", (int)(t1 - p), p, (int)(t2 - t1 - 1),
		        t1 + 1, (int)(t3 - t2 - 1), t2 + 1, (int)(nl - t3 - 1), t3 + 1);
		p = nl + 1;
	}
	if (skip_invalid)
		return 0;
	fprintf(stderr, "rowferry: copy: refused: fix these rows or give --skip-invalid to copy "
	                "the rest\n");
	if (dry_run)
		fprintf(stderr, "rowferry: copy: the script below is what --skip-invalid would run "
		                "for the valid rows\n");
	return CLI_EXIT_REFUSED;
}
