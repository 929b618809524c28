/* cli_map.h - [map] sections for the subcommands (cli_map.c, DESIGN §12). */
#ifndef ROWFERRY_CLI_MAP_H
#define ROWFERRY_CLI_MAP_H

#include "cli.h"
#include "cli_select.h"
#include "rowferry/map.h"
#include "rowferry/map_copy.h"
#include "rowferry/output.h"

/* The [map TABLE] section for table from map_file (--map FILE; NULL: the
 * config's own), parsed: *out (caller frees with rf_map_free), or NULL when
 * the config has none. Prints the error ("FILE:LINE: column X: ...", or
 * FILE lacking the section) and returns -1; else 0. */
int cli_map_find(const struct rf_config *cfg, const char *map_file, const char *table,
                 struct rf_map **out);

/* `rowferry diff` through map with writer w (its out, src, dst set); cfg
 * and map_file (NULL: none) are where ref() finds its parents' sections.
 * Returns the exit code: 0 no differences, 1 differences, 2 error, 3
 * refused because source rows do not map (each listed on stderr). */
int cli_map_diff(struct rf_db *src, struct rf_db *dst, const struct rf_config *cfg,
                 const char *map_file, struct rf_map *map, struct rf_diff_writer *w);

/* The [map] sections a copy goes through (DESIGN §12): TABLE's and, with
 * --tables T1,T2, each of those tables'. n == 0: TABLE is not mapped (an
 * ordinary copy). Owns the maps and the --map file's sections (where
 * ref() finds its parents' keys). */
struct cli_map_set {
	size_t n;
	struct rf_map **maps;
	struct rf_config file;
	bool file_loaded;
	const struct rf_config *sections; /* &file, or the config */
};
/* Loads them (every expression checked, before any connection); sel: the
 * copy's selection and set flags (--tables names the other maps; the
 * selection flags, --follow, --restrict and --limit are refused with maps:
 * a map's where and key come from its section). Prints the error and
 * returns -1; else 0. cli_map_set_free() in both cases. */
int cli_map_set_load(struct cli_map_set *ms, const struct rf_config *cfg, const char *map_file,
                     const char *table, const struct cli_selection_args *sel);
void cli_map_set_free(struct cli_map_set *ms);

/* Plans the copy through ms (rf_map_copy_plan) into *sp and *rep (the
 * caller frees both). Invalid source rows are listed on stderr, each with
 * its table, source key, column and reason: refused (3) unless
 * skip_invalid. dry_run: a refused copy is planned all the same for the
 * valid rows (what --skip-invalid would run), for the dry run to show
 * under a header that says it is refused (issue 13). Returns 0 (planned),
 * 2 (error, printed) or 3. */
int cli_map_copy_plan(const struct cli_map_set *ms, const struct rf_config *cfg, struct rf_db *src,
                      struct rf_db *dst, unsigned ops_mask, bool skip_invalid, bool dry_run,
                      struct rf_set_plan *sp, struct rf_map_copy_report *rep);

#endif
