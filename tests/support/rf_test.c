/* rf_test.c - see rf_test.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rf_test.h"

#define RF_TEST_MAX_VARS 64
static struct {
	char key[64];
	char value[1024];
} vars[RF_TEST_MAX_VARS];
static int nvars = -1;

static void load_env_file(void)
{
	const char *path = getenv("RF_TEST_ENV_FILE");
	char line[1200];
	FILE *f;

	nvars = 0;
	if (!path) {
		fail_msg("RF_TEST_ENV_FILE is not set: run server tests through ctest");
		return;
	}
	f = fopen(path, "r");
	if (!f) {
		fail_msg("cannot open %s: did the servers.start fixture run?", path);
		return;
	}
	while (fgets(line, sizeof line, f) && nvars < RF_TEST_MAX_VARS) {
		char *eq = strchr(line, '=');
		char *v;
		size_t n;
		if (line[0] == '#' || !eq)
			continue;
		*eq = '\0';
		v = eq + 1;
		n = strlen(v);
		while (n && (v[n - 1] == '\n' || v[n - 1] == '\r'))
			v[--n] = '\0';
		if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
			v[n - 1] = '\0';
			v++;
		}
		snprintf(vars[nvars].key, sizeof vars[nvars].key, "%s", line);
		snprintf(vars[nvars].value, sizeof vars[nvars].value, "%s", v);
		nvars++;
	}
	fclose(f);
}

const char *rf_test_env(const char *key)
{
	int i;
	if (nvars < 0)
		load_env_file();
	for (i = 0; i < nvars; i++)
		if (strcmp(vars[i].key, key) == 0)
			return vars[i].value;
	fail_msg("%s missing from the servers' env file", key);
	return NULL;
}

struct rf_db *rf_test_connect(const char *name, const char *url)
{
	struct rf_connect_opts o = {
	    .name = name, .url = url, .password = NULL, .allow_prompt = false};
	struct rf_db *db = NULL;
	struct rf_error err;
	char msg[1200];

	rf_error_clear(&err);
	if (rf_db_connect(&o, &db, &err) != 0)
		fail_msg("connect %s: %s", name, rf_error_text(&err, msg, sizeof msg));
	return db;
}

/* Writes sql to a file and feeds it to the engine's client. */
void rf_test_sql(const char *url, const char *sql)
{
	char path[] = "/tmp/rf_test_sql_XXXXXX";
	int fd = mkstemp(path);
	char cmd[4096];
	FILE *f;
	int rc;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(sql, f);
	fclose(f);
	if (strncmp(url, "sqlite:", 7) == 0) {
		const char *p = url + 7;
		if (strncmp(p, "//", 2) == 0)
			p += 2;
		snprintf(cmd, sizeof cmd, "sqlite3 -bail '%s' < %s", p, path);
	} else if (strncmp(url, "mysql://", 8) == 0 || strncmp(url, "mariadb://", 10) == 0) {
		/* the fixture's URLs: mysql://user:pw@localhost/db?socket=PATH */
		char user[128] = "", pw[128] = "", db[128] = "", sock[512] = "";
		const char *p = strstr(url, "://") + 3;
		const char *at = strchr(p, '@');
		const char *colon = strchr(p, ':');
		const char *slash = at ? strchr(at, '/') : NULL;
		const char *q = strchr(url, '?');
		if (colon && at && colon < at) {
			snprintf(user, sizeof user, "%.*s", (int)(colon - p), p);
			snprintf(pw, sizeof pw, "%.*s", (int)(at - colon - 1), colon + 1);
		} else if (at) {
			snprintf(user, sizeof user, "%.*s", (int)(at - p), p);
		}
		if (slash)
			snprintf(db, sizeof db, "%.*s",
			         (int)((q ? q : slash + strlen(slash)) - slash - 1), slash + 1);
		if (q && strncmp(q, "?socket=", 8) == 0)
			snprintf(sock, sizeof sock, "%s", q + 8);
		snprintf(cmd, sizeof cmd,
		         "MYSQL_PWD='%s' mariadb --no-defaults --binary-mode -u'%s' --socket='%s' "
		         "'%s' < %s",
		         pw, user, sock, db, path);
	} else {
		snprintf(cmd, sizeof cmd, "psql -X -q -v ON_ERROR_STOP=1 '%s' -f %s >/dev/null",
		         url, path);
	}
	rc = system(cmd);
	unlink(path);
	if (rc != 0)
		fail_msg("fixture SQL failed (%d) on %s:\n%.2000s", rc, url, sql);
}

char *rf_test_tmpdir(void)
{
	char tmpl[] = "/tmp/rf_test_XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

long rf_test_peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}
