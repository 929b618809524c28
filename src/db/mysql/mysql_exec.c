/* mysql_exec.c - the MariaDB driver's writes (db.h exec): prepared
 * statements with every value bound, never pasted into SQL; large bytes sent
 * in pieces (mysql_stmt_send_long_data); results fetched into flat memory;
 * and the conversions of canonical values to what MariaDB binds
 * (booleans, timestamps, hex).
 */
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysql_internal.h"

/* "true"/"false" and the other boolean spellings: 1, 0, or -1. */
int my_parse_bool(const char *s, size_t n)
{
	static const char *const yes[] = {"true", "t", "1", "yes", "y", "on"};
	static const char *const no[] = {"false", "f", "0", "no", "n", "off"};
	size_t i;
	for (i = 0; i < 6; i++) {
		if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0)
			return 1;
		if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0)
			return 0;
	}
	return -1;
}

/* Canonical timestamps to MySQL's literal form (caller frees): the 'T'
 * becomes ' ' and the UTC 'Z' goes, the session time zone being UTC. */
char *my_timestamp_text(const char *s, size_t n)
{
	char *out = rf_xstrndup(s, n);
	if (n > 10 && out[10] == 'T')
		out[10] = ' ';
	if (n && out[n - 1] == 'Z')
		out[n - 1] = '\0';
	return out;
}

/* A bytes parameter longer than this (in hex) goes to the server in pieces
 * of MY_LONG_DATA_PIECE bytes (mysql_stmt_send_long_data), decoded a
 * piece at a time: not decoded whole, then copied whole again into the
 * execute packet (DESIGN §9: 3x the largest value + 64 MiB). */
#define MY_LONG_DATA_MIN   (2u << 20)
#define MY_LONG_DATA_PIECE (1u << 20)

static bool long_bytes(const struct rf_param *p)
{
	return p->tclass == RF_T_BYTES && !p->value.is_null && p->value.len > MY_LONG_DATA_MIN;
}

/* Sends long_bytes() parameter i of stmt (bound already) a piece at a
 * time. */
static int send_long_bytes(struct my_db *db, MYSQL_STMT *stmt, unsigned int i,
                           const struct rf_cell *v, struct rf_error *err)
{
	char *piece = rf_xmalloc(MY_LONG_DATA_PIECE);
	size_t off, n;
	long got;
	int rc = 0;

	for (off = 0; off < v->len && rc == 0; off += n) {
		n = v->len - off < 2 * MY_LONG_DATA_PIECE ? v->len - off : 2 * MY_LONG_DATA_PIECE;
		got = rf_hex_decode(piece, v->data + off, n);
		if (got < 0)
			rc = rf_error_set(err, db->base.name,
			                  "parameter %u: bytes value is not hexadecimal", i + 1);
		else if (mysql_stmt_send_long_data(stmt, i, piece, (unsigned long)got) != 0)
			rc = my_fail(db, err, mysql_stmt_error(stmt));
	}
	free(piece);
	return rc;
}

/* Points b at parameter p, converted from its canonical form to what the
 * server accepts for that class. Conversions that need memory put it in
 * *owned (caller frees); integers live in *num. */
