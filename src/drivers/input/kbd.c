// SPDX-License-Identifier: MIT
/*
 * The kernel keyboard: IRQ 1 moves bytes from the 8042 into a ring buffer; the shell's
 * thread takes them out, decodes them (scancode.c) into key events and sends LED updates
 * back to the keyboard. It also owns the layout choice (kbd.layout= or kbd_set_layout).
 *
 * The ring holds entries: a byte from the 8042, or a whole key from a USB keyboard
 * (kbd_report_key). A USB key is never turned into set-1 bytes: it would land between the
 * 0xe0 and the make code of a PS/2 key typed at the same moment (the 8042 raises one IRQ
 * per byte) and both keys would come out wrong.
 *
 * Ring rules: producers advance ring_head with interrupts off, only thread context advances
 * ring_tail (with interrupts disabled around the read). When the ring is full the new entry
 * is dropped and counted: it never overwrites unread ones. The place of the loss is kept
 * (a gap entry before the next one queued, or the ring's end): the decoder is told there, so
 * a release lost with it leaves no modifier stuck, and it is logged. LED commands are exchanged by
 * polling with IRQ 1 masked; key bytes that arrive meanwhile are queued like the IRQ would,
 * and one left in the controller at the unmask is taken then (its IRQ edge came masked).
 */
#include <lios/acpi.h>
#include <lios/arch.h>
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/kbd.h>
#include <lios/printk.h>
#include <lios/ps2.h>
#include <lios/string.h>
#include <lios/timer.h>

#define KBD_RING_SIZE 256 /* entries; a power of two */
#define ENTRY_KEY 0x8000      /* a whole key (enum kbd_keycode in ENTRY_KEY_MASK) ... */
#define ENTRY_RELEASED 0x4000 /* ... released */
#define ENTRY_GAP 0x2000      /* entries were dropped here */
#define ENTRY_KEY_MASK 0x03ff
#define KBD_CMD_SET_LEDS 0xed
#define KBD_REPLY_BAT_OK 0xaa /* a keyboard's self-test passed: what a plugged-in one sends */
#define KBD_LAYOUT_ARG_MAX 16

static uint16_t ring[KBD_RING_SIZE]; /* an 8042 byte, or ENTRY_* */
static volatile uint32_t ring_head; /* next slot to fill (IRQ side) */
static volatile uint32_t ring_tail; /* next slot to read (thread side) */
static uint64_t dropped;
static uint64_t led_failures;       /* LED updates the PS/2 keyboard did not ack */
static uint64_t aux_dropped;        /* bytes of the 8042's second port thrown away */
static bool aux_said;               /* the first of them was logged */
static uint64_t next_watch_us;      /* when kbd_poll_event next looks at the 8042 itself */
static bool gap;                    /* entries dropped since the last one queued */
static struct kbd_decoder decoder;
static bool present;
static bool watching; /* no keyboard at boot: its 8042 port is watched for one (ps2_watch_port) */
static void (*led_listener)(uint8_t leds);

static_assert((KBD_RING_SIZE & (KBD_RING_SIZE - 1)) == 0, "ring index wraps by masking");
static_assert(KEY_MAX - 1 <= ENTRY_KEY_MASK, "every key fits an entry");

/* Producer side: interrupts off (IRQ context, kbd_inject_byte, kbd_report_key). Masking
 * IRQ 1 alone is not enough: kbd_report_key pushes from the USB tick and MSI handlers too.
 * After a loss, the gap entry goes in first (both or neither). */
static void ring_push(uint16_t e)
{
	if (ring_head - ring_tail + (gap ? 2 : 1) > KBD_RING_SIZE) {
		dropped++;
		gap = true;
		return;
	}
	if (gap) {
		ring[ring_head & (KBD_RING_SIZE - 1)] = ENTRY_GAP;
		ring_head++;
		gap = false;
	}
	ring[ring_head & (KBD_RING_SIZE - 1)] = e;
	ring_head++;
}

/* Takes the byte the 8042 holds: a key byte is queued, one of the second port dropped.
 * False when none waited. Interrupts off. */
static bool take_8042_byte(void)
{
	if (ps2_kbd_byte_ready()) {
		ring_push(ps2_read_data());
		return true;
	}
	if (ps2_drop_aux_byte()) {
		aux_dropped++;
		return true;
	}
	return false;
}

static void kbd_irq(unsigned int irq, void *ctx) { take_8042_byte(); }

