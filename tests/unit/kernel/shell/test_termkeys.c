// SPDX-License-Identifier: MIT
/*
 * Unit tests of the serial terminal input decoder (src/kernel/shell/termkeys.c): the bytes a
 * terminal emulator sends for typing, Enter, Backspace, control keys and the cursor and
 * editing keys become the key events the line editor expects.
 */
#include <lios/termkeys.h>
#include <stdio.h>
#include <string.h>
#include "../../unit.h"

#define MAX_EVENTS 16

static struct kbd_event events[MAX_EVENTS];

/* Feed a byte string from a fresh decoder; returns the number of events. */
static int feed(const char *bytes, size_t n)
{
	struct termkeys t;
	int count = 0;

	termkeys_init(&t);
	for (size_t i = 0; i < n; i++) {
		struct kbd_event ev;

		if (termkeys_byte(&t, (uint8_t)bytes[i], &ev) && count < MAX_EVENTS)
			events[count++] = ev;
	}
	return count;
}

#define FEED(lit) feed(lit, sizeof(lit) - 1)

/* Printable ASCII gives one pressed event per byte with the character and no modifiers. */
static void test_plain(void)
{
	CHECK_EQ(FEED("ab Z~"), 5);
	CHECK_EQ(events[0].ch, 'a');
	CHECK(events[0].pressed);
	CHECK_EQ(events[0].mods, 0);
	CHECK_EQ(events[2].ch, ' ');
	CHECK_EQ(events[4].ch, '~');
}

/* Enter: CR, LF and CR LF are each a single Enter; LF LF is two. DEL and BS are Backspace;
 * Ctrl-C and Ctrl-L pass through as their control codes. */
static void test_control(void)
{
	CHECK_EQ(FEED("\r"), 1);
	CHECK_EQ(events[0].key, KEY_ENTER);
	CHECK_EQ(events[0].ch, '\n');
	CHECK_EQ(FEED("\r\n"), 1);
	CHECK_EQ(FEED("\n\n"), 2);
	CHECK_EQ(FEED("a\r\nb"), 3);
	CHECK_EQ(events[2].ch, 'b');
	CHECK_EQ(FEED("\x7f\x08"), 2);
	CHECK_EQ(events[0].key, KEY_BACKSPACE);
	CHECK_EQ(events[1].ch, '\b');
	CHECK_EQ(FEED("\x03\x0c"), 2);
	CHECK_EQ(events[0].ch, 3);
	CHECK_EQ(events[1].ch, 12);
}

/* Cursor and editing keys in both CSI and SS3 forms and the ESC [ n ~ family. */
static void test_sequences(void)
{
	static const struct {
		const char *seq;
		uint16_t key;
	} cases[] = {
		{"\x1b[A", KEY_UP}, {"\x1b[B", KEY_DOWN}, {"\x1b[C", KEY_RIGHT},
		{"\x1b[D", KEY_LEFT}, {"\x1b[H", KEY_HOME}, {"\x1b[F", KEY_END},
		{"\x1bOA", KEY_UP}, {"\x1bOH", KEY_HOME}, {"\x1bOF", KEY_END},
		{"\x1b[1~", KEY_HOME}, {"\x1b[7~", KEY_HOME}, {"\x1b[4~", KEY_END},
		{"\x1b[8~", KEY_END}, {"\x1b[3~", KEY_DELETE}, {"\x1b[2~", KEY_INSERT},
		{"\x1b[5~", KEY_PAGEUP}, {"\x1b[6~", KEY_PAGEDOWN}, {"\x1b[1;5C", KEY_RIGHT},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_EQ(feed(cases[i].seq, strlen(cases[i].seq)), 1);
		CHECK_EQ(events[0].key, cases[i].key);
		CHECK_EQ(events[0].ch, 0);
	}
}

/* Unknown sequences vanish whole (nothing of "[99~" or "[Z" is typed), a lone ESC
 * followed by a letter swallows both, and typing resumes afterwards; huge parameters
 * name no key; control bytes are never swallowed. */
static void test_unknown_sequences(void)
{
	CHECK_EQ(FEED("\x1b[99~x"), 1);
	CHECK_EQ(events[0].ch, 'x');
	CHECK_EQ(FEED("\x1b[Zy"), 1);
	CHECK_EQ(events[0].ch, 'y');
	CHECK_EQ(FEED("\x1bqz"), 1);
	CHECK_EQ(events[0].ch, 'z');
	/* Parameters too large for any key do not wrap into one: 261 is no 5 (PageUp), a
	 * modifier of 258 no 2 (Shift: Shift+PgUp would scroll the screen). */
	CHECK_EQ(FEED("\x1b[261~x"), 1);
	CHECK_EQ(events[0].ch, 'x');
	CHECK_EQ(FEED("\x1b[5;258~"), 1);
	CHECK_EQ(events[0].key, KEY_PAGEUP);
	CHECK_EQ(events[0].mods, 0);
	/* A control byte ends a sequence and acts, as a terminal's own parser does: Esc
	 * pressed before Enter or Ctrl-C does not eat them; ESC ESC [A is one Up. */
	CHECK_EQ(FEED("\x1b\r"), 1);
	CHECK_EQ(events[0].key, KEY_ENTER);
	CHECK_EQ(FEED("\x1b[1\x03"), 1);
	CHECK_EQ(events[0].ch, 0x03);
	CHECK_EQ(FEED("\x1b\x1b[A"), 1);
	CHECK_EQ(events[0].key, KEY_UP);
}

