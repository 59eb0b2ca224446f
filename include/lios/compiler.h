/* SPDX-License-Identifier: MIT */
/* Compiler attributes and small helper macros used everywhere. */
#ifndef LIOS_COMPILER_H
#define LIOS_COMPILER_H

#include <lios/types.h>

#define __packed __attribute__((packed))
#define __noreturn __attribute__((noreturn))
#define __aligned(n) __attribute__((aligned(n)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))
#define __unused __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __weak __attribute__((weak))
/* A function compiled for a vector instruction set (isa: "sse2", "avx2"), to be called only
 * between arch_simd_begin() and arch_simd_end(). gcc's target attribute also resets
 * -mstack-protector-guard=global to the TLS guard at %gs:0x28, which the kernel never set up
 * (a fault at address 0x28): such functions carry no stack protector. */
#define __simd_target(isa) __attribute__((target(isa), no_stack_protector))
/* A hot function that keeps no frame of its own even where the build keeps frame pointers
 * (gcc's optimize attribute; clang has no per-function switch and keeps the frame, which
 * costs a push, a mov and a pop per call, nothing else). */
#ifdef __clang__
#define __no_frame
#else
#define __no_frame __attribute__((optimize("omit-frame-pointer")))
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* Address of the instruction after the call: "who called me", for error reports. */
#define CALLER_ADDR ((uintptr_t)__builtin_return_address(0))

#ifndef static_assert
#define static_assert _Static_assert
#endif

#endif
