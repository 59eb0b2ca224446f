# SPDX-License-Identifier: MIT
# Real machines, round 2 (issue 13): the firmwares and machine shapes real PCs add to the
# boot matrix. Included by tests/qemu/CMakeLists.txt (lios_qemu_test, LIOS_* variables).
# One cheap cell of each kind carries a default label (selftest, boot, screen); the rest are
# label matrix.

# 32-bit UEFI (Bay Trail / Cherry Trail tablets: a 64-bit CPU under 32-bit firmware):
# Debian's OVMF32 (built with SMM: q35,smm=on and a secure flash, which the harness adds)
# runs the ISO's BOOTIA32.EFI, an i386-efi GRUB, which enters the kernel's 32-bit entry.
# The kernel sees the EFI32 system-table tag and says UEFI.
set(LIOS_QEMU_TIMEOUT_uefi32 120)
set(LIOS_QEMU_TIMEOUT_uefi-sb 120)
lios_qemu_test(selftest.uefi32 FIRMWARE uefi32 LABELS selftest
  ARGS --cmdline selftest --ktap --expect "^boot: UEFI via GRUB ")
lios_qemu_test(matrix.uefi32.q35.6G.smp2 FIRMWARE uefi32 LABELS matrix
  ARGS --memory 6G --smp 2 --cmdline selftest --ktap --expect "^boot: UEFI via GRUB "
       --mem-min 5500:3500)
lios_qemu_test(screen.uefi32.default FIRMWARE uefi32 LABELS matrix
  ARGS --expect "^console: framebuffer" --screen fb ${LIOS_SCREEN_EXPECT})
# An EFI memory map larger than the first buffer (issue 13 item 3): both UEFI paths size the
# buffer from what GetMemoryMap reports; the test knob efi.tiny_map (a kernel command-line
# word the stubs read) starts from one descriptor instead, so GetMemoryMap refuses it and
# the grow-and-retry path runs: the stub says so on the firmware console (on serial under
# OVMF), frees the buffer, reads the map into a bigger one and the boot goes on.
lios_qemu_test(selftest.uefi32.efi-map-grows FIRMWARE uefi32 LABELS selftest
  ARGS --cmdline "selftest efi.tiny_map" --ktap
       --expect "LiOS: UEFI \\(32-bit\\) entry: memory map outgrew its buffer: retrying"
       --expect "^boot: UEFI via GRUB ")
lios_qemu_test(matrix.uefi.efi-map-grows FIRMWARE uefi LABELS matrix
  ARGS --cmdline "selftest efi.tiny_map" --ktap
       --expect "LiOS: UEFI stub: memory map of [0-9]+ bytes outgrew its buffer of [0-9]+: retrying"
       --expect "^boot: UEFI via GRUB ")
# The installed-GRUB path on such a machine: grub-install --target=i386-efi's GRUB on the
# EFI system partition (EFI/BOOT/BOOTIA32.EFI) with the shipped 42_lios entries.
lios_qemu_test(matrix.uefi32.installed-grub FIRMWARE uefi32 LABELS matrix
  ARGS --media esp --elf ${CMAKE_BINARY_DIR}/lios.elf --expect "^boot: UEFI via GRUB "
       --grub-entries ${LIOS_ROOT}/iso/grub.d/42_lios --grub-default "LiOS (self-test)" --ktap)

# Boot information and memory maps of any size: the info is parsed in place (no 64 KiB
# copy) and the map kept whole (no 256-region limit); host tests: unit.test_bigboot (1 MiB
# of info, 10,000 entries), unit.test_mb2, unit.test_memmap. Here a machine with a large
# hole: 1 GiB below 4 GiB, 5 GiB above, all counted on the mem: line.
lios_qemu_test(mem.bios.hole-1G.6G FIRMWARE bios LABELS selftest mem
  ARGS --machine pc,max-ram-below-4g=1G --memory 6G --cmdline selftest --ktap
       --mem-min 5900:5000)
