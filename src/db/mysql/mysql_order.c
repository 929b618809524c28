/* mysql_order.c - the order a stream's rows come in (DESIGN §4, §9).
 *
 * The merge join needs the rows in byte order of their keys. A text key
 * sorted as CAST(... AS BINARY) costs the server a sort of the whole table
 * (the bench's 1M rows: most of a MariaDB diff), while ORDER BY the plain
 * columns of the primary key is a walk of the clustered index. The two
 * orders agree whenever the collation weighs every character the keys hold
 * by its own byte, in the same order. Which way a stream goes:
 *
 * - MY_ORDER_CHECKED: the key is the primary key or a unique key of
 *   integer and general_ci or _bin text columns, and the first rows of the
 *   stream's order (a LIMIT over the index) fall in such a character set.
 *   The rows come ORDER BY the plain key, and each row's key is checked as
 *   it comes, before the diff sees it. The first key outside the set ends
 *   that statement; the rows from the last key delivered on are read again
 *   ORDER BY their bytes (my_order_fetch). Exact, because in such a
 *   collation every row that comes after a key inside the set is greater
 *   in bytes too (see SET_UPPER): the rows delivered are all the rows up to
 *   the last one, in byte order, and the second statement reads the rest.
 *   No pass over the table before the stream: this is the bench's case.
 * - MY_ORDER_PLAIN: a first pass over the selected rows (MAX(k REGEXP
 *   BINARY class) per key column) found only such characters: ORDER BY the
 *   plain key. For keys that are no index (the pass costs less than the
 *   sort it saves) and keys of lower case only.
 * - MY_ORDER_BYTES: ORDER BY the bytes (a sort).
 *
 * The diff checks the order of every row it receives all the same, so a
 * wrong decision here could only stop a diff, never make it wrong.
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

static enum my_coll collation_kind(const char *name)
{
	static const char *const charsets[] = {"utf8mb4_", "utf8mb3_", "utf8_", "ascii_"};
	size_t i, n;

	if (!name)
		return MY_COLL_OTHER;
	if (strcmp(name, "latin1_bin") == 0)
		return MY_COLL_BIN;
	for (i = 0; i < sizeof charsets / sizeof *charsets; i++) {
		n = strlen(charsets[i]);
		if (strncmp(name, charsets[i], n) != 0)
			continue;
		if (strcmp(name + n, "general_ci") == 0 ||
		    strcmp(name + n, "general_nopad_ci") == 0)
			return MY_COLL_GENERAL_CI;
		if (strcmp(name + n, "bin") == 0 || strcmp(name + n, "nopad_bin") == 0)
			return MY_COLL_BIN;
	}
	return MY_COLL_OTHER;
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

/* The collation of each key column (MY_COLL_OTHER where unknown), from
 * information_schema. -1 when it cannot be read. */
static int key_collations(struct my_db *db, const struct rf_stream_spec *spec, enum my_coll *out)
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
		out[i] = MY_COLL_OTHER;
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

/* MY_ORDER_PLAIN's first pass: whether every key spec selects falls in a
 * set its collation orders by byte. */