/*
 * A byte that reached the 8042 while IRQ 1 was masked raised its edge then: an
 * edge-triggered line (the I/O APIC's ISA inputs) does not signal it after the unmask, and
 * the full output buffer holds back every later key, so the keyboard would be dead. Take
 * such a byte once, after unmasking, as the handler would; interrupts off, so an IRQ that
 * did come finds the buffer empty instead of taking the byte twice. Thread context.
 */
static void take_waiting_byte(void)
{
	uint64_t flags = arch_irq_save();

	kbd_irq(IRQ_KEYBOARD, NULL);
	arch_irq_restore(flags);
}

/*
 * kbd_inject_byte - queue b as if the keyboard had sent it (self-tests, and input that
 * does not come from the 8042). Any context.
 */
void kbd_inject_byte(uint8_t b)
{
	uint64_t flags = arch_irq_save();

	ring_push(b);
	arch_irq_restore(flags);
}

/*
 * kbd_report_key - queue a key press or release from a keyboard that is not the 8042 (a
 * USB keyboard) as one entry, which the same decoder turns into the event the key's set-1
 * bytes give (kbd_decode_key), so layouts and dead keys treat it alike. key is an enum
 * kbd_keycode; KEY_PAUSE only presses; codes that are no key are ignored. Any context.
 */
void kbd_report_key(uint16_t key, bool pressed)
{
	uint64_t flags;

	if (key == KEY_NONE || key >= KEY_MAX || (key == KEY_PAUSE && !pressed))
		return;
	flags = arch_irq_save();
	ring_push((uint16_t)(ENTRY_KEY | (pressed ? 0 : ENTRY_RELEASED) | key));
	arch_irq_restore(flags);
}

/* kbd_set_led_listener - fn(KBD_LED_* bits) is called (thread context) whenever a lock key
 * changes the LED state, besides the PS/2 keyboard's own update. One listener. */
void kbd_set_led_listener(void (*fn)(uint8_t leds)) { led_listener = fn; }

/* kbd_leds - the LED state (KBD_LED_*) the lock keys have set. Any context. */
uint8_t kbd_leds(void)
{
	uint16_t m = decoder.mods;

	return (uint8_t)((m & KBD_MOD_CAPSLOCK ? KBD_LED_CAPSLOCK : 0) | (m & KBD_MOD_NUMLOCK ? KBD_LED_NUMLOCK : 0) |
			 (m & KBD_MOD_SCROLLLOCK ? KBD_LED_SCROLLLOCK : 0));
}

/* The next entry; a loss at the ring's end (nothing queued since) reads as ENTRY_GAP. */
static bool ring_pop(uint16_t *e)
{
	uint64_t flags = arch_irq_save();
	bool got = ring_tail != ring_head;

	if (got) {
		*e = ring[ring_tail & (KBD_RING_SIZE - 1)];
		ring_tail++;
	} else if (gap) {
		*e = ENTRY_GAP;
		gap = false;
		got = true;
	}
	arch_irq_restore(flags);
	return got;
}

/* Input was lost at this point of the queue: the decoder forgets what it was in the
 * middle of and lets go of held keys; said once per loss. Thread context. */
static void input_lost(void)
{
	kbd_decoder_lost(&decoder);
	printk(KERN_WARN "kbd: input overflowed, %lu key byte%s lost since boot; modifiers released\n",
	       (unsigned long)dropped, dropped == 1 ? "" : "s");
}

/* One entry to the decoder; true when it completed an event. Thread context. */
static bool decode_entry(uint16_t e, struct kbd_event *ev)
{
	if (e == ENTRY_GAP) {
		input_lost();
		return false;
	}
	if (e & ENTRY_KEY)
		return kbd_decode_key(&decoder, e & ENTRY_KEY_MASK, !(e & ENTRY_RELEASED), ev);
	return kbd_decode(&decoder, (uint8_t)e, ev);
}

static void update_leds(void)
{
	uint8_t leds;
	int err;

	if (!kbd_decoder_take_leds(&decoder, &leds))
		return;
	if (led_listener)
		led_listener(leds);
	if (!present)
		return;
	irq_mask(IRQ_KEYBOARD);
	/* a key byte arriving during the command is queued with interrupts off (a USB
	 * keyboard's report may be queued from an interrupt at the same moment) */
	err = ps2_kbd_command(KBD_CMD_SET_LEDS, leds, kbd_inject_byte);
	/* said once: a keyboard that fails every update would print a line per lock key */
	if (err && !led_failures++)
		printk(KERN_WARN "kbd: LED update failed (%s); later failures are only counted (shell: kbd)\n",
		       err == -ETIMEDOUT ? "no answer" : "refused");
	irq_unmask(IRQ_KEYBOARD);
	take_waiting_byte(); /* a key that came between the last reply and the unmask */
}

