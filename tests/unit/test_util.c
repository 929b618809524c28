/* test_util.c - the small shared pieces whose mistakes would be quiet:
 * passwords left in a shown URL, integer text at the edges, list splitting
 * (a WHERE that is more than one expression: test_fragment.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rowferry/db.h"
#include "rowferry/secret.h"
#include "rowferry/util.h"
#include "rowferry/uuid.h"

static void expect_redacted(const char *url, const char *want)
{
	char *got = rf_url_redact(url);
	assert_string_equal(got, want);
	free(got);
}

static void expect_one_secret(const char *url, const char *want);

static void url_redaction_removes_every_password_form(void **state)
{
	(void)state;
	expect_redacted("postgres://app:s3cret@db.internal:5432/wg?sslmode=require",
	                "postgres://app@db.internal:5432/wg?sslmode=require");
	expect_redacted("mysql://root:p@ss@localhost/db?socket=/tmp/x.sock",
	                "mysql://root@localhost/db?socket=/tmp/x.sock");
	expect_redacted("postgresql://app@/wg?host=/tmp&password=hunter2&port=5",
	                "postgresql://app@/wg?host=/tmp&port=5");
	expect_redacted("postgresql://app@/wg?password=hunter2&port=5",
	                "postgresql://app@/wg?port=5");
	expect_redacted("postgresql://app@/wg?port=5&pass%77ord=hunter2",
	                "postgresql://app@/wg?port=5");
	expect_redacted("postgresql://app@h/wg?sslpassword=k3y", "postgresql://app@h/wg");
	expect_redacted("host=db dbname=wg password='a b\\'c' user=app",
	                "host=db dbname=wg user=app");
	expect_redacted("host=db password = 'x' sslpassword=k3y", "host=db");
	/* "://" inside a conninfo value does not make it a URL */
	expect_redacted("host=db password=a://b@c", "host=db");
	/* what libpq cannot read may hold a password's tail */
	expect_redacted("host=db password=a b", "host=db ...");
	expect_redacted("host=db password='a b", "host=db ...");
	expect_redacted("sqlite:///var/lib/app.db", "sqlite:///var/lib/app.db");
	expect_redacted("sqlite:///srv/a:b@c.db", "sqlite:///srv/a:b@c.db");
	expect_redacted("postgres://app@db/wg", "postgres://app@db/wg");
	/* cut off before its '@' (a config's inline comment, a shell): what
	 * follows ':' is no port, so it is taken for a password */
	expect_redacted("mysql://app:Secr3t", "mysql://app");
	expect_redacted("postgres://app:Secr3t/wg?sslmode=require",
	                "postgres://app/wg?sslmode=require");
	expect_one_secret("mysql://app:Secr3t", "Secr3t");
	expect_redacted("postgres://db:5432/wg", "postgres://db:5432/wg");
	expect_redacted("postgres://db:5432,db2:5433/wg", "postgres://db:5432,db2:5433/wg");
	expect_redacted("postgres://[::1]:5432/wg", "postgres://[::1]:5432/wg");
	/* no "scheme://": still user:password@host */
	expect_redacted("postgres:/app:pw@db/wg", "postgres@db/wg");
}

/* Passwords that broke the old redaction (it stopped at the first '/' or
 * '?'), in every URL scheme and in conninfo, as written and as read. */
static const char *const nasty_passwords[] = {
    "p/w",
    "p?w",
    "p#w",
    "p@w",
    "p:w",
    "%zz",
    "[::1",
    "",
    "p\xc3\xa4ss\xe2\x9c\x93",
    "a@b/c?d#e:f%zz[::1",
};
static const char *const url_schemes[] = {"postgres", "postgresql", "mysql", "mariadb"};

/* One secret in url, read back as want. */
static void expect_one_secret(const char *url, const char *want)
{
	size_t n = 0;
	struct rf_url_secret *s = rf_url_secrets(url, &n);
	char *value;
	assert_int_equal(n, 1);
	value = rf_url_secret_value(url, &s[0]);
	assert_string_equal(value, want);
	free(value);
	free(s);
}

