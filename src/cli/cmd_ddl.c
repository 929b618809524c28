/* cmd_ddl.c - `rowferry ddl`: the statements that would create tables of
 * the source on the target's engine (schema.h), printed, never run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rowferry/schema.h"

static const char ddl_usage[] =
    "usage: rowferry ddl TABLE... [--from A] [--to B] [--fkeys-after] [--config FILE]\n"
    "\n"
    "Prints the CREATE TABLE and CREATE INDEX statements that create each TABLE\n"
    "of the source (A) on the target's engine (B): types by the type map of the\n"
    "engine pair (README, Type map), NOT NULL, the defaults that translate,\n"
    "identity / auto-increment, primary, unique and foreign keys, indexes. What\n"
    "does not translate exactly is said as a -- warning line above the table.\n"
    "Tables come parents first; when they reference each other in a cycle,\n"
    "their foreign keys come after all of them as ALTER TABLE statements.\n"
    "Nothing is run on the target; it is only read for its quoting.\n"
    "\n"
    "  --fkeys-after   foreign keys as ALTER TABLE statements after all the\n"
    "                  tables (for tables that reference each other)\n";

int cmd_ddl(int argc, char **argv, const struct cli_common *common)
{
	static const struct option longopts[] = {{"from", required_argument, NULL, 'f'},
	                                         {"to", required_argument, NULL, 't'},
	                                         {"fkeys-after", no_argument, NULL, 'a'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *from = NULL, *to = NULL;
	struct cli_sides sides;
	struct rf_db *src, *dst;
	struct rf_ddl all = {0};
	struct rf_error err;
	bool after = false;
	struct rf_table_info *tables = NULL;
	size_t *order = NULL, n = 0, j;
	int opt, rc = 2;

	rf_error_clear(&err);
	optind = 1;
	opterr = 0; /* cli_bad_option says it */
	while ((opt = cli_sides_getopt(argc, argv, "f:t:h", longopts, &from, &to)) != -1) {
		switch (opt) {
		case 'a':
			after = true;
			break;
		case 'h':
			fputs(ddl_usage, stdout);
			return 0;
		default:
			cli_bad_option("ddl", argv);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs("rowferry: ddl: which table? (rowferry ddl --help)\n", stderr);
		return 2;
	}
	/* the target is only read for its quoting: no transaction there */
	if (cli_sides_open(&sides, common, from, to, false) != 0)
		goto out;
	src = sides.src;
	dst = sides.dst;
	n = (size_t)(argc - optind);
	tables = rf_xcalloc(n, sizeof *tables);
	order = rf_xcalloc(n, sizeof *order);
	for (j = 0; j < n; j++) {
		if (rf_db_describe(src, argv[optind + (int)j], &tables[j], &err) != 0) {
			cli_print_error(&err);
			goto out;
		}
	}
	/* parents first; tables in a cycle get their foreign keys at the end */
	if (!rf_schema_create_order(tables, n, order))
		after = true;
	for (j = 0; j < n; j++) {
		const struct rf_table_info *t = &tables[order[j]];
		struct rf_ddl d = {0};
		struct rf_ddl_opts o = {.src_engine = src->ops->engine, .fkeys_after = after};
		size_t k;
		if (rf_schema_create_table(dst, t, &o, &d, &err) != 0) {
			rf_ddl_free(&d);
			cli_print_error(&err);
			goto out;
		}
		for (k = 0; k < d.warnings.len; k++)
			printf("-- warning: %s.%s\n", t->name, d.warnings.items[k]);
		for (k = 0; k < d.create.len; k++)
			printf("%s;\n", d.create.items[k]);
		printf("\n");
		for (k = 0; k < d.foreign.len; k++)
			rf_strlist_add(&all.foreign, d.foreign.items[k]);
		rf_ddl_free(&d);
	}
	for (j = 0; j < all.foreign.len; j++)
		printf("%s;\n", all.foreign.items[j]);
	rc = 0;
out:
	for (j = 0; tables && j < n; j++)
		rf_table_info_free(&tables[j]);
	free(tables);
	free(order);
	rf_ddl_free(&all);
	cli_sides_close(&sides);
	return rc;
}
