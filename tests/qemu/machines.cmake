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
# it. The walk from bus 0 never reaches it. ACPI names it (the pxb's Name(_CRS) bus range and
# _BBN), so pci_init probes only bus 0x20 and walks it as a peer root, following the bridge
# QEMU puts there (pxb: a pci-bridge; pxb-pcie: the root port); with pci.roots=probe (the
# .probe cell) it finds 0x20 by probing every bus number the walk did not reach instead.
# SeaBIOS and OVMF both number the pxb buses and assign their BARs. unit.test_pci_peer checks
# the probing itself (bridge ranges, chipsets that mirror bus 0), unit.test_pci_roots what
# ACPI's tables say.
set(LIOS_USB_PXB_EXPECT --ready ${LIOS_USB_READY} --forbid "^usb: .*refused"
    --expect "^pci: peer root bus 0000:20 \\(no bridge leads to it\\)$"
    --expect "^usb: xhci 21:00\\.0 1b36:000d " --scenario echo)
set(LIOS_PXB_ARGS --machine pc --qemu-arg=-device --qemu-arg=pxb,id=pxb1,bus_nr=32,bus=pci.0
    --qemu-arg=-device --qemu-arg=qemu-xhci,id=xhci,bus=pxb1,addr=0x0
    --qemu-arg=-device --qemu-arg=usb-kbd,id=kbd0,bus=xhci.0)
lios_qemu_test(keyboard.usb.bios.pc-pxb.echo FIRMWARE bios LABELS keyboard
  ARGS ${LIOS_PXB_ARGS} ${LIOS_USB_PXB_EXPECT}
       --expect "^pci: 2 root buses named by ACPI: probing only those$")
lios_qemu_test(keyboard.usb.bios.pc-pxb.probe FIRMWARE bios LABELS keyboard matrix
  ARGS ${LIOS_PXB_ARGS} ${LIOS_USB_PXB_EXPECT} --cmdline pci.roots=probe
       --expect "^pci: root buses not named by ACPI \\(pci.roots=probe\\): probing for them$")
lios_qemu_test(keyboard.usb.uefi.q35-no8042-pxb-pcie.echo FIRMWARE uefi LABELS keyboard matrix
  ARGS --machine q35,i8042=off --qemu-arg=-device --qemu-arg=pxb-pcie,id=pxb1,bus_nr=32,bus=pcie.0
       --qemu-arg=-device --qemu-arg=pcie-root-port,id=rp1,bus=pxb1,chassis=1
       --qemu-arg=-device --qemu-arg=qemu-xhci,id=xhci,bus=rp1
       --qemu-arg=-device --qemu-arg=usb-kbd,id=kbd0,bus=xhci.0 ${LIOS_USB_PXB_EXPECT}
       --expect "^pci: 2 root buses named by ACPI: probing only those$")

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

# Two xHCIs, as PCs with a second controller have: a qemu-xhci with the most ports QEMU
# gives (15 USB 2 + 15 USB 3: the driver keeps 32), its keyboard on the last port (1-30)
# and a USB 3 stick on port 14, and an nec-usb-xhci with its own keyboard (controller 2).
# Both keyboards ready before the self-tests; a guard (it passed before too).
lios_qemu_test(matrix.bios.q35.usb-two-xhci.30-ports FIRMWARE bios LABELS matrix
  ARGS --machine q35,i8042=off --cmdline selftest --ktap
       --qemu-arg=-blockdev --qemu-arg=driver=null-co,node-name=stick,size=16777216
       --qemu-arg=-device --qemu-arg=qemu-xhci,id=xhci,p2=15,p3=15
       --qemu-arg=-device --qemu-arg=usb-kbd,bus=xhci.0,port=15
       --qemu-arg=-device --qemu-arg=usb-storage,drive=stick,bus=xhci.0,port=14
       --qemu-arg=-device --qemu-arg=nec-usb-xhci,id=nec
       --qemu-arg=-device --qemu-arg=usb-kbd,bus=nec.0
       --expect "^usb: xhci [0-9a-f:.]+ 1b36:000d xHCI 1\\.00, 30 ports, "
       --expect "^kbd: usb 1-30 0627:0001 ready in " --expect "^kbd: usb 2-5 0627:0001 ready in "
       --expect "^usb: 1-14: 46f4:0001 mass storage, super speed, no driver, left alone$"
       --expect "^ok [0-9]+ usb\\.boot_waited_for_every_device$" --forbid "^usb: .*refused")