static bool key_byte_ordered(struct my_db *db, const struct rf_stream_spec *spec)
{
	const struct rf_table_info *t = spec->table;
	enum my_coll *coll = NULL;
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
		if (coll[i] == MY_COLL_OTHER)
			goto out;
		want[i] = true;
		class[i] = coll[i] == MY_COLL_BIN ? NOT_ASCII : NOT_UPPER;
	}
	check_sql(db, spec, want, class, &sql);
	if (all_zero(db, &sql, ntext, zero) != 0)
		goto out;
	/* second pass, for general_ci columns with lower case: lower case only */
	for (i = 0, k = 0, n = 0; i < spec->nkey; i++) {
		if (!want[i])
			continue;
		want[i] = !zero[k++];
		if (want[i] && coll[i] == MY_COLL_BIN)
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

/* ---- MY_ORDER_CHECKED: every row's key checked as it comes ---- */

/* Why a row after a key inside the set is greater in bytes too. Take a key
 * s whose characters all lie in its column's set (SET_UPPER for general_ci,
 * any printable ASCII for _bin), not ending in a space, and a row r that
 * the collation sorts after s. At the first character where they differ,
 * r's weighs at least as much as s's (the key is unique under the
 * collation: no ties of whole keys). A character of the set weighs its own
 * byte, so one weighing more than s's is greater in bytes; one outside the
 * set is a-z (weighs A-Z, at most 'Z', while its byte is above every byte
 * of the set up to 'Z'), non-ASCII (its first byte is above all ASCII),
 * DEL (above the set) or a control character (weighs less than any
 * character of the set, and less than the space PAD SPACE compares a
 * shorter key's end with: such a row sorts before s, never after). And
 * where s ends first, s is a prefix of r, which is greater in bytes. The
 * space at the end is left out so that 'A ' and 'A', equal under PAD
 * SPACE, need no thought. Several key columns compare column by column
 * (integers as numbers), as the bytes do. */
static bool cell_in_set(const unsigned char *p, size_t n, enum my_coll coll)
{
	size_t i;

	if (n && p[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++)
		if (p[i] < ' ' || p[i] > '~' ||
		    (coll == MY_COLL_GENERAL_CI && p[i] >= 'a' && p[i] <= 'z'))
			return false;
	return true;
}

/* Whether the key cells of row r (lengths len; key column i at pos[i])
 * all lie in their sets. */
static bool row_in_set(const struct my_order *o, const size_t *pos, MYSQL_ROW r,
                       const unsigned long *len)
{
	size_t i;

	for (i = 0; i < o->nkey; i++) {
		size_t k = pos[i];
		if (o->coll[i] != MY_COLL_OTHER &&
		    !cell_in_set((const unsigned char *)r[k], len[k], o->coll[i]))
			return false;
	}
	return true;
}

/* Whether the key columns key[0..nkey) are, in order, the primary key or a
 * unique key of t: ORDER BY them LIMIT n is then a walk of n index entries,
 * and no two keys are equal under the collation. */
static bool unique_index(const struct rf_stream_spec *spec)
{
	const struct rf_table_info *t = spec->table;
	size_t i, j;

	if (t->npk == spec->nkey) {
		for (i = 0; i < spec->nkey && t->pk[i] == spec->key[i]; i++)
			;
		if (i == spec->nkey)
			return true;
	}
	for (j = 0; j < t->nunique; j++) {
		const struct rf_key *u = &t->uniques[j];
		if (u->ncols != spec->nkey)
			continue;
		for (i = 0; i < spec->nkey && strcmp(u->cols[i], t->cols[spec->key[i]].name) == 0;
		     i++)
			;
		if (i == spec->nkey)
			return true;
	}
	return false;
}

/* Fills o for MY_ORDER_CHECKED where spec allows it: a read transaction's
 * snapshot (the second statement must see the same rows), every row of
 * the table (no key range, no lock), a unique index of NOT NULL integer
 * and general_ci or _bin text columns, at least one of them text, all
 * streamed. false otherwise. */
static bool checked_possible(struct my_db *db, const struct rf_stream_spec *spec,
                             struct my_order *o)
{
	const struct rf_table_info *t = spec->table;
	size_t i, j, ntext = 0;

	if (!db->base.in_tx || db->base.tx_mode != RF_TX_READ || spec->lock || spec->nranges ||
	    spec->bucket_mod || spec->nkey == 0 || !unique_index(spec))
		return false;
	o->nkey = spec->nkey;
	o->pos = rf_xcalloc(spec->nkey, sizeof *o->pos);
	o->coll = rf_xcalloc(spec->nkey, sizeof *o->coll);
	for (i = 0; i < spec->nkey; i++) {
		const struct rf_column *c = &t->cols[spec->key[i]];
		if (c->nullable || my_is_bit(c) ||
		    (c->tclass != RF_T_INTEGER && !(c->tclass == RF_T_TEXT && plain_text(c))))
			return false;
		for (j = 0; j < spec->ncols && spec->cols[j] != spec->key[i]; j++)
			;
		if (j == spec->ncols || (spec->refs && spec->refs[j].parent))
			return false;
		o->pos[i] = j;
		ntext += c->tclass == RF_T_TEXT;
	}
	if (ntext == 0 || key_collations(db, spec, o->coll) != 0)
		return false;
	for (i = 0; i < spec->nkey; i++) {
		if (t->cols[spec->key[i]].tclass != RF_T_TEXT)
			o->coll[i] = MY_COLL_OTHER; /* an integer: nothing to check */
		else if (o->coll[i] == MY_COLL_OTHER)
			return false;
	}
	return true;
}

/* Appends the key columns, each as the ORDER BY sorts it: text in its
 * utf8mb4 bytes where bytes, else plain. desc: descending. */
static void key_list(struct my_db *db, const struct rf_stream_spec *spec, bool bytes, bool desc,
                     struct rf_buf *sql)
{
	size_t i;

	for (i = 0; i < spec->nkey; i++) {
		const struct rf_column *c = &spec->table->cols[spec->key[i]];
		/* The collation trap: utf8mb4_general_ci sorts 'a' = 'A' and even
		 * utf8mb4_bin pads with spaces ('a\t' < 'a'), while the merge join
		 * needs plain byte order. Bytes of the utf8mb4 form order like
		 * code points, which is what every other driver produces. UUIDs
		 * too: MariaDB's UUID type sorts by swapped segments. */
		bool text = bytes && (c->tclass == RF_T_TEXT || c->tclass == RF_T_JSON ||
		                      c->tclass == RF_T_UUID);
		if (i)
			rf_buf_adds(sql, ", ");
		if (text)
			rf_buf_adds(sql, "CAST(CONVERT(");
		my_quote_ident(&db->base, c->name, sql);
		if (text)
			rf_buf_adds(sql, " USING utf8mb4) AS BINARY)");
		if (desc)
			rf_buf_adds(sql, " DESC");
	}
}

/* Whether the first and the last rows of the stream's order all have
 * their keys in the set: a table whose keys mostly are not (lower case
 * under general_ci) would otherwise end its first statement at its first
 * rows, and pay the rest of that statement's rows for nothing. Two index
 * walks of a few entries. */
static bool sample_in_set(struct my_db *db, const struct rf_stream_spec *spec, struct my_order *o)
{
	struct rf_buf sql = RF_BUF_INIT;
	MYSQL_RES *res = NULL;
	MYSQL_ROW r;
	size_t i, *pos = NULL;
	bool ok = false;
	int d;

	for (d = 0; d < 2; d++) {
		rf_buf_adds(&sql, d ? ") UNION ALL (SELECT " : "(SELECT ");
		for (i = 0; i < spec->nkey; i++) {
			if (i)
				rf_buf_adds(&sql, ", ");
			my_quote_ident(&db->base, spec->table->cols[spec->key[i]].name, &sql);
		}
		rf_buf_adds(&sql, " FROM ");
		my_quote_table(&db->base, spec->table, &sql);
		if (spec->where)
			rf_buf_printf(&sql, " WHERE (%s)", spec->where);
		rf_buf_adds(&sql, " ORDER BY ");
		key_list(db, spec, false, d == 1, &sql);
		rf_buf_printf(&sql, " LIMIT %d", MY_ORDER_SAMPLE);
	}
	rf_buf_addc(&sql, ')');
	if (mysql_real_query(db->conn, sql.data, sql.len) != 0 ||
	    !(res = mysql_store_result(db->conn)) || mysql_num_fields(res) != spec->nkey)
		goto out;
	/* the sample's columns are the key's, in order */
	pos = rf_xcalloc(spec->nkey, sizeof *pos);
	for (i = 0; i < spec->nkey; i++)
		pos[i] = i;
	ok = true;
	while (ok && (r = mysql_fetch_row(res)))
		ok = row_in_set(o, pos, r, mysql_fetch_lengths(res));
out:
	free(pos);
	if (res)
		mysql_free_result(res);
	rf_buf_free(&sql);
	return ok;
}

void my_order_by(struct my_db *db, const struct rf_stream_spec *spec, struct rf_buf *sql,
                 struct my_order *o)
{
	bool have_where = spec->where || spec->nranges || spec->bucket_mod;

	memset(o, 0, sizeof *o);
	if (checked_possible(db, spec, o) && sample_in_set(db, spec, o)) {
		o->kind = MY_ORDER_CHECKED;
		o->resume = rf_xstrndup(sql->data, sql->len);
		rf_buf_adds(&o->resume_tail, have_where ? " AND (" : " WHERE (");
		key_list(db, spec, true, false, &o->resume_tail);
		rf_buf_adds(&o->resume_tail, ") >= (");
		rf_buf_adds(&o->order, " ORDER BY ");
		key_list(db, spec, true, false, &o->order);
		o->last_len = rf_xcalloc(o->nkey, sizeof *o->last_len);
		rf_buf_adds(sql, " ORDER BY ");
		key_list(db, spec, false, false, sql);
		return;
	}
	my_order_free(o);
	memset(o, 0, sizeof *o);
	o->kind = key_byte_ordered(db, spec) ? MY_ORDER_PLAIN : MY_ORDER_BYTES;
	if (spec->nkey == 0)
		return; /* no order asked for (a lock's statement) */
	rf_buf_adds(sql, " ORDER BY ");
	key_list(db, spec, o->kind == MY_ORDER_BYTES, false, sql);
}

/* Keeps the key of row r as the last one delivered. */
static void keep_last(struct my_order *o, MYSQL_ROW r, const unsigned long *len)
{
	size_t i;

	rf_buf_reset(&o->last);
	for (i = 0; i < o->nkey; i++) {
		o->last_len[i] = len[o->pos[i]];
		rf_buf_add(&o->last, r[o->pos[i]], len[o->pos[i]]);
	}
	o->have_last = true;
}

/* Whether row r's key is the last one delivered. */
static bool is_last(const struct my_order *o, MYSQL_ROW r, const unsigned long *len)
{
	size_t i, off = 0;

	for (i = 0; i < o->nkey; i++) {
		if (len[o->pos[i]] != o->last_len[i] ||
		    memcmp(r[o->pos[i]], o->last.data + off, o->last_len[i]) != 0)
			return false;
		off += o->last_len[i];
	}
	return true;
}

/* Ends the statement of *res (its remaining rows are read and dropped:
 * a statement being read cannot be stopped otherwise on its connection)
 * and reads the rows from the last key delivered on in byte order, in the
 * same snapshot. The first of them, that key's own row, is skipped by
 * my_order_fetch. 0 or -1 with err. */
static int resume(struct my_db *db, struct my_order *o, MYSQL_RES **res, struct rf_error *err)
{
	struct rf_buf sql = RF_BUF_INIT;
	size_t i, off = 0;
	int rc = -1;

	mysql_free_result(*res);
	*res = NULL;
	rf_buf_adds(&sql, o->resume);
	if (o->have_last) {
		rf_buf_add(&sql, o->resume_tail.data, o->resume_tail.len);
		for (i = 0; i < o->nkey; i++) {
			struct rf_cell v = {o->last.data + off, o->last_len[i], false};
			if (i)
				rf_buf_adds(&sql, ", ");
			if (o->coll[i] == MY_COLL_OTHER) {
				db->base.ops->quote_literal(&db->base, RF_T_INTEGER, &v, &sql);
			} else {
				rf_buf_adds(&sql, "X'");
				rf_buf_addhex(&sql, (const unsigned char *)v.data, v.len);
				rf_buf_addc(&sql, '\'');
			}
			off += o->last_len[i];
		}
		rf_buf_addc(&sql, ')');
	}
	rf_buf_add(&sql, o->order.data, o->order.len);
	o->kind = MY_ORDER_BYTES;
	o->skip_last = o->have_last;
	if (mysql_real_query(db->conn, sql.data, sql.len) != 0 ||
	    !(*res = mysql_use_result(db->conn))) {
		my_fail(db, err, mysql_error(db->conn));
		goto out;
	}
	rc = 0;
out:
	rf_buf_free(&sql);
	return rc;
}

int my_order_fetch(struct my_db *db, struct my_order *o, MYSQL_RES **res, MYSQL_ROW *row,
                   struct rf_error *err)
{
	MYSQL_ROW r;
	unsigned long *len;

	for (;;) {
		r = mysql_fetch_row(*res);
		if (!r) {
			if (mysql_errno(db->conn))
				return my_fail(db, err, mysql_error(db->conn));
			return 0;
		}
		if (o->kind != MY_ORDER_CHECKED && !o->skip_last)
			break;
		len = mysql_fetch_lengths(*res);
		if (o->skip_last) {
			o->skip_last = false;
			if (is_last(o, r, len))
				continue;
			break;
		}
		if (row_in_set(o, o->pos, r, len)) {
			keep_last(o, r, len);
			break;
		}
		if (resume(db, o, res, err) != 0)
			return -1;
	}
	*row = r;
	return 1;
}

void my_order_free(struct my_order *o)
{
	free(o->pos);
	free(o->coll);
	free(o->last_len);
	free(o->resume);
	rf_buf_free(&o->resume_tail);
	rf_buf_free(&o->order);
	rf_buf_free(&o->last);
}
