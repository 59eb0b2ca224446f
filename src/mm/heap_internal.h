/* SPDX-License-Identifier: MIT */
/*
 * Private to the heap (src/mm/heap.c: entry points, fast paths, magazines; heap_span.c:
 * the span layer; heap_class.c: class layouts and the descriptor pool; heap_block.c: large
 * blocks and the block cache): descriptor, class and magazine layouts, the
 * shared state, and the inline helpers shared by the fast and slow paths (class lookup,
 * span lookup, side entries, free records, object checks, red zone). See heap.c for the
 * design.
 */
#ifndef LIOS_MM_HEAP_INTERNAL_H
#define LIOS_MM_HEAP_INTERNAL_H

#include <lios/compiler.h>
#include <lios/heap.h>
#include <lios/string.h>

#define HEAP_CHUNK_SHIFT 18
#define HEAP_CHUNK ((size_t)1 << HEAP_CHUNK_SHIFT)
#define HEAP_NCLASSES 53
#define HEAP_SMALL_MAX 18432u         /* largest class, bytes: 16 KiB requests are small */
#define HEAP_REDZONE 8u               /* canary bytes right past the requested size */
#define HEAP_CANARY 0xcb
#define HEAP_CANARY_CHECK 32u         /* large blocks: canary bytes written and checked */
#define HEAP_HASH_BITS 12
#define HEAP_COLOURS 64              /* span start positions (cache lines), heap_colour */
#define HEAP_SPAN_MIN_PAGES 4
#define HEAP_SPAN_MAX_PAGES 48
#define HEAP_SPAN_MIN_OBJS 4         /* a class's span holds at least this many objects */
#define HEAP_CACHE_BINS 257          /* free blocks cached by page count 1..256 (1 MiB) */
#define HEAP_CACHE_SLACK 6           /* a cached block may be this many pages too big for a
				      * large block (heap_block.c); a span takes exact fits */
#define HEAP_CACHE_MIN MiB(1)        /* free blocks always allowed, bytes (heap_block.c) */
#define HEAP_KEEP_PCT 11             /* hold at most peak used + this % (heap_block.c) */
#define HEAP_SPAN_MAGIC 0x5350414eu   /* "SPAN" */
#define HEAP_BROKEN_MAGIC 0x42524b4eu /* "BRKN": small span whose free list is damaged */
#define HEAP_LARGE_MAGIC 0x4c524745u  /* "LRGE" */
#define HEAP_LINK_KEY 0x9e3779b9u     /* free-list links are (index + 1) ^ key */

/*
 * A block's descriptor (a span, a large block or a cached block). All live in the
 * descriptor pool (heap_class.c), apart from the blocks, so that they share a few dense,
 * hot cache lines (inside the 256 KiB-aligned blocks they fell in a few cache sets and
 * missed, measured); a span's side array follows its descriptor. Line 0 holds what the
 * fast paths read.
 */
struct heap_mag;

