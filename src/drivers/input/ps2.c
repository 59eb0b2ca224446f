// SPDX-License-Identifier: MIT
/*
 * The 8042 PS/2 controller: its status, command and configuration bytes, the bring-up
 * (disable both ports, flush, configuration byte, enable, reset the keyboard), byte
 * exchange with the keyboard, and the CPU reset line. Only controller bytes live here;
 * decoding is scancode.c's.
 *
 * Most 8042s today are firmware: a laptop's embedded controller, or the SMM emulation of a
 * USB keyboard. They answer more slowly and less completely than the chip the book
 * describes, so the bring-up asks only what a keyboard needs, as Linux does on x86: the
 * controller self-test (which on some laptops leaves the keyboard dead) runs only when
 * asked (PS2_INIT_SELF_TEST, kbd.ps2=selftest); the keyboard port test runs only to explain
 * a keyboard that did not answer; a keyboard that ignores or refuses Reset is asked
 * Identify, then Set LEDs, and used when it acks either; and every wait is as long as
 * Linux's (a controller's answer 500 ms, a keyboard's ack 200 ms, the reset's 1 s), which
 * a working controller never comes near. Where real hardware strays from the book and still
 * works (a controller failing its self-test, a keyboard whose self-test verdict comes late,
 * before the ack or never, one that skips the reset), it is used and the deviation is
 * logged with a "ps2: " line: see controller_self_test and reset_keyboard.
 * A keyboard command whose argument fails after the command was acked is ended on the
 * keyboard's side too (end_pending_command): the keyboard never takes the next command for
 * the argument it waits for.
 *
 * Every wait is bounded in time by a <lios/time.h> deadline (on the TSC; before the clock
 * is calibrated a deadline assumes the fastest TSC, so it is never shorter than asked). A machine without a controller
 * reads 0xff from every port and is recognised by its first status read, so boot goes on
 * at once. Ports are reached through arch_pio_read8/arch_pio_write8 (lios/arch.h).
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/ps2.h>
#include <lios/string.h>
#include <lios/time.h>

#define PS2_DATA 0x60
#define PS2_STATUS 0x64 /* read */
#define PS2_COMMAND 0x64 /* write */

#define PS2_STATUS_OUTPUT_FULL 0x01 /* a byte waits at PS2_DATA */
#define PS2_STATUS_INPUT_FULL 0x02  /* the controller has not taken our last byte yet */
#define PS2_STATUS_AUX_DATA 0x20    /* the waiting byte is from the second port */
#define PS2_STATUS_ABSENT 0xff      /* floating bus: no controller decodes the port */

#define PS2_CMD_READ_CONFIG 0x20
#define PS2_CMD_WRITE_CONFIG 0x60
#define PS2_CMD_DISABLE_PORT2 0xa7
#define PS2_CMD_SELF_TEST 0xaa
#define PS2_CMD_TEST_PORT1 0xab
#define PS2_CMD_DISABLE_PORT1 0xad
#define PS2_CMD_ENABLE_PORT1 0xae
#define PS2_CMD_PULSE_RESET 0xfe    /* pulse output line 0: CPU reset */

#define PS2_CONFIG_PORT1_IRQ 0x01
#define PS2_CONFIG_PORT2_IRQ 0x02
#define PS2_CONFIG_PORT1_CLOCK_OFF 0x10
#define PS2_CONFIG_PORT2_CLOCK_OFF 0x20
#define PS2_CONFIG_TRANSLATE 0x40   /* translate the keyboard's set 2 into set 1 */

#define PS2_SELF_TEST_OK 0x55
#define PS2_PORT_TEST_OK 0x00

#define KBD_CMD_RESET 0xff
#define KBD_CMD_ENABLE_SCANNING 0xf4
#define KBD_CMD_DISABLE_SCANNING 0xf5 /* also restores the default typematic settings */
#define KBD_CMD_SCANCODE_SET 0xf0   /* argument: 1, 2 or 3 (0 asks) */
#define KBD_CMD_IDENTIFY 0xf2       /* ack, then the ID: 0xab 0x83 (0xab 0x41 translated) */
#define KBD_CMD_SET_LEDS 0xed       /* argument: the LED bits */
#define KBD_SCANCODE_SET1 1
#define KBD_REPLY_ACK 0xfa
#define KBD_REPLY_RESEND 0xfe
#define KBD_REPLY_BAT_OK 0xaa
#define KBD_REPLY_BAT_FAIL1 0xfc
#define KBD_REPLY_BAT_FAIL2 0xfd

