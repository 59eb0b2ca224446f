# SPDX-License-Identifier: MIT
# What the user sees on BIOS with the video modes a menu entry can ask GRUB for beyond
# direct colour (issue 13 item 2): VGA text through GRUB's EGA-text tag, and 8 bpp
# palette modes. Included by tests/qemu/CMakeLists.txt; one cheap cell of each kind in
# the default run, the rest label matrix.
#
# 8 bpp: GRUB 2.06 sets the mode (its own gfxterm runs at 640x480x8) but never starts the
# kernel in it. grub_multiboot2_get_mbi_size() reserves 40 bytes for the framebuffer tag,
# no palette; retrieve_video_parameters() writes 82 (a 16-colour palette: GRUB's VGA
# colours in steps of 0x54/0xa8/0xfe, found in guest memory after the failure), past the
# room of the boot information; GRUB then hangs or triple-faults in its own code (tried:
# 640x480, 800x600, 1024x768, 1280x1024, "1024x768x8,auto"; std VGA and Cirrus).
# These cells assert exactly that, so they fail the day a GRUB hands the mode over: then
# turn them into screen checks (LiOS draws on 8 bpp: unit.test_fb_indexed).
lios_qemu_test(boot.bios.gfxpayload-8bpp.grub-fails FIRMWARE bios LABELS boot
  ARGS --gfxpayload 1024x768x8 --no-contract --loader-fails 15 --forbid "^LiOS ")
foreach(cell "std 640x480x8" "std 800x600x8" "cirrus 1024x768x8" "std 1280x1024x8,auto")
  separate_arguments(cell)
  list(GET cell 0 display)
  list(GET cell 1 mode)
  string(REPLACE "," "-" mode_name ${mode})
  lios_qemu_test(matrix.bios.gfxpayload-8bpp.${display}.${mode_name} FIRMWARE bios
    LABELS matrix
    ARGS --display ${display} --gfxpayload ${mode} --no-contract --loader-fails 15
         --forbid "^LiOS ")
endforeach()

# gfxpayload=text: GRUB hands over an EGA-text tag (80x25 at 0xb8000, pitch 160; GRUB 2.06
# writes 80x25 for BIOS mode 3 without asking the BIOS, and has no command to set another text
# mode), and the console uses the tag's address and size. The default run checks the tag
# line in screen.bios.vga; here the shipped "LiOS" entry of an installed GRUB (MBR disk,
# iso/grub.d/42_lios, gfxpayload=text after multiboot2) shows the console in VGA text.
lios_qemu_test(matrix.bios.installed-grub.ega-text FIRMWARE bios LABELS matrix
  ARGS --media bios-disk --elf ${CMAKE_BINARY_DIR}/lios.elf
       --grub-entries ${LIOS_ROOT}/iso/grub.d/42_lios --grub-default "LiOS"
       --expect "^console: EGA text tag: 80x25 at 0xb8000, pitch 160$"
       --expect "^console: vga-text 80x25$" --screen vga ${LIOS_SCREEN_EXPECT})

# Real machines' modes beyond QEMU's defaults, with a display device whose EDID offers them
# (-device VGA or bochs-display with xres/yres): a 4K panel under OVMF and under SeaBIOS
# (the 16x32 font, 240x67 cells, pitch 15360; a 33 MB framebuffer needs vgamem 64 MiB), and
# 1366x768 (1366 px is no multiple of 8: 170 columns and a 6-pixel margin; pitch 5464).
# Each scrolls "help" four times and compares every row with serial (scenario scroll).
# Not here: 5120x2880 (OVMF 2022.11 and SeaBIOS offer no such mode; unit.test_fb and the
# geometry cases of test_fb cover it on the host).
lios_qemu_test(matrix.uefi.fb.3840x2160 FIRMWARE uefi LABELS matrix
  ARGS --display none --qemu-arg=-device --qemu-arg=VGA,xres=3840,yres=2160,vgamem_mb=64
       --gfxpayload 3840x2160x32 --expect "^console: framebuffer 3840x2160 32bpp pitch 15360$"
       --expect "^console: font 16x32 scale 1, [0-9]+-byte stores, 240x67 cells$"
       --scenario scroll --screen fb)
