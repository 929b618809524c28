/* mysql_bulk.c - MySQL/MariaDB's bulk path (db.h: bulk_* and temp_* ops):
 * LOAD DATA LOCAL INFILE with the rows served from memory, and temporary
 * key tables loaded the same way.
 *
 * The library's own file reading is never used: my_bulk_install() gives
 * the connection an infile handler that serves the rows of the load in
 * progress and refuses every other request, so a server that asks for a
 * file (/etc/passwd, say) gets an error, not the file.
 *
 * Rows are LOAD DATA's default text format (tab between fields, newline
 * after a row, backslash escapes, \N for NULL) in CHARACTER SET utf8mb4,
 * the connection's: the server converts text for columns in another
 * character set (latin1, say) as it does for INSERTs, and stores bytes for
 * binary columns as they are. (CHARACTER SET binary would store UTF-8
 * bytes into a latin1 column unconverted.) LOCAL turns what would be
 * errors into warnings (the server cannot stop the client mid-file), so
 * any warning fails the load: apply then rolls back.
 */
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mysql_internal.h"

static int infile_init(void **ptr, const char *name, void *userdata)
{
	struct my_db *db = userdata;
	(void)name;
	*ptr = db;
	db->load_data = NULL;
	db->load_len = db->load_off = 0;
	return db->load_rows ? 0 : 1;
}

/* Serves the source's pieces; 0 at their end, -1 (the load fails) when
 * the source stops it. */
static int infile_read(void *ptr, char *buf, unsigned int len)
{
	struct my_db *db = ptr;
	size_t n;

	while (db->load_off == db->load_len) {
		int more = db->load_rows->next(db->load_rows->ctx, &db->load_data, &db->load_len,
		                               db->load_err);
		db->load_off = 0;
		if (more <= 0) {
			db->load_len = 0;
			db->load_stopped = more < 0;
			return more < 0 ? -1 : 0;
		}
	}
	n = db->load_len - db->load_off;
	if (n > len)
		n = len;
	memcpy(buf, db->load_data + db->load_off, n);
	db->load_off += n;
	return (int)n;
}

static void infile_end(void *ptr)
{
	(void)ptr;
}

static int infile_error(void *ptr, char *msg, unsigned int len)
{
	(void)ptr;
	snprintf(msg, len,
	         "the server asked for a file; rowferry sends only the rows of its "
	         "own LOAD DATA");
	return CR_UNKNOWN_ERROR;
}

void my_bulk_install(struct my_db *db)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	mysql_set_local_infile_handler(db->conn, infile_init, infile_read, infile_end, infile_error,
	                               db);
	/* servers with local_infile off (MySQL 8's default) refuse LOAD DATA
	 * LOCAL: then this connection writes with INSERTs only */
	db->base.bulk = false;
	if (mysql_real_query(db->conn, "SELECT @@local_infile", 21) != 0 ||
	    !(res = mysql_store_result(db->conn)))
		return;
	row = mysql_fetch_row(res);
	db->base.bulk = row && row[0] && strcmp(row[0], "1") == 0;
	mysql_free_result(res);
}

/* LOAD DATA into table_sql, columns cols[0..n) of t. A BIT column takes its
 * field through a variable: LOAD DATA would store the text "1" in it. */
static void load_statement(struct rf_db *base, const char *table_sql, const struct rf_table_info *t,
                           const size_t *cols, size_t n, struct rf_buf *out)
{
	size_t i, nbit = 0;
	rf_buf_printf(out,
	              "LOAD DATA LOCAL INFILE 'rowferry-rows' INTO TABLE %s CHARACTER SET utf8mb4 "
	              "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (",
	              table_sql);
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(out, ", ");
		if (my_is_bit(&t->cols[cols[i]]))
			rf_buf_printf(out, "@rf_%zu", i);
		else
			my_quote_ident(base, t->cols[cols[i]].name, out);
	}
	rf_buf_addc(out, ')');
	for (i = 0; i < n; i++) {
		if (!my_is_bit(&t->cols[cols[i]]))
			continue;
		rf_buf_adds(out, nbit++ ? ", " : " SET ");
		my_quote_ident(base, t->cols[cols[i]].name, out);
		rf_buf_printf(out, " = CAST(@rf_%zu AS UNSIGNED)", i);
	}
}

void my_bulk_statement(struct rf_db *base, const struct rf_table_info *t, const size_t *cols,
                       size_t n, struct rf_buf *out)
{
	struct rf_buf table = RF_BUF_INIT;
	my_quote_table(base, t, &table);
	load_statement(base, table.data, t, cols, n, out);
	rf_buf_free(&table);
}

/* bytes with LOAD DATA's escapes: backslash, tab, newline, NUL */
static const char load_escapes[256] = {['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\0'] = '0'};

static void add_escaped(const char *s, size_t n, struct rf_buf *out)
{
	rf_db_add_escaped(out, s, n, load_escapes);
}

void my_bulk_value(struct rf_db *base, enum rf_type_class c, const struct rf_cell *v, bool last,
                   struct rf_buf *out)
{
	const char *s = v->data ? v->data : "";
	size_t n = v->len, i;
	(void)base;

