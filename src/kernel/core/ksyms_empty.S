/* SPDX-License-Identifier: MIT */
/* The symbol table of the first link: empty (see src/CMakeLists.txt). */
	.section .ksyms, "a"
	.balign 16
	.globl ksyms_table, ksyms_count, ksyms_names
ksyms_count: .quad 0
ksyms_table:
ksyms_names: .byte 0
