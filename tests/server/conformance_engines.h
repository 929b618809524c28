/* conformance_engines.h - what the driver conformance suite
 * (test_driver_conformance.c) needs to know per engine: where its database
 * is, the fixture's DDL in its dialect, and the few answers that are the
 * engine's own text forms. A fourth engine is one entry in
 * conformance_engines.c and one URL (tests/CMakeLists.txt). */
#ifndef RF_CONFORMANCE_ENGINES_H
#define RF_CONFORMANCE_ENGINES_H

#include <stdbool.h>

#include "rowferry/db.h"

struct conf_engine {
	const char *name;    /* the ctest suffix: server.conformance.<name> */
	const char *url_key; /* key of the servers' env file (rf_test_env);
	                        NULL: a file database in a fresh temporary
	                        directory, url_prefix + path */
	const char *url_prefix;
	const char *password_key; /* env key of the password in the URL, or NULL */
	const char *bad_url;      /* a server nobody listens on (password
	                             "Secr3t-77"); NULL: a missing file */
	/* the driver's flags */
	const char *engine;
	bool has_schemas;
	const char *schema; /* describe's schema of the fixture's tables, or NULL */
	bool bulk;
	enum rf_sql_dialect dialect;
	/* the fixture (below): drops and creates every cf_* table */
	const char *fixture_sql;
	/* fills cf_big (id, v) with ids 1..N, v a 200-character text; N written @N@ */
	const char *big_sql;
	/* a WHERE on cf_victim / a statement that runs for minutes */
	const char *slow_where;
	const char *slow_statement;
	/* how list_tables and foreign keys name a table of the fixture */
	const char *table_prefix;
	/* what the engine's own refusals say (how it enforces them) */
	const char *read_only_msg;      /* a write in a read transaction */
	const char *two_statements_msg; /* a second statement in one exec */
	const char *param_count_msg;    /* one parameter for two placeholders */
	bool names_fold_case;           /* describe finds "Order" as "order" */
	/* answers in the engine's text form */
	const char *bool_true, *bool_false;
	const char *dec_150, *dec_big; /* DECIMAL(12,2) given 1.50 / -12345678.90 */
	const char *ts_whole;          /* TIMESTAMP(6) given ...T10:00:00.000000 */
	bool json_escapes;   /* JSON text kept as written (else jsonb's form: \u00e9 -> é) */
	bool text_nul;       /* text may hold a NUL byte (else refused) */
	bool last_insert_id; /* exec reports an INSERT's generated id */
};

/* NULL-terminated */
extern const struct conf_engine conf_engines[];

#endif