/* Upper bounds, as Linux's i8042 and libps2 wait: a chip answers in microseconds, an
 * embedded controller's firmware in milliseconds, a keyboard's ack crosses the PS/2 wire
 * in about one; some keyboards (Synaptics' among them) finish their reset before acking
 * it. */
#define PS2_TIMEOUT_US 500000       /* the controller takes a byte, or answers a command */
#define KBD_REPLY_TIMEOUT_US 200000 /* the keyboard acks a byte */
#define KBD_RESET_ACK_TIMEOUT_US 1000000
#define KBD_ID_TIMEOUT_US 200000    /* each ID byte after Identify's ack */
#define PS2_FLUSH_PAUSE_US 50       /* between flushed bytes: the next may be on its way */
/* The keyboard's basic assurance test after reset: 500-750 ms by the book, but some
 * keyboards (and KVM switches) answer only after a full second. */
#define KBD_BAT_TIMEOUT_US 1500000
#define PS2_RESET_WAIT_MS 50        /* the reset pulse takes effect within microseconds */
#define PS2_RESET_PULSES 10         /* reset pulses asked for, as Linux's reboot sends */
#define PS2_RESET_PULSE_GAP_US 50
#define PS2_FLUSH_MAX 32
#define KBD_TRIES 3
#define PS2_SELF_TEST_TRIES 3       /* a failed controller self-test is asked again ... */
#define PS2_SELF_TEST_RETRY_MS 50   /* ... after a pause */

static uint8_t ps2_config; /* the configuration byte ps2_init wrote last */
static bool left_alone;    /* ps2_leave_alone: no port access at all (kbd.ps2=off) */
static bool scanning_on;   /* the keyboard acked Enable Scanning since its reset */
static bool watchable;     /* ps2_init found a translating controller and no keyboard */

static uint8_t ps2_status(void) { return arch_pio_read8(PS2_STATUS); }

/* Poll until (status & bit) == want, until the deadline. Returns 0 or -ETIMEDOUT. */
static int wait_status_until(uint8_t bit, bool want, uint64_t deadline)
{
	while (!!(ps2_status() & bit) != want) {
		if (deadline_passed(deadline))
			return -ETIMEDOUT;
		arch_cpu_relax();
	}
	return 0;
}

/* The same, at most timeout_us from now. */
static int wait_status(uint8_t bit, bool want, uint64_t timeout_us)
{
	return wait_status_until(bit, want, deadline_us(timeout_us));
}

static int write_command(uint8_t cmd)
{
	if (wait_status(PS2_STATUS_INPUT_FULL, false, PS2_TIMEOUT_US))
		return -ETIMEDOUT;
	arch_pio_write8(PS2_COMMAND, cmd);
	return 0;
}

static int write_data(uint8_t b)
{
	if (wait_status(PS2_STATUS_INPUT_FULL, false, PS2_TIMEOUT_US))
		return -ETIMEDOUT;
	arch_pio_write8(PS2_DATA, b);
	return 0;
}

/* Wait for a byte until the deadline; returns it (0-255) or -ETIMEDOUT. */
static int read_data_until(uint64_t deadline)
{
	if (wait_status_until(PS2_STATUS_OUTPUT_FULL, true, deadline))
		return -ETIMEDOUT;
	return arch_pio_read8(PS2_DATA);
}

/* Wait for a byte; returns it (0-255) or -ETIMEDOUT. */
static int read_data(uint64_t timeout_us) { return read_data_until(deadline_us(timeout_us)); }

/* A controller command that answers with one byte; returns it or -ETIMEDOUT. */
static int command_reply(uint8_t cmd)
{
	if (write_command(cmd))
		return -ETIMEDOUT;
	return read_data(PS2_TIMEOUT_US);
}

