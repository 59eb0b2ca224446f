// SPDX-License-Identifier: MIT
/*
 * Host tests of the 8042 driver (src/drivers/input/ps2.c, compiled into this program)
 * against a simulated controller with a keyboard on its first port. The simulation
 * (ps2_sim.c) is the port I/O: arch_pio_read8/arch_pio_write8 (the host arch library has
 * none) and the clock, <lios/time.h>'s deadline_us/deadline_passed/udelay, which advances
 * by one microsecond on every port access, as an ISA access costs, so every deadline in
 * ps2.c expires without sleeping. Faulty hardware (no controller, no keyboard, failed
 * self-tests, resend loops, a stuck input buffer) must give a bounded, explained failure;
 * the simulation also counts protocol violations (a write while the input buffer is full,
 * a read of an empty output buffer, a byte to a disabled port, an unknown command).
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/ps2.h>
#include <lios/time.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "log_capture.h"
#include "../../unit.h"
#include "ps2_sim.h"

/* ------------------------------------------------------------------ helpers */

static char why[80];

/* Simulated time since sim_reset(). */
static uint64_t elapsed_us(void) { return sim.now_us - BOOT_US; }

/* ps2_init (with flags) with a marker in why, to see whether the driver wrote a reason. */
static int run_init_flags(unsigned int flags)
{
	strcpy(why, "(untouched)");
	return ps2_init(flags, why, sizeof(why));
}

/* The same with the default flags (no controller self-test, as kbd_init without kbd.ps2=). */
static int run_init(void) { return run_init_flags(0); }

#define CHECK_WHY(text)                                                                 \
	do {                                                                            \
		CHECK(strstr(why, text) != NULL);                                       \
		if (!strstr(why, text))                                                 \
			fprintf(stderr, "    why is \"%s\", expected \"%s\"\n", why, text); \
	} while (0)

#define CHECK_BYTES(arr, n, ...)                                                        \
	do {                                                                            \
		static const uint8_t expect_[] = {__VA_ARGS__};                         \
		CHECK_EQ(n, sizeof(expect_));                                           \
		CHECK(n != sizeof(expect_) || memcmp(arr, expect_, sizeof(expect_)) == 0); \
	} while (0)

/* The configuration ps2_init leaves: translation on, port-1 IRQ as irq1 says (off after
 * ps2_init, on after ps2_enable_irq), port-2 IRQ off, port 1 clocked, port 2 disabled. */
static void check_config(bool irq1)
{
	CHECK(sim.config & PS2_CONFIG_TRANSLATE);
	CHECK_EQ(!!(sim.config & PS2_CONFIG_PORT1_IRQ), irq1);
	CHECK(!(sim.config & PS2_CONFIG_PORT2_IRQ));
	CHECK(!(sim.config & PS2_CONFIG_PORT1_CLOCK_OFF));
	CHECK(sim.config & PS2_CONFIG_PORT2_CLOCK_OFF);
}

/* why is want, word for word (CHECK_WHY only asks for a part). */
static void check_why_is(const char *want)
{
	CHECK(strcmp(why, want) == 0);
	if (strcmp(why, want) != 0)
		fprintf(stderr, "    why is \"%s\", expected \"%s\"\n", why, want);
}

/* How many times the controller was sent cmd. */
static unsigned count_cmds(uint8_t cmd)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sim.ncmds; i++)
		n += sim.cmds[i] == cmd;
	return n;
}

static uint8_t strays[8];
static unsigned nstrays;

static void collect_stray(uint8_t b)
{
	if (nstrays < sizeof(strays))
		strays[nstrays++] = b;
}

/* ------------------------------------------------------------------ cases */

/* 1. Healthy controller and keyboard: 0; the exact bring-up order, with no controller
 * self-test and no port test (Linux runs neither on x86: some laptops' keyboards die of
 * the self-test, some embedded controllers do not know the port test); the keyboard was
 * reset and enabled; translation on, IRQs off, port 2 disabled; no protocol violation.
 * ps2_enable_irq then sets only the port-1 IRQ. With kbd.ps2=selftest (PS2_INIT_SELF_TEST)
 * the self-test runs and the configuration is written again behind it, which it resets. */
