/* SPDX-License-Identifier: MIT */
/*
 * The string and memory functions. The kernel has its own (src/lib/string.c); host builds
 * of shared sources use the C library's, so tests run the same code the kernel runs.
 */
#ifndef LIOS_STRING_H
#define LIOS_STRING_H

#include <lios/types.h>

#ifdef LIOS_HOST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/* Copy at most size-1 bytes of src and always terminate; returns strlen(src). */
size_t lios_strlcpy(char *dst, const char *src, size_t size);
/* Fill n bytes with the 64-bit pattern (n multiple of 8): fast framebuffer/console fills. */
void memset64(uint64_t *dst, uint64_t v, size_t count);
/* The i-th distinct string, in strcmp order, of the n that name(ctx, j) gives for j < n
 * (each string once however often it occurs); NULL past the last. O(n * (i + 1)) with no
 * storage: for the short lists a shell lists or completes (commands, test suites). */
const char *lios_nth_str(const char *(*name)(const void *ctx, size_t j), const void *ctx, size_t n,
			 size_t i);

#endif
