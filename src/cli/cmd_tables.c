/* cmd_tables.c - `rowferry tables`: tables of both sides with row counts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char tables_usage[] =
    "usage: rowferry tables [--from A] [--to B] [--config FILE]\n"
    "\n"
    "Lists the tables of the source (A, default [defaults] source) and the\n"
    "target (B, default [defaults] target) side by side with exact row counts.\n"
    "A table present on one side only is marked. PostgreSQL tables are shown\n"
    "schema-qualified; a table in schema public matches the same name on an\n"
    "engine without schemas (SQLite, MySQL).\n";

/* The name a table is matched by across engines: "public.jobs" matches
 * "jobs" on an engine without schemas. */
static const char *match_name(const char *name, bool other_has_schemas)
{
	if (!other_has_schemas && strncmp(name, "public.", 7) == 0)
		return name + 7;
	return name;
}

static int find_entry(const struct rf_table_list *l, const char *name, bool l_has_schemas,
                      bool other_has_schemas)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		if (strcmp(match_name(l->items[i].name, other_has_schemas), name) == 0)
			return (int)i;
	(void)l_has_schemas;
	return -1;
}

static void format_count(long long n, char *out, size_t outlen)
{
	if (n < 0)
		snprintf(out, outlen, "?");
	else
		snprintf(out, outlen, "%lld", n);
}

struct tables_row {
	const char *name;
	long long src, dst; /* -2: absent */
};

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tables_row *)a)->name, ((const struct tables_row *)b)->name);
}

int cmd_tables(int argc, char **argv, const struct cli_common *common)
{
	static const struct option longopts[] = {{"from", required_argument, NULL, 'f'},
	                                         {"to", required_argument, NULL, 't'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *from = NULL, *to = NULL;
	struct rf_config cfg;
	struct rf_db *src = NULL, *dst = NULL;
	struct rf_table_list sl = {0, NULL}, dl = {0, NULL};
	struct tables_row *rows = NULL;
	size_t nrows = 0, i, width = 5;
	struct rf_error err;
	int opt, rc = 2;
	bool cfg_loaded = false;

	rf_error_clear(&err);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:t:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'h':
			fputs(tables_usage, stdout);
			return 0;
		default:
			fputs(tables_usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rowferry: tables: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (cli_load_config(&cfg, common) != 0)
		return 2;
	cfg_loaded = true;
	if (cli_connect_pair(&cfg, from, to, &src, &dst, NULL, NULL) != 0)
		goto out;
	if (rf_db_begin(src, RF_TX_READ, NULL, &err) != 0 ||
	    src->ops->list_tables(src, &sl, &err) != 0 ||
	    rf_db_begin(dst, RF_TX_READ, NULL, &err) != 0 ||
	    dst->ops->list_tables(dst, &dl, &err) != 0) {
		cli_print_error(&err);
		goto out;
	}

	rows = rf_xcalloc(sl.len + dl.len + 1, sizeof *rows);
	for (i = 0; i < sl.len; i++) {
		const char *n = match_name(sl.items[i].name, dst->ops->has_schemas);
		int j = find_entry(&dl, n, dst->ops->has_schemas, src->ops->has_schemas);
		rows[nrows].name = n;
		rows[nrows].src = sl.items[i].rows;
		rows[nrows].dst = j >= 0 ? dl.items[j].rows : -2;
		nrows++;
	}
	for (i = 0; i < dl.len; i++) {
		const char *n = match_name(dl.items[i].name, src->ops->has_schemas);
		if (find_entry(&sl, n, src->ops->has_schemas, dst->ops->has_schemas) >= 0)
			continue;
		rows[nrows].name = n;
		rows[nrows].src = -2;
		rows[nrows].dst = dl.items[i].rows;
		nrows++;
	}
	qsort(rows, nrows, sizeof *rows, row_cmp);
	for (i = 0; i < nrows; i++)
		if (strlen(rows[i].name) > width)
			width = strlen(rows[i].name);

	printf("source: %s (%s)\ntarget: %s (%s)\n\n", src->name, src->display_url, dst->name,
	       dst->display_url);
	printf("%-*s  %12s  %12s\n", (int)width, "TABLE", "SOURCE ROWS", "TARGET ROWS");
	for (i = 0; i < nrows; i++) {
		char a[32], b[32];
		const char *note = "";
		if (rows[i].src == -2) {
			snprintf(a, sizeof a, "-");
			note = "  only in target";
		} else {
			format_count(rows[i].src, a, sizeof a);
		}
		if (rows[i].dst == -2) {
			snprintf(b, sizeof b, "-");
			note = "  only in source";
		} else {
			format_count(rows[i].dst, b, sizeof b);
		}
		printf("%-*s  %12s  %12s%s\n", (int)width, rows[i].name, a, b, note);
	}
	rc = 0;
out:
	free(rows);
	rf_table_list_free(&sl);
	rf_table_list_free(&dl);
	rf_db_close(src);
	rf_db_close(dst);
	if (cfg_loaded)
		rf_config_free(&cfg);
	return rc;
}
