// SPDX-License-Identifier: MIT
/*
 * Host tests of the kernel keyboard (src/drivers/input/kbd.c) on top of the real 8042
 * driver (ps2.c) and the simulated controller and keyboard of ps2_sim.c. The interrupt
 * controller is stubbed here: irq_register keeps the handler, irq_mask/irq_unmask keep the
 * line's state. No interrupt is ever delivered by itself: a byte that reaches the 8042
 * while IRQ 1 is masked raises its edge then, and an edge-triggered line (the I/O APIC's
 * ISA inputs) does not signal it after the unmask, so the driver must take it itself.
 */
#include <lios/acpi.h>
#include <lios/arch.h>
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/kbd.h>
#include <lios/printk.h>
#include <lios/ps2.h>
#include <lios/timer.h>
#include "log_capture.h"
#include "../../unit.h"
#include "ps2_sim.h"

/* ------------------------------------------------------------------ stubs */

static irq_handler_fn irq1_handler;
static bool irq1_masked = true;
static unsigned irq1_unmasks;

int irq_register(unsigned int irq, irq_handler_fn fn, void *ctx)
{
	(void)ctx;
	if (irq != IRQ_KEYBOARD)
		return -1;
	irq1_handler = fn;
	irq1_masked = false;
	return 0;
}

void irq_unregister(unsigned int irq)
{
	(void)irq;
	irq1_handler = NULL;
	irq1_masked = true;
}

void irq_mask(unsigned int irq) { irq1_masked = irq == IRQ_KEYBOARD ? true : irq1_masked; }

void irq_unmask(unsigned int irq)
{
	if (irq == IRQ_KEYBOARD) {
		irq1_masked = false;
		irq1_unmasks++;
	}
}

static const struct acpi_info *acpi_info; /* what acpi_get_info gives: NULL, no ACPI */

const struct acpi_info *acpi_get_info(void) { return acpi_info; }

uint64_t timer_uptime_us(void) { return sim.now_us; }

/* ------------------------------------------------------------------ cases */

/* 1. Caps Lock is pressed; while kbd.c sends the LED update with IRQ 1 masked, the user
 * types 'a', whose make code (0x1e) reaches the 8042 right behind the acknowledge of the
 * LED byte, before the unmask. Expected: the LEDs are set, IRQ 1 is unmasked again, and the
 * 'a' press is delivered without any interrupt (its edge came while masked), leaving the
 * output buffer empty so later keys can raise IRQ 1. An interrupt that does come later
 * finds nothing (no byte taken twice, no read of an empty buffer). */
static void test_key_during_led_update(void)
{
	struct kbd_event ev;

	sim_reset();
	host_irq_state = 1;
	CHECK_EQ(kbd_init(), 0);
	CHECK(kbd_present());
	CHECK(irq1_handler != NULL && !irq1_masked);

	sim.kbd_key_after_arg = KEY_A;
	kbd_inject_byte(KEY_CAPSLOCK);
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_CAPSLOCK);
	CHECK_EQ(sim.kbd_leds, KBD_LED_CAPSLOCK);
	CHECK(!irq1_masked);
	CHECK_EQ(host_irq_state, 1);

	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_A);
	CHECK(ev.pressed);
	CHECK_EQ(ev.ch, 'A');
	CHECK(!ps2_kbd_byte_ready());

	irq1_handler(IRQ_KEYBOARD, NULL); /* a late IRQ 1 */
	CHECK(!kbd_poll_event(&ev));
	CHECK_EQ(kbd_dropped(), 0);
	CHECK_EQ(sim.violations, 0);
}

/* The keyboard sends b and IRQ 1 fires for it (one interrupt per byte, as the 8042 does). */
static void irq_byte(uint8_t b)
{
	kbd_send(b, 0);
	irq1_handler(IRQ_KEYBOARD, NULL);
}

/* A fresh keyboard driver on a healthy machine, every queued event taken. */
static void boot(void)
{
	struct kbd_event ev;

	sim_reset();
	host_irq_state = 1;
	CHECK_EQ(kbd_init(), 0);
	while (kbd_poll_event(&ev))
		;
}

