/* secret.c - passwords inside connection strings: where they are
 * (rf_url_secrets), a label without them (rf_url_redact), argv without
 * them (rf_url_hide) and messages without them (rf_scrub_secret,
 * rf_error_scrub). See secret.h for the forms read.
 */
#include "rowferry/secret.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define NO_POS ((size_t)-1)

enum form { FORM_SQLITE, FORM_URL, FORM_CONNINFO, FORM_OTHER };

/* "scheme://" at the very start: "host=h password=a://b" is conninfo. */
static size_t scheme_end(const char *s)
{
	size_t i = 0;
	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return strncmp(s + i, "://", 3) == 0 ? i + 3 : 0;
}

static enum form form_of(const char *s)
{
	if (strncmp(s, "sqlite:", 7) == 0)
		return FORM_SQLITE;
	if (scheme_end(s))
		return FORM_URL;
	if (strchr(s, '='))
		return FORM_CONNINFO;
	return FORM_OTHER;
}

/* See secret.h. */
char *rf_pct_decode(const char *s, size_t n)
{
	char *out = rf_xmalloc(n + 1), *o = out;
	size_t i;
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && rf_hex_digit((unsigned char)s[i + 1]) >= 0 &&
		    rf_hex_digit((unsigned char)s[i + 2]) >= 0) {
			*o++ = (char)(rf_hex_digit((unsigned char)s[i + 1]) * 16 +
			              rf_hex_digit((unsigned char)s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Every byte but the unreserved ones as %XX (caller frees). */
static char *pct_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct rf_buf b = RF_BUF_INIT;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			rf_buf_addc(&b, (char)c);
		} else {
			rf_buf_addc(&b, '%');
			rf_buf_addc(&b, hex[c >> 4]);
			rf_buf_addc(&b, hex[c & 15]);
		}
	}
	return rf_buf_steal(&b);
}

/* See secret.h. */
bool rf_url_userinfo(const char *url, struct rf_url_userinfo *ui)
{
	enum form f = form_of(url);
	const char *at;
	size_t start;

	if (f == FORM_SQLITE || f == FORM_CONNINFO)
		return false;
	start = f == FORM_URL ? scheme_end(url) : 0;
	at = strrchr(url + start, '@');
	if (!at)
		return false;
	ui->start = start;
	ui->at = (size_t)(at - url);
	{
		const char *colon = memchr(url + start, ':', ui->at - start);
		ui->colon = colon ? (size_t)(colon - url) : NO_POS;
	}
	return true;
}

/* A URL without '@' whose authority reads "x:y", y not a port number:
 * most likely "user:password" cut off before its '@' (by an inline
 * comment of the config file, or a shell), which a library would report
 * as a bad port. y counts as a password; sets its span. */
static bool cut_off_password(const char *url, size_t *off, size_t *len)
{
	struct rf_url_userinfo ui;
	size_t start = scheme_end(url), end, i;
	const char *colon;

	if (form_of(url) != FORM_URL || rf_url_userinfo(url, &ui) || url[start] == '[')
		return false;
	end = start + strcspn(url + start, "/?#,");
	colon = memchr(url + start, ':', end - start);
	if (!colon)
		return false;
	*off = (size_t)(colon + 1 - url);
	*len = end - *off;
	for (i = *off; i < end; i++)
		if (!isdigit((unsigned char)url[i]))
			return true;
	return false;
}

/* Is key[0..n), percent-decoded when pct, a password keyword? 1 for
 * password, 2 for sslpassword, 0 for anything else. */
static int password_key(const char *key, size_t n, bool pct)
{
	char *k = pct ? rf_pct_decode(key, n) : rf_xstrndup(key, n);
	int kind = strcmp(k, "password") == 0 ? 1 : strcmp(k, "sslpassword") == 0 ? 2 : 0;
	free(k);
	return kind;
}

struct secret_list {
	struct rf_url_secret *items;
	size_t len, cap;
};

static void secret_add(struct secret_list *l, size_t off, size_t len, bool conninfo, bool userinfo,
                       bool ssl)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = rf_xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->len].off = off;
	l->items[l->len].len = len;
	l->items[l->len].conninfo = conninfo;
	l->items[l->len].userinfo = userinfo;
	l->items[l->len].ssl = ssl;
	l->len++;
}

/* One item of a libpq conninfo string at s + *pos: key and value spans
 * (value as written, quotes included). Returns 0 at the end, 1 for an
 * item, -1 for text libpq would refuse (from *key_off to the end). */
