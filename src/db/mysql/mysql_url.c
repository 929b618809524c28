/* mysql_url.c - the MySQL/MariaDB driver's URL parser:
 * mysql://user[:pw]@host[:port]/db?socket=/path&ssl-mode=REQUIRED
 * (also mariadb://), percent-decoded into a struct my_url. Private to
 * src/db/; mysql.c connects with the result.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysql_internal.h"
#include "rowferry/secret.h"

/* See mysql_internal.h. */
void my_url_free(struct my_url *u)
{
	my_wipe(u->password);
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->database);
	free(u->socket);
	memset(u, 0, sizeof *u);
}

static int url_query_item(struct my_url *u, const char *item, size_t n, const char *who,
                          struct rf_error *err)
{
	const char *eq = memchr(item, '=', n);
	size_t klen = eq ? (size_t)(eq - item) : n;
	char *val = eq ? rf_pct_decode(eq + 1, n - klen - 1) : rf_xstrdup("");
	int rc = 0;

	if (klen == 6 && strncmp(item, "socket", 6) == 0) {
		free(u->socket);
		u->socket = val;
		return 0;
	}
	if (klen == 8 && strncmp(item, "ssl-mode", 8) == 0) {
		/* Connector/C 3.3 asks for TLS only when told to: DISABLED and
		 * PREFERRED both leave it off */
		if (strcasecmp(val, "DISABLED") == 0 || strcasecmp(val, "PREFERRED") == 0)
			u->ssl = MY_SSL_DEFAULT;
		else if (strcasecmp(val, "REQUIRED") == 0)
			u->ssl = MY_SSL_REQUIRED;
		else if (strcasecmp(val, "VERIFY_CA") == 0 ||
		         strcasecmp(val, "VERIFY_IDENTITY") == 0)
			u->ssl = MY_SSL_VERIFY;
		else
			rc = rf_error_set(
			    err, who,
			    "ssl-mode must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA "
			    "or VERIFY_IDENTITY, not '%s'",
			    val);
	} else {
		rc =
		    rf_error_set(err, who, "unknown URL parameter '%.*s' (known: socket, ssl-mode)",
		                 (int)klen, item);
	}
	free(val);
	return rc;
}

/* See mysql_internal.h. */
int my_url_parse(const char *url, struct my_url *u, const char *who, struct rf_error *err)
{
	const char *p = strstr(url, "://"), *end, *hp, *colon;
	struct rf_url_userinfo ui;

	memset(u, 0, sizeof *u);
	if (!p)
		return rf_error_set(err, who, "not a mysql:// URL");
	p += 3;
	/* the user part as secret.h reads it, so that labels and errors leave
	 * out exactly the password used: up to the last '@', as a password
	 * may hold '@', '/', '?' or '#' unencoded */
	if (rf_url_userinfo(url, &ui)) {
		const char *user = url + ui.start, *at = url + ui.at;
		colon = ui.colon != (size_t)-1 ? url + ui.colon : NULL;
		u->user = rf_pct_decode(user, (size_t)((colon ? colon : at) - user));
		if (colon)
			u->password = rf_pct_decode(colon + 1, (size_t)(at - colon - 1));
		hp = at + 1;
	} else {
		hp = p;
	}
	end = hp + strcspn(hp, "/?");
	if (*hp == '[') { /* [::1]:3306 */
		const char *close = memchr(hp, ']', (size_t)(end - hp));
		if (!close)
			return rf_error_set(err, who, "unbalanced '[' in the URL host");
		u->host = rf_xstrndup(hp + 1, (size_t)(close - hp - 1));
		colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = memchr(hp, ':', (size_t)(end - hp));
		u->host = rf_pct_decode(hp, (size_t)((colon ? colon : end) - hp));
	}
	if (colon) {
		char *stop;
		unsigned long port;
		errno = 0;
		port = strtoul(colon + 1, &stop, 10);
		if (stop != end || port == 0 || port > 65535 || errno)
			return rf_error_set(err, who, "bad port in the URL: '%.*s'",
			                    (int)(end - colon - 1), colon + 1);
		u->port = (unsigned int)port;
	}
	p = end;
	if (*p == '/') {
		size_t n = strcspn(p + 1, "?");
		if (n)
			u->database = rf_pct_decode(p + 1, n);
		p += 1 + n;
	}
	if (*p == '?') {
		for (p++; *p;) {
			size_t n = strcspn(p, "&");
			if (n && url_query_item(u, p, n, who, err) != 0)
				return -1;
			p += n + (p[n] == '&');
		}
	}
	return 0;
}
