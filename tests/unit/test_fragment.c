/* test_fragment.c - the lexical check of --where fragments (src/db/fragment.c)
 * per engine: what each engine reads as one expression is accepted, what
 * it would read as more (or as a comment) is refused, including the two
 * strings that dropped a table through rowferry (issue 10). The servers'
 * side of it is in tests/server/test_pg_driver.c and test_mysql_driver.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rowferry/db.h"

/* One fragment and whether each dialect accepts it: 'y' or 'n', in the
 * order PostgreSQL, PostgreSQL with standard_conforming_strings off,
 * MariaDB, SQLite. */
struct fragment_case {
	const char *sql;
	const char *accept;
};

static const struct fragment_case cases[] = {
    {"job_number = '0000065'", "yyyy"},
    {"note = 'a;b'", "yyyy"},
    {"note = 'a;b -- c' AND (x IN (1,2))", "yyyy"},
    {"x = 'it''s; fine'", "yyyy"},
    {"x = 'a\\\\'", "yyyy"}, /* 'a\\' */
    {"json_extract(doc, '$.a;') = 1", "yyyy"},
    /* PostgreSQL dollar quotes: ';' inside is data; a tag must match
     * exactly; "$1" is a parameter; '$' inside a word opens nothing */
    {"note = $$a;b$$", "yynn"},
    {"note = $tag$a;$$b$tag$", "yynn"},
    {"note = $tag$a;b$TAG$", "nnnn"},
    {"note = $$a;b", "nnnn"},
    {"$1 = $$;$$", "yynn"},
    {"x$$ = 1; $$", "nnnn"},
    {"$1 = 1; $$", "nnnn"},
    /* issue 10: both dropped or wrote to a table through COPY ... TO STDOUT */
    {"$$'$$ = $$x$$) ORDER BY 1) TO STDOUT; COMMIT; DROP TABLE victim; COPY (SELECT 1 AS id "
     "WHERE ($$'$$ <> $$a$$",
     /* MariaDB reads one string from the first ' to the last */
     "nnyn"},
    {"v <> '\\') ORDER BY 1) TO STDOUT; COMMIT; INSERT INTO victim VALUES (3); COPY (SELECT 1 "
     "AS id WHERE (chr(39) <> E'\\''",
     /* with backslash escapes it is one (long) string: one expression */
     "nyyn"},
    /* a backslash ends nothing in a standard string, escapes in E'' */
    {"v = '\\'", "ynny"},
    {"v = '\\' OR x = ';'", "ynny"},
    {"v = E'\\''", "yyyn"},
    {"v = e'a\\';b'", "yyyn"},
    {"v = E'\\\\' OR x = ';'", "yyyy"},
    {"abcE'\\';'", "nyyn"}, /* the E of a longer word prefixes nothing */
    {"v = U&'\\' AND w = ';'", "yyny"},
    {"v = B'\\' AND w = ';'", "yyny"},
    /* MariaDB: backslash escapes in '' and "", and the tricks with them */
    {"v = '\\'' OR x = ';'", "nyyn"},
    {"v = '\\'' OR 1) ORDER BY 1; DROP TABLE victim; SELECT ('", "ynny"},
    {"\"a;b\" = 1", "yyyy"},
    {"\"a\\\";b\" = 1", "nnyn"},
    {"\"a\"\";b\" = 1", "yyyy"},
    {"`a;b` = 1", "nnyy"},
    {"`a``;b` = 1", "nnyy"},
    {"[a;b] = 1", "nnny"},
    /* comments, executable comments included */
    {"a = 1 -- x", "nnnn"},
    {"a = 1 /* x */", "nnnn"},
    {"a = 1 /*! OR 1=1 */", "nnnn"},
    {"a = 1 # x", "yynn"}, /* XOR on PostgreSQL, a parameter on SQLite */
    /* SQLite parameters: "$a(';')" is one name to SQLite, quote and all */
    {"a = :x", "yyyn"},
    {"a = $x(';')", "yyyn"},
    {"a = @x", "yyyn"},
    {"a = ?", "yyyn"},
    {"a$b = 1", "yyyy"},
    /* one expression: balanced, closed, not empty */
    {"a = 1) OR (1 = 1", "nnnn"},
    {"(a = 1", "nnnn"},
    {"a = 'open", "nnnn"},
    {"a = \"open", "nnnn"},
    {"1=1; DROP TABLE x", "nnnn"},
    {"   ", "nnnn"},
    {"", "nnnn"},
};

