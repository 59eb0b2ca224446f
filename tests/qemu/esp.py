# SPDX-License-Identifier: MIT
"""An "installed GRUB" for the tests: an EFI system partition tree booting /boot/lios.elf.

This file owns the installed-GRUB path of issue 6's matrix. Instead of the test ISO, QEMU
boots a folder presented as a FAT disk (`-drive file=fat:DIR`) holding
  EFI/BOOT/BOOTX64.EFI   GRUB made by grub-mkstandalone -O x86_64-efi (BOOTIA32.EFI and
                         -O i386-efi for 32-bit UEFI), with a grub.cfg in
                         its memdisk that looks like a distribution's: another system's
                         entry first, then the entries that iso/grub.d/42_lios prints (the
                         same text users paste into /etc/grub.d/40_custom);
  boot/lios.elf          the kernel, found by the entry's own `search --file`.
The default entry is chosen by title, as `GRUB_DEFAULT="LiOS (self-test)"` would do.
"""
import os
import shutil
import subprocess

OTHER_DISTRIBUTION = """menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class os {
	insmod part_gpt
	insmod ext2
	search --no-floppy --fs-uuid --set=root 0a1b2c3d-0000-4000-8000-000000000000
	linux /vmlinuz-6.1.0-13-amd64 root=UUID=0a1b2c3d-0000-4000-8000-000000000000 ro quiet
	initrd /initrd.img-6.1.0-13-amd64
}
"""


class EspError(Exception):
    pass


def grub_cfg(entries_script, default_entry):
    """The grub.cfg of the simulated installed system: update-grub's shape, with the
    output of 'entries_script' (run with sh, as update-grub does) after another entry.
    biosdisk.py puts the same file on its BIOS disk."""
    r = subprocess.run(["sh", entries_script], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0 or "menuentry" not in r.stdout:
        raise EspError("%s printed no menu entry (status %d): %s"
                       % (entries_script, r.returncode, r.stdout.strip()))
    return ("# grub.cfg of a simulated installed system (tests/qemu/esp.py)\n"
            "set timeout=0\nset default=\"%s\"\n\n" % default_entry
            + OTHER_DISTRIBUTION + "\n### BEGIN /etc/grub.d/42_lios ###\n" + r.stdout
            + "### END /etc/grub.d/42_lios ###\n")


# GRUB platform -> the removable-media file name the firmware looks for.
EFI_LOADER = {"x86_64-efi": "BOOTX64.EFI", "i386-efi": "BOOTIA32.EFI"}


def make_esp(dirpath, elf, entries_script, default_entry, platform="x86_64-efi"):
    """Builds the ESP tree in 'dirpath' (created) with GRUB for 'platform' (a key of
    EFI_LOADER). Raises EspError when a tool fails."""
    if not os.path.exists(elf):
        raise EspError("kernel %s does not exist" % elf)
    os.makedirs(os.path.join(dirpath, "EFI", "BOOT"))
    os.makedirs(os.path.join(dirpath, "boot"))
    shutil.copyfile(elf, os.path.join(dirpath, "boot", "lios.elf"))
    cfg = os.path.join(dirpath, "..", "installed-grub.cfg")
    with open(cfg, "w") as f:
        f.write(grub_cfg(entries_script, default_entry))
    cmd = ["grub-mkstandalone", "-O", platform,
           "-o", os.path.join(dirpath, "EFI", "BOOT", EFI_LOADER[platform]),
           "--modules=part_gpt part_msdos fat ext2 all_video multiboot2 search",
           "boot/grub/grub.cfg=" + os.path.abspath(cfg)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise EspError("grub-mkstandalone failed: %s" % r.stdout.strip())
