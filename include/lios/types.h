/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by every subsystem, in the kernel and in host builds. Physical
 * addresses are integers (paddr_t), never pointers; a frame number is a pfn_t.
 */
#ifndef LIOS_TYPES_H
#define LIOS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

typedef uint64_t paddr_t; /* physical address, bytes */
typedef uint64_t vaddr_t; /* virtual address as an integer, bytes */
typedef uint64_t pfn_t;   /* physical frame number: paddr >> PAGE_SHIFT */

#ifndef LIOS_HOST
typedef int64_t ssize_t;
#else
#include <sys/types.h>
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE ((size_t)1 << PAGE_SHIFT)
#define PAGE_MASK (~(uint64_t)(PAGE_SIZE - 1))

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#endif