static void test_healthy(void)
{
	sim_reset();
	CHECK_EQ(run_init(), 0);
	CHECK_BYTES(sim.cmds, sim.ncmds, PS2_CMD_DISABLE_PORT1, PS2_CMD_DISABLE_PORT2,
		    PS2_CMD_READ_CONFIG, PS2_CMD_WRITE_CONFIG, PS2_CMD_READ_CONFIG,
		    PS2_CMD_ENABLE_PORT1, PS2_CMD_WRITE_CONFIG);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	CHECK(sim.kbd_scanning);
	check_config(false);
	CHECK_EQ(sim.out_len, 0);
	CHECK_EQ(sim.violations, 0);
	CHECK(elapsed_us() < KBD_BAT_US + 100000); /* the BAT wait and little else */

	uint8_t before = sim.config;
	CHECK_EQ(ps2_enable_irq(), 0);
	CHECK_EQ(sim.config, before | PS2_CONFIG_PORT1_IRQ);
	CHECK_EQ(sim.violations, 0);

	sim_reset();
	CHECK_EQ(run_init_flags(PS2_INIT_SELF_TEST), 0);
	CHECK_BYTES(sim.cmds, sim.ncmds, PS2_CMD_DISABLE_PORT1, PS2_CMD_DISABLE_PORT2,
		    PS2_CMD_READ_CONFIG, PS2_CMD_WRITE_CONFIG, PS2_CMD_SELF_TEST,
		    PS2_CMD_WRITE_CONFIG, PS2_CMD_READ_CONFIG, PS2_CMD_ENABLE_PORT1,
		    PS2_CMD_WRITE_CONFIG);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	check_config(false);
	CHECK_EQ(sim.violations, 0);
}

/* 2. No controller, every read 0xff (QEMU i8042=off): -ENODEV on the first status read,
 * "no controller", nothing written. A bus that reads 0x00 and answers nothing: -ENODEV
 * after one controller timeout (500 ms), "no controller". */
static void test_no_controller(void)
{
	sim_reset();
	sim.absent = true;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("no controller");
	CHECK_EQ(sim.reads, 1); /* "recognised by its first status read" */
	CHECK_EQ(sim.writes, 0);

	sim_reset();
	sim.dead_zero = true;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("no controller");
	CHECK(elapsed_us() < 600000);
}

/* 3. Controller present, nothing on port 1, and a controller that says nothing about it:
 * the reset's ack is awaited 1 s, then Identify and Set LEDs 200 ms each (a keyboard that
 * skips the reset would answer those), then the port test explains; it passes, so why is
 * just "no keyboard, reset timeout", under 1.5 s of simulated time, and the port is left
 * off. Later keyboard commands time out too. A real 8042 answers a byte for an empty port
 * with RESEND after its own 15 ms timeout: then the same three commands are refused three
 * times each, "no keyboard, reset refused", in well under a second. */
static void test_no_keyboard(void)
{
	sim_reset();
	sim.kbd_present = false;
	CHECK_EQ(run_init(), -ENODEV);
	check_why_is("no keyboard, reset timeout");
	CHECK(elapsed_us() > 1400000 && elapsed_us() < 1500000);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_IDENTIFY, KBD_CMD_SET_LEDS);
	CHECK_EQ(count_cmds(PS2_CMD_TEST_PORT1), 1);
	CHECK(sim.config & PS2_CONFIG_PORT1_CLOCK_OFF);
	CHECK_EQ(sim.violations, 0);
	CHECK_EQ(ps2_kbd_command(KBD_CMD_SET_LEDS, 0, NULL), -ETIMEDOUT);

	sim_reset();
	sim.kbd_present = false;
	sim.no_kbd_resend = true;
	CHECK_EQ(run_init(), -ENODEV);
	check_why_is("no keyboard, reset refused");
	CHECK(elapsed_us() < 200000);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_RESET, KBD_CMD_RESET,
		    KBD_CMD_IDENTIFY, KBD_CMD_IDENTIFY, KBD_CMD_IDENTIFY, KBD_CMD_SET_LEDS,
		    KBD_CMD_SET_LEDS, KBD_CMD_SET_LEDS);
	CHECK_EQ(sim.violations, 0);
}

/* 4. With kbd.ps2=selftest: the controller self-test always answers 0xfc, but the
 * controller works (netbooks' embedded controllers): the test is asked three times, the
 * failure is said ("ps2: controller self-test failed"), and init goes on to a working
 * keyboard: 0, the keyboard reset and enabled, the configuration right. No answer at all:
 * "controller self-test timeout", the keyboard never touched. Without the option the same
 * controller is never asked the self-test: 0, no warning. */