/* 2. Two keyboards at once: the PS/2 keyboard's Up arrow (e0 48) is split by the 8042
 * into two interrupts, and the USB keyboard's 'a' press is queued from the USB tick in
 * between. Expected: the events are 'a' then Up, both as typed: the USB key does not take
 * the PS/2 prefix (no key 0x11e) and the 48 is not the keypad 8. The same with the six
 * bytes of Pause (e1 1d 45 e1 9d c5) cut by a USB 'b' press and release: Pause once,
 * and 'b' pressed and released, none swallowed by the 0xe1 sequence. */
static void test_usb_key_between_ps2_bytes(void)
{
	static const uint8_t pause[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	struct kbd_event ev;

	boot();
	irq_byte(0xe0);
	kbd_report_key(KEY_A, true);
	irq_byte(0x48);
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_A);
	CHECK(ev.pressed);
	CHECK_EQ(ev.ch, 'a');
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_UP);
	CHECK(ev.pressed);
	CHECK(!kbd_poll_event(&ev));

	for (size_t i = 0; i < sizeof(pause); i++) {
		irq_byte(pause[i]);
		if (i == 1)
			kbd_report_key(KEY_B, true);
		if (i == 3)
			kbd_report_key(KEY_B, false);
	}
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_B);
	CHECK(ev.pressed);
	CHECK_EQ(ev.ch, 'b');
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_B);
	CHECK(!ev.pressed);
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_PAUSE);
	CHECK(!kbd_poll_event(&ev));
	CHECK_EQ(kbd_dropped(), 0);
	CHECK_EQ(sim.violations, 0);
}

/* 3. USB keys alone still decode as their PS/2 twins: Right Ctrl (an 0xe0 key) held with
 * 'c' gives Ctrl+C (0x03), keypad 8 with Num Lock off is Up, Pause is pressed only, and
 * codes that are no key (KEY_NONE, KEY_MAX, a release of Pause) give nothing. */
static void test_usb_keys_decode(void)
{
	struct kbd_event ev;

	boot();
	kbd_report_key(KEY_RIGHTCTRL, true);
	kbd_report_key(KEY_C, true);
	kbd_report_key(KEY_C, false);
	kbd_report_key(KEY_RIGHTCTRL, false);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_RIGHTCTRL && (ev.mods & KBD_MOD_RCTRL));
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_C && ev.ch == 0x03);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_C && !ev.pressed);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_RIGHTCTRL && !ev.pressed && !ev.mods);
	kbd_report_key(KEY_KP8, true);
	kbd_report_key(KEY_NONE, true);
	kbd_report_key(KEY_MAX, true);
	kbd_report_key(KEY_PAUSE, false);
	kbd_report_key(KEY_PAUSE, true);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_UP && ev.pressed);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_PAUSE && ev.pressed);
	CHECK(!kbd_poll_event(&ev));
}

/* 4. The shell does not read for a while (a long command): Left Shift is pressed, then a
 * held key repeats until the ring is full, and Shift's release is lost with the overflow.
 * Expected: the loss is counted and said once ("kbd: input overflowed"), and Shift is not
 * stuck: an 'a' typed after the queue drained is lower case. The same when the loss is in
 * the middle of the queue (entries queued after it): everything before the loss decodes
 * with Shift, the key after it without. */
static void test_overflow_releases_modifiers(void)
{
	struct kbd_event ev;
	unsigned events = 0;
	uint64_t lost0;

	boot();
	lost0 = kbd_dropped();
	printk_add_sink(log_capture_sink, false);
	log_capture_clear();
	kbd_inject_byte(KEY_LEFTSHIFT);
	for (int i = 0; i < 300; i++)
		kbd_inject_byte(KEY_X);        /* typematic repeat of X */
	kbd_inject_byte(KEY_LEFTSHIFT | 0x80); /* lost */
	CHECK(kbd_dropped() > lost0);
	while (kbd_poll_event(&ev)) {
		if (ev.key == KEY_X)
			CHECK_EQ(ev.ch, 'X');
		events++;
	}
	CHECK(events > 200);
	CHECK(log_captured("kbd: input overflowed"));
	kbd_inject_byte(KEY_A);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_A && ev.ch == 'a' && !(ev.mods & KBD_MOD_SHIFT));

	/* the loss in the middle: after it, space freed by one read, then 'a' queued */
	boot();
	kbd_inject_byte(KEY_LEFTSHIFT);
	for (int i = 0; i < 300; i++)
		kbd_inject_byte(KEY_X);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_LEFTSHIFT);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_X);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_X);
	kbd_inject_byte(KEY_A);
	events = 0;
	while (kbd_poll_event(&ev) && ev.key == KEY_X) {
		CHECK_EQ(ev.ch, 'X');
		events++;
	}
	CHECK(events > 200);
	CHECK_EQ(ev.key, KEY_A);
	CHECK_EQ(ev.ch, 'a');
	CHECK(!kbd_poll_event(&ev));
	printk_remove_sink(log_capture_sink);
}

