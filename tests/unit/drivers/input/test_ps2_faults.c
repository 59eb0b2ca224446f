// SPDX-License-Identifier: MIT
/*
 * Host tests of the refusals in ps2_init (src/drivers/input/ps2.c) that only a fault in the
 * middle of the bring-up reaches, on the simulated 8042 and keyboard of ps2_sim.c: a
 * controller that stops taking bytes, or stops answering, after its Nth command; a keyboard
 * that answers one byte with RESEND every time, or never answers it. test_ps2.c holds the
 * faults present from the start (no controller, no keyboard, failed self-tests). The
 * bring-up here runs the controller's self-test too (PS2_INIT_SELF_TEST, kbd.ps2=selftest),
 * the longest sequence, so that a fault can strike at every step. Each case
 * checks -ENODEV, the reason word for word (it is what "kbd: none (...)" prints), that the
 * driver gave up after the one wait that failed rather than stacking further timeouts, and
 * what it left behind: the commands and bytes sent up to the fault and none after it, the
 * interrupt bits of the configuration byte, no protocol violation.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/ps2.h>
#include <string.h>
#include "log_capture.h"
#include "../../unit.h"
#include "ps2_sim.h"

/* ps2.c's waits, so the bounds below say which wait ran out: */
#define CTRL_TIMEOUT_US 500000   /* PS2_TIMEOUT_US: the controller takes a byte, or answers */
#define KBD_TIMEOUT_US 200000    /* KBD_REPLY_TIMEOUT_US: the keyboard acks a byte */
#define BAT_TIMEOUT_US 1500000   /* KBD_BAT_TIMEOUT_US: the keyboard's self-test verdict */
#define SLACK_US 5000            /* the port accesses of the steps that did work */

/* ps2_init's controller commands on a healthy machine with the self-test, in order. */
static const uint8_t bringup[] = {
	PS2_CMD_DISABLE_PORT1, PS2_CMD_DISABLE_PORT2, PS2_CMD_READ_CONFIG,  PS2_CMD_WRITE_CONFIG,
	PS2_CMD_SELF_TEST,     PS2_CMD_WRITE_CONFIG,  PS2_CMD_READ_CONFIG,  PS2_CMD_ENABLE_PORT1,
	PS2_CMD_WRITE_CONFIG,
};

static char why[80];

static uint64_t elapsed_us(void) { return sim.now_us - BOOT_US; }

/* ps2_init from a fresh log, with a marker in why to show whether a reason was written. */
static int init_once(void)
{
	log_capture_clear();
	strcpy(why, "(untouched)");
	return ps2_init(PS2_INIT_SELF_TEST, why, sizeof(why));
}

/* why is want, word for word: a reason that lost a word or grew a suffix is another one. */
static void check_why_is(const char *want)
{
	UNIT_CHECKED();
	if (strcmp(why, want) != 0) {
		fprintf(stderr, "  why is \"%s\", expected \"%s\"\n", why, want);
		UNIT_FAIL();
	}
}

/* got[0..ngot) is exactly want[0..nwant). */
static void check_sent(const uint8_t *got, unsigned ngot, const uint8_t *want, unsigned nwant)
{
	CHECK_EQ(ngot, nwant);
	CHECK(ngot == nwant && memcmp(got, want, nwant) == 0);
}

/* Which scenario of a table failed, said under the failed checks of its iteration. */
static void say_scenario(int failures_before, const char *what, unsigned n)
{
	if (unit_failures_in_case != failures_before)
		fprintf(stderr, "    ... in scenario %s %u\n", what, n);
}

/* ------------------------------------------------------------------ the controller */

/*
 * A controller stuck after the first `stuck` commands of the bring-up: exactly those were
 * sent, and bytes only to it: the commands plus the configuration bytes of the earlier
 * WRITE_CONFIGs (a WRITE_CONFIG taken last had its byte refused). Nothing reached the
 * keyboard, no byte was written into the full input buffer, no answer was left unread,
 * and the driver gave up on the first wait that ran out.
 */
