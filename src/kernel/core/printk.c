// SPDX-License-Identifier: MIT
/*
 * printk: the log ring buffer and the sinks (the formatting is format.c's).
 *
 * Every message is formatted into a bounded line buffer, appended to the ring (the last
 * LOG_RING_SIZE bytes of the boot are kept) and written to each registered sink whose level
 * admits it. In the ring each message is a record: LOG_MARK, the level digit, the text
 * (which never contains LOG_MARK). A sink added later (the screen console) may replay the
 * ring, filtered by its level, so nothing printed before it existed is lost. Interrupts are off while a message is emitted so lines never interleave; printk is
 * callable from any context, including exception handlers, and never allocates.
 *
 * NMIs: an NMI handler may printk while the message it interrupted is half appended to
 * the ring (ring_busy). Its message must not go into the ring then: it is copied to a
 * one-message slot instead, and the next printk that is not nested (the interrupted one,
 * once its own message is out, or a later one) appends it and sends it to the sinks. A
 * nested message that finds the slot full is dropped and counted; the count is logged
 * ("printk: messages printed inside a printk lost: N") by the same flush. A printk nested
 * anywhere else (an NMI during the sinks, a fault in a sink) finds the ring consistent and
 * prints as usual. A panic that lands inside an append (a machine check, an NMI with
 * nmi=panic) never returns to it: printk_panic finishes that record and sends it, then
 * the panic's report follows (printed, not kept aside). Single CPU: only an NMI, an
 * exception or a sink can nest.
 * Pure apart from arch_irq_save: compiled for the host too (unit tests).
 */
#include <lios/arch.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "format.h"

#ifdef LIOS_HOST
#include <stdio.h>
#endif

#define LOG_RING_SIZE 65536
#define PRINTK_LINE_MAX 1024
#define MAX_SINKS 4
#define LEVEL_DEFAULT 6 /* KERN_INFO */
#define LEVEL_WARN 4 /* KERN_WARN */
#define LEVEL_SINK_DEFAULT 6
#define LOG_MARK '\001'

static char log_ring[LOG_RING_SIZE];
static size_t log_head;    /* total bytes ever written; ring index = head % size */

struct sink {
	printk_sink_fn fn;
	int level; /* messages with level <= this are sent */
};
static struct sink sinks[MAX_SINKS];

/* printk_hold: while held, messages go to the ring only; held_from is where the ones not
 * yet sent to the sinks start. */
static bool holding;
static size_t held_from;

/* Nesting (see the top): ring_busy while a record is being appended; the slot holds one
 * message printed meanwhile (slot_len 0: empty; filled by the nested printk, emptied by
 * the flush), slot_flushing while a flush owns it; slot_lost counts nested messages
 * dropped because the slot was full. */
#define PRINTK_SLOT_MAX 160
static volatile bool ring_busy;
static char slot_text[PRINTK_SLOT_MAX];
static int slot_level;
static volatile size_t slot_len;
static volatile bool slot_flushing;
static uint64_t slot_lost;

/* The record being appended while ring_busy (its text, length, level and its start in the
 * ring): what printk_panic finishes when a panic lands in the append. */
static const char *append_text;
static size_t append_len, append_start;
static int append_level;

/* The compiler must not move ring stores across the flags an NMI reads (one CPU: no
 * fence instruction is needed against an interrupt on the same CPU). */
#define nmi_barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

#ifdef LIOS_HOST
/* Host tests only: called in the middle of every ring append, where an NMI can land. */
void (*printk_host_mid_append)(void);
#endif

/* ------------------------------------------------------------------ ring and sinks */

static void ring_put(char c) { log_ring[log_head++ % LOG_RING_SIZE] = c; }

/* Byte i of the record of text s at level: LOG_MARK, the level digit, the text (a
 * LOG_MARK in it as '?'). */
static char record_byte(int level, const char *s, size_t i)
{
	if (i == 0)
		return LOG_MARK;
	if (i == 1)
		return (char)('0' + level);
	return s[i - 2] == LOG_MARK ? '?' : s[i - 2];
}