static int conninfo_item(const char *s, size_t *pos, size_t *key_off, size_t *key_len,
                         size_t *val_off, size_t *val_len)
{
	size_t p = *pos;

	while (s[p] && isspace((unsigned char)s[p]))
		p++;
	if (!s[p])
		return 0;
	*key_off = p;
	while (s[p] && s[p] != '=' && !isspace((unsigned char)s[p]))
		p++;
	*key_len = p - *key_off;
	while (s[p] && isspace((unsigned char)s[p]))
		p++;
	if (s[p] != '=' || *key_len == 0) {
		*pos = strlen(s);
		return -1;
	}
	p++;
	while (s[p] && isspace((unsigned char)s[p]))
		p++;
	*val_off = p;
	if (s[p] == '\'') {
		for (p++; s[p] && s[p] != '\''; p++)
			if (s[p] == '\\' && s[p + 1])
				p++;
		if (!s[p]) { /* unterminated: libpq refuses it */
			*pos = p;
			*val_len = p - *val_off;
			return -1;
		}
		p++;
	} else {
		for (; s[p] && !isspace((unsigned char)s[p]); p++)
			if (s[p] == '\\' && s[p + 1])
				p++;
	}
	*val_len = p - *val_off;
	*pos = p;
	return 1;
}

/* The next "password=" or "sslpassword=" item of a URL's query at or
 * after url + *pos: any item after a '?' or '&', wherever it stands, as
 * the '?' that starts the query cannot be told from one in a password
 * ("u:a?b@h/db?password=c@d"). Sets the item's separator offset, the
 * value's span and whether it is sslpassword; returns false at the end. */
static bool url_password_item(const char *url, size_t *pos, size_t *sep, size_t *val_off,
                              size_t *val_len, bool *ssl)
{
	size_t p;

	for (p = *pos; url[p]; p++) {
		size_t len;
		const char *eq;
		int kind;
		if (url[p] != '?' && url[p] != '&')
			continue;
		len = strcspn(url + p + 1, "&");
		eq = memchr(url + p + 1, '=', len);
		kind = eq ? password_key(url + p + 1, (size_t)(eq - url - p - 1), true) : 0;
		if (!kind)
			continue;
		*sep = p;
		*val_off = (size_t)(eq + 1 - url);
		*val_len = p + 1 + len - *val_off;
		*ssl = kind == 2;
		*pos = p + 1 + len;
		return true;
	}
	*pos = p;
	return false;
}

/* See secret.h. */
struct rf_url_secret *rf_url_secrets(const char *url, size_t *n)
{
	struct secret_list l = {NULL, 0, 0};
	enum form f = form_of(url);
	struct rf_url_userinfo ui;

	if (f == FORM_CONNINFO) {
		size_t pos = 0, ko = 0, kl = 0, vo = 0, vl = 0;
		int rc, kind;
		while ((rc = conninfo_item(url, &pos, &ko, &kl, &vo, &vl)) != 0) {
			if (rc < 0) {
				/* what follows cannot be read: it may be a
				 * password's tail ("password=a b") */
				secret_add(&l, ko, strlen(url) - ko, true, false, false);
				break;
			}
			kind = password_key(url + ko, kl, false);
			if (kind)
				secret_add(&l, vo, vl, true, false, kind == 2);
		}
	} else if (f != FORM_SQLITE) {
		size_t pos = 0, sep, vo, vl;
		bool ssl;
		if (rf_url_userinfo(url, &ui) && ui.colon != NO_POS)
			secret_add(&l, ui.colon + 1, ui.at - ui.colon - 1, false, true, false);
		else if (cut_off_password(url, &vo, &vl))
			secret_add(&l, vo, vl, false, true, false);
		while (url_password_item(url, &pos, &sep, &vo, &vl, &ssl))
			secret_add(&l, vo, vl, false, false, ssl);
	}
	*n = l.len;
	return l.items;
}

/* See secret.h. */
char *rf_url_secret_value(const char *url, const struct rf_url_secret *s)
{
	const char *p = url + s->off, *end = p + s->len;
	struct rf_buf b = RF_BUF_INIT;

	if (!s->conninfo)
		return rf_pct_decode(p, s->len);
	if (p < end && *p == '\'') {
		p++;
		if (end > p && end[-1] == '\'')
			end--;
	}
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		rf_buf_addc(&b, *p);
	}
	return rf_buf_steal(&b);
}

/* Keeps the items of a conninfo string that hold no password. */
static char *redact_conninfo(const char *s)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t pos = 0, ko = 0, kl = 0, vo = 0, vl = 0;
	int rc;

	while ((rc = conninfo_item(s, &pos, &ko, &kl, &vo, &vl)) != 0) {
		if (rc > 0 && password_key(s + ko, kl, false))
			continue;
		if (b.len)
			rf_buf_addc(&b, ' ');
		if (rc < 0) { /* unreadable: it may hold a password's tail */
			rf_buf_adds(&b, "...");
			break;
		}
		rf_buf_add(&b, s + ko, vo + vl - ko);
	}
	return rf_buf_steal(&b);
}

/* What a redacted URL leaves out: [off, off + len) spans. */
struct cut {
	size_t off, len;
};

