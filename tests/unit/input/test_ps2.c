// SPDX-License-Identifier: MIT
/*
 * Host tests of the 8042 driver (src/drivers/input/ps2.c, compiled into this program)
 * against a simulated controller with a keyboard on its first port. The simulation is the
 * port I/O: this file defines arch_pio_read8/arch_pio_write8 (the host arch library has
 * none) and the clock, <lios/time.h>'s deadline_us/deadline_passed/udelay, which advances
 * by one microsecond on every port access, as an ISA access costs, so every deadline in
 * ps2.c expires without sleeping. Faulty hardware (no controller, no keyboard, failed
 * self-tests, resend loops, a stuck input buffer) must give a bounded, explained failure;
 * the simulation also counts protocol violations (a write while the input buffer is full,
 * a read of an empty output buffer, a byte to a disabled port, an unknown command).
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/ps2.h>
#include <lios/time.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "../unit.h"

/* Controller registers, commands and configuration bits (8042 documentation names). */
#define PS2_DATA 0x60
#define PS2_STATUS 0x64 /* read */
#define PS2_COMMAND 0x64 /* write */
#define PS2_STATUS_OUTPUT_FULL 0x01
#define PS2_STATUS_INPUT_FULL 0x02
#define PS2_STATUS_SYSTEM_FLAG 0x04
#define PS2_STATUS_AUX_DATA 0x20
#define PS2_CMD_READ_CONFIG 0x20
#define PS2_CMD_WRITE_CONFIG 0x60
#define PS2_CMD_DISABLE_PORT2 0xa7
#define PS2_CMD_SELF_TEST 0xaa
#define PS2_CMD_TEST_PORT1 0xab
#define PS2_CMD_DISABLE_PORT1 0xad
#define PS2_CMD_ENABLE_PORT1 0xae
#define PS2_CMD_PULSE_RESET 0xfe
#define PS2_CONFIG_PORT1_IRQ 0x01
#define PS2_CONFIG_PORT2_IRQ 0x02
#define PS2_CONFIG_PORT1_CLOCK_OFF 0x10
#define PS2_CONFIG_PORT2_CLOCK_OFF 0x20
#define PS2_CONFIG_TRANSLATE 0x40
/* Keyboard commands and replies. */
#define KBD_CMD_SET_LEDS 0xed
#define KBD_CMD_ENABLE_SCANNING 0xf4
#define KBD_CMD_RESET 0xff
#define KBD_REPLY_ACK 0xfa
#define KBD_REPLY_RESEND 0xfe
#define KBD_REPLY_BAT_OK 0xaa
#define KBD_REPLY_BAT_FAIL 0xfc

/* Timing of the simulated machine, in microseconds. */
#define PIO_ACCESS_US 1       /* every port access */
#define CTRL_INPUT_US 4       /* the controller takes a written byte */
#define CTRL_REPLY_US 2       /* the controller answers a command */
#define KBD_REPLY_US 1000     /* one byte over the PS/2 wire */
#define KBD_BAT_US 300000     /* the keyboard's basic assurance test */
#define BOOT_US 1000000       /* the clock when a case starts */
#define SIM_MAX_ACCESSES 50000000u /* a driver hang, not a slow wait: abort the program */

#define CONFIG_FIRMWARE 0x47  /* left by the firmware: both IRQs, system flag, translation */
#define CONFIG_AFTER_SELF_TEST 0x33 /* self-test resets it: IRQs on, clocks off, no translation */

#define NO_REPLY -1
#define SIM_QUEUE 64

struct sim_byte {
	uint8_t b;
	bool aux;          /* from the second port */
	uint64_t ready_us; /* visible in the output buffer from then on */
};

static struct sim {
	uint64_t now_us;   /* true time: advanced by port accesses and delays */
	/* controller */
	bool absent;        /* nothing decodes the ports: every read is 0xff */
	bool dead_zero;     /* nothing answers, but the bus reads 0x00 */
	bool input_stuck;   /* input-full never clears, writes are lost */
	uint64_t input_busy_until;
	uint8_t config;
	bool expect_config; /* the next data byte is the configuration */
	int self_test_reply, port_test_reply; /* NO_REPLY: never answers */
	struct sim_byte out[SIM_QUEUE]; /* the output buffer and the bytes queued behind it */
	unsigned out_head, out_len;
	uint8_t last_out; /* what the data port reads when empty */
	uint8_t cmds[64];
	unsigned ncmds, pulses;
	/* keyboard on the first port */
	bool kbd_present;
	unsigned kbd_resends; /* answer this many bytes with RESEND first; UINT_MAX: always */
	int kbd_bat;          /* NO_REPLY: the self-test never ends */
	int kbd_key_before_ack; /* a key byte the keyboard sends ahead of its next ack */
	int kbd_pending;      /* command waiting for its argument, or -1 */
	bool kbd_scanning;
	uint8_t kbd_leds;
	uint8_t kbd_rx[32];
	unsigned kbd_nrx;
	/* accounting */
	unsigned reads, writes, violations;
} sim;

