// SPDX-License-Identifier: MIT
/*
 * For the shell's `cpu` command, the registers that show which features the kernel
 * switched on (what the CPU has is struct cpu_features), and the triple-fault reset,
 * the reset of last resort when neither ACPI nor the 8042 reset the machine.
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <lios/cpu_features.h>
#include <lios/machine.h>
#include <lios/string.h>

/*
 * arch_cpu_info - which of the CPU's features the kernel switched on, read back from the
 * control registers and EFER. Any context.
 */
void arch_cpu_info(struct arch_cpu_info *out)
{
	const struct cpu_features *f = cpu_features();

	memset(out, 0, sizeof(*out));
	out->pge_enabled = read_cr4() & CR4_PGE;
	out->sse_enabled = read_cr4() & CR4_OSFXSR;
	out->avx_enabled = f->avx && (read_cr4() & CR4_OSXSAVE) && (xgetbv(0) & XCR0_AVX);
	out->nx_enabled = f->nx && (rdmsr(MSR_EFER) & EFER_NXE);
}

/*
 * arch_reset_triple_fault - with an IDT of limit 0 any exception cannot be delivered, which
 * escalates to a double and then a triple fault: the CPU resets (QEMU -no-reboot exits).
 */
void arch_reset_triple_fault(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __packed empty_idt = {0, 0};

	cli();
	__asm__ volatile("lidt %0\n\tint3" ::"m"(empty_idt) : "memory");
	for (;;)
		hlt();
}
