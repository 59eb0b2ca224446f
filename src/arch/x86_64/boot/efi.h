/* SPDX-License-Identifier: MIT */
/*
 * The few UEFI types the boot stubs (efi_stub.c, efi_map.c) use, private to
 * src/arch/x86_64/boot/: the x86_64 system table, the boot-services slots the stub calls,
 * the simple text output and graphics output protocols, and the memory descriptor. Layouts
 * and names follow the UEFI specification 2.9 (4.3 system table, 4.4 boot services, 7.2
 * memory services, 12.4 simple text output, 12.9 graphics output); only the members the
 * stub reads are named, the rest are padding of the same size. Every function pointer uses
 * the Microsoft x64 convention.
 */
#ifndef ARCH_BOOT_EFI_H
#define ARCH_BOOT_EFI_H

#include <lios/compiler.h>
#include <lios/types.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status_t;
typedef void *efi_handle_t;

#define EFI_SUCCESS 0
#define EFI_ERROR_BIT (1ull << 63)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)

/* EFI_ALLOCATE_TYPE and EFI_MEMORY_TYPE (7.2). */
#define EFI_ALLOCATE_MAX_ADDRESS 1
enum efi_memory_type {
	EFI_RESERVED_MEMORY = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_SERVICES_CODE = 5,
	EFI_RUNTIME_SERVICES_DATA = 6,
	EFI_CONVENTIONAL_MEMORY = 7,
	EFI_UNUSABLE_MEMORY = 8,
	EFI_ACPI_RECLAIM_MEMORY = 9,
	EFI_ACPI_MEMORY_NVS = 10,
	EFI_MEMORY_MAPPED_IO = 11,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT_MEMORY = 14,
	EFI_UNACCEPTED_MEMORY = 15,
};
#define EFI_PAGE_SIZE 4096

/* EFI_MEMORY_DESCRIPTOR.Attribute bits the map conversion reads (7.2, GetMemoryMap's
 * memory attribute definitions; EFI_MEMORY_SP since UEFI 2.8). */
#define EFI_MEMORY_WB (1ull << 3)       /* may be mapped cacheable, write-back */
#define EFI_MEMORY_SP (1ull << 18)      /* specific-purpose memory (HBM, CXL, ...) */
#define EFI_MEMORY_RUNTIME (1ull << 63) /* runtime services need it mapped */

struct efi_guid {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
};

struct efi_table_header {
	uint64_t signature;
	uint32_t revision, header_size, crc32, reserved;
};

/* EFI_MEMORY_DESCRIPTOR; the firmware's descriptor size may be larger: step by it. */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
};

struct efi_simple_text_output {
	void *reset;
	efi_status_t(EFIAPI *output_string)(struct efi_simple_text_output *self,
					    const uint16_t *string);
};

/* EFI_GRAPHICS_PIXEL_FORMAT */
enum efi_pixel_format {
	EFI_PIXEL_RGB_RESERVED_8BIT = 0, /* byte 0 red, 1 green, 2 blue */
	EFI_PIXEL_BGR_RESERVED_8BIT = 1, /* byte 0 blue, 1 green, 2 red */
	EFI_PIXEL_BIT_MASK = 2,
	EFI_PIXEL_BLT_ONLY = 3,          /* no framebuffer: Blt() only */
};

struct efi_gop_mode_info {
	uint32_t version;
	uint32_t width, height; /* HorizontalResolution, VerticalResolution */
	uint32_t pixel_format;  /* enum efi_pixel_format */
	uint32_t red_mask, green_mask, blue_mask, reserved_mask;
	uint32_t pixels_per_scan_line;
};

struct efi_gop_mode {
	uint32_t max_mode;
	uint32_t mode;
	struct efi_gop_mode_info *info;
	uint64_t size_of_info;
	uint64_t frame_buffer_base;
	uint64_t frame_buffer_size;
};

struct efi_gop {
	efi_status_t(EFIAPI *query_mode)(struct efi_gop *self, uint32_t mode, uint64_t *size,
					 struct efi_gop_mode_info **info);
	efi_status_t(EFIAPI *set_mode)(struct efi_gop *self, uint32_t mode);
	void *blt;
	struct efi_gop_mode *mode;
};

/* EFI_BOOT_SERVICES: the slots up to LocateProtocol, in the specification's order. */
struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status_t(EFIAPI *allocate_pages)(uint32_t type, uint32_t memory_type, uint64_t pages,
					     uint64_t *memory);
	efi_status_t(EFIAPI *free_pages)(uint64_t memory, uint64_t pages);
	efi_status_t(EFIAPI *get_memory_map)(uint64_t *map_size, void *map, uint64_t *map_key,
					     uint64_t *descriptor_size, uint32_t *descriptor_version);
	void *allocate_pool, *free_pool;
	void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface;
	void *uninstall_protocol_interface, *handle_protocol, *reserved, *register_protocol_notify;
	void *locate_handle, *locate_device_path, *install_configuration_table;
	void *load_image, *start_image, *exit, *unload_image;
	efi_status_t(EFIAPI *exit_boot_services)(efi_handle_t image, uint64_t map_key);
	void *get_next_monotonic_count, *stall, *set_watchdog_timer;
	void *connect_controller, *disconnect_controller;
	void *open_protocol, *close_protocol, *open_protocol_information;
	void *protocols_per_handle, *locate_handle_buffer;
	efi_status_t(EFIAPI *locate_protocol)(const struct efi_guid *protocol, void *registration,
					      void **interface);
};

struct efi_system_table {
	struct efi_table_header hdr;
	void *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle_t console_in_handle;
	void *con_in;
	efi_handle_t console_out_handle;
	struct efi_simple_text_output *con_out;
	efi_handle_t standard_error_handle;
	void *std_err;
	void *runtime_services;
	struct efi_boot_services *boot_services;
};

static_assert(sizeof(struct efi_memory_descriptor) == 40, "EFI_MEMORY_DESCRIPTOR");
static_assert(sizeof(struct efi_gop_mode_info) == 36, "EFI_GRAPHICS_OUTPUT_MODE_INFORMATION");
static_assert(__builtin_offsetof(struct efi_boot_services, allocate_pages) == 40, "AllocatePages");
static_assert(__builtin_offsetof(struct efi_boot_services, free_pages) == 48, "FreePages");
static_assert(__builtin_offsetof(struct efi_boot_services, get_memory_map) == 56, "GetMemoryMap");
static_assert(__builtin_offsetof(struct efi_boot_services, exit_boot_services) == 232,
	      "ExitBootServices");
static_assert(__builtin_offsetof(struct efi_boot_services, locate_protocol) == 320,
	      "LocateProtocol");
static_assert(__builtin_offsetof(struct efi_system_table, boot_services) == 96, "BootServices");
static_assert(__builtin_offsetof(struct efi_gop_mode, frame_buffer_base) == 24, "GOP mode");

#endif
