// SPDX-License-Identifier: MIT
/*
 * Host tests of the boot information's move below 2 GiB (src/arch/x86_64/boot/boot_info.c,
 * boot_info_place): information the loader put above 2 GiB is copied into usable memory
 * below it, and when it cannot be, boot_info_refusal() gives kmain's panic the real reason
 * (not Multiboot2, malformed, no room), never "no room" for malformed information. The info
 * is a host buffer given a physical address of our choosing; the copy lands in the host's
 * stand-in for the direct map.
 */
#include <lios/bootinfo.h>
#include <lios/kmalloc.h>
#include <lios/sections.h>
#include <lios/size.h>
#include <lios/string.h>
#include <string.h>
#include "boot_info.h"
#include "../../../unit.h"

#define MAGIC 0x36d76289u
#define HIGH 0xc0000000ull /* 3 GiB: above the direct map, inside the identity map */
#define KERNEL_START MiB(2)
#define KERNEL_END MiB(4)

/* boot_info_home passes the linker's symbols; the host test never calls it. */
char _kernel_phys_start[1], _kernel_phys_end[1];

/* The information these tests need, at fixed offsets: the header, a memory-map tag of two
 * 24-byte entries, and an end tag (or a tag of an unknown type where the end tag belongs). */
struct mb2_entry {
	uint64_t base, length;
	uint32_t type, zero;
};
static struct {
	uint32_t total_size, reserved;
	uint32_t map_type, map_size, entry_size, entry_version;
	struct mb2_entry entry[2];
	uint32_t end_type, end_size;
} info __attribute__((aligned(8)));
static_assert(sizeof(info) == 80, "8-byte header, 64-byte map tag, 8-byte end tag");

/* The info with usable RAM ram[0] and ram[1] ({base, length} each), ended or not. */
static void build(const uint64_t ram[2][2], bool end_tag)
{
	memset(&info, 0, sizeof(info));
	info.total_size = sizeof(info);
	info.map_type = 6;
	info.map_size = 16 + sizeof(info.entry);
	info.entry_size = sizeof(info.entry[0]);
	for (int i = 0; i < 2; i++)
		info.entry[i] = (struct mb2_entry){ ram[i][0], ram[i][1], MEM_USABLE, 0 };
	info.end_type = end_tag ? 0 : 0x7777;
	info.end_size = 8;
}

static const uint64_t low_ram[2][2] = { { 0, KiB(640) }, { MiB(1), MiB(511) } };
static const uint64_t high_ram[2][2] = { { GiB(4), GiB(1) }, { GiB(6), GiB(1) } };

static bool refused_with(const char *prefix)
{
	return strncmp(boot_info_refusal(), prefix, strlen(prefix)) == 0;
}

/* Well-formed info at 3 GiB, RAM below 2 GiB: copied to the first free page above the low
 * 1 MiB (1 MiB itself), byte for byte, and nothing refused. */
static void test_moved(void)
{
	build(low_ram, true);
	paddr_t to = boot_info_place(MAGIC, &info, HIGH, KERNEL_START, KERNEL_END);
	CHECK_EQ(to, MiB(1));
	CHECK(memcmp(phys_to_virt(to), &info, sizeof(info)) ==
	      0); /* the map as the parse left it */
	CHECK_EQ(strlen(boot_info_refusal()), 0);
}

/* Info above 2 GiB without an end tag: left in place, and the reason says malformed with
 * the parser's own words, not "no room" (the map has room). */
static void test_malformed(void)
{
	build(low_ram, false);
	CHECK_EQ(boot_info_place(MAGIC, &info, HIGH, KERNEL_START, KERNEL_END), HIGH);
	CHECK(refused_with("malformed: "));
	CHECK(strstr(boot_info_refusal(), "room") == NULL);
}

/* A total size that runs past 4 GiB from near its top: malformed, never read. */
static void test_size_past_4g(void)
{
	build(low_ram, true);
	info.total_size = (uint32_t)MiB(64);
	CHECK_EQ(boot_info_place(MAGIC, &info, GiB(4) - KiB(4), KERNEL_START, KERNEL_END),
		 GiB(4) - KiB(4));
	CHECK(refused_with("malformed: a total size of 67108864 bytes runs past 4 GiB"));
}

/* Not a Multiboot2 boot: left in place, said so. */
static void test_bad_magic(void)
{
	build(low_ram, true);
	CHECK_EQ(boot_info_place(0x2badb002u, &info, HIGH, KERNEL_START, KERNEL_END), HIGH);
	CHECK(refused_with("not Multiboot2 (magic 0x2badb002)"));
}

/* Well-formed, but all RAM lies above 4 GiB: this one really is "no room". */
static void test_no_room(void)
{
	build(high_ram, true);
	CHECK_EQ(boot_info_place(MAGIC, &info, HIGH, KERNEL_START, KERNEL_END), HIGH);
	CHECK(refused_with("no usable room below 2 GiB"));
}

/* Already below 2 GiB: stays, whatever it holds (kmain's parse judges it); a refusal left
 * by an earlier call is cleared. */
static void test_low_stays(void)
{
	build(low_ram, true);
	CHECK_EQ(boot_info_place(MAGIC, &info, HIGH, 0, MiB(512)), HIGH); /* kernel over all RAM */
	CHECK(refused_with("no usable room"));
	CHECK_EQ(boot_info_place(MAGIC, &info, MiB(8), KERNEL_START, KERNEL_END), MiB(8));
	CHECK_EQ(strlen(boot_info_refusal()), 0);
}

/* An address no Multiboot2 loader gives (0, not 8-byte aligned, at or past the 4 GiB the
 * entry code identity-maps): left as it is, said so, and never read (the info pointer is
 * NULL: a read would fault). */
static void test_bad_address(void)
{
	static const struct {
		paddr_t mbi;
		const char *why;
	} bad[] = {
		{ 0, "at address 0 or not 8-byte aligned" },
		{ HIGH + 4, "at address 0 or not 8-byte aligned" },
		{ MiB(1) + 1, "at address 0 or not 8-byte aligned" },
		{ GiB(4), "beyond the 4 GiB the entry code maps" },
		{ GiB(64), "beyond the 4 GiB the entry code maps" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(boot_info_place(MAGIC, NULL, bad[i].mbi, KERNEL_START, KERNEL_END),
			 bad[i].mbi);
		UNIT_CHECKED();
		if (!refused_with(bad[i].why)) {
			fprintf(stderr, "  %#llx: \"%s\"\n", (unsigned long long)bad[i].mbi,
				boot_info_refusal());
			UNIT_FAIL();
		}
	}
}

int main(void)
{
	RUN(test_moved);
	RUN(test_malformed);
	RUN(test_size_past_4g);
	RUN(test_bad_magic);
	RUN(test_no_room);
	RUN(test_low_stays);
	RUN(test_bad_address);
	return unit_summary();
}
