/* SPDX-License-Identifier: MIT */
/*
 * Private to the heap (src/mm/heap.c: entry points and small objects; heap_class.c: class
 * layouts; heap_large.c: large blocks; heap_cache.c: the block cache): span and class
 * layouts, the shared state, and the inline helpers shared by the fast and slow paths
 * (class lookup, span lookup, object checks, red zone). See heap.c for the design.
 */
#ifndef LIOS_MM_HEAP_INTERNAL_H
#define LIOS_MM_HEAP_INTERNAL_H

#include <lios/compiler.h>
#include <lios/heap.h>
#include <lios/string.h>

#define HEAP_CHUNK_SHIFT 18
#define HEAP_CHUNK ((size_t)1 << HEAP_CHUNK_SHIFT)
#define HEAP_NCLASSES 52
#define HEAP_SMALL_MAX 16384u         /* largest class, bytes */
#define HEAP_REDZONE 8u               /* at least 4 canary bytes + the 4-byte size tag */
#define HEAP_CANARY 0xcb
#define HEAP_CANARY_CHECK 32u         /* large blocks: canary bytes written and checked */
#define HEAP_TAG_KEY 0x5a17c0deu
#define HEAP_HASH_BITS 12
#define HEAP_COLOURS 64              /* span header positions (cache lines), heap_colour */
#define HEAP_SPAN_MIN_PAGES 4
#define HEAP_SPAN_MAX_PAGES 64
#define HEAP_SPAN_MIN_OBJS 4         /* a class's span holds at least this many objects */
#define HEAP_CACHE_BINS 65           /* free blocks cached by page count 1..64 */
#define HEAP_CACHE_SLACK 4           /* a cached block may be this many pages too big */
#define HEAP_CACHE_MIN MiB(1)        /* free blocks always allowed, bytes (heap_cache.c) */
#define HEAP_KEEP_PCT 23             /* hold at most peak live + this % (heap_cache.c) */
#define HEAP_SPAN_MAGIC 0x5350414eu   /* "SPAN" */
#define HEAP_BROKEN_MAGIC 0x42524b4eu /* "BRKN": small span whose free list is damaged */
#define HEAP_LARGE_MAGIC 0x4c524745u  /* "LRGE" */
#define HEAP_LINK_KEY 0x9e3779b9u     /* free-list links are (index + 1) ^ key */

struct heap_span {
	uint32_t magic;              /* HEAP_SPAN/BROKEN/LARGE_MAGIC */
	uint16_t cls;                /* size class (small spans) */
	uint8_t cached;              /* free block in the cache (not live) */
	uint8_t pad0;
	uint32_t size;               /* small: object size (the class's, copied for free) */
	uint32_t head;               /* small: first free object's index + 1, 0: none */
	uint32_t nobj, nfree, bump;  /* objects; free ones; objects [bump, nobj) never used */
	uint32_t fast_limit;         /* small, in service: bump * size (the objects ever handed
				      * out); 0 for a large, cached or broken block, so that
				      * heap_free's fast path leaves those to the slow path */
	uint32_t free_max;           /* small: heap_free's fast path takes 1..free_max free
				      * objects: nobj - 1 for the head of the class's partial
				      * list (which may stay empty), nobj - 2 otherwise */
	uint64_t div;                /* small: the class's ceil(2^64 / size) (heap_obj_index) */
	char *data;                  /* first object (small) or the block (large) */
	struct heap_span *hnext;     /* chunk hash chain */
	struct heap_span *prev, *next; /* class partial list, or cache bin */
	uint64_t map_bytes;          /* bytes taken from vmalloc */
	uint64_t req;                /* large: requested size, bytes */
};

struct heap_class {
	uint32_t size;               /* object size, bytes (multiple of 16) */
	uint32_t nobj;               /* objects per span */
	uint32_t data_off;           /* bytes from span start to object 0 */
	uint32_t pages;              /* span size, pages */
	uint64_t magic;              /* ceil(2^64 / size): offset -> index by multiplication */
	struct heap_span *partial;   /* spans with a free object: allocation takes the head */
};