static const enum rf_sql_dialect dialects[4] = {RF_SQL_POSTGRES, RF_SQL_POSTGRES_ESCAPES,
                                                RF_SQL_MYSQL, RF_SQL_SQLITE};
static const char *const dialect_names[4] = {"postgres", "postgres (backslash strings)", "mariadb",
                                             "sqlite"};

static void each_engine_reads_one_expression_as_it_quotes(void **state)
{
	int failures = 0;
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int d = 0; d < 4; d++) {
			struct rf_error err;
			bool want = cases[i].accept[d] == 'y';
			int rc;

			rf_error_clear(&err);
			rc = rf_sql_check_fragment(cases[i].sql, dialects[d], "--where", "dev",
			                           &err);
			if ((rc == 0) != want) {
				printf("%s: [%s] %s, want %s (%s)\n", dialect_names[d],
				       cases[i].sql, rc == 0 ? "accepted" : "refused",
				       want ? "accepted" : "refused", err.msg);
				failures++;
			}
			if (rc != 0 && (strcmp(err.where, "dev") != 0 ||
			                strncmp(err.msg, "--where ", 8) != 0)) {
				printf("%s: [%s] unclear error: %s: %s\n", dialect_names[d],
				       cases[i].sql, err.where, err.msg);
				failures++;
			}
		}
	assert_int_equal(failures, 0);
}

static void errors_say_what_is_wrong(void **state)
{
	struct rf_error err;
	(void)state;
	rf_error_clear(&err);
	assert_int_equal(
	    rf_sql_check_fragment("1=1; DROP TABLE x", RF_SQL_POSTGRES, "--where", "prod", &err),
	    -1);
	assert_string_equal(err.where, "prod");
	assert_string_equal(err.msg, "--where must be a single expression (found ';'): 1=1; DROP "
	                             "TABLE x");
	rf_error_clear(&err);
	rf_sql_check_fragment("a = 1 /*! x */", RF_SQL_MYSQL, "--where", "prod", &err);
	assert_non_null(strstr(err.msg, "must not contain comments"));
	rf_error_clear(&err);
	rf_sql_check_fragment("v = $q$x", RF_SQL_POSTGRES, "--where", "prod", &err);
	assert_non_null(strstr(err.msg, "unterminated dollar-quoted string"));
	rf_error_clear(&err);
	rf_sql_check_fragment("v = '\\'", RF_SQL_MYSQL, "--where", "prod", &err);
	assert_non_null(strstr(err.msg, "unterminated string"));
	rf_error_clear(&err);
	rf_sql_check_fragment("a = 1)", RF_SQL_SQLITE, "--where", "prod", &err);
	assert_non_null(strstr(err.msg, "unbalanced ')'"));
	rf_error_clear(&err);
	rf_sql_check_fragment("  ", RF_SQL_SQLITE, "--where", "prod", &err);
	assert_string_equal(err.msg, "--where is empty");
	/* no fragment is fine */
	assert_int_equal(rf_sql_check_fragment(NULL, RF_SQL_SQLITE, "--where", "prod", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(each_engine_reads_one_expression_as_it_quotes),
	    cmocka_unit_test(errors_say_what_is_wrong),
	};
	return cmocka_run_group_tests_name("fragment", tests, NULL, NULL);
}