static void nasty_passwords_never_survive_a_url(void **state)
{
	size_t i, j;
	(void)state;
	for (i = 0; i < sizeof nasty_passwords / sizeof *nasty_passwords; i++) {
		const char *pw = nasty_passwords[i];
		for (j = 0; j < sizeof url_schemes / sizeof *url_schemes; j++) {
			const char *sc = url_schemes[j];
			char *url =
			    rf_xasprintf("%s://app:%s@db.internal:5432/wg?sslmode=require", sc, pw);
			char *want =
			    rf_xasprintf("%s://app@db.internal:5432/wg?sslmode=require", sc);
			char *hidden = rf_xstrdup(url);
			struct rf_url_userinfo ui;

			print_message("%s\n", url);
			expect_redacted(url, want);
			expect_one_secret(url, pw);
			assert_true(rf_url_userinfo(url, &ui));
			assert_int_equal(ui.at, strlen(sc) + 7 + strlen(pw));
			/* argv: the password's bytes starred over, nothing else */
			rf_url_hide(hidden);
			assert_int_equal(strlen(hidden), strlen(url));
			assert_int_equal(strspn(hidden + strlen(sc) + 7, "*"), strlen(pw));
			assert_string_equal(hidden + strlen(sc) + 7 + strlen(pw),
			                    "@db.internal:5432/wg?sslmode=require");
			free(url);
			free(want);
			free(hidden);
		}
		if (!strchr(pw, '&')) {
			char *url =
			    rf_xasprintf("postgresql://app@/wg?host=/tmp&password=%s&port=5", pw);
			print_message("%s\n", url);
			expect_redacted(url, "postgresql://app@/wg?host=/tmp&port=5");
			expect_one_secret(url, pw);
			free(url);
		}
	}
}

static void nasty_passwords_never_survive_a_conninfo(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof nasty_passwords / sizeof *nasty_passwords; i++) {
		const char *pw = nasty_passwords[i];
		struct rf_buf quoted = RF_BUF_INIT;
		const char *p;
		char *url, *hidden;

		for (p = pw; *p; p++) {
			if (*p == '\'' || *p == '\\')
				rf_buf_addc(&quoted, '\\');
			rf_buf_addc(&quoted, *p);
		}
		url = rf_xasprintf("host=db dbname=wg password='%s' user=app",
		                   quoted.data ? quoted.data : "");
		print_message("%s\n", url);
		expect_redacted(url, "host=db dbname=wg user=app");
		expect_one_secret(url, pw);
		hidden = rf_xstrdup(url);
		rf_url_hide(hidden);
		assert_non_null(strstr(hidden, "host=db dbname=wg password=**"));
		assert_non_null(strstr(hidden, "* user=app"));
		free(hidden);
		free(url);
		if (*pw) { /* unquoted: none of them holds a blank */
			url = rf_xasprintf("host=db password=%s dbname=wg", pw);
			expect_redacted(url, "host=db dbname=wg");
			expect_one_secret(url, pw);
			free(url);
		}
		rf_buf_free(&quoted);
	}
	expect_one_secret("host=db password='a b\\'c\\\\'", "a b'c\\");
}

static void a_sqlite_url_has_no_password(void **state)
{
	size_t n = 7;
	struct rf_url_secret *s = rf_url_secrets("sqlite:///srv/a:b@c.db", &n);
	char path[] = "sqlite:///srv/a:b@c.db";
	(void)state;
	assert_null(s);
	assert_int_equal(n, 0);
	rf_url_hide(path);
	assert_string_equal(path, "sqlite:///srv/a:b@c.db");
}

/* libpq quotes what it cannot parse; the scrubber takes the password out
 * as written, percent-decoded and percent-encoded, and password_env's. */