static void sim_violation(const char *what, unsigned v)
{
	fprintf(stderr, "    sim: %s (0x%02x) at %llu us\n", what, v,
		(unsigned long long)sim.now_us);
	sim.violations++;
}

/* A fresh machine: healthy controller and keyboard, the firmware's configuration. */
static void sim_reset(void)
{
	sim = (struct sim){.now_us = BOOT_US, .config = CONFIG_FIRMWARE,
			   .self_test_reply = 0x55, .port_test_reply = 0x00,
			   .kbd_present = true, .kbd_bat = KBD_REPLY_BAT_OK, .kbd_scanning = true,
			   .kbd_key_before_ack = -1, .kbd_pending = -1};
}

/* Queue a byte for the output buffer after delay_us, behind what is already queued. */
static void sim_push(uint8_t b, bool aux, uint64_t delay_us)
{
	uint64_t ready = sim.now_us + delay_us;

	if (sim.out_len == SIM_QUEUE) {
		sim_violation("output queue overflow", b);
		return;
	}
	if (sim.out_len && ready < sim.out[(sim.out_head + sim.out_len - 1) % SIM_QUEUE].ready_us)
		ready = sim.out[(sim.out_head + sim.out_len - 1) % SIM_QUEUE].ready_us;
	sim.out[(sim.out_head + sim.out_len++) % SIM_QUEUE] = (struct sim_byte){b, aux, ready};
}

static bool sim_output_full(void)
{
	return sim.out_len && sim.out[sim.out_head].ready_us <= sim.now_us;
}

static void kbd_send(uint8_t b, uint64_t delay_us) { sim_push(b, false, delay_us); }

/* The keyboard receives one byte from the host. */
static void kbd_receive(uint8_t v)
{
	if (sim.kbd_nrx < sizeof(sim.kbd_rx))
		sim.kbd_rx[sim.kbd_nrx++] = v;
	if (!sim.kbd_present)
		return;
	if (sim.kbd_resends) {
		if (sim.kbd_resends != UINT_MAX)
			sim.kbd_resends--;
		kbd_send(KBD_REPLY_RESEND, KBD_REPLY_US);
		return;
	}
	if (sim.kbd_key_before_ack >= 0) {
		kbd_send((uint8_t)sim.kbd_key_before_ack, KBD_REPLY_US);
		sim.kbd_key_before_ack = -1;
	}
	if (sim.kbd_pending >= 0) { /* the argument of the previous command */
		if (sim.kbd_pending == KBD_CMD_SET_LEDS)
			sim.kbd_leds = v;
		sim.kbd_pending = -1;
		kbd_send(KBD_REPLY_ACK, KBD_REPLY_US);
		return;
	}
	switch (v) {
	case KBD_CMD_RESET:
		sim.kbd_scanning = false;
		sim.kbd_leds = 0;
		kbd_send(KBD_REPLY_ACK, KBD_REPLY_US);
		if (sim.kbd_bat != NO_REPLY) {
			kbd_send((uint8_t)sim.kbd_bat, KBD_BAT_US);
			sim.kbd_scanning = sim.kbd_bat == KBD_REPLY_BAT_OK;
		}
		return;
	case KBD_CMD_ENABLE_SCANNING:
		sim.kbd_scanning = true;
		kbd_send(KBD_REPLY_ACK, KBD_REPLY_US);
		return;
	case KBD_CMD_SET_LEDS:
		sim.kbd_pending = v;
		kbd_send(KBD_REPLY_ACK, KBD_REPLY_US);
		return;
	default: /* a command ps2.c never sends: a keyboard asks for it again */
		kbd_send(KBD_REPLY_RESEND, KBD_REPLY_US);
	}
}

