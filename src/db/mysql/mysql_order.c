/* mysql_order.c - whether a stream may come in the order of its key's own
 * collation (DESIGN §4, §9).
 *
 * The merge join needs the rows in byte order of their keys. A text key
 * sorted as CAST(... AS BINARY) costs the server a sort of the whole table
 * (the bench's 1M rows: most of a MariaDB diff), while ORDER BY the plain
 * columns of the primary key is a walk of the clustered index. The two
 * orders agree whenever the collation weighs every character the keys hold
 * by its own byte, in the same order: that is checked here, on the rows the
 * stream will select, before choosing. The diff checks the order of every
 * row it receives all the same, so a wrong answer here could only stop a
 * diff, never make it wrong.
 */
#include <mysql.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysql_internal.h"

/* Character sets over which a collation's order is byte order, as
 * REGEXP BINARY classes of the bytes outside them. For the general_ci
 * collations an ASCII character weighs as its upper case: printable ASCII
 * without a-z (SET_UPPER), or printable ASCII without A-Z and [\]^_`, which
 * sort between the letters (SET_LOWER), orders by byte. A _bin collation
 * weighs every character by its code point: any printable ASCII. PAD SPACE
 * pads with the lowest of these characters, so a shorter key still sorts
 * first; control characters would sort below the padding: none allowed. */
#define NOT_UPPER "'[^ -`{-~]'"
#define NOT_LOWER "'[^ -@a-~]'"
#define NOT_ASCII "'[^ -~]'"

enum key_coll { COLL_OTHER, COLL_GENERAL_CI, COLL_BIN };

static enum key_coll collation_kind(const char *name)
{
	static const char *const charsets[] = {"utf8mb4_", "utf8mb3_", "utf8_", "ascii_"};
	size_t i, n;

	if (!name)
		return COLL_OTHER;
	if (strcmp(name, "latin1_bin") == 0)
		return COLL_BIN;
	for (i = 0; i < sizeof charsets / sizeof *charsets; i++) {
		n = strlen(charsets[i]);
		if (strncmp(name, charsets[i], n) != 0)
			continue;
		if (strcmp(name + n, "general_ci") == 0 ||
		    strcmp(name + n, "general_nopad_ci") == 0)
			return COLL_GENERAL_CI;
		if (strcmp(name + n, "bin") == 0 || strcmp(name + n, "nopad_bin") == 0)
			return COLL_BIN;
	}
	return COLL_OTHER;
}

/* A CHAR, VARCHAR or TEXT column: sorted by its collation (an ENUM or SET
 * is sorted by its members' numbers). */
static bool plain_text(const struct rf_column *c)
{
	static const char *const types[] = {"char", "varchar",    "tinytext",
	                                    "text", "mediumtext", "longtext"};
	size_t i, n;

	for (i = 0; i < sizeof types / sizeof *types; i++) {
		n = strlen(types[i]);
		if (strncasecmp(c->decl_type, types[i], n) == 0 &&
		    (c->decl_type[n] == '\0' || c->decl_type[n] == '(' || c->decl_type[n] == ' '))
			return true;
	}
	return false;
}

/* The collation of each key column (COLL_OTHER where unknown), from
 * information_schema. -1 when it cannot be read. */
static int key_collations(struct my_db *db, const struct rf_stream_spec *spec, enum key_coll *out)
{
	const struct rf_table_info *t = spec->table;
	struct rf_param p[2];
	struct rf_result r = {0};
	struct rf_error err = {0};
	size_t i, j;
	int rc = -1;

	memset(p, 0, sizeof p);
	p[0].tclass = p[1].tclass = RF_T_TEXT;
	p[0].value.is_null = !t->schema;
	p[0].value.data = t->schema;
	p[0].value.len = t->schema ? strlen(t->schema) : 0;
	p[1].value.data = t->name;
	p[1].value.len = strlen(t->name);
	if (my_exec(&db->base,
	            "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS "
	            "WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
	            2, p, &r, &err) != 0 ||
	    r.ncols != 2)
		goto out;
	for (i = 0; i < spec->nkey; i++) {
		const char *name = t->cols[spec->key[i]].name;
		out[i] = COLL_OTHER;
		for (j = 0; j < r.nrows; j++) {
			const struct rf_cell *n = &r.cells[j * 2], *c = &r.cells[j * 2 + 1];
			if (!n->is_null && n->len == strlen(name) &&
			    memcmp(n->data, name, n->len) == 0 && !c->is_null) {
				char *coll = rf_xstrndup(c->data, c->len);
				out[i] = collation_kind(coll);
				free(coll);
			}
		}
	}
	rc = 0;
out:
	rf_result_free(&r);
	return rc;
}

