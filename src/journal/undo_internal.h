/* undo_internal.h - what undo.c (checking) and undo_apply.c (reverse SQL,
 * the transaction) share. */
#ifndef ROWFERRY_UNDO_INTERNAL_H
#define ROWFERRY_UNDO_INTERNAL_H

#include "rowferry/undo.h"

/* rf_undo_check inside the caller's transaction; lock: FOR UPDATE. */
int rf_undo_check_locked(struct rf_undo *u, struct rf_db *db, bool lock, struct rf_error *err);
/* "(guid=1b4e...)" for the key of journal op `op`; in a journal of
 * several tables, the table's name first. */
void rf_undo_format_key(const struct rf_undo *u, size_t op, struct rf_buf *out);
/* Whether raw bytes equal their journal form (lower-case hex), without
 * making the hex: a huge value costs nothing more. */
bool rf_undo_raw_equals_hex(const struct rf_cell *raw, const struct rf_cell *hex);
/* Whether the after-images of journal table t hold column c (a journal
 * column) as raw bytes rather than its journal form: bytes, not a key
 * column, once the check has decoded them (rf_undo_check_locked). */
bool rf_undo_raw_after(const struct rf_undo *u, size_t t, size_t c);

#endif
