/* schema_internal.h - the neutral kinds between the type map's two halves
 * (schema_types.c) and the DDL writer (schema.c). */
#ifndef ROWFERRY_SCHEMA_INTERNAL_H
#define ROWFERRY_SCHEMA_INTERNAL_H

#include "rowferry/schema.h"

enum sc_kind_id {
	SC_BOOL,
	SC_INT2,
	SC_INT4,
	SC_INT8,
	SC_UINT8, /* MariaDB bigint unsigned */
	SC_DECIMAL,
	SC_FLOAT4,
	SC_FLOAT8,
	SC_VARCHAR,
	SC_CHAR,
	SC_TEXT,
	SC_BYTES,
	SC_DATE,
	SC_TIME,
	SC_TIMESTAMP,
	SC_TIMESTAMPTZ,
	SC_JSON,
	SC_UUID,
	SC__COUNT
};

struct sc_kind {
	enum sc_kind_id k;
	int p, s; /* length or precision, scale; -1 when not given */
};

/* The kind of column c declared on engine; warnings for what is lost. */
struct sc_kind sc_kind_of(const char *engine, const struct rf_column *c, struct rf_strlist *w);
/* Appends the type of kind k on dst_engine. */
void sc_type_of(const char *dst_engine, const struct rf_column *c, const struct sc_kind *k,
                bool in_key, struct rf_buf *type, struct rf_strlist *w);

#endif
