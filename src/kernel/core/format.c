// SPDX-License-Identifier: MIT
/*
 * The formatter behind printk, ksnprintf and kvsnprintf: C's printf conversions as
 * <lios/printk.h> lists them, plus %pS and %pB (a code address by its symbol, ksyms.c).
 *
 * Output goes through one bounded buffer (struct outbuf) that counts the whole output's
 * length past its end, as vsnprintf does, so a caller learns how much was cut; nothing is
 * ever written past size - 1, and padding past it is counted, not looped over, so a width
 * or precision of INT_MAX costs what the buffer holds. A conversion the formatter does not
 * know is printed as written and consumes no argument, so a wrong format string shows in
 * the log instead of reading a stray argument; so is one whose width or precision is
 * above INT32_MAX. No allocation, no locks, no static state: any context (an NMI, an
 * exception handler, a printk sink) may format.
 * Pure: compiled for the host too (unit tests, fuzzers, benchmarks).
 */
#include <lios/ksyms.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "format.h"

struct outbuf {
	char *buf;
	size_t size;
	size_t len; /* length of the full output, may exceed size and INT_MAX (64 bits: each
		     * conversion adds at most about 2^32, no format reaches 2^64) */
	char last;  /* the full output's last character, kept beyond size (format.h) */
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
	o->last = c;
}

/* n copies of c (none when n <= 0): those that fit are written, the rest only counted. */
static void out_pad(struct outbuf *o, char c, int n)
{
	if (n <= 0)
		return;
	for (; n > 0 && o->len + 1 < o->size; n--)
		o->buf[o->len++] = c;
	o->len += (size_t)n;
	o->last = c;
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
	/* up to INT_MAX digits and a sign and prefix: more than an int holds */
	int64_t total = (int64_t)n + zeros + (f->sign ? 1 : 0) + plen;
	int pad = f->width > total ? (int)(f->width - total) : 0;

	if (!f->left && !zero)
		out_pad(o, ' ', pad);
	if (f->sign)
		out_char(o, f->sign);
	for (int i = 0; i < plen; i++)
		out_char(o, f->prefix[i]);
	if (!f->left && zero)
		out_pad(o, '0', pad);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (f->left)
		out_pad(o, ' ', pad);
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

/* A conversion's specification: the flags, the field width and precision (-1: none), the
 * length modifier (-2 hh, -1 h, 0 none, 1 l, 2 ll or z) and the conversion character.
 * too_big: a width or precision written with more than an int holds (above INT32_MAX):
 * the conversion is malformed, shown as written like one printk does not know. */
struct spec {
	bool left, zero, alt, plus, space, too_big;
	int width, prec, lng;
	char conv;
};

/* Reads the decimal digits that follow p into *v (which starts at 0); returns where the
 * last one is. A number above INT32_MAX sets *too_big instead of overflowing *v. */
static const char *parse_digits(const char *p, int *v, bool *too_big)
{
	while (p[1] >= '0' && p[1] <= '9') {
		int d = *++p - '0';

		if (*v > (INT32_MAX - d) / 10)
			*too_big = true;
		else
			*v = *v * 10 + d;
	}
	return p;
}

/* Reads the specification that follows the '%' at p into *sp, taking '*' widths and
 * precisions from ap; returns where the conversion character is (the string's end when it
 * is missing). */
static const char *parse_spec(const char *p, va_list *ap, struct spec *sp)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; p++) {
		if (p[1] == '-')
			sp->left = true;
		else if (p[1] == '0')
			sp->zero = true;
		else if (p[1] == '#')
			sp->alt = true;
		else if (p[1] == '+')
			sp->plus = true;
		else if (p[1] == ' ')
			sp->space = true;
		else
			break;
	}
	if (p[1] == '*') {
		sp->width = va_arg(*ap, int);
		p++;
		if (sp->width < 0) { /* C: a negative width is '-' and its magnitude */
			sp->left = true;
			sp->width = sp->width == INT32_MIN ? INT32_MAX : -sp->width;
		}
	} else {
		p = parse_digits(p, &sp->width, &sp->too_big);
	}
	if (p[1] == '.') {
		p++;
		sp->prec = 0;
		if (p[1] == '*') {
			sp->prec = va_arg(*ap, int); /* negative: as if none (prec < 0) */
			p++;
		} else {
			p = parse_digits(p, &sp->prec, &sp->too_big);
		}
	}
	for (;; p++) {
		if (p[1] == 'l')
			sp->lng++;
		else if (p[1] == 'z')
			sp->lng = 2;
		else if (p[1] == 'h') /* h: short, hh: char */
			sp->lng = sp->lng < 0 ? -2 : sp->lng > 0 ? sp->lng : -1;
		else
			break;
	}
	sp->conv = *++p;
	return p;
}

