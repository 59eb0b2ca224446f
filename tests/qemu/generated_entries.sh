#!/bin/sh
# SPDX-License-Identifier: MIT
# The entries iso/grub.d/42_lios writes under update-grub on the machine that biosdisk.py
# builds, for matrix.bios.installed-grub.generated: GRUB's own grub-mkconfig_lib, with
# grub-probe and grub-mkrelpath stubbed to describe that disk (MBR partition 1, FAT, the
# volume serial biosdisk.FAT_SERIAL as its UUID, the kernel at /boot/lios.elf), so GRUB
# itself runs the generated insmods, the search by UUID with hints and the quoted path.
# Fails, instead of printing the generic entries, when 42_lios does not generate.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
uuid=4c10-b105 # biosdisk.grub_uuid(biosdisk.FAT_SERIAL)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/lios.elf"
cat >"$tmp/grub-probe" <<PROBE
#!/bin/sh
for a in "\$@"; do target=\${a#--target=}; [ "\$target" != "\$a" ] && break; done
case \$target in
device) echo /dev/sdz1 ;;
partmap) echo msdos ;;
abstraction) ;;
fs) echo fat ;;
fs_uuid) echo $uuid ;;
hints_string) echo "--hint-bios=hd0,msdos1 --hint-efi=hd0,msdos1 --hint-baremetal=ahci0,msdos1" ;;
compatibility_hint) echo hd0,msdos1 ;;
*) exit 1 ;;
esac
PROBE
printf '#!/bin/sh\necho /boot/lios.elf\n' >"$tmp/grub-mkrelpath"
chmod +x "$tmp/grub-probe" "$tmp/grub-mkrelpath"
out=$(pkgdatadir=/usr/share/grub grub_probe="$tmp/grub-probe" grub_mkrelpath="$tmp/grub-mkrelpath" \
	LIOS_INSTALLED_ELF="$tmp/lios.elf" sh "$here/../../iso/grub.d/42_lios" 2>"$tmp/stderr")
# esp.grub_cfg reads stderr too: update-grub's "Found LiOS" line is no grub.cfg text.
case $out in
*"--fs-uuid --set=root"*"$uuid"*) printf '%s\n' "$out" ;;
*)
	echo "42_lios generated no entries searching $uuid:" >&2
	cat "$tmp/stderr" >&2
	printf '%s\n' "$out" >&2
	exit 1
	;;
esac