struct heap_span {
	uintptr_t base;              /* the block's address (HEAP_CHUNK aligned) */
	char *data;                  /* first object (small) or the block's data (large) */
	uint32_t div;                /* small: the class's ceil(2^32 / size) (heap_obj_index) */
	uint32_t pad3;
	struct heap_mag *mag;        /* small: the class's magazine */
	uint64_t fast_limit;         /* small, in service: bump * size (the objects ever handed
				      * out); 0 for a large, cached or broken block, so that
				      * heap_free's fast path (which reads it from heap_hent)
				      * leaves those to the slow path */
	uint64_t pad4;
	uint32_t magic;              /* HEAP_SPAN/BROKEN/LARGE_MAGIC */
	uint32_t head;               /* small: first free object's index + 1, 0: none */
	uint32_t nfree;              /* small: free objects (not counting those in heap_mag) */
	uint32_t bump;               /* small: objects [bump, nobj) were never handed out */
	/* line 1 */
	uint32_t nobj;               /* small: objects */
	uint32_t free_max;           /* small: heap_free's span path takes 1..free_max free
				      * objects: nobj - 1 for the head of the class's partial
				      * list (which may stay empty), nobj - 2 otherwise */
	uint16_t cls;                /* size class (small spans) */
	uint8_t cached;              /* free block in the cache (not live) */
	uint8_t pending;             /* large: freed by a handler, queued (heap_irq.c) */
	uint16_t units;              /* pool record size, HEAP_DESC_UNITs (pool descriptors) */
	uint16_t pad1;
	struct heap_span *hnext;     /* chunk hash chain */
	struct heap_span *prev, *next; /* class partial list, cache bin, or pool free list */
	uint64_t map_bytes;          /* bytes taken from vmalloc */
	uint64_t req;                /* large: requested size, bytes */
	uint32_t size;               /* small: object size (the class's, copied for free) */
	uint32_t pad2;
};
static_assert(sizeof(struct heap_span) == 128, "two cache lines, the first the fast paths'");
static_assert((HEAP_SPAN_MAX_PAGES + HEAP_CACHE_SLACK) * PAGE_SIZE + HEAP_COLOURS * 64 <=
		      HEAP_CHUNK,
	      "a span lies in one chunk (heap_free_check needs no chunk compare)");

struct heap_class {
	uint32_t size;               /* object size, bytes (multiple of 16) */
	uint32_t nobj;               /* objects per span */
	uint32_t pages;              /* span size, pages */
	uint64_t magic;              /* ceil(2^32 / size): offset -> index by multiplication */
	struct heap_span *partial;   /* spans with a free object: allocation takes the head */
};

/*
 * A class's magazine: the objects last freed into the class (LIFO), each with its side
 * entry, handed out again before any span is asked: a freed object is reused while its
 * lines are still cached, and the spans' free lists and partial lists only move when the
 * magazine overflows (free) or runs dry (allocation). An object in a magazine is free (its
 * side entry is 0) but still counted as used by its span; its free record holds
 * HEAP_MAG_RECORD, checked before it is handed out again. At most HEAP_MAG_BYTES per class
 * (HEAP_MAG_MAX objects), so the memory they hold back stays small; heap_trim empties them.
 */
#define HEAP_MAG_MAX 61             /* a magazine is 1 KiB, ent[0] the bottom */
#define HEAP_MAG_BYTES 16384u
struct heap_mag_ent {
	char *obj;
	uint16_t *side;              /* its side entry */
};
struct heap_mag {
	struct heap_mag_ent ent[HEAP_MAG_MAX + 1]; /* ent[0]: the bottom, heap_mag_bottom */
	struct heap_mag_ent *top;    /* the first unused entry: ent + 1 when empty */
	struct heap_mag_ent *limit;  /* top when full: ent + 1 + the class's capacity */
	uint64_t maxn;               /* the class's largest requested size (heap_free's check) */
	uint64_t pad;
};
static_assert(sizeof(struct heap_mag) == 1024, "a magazine is 1 KiB");

/* heap.c: what a magazine's bottom entry (ent[0], below its first object) names: 16 zero
 * bytes, read-only, which are no free record, so that the fast path's record check of the
 * entry below top also finds the magazine empty (no compare of top with the bottom). */
extern const char heap_mag_bottom[16];

/* Whether magazine m holds no object. */
static inline bool heap_mag_empty(const struct heap_mag *m)
{
	return m->top == m->ent + 1;
}

/* State shared by the heap's files. */
extern struct heap_mag heap_mags[HEAP_NCLASSES];           /* heap.c */
extern struct heap_class heap_classes[HEAP_NCLASSES];      /* heap_class.c */
extern uint8_t heap_small_class[HEAP_SMALL_MAX / 16 + 1]; /* (x+15)/16 -> class, any small x */
/* heap_class.c: (x+15)/16 -> the class's magazine (8 KiB: one load, no base to add) */
extern struct heap_mag *heap_small_mag[HEAP_SMALL_MAX / 16 + 1];
/* heap.c: 1 << HEAP_HASH_BITS chains of block descriptors (spans, large and cached blocks),
 * each ended by HEAP_NO_SPAN; a block is found by its first chunk (its base). */