static void connect_errors_are_scrubbed_of_every_password_form(void **state)
{
	struct rf_error err;
	(void)state;

	rf_error_clear(&err);
	rf_error_set(&err, "postgres://acc@h/db", "invalid percent-encoded token: \"PW%%zz\"");
	rf_error_scrub(&err, "postgres://acc:PW%zz@h/db", NULL);
	assert_string_equal(err.msg, "invalid percent-encoded token: \"***\"");

	rf_error_clear(&err);
	rf_error_set(&err, "x", "invalid URI: \"postgres://acc:Sec/ret@[::1\"");
	rf_error_scrub(&err, "postgres://acc:Sec/ret@[::1", NULL);
	assert_null(strstr(err.msg, "Sec"));

	rf_error_clear(&err);
	rf_error_set(&err, "x", "decoded p@ss:w and encoded p%%40ss%%3Aw");
	rf_error_scrub(&err, "mysql://u:p%40ss%3Aw@h/db", NULL);
	assert_string_equal(err.msg, "decoded *** and encoded ***");

	rf_error_clear(&err);
	rf_error_set(&err, "x", "password authentication failed: Env/Secret Env%%2FSecret");
	rf_error_scrub(&err, "postgres://u@h/db", "Env/Secret");
	assert_string_equal(err.msg, "password authentication failed: *** ***");

	rf_error_clear(&err);
	rf_error_set(&err, "x", "conninfo a b'c here");
	rf_error_scrub(&err, "host=h password='a b\\'c'", NULL);
	assert_string_equal(err.msg, "conninfo *** here");

	/* a message cut short does not keep the password's head */
	rf_error_clear(&err);
	memset(err.msg, 'x', sizeof err.msg - 4);
	memcpy(err.msg + sizeof err.msg - 4, "Top", 4);
	err.set = 1;
	rf_error_scrub(&err, "postgres://u:TopSecret@h", NULL);
	assert_null(strstr(err.msg, "Top"));

	/* an unset error stays unset */
	rf_error_clear(&err);
	rf_error_scrub(&err, "postgres://u:pw@h", "pw");
	assert_int_equal(err.set, 0);
}

static void int64_text_handles_the_edges(void **state)
{
	char buf[24];
	(void)state;
	assert_int_equal(rf_int64_text(0, buf), 1);
	assert_string_equal(buf, "0");
	rf_int64_text(-1, buf);
	assert_string_equal(buf, "-1");
	rf_int64_text(LLONG_MAX, buf);
	assert_string_equal(buf, "9223372036854775807");
	assert_int_equal(rf_int64_text(LLONG_MIN, buf), 20);
	assert_string_equal(buf, "-9223372036854775808");
}

static void strlist_split_trims_and_skips_empty_items(void **state)
{
	struct rf_strlist l = RF_STRLIST_INIT;
	char *joined;
	(void)state;
	rf_strlist_split(&l, " job_number, order_ref ,,guid ");
	assert_int_equal(l.len, 3);
	assert_int_equal(rf_strlist_index(&l, "order_ref"), 1);
	joined = rf_strlist_join(&l, "|");
	assert_string_equal(joined, "job_number|order_ref|guid");
	free(joined);
	rf_strlist_free(&l);
}

static void first_error_wins(void **state)
{
	struct rf_error err;
	char text[256];
	(void)state;
	rf_error_clear(&err);
	rf_error_set(&err, "prod", "relation \"x\" does not exist\n");
	rf_error_set(&err, "cleanup", "something later");
	assert_string_equal(rf_error_text(&err, text, sizeof text),
	                    "prod: relation \"x\" does not exist");
}

static void suggest_finds_the_near_name(void **state)
{
	const char *cols[] = {"guid", "job_number", "order_ref", "qty", "status"};
	(void)state;
	assert_string_equal(rf_suggest("gid", cols, 5), "guid");
	assert_string_equal(rf_suggest("JOB_NUMBR", cols, 5), "job_number");
	assert_string_equal(rf_suggest("order-ref", cols, 5), "order_ref");
	assert_string_equal(rf_suggest("stauts", cols, 5), "status");
	assert_null(rf_suggest("zzzz", cols, 5));
	assert_null(rf_suggest("q", cols, 5)); /* too short to guess from */
	assert_null(rf_suggest("price", cols, 5));
	assert_null(rf_suggest("gid", cols, 0));
}

