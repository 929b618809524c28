/* cmd_diff.c - `rowferry diff TABLE`: which rows differ (DESIGN §4, §7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_diff.h"
#include "cli_map.h"
#include "cli_select.h"
#include "rowferry/output.h"
#include "rowferry/plan.h"

static const char diff_usage[] =
    "usage: rowferry diff TABLE [OPTIONS]\n"
    "\n"
    "Streams TABLE from the source and the target ordered by the match key and\n"
    "reports every key that is only in the source (+), only in the target (-)\n"
    "or changed (~). Values are compared in a canonical form per type, so the\n"
    "same data in PostgreSQL, MariaDB and SQLite compares equal; NULL never\n"
    "equals ''. Reads run in read-only transactions.\n"
    "\n"
    "options:\n" CLI_SELECTION_HELP CLI_SET_HELP
    "  --format FORMAT        text (default), json (JSON Lines, summary last),\n"
    "                         csv (a line per side of each differing row; NULL is\n"
    "                         an empty field, '' a quoted one) or\n"
    "                         sql: the script `copy --dry-run` prints for the same\n"
    "                         selection (header, warnings, BEGIN, statements, COMMIT)\n"
    "  --ops LIST             sql: the operations it makes, as copy's: insert,update\n"
    "                         (default), add delete for rows only in the target\n"
    "  --summary              counts only\n" CLI_ALGORITHM_HELP
    "  --map FILE             diff through the [map TABLE] section of FILE (a section\n"
    "                         of the config is used without it): the source rows are\n"
    "                         mapped, validated, then compared by the map's key;\n"
    "                         exit 3 when source rows do not map (each listed)\n"
    "  --config FILE          config file\n"
    "\n"
    "exit status: 0 no differences (in any table of a set), 1 differences, 2 error.\n"
    "\n"
    "example:\n"
    "  rowferry diff siteflow_orders --key job_number,order_ref --exclude guid \\\n"
    "      --where \"job_number = '0000065'\"\n"
    "  rowferry diff jobs --where \"job_number = '0000077'\" --follow children\n";

/* One table's diff through the writer; adds its counts to *total. Returns
 * 0, or -1 with err (what was written of it is then incomplete). */
static int diff_one(struct rf_db *src, struct rf_db *dst, const struct rf_selection *sel,
                    const struct rf_diff_opts *dopts, bool say, struct rf_diff_writer *w,
                    struct rf_diff_stats *total, struct rf_error *err)
{
	struct cli_diff_progress *prog = dopts->progress_ctx;
	const struct rf_diff_row *row;
	const struct rf_diff_stats *st;
	struct rf_diff *diff = rf_diff_open_opts(src, dst, sel, dopts, err);
	int r, rc = -1;

	cli_diff_progress_done(prog);
	if (!diff)
		return -1;
	rf_diff_set_identical_rows(diff, false); /* never printed */
	/* the text listing shows a one-sided row by its key alone */
	rf_diff_set_one_sided_rows(diff, !w->summary_only && w->ops != rf_diff_writer_find("text"));
	w->shape = rf_diff_shape(diff);
	w->diff = dopts->digest_fetch ? diff : NULL;
	w->table = sel->table;
	w->filtered = sel->where || sel->source_where || sel->target_where;
	w->ops->begin(w);
	while ((r = rf_diff_next(diff, &row, err)) > 0) {
		if (row->status != RF_IDENTICAL)
			w->ops->row(w, row);
		cli_diff_progress_rows(prog, rf_diff_stats(diff));
	}
	cli_diff_progress_done(prog);
	if (r < 0) {
		rf_writer_fill(w, false, NULL);
		fflush(w->out);
		goto out;
	}
	st = rf_diff_stats(diff);
	w->ops->end(w, st);
	/* large values the rows hold the first bytes of, read again in the
	 * diff's snapshot (output_large.c) */
	if (rf_writer_fill(w, true, err) != 0) {
		fflush(w->out);
		goto out;
	}
	if (say || rf_diff_algorithm_used(diff) == RF_DIFF_HASH)
		cli_say_algorithm(diff, "diff", sel->table);
	total->only_source += st->only_source;
	total->only_target += st->only_target;
	total->changed += st->changed;
	total->identical += st->identical;
	rc = 0;
out:
	rf_diff_close(diff);
	w->shape = NULL;
	w->diff = NULL;
	return rc;
}