/* 5. The same modifier on two keyboards: Left Shift held on the PS/2 keyboard while the
 * USB keyboard's Left Shift goes down and up; then the other way round; then two USB
 * keyboards both holding Left Shift and one letting go. Expected each time: Shift stays
 * held as long as one keyboard holds it ('a' types 'A'), and is gone when the last lets go
 * ('a'). A PS/2 Shift repeating (typematic) still needs one release only. */
static void test_modifier_held_on_two_keyboards(void)
{
	struct kbd_event ev;

	boot();
	irq_byte(KEY_LEFTSHIFT);
	kbd_report_key(KEY_LEFTSHIFT, true);
	kbd_report_key(KEY_LEFTSHIFT, false);
	irq_byte(KEY_A);
	while (kbd_poll_event(&ev) && ev.key != KEY_A)
		;
	CHECK_EQ(ev.key, KEY_A);
	CHECK_EQ(ev.ch, 'A');
	irq_byte(KEY_LEFTSHIFT | 0x80);
	kbd_report_key(KEY_A, true);
	while (kbd_poll_event(&ev) && !(ev.key == KEY_A && ev.pressed))
		;
	CHECK_EQ(ev.ch, 'a');

	boot();
	kbd_report_key(KEY_LEFTSHIFT, true);
	irq_byte(KEY_LEFTSHIFT);
	irq_byte(KEY_LEFTSHIFT); /* typematic */
	irq_byte(KEY_LEFTSHIFT | 0x80);
	kbd_report_key(KEY_A, true);
	while (kbd_poll_event(&ev) && !(ev.key == KEY_A && ev.pressed))
		;
	CHECK_EQ(ev.ch, 'A');
	kbd_report_key(KEY_LEFTSHIFT, false);
	irq_byte(KEY_A);
	while (kbd_poll_event(&ev) && !(ev.key == KEY_A && ev.pressed))
		;
	CHECK_EQ(ev.ch, 'a');
	CHECK(!(ev.mods & KBD_MOD_SHIFT));

	boot();
	kbd_report_key(KEY_RIGHTCTRL, true);
	kbd_report_key(KEY_RIGHTCTRL, true); /* the second USB keyboard */
	kbd_report_key(KEY_RIGHTCTRL, false);
	kbd_report_key(KEY_C, true);
	while (kbd_poll_event(&ev) && !(ev.key == KEY_C && ev.pressed))
		;
	CHECK_EQ(ev.ch, 0x03);
	kbd_report_key(KEY_RIGHTCTRL, false);
	kbd_report_key(KEY_C, true);
	while (kbd_poll_event(&ev) && !(ev.key == KEY_C && ev.pressed))
		;
	CHECK_EQ(ev.ch, 'c');
	CHECK(!kbd_poll_event(&ev));
}

/* 6. The FADT's 8042 flag against what answers. A FADT saying "no 8042" on a machine
 * without one: "kbd: none (no controller, status 0xff, as ACPI says)". The same FADT on a
 * machine whose 8042 answers (firmware gets the flag wrong): the keyboard is used, "kbd:
 * ps2", and the disagreement is said. A FADT saying "8042" or no FADT: nothing more.
 * kbd.ps2=off: "kbd: none (kbd.ps2=off)" without a single port access; another value is
 * said and the 8042 probed as usual. */
