/* cmd_copy.c - `rowferry copy TABLE`: make the target's rows match the
 * source's, in one transaction, with an undo journal (DESIGN §5-§7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_diff.h"
#include "cli_map.h"
#include "cli_select.h"
#include "cli_write.h"
#include "cmd_copy_all.h"
#include "rowferry/apply.h"
#include "rowferry/preview.h"
#include "rowferry/set_copy.h"

/* Statements shown before the confirmation on a terminal; --dry-run shows
 * them all. */
#define COPY_SHOWN_STATEMENTS 20

static const char copy_usage[] =
    "usage: rowferry copy TABLE [OPTIONS]\n"
    "       rowferry copy --all [--tables T1,T2] [OPTIONS]\n"
    "\n"
    "Diffs TABLE like `rowferry diff`, then makes the target match the source\n"
    "for the selected rows: INSERT rows only in the source, UPDATE the changed\n"
    "columns of changed rows, and DELETE rows only in the target when --ops\n"
    "says so. Excluded columns are left out, so the target's defaults (a GUID,\n"
    "an auto-increment) fill them. Before writing it shows the warnings (missing\n"
    "foreign key parents, unique keys the inserts would break, ...) and asks;\n"
    "then it writes in one transaction, after checking that the target rows are\n"
    "still as the diff saw them, and keeps an undo journal. From [safety]\n"
    "bulk_rows inserts on (1000) it loads them with COPY FROM STDIN / LOAD DATA\n"
    "LOCAL, and the preview shows that statement and its rows. The journal\n"
    "records rows as the target holds them: read back after a bulk load, or\n"
    "taken from the values sent where the table provably stores them as sent\n"
    "(no triggers, every column sent, types that keep the value; see README).\n"
    "\n"
    "options:\n" CLI_SELECTION_HELP CLI_SET_HELP
    "  --ops LIST             operations to carry out: insert,update,delete\n"
    "                         (default insert,update)\n"
    "  --dry-run              print the warnings and the exact SQL; write nothing\n"
    "  --yes                  do not ask (needed when no terminal is attached)\n"
    "  --undo-dir DIR         where the journal goes (default: [safety] "
    "undo_dir)\n" CLI_ALGORITHM_HELP
    "                         (one table; a set of tables is streamed)\n"
    "  --map FILE             copy through FILE's [map TABLE] section (a table the\n"
    "                         config maps goes through its section too); with\n"
    "                         --tables T1,T2 their sections too, in one transaction\n"
    "  --skip-invalid         copy the rows that map and leave out the invalid ones,\n"
    "                         listed in <journal>.rejects.jsonl (default: refuse)\n"
    "  --all                  every table of the source (or the --tables listed),\n"
    "                         whole, keys kept, as one set: one transaction, one\n"
    "                         journal (DESIGN §13); no TABLE, --follow, --limit,\n"
    "                         --restrict or --where. A SQLite source must pass\n"
    "                         PRAGMA integrity_check (else exit 3) and its file's\n"
    "                         SHA-256 goes into the journal. Before COMMIT every\n"
    "                         table is verified: rows and an order-independent\n"
    "                         checksum on both sides (count only where a column\n"
    "                         cannot be summed alike on both engines); a mismatch\n"
    "                         rolls everything back, naming the table. Every\n"
    "                         table must exist in the target, unless --create\n"
    "  --create               with --all: create the tables missing in the target\n"
    "                         from the source's definitions (rowferry ddl's\n"
    "                         translation; the preview shows the DDL). PostgreSQL\n"
    "                         and SQLite: in the copy's transaction, foreign keys\n"
    "                         checked once the rows are in; MariaDB: created\n"
    "                         first, dropped again if the copy fails. Their rows\n"
    "                         stream from the source into the bulk loader (COPY,\n"
    "                         LOAD DATA) as read, not held in memory; the journal\n"
    "                         gets a load op with the count. Undo drops them\n"
    "  --report FILE          with --all: the report (per table rows read and in the\n"
    "                         target, operations, bytes, seconds, verification;\n"
    "                         totals) as JSON into FILE (mode 0600)\n"
    "  --config FILE          config file\n"
    "\n"
    "A set of tables (--follow, --tables, --restrict, --limit) is copied in one\n"
    "transaction with one journal: DELETEs children first, then INSERTs and\n"
    "UPDATEs parents first; a cycle is broken at a nullable foreign key (INSERT\n"
    "NULL, UPDATE once every row exists) or, on PostgreSQL, a DEFERRABLE one.\n"
    "--dry-run prints the whole script. With a parent's key excluded (the\n"
    "target generates it: --exclude id), a reference to it is compared through\n"
    "the parent's match key and written as (SELECT id FROM parent WHERE\n"
    "match_key = value): the parent this copy inserted, or one already there.\n"
    "A reference that is part of its own table's match key, or a composite one,\n"
    "is refused.\n"
    "\n"
    "Through a map (DESIGN §12), the source rows are mapped, validated and\n"
    "matched by the map's key = before anything is written: an invalid row\n"
    "(type, range, precision, length, NOT NULL, UUID, JSON, NUL bytes, a ref()\n"
    "without a parent, an unmapped map() value) is listed with its table, source\n"
    "key, column and reason and the copy refused (exit 3), unless --skip-invalid.\n"
    "--dry-run lists them too, exits 3 and prints what --skip-invalid would run\n"
    "for the valid rows under a -- REFUSED header.\n"
    "ref(parent, c) is written as (SELECT id FROM parent WHERE key = value), the\n"
    "key of the parent's [map] section; parents go first. A second run has\n"
    "nothing to do.\n"
    "\n"
    "On a terminal, you confirm by typing the target connection's name.\n"
    "The last line of output names the journal: `journal: PATH`.\n"
    "exit status: 0 done (or nothing to do, or --dry-run), 2 error,\n"
    "3 refused (not confirmed, the target changed since the diff, or the copy\n"
    "cannot succeed as planned); nothing is written unless the status is 0.\n"
    "\n"
    "example:\n"
    "  rowferry copy siteflow_orders --key job_number,order_ref --exclude guid \\\n"
    "      --where \"job_number = '0000065'\"\n"
    "  rowferry copy jobs --where \"job_number = '0000077'\" --follow children\n"
    "  rowferry copy jobs --where \"job_number = '0000077'\" --follow children \\\n"
    "      --exclude id --key order_lines:line_ref\n"
    "  rowferry copy --all --from sqlite:app.db --to postgres://app@db/app \\\n"
    "      --report copy.json\n";

