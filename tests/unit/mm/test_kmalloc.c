// SPDX-License-Identifier: MIT
/*
 * Host tests of kmalloc (src/mm/kmalloc.c) over the frame allocator and the simulated direct
 * map: sizes and alignment, contents never overlap under a random chaos run, misuse is
 * reported and ignored, exhaustion returns NULL and everything comes back, and the direct-map
 * translations refuse foreign addresses with a panic naming the function.
 */
#include <lios/kmalloc.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "internal.h"
#include "log_capture.h"
#include "prng.h"
#include "../unit.h"

MEMMAP_STATIC(map, MEMMAP_STATIC_RANGES);


static uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.free_frames;
}

static void setup(paddr_t start, paddr_t end)
{
	map.n = 1;
	map.r[0].start = start;
	map.r[0].end = end;
	if (pmm_init(&map) != 0 || kmalloc_init() != 0) {
		fprintf(stderr, "setup failed\n");
		exit(1);
	}
}

/* Every size from 1 to 9000 bytes in steps: 16-byte aligned, page aligned from 4096 up,
 * usable over its whole length, translating to a physical address below 2 GiB and back.
 * After freeing all and shrinking, pmm has exactly as many free frames as before. */
static void test_sizes(void)
{
	static void *p[1000];
	uint64_t before;
	size_t n = 0;

	setup(MiB(1), MiB(64));
	before = free_frames();
	for (size_t size = 1; size <= 9000; size += 13 + size / 8) {
		void *q = kmalloc(size);

		CHECK(q != NULL);
		if (!q)
			continue;
		CHECK(((uintptr_t)q & 15) == 0);
		if (size >= PAGE_SIZE)
			CHECK(((uintptr_t)q & (PAGE_SIZE - 1)) == 0);
		CHECK(virt_to_phys(q) < GiB(2));
		CHECK(phys_to_virt(virt_to_phys(q)) == q);
		memset(q, 0xa5, size);
		p[n++] = q;
	}
	CHECK(kmalloc(0) == NULL);
	CHECK(kmalloc(KMALLOC_MAX_SIZE + 1) == NULL);
	while (n > 0)
		kfree(p[--n]);
	kmalloc_shrink();
	CHECK(free_frames() == before);
}

/* kzalloc returns zeroed memory even when the object was used before (junk-filled). */
static void test_kzalloc(void)
{
	unsigned char *a, *b;

	setup(MiB(1), MiB(8));
	a = kmalloc(100);
	memset(a, 0xff, 100);
	kfree(a);
	b = kzalloc(100);
	CHECK(b != NULL);
	for (int i = 0; b && i < 100; i++)
		CHECK(b[i] == 0);
	kfree(b);
}

/* Misuse: freeing a libc pointer, an interior pointer, a tail page of a large block and the
 * same object twice are each reported once and ignored; the memory stays usable. */
static void test_misuse(void)
{
	unsigned long before;
	char *small, *large, *libc = malloc(32);

	setup(MiB(1), MiB(8));
	small = kmalloc(64);
	large = kmalloc(3 * PAGE_SIZE);
	before = kmalloc_misuse_count;
	kfree(libc);
	kfree(small + 16);
	kfree(large + PAGE_SIZE);
	kfree(large + 8);
	CHECK(kmalloc_misuse_count == before + 4);
	kfree(small);
	kfree(small);
	CHECK(kmalloc_misuse_count == before + 5);
	kfree(large);
	kfree(large);
	CHECK(kmalloc_misuse_count == before + 6);
	free(libc);
}

/* The words of a report: a second kfree of a large block (whose frames went back to pmm)
 * and of a small object whose empty page kmalloc_shrink gave back. Expected: each is
 * reported once as a possible double free, never as a pointer kmalloc did not return
 * (it did); an interior pointer of a live large block is still one kmalloc did not
 * return. */
static void test_misuse_words(void)
{
	unsigned long before;
	char *large, *small;

	setup(MiB(1), MiB(8));
	large = kmalloc(3 * PAGE_SIZE);
	small = kmalloc(2048);
	before = kmalloc_misuse_count;
	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	kfree(large + PAGE_SIZE);
	CHECK(log_captured("pointer kmalloc did not return"));
	kfree(large);
	log_capture_clear();
	kfree(large);
	CHECK(log_captured("double free?") && !log_captured("did not return"));
	kfree(small);
	kmalloc_shrink();
	log_capture_clear();
	kfree(small);
	CHECK(log_captured("double free?") && !log_captured("did not return"));
	printk_remove_sink(log_capture_sink);
	CHECK(kmalloc_misuse_count == before + 3);
}

/* Write after free into a class's free list: a freed 64-byte object's first word (the
 * link) is pointed at a live object of the class, as a stale pointer's write would; then
 * a freed object's first 16 bytes are cleared (link and mark). Expected: the freed object
 * itself is handed out again while its mark is intact, but the live object never is; each
 * damaged list is reported once (misuse count) and dropped, allocation goes on from fresh
 * objects, and kmalloc_shrink walks the lists without following a damaged link. */