static int bind_param(struct my_db *db, size_t n, const struct rf_param *p, MYSQL_BIND *b,
                      unsigned long long *num, char **owned, struct rf_error *err)
{
	const char *s = p->value.data ? p->value.data : "";
	size_t len = p->value.len, i;
	char digits[32], *end;
	int v;

	if (p->value.is_null) {
		b->buffer_type = MYSQL_TYPE_NULL;
		return 0;
	}
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)s; /* read only: libmariadb never writes input buffers */
	b->buffer_length = len;
	switch (p->tclass) {
	case RF_T_BOOLEAN:
		/* as a number: "1" as text would be a character in a BIT(1) */
		if ((v = my_parse_bool(s, len)) >= 0) {
			*num = (unsigned long long)v;
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = num;
		}
		break;
	case RF_T_INTEGER:
		if (len > 0 && len < sizeof digits) {
			memcpy(digits, s, len);
			digits[len] = '\0';
			errno = 0;
			if (digits[0] == '-') {
				long long ll = strtoll(digits, &end, 10);
				memcpy(num, &ll, sizeof ll);
			} else {
				*num = strtoull(digits, &end, 10);
				b->is_unsigned = 1;
			}
			if (!*end && !errno) {
				b->buffer_type = MYSQL_TYPE_LONGLONG;
				b->buffer = num;
			}
		}
		break;
	case RF_T_BYTES:
		if (long_bytes(p)) { /* its bytes follow, send_long_bytes() */
			b->buffer_type = MYSQL_TYPE_BLOB;
			break;
		}
		if (!rf_is_hex(s, len))
			return rf_error_set(err, db->base.name,
			                    "parameter %zu: bytes value is not hexadecimal", n);
		*owned = rf_xmalloc(len / 2 + 1);
		for (i = 0; i < len / 2; i++)
			(*owned)[i] = (char)(rf_hex_digit((unsigned char)s[2 * i]) * 16 +
			                     rf_hex_digit((unsigned char)s[2 * i + 1]));
		b->buffer_type = MYSQL_TYPE_BLOB;
		b->buffer = *owned;
		b->buffer_length = len / 2;
		break;
	case RF_T_TIMESTAMP:
	case RF_T_TIMESTAMPTZ:
		*owned = my_timestamp_text(s, len);
		b->buffer = *owned;
		b->buffer_length = strlen(*owned);
		break;
	default:
		break;
	}
	return 0;
}

/* Fetches every result row into r as owned, NUL-terminated copies. */
static int fetch_rows(struct my_db *db, MYSQL_STMT *stmt, struct rf_result *r, struct rf_error *err)
{
	enum { SMALL = 64 };
	unsigned int n = mysql_stmt_field_count(stmt), i;
	MYSQL_BIND *b = rf_xcalloc(n, sizeof *b);
	unsigned long *len = rf_xcalloc(n, sizeof *len);
	my_bool *isnull = rf_xcalloc(n, sizeof *isnull), *trunc = rf_xcalloc(n, sizeof *trunc);
	char *small = rf_xcalloc(n, SMALL);
	int status, rc = -1;

	r->ncols = n;
	for (i = 0; i < n; i++) {
		b[i].buffer_type = MYSQL_TYPE_STRING; /* the text form, as a stream gives */
		b[i].buffer = small + (size_t)i * SMALL;
		b[i].buffer_length = SMALL;
		b[i].length = &len[i];
		b[i].is_null = &isnull[i];
		b[i].error = &trunc[i];
	}
	if (mysql_stmt_bind_result(stmt, b) != 0) {
		my_fail(db, err, mysql_stmt_error(stmt));
		goto out;
	}
	while ((status = mysql_stmt_fetch(stmt)) == 0 || status == MYSQL_DATA_TRUNCATED) {
		struct rf_cell *row;
		r->cells = rf_xrealloc(r->cells, (r->nrows + 1) * n * sizeof *r->cells);
		row = &r->cells[r->nrows++ * n];
		for (i = 0; i < n; i++) {
			char *copy = NULL;
			if (!isnull[i]) {
				copy = rf_xmalloc(len[i] + 1);
				if (len[i] <= SMALL) {
					memcpy(copy, b[i].buffer, len[i]);
				} else { /* too long for the first buffer: fetch it whole */
					MYSQL_BIND whole = b[i];
					whole.buffer = copy;
					whole.buffer_length = len[i];
					if (mysql_stmt_fetch_column(stmt, &whole, i, 0) != 0) {
						free(copy);
						copy = NULL;
						isnull[i] = 1;
						status = 1;
					}
				}
				if (copy)
					copy[len[i]] = '\0';
			}
			row[i].data = copy;
			row[i].len = copy ? len[i] : 0;
			row[i].is_null = isnull[i];
		}
		if (status == 1)
			break;
	}
	if (status == 1) {
		my_fail(db, err, mysql_stmt_error(stmt));
		goto out;
	}
	rc = 0;
out:
	free(b);
	free(len);
	free(isnull);
	free(trunc);
	free(small);
	return rc;
}

