/* fuzz_map.c - the [map] expression parser (map_parse.c): whatever the
 * text, it parses into a tree that evaluates without a crash, or it is
 * refused with a FILE:LINE message, never a crash or a read past its end.
 * A parsed tree is bound to a small row and evaluated, so the evaluator
 * sees every shape the parser accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"a", "b", "t"};
static const enum rf_type_class classes[] = {RF_T_INTEGER, RF_T_TEXT, RF_T_JSON, RF_T_TEXT};
static const struct rf_cell cells[] = {{"1700000000", 10, false},
                                       {" x\0y ", 5, false},
                                       {"{\"k\":[1,\"v\"]}", 13, false},
                                       {"sql", 3, false}};

static void evaluate(struct rf_map_expr *e)
{
	struct rf_strlist sqls = RF_STRLIST_INIT;
	struct rf_buf reason = RF_BUF_INIT;
	struct rf_map_value v;
	struct rf_map_row row;
	struct rf_error err;

	rf_error_clear(&err);
	/* one sql() bound to the row's last cell; more stay unbound */
	if (rf_map_bind(e, names, 3, &sqls, "fuzz", "c", &err) == 0) {
		rf_map_row_init(&row);
		row.ncols = 4;
		row.names = names;
		row.classes = classes;
		row.cells = cells;
		row.now = "2026-01-01T00:00:00.000000Z";
		rf_map_eval(e, &row, &v, &reason, &err);
		rf_map_value_free(&v);
	} else if (!err.msg[0]) {
		abort();
	}
	rf_buf_free(&reason);
	rf_strlist_free(&sqls);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so a read past the NUL is seen */
	char *text = malloc(size + 1);
	struct rf_map_expr *e = NULL;
	struct rf_error err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rf_error_clear(&err);
	if (rf_map_parse_expr(text, "fuzz.ini", 1, "c", &e, &err) == 0)
		evaluate(e);
	else if (!err.msg[0] || e)
		abort(); /* a refusal always says why, and leaves nothing */
	rf_map_expr_free(e);
	free(text);
	return 0;
}
