#!/bin/sh
# SPDX-License-Identifier: MIT
# Menu entries as users copy them from a Linux entry, for the installed-GRUB cells of
# machines.cmake (issue 13 item 2): gfxpayload=keep and gfxpayload=text after multiboot2, in
# a GRUB whose own menu is in the EFI text console. GRUB then sets no GOP mode; the kernel's
# UEFI stub (src/arch/x86_64/boot/efi_stub.c) must still find a framebuffer.
cat <<'ENTRIES'
menuentry "LiOS (gfxpayload=keep)" --class os {
	insmod all_video
	search --no-floppy --file --set=root /boot/lios.elf
	multiboot2 /boot/lios.elf
	set gfxpayload=keep
}
menuentry "LiOS (gfxpayload=text)" --class os {
	insmod all_video
	search --no-floppy --file --set=root /boot/lios.elf
	multiboot2 /boot/lios.elf
	set gfxpayload=text
}
ENTRIES
