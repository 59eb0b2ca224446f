// SPDX-License-Identifier: MIT
/*
 * The kernel's own page tables, built once at boot to replace the boot code's RWX 2 MiB
 * mapping: the first 2 GiB of physical memory at KERNEL_OFFSET, no-execute everywhere except
 * kernel text; the 2 MiB blocks holding the kernel image use 4 KiB pages so the image is
 * W^X (text R+X, rodata R, data/bss RW, the 32-bit .boot code RW+NX). RAM is mapped
 * write-back, everything the firmware's map does not call memory uncached (memtype.c says
 * which is which and why); 2 MiB pages wherever a block is all one kind, a page table only
 * for a block that holds both (or the kernel image). Also owns the CPU
 * features paging depends on: NX (EFER.NXE, only when CPUID says the CPU has it), global
 * pages (CR4.PGE), supervisor write protection (CR0.WP) and the PAT (write-combining for
 * framebuffers), and the boot-time W+X audit.
 * Tables come from kzalloc like every later table (see paging.c and "DOC: The memory story"
 * in src/mm/mm_init.c); the boot tables in .boot are simply abandoned.
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <lios/compiler.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/size.h>
#include "memtype.h"
#include "pte.h"

#define LARGE_PAGE MiB(2)

uint64_t *paging_pml4;
uint64_t paging_nx_mask;
uint64_t paging_global_mask;
uint64_t paging_cache_bits[4];
unsigned paging_boot_tables;

/* True when PTE_NX is in use (CPU has NX and EFER.NXE is set). */
bool paging_has_nx(void) { return paging_nx_mask != 0; }

static paddr_t kphys(const char *sym) { return (uintptr_t)sym - KERNEL_OFFSET; }

static void detect_features(bool *pat)
{
	const struct cpu_features *f = cpu_features();

	paging_global_mask = f->pge ? PTE_G : 0;
	*pat = f->pat;
	paging_nx_mask = f->nx ? PTE_NX : 0;
}

/* PG_CACHE_* -> PTE bits, for our PAT or, without PAT, the power-on default
 * (PA0 WB, PA1 WT, PA2 UC-, PA3 UC: write-combining falls back to uncached). */
static bool paging_pat;

bool paging_has_pat(void) { return paging_pat; }
bool paging_has_global(void) { return paging_global_mask != 0; }

static void setup_cache_types(bool pat)
{
	paging_pat = pat;
	paging_cache_bits[PG_CACHE_WB >> PG_CACHE_SHIFT] = 0;
	paging_cache_bits[PG_CACHE_UC >> PG_CACHE_SHIFT] = PTE_PCD | PTE_PWT;
	if (pat) {
		wrmsr(MSR_PAT, PAT_VALUE);
		paging_cache_bits[PG_CACHE_WC >> PG_CACHE_SHIFT] = PTE_PWT;
		paging_cache_bits[PG_CACHE_WT >> PG_CACHE_SHIFT] = PTE_PAT_4K | PTE_PWT;
	} else {
		paging_cache_bits[PG_CACHE_WC >> PG_CACHE_SHIFT] = PTE_PCD | PTE_PWT;
		paging_cache_bits[PG_CACHE_WT >> PG_CACHE_SHIFT] = PTE_PWT;
	}
}

/* Protection of the kernel-image page at physical address pa. */
static uint64_t image_page_bits(paddr_t pa)
{
	uint64_t e = PTE_P | paging_global_mask;

	if (pa >= kphys(__text_start) && pa < kphys(__text_end))
		return e;
	if (pa >= kphys(__rodata_start) && pa < kphys(__rodata_end))
		return e | paging_nx_mask;
	return e | PTE_W | paging_nx_mask;
}

/* What paging_init builds the direct map from, and what it counts on the way. */
struct direct_map {
	const struct mem_region *regions; /* the firmware's map, as the loader gave it */
	size_t nregions;
	paddr_t img_start, img_end; /* the kernel image, page aligned: always write-back */
	unsigned tables;            /* table pages built (PML4, PDPT, PDs, PTs) */
	uint64_t uncached;          /* bytes of the direct map mapped uncached */
};

/* PTE bits of cache type 'cache' (PG_CACHE_*) for a 4 KiB page, or for a 2 MiB page when
 * large (the PAT bit sits at bit 12 there). */
static uint64_t cache_bits(unsigned cache, bool large)
{
	uint64_t bits = paging_cache_bits[cache >> PG_CACHE_SHIFT];

	if (large && (bits & PTE_PAT_4K))
		bits = (bits & ~PTE_PAT_4K) | PTE_PAT_LARGE;
	return bits;
}

/* Fills a page table for the 2 MiB block at pa: image pages W^X and write-back, the other
 * pages RW+NX, write-back where ram[] says RAM, else uncached. Returns 0 or -ENOMEM. */
static int fill_pt(uint64_t *pde, paddr_t pa, const uint64_t *ram, struct direct_map *dm)
{
	uint64_t *pt = kzalloc(PAGE_SIZE);

	if (!pt)
		return -ENOMEM;
	dm->tables++;
	for (int j = 0; j < PT_ENTRIES; j++) {
		paddr_t p = pa + (paddr_t)j * PAGE_SIZE;

		if (p >= dm->img_start && p < dm->img_end) {
			pt[j] = p | image_page_bits(p);
			continue;
		}
		pt[j] = p | PTE_P | PTE_W | paging_global_mask | paging_nx_mask;
		if (!(ram[j / 64] & (1ull << (j % 64)))) {
			pt[j] |= cache_bits(PG_CACHE_UC, false);
			dm->uncached += PAGE_SIZE;
		}
	}
	*pde = virt_to_phys(pt) | PTE_P | PTE_W;
	return 0;
}