/* Sequences with the parameter and intermediate bytes ECMA-48 allows beside digits and ';'
 * (0x20-0x2f, ':', '<', '=', '>', '?'), and the Linux console's function keys (ESC [ [ A
 * for F1 to ESC [ [ E for F5), name no key here: each vanishes whole, up to its final
 * byte, and typing resumes after it. Before, such a byte ended the sequence and the rest
 * was typed: F1 on a Linux console typed "A", a private-mode sequence "25h". */
static void test_sequences_with_other_bytes(void)
{
	static const char *const seqs[] = { "\x1b[[A", "\x1b[[E", "\x1b[?25h", "\x1b[?1;2c",
					    "\x1b[<0;10;5M", "\x1b[>0;95;0c", "\x1b[=5u",
					    "\x1b[1:2A", "\x1b[2 q", "\x1b[5$~" };
	char in[32];

	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		snprintf(in, sizeof(in), "%sx", seqs[i]);
		CHECK_EQ(feed(in, strlen(in)), 1);
		CHECK_EQ(events[0].ch, 'x');
	}
	/* a control byte still ends such a sequence and acts */
	CHECK_EQ(FEED("\x1b[?2\r"), 1);
	CHECK_EQ(events[0].key, KEY_ENTER);
	/* and the known ones still decode after one */
	CHECK_EQ(FEED("\x1b[[A\x1b[A"), 1);
	CHECK_EQ(events[0].key, KEY_UP);
}

/* UTF-8: two-, three- and four-byte characters give their code points; a stray
 * continuation byte is dropped; a character cut short by a new lead byte is dropped and
 * the new one decodes. */
static void test_utf8(void)
{
	CHECK_EQ(FEED("\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80"), 3);
	CHECK_EQ(events[0].ch, 0xfc);
	CHECK_EQ(events[1].ch, 0x20ac);
	CHECK_EQ(events[2].ch, 0x1f600);
	CHECK_EQ(FEED("\x80" "a"), 1);
	CHECK_EQ(events[0].ch, 'a');
	CHECK_EQ(FEED("\xe2\x82" "\xc3\xa4"), 1);
	CHECK_EQ(events[0].ch, 0xe4);
}

/* UTF-8 that is not a character becomes U+FFFD, never the character its bits spell: an
 * overlong form of a control byte (C0 8D is CR's bits, C0 83 Ctrl-C's, E0 80 8C Ctrl-L's,
 * F0 80 80 89 Tab's) would otherwise end, drop or clear the line from bytes no terminal
 * sends for those keys, and a surrogate (ED A0 80) would go into the line and out again
 * as bytes that are not UTF-8; past U+10FFFF, and lead bytes past F4 (F8 90 80 80 spelt
 * U+10000), neither. The shortest forms at each length's bounds still decode. */
static void test_utf8_invalid(void)
{
	static const char *bad[] = { "\xc0\x8d", "\xc0\x83", "\xc1\xbf", "\xe0\x80\x8c",
				     "\xe0\x9f\xbf", "\xf0\x80\x80\x89", "\xf0\x8f\xbf\xbf",
				     "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
				     "\xf5\x80\x80\x80", "\xf8\x90\x80\x80", "\xfc\x80\x80\x80" };
	static const struct {
		const char *s;
		uint32_t ch;
	} good[] = { { "\xc2\x80", 0x80 },	      { "\xdf\xbf", 0x7ff },
		     { "\xe0\xa0\x80", 0x800 },	      { "\xed\x9f\xbf", 0xd7ff },
		     { "\xee\x80\x80", 0xe000 },	      { "\xf0\x90\x80\x80", 0x10000 },
		     { "\xf4\x8f\xbf\xbf", 0x10ffff } };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(feed(bad[i], strlen(bad[i])), 1);
		CHECK_EQ(events[0].key, KEY_NONE);
		CHECK_EQ(events[0].ch, 0xfffd);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_EQ(feed(good[i].s, strlen(good[i].s)), 1);
		CHECK_EQ(events[0].ch, good[i].ch);
	}
}

int main(void)
{
	test_plain();
	test_control();
	test_sequences();
	test_unknown_sequences();
	test_sequences_with_other_bytes();
	test_utf8();
	test_utf8_invalid();
	return unit_exit("test_termkeys");
}