static void test_fadt_8042_flag(void)
{
	static const struct acpi_info says_none = {
		.present = true, .have_fadt = true, .i8042_flag_valid = true, .i8042_present = false
	};
	static const struct acpi_info says_one = {
		.present = true, .have_fadt = true, .i8042_flag_valid = true, .i8042_present = true
	};

	printk_add_sink(log_capture_sink, false);
	acpi_info = &says_none;
	sim_reset();
	sim.absent = true;
	log_capture_clear();
	CHECK_EQ(kbd_init(), -ENODEV);
	CHECK(log_captured("kbd: none (no controller, status 0xff, as ACPI says)\n"));

	sim_reset();
	log_capture_clear();
	CHECK_EQ(kbd_init(), 0);
	CHECK(log_captured("kbd: ps2\n"));
	CHECK(log_captured("kbd: the FADT says there is no 8042, but one answered"));

	acpi_info = &says_one;
	sim_reset();
	log_capture_clear();
	CHECK_EQ(kbd_init(), 0);
	CHECK(!log_captured("FADT"));
	sim_reset();
	sim.absent = true;
	log_capture_clear();
	CHECK_EQ(kbd_init(), -ENODEV);
	CHECK(log_captured("kbd: none (no controller, status 0xff)\n"));

	acpi_info = NULL;
	cmdline_set("kbd.ps2=off");
	sim_reset();
	log_capture_clear();
	CHECK_EQ(kbd_init(), -ENODEV);
	CHECK(log_captured("kbd: none (kbd.ps2=off)\n"));
	CHECK_EQ(sim.reads + sim.writes, 0);
	CHECK(!kbd_present());

	cmdline_set("kbd.ps2=maybe");
	sim_reset();
	log_capture_clear();
	CHECK_EQ(kbd_init(), 0);
	CHECK(log_captured("kbd: kbd.ps2: only \"off\" and \"selftest\" are known"));
	CHECK(log_captured("kbd: ps2\n"));

	/* the controller's self-test only when asked: kbd.ps2=selftest */
	bool asked = false;
	for (unsigned i = 0; i < sim.ncmds; i++)
		asked |= sim.cmds[i] == PS2_CMD_SELF_TEST;
	CHECK(!asked);
	cmdline_set("kbd.ps2=selftest");
	sim_reset();
	log_capture_clear();
	CHECK_EQ(kbd_init(), 0);
	CHECK(!log_captured("kbd.ps2:"));
	CHECK(log_captured("kbd: ps2\n"));
	asked = false;
	for (unsigned i = 0; i < sim.ncmds; i++)
		asked |= sim.cmds[i] == PS2_CMD_SELF_TEST;
	CHECK(asked);
	cmdline_set("");
	printk_remove_sink(log_capture_sink);
}

