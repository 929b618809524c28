/* fuzz_config.c - config.ini (src/config/config.c): any file loads or is refused
 * with an error, every section it defines resolves or is refused, and all
 * of it frees cleanly. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_tmpfile.h"
#include "rowferry/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rf_config cfg;
	struct rf_error err;
	size_t i;

	rf_error_clear(&err);
	if (rf_config_load(&cfg, fuzz_tmpfile(data, size), quiet, NULL, &err) != 0)
		return 0;
	for (i = 0; i < cfg.nconns; i++) {
		struct rf_connect_opts o;
		const struct rf_conn_config *conn;
		rf_error_clear(&err);
		(void)rf_config_resolve(&cfg, cfg.conns[i].name, "source", &o, &conn, &err);
	}
	rf_error_clear(&err);
	{
		struct rf_connect_opts o;
		const struct rf_conn_config *conn;
		(void)rf_config_resolve(&cfg, NULL, "source", &o, &conn, &err);
		rf_error_clear(&err);
		(void)rf_config_resolve(&cfg, NULL, "target", &o, &conn, &err);
	}
	for (i = 0; i < cfg.ncompare; i++)
		(void)rf_config_compare(&cfg, cfg.compare[i].table);
	rf_config_free(&cfg);
	return 0;
}
