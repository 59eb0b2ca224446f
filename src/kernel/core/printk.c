// SPDX-License-Identifier: MIT
/*
 * printk: formatting (kvsnprintf), the log ring buffer and the sinks.
 *
 * Every message is formatted into a bounded line buffer, appended to the ring (the last
 * LOG_RING_SIZE bytes of the boot are kept) and written to each registered sink whose level
 * admits it. In the ring each message is a record: LOG_MARK, the level digit, the text
 * (which never contains LOG_MARK). A sink added later (the screen console) may replay the
 * ring, filtered by its level, so nothing printed before it existed is lost. Interrupts are off while a message is emitted so lines never interleave; printk is
 * callable from any context, including exception handlers, and never allocates.
 * Pure apart from arch_irq_save: compiled for the host too (unit tests).
 */
#include <lios/arch.h>
#include <lios/ksyms.h>
#include <lios/printk.h>
#include <lios/string.h>

#ifdef LIOS_HOST
#include <stdio.h>
#endif

#define LOG_RING_SIZE 65536
#define PRINTK_LINE_MAX 1024
#define MAX_SINKS 4
#define LEVEL_DEFAULT 6 /* KERN_INFO */
#define LEVEL_SINK_DEFAULT 6
#define LOG_MARK '\001'

static char log_ring[LOG_RING_SIZE];
static size_t log_head;    /* total bytes ever written; ring index = head % size */

struct sink {
	printk_sink_fn fn;
	int level; /* messages with level <= this are sent */
};
static struct sink sinks[MAX_SINKS];

/* ------------------------------------------------------------------ formatting */

struct outbuf {
	char *buf;
	size_t size;
	size_t len; /* length of the full output, may exceed size */
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_str(struct outbuf *o, const char *s, int width, int prec, bool left)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while ((prec < 0 || len < prec) && s[len])
		len++;
	if (!left)
		out_pad(o, ' ', width - len);
	for (int i = 0; i < len; i++)
		out_char(o, s[i]);
	if (left)
		out_pad(o, ' ', width - len);
}

static void out_num(struct outbuf *o, uint64_t v, bool neg, unsigned base, bool upper,
		    int width, bool zero, bool left, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = prefix ? (int)strlen(prefix) : 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int total = n + (neg ? 1 : 0) + plen;
	if (!left && !zero)
		out_pad(o, ' ', width - total);
	if (neg)
		out_char(o, '-');
	for (int i = 0; i < plen; i++)
		out_char(o, prefix[i]);
	if (!left && zero)
		out_pad(o, '0', width - total);
	while (n)
		out_char(o, tmp[--n]);
	if (left)
		out_pad(o, ' ', width - total);
}

/* %pS: "name+0xoff" when the address is in a known function, else the raw address.
 * %pB (ret true): addr is a return address, so the function is the one holding addr - 1:
 * after a call to a noreturn function the return address is the next function's first
 * byte. The offset printed is still addr's. */
static void out_symbol(struct outbuf *o, uintptr_t addr, bool ret)
{
	uintptr_t off;
	const char *name = ksyms_lookup(ret && addr ? addr - 1 : addr, &off);

	if (!name) {
		out_num(o, addr, false, 16, false, 0, false, false, "0x");
		return;
	}
	out_str(o, name, 0, -1, false);
	out_num(o, ret && addr ? off + 1 : off, false, 16, false, 0, false, false, "+0x");
}

/*
 * Formats like vsnprintf into buf (always terminated when size > 0). Returns the length
 * the whole output would have. Supports the formats listed in printk.h. Any context.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = {buf, size, 0};

	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			out_char(&o, *p);
			continue;
		}
		bool left = false, zero = false, alt = false;
		int width = 0, prec = -1, lng = 0;

		for (;; p++) {
			if (p[1] == '-')
				left = true;
			else if (p[1] == '0')
				zero = true;
			else if (p[1] == '#')
				alt = true;
			else
				break;
		}
		if (p[1] == '*') {
			width = va_arg(ap, int);
			p++;
		} else {
			while (p[1] >= '0' && p[1] <= '9')
				width = width * 10 + (*++p - '0');
		}
		if (p[1] == '.') {
			p++;
			prec = 0;
			if (p[1] == '*') {
				prec = va_arg(ap, int);
				p++;
			} else {
				while (p[1] >= '0' && p[1] <= '9')
					prec = prec * 10 + (*++p - '0');
			}
		}
		for (;; p++) {
			if (p[1] == 'l')
				lng++;
			else if (p[1] == 'z')
				lng = 2;
			else if (p[1] == 'h')
				lng = lng > 0 ? lng : -1;
			else
				break;
		}
		char c = *++p;
		uint64_t u;
		int64_t s;

		switch (c) {
		case 'd':
		case 'i':
			s = lng >= 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng < 0)
				s = (short)s;
			out_num(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, false, width, zero, left, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			out_num(&o, u, false, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X', width, zero, left,
				alt && c != 'u' ? (c == 'o' ? "0" : "0x") : NULL);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			if (p[1] == 'S' || p[1] == 'B') {
				p++;
				out_symbol(&o, u, *p == 'B');
			} else {
				out_num(&o, u, false, 16, false, width, zero, left, "0x");
			}
			break;
		case 'c':
			out_pad(&o, ' ', left ? 0 : width - 1);
			out_char(&o, (char)va_arg(ap, int));
			out_pad(&o, ' ', left ? width - 1 : 0);
			break;
		case 's':
			out_str(&o, va_arg(ap, const char *), width, prec, left);
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			p--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, c);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ------------------------------------------------------------------ ring and sinks */

