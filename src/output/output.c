/* output.c - writer lookup and the value display shared by the formats. */
#include <string.h>

#include "rowferry/output.h"

const struct rf_diff_writer_ops *rf_diff_writer_find(const char *name)
{
	static const struct rf_diff_writer_ops *const all[] = {
	    &rf_diff_text_writer, &rf_diff_json_writer, &rf_diff_sql_writer, &rf_diff_csv_writer};
	size_t i;
	if (strcmp(name, "jsonl") == 0)
		return &rf_diff_json_writer;
	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

void rf_format_value_display(const struct rf_cell *v, size_t max_chars, struct rf_buf *out)
{
	size_t i, shown = 0;
	if (v->is_null) {
		rf_buf_adds(out, "NULL");
		return;
	}
	if (v->len == 0) {
		rf_buf_adds(out, "''");
		return;
	}
	for (i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->data[i];
		if (max_chars && shown >= max_chars) {
			rf_buf_adds(out, "…");
			return;
		}
		if (c == '\n')
			rf_buf_adds(out, "\\n");
		else if (c == '\t')
			rf_buf_adds(out, "\\t");
		else if (c == '\r')
			rf_buf_adds(out, "\\r");
		else if (c < 0x20 || c == 0x7f)
			rf_buf_printf(out, "\\x%02x", c);
		else
			rf_buf_addc(out, (char)c);
		/* count characters, not bytes: UTF-8 continuation bytes are free */
		if ((c & 0xc0) != 0x80)
			shown++;
	}
}
