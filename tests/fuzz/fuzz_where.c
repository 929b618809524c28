/* fuzz_where.c - the lexical check of user SQL fragments (--where,
 * --restrict, sql()): whatever the text, it is accepted or refused with a
 * message, never a crash or a read past its end.
 *
 * Kept thin on purpose: check() is the one place that knows the check's
 * interface. Where the check follows each engine's quoting
 * (rf_sql_check_fragment in src/db/fragment.c; CMake defines
 * RF_FUZZ_SQL_DIALECTS when that file exists) every dialect is tried. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text)
{
	struct rf_error err;
#ifdef RF_FUZZ_SQL_DIALECTS
	static const enum rf_sql_dialect dialects[] = {RF_SQL_POSTGRES, RF_SQL_POSTGRES_ESCAPES,
	                                               RF_SQL_MYSQL, RF_SQL_SQLITE};
	for (size_t i = 0; i < sizeof dialects / sizeof *dialects; i++) {
		rf_error_clear(&err);
		if (rf_sql_check_fragment(text, dialects[i], "--where", "fuzz", &err) != 0 &&
		    !err.msg[0])
			abort(); /* a refusal always says why */
	}
#else
	rf_error_clear(&err);
	if (rf_db_check_where(text, "fuzz", &err) != 0 && !err.msg[0])
		abort(); /* a refusal always says why */
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so a read past the NUL is seen */
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check(text);
	free(text);
	return 0;
}
