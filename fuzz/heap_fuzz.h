/* SPDX-License-Identifier: MIT */
/*
 * What fuzz_heap's two files share: heap_fuzz.c (the program, the operations that use the
 * heap as its contract allows, the checks after each step and at the end) and
 * heap_fuzz_misuse.c (the misuse cases, the reports they must give, the printk sink that
 * keeps the last one). The shadow of the 256 slots and the counters the checks compare
 * live in heap_fuzz.c.
 */
#ifndef LIOS_FUZZ_HEAP_FUZZ_H
#define LIOS_FUZZ_HEAP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLOTS 256
#define STALE 32

struct slot {
	unsigned char *p;   /* NULL: empty */
	size_t n;           /* requested bytes */
	unsigned char fill; /* every byte of the object */
	bool irq;           /* an interrupt block: taken in a handler, from kmalloc */
};

extern struct slot slots[SLOTS];
extern uintptr_t stale[STALE]; /* pointers freed earlier (maybe handed out again since) */
extern unsigned nstale;
extern uint64_t live_allocs, live_bytes;
extern uint64_t misuse;  /* misuse reports the shadow expects */
extern uint64_t refused; /* process context's frees and reallocs refused as misuse */
extern bool written_after_free;

/* The byte compares of these loops would swamp libFuzzer's comparison tracing: left out. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

/* heap_fuzz.c */
__attribute__((noreturn)) void fail(const char *what, unsigned step);
void check_contents(const struct slot *s, unsigned step);
/* The slot whose object starts at p, or NULL. */
struct slot *slot_at(uintptr_t p);
/* Whether [a, a + len) touches a live object, or with 'zones' also its red zone. */
bool touches_live(uintptr_t a, size_t len, bool zones);
/* The heap's misuse count, read without heap_get_stats (which would free the queue of a
 * handler's frees: only its own checks call it). */
uint64_t misuse_count(void);

/* heap_fuzz_misuse.c: the report sink (added once) emptied; the last report. */
void reports_start(void);
const char *report_last(void);
/* Misuse of s's object: overflow by 1-8 bytes then free or realloc; free of an interior
 * pointer. Each reported once with its reason and refused. */
void op_overflow(struct slot *s, uint16_t arg, unsigned step);
void op_interior(struct slot *s, uint16_t arg, unsigned step);
/* A free of a pointer freed before; a write into a freed object's free record. */
void op_double_free(uint16_t arg, unsigned step);
void op_write_after_free(uint16_t arg);

#endif