/* A buffer only reserved (nothing appended) is still "": the console's
 * line editor stole one for an empty line, and the WHERE, the search and
 * the file name then read uninitialised heap (valgrind sees it; the screen
 * showed the bytes a freed block left behind). */
/* The one check of canonical bytes (PostgreSQL's and MariaDB's literals,
 * undo's after-images): an even run of hex digits of either case. */
static void hex_runs_are_told_from_other_text(void **state)
{
	char bytes[4];
	(void)state;
	assert_true(rf_is_hex("", 0));
	assert_true(rf_is_hex("00ff", 4));
	assert_true(rf_is_hex("0aFb", 4));
	assert_false(rf_is_hex("abc", 3)); /* odd */
	assert_false(rf_is_hex("0g", 2));
	assert_false(rf_is_hex("\\x00", 4));
	assert_false(rf_is_hex("00\0", 3));
	/* what it accepts, rf_hex_decode decodes */
	assert_int_equal(rf_hex_decode(bytes, "0aFb", 4), 2);
	assert_int_equal((unsigned char)bytes[1], 0xfb);
}

/* pg_exec decodes a lent value's hex in place and gives it back with
 * rf_hex_encode_in_place: every byte, and only lower-case hex, round-trips */
static void hex_decoded_in_place_is_given_back_exactly(void **state)
{
	char buf[2 * 256 + 1], want[2 * 256 + 1];
	size_t i;
	(void)state;
	for (i = 0; i < 256; i++)
		snprintf(want + 2 * i, 3, "%02x", (unsigned)(255 - i));
	memcpy(buf, want, sizeof buf);
	assert_true(rf_is_lower_hex(buf, 512));
	assert_int_equal(rf_hex_decode(buf, buf, 512), 256);
	for (i = 0; i < 256; i++)
		assert_int_equal((unsigned char)buf[i], 255 - i);
	rf_hex_encode_in_place(buf, 256);
	assert_memory_equal(buf, want, sizeof buf);
	rf_hex_encode_in_place(buf, 0); /* nothing to do */
	assert_memory_equal(buf, want, sizeof buf);
	assert_true(rf_is_lower_hex("", 0));
	assert_false(rf_is_lower_hex("0aFb", 4)); /* would come back "0afb" */
	assert_false(rf_is_lower_hex("abc", 3));
	assert_false(rf_is_lower_hex("0g", 2));
}

static void reserved_empty_buffer_is_an_empty_string(void **state)
{
	struct rf_buf b = RF_BUF_INIT;
	char *s;
	(void)state;
	rf_buf_reserve(&b, 1);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(strlen(b.data), 0);
	s = rf_buf_steal(&b);
	assert_string_equal(s, "");
	free(s);
	s = rf_buf_steal(&b); /* never allocated at all */
	assert_string_equal(s, "");
	free(s);
}

/* --remap's namespace: a configured UUID parsed either case, a bad one
 * refused, none derived from the connection's name as UUIDv5(URL,
 * "rowferry:remap:NAME") (e2e.copy_remap checks the keys against
 * Python's uuid.uuid5). */
static void remap_namespace_is_parsed_or_derived(void **state)
{
	unsigned char ns[16], again[16];
	struct rf_buf b = RF_BUF_INIT;
	struct rf_error err;

	(void)state;
	rf_error_clear(&err);
	assert_int_equal(
	    rf_uuid_remap_namespace("6BA7B811-9dad-11d1-80b4-00c04fd430c8", "prod", ns, &err), 0);
	assert_memory_equal(ns, rf_uuid_url_namespace, 16);
	assert_int_equal(rf_uuid_parse("6ba7b811-9dad-11d1-80b4-00c04fd430c", ns), -1);
	assert_int_equal(rf_uuid_parse("6ba7b8119-dad-11d1-80b4-00c04fd430c8", ns), -1);
	assert_int_equal(rf_uuid_parse("6ba7b811-9dad-11d1-80b4-00c04fd430cg", ns), -1);
	assert_int_equal(rf_uuid_remap_namespace("nope", "prod", ns, &err), -1);
	assert_true(err.set);
	rf_error_clear(&err);
	assert_int_equal(rf_uuid_remap_namespace(NULL, "prod", ns, &err), 0);
	rf_uuid5(rf_uuid_url_namespace, "rowferry:remap:prod", 19, &b);
	assert_int_equal(rf_uuid_parse(b.data, again), 0);
	assert_memory_equal(ns, again, 16);
	rf_buf_free(&b);
	assert_int_equal(rf_uuid_remap_namespace(NULL, "dev", again, &err), 0);
	assert_memory_not_equal(ns, again, 16);
}