lios_qemu_test(matrix.bios.fb.3840x2160 FIRMWARE bios LABELS matrix
  ARGS --display none --qemu-arg=-device --qemu-arg=VGA,xres=3840,yres=2160,vgamem_mb=64
       --gfxpayload 3840x2160x32 --expect "^console: framebuffer 3840x2160 32bpp pitch 15360$"
       --expect "^console: font 16x32 scale 1, [0-9]+-byte stores, 240x67 cells$"
       --screen fb ${LIOS_SCREEN_EXPECT})
lios_qemu_test(matrix.uefi.fb.1366x768.bochs-display FIRMWARE uefi LABELS matrix
  ARGS --display none --qemu-arg=-device --qemu-arg=bochs-display,xres=1366,yres=768
       --gfxpayload 1366x768x32 --expect "^console: framebuffer 1366x768 32bpp pitch 5464$"
       --expect "^console: font 8x16 scale 1, [0-9]+-byte stores, 170x48 cells$"
       --scenario scroll --screen fb)

# Scrolling at 24 and 16 bpp (VBE modes), where glyph rows of packed pixels are stored
# from a table and unchanged rows skipped (fb.c's fb_span_packed): every row compared with
# serial. The 24 bpp one is cheap (SeaBIOS) and runs by default.
lios_qemu_test(screen.bios.scroll.fb24 FIRMWARE bios LABELS screen
  ARGS --gfxpayload 1024x768x24 --expect "^console: framebuffer 1024x768 24bpp pitch 3072$"
       --scenario scroll --screen fb)
lios_qemu_test(matrix.bios.scroll.fb16 FIRMWARE bios LABELS matrix
  ARGS --gfxpayload 800x600x16 --expect "^console: framebuffer 800x600 16bpp "
       --scenario scroll --screen fb)

# A framebuffer tag the console must not believe: OVMF's GOP on a virtio-gpu-pci (no VGA,
# no linear framebuffer) is handed over at address 0, 4 MB over the first megabytes of RAM.
# The console used to fill it black, over the kernel image loaded at 1 MiB: the boot hung
# silently, not even a "console:" line on serial. It now says why and stays on serial
# (console_fb_range_check in console.c; planted back: the 120 s timeout).
lios_qemu_test(matrix.uefi.fb.virtio-gpu-at-0 FIRMWARE uefi LABELS matrix
  ARGS --display none --qemu-arg=-device --qemu-arg=virtio-gpu-pci
       --expect "^console: serial \\(framebuffer [0-9]+x[0-9]+ pitch [0-9]+ at 0x0 refused: it overlaps usable RAM in the firmware's memory map\\)$")

# A display without VGA text mode on BIOS: QEMU's bochs-display (no VGA registers, no
# legacy memory decoded: QEMU leaves RAM showing through the window). SeaBIOS's VGA BIOS
# for it emulates text mode by drawing in graphics, GRUB shows its menu and hands over the
# EGA text tag of mode 3 (80x25 at 0xb8000) as on a VGA; the console used to take it,
# "console: vga-text 80x25", and draw into RAM nobody shows: a screen stuck on GRUB's
# last picture, the log on serial only. It now finds no VGA text screen and says what to
# do (vga_text_probe). The default run has this cell; matrix.bios.display.bochs-display
# checks the same in self-test mode. The framebuffer entry's mode (gfxpayload=1024x768x32)
# works there: the framebuffer console, checked on the decoded screen.
lios_qemu_test(boot.bios.bochs-display.no-vga-text FIRMWARE bios LABELS boot
  ARGS --display bochs-display ${LIOS_DISPLAY_NO_VGA_TEXT})
lios_qemu_test(matrix.bios.bochs-display.fb FIRMWARE bios LABELS matrix
  ARGS --display bochs-display --gfxpayload 1024x768x32 --forbid "^console: serial"
       --expect "^console: framebuffer 1024x768 32bpp pitch [0-9]+$" --screen fb
       ${LIOS_SCREEN_EXPECT})
