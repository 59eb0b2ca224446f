// SPDX-License-Identifier: MIT
/*
 * Host test of the 16550 driver (src/drivers/serial/uart16550.c), compiled into this
 * program against a simulated UART: the port I/O it calls (at COM1, or another port) and
 * the memory-mapped accesses it makes (uart_host_mmio_*, at a register stride of 1 or 4
 * bytes) land in the registers here, and the clock it waits on (<lios/time.h> deadlines)
 * advances by one microsecond on every access, as an ISA access costs, so a wait's length
 * is counted in accesses. Checks what a transmitter that never empties costs, that
 * printk's serial sink calling back into the driver for the "stopped" line does not
 * recurse, that a UART gone away after the probe gives no input, and that a UART in
 * memory with 32-bit registers is reached only by aligned 32-bit accesses, while one that
 * is not there is never used, that a UART found late gets the whole log replayed
 * (printk_add_sink_caught_up), once and in order, and that a 16550A's transmit FIFO is
 * filled 16 bytes per look at the line status, never past full, while a UART without
 * working FIFOs gets one byte per look, also when an interrupt or NMI handler prints in the
 * middle of a write.
 */
#include <string.h>
#include <lios/errno.h>
#include <lios/arch.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/time.h>
#include "log_capture.h"
#include "../../unit.h"

#define COM1 0x3f8
#define MMIO_AT 0x40000000u /* where the simulated memory-mapped UART "is" */
#define REG_THR 0
#define REG_DLL 0
#define REG_DLM 1
#define REG_IIR 2
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
	bool stuck;    /* the transmitter never empties */
	bool gone;     /* the UART went away: the bus floats, every read is 0xff */
	char tx[8192]; /* bytes sent on the line (loopback excluded) */
	size_t ntx;
	unsigned thr_full; /* bytes written while the holding register was not empty */
	uint64_t now_us;   /* the simulated clock: +1 per port access */
	uint16_t io_base;  /* the UART's I/O port (COM1 unless a test moves it) */
	bool in_mmio;      /* it is memory-mapped at MMIO_AT instead... */
	unsigned stride;   /* ...with registers this many bytes apart and wide */
	unsigned bad_mmio; /* memory accesses of the wrong width or alignment */
	size_t print_at;   /* when the line has carried this many bytes: printk a message */
	uint8_t dll, dlm;  /* the divisor latch */
	/* The transmit FIFO (fifo_depth 0: the holding register alone, always empty unless
	 * stuck): it sends one byte every DRAIN_US of the simulated clock. */
	uint8_t iir; /* what the interrupt identification register reads */
	unsigned fifo_depth, level, max_level, overflow, thre_seen;
	uint64_t drained_to;
	/* An interrupt handler that prints runs when the line has carried irq_at bytes: at
	 * once when interrupts are on, else when the test turns them on again (irq_pending);
	 * an NMI handler that prints runs at nmi_at bytes whatever the interrupt flag says. */
	size_t irq_at, nmi_at;
	bool irq_pending;
} uart = { .io_base = COM1 };

static void interrupt_arrives(void);
static void nmi_arrives(void);

#define DRAIN_US 87 /* a byte at 115200 baud */

static void drain(void)
{
	uint64_t sent = (uart.now_us - uart.drained_to) / DRAIN_US;

	uart.level = sent >= uart.level ? 0 : uart.level - (unsigned)sent;
	uart.drained_to += sent * DRAIN_US;
}

static uint8_t sim_read(unsigned r)
{
	uart.now_us++;
	if (r >= 8 || uart.gone)
		return 0xff;
	if (r <= REG_DLM && (uart.reg[REG_LCR] & LCR_DLAB))
		return r == REG_DLL ? uart.dll : uart.dlm;
	if (r == REG_IIR)
		return uart.iir;
	if (r == REG_LSR && uart.fifo_depth) {
		drain();
		uart.thre_seen += !uart.level;
		return (uint8_t)(uart.reg[REG_LSR] | (uart.level ? 0 : LSR_THRE));
	}
	if (r == REG_LSR)
		return (uint8_t)(uart.reg[REG_LSR] | (uart.stuck ? 0 : LSR_THRE));
	if (r == REG_THR && !(uart.reg[REG_LCR] & LCR_DLAB)) {
		uart.reg[REG_LSR] &= (uint8_t)~LSR_DR;
		return uart.rbr;
	}
	return uart.reg[r];
}