/* What malloc adds to the heap for rf_x* allocations is faulted in by
 * one call (util.c, heap_prefault), not a page at a time as it is first
 * touched: the top of a grown heap, which no block has touched yet, is
 * in memory. Skipped where the allocator does not grow the heap with
 * brk (ASan, valgrind) or the kernel lacks MADV_POPULATE_WRITE. */
static void heap_growth_is_faulted_in_at_once(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	char *before = sbrk(0), *end;
	void *blocks[64];
	unsigned char in_core = 0;
	size_t i;

	(void)state;
	for (i = 0; i < 64; i++)
		blocks[i] = rf_xmalloc(60000); /* below the mmap threshold: the heap */
	end = sbrk(0);
	if (end == (char *)-1 || end <= before) {
		for (i = 0; i < 64; i++)
			free(blocks[i]);
		skip();
	}
#ifdef MADV_POPULATE_WRITE
	if (madvise((char *)((uintptr_t)blocks[0] & ~((uintptr_t)page - 1)), (size_t)page,
	            MADV_POPULATE_WRITE) != 0 &&
	    errno == EINVAL) {
		for (i = 0; i < 64; i++)
			free(blocks[i]);
		skip();
	}
#endif
	assert_int_equal(mincore(end - page, (size_t)page, &in_core), 0);
	for (i = 0; i < 64; i++)
		free(blocks[i]);
	assert_true(in_core & 1);
}

/* ... but a big block that grows the heap at once is left to be faulted
 * in as it is written: a buffer with room to spare must not cost its room
 * in memory. Run after the test above (it changes malloc's mmap
 * threshold, so that 8 MB come from the heap). */
static void big_heap_block_is_not_faulted_in(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	char *before, *end, *big;
	unsigned char in_core = 1;

	(void)state;
	if (mallopt(M_MMAP_THRESHOLD, 16 << 20) != 1)
		skip(); /* not glibc's malloc (ASan) */
	before = sbrk(0);
	big = rf_xmalloc(8 << 20);
	end = sbrk(0);
	if (end == (char *)-1 || end < before + (4 << 20)) {
		free(big);
		skip(); /* not from the heap (ASan, valgrind) */
	}
	assert_int_equal(mincore(end - page, (size_t)page, &in_core), 0);
	free(big);
	assert_false(in_core & 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(url_redaction_removes_every_password_form),
	    cmocka_unit_test(nasty_passwords_never_survive_a_url),
	    cmocka_unit_test(nasty_passwords_never_survive_a_conninfo),
	    cmocka_unit_test(a_sqlite_url_has_no_password),
	    cmocka_unit_test(connect_errors_are_scrubbed_of_every_password_form),
	    cmocka_unit_test(int64_text_handles_the_edges),
	    cmocka_unit_test(strlist_split_trims_and_skips_empty_items),
	    cmocka_unit_test(first_error_wins),
	    cmocka_unit_test(remap_namespace_is_parsed_or_derived),
	    cmocka_unit_test(suggest_finds_the_near_name),
	    cmocka_unit_test(hex_runs_are_told_from_other_text),
	    cmocka_unit_test(hex_decoded_in_place_is_given_back_exactly),
	    cmocka_unit_test(reserved_empty_buffer_is_an_empty_string),
	    cmocka_unit_test(heap_growth_is_faulted_in_at_once),
	    cmocka_unit_test(big_heap_block_is_not_faulted_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