extern struct heap_span *heap_hash[1u << HEAP_HASH_BITS];
/* heap.c: per chain of heap_hash, what heap_free's fast path reads of the chain's first
 * block, so that it reaches the side entry without loading the descriptor first (one
 * dependent load less per free): its data, div, fast_limit (0: the fast path takes no
 * pointer for it), side array and magazine; all zero for an empty chain.
 * heap_hent_sync refreshes it wherever one of them changes for a chain's first block. */
struct heap_hent {
	char *data;
	uint32_t div;
	uint32_t fast_limit;
	uint16_t *side;
	struct heap_mag *mag;
};
static_assert(sizeof(struct heap_hent) == 32, "two entries per cache line");
extern struct heap_hent heap_hent[1u << HEAP_HASH_BITS];
void heap_hent_sync(uintptr_t base);
/* heap.c: per class, the span allocations come from (the head of its partial list), or
 * &heap_no_span when the list is empty: never NULL, so the fast path tests nothing else. */
extern struct heap_span *heap_cur[HEAP_NCLASSES];
/* heap.c: a header that owns nothing: no free object, nothing to bump (always "full"),
 * fast_limit 0 (heap_free's fast path never takes a pointer for it). Being a real object,
 * it may stand where a header is expected: the end of hash chains, heap_cur. */
extern struct heap_span heap_no_span;
#define HEAP_NO_SPAN (&heap_no_span)
/* heap.c: the counters that change on slow paths only (vmalloc, failures, misuse) and
 * frees, the one counter the fast paths keep: allocs, live_allocs and live_bytes are
 * counted when asked (heap_count_live), as a kernel allocator's statistics are, so that
 * heap_alloc's fast path updates no counter at all. */
extern struct heap_stats heap_st;
/* heap_span.c: bytes of the slots handed out by spans (live, or free in a magazine) plus
 * those of live large blocks: what the block cache measures its bound against (changed
 * only where objects leave or return to spans). */
extern uint64_t heap_used_bytes;
/* heap_block.c: the highest heap_used_bytes a slow path saw since the last trim */
extern uint64_t heap_peak_used;


/* heap.c */
void heap_hash_add(struct heap_span *s);
void heap_hash_del(struct heap_span *s);
/* Adds bytes (negative: removes) to the bytes held from vmalloc. */
void heap_account(int64_t bytes);
/* Counts and prints one misuse: "heap: op(p) from caller: why (size n), refused"; when
 * heap_report_caller is set (by a heap_trace hook around its call), it names that caller. */
extern uintptr_t heap_report_caller;
void heap_report(const char *op, const void *p, const char *why, size_t size, uintptr_t caller);
/* heap.c: p's block when p is a live allocation of the spans or large blocks, its requested
 * size in *n; else NULL after reporting the misuse ('op' names the operation). Reads only:
 * handlers call it too. */
struct heap_span *heap_check(const void *p, size_t *n, const char *op, uintptr_t caller);

/* heap_irq.c: the calls of interrupt handlers (arch_in_interrupt), which never touch what
 * the fast paths use. heap_irq_alloc/free/realloc/size: heap_alloc, heap_free,
 * heap_realloc and heap_size for a handler; 'caller' is the entry point's caller. */
void *heap_irq_alloc(size_t n);
void heap_irq_free(void *p, uintptr_t caller);
void *heap_irq_realloc(void *p, size_t size, uintptr_t caller);
size_t heap_irq_size(const void *p, uintptr_t caller);
/* Whether p is a live interrupt block (a handler's allocation, from kmalloc). Any context. */
bool heap_irq_block(const void *p);
/* Interrupt block p's requested size in *n; true when its red zone is intact, false after
 * reporting the overflow ('op' names the operation). */
