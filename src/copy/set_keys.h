/* set_keys.h - a set copy's references to parents resolved before the
 * children load (DESIGN §11, issue 12 item 5): the keys the target
 * generated for the parents this copy inserts, learned while apply
 * journals them (rf_gen_keys), and the keys of parents it already held,
 * looked up by match key, set on the children's plans
 * (rf_plan_set_ref_key), so that their inserts are plain values a bulk
 * loader carries. Internal to set_copy.c.
 */
#ifndef ROWFERRY_SET_KEYS_H
#define ROWFERRY_SET_KEYS_H

#include "rowferry/set_copy.h"

/* Sets refs_first on each plan of sp that loads in bulk into dst but
 * for references to parents inserted before it (earlier tables of sp),
 * and clears it on the others. */
void set_keys_mark(struct rf_set_plan *sp, const struct rf_db *dst);

/* Appends the preview's lines for step p (refs_first, loading in bulk
 * into dst): which columns are resolved from which parent's keys. */
void set_keys_preview(const struct rf_plan *p, const struct rf_db *dst, struct rf_buf *out);

/* One apply's keys. */
struct set_keys {
	const struct rf_set_plan *sp;
	struct rf_gen_keys **learned; /* per item: its inserts' keys, or NULL */
	bool *marked;                 /* per item: refs_first before the apply */
	struct set_key_cell *set;     /* the ref keys set, taken back at the end */
	size_t nset, capset;
};
void set_keys_init(struct set_keys *sk, const struct rf_set_plan *sp);
/* Where step's inserts' keys go while it is applied (NULL: not wanted). */
struct rf_gen_keys *set_keys_learner(struct set_keys *sk, const struct rf_plan *step);
/* Before step runs: its references resolved from the keys learned, the
 * rest looked up in dst; where one cannot be, its refs_first is
 * cleared and it inserts through subqueries. 0, or -1 with err. */
int set_keys_resolve(struct set_keys *sk, const struct rf_plan *step, struct rf_db *dst,
                     struct rf_error *err);
/* Takes every key set back (the plans as they were) and frees. */
void set_keys_free(struct set_keys *sk);

#endif