/*
 * Every KBD_WATCH_US the thread looks at the 8042 itself, as the IRQ would, taking what
 * waits until the output buffer is empty (KBD_WATCH_MAX bytes at most): a byte of the
 * second port is dropped (kbd_irq never runs for one, and while it waits no key gets
 * through: a controller that ignores Disable, a mouse the firmware left streaming), and a
 * key byte whose IRQ edge was lost is queued. The first dropped byte is said. Thread
 * context.
 */
#define KBD_WATCH_US 100000
#define KBD_WATCH_MAX 16
static void watch_8042(void)
{
	uint64_t now = timer_uptime_us(), flags;

	if ((!present && !watching) || now < next_watch_us)
		return;
	next_watch_us = now + KBD_WATCH_US;
	flags = arch_irq_save();
	for (int i = 0; i < KBD_WATCH_MAX && take_8042_byte(); i++)
		;
	arch_irq_restore(flags);
	if (aux_dropped && !aux_said) {
		aux_said = true;
		printk(KERN_WARN "kbd: a byte from the 8042's second port came in although the port "
				 "is off: dropped (later ones only counted, shell: kbd)\n");
	}
}

/*
 * The first byte from the watched 8042 port: a keyboard was plugged in (or a KVM switch
 * turned back). It is the keyboard from now on (LED updates go to it, the lock keys' state
 * first); its self-test verdict (0xaa, which the decoder would take for a Shift release)
 * is swallowed: true. Thread context.
 */
static bool keyboard_arrived(uint16_t e)
{
	watching = false;
	present = true;
	printk("kbd: ps2 (a keyboard came on the watched port)\n");
	if (kbd_leds()) { /* its LEDs start off */
		decoder.leds_changed = true;
		update_leds();
	}
	return e == KBD_REPLY_BAT_OK;
}

/*
 * kbd_poll_event - decode queued bytes until one completes a key event (first the event a
 * dead key's accent held back, if any). Returns true with *ev filled, false when the queue
 * ran dry. Thread context.
 */
bool kbd_poll_event(struct kbd_event *ev)
{
	uint16_t e;

	watch_8042();
	if (kbd_decoder_next(&decoder, ev))
		return true;
	while (ring_pop(&e)) {
		if (watching && !(e & (ENTRY_KEY | ENTRY_GAP)) && keyboard_arrived(e))
			continue;
		if (decode_entry(e, ev)) {
			update_leds();
			return true;
		}
	}
	return false;
}

/*
 * kbd_has_input - bytes are queued. Callers check it with interrupts disabled before
 * halting, so a byte arriving in between is not slept over. Any context.
 */
bool kbd_has_input(void) { return ring_tail != ring_head || gap; }

/* kbd_present - kbd_init found a keyboard. Any context. */
bool kbd_present(void) { return present; }

/* kbd_watching - see <lios/kbd.h>. Any context. */
bool kbd_watching(void) { return watching; }

/* kbd_dropped - entries (8042 bytes, USB keys) lost to a full ring since boot. Any context. */
uint64_t kbd_dropped(void) { return dropped; }

/* kbd_led_failures - LED updates the PS/2 keyboard did not acknowledge. Any context. */
uint64_t kbd_led_failures(void) { return led_failures; }

/*
 * kbd_describe_losses - what the keyboard lost, for the shell's `kbd` line, into buf
 * (size bytes, always terminated when size > 0): "3 keyboard inputs dropped, 1 LED update
 * failed", either part alone, or "" when nothing was lost. Any context.
 */
void kbd_describe_losses(char *buf, size_t size)
{
	int n = 0;

	if (!size)
		return;
	buf[0] = '\0';
	if (dropped)
		n = ksnprintf(buf, size, "%lu keyboard input%s dropped", (unsigned long)dropped,
			      dropped == 1 ? "" : "s");
	if (led_failures && n >= 0 && (size_t)n < size)
		n += ksnprintf(buf + n, size - (size_t)n, "%s%lu LED update%s failed", n ? ", " : "",
			       (unsigned long)led_failures, led_failures == 1 ? "" : "s");
	if (aux_dropped && n >= 0 && (size_t)n < size)
		ksnprintf(buf + n, size - (size_t)n, "%s%lu mouse-port byte%s dropped", n ? ", " : "",
			  (unsigned long)aux_dropped, aux_dropped == 1 ? "" : "s");
}

/* kbd_get_layout - the layout in use (never NULL after kbd_init). Thread context. */
const struct kbd_layout *kbd_get_layout(void) { return decoder.layout; }

