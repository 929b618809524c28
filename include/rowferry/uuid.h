/* uuid.h - UUID version 5 (RFC 4122 over OpenSSL's SHA-1): the map
 * language's uuid5() (DESIGN §12) and the keys --remap TABLE=uuid5
 * computes (DESIGN §11).
 */
#ifndef ROWFERRY_UUID_H
#define ROWFERRY_UUID_H

#include <stddef.h>

#include "rowferry/util.h"

/* The RFC 4122 namespace for URLs, 6ba7b811-9dad-11d1-80b4-00c04fd430c8. */
extern const unsigned char rf_uuid_url_namespace[16];

/* UUID version 5 (RFC 4122, SHA-1) of name[0..len) in namespace ns,
 * canonical text (36 bytes, lower case) appended to out. */
void rf_uuid5(const unsigned char ns[16], const void *name, size_t len, struct rf_buf *out);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case, nothing around it)
 * into out; 0, or -1 when s is not one. */
int rf_uuid_parse(const char *s, unsigned char out[16]);

/* The namespace of --remap TABLE=uuid5 for a target connection: the
 * remap_namespace it is configured with (text, NULL: none), else the UUIDv5
 * of "rowferry:remap:<conn>" in the URL namespace, so the same connection
 * name gives the same keys everywhere. 0, or -1 with err when text is not
 * a UUID. */
int rf_uuid_remap_namespace(const char *text, const char *conn, unsigned char out[16],
                            struct rf_error *err);

#endif
