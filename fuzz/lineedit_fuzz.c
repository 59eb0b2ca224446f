// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the shell's line editor (src/kernel/shell/lineedit.c) drawn on two
 * model terminals (tests/support/vt_model.h, the ones test_lineedit uses) of 20-40 columns
 * chosen by the input: programs of key presses (ASCII and any Unicode character, bursts up
 * to the line's limit, Backspace, Delete, Left, Right, Home, End, Up and Down through the
 * history, Enter, Ctrl-C, Ctrl-L with the screen cleared and the line drawn again, Tab with
 * a completion inserted, releases and Alt chords that must change nothing). After every key
 * both terminals must show the prompt and exactly the editor's line, blanks after it, and the
 * cursor on the editor's cursor, also across wrapped rows; the editor's own state must hold
 * (cursor <= length <= LINEEDIT_MAX, at most LINEEDIT_HISTORY lines kept) and its text must
 * be its line in UTF-8.
 */
#include <lios/lineedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_input.h"
#include "vt_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMPT "> "
#define CH_CTRL_C 0x03
#define CH_CTRL_L 0x0c

static struct vt_model term[2];
static struct lineedit le;

static void fail(const char *what)
{
	fprintf(stderr, "line editor broken: %s\n", what);
	abort();
}

/* Decodes one UTF-8 sequence the editor wrote; returns its length, 0 when malformed. */
static size_t utf8_decode(const char *s, uint32_t *c)
{
	const uint8_t *b = (const uint8_t *)s;

	if (b[0] < 0x80)
		return *c = b[0], 1;
	if ((b[0] & 0xe0) == 0xc0 && (b[1] & 0xc0) == 0x80)
		return *c = (uint32_t)(b[0] & 0x1f) << 6 | (b[1] & 0x3f), 2;
	if ((b[0] & 0xf0) == 0xe0 && (b[1] & 0xc0) == 0x80 && (b[2] & 0xc0) == 0x80)
		return *c = (uint32_t)(b[0] & 0x0f) << 12 | (uint32_t)(b[1] & 0x3f) << 6 |
			    (b[2] & 0x3f),
		       3;
	if ((b[0] & 0xf8) == 0xf0 && (b[1] & 0xc0) == 0x80 && (b[2] & 0xc0) == 0x80 &&
	    (b[3] & 0xc0) == 0x80)
		return *c = (uint32_t)(b[0] & 0x07) << 18 | (uint32_t)(b[1] & 0x3f) << 12 |
			    (uint32_t)(b[2] & 0x3f) << 6 | (b[3] & 0x3f),
		       4;
	return 0;
}

static void check(void)
{
	static char text[LINEEDIT_UTF8_MAX];
	char why[96];
	size_t i = 0, k = 0, n;
	uint32_t c;

	if (le.cursor > le.line.len || le.line.len > LINEEDIT_MAX)
		fail("cursor past the line, or the line past LINEEDIT_MAX");
	if (le.hist_count > LINEEDIT_HISTORY)
		fail("more history than LINEEDIT_HISTORY");
	n = lineedit_text(&le, text, sizeof(text));
	if (n != strlen(text))
		fail("lineedit_text's length is not the text's");
	while (text[i]) {
		size_t len = utf8_decode(text + i, &c);

		if (!len || k >= le.line.len || c != le.line.c[k])
			fail("the text is not the line in UTF-8");
		i += len;
		k++;
	}
	if (k != le.line.len)
		fail("the text is shorter than the line");
	for (int t = 0; t < 2; t++)
		if (!vt_model_shows(&term[t], PROMPT, le.line.c, le.line.len, le.cursor, why,
				    sizeof(why))) {
			fprintf(stderr, "view %d (%u columns): %s\n", t, term[t].cols, why);
			fail("a terminal does not show the line");
		}
}

static enum lineedit_result press(uint16_t key, uint32_t ch, uint16_t mods)
{
	struct kbd_event ev = { .key = key, .pressed = true, .mods = mods, .ch = ch };

	return lineedit_key(&le, &ev);
}

