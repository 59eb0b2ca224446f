// SPDX-License-Identifier: MIT
/*
 * Lookup in the embedded symbol table. tools/gen_ksyms.py writes, into section .ksyms, a
 * table of function start addresses sorted ascending and a blob of their NUL-terminated
 * names; the first link of the kernel carries an empty table (ksyms_empty.S).
 */
#include <lios/ksyms.h>

struct ksym {
	uint64_t addr;     /* start of the function */
	uint32_t name_off; /* offset of its name in ksyms_names */
	uint32_t size;     /* bytes: up to the next function, the last one up to __text_end;
			    * 0 when unknown (then it reaches the next one's start) */
};

extern const struct ksym ksyms_table[];
extern const uint64_t ksyms_count;
extern const char ksyms_names[];

/* Binary search for the last symbol at or below addr. Any context. */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (hi == 0 || addr < ksyms_table[0].addr)
		return NULL;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	const struct ksym *s = &ksyms_table[lo];
	if (s->size && addr >= s->addr + s->size)
		return NULL;
	*offset = addr - s->addr;
	return ksyms_names + s->name_off;
}