static void check_stopped_at(unsigned stuck)
{
	unsigned data = 0;

	for (unsigned i = 0; i + 1 < stuck; i++)
		data += bringup[i] == PS2_CMD_WRITE_CONFIG;
	check_sent(sim.cmds, sim.ncmds, bringup, stuck);
	CHECK_EQ(sim.writes, stuck + data);
	CHECK_EQ(sim.kbd_nrx, 0);
	CHECK_EQ(sim.out_len, 0);
	CHECK_EQ(sim.violations, 0);
	CHECK(elapsed_us() < CTRL_TIMEOUT_US + SLACK_US);
}

/* 1. The controller answers the configuration read, then takes no more input: stuck
 * before the WRITE_CONFIG command (3 commands taken) or before its byte (4). -ENODEV "no
 * controller, configuration write timeout", no self-test. The configuration is the
 * firmware's with both ports disabled: no byte of ours got in, the keyboard port stays off
 * (the firmware's interrupt bits stay too; IRQ 1 is masked). */
static void test_config_write_stuck(void)
{
	static const unsigned stuck[] = {3, 4};
	const uint8_t both_off = PS2_CONFIG_PORT1_CLOCK_OFF | PS2_CONFIG_PORT2_CLOCK_OFF;

	for (unsigned i = 0; i < sizeof(stuck) / sizeof(stuck[0]); i++) {
		int before = unit_failures_in_case;

		sim_reset();
		sim.input_stuck_after = stuck[i];
		CHECK_EQ(init_once(), -ENODEV);
		check_why_is("no controller, configuration write timeout");
		check_stopped_at(stuck[i]);
		CHECK_EQ(sim.config, CONFIG_FIRMWARE | both_off);
		say_scenario(before, "input stuck after command", stuck[i]);
	}
}

/* 2. The controller passes its self-test and then takes no more input, before the second
 * WRITE_CONFIG (5 commands) or before its byte (6): -ENODEV "controller lost after
 * self-test" after that one timeout, no read-back. The self-test's reset configuration
 * stays (interrupt bits on: nothing can write it now), but both ports' clocks are off, so
 * neither can interrupt. Without this check the read-back would give up in the same words
 * one timeout later: the time is what tells them apart. */
static void test_lost_after_self_test_write(void)
{
	static const unsigned stuck[] = {5, 6};

	for (unsigned i = 0; i < sizeof(stuck) / sizeof(stuck[0]); i++) {
		int before = unit_failures_in_case;

		sim_reset();
		sim.input_stuck_after = stuck[i];
		CHECK_EQ(init_once(), -ENODEV);
		check_why_is("controller lost after self-test");
		check_stopped_at(stuck[i]);
		CHECK_EQ(sim.config, CONFIG_AFTER_SELF_TEST);
		CHECK(sim.config & PS2_CONFIG_PORT1_CLOCK_OFF);
		CHECK(sim.config & PS2_CONFIG_PORT2_CLOCK_OFF);
		say_scenario(before, "input stuck after command", stuck[i]);
	}
}

/* 3. The controller takes the configuration again after its self-test but answers nothing
 * from then on (mute after 6 commands): the read-back gets no byte. -ENODEV "controller
 * lost after self-test" after one timeout, the port never enabled; the configuration is the
 * driver's: translation on, both interrupt bits off, both ports disabled. */
static void test_lost_after_self_test_read(void)
{
	sim_reset();
	sim.mute_after = 6;
	CHECK_EQ(init_once(), -ENODEV);
	check_why_is("controller lost after self-test");
	check_sent(sim.cmds, sim.ncmds, bringup, 7);
	CHECK_EQ(sim.writes, 7 + 2); /* and the two configuration bytes */
	CHECK_EQ(sim.config & (PS2_CONFIG_PORT1_IRQ | PS2_CONFIG_PORT2_IRQ), 0);
	CHECK(sim.config & PS2_CONFIG_TRANSLATE);
	CHECK(sim.config & PS2_CONFIG_PORT1_CLOCK_OFF);
	CHECK(sim.config & PS2_CONFIG_PORT2_CLOCK_OFF);
	CHECK_EQ(sim.kbd_nrx, 0);
	CHECK_EQ(sim.violations, 0);
	CHECK(elapsed_us() < CTRL_TIMEOUT_US + SLACK_US);
}

