// SPDX-License-Identifier: MIT
/*
 * 16550 UART driver, polled: COM1 by default, or any 16550 the late discovery finds
 * (serial_find.c), at an I/O port or memory-mapped with a register stride of 1 or 4 bytes
 * (32-bit registers, of which the low byte counts), chosen at run time. The UART is probed
 * before use (scratch register, then the modem-control loopback test), so a machine
 * without one never blocks on a transmitter that does not exist; every wait on the line
 * status is bounded in time (<lios/time.h> deadlines). The UART starts before the TSC is
 * calibrated: until then a deadline assumes the fastest TSC, so a wait is at most a few
 * times longer, never shorter.
 *
 * A UART that passed the probe but never empties its transmitter (broken, or a port whose
 * cable flow control the chip obeys) would cost every byte the full wait, with interrupts
 * off inside printk: each message would take milliseconds per character. After one wait
 * that times out the port is marked stuck: bytes are dropped with a single look at the
 * line status each, no waiting, and output resumes by itself at the first byte that finds
 * the transmitter empty. That first timeout is said once per boot through printk, for the
 * screen and dmesg (the serial copy of that line is dropped like the rest).
 *
 * Context: serial_write runs in thread context with interrupts on (the shell's own writes)
 * as well as inside printk from any handler, and both share the transmit FIFO and tx_room,
 * the count of bytes it still takes. A write runs with interrupts off, as printk's do, so
 * a handler's message never lands inside it: neither between a look at tx_room and the
 * byte it allows (the handler would fill that room, and the byte, sent on the count taken
 * before, would overflow the FIFO and count tx_room down past 0, to 4 billion bytes sent
 * without another look), nor inside an escape sequence. An NMI still can, and printk
 * sends its message at once: each byte is counted off tx_room before it is written, so the
 * count never wraps and such a nested write costs at most a few bytes of a FIFO.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/time.h>

#define COM1_BASE 0x3f8
#define UART_THR 0 /* transmit holding (write, DLAB=0) */
#define UART_RBR 0 /* receive buffer (read, DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_IIR 2 /* interrupt identification (read): bits 7-6 say the FIFOs are on */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_SCR 7 /* scratch */

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07 /* enable FIFOs, clear both */
#define IIR_FIFOS_ON 0xc0     /* a 16550A with working FIFOs (a 16450 reads 00, a 16550 10) */
#define UART_FIFO_BYTES 16
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LSR_FLOATING 0xff /* no device decodes the port: every bit reads 1 */

#define UART_BAUD_DEFAULT 115200
#define UART_TX_TIMEOUT_US 2000  /* a full 16-byte FIFO drains in 1.4 ms at 115200 baud */
#define UART_LOOP_TIMEOUT_US 1000 /* one byte through the loopback: 87 us */

#define COM1_PORT                                                                           \
	{ .space = SERIAL_SPACE_IO, .reg_bytes = 1, .base = COM1_BASE, .baud = UART_BAUD_DEFAULT }
static const struct serial_port com1 = COM1_PORT;
static struct serial_port port = COM1_PORT; /* the UART in use, or the last one probed */
static char port_name[40];             /* "COM1", "UART at I/O 0x2f8", ... for messages */
static uint32_t port_baud;
static bool uart_ok;
static bool uart_stuck;      /* the transmitter did not empty in time: drop, don't wait */
static bool uart_stuck_said; /* the "serial output stopped" line was printed (once a boot) */
static unsigned fifo_bytes;  /* transmit FIFO depth: 16, or 1 without working FIFOs */
static unsigned tx_room;     /* bytes that may still be written since THRE was last seen */

#ifdef LIOS_HOST
/* Host tests simulate a memory-mapped UART behind these (bytes: 1 or 4). */
uint32_t uart_host_mmio_read(uintptr_t addr, unsigned bytes);
void uart_host_mmio_write(uintptr_t addr, unsigned bytes, uint32_t v);
#define mmio_read uart_host_mmio_read
#define mmio_write uart_host_mmio_write
#else
static uint32_t mmio_read(uintptr_t addr, unsigned bytes)
{
	return bytes == 4 ? *(volatile uint32_t *)addr : *(volatile uint8_t *)addr;
}
static void mmio_write(uintptr_t addr, unsigned bytes, uint32_t v)
{
	if (bytes == 4)
		*(volatile uint32_t *)addr = v;
	else
		*(volatile uint8_t *)addr = (uint8_t)v;
}
#endif

/* Register reg of the UART in use: I/O ports are consecutive; in memory, registers are
 * reg_bytes apart and accessed reg_bytes wide (only the low byte means anything). */
static uint8_t uart_in(unsigned reg)
{
	if (port.space == SERIAL_SPACE_IO)
		return arch_pio_read8((uint16_t)(port.base + reg));
	return (uint8_t)mmio_read(port.virt + reg * port.reg_bytes, port.reg_bytes);
}

static void uart_out(unsigned reg, uint8_t v)
{
	if (port.space == SERIAL_SPACE_IO)
		arch_pio_write8((uint16_t)(port.base + reg), v);
	else
		mmio_write(port.virt + reg * port.reg_bytes, port.reg_bytes, v);
}

/* Poll the line status until bit is set, at most timeout_us. Returns true when set. */
static bool wait_lsr(uint8_t bit, uint64_t timeout_us)
{
	uint64_t dl;

	if (uart_in(UART_LSR) & bit)
		return true;
	dl = deadline_us(timeout_us);
	while (!(uart_in(UART_LSR) & bit)) {
		if (deadline_passed(dl))
			return false;
		arch_cpu_relax();
	}
	return true;
}

/* The divisor for p's baud rate, 0 when it cannot be set; baud 0 keeps the divisor the
 * UART holds (the firmware's: the SPCR's "as is"), or 115200 when it holds none. */
