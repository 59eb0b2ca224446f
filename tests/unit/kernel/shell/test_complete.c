// SPDX-License-Identifier: MIT
/*
 * Unit tests of Tab completion (src/kernel/shell/complete.c) against a made-up command
 * table: command names, a command's fixed argument choices, ambiguous prefixes, and the
 * places where nothing completes.
 */
#include <string.h>
#include "complete.h"
#include "../../unit.h"

static int run(int argc, char **argv, const char *rest) { return 0; }

static const char *layouts(size_t i)
{
	static const char *const l[] = { "us", "de", "uk", NULL };

	return i < 3 ? l[i] : NULL;
}

static const struct shell_cmd cmds[] = {
	{ "selftest", "", "", run, NULL },
	{ "kbd", "", "", run, layouts },
	{ "sleep", "", "", run, NULL },
	{ "echo", "", "", run, NULL },
};

/* Complete the line 'before'; returns the count, insert in ins. */
static size_t tab(const char *before, char *ins)
{
	struct complete_set set;
	const char *word;

	if (!complete_context(before, cmds, 4, &set, &word))
		return 0;
	return complete_word(word, &set, ins, COMPLETE_INSERT_MAX);
}

/* "sel" -> "ftest " (unique: a blank follows); "s" -> two choices sharing nothing more;
 * "" lists all commands in name order. */
static void test_command_names(void)
{
	char ins[COMPLETE_INSERT_MAX];
	struct complete_set set;
	const char *word;

	CHECK_EQ(tab("sel", ins), 1);
	CHECK(strcmp(ins, "ftest ") == 0);
	CHECK_EQ(tab("  s", ins), 2);
	CHECK(strcmp(ins, "") == 0);
	CHECK_EQ(tab("sl", ins), 1);
	CHECK(strcmp(ins, "eep ") == 0);
	CHECK(complete_context("", cmds, 4, &set, &word));
	CHECK(strcmp(complete_match("", &set, 0), "echo") == 0);
	CHECK(strcmp(complete_match("", &set, 3), "sleep") == 0);
	CHECK(complete_match("", &set, 4) == NULL);
	CHECK_EQ(tab("x", ins), 0);
}

/* "kbd " -> three layouts, "kbd d" -> "e "; "kbd u" -> "us"/"uk" share nothing more;
 * a third word and a command without choices complete nothing. */
static void test_arguments(void)
{
	char ins[COMPLETE_INSERT_MAX];

	CHECK_EQ(tab("kbd ", ins), 3);
	CHECK_EQ(tab("kbd d", ins), 1);
	CHECK(strcmp(ins, "e ") == 0);
	CHECK_EQ(tab("kbd u", ins), 2);
	CHECK(strcmp(ins, "") == 0);
	CHECK_EQ(tab("kbd us x", ins), 0);
	CHECK_EQ(tab("echo a", ins), 0);
	CHECK_EQ(tab("nosuch a", ins), 0);
}

/* Two choices sharing a prefix longer than COMPLETE_INSERT_MAX, and a third. */
#define LONG_A "a_suite_name_longer_than_what_one_completion_inserts_at_a_time_0123456789_a"
#define LONG_B "a_suite_name_longer_than_what_one_completion_inserts_at_a_time_0123456789_b"

static const char *long_suites(size_t i)
{
	static const char *const l[] = { LONG_A, LONG_B, "ab", NULL };

	return i < 3 ? l[i] : NULL;
}

static const struct shell_cmd long_cmds[] = {
	{ "suite", "", "", run, long_suites },
};

/* Edges: choices sharing a prefix longer than the room for what Tab inserts get the
 * room's worth (COMPLETE_INSERT_MAX - 1 bytes, or 7 of an 8-byte buffer), and the next Tab
 * the rest of what they share; a word no choice starts with (one longer than all of them,
 * another case) adds nothing; a whole choice or name gets its blank; blanks alone complete
 * a command name. Never a write past insert (ASan). */
static void test_edges(void)
{
	char ins[COMPLETE_INSERT_MAX], line[256];
	struct complete_set set;
	const char *word;

	CHECK(complete_context("suite a_", long_cmds, 1, &set, &word));
	CHECK_EQ(complete_word(word, &set, ins, sizeof(ins)), 2);
	CHECK_EQ(strlen(ins), COMPLETE_INSERT_MAX - 1);
	CHECK(strncmp(ins, LONG_A + 2, COMPLETE_INSERT_MAX - 1) == 0);
	snprintf(line, sizeof(line), "suite a_%s", ins);
	CHECK(complete_context(line, long_cmds, 1, &set, &word));
	CHECK_EQ(complete_word(word, &set, ins, sizeof(ins)), 2);
	CHECK_STR_EQ(ins, "23456789_");
	CHECK(complete_context("suite " LONG_B "x", long_cmds, 1, &set, &word));
	CHECK_EQ(complete_word(word, &set, ins, sizeof(ins)), 0);
	CHECK_STR_EQ(ins, "");
	CHECK(complete_context("suite " LONG_B, long_cmds, 1, &set, &word));
	CHECK_EQ(complete_word(word, &set, ins, sizeof(ins)), 1);
	CHECK_STR_EQ(ins, " ");
	CHECK(complete_context("suite a_suite", long_cmds, 1, &set, &word));
	CHECK_EQ(complete_word(word, &set, ins, 8), 2);
	CHECK_STR_EQ(ins, "_name_l");

	CHECK_EQ(tab("KBD", ins), 0);
	CHECK_STR_EQ(ins, "");
	CHECK_EQ(tab("kbd DE", ins), 0);
	CHECK_EQ(tab("   ", ins), 4);
	CHECK_EQ(tab("kbd", ins), 1);
	CHECK_STR_EQ(ins, " ");
}

int main(void)
{
	RUN(test_command_names);
	RUN(test_arguments);
	RUN(test_edges);
	return unit_summary();
}
