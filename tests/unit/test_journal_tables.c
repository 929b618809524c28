/* test_journal_tables.c - the version 2 undo journal without a database:
 * several tables in one journal (DESIGN §6), each op line naming its
 * table, and the lines a writer never makes (an op of a table the header
 * does not list) refused. Version 1 journals: test_journal.c. */
/* nftw() */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <ftw.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rf_fixture.h"
#include "rf_test.h"
#include "rowferry/journal.h"

/* Version 2 with two tables: the header lists both (in the order given),
 * every op line names its table, the name carries "+1", and each op reads
 * back with its own table's key and columns, in the order written. */
static void journal_of_two_tables_reads_back_per_table(void **state)
{
	static const char *const pkey[] = {"job_number"};
	static const char *const pcols[] = {"job_number", "title"};
	static const char *const ckey[] = {"id"};
	static const char *const ccols[] = {"id", "job_number", "qty"};
	const struct rf_journal_table_head tables[] = {{"public.jobs", 1, pkey, 2, pcols},
	                                               {"public.sales_orders", 1, ckey, 3, ccols}};
	struct rf_journal_header h = {"dev", "prod (x)", "prod", NULL, 0,   NULL,
	                              0,     NULL,       NULL,   0,    NULL};
	struct rf_cell p1[2] = {rf_test_cell("0000077"), rf_test_cell("Brochures")};
	struct rf_cell c1[3] = {rf_test_cell("913"), rf_test_cell("0000077"), rf_test_cell("4")};
	struct rf_cell c0[3] = {rf_test_cell("913"), rf_test_cell("0000077"), rf_test_cell("2")};
	char *tmp = rf_test_tmpdir(), *text, *path;
	struct rf_journal_writer *w;
	struct rf_error err;
	struct rf_journal j;
	struct rf_buf b = RF_BUF_INIT;
	regex_t re;
	(void)state;

	rf_error_clear(&err);
	assert_int_equal(rf_journal_create_tables(tmp, &h, 2, tables, &w, &err), 0);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, p1, NULL, p1, &err), 0);
	rf_journal_use_table(w, 1);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, c1, NULL, c1, &err), 0);
	assert_int_equal(rf_journal_add(w, RF_OP_UPDATE, c1, c0, c1, &err), 0);
	assert_int_equal(rf_journal_prepare(w, "postgres:1", &err), 0);
	assert_int_equal(rf_journal_commit(w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	rf_journal_writer_free(w);
	assert_int_equal(
	    regcomp(&re, "-prod-public\\.jobs\\+1-[0-9a-f]{8}\\.jsonl$", REG_EXTENDED | REG_NOSUB),
	    0);
	assert_int_equal(regexec(&re, path, 0, NULL, 0), 0);
	regfree(&re);
	text = rf_test_slurp(path);
	assert_non_null(strstr(text, "\"rowferry_undo\":2"));
	assert_non_null(strstr(text, "\"tables\":[{\"table\":\"public.jobs\",\"key\":[\"job_"
	                             "number\"]},{\"table\":\"public.sales_orders\",\"key\":["
	                             "\"id\"]}]"));
	assert_non_null(strstr(text, "{\"op\":\"insert\",\"table\":\"public.jobs\",\"key\":"));
	assert_non_null(strstr(text, "{\"op\":\"update\",\"table\":\"public.sales_orders\","));
	free(text);

	rf_test_journal_load(path, &j);
	assert_true(j.seal_ok);
	assert_int_equal(j.version, 2);
	assert_int_equal(j.ntables, 2);
	assert_string_equal(j.table, "public.jobs");
	assert_string_equal(j.tables[1].table, "public.sales_orders");
	assert_int_equal(rf_journal_table(&j, "public.sales_orders"), 1);
	assert_int_equal(rf_journal_table(&j, "public.nope"), -1);
	assert_int_equal(j.tables[0].cols.len, 2);
	assert_int_equal(j.tables[1].cols.len, 3);
	assert_int_equal(rf_journal_col(&j, 1, "qty"), 2);
	assert_int_equal(rf_journal_col(&j, 0, "qty"), -1);
	assert_int_equal(j.nops, 3);
	assert_int_equal(j.ops[0].table, 0);
	assert_int_equal(j.ops[1].table, 1);
	assert_int_equal(j.ops[2].table, 1);
	assert_true(rf_test_cell_is(&j.ops[0].after[1], "Brochures", 9));
	assert_true(rf_test_cell_is(&j.ops[2].before[2], "2", 1));
	assert_true(rf_test_cell_is(&j.ops[2].key[0], "913", 3));
	rf_journal_tables_text(&j, ", ", &b);
	assert_string_equal(b.data, "public.jobs, public.sales_orders");
	rf_buf_free(&b);
	rf_journal_free(&j);
	free(path);
	rf_test_rmtree(tmp);
}

/* copy --all --create: a create op line holds the table's DDL; it is
 * sealed and counted with the other op lines, and read back as a created
 * table (not a row), in the order written. */
static void journal_create_ops_read_back_as_created_tables(void **state)
{
	static const char *const key[] = {"id"};
	static const char *const cols[] = {"id", "name"};
	const struct rf_journal_table_head tables[] = {{"users", 1, key, 2, cols},
	                                               {"orders", 1, key, 2, cols}};
	struct rf_journal_header h = {"dev", "prod (x)", "prod", NULL, 0,   NULL,
	                              0,     NULL,       NULL,   0,    NULL};
	struct rf_cell row[2] = {rf_test_cell("1"), rf_test_cell("Zoë")};
	char *tmp = rf_test_tmpdir(), *text, *path;
	struct rf_journal_writer *w;
	struct rf_error err;
	struct rf_journal j;
	(void)state;

	rf_error_clear(&err);
	assert_int_equal(rf_journal_create_tables(tmp, &h, 2, tables, &w, &err), 0);
	assert_int_equal(
	    rf_journal_add_create(w, "CREATE TABLE \"users\" (\n\t\"id\" bigint)", &err), 0);
	rf_journal_use_table(w, 1);
	assert_int_equal(rf_journal_add_create(w, "CREATE TABLE \"orders\" (\"id\" bigint)", &err),
	                 0);
	rf_journal_use_table(w, 0);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, row, NULL, row, &err), 0);
	assert_int_equal(rf_journal_prepare(w, "postgres:1", &err), 0);
	assert_int_equal(rf_journal_commit(w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	rf_journal_writer_free(w);
	text = rf_test_slurp(path);
	assert_non_null(strstr(text,
	                       "{\"op\":\"create\",\"table\":\"users\",\"ddl\":"
	                       "\"CREATE TABLE \\\"users\\\" (\\n\\t\\\"id\\\" bigint)\"}\n"));
	assert_non_null(strstr(text, "\"state\":\"committed\",\"ops\":3"));
	free(text);

	rf_test_journal_load(path, &j);
	assert_true(j.seal_ok);
	assert_int_equal(j.nops, 1);
	assert_int_equal(j.created_tables.len, 2);
	assert_string_equal(j.created_tables.items[0], "users");
	assert_string_equal(j.created_tables.items[1], "orders");
	assert_true(rf_test_cell_is(&j.ops[0].after[1], "Zoë", strlen("Zoë")));
	rf_journal_free(&j);
	free(path);
	rf_test_rmtree(tmp);
}

/* A version 2 op line without its table, or of a table the header does
 * not list, is not a journal undo can trust. */
static void journal_v2_op_of_an_unlisted_table_is_refused(void **state)
{
	static const char *const bad[] = {
	    "{\"op\":\"insert\",\"key\":{\"id\":\"1\"},\"after\":{\"id\":\"1\"}}\n",
	    "{\"op\":\"insert\",\"table\":\"public.x\",\"key\":{\"id\":\"1\"},\"after\":{\"id\":"
	    "\"1\"}}\n"};
	const char *head =
	    "{\"rowferry_undo\":2,\"id\":\"x\",\"created\":\"c\",\"source\":\"a\","
	    "\"target\":\"b\",\"tables\":[{\"table\":\"public.t\",\"key\":[\"id\"]}],"
	    "\"state\":\"pending\",\"prepare\":true}\n";
	char *tmp = rf_test_tmpdir(), *path = rf_xasprintf("%s/j.jsonl", tmp);
	struct rf_journal j;
	struct rf_error err;
	size_t i;
	(void)state;

	for (i = 0; i < 2; i++) {
		char *text = rf_xasprintf("%s%s", head, bad[i]);
		rf_test_spit(path, text);
		free(text);
		rf_error_clear(&err);
		assert_int_equal(rf_journal_load(path, false, &j, &err), -1);
		assert_non_null(strstr(err.msg, i == 0 ? "without its table" : "does not list"));
	}
	/* the same line with a listed table reads */
	{
		char *text =
		    rf_xasprintf("%s{\"op\":\"insert\",\"table\":\"public.t\",\"key\":{\"id\":"
		                 "\"1\"},\"after\":{\"id\":\"1\"}}\n",
		                 head);
		rf_test_spit(path, text);
		free(text);
		rf_test_journal_load(path, &j);
		assert_int_equal(j.nops, 1);
		rf_journal_free(&j);
	}
	/* a header with no tables is refused */
	rf_test_spit(path, "{\"rowferry_undo\":2,\"id\":\"x\",\"created\":\"c\",\"target\":\"b\","
	                   "\"tables\":[]}\n");
	assert_int_equal(rf_journal_load(path, false, &j, &err), -1);
	free(path);
	rf_test_rmtree(tmp);
}

/* A sequence op (an identity generator a copy moved, DESIGN §6) is
 * written as DESIGN shows it, counted by the prepared and committed lines
 * (the seal holds), and reads back apart from the rows, with its table,
 * column, values and place among them; summaries count rows only. */
static void journal_sequence_op_round_trips(void **state)
{
	static const char *const key[] = {"id"};
	static const char *const cols[] = {"id", "name"};
	const struct rf_journal_table_head tables[] = {{"public.tags", 1, key, 2, cols},
	                                               {"public.customers", 1, key, 2, cols}};
	struct rf_journal_header h = {"dev", "prod (x)", "prod", NULL, 0,   NULL,
	                              0,     NULL,       NULL,   0,    NULL};
	struct rf_cell r1[2] = {rf_test_cell("1040"), rf_test_cell("Ada")};
	char *tmp = rf_test_tmpdir(), *text, *path;
	struct rf_journal_writer *w;
	struct rf_error err;
	struct rf_journal j;
	(void)state;

	rf_error_clear(&err);
	assert_int_equal(rf_journal_create_tables(tmp, &h, 2, tables, &w, &err), 0);
	rf_journal_use_table(w, 1);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, r1, NULL, r1, &err), 0);
	assert_int_equal(rf_journal_add_sequence(w, 1, "id", 41, 1041, &err), 0);
	assert_int_equal(rf_journal_add_sequence(w, 2, "id", 1, 2, &err), -1); /* no such table */
	assert_int_equal(rf_journal_prepare(w, "postgres:1", &err), 0);
	assert_int_equal(rf_journal_commit(w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	rf_journal_writer_free(w);
	text = rf_test_slurp(path);
	assert_non_null(strstr(text, "\n{\"op\":\"sequence\",\"table\":\"public.customers\","
	                             "\"column\":\"id\",\"before\":\"41\",\"after\":\"1041\"}\n"));
	assert_non_null(strstr(text, "\"state\":\"prepared\",\"ops\":2,"));
	free(text);

	rf_test_journal_load(path, &j);
	assert_true(j.prepared_ok);
	assert_true(j.seal_ok);
	assert_int_equal(j.nops, 1);
	assert_int_equal(j.nseqs, 1);
	assert_int_equal(j.seqs[0].table, 1);
	assert_string_equal(j.seqs[0].column, "id");
	assert_true(j.seqs[0].before == 41 && j.seqs[0].after == 1041);
	assert_int_equal(j.seqs[0].at, 1);
	rf_journal_free(&j);
	assert_int_equal(rf_journal_load(path, true, &j, &err), 0);
	assert_int_equal(j.nops, 1);
	assert_null(j.seqs);
	rf_journal_free(&j);

	/* a sequence line without its column, or with a value that is not an
	 * integer, is refused */
	{
		const char *head =
		    "{\"rowferry_undo\":2,\"id\":\"x\",\"created\":\"c\",\"source\":\"a\","
		    "\"target\":\"b\",\"tables\":[{\"table\":\"public.t\",\"key\":["
		    "\"id\"]}],\"state\":\"pending\",\"prepare\":true}\n";
		static const char *const bad[] = {"{\"op\":\"sequence\",\"table\":\"public.t\","
		                                  "\"before\":\"1\",\"after\":\"2\"}\n",
		                                  "{\"op\":\"sequence\",\"table\":\"public.t\","
		                                  "\"column\":\"id\",\"before\":\"1x\","
		                                  "\"after\":\"2\"}\n",
		                                  "{\"op\":\"sequence\",\"table\":\"public.u\","
		                                  "\"column\":\"id\",\"before\":\"1\","
		                                  "\"after\":\"2\"}\n"};
		size_t i;
		for (i = 0; i < 3; i++) {
			char *t = rf_xasprintf("%s%s", head, bad[i]);
			rf_test_spit(path, t);
			free(t);
			rf_error_clear(&err);
			assert_int_equal(rf_journal_load(path, false, &j, &err), -1);
			assert_non_null(
			    strstr(err.msg, i < 2 ? "sequence without" : "does not list"));
		}
	}
	free(path);
	rf_test_rmtree(tmp);
}

/* copy --all --create streams the tables it creates (all_stream.h): a
 * load op line per such table holds the rows loaded, no image; sealed and
 * counted with the op lines, read back into loads (summaries too), not
 * as rows; a load line without its rows, or with rows that are not a
 * count, is refused. */
static void journal_load_op_round_trips(void **state)
{
	static const char *const key[] = {"id"};
	static const char *const cols[] = {"id", "name"};
	const struct rf_journal_table_head tables[] = {{"users", 1, key, 2, cols},
	                                               {"orders", 1, key, 2, cols}};
	struct rf_journal_header h = {"dev", "prod (x)", "prod", NULL, 0,   NULL,
	                              0,     NULL,       NULL,   0,    NULL};
	struct rf_cell row[2] = {rf_test_cell("1"), rf_test_cell("Ada")};
	char *tmp = rf_test_tmpdir(), *text, *path;
	struct rf_journal_writer *w;
	struct rf_error err;
	struct rf_journal j;
	size_t i;
	(void)state;

	rf_error_clear(&err);
	assert_int_equal(rf_journal_create_tables(tmp, &h, 2, tables, &w, &err), 0);
	assert_int_equal(rf_journal_add_create(w, "CREATE TABLE \"users\" (\"id\" bigint)", &err),
	                 0);
	assert_int_equal(rf_journal_add_load(w, 18446744073709551615ull >> 1, NULL, &err), 0);
	rf_journal_use_table(w, 1);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, row, NULL, row, &err), 0);
	{
		char id[] = "id", nm[] = "na\"me";
		char *names[] = {id, nm};
		int classes[] = {RF_T_INTEGER, RF_T_TEXT};
		struct rf_journal_load_sum sum = {(1ull << 60) - 1, false, true, 2, 1, names,
		                                  classes};
		assert_int_equal(rf_journal_add_load(w, 3, &sum, &err), 0);
	}
	assert_int_equal(rf_journal_prepare(w, "postgres:1", &err), 0);
	assert_int_equal(rf_journal_commit(w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	rf_journal_writer_free(w);
	text = rf_test_slurp(path);
	assert_non_null(strstr(
	    text, "\n{\"op\":\"load\",\"table\":\"users\",\"rows\":\"9223372036854775807\"}\n"));
	assert_non_null(strstr(text,
	                       "\n{\"op\":\"load\",\"table\":\"orders\",\"rows\":\"3\",\"sum\":"
	                       "\"1152921504606846975\",\"native\":false,\"typed\":true,\"key\":1,"
	                       "\"cols\":[[\"id\",\"integer\"],[\"na\\\"me\",\"text\"]]}\n"));
	assert_non_null(strstr(text, "\"state\":\"committed\",\"ops\":4"));
	free(text);

	rf_test_journal_load(path, &j);
	assert_true(j.seal_ok);
	assert_int_equal(j.nops, 1);
	assert_int_equal(j.ops[0].table, 1);
	assert_int_equal(j.nloads, 2);
	assert_int_equal(j.loads[0].table, 0);
	assert_true(j.loads[0].rows == 9223372036854775807ull);
	assert_false(j.loads[0].has_sum);
	assert_int_equal(j.loads[1].table, 1);
	assert_true(j.loads[1].has_sum);
	assert_true(j.loads[1].sum.sum == (1ull << 60) - 1);
	assert_false(j.loads[1].sum.native);
	assert_true(j.loads[1].sum.typed);
	assert_int_equal(j.loads[1].sum.nkey, 1);
	assert_int_equal(j.loads[1].sum.ncols, 2);
	assert_string_equal(j.loads[1].sum.names[1], "na\"me");
	assert_int_equal(j.loads[1].sum.classes[1], RF_T_TEXT);
	assert_int_equal(j.created_tables.len, 1);
	rf_journal_free(&j);
	assert_int_equal(rf_journal_load(path, true, &j, &err), 0);
	assert_int_equal(j.nops, 1);
	assert_int_equal(j.nloads, 2);
	rf_journal_free(&j);

	{
		const char *head =
		    "{\"rowferry_undo\":2,\"id\":\"x\",\"created\":\"c\",\"source\":\"a\","
		    "\"target\":\"b\",\"tables\":[{\"table\":\"t\",\"key\":["
		    "\"id\"]}],\"state\":\"pending\",\"prepare\":true}\n";
		static const char *const bad[] = {
		    "{\"op\":\"load\",\"table\":\"t\"}\n",
		    "{\"op\":\"load\",\"table\":\"t\",\"rows\":\"-1\"}\n",
		    "{\"op\":\"load\",\"table\":\"t\",\"rows\":12}\n",
		    "{\"op\":\"load\",\"table\":\"u\",\"rows\":\"1\"}\n",
		    "{\"op\":\"load\",\"table\":\"t\",\"rows\":\"1\",\"sum\":\"5\",\"native\":true,"
		    "\"typed\":false,\"key\":1,\"cols\":[[\"id\",\"nosuchclass\"]]}\n",
		    "{\"op\":\"load\",\"table\":\"t\",\"rows\":\"1\",\"sum\":\"5\",\"native\":true,"
		    "\"typed\":false,\"key\":2,\"cols\":[[\"id\",\"integer\"]]}\n"};
		for (i = 0; i < 6; i++) {
			char *t = rf_xasprintf("%s%s", head, bad[i]);
			rf_test_spit(path, t);
			free(t);
			rf_error_clear(&err);
			assert_int_equal(rf_journal_load(path, false, &j, &err), -1);
			assert_non_null(strstr(err.msg, i < 3 ? "load op without its rows"
			                                : i == 3
			                                    ? "does not list"
			                                    : "a load op with a malformed sum"));
		}
	}
	free(path);
	rf_test_rmtree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(journal_of_two_tables_reads_back_per_table),
	    cmocka_unit_test(journal_create_ops_read_back_as_created_tables),
	    cmocka_unit_test(journal_v2_op_of_an_unlisted_table_is_refused),
	    cmocka_unit_test(journal_sequence_op_round_trips),
	    cmocka_unit_test(journal_load_op_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