static int write_config(uint8_t config)
{
	if (write_command(PS2_CMD_WRITE_CONFIG))
		return -ETIMEDOUT;
	return write_data(config);
}

static void flush_output(void)
{
	for (int i = 0; i < PS2_FLUSH_MAX && (ps2_status() & PS2_STATUS_OUTPUT_FULL); i++) {
		arch_pio_read8(PS2_DATA);
		udelay(PS2_FLUSH_PAUSE_US);
	}
}

/*
 * Send b to the keyboard and wait for its ACK, sending it again on a resend request
 * (KBD_TRIES times in all); other bytes arriving meanwhile go to stray (may be NULL). The
 * answer is awaited timeout_us from each sending, however many other bytes come meanwhile
 * (a stream of them is no answer). Returns 0, -EIO (kept refusing) or -ETIMEDOUT.
 */
static int send_waiting(uint8_t b, void (*stray)(uint8_t b), uint64_t timeout_us)
{
	int tries = 0, reply;
	uint64_t deadline;

	if (write_data(b))
		return -ETIMEDOUT;
	deadline = deadline_us(timeout_us);
	for (;;) {
		reply = read_data_until(deadline);
		if (reply < 0)
			return reply;
		if (reply == KBD_REPLY_ACK)
			return 0;
		if (reply == KBD_REPLY_RESEND) {
			if (++tries >= KBD_TRIES)
				return -EIO;
			if (write_data(b))
				return -ETIMEDOUT;
			deadline = deadline_us(timeout_us);
			continue;
		}
		if (stray)
			stray((uint8_t)reply);
	}
}

/* send_waiting with the ack awaited KBD_REPLY_TIMEOUT_US, as every command but Reset. */
static int send_to_keyboard(uint8_t b, void (*stray)(uint8_t b))
{
	return send_waiting(b, stray, KBD_REPLY_TIMEOUT_US);
}

/*
 * The keyboard acked a command, then its argument was refused or not answered: it may
 * still wait for the argument. What it does with the next byte differs: IBM's keyboards
 * end the wait on a byte with the top bit set and run it as a command; others (QEMU's)
 * take any byte for the argument, so the next LED update's 0xed would set the LEDs and its
 * LED bits would arrive as a command. End the wait with a byte that is harmless both ways:
 * Enable (0xf4) once scanning is on, Disable (0xf5) before ps2_init enabled it. Taken as a
 * command it keeps the state the driver means; as an LED argument it lights LEDs the next
 * update puts right; as a scan code set it is none, so the keyboard answers RESEND and
 * stops waiting, and the byte sent again runs as the command. An ACK leaves the keyboard
 * waiting for nothing. Returns send_to_keyboard's result.
 */
static int end_pending_command(void (*stray)(uint8_t b))
{
	return send_to_keyboard(scanning_on ? KBD_CMD_ENABLE_SCANNING : KBD_CMD_DISABLE_SCANNING, stray);
}

/*
 * ps2_kbd_command - send cmd (and arg when >= 0) to the keyboard and wait for each ACK
 * (send_to_keyboard: resend requests repeated, other bytes to stray, may be NULL). When the
 * keyboard acked cmd and then failed arg, the command it may still be waiting on is ended
 * (end_pending_command) before the error is returned, so the next command is taken as one.
 * Returns 0, -EIO (keyboard kept refusing) or -ETIMEDOUT. Thread context, IRQ 1 masked.
 */
int ps2_kbd_command(uint8_t cmd, int arg, void (*stray)(uint8_t b))
{
	int err = send_to_keyboard(cmd, stray);

	if (err || arg < 0)
		return err;
	err = send_to_keyboard((uint8_t)arg, stray);
	if (err)
		end_pending_command(stray);
	return err;
}

static int early_bat = -1; /* a self-test verdict that came before the reset's ack */

/* Stray bytes during the reset command: some keyboards send their verdict first. */
static void note_early_bat(uint8_t b)
{
	if (b == KBD_REPLY_BAT_OK || b == KBD_REPLY_BAT_FAIL1 || b == KBD_REPLY_BAT_FAIL2)
		early_bat = b;
}