static int cut_order(const void *a, const void *b)
{
	const struct cut *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* See secret.h. */
char *rf_url_redact(const char *url)
{
	struct rf_buf b = RF_BUF_INIT;
	struct rf_url_userinfo ui;
	struct cut *cuts;
	size_t ncuts = 0, cap = 4, pos = 0, sep, vo, vl, i, p;
	enum form f = form_of(url);
	bool ssl;

	if (f == FORM_SQLITE)
		return rf_xstrdup(url);
	if (f == FORM_CONNINFO)
		return redact_conninfo(url);
	cuts = rf_xmalloc(cap * sizeof *cuts);
	if (rf_url_userinfo(url, &ui) && ui.colon != NO_POS) {
		cuts[ncuts].off = ui.colon; /* ":password", the '@' stays */
		cuts[ncuts++].len = ui.at - ui.colon;
	} else if (cut_off_password(url, &vo, &vl)) {
		cuts[ncuts].off = vo - 1;
		cuts[ncuts++].len = vl + 1;
	}
	while (url_password_item(url, &pos, &sep, &vo, &vl, &ssl)) {
		if (ncuts == cap) {
			cap *= 2;
			cuts = rf_xrealloc(cuts, cap * sizeof *cuts);
		}
		/* "password=x&" from "?password=x&port=5"; "&password=x" or
		 * "?password=x" when last */
		if (url[vo + vl] == '&') {
			cuts[ncuts].off = sep + 1;
			cuts[ncuts++].len = vo + vl + 1 - (sep + 1);
		} else {
			cuts[ncuts].off = sep;
			cuts[ncuts++].len = vo + vl - sep;
		}
	}
	qsort(cuts, ncuts, sizeof *cuts, cut_order);
	for (i = 0, p = 0; i < ncuts; i++) {
		if (cuts[i].off > p) {
			rf_buf_add(&b, url + p, cuts[i].off - p);
			p = cuts[i].off;
		}
		if (cuts[i].off + cuts[i].len > p)
			p = cuts[i].off + cuts[i].len;
	}
	rf_buf_adds(&b, url + p);
	free(cuts);
	return rf_buf_steal(&b);
}

/* See secret.h. */
void rf_url_hide(char *url)
{
	size_t n, i;
	struct rf_url_secret *s = rf_url_secrets(url, &n);
	for (i = 0; i < n; i++)
		memset(url + s[i].off, '*', s[i].len);
	free(s);
}

/* Adds secret, its percent-decoded and its percent-encoded forms. */
static void add_forms(struct rf_strlist *forms, const char *secret)
{
	char *decoded, *encoded;
	if (!secret || !*secret)
		return;
	decoded = rf_pct_decode(secret, strlen(secret));
	encoded = pct_encode(decoded);
	rf_strlist_add(forms, secret);
	rf_strlist_add(forms, decoded);
	rf_strlist_add(forms, encoded);
	free(decoded);
	free(encoded);
}

static int longer_first(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
	return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Replaces each form in msg, longest first (so a secret inside another
 * cannot leave the longer one's remains). */
static void scrub_forms(char *msg, size_t cap, struct rf_strlist *forms)
{
	bool cut = strlen(msg) + 1 >= cap;
	size_t i;

	qsort(forms->items, forms->len, sizeof *forms->items, longer_first);
	for (i = 0; i < forms->len; i++) {
		const char *form = forms->items[i];
		size_t n = strlen(form), len, k;
		char *p = msg;
		while ((p = strstr(p, form)) != NULL) {
			if (n >= 3) {
				memcpy(p, "***", 3);
				memmove(p + 3, p + n, strlen(p + n) + 1);
				p += 3;
			} else {
				memset(p, '*', n);
				p += n;
			}
		}
		if (!cut)
			continue;
		len = strlen(msg);
		for (k = n - 1 < len ? n - 1 : len; k > 0; k--)
			if (memcmp(msg + len - k, form, k) == 0) {
				memset(msg + len - k, '*', k);
				break;
			}
	}
}

/* See secret.h. */
void rf_scrub_secret(char *msg, size_t cap, const char *secret)
{
	struct rf_strlist forms = RF_STRLIST_INIT;
	add_forms(&forms, secret);
	if (forms.len)
		scrub_forms(msg, cap, &forms);
	rf_strlist_free(&forms);
}

/* See secret.h. */
void rf_error_scrub(struct rf_error *err, const char *url, const char *password)
{
	struct rf_strlist forms = RF_STRLIST_INIT;
	struct rf_url_secret *s;
	size_t n = 0, i;

	if (!err || !err->set)
		return;
	s = url ? rf_url_secrets(url, &n) : NULL;
	for (i = 0; i < n; i++) {
		char *raw = rf_xstrndup(url + s[i].off, s[i].len);
		char *value = rf_url_secret_value(url, &s[i]);
		add_forms(&forms, raw);
		add_forms(&forms, value);
		free(raw);
		free(value);
	}
	free(s);
	add_forms(&forms, password);
	if (forms.len) {
		scrub_forms(err->msg, sizeof err->msg, &forms);
		scrub_forms(err->where, sizeof err->where, &forms);
	}
	rf_strlist_free(&forms);
}
