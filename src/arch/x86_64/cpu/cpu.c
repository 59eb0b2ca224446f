// SPDX-License-Identifier: MIT
/*
 * The x86_64 side of the arch interface (lios/arch.h) and the first boot step: GDT/TSS,
 * IDT, the SSE/AVX units, dropping the boot identity map. After arch_early_init() every
 * fault is reported on the printk sinks (kmain registers serial before calling it) with
 * registers and a backtrace.
 */
#include <arch/cpu.h>
#include <arch/io.h>
#include <lios/arch.h>
#include <lios/cpu_features.h>
#include <lios/ksyms.h>
#include <lios/printk.h>
#include <lios/kmalloc.h>
#include <lios/mce.h>
#include "cpu_internal.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define PIC_MASK_ALL 0xff
#define PML4_IDENTITY_SLOT 0
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_CONFIG_ENABLE (1u << 31)

void arch_cpu_relax(void) { cpu_pause(); }
uint64_t arch_cycles(void) { return rdtsc(); }
uint8_t arch_pio_read8(uint16_t port) { return inb(port); }
void arch_pio_write8(uint16_t port, uint8_t v) { outb(port, v); }
uint16_t arch_pio_read16(uint16_t port) { return inw(port); }
void arch_pio_write16(uint16_t port, uint16_t v) { outw(port, v); }
uint32_t arch_pio_read32(uint16_t port) { return inl(port); }
void arch_pio_write32(uint16_t port, uint32_t v) { outl(port, v); }

/* Sleeps until the next interrupt with interrupts enabled; "sti; hlt" has no window in
 * which an interrupt could slip by between the two. */
void arch_wait_for_interrupt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

void arch_halt(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void arch_qemu_exit(uint8_t code) { outb(QEMU_DEBUG_EXIT_PORT, code); }

/* See cpu_internal.h. A frame is two words: the caller's saved rbp, then the return
 * address. Each frame must lie above the last (stacks grow down), so a loop in the chain
 * ends the walk; the reads cannot fault, so a chain through a guard page or a hole (a
 * corrupt rbp: a stack overrun, code that used rbp for data) ends it too, where a plain load
 * would fault inside the panic report that asked for it and cut the report short. */
int backtrace_walk(uintptr_t rbp, uintptr_t *ret, int max, uintptr_t *unreadable)
{
	uint64_t next, ra;
	int n = 0;

	*unreadable = 0;
	while (n < max && rbp >= KERNEL_OFFSET && !(rbp & 7)) {
		if (read64_safe((const void *)rbp, &next) ||
		    read64_safe((const void *)(rbp + 8), &ra)) {
			*unreadable = rbp;
			break;
		}
		if (ra < KERNEL_OFFSET)
			break;
		ret[n++] = ra;
		if (next <= rbp)
			break;
		rbp = next;
	}
	return n;
}

/*
 * Prints one symbolized return address per line for the frame chain from rbp (at most
 * max_frames, up to 32), and a line naming the frame that could not be read when the chain
 * runs into unmapped memory. Any context.
 */
void arch_backtrace(uintptr_t rbp, int max_frames)
{
	uintptr_t ret[32], bad;
	int n = backtrace_walk(rbp, ret, MIN(max_frames, 32), &bad);

	for (int i = 0; i < n; i++)
		printk("  %pB\n", (void *)ret[i]);
	if (bad)
		printk("  (frame at %016lx unreadable: the chain ends here)\n", bad);
}

void arch_pci_config_write8(uint8_t device, uint8_t function, uint16_t offset, uint8_t v)
{
	uint32_t addr = PCI_CONFIG_ENABLE | (uint32_t)(device & 0x1f) << 11 |
			(uint32_t)(function & 0x7) << 8 | (offset & 0xfc);

	outl(PCI_CONFIG_ADDRESS, addr);
	outb(PCI_CONFIG_DATA + (offset & 3), v);
}

void arch_print_registers(void)
{
	uint64_t rsp, rbp;

	__asm__ volatile("movq %%rsp, %0; movq %%rbp, %1" : "=r"(rsp), "=r"(rbp));
	printk("RSP %016lx RBP %016lx RFLAGS %016lx\n", rsp, rbp, read_rflags());
	printk("CR0 %016lx CR2 %016lx CR3 %016lx CR4 %016lx\n", read_cr0(), read_cr2(),
	       read_cr3(), read_cr4());
}

/* The boot page tables' identity map served only the jump to the higher half; without it
 * a null pointer dereference faults. */
static void drop_identity_map(void)
{
	uint64_t *pml4 = phys_to_virt(read_cr3() & PAGE_MASK);

	pml4[PML4_IDENTITY_SLOT] = 0;
	write_cr3(read_cr3());
}

void arch_early_init(void)
{
	/* The firmware may leave 8259 lines unmasked at vectors that collide with exceptions
	 * (IRQ0 is vector 8 before a remap): silence them until irq_init() remaps the PICs. */
	outb(PIC1_DATA, PIC_MASK_ALL);
	outb(PIC2_DATA, PIC_MASK_ALL);
	cpu_features_probe(); /* before anything that asks what the CPU can do */
	gdt_init();
	idt_init();
	simd_init();
	mce_init(); /* from here a machine check panics with its report instead of a reset */
	drop_identity_map();
}

/* After the memory stack: unmap the stack guard pages. */
void arch_mm_ready(void)
{
	int err = gdt_guard_stacks();

	if (err)
		printk(KERN_WARN "cpu: stack guard pages not unmapped (%d)\n", err);
}
