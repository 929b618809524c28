/* secret.h - passwords inside connection strings (DESIGN §2, §15): found
 * one way only, so what a label leaves out, what argv hides and what an
 * error is scrubbed of are the same bytes.
 *
 * A connection string is one of:
 *   sqlite:...                        no password, whatever it holds;
 *   scheme://user:pw@host/db?k=v&...  the userinfo ends at the LAST '@' of
 *                                     the string, so a password may hold
 *                                     '@', '/', '?', '#' unencoded; the
 *                                     password runs from the first ':' of
 *                                     the userinfo; query items
 *                                     password= and sslpassword= too;
 *   scheme://user:pw                  no '@', and what follows ':' is
 *                                     no port number: a URL cut off
 *                                     before its '@', pw counts;
 *   key=value key='v a l' ...         libpq conninfo: password= and
 *                                     sslpassword= items, quoted or not
 *                                     (what libpq cannot read counts);
 *   anything else holding '@'         as a URL without "scheme://".
 */
#ifndef ROWFERRY_SECRET_H
#define ROWFERRY_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/util.h"

/* Where the userinfo of a URL lies: url[start..at) is "user[:password]",
 * colon is the offset of its first ':' or (size_t)-1. */
struct rf_url_userinfo {
	size_t start, colon, at;
};

/* Fills ui and returns true when url has a userinfo (an '@' after the
 * scheme); false for sqlite: and conninfo strings. */
bool rf_url_userinfo(const char *url, struct rf_url_userinfo *ui);

/* One password of a connection string: url[off..off+len) as written
 * (percent-encoded in a URL; quoted and backslash-escaped in conninfo). */
struct rf_url_secret {
	size_t off, len;
	bool conninfo; /* written with conninfo quoting, else percent-encoded */
	bool userinfo; /* the user:password@ one, else a key=value item */
	bool ssl;      /* sslpassword (a key's passphrase), not the login's */
};

/* The passwords of url in the order written, *n of them (caller frees the
 * array; NULL when there are none). */
struct rf_url_secret *rf_url_secrets(const char *url, size_t *n);

/* A secret's value as the library reads it: percent-decoded, or unquoted
 * and unescaped (caller frees). */
char *rf_url_secret_value(const char *url, const struct rf_url_secret *s);

/* Returns a copy of url with every password left out (caller frees):
 * "postgres://u:pw@h/db" -> "postgres://u@h/db", "password=..." items of
 * the query or of a conninfo string dropped. */
char *rf_url_redact(const char *url);

/* Overwrites every password byte of url with '*' in place: argv, so that
 * /proc/PID/cmdline and ps no longer show it. */
void rf_url_hide(char *url);

/* Replaces, in the NUL-terminated msg of capacity cap, every occurrence of
 * secret as given, percent-decoded and percent-encoded, with "***" (a
 * secret under 3 bytes is starred over byte for byte). When msg was cut
 * at cap, a trailing start of a secret is starred over too. */
void rf_scrub_secret(char *msg, size_t cap, const char *secret);

/* The last line of defence for connect errors: scrubs err (place and
 * message) of every password of url, as written and as read, and of
 * password (a password_env value or a prompted one; may be NULL). */
void rf_error_scrub(struct rf_error *err, const char *url, const char *password);

/* Percent-decodes s[0..n) into a new string; a '%' not followed by two hex
 * digits stays as written (caller frees). URLs of every driver read their
 * parts with it, so they decode as the redaction does. */
char *rf_pct_decode(const char *s, size_t n);

#endif