bool heap_irq_block_ok(const void *p, size_t *n, const char *op, uintptr_t caller);
/* Frees interrupt block p (heap_irq_block(p)) after checking its red zone. Interrupts off. */
void heap_irq_block_free(void *p, uintptr_t caller);
/* Frees the blocks handlers queued (heap_deferred). Process context, interrupts off. */
void heap_irq_drain(void);
/* Interrupt blocks live, their frees and failed allocations, and queued frees. */
struct heap_irq_stats {
	uint64_t live_allocs, live_bytes, frees, failed, pending;
};
extern struct heap_irq_stats heap_irq_st;
extern char *heap_deferred;  /* queued frees, linked through their first word */
extern bool heap_ready;      /* heap.c: heap_init has run */
/* Takes a span or large block out of the hash and gives it back to vmalloc. */
void heap_span_release(struct heap_span *s);
/* Takes span s off class c's partial list. */
void heap_partial_del(struct heap_class *c, struct heap_span *s);

/* heap_span.c: the span layer. Interrupts off for all. */
/* A small allocation of n bytes the slow way (magazine, damaged records, new spans); NULL
 * when vmalloc fails. */
void *heap_small_alloc_slow(size_t n);
/* Pops an object of n bytes of class cls from its current span; NULL (nothing changed)
 * when there is none or its free list is damaged. */
void *heap_span_alloc(unsigned cls, size_t n);
/* Puts checked object p of span s (side: its side entry) on the span's free list. */
void heap_span_free(struct heap_span *s, uint16_t *side, void *p);
/* Frees checked allocation p of n bytes of block s (span or large) the slow way. */
void heap_release(struct heap_span *s, void *p, size_t n);
/* Empties the magazines, then releases every empty span, cached block and the unused
 * descriptor pool; returns the bytes released. */
size_t heap_trim_locked(void);
/* heap_span.c: counts the live allocations and their requested bytes by walking every
 * block's descriptor (side entries of spans, large blocks). Interrupts off. */
void heap_count_live(uint64_t *allocs, uint64_t *bytes);
/* heap_span.c: puts every object of the magazines back on its span's free list.
 * Interrupts off. */
void heap_mag_drain(void);
/* heap.c: switches the magazines off (drained, capacity 0: every heap_alloc and heap_free
 * then takes its slow path, where heap_tracing is tested) or back on. Context: any. */
void heap_magazines_enable(bool on);

/* heap_class.c: lays out every class and fills heap_small_class. */
void heap_classes_init(void);
/* heap_class.c: the descriptor pool. A span's record is its descriptor followed by its
 * side array, in HEAP_DESC_UNITs. */
#define HEAP_DESC_UNIT 64
#define HEAP_DESC_UNITS_MAX 64
static inline uint32_t heap_desc_units(uint32_t nobj)
{
	return (uint32_t)((sizeof(struct heap_span) + nobj * sizeof(uint16_t) + HEAP_DESC_UNIT - 1) /
			  HEAP_DESC_UNIT);
}
/* A zeroed descriptor with room for nobj side entries after it; NULL when vmalloc fails. */
struct heap_span *heap_desc_get(uint32_t nobj);
void heap_desc_put(struct heap_span *d);
/* Gives the pool's memory back when no descriptor is in use; returns the bytes released. */
size_t heap_desc_trim(void);
/* Forgets the pool (heap_init starting over). */
void heap_desc_reset(void);
/* The span layout of class c in the block at base (bytes long): data, nobj. */
void heap_span_layout(struct heap_span *s, const struct heap_class *c, uintptr_t base,
		      size_t bytes);

