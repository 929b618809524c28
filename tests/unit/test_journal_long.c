/* test_journal_long.c - journal values longer than the reader keeps in a
 * line (journal_line.c, DESIGN §9): read back exactly, under the seal. */
/* nftw() */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <ftw.h>
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

/* Fills n bytes at p with a text that needs every kind of JSON escape,
 * some at each end (so they fall on the reader's piece boundaries too). */
static void fill_escapes(char *p, size_t n, unsigned seed)
{
	static const char specials[] = {'"', '\\', '\n', '\t', '\x01', '/'};
	size_t i;
	if (n < 4)
		return;
	for (i = 0; i < n; i++)
		p[i] = (char)('a' + (i + seed) % 26);
	for (i = 0; i < n; i += 4093)
		p[i] = specials[(i / 4093 + seed) % sizeof specials];
	p[n - 1] = '"';
	p[n - 3] = '\xc3'; /* é, as UTF-8 */
	p[n - 2] = '\xa9';
}

/* Values longer than the reader keeps in a line (journal_line.c reads them
 * apart from it): a text full of escapes, bytes that are not UTF-8
 * ({"hex":...}), and values at the length where that starts, all read
 * back exactly with the small values around them, under a seal that
 * verifies; a byte changed inside a long value breaks the seal. */
static void long_values_read_back_exactly_under_the_seal(void **state)
{
	char *tmp = rf_test_tmpdir(), *path, *text, *p;
	struct rf_journal_header h = {"a", "b", "b", "t", 1, key, 4, cols, NULL, 0, NULL};
	struct rf_journal_writer *w;
	struct rf_journal j;
	struct rf_error err;
	const size_t sizes[] = {3u << 20, 1u << 20, (1u << 20) + 1, (1u << 20) - 1};
	char *vals[4], *bin = malloc(2u << 20);
	struct rf_cell after[4], k;
	FILE *f;
	long size;
	size_t i;
	(void)state;

	rf_error_clear(&err);
	for (i = 0; i < 2u << 20; i++)
		bin[i] = (char)(0x80 + i % 64); /* continuation bytes only: not UTF-8 */
	for (i = 0; i < 4; i++) {
		vals[i] = malloc(sizes[i]);
		fill_escapes(vals[i], sizes[i], (unsigned)i);
	}
	assert_int_equal(rf_journal_create(tmp, &h, &w, &err), 0);
	for (i = 0; i < 4; i++) {
		char kb[8];
		snprintf(kb, sizeof kb, "k%zu", i);
		k = rf_test_cell(kb);
		after[0] = k;
		after[1] = (struct rf_cell){vals[i], sizes[i], false};
		after[2] = (struct rf_cell){bin, (2u << 20) - i, false};
		after[3] = rf_test_cell(i % 2 ? NULL : "small");
		assert_int_equal(rf_journal_add(w, RF_OP_INSERT, &k, NULL, after, &err), 0);
	}
	assert_int_equal(rf_journal_prepare(w, "sqlite:1", &err), 0);
	assert_int_equal(rf_journal_commit(w, &err), 0);
	path = strdup(rf_journal_writer_path(w));
	rf_journal_writer_free(w);

	assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
	assert_true(j.seal_ok);
	assert_true(j.prepared_ok);
	assert_int_equal(j.nops, 4);
	for (i = 0; i < 4; i++) {
		char kb[8];
		snprintf(kb, sizeof kb, "k%zu", i);
		assert_true(rf_test_cell_is(&j.ops[i].key[0], kb, strlen(kb)));
		assert_true(rf_test_cell_is(&j.ops[i].after[1], vals[i], sizes[i]));
		assert_true(rf_test_cell_is(&j.ops[i].after[2], bin, (2u << 20) - i));
		if (i % 2)
			assert_true(j.ops[i].after[3].is_null);
		else
			assert_true(rf_test_cell_is(&j.ops[i].after[3], "small", 5));
	}
	rf_journal_free(&j);

	/* one letter changed in the middle of the 3 MiB value */
	f = fopen(path, "r+");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	text = calloc(1, (size_t)size + 1);
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	p = memchr(text + (2u << 20), 'q', 64);
	assert_non_null(p);
	*p = 'r';
	fseek(f, 0, SEEK_SET);
	fwrite(text, 1, (size_t)size, f);
	fclose(f);
	assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
	assert_false(j.seal_ok);
	assert_false(j.prepared_ok);
	rf_journal_free(&j);

	free(text);
	free(path);
	for (i = 0; i < 4; i++)
		free(vals[i]);
	free(bin);
	rf_test_rmtree(tmp);
}

/* Long strings written by hand, with what the writer never writes: a
 * surrogate pair and other \u escapes in a long value, a bad escape in
 * one, and a line that holds a number besides a long string (read whole). */
static void long_strings_unescape_like_json(void **state)
{
	char *tmp = rf_test_tmpdir(), *path = rf_xasprintf("%s/j.jsonl", tmp);
	const char *head = "{\"rowferry_undo\":1,\"id\":\"x\",\"created\":\"c\",\"target\":\"t\","
	                   "\"table\":\"t\",\"key\":[\"guid\"],\"state\":\"pending\"}\n";
	size_t n = (1u << 20) + 100;
	char *raw = malloc(n), *want = malloc(n + 16);
	struct rf_journal j;
	struct rf_error err;
	FILE *f;
	(void)state;

	rf_error_clear(&err);
	memset(raw, 'z', n);
	memcpy(raw, "\\ud83d\\ude00\\u00e9\\/\\u0000", 26);
	memcpy(want, "\xf0\x9f\x98\x80\xc3\xa9/", 7);
	want[7] = '\0';
	memset(want + 8, 'z', n - 26);
	for (int pass = 0; pass < 3; pass++) {
		f = fopen(path, "w");
		fputs(head, f);
		fputs(pass == 2 ? "{\"op\":\"insert\",\"n\":5," : "{\"op\":\"insert\",", f);
		fputs("\"key\":{\"guid\":\"g\"},\"after\":{\"guid\":\"", f);
		fwrite(raw, 1, n, f);
		if (pass == 1)
			fputs("\\q", f); /* not an escape */
		fputs("\"}}\n", f);
		fclose(f);
		if (pass == 1) {
			assert_int_equal(rf_journal_load(path, false, &j, &err), -1);
			assert_non_null(strstr(err.msg, "line 2"));
			rf_error_clear(&err);
			continue;
		}
		assert_int_equal(rf_journal_load(path, false, &j, &err), 0);
		assert_int_equal(j.nops, 1);
		assert_true(rf_test_cell_is(&j.ops[0].after[0], want, 8 + n - 26));
		rf_journal_free(&j);
	}
	free(raw);
	free(want);
	free(path);
	rf_test_rmtree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(long_values_read_back_exactly_under_the_seal),
	    cmocka_unit_test(long_strings_unescape_like_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