/* 4. The configuration reads back, then the controller takes no more input: before
 * ENABLE_PORT1 (7 commands), before the WRITE_CONFIG behind it (8), before that one's byte
 * (9). -ENODEV "keyboard port does not enable" after that one timeout; the keyboard is
 * never reset, both interrupt bits stay off. (At 8 and 9 the controller did enable the
 * port; with its interrupt off and IRQ 1 masked, nothing comes of it.) At 7, a driver that
 * went on past the refused ENABLE_PORT1 would fail the configuration write in the same
 * words: again only the time tells. */
static void test_port_does_not_enable(void)
{
	static const unsigned stuck[] = {7, 8, 9};

	for (unsigned i = 0; i < sizeof(stuck) / sizeof(stuck[0]); i++) {
		int before = unit_failures_in_case;

		sim_reset();
		sim.input_stuck_after = stuck[i];
		CHECK_EQ(init_once(), -ENODEV);
		check_why_is("keyboard port does not enable");
		check_stopped_at(stuck[i]);
		CHECK_EQ(sim.config & (PS2_CONFIG_PORT1_IRQ | PS2_CONFIG_PORT2_IRQ), 0);
		CHECK(sim.config & PS2_CONFIG_PORT2_CLOCK_OFF);
		say_scenario(before, "input stuck after command", stuck[i]);
	}
}

/* ------------------------------------------------------------------ the keyboard */

/* A keyboard that refuses (RESEND, every time) or ignores one byte, and what it then got. */
struct kbd_fault {
	int refuse, ignore;
	uint8_t rx[7]; /* the bytes the keyboard received, in order */
	unsigned nrx;
};

/* Sets up the fault of f on a fresh machine. */
static void kbd_fault_reset(const struct kbd_fault *f)
{
	sim_reset();
	sim.kbd_refuse = f->refuse;
	sim.kbd_ignore = f->ignore;
}

/* After a keyboard refusal: the keyboard got exactly f's bytes (none after the refused
 * one's third try, or after the ignored one), both interrupt bits are off, no
 * "ps2: ... used" warning claims a keyboard that was given up, no violation. */
static void check_kbd_gave_up(const struct kbd_fault *f)
{
	check_sent(sim.kbd_rx, sim.kbd_nrx, f->rx, f->nrx);
	CHECK_EQ(sim.config & (PS2_CONFIG_PORT1_IRQ | PS2_CONFIG_PORT2_IRQ), 0);
	CHECK(!log_captured("ps2:"));
	CHECK_EQ(sim.violations, 0);
}

/* 5. The controller keeps translation off, and the keyboard refuses scan code set 1: the
 * command (F0) or its argument (01) answered RESEND three times, or never answered.
 * -ENODEV "controller does not translate, keyboard refuses scan code set 1", within the
 * keyboard's self-test and one reply timeout. The keyboard is never told to scan (set 2
 * would reach the set-1 decoder: every release a press) and stays in set 2. When it had
 * acked F0, it is left waiting for no argument: its wait is ended with Disable (F5),
 * which as a scan code set it refuses (RESEND, the wait over) and then takes as the
 * command, so it stops scanning too. (Before that, the next byte a later bring-up sent
 * would have been taken for the scan code set.) */
