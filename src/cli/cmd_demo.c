/* cmd_demo.c - `rowferry demo`: make the SQLite demo and open it (DESIGN §7). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rowferry/demo.h"

#define DEMO_DEFAULT_DIR "./rowferry-demo"

static const char demo_usage[] =
    "usage: rowferry demo [--no-open] [--force] [DIR]\n"
    "\n"
    "Makes two SQLite databases, DIR/dev.db and DIR/prod.db, modelled on an\n"
    "order-processing system (jobs, sales_orders, order_lines, siteflow_batches,\n"
    "siteflow_orders), and DIR/config.ini naming them dev and prod; then opens\n"
    "the console on them. Job 0000065's 12 siteflow_orders rows exist only in\n"
    "dev, 3 shared rows differ, and prod has 2 rows dev lacks.\n"
    "\n"
    "  DIR         where to put the files (default " DEMO_DEFAULT_DIR ")\n"
    "  --no-open   only make the files and print the config file's path\n"
    "  --force     remake the files when DIR already holds a demo\n"
    "\n"
    "Without --force an existing demo is opened as it is; with --no-open it is\n"
    "an error.\n";

static int demo_error(const struct rf_error *err)
{
	char text[1300];
	fprintf(stderr, "rowferry: %s\n", rf_error_text(err, text, sizeof text));
	return 2;
}

int cmd_demo(int argc, char **argv, const struct cli_common *common)
{
	static const struct option longopts[] = {{"no-open", no_argument, NULL, 'n'},
	                                         {"force", no_argument, NULL, 'f'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *dir = DEMO_DEFAULT_DIR;
	bool no_open = false, force = false;
	struct cli_common opened = *common;
	char *abs = NULL, *config = NULL;
	struct rf_error err;
	int opt, rc = 2;

	rf_error_clear(&err);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			no_open = true;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			fputs(demo_usage, stdout);
			return 0;
		default:
			fprintf(stderr, "rowferry: demo: unknown option '%s'\n%s", argv[optind - 1],
			        demo_usage);
			return 2;
		}
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "rowferry: demo: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	/* Opening reuses a demo that is already there; --no-open is asked for
	 * to make one, so an existing demo is an error unless --force. */
	if (no_open || force || !rf_demo_exists(dir)) {
		if (rf_demo_create(dir, force, &err) != 0)
			return demo_error(&err);
	}
	abs = realpath(dir, NULL);
	if (!abs) {
		rf_error_set(&err, "demo", "%s: cannot resolve the directory", dir);
		return demo_error(&err);
	}
	config = rf_xasprintf("%s/config.ini", abs);
	if (no_open) {
		printf("%s\n", config);
		rc = 0;
		goto out;
	}
	/* as `rowferry --config DIR/config.ini`: the console on dev and prod */
	opened.config_path = config;
	{
		char name[] = "demo";
		char *args[] = {name, NULL};
		rc = cmd_console(1, args, &opened);
	}
out:
	free(config);
	free(abs);
	return rc;
}