static void test_self_test_fails(void)
{
	sim_reset();
	sim.self_test_reply = 0xfc;
	log_capture_clear();
	CHECK_EQ(run_init(), 0);
	CHECK_EQ(count_cmds(PS2_CMD_SELF_TEST), 0);
	CHECK(!log_captured("ps2:"));

	sim_reset();
	sim.self_test_reply = 0xfc;
	log_capture_clear();
	CHECK_EQ(run_init_flags(PS2_INIT_SELF_TEST), 0);
	CHECK_EQ(count_cmds(PS2_CMD_SELF_TEST), 3);
	CHECK(log_captured("ps2: controller self-test failed 3 times (0xfc)"));
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	check_config(false);
	CHECK_EQ(sim.violations, 0);

	sim_reset();
	sim.self_test_reply = NO_REPLY;
	CHECK_EQ(run_init_flags(PS2_INIT_SELF_TEST), -ENODEV);
	CHECK_WHY("controller self-test timeout");
	CHECK_EQ(sim.kbd_nrx, 0);
}

/* 5. The port test is asked only to explain a keyboard that did not answer. A controller
 * whose port test would answer 0x01 (or nothing: an embedded controller that does not
 * know it) with a working keyboard: 0, the test never sent. With no keyboard, its verdict
 * joins the reason: "no keyboard, reset timeout; keyboard port test failed, 0x01" (the
 * clock line stuck low), "...; keyboard port test: no answer" (no error number printed as
 * a test result), the port left off. */
static void test_port_test_fails(void)
{
	sim_reset();
	sim.port_test_reply = 0x01;
	CHECK_EQ(run_init(), 0);
	CHECK_EQ(count_cmds(PS2_CMD_TEST_PORT1), 0);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);

	sim_reset();
	sim.port_test_reply = NO_REPLY;
	CHECK_EQ(run_init(), 0);

	sim_reset();
	sim.kbd_present = false;
	sim.port_test_reply = 0x01;
	CHECK_EQ(run_init(), -ENODEV);
	check_why_is("no keyboard, reset timeout; keyboard port test failed, 0x01");
	CHECK(sim.config & PS2_CONFIG_PORT1_CLOCK_OFF);
	CHECK_EQ(sim.violations, 0);

	sim_reset();
	sim.kbd_present = false;
	sim.port_test_reply = NO_REPLY;
	CHECK_EQ(run_init(), -ENODEV);
	check_why_is("no keyboard, reset timeout; keyboard port test: no answer");
}

/* 6. The keyboard asks for the reset byte again once, then acks: 0, the reset was sent
 * twice. A keyboard that always asks again: -ENODEV "no keyboard, reset refused" after
 * three sends each of the reset, Identify and Set LEDs bytes, nothing more. */
static void test_resend(void)
{
	sim_reset();
	sim.kbd_resends = 1;
	CHECK_EQ(run_init(), 0);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	CHECK(sim.kbd_scanning);
	check_config(false);

	sim_reset();
	sim.kbd_resends = UINT_MAX;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("no keyboard, reset refused");
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_RESET, KBD_CMD_RESET,
		    KBD_CMD_IDENTIFY, KBD_CMD_IDENTIFY, KBD_CMD_IDENTIFY, KBD_CMD_SET_LEDS,
		    KBD_CMD_SET_LEDS, KBD_CMD_SET_LEDS);
	CHECK_EQ(sim.violations, 0);
}

/* 7. The keyboard acks the reset but its self-test reports 0xfc: -ENODEV "keyboard
 * self-test failed, 0xfc", scanning not enabled. A keyboard that acks the reset and never
 * sends a verdict (a KVM switch) but acks the enable: used, 0, with the missing verdict
 * said, within two seconds. */
static void test_keyboard_bat_fails(void)
{
	sim_reset();
	sim.kbd_bat = KBD_REPLY_BAT_FAIL;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("keyboard self-test failed, 0xfc");
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET);
	CHECK(!sim.kbd_scanning);

	sim_reset();
	sim.kbd_bat = NO_REPLY;
	log_capture_clear();
	CHECK_EQ(run_init(), 0);
	CHECK(log_captured("ps2: the keyboard sent no self-test result"));
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	CHECK(sim.kbd_scanning);
	CHECK(elapsed_us() < 2000000);
	CHECK_EQ(sim.violations, 0);
}

/* 8. The firmware left two keyboard bytes and a mouse byte in the output buffer: they are
 * flushed before the configuration is read, init succeeds with the right configuration. */
