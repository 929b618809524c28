/* pg_exec.c - the PostgreSQL driver's exec (db.h): one statement through
 * the extended protocol with its parameters bound (text, or binary for a
 * large bytea, decoded in the caller's own memory where it lends it),
 * prepared once where it has many parameters; result rows copied into flat
 * memory the caller owns.
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

/* Whether binary parameter i (binary_params) is sent from the caller's own
 * memory, decoded there in place (pg_exec): lent (rf_param.lent), in the
 * canonical lower-case hex, which rf_hex_encode_in_place() gives back byte
 * for byte, and shared by no other parameter (decoding it would change that
 * one's bytes too). Otherwise its raw bytes are a copy of their own. */
static bool decodes_in_place(size_t nparams, const struct rf_param *params, size_t i)
{
	const struct rf_cell *v = &params[i].value;
	uintptr_t lo = (uintptr_t)v->data, hi = lo + v->len;

	if (!params[i].lent || !rf_is_lower_hex(v->data, v->len))
		return false;
	for (size_t j = 0; j < nparams; j++) {
		const struct rf_cell *o = &params[j].value;
		uintptr_t olo = (uintptr_t)o->data, ohi = olo + o->len;
		if (j != i && !o->is_null && o->data && olo < hi && lo < ohi + (o->len == 0))
			return false;
	}
	return true;
}

/* The lent parameters' memory (in_place[i]) between the decoding and the
 * encoding back: raw bytes in the first half of their hex (rf_hex_decode
 * writes byte i at i, from 2i and 2i + 1: never ahead of what it reads).
 * The cast drops the const of rf_param's cell: the caller lent the
 * memory, writable, to this call (db.h). */
static void lent_decode(size_t nparams, const struct rf_param *params, const bool *in_place)
{
	for (size_t i = 0; i < nparams; i++)
		if (in_place[i])
			rf_hex_decode((char *)params[i].value.data, params[i].value.data,
			              params[i].value.len);
}

static void lent_give_back(size_t nparams, const struct rf_param *params, const bool *in_place)
{
	for (size_t i = 0; i < nparams; i++)
		if (in_place[i])
			rf_hex_encode_in_place((char *)params[i].value.data,
			                       params[i].value.len / 2);
}

int pg_exec(struct rf_db *dbp, const char *sql, size_t nparams, const struct rf_param *params,
            struct rf_result *out, struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	struct rf_buf text = RF_BUF_INIT; /* all parameter values, NUL-separated */
	size_t *offs = rf_xcalloc(nparams, sizeof *offs);
	const char **vals = rf_xcalloc(nparams, sizeof *vals);
	int *formats = NULL, *lengths = NULL;
	bool *in_place = NULL; /* per parameter: decoded in the caller's memory */
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
	if ((formats = binary_params(db, sql, nparams, params)) != NULL) {
		lengths = rf_xcalloc(nparams, sizeof *lengths);
		in_place = rf_xcalloc(nparams, sizeof *in_place);
	}
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
			if (formats && formats[i] && decodes_in_place(nparams, params, i)) {
				in_place[i] = true; /* decoded just before it is sent */
				lengths[i] = (int)(v->len / 2);
				continue;
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
		vals[i] = offs[i] == SIZE_MAX       ? NULL
		          : in_place && in_place[i] ? params[i].value.data
		                                    : text.data + offs[i];
	/* A value lent is raw bytes from here to lent_give_back(), with no
	 * exit between: libpq copies them into its output buffer, the one
	 * other copy (peak: the caller's hex 2x + that 1x, not + the raw
	 * bytes' own 1x; DESIGN §9, e2e.large_values), and reads them no more
	 * once PQexecPrepared() returns. */
	if (formats) {
		lent_decode(nparams, params, in_place);
		res = PQexecPrepared(db->conn, "", (int)nparams, vals, lengths, formats, 0);
		lent_give_back(nparams, params, in_place);
	} else {
		res = exec_maybe_prepared(db, sql, (int)nparams, vals);
	}
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
	free(in_place);
	rf_buf_free(&text);
	return rc;
}