struct copy_args {
	struct cli_selection_args sel;
	const char *ops;
	const char *undo_dir;
	const char *map_file;
	const char *algorithm;
	const char *report;
	bool dry_run, yes, skip_invalid, all, create;
};

/* Options parsed; returns -1 to exit with *rc. */
static int parse_args(int argc, char **argv, struct copy_args *a, const char **table, int *rc)
{
	static const struct option longopts[] = {CLI_SELECTION_LONGOPTS,
	                                         {"ops", required_argument, NULL, 'o'},
	                                         {"dry-run", no_argument, NULL, 'n'},
	                                         {"yes", no_argument, NULL, 'y'},
	                                         {"undo-dir", required_argument, NULL, 'u'},
	                                         {"map", required_argument, NULL, 'M'},
	                                         {"algorithm", required_argument, NULL, 'A'},
	                                         {"skip-invalid", no_argument, NULL, 'S'},
	                                         {"all", no_argument, NULL, 'a'},
	                                         {"report", required_argument, NULL, 'R'},
	                                         {"create", no_argument, NULL, 'C'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	int opt;

	optind = 1;
	opterr = 0; /* cli_bad_option says it */
	while ((opt = getopt_long(argc, argv, "hny", longopts, NULL)) != -1) {
		if (cli_selection_option(&a->sel, opt, optarg))
			continue;
		switch (opt) {
		case 'o':
			a->ops = optarg;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case 'y':
			a->yes = true;
			break;
		case 'u':
			a->undo_dir = optarg;
			break;
		case 'M':
			a->map_file = optarg;
			break;
		case 'A':
			a->algorithm = optarg;
			break;
		case 'S':
			a->skip_invalid = true;
			break;
		case 'a':
			a->all = true;
			break;
		case 'R':
			a->report = optarg;
			break;
		case 'C':
			a->create = true;
			break;
		case 'h':
			fputs(copy_usage, stdout);
			*rc = 0;
			return -1;
		default:
			cli_bad_option("copy", argv);
			*rc = CLI_EXIT_ERROR;
			return -1;
		}
	}
	if (a->sel.bad_limit) {
		fprintf(stderr, "rowferry: copy: --limit takes a number of rows\n");
		*rc = CLI_EXIT_ERROR;
		return -1;
	}
	if ((a->report || a->create) && !a->all) {
		fprintf(stderr, "rowferry: copy: --%s goes with --all\n",
		        a->report ? "report" : "create");
		*rc = CLI_EXIT_ERROR;
		return -1;
	}
	if (a->all && optind == argc)
		return 0; /* copy --all: the tables come from the source */
	if (a->all || optind != argc - 1) {
		fprintf(stderr, "rowferry: copy: %s\n",
		        a->all           ? "--all copies every table: give no TABLE (--tables "
		                           "T1,T2 to copy only those)"
		        : optind >= argc ? "which table? (rowferry copy TABLE)"
		                         : "one table at a time");
		*rc = CLI_EXIT_ERROR;
		return -1;
	}
	*table = argv[optind];
	return 0;
}

/* rf_preview_summary / rf_preview_sql on stdout */
static void print_summary(const struct rf_plan *p, const struct rf_db *src, const struct rf_db *dst,
                          const struct rf_diff_stats *st, const struct rf_warnings *w)
{
	struct rf_buf b = RF_BUF_INIT;
	rf_preview_summary(p, src, dst, st, w, "", &b);
	fwrite(b.data, 1, b.len, stdout);
	rf_buf_free(&b);
}

static void print_sql(const struct rf_plan *p, struct rf_db *dst, size_t max)
{
	struct rf_buf b = RF_BUF_INIT;
	rf_preview_sql(p, dst, max, &b);
	fwrite(b.data, 1, b.len, stdout);
	rf_buf_free(&b);
}

/* Reports the outcome; returns the exit status. */
static int report(const struct rf_apply_result *res, const struct rf_db *dst,
                  const struct rf_error *err)
{
	size_t i;
	switch (res->status) {
	case RF_APPLY_DONE:
		printf("copied to %s: %zu inserted, %zu updated, %zu deleted in %.2f s\n",
		       dst->name, res->inserted, res->updated, res->deleted, res->seconds);
		if (res->rejects)
			printf("rejected: %zu invalid source row%s, listed in %s\n", res->rejected,
			       res->rejected == 1 ? "" : "s", res->rejects);
		printf("journal: %s\n", res->journal);
		return CLI_EXIT_DONE;
	case RF_APPLY_NOTHING:
		printf("nothing to do: %s already matches\n", dst->name);
		return CLI_EXIT_DONE;
	case RF_APPLY_REFUSED:
		for (i = 0; i < res->drift.len && i < 20; i++)
			fprintf(stderr, "  %s\n", res->drift.items[i]);
		if (res->drift.len > 20)
			fprintf(stderr, "  ... and %zu more\n", res->drift.len - 20);
		cli_print_error(err);
		if (res->journal) /* the load found the row: its journal is aborted */
			printf("journal: %s\n", res->journal);
		return CLI_EXIT_REFUSED;
	case RF_APPLY_CANCELLED:
	case RF_APPLY_FAILED:
		cli_print_error(err);
		if (res->journal)
			printf("journal: %s\n", res->journal);
		return res->status == RF_APPLY_CANCELLED ? CLI_EXIT_REFUSED : CLI_EXIT_ERROR;
	}
	return CLI_EXIT_ERROR;
}

/* Applies plan, or the set's plans when set is not NULL; rej: the rows a
 * copy through maps left out (NULL: none); all: copy --all's checks and
 * report (NULL: not --all). */
static int run_apply(const struct rf_plan *plan, const struct rf_set_plan *set,
                     const struct rf_warnings *warn, struct rf_db *src, struct rf_db *dst,
                     const struct rf_config *cfg, const char *undo_dir,
                     const struct rf_map_copy_report *rej, struct cli_all_run *all)
{
	struct rf_apply_opts o;
	struct rf_apply_result res;
	struct cli_progress prog;
	struct rf_error err;
	int rc, all_rc;

	rf_error_clear(&err);
	rf_apply_opts_init(&o, cfg);
	cli_progress_init(&prog, "copy");
	if (undo_dir)
		o.undo_dir = undo_dir;
	if (all) {
		o.source_sha256 = all->sha256;
		o.verify = rf_all_verify;
		o.load = rf_all_stream_load; /* the created tables (all_stream.h) */
		o.step_done = rf_all_step_done;
		o.step_begin = rf_all_step_begin;
		o.verify_ctx = &all->check;
		rf_all_check_init(&all->check, set, src, dst);
		prog.all = &all->check; /* the table and the tables done */
	}
	o.warnings = warn; /* shown above: rf_apply refuses on their errors too */
	o.progress = cli_progress_cb;
	o.progress_ctx = &prog;
	o.cancel = &cli_interrupted;
	if (rej && rej->invalid_rows) {
		o.rejected = (size_t)rej->invalid_rows;
		o.rejects = rej->rejects.data;
	}
	cli_catch_interrupt(true);
	if (set)
		rf_set_apply(set, src, dst, &o, &res, &err);
	else
		rf_apply(plan, src, dst, &o, &res, &err);
	cli_catch_interrupt(false);
	cli_progress_done(&prog);
	/* the report before the journal's line, which comes last */
	all_rc = all ? cli_all_report(all, &res) : 0;
	rc = report(&res, dst, &err);
	if (all_rc != 0 && rc == CLI_EXIT_DONE)
		rc = CLI_EXIT_ERROR;
	rf_apply_result_free(&res);
	return rc;
}

/* Previews, confirms and applies the set plan sp; rej: the rows a copy
 * through maps left out (NULL: none). */
static int copy_set_run(const struct copy_args *args, const struct rf_set_plan *sp,
                        const struct rf_config *cfg, struct rf_db *src, struct rf_db *dst,
                        const struct rf_conn_config *dst_conn, const struct rf_map_copy_report *rej,
                        struct cli_all_run *all)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t i, errors = 0;
	int rc = CLI_EXIT_ERROR;

	if (rej && rej->invalid_rows && !args->skip_invalid) /* a dry run (copy_mapped) */
		rf_buf_printf(&b,
		              "-- REFUSED: %llu invalid source row%s (listed on stderr): without "
		              "--skip-invalid this copy writes nothing (exit 3)\n"
		              "-- what --skip-invalid would run, the invalid rows left out:\n",
		              rej->invalid_rows, rej->invalid_rows == 1 ? "" : "s");
	else if (rej && rej->invalid_rows)
		rf_buf_printf(&b, "-- %llu invalid source row%s left out (--skip-invalid)\n",
		              rej->invalid_rows, rej->invalid_rows == 1 ? "" : "s");
	if (!args->dry_run) /* the summary only: 100k rows' statements cost */
		rf_set_preview_summary(sp, src, dst, &b);
	else
		rf_set_preview_script(sp, src, dst, &b);
	if (args->dry_run) {
		fwrite(b.data, 1, b.len, stdout);
		rc = CLI_EXIT_DONE;
		goto out;
	}
	/* the summary: the script's comment lines before BEGIN (or before
	 * the tables created first) */
	for (i = 0; i < b.len && strncmp(b.data + i, "-- ", 3) == 0;) {
		const char *nl = memchr(b.data + i, '\n', b.len - i);
		size_t n = nl ? (size_t)(nl - (b.data + i)) + 1 : b.len - i;
		fwrite(b.data + i + 3, 1, n - 3, stdout);
		i += n;
	}
	for (i = 0; i < sp->len; i++)
		errors += sp->items[i].plan->errors.len;
	if (rf_set_plan_nops(sp) == 0) {
		printf("nothing to do: %s already matches%s\n", dst->name,
		       rej && rej->invalid_rows ? " (but for the invalid rows listed above)" : "");
		rc = CLI_EXIT_DONE;
		goto out;
	}
	if (errors || rf_warnings_count(&sp->all, RF_SEV_ERROR)) {
		for (i = 0; i < sp->len; i++)
			if (sp->items[i].plan->errors.len)
				fprintf(stderr, "  %s: %s\n", sp->items[i].table,
				        sp->items[i].plan->errors.items[0]);
		fprintf(stderr, "rowferry: copy: refused: the copy cannot succeed as planned "
		                "(errors above); nothing written\n");
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	if (!cli_confirm_write(dst->name, dst_conn, args->yes, "copy")) {
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	fflush(stdout);
	rc = run_apply(NULL, sp, &sp->all, src, dst, cfg, args->undo_dir, rej, all);
out:
	rf_buf_free(&b);
	return rc;
}

/* A copy of the set of tables the root and the set flags make (DESIGN
 * §11): one plan per table, one preview, one transaction. */
static int copy_set(const struct copy_args *args, const char *table, unsigned mask,
                    const struct rf_config *cfg, struct rf_db *src, struct rf_db *dst,
                    const struct rf_conn_config *dst_conn, struct cli_all_run *all)
{
	struct rf_set_plan sp;
	struct rf_error err;
	int rc = CLI_EXIT_ERROR;

	rf_error_clear(&err);
	if (rf_set_plan_build(src, dst, cfg, table, &args->sel.flags, &args->sel.set, mask, &sp,
	                      &err) != 0)
		cli_print_error(&err);
	else
		rc = copy_set_run(args, &sp, cfg, src, dst, dst_conn, NULL, all);
	rf_set_plan_free(&sp);
	return rc;
}

/* A copy through [map] sections (DESIGN §12): planned as a set, previewed
 * and applied as one. */
static int copy_mapped(const struct copy_args *args, const struct cli_map_set *maps, unsigned mask,
                       const struct rf_config *cfg, struct rf_db *src, struct rf_db *dst,
                       const struct rf_conn_config *dst_conn)
{
	struct rf_set_plan sp;
	struct rf_map_copy_report rep;
	int rc;

	memset(&rep, 0, sizeof rep);
	rc = cli_map_copy_plan(maps, cfg, src, dst, mask, args->skip_invalid, args->dry_run, &sp,
	                       &rep);
	if (rc == 0)
		rc = copy_set_run(args, &sp, cfg, src, dst, dst_conn, &rep, NULL);
	else if (rc == CLI_EXIT_REFUSED && args->dry_run &&
	         copy_set_run(args, &sp, cfg, src, dst, dst_conn, &rep, NULL) != 0)
		rc = CLI_EXIT_ERROR; /* the dry run of a refused copy: its script, exit 3 */
	rf_set_plan_free(&sp);
	rf_map_copy_report_free(&rep);
	return rc;
}

/* copy --all: every table of the source, or the --tables listed, whole,
 * as one set (DESIGN §13). */
static int copy_all(struct copy_args *args, unsigned mask, const struct rf_config *cfg,
                    struct rf_db *src, struct rf_db *dst, const struct rf_conn_config *dst_conn)
{
	char *root = NULL, *rest = NULL, sha[RF_SHA256_HEX_LEN + 1];
	const char *listed = args->sel.set.tables;
	struct rf_planned_tables planned;
	struct cli_all_run run;
	int rc;

	rc = cli_all_check_source(src, sha);
	if (rc != 0)
		return rc;
	rc = CLI_EXIT_ERROR;
	memset(&planned, 0, sizeof planned);
	if (cli_all_tables(src, dst, listed, args->create ? &planned : NULL, &root, &rest) == 0) {
		args->sel.set.tables = rest ? rest : "";
		memset(&run, 0, sizeof run);
		run.sha256 = sha[0] ? sha : NULL;
		run.report = args->report;
		rc = copy_set(args, root, mask, cfg, src, dst, dst_conn, &run);
		rf_all_check_free(&run.check);
		args->sel.set.tables = listed;
	}
	dst->planned = NULL;
	rf_planned_tables_free(&planned);
	free(root);
	free(rest);
	return rc;
}

int cmd_copy(int argc, char **argv, const struct cli_common *common)
{
	struct copy_args args;
	struct rf_selection sel;
	struct rf_config cfg;
	struct rf_db *src = NULL, *dst = NULL;
	struct rf_db named = {0}; /* the source's names once its connection is closed */
	const struct rf_conn_config *dst_conn = NULL;
	struct rf_diff *diff = NULL;
	struct rf_diff_opts dopts = RF_DIFF_OPTS_INIT;
	struct cli_diff_progress prog;
	struct rf_plan *plan = NULL;
	struct rf_diff_stats stats;
	struct rf_warnings warn = RF_WARNINGS_INIT;
	struct rf_preview_opts popts = {false, 0, 0};
	struct cli_map_set maps;
	struct rf_error err;
	const char *table = NULL;
	bool cfg_loaded = false, sel_built = false;
	int mask, rc = CLI_EXIT_ERROR;

	memset(&args, 0, sizeof args);
	memset(&maps, 0, sizeof maps);
	rf_error_clear(&err);
	if (parse_args(argc, argv, &args, &table, &rc) != 0)
		goto out;
	mask = rf_ops_parse(args.ops ? args.ops : "insert,update", &err);
	if (mask < 0) {
		cli_print_error(&err);
		goto out;
	}
	if (cli_load_config(&cfg, common) != 0)
		goto out;
	cfg_loaded = true;
	if (args.all) {
		if (args.map_file || args.skip_invalid ||
		    (args.algorithm && strcmp(args.algorithm, "stream") != 0)) {
			fprintf(stderr,
			        "rowferry: copy: --all copies tables as they are, streamed: "
			        "no --map, --skip-invalid or --algorithm with it\n");
			goto out;
		}
		if (cli_all_refuse_flags(&args.sel.set, &args.sel.flags) != 0 ||
		    cli_connect_pair(&cfg, args.sel.from, args.sel.to, &src, &dst, NULL,
		                     &dst_conn) != 0)
			goto out;
		rc = copy_all(&args, (unsigned)mask, &cfg, src, dst, dst_conn);
		goto out;
	}
	if (cli_map_set_load(&maps, &cfg, args.map_file, table, &args.sel) != 0)
		goto out;
	if (!maps.n && args.skip_invalid) {
		fprintf(stderr,
		        "rowferry: copy: --skip-invalid is for a copy through a map "
		        "(--map FILE, or a [map %s] section)\n",
		        table);
		goto out;
	}
	if (cli_selection_build(&args.sel, &cfg, table, &sel) != 0)
		goto out;
	sel_built = true;
	sel.source_key = true; /* the journal's source_key, where the keys differ */
	if (cli_connect_pair(&cfg, args.sel.from, args.sel.to, &src, &dst, NULL, &dst_conn) != 0)
		goto out;
	if (maps.n) {
		if (args.algorithm && strcmp(args.algorithm, "stream") != 0) {
			fprintf(stderr,
			        "rowferry: copy: --algorithm %s takes an unmapped table; a "
			        "copy through a map is diffed by streaming\n",
			        args.algorithm);
			goto out;
		}
		rc = copy_mapped(&args, &maps, (unsigned)mask, &cfg, src, dst, dst_conn);
		goto out;
	}
	if (rf_set_flags_given(&args.sel.set)) {
		if (args.algorithm && strcmp(args.algorithm, "stream") != 0) {
			fprintf(stderr,
			        "rowferry: copy: --algorithm %s takes one table; a set of "
			        "tables is diffed by streaming\n",
			        args.algorithm);
			goto out;
		}
		rc = copy_set(&args, table, (unsigned)mask, &cfg, src, dst, dst_conn, NULL);
		goto out;
	}
	cli_diff_progress_init(&prog, "copy");
	if (cli_diff_opts(&cfg, "copy", args.algorithm, &prog, &dopts) != 0)
		goto out;
	diff = rf_diff_open_opts(src, dst, &sel, &dopts, &err);
	cli_diff_progress_done(&prog);
	if (diff)
		plan = rf_plan_from_diff(diff, (unsigned)mask, &err);
	if (!plan) {
		cli_print_error(&err);
		goto out;
	}
	rf_plan_target(plan, dst, (size_t)cfg.bulk_rows);
	stats = *rf_diff_stats(diff);
	if (args.algorithm || dopts.algorithm != RF_DIFF_AUTO ||
	    rf_diff_algorithm_used(diff) == RF_DIFF_HASH)
		cli_say_algorithm(diff, "copy", table);
	/* ends the read transactions; the plan keeps the shape */
	rf_diff_close(diff);
	diff = NULL;
	popts.filtered = sel.where || sel.source_where || sel.target_where;
	if (rf_preview_warnings(plan, dst, &popts, &warn, &err) != 0) {
		cli_print_error(&err);
		goto out;
	}

	if (args.dry_run) {
		/* an SQL script: everything but the statements is a comment */
		struct rf_buf script = RF_BUF_INIT;
		rf_preview_script(plan, src, dst, &stats, &warn, &script);
		fwrite(script.data, 1, script.len, stdout);
		rf_buf_free(&script);
		rc = CLI_EXIT_DONE;
		goto out;
	}
	print_summary(plan, src, dst, &stats, &warn);
	if (plan->nops == 0) {
		printf("nothing to do: %s already matches\n", dst->name);
		rc = CLI_EXIT_DONE;
		goto out;
	}
	if (plan->errors.len || rf_warnings_count(&warn, RF_SEV_ERROR)) {
		fprintf(stderr, "rowferry: copy: refused: the copy cannot succeed as planned "
		                "(errors above); nothing written\n");
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	if (!args.yes && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		print_sql(plan, dst, COPY_SHOWN_STATEMENTS);
	if (!cli_confirm_write(dst->name, dst_conn, args.yes, "copy")) {
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	fflush(stdout);
	/* From here the source is only named (the journal's header): its
	 * connection goes now, and with it the input buffer libpq grew to the
	 * largest row read and never shrinks, one more copy of a huge value
	 * while apply holds the plan's (DESIGN §9) */
	named.name = rf_xstrdup(src->name);
	named.display_url = rf_xstrdup(src->display_url);
	rf_db_close(src);
	src = NULL;
	rc = run_apply(plan, NULL, &warn, &named, dst, &cfg, args.undo_dir, NULL, NULL);
out:
	rf_diff_close(diff);
	rf_plan_free(plan);
	rf_warnings_free(&warn);
	rf_db_close(src);
	rf_db_close(dst);
	free(named.name);
	free(named.display_url);
	if (sel_built)
		rf_selection_free(&sel);
	if (cfg_loaded)
		rf_config_free(&cfg);
	cli_selection_args_free(&args.sel);
	cli_map_set_free(&maps);
	return rc;
}
