/* journal_load.c - the load ops of copy --all --create's streamed tables
 * (journal.h): their checksum's description, read back, and the rows they
 * put into each table. */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "journal_internal.h"
#include "rowferry/journal.h"

/* journal_internal.h */
bool rf_journal_json_long(json_t *v, long long *out)
{
	const char *s = json_string_value(v);
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

unsigned long long rf_journal_loaded_rows(const struct rf_journal *j, size_t t)
{
	unsigned long long n = 0;
	size_t i;

	for (i = 0; i < j->nloads; i++)
		if (t == SIZE_MAX || j->loads[i].table == t)
			n += j->loads[i].rows;
	return n;
}

void rf_journal_load_sum_free(struct rf_journal_load_sum *s)
{
	size_t i;

	for (i = 0; i < s->ncols; i++)
		free(s->names[i]);
	free(s->names);
	free(s->classes);
	memset(s, 0, sizeof *s);
}

/* journal_internal.h */
int rf_journal_parse_load_sum(json_t *o, struct rf_journal_load_sum *out, bool *has)
{
	json_t *cols = json_object_get(o, "cols"), *native = json_object_get(o, "native"),
	       *typed = json_object_get(o, "typed");
	long long sum, key;
	size_t i, n;

	if (!rf_journal_json_long(json_object_get(o, "sum"), &sum) || sum < 0 ||
	    !json_is_integer(json_object_get(o, "key")) || !json_is_boolean(native) ||
	    !json_is_boolean(typed) || !json_is_array(cols) || json_array_size(cols) == 0)
		return -1;
	key = json_integer_value(json_object_get(o, "key"));
	n = json_array_size(cols);
	if (key < 0 || (size_t)key > n)
		return -1;
	out->sum = (unsigned long long)sum;
	out->native = json_is_true(native);
	out->typed = json_is_true(typed);
	out->nkey = (size_t)key;
	out->names = rf_xcalloc(n, sizeof *out->names);
	out->classes = rf_xcalloc(n, sizeof *out->classes);
	for (i = 0; i < n; i++) {
		json_t *c = json_array_get(cols, i);
		const char *name = json_string_value(json_array_get(c, 0));
		const char *cls = json_string_value(json_array_get(c, 1));
		int k = cls ? rf_type_class_from_name(cls) : -1;
		if (!json_is_array(c) || json_array_size(c) != 2 || !name || !*name || k < 0) {
			rf_journal_load_sum_free(out);
			return -1;
		}
		out->names[out->ncols] = rf_xstrdup(name);
		out->classes[out->ncols++] = k;
	}
	*has = true;
	return 0;
}
