/* cmd_map.c - `rowferry map SOURCE [TARGET]`: prints a suggested [map]
 * section (DESIGN §12) to paste into the config. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rowferry/map.h"

static const char map_usage[] =
    "usage: rowferry map SOURCE_TABLE [TARGET_TABLE] [--from A] [--to B] [--config FILE]\n"
    "\n"
    "Prints a suggested [map TARGET_TABLE] section for copying SOURCE_TABLE of\n"
    "the source into TARGET_TABLE of the target (default: the snake_case of\n"
    "SOURCE_TABLE): columns paired by name (exact, ignoring case, snake_case),\n"
    "integer *time / *_at columns into timestamps as unixtime(), tinyint flags,\n"
    "columns the target fills as `default`, the match key, and the columns left\n"
    "unmatched on each side as comments. A source with a JSON column (a\n"
    "key-value store) is sampled (1000 rows): target columns pair with its\n"
    "objects' keys as json(COLUMN, '$.KEY'), and where the text key reads\n"
    "\"kind:...\", the kind the target is named after becomes `where =`\n"
    "(rowferry map kv_store clients: where = key LIKE 'client:%'). Paste it\n"
    "into the config (or a file for --map) and check it with\n"
    "`rowferry diff TARGET_TABLE`.\n";

int cmd_map(int argc, char **argv, const struct cli_common *common)
{
	static const struct option longopts[] = {{"from", required_argument, NULL, 'f'},
	                                         {"to", required_argument, NULL, 't'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *from = NULL, *to = NULL;
	struct rf_table_info st, dt;
	struct cli_sides sides;
	struct rf_buf target = RF_BUF_INIT, out = RF_BUF_INIT;
	struct rf_map_sample sample = {-1, RF_STRLIST_INIT, NULL};
	struct rf_error err;
	bool got_src = false, got_dst = false;
	int opt, rc = 2;

	memset(&st, 0, sizeof st);
	memset(&dt, 0, sizeof dt);
	memset(&sides, 0, sizeof sides);
	rf_error_clear(&err);
	optind = 1;
	opterr = 0;
	while ((opt = cli_sides_getopt(argc, argv, "h", longopts, &from, &to)) != -1) {
		switch (opt) {
		case 'h':
			fputs(map_usage, stdout);
			rc = 0;
			goto out;
		default:
			cli_bad_option("map", argv);
			goto out;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		fprintf(stderr, "rowferry: map: %s\n",
		        optind >= argc ? "which table? (rowferry map SOURCE_TABLE [TARGET_TABLE])"
		                       : "one source and one target table");
		goto out;
	}
	if (argc - optind == 2)
		rf_buf_adds(&target, argv[optind + 1]);
	else
		rf_map_snake_case(argv[optind], &target);
	if (cli_sides_open(&sides, common, from, to, true) != 0)
		goto out;
	if (rf_db_describe(sides.src, argv[optind], &st, &err) != 0)
		goto fail;
	got_src = true;
	if (rf_db_describe(sides.dst, target.data, &dt, &err) != 0)
		goto fail;
	got_dst = true;
	if (rf_map_sample_source(sides.src, &st, dt.name, &sample, &err) != 0)
		goto fail;
	rf_map_suggest(&st, &dt, &sample, &out);
	fputs(out.data, stdout);
	rc = 0;
	goto out;
fail:
	cli_print_error(&err);
out:
	if (got_src)
		rf_table_info_free(&st);
	if (got_dst)
		rf_table_info_free(&dt);
	rf_map_sample_free(&sample);
	cli_sides_close(&sides);
	rf_buf_free(&target);
	rf_buf_free(&out);
	return rc;
}