static void test_set1_refused(void)
{
	static const struct kbd_fault faults[] = {
		{KBD_CMD_SCANCODE_SET, -1,
		 {KBD_CMD_RESET, KBD_CMD_SCANCODE_SET, KBD_CMD_SCANCODE_SET,
		  KBD_CMD_SCANCODE_SET},
		 4},
		{1, -1,
		 {KBD_CMD_RESET, KBD_CMD_SCANCODE_SET, 1, 1, 1, KBD_CMD_DISABLE_SCANNING,
		  KBD_CMD_DISABLE_SCANNING},
		 7},
		{-1, KBD_CMD_SCANCODE_SET, {KBD_CMD_RESET, KBD_CMD_SCANCODE_SET}, 2},
		{-1, 1,
		 {KBD_CMD_RESET, KBD_CMD_SCANCODE_SET, 1, KBD_CMD_DISABLE_SCANNING,
		  KBD_CMD_DISABLE_SCANNING},
		 5},
	};

	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		int before = unit_failures_in_case;

		kbd_fault_reset(&faults[i]);
		sim.translate_off = true;
		CHECK_EQ(init_once(), -ENODEV);
		check_why_is("controller does not translate, keyboard refuses scan code set 1");
		check_kbd_gave_up(&faults[i]);
		CHECK_EQ(sim.kbd_set, 2);
		CHECK_EQ(sim.kbd_pending, -1);
		if (faults[i].refuse == 1 || faults[i].ignore == 1) /* F0 acked, 01 failed */
			CHECK(!sim.kbd_scanning);
		CHECK(elapsed_us() < KBD_BAT_US + KBD_TIMEOUT_US + SLACK_US);
		say_scenario(before, "keyboard fault", i);
	}
}

/* ENABLE SCANNING refused three times, or never answered. */
static const struct kbd_fault enable_faults[] = {
	{KBD_CMD_ENABLE_SCANNING, -1,
	 {KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING, KBD_CMD_ENABLE_SCANNING,
	  KBD_CMD_ENABLE_SCANNING},
	 4},
	{-1, KBD_CMD_ENABLE_SCANNING, {KBD_CMD_RESET, KBD_CMD_ENABLE_SCANNING}, 2},
};

/* 6. The keyboard acks the reset, never sends its self-test verdict, and then refuses
 * ENABLE SCANNING: nothing shows a keyboard at all, and the missing verdict is what went
 * wrong first: -ENODEV "keyboard self-test timeout", after the verdict's timeout and one
 * reply timeout. The keyboard never scans; the warning that keeps such a keyboard is not
 * printed. */
static void test_bat_timeout_then_enable_refused(void)
{
	for (unsigned i = 0; i < sizeof(enable_faults) / sizeof(enable_faults[0]); i++) {
		int before = unit_failures_in_case;

		kbd_fault_reset(&enable_faults[i]);
		sim.kbd_bat = NO_REPLY;
		CHECK_EQ(init_once(), -ENODEV);
		check_why_is("keyboard self-test timeout");
		check_kbd_gave_up(&enable_faults[i]);
		CHECK(!sim.kbd_scanning);
		CHECK(elapsed_us() < BAT_TIMEOUT_US + KBD_TIMEOUT_US + SLACK_US);
		say_scenario(before, "keyboard fault", i);
	}
}

/* 7. The same refusal of ENABLE SCANNING after a good self-test: the keyboard is there
 * and only the enable failed: -ENODEV "keyboard does not enable scanning", within the
 * keyboard's self-test and one reply timeout (no verdict timeout waited). */
static void test_enable_refused(void)
{
	for (unsigned i = 0; i < sizeof(enable_faults) / sizeof(enable_faults[0]); i++) {
		int before = unit_failures_in_case;

		kbd_fault_reset(&enable_faults[i]);
		CHECK_EQ(init_once(), -ENODEV);
		check_why_is("keyboard does not enable scanning");
		check_kbd_gave_up(&enable_faults[i]);
		CHECK(elapsed_us() < KBD_BAT_US + KBD_TIMEOUT_US + SLACK_US);
		say_scenario(before, "keyboard fault", i);
	}
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_config_write_stuck);
	RUN(test_lost_after_self_test_write);
	RUN(test_lost_after_self_test_read);
	RUN(test_port_does_not_enable);
	RUN(test_set1_refused);
	RUN(test_bat_timeout_then_enable_refused);
	RUN(test_enable_refused);
	return unit_summary();
}
