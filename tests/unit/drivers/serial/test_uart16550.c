// SPDX-License-Identifier: MIT
/*
 * Host test of the COM1 16550 driver (src/drivers/serial/uart16550.c), compiled into this
 * program against a simulated UART: the port I/O it calls lands in the registers here,
 * and the clock it waits on (<lios/time.h> deadlines) advances by one microsecond on every
 * port access, as an ISA access costs, so a wait's length is counted in accesses. Checks
 * what a transmitter that never empties costs, that printk's serial sink calling back
 * into the driver for the "stopped" line does not recurse, and that a UART gone away
 * after the probe gives no input.
 */
#include <string.h>
#include <lios/arch.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/time.h>
#include "log_capture.h"
#include "../../unit.h"

#define COM1 0x3f8
#define REG_THR 0
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_SCR 7
#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_THRE 0x20

static struct {
	uint8_t reg[8], rbr;
	bool stuck;   /* the transmitter never empties */
	bool gone;    /* the UART went away: the bus floats, every read is 0xff */
	char tx[256]; /* bytes sent on the line (loopback excluded) */
	size_t ntx;
	unsigned thr_full; /* bytes written while the holding register was not empty */
	uint64_t now_us;   /* the simulated clock: +1 per port access */
} uart;

uint8_t arch_pio_read8(uint16_t port)
{
	unsigned r = port - COM1;

	uart.now_us++;
	if (r >= 8 || uart.gone)
		return 0xff;
	if (r == REG_LSR)
		return (uint8_t)(uart.reg[REG_LSR] | (uart.stuck ? 0 : LSR_THRE));
	if (r == REG_THR && !(uart.reg[REG_LCR] & LCR_DLAB)) {
		uart.reg[REG_LSR] &= (uint8_t)~LSR_DR;
		return uart.rbr;
	}
	return uart.reg[r];
}

void arch_pio_write8(uint16_t port, uint8_t v)
{
	unsigned r = port - COM1;

	uart.now_us++;
	if (r >= 8)
		return;
	if (r == REG_THR && !(uart.reg[REG_LCR] & LCR_DLAB)) {
		if (uart.reg[REG_MCR] & MCR_LOOP) { /* the probe's byte comes straight back */
			uart.rbr = v;
			uart.reg[REG_LSR] |= LSR_DR;
		} else if (uart.stuck) {
			uart.thr_full++;
		} else if (uart.ntx < sizeof(uart.tx)) {
			uart.tx[uart.ntx++] = (char)v;
		}
		return;
	}
	uart.reg[r] = v;
}

uint64_t deadline_us(uint64_t us) { return uart.now_us + us; }
bool deadline_passed(uint64_t deadline) { return uart.now_us >= deadline; }

/* printk's serial sink in the kernel (kmain's serial_sink): everything to the UART. */
static void serial_sink(const char *s, size_t len) { serial_write(s, len); }

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

int main(void)
{
	uint64_t t0;

	/* A working UART: the probe passes, "ab\n" goes out as "ab\r\n". */
	CHECK_EQ(serial_init(), 0);
	CHECK(serial_present());
	serial_write("ab\n", 3);
	CHECK_EQ(uart.ntx, 4);
	CHECK(memcmp(uart.tx, "ab\r\n", 4) == 0);

	/* The sinks of a kernel with a screen: serial first, then the screen (captured). */
	printk_add_sink(serial_sink, false);
	printk_add_sink(log_capture_sink, false);

	/* The transmitter stops emptying. A 100-byte message costs one timed-out wait (2 ms)
	 * and then one line-status read per byte: well under 3 ms in all, where waiting on
	 * every byte took 100 x 2 ms. Nothing is pushed into the full holding register. */
	uart.stuck = true;
	uart.ntx = 0;
	t0 = uart.now_us;
	printk("%0100d\n", 0);
	CHECK(uart.now_us - t0 < 3000);
	CHECK_EQ(uart.thr_full, 0);
	CHECK_EQ(uart.ntx, 0);

	/* The screen was told once, and the message the printk was for came after it; the
	 * serial sink's inner call for that line did not recurse (we got here). */
	CHECK_EQ(count(log_capture_buf, "serial output stopped"), 1);
	CHECK(strstr(log_capture_buf, "serial: COM1 not ready to send for 2 ms") != NULL);
	CHECK(strstr(log_capture_buf, "stopped until it is\n0000000000") != NULL);

	/* More output while stuck: no new wait at all (one read per byte), no second line. */
	t0 = uart.now_us;
	printk("%0100d\n", 1);
	CHECK(uart.now_us - t0 < 200);
	CHECK_EQ(count(log_capture_buf, "serial output stopped"), 1);

	/* The transmitter drains again: the next byte goes out, and the rest after it. */
	uart.stuck = false;
	serial_write("ok\n", 3);
	CHECK_EQ(uart.ntx, 4);
	CHECK(memcmp(uart.tx, "ok\r\n", 4) == 0);

	/* Stuck a second time: one more timed-out wait, then dropping again; the screen line
	 * is not repeated (once a boot). */
	uart.stuck = true;
	t0 = uart.now_us;
	printk("%0100d\n", 2);
	CHECK(uart.now_us - t0 < 3000);
	CHECK_EQ(count(log_capture_buf, "serial output stopped"), 1);

	printk_remove_sink(serial_sink);
	printk_remove_sink(log_capture_sink);

	/* Input: a received byte is read once, then nothing waits. */
	uart.stuck = false;
	uart.rbr = 'x';
	uart.reg[REG_LSR] |= LSR_DR;
	CHECK_EQ(serial_read(), 'x');
	CHECK_EQ(serial_read(), -1);

	/* The UART goes away after the probe (a card pulled, the port turned off): the bus
	 * floats and its line status reads 0xff, "data ready" included. That is no byte: the
	 * shell polls serial_read() until -1, and 0xff for ever kept it there (keyboard dead
	 * too). Output is still dropped without waiting. */
	uart.gone = true;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(serial_read(), -1);
	t0 = uart.now_us;
	serial_write("gone\n", 5);
	CHECK(uart.now_us - t0 < 100);
	return unit_exit("test_uart16550");
}