/* How many times needle was logged since log_capture_clear(). */
static unsigned log_count(const char *needle)
{
	unsigned n = 0;

	for (const char *p = log_capture_buf; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* A keyboard that fails the LED bits of one update, and how. */
struct led_fault {
	const char *what;
	int ignore, refuse, lost_ack; /* the sim fields, the LED bits or -1 */
	bool ibm;                     /* sim.kbd_cmd_ends_wait */
};

/* 7. Caps Lock is pressed and the keyboard acks Set LEDs (0xed) but then fails its LED
 * bits: the byte lost on the wire (never answered) or refused with RESEND three times,
 * the keyboard still waiting for its argument in both; a keyboard that takes any byte for
 * that argument (QEMU's) and one that runs a command byte as a command (IBM's). Expected:
 * the failure is counted and said once ("kbd: LED update failed (no answer)" or
 * "(refused)"), and the keyboard is left waiting for no argument and scanning (its wait
 * ended with Enable). Then Caps Lock is released and pressed again: that LED update
 * reaches the keyboard whole (0xed 0x00: the LEDs off, not taken as 0xed's argument with
 * 0x00 refused as a command), no second failure; an 'a' typed afterwards arrives, lower
 * case. Last, a keyboard that took the bits but whose ack was lost: the Enable that ends a
 * wait it is not in is harmless, the same holds. */
static void test_led_argument_fails(void)
{
	static const struct led_fault faults[] = {
		{ "lost, QEMU", KBD_LED_CAPSLOCK, -1, -1, false },
		{ "refused, QEMU", -1, KBD_LED_CAPSLOCK, -1, false },
		{ "lost, IBM", KBD_LED_CAPSLOCK, -1, -1, true },
		{ "refused, IBM", -1, KBD_LED_CAPSLOCK, -1, true },
		{ "ack lost", -1, -1, KBD_LED_CAPSLOCK, false },
	};
	struct kbd_event ev;

	printk_add_sink(log_capture_sink, false);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct led_fault *f = &faults[i];
		int before = unit_failures_in_case;

		boot();
		log_capture_clear();
		sim.kbd_ignore = f->ignore;
		sim.kbd_refuse = f->refuse;
		sim.kbd_lost_ack = f->lost_ack;
		sim.kbd_cmd_ends_wait = f->ibm;
		irq_byte(KEY_CAPSLOCK);
		CHECK(kbd_poll_event(&ev) && ev.key == KEY_CAPSLOCK && ev.pressed);
		CHECK_EQ(kbd_led_failures(), 1);
		CHECK_EQ(log_count("kbd: LED update failed"), 1);
		CHECK(log_captured(f->refuse >= 0 ? "failed (refused)" : "failed (no answer)"));
		CHECK_EQ(sim.kbd_pending, -1);
		CHECK(sim.kbd_scanning);
		CHECK(!irq1_masked);

		sim.kbd_nrx = 0;
		irq_byte(KEY_CAPSLOCK | 0x80);
		irq_byte(KEY_CAPSLOCK);
		CHECK(kbd_poll_event(&ev) && ev.key == KEY_CAPSLOCK && !ev.pressed);
		CHECK(kbd_poll_event(&ev) && ev.key == KEY_CAPSLOCK && ev.pressed);
		CHECK_EQ(sim.kbd_nrx, 2);
		CHECK(sim.kbd_rx[0] == KBD_CMD_SET_LEDS && sim.kbd_rx[1] == 0);
		CHECK_EQ(sim.kbd_leds, 0);
		CHECK_EQ(sim.kbd_pending, -1);
		CHECK_EQ(kbd_led_failures(), 1);

		irq_byte(KEY_A);
		CHECK(kbd_poll_event(&ev) && ev.key == KEY_A && ev.pressed && ev.ch == 'a');
		CHECK(!kbd_poll_event(&ev));
		CHECK_EQ(sim.violations, 0);
		if (unit_failures_in_case != before)
			fprintf(stderr, "    ... with the LED bits %s\n", f->what);
	}
	printk_remove_sink(log_capture_sink);
}

/* 8. A keyboard that never answers the Caps Lock LED bits, pressed three times: the first
 * and third updates fail, the second (LEDs off) gets through. Both failures are counted,
 * the warning is printed for the first only (a line per lock key would flood the log). */
static void test_led_failure_said_once(void)
{
	struct kbd_event ev;

	printk_add_sink(log_capture_sink, false);
	boot();
	log_capture_clear();
	sim.kbd_ignore = KBD_LED_CAPSLOCK;
	for (int i = 0; i < 3; i++) {
		irq_byte(KEY_CAPSLOCK);
		irq_byte(KEY_CAPSLOCK | 0x80);
	}
	while (kbd_poll_event(&ev))
		;
	CHECK_EQ(kbd_led_failures(), 2);
	CHECK_EQ(log_count("kbd: LED update failed"), 1);
	CHECK_EQ(kbd_leds(), KBD_LED_CAPSLOCK);
	CHECK_EQ(sim.kbd_pending, -1);
	CHECK_EQ(sim.violations, 0);
	printk_remove_sink(log_capture_sink);
}

/* 9. The counts the shell's `kbd` line shows, in words (kbd_describe_losses), and the
 * overflow's log line: nothing lost, then exactly one key byte dropped (257 queued into a
 * ring of 256, none read), then a keyboard that never answers the Caps Lock LED bits
 * failing once, then twice, then a second byte dropped. Expected: "", "1 keyboard input
 * dropped" with the log saying "1 key byte lost", "..., 1 LED update failed", "..., 2 LED
 * updates failed", "2 keyboard inputs dropped, ..." with "2 key bytes lost"; a short
 * buffer cut and terminated. Before: "1 keyboard inputs dropped", "1 LED updates failed",
 * "1 key bytes lost". The drop count is since boot, never reset: this case runs before
 * any other that overflows the ring, and checks that it starts from 0. */
static void test_losses_in_words(void)
{
	struct kbd_event ev;
	char buf[96], small[8];

	printk_add_sink(log_capture_sink, false);
	boot();
	log_capture_clear();
	CHECK_EQ(kbd_dropped(), 0);
	kbd_describe_losses(buf, sizeof(buf));
	CHECK_STR_EQ(buf, "");

	for (int i = 0; i < 257; i++)
		kbd_inject_byte(KEY_X);
	CHECK_EQ(kbd_dropped(), 1);
	while (kbd_poll_event(&ev))
		;
	CHECK(log_captured("kbd: input overflowed, 1 key byte lost since boot"));
	kbd_describe_losses(buf, sizeof(buf));
	CHECK_STR_EQ(buf, "1 keyboard input dropped");

	sim.kbd_ignore = KBD_LED_CAPSLOCK;
	irq_byte(KEY_CAPSLOCK);
	irq_byte(KEY_CAPSLOCK | 0x80);
	while (kbd_poll_event(&ev))
		;
	CHECK_EQ(kbd_led_failures(), 1);
	kbd_describe_losses(buf, sizeof(buf));
	CHECK_STR_EQ(buf, "1 keyboard input dropped, 1 LED update failed");

	/* off (answered: the sim ignores only the Caps Lock bit), then on again (failed) */
	for (int i = 0; i < 2; i++) {
		irq_byte(KEY_CAPSLOCK);
		irq_byte(KEY_CAPSLOCK | 0x80);
	}
	while (kbd_poll_event(&ev))
		;
	CHECK_EQ(kbd_led_failures(), 2);
	kbd_describe_losses(buf, sizeof(buf));
	CHECK_STR_EQ(buf, "1 keyboard input dropped, 2 LED updates failed");

	log_capture_clear();
	for (int i = 0; i < 257; i++)
		kbd_inject_byte(KEY_X);
	while (kbd_poll_event(&ev))
		;
	CHECK(log_captured("kbd: input overflowed, 2 key bytes lost since boot"));
	kbd_describe_losses(buf, sizeof(buf));
	CHECK_STR_EQ(buf, "2 keyboard inputs dropped, 2 LED updates failed");
	kbd_describe_losses(small, sizeof(small));
	CHECK_STR_EQ(small, "2 keybo");
	CHECK_EQ(sim.violations, 0);
	printk_remove_sink(log_capture_sink);
}

/* 10. A byte from the 8042's second port (a controller that ignores Disable, a mouse the
 * firmware left streaming) waits in the output buffer, a key byte behind it: no IRQ 1 comes
 * for either (the mouse port's interrupt is off, and the key cannot reach the full buffer).
 * Expected: within 100 ms the thread's look at the 8042 drops the mouse byte and takes the
 * key ('a' typed), the first drop is logged once, the `kbd` line counts it. An IRQ 1 that
 * finds a mouse byte drops it too. Before: the keyboard stayed dead. */
static void test_mouse_byte_dropped(void)
{
	struct kbd_event ev;
	char buf[96];

	printk_add_sink(log_capture_sink, false);
	boot();
	log_capture_clear();
	sim_push(0x08, true, 0);
	kbd_send(KEY_A, 0);
	CHECK(!kbd_poll_event(&ev) || ev.key != KEY_A); /* no look yet, or nothing typed */
	sim.now_us += 100000;
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_A);
	CHECK(ev.pressed);
	CHECK_EQ(sim.out_len, 0);
	CHECK_EQ(log_count("kbd: a byte from the 8042's second port came in"), 1);
	kbd_describe_losses(buf, sizeof(buf)); /* after the key drops of earlier cases */
	CHECK(strstr(buf, ", 1 mouse-port byte dropped") && !strstr(buf, "LED"));

	sim_push(0x09, true, 0);
	irq1_handler(IRQ_KEYBOARD, NULL);
	CHECK_EQ(sim.out_len, 0);
	sim.now_us += 100000;
	CHECK(!kbd_poll_event(&ev));
	CHECK_EQ(log_count("kbd: a byte from the 8042's second port came in"), 1);
	kbd_describe_losses(buf, sizeof(buf));
	CHECK(strstr(buf, ", 2 mouse-port bytes dropped"));
	CHECK_EQ(sim.violations, 0);
	printk_remove_sink(log_capture_sink);
}