lios_qemu_test(matrix.uefi.hole-1G.6G FIRMWARE uefi LABELS matrix
  ARGS --machine pc,max-ram-below-4g=1G --memory 6G --cmdline selftest --ktap
       --mem-min 5800:5000)

# What already worked untested. No serial port at all (-serial none: COM1 reads 0xFF): the
# boot completes on the screen within seconds (no serial timeout on the way), checked on the
# decoded screen since there is no log.
set(LIOS_NO_SERIAL_SCREEN
  --screen-expect "^LiOS [0-9]" --screen-expect "^console: "
  --screen-expect "^init: [0-9]{1,4} ms" --screen-expect "^LiOS ready$" --screen-expect "^lios> ")
lios_qemu_test(screen.bios.serial-none FIRMWARE bios LABELS screen
  ARGS --no-serial --screen vga ${LIOS_NO_SERIAL_SCREEN})
lios_qemu_test(matrix.uefi.serial-none FIRMWARE uefi LABELS matrix
  ARGS --no-serial --screen fb ${LIOS_NO_SERIAL_SCREEN})
# Real MADTs: disabled entries (-smp 2,maxcpus=8 lists 6 CPUs that are not there), sparse
# APIC IDs (-smp 6,sockets=2,cores=3: IDs 0,1,2,4,5,6), and 16 CPUs; the acpi: line counts
# the CPUs that are enabled.
lios_qemu_test(selftest.bios.smp6-sparse-apic-ids FIRMWARE bios LABELS selftest
  ARGS --qemu-arg=-smp --qemu-arg=6,sockets=2,cores=3 --cmdline selftest --ktap
       --expect "^acpi: .*, 6 CPUs, ")
lios_qemu_test(matrix.bios.smp2-maxcpus8 FIRMWARE bios LABELS matrix
  ARGS --qemu-arg=-smp --qemu-arg=2,maxcpus=8 --cmdline selftest --ktap
       --expect "^acpi: .*, 2 CPUs, ")
lios_qemu_test(matrix.bios.smp16 FIRMWARE bios LABELS matrix
  ARGS --qemu-arg=-smp --qemu-arg=16 --cmdline selftest --ktap --expect "^acpi: .*, 16 CPUs, ")
lios_qemu_test(matrix.uefi.smp6-sparse-apic-ids FIRMWARE uefi LABELS matrix
  ARGS --machine q35 --qemu-arg=-smp --qemu-arg=6,sockets=2,cores=3 --cmdline selftest --ktap
       --expect "^acpi: .*, 6 CPUs, ")

# Secure Boot on, Microsoft's keys enrolled (a PC as sold): the firmware refuses the ISO's
# unsigned GRUB ("Access Denied"), and its own shell ("Security Violation"), then offers its
# Boot Manager. README's "Boot on a real machine" quotes these lines; the screen is kept in
# test-logs/secureboot.uefi.refused.png.
lios_qemu_test(secureboot.uefi.refused FIRMWARE uefi-sb LABELS boot
  ARGS --no-contract --ready "No bootable option or device was found"
       --expect "failed to load Boot0001 \"UEFI QEMU DVD-ROM .*: Access Denied"
       --expect "Press any key to enter the Boot Manager Menu"
       --forbid "Welcome to GRUB" --forbid "^LiOS " --screen fb)

# A framebuffer on UEFI whatever the menu entry says (issue 13 item 2): an installed GRUB
# whose menu is in the EFI text console, with a Linux entry's `set gfxpayload=keep` (or
# `text`), sets no GOP mode; the kernel's UEFI stub sets one before it exits boot services.
# Checked on the decoded screen. Without a display (-vga none) there is no GOP and the
# console stays on serial (matrix.uefi.display.none; the message below).
lios_qemu_test(screen.uefi.installed-grub.gfxpayload-keep FIRMWARE uefi LABELS screen
  ARGS --media esp --elf ${CMAKE_BINARY_DIR}/lios.elf
       --grub-entries ${CMAKE_CURRENT_SOURCE_DIR}/gfxpayload_entries.sh
       --grub-default "LiOS (gfxpayload=keep)" --expect "^console: framebuffer "
       --screen fb ${LIOS_SCREEN_EXPECT})