/*
 * A keyboard that did not take the reset (no ack, or RESEND every time) may still be
 * there: some embedded controllers and KVM switches ignore Reset, and Linux never resets
 * an x86 keyboard at all. Asked as Linux's atkbd asks: Identify (ack, then up to two ID
 * bytes, read here so that none is left for the IRQ), else Set LEDs (all off). True when
 * either was acked, with what answered in 'how' ("Identify (0xab 0x83)", "Set LEDs").
 */
static bool identify_keyboard(char *how, size_t n)
{
	uint8_t id[2];
	unsigned nid = 0;
	int b;

	if (ps2_kbd_command(KBD_CMD_IDENTIFY, -1, NULL)) {
		ksnprintf(how, n, "Set LEDs");
		return !ps2_kbd_command(KBD_CMD_SET_LEDS, 0, NULL);
	}
	while (nid < 2 && (b = read_data(KBD_ID_TIMEOUT_US)) >= 0)
		id[nid++] = (uint8_t)b;
	if (nid == 2)
		ksnprintf(how, n, "Identify (0x%02x 0x%02x)", id[0], id[1]);
	else if (nid)
		ksnprintf(how, n, "Identify (0x%02x)", id[0]);
	else
		ksnprintf(how, n, "Identify (no ID)");
	return true;
}

/*
 * Reset the keyboard and wait for its self-test verdict (0xaa, sent after the ack or, by
 * some keyboards, before it). A keyboard that acked the reset but never gives a verdict
 * (KVM switches, some laptop controllers) is enabled anyway and kept if it acks that; one
 * that did not take the reset but answers Identify or Set LEDs (identify_keyboard) is used
 * without one; each deviation is said. When the controller does not translate (translated
 * false), the keyboard is asked for set 1 itself, which scancode.c decodes. 0; -ENXIO
 * ("no keyboard, reset timeout") when nothing on the port answered; -ENODEV with a reason
 * for a keyboard that answered wrongly.
 */
static int reset_keyboard(bool translated, char *why, size_t n)
{
	int err, bat = -1;
	char how[32];

	early_bat = -1;
	err = send_waiting(KBD_CMD_RESET, note_early_bat, KBD_RESET_ACK_TIMEOUT_US);
	if (err && !identify_keyboard(how, sizeof(how))) {
		ksnprintf(why, n, "no keyboard, reset %s", err == -ETIMEDOUT ? "timeout" : "refused");
		return -ENXIO;
	}
	if (!err) {
		bat = early_bat >= 0 ? early_bat : read_data(KBD_BAT_TIMEOUT_US);
		if (bat >= 0 && bat != KBD_REPLY_BAT_OK) {
			ksnprintf(why, n, "keyboard self-test failed, 0x%02x", bat);
			return -ENODEV;
		}
	}
	if (!translated && ps2_kbd_command(KBD_CMD_SCANCODE_SET, KBD_SCANCODE_SET1, NULL)) {
		ksnprintf(why, n, "controller does not translate, keyboard refuses scan code set 1");
		return -ENODEV;
	}
	if (ps2_kbd_command(KBD_CMD_ENABLE_SCANNING, -1, NULL)) {
		ksnprintf(why, n, !err && bat < 0 ? "keyboard self-test timeout"
						  : "keyboard does not enable scanning");
		return -ENODEV;
	}
	scanning_on = true;
	if (err)
		printk(KERN_WARN "ps2: the keyboard %s the reset; it answers %s, so it is used "
				 "without one\n",
		       err == -ETIMEDOUT ? "did not answer" : "refused", how);
	else if (bat < 0)
		printk(KERN_WARN "ps2: the keyboard sent no self-test result within %u ms; it acks, so it is used\n",
		       KBD_BAT_TIMEOUT_US / 1000);
	if (!translated)
		printk(KERN_WARN "ps2: the controller keeps translation off; keyboard set to scan code set 1\n");
	return 0;
}

/*
 * The controller self-test, asked up to PS2_SELF_TEST_TRIES times. A controller that
 * keeps failing it but answers is used anyway (netbooks' embedded controllers do that and
 * their keyboard works; the keyboard reset still decides), and that is
 * said. No answer at all: -ENODEV "controller self-test timeout".
 */
