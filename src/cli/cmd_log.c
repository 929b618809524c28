/* cmd_log.c - `rowferry log [JOURNAL]`: the undo journals, or one of them
 * (DESIGN §6, §7). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "rowferry/journal.h"

static const char log_usage[] =
    "usage: rowferry log [JOURNAL [--keys]] [--undo-dir DIR]\n"
    "\n"
    "Without JOURNAL, lists the undo journals in the undo directory, newest\n"
    "first: when, the state (committed, aborted, undone, pending), how many\n"
    "rows, the target and the table. With JOURNAL (a path, a file name in the\n"
    "undo directory, or the start of its name or id), shows that journal:\n"
    "its header, whether its seal verifies, and every row it recorded.\n"
    "\n"
    "With --keys, prints which source row became which target row, one JSON\n"
    "line per inserted row: {\"table\":..,\"source_key\":{..},\"key\":{..}}\n"
    "(source_key: the source's primary key, as the journal recorded it where\n"
    "the target's key is generated or computed, else the key itself).\n"
    "\n"
    "options:\n"
    "  --keys                 source key -> target key of every inserted row\n"
    "  --undo-dir DIR         the undo directory (default: [safety] undo_dir)\n"
    "  --config FILE          config file\n";

/* The connection name of a journal's "prod (postgres://...)". */
static void target_name(const char *target, char *out, size_t outlen)
{
	const char *open = target ? strstr(target, " (") : NULL;
	if (!target)
		snprintf(out, outlen, "?");
	else
		snprintf(out, outlen, "%.*s", open ? (int)(open - target) : (int)strlen(target),
		         target);
}

static const char *state_text(const struct rf_journal *j)
{
	if (!j->id)
		return "unreadable";
	if (j->busy && j->state == RF_JOURNAL_PENDING)
		return "running";
	if (j->sealed && !j->seal_ok)
		return "TAMPERED";
	return rf_journal_state_name(j->state);
}

static int list_journals(const char *dir)
{
	struct rf_journal_list l;
	struct rf_error err;
	size_t i;

	rf_error_clear(&err);
	if (rf_journal_list(dir, &l, &err) != 0) {
		cli_print_error(&err);
		return 2;
	}
	if (l.len == 0) {
		printf("no journals in %s\n", dir);
		rf_journal_list_free(&l);
		return 0;
	}
	printf("%-20s  %-10s  %7s  %-12s  %-28s  %s\n", "CREATED", "STATE", "ROWS", "TARGET",
	       "TABLE", "JOURNAL");
	for (i = 0; i < l.len; i++) {
		const struct rf_journal *j = &l.items[i];
		const char *base = strrchr(j->path, '/');
		char name[64];
		struct rf_buf tables = RF_BUF_INIT;
		target_name(j->target, name, sizeof name);
		cli_warn_exposed_journal("log", j->path);
		rf_journal_tables_text(j, ",", &tables);
		printf("%-20s  %-10s  %7zu  %-12s  %-28s  %s\n", j->created ? j->created : "?",
		       state_text(j), j->nops + (size_t)rf_journal_loaded_rows(j, SIZE_MAX), name,
		       tables.len ? tables.data : "?", base ? base + 1 : j->path);
		rf_buf_free(&tables);
		if (!j->id && j->note)
			printf("    %s\n", j->note);
	}
	printf("\n%zu journal%s in %s\n", l.len, l.len == 1 ? "" : "s", dir);
	rf_journal_list_free(&l);
	return 0;
}

static void print_image(const struct rf_journal_table *t, const char *label,
                        const struct rf_cell *c)
{
	size_t i;
	printf("    %s:", label);
	for (i = 0; i < t->cols.len; i++) {
		printf(" %s=", t->cols.items[i]);
		if (c[i].is_null)
			printf("NULL");
		else
			printf("%.*s", (int)(c[i].len > 80 ? 80 : c[i].len), c[i].data);
	}
	putchar('\n');
}

static void print_key(const struct rf_journal_table *t, const struct rf_cell *key)
{
	size_t i;
	putchar('(');
	for (i = 0; i < t->key.len; i++)
		printf("%s%s=%.*s", i ? ", " : "", t->key.items[i],
		       key[i].is_null ? 4 : (int)key[i].len, key[i].is_null ? "NULL" : key[i].data);
	putchar(')');
}

/* "table:   public.t" or, for several, one "tables:" line per table with
 * its rows, in header (apply) order. */
static void print_tables(const struct rf_journal *j)
{
	size_t t, i, n;

	if (j->ntables == 1) {
		printf("table:   %s\n", j->tables[0].table);
		return;
	}
	for (t = 0; t < j->ntables; t++) {
		for (i = 0, n = (size_t)rf_journal_loaded_rows(j, t); i < j->nops; i++)
			n += j->ops[i].table == t;
		printf("%s %s (%zu row%s)\n", t ? "        " : "tables: ", j->tables[t].table, n,
		       n == 1 ? "" : "s");
	}
}

/* A sequence op: the identity generator a copy moved (identity.h). */
static void print_sequence(const struct rf_journal *j, const struct rf_journal_sequence *sq)
{
	printf("> sequence %s.%s: next value %lld -> %lld\n", j->tables[sq->table].table,
	       sq->column, sq->before, sq->after);
}

