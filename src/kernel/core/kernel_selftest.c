// SPDX-License-Identifier: MIT
/*
 * Self-tests of the kernel core on the real machine: the embedded symbol table, printk's
 * formatting in the kernel build, the command line and the parsed boot information.
 */
#include <lios/bootinfo.h>
#include <lios/cmdline.h>
#include <lios/ksyms.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/selftest.h>
#include <lios/string.h>

void kmain(uint32_t mb2_magic, paddr_t mbi_phys);

KTEST(kernel, ksyms_finds_kmain)
{
	uintptr_t off = 99;
	const char *name = ksyms_lookup((uintptr_t)kmain + 5, &off);

	KASSERT(name != NULL);
	KEXPECT(strcmp(name, "kmain") == 0);
	KEXPECT(off == 5);
}

KTEST(kernel, ksyms_rejects_data)
{
	uintptr_t off;

	KEXPECT(ksyms_lookup(0x1000, &off) == NULL);
}

/* No function holds an address past the code: the first byte after .text and a string in
 * .rodata are no symbol (a backtrace or a RIP there is printed as the address). Before: the
 * last function in the table had no size, so it was named for every address above it,
 * with an offset of hundreds of KiB. */
KTEST(kernel, ksyms_rejects_past_text)
{
	static const char rodata_string[] = "not code";
	uintptr_t off;

	KEXPECT(ksyms_lookup((uintptr_t)__text_end, &off) == NULL);
	KEXPECT(ksyms_lookup((uintptr_t)rodata_string, &off) == NULL);
	KEXPECT(ksyms_lookup((uintptr_t)__text_end - 1, &off) != NULL); /* the last function's
									 * padding */
}

KTEST(kernel, printk_formats)
{
	char buf[64];

	ksnprintf(buf, sizeof(buf), "%5d|%-4s|%08llx|%.2s|%c", -42, "ab", 0xbeefull, "xyz", 'q');
	KEXPECT(strcmp(buf, "  -42|ab  |0000beef|xy|q") == 0);
	KEXPECT(ksnprintf(buf, 4, "%s", "truncate") == 8);
	KEXPECT(strcmp(buf, "tru") == 0);
}

/* %pS names the function an address is in; %pB takes the address as a return address, so
 * a function's first byte belongs to the function before it (the call that returns there
 * was that function's last instruction), with the same offset arithmetic. */
KTEST(kernel, printk_symbol_formats)
{
	char buf[96];
	uintptr_t kmain_addr = (uintptr_t)kmain;

	ksnprintf(buf, sizeof(buf), "%pS", (void *)kmain_addr);
	KEXPECT(strcmp(buf, "kmain+0x0") == 0);
	ksnprintf(buf, sizeof(buf), "%pB", (void *)(kmain_addr + 5));
	KEXPECT(strcmp(buf, "kmain+0x5") == 0);
	ksnprintf(buf, sizeof(buf), "%pB", (void *)kmain_addr);
	KEXPECT(strncmp(buf, "kmain+", 6) != 0);
	KEXPECT(strchr(buf, '+') != NULL); /* a symbol name, not a bare address */
}

KTEST(kernel, cmdline_matches_bootinfo)
{
	const char *raw = cmdline_raw();

	/* The kernel's copy is the loader's command line; the words the harness passes are
	 * found as flags, and a prefix of a word is not. */
	KEXPECT(strcmp(raw, bootinfo_get()->cmdline) == 0);
	if (strcmp(raw, "selftest") == 0) {
		KEXPECT(cmdline_has("selftest"));
		KEXPECT(!cmdline_has("selftes"));
	}
	KEXPECT(!cmdline_has("no-such-option-anywhere"));
}

KTEST(kernel, bootinfo_sane)
{
	const struct bootinfo *bi = bootinfo_get();

	KEXPECT(bi->nregions > 0);
	KEXPECT(bi->loader[0] != '\0');
	KEXPECT(bi->mbi_end > bi->mbi_start);
}
