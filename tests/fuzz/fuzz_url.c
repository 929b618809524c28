/* fuzz_url.c - connection URLs (src/db/mysql/mysql_url.c, libpq's own parser for
 * postgres:// and conninfo strings) and their redaction (rf_url_redact in
 * src/base/secret.c): whatever the text, redaction does not crash, and when the
 * engine's parser finds a password, the redacted text does not show it.
 *
 * "Does not show it" is judged against the URL with the password's own
 * bytes cut out: a password that also spells the host or the database
 * name is visible there anyway, and is no leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "mysql_internal.h"
#include "rowferry/util.h"
/* rf_url_redact: util.h, or secret.h once passwords have their own module */
#if __has_include("rowferry/secret.h")
#include "rowferry/secret.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Appends s without its query items named password (libpq takes
 * ?password=... in a URI; a mysql:// URL refuses it). */
static void add_without_password_items(struct rf_buf *b, const char *s)
{
	const char *q = strchr(s, '?');
	if (!q) {
		rf_buf_adds(b, s);
		return;
	}
	rf_buf_add(b, s, (size_t)(q - s) + 1);
	for (const char *p = q + 1; *p;) {
		size_t n = strcspn(p, "&");
		if (!starts(p, "password="))
			rf_buf_add(b, p, n);
		rf_buf_addc(b, '&');
		p += n + (p[n] == '&');
	}
}

/* The URL without the password of its userinfo, split where the parser
 * splits it: mysql_url.c takes the last '@' before the first '/' or '?';
 * libpq the first '@' before the first '/'. */
static void public_part(const char *url, bool libpq, struct rf_buf *out)
{
	const char *auth = strstr(url, "://"), *end, *at = NULL, *colon;

	if (!auth) /* a conninfo string: pg_password() put the rest in out */
		return;
	auth += 3;
	end = auth + strcspn(auth, libpq ? "/@" : "/?");
	if (libpq)
		at = *end == '@' ? end : NULL;
	else
		for (const char *p = auth; p < end; p++)
			if (*p == '@')
				at = p;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon) {
		add_without_password_items(out, url);
		return;
	}
	rf_buf_add(out, url, (size_t)(colon - url));
	add_without_password_items(out, at);
}

/* The password libpq finds in a postgres:// URI or a conninfo string, or
 * NULL (caller frees). Everything else libpq parsed goes to pub. */
static char *pg_password(const char *url, struct rf_buf *pub)
{
	PQconninfoOption *opts = PQconninfoParse(url, NULL);
	char *pw = NULL;

	if (!opts)
		return NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			free(pw);
			pw = rf_xstrdup(o->val);
		} else {
			rf_buf_printf(pub, " %s=%s", o->keyword, o->val);
		}
	}
	PQconninfoFree(opts);
	return pw;
}

static char *my_password(const char *url, struct rf_buf *pub)
{
	struct my_url u;
	struct rf_error err;
	char *pw = NULL;

	rf_error_clear(&err);
	if (my_url_parse(url, &u, "fuzz", &err) == 0 && u.password) {
		pw = rf_xstrdup(u.password);
		rf_buf_printf(pub, " %s %s %s %s %u", u.user ? u.user : "", u.host ? u.host : "",
		              u.database ? u.database : "", u.socket ? u.socket : "", u.port);
	}
	my_url_free(&u);
	return pw;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = rf_xstrndup((const char *)data, size);
	char *shown = rf_url_redact(url);
	struct rf_buf pub = RF_BUF_INIT;
	char *pw = NULL;
	bool libpq = false;

	if (starts(url, "mysql://") || starts(url, "mariadb://")) {
		pw = my_password(url, &pub);
	} else if (starts(url, "postgres://") || starts(url, "postgresql://") ||
	           (strchr(url, '=') && !strstr(url, "://"))) {
		libpq = true;
		pw = pg_password(url, &pub);
	}
	if (pw && *pw && strstr(shown, pw)) {
		public_part(url, libpq, &pub);
		if (!strstr(pub.data ? pub.data : "", pw)) {
			fprintf(stderr, "password [%s] shown in [%s] (from [%s])\n", pw, shown,
			        url);
			abort();
		}
	}
	free(pw);
	rf_buf_free(&pub);
	free(shown);
	free(url);
	return 0;
}