/* State shared by the heap's files. */
extern struct heap_class heap_classes[HEAP_NCLASSES];      /* heap_class.c */
extern uint8_t heap_small_class[HEAP_SMALL_MAX / 16 + 1]; /* (x+15)/16 -> class, any small x */
/* heap.c: 1 << HEAP_HASH_BITS chains of block headers (spans and large blocks), each ended
 * by HEAP_NO_SPAN; a block is found by the chunk its header lies in (the block's first). */
extern struct heap_span *heap_hash[1u << HEAP_HASH_BITS];
/* heap.c: per class, the span allocations come from (the head of its partial list), or
 * &heap_no_span when the list is empty: never NULL, so the fast path tests nothing else. */
extern struct heap_span *heap_cur[HEAP_NCLASSES];
/* heap.c: a header that owns nothing: no free object, nothing to bump (always "full"),
 * fast_limit 0 (heap_free's fast path never takes a pointer for it). Being a real object,
 * it may stand where a header is expected: the end of hash chains, heap_last, heap_cur. */
extern struct heap_span heap_no_span;
/* heap.c: the block heap_free's fast path found last (its guess for the next free, so the
 * span is known before the pointer is), or HEAP_NO_SPAN */
extern struct heap_span *heap_last;
#define HEAP_NO_SPAN (&heap_no_span)
extern struct heap_stats heap_st;     /* heap.c */
extern uint64_t heap_peak_live;       /* heap_cache.c: highest live_bytes seen by a slow path since trim */

#define HEAP_LARGE_HDR ALIGN_UP(sizeof(struct heap_span), HEAP_ALIGN)

/* heap.c */
void heap_hash_add(struct heap_span *s);
void heap_hash_del(struct heap_span *s);
/* Adds bytes (negative: removes) to the bytes held from vmalloc. */
void heap_account(int64_t bytes);
/* Counts and prints one misuse: "heap: op(p) from caller: why (size n), refused". */
void heap_report(const char *op, const void *p, const char *why, size_t size, uintptr_t caller);
/* Takes a span or large block out of the hash and gives it back to vmalloc. */
void heap_span_release(struct heap_span *s);
/* Takes span s off class c's partial list. */
void heap_partial_del(struct heap_class *c, struct heap_span *s);

/* heap_class.c: lays out every class and fills heap_small_class. */
void heap_classes_init(void);

/* heap_large.c: blocks above HEAP_SMALL_MAX. */
void *heap_large_alloc(size_t n);
bool heap_large_redzone_ok(const struct heap_span *s);
void heap_large_free(struct heap_span *s);
bool heap_large_resize(struct heap_span *s, size_t n);

/* heap_cache.c: the cache of free blocks (empty spans and freed large blocks) that the heap
 * keeps instead of giving them back at once.
 * A block of 'bytes' (page multiple) aligned to HEAP_CHUNK: from the cache when one a few
 * pages bigger at most is there (*fresh = false; header to be rewritten), else from
 * vmalloc (hashed and accounted, *fresh = true); NULL when vmalloc fails. */
struct heap_span *heap_block_get(size_t bytes, bool *fresh);
/* Moves the header of block s to its block's chunk address + off (hash updated); returns
 * the header's new address. */
struct heap_span *heap_block_move(struct heap_span *s, size_t off);
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

static inline size_t heap_hash_index(const void *p)
{
	/* Direct-mapped: vmalloc hands out addresses from the bottom of its window, so the
	 * spans of the first 1 << HEAP_HASH_BITS chunks (1 GiB) each get a chain alone. */
	return (size_t)((uintptr_t)p >> HEAP_CHUNK_SHIFT) & ((1u << HEAP_HASH_BITS) - 1);
}

