/* output.c - writer lookup and the value display shared by the formats. */
#include <stdio.h>
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
		/* cut before a character, never inside one */
		if (max_chars && shown >= max_chars && (c & 0xc0) != 0x80) {
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

/* Columns "… (N bytes)" takes. */
static size_t length_note_width(size_t n)
{
	char tmp[48];
	return 1 + (size_t)snprintf(tmp, sizeof tmp, " (%zu bytes)", n);
}

void rf_format_stored_display(const struct rf_db *db, enum rf_type_class c, const struct rf_cell *v,
                              size_t max_chars, struct rf_buf *out)
{
	static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
	const struct rf_hex_form *f = &db->ops->bytes_form;
	const char *prefix = f->prefix ? f->prefix : "", *suffix = f->suffix ? f->suffix : "";
	const char *digits = f->upper ? upper : lower;
	size_t frame = strlen(prefix) + strlen(suffix), shown = v->len, i;
	bool with_length = true;

	if (c != RF_T_BYTES || v->is_null) {
		rf_format_value_display(v, max_chars, out);
		return;
	}
	if (max_chars ? frame + 2 * v->len > max_chars : v->len > RF_STORED_BYTES_SHOWN) {
		size_t note = length_note_width(v->len);
		if (!max_chars) {
			shown = RF_STORED_BYTES_SHOWN;
		} else if (max_chars > frame + note + 1) {
			shown = (max_chars - 1 - frame - note) / 2;
		} else { /* no room for the length */
			shown = max_chars > frame + 2 ? (max_chars - 2 - frame) / 2 : 0;
			with_length = false;
		}
	}
	rf_buf_adds(out, prefix);
	for (i = 0; i < shown; i++) {
		unsigned char b = (unsigned char)v->data[i];
		rf_buf_addc(out, digits[b >> 4]);
		rf_buf_addc(out, digits[b & 15]);
	}
	if (shown < v->len)
		rf_buf_adds(out, "…");
	rf_buf_adds(out, suffix);
	if (shown < v->len && with_length)
		rf_buf_printf(out, " (%zu bytes)", v->len);
}
