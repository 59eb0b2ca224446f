/* SPDX-License-Identifier: MIT */
/* The relocation table of the first two links: empty (see src/CMakeLists.txt). */
	.section .relocs, "a"
	.balign 4
	.long 0, 0
