/* cmd_undo.c - `rowferry undo JOURNAL`: roll a copy back from its journal,
 * checked and guided (DESIGN §6, §7). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_write.h"
#include "rowferry/undo.h"

#define UNDO_SHOWN_STATEMENTS 20
#define UNDO_SHOWN_DRIFT      20

static const char undo_usage[] =
    "usage: rowferry undo JOURNAL [--dry-run] [--yes] [--force] [--to B]\n"
    "\n"
    "Rolls back the copy that wrote JOURNAL (a path, a file name in the undo\n"
    "directory, or the start of its name or id; see rowferry log): deletes the\n"
    "rows it inserted, restores the rows it updated, re-inserts the rows it\n"
    "deleted, in one transaction on the target. First it verifies the journal's\n"
    "seal and checks that every row is still as the copy left it; rows changed\n"
    "since are listed and the undo is refused, unless --force.\n"
    "\n"
    "A journal left pending (the copy died before recording its outcome) is\n"
    "settled first from the target's own record of the copy's transaction, never\n"
    "from the rows: without a valid prepared line the copy never reached COMMIT\n"
    "(aborted); else PostgreSQL's txid_status() says (still running: try again\n"
    "later), MariaDB's XA RECOVER lists it prepared (committed now) or not, and\n"
    "SQLite's file change counter tells it did not commit (if it changed, rowferry\n"
    "cannot tell and refuses).\n"
    "\n"
    "options:\n"
    "  --dry-run              show the check and the SQL, and how a pending journal\n"
    "                         would be settled; write nothing, anywhere\n"
    "  --yes                  do not ask (needed when no terminal is attached)\n"
    "  --force                leave the changed rows alone and restore the rest\n"
    "  --to B                 the target connection (default: the one the journal\n"
    "                         names, looked up in the config)\n"
    "  --undo-dir DIR         the undo directory (default: [safety] undo_dir)\n"
    "  --config FILE          config file\n"
    "\n"
    "exit status: 0 done (or nothing to undo), 2 error (also a pending copy\n"
    "still running on the server, or one that cannot be settled), 3 refused\n"
    "(journal edited, already undone, rows changed, not confirmed, journal in\n"
    "use by another rowferry process). --dry-run exits as the undo would,\n"
    "except that it asks for no confirmation.\n";

struct undo_args {
	const char *journal, *to, *undo_dir;
	bool dry_run, yes, force;
};

static int parse_args(int argc, char **argv, struct undo_args *a, int *rc)
{
	static const struct option longopts[] = {{"dry-run", no_argument, NULL, 'n'},
	                                         {"yes", no_argument, NULL, 'y'},
	                                         {"force", no_argument, NULL, 'f'},
	                                         {"to", required_argument, NULL, 't'},
	                                         {"undo-dir", required_argument, NULL, 'u'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	int opt;

	optind = 1;
	opterr = 0; /* cli_bad_option says it */
	while ((opt = getopt_long(argc, argv, "hnyf", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			a->dry_run = true;
			break;
		case 'y':
			a->yes = true;
			break;
		case 'f':
			a->force = true;
			break;
		case 't':
			a->to = cli_url_arg(optarg);
			break;
		case 'u':
			a->undo_dir = optarg;
			break;
		case 'h':
			fputs(undo_usage, stdout);
			*rc = 0;
			return -1;
		default:
			cli_bad_option("undo", argv);
			*rc = CLI_EXIT_ERROR;
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "rowferry: undo: %s\n",
		        optind >= argc
		            ? "which journal? (rowferry undo JOURNAL; rowferry log lists them)"
		            : "one journal at a time");
		*rc = CLI_EXIT_ERROR;
		return -1;
	}
	a->journal = argv[optind];
	return 0;
}

/* The target the journal names: its connection in the config, else the
 * (password-less) URL it recorded, which may work through .pgpass etc. */