static void ctrl_command(uint8_t c)
{
	if (sim.ncmds < sizeof(sim.cmds))
		sim.cmds[sim.ncmds++] = c;
	sim.expect_config = false;
	switch (c) {
	case PS2_CMD_READ_CONFIG: sim_push(sim.config, false, CTRL_REPLY_US); break;
	case PS2_CMD_WRITE_CONFIG: sim.expect_config = true; break;
	case PS2_CMD_DISABLE_PORT2: sim.config |= PS2_CONFIG_PORT2_CLOCK_OFF; break;
	case PS2_CMD_DISABLE_PORT1: sim.config |= PS2_CONFIG_PORT1_CLOCK_OFF; break;
	case PS2_CMD_ENABLE_PORT1: sim.config &= ~PS2_CONFIG_PORT1_CLOCK_OFF; break;
	case PS2_CMD_SELF_TEST:
		sim.config = CONFIG_AFTER_SELF_TEST;
		if (sim.self_test_reply != NO_REPLY)
			sim_push((uint8_t)sim.self_test_reply, false, CTRL_REPLY_US);
		break;
	case PS2_CMD_TEST_PORT1:
		if (sim.port_test_reply != NO_REPLY)
			sim_push((uint8_t)sim.port_test_reply, false, CTRL_REPLY_US);
		break;
	case PS2_CMD_PULSE_RESET: sim.pulses++; break;
	default: sim_violation("unknown controller command", c);
	}
}

static void ctrl_data(uint8_t v)
{
	if (sim.expect_config) {
		sim.expect_config = false;
		sim.config = v;
	} else if (sim.config & PS2_CONFIG_PORT1_CLOCK_OFF) {
		sim_violation("byte to the disabled keyboard port", v);
	} else {
		kbd_receive(v);
	}
}

static void sim_tick(void)
{
	sim.now_us += PIO_ACCESS_US;
	if (sim.reads + sim.writes > SIM_MAX_ACCESSES) {
		fprintf(stderr, "sim: %u port accesses, the driver hangs\n",
			sim.reads + sim.writes);
		abort();
	}
}

uint8_t arch_pio_read8(uint16_t port)
{
	sim_tick();
	sim.reads++;
	if (sim.absent)
		return 0xff;
	if (sim.dead_zero)
		return 0x00;
	if (port == PS2_STATUS) {
		uint8_t st = PS2_STATUS_SYSTEM_FLAG;

		if (sim.input_stuck || sim.now_us < sim.input_busy_until)
			st |= PS2_STATUS_INPUT_FULL;
		if (sim_output_full())
			st |= PS2_STATUS_OUTPUT_FULL;
		if (sim_output_full() && sim.out[sim.out_head].aux)
			st |= PS2_STATUS_AUX_DATA;
		return st;
	}
	if (port != PS2_DATA || !sim_output_full()) {
		sim_violation("read of an empty output buffer or a foreign port", port);
		return sim.last_out;
	}
	sim.last_out = sim.out[sim.out_head].b;
	sim.out_head = (sim.out_head + 1) % SIM_QUEUE;
	sim.out_len--;
	return sim.last_out;
}

void arch_pio_write8(uint16_t port, uint8_t v)
{
	sim_tick();
	sim.writes++;
	if (sim.absent || sim.dead_zero)
		return;
	if (sim.input_stuck || sim.now_us < sim.input_busy_until) {
		sim_violation("write while input full", v);
		return;
	}
	sim.input_busy_until = sim.now_us + CTRL_INPUT_US;
	if (port == PS2_COMMAND)
		ctrl_command(v);
	else if (port == PS2_DATA)
		ctrl_data(v);
	else
		sim_violation("write to a foreign port", port);
}

uint64_t deadline_us(uint64_t us) { return sim.now_us + us; }

bool deadline_passed(uint64_t deadline) { return sim.now_us >= deadline; }

void udelay(uint64_t us) { sim.now_us += us; }

void mdelay(uint64_t ms) { sim.now_us += ms * 1000; }

/* ------------------------------------------------------------------ helpers */

static char why[80];

/* Simulated time since sim_reset(). */
static uint64_t elapsed_us(void) { return sim.now_us - BOOT_US; }

/* ps2_init with a marker in why, to see whether the driver wrote a reason. */
static int run_init(void)
{
	strcpy(why, "(untouched)");
	return ps2_init(why, sizeof(why));
}

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

static uint8_t strays[8];
static unsigned nstrays;

static void collect_stray(uint8_t b)
{
	if (nstrays < sizeof(strays))
		strays[nstrays++] = b;
}

/* ------------------------------------------------------------------ cases */

/* 1. Healthy controller and keyboard: 0; the exact bring-up order; the keyboard was reset
 * and enabled; translation on, IRQs off, port 2 disabled even though the self-test reset
 * the configuration; no protocol violation. ps2_enable_irq then sets only the port-1 IRQ. */
static void test_healthy(void)
{
	sim_reset();
	CHECK_EQ(run_init(), 0);
	CHECK_BYTES(sim.cmds, sim.ncmds, PS2_CMD_DISABLE_PORT1, PS2_CMD_DISABLE_PORT2,
		    PS2_CMD_READ_CONFIG, PS2_CMD_WRITE_CONFIG, PS2_CMD_SELF_TEST,
		    PS2_CMD_WRITE_CONFIG, PS2_CMD_TEST_PORT1, PS2_CMD_ENABLE_PORT1,
		    PS2_CMD_WRITE_CONFIG);
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
}

