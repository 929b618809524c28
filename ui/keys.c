/* keys.c - key specs, the action table and the key -> action map
 * (actions.h). */
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "actions.h"

static const struct action_info action_list[] = {
#define RF_ACTION_INFO(id, name, key, alt, group, help) {ACT_##id, name, key, alt, group, help},
    RF_ACTIONS(RF_ACTION_INFO)
#undef RF_ACTION_INFO
};

const char *action_group_name(enum action_group g)
{
	static const char *const names[G__COUNT] = {
	    [G_MOVE] = "Moving around",
	    [G_ANY] = "Everywhere",
	    [G_TABLES] = "Tables screen",
	    [G_DIFF] = "Diff screen",
	    [G_RELATED] = "Related-tables screen",
	    [G_COLUMNS] = "Columns screen",
	    [G_PREVIEW] = "Preview and apply",
	    [G_JOURNALS] = "Journals screen",
	};
	return g < G__COUNT ? names[g] : "?";
}

const struct action_info *actions_table(size_t *n)
{
	*n = sizeof action_list / sizeof action_list[0];
	return action_list;
}

const struct action_info *action_info(enum action a)
{
	if (a <= ACT_NONE || a >= ACT__COUNT)
		return NULL;
	return &action_list[a - 1];
}

enum action action_by_name(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof action_list / sizeof action_list[0]; i++)
		if (strcmp(action_list[i].name, name) == 0)
			return action_list[i].id;
	return ACT_NONE;
}

/* Named keys. Several curses codes can mean the same key (KEY_ENTER from a
 * keypad, '\n' vs '\r'); keys_normalize() folds them before lookup. */
static const struct {
	const char *name;
	int key;
} named_keys[] = {
    {"Enter", RF_KEY_ENTER},
    {"Tab", '\t'},
    {"Space", ' '},
    {"Esc", RF_KEY_ESC},
    {"Backspace", RF_KEY_FN(KEY_BACKSPACE)},
    {"Up", RF_KEY_FN(KEY_UP)},
    {"Down", RF_KEY_FN(KEY_DOWN)},
    {"Left", RF_KEY_FN(KEY_LEFT)},
    {"Right", RF_KEY_FN(KEY_RIGHT)},
    {"PgUp", RF_KEY_FN(KEY_PPAGE)},
    {"PgDn", RF_KEY_FN(KEY_NPAGE)},
    {"Home", RF_KEY_FN(KEY_HOME)},
    {"End", RF_KEY_FN(KEY_END)},
    {"Del", RF_KEY_FN(KEY_DC)},
    {"BackTab", RF_KEY_FN(KEY_BTAB)},
};

int keys_parse(const char *spec)
{
	size_t i, n = strlen(spec);
	mbstate_t st;
	wchar_t wc;

	for (i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcasecmp(spec, named_keys[i].name) == 0)
			return named_keys[i].key;
	if (n == 2 && spec[0] == '^' && spec[1] >= '@' && spec[1] <= '~' && spec[1] != '^')
		return spec[1] & 0x1f;
	if ((spec[0] == 'F' || spec[0] == 'f') && n >= 2 && n <= 3) {
		int f = atoi(spec + 1);
		if (f >= 1 && f <= 12)
			return RF_KEY_FN(KEY_F(f));
	}
	memset(&st, 0, sizeof st);
	if (n && mbrtowc(&wc, spec, n, &st) == n && wc > ' ')
		return (int)wc;
	return RF_KEY_NONE;
}

const char *keys_name(int key, char *out, size_t outlen)
{
	size_t i;
	for (i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (named_keys[i].key == key) {
			snprintf(out, outlen, "%s", named_keys[i].name);
			return out;
		}
	if (key >= RF_KEY_FN(KEY_F(1)) && key <= RF_KEY_FN(KEY_F(12))) {
		snprintf(out, outlen, "F%d", key - RF_KEY_FN(KEY_F(0)));
	} else if (key >= 0 && key < ' ') {
		snprintf(out, outlen, "^%c", key | 0x40);
	} else if (key > ' ' && key < 0x110000) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		size_t len;
		memset(&st, 0, sizeof st);
		len = wcrtomb(mb, (wchar_t)key, &st);
		mb[len == (size_t)-1 ? 0 : len] = '\0';
		snprintf(out, outlen, "%s", mb);
	} else {
		snprintf(out, outlen, "key-%d", key);
	}
	return out;
}

