/* test_journal.c - the undo journal file, without a database: its name,
 * mode, lines, seal and states (DESIGN §6). */
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

static const char *const cols[] = {"guid", "name", "blob", "doc"};
static const char *const key[] = {"guid"};

/* Writes a journal with an insert, an update and a delete; returns its
 * path (caller frees). commit: seal it. */
static char *write_journal(const char *dir, bool commit)
{
	struct rf_journal_header h = {"dev (postgres://app@localhost/wg_dev)",
	                              "prod (postgres://app@db/wg)",
	                              "prod",
	                              "public.siteflow_orders",
	                              1,
	                              key,
	                              4,
	                              cols,
	                              NULL,
	                              0,
	                              NULL};
	struct rf_journal_writer *w;
	struct rf_error err;
	/* "caf\xe9" is Latin-1, not UTF-8: it must survive as hex */
	struct rf_cell a1[4] = {rf_test_cell("g-1"), rf_test_cell("Ann"), rf_test_cell("caf\xe9"),
	                        rf_test_cell("{\"b\": 1, \"a\": 2}")};
	struct rf_cell b2[4] = {rf_test_cell("g-2"), rf_test_cell("Bo"), rf_test_cell(NULL),
	                        rf_test_cell(NULL)};
	struct rf_cell a2[4] = {rf_test_cell("g-2"), rf_test_cell("Bob"), rf_test_cell(NULL),
	                        rf_test_cell("[]")};
	struct rf_cell b3[4] = {rf_test_cell("g-3"), rf_test_cell("line\nbreak \"quoted\""),
	                        rf_test_cell(""), rf_test_cell(NULL)};
	struct rf_cell nul = {"a\0b", 3, false};
	char *path;

	rf_error_clear(&err);
	a2[2] = nul; /* a NUL inside a value */
	assert_int_equal(rf_journal_create(dir, &h, &w, &err), 0);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, &a1[0], NULL, a1, &err), 0);
	assert_int_equal(rf_journal_add(w, RF_OP_UPDATE, &a2[0], b2, a2, &err), 0);
	assert_int_equal(rf_journal_add(w, RF_OP_DELETE, &b3[0], b3, NULL, &err), 0);
	assert_int_equal(rf_journal_sync(w, &err), 0);
	if (commit) {
		assert_int_equal(rf_journal_prepare(w, "postgres:745", &err), 0);
		assert_int_equal(rf_journal_commit(w, &err), 0);
	}
	path = strdup(rf_journal_writer_path(w));
	rf_journal_writer_free(w);
	return path;
}