static void sim_write(unsigned r, uint8_t v)
{
	uart.now_us++;
	if (r >= 8)
		return;
	if (r <= REG_DLM && (uart.reg[REG_LCR] & LCR_DLAB)) {
		*(r == REG_DLL ? &uart.dll : &uart.dlm) = v;
		return;
	}
	if (r == REG_THR && !(uart.reg[REG_LCR] & LCR_DLAB)) {
		if (uart.reg[REG_MCR] & MCR_LOOP) { /* the probe's byte comes straight back */
			uart.rbr = v;
			uart.reg[REG_LSR] |= LSR_DR;
		} else if (uart.stuck) {
			uart.thr_full++;
		} else if (uart.fifo_depth && (drain(), uart.level == uart.fifo_depth)) {
			uart.overflow++; /* a real FIFO loses the byte */
		} else if (uart.ntx < sizeof(uart.tx) - 1) {
			uart.tx[uart.ntx++] = (char)v;
			if (uart.fifo_depth && ++uart.level > uart.max_level)
				uart.max_level = uart.level;
			if (uart.ntx == uart.print_at) /* as an interrupt handler would */
				printk("printed during the replay\n");
			if (uart.irq_at && uart.ntx == uart.irq_at)
				interrupt_arrives();
			if (uart.nmi_at && uart.ntx == uart.nmi_at)
				nmi_arrives();
		}
		return;
	}
	uart.reg[r] = v;
}

/* Port I/O reaches the UART only where it is: elsewhere nothing answers (all ones). */
uint8_t arch_pio_read8(uint16_t port)
{
	if (uart.in_mmio || port < uart.io_base)
		return 0xff;
	return sim_read(port - uart.io_base);
}

void arch_pio_write8(uint16_t port, uint8_t v)
{
	if (!uart.in_mmio && port >= uart.io_base)
		sim_write(port - uart.io_base, v);
}

/* A memory access: register (addr - MMIO_AT) / stride, counted as bad when its width is
 * not the stride or its address not a register's start. */
static int mmio_reg(uintptr_t addr, unsigned bytes)
{
	uintptr_t off = addr - MMIO_AT;

	if (!uart.in_mmio || addr < MMIO_AT || bytes != uart.stride || off % uart.stride) {
		uart.bad_mmio++;
		return -1;
	}
	return (int)(off / uart.stride);
}

uint32_t uart_host_mmio_read(uintptr_t addr, unsigned bytes)
{
	int r = mmio_reg(addr, bytes);

	return r < 0 ? 0xffffffffu : sim_read((unsigned)r);
}