# A PC's chipset on q35: five PCIe root ports (Ethernet e1000e, virtio-net, an NVMe drive
# LiOS does not drive, the xHCI with the keyboard, one empty), a PCIe-to-PCI bridge with two
# PCI bridges chained behind it and an e1000 at the end, ICH9 HD audio, an Intel IOMMU (a
# DMAR table), S3 disabled and no HPET (the PM timer calibrates). `pci` lists every
# function, the NVMe drive without a driver; the keyboard on bus 4 types. A guard.
lios_qemu_test(keyboard.uefi.q35.chipset.pci FIRMWARE uefi LABELS keyboard matrix
  ARGS --machine q35,i8042=off,hpet=off
       --qemu-arg=-global --qemu-arg=ICH9-LPC.disable_s3=1 --qemu-arg=-device --qemu-arg=intel-iommu
       --qemu-arg=-device --qemu-arg=pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x10
       --qemu-arg=-device --qemu-arg=pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=0x11
       --qemu-arg=-device --qemu-arg=pcie-root-port,id=rp3,chassis=3,slot=3,bus=pcie.0,addr=0x12
       --qemu-arg=-device --qemu-arg=pcie-root-port,id=rp4,chassis=4,slot=4,bus=pcie.0,addr=0x13
       --qemu-arg=-device --qemu-arg=pcie-root-port,id=rp5,chassis=5,slot=5,bus=pcie.0,addr=0x14
       --qemu-arg=-device --qemu-arg=e1000e,bus=rp1 --qemu-arg=-device --qemu-arg=virtio-net-pci,bus=rp2
       --qemu-arg=-blockdev --qemu-arg=driver=null-co,node-name=nvm,size=16777216
       --qemu-arg=-device --qemu-arg=nvme,drive=nvm,serial=lios0001,bus=rp3
       --qemu-arg=-device --qemu-arg=qemu-xhci,id=xhci,bus=rp4
       --qemu-arg=-device --qemu-arg=usb-kbd,id=kbd0,bus=xhci.0
       --qemu-arg=-device --qemu-arg=pcie-pci-bridge,id=pb0,bus=pcie.0,addr=0x15
       --qemu-arg=-device --qemu-arg=pci-bridge,id=pb1,chassis_nr=6,bus=pb0,addr=1
       --qemu-arg=-device --qemu-arg=pci-bridge,id=pb2,chassis_nr=7,bus=pb1,addr=2
       --qemu-arg=-device --qemu-arg=e1000,bus=pb2,addr=3
       --qemu-arg=-audiodev --qemu-arg=none,id=snd0
       --qemu-arg=-device --qemu-arg=ich9-intel-hda,bus=pcie.0,addr=0x1b
       --qemu-arg=-device --qemu-arg=hda-duplex,audiodev=snd0
       --ready ${LIOS_USB_READY} --scenario pci
       --expect "^acpi: PM timer io 0x608 24-bit, no HPET, ECAM "
       --expect "^timer: local APIC timer \\(periodic\\) 1000 Hz, TSC [0-9.]+ MHz from ACPI PM timer"
       --expect "^03:00\\.0 1b36:0010 010802 NVMe +-$" --expect "^04:00\\.0 1b36:000d 0c0330 USB xHCI +xhci$"
       --expect "^08:03\\.0 8086:100e 020000 Ethernet +-$" --expect "^00:1b\\.0 8086:293e 040300 multimedia +-$"
       --expect "^pci: 20 functions, configuration space through ECAM$")

# Server and desktop CPUs with a lot of memory: AMD EPYC-Rome and Intel Skylake-Client, 8
# CPUs, 64 GiB (TCG allocates only what is touched: reserve=off, so the host needs no
# 64 GiB), and memory hot-plug slots (maxmem: the hot-plug range is not in the map, only
# the 4 GiB present is counted). Guards.
lios_qemu_test(matrix.bios.q35.epyc-rome.smp8.64G FIRMWARE bios LABELS matrix
  ARGS --machine q35,memory-backend=ram0 --cpu EPYC-Rome --smp 8 --memory 64G
       --qemu-arg=-object --qemu-arg=memory-backend-ram,id=ram0,size=64G,reserve=off
       --cmdline selftest --ktap --mem-min 65000:63000 --expect "^acpi: .*, 8 CPUs, ")
lios_qemu_test(matrix.uefi.q35.skylake.smp8.64G FIRMWARE uefi LABELS matrix
  ARGS --machine q35,memory-backend=ram0 --cpu Skylake-Client --smp 8 --memory 64G
       --qemu-arg=-object --qemu-arg=memory-backend-ram,id=ram0,size=64G,reserve=off
       --cmdline selftest --ktap --mem-min 65000:63000 --expect "^simd: sse2 avx avx2, 32-byte ")
lios_qemu_test(matrix.bios.q35.maxmem FIRMWARE bios LABELS matrix
  ARGS --machine q35 --memory 4G,slots=2,maxmem=8G --cmdline selftest --ktap --mem-min 3900:2000)

# A 4K monitor: OVMF's GOP at 3840x2160 (the VGA's EDID says so; 64 MiB of video memory),
# GRUB keeps it, the console uses the 16x32 font and draws the whole screen. A guard.
lios_qemu_test(screen.uefi.gop-3840x2160 FIRMWARE uefi LABELS matrix
  ARGS --display none --qemu-arg=-device --qemu-arg=VGA,xres=3840,yres=2160,vgamem_mb=64
       --gfxpayload 3840x2160x32 --expect "^console: framebuffer 3840x2160 32bpp pitch 15360$"
       --expect "^console: font 16x32 scale 1, .*, 240x67 cells$" --screen fb ${LIOS_SCREEN_EXPECT})
