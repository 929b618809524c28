/* conformance_support.h - helpers of the driver conformance suite
 * (test_driver_conformance.c). Include after cmocka.h. */
#ifndef RF_CONFORMANCE_SUPPORT_H
#define RF_CONFORMANCE_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "conformance_engines.h"
#include "rf_test.h"
#include "rowferry/db.h"

/* the engine under test, its URL, and the connection each test gets
 * (named "test", made by the suite's setup after the fixture) */
extern const struct conf_engine *E;
extern char *url;
extern struct rf_db *db;

/* call must return 0, else the test fails with err's text (err: a
 * struct rf_error in scope, cleared first) */
#define CHECK(call)                                                                                \
	do {                                                                                       \
		struct rf_error *e_ = &err;                                                        \
		char msg_[1300];                                                                   \
		rf_error_clear(e_);                                                                \
		if ((call) != 0)                                                                   \
			fail_msg("%s: %s: %s", E->name, #call,                                     \
			         rf_error_text(e_, msg_, sizeof msg_));                            \
	} while (0)

struct cellcopy {
	char *data;
	size_t len;
	bool is_null;
};

struct rows {
	size_t nrows, ncols;
	struct cellcopy *cells;
};

void rows_free(struct rows *r);
const struct cellcopy *cell(const struct rows *r, size_t row, size_t col);
/* want NULL: SQL NULL; else exactly want[0..n) */
void assert_bytes(const char *data, size_t len, bool is_null, const char *want, size_t n);
void assert_cell(const struct cellcopy *c, const char *want);
/* Streams the comma-separated columns cols of t, ordered by the columns
 * key, into out (freed by rows_free, also after an error). Returns 0, or
 * -1 with err; a failed stream_open must not give a stream. */
int stream_rows(struct rf_db *d, const struct rf_table_info *t, const char *cols, const char *key,
                const char *where, bool lock, struct rows *out, struct rf_error *err);
void describe(struct rf_db *d, const char *name, struct rf_table_info *t);
/* "SELECT count(*) FROM <table>" with the driver's quoting */
long long count_rows(struct rf_db *d, const char *table);
/* "INSERT INTO <t> (<c1>, ...) VALUES (<p1>, ...)<suffix>" with the
 * driver's own quoting and placeholders; caller frees */
char *insert_sql(struct rf_db *d, const char *table, const char *const *cols, size_t n,
                 const char *suffix);
struct rf_param param(enum rf_type_class c, const char *s, size_t n);
double now_seconds(void);

/* scenarios in conformance_values.c */
void values_survive_a_bound_write_and_a_literal_byte_for_byte(void **state);
void quoted_literals_read_back_as_the_same_value(void **state);
void bulk_load_keeps_every_byte_and_stays_in_the_transaction(void **state);
/* in conformance_exprs.c */
void stream_exprs_are_select_items_checked_as_where(void **state);

#endif
