// SPDX-License-Identifier: MIT
/*
 * Vector registers for the kernel: the arch_simd_*() part of lios/arch.h, and the boot step
 * that switches the SSE and AVX units on.
 *
 * Long mode guarantees SSE2, but the firmware and GRUB may leave it disabled: under BIOS
 * CR4.OSFXSR is clear after GRUB, so any SSE instruction raises #UD. simd_init() sets
 * CR0.MP, clears CR0.EM and CR0.TS, sets CR4.OSFXSR and CR4.OSXMMEXCPT, resets the x87 unit
 * and MXCSR; when the CPU has XSAVE and AVX it also sets CR4.OSXSAVE and XCR0 = x87 | SSE |
 * AVX, without which AVX instructions raise #UD even on a CPU that has them. AVX2 is used
 * when CPUID leaf 7 reports it on top of enabled AVX state.
 *
 * State rule: every kernel source is built with -mgeneral-regs-only, so only code between
 * arch_simd_begin() and arch_simd_end() holds values in XMM/YMM registers, and nothing
 * interrupts it that would change them (handlers are general-register code too). No state
 * is saved; a flag keeps sections from nesting: an interrupt or exception handler that
 * wants vectors while a section is open (printk to the framebuffer from an IRQ, a panic)
 * is refused and takes its scalar path. The kernel runs on one CPU; with more, the flag
 * becomes per CPU; with user tasks, arch_simd_begin() is where the user's vector state
 * would be saved (XSAVE) first.
 */
#include <arch/cpu.h>
#include <lios/arch.h>
#include <lios/cpu_features.h>
#include <lios/printk.h>
#include "cpu_internal.h"

static unsigned simd_bytes; /* widest enabled vector access, bytes (0 before simd_init) */
static bool simd_busy;      /* a section is open */

/* Enables XSAVE-managed AVX state if the CPU has it; returns true when AVX is usable. */
static bool simd_enable_avx(const struct cpu_features *f)
{
	uint64_t want = XCR0_X87 | XCR0_SSE | XCR0_AVX;

	if (!f->xsave || !f->avx)
		return false;
	if ((f->xcr0_supported & want) != want) /* the CPU cannot manage the AVX state component */
		return false;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	xsetbv(0, xgetbv(0) | want);
	return true;
}

/*
 * simd_init - switch on SSE (and AVX where present) and record what arch_simd_bytes()
 * reports. Boot, once, before anything calls arch_simd_begin(); logs one line.
 */
void simd_init(void)
{
	const struct cpu_features *f = cpu_features();
	bool avx, avx2;

	if (!f->fxsr || !f->sse2) {
		/* not an x86_64 CPU by the book; stay scalar rather than fault */
		printk(KERN_WARN "simd: CPU reports no SSE2/FXSR, vector paths off\n");
		return;
	}
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	fninit();
	ldmxcsr(MXCSR_DEFAULT);
	avx = simd_enable_avx(f);
	avx2 = avx && f->avx2;
	simd_bytes = avx2 ? 32 : 16;
	printk(KERN_DEBUG "simd: sse2%s%s, %u-byte vectors for the console\n", avx ? " avx" : "",
	       avx2 ? " avx2" : "", simd_bytes);
}

/* See lios/arch.h. Any context. */
unsigned arch_simd_bytes(void) { return simd_bytes; }

/* See lios/arch.h: claims the vector registers unless a section is already open. */
bool arch_simd_begin(void)
{
	if (!simd_bytes)
		return false;
	return !__atomic_exchange_n(&simd_busy, true, __ATOMIC_ACQUIRE);
}

void arch_simd_end(void) { __atomic_store_n(&simd_busy, false, __ATOMIC_RELEASE); }