lios_qemu_test(matrix.uefi.installed-grub.gfxpayload-text FIRMWARE uefi LABELS matrix
  ARGS --media esp --elf ${CMAKE_BINARY_DIR}/lios.elf
       --grub-entries ${CMAKE_CURRENT_SOURCE_DIR}/gfxpayload_entries.sh
       --grub-default "LiOS (gfxpayload=text)" --expect "^console: framebuffer "
       --screen fb ${LIOS_SCREEN_EXPECT})
# console.mode=WxH beats the mode GRUB set for gfxpayload (efi_wanted_mode).
lios_qemu_test(matrix.uefi.console-mode FIRMWARE uefi LABELS matrix
  ARGS --gfxpayload 1024x768x32 --cmdline console.mode=640x480
       --expect "^console: framebuffer 640x480 ")
lios_qemu_test(matrix.uefi.vga-none.no-framebuffer FIRMWARE uefi LABELS matrix
  ARGS --display none --expect "^console: serial \\(no framebuffer")
# A CPU without long mode under 32-bit UEFI (GRUB i386-efi enters with boot services
# running; a Clover Trail tablet has no serial port and no VGA text): said on the firmware's
# console before boot services end (OVMF mirrors ConOut to serial, where the test reads it).
lios_qemu_test(matrix.uefi32.cpu.qemu32 FIRMWARE uefi32 LABELS matrix
  ARGS --cpu qemu32 --no-contract --ready "needs a 64-bit x86_64 CPU" --halts 3
       --expect "LiOS: UEFI [(]32-bit[)] entry: this CPU has no long mode: LiOS needs a 64-bit x86_64 CPU. halted")

# The entries 42_lios generates under update-grub (grub-mkconfig_lib's insmods, the search by
# file-system UUID with hints, the quoted path from grub-mkrelpath), booted by GRUB on
# biosdisk.py's disk: tests/qemu/generated_entries.sh describes that disk to 42_lios.
# unit.install checks what they say on a btrfs subvolume; this checks that GRUB boots them.
lios_qemu_test(matrix.bios.installed-grub.generated FIRMWARE bios LABELS matrix
  ARGS --media bios-disk --elf ${CMAKE_BINARY_DIR}/lios.elf --expect "^boot: BIOS via GRUB "
       --grub-entries ${CMAKE_CURRENT_SOURCE_DIR}/generated_entries.sh
       --grub-default "LiOS (self-test)" --ktap)

# A second root bus (multi-socket boards, workstation chipsets): QEMU's PCI expander bridge
# starts bus 0x20, which no PCI-PCI bridge leads to, and the USB keyboard's xHCI sits behind
# it. The walk from bus 0 never reaches it; pci_init probes the buses it did not reach and
# walks 0x20 as a peer root, following the bridge QEMU puts there (pxb: a pci-bridge; pxb-pcie:
# the root port). SeaBIOS and OVMF both number the pxb buses and assign their BARs.
# unit.test_pci_peer checks the probing itself (bridge ranges, chipsets that mirror bus 0).
set(LIOS_USB_PXB_EXPECT --ready ${LIOS_USB_READY} --forbid "^usb: .*refused"
    --expect "^pci: peer root bus 0000:20 \\(no bridge leads to it\\)$"
    --expect "^usb: xhci 21:00\\.0 1b36:000d " --scenario echo)
lios_qemu_test(keyboard.usb.bios.pc-pxb.echo FIRMWARE bios LABELS keyboard
  ARGS --machine pc --qemu-arg=-device --qemu-arg=pxb,id=pxb1,bus_nr=32,bus=pci.0
       --qemu-arg=-device --qemu-arg=qemu-xhci,id=xhci,bus=pxb1,addr=0x0
       --qemu-arg=-device --qemu-arg=usb-kbd,id=kbd0,bus=xhci.0 ${LIOS_USB_PXB_EXPECT})
