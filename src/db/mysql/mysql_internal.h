/* mysql_internal.h - what the parts of the MySQL/MariaDB driver share:
 * mysql.c (connect, transactions, streaming, quoting, and the ops table),
 * mysql_exec.c (writes), mysql_schema.c (list_tables and describe),
 * mysql_url.c (the URL parser), mysql_order.c, mysql_bulk.c and
 * mysql_hash.c. Private to src/db/; the core sees only rf_mysql_ops.
 */
#ifndef ROWFERRY_DB_MYSQL_INTERNAL_H
#define ROWFERRY_DB_MYSQL_INTERNAL_H

#include <mysql.h>

#include "rowferry/db.h"

struct my_db {
	struct rf_db base; /* first: the core only sees a struct rf_db * */
	MYSQL *conn;
	char *database;   /* from the URL; NULL when none was given */
	bool mariadb;     /* MariaDB, as opposed to Oracle MySQL */
	char *xid;        /* the XA transaction open on this session, or NULL */
	bool xa_prepared; /* ... after XA PREPARE */
	/* the rows of the LOAD DATA LOCAL in progress (mysql_bulk.c): their
	 * source, its current piece, and where a failure of the source goes */
	const struct rf_bulk_rows *load_rows;
	const char *load_data;
	size_t load_len, load_off;
	struct rf_error *load_err;
	bool load_stopped;
};

/* ssl-mode of the URL: DISABLED and PREFERRED are MY_SSL_DEFAULT, VERIFY_CA
 * and VERIFY_IDENTITY are MY_SSL_VERIFY. */
enum my_ssl { MY_SSL_DEFAULT, MY_SSL_REQUIRED, MY_SSL_VERIFY };

struct my_url {
	char *user, *password, *host, *database, *socket; /* owned, decoded */
	unsigned int port;
	enum my_ssl ssl;
};

/* mysql_url.c: parses a mysql:// or mariadb:// URL into u; my_url_free() it,
 * also on error. who names the connection in err. */
int my_url_parse(const char *url, struct my_url *u, const char *who, struct rf_error *err);
/* Frees u's strings, wiping the password first. */
void my_url_free(struct my_url *u);

/* mysql.c: overwrites a NUL-terminated secret (s may be NULL). */
void my_wipe(char *s);

/* mysql_exec.c, mysql.c: the ops exec and quote_ident (contracts in db.h);
 * introspection runs its queries through the same prepared-statement path
 * as writes. */
int my_exec(struct rf_db *base, const char *sql, size_t nparams, const struct rf_param *params,
            struct rf_result *out, struct rf_error *err);
void my_quote_ident(struct rf_db *base, const char *ident, struct rf_buf *out);
/* `database`.`table` for t (just `table` when t names no database). */
void my_quote_table(struct rf_db *base, const struct rf_table_info *t, struct rf_buf *sql);

/* mysql.c, mysql_exec.c: shared helpers. my_fail() sets err from msg as one line naming
 * the connection (returns -1); my_run() runs sql and discards any result;
 * my_parse_bool() reads a boolean spelling (1, 0, or -1);
 * my_timestamp_text() turns a canonical
 * timestamp into MySQL's literal form (caller frees). */
int my_fail(const struct my_db *db, struct rf_error *err, const char *msg);
int my_run(struct my_db *db, const char *sql, struct rf_error *err);
int my_parse_bool(const char *s, size_t n);
char *my_timestamp_text(const char *s, size_t n);
/* mysql_order.c: the order a stream's rows come in (its header comment
 * says which and why). */
enum my_order_kind {
	MY_ORDER_BYTES,   /* ORDER BY each text key column's utf8mb4 bytes */
	MY_ORDER_PLAIN,   /* ORDER BY the plain key: a first pass found every
	                     key in a set its collation orders by byte */
	MY_ORDER_CHECKED, /* ORDER BY the plain key, every row's key checked as
	                     it comes (my_order_fetch) */
};
/* A key column's collation as far as its order goes. */
enum my_coll { MY_COLL_OTHER, MY_COLL_GENERAL_CI, MY_COLL_BIN };
/* Rows of MY_ORDER_CHECKED's first statement read per end of the key's
 * order, to see whether its keys are in the set before choosing it. */
