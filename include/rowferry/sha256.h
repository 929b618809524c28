/* sha256.h - SHA-256 (FIPS 180-4), small and self-contained.
 *
 * Used to seal undo journals (DESIGN §6): the `committed` line carries the
 * hash of every byte above it, so an edited journal is refused instead of
 * replayed. There is no crypto library among the dependencies (DESIGN §10)
 * and this needs no secret, only a collision-resistant digest.
 */
#ifndef ROWFERRY_SHA256_H
#define ROWFERRY_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define RF_SHA256_LEN     32
#define RF_SHA256_HEX_LEN 64

struct rf_sha256 {
	uint32_t state[8];
	uint64_t bytes;          /* total length hashed so far */
	unsigned char block[64]; /* pending input, `bytes % 64` of it used */
};

void rf_sha256_init(struct rf_sha256 *c);
void rf_sha256_update(struct rf_sha256 *c, const void *data, size_t len);
/* Writes the digest; c must be re-initialized before further use. */
void rf_sha256_final(struct rf_sha256 *c, unsigned char out[RF_SHA256_LEN]);
/* Lower-case hex of the digest into out (NUL-terminated). */
void rf_sha256_final_hex(struct rf_sha256 *c, char out[RF_SHA256_HEX_LEN + 1]);
/* One-shot hex digest of a buffer. */
void rf_sha256_hex(const void *data, size_t len, char out[RF_SHA256_HEX_LEN + 1]);

#endif