static void map_set(struct keymap *map, int key, enum action a)
{
	size_t i;
	for (i = 0; i < map->len; i++)
		if (map->items[i].key == key) {
			map->items[i].action = a;
			return;
		}
	if (map->len == map->cap) {
		map->cap = map->cap ? map->cap * 2 : 64;
		map->items = rf_xrealloc(map->items, map->cap * sizeof *map->items);
	}
	map->items[map->len].key = key;
	map->items[map->len].action = a;
	map->len++;
}

static void map_drop(struct keymap *map, int key)
{
	size_t i;
	for (i = 0; i < map->len; i++)
		if (map->items[i].key == key) {
			map->items[i] = map->items[--map->len];
			return;
		}
}

void keymap_init(struct keymap *map, const struct rf_config *cfg, struct rf_strlist *warnings)
{
	size_t i;

	memset(map, 0, sizeof *map);
	for (i = 0; i < sizeof action_list / sizeof action_list[0]; i++) {
		map_set(map, keys_parse(action_list[i].default_key), action_list[i].id);
		if (action_list[i].alt_key)
			map_set(map, keys_parse(action_list[i].alt_key), action_list[i].id);
	}
	/* keypads and terminals that send '\n' or KEY_ENTER for Enter */
	map_set(map, '\n', ACT_OPEN);
	map_set(map, RF_KEY_FN(KEY_ENTER), ACT_OPEN);
	for (i = 0; cfg && i < cfg->nkeys; i++) {
		const struct rf_key_binding *kb = &cfg->keys[i];
		const char *file = cfg->path ? cfg->path : "config.ini";
		enum action a = action_by_name(kb->action);
		int key = keys_parse(kb->key);
		enum action holder = key == RF_KEY_NONE ? ACT_NONE : keymap_lookup(map, key);
		char *w = NULL;

		if (a == ACT_NONE)
			w = rf_xasprintf("%s:%d: [keys]: unknown action '%s' (the help screen, ?, "
			                 "lists them)",
			                 file, kb->line, kb->action);
		else if (key == RF_KEY_NONE)
			w = rf_xasprintf("%s:%d: [keys]: '%s' is not a key (x, ^X, F5, Enter, ...)",
			                 file, kb->line, kb->key);
		else if (holder != ACT_NONE && holder != a)
			/* taking a key from another action would leave that
			 * action silently unreachable: say so, change nothing */
			w = rf_xasprintf("%s:%d: [keys]: %s = %s not applied: %s is the key of %s "
			                 "(rebind %s first)",
			                 file, kb->line, kb->action, kb->key, kb->key,
			                 action_list[holder - 1].name,
			                 action_list[holder - 1].name);
		if (w) {
			rf_strlist_add(warnings, w);
			free(w);
			continue;
		}
		/* the configured key replaces the action's default key, so the
		 * help screen shows one key per action as the user chose it */
		map_drop(map, keys_parse(action_list[a - 1].default_key));
		map_set(map, key, a);
	}
}

void keymap_free(struct keymap *map)
{
	free(map->items);
	memset(map, 0, sizeof *map);
}

enum action keymap_lookup(const struct keymap *map, int key)
{
	size_t i;
	for (i = 0; i < map->len; i++)
		if (map->items[i].key == key)
			return map->items[i].action;
	return ACT_NONE;
}

void keymap_describe(const struct keymap *map, enum action a, struct rf_buf *out)
{
	const struct action_info *info = &action_list[a - 1];
	const char *order[2] = {info->default_key, info->alt_key};
	char name[32];
	size_t i, j, shown = 0;

	/* declared keys first, in declaration order, then rebound ones */
	for (j = 0; j < 2; j++) {
		int key = order[j] ? keys_parse(order[j]) : RF_KEY_NONE;
		if (key != RF_KEY_NONE && keymap_lookup(map, key) == a) {
			rf_buf_printf(out, "%s%s", shown++ ? ", " : "",
			              keys_name(key, name, sizeof name));
		}
	}
	for (i = 0; i < map->len; i++) {
		int key = map->items[i].key;
		bool declared = false;
		if (map->items[i].action != a || key == '\n' || key == RF_KEY_FN(KEY_ENTER))
			continue;
		for (j = 0; j < 2; j++)
			declared = declared || (order[j] && keys_parse(order[j]) == key);
		if (!declared)
			rf_buf_printf(out, "%s%s", shown++ ? ", " : "",
			              keys_name(key, name, sizeof name));
	}
}
