// SPDX-License-Identifier: MIT
/*
 * The one CPUID probe of the kernel (struct cpu_features, <lios/cpu_features.h>): every
 * leaf the kernel looks at is read here once, at the start of arch_early_init(), and kept.
 * Paging (NX, global pages, PAT, 1 GiB pages), the memory map and ioremap (the physical
 * address width), the SIMD set-up, the local APIC, the clock sources (TSC, TSC-deadline,
 * invariant TSC, leaves 0x15/0x16) and the `cpu` command read the record; none of them issues CPUID. Leaf and bit names are in <arch/cpu.h>.
 * The microcode revision, which takes a CPUID too, is read here on demand
 * (cpu_microcode_revision): only the TSC-deadline errata check asks, on the Intel parts it
 * lists, once the IDT can catch a refused MSR access.
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/string.h>

static struct cpu_features feat;

static void copy_regs(char *dst, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	memcpy(dst, &a, 4);
	memcpy(dst + 4, &b, 4);
	memcpy(dst + 8, &c, 4);
	memcpy(dst + 12, &d, 4);
}

/* Leaf 1: family/model/stepping (extended fields folded in as the SDM says) and features. */
static void probe_leaf1(struct cpu_features *f)
{
	uint32_t a, b, c, d, base_family, base_model;

	cpuid(CPUID_LEAF_FEATURES, 0, &a, &b, &c, &d);
	base_family = (a >> 8) & 0xf;
	base_model = (a >> 4) & 0xf;
	f->stepping = a & 0xf;
	f->family = base_family == 0xf ? base_family + ((a >> 20) & 0xff) : base_family;
	f->model = (base_family == 0x6 || base_family == 0xf) ?
		   (((a >> 16) & 0xf) << 4) + base_model : base_model;
	f->tsc = d & CPUID_1_EDX_TSC;
	f->apic = d & CPUID_1_EDX_APIC;
	f->pge = d & CPUID_1_EDX_PGE;
	f->pat = d & CPUID_1_EDX_PAT;
	f->mce = d & CPUID_1_EDX_MCE;
	f->mca = d & CPUID_1_EDX_MCA;
	f->fxsr = d & CPUID_1_EDX_FXSR;
	f->sse = d & CPUID_1_EDX_SSE;
	f->sse2 = d & CPUID_1_EDX_SSE2;
	f->x2apic = c & CPUID_1_ECX_X2APIC;
	f->xsave = c & CPUID_1_ECX_XSAVE;
	f->avx = c & CPUID_1_ECX_AVX;
	f->tsc_deadline = c & CPUID_1_ECX_TSC_DEADLINE;
	f->hypervisor = c & CPUID_1_ECX_HYPERVISOR;
}

/* Leaves 6, 7, 0xd, 0x15 and 0x16, each only when max_leaf reaches it. */
static void probe_basic(struct cpu_features *f)
{
	uint32_t a, b, c, d;

	if (f->max_leaf >= CPUID_LEAF_POWER) {
		cpuid(CPUID_LEAF_POWER, 0, &a, &b, &c, &d);
		f->arat = a & CPUID_6_EAX_ARAT;
	}
	if (f->max_leaf >= CPUID_LEAF_EXT_FEATURES) {
		cpuid(CPUID_LEAF_EXT_FEATURES, 0, &a, &b, &c, &d);
		f->avx2 = b & CPUID_7_EBX_AVX2;
	}
	if (f->max_leaf >= CPUID_LEAF_XSAVE && f->xsave) {
		cpuid(CPUID_LEAF_XSAVE, 0, &a, &b, &c, &d);
		f->xcr0_supported = a;
	}
	if (f->max_leaf >= CPUID_LEAF_TSC_CRYSTAL) {
		cpuid(CPUID_LEAF_TSC_CRYSTAL, 0, &a, &b, &c, &d);
		f->tsc_ratio_den = a;
		f->tsc_ratio_num = b;
		f->crystal_hz = c;
	}
	if (f->max_leaf >= CPUID_LEAF_FREQUENCY) {
		cpuid(CPUID_LEAF_FREQUENCY, 0, &a, &b, &c, &d);
		f->base_mhz = a & 0xffff;
		f->max_mhz = b & 0xffff;
		f->bus_mhz = c & 0xffff;
	}
}

/* Leaves 0x80000001, 0x80000002-4 (brand string), 0x80000007 and 0x80000008. */
static void probe_extended(struct cpu_features *f)
{
	uint32_t a, b, c, d;

	cpuid(CPUID_EXT_MAX, 0, &a, &b, &c, &d);
	f->max_ext_leaf = (a & CPUID_EXT_MAX) ? a : 0;
	if (f->max_ext_leaf >= CPUID_EXT_FEATURES) {
		cpuid(CPUID_EXT_FEATURES, 0, &a, &b, &c, &d);
		f->nx = d & CPUID_EXT_EDX_NX;
		f->gib_pages = d & CPUID_EXT_EDX_PDPE1GB;
		f->long_mode = d & CPUID_EXT_EDX_LM;
	}
	if (f->max_ext_leaf >= CPUID_BRAND_LAST) {
		char *p = f->brand;

		for (uint32_t leaf = CPUID_BRAND_FIRST; leaf <= CPUID_BRAND_LAST; leaf++, p += 16) {
			cpuid(leaf, 0, &a, &b, &c, &d);
			copy_regs(p, a, b, c, d);
		}
		f->brand[48] = '\0';
	}
	if (f->max_ext_leaf >= CPUID_EXT_POWER) {
		cpuid(CPUID_EXT_POWER, 0, &a, &b, &c, &d);
		f->invariant_tsc = d & CPUID_EXT7_EDX_INVARIANT_TSC;
	}
	if (f->max_ext_leaf >= CPUID_EXT_ADDR_SIZES) {
		cpuid(CPUID_EXT_ADDR_SIZES, 0, &a, &b, &c, &d);
		f->phys_addr_bits = a & CPUID_EXT8_EAX_PHYS_BITS;
	}
}

/*
 * cpu_features_probe - read every CPUID leaf the kernel uses into the record. Boot, once,
 * first thing in arch_early_init() (paging and SIMD set-up depend on it). Any CPU that
 * reached long mode has leaves 0 and 1.
 */
void cpu_features_probe(void)
{
	uint32_t b, c, d;

	memset(&feat, 0, sizeof(feat));
	cpuid(CPUID_LEAF_VENDOR, 0, &feat.max_leaf, &b, &c, &d);
	memcpy(feat.vendor, &b, 4);
	memcpy(feat.vendor + 4, &d, 4);
	memcpy(feat.vendor + 8, &c, 4);
	probe_leaf1(&feat);
	probe_basic(&feat);
	probe_extended(&feat);
}

/* cpu_microcode_revision - see <arch/msr.h>. The CPUID in between is what loads the
 * signature into the MSR; its results are not needed. */
int cpu_microcode_revision(uint32_t *rev)
{
	uint32_t a, b, c, d;
	uint64_t v;

	if (wrmsr_safe(MSR_IA32_BIOS_SIGN_ID, 0))
		return -EIO;
	cpuid(CPUID_LEAF_FEATURES, 0, &a, &b, &c, &d);
	if (rdmsr_safe(MSR_IA32_BIOS_SIGN_ID, &v))
		return -EIO;
	*rev = (uint32_t)(v >> 32);
	return 0;
}

/* cpu_features - the record cpu_features_probe() filled. Any context. */
const struct cpu_features *cpu_features(void) { return &feat; }
