// SPDX-License-Identifier: MIT
/*
 * The general kernel heap: heap_alloc / heap_calloc / heap_realloc / heap_free.
 *
 * Small sizes (up to HEAP_SMALL_MAX with the red zone) are served from 36 size classes (16
 * bytes apart up to 128, then four per power of two). Each class carves objects out of
 * spans: 16-64 page vmalloc blocks aligned to HEAP_CHUNK (256 KiB), laid out as
 *     [span header | allocated bitmap | object 0 | object 1 | ... ]
 * The header holds the free-object list (threaded through the free objects), a bump index
 * for objects never handed out, and one "allocated" bit per object. The fast path pops the
 * class's first partial span's list; freeing finds the span from the pointer through a hash
 * of chunk numbers, so a pointer the heap never returned is recognised without touching it.
 * Larger sizes get their own vmalloc block (header + data), so their cost is bounded by
 * one vmalloc; a few freed large blocks (HEAP_LARGE_CACHE bytes) are kept for reuse.
 *
 * Giving memory back: a class keeps at most one empty span; the next one that empties goes
 * back to vmalloc (which returns its frames). heap_trim(), also run before an allocation
 * fails, returns the rest, so after everything is freed the frame count is back.
 *
 * Debug checks that stay on: every object ends with a red zone: the bytes after the
 * requested size are a canary pattern and its last 4 bytes hold the size (xored with a
 * key). Free and realloc check the allocated bit (double free), that the pointer is the
 * start of an object of a heap span (foreign pointer) and the canary (overflow); a failed
 * check is reported with size and caller, counted, and the operation refused (the object
 * stays allocated), so nothing is corrupted further.
 *
 * Bookkeeping: span headers live inside the spans, the chunk hash table is one vzalloc'd
 * block made at heap_init. The heap only ever calls vmalloc, and vmalloc never calls the
 * heap (see vmalloc.c), so nothing recurses.
 * Context: any; entry points mask interrupts around the heap state.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/vmalloc.h>

#define HEAP_CHUNK_SHIFT 18
#define HEAP_CHUNK ((size_t)1 << HEAP_CHUNK_SHIFT)
#define HEAP_NCLASSES 36
#define HEAP_SMALL_MAX 16384u         /* largest class, bytes */
#define HEAP_REDZONE 8u               /* at least 4 canary bytes + the 4-byte size tag */
#define HEAP_CANARY 0xcb
#define HEAP_CANARY_CHECK 32u         /* canary bytes written and checked at most */
#define HEAP_TAG_KEY 0x5a17c0deu
#define HEAP_HASH_BITS 12
#define HEAP_SPAN_MIN_PAGES 16
#define HEAP_SPAN_MAX_PAGES 64
#define HEAP_LARGE_CACHE MiB(4)       /* bytes of freed large blocks kept for reuse */
#define HEAP_LARGE_BINS 64            /* large blocks cached by page count 1..63 */
#define HEAP_SPAN_MAGIC 0x5350414eu   /* "SPAN" */
#define HEAP_LARGE_MAGIC 0x4c524745u  /* "LRGE" */
#define HEAP_DIV_SHIFT 40

struct heap_span {
	uint32_t magic;              /* HEAP_SPAN_MAGIC or HEAP_LARGE_MAGIC */
	uint16_t cls;                /* size class (small spans) */
	uint8_t cached;              /* large block in the cache (not live) */
	uint8_t broken;              /* free list found corrupted: never allocate from it */
	struct heap_span *hnext;     /* chunk hash chain */
	struct heap_span *prev, *next; /* class partial list, or large cache bin */
	char *data;                  /* first object (small) or the block (large) */
	void *free;                  /* free objects, each holding the next pointer */
	uint32_t nobj, nfree, bump;  /* objects; free ones; objects [bump, nobj) never used */
	uint32_t pad;
	uint64_t map_bytes;          /* bytes taken from vmalloc */
	uint64_t req;                /* large: requested size, bytes */
	uint64_t bits[];             /* small: one "allocated" bit per object */
};

