// SPDX-License-Identifier: MIT
/*
 * A kernel allocation trace for bench_heap, synthesised from what the heap's kernel users
 * request (issue 10 gives them the heap this round; when this was written none had landed,
 * so nothing could be recorded yet: see bench/heap/README.md for how to record a real one).
 *
 * Boot, long-lived: the console's cell grid and its copy for the pager (cols x rows x 2
 * bytes: 12 KiB at 1024x768, 31 KiB at 1920x1080, 32 KiB at 3840x2160 with the 16x32
 * font), the copied ACPI tables (DSDT 6-40 KiB, FACP 276, APIC 120-1,000, HPET 56, MCFG
 * 60, WAET 40, a few SSDTs of 0.2-4 KiB), one object per PCI function (8-40 functions,
 * 160-320 bytes, plus 0-6 BAR records of 48 bytes), the xHCI controller, slot and
 * endpoint objects (2 KiB, 256-512, 96 bytes) and the HID keyboard (192 bytes + an 8-byte
 * report copy), the shell's history ring (64 slots of pointers).
 * Interactive, the loop: per command typed, a history entry (the line, 3-80 bytes; the
 * oldest freed once 64 are kept), the parser's copy of the line and its argv array (freed
 * after the command), per output line of the command a formatted line of 20-100 bytes
 * handed to the pager and freed at the end, sometimes a temporary table (the PCI list:
 * 40 x 64 bytes; completion candidates: 256 bytes) and, for long outputs, the pager's line
 * index (1-16 KiB); USB hot-plug now and then (a slot's objects made and freed); every
 * key press a 32-byte input event, freed after the line editor has taken it.
 */
#include "kernel_trace.h"
#include <stdlib.h>
#include <string.h>

struct ktrace {
	struct trace_event *ev;
	size_t n, cap;
	uint32_t *free_slots;  /* a stack of unused slot numbers */
	size_t nfree;
	uint64_t rng;
	uint64_t live, peak;
	uint32_t sizes[TRACE_MAX_SLOTS];
};

static uint64_t kt_rng(struct ktrace *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

/* A size in [lo, hi], uniform. */
static uint32_t kt_between(struct ktrace *t, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(kt_rng(t) % (hi - lo + 1));
}

static void kt_push(struct ktrace *t, uint32_t slot, uint32_t size)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 65536;
		t->ev = realloc(t->ev, t->cap * sizeof(*t->ev));
		if (!t->ev)
			abort();
	}
	t->ev[t->n++] = (struct trace_event){ slot, size };
}

/* Allocates size bytes; returns the slot. */
static uint32_t kt_alloc(struct ktrace *t, uint32_t size)
{
	uint32_t s = t->free_slots[--t->nfree];

	t->sizes[s] = size;
	t->live += size;
	if (t->live > t->peak)
		t->peak = t->live;
	kt_push(t, s, size);
	return s;
}

static void kt_free(struct ktrace *t, uint32_t s)
{
	t->live -= t->sizes[s];
	t->free_slots[t->nfree++] = s;
	kt_push(t, s, 0);
}

static void kt_boot(struct ktrace *t)
{
	static const uint32_t screens[] = { 128 * 48 * 2, 240 * 67 * 2, 240 * 67 * 2, 80 * 25 * 2 };
	uint32_t grid = screens[kt_rng(t) % 4];
	unsigned nfn = kt_between(t, 8, 40), nssdt = kt_between(t, 0, 4);

	kt_alloc(t, grid);                          /* console cell grid */
	kt_alloc(t, grid);                          /* the pager's copy */
	kt_alloc(t, kt_between(t, 6 << 10, 40 << 10)); /* DSDT */
	kt_alloc(t, 276);                           /* FACP */
	kt_alloc(t, kt_between(t, 120, 1000));      /* APIC */
	kt_alloc(t, 56);                            /* HPET */
	kt_alloc(t, 60);                            /* MCFG */
	kt_alloc(t, 40);                            /* WAET */
	for (unsigned i = 0; i < nssdt; i++)
		kt_alloc(t, kt_between(t, 200, 4096));
	for (unsigned i = 0; i < nfn; i++) {        /* PCI functions and their BARs */
		unsigned bars = kt_between(t, 0, 6);

		kt_alloc(t, kt_between(t, 160, 320));
		for (unsigned b = 0; b < bars; b++)
			kt_alloc(t, 48);
	}
	kt_alloc(t, 2048);                          /* xHCI controller */
	kt_alloc(t, 192);                           /* HID keyboard */
	kt_alloc(t, 8);                             /* its report copy */
	kt_alloc(t, 64 * sizeof(void *));           /* shell history ring */
}