static struct rf_db *connect_target(const struct rf_config *cfg, const struct rf_undo *u,
                                    const char *to, const struct rf_conn_config **conn)
{
	const char *spec = to;
	struct rf_db *db;

	if (!spec)
		spec = rf_config_conn(cfg, u->target_name) || !u->target_url ? u->target_name
		                                                             : u->target_url;
	db = cli_connect(cfg, spec, "target", conn);
	/* db->name, not `to`: a URL given with --to may hold a password */
	if (db && strcmp(db->name, u->target_name) != 0)
		fprintf(stderr,
		        "rowferry: undo: note: the journal was written on %s; undoing on %s\n",
		        u->target_name, db->name);
	return db;
}

/* What the journal holds: its rows, its tables (each with its rows, in
 * the order the copy wrote them, when several), the target. */
static void print_header(const struct rf_undo *u, const char *path)
{
	const struct rf_journal *j = &u->journal;
	struct rf_buf tables = RF_BUF_INIT;
	size_t t, i, n;

	rf_journal_tables_text(j, ", ", &tables);
	printf("-- undo %s: %zu row%s of %s on %s, copied %s\n", path, j->nops,
	       j->nops == 1 ? "" : "s", tables.data, j->target, j->created);
	for (t = 0; j->ntables > 1 && t < j->ntables; t++) {
		for (i = 0, n = 0; i < j->nops; i++)
			n += j->ops[i].table == t;
		printf("--   %s: %zu row%s\n", j->tables[t].table, n, n == 1 ? "" : "s");
	}
	for (i = 0; i < j->nloads; i++)
		printf("--   %s: %llu rows loaded as read (dropped with the table)\n",
		       j->tables[j->loads[i].table].table, j->loads[i].rows);
	/* copy --all --create: dropped once their rows are deleted */
	for (i = j->created_tables.len; i-- > 0;)
		printf(
		    "--   then DROP TABLE %s (the copy created it), refused while it holds other "
		    "rows\n",
		    j->created_tables.items[i]);
	rf_buf_free(&tables);
}

static void print_drift(const struct rf_undo *u)
{
	size_t i;
	for (i = 0; i < u->drift.len && i < UNDO_SHOWN_DRIFT; i++)
		fprintf(stderr, "  %s\n", u->drift.items[i]);
	if (u->drift.len > UNDO_SHOWN_DRIFT)
		fprintf(stderr, "  ... and %zu more\n", u->drift.len - UNDO_SHOWN_DRIFT);
}

static void print_sql(const struct rf_undo *u, struct rf_db *db, size_t max)
{
	struct rf_stmts s;
	size_t i;

	rf_undo_render(u, db, RF_APPLY_BATCH_ROWS, true, &s);
	fputs("BEGIN;\n", stdout);
	for (i = 0; i < s.len && (max == 0 || i < max); i++)
		printf("%s;\n", s.items[i].text);
	if (i < s.len) {
		printf("-- ... %zu more statements (--dry-run shows them all)\n", s.len - i);
	} else {
		struct rf_buf b = RF_BUF_INIT;
		rf_undo_sequences_text(u, db, &b);
		if (b.len)
			fwrite(b.data, 1, b.len, stdout);
		rf_buf_free(&b);
		fputs("COMMIT;\n", stdout);
	}
	rf_stmts_free(&s);
}

static int run_undo(struct rf_undo *u, struct rf_db *db, const struct rf_config *cfg, bool force)
{
	struct rf_undo_opts o;
	struct cli_progress prog;
	struct rf_error err;
	size_t undone = 0;
	int r;

	rf_error_clear(&err);
	rf_undo_opts_init(&o, cfg);
	cli_progress_init(&prog, "undo");
	o.force = force;
	o.progress = cli_progress_cb;
	o.progress_ctx = &prog;
	o.cancel = &cli_interrupted;
	cli_catch_interrupt(true);
	r = rf_undo_apply(u, db, &o, &undone, &err);
	cli_catch_interrupt(false);
	cli_progress_done(&prog);
	if (r != 0) {
		print_drift(u);
		cli_print_error(&err);
		return r > 0 ? CLI_EXIT_REFUSED : CLI_EXIT_ERROR;
	}
	printf("undone on %s: %zu row%s restored", db->name, undone, undone == 1 ? "" : "s");
	if (u->ndrifted)
		printf(", %zu changed row%s left alone", u->ndrifted, u->ndrifted == 1 ? "" : "s");
	printf("\njournal: %s\n", u->journal.path);
	return CLI_EXIT_DONE;
}

