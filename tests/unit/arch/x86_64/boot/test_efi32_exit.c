// SPDX-License-Identifier: MIT
/*
 * Host test of the 32-bit UEFI exit (efi32_exit_boot_services in
 * src/arch/x86_64/boot/efi_entry.S, the path GRUB i386-efi takes), the real assembly run as
 * a 32-bit Linux program against a scripted fake firmware: a system table whose boot
 * services and ConOut are C functions of the IA-32 convention (cdecl, 4-byte UINTN). Each
 * case builds GRUB's boot information, sets what the firmware does (a map that grows when
 * memory is allocated, keys ExitBootServices refuses, a map size past the buffer, a
 * descriptor size that changes), calls the entry and checks the calls it made and the
 * state it leaves for efi32_finish, or the message it halts with: the fake ConOut returns
 * to the case when the entry says "halted.", where the real one would stop.
 *
 * No 32-bit C library is needed (none is installed on the project's machines): the program
 * is freestanding, talks to Linux through int 0x80, and has its own CHECK (unit.h prints
 * through stdio). It exits 0 only when every check passed and at least one ran.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* efi_map.h's constants, shared with the assembly; its C half describes the x86_64
 * firmware's tables, not this 32-bit program's. */
#define __ASSEMBLER__ 1
#include "efi_map.h"
#undef __ASSEMBLER__

#define SYS_EXIT 1
#define SYS_ALARM 27
#define SYS_WRITE 4
#define SYS_MPROTECT 125
#define SYS_MMAP2 192
#define PROT_NONE 0
#define PROT_RW 3
#define MAP_PRIVATE_ANON 0x22
#define PAGE 4096u

#define EFI_SUCCESS 0u
#define EFI_INVALID_PARAMETER 0x80000002u
#define EFI_BUFFER_TOO_SMALL 0x80000005u
#define EFI_OUT_OF_RESOURCES 0x80000009u
#define DESC 48u /* OVMF's descriptor size */

/* ---------------------------------------------------------------- the bare program */

static long sys(long n, long a, long b, long c, long d, long e, long f)
{
	long r;

	__asm__ volatile("push %%ebp\n\tmov %7, %%ebp\n\tint $0x80\n\tpop %%ebp"
			 : "=a"(r)
			 : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "m"(f)
			 : "memory");
	return r;
}

static size_t slen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void put(const char *s) { sys(SYS_WRITE, 2, (long)s, (long)slen(s), 0, 0, 0); }

static void put_num(unsigned long v)
{
	char b[12], *p = b + sizeof(b) - 1;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	put(p);
}

