// SPDX-License-Identifier: MIT
/*
 * Tab completion (see complete.h). The first word completes against the command names,
 * listed in name order; the second against the choices the command offers for its first
 * argument (kbd: the layouts, selftest: the suites). Later words and commands without
 * choices complete nothing. Everything here is pure string work on the caller's data.
 */
#include <lios/string.h>
#include "complete.h"

struct cmd_table {
	const struct shell_cmd *cmds;
	size_t n;
};

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static const char *cmd_name(const void *cmds, size_t j)
{
	return ((const struct shell_cmd *)cmds)[j].name;
}

/* The i-th command name in strcmp order (a handful of commands: selection is fine). */
static const char *cmd_choice(const void *ctx, size_t i)
{
	const struct cmd_table *t = ctx;

	return lios_nth_str(cmd_name, t->cmds, t->n, i);
}

static const char *arg_choice(const void *ctx, size_t i)
{
	const struct shell_cmd *c = ctx;

	return c->arg_choice(i);
}

/*
 * complete_context - find the word at the end of before and the set it completes from.
 * Pure; *set may point at a table kept in static storage until the next call.
 */
bool complete_context(const char *before, const struct shell_cmd *cmds, size_t ncmds,
		      struct complete_set *set, const char **word)
{
	static struct cmd_table table;
	const char *p = before, *first, *cur;
	size_t first_len, nwords = 0;

	while (is_blank(*p))
		p++;
	first = p;
	while (*p && !is_blank(*p))
		p++;
	first_len = (size_t)(p - first);
	cur = first;
	while (*p) { /* count the words after the first; cur: start of the last one */
		while (is_blank(*p))
			p++;
		cur = p;
		nwords++;
		while (*p && !is_blank(*p))
			p++;
	}
	*word = cur;
	if (nwords == 0) {
		table.cmds = cmds;
		table.n = ncmds;
		set->choice = cmd_choice;
		set->ctx = &table;
		return true;
	}
	if (nwords > 1)
		return false;
	for (size_t i = 0; i < ncmds; i++) {
		if (strlen(cmds[i].name) == first_len && !strncmp(cmds[i].name, first, first_len)) {
			if (!cmds[i].arg_choice)
				return false;
			set->choice = arg_choice;
			set->ctx = &cmds[i];
			return true;
		}
	}
	return false;
}

/*
 * complete_match - the i-th choice of set that starts with word, NULL past the end. Pure.
 */
const char *complete_match(const char *word, const struct complete_set *set, size_t i)
{
	size_t wl = strlen(word);
	const char *c;

	for (size_t k = 0; (c = set->choice(set->ctx, k)) != NULL; k++)
		if (!strncmp(c, word, wl) && i-- == 0)
			return c;
	return NULL;
}

/*
 * complete_word - count the choices starting with word and put in insert what they all
 * share beyond it (plus a blank when there is exactly one). Pure.
 */
size_t complete_word(const char *word, const struct complete_set *set, char *insert,
		     size_t size)
{
	size_t wl = strlen(word), common = 0, count = 0;
	const char *first = NULL, *c;

	if (size == 0)
		return 0;
	insert[0] = '\0';
	for (size_t i = 0; (c = complete_match(word, set, i)) != NULL; i++) {
		count++;
		if (!first) {
			first = c;
			common = strlen(c);
			continue;
		}
		for (size_t k = wl; k < common; k++) {
			if (c[k] != first[k]) {
				common = k;
				break;
			}
		}
	}
	if (!first)
		return 0;
	if (common - wl >= size)
		common = wl + size - 1;
	memcpy(insert, first + wl, common - wl);
	insert[common - wl] = '\0';
	if (count == 1 && common - wl + 1 < size) {
		insert[common - wl] = ' ';
		insert[common - wl + 1] = '\0';
	}
	return count;
}