/* One USB device's objects (a slot, 2-5 endpoints); freed on unplug. */
static void kt_usb_plug(struct ktrace *t, uint32_t *objs, unsigned *nobjs)
{
	unsigned eps = kt_between(t, 2, 5);

	objs[(*nobjs)++] = kt_alloc(t, kt_between(t, 256, 512));
	for (unsigned i = 0; i < eps; i++)
		objs[(*nobjs)++] = kt_alloc(t, 96);
}

/* See kernel_trace.h. */
struct trace_event *kernel_trace_build(size_t events, size_t *n, uint64_t *peak_live)
{
	struct ktrace *t = calloc(1, sizeof(*t));
	uint32_t history[64], usb[8];
	unsigned nhist = 0, hist_head = 0, nusb = 0;
	struct trace_event *ev;

	t->free_slots = malloc(TRACE_MAX_SLOTS * sizeof(*t->free_slots));
	for (uint32_t i = 0; i < TRACE_MAX_SLOTS; i++)
		t->free_slots[i] = TRACE_MAX_SLOTS - 1 - i;
	t->nfree = TRACE_MAX_SLOTS;
	t->rng = 0x6b65726e656cull; /* "kernel" */
	kt_boot(t);
	while (t->n < events) {
		uint32_t tmp[160];
		unsigned ntmp = 0, keys = kt_between(t, 2, 40), lines;
		uint32_t len = kt_between(t, 3, 80);

		for (unsigned k = 0; k < keys; k++)     /* key events, taken at once */
			kt_free(t, kt_alloc(t, 32));
		if (nhist == 64) {                      /* history: the oldest goes */
			kt_free(t, history[hist_head]);
			nhist--;
		}
		history[(hist_head + nhist++) % 64] = kt_alloc(t, len);
		if (nhist == 64)
			hist_head = (hist_head + 1) % 64;
		tmp[ntmp++] = kt_alloc(t, len);         /* the parser's copy and argv */
		tmp[ntmp++] = kt_alloc(t, 8 * kt_between(t, 2, 8));
		if (kt_rng(t) % 4 == 0)                 /* a temporary table or candidates */
			tmp[ntmp++] = kt_alloc(t, kt_rng(t) % 2 ? 40 * 64 : 256);
		lines = kt_rng(t) % 8 == 0 ? kt_between(t, 30, 150) : kt_between(t, 0, 12);
		if (lines > 24)                         /* the pager's line index */
			tmp[ntmp++] = kt_alloc(t, kt_between(t, 1024, 16384));
		for (unsigned l = 0; l < lines && ntmp < 160; l++)
			tmp[ntmp++] = kt_alloc(t, kt_between(t, 20, 100));
		while (ntmp)                            /* the command ends: newest first */
			kt_free(t, tmp[--ntmp]);
		if (kt_rng(t) % 200 == 0) {             /* USB: plug in, or pull out */
			if (nusb) {
				while (nusb)
					kt_free(t, usb[--nusb]);
			} else {
				kt_usb_plug(t, usb, &nusb);
			}
		}
	}
	*n = t->n;
	*peak_live = t->peak;
	ev = t->ev;
	free(t->free_slots);
	free(t);
	return ev;
}
