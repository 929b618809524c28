/* fuzz_journal.c - the undo journal reader (src/journal/journal_read.c): any file,
 * torn, tampered or not a journal at all, loads or is refused with an
 * error, in full and as a listing summary, and frees cleanly. */
#include <stdint.h>
#include <string.h>

#include "fuzz_tmpfile.h"
#include "rowferry/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_tmpfile(data, size);
	struct rf_journal j;
	struct rf_error err;
	int summary;

	for (summary = 0; summary < 2; summary++) {
		memset(&j, 0, sizeof j);
		rf_error_clear(&err);
		if (rf_journal_load(path, summary, &j, &err) != 0)
			continue;
		for (size_t t = 0; t < j.ntables; t++) {
			(void)rf_journal_table(&j, j.tables[t].table);
			for (size_t i = 0; i < j.tables[t].cols.len; i++)
				(void)rf_journal_col(&j, t, j.tables[t].cols.items[i]);
		}
		for (size_t k = 0; k < j.nops && j.ops; k++)
			if (j.ops[k].table >= j.ntables)
				__builtin_trap(); /* an op of a table the journal lacks */
		for (size_t k = 0; k < j.nseqs && j.seqs; k++)
			if (j.seqs[k].table >= j.ntables || !j.seqs[k].column ||
			    j.seqs[k].at > j.nops)
				__builtin_trap(); /* a sequence of a table it lacks */
		rf_journal_free(&j);
	}
	return 0;
}