static void journal_is_private_named_and_reads_back(void **state)
{
	char *tmp = rf_test_tmpdir(), *dir, *path, *base;
	struct rf_journal j;
	struct rf_error err;
	struct stat st;
	regex_t re;
	(void)state;

	rf_error_clear(&err);
	dir = rf_xasprintf("%s/state/rowferry/undo", tmp);
	path = write_journal(dir, true);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	base = strrchr(path, '/') + 1;
	assert_int_equal(
	    regcomp(&re, "^[0-9]{8}T[0-9]{6}Z-prod-public\\.siteflow_orders-[0-9a-f]{8}\\.jsonl$",
	            REG_EXTENDED | REG_NOSUB),
	    0);
	assert_int_equal(regexec(&re, base, 0, NULL, 0), 0);
	regfree(&re);

	assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
	assert_string_equal(j.table, "public.siteflow_orders");
	assert_string_equal(j.source, "dev (postgres://app@localhost/wg_dev)");
	assert_string_equal(j.target, "prod (postgres://app@db/wg)");
	assert_int_equal(strncmp(base + 17 + 4 + 1 + 22 + 1, j.id, 8), 0); /* name ends with id8 */
	assert_int_equal(j.state, RF_JOURNAL_COMMITTED);
	assert_true(j.sealed);
	assert_true(j.seal_ok);
	assert_false(j.busy);
	assert_int_equal(j.nops, 3);
	assert_int_equal(j.version, 2);
	assert_int_equal(j.ntables, 1);
	assert_string_equal(j.tables[0].table, "public.siteflow_orders");
	assert_int_equal(j.tables[0].cols.len, 4);
	assert_int_equal(j.ops[2].table, 0);
	assert_int_equal(j.ops[0].kind, RF_OP_INSERT);
	assert_null(j.ops[0].before);
	assert_true(rf_test_cell_is(&j.ops[0].after[2], "caf\xe9", 4));
	assert_true(rf_test_cell_is(&j.ops[0].after[3], "{\"b\": 1, \"a\": 2}", 16));
	assert_true(rf_test_cell_is(&j.ops[1].key[0], "g-2", 3));
	assert_true(j.ops[1].before[2].is_null);
	assert_true(rf_test_cell_is(&j.ops[1].after[2], "a\0b", 3));
	assert_int_equal(j.ops[2].kind, RF_OP_DELETE);
	assert_null(j.ops[2].after);
	assert_true(rf_test_cell_is(&j.ops[2].before[1], "line\nbreak \"quoted\"", 19));
	assert_true(rf_test_cell_is(&j.ops[2].before[2], "", 0)); /* "" is not NULL */
	rf_journal_free(&j);

	/* state lines: undone, and the log's list */
	assert_int_equal(rf_journal_mark(path, RF_JOURNAL_UNDONE, 3, 0, NULL, NULL, &err), 0);
	assert_int_equal(rf_journal_load(path, true, &j, &err), 0);
	assert_int_equal(j.state, RF_JOURNAL_UNDONE);
	assert_true(j.seal_ok);
	assert_null(j.ops);
	assert_int_equal(j.nops, 3);
	rf_journal_free(&j);
	{
		struct rf_journal_list l;
		char *found, prefix[9];
		assert_int_equal(rf_journal_list(dir, &l, &err), 0);
		assert_int_equal(l.len, 1);
		memcpy(prefix, strrchr(path, '-') + 1, 8);
		prefix[8] = '\0';
		rf_journal_list_free(&l);
		found = rf_journal_find(dir, prefix, &err);
		assert_non_null(found);
		assert_string_equal(found, path);
		free(found);
		assert_null(rf_journal_find(dir, "zzzz", &err));
	}
	free(path);
	free(dir);
	rf_test_rmtree(tmp);
}

static void edited_journal_does_not_verify(void **state)
{
	char *tmp = rf_test_tmpdir(), *path;
	struct rf_journal j;
	struct rf_error err;
	FILE *f;
	long size;
	char *text, *p;
	(void)state;

	rf_error_clear(&err);
	path = write_journal(tmp, true);
	f = fopen(path, "r+");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	text = calloc(1, (size_t)size + 1);
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	p = strstr(text, "\"Bob\"");
	assert_non_null(p);
	p[3] = 'x'; /* "Box" */
	fseek(f, 0, SEEK_SET);
	fwrite(text, 1, (size_t)size, f);
	fclose(f);
	assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
	assert_true(j.sealed);
	assert_false(j.seal_ok);
	assert_non_null(strstr(j.seal_problem, "sha256 does not match"));
	rf_journal_free(&j);
	free(text);
	free(path);
	rf_test_rmtree(tmp);
}