/*
 * kbd_set_layout - switch to the layout called name; modifiers and locks are kept.
 * Returns 0 or -ENOENT. Thread context.
 */
int kbd_set_layout(const char *name)
{
	const struct kbd_layout *l = kbd_layout_find(name);

	if (!l)
		return -ENOENT;
	decoder.layout = l;
	return 0;
}

/* The FADT's "no 8042" flag is only a hint (firmware gets it wrong both ways): the
 * controller is probed anyway, and the flag is named beside the outcome when the two
 * disagree or the probe failed. kbd.ps2=off is the way out where probing itself hurts. */
static bool acpi_denies_8042(void)
{
	const struct acpi_info *a = acpi_get_info();

	return a && a->present && a->have_fadt && a->i8042_flag_valid && !a->i8042_present;
}

/* kbd.ps2= on the command line: "off" leaves ports 0x60/0x64 alone (a machine whose
 * chipset misbehaves when they are probed): -1; "selftest" runs the controller's self-test
 * too: PS2_INIT_SELF_TEST. Otherwise ps2_init's default flags, 0; another value is said. */
static int ps2_mode(void)
{
	char v[12];
	int err = cmdline_value("kbd.ps2", v, sizeof(v));

	if (err == -ENOENT)
		return 0;
	if (err >= 0 && strcmp(v, "off") == 0)
		return -1;
	if (err >= 0 && strcmp(v, "selftest") == 0)
		return PS2_INIT_SELF_TEST;
	printk(KERN_WARN "kbd: kbd.ps2: only \"off\" and \"selftest\" are known, probing the 8042\n");
	return 0;
}

/* No keyboard answered on a working controller: its port is watched for one plugged in
 * later (ps2_watch_port), with IRQ 1 hooked, and the log says so. Boot. */
static void watch_port(void)
{
	if (irq_register(IRQ_KEYBOARD, kbd_irq, NULL))
		return;
	if (ps2_watch_port()) {
		irq_unregister(IRQ_KEYBOARD);
		return;
	}
	watching = true;
	printk("kbd: watching the 8042's keyboard port for a keyboard plugged in later\n");
	take_waiting_byte();
}

/*
 * kbd_init - choose the layout, bring up the 8042 and the keyboard, hook IRQ 1.
 * Logs "kbd: ps2" or "kbd: none (<reason>)" (then, with a working controller and no
 * keyboard, that its port is watched: watch_port). Returns 0 or -ENODEV; boot goes on
 * either way. Boot, after irq_init() and timer_init().
 */
int kbd_init(void)
{
	char why[96], name[KBD_LAYOUT_ARG_MAX];
	const struct kbd_layout *layout = NULL;
	uint64_t t0 = timer_uptime_us();
	int err, mode;

	err = cmdline_value("kbd.layout", name, sizeof(name));
	if (err == -E2BIG) {
		printk(KERN_WARN "kbd: kbd.layout: value longer than %zu characters, using us\n",
		       sizeof(name) - 1);
	} else if (err >= 0) {
		layout = kbd_layout_find(name);
		if (!layout)
			printk(KERN_WARN "kbd: unknown layout \"%s\", using us\n", name);
	}
	kbd_decoder_init(&decoder, layout);

	present = false;
	watching = false;
	led_failures = 0;
	aux_dropped = 0;
	aux_said = false;
	next_watch_us = 0;
	irq_mask(IRQ_KEYBOARD);
	mode = ps2_mode();
	if (mode < 0) {
		ps2_leave_alone(); /* the reboot path's reset pulse too */
		printk("kbd: none (kbd.ps2=off)\n");
		return -ENODEV;
	}
	if (ps2_init((unsigned int)mode, why, sizeof(why)) < 0) {
		printk("kbd: none (%s%s)\n", why, acpi_denies_8042() ? ", as ACPI says" : "");
		watch_port();
		return -ENODEV;
	}
	err = irq_register(IRQ_KEYBOARD, kbd_irq, NULL);
	if (!err)
		err = ps2_enable_irq();
	if (err) {
		irq_unregister(IRQ_KEYBOARD);
		printk("kbd: none (IRQ 1 not available, %d)\n", err);
		return -ENODEV;
	}
	/* A key pressed during boot may already wait in the controller. */
	take_waiting_byte();
	present = true;
	printk("kbd: ps2\n");
	if (acpi_denies_8042())
		printk(KERN_INFO "kbd: the FADT says there is no 8042, but one answered\n");
	printk("kbd: layout %s (%s), ready in %lu ms\n", decoder.layout->name,
	       decoder.layout->description, (timer_uptime_us() - t0) / 1000);
	return 0;
}
