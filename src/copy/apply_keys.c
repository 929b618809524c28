/* apply_keys.c - the keys the target generated for inserted rows, kept by
 * match key while apply journals them (apply.h: rf_gen_keys), so that a
 * set's children can reference their new parents with plain values. */
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

struct rf_gen_keys {
	char *column;
	struct rf_keyset map; /* encoded match key -> index */
	struct rf_buf bytes;  /* the keys, one after the other */
	size_t n, cap;
	size_t *off, *len; /* per index: where its key is in bytes */
	struct rf_buf enc;
};

struct rf_gen_keys *rf_gen_keys_new(const char *column)
{
	struct rf_gen_keys *k = rf_xcalloc(1, sizeof *k);
	k->column = rf_xstrdup(column);
	return k;
}

void rf_gen_keys_free(struct rf_gen_keys *k)
{
	if (!k)
		return;
	free(k->column);
	rf_keyset_free(&k->map);
	rf_buf_free(&k->bytes);
	rf_buf_free(&k->enc);
	free(k->off);
	free(k->len);
	free(k);
}

size_t rf_gen_keys_len(const struct rf_gen_keys *k)
{
	return k ? k->n : 0;
}

bool rf_gen_keys_get(const struct rf_gen_keys *k, const struct rf_cell *mk, struct rf_cell *key)
{
	struct rf_buf enc = RF_BUF_INIT;
	size_t i;
	bool found;

	if (!k || !k->n || mk->is_null)
		return false;
	rf_key_encode(&enc, mk, NULL, 1);
	found = rf_keyset_get(&k->map, enc.data, enc.len, &i);
	rf_buf_free(&enc);
	if (!found)
		return false;
	key->is_null = false;
	key->data = k->bytes.data + k->off[i];
	key->len = k->len[i];
	return true;
}

/* Adds the key of the row whose match key cells[key[0..nkey)] encode. */
static bool gen_keys_put(struct rf_gen_keys *k, const struct rf_cell *cells, const size_t *key,
                         size_t nkey, const struct rf_cell *pk)
{
	bool added;

	rf_buf_reset(&k->enc);
	rf_key_encode(&k->enc, cells, key, nkey);
	rf_keyset_put(&k->map, k->enc.data, k->enc.len, k->n, &added);
	if (!added)
		return false; /* a match key twice: the read-back refuses that */
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 256;
		k->off = rf_xrealloc(k->off, k->cap * sizeof *k->off);
		k->len = rf_xrealloc(k->len, k->cap * sizeof *k->len);
	}
	k->off[k->n] = k->bytes.len;
	k->len[k->n] = pk->len;
	rf_buf_add(&k->bytes, pk->data ? pk->data : "", pk->len);
	k->n++;
	return true;
}

bool rf_gen_keys_put(struct rf_gen_keys *k, const struct rf_cell *mk, const struct rf_cell *pk)
{
	return !mk->is_null && !pk->is_null && gen_keys_put(k, mk, NULL, 1, pk);
}

void apply_learn_key(struct apply *a, size_t op, const struct rf_cell *image)
{
	const struct rf_cell *pk;

	if (!a->learn || a->learn_col < 0 || a->p->ops[op].kind != RF_OP_INSERT)
		return;
	pk = &image[a->learn_col];
	if (pk->is_null)
		return;
	gen_keys_put(a->learn, a->p->ops[op].row->src, a->sh->key, a->sh->nkey, pk);
}

/* The learn's column in a's target table (apply_init has run). */
void apply_learn_setup(struct apply *a, struct rf_gen_keys *learn)
{
	a->learn = learn;
	a->learn_col = learn ? rf_table_info_col(a->dt, learn->column) : -1;
}
