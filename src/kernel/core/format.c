// SPDX-License-Identifier: MIT
/*
 * The formatter behind printk, ksnprintf and kvsnprintf: C's printf conversions as
 * <lios/printk.h> lists them, plus %pS and %pB (a code address by its symbol, ksyms.c).
 *
 * Output goes through one bounded buffer (struct outbuf) that counts the whole output's
 * length past its end, as vsnprintf does, so a caller learns how much was cut; nothing is
 * ever written past size - 1. A conversion the formatter does not know is printed as
 * written and consumes no argument, so a wrong format string shows in the log instead of
 * reading a stray argument. No allocation, no locks, no static state: any context (an NMI,
 * an exception handler, a printk sink) may format.
 * Pure: compiled for the host too (unit tests, fuzzers, benchmarks).
 */
#include <lios/ksyms.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "format.h"

struct outbuf {
	char *buf;
	size_t size;
	size_t len; /* length of the full output, may exceed size */
	char last;  /* the full output's last character, kept beyond size (format.h) */
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
	o->last = c;
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

/* How a number is laid out: sign ('-', '+', ' ' or 0), minimum field width, minimum digits
 * (prec, -1: none; with one, the '0' flag is ignored, as in C), padding and prefix. */
struct numfmt {
	char sign;
	int width, prec;
	bool zero, left;
	const char *prefix;
};

static void out_num(struct outbuf *o, uint64_t v, unsigned base, bool upper, const struct numfmt *f)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = f->prefix ? (int)strlen(f->prefix) : 0;
	bool zero = f->zero && f->prec < 0;

	if (v || f->prec != 0) /* C: precision 0 prints no digit for the value 0 */
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	int zeros = f->prec > n ? f->prec - n : 0;
	int total = n + zeros + (f->sign ? 1 : 0) + plen;

	if (!f->left && !zero)
		out_pad(o, ' ', f->width - total);
	if (f->sign)
		out_char(o, f->sign);
	for (int i = 0; i < plen; i++)
		out_char(o, f->prefix[i]);
	if (!f->left && zero)
		out_pad(o, '0', f->width - total);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (f->left)
		out_pad(o, ' ', f->width - total);
}

/* A plain hexadecimal number with prefix (addresses, symbol offsets). */
static void out_hex(struct outbuf *o, uint64_t v, const char *prefix)
{
	struct numfmt f = {0, 0, -1, false, false, prefix};

	out_num(o, v, 16, false, &f);
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
		out_hex(o, addr, "0x");
		return;
	}
	out_str(o, name, 0, -1, false);
	out_hex(o, ret && addr ? off + 1 : off, "+0x");
}

/* Formats fmt into o (see kvsnprintf). */
static void vformat(struct outbuf *o, const char *fmt, va_list ap)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			out_char(o, *p);
			continue;
		}
		bool left = false, zero = false, alt = false, plus = false, space = false;
		int width = 0, prec = -1, lng = 0;

		for (;; p++) {
			if (p[1] == '-')
				left = true;
			else if (p[1] == '0')
				zero = true;
			else if (p[1] == '#')
				alt = true;
			else if (p[1] == '+')
				plus = true;
			else if (p[1] == ' ')
				space = true;
			else
				break;
		}
		if (p[1] == '*') {
			width = va_arg(ap, int);
			p++;
			if (width < 0) { /* C: a negative width is '-' and its magnitude */
				left = true;
				width = width == INT32_MIN ? INT32_MAX : -width;
			}
		} else {
			while (p[1] >= '0' && p[1] <= '9')
				width = width * 10 + (*++p - '0');
		}
		if (p[1] == '.') {
			p++;
			prec = 0;
			if (p[1] == '*') {
				prec = va_arg(ap, int); /* negative: as if none (prec < 0) */
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
				lng = lng < 0 ? -2 : lng > 0 ? lng : -1; /* h: short, hh: char */
			else
				break;
		}
		char c = *++p;
		struct numfmt f = {0, width, prec, zero, left, NULL};
		uint64_t u;
		int64_t s;

		switch (c) {
		case 'd':
		case 'i':
			s = lng >= 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng == -2)
				s = (signed char)s;
			f.sign = s < 0 ? '-' : plus ? '+' : space ? ' ' : 0;
			out_num(o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, false, &f);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			/* '#': 0x before hexadecimal, also for 0 (as Linux does: log lines keep
			 * one shape), a leading 0 for octal (none more for 0) */
			if (alt && c != 'u' && (c != 'o' || u))
				f.prefix = c == 'o' ? "0" : c == 'X' ? "0X" : "0x";
			out_num(o, u, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X', &f);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			if (p[1] == 'S' || p[1] == 'B') {
				p++;
				out_symbol(o, u, *p == 'B');
			} else {
				f.prefix = "0x";
				out_num(o, u, 16, false, &f);
			}
			break;
		case 'c':
			out_pad(o, ' ', left ? 0 : width - 1);
			out_char(o, (char)va_arg(ap, int));
			out_pad(o, ' ', left ? width - 1 : 0);
			break;
		case 's':
			out_str(o, va_arg(ap, const char *), width, prec, left);
			break;
		case '%':
			out_char(o, '%');
			break;
		case '\0':
			p--;
			break;
		default: /* not a conversion printk knows: shown as written, nothing consumed */
			out_char(o, '%');
			out_char(o, c);
			break;
		}
	}
}

/*
 * Formats like vsnprintf into buf (always terminated when size > 0). Returns the length
 * the whole output would have. Supports the formats listed in printk.h. Any context.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	char last;

	return kvsnprintf_last(buf, size, fmt, ap, &last);
}

/* See format.h. */
int kvsnprintf_last(char *buf, size_t size, const char *fmt, va_list ap, char *last)
{
	struct outbuf o = {buf, size, 0, 0};

	vformat(&o, fmt, ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	*last = o.last;
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
