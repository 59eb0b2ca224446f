// SPDX-License-Identifier: MIT
/*
 * The kernel's boot information, published once by kmain after the Multiboot2 parse step.
 * Everything that needs a boot fact later (the self-tests, the console's choice, the shell's
 * `mmap`) reads it here, in the bottom layer, instead of reaching up into kmain.
 */
#include <lios/bootinfo.h>
#include <lios/panic.h>

static const struct bootinfo *published;

/* Make bi the kernel's boot information. bi must live for the whole run. Boot, once. */
void bootinfo_publish(const struct bootinfo *bi)
{
	assert(bi && !published);
	published = bi;
}

/* The boot information kmain parsed; NULL before the parse step. Any context. */
const struct bootinfo *bootinfo_get(void) { return published; }