static void pending_journal_is_busy_while_written_then_resolved(void **state)
{
	char *tmp = rf_test_tmpdir(), *path;
	struct rf_journal_header h = {"dev (sqlite:dev.db)",
	                              "prod (sqlite:prod.db)",
	                              "prod",
	                              "t",
	                              1,
	                              key,
	                              1,
	                              cols,
	                              NULL,
	                              0,
	                              NULL};
	struct rf_journal_writer *w;
	struct rf_journal j;
	struct rf_error err;
	struct rf_cell k = rf_test_cell("g-1");
	FILE *f;
	(void)state;

	rf_error_clear(&err);
	assert_int_equal(rf_journal_create(tmp, &h, &w, &err), 0);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, &k, NULL, &k, &err), 0);
	assert_int_equal(rf_journal_sync(w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	assert_int_equal(rf_journal_load(path, true, &j, &err), 0);
	assert_true(j.busy); /* the writer holds its lock */
	assert_int_equal(j.state, RF_JOURNAL_PENDING);
	rf_journal_free(&j);
	assert_int_not_equal(rf_journal_mark(path, RF_JOURNAL_ABORTED, 0, 0, NULL, "x", &err), 0);
	rf_journal_writer_free(w); /* a crash: no committed line */

	/* a torn line at the end, as a crash mid-write leaves it */
	f = fopen(path, "a");
	fputs("{\"op\":\"ins", f);
	fclose(f);
	rf_error_clear(&err);
	if (rf_journal_load(path, false, &j, &err) != 0) {
		char text[1300];
		fail_msg("%s", rf_error_text(&err, text, sizeof text));
	}
	assert_false(j.busy);
	assert_int_equal(j.state, RF_JOURNAL_PENDING);
	assert_false(j.sealed);
	assert_int_equal(j.nops, 1);
	assert_true(j.two_phase);
	assert_false(j.prepared); /* never reached COMMIT */
	rf_journal_free(&j);
	/* a committed line is never sealed over what is found */
	assert_int_not_equal(rf_journal_mark(path, RF_JOURNAL_COMMITTED, 1, 0, NULL, "found", &err),
	                     0);
	rf_error_clear(&err);
	assert_int_equal(
	    rf_journal_mark(path, RF_JOURNAL_ABORTED, 0, 0, NULL, "no prepared line", &err), 0);
	assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
	assert_int_equal(j.state, RF_JOURNAL_ABORTED);
	assert_string_equal(j.note, "no prepared line");
	assert_int_equal(j.nops, 1); /* the torn line was cut, the aborted line stands alone */
	rf_journal_free(&j);
	free(path);
	rf_test_rmtree(tmp);
}

/* ---- the prepared line, and journals tampered with ---- */

/* The file with line i (0-based) replaced by repl ("" drops it; repl ends
 * with its own newline). */
static void replace_line(const char *path, int i, const char *repl)
{
	char *text = rf_test_slurp(path), *start = text, *end;
	struct rf_buf b = RF_BUF_INIT;
	while (i-- > 0)
		start = strchr(start, '\n') + 1;
	end = strchr(start, '\n') + 1;
	rf_buf_add(&b, text, (size_t)(start - text));
	rf_buf_adds(&b, repl);
	rf_buf_adds(&b, end);
	rf_test_spit(path, b.data);
	rf_buf_free(&b);
	free(text);
}

/* lines of write_journal(dir, true): header, 3 ops, prepared, committed */
enum { L_HEADER, L_OP1, L_OP2, L_OP3, L_PREPARED, L_COMMITTED };

static void prepared_line_seals_what_is_above_it(void **state)
{
	char *tmp = rf_test_tmpdir(), *path, *text;
	struct rf_journal j;
	struct rf_error err;
	(void)state;

	rf_error_clear(&err);
	path = write_journal(tmp, true);
	text = rf_test_slurp(path);
	assert_non_null(strstr(text, "\"prepare\":true"));
	assert_non_null(strstr(text, "{\"state\":\"prepared\",\"ops\":3,\"sha256\":\""));
	free(text);
	rf_test_journal_load(path, &j);
	assert_true(j.two_phase);
	assert_true(j.prepared);
	assert_true(j.prepared_ok);
	assert_string_equal(j.tx, "postgres:745");
	assert_true(j.seal_ok);
	assert_int_equal(j.state, RF_JOURNAL_COMMITTED);
	rf_journal_free(&j);

	/* the committed line lost (a crash after COMMIT): pending, prepared
	 * line intact; the resolution repeats the prepared seal */
	replace_line(path, L_COMMITTED, "");
	rf_test_journal_load(path, &j);
	assert_int_equal(j.state, RF_JOURNAL_PENDING);
	assert_true(j.prepared_ok);
	assert_false(j.sealed);
	assert_int_equal(
	    rf_journal_mark(path, RF_JOURNAL_COMMITTED, 3, 0, j.prepared_sha, "said so", &err), 0);
	rf_journal_free(&j);
	rf_test_journal_load(path, &j);
	assert_int_equal(j.state, RF_JOURNAL_COMMITTED);
	assert_true(j.seal_ok);
	rf_journal_free(&j);
	free(path);
	rf_test_rmtree(tmp);
}

static void cut_or_edited_journals_lose_their_prepared_seal(void **state)
{
	char *tmp = rf_test_tmpdir(), *path, *text, *p;
	struct rf_journal j;
	FILE *f;
	(void)state;

	/* truncated mid-line, in the op lines: no prepared line, 1 op kept */
	path = write_journal(tmp, true);
	text = rf_test_slurp(path);
	p = strstr(text, "{\"op\":\"update\"");
	p[20] = '\0';
	rf_test_spit(path, text);
	free(text);
	rf_test_journal_load(path, &j);
	assert_int_equal(j.state, RF_JOURNAL_PENDING);
	assert_false(j.prepared);
	assert_false(j.sealed);
	assert_int_equal(j.nops, 1);
	rf_journal_free(&j);
	unlink(path);
	free(path);

	/* the committed line replaced by a pending one: the prepared line
	 * still holds (the engine decides); with it removed too, none */
	path = write_journal(tmp, true);
	replace_line(path, L_COMMITTED, "{\"state\":\"pending\"}\n");
	rf_test_journal_load(path, &j);
	assert_int_equal(j.state, RF_JOURNAL_PENDING);
	assert_true(j.prepared_ok);
	rf_journal_free(&j);
	replace_line(path, L_PREPARED, "");
	rf_test_journal_load(path, &j);
	assert_int_equal(j.state, RF_JOURNAL_PENDING);
	assert_false(j.prepared);
	rf_journal_free(&j);
	unlink(path);
	free(path);

	/* the table changed (in the header and the op lines that name it):
	 * neither seal holds */
	path = write_journal(tmp, true);
	text = rf_test_slurp(path);
	for (p = strstr(text, "public.siteflow_orders"); p; p = strstr(p, "public.siteflow_orders"))
		memcpy(p, "public.other_tableXXXX", 22);
	rf_test_spit(path, text);
	free(text);
	rf_test_journal_load(path, &j);
	assert_true(j.sealed);
	assert_false(j.seal_ok);
	assert_false(j.prepared_ok);
	assert_non_null(strstr(j.seal_problem, "sha256 does not match"));
	rf_journal_free(&j);
	replace_line(path, L_COMMITTED, "{\"state\":\"pending\"}\n");
	rf_test_journal_load(path, &j);
	assert_int_equal(j.state, RF_JOURNAL_PENDING);
	assert_true(j.prepared);
	assert_false(j.prepared_ok);
	rf_journal_free(&j);
	unlink(path);
	free(path);

	/* one op's key pointed at another row */
	path = write_journal(tmp, true);
	text = rf_test_slurp(path);
	p = strstr(text, "\"key\":{\"guid\":\"g-3\"}");
	p[17] = '9';
	rf_test_spit(path, text);
	free(text);
	rf_test_journal_load(path, &j);
	assert_false(j.seal_ok);
	assert_false(j.prepared_ok);
	rf_journal_free(&j);
	unlink(path);
	free(path);

	/* op lines after the prepared line, a wrong op count, a committed
	 * line that does not repeat the prepared seal */
	path = write_journal(tmp, true);
	text = rf_test_slurp(path);
	f = fopen(path, "w");
	p = strstr(text, "{\"state\":\"prepared\"");
	fwrite(text, 1, (size_t)(p - text), f);
	fputs("{\"op\":\"insert\",\"table\":\"public.siteflow_orders\",\"key\":{\"guid\":"
	      "\"x\"},\"after\":{\"guid\":\"x\",\"name\":null,"
	      "\"blob\":null,\"doc\":null}}\n",
	      f);
	fputs(p, f);
	fclose(f);
	rf_test_journal_load(path, &j);
	assert_false(j.seal_ok);
	rf_journal_free(&j);
	rf_test_spit(path, text);
	p = strstr(strstr(text, "\"prepared\""), "\"ops\":3");
	p[6] = '4';
	rf_test_spit(path, text);
	rf_test_journal_load(path, &j);
	assert_false(j.prepared_ok);
	assert_false(j.seal_ok);
	rf_journal_free(&j);
	p[6] = '3';
	p = strstr(strstr(text, "\"committed\""), "\"sha256\":\"") + 10;
	*p = *p == '0' ? '1' : '0';
	rf_test_spit(path, text);
	rf_test_journal_load(path, &j);
	assert_true(j.prepared_ok);
	assert_false(j.seal_ok);
	assert_non_null(strstr(j.seal_problem, "does not match its prepared line"));
	rf_journal_free(&j);
	free(text);
	free(path);
	rf_test_rmtree(tmp);
}

/* A journal from before the prepared line (no "prepare" in its header)
 * still verifies by its committed line. */
static void older_journal_without_prepared_line_still_verifies(void **state)
{
	char *tmp = rf_test_tmpdir(), *path;
	const char *lines =
	    "{\"rowferry_undo\":1,\"id\":\"0b4e5c1e-0000-4000-8000-000000000001\","
	    "\"created\":\"2026-11-21T10:00:00Z\",\"source\":\"a\",\"target\":\"b\","
	    "\"table\":\"t\",\"key\":[\"guid\"],\"state\":\"pending\"}\n"
	    "{\"op\":\"insert\",\"key\":{\"guid\":\"g\"},\"after\":{\"guid\":\"g\"}}\n";
	char hex[RF_SHA256_HEX_LEN + 1];
	struct rf_buf b = RF_BUF_INIT;
	struct rf_journal j;
	(void)state;

	rf_sha256_hex(lines, strlen(lines), hex);
	path = rf_xasprintf("%s/old.jsonl", tmp);
	rf_buf_printf(&b, "%s{\"state\":\"committed\",\"ops\":1,\"sha256\":\"%s\"}\n", lines, hex);
	rf_test_spit(path, b.data);
	rf_test_journal_load(path, &j);
	assert_false(j.two_phase);
	assert_true(j.seal_ok);
	/* version 1: one table, named in the header, ops without "table" */
	assert_int_equal(j.version, 1);
	assert_int_equal(j.ntables, 1);
	assert_string_equal(j.tables[0].table, "t");
	assert_string_equal(j.tables[0].key.items[0], "guid");
	assert_int_equal(j.tables[0].cols.len, 1);
	assert_int_equal(j.ops[0].table, 0);
	assert_true(rf_test_cell_is(&j.ops[0].key[0], "g", 1));
	rf_journal_free(&j);
	rf_buf_free(&b);
	free(path);
	rf_test_rmtree(tmp);
}

static void journal_readable_by_others_is_flagged(void **state)
{
	char *tmp = rf_test_tmpdir(), *path;
	unsigned mode;
	(void)state;

	path = write_journal(tmp, true);
	assert_false(rf_journal_exposed(path, &mode));
	assert_int_equal(mode, 0600);
	chmod(path, 0644);
	assert_true(rf_journal_exposed(path, &mode));
	assert_int_equal(mode, 0644);
	free(path);
	rf_test_rmtree(tmp);
}

/* A journal big enough for the writer thread (several MiB): values with a
 * character JSON escapes (and a non-ASCII one) at every offset of the
 * eight-byte scans, and invalid UTF-8 at every offset, all read back
 * exactly, in order, under a seal that verifies. */
static void big_journal_round_trips_every_escape_at_every_offset(void **state)
{
	static const char specials[] = {'"', '\\', '\n', '\t', '\x01', '\x1f', '\xc3'};
	char *tmp = rf_test_tmpdir(), *path;
	struct rf_journal_header h = {"dev (sqlite:dev.db)",
	                              "prod (sqlite:prod.db)",
	                              "prod",
	                              "t",
	                              1,
	                              key,
	                              1,
	                              cols,
	                              NULL,
	                              0,
	                              NULL};
	struct rf_journal_writer *w;
	struct rf_journal j;
	struct rf_error err;
	enum { ROWS = 40000, LEN = 40 };
	static char vals[ROWS][LEN + 1];
	size_t i, n = 0;
	(void)state;

	rf_error_clear(&err);
	assert_int_equal(rf_journal_create(tmp, &h, &w, &err), 0);
	for (i = 0; i < ROWS; i++) {
		size_t at = i % LEN, len = LEN;
		char c = specials[(i / LEN) % sizeof specials];
		memset(vals[i], 'a' + (char)(i % 26), LEN);
		vals[i][at] = c;
		if (c == '\xc3' && at + 1 < LEN)
			vals[i][at + 1] = (i / LEN) % 2 ? '\xa9' : 'x'; /* é, or invalid */
		vals[i][LEN] = '\0';
		struct rf_cell v = {vals[i], len, false};
		assert_int_equal(rf_journal_add(w, RF_OP_INSERT, &v, NULL, &v, &err), 0);
	}
	assert_int_equal(rf_journal_prepare(w, "sqlite:1", &err), 0);
	assert_int_equal(rf_journal_commit(w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	rf_journal_writer_free(w);
	assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
	assert_true(j.sealed);
	assert_true(j.seal_ok);
	assert_int_equal(j.nops, ROWS);
	for (i = 0; i < ROWS; i++)
		n += rf_test_cell_is(&j.ops[i].after[0], vals[i], LEN) &&
		     rf_test_cell_is(&j.ops[i].key[0], vals[i], LEN);
	assert_int_equal(n, ROWS);
	rf_journal_free(&j);
	free(path);
	rf_test_rmtree(tmp);
}

/* Lines taken back to a savepoint leave no trace: not in the file, not in
 * the op count, not in the seal - also when the writer thread had already
 * written some of them out. */
static void rollback_to_a_savepoint_drops_the_lines_after_it(void **state)
{
	char *tmp = rf_test_tmpdir(), *path;
	struct rf_journal_header h = {"a", "b", "b", "t", 1, key, 1, cols, NULL, 0, NULL};
	struct rf_journal_writer *w;
	struct rf_journal_savepoint sp;
	struct rf_journal j;
	struct rf_error err;
	struct rf_cell kept = rf_test_cell("kept"), after = rf_test_cell("after the rollback");
	char big[200];
	size_t i;
	(void)state;

	rf_error_clear(&err);
	memset(big, 'x', sizeof big);
	assert_int_equal(rf_journal_create(tmp, &h, &w, &err), 0);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, &kept, NULL, &kept, &err), 0);
	assert_int_equal(rf_journal_savepoint(w, &sp, &err), 0);
	for (i = 0; i < 20000; i++) { /* ~8 MB: several buffers written out */
		struct rf_cell v = {big, sizeof big, false};
		assert_int_equal(rf_journal_add(w, RF_OP_INSERT, &v, NULL, &v, &err), 0);
	}
	assert_int_equal(rf_journal_rollback_to(w, &sp, &err), 0);
	rf_journal_savepoint_free(&sp);
	assert_int_equal(rf_journal_add(w, RF_OP_INSERT, &after, NULL, &after, &err), 0);
	assert_int_equal(rf_journal_prepare(w, "sqlite:1", &err), 0);
	assert_int_equal(rf_journal_commit(w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	rf_journal_writer_free(w);
	assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
	assert_true(j.seal_ok);
	assert_int_equal(j.state, RF_JOURNAL_COMMITTED);
	assert_int_equal(j.nops, 2);
	assert_true(rf_test_cell_is(&j.ops[0].after[0], "kept", 4));
	assert_true(rf_test_cell_is(&j.ops[1].after[0], "after the rollback", 18));
	rf_journal_free(&j);
	free(path);
	rf_test_rmtree(tmp);
}

static void aborted_journal_keeps_its_reason(void **state)
{
	char *tmp = rf_test_tmpdir(), *path;
	struct rf_journal_header h = {"a", "b", "b", "t", 1, key, 1, cols, NULL, 0, NULL};
	struct rf_journal_writer *w;
	struct rf_journal j;
	struct rf_error err;
	(void)state;

	rf_error_clear(&err);
	assert_int_equal(rf_journal_create(tmp, &h, &w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	assert_int_equal(rf_journal_abort(w, "prod: duplicate key", &err), 0);
	rf_journal_writer_free(w);
	assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
	assert_int_equal(j.state, RF_JOURNAL_ABORTED);
	assert_string_equal(j.note, "prod: duplicate key");
	assert_int_equal(j.nops, 0);
	rf_journal_free(&j);
	free(path);
	rf_test_rmtree(tmp);
}

static void journal_form_keeps_json_text_and_compares_canonically(void **state)
{
	struct rf_buf b = RF_BUF_INIT;
	struct rf_cell json = rf_test_cell("{\"b\": 1, \"a\": 2}"),
	               other = rf_test_cell("{\"a\":2,\"b\":1}");
	struct rf_cell ts = rf_test_cell("2026-11-09 09:00:00+00");
	(void)state;

	rf_journal_form(RF_T_JSON, &json, &b);
	assert_string_equal(b.data, "{\"b\": 1, \"a\": 2}");
	assert_true(rf_journal_equal(RF_T_JSON, &json, &other));
	rf_buf_reset(&b);
	rf_journal_form(RF_T_TIMESTAMPTZ, &ts, &b);
	assert_string_equal(b.data, "2026-11-09T09:00:00.000000Z");
	rf_buf_free(&b);
}

/* A journal that breaks after its header (fuzz_journal found these: an op
 * whose image lacks a column, a line that is neither an op nor a state) is
 * refused, and what was read up to there is freed, not handed to a caller
 * that was told nothing was loaded: j is left empty. */
static void journal_refused_midway_leaves_nothing_behind(void **state)
{
	static const char *const bad_lines[] = {
	    /* the second image lacks "doc", the first one set the columns */
	    "{\"op\":\"delete\",\"key\":{\"guid\":\"g\"},\"before\":{\"guid\":\"g\","
	    "\"name\":\"a\",\"blob\":\"b\",\"doc\":\"c\"}}\n"
	    "{\"op\":\"delete\",\"key\":{\"guid\":\"h\"},\"before\":{\"guid\":\"h\"}}\n",
	    "{\"neither\":1}\n",
	    "[1]\n{\"state\":\"committed\"}\n",
	};
	char *tmp = rf_test_tmpdir(), *path;
	struct rf_journal j;
	struct rf_error err;
	size_t i;
	(void)state;

	path = rf_xasprintf("%s/bad.jsonl", tmp);
	for (i = 0; i < sizeof bad_lines / sizeof *bad_lines; i++) {
		for (int summary = 0; summary < 2; summary++) {
			FILE *f = fopen(path, "w");
			assert_non_null(f);
			fputs("{\"rowferry_undo\":1,\"id\":\"x\",\"created\":\"2026-12-06T21:18:"
			      "23Z\","
			      "\"source\":\"dev\",\"target\":\"prod\",\"table\":\"t\",\"key\":["
			      "\"guid\"],"
			      "\"state\":\"pending\"}\n",
			      f);
			fputs(bad_lines[i], f);
			fclose(f);
			rf_error_clear(&err);
			if (summary && i == 0) { /* a summary does not read the images */
				assert_int_equal(rf_journal_load(path, true, &j, &err), 0);
				rf_journal_free(&j);
				continue;
			}
			assert_int_equal(rf_journal_load(path, summary, &j, &err), -1);
			assert_true(err.set);
			assert_null(j.path);
			assert_null(j.id);
			assert_null(j.tables);
			assert_null(j.ops);
		}
	}
	rf_error_clear(&err);
	assert_int_equal(rf_journal_load("/nonexistent/j.jsonl", false, &j, &err), -1);
	assert_null(j.path);
	free(path);
	rf_test_rmtree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(journal_is_private_named_and_reads_back),
	    cmocka_unit_test(edited_journal_does_not_verify),
	    cmocka_unit_test(pending_journal_is_busy_while_written_then_resolved),
	    cmocka_unit_test(prepared_line_seals_what_is_above_it),
	    cmocka_unit_test(cut_or_edited_journals_lose_their_prepared_seal),
	    cmocka_unit_test(older_journal_without_prepared_line_still_verifies),
	    cmocka_unit_test(journal_readable_by_others_is_flagged),
	    cmocka_unit_test(aborted_journal_keeps_its_reason),
	    cmocka_unit_test(rollback_to_a_savepoint_drops_the_lines_after_it),
	    cmocka_unit_test(big_journal_round_trips_every_escape_at_every_offset),
	    cmocka_unit_test(journal_form_keeps_json_text_and_compares_canonically),
	    cmocka_unit_test(journal_refused_midway_leaves_nothing_behind),
	};
	/* 40000 lines through the writer thread take minutes under memcheck
	 * (tests/support/valgrind.sh sets this); the ASan build runs it */
	if (getenv("RF_UNDER_VALGRIND"))
		cmocka_set_skip_filter("big_journal_*");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
