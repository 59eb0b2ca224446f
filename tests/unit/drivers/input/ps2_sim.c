// SPDX-License-Identifier: MIT
/*
 * The simulated 8042 controller and keyboard of test_ps2.c (ps2_sim.h): the port I/O and
 * the clock that src/drivers/input/ps2.c calls, defined here for the host (the host arch
 * library has none). Protocol violations (a write while the input buffer is full, a read of
 * an empty output buffer, a byte to a disabled port, an unknown command) are counted in
 * sim.violations and said on stderr; a driver that hangs (more than SIM_MAX_ACCESSES port
 * accesses) aborts the program.
 */
#include <lios/arch.h>
#include <lios/time.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ps2_sim.h"

struct sim sim;

static void sim_violation(const char *what, unsigned v)
{
	fprintf(stderr, "    sim: %s (0x%02x) at %llu us\n", what, v,
		(unsigned long long)sim.now_us);
	sim.violations++;
}

/* See ps2_sim.h. */
void sim_reset(void)
{
	sim = (struct sim){.now_us = BOOT_US, .config = CONFIG_FIRMWARE,
			   .self_test_reply = 0x55, .port_test_reply = 0x00,
			   .ctrl_reply_us = CTRL_REPLY_US,
			   .kbd_present = true, .kbd_bat = KBD_REPLY_BAT_OK, .kbd_bat_us = KBD_BAT_US,
			   .kbd_scanning = true, .kbd_repeat_key = -1, .kbd_set = 2,
			   .key_after_self_test = -1,
			   .kbd_key_before_ack = -1, .kbd_key_after_arg = -1,
			   .kbd_pending = -1, .kbd_refuse = -1, .kbd_ignore = -1,
			   .kbd_lost_ack = -1};
}

/* See ps2_sim.h. */
void sim_push(uint8_t b, bool aux, uint64_t delay_us)
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

void kbd_send(uint8_t b, uint64_t delay_us) { sim_push(b, false, delay_us); }

/* The keyboard acks the byte it is acting on, unless that ack is to be lost on the wire. */
static void kbd_ack(uint8_t v)
{
	if (v != sim.kbd_lost_ack)
		kbd_send(KBD_REPLY_ACK, KBD_REPLY_US);
}

/* The keyboard takes v as the argument of the command waiting for one: LED bits, or a scan
 * code set (1-3; anything else is refused with RESEND, and the wait ends as QEMU's does). */
static void kbd_argument(uint8_t v)
{
	int cmd = sim.kbd_pending;

	sim.kbd_pending = -1;
	if (cmd == KBD_CMD_SCANCODE_SET && v > 3) {
		kbd_send(KBD_REPLY_RESEND, KBD_REPLY_US);
		return;
	}
	if (cmd == KBD_CMD_SET_LEDS)
		sim.kbd_leds = v;
	if (cmd == KBD_CMD_SCANCODE_SET && v)
		sim.kbd_set = v;
	kbd_ack(v);
	if (sim.kbd_key_after_arg >= 0) { /* visible as soon as the ack is read */
		kbd_send((uint8_t)sim.kbd_key_after_arg, 0);
		sim.kbd_key_after_arg = -1;
	}
}

