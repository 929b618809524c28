/* sha256.c - SHA-256 per FIPS 180-4 (sha256.h). */
#include <string.h>

#include "rowferry/sha256.h"

static const uint32_t round_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t state[8], const unsigned char block[64])
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	size_t i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)block[i * 4] << 24 | (uint32_t)block[i * 4 + 1] << 16 |
		       (uint32_t)block[i * 4 + 2] << 8 | (uint32_t)block[i * 4 + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = state[0], b = state[1], c = state[2], d = state[3];
	e = state[4], f = state[5], g = state[6], h = state[7];
	for (i = 0; i < 64; i++) {
		uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + s1 + ch + round_k[i] + w[i];
		uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = s0 + maj;
		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	state[0] += a, state[1] += b, state[2] += c, state[3] += d;
	state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

void rf_sha256_init(struct rf_sha256 *c)
{
	static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(c->state, init, sizeof init);
	c->bytes = 0;
}

void rf_sha256_update(struct rf_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t used = (size_t)(c->bytes % 64);

	c->bytes += len;
	if (used) {
		size_t take = 64 - used < len ? 64 - used : len;
		memcpy(c->block + used, p, take);
		p += take;
		len -= take;
		if (used + take < 64)
			return;
		compress(c->state, c->block);
	}
	for (; len >= 64; p += 64, len -= 64)
		compress(c->state, p);
	memcpy(c->block, p, len);
}

void rf_sha256_final(struct rf_sha256 *c, unsigned char out[RF_SHA256_LEN])
{
	uint64_t bits = c->bytes * 8;
	size_t used = (size_t)(c->bytes % 64), i;

	c->block[used++] = 0x80;
	if (used > 56) {
		memset(c->block + used, 0, 64 - used);
		compress(c->state, c->block);
		used = 0;
	}
	memset(c->block + used, 0, 56 - used);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	compress(c->state, c->block);
	for (i = 0; i < 8; i++) {
		out[i * 4] = (unsigned char)(c->state[i] >> 24);
		out[i * 4 + 1] = (unsigned char)(c->state[i] >> 16);
		out[i * 4 + 2] = (unsigned char)(c->state[i] >> 8);
		out[i * 4 + 3] = (unsigned char)c->state[i];
	}
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
