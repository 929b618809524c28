/* journal_internal.h - what journal.c (writing) and journal_read.c share. */
#ifndef ROWFERRY_JOURNAL_INTERNAL_H
#define ROWFERRY_JOURNAL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "rowferry/util.h"
#include "rowferry/value.h"

/* UTC now: "20261121T100000Z" (compact) or "2026-11-21T10:00:00Z". */
void rf_journal_now(char *out, size_t outlen, bool compact);
/* write(2) until done; -1 with err naming path. */
int rf_journal_write_all(int fd, const char *data, size_t len, const char *path,
                         struct rf_error *err);
/* Appends obj as one compact JSON line (with '\n') to out. */
int rf_journal_dump_line(json_t *obj, struct rf_buf *out);
/* fsync of a directory, so a new file's entry survives a crash. */
int rf_journal_fsync_dir(const char *dir);

#endif