/* The keyboard receives one byte from the host. */
static void kbd_receive(uint8_t v)
{
	if (sim.kbd_nrx < sizeof(sim.kbd_rx))
		sim.kbd_rx[sim.kbd_nrx++] = v;
	if (!sim.kbd_present || v == sim.kbd_ignore)
		return;
	if (sim.kbd_resends || v == sim.kbd_refuse) {
		if (sim.kbd_resends && sim.kbd_resends != UINT_MAX)
			sim.kbd_resends--;
		kbd_send(KBD_REPLY_RESEND, KBD_REPLY_US);
		return;
	}
	if (sim.kbd_key_before_ack >= 0) {
		kbd_send((uint8_t)sim.kbd_key_before_ack, KBD_REPLY_US);
		sim.kbd_key_before_ack = -1;
	}
	if (sim.kbd_pending >= 0 && !(sim.kbd_cmd_ends_wait && (v & 0x80))) {
		kbd_argument(v);
		return;
	}
	sim.kbd_pending = -1;
	switch (v) {
	case KBD_CMD_RESET:
		sim.kbd_scanning = false;
		sim.kbd_leds = 0;
		sim.kbd_set = 2;
		if (sim.kbd_bat_first && sim.kbd_bat != NO_REPLY)
			kbd_send((uint8_t)sim.kbd_bat, KBD_REPLY_US);
		kbd_ack(v);
		if (!sim.kbd_bat_first && sim.kbd_bat != NO_REPLY)
			kbd_send((uint8_t)sim.kbd_bat, sim.kbd_bat_us);
		if (sim.kbd_bat != NO_REPLY)
			sim.kbd_scanning = sim.kbd_bat == KBD_REPLY_BAT_OK;
		return;
	case KBD_CMD_ENABLE_SCANNING:
	case KBD_CMD_DISABLE_SCANNING:
		sim.kbd_scanning = v == KBD_CMD_ENABLE_SCANNING;
		kbd_ack(v);
		return;
	case KBD_CMD_SET_LEDS:
	case KBD_CMD_SCANCODE_SET:
		sim.kbd_pending = v;
		kbd_ack(v);
		return;
	case KBD_CMD_IDENTIFY:
		kbd_ack(v);
		kbd_send(0xab, KBD_REPLY_US);
		kbd_send(0x83, KBD_REPLY_US);
		return;
	default: /* a command ps2.c never sends: a keyboard asks for it again */
		kbd_send(KBD_REPLY_RESEND, KBD_REPLY_US);
	}
}

/* The controller answers the command it took last (NO_REPLY: it does not), unless it has
 * gone mute. */
static void ctrl_reply(int b)
{
	if (b == NO_REPLY || (sim.mute_after && sim.cmds_taken > sim.mute_after))
		return;
	sim_push((uint8_t)b, false, sim.ctrl_reply_us);
}

static void ctrl_command(uint8_t c)
{
	if (sim.ncmds < sizeof(sim.cmds))
		sim.cmds[sim.ncmds++] = c;
	if (++sim.cmds_taken == sim.input_stuck_after)
		sim.input_stuck = true; /* this command still acts, the next is not taken */
	sim.expect_config = false;
	switch (c) {
	case PS2_CMD_READ_CONFIG: ctrl_reply(sim.config); break;
	case PS2_CMD_WRITE_CONFIG: sim.expect_config = true; break;
	case PS2_CMD_DISABLE_PORT2:
		if (!sim.ignores_port2_disable)
			sim.config |= PS2_CONFIG_PORT2_CLOCK_OFF;
		break;
	case PS2_CMD_DISABLE_PORT1: sim.config |= PS2_CONFIG_PORT1_CLOCK_OFF; break;
	case PS2_CMD_ENABLE_PORT1: sim.config &= ~PS2_CONFIG_PORT1_CLOCK_OFF; break;
	case PS2_CMD_SELF_TEST:
		sim.config = CONFIG_AFTER_SELF_TEST;
		ctrl_reply(sim.self_test_reply);
		if (sim.key_after_self_test >= 0) /* the reset configuration clocks port 1 */
			sim_push((uint8_t)sim.key_after_self_test, false, CTRL_REPLY_US);
		break;
	case PS2_CMD_TEST_PORT1: ctrl_reply(sim.port_test_reply); break;
	case PS2_CMD_PULSE_RESET: sim.pulses++; break;
	default: sim_violation("unknown controller command", c);
	}
}

static void ctrl_data(uint8_t v)
{
	if (sim.expect_config) {
		sim.expect_config = false;
		sim.config = sim.translate_off ? v & ~PS2_CONFIG_TRANSLATE : v;
	} else if (sim.config & PS2_CONFIG_PORT1_CLOCK_OFF) {
		sim_violation("byte to the disabled keyboard port", v);
	} else {
		if (!sim.kbd_present && sim.no_kbd_resend)
			sim_push(KBD_REPLY_RESEND, false, 15000);
		kbd_receive(v);
	}
}

static void sim_tick(void)
{
	sim.now_us += PIO_ACCESS_US;
	if (sim.kbd_repeat_key >= 0 && sim.now_us >= sim.kbd_repeat_next && sim.out_len < SIM_QUEUE) {
		sim_push((uint8_t)sim.kbd_repeat_key, false, 0);
		sim.kbd_repeat_next = sim.now_us + sim.kbd_repeat_us;
	}
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