lios_qemu_test(keyboard.usb.uefi.q35-no8042-pxb-pcie.echo FIRMWARE uefi LABELS keyboard matrix
  ARGS --machine q35,i8042=off --qemu-arg=-device --qemu-arg=pxb-pcie,id=pxb1,bus_nr=32,bus=pcie.0
       --qemu-arg=-device --qemu-arg=pcie-root-port,id=rp1,bus=pxb1,chassis=1
       --qemu-arg=-device --qemu-arg=qemu-xhci,id=xhci,bus=rp1
       --qemu-arg=-device --qemu-arg=usb-kbd,id=kbd0,bus=xhci.0 ${LIOS_USB_PXB_EXPECT})

# A PC's USB: one xHCI with many devices at once (issue 13 round 3): two keyboards, a
# tablet, a mouse, a USB 3 stick (a null drive) on root ports, a full-speed hub holding a
# keyboard, a USB audio device, a mouse and a keyboard. Every device is enumerated, the
# non-keyboards are left alone with one line each and nothing is refused. A self-test boot
# waits for all of them, behind the hub too (usb.boot_waited_for_every_device: it went on
# with only the hub, its devices came during the tests that count heap allocations, and
# usb.non_keyboard_left_alone then saw a keyboard not yet ready); the echo cell types on the
# keyboard QMP's send-key reaches (the last one created, behind the hub).
set(LIOS_USB_MANY
  --qemu-arg=-audiodev --qemu-arg=none,id=snd0
  --qemu-arg=-blockdev --qemu-arg=driver=null-co,node-name=stick,size=16777216
  --qemu-arg=-device --qemu-arg=qemu-xhci,id=xhci,p2=8,p3=8
  --qemu-arg=-device --qemu-arg=usb-kbd,id=kbd0,bus=xhci.0,port=1
  --qemu-arg=-device --qemu-arg=usb-tablet,bus=xhci.0,port=2
  --qemu-arg=-device --qemu-arg=usb-mouse,bus=xhci.0,port=3
  --qemu-arg=-device --qemu-arg=usb-storage,drive=stick,bus=xhci.0,port=4
  --qemu-arg=-device --qemu-arg=usb-hub,id=hub0,bus=xhci.0,port=5
  --qemu-arg=-device --qemu-arg=usb-kbd,id=kbd1,bus=xhci.0,port=5.1
  --qemu-arg=-device --qemu-arg=usb-audio,audiodev=snd0,bus=xhci.0,port=5.2
  --qemu-arg=-device --qemu-arg=usb-mouse,bus=xhci.0,port=5.3
  --qemu-arg=-device --qemu-arg=usb-kbd,id=kbd2,bus=xhci.0,port=5.4
  --forbid "^usb: .*(refused|out of memory|timed out)"
  --expect "^usb: 1-4: 46f4:0001 mass storage, super speed, no driver, left alone$"
  --expect "^usb: 1-13\\.2: 46f4:0002 audio, full speed, no driver, left alone$"
  --expect "^usb: 1-13\\.3: 0627:0001 HID, full speed, no driver, left alone$"
  --expect "^kbd: usb 1-9 0627:0001 ready in " --expect "^kbd: usb 1-13\\.1 0627:0001 ready in ")
lios_qemu_test(matrix.bios.q35.usb-many-devices FIRMWARE bios LABELS matrix
  ARGS --machine q35,i8042=off ${LIOS_USB_MANY} --cmdline selftest --ktap
       --expect "^ok [0-9]+ usb\\.boot_waited_for_every_device$"
       --expect "^ok [0-9]+ usb\\.non_keyboard_left_alone$")
lios_qemu_test(matrix.uefi.q35.usb-many-devices.echo FIRMWARE uefi LABELS matrix
  ARGS --machine q35,i8042=off ${LIOS_USB_MANY} --ready "^kbd: usb 1-13\\.4 0627:0001 ready in "
       --scenario echo)
