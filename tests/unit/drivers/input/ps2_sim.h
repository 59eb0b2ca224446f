/* SPDX-License-Identifier: MIT */
/*
 * The machine test_ps2.c runs the 8042 driver on (ps2_sim.c): a controller with a keyboard
 * on its first port, simulated as the port I/O (arch_pio_read8/arch_pio_write8) and the
 * clock (<lios/time.h>'s deadline_us, deadline_passed, udelay, mdelay), which advances by
 * one microsecond on every port access. Each case sets the fields of 'sim' it needs after
 * sim_reset() and reads them afterwards. test_ps2_faults.c and test_kbd.c run on it too.
 */
#ifndef LIOS_TEST_PS2_SIM_H
#define LIOS_TEST_PS2_SIM_H
#include <stdbool.h>
#include <stdint.h>

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
#define KBD_CMD_SCANCODE_SET 0xf0
#define KBD_CMD_IDENTIFY 0xf2 /* ack, then the ID 0xab 0x83 */
#define KBD_CMD_ENABLE_SCANNING 0xf4
#define KBD_CMD_DISABLE_SCANNING 0xf5
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

struct sim {
	uint64_t now_us;   /* true time: advanced by port accesses and delays */
	/* controller */
	bool absent;        /* nothing decodes the ports: every read is 0xff */
	bool dead_zero;     /* nothing answers, but the bus reads 0x00 */
	bool input_stuck;   /* input-full never clears, writes are lost */
	bool translate_off; /* the translation bit does not stick: set 2 goes through as is */
	int key_after_self_test; /* a key byte right behind the self-test's answer, or -1 */
	/* A controller that goes away in the middle of the bring-up (0: never): it takes this
	 * many commands, the last one still acted on, and then its input buffer stays full... */
	unsigned input_stuck_after;
	/* ... or it takes every command but answers none after this many. */
	unsigned mute_after;
	uint64_t input_busy_until;
	uint8_t config;
	bool expect_config; /* the next data byte is the configuration */
	int self_test_reply, port_test_reply; /* NO_REPLY: never answers */
	uint64_t ctrl_reply_us; /* how long it takes to answer a command (CTRL_REPLY_US) */
	/* with no keyboard, a byte for the keyboard port is answered 0xfe after the
	 * controller's own 15 ms timeout, as an AT-compatible 8042 does; else nothing */
	bool no_kbd_resend;
	bool ignores_port2_disable; /* command 0xa7 does nothing (Linux: "Is this a SiS?") */
	struct sim_byte out[SIM_QUEUE]; /* the output buffer and the bytes queued behind it */
	unsigned out_head, out_len;
	uint8_t last_out; /* what the data port reads when empty */
	uint8_t cmds[64];
	unsigned ncmds, pulses;
	unsigned cmds_taken; /* every command, also those past cmds[] */
	/* keyboard on the first port */
	bool kbd_present;
	unsigned kbd_resends; /* answer this many bytes with RESEND first; UINT_MAX: always */
	int kbd_refuse;       /* a byte (command or argument) always answered RESEND, or -1 */
	int kbd_ignore;       /* a byte the keyboard never answers, or -1 */
	int kbd_bat;          /* NO_REPLY: the self-test never ends */
	uint64_t kbd_bat_us;  /* how long the self-test takes (KBD_BAT_US unless set) */
	bool kbd_bat_first;   /* the verdict comes before the reset's ack */
	int kbd_repeat_key;   /* a byte the keyboard sends every kbd_repeat_us, or -1 */
	uint64_t kbd_repeat_us, kbd_repeat_next;
	int kbd_key_before_ack; /* a key byte the keyboard sends ahead of its next ack */
	int kbd_key_after_arg;  /* a key byte it sends right behind a command argument's ack */
	int kbd_lost_ack;     /* a byte the keyboard acts on but whose ack is lost, or -1 */
	/* command waiting for its argument, or -1. The next byte is its argument, whatever it
	 * is (QEMU's keyboard); with kbd_cmd_ends_wait a byte with the top bit set ends the
	 * wait and runs as a command instead (IBM's Technical Reference). */
	int kbd_pending;
	bool kbd_cmd_ends_wait;
	bool kbd_scanning;
	uint8_t kbd_leds;
	uint8_t kbd_set;      /* scan code set the keyboard sends (2 after reset) */
	uint8_t kbd_rx[32];
	unsigned kbd_nrx;
	/* accounting */
	unsigned reads, writes, violations;
};
extern struct sim sim;

/* A fresh machine: healthy controller and keyboard, the firmware's configuration. */
void sim_reset(void);
/* Queue a byte for the output buffer after delay_us, behind what is already queued. */
void sim_push(uint8_t b, bool aux, uint64_t delay_us);
/* The keyboard sends b after delay_us. */
void kbd_send(uint8_t b, uint64_t delay_us);

#endif