/* heap_block.c: large blocks, above HEAP_SMALL_MAX. */
void *heap_large_alloc(size_t n);
bool heap_large_redzone_ok(const struct heap_span *s);
void heap_large_free(struct heap_span *s);
bool heap_large_resize(struct heap_span *s, size_t n);

/* heap_block.c: the cache of free blocks (empty spans and freed large blocks) that the heap
 * keeps instead of giving them back at once.
 * A block of 'bytes' (page multiple) aligned to HEAP_CHUNK: from the cache when one at most
 * 'slack' pages bigger is there (*fresh = false; descriptor to be rewritten), else from
 * vmalloc (hashed and accounted, *fresh = true); NULL when vmalloc fails. */
struct heap_span *heap_block_get(size_t bytes, size_t slack, bool *fresh);
/* Caches free block s (an empty span or a freed large block) or gives it back. */
void heap_block_put(struct heap_span *s);
/* Gives every cached block back; returns the bytes released. */
size_t heap_cache_trim(void);
/* Forgets the cache (heap_init starting over) and sizes its cap from the frame count. */
void heap_cache_reset(void);

/* Class of an object of x bytes (red zone included), x <= HEAP_SMALL_MAX: one table load
 * (heap_init fills the table from the class sizes). */
static inline unsigned heap_class_of(size_t x)
{
	return heap_small_class[(x + 15) >> 4];
}

/* The magazine of the class of an object of x bytes (red zone included), x <=
 * HEAP_SMALL_MAX. */
static inline struct heap_mag *heap_mag_of(size_t x)
{
	return heap_small_mag[(x + 15) >> 4];
}

static inline size_t heap_hash_index(uintptr_t addr)
{
	/* Direct-mapped: vmalloc hands out addresses from the bottom of its window, so the
	 * blocks of the first 1 << HEAP_HASH_BITS chunks (1 GiB) each get a chain alone. */
	return (size_t)(addr >> HEAP_CHUNK_SHIFT) & ((1u << HEAP_HASH_BITS) - 1);
}

/* Whether p lies in the first HEAP_CHUNK of block s (a span: anywhere in it). */
static inline bool heap_in_chunk(const struct heap_span *s, const void *p)
{
	return ((uintptr_t)p ^ s->base) < HEAP_CHUNK;
}

/*
 * Where a span at chunk address base whose objects leave 'slack' bytes free starts its
 * objects: at one of up to HEAP_COLOURS cache lines within the slack, by chunk number, so
 * that the first objects of the spans, which are all HEAP_CHUNK aligned, do not all share
 * one cache set. Free: it only uses bytes no object would.
 */
static inline size_t heap_colour(uintptr_t base, size_t slack)
{
	return (size_t)((base >> HEAP_CHUNK_SHIFT) % MIN(slack / 64 + 1, (size_t)HEAP_COLOURS)) * 64;
}

/* The block whose first chunk holds p, or NULL. Never dereferences p. */
static inline struct heap_span *heap_lookup(const void *p)
{
	struct heap_span *s;

	for (s = heap_hash[heap_hash_index((uintptr_t)p)]; s != HEAP_NO_SPAN; s = s->hnext)
		if (heap_in_chunk(s, p))
			return s;
	return NULL;
}

#define HEAP_CANARY64 (0x0101010101010101ull * HEAP_CANARY)

/*
 * Per-object state of a small span: the side array, one uint16_t per object right after
 * the span's descriptor in the pool (heap_side), dense and away from the spans' cache
 * sets, written by allocation and free and read by free, so that free
 * touches no word of the object but the red zone. HEAP_SIDE_LIVE | n while the object is
 * allocated (n: the requested size, so the red zone is at obj + n); 0 once freed (a second
 * free finds it: "already freed"). Entries of objects never handed out are never read
 * (free refuses them by index first).
 */
#define HEAP_SIDE_LIVE 0x8000u
#define HEAP_SIDE_SIZE 0x7fffu          /* the bits of n */
static_assert(HEAP_SMALL_MAX - HEAP_REDZONE <= HEAP_SIDE_SIZE, "a side entry holds any small n");