/* A diff of the set of tables the root and the set flags make (DESIGN
 * §11): a section per table in apply order, then the totals. */
static int diff_set(struct rf_db *src, struct rf_db *dst, const struct rf_config *cfg,
                    const char *root, const struct cli_selection_args *args,
                    const struct rf_diff_opts *dopts, bool say, struct rf_diff_writer *w,
                    struct rf_error *err)
{
	struct rf_set_diff set;
	struct rf_diff_stats total;
	size_t i;
	int rc = 2;

	memset(&total, 0, sizeof total);
	memset(&set, 0, sizeof set);
	if (rf_set_diff_begin(src, dst, err) != 0)
		return 2;
	if (rf_set_diff_build(src, dst, cfg, root, &args->flags, &args->set, &set, err) != 0)
		goto out;
	if (w->ops == &rf_diff_text_writer && !w->summary_only)
		for (i = 0; i < set.broken.len; i++)
			fprintf(w->out, "note:   cycle broken at %s\n", set.broken.items[i]);
	for (i = 0; i < set.len; i++) {
		if (i && w->ops == &rf_diff_text_writer && !w->summary_only)
			fputs("\n", w->out);
		if (diff_one(src, dst, &set.items[i].sel, dopts, say, w, &total, err) != 0)
			goto out;
	}
	w->ops->end_all(w, set.len, &total);
	rc = total.only_source + total.only_target + total.changed ? 1 : 0;
out:
	rf_set_diff_end(src, dst);
	rf_set_diff_free(&set);
	return rc;
}

/* A diff through a [map] section (DESIGN §12): the section says where the
 * rows come from, so the selection flags other than --from/--to are not
 * taken (yet). */
static int diff_mapped(const struct rf_config *cfg, const struct cli_selection_args *args,
                       const char *map_file, struct rf_map *map, struct rf_diff_writer *w,
                       bool summary)
{
	const struct rf_selection_flags *f = &args->flags;
	struct rf_db *src = NULL, *dst = NULL;
	int rc = 2;

	if (f->where || f->source_where || f->target_where || f->key || f->exclude || f->ignore ||
	    f->trim || f->tolerance.len || f->ts_precision.len || rf_set_flags_given(&args->set)) {
		fprintf(stderr,
		        "rowferry: diff: %s is mapped ([map %s]): its where and key come "
		        "from the section; selection flags are not taken with a map yet\n",
		        map->target, map->target);
		return 2;
	}
	if (w->ops != &rf_diff_text_writer && w->ops != &rf_diff_json_writer) {
		fprintf(stderr, "rowferry: diff: a mapped diff writes text or json\n");
		return 2;
	}
	if (cli_connect_pair(cfg, args->from, args->to, &src, &dst, NULL, NULL) != 0)
		return 2;
	w->out = stdout;
	w->src = src;
	w->dst = dst;
	w->summary_only = summary;
	w->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	rc = cli_map_diff(src, dst, cfg, map_file, map, w);
	rf_db_close(src);
	rf_db_close(dst);
	return rc;
}