static int controller_self_test(char *why, size_t n)
{
	int reply = -ETIMEDOUT;

	for (int i = 0; i < PS2_SELF_TEST_TRIES; i++) {
		if (i)
			mdelay(PS2_SELF_TEST_RETRY_MS);
		reply = command_reply(PS2_CMD_SELF_TEST);
		if (reply == PS2_SELF_TEST_OK)
			return 0;
		if (reply < 0) {
			ksnprintf(why, n, "controller self-test timeout");
			return -ENODEV;
		}
	}
	printk(KERN_WARN "ps2: controller self-test failed %d times (0x%02x), going on\n", PS2_SELF_TEST_TRIES,
	       reply);
	return 0;
}

/*
 * No keyboard answered on a working controller: the keyboard port test (which Linux never
 * runs, and which some embedded controllers do not know) is asked now, with the port off
 * again, only to say more: its verdict is added to why ("; keyboard port test failed,
 * 0x01": the clock line stuck low, or "; keyboard port test: no answer"). A pass adds
 * nothing: the port is fine, nothing is plugged in.
 */
static void explain_no_keyboard(char *why, size_t n)
{
	size_t len = strlen(why);
	int reply;

	if (write_command(PS2_CMD_DISABLE_PORT1))
		return;
	reply = command_reply(PS2_CMD_TEST_PORT1);
	if (reply < 0)
		ksnprintf(why + len, n - len, "; keyboard port test: no answer");
	else if (reply != PS2_PORT_TEST_OK)
		ksnprintf(why + len, n - len, "; keyboard port test failed, 0x%02x", reply);
}

/*
 * ps2_init - bring the controller up and reset the keyboard; see lios/ps2.h.
 * Returns 0 or -ENODEV with the reason in why. Boot, IRQ 1 masked (before timer_init too).
 */
int ps2_init(unsigned int flags, char *why, size_t n)
{
	uint8_t status;
	int config, readback, err;

	left_alone = false; /* a bring-up asked for takes the ports back */
	scanning_on = false;
	watchable = false;
	status = ps2_status();
	if (status == PS2_STATUS_ABSENT) {
		ksnprintf(why, n, "no controller, status 0x%02x", status);
		return -ENODEV;
	}
	if (write_command(PS2_CMD_DISABLE_PORT1) || write_command(PS2_CMD_DISABLE_PORT2)) {
		ksnprintf(why, n, "no controller, command timeout");
		return -ENODEV;
	}
	flush_output();

	config = command_reply(PS2_CMD_READ_CONFIG);
	if (config < 0) {
		ksnprintf(why, n, "no controller, configuration byte timeout");
		return -ENODEV;
	}
	/* the second port stays off whatever the byte read said: with its clock on, a mouse
	 * the firmware left streaming would fill the output buffer that keys need */
	config &= ~(PS2_CONFIG_PORT1_IRQ | PS2_CONFIG_PORT2_IRQ);
	config |= PS2_CONFIG_TRANSLATE | PS2_CONFIG_PORT2_CLOCK_OFF;
	if (write_config((uint8_t)config)) {
		ksnprintf(why, n, "no controller, configuration write timeout");
		return -ENODEV;
	}

	if (flags & PS2_INIT_SELF_TEST) {
		if (controller_self_test(why, n))
			return -ENODEV;
		/* the self-test may reset the controller: write the configuration again */
		if (write_config((uint8_t)config)) {
			ksnprintf(why, n, "controller lost after self-test");
			return -ENODEV;
		}
	}
	/* Read it back: a controller that keeps translation off would pass set 2 to the set-1
	 * decoder, every release a press. Both ports are off, so a byte found waiting came
	 * before (or, with the self-test, while it had them on): flushed, not taken for the
	 * configuration. */
	flush_output();
	readback = command_reply(PS2_CMD_READ_CONFIG);
	if (readback < 0) {
		ksnprintf(why, n, flags & PS2_INIT_SELF_TEST ? "controller lost after self-test"
							      : "controller lost after configuration");
		return -ENODEV;
	}

	ps2_config = (uint8_t)(config & ~PS2_CONFIG_PORT1_CLOCK_OFF);
	if (write_command(PS2_CMD_ENABLE_PORT1) || write_config(ps2_config)) {
		ksnprintf(why, n, "keyboard port does not enable");
		return -ENODEV;
	}
	err = reset_keyboard(readback & PS2_CONFIG_TRANSLATE, why, n);
	if (err == -ENXIO) {
		explain_no_keyboard(why, n);
		watchable = readback & PS2_CONFIG_TRANSLATE;
	}
	return err ? -ENODEV : 0;
}