static bool contains(const char *s, const char *w)
{
	size_t n = slen(w);

	for (; *s; s++) {
		size_t i = 0;

		while (i < n && s[i] == w[i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static unsigned checks, failures;

#define CHECK(cond)                                         \
	do {                                                \
		checks++;                                   \
		if (!(cond)) {                              \
			failures++;                         \
			put("  " __FILE__ ":");             \
			put_num(__LINE__);                  \
			put(": CHECK failed: " #cond "\n"); \
		}                                           \
	} while (0)

void test_main(void);

__asm__(".globl _start\n_start:\n\tandl $-16, %esp\n\tcall test_main\n\thlt\n");

/* setjmp and longjmp of the cdecl convention: EBX, ESI, EDI, EBP, ESP, EIP. */
int jump_set(uint32_t *buf) __attribute__((returns_twice));
__attribute__((noreturn)) void jump_back(uint32_t *buf);
__asm__(".globl jump_set\njump_set:\n"
	"\tmovl 4(%esp), %eax\n\tmovl %ebx, 0(%eax)\n\tmovl %esi, 4(%eax)\n"
	"\tmovl %edi, 8(%eax)\n\tmovl %ebp, 12(%eax)\n\tleal 4(%esp), %ecx\n"
	"\tmovl %ecx, 16(%eax)\n\tmovl (%esp), %ecx\n\tmovl %ecx, 20(%eax)\n"
	"\txorl %eax, %eax\n\tret\n"
	".globl jump_back\njump_back:\n"
	"\tmovl 4(%esp), %edx\n\tmovl 0(%edx), %ebx\n\tmovl 4(%edx), %esi\n"
	"\tmovl 8(%edx), %edi\n\tmovl 12(%edx), %ebp\n\tmovl 16(%edx), %esp\n"
	"\tmovl $1, %eax\n\tjmp *20(%edx)\n");

/* ---------------------------------------------------------------- the fake firmware */

/* What the entry leaves for efi32_finish (efi_entry.S). */
extern uint32_t efi32_done, efi32_map_size, efi32_desc_size, efi32_map_cap;
extern uint64_t efi32_buf;
void efi32_exit_boot_services(void);

struct script {
	uint32_t map_size;      /* bytes the map has now */
	uint32_t grow_on_alloc; /* bytes it grows by at the first AllocatePages */
	int refusals;           /* ExitBootServices answers a good key with INVALID_PARAMETER */
	unsigned lie_from;      /* from this GetMemoryMap call on (1: the first), success with
				  * a size past the buffer given; 0: never */
	uint32_t later_dsize;   /* descriptor size reported after the first call (0: DESC) */
};

static struct fw {
	struct script s;
	uint32_t key;
	unsigned gmm, allocs, frees, ebs, after_ebs;
	uint32_t alloc_pages, alloc_at, freed_at, freed_pages;
	bool exited, bad_alloc_args, map_outside, wrong_key, wrong_handle;
	char out[4096];
	size_t outlen;
} fw;

static uint8_t arena[256 * PAGE] __attribute__((aligned(4096)));
static uint32_t jump[6];
static uint32_t image_handle = 0x1234;

static uint32_t fake_get_memory_map(uint32_t *size, uint8_t *map, uint32_t *key, uint32_t *dsize,
				    uint32_t *dver)
{
	uint32_t given = *size;

	fw.gmm++;
	*dsize = fw.gmm > 1 && fw.s.later_dsize ? fw.s.later_dsize : DESC;
	*dver = 1;
	if (given < fw.s.map_size || !map) {
		*size = fw.s.map_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	if ((uintptr_t)map < fw.alloc_at ||
	    (uintptr_t)map + fw.s.map_size > fw.alloc_at + fw.alloc_pages * PAGE)
		fw.map_outside = true;
	for (uint32_t i = 0; i < fw.s.map_size; i++)
		map[i] = (uint8_t)(i / DESC + 1);
	*size = fw.s.lie_from && fw.gmm >= fw.s.lie_from ? given + 2 * DESC : fw.s.map_size;
	*key = ++fw.key;
	return EFI_SUCCESS;
}

static uint32_t fake_allocate_pages(uint32_t type, uint32_t mtype, uint32_t pages, uint64_t *mem)
{
	fw.allocs++;
	if (fw.ebs)
		fw.after_ebs++;
	if (type != 1 || mtype != 2 || *mem != 0x3fffffff)
		fw.bad_alloc_args = true;
	if (pages > sizeof(arena) / PAGE)
		return EFI_OUT_OF_RESOURCES;
	fw.alloc_pages = pages;
	fw.alloc_at = (uint32_t)(uintptr_t)arena;
	*mem = fw.alloc_at;
	if (fw.allocs == 1)
		fw.s.map_size += fw.s.grow_on_alloc;
	return EFI_SUCCESS;
}

static uint32_t fake_free_pages(uint64_t mem, uint32_t pages)
{
	fw.frees++;
	if (fw.ebs)
		fw.after_ebs++;
	fw.freed_at = (uint32_t)mem;
	fw.freed_pages = pages;
	return EFI_SUCCESS;
}

static uint32_t fake_exit_boot_services(uint32_t image, uint32_t key)
{
	fw.ebs++;
	if (image != image_handle)
		fw.wrong_handle = true;
	if (key != fw.key) {
		fw.wrong_key = true;
		return EFI_INVALID_PARAMETER;
	}
	if (fw.s.refusals > 0) {
		fw.s.refusals--;
		fw.key++; /* the map changed: the key the entry holds is stale */
		return EFI_INVALID_PARAMETER;
	}
	fw.exited = true;
	return EFI_SUCCESS;
}

/* ConOut's OutputString: the text is kept; "halted." returns to the case. */
static uint32_t fake_output_string(void *self, const uint16_t *s)
{
	for (; *s && fw.outlen + 1 < sizeof(fw.out); s++)
		fw.out[fw.outlen++] = (char)*s;
	fw.out[fw.outlen] = '\0';
	if (contains(fw.out, "halted."))
		jump_back(jump);
	return EFI_SUCCESS;
}

/* EFI_SYSTEM_TABLE (ConOut at 44, BootServices at 60), EFI_BOOT_SERVICES (4-byte slots
 * after the 24-byte header) and EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL, IA-32 layouts. */
static uint32_t con_out[2] = { 0, (uint32_t)(uintptr_t)fake_output_string };
static uint32_t boot_services[6 + 40] = {
	[6 + 2] = (uint32_t)(uintptr_t)fake_allocate_pages,
	[6 + 3] = (uint32_t)(uintptr_t)fake_free_pages,
	[6 + 4] = (uint32_t)(uintptr_t)fake_get_memory_map,
	[6 + 26] = (uint32_t)(uintptr_t)fake_exit_boot_services,
};
static uint32_t system_table[16] = {
	[11] = (uint32_t)(uintptr_t)con_out,
	[15] = (uint32_t)(uintptr_t)boot_services,
};

/* ---------------------------------------------------------------- GRUB's information */

/* Three pages: the first and the last unreadable, so a read before the information at the
 * start of the second page, or past one that ends with it, faults. */
static uint8_t *guarded;

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/* Writes GRUB i386-efi's information at the start of the readable page: the boot-services
 * tag, the 32-bit system table and image handle (unless 0), a command line, the end tag. */
static uint8_t *make_info(bool bs, uint32_t st, uint32_t image, const char *cmdline)
{
	uint8_t *info = guarded + PAGE, *p = info + 8;

	for (unsigned i = 0; i < PAGE; i++)
		info[i] = 0;
	if (bs)
		put32(p, 18), put32(p + 4, 8), p += 8;
	if (st)
		put32(p, 11), put32(p + 4, 12), put32(p + 8, st), p += 16;
	if (image)
		put32(p, 19), put32(p + 4, 12), put32(p + 8, image), p += 16;
	if (cmdline) {
		uint32_t n = (uint32_t)slen(cmdline) + 1;

		put32(p, 1), put32(p + 4, 8 + n);
		for (uint32_t i = 0; i < n; i++)
			p[8 + i] = (uint8_t)cmdline[i];
		p += (8 + n + 7) & ~7u;
	}
	put32(p, 0), put32(p + 4, 8), p += 8;
	put32(info, (uint32_t)(p - info));
	return info;
}

/* Runs the entry on info with the firmware script s; true when it returned, false when it
 * halted (said "halted." on ConOut). */
static __attribute__((noinline)) bool run(const uint8_t *info, struct script s)
{
	fw = (struct fw){ .s = s };
	efi32_done = 0;
	if (jump_set(jump))
		return false;
	__asm__ volatile("call efi32_exit_boot_services"
			 :
			 : "S"(info)
			 : "eax", "ecx", "edx", "memory", "cc");
	return true;
}

static uint32_t full_info_pages(const uint8_t *info, uint32_t cap)
{
	uint32_t total = info[0] | info[1] << 8, off = ((total + 7) & ~7u) + EFI_MAP_GAP;

	return (2 * cap + off + EFI_INFO_EXTRA + PAGE - 1) / PAGE;
}

/* ---------------------------------------------------------------- the cases */

/* OVMF as usual: the size asked, a buffer of that plus EFI_MAP_SLACK_DESCRIPTORS, the map
 * read whole into it at efi_map_offset, boot services exited with its key; efi32_finish
 * gets the map's size and descriptor size. Nothing is said on ConOut. */
static void test_clean(const uint8_t *info)
{
	CHECK(run(info, (struct script){ .map_size = 10 * DESC, .grow_on_alloc = 2 * DESC }));
	CHECK(fw.exited && efi32_done == 1 && fw.outlen == 0);
	CHECK(fw.gmm == 2 && fw.allocs == 1 && fw.frees == 0 && fw.ebs == 1);
	CHECK(!fw.bad_alloc_args && !fw.map_outside && !fw.wrong_key && !fw.wrong_handle);
	CHECK(efi32_map_cap == 10 * DESC + EFI_MAP_SLACK_DESCRIPTORS * DESC);
	CHECK(fw.alloc_pages == full_info_pages(info, efi32_map_cap));
	CHECK(efi32_map_size == 12 * DESC && efi32_desc_size == DESC);
	CHECK(efi32_buf == (uintptr_t)arena);
}

/* The allocation itself grows the map past the slack: the first read is refused, the
 * buffer freed (the same address and pages) and allocated again from the size asked, with
 * a message; then the boot goes on. */
static void test_map_grows(const uint8_t *info)
{
	CHECK(run(info, (struct script){ .map_size = 10 * DESC, .grow_on_alloc = 40 * DESC }));
	CHECK(fw.exited && efi32_done == 1);
	CHECK(fw.allocs == 2 && fw.frees == 1 && fw.freed_at == (uintptr_t)arena);
	CHECK(contains(fw.out, "memory map outgrew its buffer: retrying"));
	CHECK(!fw.map_outside && efi32_map_size == 50 * DESC);
}

/* ExitBootServices refuses the key twice (the map changed): the map is read again into
 * the same buffer, without allocating, and the new key is passed. Refused every time:
 * the entry halts after EFI_EBS_TRIES, saying so. */
static void test_stale_keys(const uint8_t *info)
{
	CHECK(run(info, (struct script){ .map_size = 10 * DESC, .refusals = 2 }));
	CHECK(fw.exited && efi32_done == 1 && fw.ebs == 3 && fw.gmm == 4);
	CHECK(fw.allocs == 1 && fw.after_ebs == 0 && !fw.wrong_key);

	CHECK(!run(info, (struct script){ .map_size = 10 * DESC, .refusals = 1000 }));
	CHECK(!fw.exited && efi32_done == 0 && fw.ebs == EFI_EBS_TRIES);
	CHECK(contains(fw.out, "ExitBootServices refused every map key"));
}

/* A firmware that answers success with a map size past the buffer it was given, or
 * with descriptors smaller than EFI_MEMORY_DESCRIPTOR on a later call: the entry halts
 * with a message before ExitBootServices, as the 64-bit stub does (check_map_result).
 * Before, the 32-bit entry went on, and efi32_finish read and wrote past its buffer
 * (size) or produced a map without memory (descriptor size). */
static void test_firmware_lies(const uint8_t *info)
{
	CHECK(!run(info, (struct script){ .map_size = 10 * DESC, .lie_from = 2 }));
	CHECK(!fw.exited && efi32_done == 0 && fw.ebs == 0);
	CHECK(contains(fw.out, "GetMemoryMap returned a map past its buffer"));

	CHECK(!run(info, (struct script){ .map_size = 10 * DESC, .later_dsize = 24 }));
	CHECK(!fw.exited && efi32_done == 0 && fw.ebs == 0);
	CHECK(contains(fw.out, "descriptors under 40 bytes"));

	/* the same lie in the re-read after a refused key: halts (a last word on ConOut) */
	CHECK(!run(info, (struct script){ .map_size = 10 * DESC, .refusals = 1, .lie_from = 3 }));
	CHECK(!fw.exited && efi32_done == 0 && fw.ebs == 1 && fw.gmm == 3);
	CHECK(contains(fw.out, "GetMemoryMap returned a map past its buffer"));
}

/* efi.tiny_map on the command line: the first buffer holds one descriptor, so the
 * grow-and-retry path runs on any firmware. */
static void test_tiny_map(void)
{
	const uint8_t *info = make_info(true, (uintptr_t)system_table, image_handle,
					"selftest efi.tiny_map console=serial");

	CHECK(run(info, (struct script){ .map_size = 10 * DESC }));
	CHECK(fw.exited && fw.allocs == 2 && fw.frees == 1);
	CHECK(contains(fw.out, "outgrew"));
	info = make_info(true, (uintptr_t)system_table, image_handle, "efi.tiny_mapx");
	CHECK(run(info, (struct script){ .map_size = 10 * DESC }));
	CHECK(fw.allocs == 1 && fw.outlen == 0); /* another word: not the knob */
}

/* No image handle tag: said, then halted, nothing allocated. A BIOS boot (no
 * boot-services tag): the entry returns at once without a firmware call. */
static void test_missing_pieces(void)
{
	const uint8_t *info = make_info(true, (uintptr_t)system_table, 0, NULL);

	CHECK(!run(info, (struct script){ .map_size = 10 * DESC }));
	CHECK(contains(fw.out, "GRUB passed no image handle") && fw.gmm == 0);
	info = make_info(false, (uintptr_t)system_table, image_handle, NULL);
	CHECK(run(info, (struct script){ .map_size = 10 * DESC }));
	CHECK(fw.gmm == 0 && fw.allocs == 0 && efi32_done == 0);
}

/* A tag whose size runs past the information's end (0xfffffff0: the walk's next tag
 * would wrap to before the information): the walk stops there, reading nothing outside
 * total_size (the page before the information is unreadable: a read there kills the
 * program). The kernel's parser then refuses the information, saying why. */
static void test_hostile_tag_size(void)
{
	uint8_t *info = make_info(true, (uintptr_t)system_table, image_handle, "abc");
	uint8_t *p = info + 8 + 8 + 16 + 16; /* the command-line tag */

	put32(p + 4, 0xfffffff0u);
	CHECK(run(info, (struct script){ .map_size = 10 * DESC }));
	put32(p + 4, 0x1000); /* past total_size, no wrap */
	CHECK(run(info, (struct script){ .map_size = 10 * DESC }));
}

/* A 32-bit system table tag or image handle tag of 8 bytes (no value), last in an
 * information without an end tag that ends where readable memory ends: the tag is not
 * read for a value it does not hold (the page after it is unreadable), so no firmware is
 * called. Before, the walk read 4 bytes past the tag. */
static void test_tag_without_value(void)
{
	for (uint32_t type = 11; type <= 19; type += 8) {
		uint8_t *info = guarded + 2 * PAGE - 24;

		put32(info, 24), put32(info + 4, 0);
		put32(info + 8, 18), put32(info + 12, 8); /* boot services */
		put32(info + 16, type), put32(info + 20, 8);
		CHECK(run(info, (struct script){ .map_size = 10 * DESC }));
		CHECK(fw.gmm == 0 && efi32_done == 0);
	}
}

void test_main(void)
{
	long m = sys(SYS_MMAP2, 0, 3 * PAGE, PROT_RW, MAP_PRIVATE_ANON, -1, 0);

	sys(SYS_ALARM, 20, 0, 0, 0, 0, 0); /* a walk that loops: killed, the test failed */
	guarded = (uint8_t *)m;
	if ((unsigned long)m > -4096ul || sys(SYS_MPROTECT, m, PAGE, PROT_NONE, 0, 0, 0) != 0 ||
	    sys(SYS_MPROTECT, m + 2 * PAGE, PAGE, PROT_NONE, 0, 0, 0) != 0) {
		put("test_efi32_exit: cannot set up the guarded page\n");
		sys(SYS_EXIT, 1, 0, 0, 0, 0, 0);
	}
	const uint8_t *info = make_info(true, (uintptr_t)system_table, image_handle, "selftest");

	test_clean(info);
	test_map_grows(info);
	test_stale_keys(info);
	test_firmware_lies(info);
	test_tiny_map();
	test_missing_pieces();
	test_hostile_tag_size();
	test_tag_without_value();
	put("test_efi32_exit: ");
	put_num(checks - failures);
	put(" passed, ");
	put_num(failures);
	put(" failed\n");
	sys(SYS_EXIT, failures || !checks, 0, 0, 0, 0, 0);
}