static void ring_put(char c) { log_ring[log_head++ % LOG_RING_SIZE] = c; }

static void ring_append(int level, const char *s, size_t len)
{
	ring_put(LOG_MARK);
	ring_put((char)('0' + level));
	for (size_t i = 0; i < len; i++)
		ring_put(s[i] == LOG_MARK ? '?' : s[i]);
}

/* Sends the ring's records with level <= max_level to fn, in order. The oldest record may
 * have been partly overwritten: text before the first complete mark is skipped. */
static void ring_replay(printk_sink_fn fn, int max_level)
{
	size_t pos = log_head > LOG_RING_SIZE ? log_head - LOG_RING_SIZE : 0;
	bool show = false, synced = log_head <= LOG_RING_SIZE;

	while (pos < log_head) {
		char c = log_ring[pos % LOG_RING_SIZE];
		if (c == LOG_MARK && pos + 1 < log_head) {
			int level = log_ring[(pos + 1) % LOG_RING_SIZE] - '0';
			show = level <= max_level;
			synced = true;
			pos += 2;
			continue;
		}
		/* Send the run of text up to the next mark or the ring's wrap point. */
		size_t run = 0, idx = pos % LOG_RING_SIZE;
		while (pos + run < log_head && idx + run < LOG_RING_SIZE && log_ring[idx + run] != LOG_MARK)
			run++;
		if (run == 0)
			run = 1; /* a lone trailing mark */
		if (show && synced)
			fn(&log_ring[idx], run);
		pos += run;
	}
}

static struct sink *find_sink(printk_sink_fn fn)
{
	for (int i = 0; i < MAX_SINKS; i++)
		if (sinks[i].fn == fn)
			return &sinks[i];
	return NULL;
}

/*
 * Registers a sink that receives all further output at its level (KERN_INFO to start
 * with); with replay, it first receives what the ring still holds. Returns 0 or -1 when all
 * slots are taken. Any context.
 */
int printk_add_sink(printk_sink_fn fn, bool replay)
{
	uint64_t irq = arch_irq_save();
	struct sink *s = find_sink(NULL);

	if (s) {
		if (replay)
			ring_replay(fn, LEVEL_SINK_DEFAULT);
		s->fn = fn;
		s->level = LEVEL_SINK_DEFAULT;
	}
	arch_irq_restore(irq);
	return s ? 0 : -1;
}

void printk_remove_sink(printk_sink_fn fn)
{
	struct sink *s = find_sink(fn);

	if (s)
		s->fn = NULL;
}

void printk_set_sink_level(printk_sink_fn fn, int level)
{
	struct sink *s = find_sink(fn);

	if (s)
		s->level = level;
}

void printk_dump_log(printk_sink_fn fn)
{
	uint64_t irq = arch_irq_save();

	ring_replay(fn, 7);
	arch_irq_restore(irq);
}

int vprintk(const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX];
	int level = LEVEL_DEFAULT, n;
	bool any = false;

	if (fmt[0] == '\001' && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	n = kvsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;

	uint64_t irq = arch_irq_save();
	ring_append(level, line, n);
	for (int i = 0; i < MAX_SINKS; i++) {
		if (sinks[i].fn) {
			if (level <= sinks[i].level)
				sinks[i].fn(line, n);
			any = true;
		}
	}
#ifdef LIOS_HOST
	if (!any)
		fwrite(line, 1, n, stderr);
#endif
	(void)any;
	arch_irq_restore(irq);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
