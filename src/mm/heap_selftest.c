// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the heap on vmalloc and the real frame allocator: alignment and
 * contents across size classes and large blocks, a seeded chaos run, every misuse refused
 * (double free, foreign and interior pointers, red zone overflow, write after free into a
 * magazine and into a span's free list), exhaustion gives NULL, after freeing and trimming
 * the frames are back exactly, and an interrupt handler's calls work (heap_irq.c).
 */
#include <lios/arch.h>
#include <lios/heap.h>
#include <lios/kmalloc.h>
#include <lios/pmm.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include <lios/vmalloc.h>

static uint64_t heap_frames_accounted(void)
{
	struct pmm_stats ps;
	struct vmalloc_stats vs;

	pmm_get_stats(&ps);
	vmalloc_get_stats(&vs);
	return ps.free_frames + vs.meta_pages;
}

static struct heap_stats hst(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

KTEST(heap, sizes_aligned_and_distinct)
{
	static unsigned char *p[200];
	uint64_t live0 = hst().live_allocs;

	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)i * i * 3 + 1;

		p[i] = heap_alloc(n);
		KASSERT(p[i] != NULL);
		KEXPECT(((uintptr_t)p[i] & (HEAP_ALIGN - 1)) == 0);
		memset(p[i], i, n);
	}
	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)i * i * 3 + 1;

		KEXPECT(p[i][0] == (unsigned char)i && p[i][n - 1] == (unsigned char)i);
		heap_free(p[i]);
	}
	KEXPECT(hst().live_allocs == live0);
}

KTEST(heap, chaos_then_frames_back)
{
	static struct { unsigned char *p; size_t n; } live[500];
	uint64_t rng = 0x1234abcd, before, live0 = hst().live_allocs, peak;
	size_t nlive = 0;
	void *big;

	heap_trim();
	before = heap_frames_accounted();
	for (int step = 0; step < 20000; step++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		if (nlive < 500 && (rng & 1)) {
			size_t n = 1 + (size_t)((rng >> 8) % ((rng >> 40) % 16 ? 512 : 40000));

			live[nlive].p = heap_alloc(n);
			KASSERT(live[nlive].p != NULL);
			live[nlive].n = n;
			live[nlive].p[0] = live[nlive].p[n - 1] = (unsigned char)n;
			nlive++;
		} else if (nlive) {
			size_t k = (size_t)(rng >> 20) % nlive;

			KEXPECT(live[k].p[0] == (unsigned char)live[k].n);
			KEXPECT(live[k].p[live[k].n - 1] == (unsigned char)live[k].n);
			heap_free(live[k].p);
			live[k] = live[--nlive];
		}
	}
	while (nlive)
		heap_free(live[--nlive].p);
	KEXPECT(hst().live_allocs == live0);
	peak = hst().vmalloc_peak;
	heap_trim();
	KEXPECT(heap_frames_accounted() == before);
	big = heap_alloc(peak); /* as large as the heap ever was */
	KEXPECT(big != NULL);
	heap_free(big);
	heap_trim();
	KEXPECT(heap_frames_accounted() == before);
}

KTEST(heap, misuse_is_refused)
{
	uint64_t m = hst().misuse, live0 = hst().live_allocs;
	char *a = heap_alloc(48), *b = heap_alloc(48), *l = heap_alloc(70000);
	int local;

	KASSERT(a && b && l);
	heap_free(a);
	heap_free(a);           /* double free */
	heap_free(&local);      /* foreign */
	heap_free(b + 16);      /* interior */
	heap_free(l + 8);       /* interior of a large block */
	b[48] = 0;              /* overflow into the red zone */
	heap_free(b);
	KEXPECT(hst().misuse == m + 5);
	KEXPECT(hst().live_allocs == live0 + 2); /* b and l refused/kept */
	b[48] = (char)0xcb;     /* canary restored */
	heap_free(b);
	heap_free(l);
	KEXPECT(hst().misuse == m + 5);
	KEXPECT(hst().live_allocs == live0);
}

/* What a handler did with the heap (arch_call_in_interrupt). */
struct irq_calls {
	char *p, *a, *r;
	bool in_irq;
	size_t p_size;
};

static void irq_heap_calls(void *ctx)
{
	struct irq_calls *k = ctx;

	k->in_irq = arch_in_interrupt();
	k->a = heap_alloc(32);
	if (k->a)
		memset(k->a, 0x5c, 32);
	k->r = heap_realloc(k->a, 3000);
	heap_free(k->p);
	k->p_size = heap_size(k->p);
}

/* Through the CPU's own interrupt path: a handler's allocation and realloc come from
 * kmalloc and keep their contents; its free of a process block counts at once (heap_size
 * there reports "already freed") and is done by process context later; process context
 * frees the handler's block; the counts balance. */
KTEST(heap, calls_from_interrupt_handler)
{
	struct irq_calls k = {0};
	struct heap_stats st;
	uint64_t m = hst().misuse, live0 = hst().live_allocs;

	k.p = heap_alloc(40);
	KASSERT(k.p != NULL);
	arch_call_in_interrupt(irq_heap_calls, &k);
	KEXPECT(k.in_irq && !arch_in_interrupt());
	KASSERT(k.a && k.r);
	KEXPECT(kmalloc_owns(k.r - 16) && heap_size(k.r) == 3000);
	KEXPECT(k.r[0] == 0x5c && k.r[31] == 0x5c);
	KEXPECT(k.p_size == 0 && hst().misuse == m + 1);
	KEXPECT(hst().live_allocs == live0 + 1);
	heap_free(k.r);
	st = hst();
	KEXPECT(st.live_allocs == live0 && st.allocs == st.frees + st.live_allocs);
	KEXPECT(hst().misuse == m + 1);
}

/* Write after free: a freed 48-byte object (in its class's magazine) and the head of a
 * span's free list of 6,000-byte objects (a class without magazine) get their first word
 * overwritten; the next allocations of those classes report each once and never hand the
 * damaged object out. */
KTEST(heap, write_after_free_detected)
{
	static const size_t sizes[] = { 48, 6000 };
	uint64_t m = hst().misuse, live0 = hst().live_allocs;
	char *p[8], *q[8];

	heap_trim();    /* empty magazines: the 48-byte frees below all go to one */
	for (int t = 0; t < 2; t++) {
		for (int i = 0; i < 8; i++) {
			p[i] = heap_alloc(sizes[t]);
			KASSERT(p[i] != NULL);
		}
		for (int i = 0; i < 8; i++)
			heap_free(p[i]);
		memset(p[7], 0x41, 8);       /* the last freed: popped first */
		for (int i = 0; i < 8; i++) {
			q[i] = heap_alloc(sizes[t]);
			KASSERT(q[i] != NULL);
			KEXPECT(q[i] != p[7]);
		}
		KEXPECT(hst().misuse == m + (uint64_t)t + 1);
		for (int i = 0; i < 8; i++)
			heap_free(q[i]);
	}
	KEXPECT(hst().misuse == m + 2);
	KEXPECT(hst().live_allocs == live0);
}

KTEST(heap, exhaustion_gives_null)
{
	struct pmm_stats ps;
	uint64_t failed = hst().failed, before;

	heap_trim();
	before = heap_frames_accounted();
	pmm_get_stats(&ps);
	KEXPECT(heap_alloc((ps.free_frames + 16) * PAGE_SIZE) == NULL);
	KEXPECT(hst().failed == failed + 1);
	KEXPECT(heap_frames_accounted() == before);
}