static void test_stale_bytes(void)
{
	sim_reset();
	sim_push(0x1e, false, 0);
	sim_push(0x9e, false, 0);
	sim_push(0x08, true, 0);
	CHECK_EQ(run_init(), 0);
	check_config(false);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	CHECK_EQ(sim.out_len, 0);
	CHECK_EQ(sim.violations, 0);
}

/* 9. A controller whose input buffer never empties: -ENODEV "no controller, command
 * timeout" after one controller timeout (500 ms), nothing written, no hang. */
static void test_input_stuck(void)
{
	sim_reset();
	sim.input_stuck = true;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("no controller, command timeout");
	CHECK(elapsed_us() < 600000);
	CHECK_EQ(sim.writes, 0);
}

/* 10. A key (0x1e) arrives between the LED command and its ack: the command succeeds, the
 * key goes to stray(), the keyboard got command and argument. Later the same with stray
 * NULL: the key is dropped, the command still succeeds. */
static void test_stray_byte(void)
{
	sim_reset();
	CHECK_EQ(run_init(), 0);
	nstrays = 0;
	sim.kbd_key_before_ack = 0x1e;
	sim.kbd_nrx = 0;
	CHECK_EQ(ps2_kbd_command(KBD_CMD_SET_LEDS, 0x02, collect_stray), 0);
	CHECK_BYTES(strays, nstrays, 0x1e);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_SET_LEDS, 0x02);
	CHECK_EQ(sim.kbd_leds, 0x02);

	sim.kbd_key_before_ack = 0x9e;
	CHECK_EQ(ps2_kbd_command(KBD_CMD_SET_LEDS, 0x04, NULL), 0);
	CHECK_EQ(sim.kbd_leds, 0x04);
	CHECK_EQ(sim.out_len, 0);
	CHECK_EQ(sim.violations, 0);
}

/* 11. ps2_reset_system pulses the reset line ten times (command 0xfe, each once the
 * controller took the one before, as Linux), waits, and returns -EIO because the simulated
 * machine keeps running. Without a controller: -ENODEV, nothing written. With a stuck input
 * buffer: -EIO without a pulse. */
static void test_reset_system(void)
{
	sim_reset();
	CHECK_EQ(ps2_reset_system(), -EIO);
	CHECK_EQ(sim.pulses, 10);
	CHECK_EQ(count_cmds(PS2_CMD_PULSE_RESET), 10);
	CHECK_EQ(sim.ncmds, 10);
	CHECK_EQ(sim.violations, 0);
	CHECK(elapsed_us() >= 50000);

	sim_reset();
	sim.absent = true;
	CHECK_EQ(ps2_reset_system(), -ENODEV);
	CHECK_EQ(sim.writes, 0);

	sim_reset();
	sim.input_stuck = true;
	CHECK_EQ(ps2_reset_system(), -EIO);
	CHECK_EQ(sim.pulses, 0);

	/* kbd.ps2=off (ps2_leave_alone): -EPERM and not one access to ports 0x60/0x64, where
	 * the pulse was sent anyway; ps2_init takes the ports back */
	sim_reset();
	ps2_leave_alone();
	CHECK_EQ(ps2_reset_system(), -EPERM);
	CHECK_EQ(sim.reads, 0);
	CHECK_EQ(sim.writes, 0);
	CHECK_EQ(sim.pulses, 0);
	sim_reset();
	CHECK_EQ(ps2_init(0, why, sizeof(why)), 0);
	CHECK_EQ(ps2_reset_system(), -EIO);
	CHECK_EQ(sim.pulses, 10);
}

/* 12. A key arrives after init, before ps2_enable_irq (a key held during boot): the
 * configuration must not be taken from the data port. Expected: only the port-1 IRQ bit
 * is added, the key byte still waits for the IRQ handler. */
static void test_key_before_enable_irq(void)
{
	sim_reset();
	CHECK_EQ(run_init(), 0);
	kbd_send(0x1e, 0);
	CHECK_EQ(ps2_enable_irq(), 0);
	check_config(true);
	CHECK(ps2_kbd_byte_ready());
	CHECK_EQ(ps2_read_data(), 0x1e);
	CHECK_EQ(sim.violations, 0);
}

/* 13. Every wait is bounded in time, not in polls: with no keyboard, init gives up after
 * the keyboard's reset timeouts (under 3 s of simulated time in all); with a stuck input
 * buffer, after the first command's 500 ms timeout. */
static void test_waits_bounded_in_time(void)
{
	sim_reset();
	sim.kbd_present = false;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("no keyboard, reset timeout");
	CHECK(elapsed_us() < 3000000);

	sim_reset();
	sim.input_stuck = true;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("no controller, command timeout");
	CHECK(elapsed_us() < 600000);
}

