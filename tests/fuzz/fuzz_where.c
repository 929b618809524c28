/* fuzz_where.c - the check of user SQL fragments (--where, --restrict,
 * sql()): whatever the text, it is accepted or refused with a message,
 * never a crash or an out-of-bounds read.
 *
 * Kept thin on purpose: when the check becomes per engine, CHECK() below
 * is the one line to change (one call per engine's rules). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(text, err) rf_db_check_where((text), "fuzz", (err))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so a read past the NUL is seen */
	char *text = malloc(size + 1);
	struct rf_error err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rf_error_clear(&err);
	if (CHECK(text, &err) != 0 && (!err.set || !err.msg[0]))
		abort(); /* a refusal always says why */
	free(text);
	return 0;
}
