# SPDX-License-Identifier: MIT
# Freestanding x86_64 ELF target for the LiOS kernel, built with Debian's own gcc (or clang
# with -DLIOS_KERNEL_CC=clang): no cross compiler is needed because the host is x86_64 and
# every flag below removes what the hosted target would add (libc, PIC, red zone, SSE).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
if(NOT LIOS_KERNEL_CC)
  set(LIOS_KERNEL_CC gcc)
endif()
find_program(CMAKE_C_COMPILER NAMES ${LIOS_KERNEL_CC} REQUIRED)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})
# -nostdinc keeps glibc's headers out; the compiler's own freestanding headers (stdint.h,
# stddef.h, stdarg.h, stdbool.h) are added back explicitly.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE LIOS_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(LIOS_KERNEL_CFLAGS
  -std=gnu11 -ffreestanding -fno-builtin-printf -nostdinc -isystem ${LIOS_CC_INCLUDE} -mno-red-zone -mcmodel=kernel
  -mgeneral-regs-only -fno-pic -fno-pie -fno-omit-frame-pointer -fno-asynchronous-unwind-tables
  -fstack-protector-strong -mstack-protector-guard=global -fno-strict-aliasing
  -Wall -Wextra -Werror -Wno-unused-parameter)
# gcc turns copy loops into memcpy/memset calls unless told not to (clang has no such flag;
# the kernel's memcpy/memset are rep movsb/stosb, so neither can recurse into itself).
if(NOT LIOS_KERNEL_CC MATCHES "clang")
  list(APPEND LIOS_KERNEL_CFLAGS -fno-tree-loop-distribute-patterns)
endif()
string(REPLACE ";" " " _flags "${LIOS_KERNEL_CFLAGS}")
set(CMAKE_C_FLAGS_INIT "${_flags}")
set(CMAKE_ASM_FLAGS_INIT "-fno-pic -fno-pie -mcmodel=kernel")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments")
if(LIOS_KERNEL_CC MATCHES "clang")
  # the link step sees the compile flags too; clang warns (-Werror) about the unused ones
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " -Wno-unused-command-line-argument")
endif()
set(CMAKE_C_STANDARD_LIBRARIES "")