/* Fills the page directory for physical [base, base + 1 GiB). Returns 0 or -ENOMEM. */
static int fill_pd(uint64_t *pd, paddr_t base, struct direct_map *dm)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		paddr_t pa = base + (paddr_t)i * LARGE_PAGE;
		uint64_t ram[MEMTYPE_WORDS];
		enum memtype_kind kind = memtype_block(dm->regions, dm->nregions, pa, ram);
		bool image = pa < dm->img_end && pa + LARGE_PAGE > dm->img_start;
		int err;

		if (image || kind == MEMTYPE_MIXED) {
			err = fill_pt(&pd[i], pa, ram, dm);
			if (err)
				return err;
			continue;
		}
		pd[i] = pa | PTE_P | PTE_W | PTE_PS | paging_global_mask | paging_nx_mask;
		if (kind == MEMTYPE_IO) {
			pd[i] |= cache_bits(PG_CACHE_UC, true);
			dm->uncached += LARGE_PAGE;
		}
	}
	return 0;
}

/* The SDM's order for a memory-type change (vol. 3A, 11.12.4): the boot tables mapped
 * everything write-back, so lines of what is now uncached may sit in the caches; write
 * them back and drop them once the new tables are in force. */
static void flush_caches(void) { wbinvd(); }

/* Builds the kernel tables from kzalloc and switches CR3 to them (contract in paging.h).
 * Returns 0 or -ENOMEM (the boot tables stay in use then). Boot, after kmalloc_init. */
int paging_init(const struct mem_region *regions, size_t nregions)
{
	/* _kernel_phys_* are absolute (physical) linker symbols. */
	struct direct_map dm = {
		.regions = regions,
		.nregions = nregions,
		.img_start = ALIGN_DOWN((paddr_t)(uintptr_t)_kernel_phys_start, PAGE_SIZE),
		.img_end = ALIGN_UP((paddr_t)(uintptr_t)_kernel_phys_end, PAGE_SIZE),
	};
	uint64_t *pml4, *pdpt;
	char wx_text[24], uc_text[SIZE_STR_MAX];
	bool pat;
	long wx;

	detect_features(&pat);
	if (paging_nx_mask)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	setup_cache_types(pat);

	pml4 = kzalloc(PAGE_SIZE);
	pdpt = kzalloc(PAGE_SIZE);
	if (!pml4 || !pdpt)
		return -ENOMEM;
	dm.tables = 2;
	pml4[PT_INDEX(KERNEL_OFFSET, 4)] = virt_to_phys(pdpt) | PTE_P | PTE_W;
	for (paddr_t base = 0; base < DIRECT_MAP_SIZE; base += GiB(1)) {
		uint64_t *pd = kzalloc(PAGE_SIZE);
		int err;

		if (!pd)
			return -ENOMEM;
		dm.tables++;
		err = fill_pd(pd, base, &dm);
		if (err)
			return err;
		pdpt[PT_INDEX(KERNEL_OFFSET + base, 3)] = virt_to_phys(pd) | PTE_P | PTE_W;
	}

	paging_pml4 = pml4;
	paging_boot_tables = dm.tables;
	write_cr0(read_cr0() | CR0_WP);
	write_cr3(virt_to_phys(pml4));
	if (paging_global_mask) {
		uint64_t cr4 = read_cr4();

		write_cr4(cr4 & ~CR4_PGE); /* toggling PGE flushes global entries too */
		write_cr4(cr4 | CR4_PGE);
	}
	flush_caches();
	wx = paging_count_wx();
	if (wx < 0)
		ksnprintf(wx_text, sizeof(wx_text), "n/a (no NX)");
	else
		ksnprintf(wx_text, sizeof(wx_text), "%ld", wx);
	printk("paging: kernel image W^X in 4 KiB pages, direct map 2 GiB%s, %s uncached (not RAM), "
	       "%u tables%s%s; W+X pages: %s\n",
	       paging_nx_mask ? " NX" : " (CPU without NX: all executable)",
	       size_format(uc_text, dm.uncached), dm.tables, paging_global_mask ? ", global" : "",
	       pat ? ", PAT with WC" : "", wx_text);
	return 0;
}

/* Counts leaf pages (in 4 KiB units) under table 'table' at 'level' that end up writable
 * and executable given the W and NX bits collected on the way down. */
static long count_wx(const uint64_t *table, int level, bool w, bool nx)
{
	long n = 0;

	for (int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = table[i];
		bool ew = w && (e & PTE_W), enx = nx || (e & PTE_NX);

		if (!(e & PTE_P))
			continue;
		if (level == 1 || (e & PTE_PS)) {
			if (ew && !enx)
				n += 1l << (PT_LEVEL_SHIFT(level) - PAGE_SHIFT);
		} else {
			n += count_wx(phys_to_virt(e & PTE_ADDR), level - 1, ew, enx);
		}
	}
	return n;
}

/* Writable+executable 4 KiB pages in the kernel tables; -1 without NX. */
long paging_count_wx(void)
{
	if (!paging_nx_mask || !paging_pml4)
		return -1;
	return count_wx(paging_pml4, 4, true, false);
}