/* Whether a and b lie in the same HEAP_CHUNK. */
static inline bool heap_same_chunk(const void *a, const void *b)
{
	return ((uintptr_t)a ^ (uintptr_t)b) < HEAP_CHUNK;
}

/* The chunk address of a block, from any address in its first chunk (its header). */
static inline uintptr_t heap_chunk_of(const void *p)
{
	return (uintptr_t)p & ~(uintptr_t)(HEAP_CHUNK - 1);
}

/*
 * Where a span of 'pages' pages at chunk address base keeps its header: at one of
 * MIN(pages, HEAP_COLOURS) cache lines, by chunk number. Blocks are HEAP_CHUNK aligned, so
 * headers at their first byte would all fall in the same cache set (at most 8 in L1 and
 * L2: the free path's header loads missed, measured); coloured, they spread over up to 64
 * sets. The cost is at most 1/64 of a span's room.
 */
static inline size_t heap_colour(uintptr_t base, size_t pages)
{
	return (size_t)((base >> HEAP_CHUNK_SHIFT) % MIN(pages, (size_t)HEAP_COLOURS)) * 64;
}

/* The span or large block whose first chunk holds p, or NULL. Never dereferences p. */
static inline struct heap_span *heap_lookup(const void *p)
{
	struct heap_span *s;

	for (s = heap_hash[heap_hash_index(p)]; s != HEAP_NO_SPAN; s = s->hnext)
		if (heap_same_chunk(s, p))
			return s;
	return NULL;
}

#define HEAP_CANARY64 (0x0101010101010101ull * HEAP_CANARY)
/*
 * The end word of a free small object (one that was handed out and freed): the word of a
 * live object's red zone (heap_redzone_set) with the size 0xffffffff, which no slot holds,
 * so heap_redzone_check refuses it. The end word is the object's allocated state: free
 * checks it as part of the red zone (a second free finds HEAP_FREE_WORD: "already freed"),
 * allocation checks that the object it pops carries it (else the object was written after
 * it was freed, or the list leads to a live object).
 */
#define HEAP_FREE_WORD ((uint64_t)(HEAP_TAG_KEY ^ 0xffffffffu) << 32 | (uint32_t)HEAP_CANARY64)

/* Stores/compares the canary over [p, p + len), 4 <= len <= HEAP_CANARY_CHECK, with a few
 * possibly overlapping unaligned word accesses instead of a byte loop. */
static inline void heap_canary_put(char *p, size_t len)
{
	uint64_t c = HEAP_CANARY64;
	uint32_t c4 = (uint32_t)c;

	if (len < 8) {
		__builtin_memcpy(p, &c4, 4);
		__builtin_memcpy(p + len - 4, &c4, 4);
		return;
	}
	__builtin_memcpy(p, &c, 8);
	__builtin_memcpy(p + len - 8, &c, 8);
	if (len > 16) {
		__builtin_memcpy(p + 8, &c, 8);
		__builtin_memcpy(p + len - 16, &c, 8);
	}
}

static inline bool heap_canary_ok(const char *p, size_t len)
{
	uint64_t a, b, bad;
	uint32_t x, y;

	if (len < 8) {
		__builtin_memcpy(&x, p, 4);
		__builtin_memcpy(&y, p + len - 4, 4);
		return (x & y) == (uint32_t)HEAP_CANARY64 && (x | y) == (uint32_t)HEAP_CANARY64;
	}
	__builtin_memcpy(&a, p, 8);
	__builtin_memcpy(&b, p + len - 8, 8);
	bad = (a ^ HEAP_CANARY64) | (b ^ HEAP_CANARY64);
	if (len > 16) {
		__builtin_memcpy(&a, p + 8, 8);
		__builtin_memcpy(&b, p + len - 16, 8);
		bad |= (a ^ HEAP_CANARY64) | (b ^ HEAP_CANARY64);
	}
	return bad == 0;
}