static void new_prompt(void)
{
	for (int t = 0; t < 2; t++)
		term[t].origin = term[t].cy;
	lineedit_start(&le, PROMPT);
}

static void result(enum lineedit_result r)
{
	if (r == LINEEDIT_DONE || r == LINEEDIT_CANCEL) {
		for (int t = 0; t < 2; t++)
			if (term[t].cx != 0)
				fail("Enter or Ctrl-C left the cursor mid-row");
		new_prompt();
	} else if (r == LINEEDIT_CLEAR) { /* the shell clears the screen and draws again */
		for (int t = 0; t < 2; t++)
			vt_model_reset(&term[t], term[t].cols);
		lineedit_resume(&le, LINEEDIT_ALL_VIEWS);
	}
}

static void step(struct input *in)
{
	uint8_t op = byte(in);
	static const uint16_t keys[] = { KEY_LEFT,   KEY_RIGHT, KEY_HOME, KEY_END,
					 KEY_DELETE, KEY_UP,    KEY_DOWN, KEY_F1 };
	uint32_t c;

	switch (op % 12) {
	case 0: /* ASCII */
	case 1:
	case 2:
		result(press(KEY_NONE, 0x20 + byte(in) % 95, 0));
		break;
	case 3: /* any character, some not printable (C1 controls, DEL) */
		c = (uint32_t)byte(in) << 12 | (uint32_t)byte(in) << 4 | (byte(in) & 0xf);
		c %= 0x110000;
		if (c >= 0xd800 && c <= 0xdfff)
			c = 0xfffd;
		result(press(KEY_NONE, c, 0));
		break;
	case 4: /* a burst of one character, toward LINEEDIT_MAX */
		c = 0x20 + byte(in) % 95;
		for (unsigned k = 0, n = 1 + byte(in) * 4u; k < n; k++)
			result(press(KEY_NONE, c, 0));
		break;
	case 5: /* the editing and history keys */
	case 6:
		result(press(keys[byte(in) % 8], 0, 0));
		break;
	case 7: /* Backspace */
		result(press(KEY_BACKSPACE, '\b', 0));
		break;
	case 8: /* Enter, Ctrl-C, Ctrl-L */
		c = byte(in) % 3;
		result(press(KEY_ENTER,
			     c == 0   ? '\r'
			     : c == 1 ? CH_CTRL_C
				      : CH_CTRL_L,
			     c ? KBD_MOD_LCTRL : 0));
		break;
	case 9: { /* Tab, and a completion inserted as the shell does */
		char s[48];
		unsigned n = byte(in) % (sizeof(s) - 1);

		result(press(KEY_TAB, '\t', 0));
		for (unsigned k = 0; k < n; k++)
			s[k] = (char)(0x20 + byte(in) % 95);
		s[n] = 0;
		lineedit_insert(&le, s);
		break;
	}
	case 10: { /* a release, an Alt chord: nothing changes */
		struct kbd_event ev = { .key = KEY_A, .pressed = false, .ch = 'a' };

		result(lineedit_key(&le, &ev));
		result(press(KEY_A, 'a', KBD_MOD_LALT));
		break;
	}
	case 11: { /* the line drawn again on the views a kernel message was printed on */
		unsigned views = 1 + byte(in) % 3; /* view 0, view 1 or both */

		lineedit_suspend(&le, views);
		for (int t = 0; t < 2; t++) {
			if (!(views & 1u << t))
				continue;
			vt_model_write(&term[t], "msg\r\n", 5);
			term[t].origin = term[t].cy;
		}
		lineedit_resume(&le, views);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size > 8192 ? 8192 : size };
	unsigned w0 = 20 + byte(&in) % 21, w1 = 20 + byte(&in) % 21;

	lineedit_free_history(&le);
	vt_model_reset(&term[0], w0);
	vt_model_reset(&term[1], w1);
	lineedit_init(&le, malloc, free);
	lineedit_add_view(&le, vt_model_write, &term[0], w0, 0);
	lineedit_add_view(&le, vt_model_write, &term[1], w1, 0);
	new_prompt();
	check();
	while (in.n) {
		step(&in);
		check();
	}
	lineedit_free_history(&le);
	return 0;
}