struct heap_class {
	uint32_t size;               /* object size, bytes (multiple of 16) */
	uint32_t nobj;               /* objects per span */
	uint32_t data_off;           /* bytes from span start to object 0 */
	uint32_t pages;              /* span size, pages */
	uint64_t magic;              /* ceil(2^40 / size): offset -> index by multiplication */
	struct heap_span *partial;   /* spans with a free object */
	uint32_t nempty;             /* empty spans kept (0 or 1) */
};

static struct heap_class heap_classes[HEAP_NCLASSES];
static uint8_t heap_small_class[HEAP_SMALL_MAX / 16 / 16 + 1]; /* (x+15)/16 -> class, x <= 1024 */
static struct heap_span **heap_hash;
static struct heap_span *heap_lcache[HEAP_LARGE_BINS];
static uint64_t heap_lcache_bytes;
static struct heap_stats heap_st;
static bool heap_ready;

#define HEAP_LARGE_HDR ALIGN_UP(sizeof(struct heap_span), HEAP_ALIGN)

static uint32_t heap_class_size(unsigned cls)
{
	unsigned lg;

	if (cls < 8)
		return 16 * (cls + 1);
	lg = 7 + (cls - 8) / 4;
	return (1u << lg) + ((cls - 8) % 4 + 1) * (1u << (lg - 2));
}

/* Class of an object of x bytes (red zone included), x <= HEAP_SMALL_MAX. */
static inline unsigned heap_class_of(size_t x)
{
	unsigned lg;

	if (x <= 1024)
		return heap_small_class[(x + 15) >> 4];
	lg = 63u - (unsigned)__builtin_clzll(x - 1);
	return 8 + (lg - 7) * 4 + (unsigned)(((x - 1) - ((size_t)1 << lg)) >> (lg - 2));
}

static size_t heap_hash_index(const void *p)
{
	uint64_t chunk = (uint64_t)(uintptr_t)p >> HEAP_CHUNK_SHIFT;

	return (size_t)((chunk * 0x9e3779b97f4a7c15ull) >> (64 - HEAP_HASH_BITS));
}

/* The span or large block whose first chunk holds p, or NULL. Never dereferences p. */
static inline struct heap_span *heap_lookup(const void *p)
{
	uintptr_t base = (uintptr_t)p & ~(uintptr_t)(HEAP_CHUNK - 1);
	struct heap_span *s;

	for (s = heap_hash[heap_hash_index(p)]; s; s = s->hnext)
		if ((uintptr_t)s == base)
			return s;
	return NULL;
}

static void heap_hash_add(struct heap_span *s)
{
	size_t i = heap_hash_index(s);

	s->hnext = heap_hash[i];
	heap_hash[i] = s;
}

static void heap_hash_del(struct heap_span *s)
{
	struct heap_span **pp = &heap_hash[heap_hash_index(s)];

	while (*pp != s)
		pp = &(*pp)->hnext;
	*pp = s->hnext;
}

static void heap_account(int64_t bytes)
{
	heap_st.vmalloc_bytes += (uint64_t)bytes;
	if (heap_st.vmalloc_bytes > heap_st.vmalloc_peak)
		heap_st.vmalloc_peak = heap_st.vmalloc_bytes;
}

static void heap_report(const char *what, const void *p, size_t size, uintptr_t caller)
{
	heap_st.misuse++;
	printk(KERN_ERR "heap: %s %p (size %zu) from %pS, refused\n", what, p, size,
	       (void *)caller);
}

/* Lays out class c: the smallest span (16-64 pages) wasting at most 1/32 of itself, else
 * the one wasting the least. */
