// SPDX-License-Identifier: MIT
/*
 * The kernel keyboard: IRQ 1 moves bytes from the 8042 into a ring buffer; the shell's
 * thread takes them out, decodes them (scancode.c) into key events and sends LED updates
 * back to the keyboard. It also owns the layout choice (kbd.layout= or kbd_set_layout).
 *
 * Ring rules: only the IRQ handler advances ring_head, only thread context advances
 * ring_tail (with interrupts disabled around the read). When the ring is full the new byte
 * is dropped and counted: it never overwrites unread bytes. LED commands are exchanged by
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

#define KBD_RING_SIZE 256 /* bytes; a power of two */
#define KBD_CMD_SET_LEDS 0xed
#define KBD_LAYOUT_ARG_MAX 16

static uint8_t ring[KBD_RING_SIZE];
static volatile uint32_t ring_head; /* next slot to fill (IRQ side) */
static volatile uint32_t ring_tail; /* next slot to read (thread side) */
static uint64_t dropped;
static struct kbd_decoder decoder;
static bool present;
static void (*led_listener)(uint8_t leds);

static_assert((KBD_RING_SIZE & (KBD_RING_SIZE - 1)) == 0, "ring index wraps by masking");

/* Producer side: interrupts off (IRQ context, or kbd_inject_byte). Masking IRQ 1 alone
 * is not enough: kbd_report_key pushes from the USB tick and MSI handlers too. */
static void ring_push(uint8_t b)
{
	if (ring_head - ring_tail >= KBD_RING_SIZE) {
		dropped++;
		return;
	}
	ring[ring_head & (KBD_RING_SIZE - 1)] = b;
	ring_head++;
}

static void kbd_irq(unsigned int irq, void *ctx)
{
	if (ps2_kbd_byte_ready())
		ring_push(ps2_read_data());
}

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
 * USB keyboard) as the set-1 bytes the same key sends on PS/2, so the decoder, the layouts
 * and dead keys treat it alike. key is an enum kbd_keycode; KEY_PAUSE only presses. The
 * bytes of one key go in together or not at all (counted as dropped). Any context.
 */
void kbd_report_key(uint16_t key, bool pressed)
{
	static const uint8_t pause[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5};
	uint8_t bytes[sizeof(pause)];
	size_t n = 0;
	uint64_t flags;

	if (key == KEY_PAUSE) {
		if (!pressed)
			return;
		memcpy(bytes, pause, sizeof(pause));
		n = sizeof(pause);
	} else if (key != KEY_NONE && key < KEY_PAUSE) {
		if (key & KEY_E0)
			bytes[n++] = 0xe0;
		bytes[n++] = (uint8_t)((key & 0x7f) | (pressed ? 0 : 0x80));
	}
	if (!n)
		return;
	flags = arch_irq_save();
	if (KBD_RING_SIZE - (ring_head - ring_tail) < n)
		dropped += n;
	else
		for (size_t i = 0; i < n; i++)
			ring_push(bytes[i]);
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

static bool ring_pop(uint8_t *b)
{
	uint64_t flags = arch_irq_save();
	bool got = ring_tail != ring_head;

	if (got) {
		*b = ring[ring_tail & (KBD_RING_SIZE - 1)];
		ring_tail++;
	}
	arch_irq_restore(flags);
	return got;
}

static void update_leds(void)
{
	uint8_t leds;

	if (!kbd_decoder_take_leds(&decoder, &leds))
		return;
	if (led_listener)
		led_listener(leds);
	if (!present)
		return;
	irq_mask(IRQ_KEYBOARD);
	/* a key byte arriving during the command is queued with interrupts off (a USB
	 * keyboard's report may be queued from an interrupt at the same moment) */
	if (ps2_kbd_command(KBD_CMD_SET_LEDS, leds, kbd_inject_byte))
		printk(KERN_WARN "kbd: LED update not acknowledged\n");
	irq_unmask(IRQ_KEYBOARD);
	take_waiting_byte(); /* a key that came between the last reply and the unmask */
}

/*
 * kbd_poll_event - decode queued bytes until one completes a key event (first the event a
 * dead key's accent held back, if any). Returns true with *ev filled, false when the queue
 * ran dry. Thread context.
 */
bool kbd_poll_event(struct kbd_event *ev)
{
	uint8_t b;

	if (kbd_decoder_next(&decoder, ev))
		return true;
	while (ring_pop(&b)) {
		if (kbd_decode(&decoder, b, ev)) {
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
bool kbd_has_input(void) { return ring_tail != ring_head; }

/* kbd_present - kbd_init found a keyboard. Any context. */
bool kbd_present(void) { return present; }

/* kbd_dropped - bytes lost to a full ring since boot. Any context. */
uint64_t kbd_dropped(void) { return dropped; }

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
 * controller is probed anyway, the flag only explains a failure. */
static bool acpi_denies_8042(void)
{
	const struct acpi_info *a = acpi_get_info();

	return a && a->present && a->have_fadt && a->i8042_flag_valid && !a->i8042_present;
}

/*
 * kbd_init - choose the layout, bring up the 8042 and the keyboard, hook IRQ 1.
 * Logs "kbd: ps2" or "kbd: none (<reason>)". Returns 0 or -ENODEV; boot goes on either
 * way. Boot, after irq_init() and timer_init().
 */
int kbd_init(void)
{
	char why[80], name[KBD_LAYOUT_ARG_MAX];
	const struct kbd_layout *layout = NULL;
	uint64_t t0 = timer_uptime_us();
	int err;

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

	irq_mask(IRQ_KEYBOARD);
	if (ps2_init(why, sizeof(why)) < 0) {
		printk("kbd: none (%s%s)\n", why, acpi_denies_8042() ? ", as ACPI says" : "");
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
	printk("kbd: layout %s (%s), ready in %lu ms\n", decoder.layout->name,
	       decoder.layout->description, (timer_uptime_us() - t0) / 1000);
	return 0;
}
