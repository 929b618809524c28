/* test_map.c - [map] sections (DESIGN §12): the expression parser with
 * its FILE:LINE errors, the built-ins evaluated on canonical values, and
 * the conversion into a target column that refuses what would not fit.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rf_test.h"
#include "rowferry/config.h"
#include "rowferry/map.h"
#include "rowferry/map_diff.h"

/* ---- parser ---- */

/* The error of parsing text as column c of map.ini line 7, or "" if none. */
static const char *parse_error(const char *text)
{
	static struct rf_error err;
	struct rf_map_expr *e = NULL;

	rf_error_clear(&err);
	if (rf_map_parse_expr(text, "map.ini", 7, "c", &e, &err) == 0) {
		assert_null(err.msg[0] ? err.msg : NULL);
		rf_map_expr_free(e);
		return "";
	}
	assert_null(e);
	return err.msg;
}

#define assert_parse_error(text, want) assert_string_equal(parse_error(text), want)

static void parse_good_expressions(void **state)
{
	static const char *const good[] = {
	    "ID",
	    "\"Weird Name\"",
	    "'it''s'",
	    "-12.5",
	    "null",
	    "default",
	    "unixtime(OrderTime)",
	    "map(OrderStatus, 1:pending, 7:completed, 9:'cancelled', *:null)",
	    "map(Flag, 1:now(), *:'x')",
	    "ref(customers, CustomerID)",
	    "ref(public.customers, A, B)",
	    "json(value, '$.client.name')",
	    "nullif(trim(SpecialNotes), '')",
	    "coalesce(a, b, 'none')",
	    "concat(a, '-', b)",
	    "strip_nul(lower(upper(x)))",
	    "now()",
	    "uuid5(ID)",
	    "check(json(value, '$.email'), '^[^@ ]+@[^@ ]+$')",
	    "sql(CONCAT(a, ')', (b)))",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_string_equal(parse_error(good[i]), "");
}

static void parse_bad_expressions_name_file_line_and_column(void **state)
{
	(void)state;
	assert_parse_error("frobnicate(ID)", "map.ini:7: column c: unknown function 'frobnicate'");
	assert_parse_error("unixtime(a, b)",
	                   "map.ini:7: column c: unixtime() takes 1 argument, not 2");
	assert_parse_error("now(x)", "map.ini:7: column c: now() takes 0 arguments, not 1");
	assert_parse_error("nullif(a)", "map.ini:7: column c: nullif() takes 2 arguments, not 1");
	assert_parse_error("'abc", "map.ini:7: column c: unterminated string");
	assert_parse_error("check(a, '(')",
	                   "map.ini:7: column c: check(): bad regular expression '(': "
	                   "Unmatched ( or \\(");
	assert_parse_error("check(a, '[a]+++')",
	                   "map.ini:7: column c: check(): bad regular expression '[a]+++': a "
	                   "repetition of a repetition at '++' (write one repetition, or group "
	                   "the first: (a+)*)");
	assert_parse_error("pending completed", "map.ini:7: column c: bare words 'pending "
	                                        "completed': quote text ('...') or name one "
	                                        "column");
	assert_parse_error("sql(a; drop table x)",
	                   "map.ini:7: column c: sql() must be a single expression (found ';')");
	assert_parse_error("sql( )", "map.ini:7: column c: sql() is empty");
	assert_parse_error("trim(sql('a)))", "map.ini:7: column c: sql(): unterminated quote");
	assert_parse_error("sql(f(a)", "map.ini:7: column c: sql(): missing ')'");
	assert_parse_error("sql(a) || b",
	                   "map.ini:7: column c: unexpected text after the expression: '|| b'");
	assert_parse_error("map(s)",
	                   "map.ini:7: column c: map() needs at least one 'value:result'");
	assert_parse_error("map(s, 1 pending)",
	                   "map.ini:7: column c: map(): expected 'value:result' at 'pending)'");
	assert_parse_error("json(v, name)",
	                   "map.ini:7: column c: json(): the second argument must be a 'quoted' "
	                   "path");
	assert_parse_error("trim(default)",
	                   "map.ini:7: column c: default stands alone (the target fills the "
	                   "column)");
	assert_parse_error("", "map.ini:7: column c: expression expected");
	assert_parse_error("concat(a,", "map.ini:7: column c: expression expected");
}

/* ---- [map] sections through the config loader ---- */

static char dir[] = "/tmp/rf_test_map_XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void map_section_loads_with_settings_and_columns(void **state)
{
	const char *path = write_file("a.ini", "[map orders]\n"
	                                       "from = Orders\n"
	                                       "names = snake_case\n"
	                                       "where = Deleted = 0\n"
	                                       "key = legacy_id\n"
	                                       "legacy_id = ID\n"
	                                       "status = map(OrderStatus, 1:pending, *:pending)\n"
	                                       "\"key\" = 'k'\n");
	struct rf_config cfg;
	struct rf_error err;
	struct rf_map *m = NULL;
	const struct rf_map_config *s;

	(void)state;
	rf_error_clear(&err);
	assert_int_equal(rf_config_load(&cfg, path, NULL, NULL, &err), 0);
	s = rf_config_map(&cfg, "public.orders");
	assert_non_null(s);
	assert_int_equal(rf_map_parse(s, cfg.path, &m, &err), 0);
	assert_string_equal(m->from, "Orders");
	assert_string_equal(m->where, "Deleted = 0");
	assert_string_equal(m->key, "legacy_id");
	assert_int_equal(m->names, RF_MAP_NAMES_SNAKE_CASE);
	assert_int_equal(m->ncols, 3);
	assert_string_equal(m->cols[0].name, "legacy_id");
	assert_int_equal(m->cols[0].line, 6);
	assert_int_equal(m->cols[1].expr->ncases, 2);
	assert_null(m->cols[1].expr->cases[1].value); /* '*' */
	assert_string_equal(m->cols[2].name, "key");  /* quoted: a column, not the setting */
	rf_map_free(m);
	rf_config_free(&cfg);
}

static void map_section_error_names_the_file_line(void **state)
{
	const char *path = write_file("b.ini", "[map orders]\n"
	                                       "legacy_id = ID\n"
	                                       "; a comment\n"
	                                       "created_at = unixtme(OrderTime)\n");
	struct rf_config cfg;
	struct rf_error err;
	struct rf_map *m = NULL;
	char want[512];

	(void)state;
	rf_error_clear(&err);
	assert_int_equal(rf_config_load(&cfg, path, NULL, NULL, &err), 0);
	assert_int_equal(rf_map_parse(rf_config_map(&cfg, "orders"), cfg.path, &m, &err), -1);
	assert_null(m);
	snprintf(want, sizeof want, "%s:4: column created_at: unknown function 'unixtme'", path);
	assert_string_equal(err.msg, want);
	rf_config_free(&cfg);
}

/* ---- evaluation ---- */

/* A source row of the legacy order system. */
static const char *const names[] = {"ID", "OrderTime", "OrderStatus", "Notes", "Deleted", "Doc"};
static const enum rf_type_class classes[] = {RF_T_INTEGER, RF_T_INTEGER, RF_T_INTEGER,
                                             RF_T_TEXT,    RF_T_BOOLEAN, RF_T_JSON};
static struct rf_cell cells[6];

static void set_row(const char *time, const char *status, const char *notes, size_t notes_len)
{
	static const char doc[] = "{\"a\":{\"b\":[1,\"x\"]},\"n\":2.50,\"e\":\"me@x.org\"}";

	cells[0] = (struct rf_cell){"42", 2, false};
	cells[1] = (struct rf_cell){time, time ? strlen(time) : 0, time == NULL};
	cells[2] = (struct rf_cell){status, strlen(status), false};
	cells[3] = (struct rf_cell){notes, notes_len, notes == NULL};
	cells[4] = (struct rf_cell){"true", 4, false};
	cells[5] = (struct rf_cell){doc, strlen(doc), false};
}

/* Evaluates text on the current row: the result's canonical text, "NULL",
 * "DEFAULT", or "invalid: REASON", "error: MSG". */
static const char *eval_text(const char *text)
{
	static char result[2048];
	struct rf_map_expr *e = NULL;
	struct rf_map_row row;
	struct rf_map_value v;
	struct rf_buf reason = RF_BUF_INIT;
	struct rf_strlist sqls = RF_STRLIST_INIT;
	struct rf_error err;
	int rc;

	rf_error_clear(&err);
	assert_int_equal(rf_map_parse_expr(text, "t", 1, "c", &e, &err), 0);
	assert_int_equal(rf_map_bind(e, names, 6, &sqls, "t:1", "c", &err), 0);
	rf_map_row_init(&row);
	row.ncols = 6;
	row.names = names;
	row.classes = classes;
	row.cells = cells;
	row.now = "2026-12-07T01:00:00.000000Z";
	rc = rf_map_eval(e, &row, &v, &reason, &err);
	if (rc < 0)
		snprintf(result, sizeof result, "error: %s", err.msg);
	else if (rc > 0)
		snprintf(result, sizeof result, "invalid: %s", reason.data);
	else if (v.is_null)
		snprintf(result, sizeof result, "NULL");
	else if (v.is_default)
		snprintf(result, sizeof result, "DEFAULT");
	else
		snprintf(result, sizeof result, "%s", v.buf.data);
	rf_map_value_free(&v);
	rf_buf_free(&reason);
	rf_strlist_free(&sqls);
	rf_map_expr_free(e);
	return result;
}

#define assert_eval(text, want) assert_string_equal(eval_text(text), want)

static void eval_literals_and_columns(void **state)
{
	(void)state;
	set_row("1700000000", "7", "  hi  ", 6);
	assert_eval("ID", "42");
	assert_eval("id", "42"); /* case ignored when no exact match */
	assert_eval("'it''s'", "it's");
	assert_eval("007.50", "7.5");
	assert_eval("null", "NULL");
	assert_eval("default", "DEFAULT");
}

static void eval_unixtime_edges(void **state)
{
	(void)state;
	set_row("1700000000", "7", "x", 1);
	assert_eval("unixtime(OrderTime)", "2023-11-14T22:13:20.000000Z");
	assert_eval("unixtime(0)", "1970-01-01T00:00:00.000000Z");
	assert_eval("unixtime(-1)", "1969-12-31T23:59:59.000000Z");
	assert_eval("unixtime(1700000000.5)", "2023-11-14T22:13:20.500000Z");
	assert_eval("unixtime(253402300799)", "9999-12-31T23:59:59.000000Z");
	assert_eval("unixtime(951782400)", "2000-02-29T00:00:00.000000Z");
	assert_eval("unixtime(253402300800)", "invalid: 253402300800 s is outside years 1..9999");
	assert_eval("unixtime(99999999999999999999999)",
	            "invalid: 99999999999999999999999 s is outside years 1..9999");
	assert_eval("unixtime_ms(1700000000123)", "2023-11-14T22:13:20.123000Z");
	assert_eval("unixtime_ms(-1)", "1969-12-31T23:59:59.999000Z");
	assert_eval("unixtime(Notes)", "invalid: 'x' is not a number of seconds");
	set_row(NULL, "7", "x", 1);
	assert_eval("unixtime(OrderTime)", "NULL");
}

static void eval_map_with_default_and_unmapped(void **state)
{
	const char *m = "map(OrderStatus, 1:pending, 7:completed, 9:cancelled, 11:'processing')";
	char with_star[256];

	(void)state;
	snprintf(with_star, sizeof with_star, "%.*s, *:unknown)", (int)strlen(m) - 1, m);
	set_row("0", "7", "x", 1);
	assert_eval(m, "completed");
	set_row("0", "11", "x", 1);
	assert_eval(m, "processing");
	set_row("0", "4", "x", 1);
	assert_eval(m, "invalid: unmapped value '4' in map()");
	assert_eval(with_star, "unknown");
	assert_eval("map(Deleted, 1:now(), 0:null)", "2026-12-07T01:00:00.000000Z");
	assert_eval("map(Deleted, 0:x)", "invalid: unmapped value 'true' in map()");
}

static void eval_text_functions(void **state)
{
	(void)state;
	set_row("0", "7", "  Hi There \n", 12);
	assert_eval("trim(Notes)", "Hi There");
	assert_eval("lower(Notes)", "  hi there \n");
	assert_eval("upper(trim(Notes))", "HI THERE");
	assert_eval("concat(ID, '-', Notes, null)", "42-  Hi There \n");
	assert_eval("coalesce(null, OrderTime, ID)", "0");
	set_row("0", "7", "   ", 3);
	assert_eval("nullif(trim(Notes), '')", "NULL");
	assert_eval("nullif(ID, 42)", "NULL");
	assert_eval("nullif(ID, 43)", "42");
	set_row("0", "7", "a\0b\0", 4);
	assert_eval("strip_nul(Notes)", "ab");
	set_row("0", "7", NULL, 0);
	assert_eval("coalesce(Notes, 'none')", "none");
}

static void eval_json_now_uuid5_check(void **state)
{
	struct rf_buf b = RF_BUF_INIT;
	static const unsigned char dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
	                                      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

	(void)state;
	set_row("0", "7", "x", 1);
	assert_eval("json(Doc, '$.a.b[1]')", "x");
	assert_eval("json(Doc, '$.a')", "{\"b\":[1,\"x\"]}");
	assert_eval("json(Doc, '$.n')", "2.5");
	assert_eval("json(Doc, '$.missing')", "NULL");
	assert_eval("json(Notes, '$.a')", "invalid: json(): not JSON: invalid token near 'x'");
	assert_eval("now()", "2026-12-07T01:00:00.000000Z");
	/* RFC 4122 vectors (Python's uuid.uuid5 agrees) */
	rf_uuid5(dns, "python.org", 10, &b);
	assert_string_equal(b.data, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	rf_buf_free(&b);
	assert_eval("uuid5(ID)", "5c2b23de-4bad-58ee-a4b3-f22f3b9cfd7d");
	assert_eval("uuid5(ID, 'abc')", "14c42e07-5c30-541a-b31b-5269905268d5");
	assert_eval("uuid5(ID, null)", "NULL");
	assert_eval("check(json(Doc, '$.e'), '^[^@ ]+@[^@ ]+\\.[a-z]+$')", "me@x.org");
	assert_eval("check(Notes, '^[^@ ]+@[^@ ]+$')",
	            "invalid: 'x' fails check '^[^@ ]+@[^@ ]+$'");
	assert_eval("ref(customers, ID)",
	            "error: ref(customers, ...): needs the row-graph copy, not available yet");
}

static void bind_refuses_unknown_columns(void **state)
{
	struct rf_map_expr *e = NULL;
	struct rf_strlist sqls = RF_STRLIST_INIT;
	struct rf_error err;

	(void)state;
	rf_error_clear(&err);
	assert_int_equal(rf_map_parse_expr("concat(ID, Nope, sql(a || b))", "m", 3, "c", &e, &err),
	                 0);
	assert_int_equal(rf_map_bind(e, names, 6, &sqls, "m:3", "c", &err), -1);
	assert_string_equal(err.msg,
	                    "m:3: column c: unknown source column 'Nope' (text needs quotes: "
	                    "'Nope')");
	rf_map_expr_free(e);
	rf_error_clear(&err);
	assert_int_equal(rf_map_parse_expr("concat(ID, sql(a || b))", "m", 3, "c", &e, &err), 0);
	assert_int_equal(rf_map_bind(e, names, 6, &sqls, "m:3", "c", &err), 0);
	assert_int_equal(sqls.len, 1);
	assert_string_equal(sqls.items[0], "a || b");
	assert_int_equal(e->args[1]->slot, 6); /* after the source's columns */
	rf_map_expr_free(e);
	rf_strlist_free(&sqls);
}

/* sql() nodes take the slots after the source's columns, in the order
 * they are bound across columns; a bound one reads its slot's cell, and a
 * built-in around it works on that value. */
static void bind_numbers_sql_slots_and_eval_reads_them(void **state)
{
	struct rf_map_expr *a = NULL, *b = NULL;
	struct rf_strlist sqls = RF_STRLIST_INIT;
	struct rf_error err;
	struct rf_map_row row;
	struct rf_map_value v;
	struct rf_buf reason = RF_BUF_INIT;
	const char *const cols[] = {"ID", "Name"};
	const enum rf_type_class cls[] = {RF_T_INTEGER, RF_T_TEXT, RF_T_TEXT, RF_T_TEXT};
	const struct rf_cell row4[] = {
	    {"7", 1, false}, {"x", 1, false}, {"  ANN-7 ", 8, false}, {NULL, 0, true}};

	(void)state;
	rf_error_clear(&err);
	assert_int_equal(rf_map_parse_expr("sql(upper(Name) || '-' || ID)", "m", 3, "a", &a, &err),
	                 0);
	assert_int_equal(rf_map_parse_expr("coalesce(sql(f(')')), trim(sql(upper(Name))))", "m", 4,
	                                   "b", &b, &err),
	                 0);
	assert_int_equal(rf_map_bind(a, cols, 2, &sqls, "m:3", "a", &err), 0);
	assert_int_equal(rf_map_bind(b, cols, 2, &sqls, "m:4", "b", &err), 0);
	assert_int_equal(sqls.len, 3);
	assert_string_equal(sqls.items[0], "upper(Name) || '-' || ID");
	assert_string_equal(sqls.items[1], "f(')')");
	assert_string_equal(sqls.items[2], "upper(Name)");
	assert_int_equal(a->slot, 2);
	assert_int_equal(b->args[0]->slot, 3);
	assert_int_equal(b->args[1]->args[0]->slot, 4);

	rf_map_row_init(&row);
	row.ncols = 4;
	row.names = cols;
	row.classes = cls;
	row.cells = row4;
	/* slot 4 is past this row: an unbound read is an error, not a guess */
	assert_int_equal(rf_map_eval(b, &row, &v, &reason, &err), -1);
	assert_string_equal(err.msg, "sql(upper(Name)) was not bound to the source stream");
	rf_map_value_free(&v);
	rf_error_clear(&err);
	assert_int_equal(rf_map_eval(a, &row, &v, &reason, &err), 0);
	assert_string_equal(v.buf.data, "  ANN-7 ");
	rf_map_value_free(&v);
	/* slot 3 NULL: coalesce() goes on to trim() of slot 4 */
	row.ncols = 5;
	{
		const enum rf_type_class cls5[] = {RF_T_INTEGER, RF_T_TEXT, RF_T_TEXT, RF_T_TEXT,
		                                   RF_T_TEXT};
		const struct rf_cell cells5[] = {{"7", 1, false},
		                                 {"x", 1, false},
		                                 {"  ANN-7 ", 8, false},
		                                 {NULL, 0, true},
		                                 {" ANN ", 5, false}};
		row.classes = cls5;
		row.cells = cells5;
		assert_int_equal(rf_map_eval(b, &row, &v, &reason, &err), 0);
		assert_string_equal(v.buf.data, "ANN");
		rf_map_value_free(&v);
	}
	rf_buf_free(&reason);
	rf_map_expr_free(a);
	rf_map_expr_free(b);
	rf_strlist_free(&sqls);
}

/* ---- sql() bound to a source (SQLite files: no server) ---- */

/* The error of opening a diff of [map tags] from people with label = expr
 * (map.ini line 4), or "" when it opens; on success *sqls gets the sql()
 * texts and *read_as what each is read as. */
static const char *open_with_label(const char *tmp, const char *expr, struct rf_strlist *sqls,
                                   enum rf_type_class *read_as)
{
	static char msg[1100];
	struct rf_map_line lines[] = {
	    {(char *)"from", (char *)"people", 2},
	    {(char *)"id", (char *)"id", 3},
	    {(char *)"label", (char *)expr, 4},
	    {(char *)"n", (char *)"sql(id * 10)", 5},
	};
	struct rf_map_config sec = {(char *)"tags", 1, 4, lines};
	struct rf_map *m = NULL;
	struct rf_map_diff_shape *ms = NULL;
	struct rf_error err;
	char *su = rf_xasprintf("sqlite:%s/src.db", tmp),
	     *du = rf_xasprintf("sqlite:%s/dst.db", tmp);
	struct rf_db *src = rf_test_connect("src", su), *dst = rf_test_connect("dst", du);
	size_t i;

	rf_error_clear(&err);
	msg[0] = '\0';
	assert_int_equal(rf_map_parse(&sec, "map.ini", &m, &err), 0);
	if (rf_map_diff_open(src, dst, m, "2024-01-01T00:00:00.000000Z", NULL, &ms, &err) != 0) {
		snprintf(msg, sizeof msg, "%s", err.msg);
	} else {
		for (i = 0; i < ms->sqls.len; i++) {
			rf_strlist_add(sqls, ms->sqls.items[i]);
			read_as[i] = ms->sql_exprs[i].tclass;
			/* the map row reads it as text, converted into the column after */
			assert_int_equal(ms->src_classes[ms->shape->src_table.ncols + i],
			                 RF_T_TEXT);
		}
	}
	rf_map_diff_shape_free(ms);
	rf_map_free(m);
	rf_db_close(src);
	rf_db_close(dst);
	free(su);
	free(du);
	return msg;
}

static void sql_is_bound_after_the_columns_and_checked_with_the_source_quoting(void **state)
{
	char *tmp = rf_test_tmpdir(), *su = rf_xasprintf("sqlite:%s/src.db", tmp),
	     *du = rf_xasprintf("sqlite:%s/dst.db", tmp), *cmd;
	struct rf_strlist sqls = RF_STRLIST_INIT;
	enum rf_type_class read_as[4];

	(void)state;
	rf_test_sql(su, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);");
	rf_test_sql(du, "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT, n INTEGER);");
	assert_string_equal(
	    open_with_label(tmp, "trim(sql(upper(name) || '-' || id))", &sqls, read_as), "");
	assert_int_equal(sqls.len, 2);
	assert_string_equal(sqls.items[0], "upper(name) || '-' || id");
	assert_string_equal(sqls.items[1], "id * 10");
	assert_int_equal(read_as[0], RF_T_TEXT);    /* inside trim(): text */
	assert_int_equal(read_as[1], RF_T_INTEGER); /* n's whole expression: n's class */
	assert_string_equal(open_with_label(tmp, "sql(name -- x)", &sqls, read_as),
	                    "map.ini:4: column label: sql() must not contain comments: name -- x");
	assert_string_equal(open_with_label(tmp, "sql(name || :p)", &sqls, read_as),
	                    "map.ini:4: column label: sql() must not contain parameters ($x, :x, "
	                    "@x, #x, ?): name || :p");
	assert_string_equal(
	    open_with_label(tmp, "sql([']) FROM people; SELECT (['])", &sqls, read_as),
	    "map.ini:4: column label: sql() has an unbalanced ')': [']) FROM "
	    "people; SELECT ([']");
	rf_strlist_free(&sqls);
	cmd = rf_xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	free(cmd);
	free(su);
	free(du);
	free(tmp);
}

/* ---- conversion into the target column ---- */

static const char *convert(enum rf_type_class t, const char *decl, bool nullable,
                           enum rf_type_class from, const char *text)
{
	static char result[512];
	struct rf_column col = {0};
	struct rf_map_value v = {0};
	struct rf_buf out = RF_BUF_INIT, reason = RF_BUF_INIT;

	col.name = (char *)"c";
	col.decl_type = (char *)decl;
	col.tclass = t;
	col.nullable = nullable;
	v.cls = from;
	v.is_null = text == NULL;
	if (text)
		rf_buf_add(&v.buf, text, strlen(text));
	if (rf_map_convert(&col, &v, &out, &reason) != 0)
		snprintf(result, sizeof result, "invalid: %s", reason.data);
	else
		snprintf(result, sizeof result, "%s", text ? out.data : "NULL");
	rf_buf_free(&out);
	rf_buf_free(&reason);
	rf_map_value_free(&v);
	return result;
}

static void convert_refuses_what_would_not_fit(void **state)
{
	(void)state;
	assert_string_equal(convert(RF_T_INTEGER, "smallint", true, RF_T_TEXT, "32767"), "32767");
	assert_string_equal(convert(RF_T_INTEGER, "smallint", true, RF_T_TEXT, "32768"),
	                    "invalid: 32768 is out of range for smallint");
	assert_string_equal(convert(RF_T_INTEGER, "int(10) unsigned", true, RF_T_INTEGER, "-1"),
	                    "invalid: -1 is out of range for int(10) unsigned");
	assert_string_equal(convert(RF_T_INTEGER, "integer", true, RF_T_TEXT, "1.5"),
	                    "invalid: '1.5' is not an integer");
	assert_string_equal(convert(RF_T_INTEGER, "smallint", true, RF_T_BOOLEAN, "true"), "1");
	/* bytes stay the bytes they are (canonical hex), text becomes its bytes */
	assert_string_equal(convert(RF_T_BYTES, "bytea", true, RF_T_BYTES, "00ff"), "00ff");
	assert_string_equal(convert(RF_T_BYTES, "bytea", true, RF_T_TEXT, "ab"), "6162");
	assert_string_equal(convert(RF_T_DECIMAL, "numeric(6,2)", true, RF_T_DECIMAL, "1234.50"),
	                    "1234.5");
	assert_string_equal(convert(RF_T_DECIMAL, "numeric(6,2)", true, RF_T_DECIMAL, "1.005"),
	                    "invalid: 1.005 has more than 2 decimal places (numeric(6,2)); it "
	                    "would be rounded");
	assert_string_equal(convert(RF_T_DECIMAL, "numeric(6,2)", true, RF_T_DECIMAL, "12345"),
	                    "invalid: 12345 does not fit numeric(6,2)");
	assert_string_equal(convert(RF_T_TEXT, "varchar(3)", true, RF_T_TEXT, "h\xc3\xa9y"),
	                    "h\xc3\xa9y");
	assert_string_equal(convert(RF_T_TEXT, "character varying(3)", true, RF_T_TEXT, "abcd"),
	                    "invalid: 4 characters, longer than character varying(3)");
	assert_string_equal(convert(RF_T_TEXT, "text", false, RF_T_TEXT, NULL),
	                    "invalid: NULL in a NOT NULL column");
	assert_string_equal(convert(RF_T_TEXT, "text", true, RF_T_TEXT, NULL), "NULL");
	assert_string_equal(convert(RF_T_UUID, "uuid", true, RF_T_TEXT, "not-a-uuid"),
	                    "invalid: 'not-a-uuid' is not a UUID");
	assert_string_equal(convert(RF_T_JSON, "jsonb", true, RF_T_TEXT, "{\"a\":"),
	                    "invalid: '{\"a\":' is not JSON");
	assert_string_equal(convert(RF_T_DATE, "date", true, RF_T_TEXT, "2026-02-30"),
	                    "invalid: '2026-02-30' is not a date");
	assert_string_equal(convert(RF_T_TIMESTAMP, "timestamp", true, RF_T_TIMESTAMPTZ,
	                            "2023-11-14T22:13:20.000000Z"),
	                    "2023-11-14T22:13:20.000000");
	assert_string_equal(convert(RF_T_TIMESTAMPTZ, "timestamptz", true, RF_T_TIMESTAMPTZ,
	                            "2023-11-14T22:13:20.000000Z"),
	                    "2023-11-14T22:13:20.000000Z");
}

static void convert_refuses_nul_bytes_in_text(void **state)
{
	struct rf_column col = {0};
	struct rf_map_value v = {0};
	struct rf_buf out = RF_BUF_INIT, reason = RF_BUF_INIT;

	(void)state;
	col.decl_type = (char *)"text";
	col.tclass = RF_T_TEXT;
	v.cls = RF_T_TEXT;
	rf_buf_add(&v.buf, "a\0b", 3);
	assert_int_equal(rf_map_convert(&col, &v, &out, &reason), 1);
	assert_string_equal(reason.data, "text holds a NUL byte (strip_nul() removes them)");
	rf_buf_free(&out);
	rf_buf_free(&reason);
	rf_map_value_free(&v);
}

static void names_pair_by_rule(void **state)
{
	struct rf_buf b = RF_BUF_INIT;

	(void)state;
	rf_map_snake_case("CustomerID", &b);
	assert_string_equal(b.data, "customer_id");
	rf_map_snake_case("HTTPCode", &b);
	assert_string_equal(b.data, "http_code");
	rf_map_snake_case("PriceSaddle", &b);
	assert_string_equal(b.data, "price_saddle");
	rf_map_snake_case("ID", &b);
	assert_string_equal(b.data, "id");
	rf_buf_free(&b);
	assert_true(rf_map_names_match(RF_MAP_NAMES_SNAKE_CASE, "OrderTime", "order_time"));
	assert_false(rf_map_names_match(RF_MAP_NAMES_IGNORE_CASE, "OrderTime", "order_time"));
	assert_true(rf_map_names_match(RF_MAP_NAMES_IGNORE_CASE, "ID", "id"));
	assert_false(rf_map_names_match(RF_MAP_NAMES_EXACT, "ID", "id"));
}

/* ---- rowferry map's suggestion ---- */

static struct rf_column col_of(const char *name, const char *decl, enum rf_type_class c,
                               const char *def)
{
	struct rf_column col = {0};

	col.name = (char *)name;
	col.decl_type = (char *)decl;
	col.tclass = c;
	col.nullable = true;
	col.default_expr = (char *)def;
	return col;
}

static void suggestion_pairs_converts_and_lists_the_rest(void **state)
{
	struct rf_column scols[] = {
	    col_of("ID", "int(11)", RF_T_INTEGER, NULL),
	    col_of("CustomerID", "int(11)", RF_T_INTEGER, NULL),
	    col_of("OrderTime", "int(11)", RF_T_INTEGER, NULL),
	    col_of("Deleted", "tinyint(1)", RF_T_BOOLEAN, NULL),
	    col_of("Weird", "text", RF_T_TEXT, NULL),
	};
	struct rf_column dcols[] = {
	    col_of("id", "uuid", RF_T_UUID, "gen_random_uuid()"),
	    col_of("legacy_id", "integer", RF_T_INTEGER, NULL),
	    col_of("customer_id", "uuid", RF_T_UUID, NULL),
	    col_of("created_at", "timestamp with time zone", RF_T_TIMESTAMPTZ, NULL),
	    col_of("deleted_at", "timestamp with time zone", RF_T_TIMESTAMPTZ, NULL),
	    col_of("status", "text", RF_T_TEXT, NULL),
	};
	size_t spk = 0, dpk = 0;
	struct rf_table_info src = {0}, dst = {0};
	struct rf_buf out = RF_BUF_INIT;

	(void)state;
	src.name = (char *)"Orders";
	src.ncols = 5;
	src.cols = scols;
	src.npk = 1;
	src.pk = &spk;
	dst.name = (char *)"orders";
	dst.ncols = 6;
	dst.cols = dcols;
	dst.npk = 1;
	dst.pk = &dpk;
	rf_map_suggest(&src, &dst, NULL, &out);
	assert_string_equal(
	    out.data, "[map orders]\n"
	              "from = Orders\n"
	              "names = snake_case\n"
	              "key = legacy_id\n"
	              "id = default              ; the target fills it\n"
	              "legacy_id = ID\n"
	              "customer_id = ref(customers, CustomerID)   ; the parent whose match key is "
	              "CustomerID\n"
	              "created_at = unixtime(OrderTime)      ; int(11) holds unix seconds\n"
	              "deleted_at = map(Deleted, 1:now(), *:null)   ; flag -> when it was copied\n"
	              "; status = ?   (target column text: no source column)\n"
	              "; source column Weird (text): not mapped\n");
	rf_buf_free(&out);
}

/* A key-value source: target columns no source column pairs with pair
 * with the sampled JSON keys (by the name rules; a key no '$.KEY' path
 * names as it is stays out), the target's key among them, and the kind's
 * rows as where =. */
static void suggestion_pairs_json_keys_of_a_key_value_source(void **state)
{
	struct rf_column scols[] = {
	    col_of("key", "text", RF_T_TEXT, NULL),
	    col_of("value", "jsonb", RF_T_JSON, NULL),
	};
	struct rf_column dcols[] = {
	    col_of("id", "uuid", RF_T_UUID, NULL),
	    col_of("full_name", "text", RF_T_TEXT, NULL),
	    col_of("email", "text", RF_T_TEXT, NULL),
	    col_of("odd", "text", RF_T_TEXT, NULL),
	};
	struct rf_map_sample sm = {1, RF_STRLIST_INIT, NULL};
	size_t pk = 0;
	struct rf_table_info src = {0}, dst = {0};
	struct rf_buf out = RF_BUF_INIT;

	(void)state;
	rf_strlist_add(&sm.keys, "id");
	rf_strlist_add(&sm.keys, "fullName");
	rf_strlist_add(&sm.keys, "Email");
	rf_strlist_add(&sm.keys, "o dd");
	sm.where = rf_xstrdup("\"key\" LIKE 'client:%'");
	src.name = (char *)"kv_store";
	src.ncols = 2;
	src.cols = scols;
	src.npk = 1;
	src.pk = &pk;
	dst.name = (char *)"clients";
	dst.ncols = 4;
	dst.cols = dcols;
	dst.npk = 1;
	dst.pk = &pk;
	rf_map_suggest(&src, &dst, &sm, &out);
	assert_string_equal(out.data, "[map clients]\n"
	                              "from = kv_store\n"
	                              "names = snake_case\n"
	                              "where = \"key\" LIKE 'client:%'\n"
	                              "key = id\n"
	                              "id = json(value, '$.id')\n"
	                              "full_name = json(value, '$.fullName')\n"
	                              "email = json(value, '$.Email')\n"
	                              "; odd = ?   (target column text: no source column)\n"
	                              "; source column key (text): not mapped\n");
	rf_buf_free(&out);
	rf_map_sample_free(&sm);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_good_expressions),
	    cmocka_unit_test(parse_bad_expressions_name_file_line_and_column),
	    cmocka_unit_test(map_section_loads_with_settings_and_columns),
	    cmocka_unit_test(map_section_error_names_the_file_line),
	    cmocka_unit_test(eval_literals_and_columns),
	    cmocka_unit_test(eval_unixtime_edges),
	    cmocka_unit_test(eval_map_with_default_and_unmapped),
	    cmocka_unit_test(eval_text_functions),
	    cmocka_unit_test(eval_json_now_uuid5_check),
	    cmocka_unit_test(bind_refuses_unknown_columns),
	    cmocka_unit_test(bind_numbers_sql_slots_and_eval_reads_them),
	    cmocka_unit_test(sql_is_bound_after_the_columns_and_checked_with_the_source_quoting),
	    cmocka_unit_test(convert_refuses_what_would_not_fit),
	    cmocka_unit_test(convert_refuses_nul_bytes_in_text),
	    cmocka_unit_test(names_pair_by_rule),
	    cmocka_unit_test(suggestion_pairs_converts_and_lists_the_rest),
	    cmocka_unit_test(suggestion_pairs_json_keys_of_a_key_value_source),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