static void heap_class_setup(struct heap_class *c, uint32_t size)
{
	uint64_t best_waste = 0;

	c->size = size;
	c->magic = ((uint64_t)1 << HEAP_DIV_SHIFT) / size + 1;
	c->pages = 0;
	for (uint32_t pages = HEAP_SPAN_MIN_PAGES; pages <= HEAP_SPAN_MAX_PAGES; pages++) {
		uint64_t bytes = (uint64_t)pages * PAGE_SIZE;
		uint64_t n = (bytes - sizeof(struct heap_span)) / size, off, waste;

		for (;;) {
			off = ALIGN_UP(sizeof(struct heap_span) + (n + 63) / 64 * 8, HEAP_ALIGN);
			if (off + n * size <= bytes)
				break;
			n--;
		}
		waste = bytes - n * size;
		if (!c->pages || waste * c->pages * PAGE_SIZE < best_waste * bytes) {
			c->pages = pages;
			c->nobj = (uint32_t)n;
			c->data_off = (uint32_t)off;
			best_waste = waste;
		}
		if (waste * 32 <= bytes)
			break;
	}
}

static void heap_partial_add(struct heap_class *c, struct heap_span *s)
{
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial)
		c->partial->prev = s;
	c->partial = s;
}

static void heap_partial_del(struct heap_class *c, struct heap_span *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

/* A new empty span for class cls, on the class's partial list; NULL when vmalloc fails. */
static struct heap_span *heap_span_new(unsigned cls)
{
	struct heap_class *c = &heap_classes[cls];
	size_t bytes = (size_t)c->pages * PAGE_SIZE;
	struct heap_span *s = vmalloc_aligned(bytes, HEAP_CHUNK);

	if (!s)
		return NULL;
	memset(s, 0, c->data_off);
	s->magic = HEAP_SPAN_MAGIC;
	s->cls = (uint16_t)cls;
	s->data = (char *)s + c->data_off;
	s->nobj = s->nfree = c->nobj;
	s->map_bytes = bytes;
	heap_hash_add(s);
	heap_partial_add(c, s);
	c->nempty++;
	heap_account((int64_t)bytes);
	return s;
}

static void heap_span_release(struct heap_span *s)
{
	heap_hash_del(s);
	heap_account(-(int64_t)s->map_bytes);
	s->magic = 0;
	vfree(s);
}

/* Writes the red zone of an object of 'slot' bytes holding n requested bytes. */
static inline void heap_redzone_set(char *obj, size_t n, size_t slot)
{
	uint32_t tag = (uint32_t)n ^ HEAP_TAG_KEY;

	memset(obj + n, HEAP_CANARY, MIN(slot - 4 - n, HEAP_CANARY_CHECK));
	memcpy(obj + slot - 4, &tag, 4);
}

/* The requested size stored in the red zone, or SIZE_MAX when the red zone is damaged. */
static size_t heap_redzone_check(const char *obj, size_t slot)
{
	uint32_t tag;
	size_t n, end;

	memcpy(&tag, obj + slot - 4, 4);
	n = tag ^ HEAP_TAG_KEY;
	if (n > slot - HEAP_REDZONE)
		return SIZE_MAX;
	end = n + MIN(slot - 4 - n, HEAP_CANARY_CHECK);
	for (size_t i = n; i < end; i++)
		if ((unsigned char)obj[i] != HEAP_CANARY)
			return SIZE_MAX;
	return n;
}

static inline bool heap_bit(const struct heap_span *s, size_t i)
{
	return s->bits[i >> 6] & (1ull << (i & 63));
}

static void *heap_small_alloc(size_t n)
{
	unsigned cls = heap_class_of(n + HEAP_REDZONE);
	struct heap_class *c = &heap_classes[cls];
	struct heap_span *s = c->partial;
	char *obj;
	size_t i;

	if (unlikely(!s) && !(s = heap_span_new(cls)))
		return NULL;
	if (s->nfree == s->nobj)
		c->nempty--;
	obj = s->free;
	if (obj) {
		char *next = *(char **)obj;
		size_t off = (size_t)(next - s->data);

		if (next && (off >= (size_t)s->bump * c->size || off % c->size)) {
			printk(KERN_ERR "heap: free list of span %p (size %u) corrupted: "
			       "written after free?\n", (void *)s, c->size);
			heap_st.misuse++;
			s->broken = 1;
			heap_partial_del(c, s);
			return heap_small_alloc(n);
		}
		s->free = next;
	} else {
		obj = s->data + (size_t)s->bump++ * c->size;
	}
	i = ((uint64_t)(obj - s->data) * c->magic) >> HEAP_DIV_SHIFT;
	s->bits[i >> 6] |= 1ull << (i & 63);
	if (--s->nfree == 0)
		heap_partial_del(c, s);
	heap_redzone_set(obj, n, c->size);
	return obj;
}

/* A large block of n bytes: from the cache when one of the same page count is there. */
static void *heap_large_alloc(size_t n)
{
	size_t bytes = ALIGN_UP(HEAP_LARGE_HDR + n + HEAP_REDZONE, PAGE_SIZE);
	size_t pages = bytes >> PAGE_SHIFT;
	struct heap_span *s = NULL;

	if (n > SIZE_MAX / 2)
		return NULL;
	if (pages < HEAP_LARGE_BINS && (s = heap_lcache[pages])) {
		heap_lcache[pages] = s->next;
		heap_lcache_bytes -= bytes;
	} else {
		s = vmalloc_aligned(bytes, HEAP_CHUNK);
		if (!s)
			return NULL;
		memset(s, 0, sizeof(*s));
		s->magic = HEAP_LARGE_MAGIC;
		s->data = (char *)s + HEAP_LARGE_HDR;
		s->map_bytes = bytes;
		heap_hash_add(s);
		heap_account((int64_t)bytes);
	}
	s->cached = 0;
	s->req = n;
	memset(s->data + n, HEAP_CANARY, MIN(bytes - HEAP_LARGE_HDR - n, HEAP_CANARY_CHECK));
	return s->data;
}

static bool heap_large_redzone_ok(const struct heap_span *s)
{
	size_t end = MIN(s->map_bytes - HEAP_LARGE_HDR - s->req, HEAP_CANARY_CHECK);

	for (size_t i = 0; i < end; i++)
		if ((unsigned char)s->data[s->req + i] != HEAP_CANARY)
			return false;
	return true;
}

static void heap_large_free(struct heap_span *s)
{
	size_t pages = s->map_bytes >> PAGE_SHIFT;

	if (pages < HEAP_LARGE_BINS && heap_lcache_bytes + s->map_bytes <= HEAP_LARGE_CACHE) {
		s->cached = 1;
		s->next = heap_lcache[pages];
		heap_lcache[pages] = s;
		heap_lcache_bytes += s->map_bytes;
		return;
	}
	heap_span_release(s);
}

/*
 * Checks that p is a live allocation: returns its span and its requested size in *n, or
 * NULL after reporting the misuse ('op' names the operation). Interrupts off.
 */
static struct heap_span *heap_check(const void *p, size_t *n, const char *op, uintptr_t caller)
{
	struct heap_span *s = heap_lookup(p);
	struct heap_class *c;
	size_t off, i;

	if (!s || (s->magic == HEAP_LARGE_MAGIC && (const char *)p != s->data)) {
		heap_report(op[0] == 'f' ? "free of foreign pointer" : "realloc of foreign pointer",
			    p, 0, caller);
		return NULL;
	}
	if (s->magic == HEAP_LARGE_MAGIC) {
		if (s->cached) {
			heap_report(op[0] == 'f' ? "double free of" : "realloc of freed", p, s->req,
				    caller);
			return NULL;
		}
		if (!heap_large_redzone_ok(s)) {
			heap_report("red zone overwritten after", p, s->req, caller);
			return NULL;
		}
		*n = s->req;
		return s;
	}
	c = &heap_classes[s->cls];
	off = (size_t)((const char *)p - s->data);
	i = ((uint64_t)off * c->magic) >> HEAP_DIV_SHIFT;
	if ((const char *)p < s->data || off >= (size_t)s->bump * c->size || i * c->size != off) {
		heap_report(op[0] == 'f' ? "free of foreign pointer" : "realloc of foreign pointer",
			    p, 0, caller);
		return NULL;
	}
	if (!heap_bit(s, i)) {
		heap_report(op[0] == 'f' ? "double free of" : "realloc of freed", p, c->size, caller);
		return NULL;
	}
	*n = heap_redzone_check(p, c->size);
	if (*n == SIZE_MAX) {
		heap_report("red zone overwritten after", p, c->size - HEAP_REDZONE, caller);
		return NULL;
	}
	return s;
}

/* Frees checked allocation p of span s. Interrupts off. */
static void heap_release(struct heap_span *s, void *p, size_t n)
{
	struct heap_class *c;
	size_t i;

	heap_st.frees++;
	heap_st.live_allocs--;
	heap_st.live_bytes -= n;
	if (s->magic == HEAP_LARGE_MAGIC) {
		heap_large_free(s);
		return;
	}
	c = &heap_classes[s->cls];
	i = ((uint64_t)((char *)p - s->data) * c->magic) >> HEAP_DIV_SHIFT;
	s->bits[i >> 6] &= ~(1ull << (i & 63));
	if (s->broken)
		return;
	*(void **)p = s->free;
	s->free = p;
	if (++s->nfree == 1)
		heap_partial_add(c, s);
	if (s->nfree == s->nobj && c->nempty++) {
		c->nempty--;
		heap_partial_del(c, s);
		heap_span_release(s);
	}
}

/* Releases every empty span and every cached large block. Interrupts off. */
static size_t heap_trim_locked(void)
{
	size_t released = 0;

	for (unsigned k = 0; k < HEAP_NCLASSES; k++) {
		struct heap_class *c = &heap_classes[k];
		struct heap_span *s = c->partial, *next;

		for (; s; s = next) {
			next = s->next;
			if (s->nfree == s->nobj && !s->broken) {
				heap_partial_del(c, s);
				released += s->map_bytes;
				heap_span_release(s);
			}
		}
		c->nempty = 0;
	}
	for (unsigned b = 0; b < HEAP_LARGE_BINS; b++) {
		while (heap_lcache[b]) {
			struct heap_span *s = heap_lcache[b];

			heap_lcache[b] = s->next;
			heap_lcache_bytes -= s->map_bytes;
			released += s->map_bytes;
			heap_span_release(s);
		}
	}
	return released;
}

static void *heap_alloc_locked(size_t n)
{
	void *p = n <= HEAP_SMALL_MAX - HEAP_REDZONE ? heap_small_alloc(n) : heap_large_alloc(n);

	if (unlikely(!p)) {
		heap_trim_locked();
		p = n <= HEAP_SMALL_MAX - HEAP_REDZONE ? heap_small_alloc(n) : heap_large_alloc(n);
		if (!p) {
			heap_st.failed++;
			return NULL;
		}
	}
	heap_st.allocs++;
	heap_st.live_allocs++;
	heap_st.live_bytes += n;
	return p;
}

/*
 * Sets up the classes and the chunk hash table (one vzalloc). Returns 0 or -ENOMEM.
 * Context: boot, after vmalloc_init; host tests may call it again after a new vmalloc_init.
 */
int heap_init(void)
{
	size_t hash_bytes = sizeof(*heap_hash) << HEAP_HASH_BITS;
	unsigned cls = 0;

	heap_ready = false;
	memset(&heap_st, 0, sizeof(heap_st));
	memset(heap_lcache, 0, sizeof(heap_lcache));
	heap_lcache_bytes = 0;
	for (unsigned k = 0; k < HEAP_NCLASSES; k++) {
		memset(&heap_classes[k], 0, sizeof(heap_classes[k]));
		heap_class_setup(&heap_classes[k], heap_class_size(k));
	}
	for (unsigned i = 1; i < ARRAY_SIZE(heap_small_class); i++) {
		while (heap_classes[cls].size < i * 16)
			cls++;
		heap_small_class[i] = (uint8_t)cls;
	}
	heap_hash = vzalloc(hash_bytes);
	if (!heap_hash) {
		printk(KERN_ERR "heap: no memory for the span table\n");
		return -ENOMEM;
	}
	heap_account((int64_t)ALIGN_UP(hash_bytes, PAGE_SIZE));
	heap_ready = true;
	return 0;
}

/* See <lios/heap.h>. NULL when memory runs out (or before heap_init). Context: any. */
void *heap_alloc(size_t size)
{
	uint64_t irq;
	void *p;

	if (unlikely(!heap_ready))
		return NULL;
	irq = arch_irq_save();
	p = heap_alloc_locked(size);
	arch_irq_restore(irq);
	return p;
}

/* n * size zeroed bytes; NULL on overflow or exhaustion. Context: any. */
void *heap_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = heap_alloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/* Frees p; NULL is ignored, misuse reported and refused. Context: any. */
void heap_free(void *p)
{
	struct heap_span *s;
	uint64_t irq;
	size_t n;

	if (!p || !heap_ready)
		return;
	irq = arch_irq_save();
	s = heap_check(p, &n, "free", CALLER_ADDR);
	if (s)
		heap_release(s, p, n);
	arch_irq_restore(irq);
}

/* Resizes in place when the new size keeps the same class (or page count for large
 * blocks), else moves. NULL, p untouched, on exhaustion or misuse. Context: any. */
void *heap_realloc(void *p, size_t size)
{
	struct heap_span *s;
	void *q = NULL;
	uint64_t irq;
	size_t n;

	if (!p)
		return heap_alloc(size);
	if (!size) {
		heap_free(p);
		return NULL;
	}
	if (!heap_ready)
		return NULL;
	irq = arch_irq_save();
	s = heap_check(p, &n, "realloc", CALLER_ADDR);
	if (!s)
		goto out;
	if (s->magic == HEAP_SPAN_MAGIC && size <= HEAP_SMALL_MAX - HEAP_REDZONE &&
	    heap_class_of(size + HEAP_REDZONE) == s->cls) {
		heap_redzone_set(p, size, heap_classes[s->cls].size);
		q = p;
	} else if (s->magic == HEAP_LARGE_MAGIC && size > HEAP_SMALL_MAX - HEAP_REDZONE &&
		   ALIGN_UP(HEAP_LARGE_HDR + size + HEAP_REDZONE, PAGE_SIZE) == s->map_bytes) {
		s->req = size;
		memset(s->data + size, HEAP_CANARY,
		       MIN(s->map_bytes - HEAP_LARGE_HDR - size, HEAP_CANARY_CHECK));
		q = p;
	}
	if (q) {
		heap_st.live_bytes += size - n;
		goto out;
	}
	q = heap_alloc_locked(size);
	if (q) {
		memcpy(q, p, MIN(n, size));
		heap_release(s, p, n);
	}
out:
	arch_irq_restore(irq);
	return q;
}

/* The requested size of live allocation p; 0 (after a report) for anything else. */
size_t heap_size(const void *p)
{
	uint64_t irq;
	size_t n = 0;

	if (!p || !heap_ready)
		return 0;
	irq = arch_irq_save();
	if (!heap_check(p, &n, "size", CALLER_ADDR))
		n = 0;
	arch_irq_restore(irq);
	return n;
}

/* See <lios/heap.h>. Context: any. */
size_t heap_trim(void)
{
	uint64_t irq;
	size_t n;

	if (!heap_ready)
		return 0;
	irq = arch_irq_save();
	n = heap_trim_locked();
	arch_irq_restore(irq);
	return n;
}

/* Copies the counters. Context: any. */
void heap_get_stats(struct heap_stats *st)
{
	uint64_t irq = arch_irq_save();

	*st = heap_st;
	arch_irq_restore(irq);
}
