// SPDX-License-Identifier: MIT
/*
 * CPU identification for the shell's `cpu` command (CPUID leaves 0, 1, 0x80000000-4 and the
 * registers that show which features the kernel switched on) and the triple-fault reset,
 * the reset of last resort when neither ACPI nor the 8042 reset the machine.
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <lios/machine.h>
#include <lios/string.h>

#define CPUID_BRAND_FIRST 0x80000002u
#define CPUID_BRAND_LAST 0x80000004u

static void copy_regs(char *dst, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	memcpy(dst, &a, 4);
	memcpy(dst + 4, &b, 4);
	memcpy(dst + 8, &c, 4);
	memcpy(dst + 12, &d, 4);
}

/*
 * arch_cpu_info - vendor, brand, family/model/stepping and feature flags into *out.
 * Any context.
 */
void arch_cpu_info(struct arch_cpu_info *out)
{
	uint32_t a, b, c, d, max_ext;
	uint32_t base_family, base_model;

	memset(out, 0, sizeof(*out));
	cpuid(0, 0, &a, &b, &c, &d);
	memcpy(out->vendor, &b, 4);
	memcpy(out->vendor + 4, &d, 4);
	memcpy(out->vendor + 8, &c, 4);

	cpuid(1, 0, &a, &b, &c, &d);
	base_family = (a >> 8) & 0xf;
	base_model = (a >> 4) & 0xf;
	out->stepping = a & 0xf;
	out->family = base_family == 0xf ? base_family + ((a >> 20) & 0xff) : base_family;
	out->model = (base_family == 0x6 || base_family == 0xf) ?
		     (((a >> 16) & 0xf) << 4) + base_model : base_model;
	out->pge = d & CPUID_1_EDX_PGE;
	out->pat = d & CPUID_1_EDX_PAT;
	out->apic = d & CPUID_1_EDX_APIC;
	out->tsc = d & CPUID_1_EDX_TSC;
	out->x2apic = c & CPUID_1_ECX_X2APIC;
	out->hypervisor = c & CPUID_1_ECX_HYPERVISOR;
	out->pge_enabled = read_cr4() & CR4_PGE;
	out->sse2 = d & CPUID_1_EDX_SSE2;
	out->sse_enabled = read_cr4() & CR4_OSFXSR;
	out->avx = c & CPUID_1_ECX_AVX;
	out->avx_enabled = out->avx && (c & CPUID_1_ECX_OSXSAVE) && (xgetbv(0) & XCR0_AVX);
	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= CPUID_LEAF_EXT_FEATURES) {
		cpuid(CPUID_LEAF_EXT_FEATURES, 0, &a, &b, &c, &d);
		out->avx2 = b & CPUID_7_EBX_AVX2;
	}

	cpuid(CPUID_EXT_MAX, 0, &max_ext, &b, &c, &d);
	if (max_ext >= CPUID_EXT_FEATURES) {
		cpuid(CPUID_EXT_FEATURES, 0, &a, &b, &c, &d);
		out->nx = d & CPUID_EXT_EDX_NX;
		out->gib_pages = d & CPUID_EXT_EDX_PDPE1GB;
		out->nx_enabled = out->nx && (rdmsr(MSR_EFER) & EFER_NXE);
	}
	if (max_ext >= CPUID_BRAND_LAST) {
		char *p = out->brand;

		for (uint32_t leaf = CPUID_BRAND_FIRST; leaf <= CPUID_BRAND_LAST; leaf++, p += 16) {
			cpuid(leaf, 0, &a, &b, &c, &d);
			copy_regs(p, a, b, c, d);
		}
		out->brand[48] = '\0';
	}
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
