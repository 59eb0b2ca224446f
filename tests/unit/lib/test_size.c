// SPDX-License-Identifier: MIT
/*
 * Unit test of the size formatter (src/lib/size.c): the unit changes at each power of
 * 1024, one decimal truncated (never rounded up), whole units without a decimal.
 */
#include <lios/size.h>
#include <string.h>
#include "../unit.h"

static void expect(uint64_t bytes, const char *want)
{
	char buf[SIZE_STR_MAX];

	size_format(buf, bytes);
	UNIT_CHECKED();
	if (strcmp(buf, want) != 0) {
		fprintf(stderr, "  %llu bytes: \"%s\", expected \"%s\"\n", (unsigned long long)bytes,
			buf, want);
		UNIT_FAIL();
	}
}

/* The edges of issue 14 (0, 1023, 1024, 2^64-1) and the cases between. */
static void test_edges(void)
{
	expect(0, "0 B");
	expect(1, "1 B");
	expect(1023, "1023 B");
	expect(1024, "1 KiB");
	expect(1025, "1.0 KiB");
	expect(1536, "1.5 KiB");
	expect(1024 * 1024 - 1, "1023.9 KiB");
	expect(1024 * 1024, "1 MiB");
	expect(UINT64_MAX, "15.9 EiB");
	expect((uint64_t)1 << 60, "1 EiB");
}

/* The sizes `mem` printed badly before: the vmalloc window and its largest free range. */
static void test_mem_line(void)
{
	expect((uint64_t)32 << 40, "32 TiB");
	expect((uint64_t)33554367 << 20, "31.9 TiB");
	expect((uint64_t)510 << 20 | 800 << 10, "510.7 MiB");
}

int main(void)
{
	RUN(test_edges);
	RUN(test_mem_line);
	return unit_summary();
}