/* 14. The IRQ side: a mouse byte waiting is not a keyboard byte (not ready); a keyboard
 * byte is, and ps2_read_data returns it; ps2_drop_aux_byte throws away only mouse bytes. */
static void test_byte_ready(void)
{
	sim_reset();
	sim_push(0x08, true, 0);
	CHECK(!ps2_kbd_byte_ready());
	CHECK_EQ(ps2_read_data(), 0x08);
	sim_push(0x2c, false, 0);
	CHECK(ps2_kbd_byte_ready());
	CHECK_EQ(ps2_read_data(), 0x2c);
	CHECK(!ps2_kbd_byte_ready());
	CHECK_EQ(sim.violations, 0);

	/* ps2_drop_aux_byte: a mouse byte is read and dropped, a key byte left for the IRQ,
	 * nothing waiting is nothing; no controller (every bit of 0xff set, the AUX bit too)
	 * is never read */
	sim_push(0x08, true, 0);
	CHECK(ps2_drop_aux_byte());
	CHECK_EQ(sim.out_len, 0);
	sim_push(0x2c, false, 0);
	CHECK(!ps2_drop_aux_byte());
	CHECK_EQ(sim.out_len, 1);
	CHECK_EQ(ps2_read_data(), 0x2c);
	CHECK(!ps2_drop_aux_byte());
	sim_reset();
	sim.absent = true;
	CHECK(!ps2_drop_aux_byte());
	CHECK_EQ(sim.reads, 1);
	CHECK_EQ(sim.violations, 0);
}

/* 15. The keyboard's self-test takes a full second (the book says 750 ms at most; real
 * keyboards and KVM switches take longer): 0, no warning, its 0xaa is not left behind. */
static void test_slow_bat(void)
{
	sim_reset();
	sim.kbd_bat_us = 1000000;
	log_capture_clear();
	CHECK_EQ(run_init(), 0);
	CHECK(!log_captured("ps2:"));
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	CHECK_EQ(sim.out_len, 0);
	CHECK_EQ(sim.violations, 0);
}

/* 16. The keyboard sends its self-test verdict before the reset's ack (0xaa 0xfa instead
 * of 0xfa 0xaa): the verdict is taken: 0 without waiting for a second 0xaa (well under the
 * self-test timeout), no warning. A verdict 0xfc before the ack: "keyboard self-test
 * failed, 0xfc". */
static void test_bat_before_ack(void)
{
	sim_reset();
	sim.kbd_bat_first = true;
	log_capture_clear();
	CHECK_EQ(run_init(), 0);
	CHECK(!log_captured("ps2:"));
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	CHECK(elapsed_us() < 500000);
	CHECK_EQ(sim.violations, 0);

	sim_reset();
	sim.kbd_bat_first = true;
	sim.kbd_bat = KBD_REPLY_BAT_FAIL;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("keyboard self-test failed, 0xfc");
}

/* 17. A keyboard command gets no answer, but key bytes keep coming every 20 ms (a held
 * key repeating, a confused controller): each is handed to stray() and the command gives up
 * -ETIMEDOUT 200 ms after it was sent, not never. */
static void test_stream_is_no_answer(void)
{
	sim_reset();
	CHECK_EQ(run_init(), 0);
	sim.kbd_present = false;
	sim.kbd_repeat_key = 0x1e;
	sim.kbd_repeat_us = 20000;
	sim.kbd_repeat_next = sim.now_us;
	nstrays = 0;
	uint64_t t0 = sim.now_us;
	CHECK_EQ(ps2_kbd_command(KBD_CMD_SET_LEDS, 0x02, collect_stray), -ETIMEDOUT);
	CHECK(sim.now_us - t0 < 300000);
	CHECK(nstrays >= 2);
	CHECK_EQ(strays[0], 0x1e);
}

/* 18. A controller whose translation bit does not stick (it would pass the keyboard's
 * set 2 to the set-1 decoder: 'a' as Enter, every release as a press): the keyboard is
 * asked for scan code set 1 before scanning, 0, the reason said. The same keyboard on a
 * translating controller stays in set 2 and is sent no such command, also when a key byte
 * waits behind the self-test's answer as the configuration is read back. */