/* The integer conversions (d i u x X o) of *sp, their argument taken from ap. */
static void out_integer(struct outbuf *o, const struct spec *sp, va_list *ap)
{
	struct numfmt f = {0, sp->width, sp->prec, sp->zero, sp->left, NULL};
	char c = sp->conv;
	uint64_t u;
	int64_t s;

	if (c == 'd' || c == 'i') {
		s = sp->lng >= 1 ? va_arg(*ap, long) : va_arg(*ap, int);
		if (sp->lng == -1)
			s = (short)s;
		else if (sp->lng == -2)
			s = (signed char)s;
		f.sign = s < 0 ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
		out_num(o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, false, &f);
		return;
	}
	u = sp->lng >= 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
	if (sp->lng == -1)
		u = (unsigned short)u;
	else if (sp->lng == -2)
		u = (unsigned char)u;
	/* '#': 0x before hexadecimal, also for 0 (as Linux does: log lines keep one shape); for
	 * octal the first digit is a 0: with a precision, C raises it just enough for that
	 * (the zeros it asks for may already start the number), else a leading 0 (none more
	 * for 0) */
	if (sp->alt && c == 'o' && sp->prec >= 0) {
		int digits = 0;

		for (uint64_t t = u; t; t >>= 3)
			digits++;
		if (f.prec <= digits)
			f.prec = digits + 1;
	} else if (sp->alt && c != 'u' && (c != 'o' || u)) {
		f.prefix = c == 'o' ? "0" : c == 'X' ? "0X" : "0x";
	}
	out_num(o, u, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X', &f);
}

/* A malformed conversion, from its '%' at start to its character at p, as written. */
static void out_written(struct outbuf *o, const char *start, const char *p)
{
	while (start <= p)
		out_char(o, *start++);
}

/* Writes the conversion *sp (written from start, the '%', to p, its character), its
 * argument taken from ap; returns the last character of the format it used (%pS and %pB
 * take one more). */
static const char *out_conversion(struct outbuf *o, const char *start, const char *p,
				  const struct spec *sp, va_list *ap)
{
	struct numfmt f = {0, sp->width, sp->prec, sp->zero, sp->left, "0x"};
	uint64_t u;

	if (sp->too_big && sp->conv != '\0') {
		out_written(o, start, p);
		return p;
	}
	switch (sp->conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		out_integer(o, sp, ap);
		break;
	case 'p':
		u = (uintptr_t)va_arg(*ap, void *);
		if (p[1] == 'S' || p[1] == 'B')
			out_symbol(o, u, *++p == 'B');
		else
			out_num(o, u, 16, false, &f);
		break;
	case 'c':
		out_pad(o, ' ', sp->left ? 0 : sp->width - 1);
		out_char(o, (char)va_arg(*ap, int));
		out_pad(o, ' ', sp->left ? sp->width - 1 : 0);
		break;
	case 's':
		out_str(o, va_arg(*ap, const char *), sp->width, sp->prec, sp->left);
		break;
	case '%':
		out_char(o, '%');
		break;
	case '\0': /* the format ends inside a specification */
		p--;
		break;
	default: /* not a conversion printk knows: shown as written, flags and width too (a '*'
		  * in it has taken its argument) */
		out_written(o, start, p);
		break;
	}
	return p;
}

/* Formats fmt into o (see kvsnprintf). */
static void vformat(struct outbuf *o, const char *fmt, va_list ap)
{
	struct spec sp;
	va_list args; /* a copy, so that its address can be passed (va_list may be an array) */

	va_copy(args, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			out_char(o, *p);
			continue;
		}
		const char *start = p;

		p = parse_spec(p, &args, &sp);
		p = out_conversion(o, start, p, &sp, &args);
	}
	va_end(args);
}

/*
 * Formats like vsnprintf into buf (always terminated when size > 0). Returns the length
 * the whole output would have, or -1 when that is above INT_MAX (an int cannot say it;
 * POSIX's vsnprintf fails there too, EOVERFLOW): buf then holds the output's start.
 * Supports the formats listed in printk.h. Any context.
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
	return o.len > INT32_MAX ? -1 : (int)o.len;
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