	if (v->is_null) {
		rf_buf_add(out, "\\N", 2);
	} else if (c == RF_T_BOOLEAN && my_parse_bool(s, n) >= 0) {
		rf_buf_addc(out, my_parse_bool(s, n) ? '1' : '0');
	} else if (c == RF_T_BYTES && rf_is_hex(s, n)) { /* canonical bytes are hex */
		char byte;
		for (i = 0; i + 1 < n; i += 2) {
			byte = (char)(rf_hex_digit((unsigned char)s[i]) * 16 +
			              rf_hex_digit((unsigned char)s[i + 1]));
			add_escaped(&byte, 1, out);
		}
	} else if (c == RF_T_TIMESTAMP || c == RF_T_TIMESTAMPTZ) {
		char *ts = my_timestamp_text(s, n);
		add_escaped(ts, strlen(ts), out);
		free(ts);
	} else {
		add_escaped(s, n, out);
	}
	rf_buf_addc(out, last ? '\n' : '\t');
}

/* The statement and its rows: LOAD DATA LOCAL reads a file, which a script
 * cannot hold, so the rows follow as comment lines ("-- " + the row as
 * sent); `--dry-run` with [defaults] bulk_rows = 0 gives INSERTs instead. */
void my_bulk_script(struct rf_db *base, const char *sql, const char *data, size_t len,
                    struct rf_buf *out)
{
	const char *p = data, *end = data + len;
	(void)base;
	rf_buf_adds(out, sql);
	rf_buf_adds(out, ";\n-- the rows LOAD DATA reads from rowferry-rows:\n");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		rf_buf_adds(out, "-- ");
		rf_buf_add(out, p, n);
		rf_buf_addc(out, '\n');
		p += n + 1;
	}
	rf_buf_adds(out, "-- (end of rows)");
}

/* The first warning of the last statement, as an error. */
static int warning_fail(struct my_db *db, unsigned int count, struct rf_error *err)
{
	MYSQL_RES *res = NULL;
	MYSQL_ROW row = NULL;
	bool first = err && !err->set;
	if (mysql_real_query(db->conn, "SHOW WARNINGS LIMIT 1", 21) == 0 &&
	    (res = mysql_store_result(db->conn)))
		row = mysql_fetch_row(res);
	rf_error_set(err, db->base.name, "LOAD DATA: %s (%u warning%s; rolled back)",
	             row && row[2] ? row[2] : "the server reported a problem", count,
	             count == 1 ? "" : "s");
	/* LOCAL makes a duplicate key a warning (the row is skipped) */
	if (first)
		err->duplicate_key =
		    row && row[1] && strcmp(row[1], "1062") == 0; /* ER_DUP_ENTRY */
	if (res)
		mysql_free_result(res);
	return -1;
}

int my_bulk_stream(struct rf_db *base, const char *sql, const struct rf_bulk_rows *src,
                   long long *rows, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	unsigned int warnings;
	int rc;

	*rows = 0;
	db->load_rows = src;
	db->load_err = err;
	db->load_stopped = false;
	rc = mysql_real_query(db->conn, sql, strlen(sql));
	db->load_rows = NULL;
	db->load_err = NULL;
	db->load_data = NULL;
	db->load_len = 0;
	/* whatever the server makes of a file cut short (MariaDB reports an
	 * error), a load its source stopped has failed */
	if (db->load_stopped)
		return -1; /* err is the source's */
	if (rc != 0)
		return my_fail(db, err, mysql_error(db->conn));
	*rows = (long long)mysql_affected_rows(db->conn);
	warnings = mysql_warning_count(db->conn);
	if (warnings)
		return warning_fail(db, warnings, err);
	return 0;
}

int my_temp_load(struct rf_db *base, const char *name, const struct rf_table_info *t,
                 const size_t *cols, size_t n, const char *data, size_t len, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	struct rf_buf sql = RF_BUF_INIT, list = RF_BUF_INIT, table = RF_BUF_INIT;
	long long rows;
	size_t i;
	int rc = -1;

	if (!my_plain_name(name))
		return rf_error_set(err, base->name, "bad temporary table name %s", name);
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(&list, ", ");
		my_quote_ident(base, t->cols[cols[i]].name, &list);
	}
	my_quote_table(base, t, &table);
	/* the types of the target's own columns; TEMPORARY does not end the
	 * transaction as other DDL does. MEMORY first: it loads 100k keys
	 * several times faster than InnoDB. It takes no TEXT/BLOB columns and
	 * holds max_heap_table_size: when it refuses the keys, the statement
	 * fails alone (the transaction goes on) and the server's default
	 * engine takes them. */
	for (int memory = 1; memory >= 0; memory--) {
		struct rf_error first;
		rf_error_clear(&first);
		rf_buf_reset(&sql);
		rf_buf_printf(&sql, "CREATE TEMPORARY TABLE %s%s AS SELECT %s FROM %s LIMIT 0",
		              name, memory ? " ENGINE=MEMORY" : "", list.data, table.data);
		if (my_run(db, sql.data, memory ? &first : err) != 0) {
			if (memory)
				continue;
			goto out;
		}
		rf_buf_reset(&sql);
		load_statement(base, name, t, cols, n, &sql);
		rc = rf_db_bulk_load(base, sql.data, data, len, &rows, memory ? &first : err);
		if (rc == 0 || !memory)
			break;
		if (my_temp_drop(base, name, err) != 0)
			goto out;
	}
out:
	rf_buf_free(&sql);
	rf_buf_free(&list);
	rf_buf_free(&table);
	return rc;
}

int my_temp_drop(struct rf_db *base, const char *name, struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	int rc;
	if (!my_plain_name(name))
		return rf_error_set(err, base->name, "bad temporary table name %s", name);
	rf_buf_printf(&sql, "DROP TEMPORARY TABLE %s", name);
	rc = my_run((struct my_db *)base, sql.data, err);
	rf_buf_free(&sql);
	return rc;
}
