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
	struct rf_config cfg;
	struct rf_db *src = NULL, *dst = NULL;
	struct rf_ddl all = {0};
	struct rf_error err;
	bool cfg_loaded = false, after = false;
	int opt, i, rc = 2;
	size_t j;

	rf_error_clear(&err);
	optind = 1;
	opterr = 0; /* cli_bad_option says it */
	while ((opt = getopt_long(argc, argv, "f:t:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			from = cli_url_arg(optarg);
			break;
		case 't':
			to = cli_url_arg(optarg);
			break;
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
	if (cli_load_config(&cfg, common) != 0)
		return 2;
	cfg_loaded = true;
	if (cli_connect_pair(&cfg, from, to, &src, &dst, NULL, NULL) != 0)
		goto out;
	if (rf_db_begin(src, RF_TX_READ, NULL, &err) != 0) {
		cli_print_error(&err);
		goto out;
	}
	for (i = optind; i < argc; i++) {
		struct rf_table_info t = {0};
		struct rf_ddl d = {0};
		struct rf_ddl_opts o = {.src_engine = src->ops->engine, .fkeys_after = after};
		if (rf_db_describe(src, argv[i], &t, &err) != 0 ||
		    rf_schema_create_table(dst, &t, &o, &d, &err) != 0) {
			rf_table_info_free(&t);
			rf_ddl_free(&d);
			cli_print_error(&err);
			goto out;
		}
		for (j = 0; j < d.warnings.len; j++)
			printf("-- warning: %s.%s\n", t.name, d.warnings.items[j]);
		for (j = 0; j < d.create.len; j++)
			printf("%s;\n", d.create.items[j]);
		printf("\n");
		for (j = 0; j < d.foreign.len; j++)
			rf_strlist_add(&all.foreign, d.foreign.items[j]);
		rf_table_info_free(&t);
		rf_ddl_free(&d);
	}
	for (j = 0; j < all.foreign.len; j++)
		printf("%s;\n", all.foreign.items[j]);
	rc = 0;
out:
	rf_ddl_free(&all);
	rf_db_close(src);
	rf_db_close(dst);
	if (cfg_loaded)
		rf_config_free(&cfg);
	return rc;
}