static void ring_append(int level, const char *s, size_t len)
{
	ring_put(record_byte(level, s, 0));
	ring_put(record_byte(level, s, 1));
#ifdef LIOS_HOST
	if (printk_host_mid_append)
		printk_host_mid_append();
#endif
	for (size_t i = 0; i < len; i++)
		ring_put(record_byte(level, s, i + 2));
}

/* A walk over the ring, by absolute position (log_head counts every byte ever written). */
struct walk {
	size_t pos;
	int level;   /* the level of the record pos is in */
	bool synced; /* pos is past a complete mark (else: text of a partly overwritten record) */
};

/* A walk from absolute position from (a record's start, or 0); where the ring has been
 * overwritten since, from its oldest byte, not synced. */
static struct walk walk_from(size_t from)
{
	struct walk w = {from, 0, true};

	if (log_head - from > LOG_RING_SIZE) {
		w.pos = log_head - LOG_RING_SIZE;
		w.synced = false;
	}
	return w;
}

/* The next run of text of walk w before position to (at most up to the next mark or the
 * ring's wrap point): its length, with *text and *level (-1: not to be shown, text of a
 * record overwritten in part); 0 when w only crossed a mark. Moves w on. Interrupts off;
 * between calls they may be on: a walk that new messages overtook starts over at the
 * oldest byte (not synced). */
static size_t walk_next(struct walk *w, size_t to, const char **text, int *level)
{
	size_t run = 0, idx;

	if (log_head - w->pos > LOG_RING_SIZE)
		*w = walk_from(w->pos);
	idx = w->pos % LOG_RING_SIZE;
	if (log_ring[idx] == LOG_MARK && w->pos + 1 < to) {
		w->level = log_ring[(w->pos + 1) % LOG_RING_SIZE] - '0';
		w->synced = true;
		w->pos += 2;
		return 0;
	}
	while (w->pos + run < to && idx + run < LOG_RING_SIZE && log_ring[idx + run] != LOG_MARK)
		run++;
	if (run == 0)
		run = 1; /* a lone trailing mark */
	*text = &log_ring[idx];
	*level = w->synced ? w->level : -1;
	w->pos += run;
	return run;
}

/* The oldest position the ring still holds. */
static size_t ring_oldest(void)
{
	return log_head > LOG_RING_SIZE ? log_head - LOG_RING_SIZE : 0;
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
 * with); with replay, it first receives what the ring still holds, through the one walk of
 * printk_add_sink_caught_up. Returns 0 or -1 when all slots are taken. Any context
 * without replay; with it, as printk_add_sink_caught_up.
 */
int printk_add_sink(printk_sink_fn fn, bool replay)
{
	uint64_t irq;
	struct sink *s;

	if (replay)
		return printk_add_sink_caught_up(fn, LEVEL_SINK_DEFAULT);
	irq = arch_irq_save();
	s = find_sink(NULL);
	if (s) {
		s->fn = fn;
		s->level = LEVEL_SINK_DEFAULT;
	}
	arch_irq_restore(irq);
	return s ? 0 : -1;
}

/*
 * printk_add_sink_caught_up - see <lios/printk.h>. The ring goes out a message at a time
 * with interrupts let in between (a long log to a slow UART); the walk follows the head,
 * and the sink is registered with interrupts off at the moment the walk reaches it, so a
 * message printed meanwhile is sent exactly once and in order.
 */