static uint16_t uart_divisor(const struct serial_port *p)
{
	uint32_t clock = p->clock_hz ? p->clock_hz : SERIAL_CLOCK_PC;
	uint32_t baud = p->baud, div;
	uint64_t div64;
	uint8_t lcr;

	if (!baud) {
		lcr = uart_in(UART_LCR);
		uart_out(UART_LCR, lcr | LCR_DLAB);
		div = uart_in(UART_DLL) | (uint32_t)uart_in(UART_DLM) << 8;
		uart_out(UART_LCR, lcr);
		if (div)
			return (uint16_t)div;
		baud = UART_BAUD_DEFAULT;
	}
	/* in 64 bits: an SPCR may give any 32-bit clock and rate (clock + 8 * baud wrapped
	 * for a clock past 4,294,045,696 Hz at 115200, and the UART was refused) */
	div64 = ((uint64_t)clock + 8ull * baud) / (16ull * baud);
	return div64 && div64 <= 0xffff ? (uint16_t)div64 : 0;
}

/* serial_init_port - see <lios/serial.h>. */
int serial_init_port(const struct serial_port *p)
{
	uint32_t clock = p->clock_hz ? p->clock_hz : SERIAL_CLOCK_PC;
	uint16_t div;

	uart_ok = false;
	uart_stuck = false;
	if (p->reg_bytes != 1 && !(p->reg_bytes == 4 && p->space == SERIAL_SPACE_MMIO))
		return -EINVAL;
	port = *p;
	if (port.space == SERIAL_SPACE_IO && port.base == COM1_BASE)
		ksnprintf(port_name, sizeof(port_name), "COM1");
	else
		ksnprintf(port_name, sizeof(port_name), "UART at %s %#llx",
			  port.space == SERIAL_SPACE_IO ? "I/O" : "MMIO", (unsigned long long)port.base);
	uart_out(UART_SCR, 0x5a);
	if (uart_in(UART_SCR) != 0x5a)
		return -ENODEV;
	div = uart_divisor(p);
	if (!div)
		return -EINVAL;
	port_baud = clock / (16u * div);

	uart_out(UART_IER, 0);
	uart_out(UART_LCR, LCR_DLAB);
	uart_out(UART_DLL, div & 0xff);
	uart_out(UART_DLM, div >> 8);
	uart_out(UART_LCR, LCR_8N1);
	uart_out(UART_FCR, FCR_ENABLE_CLEAR);
	fifo_bytes = (uart_in(UART_IIR) & IIR_FIFOS_ON) == IIR_FIFOS_ON ? UART_FIFO_BYTES : 1;

	/* Loopback: a byte sent must come back. */
	uart_out(UART_MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
	uart_out(UART_THR, 0xae);
	wait_lsr(LSR_DATA_READY, UART_LOOP_TIMEOUT_US);
	if (uart_in(UART_RBR) != 0xae)
		return -ENODEV;

	uart_out(UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	tx_room = 0;
	uart_ok = true;
	return 0;
}

int serial_init(void) { return serial_init_port(&com1); }

uint32_t serial_baud(void) { return uart_ok ? port_baud : 0; }

bool serial_present(void) { return uart_ok; }

/* Send c, or drop it when the transmitter is stuck (see the top of the file). THRE with
 * the FIFOs on means the whole transmit FIFO is empty, so after seeing it fifo_bytes bytes
 * go out without another look at the line status: one status read per 16 bytes instead
 * of one per byte (each is an I/O cycle of about a microsecond on real hardware). */
static void serial_putc(char c)
{
	unsigned room = tx_room;

	if (room) {
		/* room left from the last THRE */
	} else if (uart_stuck) {
		if (!(uart_in(UART_LSR) & LSR_THR_EMPTY))
			return;
		uart_stuck = false; /* it drained after all: back to normal waits */
		room = fifo_bytes;
	} else if (!wait_lsr(LSR_THR_EMPTY, UART_TX_TIMEOUT_US)) {
		uart_stuck = true;
		return;
	} else {
		room = fifo_bytes;
	}
	tx_room = room - 1; /* counted off before the write: an NMI's write finds it taken */
	__atomic_signal_fence(__ATOMIC_SEQ_CST); /* not moved after a memory-mapped write */
	uart_out(UART_THR, (uint8_t)c);
}

/*
 * serial_write - see <lios/serial.h>. Interrupts are off while it writes (see the top).
 * The first time the transmitter is found stuck this prints one line; printk calls back
 * here for it (the serial sink), where the port is already marked stuck and the line said,
 * so that inner call only drops bytes.
 */
void serial_write(const char *s, size_t len)
{
	uint64_t irq;

	if (!uart_ok)
		return;
	irq = arch_irq_save();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	if (uart_stuck && !uart_stuck_said) {
		uart_stuck_said = true;
		printk(KERN_WARN "serial: %s not ready to send for %u ms: serial output "
				 "stopped until it is\n",
		       port_name, UART_TX_TIMEOUT_US / 1000);
	}
	arch_irq_restore(irq);
}

/*
 * serial_read - see <lios/serial.h>. A UART that went away after the probe (a card pulled,
 * a port the firmware turned off) leaves a floating bus whose line status reads 0xff, "data
 * ready" included: taking that as a byte would receive 0xff forever and keep the shell in
 * its input loop. It is no byte. A real 16550 that ever shows 0xff (a break with every
 * error bit) clears its error bits by that read, so its byte is taken at the next poll.
 */
int serial_read(void)
{
	uint8_t lsr;

	if (!uart_ok)
		return -1;
	lsr = uart_in(UART_LSR);
	if (lsr == LSR_FLOATING || !(lsr & LSR_DATA_READY))
		return -1;
	return uart_in(UART_RBR);
}
