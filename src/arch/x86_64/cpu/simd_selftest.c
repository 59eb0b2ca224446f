// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the vector-register support (simd.c) on the real or emulated
 * CPU: the SSE/AVX units are switched on exactly as CPUID allows, sections do not nest,
 * and a value in a vector register survives timer interrupts and printk, which is the
 * property that lets the kernel skip saving vector state.
 */
#include <arch/cpu.h>
#include <lios/arch.h>
#include <lios/cpu_features.h>
#include <lios/printk.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include <lios/timer.h>

/* SSE is on (CR0.EM clear, CR4.OSFXSR set); 32-byte vectors exactly when the CPU has AVX2
 * and XSAVE, and then XCR0 enables the AVX state. */
KTEST(simd, enabled_as_cpuid_allows)
{
	const struct cpu_features *f = cpu_features();
	bool avx2 = false;

	KEXPECT(!(read_cr0() & (CR0_EM | CR0_TS)));
	KEXPECT(read_cr4() & CR4_OSFXSR);
	KEXPECT(stmxcsr() == MXCSR_DEFAULT);
	if (f->xsave && f->avx && (f->xcr0_supported & XCR0_AVX)) {
		avx2 = f->avx2;
		KEXPECT(read_cr4() & CR4_OSXSAVE);
		KEXPECT((xgetbv(0) & (XCR0_X87 | XCR0_SSE | XCR0_AVX)) ==
			(XCR0_X87 | XCR0_SSE | XCR0_AVX));
	}
	KEXPECT(arch_simd_bytes() == (avx2 ? 32u : 16u));
}

/* A second begin while a section is open is refused; after end, begin works again. */
KTEST(simd, sections_do_not_nest)
{
	KASSERT(arch_simd_begin());
	KEXPECT(!arch_simd_begin());
	arch_simd_end();
	KEXPECT(arch_simd_begin());
	arch_simd_end();
}

/*
 * A pattern in xmm15 (ymm15 with AVX2) is still there after three timer interrupts and a
 * printk to every console: no handler or driver touches vector registers, so none needs
 * saving. A printk inside the section also exercises the console's refusal path. Skipped
 * without a tick; the wait polls, so its 5 s bound holds even for a tick that pauses while
 * the CPU halts (HLT with no interrupt source never returned: the run hung here).
 */
KTEST(simd, registers_survive_interrupts)
{
	uint8_t pattern[32], back[32];
	bool wide = arch_simd_bytes() == 32;
	uint64_t t0, deadline;

	if (!(read_rflags() & RFLAGS_IF))
		ktest_skip("interrupts disabled");
	if (!timer_report()->tick_hz)
		ktest_skip("no tick on this machine");
	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(0xa5 ^ (i * 37));
	memset(back, 0, sizeof(back));
	KASSERT(arch_simd_begin());
	if (wide)
		ymm15_load(pattern);
	else
		xmm15_load(pattern);
	printk("# simd: vector registers held across this line and three timer ticks\n");
	t0 = timer_ticks();
	deadline = timer_uptime_us() + 5000000;
	while (timer_ticks() < t0 + 3 && timer_uptime_us() < deadline)
		arch_cpu_relax();
	if (wide)
		ymm15_store(back);
	else
		xmm15_store(back);
	arch_simd_end();
	KEXPECT(timer_ticks() >= t0 + 3);
	KEXPECT(memcmp(back, pattern, wide ? 32 : 16) == 0);
}
