/* pg_exec.c - the PostgreSQL driver's exec (db.h): one statement through
 * the extended protocol with its parameters bound (text, or binary for a
 * large bytea), prepared once where it has many parameters; result rows
 * copied into flat memory the caller owns.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "rowferry/db.h"

/* Copies the rows of res into out; bytea columns (known from the result's
 * column types) are decoded to raw bytes like streamed cells. */
static void copy_result_rows(const PGresult *res, struct rf_result *out)
{
	size_t nrows = (size_t)PQntuples(res), ncols = (size_t)PQnfields(res);

	out->nrows = nrows;
	out->ncols = ncols;
	out->cells = rf_xcalloc(nrows * ncols, sizeof *out->cells);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			struct rf_cell *cell = &out->cells[r * ncols + c];
			const char *v = PQgetvalue(res, (int)r, (int)c);
			size_t len = (size_t)PQgetlength(res, (int)r, (int)c);
			char *copy;
			long n;

			if (PQgetisnull(res, (int)r, (int)c)) {
				cell->is_null = true;
				continue;
			}
			/* bytea decoded straight into memory of its size (half the
			 * text's: a huge value is not held twice in hex) */
			if (PQftype(res, (int)c) == PG_BYTEA_OID && len >= 2 && v[0] == '\\' &&
			    v[1] == 'x') {
				copy = rf_xmalloc((len - 2) / 2 + 1);
				if ((n = rf_hex_decode(copy, v + 2, len - 2)) >= 0) {
					copy[n] = '\0';
					len = (size_t)n;
				} else {
					free(copy);
					copy = rf_xstrndup(v, len);
				}
			} else {
				copy = rf_xstrndup(v, len);
			}
			cell->data = copy;
			cell->len = len;
		}
	}
}

/* Statements with this many parameters are batches (apply's multi-row
 * INSERTs): every full batch has the same text, so it is parsed and
 * planned once and then only executed. One statement is kept prepared per
 * connection; a different batch text replaces it. */
#define PG_PREPARE_MIN_PARAMS 64

static PGresult *exec_maybe_prepared(struct pg_db *db, const char *sql, int nparams,
                                     const char *const *vals)
{
	PGresult *res;

	if (db->prepared_sql && strcmp(db->prepared_sql, sql) == 0)
		return PQexecPrepared(db->conn, db->prepared_name, nparams, vals, NULL, NULL, 0);
	if (nparams < PG_PREPARE_MIN_PARAMS)
		return PQexecParams(db->conn, sql, nparams, NULL, vals, NULL, NULL, 0);
	if (db->prepared_sql) {
		char drop[64];
		snprintf(drop, sizeof drop, "DEALLOCATE %s", db->prepared_name);
		PQclear(PQexecParams(db->conn, drop, 0, NULL, NULL, NULL, NULL, 0));
		free(db->prepared_sql);
		db->prepared_sql = NULL;
	}
	snprintf(db->prepared_name, sizeof db->prepared_name, "rf_exec_%u", ++db->prepared_seq);
	res = PQprepare(db->conn, db->prepared_name, sql, nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return res; /* the caller reports the error */
	PQclear(res);
	db->prepared_sql = rf_xstrdup(sql);
	return PQexecPrepared(db->conn, db->prepared_name, nparams, vals, NULL, NULL, 0);
}

/* A bytes parameter longer than this (in hex) goes in binary where the
 * statement takes it as bytea: its raw bytes, not "\x" and hex twice their
 * size, in our buffer and in libpq's, which never shrinks (DESIGN §9). */
#define PG_BINARY_PARAM_MIN (2u << 20)

/* Which parameters of sql go in binary (see PG_BINARY_PARAM_MIN): the
 * statement is prepared unnamed and described, for the types the server
 * gives its parameters. Returns NULL where none does (nothing prepared). */
static int *binary_params(struct pg_db *db, const char *sql, size_t nparams,
                          const struct rf_param *params)
{
	PGresult *res;
	int *formats = NULL;
	size_t i;

	for (i = 0; i < nparams; i++)
		if (params[i].tclass == RF_T_BYTES && !params[i].value.is_null &&
		    params[i].value.len > PG_BINARY_PARAM_MIN)
			break;
	if (i == nparams)
		return NULL;
	res = PQprepare(db->conn, "", sql, (int)nparams, NULL);
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		PQclear(res);
		res = PQdescribePrepared(db->conn, "");
	}
	if (PQresultStatus(res) == PGRES_COMMAND_OK && (size_t)PQnparams(res) == nparams) {
		formats = rf_xcalloc(nparams, sizeof *formats);
		for (i = 0; i < nparams; i++)
			formats[i] = params[i].tclass == RF_T_BYTES && !params[i].value.is_null &&
			             PQparamtype(res, (int)i) == PG_BYTEA_OID;
	}
	PQclear(res);
	return formats;
}

