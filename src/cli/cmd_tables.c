/* cmd_tables.c - `rowferry tables`: tables of both sides with row counts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rowferry/table_pairs.h"

static const char tables_usage[] =
    "usage: rowferry tables [--from A] [--to B] [--config FILE]\n"
    "\n"
    "Lists the tables of the source (A, default [defaults] source) and the\n"
    "target (B, default [defaults] target) side by side with exact row counts.\n"
    "A table present on one side only is marked. PostgreSQL tables are shown\n"
    "schema-qualified; a table in schema public matches the same name on an\n"
    "engine without schemas (SQLite, MySQL).\n";

static void format_count(long long n, char *out, size_t outlen)
{
	if (n == RF_TABLE_ABSENT)
		snprintf(out, outlen, "-");
	else if (n < 0)
		snprintf(out, outlen, "?");
	else
		snprintf(out, outlen, "%lld", n);
}

int cmd_tables(int argc, char **argv, const struct cli_common *common)
{
	static const struct option longopts[] = {{"from", required_argument, NULL, 'f'},
	                                         {"to", required_argument, NULL, 't'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *from = NULL, *to = NULL;
	struct cli_sides sides;
	struct rf_db *src, *dst;
	struct rf_table_list sl = {0, NULL}, dl = {0, NULL};
	struct rf_table_pairs pairs = {0, NULL};
	size_t i, width = 5;
	struct rf_error err;
	int opt, rc = 2;

	rf_error_clear(&err);
	optind = 1;
	opterr = 0; /* cli_bad_option says it */
	while ((opt = cli_sides_getopt(argc, argv, "f:t:h", longopts, &from, &to)) != -1) {
		switch (opt) {
		case 'h':
			fputs(tables_usage, stdout);
			return 0;
		default:
			cli_bad_option("tables", argv);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rowferry: tables: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (cli_sides_open(&sides, common, from, to, true) != 0)
		goto out;
	src = sides.src;
	dst = sides.dst;
	if (rf_db_list_tables(src, true, &sl, &err) != 0 ||
	    rf_db_list_tables(dst, true, &dl, &err) != 0) {
		cli_print_error(&err);
		goto out;
	}

	rf_table_pairs_make(&sl, src->ops->has_schemas, &dl, dst->ops->has_schemas, &pairs);
	for (i = 0; i < pairs.len; i++)
		if (strlen(pairs.items[i].name) > width)
			width = strlen(pairs.items[i].name);

	printf("source: %s (%s)\ntarget: %s (%s)\n\n", src->name, src->display_url, dst->name,
	       dst->display_url);
	printf("%-*s  %12s  %12s\n", (int)width, "TABLE", "SOURCE ROWS", "TARGET ROWS");
	for (i = 0; i < pairs.len; i++) {
		const struct rf_table_pair *t = &pairs.items[i];
		char a[32], b[32];
		format_count(t->src_rows, a, sizeof a);
		format_count(t->dst_rows, b, sizeof b);
		printf("%-*s  %12s  %12s%s\n", (int)width, t->name, a, b,
		       t->src_rows == RF_TABLE_ABSENT   ? "  only in target"
		       : t->dst_rows == RF_TABLE_ABSENT ? "  only in source"
		                                        : "");
	}
	rc = 0;
out:
	rf_table_pairs_free(&pairs);
	rf_table_list_free(&sl);
	rf_table_list_free(&dl);
	cli_sides_close(&sides);
	return rc;
}