static int show_journal(const char *dir, const char *spec)
{
	struct rf_journal j;
	struct rf_error err;
	char *path;
	size_t i, s, n[5] = {0};

	rf_error_clear(&err);
	path = rf_journal_find(dir, spec, &err);
	if (!path || rf_journal_load(path, false, &j, &err) != 0) {
		cli_print_error(&err);
		free(path);
		return 2;
	}
	for (i = 0; i < j.nops; i++)
		n[j.ops[i].kind]++;
	cli_warn_exposed_journal("log", path);
	printf("journal: %s\n", path);
	printf("id:      %s\ncreated: %s\nsource:  %s\ntarget:  %s\n", j.id, j.created,
	       j.source ? j.source : "?", j.target);
	print_tables(&j);
	printf("state:   %s%s%s%s%s\n", state_text(&j), j.state_at ? " at " : "",
	       j.state_at ? j.state_at : "", j.note ? ": " : "", j.note ? j.note : "");
	if (j.sealed)
		printf("seal:    %s\n", j.seal_ok ? "sha256 verifies" : j.seal_problem);
	else if (j.prepared)
		printf("seal:    %s (prepared, never recorded committing)\n",
		       j.prepared_ok ? "sha256 verifies" : j.prepare_problem);
	else
		printf("seal:    none (%s)\n", j.two_phase ? "no prepared line: the copy never "
		                                             "reached COMMIT"
		                                           : "the copy never recorded committing");
	if (j.tx)
		printf("tx:      %s\n", j.tx);
	printf("rows:    %zu (%zu inserted, %zu updated, %zu deleted)\n", j.nops, n[RF_OP_INSERT],
	       n[RF_OP_UPDATE], n[RF_OP_DELETE]);
	if (j.nseqs)
		printf("sequences: %zu moved past the keys loaded (undo sets them back)\n",
		       j.nseqs);
	for (i = 0; i < j.nloads; i++) /* copy --all --create: streamed, no row images */
		printf("loaded:  %s: %llu rows as read into the table the copy created "
		       "(no row images: undo drops it while it holds that many)\n",
		       j.tables[j.loads[i].table].table, j.loads[i].rows);
	if (j.rejected) /* a copy through a map with --skip-invalid */
		printf("rejected: %zu invalid source rows left out, listed in %s.rejects.jsonl\n",
		       j.rejected, path);
	putchar('\n');
	for (i = 0, s = 0; i < j.nops; i++) {
		const struct rf_journal_op *op = &j.ops[i];
		const struct rf_journal_table *t = &j.tables[op->table];
		for (; s < j.nseqs && j.seqs[s].at <= i; s++)
			print_sequence(&j, &j.seqs[s]);
		printf("%c %s ",
		       op->kind == RF_OP_INSERT   ? '+'
		       : op->kind == RF_OP_DELETE ? '-'
		                                  : '~',
		       rf_op_name(op->kind));
		if (j.ntables > 1)
			printf("%s ", t->table);
		print_key(t, op->key);
		putchar('\n');
		if (op->before)
			print_image(t, "before", op->before);
		if (op->after)
			print_image(t, "after ", op->after);
	}
	for (; s < j.nseqs; s++)
		print_sequence(&j, &j.seqs[s]);
	rf_journal_free(&j);
	free(path);
	return 0;
}

/* --keys: every insert's {"table","source_key","key"}, from the journal's
 * lines as written (rf_journal_load has read and checked it first). */
static int show_keys(const char *dir, const char *spec)
{
	struct rf_journal j;
	struct rf_error err;
	char *path, *line = NULL;
	size_t cap = 0;
	FILE *f = NULL;
	int rc = 2;

	rf_error_clear(&err);
	path = rf_journal_find(dir, spec, &err);
	if (!path || rf_journal_load(path, true, &j, &err) != 0) {
		cli_print_error(&err);
		free(path);
		return 2;
	}
	rf_journal_free(&j);
	cli_warn_exposed_journal("log", path);
	if (!(f = fopen(path, "r"))) {
		perror(path);
		goto out;
	}
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL), *key, *sk, *out;
		const char *op = json_string_value(json_object_get(o, "op"));
		if (!o || !op || strcmp(op, "insert") != 0) {
			json_decref(o);
			continue;
		}
		key = json_object_get(o, "key");
		sk = json_object_get(o, "source_key");
		out = json_pack("{s:O,s:O,s:O}", "table", json_object_get(o, "table"), "source_key",
		                sk ? sk : key, "key", key);
		if (out) {
			char *s = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
			puts(s);
			free(s);
		}
		json_decref(out);
		json_decref(o);
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	free(line);
	free(path);
	return rc;
}

int cmd_log(int argc, char **argv, const struct cli_common *common)
{
	static const struct option longopts[] = {{"undo-dir", required_argument, NULL, 'u'},
	                                         {"keys", no_argument, NULL, 'k'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *undo_dir = NULL;
	bool keys = false;
	struct rf_config cfg;
	int opt, rc;

	optind = 1;
	opterr = 0; /* cli_bad_option says it */
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			undo_dir = optarg;
			break;
		case 'k':
			keys = true;
			break;
		case 'h':
			fputs(log_usage, stdout);
			return 0;
		default:
			cli_bad_option("log", argv);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "rowferry: log: one journal at a time\n");
		return 2;
	}
	if (cli_load_config(&cfg, common) != 0)
		return 2;
	if (!undo_dir)
		undo_dir = cfg.undo_dir;
	if (keys && optind >= argc) {
		fprintf(stderr, "rowferry: log: --keys needs a JOURNAL\n");
		rc = 2;
	} else {
		rc = optind < argc ? (keys ? show_keys(undo_dir, argv[optind])
		                           : show_journal(undo_dir, argv[optind]))
		                   : list_journals(undo_dir);
	}
	rf_config_free(&cfg);
	return rc;
}
