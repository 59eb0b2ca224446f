// SPDX-License-Identifier: MIT
/*
 * memcpy and memset for the kernel: rep movsb / rep stosb, which CPUs with ERMSB (all
 * since Ivy Bridge) run at full speed for any size and alignment, and older ones still run
 * correctly.
 */
#include <lios/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;

	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n)::"memory");
	return ret;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;

	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	return ret;
}