#define MY_ORDER_SAMPLE 16
/* How one stream is ordered; owns its buffers (my_order_free). */
struct my_order {
	enum my_order_kind kind;
	/* MY_ORDER_CHECKED: */
	size_t nkey;
	size_t *pos;               /* each key column's place in the row */
	enum my_coll *coll;        /* each key column's (MY_COLL_OTHER: an integer) */
	struct rf_buf last;        /* the key cells of the last row delivered */
	size_t *last_len;          /* ... their lengths */
	bool have_last;            /* a row was delivered */
	char *resume;              /* the statement without its ORDER BY */
	struct rf_buf resume_tail; /* " WHERE|AND (byte-order key) >= (" */
	struct rf_buf order;       /* " ORDER BY " the key in byte order */
	bool skip_last;            /* the next row is the last one's again */
};
/* Appends to sql (a SELECT up to its WHERE and key ranges) the ORDER BY of
 * a stream of spec and fills o (overwritten); may run queries over the
 * rows spec selects (a failure only means MY_ORDER_BYTES). */
void my_order_by(struct my_db *db, const struct rf_stream_spec *spec, struct rf_buf *sql,
                 struct my_order *o);
/* The next row of the stream *res (replaced when a MY_ORDER_CHECKED
 * stream meets a key outside its set: *res then holds the rest in byte
 * order). 1 with *row, 0 at the end, -1 with err. */
int my_order_fetch(struct my_db *db, struct my_order *o, MYSQL_RES **res, MYSQL_ROW *row,
                   struct rf_error *err);
void my_order_free(struct my_order *o);
/* A BIT(n) column. */
bool my_is_bit(const struct rf_column *c);

/* mysql_bulk.c: installs the infile handler and sets db->base.bulk from
 * the server's local_infile; then the bulk ops (contracts in db.h). */
void my_bulk_install(struct my_db *db);
void my_bulk_statement(struct rf_db *base, const struct rf_table_info *t, const size_t *cols,
                       size_t n, struct rf_buf *out);
void my_bulk_value(struct rf_db *base, enum rf_type_class c, const struct rf_cell *v, bool last,
                   struct rf_buf *out);
void my_bulk_script(struct rf_db *base, const char *sql, const char *data, size_t len,
                    struct rf_buf *out);
int my_bulk_stream(struct rf_db *base, const char *sql, const struct rf_bulk_rows *src,
                   long long *rows, struct rf_error *err);
int my_temp_load(struct rf_db *base, const char *name, const struct rf_table_info *t,
                 const size_t *cols, size_t n, const char *data, size_t len, struct rf_error *err);
int my_temp_drop(struct rf_db *base, const char *name, struct rf_error *err);
/* A temporary table name rowferry made: letters, digits, '_' only. */
#define my_plain_name(name) rf_db_plain_name(name)

/* mysql_schema.c: the ops list_tables and describe (contracts in db.h). */
int my_list_tables(struct rf_db *base, bool count, struct rf_table_list *out, struct rf_error *err);
int my_foreign_keys(struct rf_db *base, struct rf_fk_list *out, struct rf_error *err);
int my_describe(struct rf_db *base, const char *name, struct rf_table_info *out,
                struct rf_error *err);

/* mysql_hash.c: the hash diff's ops (contracts in db.h), and a key range
 * (a segment's) or a stream's key ranges (rf_stream_spec's ranges) appended as " WHERE ..." or,
 * when the statement has a WHERE already, " AND ...". */
bool my_hash_column(struct rf_db *db, const struct rf_column *c, enum rf_type_class cls,
                    bool native);
int my_segment_sums(struct rf_db *db, const struct rf_segment_spec *spec,
                    const struct rf_cell *bounds, size_t nb, struct rf_segment_sum *out,
                    struct rf_error *err);
int my_segment_keys(struct rf_db *db, const struct rf_segment_spec *spec, unsigned long long step,
                    size_t max, struct rf_result *out, struct rf_error *err);
void my_key_ranges(struct rf_db *db, const struct rf_stream_spec *spec, bool have_where,
                   struct rf_buf *sql);

#endif