/* 11. No keyboard at boot on a working controller (a KVM switch set to another computer):
 * "kbd: none (no keyboard, reset timeout)", then the port is watched: IRQ 1 hooked, the
 * port enabled with its interrupt. The keyboard comes (plugged in, the switch turned back):
 * its self-test verdict 0xaa, then 'a' pressed. Expected: "kbd: ps2 (a keyboard came on
 * the watched port)", the keyboard present, the first event 'a' pressed (the 0xaa is not
 * taken for a Shift release). Caps Lock on it then gets its LED command. A controller that
 * does not translate is not watched (a keyboard plugged in would send set 2), nor one with
 * no controller. Before: the keyboard stayed dead until a reboot. */
static void test_keyboard_plugged_later(void)
{
	struct kbd_event ev;

	printk_add_sink(log_capture_sink, false);
	sim_reset();
	sim.kbd_present = false;
	host_irq_state = 1;
	log_capture_clear();
	CHECK_EQ(kbd_init(), -ENODEV);
	CHECK(log_captured("kbd: none (no keyboard, reset timeout)\n"));
	CHECK(log_captured(
		"kbd: watching the 8042's keyboard port for a keyboard plugged in later"));
	CHECK(!kbd_present());
	CHECK(kbd_watching());
	CHECK(irq1_handler != NULL);
	CHECK(sim.config & PS2_CONFIG_PORT1_IRQ);
	CHECK(!(sim.config & PS2_CONFIG_PORT1_CLOCK_OFF));
	CHECK(!kbd_poll_event(&ev));

	sim.kbd_present = true;
	irq_byte(0xaa);
	irq_byte(KEY_A);
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_A);
	CHECK(ev.pressed);
	CHECK(kbd_present());
	CHECK(!kbd_watching());
	CHECK(log_captured("kbd: ps2 (a keyboard came on the watched port)"));
	irq_byte(KEY_A | 0x80);
	CHECK(kbd_poll_event(&ev) && ev.key == KEY_A && !ev.pressed);

	sim.kbd_nrx = 0;
	irq_byte(KEY_CAPSLOCK);
	irq_byte(KEY_CAPSLOCK | 0x80);
	while (kbd_poll_event(&ev))
		;
	CHECK_EQ(sim.kbd_leds, KBD_LED_CAPSLOCK);
	CHECK_EQ(sim.violations, 0);

	sim_reset();
	sim.kbd_present = false;
	sim.translate_off = true;
	irq1_handler = NULL;
	log_capture_clear();
	CHECK_EQ(kbd_init(), -ENODEV);
	CHECK(!log_captured("kbd: watching"));
	CHECK(irq1_handler == NULL);

	sim_reset();
	sim.absent = true;
	log_capture_clear();
	CHECK_EQ(kbd_init(), -ENODEV);
	CHECK(!log_captured("kbd: watching"));
	CHECK(irq1_handler == NULL);
	printk_remove_sink(log_capture_sink);
}

int main(void)
{
	RUN(test_key_during_led_update);
	RUN(test_usb_key_between_ps2_bytes);
	RUN(test_usb_keys_decode);
	RUN(test_losses_in_words); /* before any overflow: see its comment */
	RUN(test_overflow_releases_modifiers);
	RUN(test_modifier_held_on_two_keyboards);
	RUN(test_fadt_8042_flag);
	RUN(test_led_argument_fails);
	RUN(test_led_failure_said_once);
	RUN(test_mouse_byte_dropped);
	RUN(test_keyboard_plugged_later);
	return unit_summary();
}