/* 2. No controller, every read 0xff (QEMU i8042=off): -ENODEV on the first status read,
 * "no controller", nothing written. A bus that reads 0x00 and answers nothing: -ENODEV
 * after one controller timeout (about 20 ms), "no controller". */
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
	CHECK(elapsed_us() < 100000);
}

/* 3. Controller present, nothing on port 1: -ENODEV "no keyboard, reset timeout" after the
 * reply timeout (50 ms), well under 100 ms of simulated time. The keyboard got one reset
 * and no retry; later keyboard commands time out too. */
static void test_no_keyboard(void)
{
	sim_reset();
	sim.kbd_present = false;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("no keyboard, reset timeout");
	CHECK(elapsed_us() < 100000);
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET);
	CHECK_EQ(sim.violations, 0);
	CHECK_EQ(ps2_kbd_command(KBD_CMD_SET_LEDS, 0, NULL), -ETIMEDOUT);
}

/* 4. Controller self-test answers 0xfc: -ENODEV "controller self-test failed, 0xfc", the
 * keyboard is never touched. No answer at all: "controller self-test timeout". */
static void test_self_test_fails(void)
{
	sim_reset();
	sim.self_test_reply = 0xfc;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("controller self-test failed, 0xfc");
	CHECK_EQ(sim.kbd_nrx, 0);
	CHECK_EQ(sim.violations, 0);

	sim_reset();
	sim.self_test_reply = NO_REPLY;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("controller self-test timeout");
}

/* 5. Port-1 test answers 0x01 (clock line stuck low): -ENODEV "keyboard port test failed,
 * 0x01", the port stays disabled and the keyboard untouched. No answer: "keyboard port
 * test timeout" (not an error number printed as a test result). */
static void test_port_test_fails(void)
{
	sim_reset();
	sim.port_test_reply = 0x01;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("keyboard port test failed, 0x01");
	CHECK(sim.config & PS2_CONFIG_PORT1_CLOCK_OFF);
	CHECK_EQ(sim.kbd_nrx, 0);

	sim_reset();
	sim.port_test_reply = NO_REPLY;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("keyboard port test timeout");
}

/* 6. The keyboard asks for the reset byte again once, then acks: 0, the reset was sent
 * twice. A keyboard that always asks again: -ENODEV "no keyboard, reset refused" after
 * three sends of the reset byte, nothing more. */
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
	CHECK_BYTES(sim.kbd_rx, sim.kbd_nrx, KBD_CMD_RESET, KBD_CMD_RESET, KBD_CMD_RESET);
	CHECK_EQ(sim.violations, 0);
}

/* 7. The keyboard acks the reset but its self-test reports 0xfc: -ENODEV "keyboard
 * self-test failed, 0xfc", scanning not enabled. A self-test that never ends: "keyboard
 * self-test timeout" within a second. */
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
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("keyboard self-test timeout");
	CHECK(elapsed_us() < 1000000);
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
 * timeout" after one controller timeout (20 ms), nothing written, no hang. */
static void test_input_stuck(void)
{
	sim_reset();
	sim.input_stuck = true;
	CHECK_EQ(run_init(), -ENODEV);
	CHECK_WHY("no controller, command timeout");
	CHECK(elapsed_us() < 100000);
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

/* 11. ps2_reset_system pulses the reset line once (command 0xfe), waits, and returns -EIO
 * because the simulated machine keeps running. Without a controller: -ENODEV, nothing
 * written. With a stuck input buffer: -EIO without a pulse. */
static void test_reset_system(void)
{
	sim_reset();
	CHECK_EQ(ps2_reset_system(), -EIO);
	CHECK_EQ(sim.pulses, 1);
	CHECK_BYTES(sim.cmds, sim.ncmds, PS2_CMD_PULSE_RESET);
	CHECK(elapsed_us() >= 50000);

	sim_reset();
	sim.absent = true;
	CHECK_EQ(ps2_reset_system(), -ENODEV);
	CHECK_EQ(sim.writes, 0);

	sim_reset();
	sim.input_stuck = true;
	CHECK_EQ(ps2_reset_system(), -EIO);
	CHECK_EQ(sim.pulses, 0);
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
 * buffer, after the first command's 20 ms timeout and a few more. */
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
	CHECK(elapsed_us() < 200000);
}

/* 14. The IRQ side: a mouse byte waiting is not a keyboard byte (not ready); a keyboard
 * byte is, and ps2_read_data returns it. */
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
}

int main(void)
{
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
	return unit_summary();
}