int cmd_undo(int argc, char **argv, const struct cli_common *common)
{
	struct undo_args args;
	struct rf_config cfg;
	struct rf_undo *u = NULL;
	struct rf_db *db = NULL;
	const struct rf_conn_config *conn = NULL;
	struct rf_error err;
	char *path = NULL;
	bool cfg_loaded = false, settled = false;
	enum rf_tx_outcome outcome = RF_TX_ABORTED;
	enum rf_undo_ready ready;
	int rc = CLI_EXIT_ERROR;

	memset(&args, 0, sizeof args);
	rf_error_clear(&err);
	if (parse_args(argc, argv, &args, &rc) != 0)
		goto out;
	if (cli_load_config(&cfg, common) != 0)
		goto out;
	cfg_loaded = true;
	path = rf_journal_find(args.undo_dir ? args.undo_dir : cfg.undo_dir, args.journal, &err);
	if (path) {
		/* absolute, so the journal line names it wherever it is read */
		char *abs = realpath(path, NULL);
		if (abs) {
			free(path);
			path = abs;
		}
	}
	if (!path || !(u = rf_undo_open(path, &err))) {
		cli_print_error(&err);
		goto out;
	}
	cli_warn_exposed_journal("undo", path);
	print_header(u, path);
	/* what can be refused without the target */
	if ((u->journal.state != RF_JOURNAL_PENDING || u->journal.busy) &&
	    rf_undo_allowed(u, &err) != 0) {
		cli_print_error(&err);
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	if (!(db = connect_target(&cfg, u, args.to, &conn)))
		goto out;
	if (u->journal.state == RF_JOURNAL_PENDING)
		printf(
		    "-- the journal is pending (the copy never recorded its outcome): asking %s\n",
		    db->name);
	ready = rf_undo_prepare(u, db, !args.dry_run, &settled, &outcome, &err);
	if (settled)
		printf("-- %s: the copy %s\n", args.dry_run ? "would be resolved" : "resolved",
		       outcome == RF_TX_COMMITTED ? "committed" : "did not commit (aborted)");
	switch (ready) {
	case RF_UNDO_NOTHING:
		printf("nothing to undo\njournal: %s\n", u->journal.path);
		rc = CLI_EXIT_DONE;
		goto out;
	case RF_UNDO_REFUSED:
		cli_print_error(&err);
		rc = CLI_EXIT_REFUSED;
		goto out;
	case RF_UNDO_ERROR:
		cli_print_error(&err);
		goto out;
	case RF_UNDO_READY:
		break;
	}
	if (u->ndrifted) {
		fprintf(stderr, "rowferry: undo: %zu row%s changed since the copy:\n", u->ndrifted,
		        u->ndrifted == 1 ? "" : "s");
		print_drift(u);
		if (!args.force && !args.dry_run) {
			fprintf(stderr,
			        "rowferry: undo: refused, nothing written (--force restores "
			        "the other rows and leaves these alone)\n");
			rc = CLI_EXIT_REFUSED;
			goto out;
		}
	}
	/* the reverse SQL is always shown: all of it for a dry run */
	print_sql(u, db, args.dry_run ? 0 : UNDO_SHOWN_STATEMENTS);
	if (args.dry_run) {
		/* a dry run exits as the undo would: refused for drift too */
		rc = CLI_EXIT_DONE;
		if (u->ndrifted && !args.force) {
			fprintf(stderr,
			        "rowferry: undo: the undo would be refused for the rows above "
			        "(--force restores the other rows and leaves these alone)\n");
			rc = CLI_EXIT_REFUSED;
		}
		goto out;
	}
	if (!cli_confirm_write(db->name, conn, args.yes, "undo")) {
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	fflush(stdout);
	rc = run_undo(u, db, &cfg, args.force);
out:
	rf_undo_free(u);
	rf_db_close(db);
	free(path);
	if (cfg_loaded)
		rf_config_free(&cfg);
	return rc;
}