/* Runs the one-row query sql; for each of its n columns, whether it is 0
 * or NULL (no rows). -1 when it fails. */
static int all_zero(struct my_db *db, const struct rf_buf *sql, size_t n, bool *zero)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	size_t i;
	int rc = -1;

	if (mysql_real_query(db->conn, sql->data, sql->len) != 0 ||
	    !(res = mysql_store_result(db->conn)))
		return -1;
	if ((row = mysql_fetch_row(res)) && mysql_num_fields(res) == n) {
		for (i = 0; i < n; i++)
			zero[i] = !row[i] || strcmp(row[i], "0") == 0;
		rc = 0;
	}
	mysql_free_result(res);
	return rc;
}

/* SELECT MAX(k REGEXP BINARY class), ... FROM t [WHERE (where)] over the
 * key columns k with want[i] set, class[i] theirs. */
static void check_sql(struct my_db *db, const struct rf_stream_spec *spec, const bool *want,
                      const char *const *class, struct rf_buf *sql)
{
	size_t i, n = 0;

	rf_buf_reset(sql);
	rf_buf_adds(sql, "SELECT ");
	for (i = 0; i < spec->nkey; i++) {
		if (!want[i])
			continue;
		rf_buf_adds(sql, n++ ? ", MAX(" : "MAX(");
		my_quote_ident(&db->base, spec->table->cols[spec->key[i]].name, sql);
		rf_buf_printf(sql, " REGEXP BINARY %s)", class[i]);
	}
	rf_buf_adds(sql, " FROM ");
	my_quote_table(&db->base, spec->table, sql);
	if (spec->where)
		rf_buf_printf(sql, " WHERE (%s)", spec->where);
}

bool my_key_byte_ordered(struct my_db *db, const struct rf_stream_spec *spec)
{
	const struct rf_table_info *t = spec->table;
	enum key_coll *coll = NULL;
	const char **class = NULL;
	bool *want = NULL, *zero = NULL;
	struct rf_buf sql = RF_BUF_INIT;
	size_t i, n, k, ntext = 0;
	bool ok = false;

	if (spec->lock || spec->nranges || spec->nkey == 0)
		goto out;
	for (i = 0; i < spec->nkey; i++) {
		enum rf_type_class c = t->cols[spec->key[i]].tclass;
		if (c == RF_T_TEXT && !plain_text(&t->cols[spec->key[i]]))
			goto out; /* an ENUM sorts by its number, not its text */
		if (c == RF_T_TEXT)
			ntext++;
		else if (c == RF_T_JSON || c == RF_T_UUID)
			goto out; /* sorted otherwise (a UUID by swapped segments) */
	}
	if (ntext == 0)
		goto out; /* nothing to gain: no CAST to drop */
	coll = rf_xcalloc(spec->nkey, sizeof *coll);
	class = rf_xcalloc(spec->nkey, sizeof *class);
	want = rf_xcalloc(spec->nkey, sizeof *want);
	zero = rf_xcalloc(spec->nkey, sizeof *zero);
	if (key_collations(db, spec, coll) != 0)
		goto out;
	/* first pass: upper case (general_ci) or any printable ASCII (_bin) */
	for (i = 0; i < spec->nkey; i++) {
		if (t->cols[spec->key[i]].tclass != RF_T_TEXT)
			continue;
		if (coll[i] == COLL_OTHER)
			goto out;
		want[i] = true;
		class[i] = coll[i] == COLL_BIN ? NOT_ASCII : NOT_UPPER;
	}
	check_sql(db, spec, want, class, &sql);
	if (all_zero(db, &sql, ntext, zero) != 0)
		goto out;
	/* second pass, for general_ci columns with lower case: lower case only */
	for (i = 0, k = 0, n = 0; i < spec->nkey; i++) {
		if (!want[i])
			continue;
		want[i] = !zero[k++];
		if (want[i] && coll[i] == COLL_BIN)
			goto out;
		if (want[i]) {
			class[i] = NOT_LOWER;
			n++;
		}
	}
	if (n) {
		check_sql(db, spec, want, class, &sql);
		if (all_zero(db, &sql, n, zero) != 0)
			goto out;
		for (i = 0; i < n; i++)
			if (!zero[i])
				goto out;
	}
	ok = true;
out:
	rf_buf_free(&sql);
	free(zero);
	free(want);
	free(class);
	free(coll);
	return ok;
}