static void test_write_after_free(void)
{
	unsigned long before;
	char *a, *b, *x, *y, *z;

	setup(MiB(1), MiB(8));
	a = kmalloc(64);
	b = kmalloc(64);
	memset(b, 0, 64);
	before = kmalloc_misuse_count;
	kfree(a);
	*(void **)a = b;
	x = kmalloc(64);
	y = kmalloc(64);
	CHECK(x == a && y != NULL && y != b);
	CHECK(kmalloc_misuse_count == before + 1);
	kfree(x);
	memset(x, 0, 16);
	z = kmalloc(64);
	CHECK(z != NULL && z != x && z != b && z != y);
	CHECK(kmalloc_misuse_count == before + 2);
	kfree(y);
	*(void **)y = b + 8; /* not an object start */
	kmalloc_shrink();
	CHECK(kmalloc_misuse_count == before + 3);
	kfree(b);
	kfree(z);
	CHECK(kmalloc_misuse_count == before + 3);
}

struct obj {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

/* Chaos: 100,000 random allocations and frees (8 B .. 20 KiB, random lifetimes), each
 * filled with its own byte; on free the contents are intact (no two live objects overlap).
 * At the end everything is freed and pmm's free count is back to its start value. */
static void test_chaos(void)
{
	static struct obj live[512];
	uint64_t rng = 12345, before;
	size_t n = 0;

	setup(MiB(1), MiB(128));
	before = free_frames();
	for (int step = 0; step < 100000; step++) {
		prng_next(&rng);
		if (n == 512 || (n > 0 && rng % 2)) {
			size_t i = (rng >> 8) % n;
			bool ok = true;

			for (size_t k = 0; k < live[i].size; k++)
				ok &= live[i].p[k] == live[i].fill;
			CHECK(ok);
			kfree(live[i].p);
			live[i] = live[--n];
		} else {
			size_t size = rng % 8 ? 8 + (rng >> 8) % 512 : 1 + (rng >> 8) % 20480;
			unsigned char *p = kmalloc(size);

			CHECK(p != NULL);
			if (!p)
				continue;
			live[n] = (struct obj){ p, size, (unsigned char)step };
			memset(p, live[n].fill, size);
			n++;
		}
	}
	while (n > 0)
		kfree(live[--n].p);
	kmalloc_shrink();
	CHECK(free_frames() == before);
}

/* Out of memory on a 3 MiB machine: alternating kmalloc(64) and kmalloc(8192) end with NULL
 * (no panic) once memory is gone, and a further 8 KiB request fails too; after freeing everything a 1 MiB allocation succeeds and the free
 * count is what it was. */
static void test_oom(void)
{
	static void *p[200000];
	size_t n = 0;
	uint64_t before;

	setup(MiB(1), MiB(4));
	before = free_frames();
	while (n < 200000 && (p[n] = kmalloc(n % 2 ? 64 : 8192)) != NULL)
		n++;
	CHECK(n > 0 && n < 200000);
	CHECK(kmalloc(8192) == NULL);
	while (n > 0)
		kfree(p[--n]);
	kmalloc_shrink();
	CHECK(free_frames() == before);
	p[0] = kmalloc(MiB(1));
	CHECK(p[0] != NULL);
	kfree(p[0]);
}

/* Empty class pages are given back when memory runs out, without anyone calling
 * kmalloc_shrink: on a 3 MiB machine filled with 64-byte objects, all freed again, 1 KiB
 * objects (another class: alloc_small) are had up to the whole machine; freed again, a
 * 1 MiB run (alloc_large) is had; afterwards every frame is back. */
static void test_shrink_on_demand(void)
{
	static void *p[200000];
	size_t n = 0;
	uint64_t before;
	void *big;

	setup(MiB(1), MiB(4));
	before = free_frames();
	while (n < 200000 && (p[n] = kmalloc(64)) != NULL)
		n++;
	CHECK(n > 0 && n < 200000 && free_frames() == 0);
	while (n > 0)
		kfree(p[--n]);
	CHECK_EQ(free_frames(), 0); /* the empty pages stay with their class */
	while (n < 200000 && (p[n] = kmalloc(1024)) != NULL)
		n++;
	CHECK(n >= (before - 8) * 4); /* four to a page: nearly every frame */
	while (n > 0)
		kfree(p[--n]);
	CHECK_EQ(free_frames(), 0);
	big = kmalloc(MiB(1));
	CHECK(big != NULL);
	kfree(big);
	kmalloc_shrink();
	CHECK_EQ(free_frames(), before);
}

static jmp_buf panic_jmp;
static char panic_msg[512];

static void catch_panic(const char *msg)
{
	snprintf(panic_msg, sizeof(panic_msg), "%s", msg);
	longjmp(panic_jmp, 1);
}

/* phys_to_virt of an address above 2 GiB and virt_to_phys of a libc pointer panic with a
 * message naming the function. */
static void test_translate_refuses(void)
{
	static int x;

	host_panic_hook = catch_panic;
	panic_msg[0] = 0;
	if (!setjmp(panic_jmp))
		phys_to_virt(GiB(3));
	CHECK(strstr(panic_msg, "phys_to_virt") != NULL);
	panic_msg[0] = 0;
	if (!setjmp(panic_jmp))
		virt_to_phys(&x);
	CHECK(strstr(panic_msg, "virt_to_phys") != NULL);
	host_panic_hook = NULL;
}

int main(void)
{
	test_sizes();
	test_kzalloc();
	test_misuse();
	test_misuse_words();
	test_write_after_free();
	test_chaos();
	test_oom();
	test_shrink_on_demand();
	test_translate_refuses();
	return unit_exit("test_kmalloc");
}
