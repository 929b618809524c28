/* mysql_internal.h - what the two halves of the MySQL/MariaDB driver share:
 * mysql.c (connect, transactions, streaming, writing, quoting, and the ops
 * table) and mysql_schema.c (list_tables and describe). Private to src/db/;
 * the core sees only rf_mysql_ops.
 */
#ifndef ROWFERRY_DB_MYSQL_INTERNAL_H
#define ROWFERRY_DB_MYSQL_INTERNAL_H

#include <mysql.h>

#include "rowferry/db.h"

struct my_db {
	struct rf_db base; /* first: the core only sees a struct rf_db * */
	MYSQL *conn;
	char *database; /* from the URL; NULL when none was given */
	bool mariadb;   /* MariaDB, as opposed to Oracle MySQL */
};

/* mysql.c: the ops exec and quote_ident (contracts in db.h); introspection
 * runs its queries through the same prepared-statement path as writes. */
int my_exec(struct rf_db *base, const char *sql, size_t nparams, const struct rf_param *params,
            struct rf_result *out, struct rf_error *err);
void my_quote_ident(struct rf_db *base, const char *ident, struct rf_buf *out);

/* mysql_schema.c: the ops list_tables and describe (contracts in db.h). */
int my_list_tables(struct rf_db *base, struct rf_table_list *out, struct rf_error *err);
int my_describe(struct rf_db *base, const char *name, struct rf_table_info *out,
                struct rf_error *err);

#endif