/*
 * The red zone of a small object of 'slot' bytes holding n requested bytes, n <= slot - 8:
 * an 8-byte canary word at obj + n (right past the requested bytes, where overflows land)
 * and the end word at obj + slot - 8: 4 canary bytes then the size tag (n ^ key). Written
 * in that order, so when the two overlap (n > slot - 16) the end word wins; the 4 bytes at
 * obj + n are canary either way, and the 8 are when n <= slot - 12. Two stores, two loads;
 * bytes between the two words (slot - n > 16) are not checked.
 */
static inline void heap_redzone_set(char *obj, size_t n, size_t slot)
{
	uint64_t c = HEAP_CANARY64;
	uint64_t e = (uint64_t)(uint32_t)n << 32 ^
		     ((uint64_t)HEAP_TAG_KEY << 32 | (uint32_t)HEAP_CANARY64);

	__builtin_memcpy(obj + n, &c, 8);
	__builtin_memcpy(obj + slot - 8, &e, 8);
}

/* The requested size stored in the red zone, or SIZE_MAX when the red zone is damaged. */
static inline size_t heap_redzone_check(const char *obj, size_t slot)
{
	uint64_t e, w;
	size_t n;
	int64_t gap;           /* slot - 8 - n: bytes from obj + n to the end word */

	__builtin_memcpy(&e, obj + slot - 8, 8);
	n = (uint32_t)(e >> 32) ^ HEAP_TAG_KEY;
	gap = (int64_t)(slot - HEAP_REDZONE) - (int64_t)n;
	if ((uint32_t)e != (uint32_t)HEAP_CANARY64 || gap < 0)
		return SIZE_MAX;
	__builtin_memcpy(&w, obj + n, 8);
	w ^= HEAP_CANARY64;
	if (gap < 4)           /* the word's last 4 bytes are the tag's */
		w = (uint32_t)w;
	if (w)
		return SIZE_MAX;
	return n;
}

/*
 * The checks a free runs on small object p of span s, shared by heap_free's fast path and
 * heap_check (the slow path, which names what failed). heap_obj_index: true, with p's
 * index in *i, when p is the start of an object within the span's first 'limit' bytes of
 * objects (the fast path passes fast_limit, the slow path bump * size: those ever handed
 * out). One multiplication gives both (offset < 2^32, div = ceil(2^64 / size)): the index
 * is the high half of offset * div, and the offset is a multiple of the size exactly when
 * the low half is below div. Never dereferences p.
 */
static inline bool heap_obj_index(const struct heap_span *s, const void *p, size_t limit,
				  size_t *i)
{
	uint64_t off = (uint64_t)((const char *)p - s->data); /* p < data wraps: too big */
	unsigned __int128 m = (unsigned __int128)off * s->div;

	*i = (size_t)(m >> 64);
	return off < limit && (uint64_t)m < s->div;
}

enum heap_obj_state { HEAP_OBJ_LIVE, HEAP_OBJ_FREED, HEAP_OBJ_REDZONE };

/* Whether handed-out object p of small span s is allocated with its red zone intact (when
 * it is, its requested size in *n), freed (its end word is HEAP_FREE_WORD) or damaged. */
static inline enum heap_obj_state heap_obj_check(const struct heap_span *s, const void *p,
						 size_t *n)
{
	uint64_t e;

	*n = heap_redzone_check(p, s->size);
	if (*n != SIZE_MAX)
		return HEAP_OBJ_LIVE;
	__builtin_memcpy(&e, (const char *)p + s->size - 8, 8);
	return e == HEAP_FREE_WORD ? HEAP_OBJ_FREED : HEAP_OBJ_REDZONE;
}

/* Marks small object obj of 'slot' bytes free (see HEAP_FREE_WORD). */
static inline void heap_mark_free(char *obj, size_t slot)
{
	uint64_t e = HEAP_FREE_WORD;

	__builtin_memcpy(obj + slot - 8, &e, 8);
}

#endif
