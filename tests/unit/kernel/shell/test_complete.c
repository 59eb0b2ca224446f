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

int main(void)
{
	RUN(test_command_names);
	RUN(test_arguments);
	return unit_summary();
}