void uart_host_mmio_write(uintptr_t addr, unsigned bytes, uint32_t v)
{
	int r = mmio_reg(addr, bytes);

	if (r >= 0)
		sim_write((unsigned)r, (uint8_t)v);
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

/* The simulated UART, fresh, at I/O port io (0: in memory at MMIO_AT, stride bytes). */
static void sim_reset(uint16_t io, unsigned stride)
{
	memset(&uart, 0, sizeof(uart));
	uart.io_base = io ? io : 0xffff;
	uart.in_mmio = !io;
	uart.stride = stride;
}

/* UARTs that are not COM1: memory-mapped with 32- and 8-bit registers, at another port,
 * and absent. */
static void moved_uarts(void)
{
	struct serial_port p = { .space = SERIAL_SPACE_MMIO,
				 .reg_bytes = 4,
				 .base = 0xfe030000,
				 .virt = MMIO_AT,
				 .baud = 115200 };

	/* 32-bit registers 4 bytes apart: the probe passes and a line goes out, every access
	 * 32 bits wide at a register's start; the divisor is 1 (115200 at 1.8432 MHz). */
	sim_reset(0, 4);
	CHECK_EQ(serial_init_port(&p), 0);
	CHECK(serial_present());
	CHECK_EQ(serial_baud(), 115200);
	CHECK_EQ(uart.dll, 1);
	CHECK_EQ(uart.dlm, 0);
	serial_write("hi\n", 3);
	CHECK_EQ(uart.ntx, 4);
	CHECK(memcmp(uart.tx, "hi\r\n", 4) == 0);
	CHECK_EQ(uart.bad_mmio, 0);
	uart.rbr = 'y';
	uart.reg[REG_LSR] |= LSR_DR;
	CHECK_EQ(serial_read(), 'y');

	/* The same UART seen by a driver that uses byte strides would miss: the simulated
	 * device takes 8-bit accesses as bad, and nothing is used. */
	sim_reset(0, 4);
	p.reg_bytes = 1;
	CHECK(serial_init_port(&p) != 0);
	CHECK(!serial_present());
	CHECK(uart.bad_mmio > 0);

	/* 8-bit registers, baud "as is": the divisor the firmware left (12: 9600) is kept. */
	sim_reset(0, 1);
	uart.dll = 12;
	p.baud = 0;
	CHECK_EQ(serial_init_port(&p), 0);
	CHECK_EQ(serial_baud(), 9600);
	CHECK_EQ(uart.dll, 12);
	CHECK_EQ(uart.bad_mmio, 0);

	/* 57600 on a 14.7456 MHz clock: divisor 16. */
	sim_reset(0, 1);
	p.baud = 57600;
	p.clock_hz = 14745600;
	CHECK_EQ(serial_init_port(&p), 0);
	CHECK_EQ(uart.dll, 16);
	CHECK_EQ(serial_baud(), 57600);

	/* A clock near the top of the SPCR's 32-bit field (no real UART, a broken table): the
	 * divisor is still the nearest, 2330 at 115200, never a wrapped sum's 0 and a refusal. */
	sim_reset(0, 1);
	p.baud = 115200;
	p.clock_hz = 4294900000u;
	CHECK_EQ(serial_init_port(&p), 0);
	CHECK_EQ(uart.dll | uart.dlm << 8, 2330);
	CHECK_EQ(serial_baud(), 115206);

	/* Nothing in memory there (all ones): not used, writes go nowhere without waiting. */
	sim_reset(0, 4);
	uart.gone = true;
	p = (struct serial_port){ .space = SERIAL_SPACE_MMIO, .reg_bytes = 4, .virt = MMIO_AT };
	CHECK_EQ(serial_init_port(&p), -ENODEV);
	CHECK(!serial_present());
	CHECK_EQ(serial_baud(), 0);
	uart.now_us = 0;
	serial_write("lost\n", 5);
	CHECK_EQ(uart.now_us, 0);
	CHECK_EQ(serial_read(), -1);

	/* A register width the driver cannot drive: refused before any access. */
	p.reg_bytes = 2;
	CHECK_EQ(serial_init_port(&p), -EINVAL);
	p = (struct serial_port){ .space = SERIAL_SPACE_IO, .reg_bytes = 4, .base = 0x2f8 };
	CHECK_EQ(serial_init_port(&p), -EINVAL);

	/* A 16550 at I/O port 0x2f8 (COM2, as an SPCR names it): COM1 finds nothing there,
	 * the port itself works. */
	sim_reset(0x2f8, 1);
	CHECK_EQ(serial_init(), -ENODEV);
	p = (struct serial_port){
		.space = SERIAL_SPACE_IO, .reg_bytes = 1, .base = 0x2f8, .baud = 115200
	};
	CHECK_EQ(serial_init_port(&p), 0);
	serial_write("2f8\n", 4);
	CHECK(memcmp(uart.tx, "2f8\r\n", 5) == 0);
}

/* A UART found late (kmain's serial_find_late) gets what the log holds, every level, once
 * and in order; a message printed while that replay runs (here by the line's 40th byte, as
 * an interrupt handler would between two messages) arrives once, after what was there
 * before; what is printed later goes to it as to any sink. */
static void late_replay(void)
{
	struct serial_port p = {
		.space = SERIAL_SPACE_IO, .reg_bytes = 1, .base = 0x2f8, .baud = 115200
	};
	const char *info, *during, *after;

	printk(KERN_DEBUG "early debug detail\n");
	printk("early info\n");
	sim_reset(0x2f8, 1);
	CHECK_EQ(serial_init_port(&p), 0);
	uart.print_at = 40;
	CHECK_EQ(printk_add_sink_caught_up(serial_write, 7), 0);
	uart.print_at = 0;
	printk("after the replay\n");
	printk_remove_sink(serial_write);

	CHECK_EQ(count(uart.tx, "early debug detail\r\n"), 1);
	CHECK_EQ(count(uart.tx, "early info\r\n"), 1);
	CHECK_EQ(count(uart.tx, "printed during the replay\r\n"), 1);
	CHECK_EQ(count(uart.tx, "after the replay\r\n"), 1);
	/* the older messages too: the first "stopped" line of this program, once */
	CHECK_EQ(count(uart.tx, "serial: COM1 not ready to send for 2 ms"), 1);
	info = strstr(uart.tx, "early info");
	during = strstr(uart.tx, "printed during");
	after = strstr(uart.tx, "after the replay");
	CHECK(info && during && after && info < during && during < after);
}

/* 30 characters and the line end: 32 bytes on the line ("\r\n"), two whole FIFOs, so a
 * write that takes it in the middle of another finds the room counter at 0. */
#define IRQ_MSG "usb: 1-2: keyboard plugged in."
#define NMI_MSG "nmi: NMI of no chipset source."

/* The handlers: each prints a line, as a USB keyboard becoming ready or an NMI does. */
static void interrupt_arrives(void)
{
	uart.irq_at = 0;
	if (!arch_irqs_enabled()) {
		uart.irq_pending = true; /* the CPU takes it when interrupts are on again */
		return;
	}
	printk(IRQ_MSG "\n");
}

static void nmi_arrives(void)
{
	uart.nmi_at = 0;
	printk(NMI_MSG "\n");
}

/* After the thread's write, interrupts on: a handler held back by them runs now. */
static void interrupts_on_again(void)
{
	if (uart.irq_pending) {
		uart.irq_pending = false;
		printk(IRQ_MSG "\n");
	}
}

/* A handler's message lands while a write is under way, right after one of its bytes went
 * into the 16550A's FIFO: an interrupt while thread context writes with interrupts on (the
 * shell's `clear`), an NMI inside printk's own serial write. The FIFO never overflows: the
 * thread's bytes and the handler's line all arrive, the thread's escape sequence whole,
 * and the next 200 bytes after them too. Before, the handler's write took the room the
 * thread had counted on, then the thread counted its byte off the handler's count: at 0 it
 * wrapped to 4 billion, and every later byte went into a full FIFO without a look at the
 * line status (the serial log lost for the rest of the boot). */
static void handler_inside_a_write(void)
{
	static const char clear[] = "\033[2J\033[H";
	char line[200];

	memset(line, 'w', sizeof(line));
	sim_reset(COM1, 1);
	uart.iir = 0xc1;
	uart.fifo_depth = 16;
	CHECK_EQ(serial_init(), 0);
	printk_add_sink(serial_sink, false);

	/* an interrupt at the thread's first byte (interrupts on: thread context) */
	CHECK_EQ(host_irq_state, 1);
	uart.irq_at = 1;
	serial_write(clear, sizeof(clear) - 1);
	CHECK_EQ(host_irq_state, 1);
	interrupts_on_again();
	CHECK_EQ(uart.overflow, 0);
	CHECK(memcmp(uart.tx, clear, sizeof(clear) - 1) == 0);
	CHECK_EQ(count(uart.tx, IRQ_MSG "\r\n"), 1);
	CHECK_EQ(uart.ntx, sizeof(clear) - 1 + sizeof(IRQ_MSG) + 1);
	uart.ntx = 0;
	memset(uart.tx, 0, sizeof(uart.tx));
	serial_write(line, sizeof(line));
	CHECK_EQ(uart.ntx, sizeof(line));
	CHECK_EQ(uart.overflow, 0);

	/* an NMI at the first byte of a printk's line (interrupts off in printk), on a UART
	 * started afresh */
	sim_reset(COM1, 1);
	uart.iir = 0xc1;
	uart.fifo_depth = 16;
	CHECK_EQ(serial_init(), 0);
	uart.nmi_at = 1;
	printk("a line printk sends\n");
	CHECK_EQ(uart.overflow, 0);
	CHECK_EQ(count(uart.tx, NMI_MSG "\r\n"), 1);
	CHECK_EQ(count(uart.tx, "line printk sends\r\n"), 1);
	uart.ntx = 0;
	memset(uart.tx, 0, sizeof(uart.tx));
	serial_write(line, sizeof(line));
	CHECK_EQ(uart.ntx, sizeof(line));
	CHECK_EQ(uart.overflow, 0);
	printk_remove_sink(serial_sink);
}

/* 200 bytes through a 16550A (IIR bits 7-6 set: FIFOs working): the driver looks at the
 * line status once per 16 bytes that find the FIFO empty (13 times), never writes into a
 * full FIFO, and fills it to 16. A 16450 (IIR 0x01) and an early 16550 whose FIFOs do not
 * work (0x81) have a one-byte holding register: a look per byte, nothing lost. */
static void fifo_burst(void)
{
	static const uint8_t iirs[] = { 0xc1, 0x01, 0x81 };
	char line[200];

	memset(line, 'f', sizeof(line));
	for (unsigned i = 0; i < sizeof(iirs); i++) {
		bool fifo = iirs[i] == 0xc1;

		sim_reset(COM1, 1);
		uart.iir = iirs[i];
		uart.fifo_depth = fifo ? 16 : 1;
		CHECK_EQ(serial_init(), 0);
		uart.thre_seen = 0;
		serial_write(line, sizeof(line));
		CHECK_EQ(uart.ntx, sizeof(line));
		CHECK_EQ(uart.overflow, 0);
		CHECK_EQ(uart.max_level, fifo ? 16 : 1);
		if (fifo)
			CHECK(uart.thre_seen <= sizeof(line) / 16 + 1);
		else
			CHECK(uart.thre_seen >= sizeof(line));
	}
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

	moved_uarts();
	late_replay();
	fifo_burst();
	handler_inside_a_write();
	return unit_exit("test_uart16550");
}
