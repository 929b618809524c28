/* row_hash.c - the row hash of checksums computed outside SQL (value.h). */
#include <openssl/evp.h>
#include <stdint.h>

#include "rowferry/value.h"

#define SUM_MASK ((1ULL << 60) - 1)

void rf_row_hash_add(struct rf_buf *row, const struct rf_cell *c)
{
	if (c->is_null) {
		rf_buf_addc(row, '-');
		return;
	}
	rf_buf_printf(row, "%zu:", c->len);
	rf_buf_add(row, c->data ? c->data : "", c->len);
}

void rf_row_hash_sum(struct rf_buf *row, unsigned long long *sum)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	uint64_t h = 0;
	int i;

	EVP_Digest(row->data ? row->data : "", row->len, md, &mdlen, EVP_md5(), NULL);
	for (i = 0; i < 8; i++)
		h = (h << 8) | md[i];
	*sum = (*sum + (h >> 4)) & SUM_MASK; /* the first 15 hex digits */
	rf_buf_reset_small(row);
}