static inline uint16_t *heap_side(const struct heap_span *s)
{
	return (uint16_t *)(s + 1);     /* a pool descriptor: its record (heap_desc_get) */
}

/*
 * A free small object's first 16 bytes, its free record: the free-list link (index + 1 of
 * the next free object, 0: none) xored with HEAP_LINK_KEY in the low half of the first
 * word, HEAP_FREE_MARK in its high half, and HEAP_FREE_MARK64 in the second word (every
 * object is at least 16 bytes). Allocation checks all of it before handing the object out
 * again (the marks: written after free, even with zeros; the link: names a handed-out
 * object), so a write after free into the object's first 16 bytes or a damaged free list
 * is caught where the next caller would write anyway: the object's first line.
 */
#define HEAP_FREE_MARK 0xf4eef4eeu
#define HEAP_FREE_MARK64 0xf4eef4eef4eef4eeull

static inline uint64_t heap_free_record(uint32_t next)
{
	return (uint64_t)HEAP_FREE_MARK << 32 | (next ^ HEAP_LINK_KEY);
}

/* The free record of an object in a magazine: this word twice (one constant for the fast
 * paths to load); its link names no object and its second word is not HEAP_FREE_MARK64,
 * so a span's free list that leads into a magazine is found damaged. */
#define HEAP_MAG_RECORD ((uint64_t)HEAP_FREE_MARK << 32 | (UINT32_MAX ^ HEAP_LINK_KEY))

/* Writes the free record of a magazine object at obj. */
static inline void heap_mag_record_put(char *obj)
{
	uint64_t w = HEAP_MAG_RECORD;

	__builtin_memcpy(obj, &w, 8);
	__builtin_memcpy(obj + 8, &w, 8);
}

/* Writes the free record (first word w) at obj. */
static inline void heap_record_put(char *obj, uint64_t w)
{
	uint64_t m = HEAP_FREE_MARK64;

	__builtin_memcpy(obj, &w, 8);
	__builtin_memcpy(obj + 8, &m, 8);
}

/* The first word of obj's free record, or 0 (never a record's) when its marks are
 * damaged. */
static inline uint64_t heap_record_get(const char *obj)
{
	uint64_t w, m;

	__builtin_memcpy(&w, obj, 8);
	__builtin_memcpy(&m, obj + 8, 8);
	return (uint32_t)(w >> 32) == HEAP_FREE_MARK && m == HEAP_FREE_MARK64 ? w : 0;
}

/* Whether obj carries the free record of a magazine object. */
static inline bool heap_mag_record_ok(const char *obj)
{
	uint64_t w, m;

	__builtin_memcpy(&w, obj, 8);
	__builtin_memcpy(&m, obj + 8, 8);
	return ((w ^ HEAP_MAG_RECORD) | (m ^ HEAP_MAG_RECORD)) == 0;
}

/* The next link of free record w (heap_record_get), or UINT32_MAX when w is not one. */
static inline uint32_t heap_free_next(uint64_t w)
{
	return (uint32_t)(w >> 32) == HEAP_FREE_MARK ? (uint32_t)w ^ HEAP_LINK_KEY : UINT32_MAX;
}

/*
 * Hands out object i (at obj) of small span s for n bytes, n <= slot - HEAP_REDZONE: the
 * side entry records it live with its size, and the red zone, 8 canary bytes right past the
 * requested bytes (where overflows land), is written as one store.
 */
static inline void heap_obj_live_at(uint16_t *side, char *obj, size_t n)
{
	uint64_t c = HEAP_CANARY64;

	*side = (uint16_t)(HEAP_SIDE_LIVE | n);
	__builtin_memcpy(obj + n, &c, 8);
}