/*
 * ps2_watch_port - see <lios/ps2.h>. A keyboard plugged in (or a KVM switch turned back)
 * sends its self-test verdict and scans with its power-on defaults, set 2, which the
 * controller translates: nothing needs to be sent to it. -ENODEV when the last ps2_init
 * did not leave the port watchable, -ETIMEDOUT when the controller takes no command.
 */
int ps2_watch_port(void)
{
	if (!watchable)
		return -ENODEV;
	ps2_config = (uint8_t)((ps2_config & ~PS2_CONFIG_PORT1_CLOCK_OFF) | PS2_CONFIG_PORT1_IRQ);
	if (write_command(PS2_CMD_ENABLE_PORT1) || write_config(ps2_config))
		return -ETIMEDOUT;
	return 0;
}

/*
 * ps2_enable_irq - set the first port's interrupt bit in the configuration byte.
 * Returns 0 or -ETIMEDOUT. Boot, after ps2_init returned 0, IRQ 1 masked at the PIC.
 */
int ps2_enable_irq(void)
{
	/* Not read back with PS2_CMD_READ_CONFIG: the keyboard scans already, and a key byte
	 * waiting at PS2_DATA would be taken for the configuration (0x1e | IRQ = translation
	 * off, keyboard clock off). Writing the known byte leaves that key for the IRQ. */
	ps2_config |= PS2_CONFIG_PORT1_IRQ;
	return write_config(ps2_config);
}

/*
 * ps2_kbd_byte_ready - a keyboard byte waits (mouse bytes do not count). IRQ context.
 */
bool ps2_kbd_byte_ready(void)
{
	uint8_t st = ps2_status();

	return (st & PS2_STATUS_OUTPUT_FULL) && !(st & PS2_STATUS_AUX_DATA);
}

/* ps2_drop_aux_byte - see <lios/ps2.h>. Never touches the ports after ps2_leave_alone. */
bool ps2_drop_aux_byte(void)
{
	const uint8_t aux = PS2_STATUS_OUTPUT_FULL | PS2_STATUS_AUX_DATA;
	uint8_t st;

	if (left_alone)
		return false;
	st = ps2_status();
	if (st == PS2_STATUS_ABSENT || (st & aux) != aux)
		return false;
	arch_pio_read8(PS2_DATA);
	return true;
}

/* ps2_read_data - the data port as it is, no wait (after ps2_kbd_byte_ready). IRQ context. */
uint8_t ps2_read_data(void) { return arch_pio_read8(PS2_DATA); }

/* ps2_leave_alone - see <lios/ps2.h>. Boot. */
void ps2_leave_alone(void) { left_alone = true; }

/*
 * ps2_reset_system - pulse the CPU reset line, PS2_RESET_PULSES times, each once the
 * controller has taken the one before (as Linux does: a controller busy with a keyboard
 * byte may drop a command). Returns only if that did not reset the machine: -EPERM when the
 * ports are left alone (no access), -ENODEV without a controller, -EIO otherwise. Any
 * context.
 */
int ps2_reset_system(void)
{
	if (left_alone)
		return -EPERM;
	if (ps2_status() == PS2_STATUS_ABSENT)
		return -ENODEV;
	for (int i = 0; i < PS2_RESET_PULSES; i++) {
		if (write_command(PS2_CMD_PULSE_RESET))
			break;
		udelay(PS2_RESET_PULSE_GAP_US);
	}
	mdelay(PS2_RESET_WAIT_MS);
	return -EIO;
}
