/* uuid.c - see uuid.h */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/uuid.h"

const unsigned char rf_uuid_url_namespace[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                                 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

void rf_uuid5(const unsigned char ns[16], const void *name, size_t len, struct rf_buf *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char text[37];

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) || !EVP_DigestUpdate(ctx, ns, 16) ||
	    (len && !EVP_DigestUpdate(ctx, name, len)) || !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
		fputs("rowferry: out of memory (SHA-1)\n", stderr);
		abort();
	}
	EVP_MD_CTX_free(ctx);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(text, sizeof text,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0],
	         md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11],
	         md[12], md[13], md[14], md[15]);
	rf_buf_add(out, text, 36);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rf_uuid_parse(const char *s, unsigned char out[16])
{
	size_t i, n = 0;

	if (strlen(s) != 36)
		return -1;
	for (i = 0; i < 36; i += 2) {
		int hi, lo;
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			i--; /* the pair starts after the dash */
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[n++] = (unsigned char)(hi << 4 | lo);
	}
	return n == 16 ? 0 : -1;
}

int rf_uuid_remap_namespace(const char *text, const char *conn, unsigned char out[16],
                            struct rf_error *err)
{
	struct rf_buf b = RF_BUF_INIT;
	char *name;

	if (text)
		return rf_uuid_parse(text, out) == 0
		           ? 0
		           : rf_error_set(err, conn, "remap_namespace '%s' is not a UUID", text);
	name = rf_xasprintf("rowferry:remap:%s", conn ? conn : "");
	rf_uuid5(rf_uuid_url_namespace, name, strlen(name), &b);
	free(name);
	rf_uuid_parse(b.data, out);
	rf_buf_free(&b);
	return 0;
}