int cmd_diff(int argc, char **argv, const struct cli_common *common)
{
	static const struct option longopts[] = {CLI_SELECTION_LONGOPTS,
	                                         {"format", required_argument, NULL, 'F'},
	                                         {"ops", required_argument, NULL, 'o'},
	                                         {"summary", no_argument, NULL, 's'},
	                                         {"algorithm", required_argument, NULL, 'A'},
	                                         {"map", required_argument, NULL, 'M'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	struct cli_selection_args args;
	struct rf_selection sel;
	struct rf_config cfg;
	struct rf_db *src = NULL, *dst = NULL;
	struct rf_diff_writer w;
	struct rf_diff_stats total;
	struct rf_error err;
	const char *format = "text", *ops = "insert,update", *algorithm = NULL;
	struct rf_diff_opts dopts = RF_DIFF_OPTS_INIT;
	struct cli_diff_progress prog;
	const char *map_file = NULL;
	struct rf_map *map = NULL;
	bool summary = false, cfg_loaded = false, sel_built = false, say;
	int opt, mask, rc = 2;

	memset(&args, 0, sizeof args);
	memset(&w, 0, sizeof w);
	rf_error_clear(&err);
	optind = 1;
	opterr = 0; /* cli_bad_option says it */
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_selection_option(&args, opt, optarg))
			continue;
		switch (opt) {
		case 'F':
			format = optarg;
			break;
		case 'o':
			ops = optarg;
			break;
		case 's':
			summary = true;
			break;
		case 'A':
			algorithm = optarg;
			break;
		case 'M':
			map_file = optarg;
			break;
		case 'h':
			fputs(diff_usage, stdout);
			rc = 0;
			goto out;
		default:
			cli_bad_option("diff", argv);
			goto out;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "rowferry: diff: %s\n",
		        optind >= argc ? "which table? (rowferry diff TABLE)"
		                       : "one table at a time");
		goto out;
	}
	w.ops = rf_diff_writer_find(format);
	if (!w.ops) {
		fprintf(stderr, "rowferry: diff: unknown --format '%s' (text, json, sql, csv)\n",
		        format);
		goto out;
	}
	if (args.bad_limit) {
		fprintf(stderr, "rowferry: diff: --limit takes a number of rows\n");
		goto out;
	}
	if (rf_set_flags_given(&args.set) && !w.ops->end_all) {
		fprintf(stderr,
		        "rowferry: diff: --format %s shows one table; a set of tables "
		        "(--follow, --tables, --restrict, --limit) takes text or json\n",
		        format);
		goto out;
	}
	mask = rf_ops_parse(ops, &err);
	if (mask < 0) {
		cli_print_error(&err);
		goto out;
	}
	if (cli_load_config(&cfg, common) != 0)
		goto out;
	cfg_loaded = true;
	if (cli_map_find(&cfg, map_file, argv[optind], &map) != 0)
		goto out;
	if (map) {
		rc = diff_mapped(&cfg, &args, map_file, map, &w, summary);
		goto out;
	}
	if (cli_selection_build(&args, &cfg, argv[optind], &sel) != 0)
		goto out;
	sel_built = true;
	if (cli_connect_pair(&cfg, args.from, args.to, &src, &dst, NULL, NULL) != 0)
		goto out;
	cli_diff_progress_init(&prog, "diff");
	if (cli_diff_opts(&cfg, "diff", algorithm, &prog, &dopts) != 0)
		goto out;
	/* which algorithm ran is said when one was asked for (or hash ran) */
	say = algorithm || dopts.algorithm != RF_DIFF_AUTO;
	w.out = stdout;
	w.src = src;
	w.dst = dst;
	w.summary_only = summary;
	w.ops_mask = (unsigned)mask;
	w.bulk_rows = (size_t)cfg.bulk_rows;
	w.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	/* the text listing shows 40 characters of a changed value: a large
	 * one need not come whole (diff_digest.c) */
	dopts.digest_large = w.ops == &rf_diff_text_writer;
	/* json and csv print changed values whole: a large one is read again
	 * after the rows, in pieces (output_large.c) */
	dopts.digest_fetch = w.ops == &rf_diff_json_writer || w.ops == &rf_diff_csv_writer;
	if (rf_set_flags_given(&args.set)) {
		w.in_set = true;
		rc = diff_set(src, dst, &cfg, argv[optind], &args, &dopts, say, &w, &err);
	} else {
		memset(&total, 0, sizeof total);
		rc = 2;
		/* one table shown, not planned (--format sql plans as copy does) */
		dopts.lean_target = strcmp(format, "sql") != 0;
		if (diff_one(src, dst, &sel, &dopts, say, &w, &total, &err) == 0)
			rc = total.only_source + total.only_target + total.changed ? 1 : 0;
	}
	/* on an error, whatever was written is incomplete: say so on stderr */
	if (rc == 2)
		cli_print_error(&err);
out:
	rf_db_close(src);
	rf_db_close(dst);
	if (sel_built)
		rf_selection_free(&sel);
	if (cfg_loaded)
		rf_config_free(&cfg);
	cli_selection_args_free(&args);
	rf_map_free(map);
	return rc;
}