static bool is_insert(const char *sql)
{
	sql += strspn(sql, " \t\r\n(");
	return strncasecmp(sql, "INSERT", 6) == 0 || strncasecmp(sql, "REPLACE", 7) == 0;
}

/* INSERT ... RETURNING ends with an EOF packet that carries no insert id,
 * so the statement handle reports 0; LAST_INSERT_ID() still has it (and, as
 * db.h defines the field, keeps the session's last one otherwise). */
static int last_insert_id(struct my_db *db, unsigned long long *id, struct rf_error *err)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (mysql_real_query(db->conn, "SELECT LAST_INSERT_ID()", 23) != 0 ||
	    !(res = mysql_store_result(db->conn)))
		return my_fail(db, err, mysql_error(db->conn));
	row = mysql_fetch_row(res);
	*id = row && row[0] ? strtoull(row[0], NULL, 10) : 0;
	mysql_free_result(res);
	return 0;
}

int my_exec(struct rf_db *base, const char *sql, size_t nparams, const struct rf_param *params,
            struct rf_result *out, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	struct rf_result r = {0};
	MYSQL_STMT *stmt = mysql_stmt_init(db->conn);
	MYSQL_BIND *b = rf_xcalloc(nparams, sizeof *b);
	unsigned long long *nums = rf_xcalloc(nparams, sizeof *nums);
	char **owned = rf_xcalloc(nparams, sizeof *owned);
	size_t i;
	int rc = -1;

	if (out)
		memset(out, 0, sizeof *out);
	if (!stmt) {
		my_fail(db, err, mysql_error(db->conn));
		goto out;
	}
	if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
		my_fail(db, err, mysql_stmt_error(stmt));
		goto out;
	}
	if (mysql_stmt_param_count(stmt) != nparams) {
		rf_error_set(err, base->name, "statement has %lu placeholders but %zu parameters",
		             mysql_stmt_param_count(stmt), nparams);
		goto out;
	}
	for (i = 0; i < nparams; i++)
		if (bind_param(db, i + 1, &params[i], &b[i], &nums[i], &owned[i], err) != 0)
			goto out;
	if (nparams && mysql_stmt_bind_param(stmt, b) != 0) {
		my_fail(db, err, mysql_stmt_error(stmt));
		goto out;
	}
	for (i = 0; i < nparams; i++)
		if (long_bytes(&params[i]) &&
		    send_long_bytes(db, stmt, (unsigned int)i, &params[i].value, err) != 0)
			goto out;
	if (mysql_stmt_execute(stmt) != 0) {
		my_fail(db, err, mysql_stmt_error(stmt));
		goto out;
	}
	if (mysql_stmt_field_count(stmt) > 0) { /* SELECT, or ... RETURNING */
		if (fetch_rows(db, stmt, &r, err) != 0)
			goto out;
		r.affected = (long long)r.nrows;
	} else {
		r.affected = (long long)mysql_stmt_affected_rows(stmt);
	}
	r.last_insert_id = mysql_stmt_insert_id(stmt);
	if (r.last_insert_id == 0 && r.ncols > 0 && is_insert(sql) &&
	    last_insert_id(db, &r.last_insert_id, err) != 0)
		goto out;
	if (out) {
		*out = r;
		memset(&r, 0, sizeof r);
	}
	rc = 0;
out:
	rf_result_free(&r);
	if (stmt)
		mysql_stmt_close(stmt);
	for (i = 0; i < nparams; i++)
		free(owned[i]);
	free(owned);
	free(nums);
	free(b);
	return rc;
}
