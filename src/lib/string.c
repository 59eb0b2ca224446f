// SPDX-License-Identifier: MIT
/*
 * The kernel's memory and string functions. gcc may emit calls to memcpy, memmove, memset
 * and memcmp itself, so these keep their standard names. memcpy and memset are in
 * src/arch/x86_64/lib/ (rep movsb / rep stosb); the kernel is built with
 * -fno-tree-loop-distribute-patterns so none of these loops turns into a call to itself.
 */
#include <lios/string.h>

#ifndef LIOS_HOST
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
#endif

size_t lios_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

void memset64(uint64_t *dst, uint64_t v, size_t count)
{
	for (size_t i = 0; i < count; i++)
		dst[i] = v;
}

const char *lios_nth_str(const char *(*name)(const void *ctx, size_t j), const void *ctx, size_t n,
			 size_t i)
{
	const char *last = NULL;

	for (size_t k = 0; k <= i; k++) {
		const char *next = NULL;

		for (size_t j = 0; j < n; j++) {
			const char *s = name(ctx, j);

			if ((!last || strcmp(s, last) > 0) && (!next || strcmp(s, next) < 0))
				next = s;
		}
		if (!next)
			return NULL;
		last = next;
	}
	return last;
}
