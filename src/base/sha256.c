/* sha256.c - SHA-256 through OpenSSL's EVP interface (sha256.h). */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "rowferry/sha256.h"

/* OpenSSL fails only when it cannot allocate; so does rf_xmalloc. */
static void check(int ok)
{
	if (!ok) {
		fputs("rowferry: out of memory (SHA-256)\n", stderr);
		abort();
	}
}

void rf_sha256_init(struct rf_sha256 *c)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	check(ctx != NULL);
	check(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL));
	c->ctx = ctx;
}

void rf_sha256_update(struct rf_sha256 *c, const void *data, size_t len)
{
	if (len)
		check(EVP_DigestUpdate(c->ctx, data, len));
}

void rf_sha256_copy(struct rf_sha256 *dst, const struct rf_sha256 *src)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	check(ctx != NULL);
	check(EVP_MD_CTX_copy_ex(ctx, src->ctx));
	dst->ctx = ctx;
}

void rf_sha256_free(struct rf_sha256 *c)
{
	EVP_MD_CTX_free(c->ctx);
	c->ctx = NULL;
}

void rf_sha256_final(struct rf_sha256 *c, unsigned char out[RF_SHA256_LEN])
{
	unsigned int n = 0;
	check(EVP_DigestFinal_ex(c->ctx, out, &n) && n == RF_SHA256_LEN);
	rf_sha256_free(c);
}

void rf_sha256_final_hex(struct rf_sha256 *c, char out[RF_SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[RF_SHA256_LEN];
	size_t i;

	rf_sha256_final(c, digest);
	for (i = 0; i < RF_SHA256_LEN; i++) {
		out[i * 2] = hex[digest[i] >> 4];
		out[i * 2 + 1] = hex[digest[i] & 15];
	}
	out[RF_SHA256_HEX_LEN] = '\0';
}

void rf_sha256_hex(const void *data, size_t len, char out[RF_SHA256_HEX_LEN + 1])
{
	struct rf_sha256 c;
	rf_sha256_init(&c);
	rf_sha256_update(&c, data, len);
	rf_sha256_final_hex(&c, out);
}
