/* cli_map.h - [map] sections for the subcommands (cli_map.c, DESIGN §12). */
#ifndef ROWFERRY_CLI_MAP_H
#define ROWFERRY_CLI_MAP_H

#include "cli.h"
#include "rowferry/map.h"
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

#endif
