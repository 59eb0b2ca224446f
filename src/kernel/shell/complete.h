/* SPDX-License-Identifier: MIT */
/*
 * Tab completion for the shell (complete.c): the word before the cursor is completed
 * against the command names (first word) or the fixed choices of the command's first
 * argument (struct shell_cmd.arg_choice). Pure: compiled for the host too
 * (lios_host_shell) and tested with a made-up command table.
 */
#ifndef KERNEL_SHELL_COMPLETE_H
#define KERNEL_SHELL_COMPLETE_H

#include <lios/shell.h>

#define COMPLETE_INSERT_MAX 64

/* The i-th choice of a set, NULL past the end. */
typedef const char *(*complete_choice_fn)(const void *ctx, size_t i);

struct complete_set {
	complete_choice_fn choice;
	const void *ctx;
};

/*
 * What Tab does to the line whose part before the cursor is 'before': fills *set with the
 * choices the word at the cursor is completed from and *word with that word's start.
 * Returns false when nothing completes there (a third word, an argument without choices).
 */
bool complete_context(const char *before, const struct shell_cmd *cmds, size_t ncmds,
		      struct complete_set *set, const char **word);

/*
 * Completes word against set: returns the number of choices that start with it and puts
 * in insert (terminated, at most size - 1 bytes) the text to add at the cursor: what all
 * those choices share beyond the word, and a blank after a unique choice. Pure.
 */
size_t complete_word(const char *word, const struct complete_set *set, char *insert,
		     size_t size);

/* The i-th choice starting with word, in the set's order; NULL past the end. */
const char *complete_match(const char *word, const struct complete_set *set, size_t i);

#endif