int pg_exec(struct rf_db *dbp, const char *sql, size_t nparams, const struct rf_param *params,
            struct rf_result *out, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	struct rf_buf text = RF_BUF_INIT; /* all parameter values, NUL-separated */
	size_t *offs = rf_xcalloc(nparams, sizeof *offs);
	const char **vals = rf_xcalloc(nparams, sizeof *vals);
	int *formats = NULL, *lengths = NULL;
	PGresult *res = NULL;
	int rc = -1;

	if (out)
		memset(out, 0, sizeof *out);
	if (pg_busy(db, err))
		goto cleanup;
	if (nparams > 65535) {
		rf_error_set(err, dbp->name, "too many parameters (%zu)", nparams);
		goto cleanup;
	}
	if ((formats = binary_params(db, sql, nparams, params)) != NULL)
		lengths = rf_xcalloc(nparams, sizeof *lengths);
	for (size_t i = 0; i < nparams; i++) {
		const struct rf_cell *v = &params[i].value;
		if (v->is_null) {
			offs[i] = SIZE_MAX;
			continue;
		}
		offs[i] = text.len;
		if (params[i].tclass == RF_T_BYTES) {
			if (!rf_is_hex(v->data, v->len)) {
				rf_error_set(err, dbp->name,
				             "parameter $%zu: bytes value is not hex", i + 1);
				goto cleanup;
			}
			if (formats && formats[i]) { /* raw bytes, binary_params() */
				rf_buf_reserve(&text, v->len / 2 + 1);
				lengths[i] =
				    (int)rf_hex_decode(text.data + text.len, v->data, v->len);
				text.len += (size_t)lengths[i];
				rf_buf_addc(&text, '\0');
				continue;
			}
			rf_buf_adds(&text, "\\x");
		} else if (v->len && memchr(v->data, '\0', v->len)) {
			rf_error_set(
			    err, dbp->name,
			    "parameter $%zu holds a NUL byte, which PostgreSQL text cannot store",
			    i + 1);
			goto cleanup;
		}
		rf_buf_add(&text, v->data, v->len);
		rf_buf_addc(&text, '\0');
	}
	for (size_t i = 0; i < nparams; i++)
		vals[i] = offs[i] == SIZE_MAX ? NULL : text.data + offs[i];
	res = formats ? PQexecPrepared(db->conn, "", (int)nparams, vals, lengths, formats, 0)
	              : exec_maybe_prepared(db, sql, (int)nparams, vals);
	rf_buf_free(&text); /* sent: not kept while the result is copied */
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_fail(db, res, err);
		goto cleanup;
	}
	if (out) {
		out->affected = strtoll(PQcmdTuples(res), NULL, 10);
		copy_result_rows(res, out);
	}
	rc = 0;
cleanup:
	PQclear(res);
	free(vals);
	free(offs);
	free(formats);
	free(lengths);
	rf_buf_free(&text);
	return rc;
}