int printk_add_sink_caught_up(printk_sink_fn fn, int level)
{
	uint64_t irq = arch_irq_save();
	struct walk w = walk_from(ring_oldest());
	struct sink *s;
	const char *text;
	int lvl;

	w.synced = log_head <= LOG_RING_SIZE;
	while (find_sink(NULL) && w.pos < log_head) {
		size_t n = walk_next(&w, log_head, &text, &lvl);

		if (n && lvl >= 0 && lvl <= level)
			fn(text, n);
		arch_irq_restore(irq);
		irq = arch_irq_save();
	}
	s = find_sink(NULL);
	if (s) {
		s->fn = fn;
		s->level = level;
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

/* Sends the ring's text from absolute position from (a record's start) up to position to
 * (SEND_TO_HEAD: the head, wherever it is by then) to the sinks (one = NULL: every sink by
 * its level; else only one, at every level), a run at a time with interrupts as the caller
 * had them in between (a 64 KiB log takes ~6 s to a 115200-baud UART: the tick and the
 * keyboards must not wait that long). With SEND_TO_HEAD, holding ends when the head is
 * reached, interrupts off, so that nothing printed meanwhile is left held. synced: from is
 * a record's start. */
#define SEND_TO_HEAD ((size_t)-1)
static void send_from(size_t from, bool synced, printk_sink_fn one, size_t to)
{
	uint64_t irq = arch_irq_save();
	struct walk w = walk_from(from);
	const char *text;
	int level;

	w.synced = w.synced && synced;
	while (w.pos < (to == SEND_TO_HEAD ? log_head : to)) {
		size_t n = walk_next(&w, to == SEND_TO_HEAD ? log_head : to, &text, &level);

		if (!n || level < 0)
			continue;
		if (one) {
			one(text, n);
		} else {
			for (int i = 0; i < MAX_SINKS; i++)
				if (sinks[i].fn && level <= sinks[i].level)
					sinks[i].fn(text, n);
		}
		arch_irq_restore(irq); /* a run is at most one message: let interrupts in */
		irq = arch_irq_save();
	}
	if (to == SEND_TO_HEAD)
		holding = false;
	arch_irq_restore(irq);
}

/* See <lios/printk.h>. Thread context (interrupts are let in between messages). */
void printk_dump_log(printk_sink_fn fn)
{
	size_t from = ring_oldest(), to = log_head;

	send_from(from, to <= LOG_RING_SIZE, fn, to);
}

/* See <lios/printk.h>. Thread context, or a panic (interrupts off). */
void printk_hold(bool on)
{
	if (on) {
		uint64_t irq = arch_irq_save();

		if (!holding) {
			held_from = log_head;
			holding = true;
		}
		arch_irq_restore(irq);
	} else if (holding) { /* only thread context turns holding on or off */
		send_from(held_from, true, NULL, SEND_TO_HEAD);
	}
}

/* See <lios/printk.h>. Interrupts off (a panic). Nothing the panic interrupted resumes.
 * An append it cut is finished here (its text is still in the interrupted printk's frame:
 * a panic never returns there) and the record goes to the sinks, which had not had it
 * yet; first, as it was printed first (held messages before it, when holding). A flush of
 * the slot gives the slot up, so the next printk sends its message again, unless that
 * message was the append finished here. */
void printk_panic(void)
{
	bool cut = ring_busy;

	ring_busy = false;
	slot_flushing = false;
	nmi_barrier();
	if (cut && append_text) {
		const char *text = append_text;

		append_text = NULL; /* a fault while finishing: a nested panic does not retry */
		for (size_t i = log_head - append_start; i < append_len + 2; i++)
			ring_put(record_byte(append_level, text, i));
		if (text == slot_text)
			slot_len = 0;
		if (!holding)
			send_from(append_start, true, NULL, log_head);
	}
	printk_hold(false);
}

/* See <lios/printk.h>. Interrupts off, so that the answer still holds at printk_held_send. */
bool printk_held(printk_sink_fn fn)
{
	struct walk w = walk_from(held_from);
	const struct sink *s;
	const char *text;
	int level;

	if (!holding || log_head == held_from)
		return false;
	if (!fn)
		return true;
	s = find_sink(fn);
	if (!s)
		return false;
	while (w.pos < log_head)
		if (walk_next(&w, log_head, &text, &level) && level >= 0 && level <= s->level)
			return true;
	return false;
}

/* See <lios/printk.h>. Interrupts off. */
size_t printk_held_mark(void)
{
	return log_head;
}

/* See <lios/printk.h>. Thread context (interrupts are let in between messages). */
void printk_held_send(size_t mark)
{
	size_t from = held_from;

	if (!holding || mark <= from || mark > log_head)
		return;
	held_from = mark; /* before sending: a message printed meanwhile is after mark, held */
	send_from(from, true, NULL, mark);
}

/* Cuts the text of buf[0, n) back to a UTF-8 character boundary: a sequence whose lead
 * byte is in it but not all its continuation bytes is dropped. */
static size_t utf8_cut(const char *buf, size_t n)
{
	size_t i = n, cont = 0;

	while (i > 0 && cont < 3 && ((uint8_t)buf[i - 1] & 0xc0) == 0x80) {
		i--;
		cont++;
	}
	if (i > 0 && ((uint8_t)buf[i - 1] & 0xc0) == 0xc0) {
		uint8_t lead = (uint8_t)buf[i - 1];
		size_t len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

		if (len > cont + 1)
			return i - 1;
	}
	return n;
}

/* Appends a record to the ring and sends it to the sinks (unless held). Interrupts off,
 * not nested inside another append (the caller saw ring_busy false). */
static void emit(int level, const char *line, size_t n)
{
	bool any = false;

	/* The record's fields are set once ring_busy keeps a nested printk (an NMI) out of
	 * emit, and cleared before it lets one in again: a panic in between either finds them
	 * NULL (nothing to finish) or naming this record, never a nested one's. */
	ring_busy = true;
	nmi_barrier();
	append_len = n;
	append_level = level;
	append_start = log_head;
	nmi_barrier();
	append_text = line;
	nmi_barrier();
	ring_append(level, line, n);
	append_text = NULL;
	nmi_barrier();
	ring_busy = false;
	for (int i = 0; i < MAX_SINKS; i++) {
		if (sinks[i].fn) {
			if (level <= sinks[i].level && !holding)
				sinks[i].fn(line, n);
			any = true;
		}
	}
#ifdef LIOS_HOST
	if (!any)
		fwrite(line, 1, n, stderr);
#endif
	(void)any;
}

/* A printk nested inside an append (an NMI): keep the message in the slot, whole or cut
 * to it, or count it lost when the slot is taken. */
static void defer(int level, const char *line, size_t n)
{
	if (slot_len) {
		slot_lost++; /* only nested code runs here: nothing interrupts the increment */
		return;
	}
	if (n > sizeof(slot_text)) {
		n = utf8_cut(line, sizeof(slot_text) - 1);
		memcpy(slot_text, line, n);
		slot_text[n++] = '\n';
	} else {
		memcpy(slot_text, line, n);
	}
	slot_level = level;
	nmi_barrier();
	slot_len = n;
}

/* Emits the slot's message and the count of lost ones, if any. Interrupts off, not inside
 * an append. A printk nested in here neither flushes (slot_flushing) nor appends into our
 * records (emit sets ring_busy). */
static void flush_slot(void)
{
	uint64_t lost;
	size_t n;

	if (slot_flushing)
		return;
	slot_flushing = true;
	nmi_barrier();
	n = slot_len; /* read after taking the slot: a flush nested before that emptied it */
	if (n) {
		emit(slot_level, slot_text, n);
		nmi_barrier();
		slot_len = 0;
	}
	lost = __atomic_exchange_n(&slot_lost, 0, __ATOMIC_SEQ_CST);
	if (lost) {
		char line[80];
		int len = ksnprintf(line, sizeof(line),
				    "printk: messages printed inside a printk lost: %lu\n",
				    (unsigned long)lost);

		emit(LEVEL_WARN, line, (size_t)len);
	}
	nmi_barrier();
	slot_flushing = false;
}

int vprintk(const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX], last;
	int level = LEVEL_DEFAULT;
	size_t n;

	if (fmt[0] == '\001' && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	n = (size_t)kvsnprintf_last(line, sizeof(line), fmt, ap, &last); /* -1: SIZE_MAX */
	if (n >= sizeof(line)) {
		/* Cut whole characters, and keep the line end: the next output (the shell's
		 * prompt) must start on a row of its own. */
		n = utf8_cut(line, sizeof(line) - 2);
		if (last == '\n')
			line[n++] = '\n';
	}

	uint64_t irq = arch_irq_save();
	if (ring_busy) {
		defer(level, line, n);
	} else {
		emit(level, line, n);
		flush_slot();
	}
	arch_irq_restore(irq);
	return (int)n;
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
