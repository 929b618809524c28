/* sha256.h - SHA-256 for sealing undo journals (DESIGN §6).
 *
 * The `committed` line carries the hash of every byte above it, so an
 * edited journal is refused instead of replayed. The digest is OpenSSL's
 * (libcrypto, which libpq already links): on a 100k-row copy the journal is
 * ~27 MB, and OpenSSL's assembly hashes it about twice as fast as portable
 * C, on the critical path of every apply.
 *
 * A context holds an OpenSSL handle: every rf_sha256_init() or
 * rf_sha256_copy() is ended by rf_sha256_final*() or rf_sha256_free()
 * (free after final is harmless).
 */
#ifndef ROWFERRY_SHA256_H
#define ROWFERRY_SHA256_H

#include <stddef.h>

#define RF_SHA256_LEN     32
#define RF_SHA256_HEX_LEN 64

struct rf_sha256 {
	void *ctx; /* EVP_MD_CTX */
};

void rf_sha256_init(struct rf_sha256 *c);
void rf_sha256_update(struct rf_sha256 *c, const void *data, size_t len);
/* dst: a new context in the same state as src (src goes on). */
void rf_sha256_copy(struct rf_sha256 *dst, const struct rf_sha256 *src);
/* Writes the digest and frees the context. */
void rf_sha256_final(struct rf_sha256 *c, unsigned char out[RF_SHA256_LEN]);
/* Lower-case hex of the digest into out (NUL-terminated); frees c. */
void rf_sha256_final_hex(struct rf_sha256 *c, char out[RF_SHA256_HEX_LEN + 1]);
void rf_sha256_free(struct rf_sha256 *c);
/* One-shot hex digest of a buffer. */
void rf_sha256_hex(const void *data, size_t len, char out[RF_SHA256_HEX_LEN + 1]);

#endif