static inline void heap_obj_live(struct heap_span *s, size_t i, char *obj, size_t n)
{
	heap_obj_live_at(&heap_side(s)[i], obj, n);
}

/*
 * The checks a free runs on small object p of span s, shared by heap_free's fast path and
 * heap_check (the slow path, which names what failed). heap_obj_index_at: true, with p's
 * index in *i, when p is the start of an object within the span's first 'limit' bytes of
 * objects (data, div: the span's first object and reciprocal, from its descriptor or, on
 * the fast path, from its chain's heap_hent; the fast path passes fast_limit, the slow
 * path bump * size: those ever handed out). One 64-bit multiplication gives both (div =
 * ceil(2^32 / size)): for an offset below limit the index is bits 32-63 of offset * div,
 * and the offset is a multiple of the size exactly when bits 0-31 are below div. Exact
 * while (offset + size) * size < 2^32 (then (index + 1) * (div * size - 2^32) < div: the
 * rounding error never reaches the low half's bound), which the static_assert below
 * guarantees for every span. Never dereferences p.
 */
static_assert(((uint64_t)HEAP_SPAN_MAX_PAGES * PAGE_SIZE + HEAP_SMALL_MAX) * HEAP_SMALL_MAX <
		      (1ull << 32),
	      "heap_obj_index's 32-bit reciprocal is exact for every offset in a span");

static inline bool heap_obj_index_at(const char *data, uint32_t div, const void *p,
				     size_t limit, size_t *i)
{
	uint64_t off = (uint64_t)((const char *)p - data); /* p < data wraps: too big */
	uint64_t m = off * div;                             /* wraps only when off >= limit */

	*i = (size_t)(m >> 32);
	/* & rather than &&: no branch between the two tests, so that heap_free's fast path
	 * runs straight through (with &&, gcc laid the slow call between them and the fast
	 * path jumped over it: 4-6 % of the 64-byte pair, bench/heap/README.md round 12) */
	return (off < limit) & ((uint32_t)m < div);
}

/* heap_obj_index_at for span s (its first object and div). */
static inline bool heap_obj_index(const struct heap_span *s, const void *p, size_t limit,
				  size_t *i)
{
	return heap_obj_index_at(s->data, s->div, p, limit, i);
}

enum heap_obj_state { HEAP_OBJ_LIVE, HEAP_OBJ_FREED, HEAP_OBJ_REDZONE, HEAP_OBJ_DAMAGED };

/*
 * The requested size n of side entry e of a live object, or a value above any object when
 * e is not a live entry (freed: 0 - HEAP_SIDE_LIVE wraps): one compare of the result with
 * the class's largest n tests both the live bit and a damaged size (which must not send
 * the red zone check out of the object).
 */
static inline uint32_t heap_side_size(uint16_t e)
{
	return (uint32_t)e - HEAP_SIDE_LIVE;
}

/* Whether handed-out object i (at p) of small span s is allocated with its red zone intact
 * (then its requested size is in *n), freed, overflowed, or with a damaged side entry.
 * Reads the side entry and the red zone's 8 bytes only. */
static inline enum heap_obj_state heap_obj_check(const struct heap_span *s, size_t i,
						 const char *p, size_t *n)
{
	uint16_t e = heap_side(s)[i];
	uint32_t size = heap_side_size(e);
	uint64_t w;

	if (size > s->mag->maxn)
		return e ? HEAP_OBJ_DAMAGED : HEAP_OBJ_FREED;
	*n = size;
	__builtin_memcpy(&w, p + *n, 8);
	return w == HEAP_CANARY64 ? HEAP_OBJ_LIVE : HEAP_OBJ_REDZONE;
}

/* Marks object i (at obj) of small span s free, its free record linking to 'next'. */
static inline void heap_obj_free(struct heap_span *s, size_t i, char *obj, uint32_t next)
{
	heap_side(s)[i] = 0;
	heap_record_put(obj, heap_free_record(next));
}

#endif