static void test_translation_stuck_off(void)
{
	sim_reset();
	sim.translate_off = true;
	log_capture_clear();
	CHECK_EQ(run_init(), 0);
	CHECK_EQ(sim.kbd_set, 1);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_SCANCODE_SET, 1,
		    KBD_CMD_ENABLE_SCANNING);
	CHECK(log_captured("ps2: the controller keeps translation off"));
	CHECK_EQ(sim.violations, 0);

	sim_reset();
	CHECK_EQ(run_init(), 0);
	CHECK_EQ(sim.kbd_set, 2);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);

	/* a key byte (0x1e: translation bit clear) slips in behind the self-test's answer,
	 * while the reset configuration had port 1 on: not taken for the configuration */
	sim_reset();
	sim.key_after_self_test = 0x1e;
	log_capture_clear();
	CHECK_EQ(run_init_flags(PS2_INIT_SELF_TEST), 0);
	CHECK_EQ(sim.kbd_set, 2);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	CHECK(!log_captured("ps2:"));
	CHECK_EQ(sim.violations, 0);
}

/* 19. An embedded controller's firmware answers each command after 30 ms (a chip answers
 * in microseconds; Linux waits 500 ms): 0, the keyboard reset and scanning, no warning.
 * Before: every wait was 20 ms and such a controller was "no controller, configuration
 * byte timeout". */
static void test_slow_controller(void)
{
	sim_reset();
	sim.ctrl_reply_us = 30000;
	log_capture_clear();
	CHECK_EQ(run_init(), 0);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING);
	CHECK(sim.kbd_scanning);
	CHECK(!log_captured("ps2:"));
	CHECK_EQ(sim.violations, 0);
}

/* 20. A keyboard that ignores Reset (some embedded controllers and KVM switches; Linux
 * never resets an x86 keyboard) but answers Identify (ack, 0xab 0x83): used without a
 * reset, 0, scanning, the ID bytes read (none left for the IRQ), the reason said. One that
 * also refuses Identify (RESEND every time) but acks Set LEDs: used, "it answers Set
 * LEDs". Before: "no keyboard, reset timeout", a dead keyboard. */
static void test_keyboard_skips_reset(void)
{
	sim_reset();
	sim.kbd_ignore = KBD_CMD_RESET;
	log_capture_clear();
	CHECK_EQ(run_init(), 0);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_IDENTIFY, KBD_CMD_ENABLE_SCANNING);
	CHECK(sim.kbd_scanning);
	CHECK_EQ(sim.out_len, 0);
	CHECK(log_captured("ps2: the keyboard did not answer the reset; it answers Identify (0xab "
			   "0x83), so it is used without one"));
	CHECK_EQ(sim.violations, 0);

	sim_reset();
	sim.kbd_ignore = KBD_CMD_RESET;
	sim.kbd_refuse = KBD_CMD_IDENTIFY;
	log_capture_clear();
	CHECK_EQ(run_init(), 0);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_IDENTIFY, KBD_CMD_IDENTIFY,
		    KBD_CMD_IDENTIFY, KBD_CMD_SET_LEDS, 0, KBD_CMD_ENABLE_SCANNING);
	CHECK(sim.kbd_scanning);
	CHECK(log_captured("ps2: the keyboard did not answer the reset; it answers Set LEDs, so it is "
			   "used without one"));
	CHECK_EQ(sim.violations, 0);
}

/* 21. A controller that ignores Disable for the second port (its configuration byte then
 * reads the mouse port's clock on): the configuration written turns it off all the same,
 * so a mouse the firmware left streaming cannot fill the output buffer keys need. */
static void test_port2_disable_ignored(void)
{
	sim_reset();
	sim.ignores_port2_disable = true;
	CHECK_EQ(run_init(), 0);
	check_config(false);
	CHECK_EQ(sim.violations, 0);
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_healthy);
	RUN(test_no_controller);
	RUN(test_no_keyboard);
	RUN(test_self_test_fails);
	RUN(test_port_test_fails);
	RUN(test_resend);
	RUN(test_keyboard_bat_fails);
	RUN(test_stale_bytes);
	RUN(test_input_stuck);
	RUN(test_stray_byte);
	RUN(test_reset_system);
	RUN(test_key_before_enable_irq);
	RUN(test_waits_bounded_in_time);
	RUN(test_byte_ready);
	RUN(test_slow_bat);
	RUN(test_bat_before_ack);
	RUN(test_stream_is_no_answer);
	RUN(test_translation_stuck_off);
	RUN(test_slow_controller);
	RUN(test_keyboard_skips_reset);
	RUN(test_port2_disable_ignored);
	return unit_summary();
}
