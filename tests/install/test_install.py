# SPDX-License-Identifier: MIT
"""Host tests of the installed-GRUB path: iso/grub.d/42_lios as update-grub runs it, and
`./lios install` / `./lios uninstall` into a scratch root.

42_lios runs with /bin/sh (dash where it exists, as on Debian) in a made-up grub-mkconfig
environment: pkgdatadir points at a fake grub-mkconfig_lib, or at the real one with stub
grub-probe and grub-mkrelpath programs (the library takes their paths from $grub_probe and
$grub_mkrelpath). The stubs describe a btrfs root on the "@" subvolume of a GPT disk, so GRUB
sees the kernel as /@/boot/lios.elf on the file system UUID below. LIOS_INSTALLED_ELF stands
in for /boot/lios.elf. The QEMU cells (matrix.*.installed-grub, esp.py) boot the generic
entries; these tests check the generator's choice and what it prints.
Run: python3 tests/install/test_install.py [-v]
"""
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ENTRIES = os.path.join(ROOT, "iso", "grub.d", "42_lios")
LIOS = os.path.join(ROOT, "lios")
REAL_LIB_DIR = "/usr/share/grub"
SH = shutil.which("dash") or "sh"
GRUB_SCRIPT_CHECK = shutil.which("grub-script-check")

UUID = "5d1c3a7e-9b2f-4c61-8e0a-2f4b6d8c0e11"
DEVICE = "/dev/nvme0n1p2"
RELPATH = "/@/boot/lios.elf"
MARKER = "### entries ###\n"

# grub-probe for a btrfs file system on GPT partition 2; only the kernel's own path (in
# $LIOS_INSTALLED_ELF) or its device may be asked about, anything else fails.
GRUB_PROBE = """#!/bin/sh
target= dev= path=
for a in "$@"; do
	case $a in
	--target=*) target=${a#--target=} ;;
	--device) dev=1 ;;
	-*) ;;
	*) path=$a ;;
	esac
done
if [ -z "$dev" ] && [ "$path" != "$LIOS_INSTALLED_ELF" ]; then
	echo "grub-probe stub: asked about $path" >&2; exit 1
fi
if [ -n "$dev" ] && [ "$path" != "%(device)s" ]; then
	echo "grub-probe stub: asked about device $path" >&2; exit 1
fi
case $target in
device) echo %(device)s ;;
partmap) echo gpt ;;
abstraction) ;;
fs) echo btrfs ;;
fs_uuid) echo %(uuid)s ;;
hints_string) echo "--hint-bios=hd0,gpt2 --hint-efi=hd0,gpt2 --hint-baremetal=ahci0,gpt2" ;;
compatibility_hint) echo hd0,gpt2 ;;
*) echo "grub-probe stub: target $target" >&2; exit 1 ;;
esac
""" % {"device": DEVICE, "uuid": UUID}

GRUB_MKRELPATH = """#!/bin/sh
[ "$1" = "$LIOS_INSTALLED_ELF" ] || { echo "grub-mkrelpath stub: asked about $1" >&2; exit 1; }
echo %s
""" % RELPATH

# The three things 42_lios takes from the library, in the library's words.
FAKE_LIB = """grub_probe=${grub_probe:-/nonexistent/grub-probe}
make_system_path_relative_to_its_root () { "$grub_mkrelpath" "$1"; }
prepare_grub_to_access_device () {
	[ "$1" = "%(device)s" ] || return 1
	echo "insmod part_gpt"
	echo "insmod btrfs"
	echo "search --no-floppy --fs-uuid --set=root %(uuid)s"
}
""" % {"device": DEVICE, "uuid": UUID}


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def read(path):
    with open(path) as f:
        return f.read()


def generic_text():
    text = read(ENTRIES)
    return text[text.index(MARKER) + len(MARKER):]


class Generator(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lios-grubd ")
        self.elf = os.path.join(self.tmp, "boot", "lios.elf")
        write(self.elf, "kernel")
        self.bin = os.path.join(self.tmp, "bin")
        write(os.path.join(self.bin, "grub-probe"), GRUB_PROBE, 0o755)
        write(os.path.join(self.bin, "grub-mkrelpath"), GRUB_MKRELPATH, 0o755)
        self.fake_lib_dir = os.path.join(self.tmp, "fake-grub")
        write(os.path.join(self.fake_lib_dir, "grub-mkconfig_lib"), FAKE_LIB)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_entries(self, pkgdatadir, elf=None, probe="grub-probe"):
        """Runs 42_lios as grub-mkconfig would (pkgdatadir exported) unless pkgdatadir is
        None; returns (stdout, stderr). A non-zero status fails the test: update-grub
        would stop on it."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("pkgdatadir", "GRUB_DEVICE", "grub_probe", "grub_mkrelpath")}
        env["LIOS_INSTALLED_ELF"] = elf or self.elf
        env["grub_probe"] = os.path.join(self.bin, probe)
        env["grub_mkrelpath"] = os.path.join(self.bin, "grub-mkrelpath")
        if pkgdatadir is not None:
            env["pkgdatadir"] = pkgdatadir
        r = subprocess.run([SH, ENTRIES], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout, r.stderr

    def check_grub_syntax(self, out):
        # GRUB's own parser accepts the text (the quoting of the path, the if/else of hints).
        if GRUB_SCRIPT_CHECK:
            r = subprocess.run([GRUB_SCRIPT_CHECK], input=out, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + out)

    def check_device_entries(self, out):
        self.check_grub_syntax(out)
        # Both entries, each: all_video first, the file system found by UUID, the kernel by
        # the path GRUB sees (subvolume included), gfxpayload=text on BIOS after multiboot2.
        self.assertNotIn("--file", out)
        self.assertNotIn("/lios.elf;", out)
        entries = out.split("menuentry ")[1:]
        self.assertEqual([e.split("\n")[0] for e in entries],
                         ['"LiOS" --class os {', '"LiOS (self-test)" --class os {'])
        for entry, args in zip(entries, ["", " selftest"]):
            lines = [line.strip() for line in entry.splitlines()]
            self.assertEqual(lines[1], "insmod all_video")
            self.assertIn("insmod btrfs", lines)
            search = [line for line in lines if line.startswith("search ")]
            self.assertTrue(search, entry)
            for line in search:
                self.assertTrue(line.startswith("search --no-floppy --fs-uuid --set=root "), line)
                self.assertTrue(line.endswith(" " + UUID), line)
            boot = lines.index("multiboot2 '%s'%s" % (RELPATH, args))
            self.assertLess(max(lines.index(s) for s in search), boot)
            self.assertIn("set gfxpayload=text", lines[boot + 1:])
            self.assertIn('if [ "$grub_platform" = "pc" ]; then', lines[boot + 1:])

    def test_fake_library_btrfs_subvolume(self):
        # Scenario: update-grub on a btrfs root ("@" subvolume), library of the fake kind.
        # Expected: entries that search UUID's file system and load /@/boot/lios.elf.
        out, err = self.run_entries(self.fake_lib_dir)
        self.check_device_entries(out)
        self.assertIn("Found LiOS", err)

    @unittest.skipUnless(os.path.isfile(os.path.join(REAL_LIB_DIR, "grub-mkconfig_lib")),
                         "no %s/grub-mkconfig_lib (grub-common)" % REAL_LIB_DIR)
    def test_real_library_btrfs_subvolume(self):
        # Scenario: the same machine, with GRUB's own library and only the probing programs
        # stubbed. Expected: the same entries, now with the library's search hints.
        out, _ = self.run_entries(REAL_LIB_DIR)
        self.check_device_entries(out)
        self.assertIn("--hint-efi=hd0,gpt2", out)

    def test_no_library(self):
        # Scenario: grub-mkconfig environment, but its library is not where pkgdatadir says.
        # Expected: the generic entries, byte for byte the text after the marker.
        out, _ = self.run_entries(os.path.join(self.tmp, "nowhere"))
        self.assertEqual(out, generic_text())

    def test_no_installed_kernel(self):
        # Scenario: the entries script is in /etc/grub.d but /boot/lios.elf is gone.
        # Expected: the generic entries.
        out, _ = self.run_entries(self.fake_lib_dir, elf=os.path.join(self.tmp, "gone.elf"))
        self.assertEqual(out, generic_text())

    def test_not_under_grub_mkconfig(self):
        # Scenario: run by hand or by esp.py (no pkgdatadir, no GRUB_DEVICE), kernel present.
        # Expected: the generic entries, the ones pasted into 40_custom.
        out, _ = self.run_entries(None)
        self.assertEqual(out, generic_text())

    def test_probe_fails(self):
        # Scenario: grub-probe cannot tell the device (a file system GRUB cannot read).
        # Expected: update-grub goes on with the generic entries and a warning.
        write(os.path.join(self.bin, "no-probe"), "#!/bin/sh\nexit 1\n", 0o755)
        out, err = self.run_entries(REAL_LIB_DIR if os.path.isdir(REAL_LIB_DIR)
                                    else self.fake_lib_dir, probe="no-probe")
        self.assertEqual(out, generic_text())
        self.assertIn("42_lios:", err)

    def test_generic_entries_find_the_file(self):
        # Scenario: the generic entries themselves. Expected: both titles, the file search
        # for /boot/lios.elf and /lios.elf, all_video, gfxpayload=text after multiboot2.
        text = generic_text()
        self.check_grub_syntax(text)
        self.assertEqual(text.count("menuentry "), 2)
        self.assertIn("search --no-floppy --file --set=root /boot/lios.elf", text)
        self.assertIn("search --no-floppy --file --set=root /lios.elf", text)
        self.assertLess(text.index("multiboot2 $lios_kernel selftest"),
                        text.rindex("set gfxpayload=text"))


class InstallUninstall(unittest.TestCase):
    """./lios install/uninstall --root DIR --elf FILE, from a copy of the checkout whose
    path has a space (the files install and uninstall use: lios and 42_lios)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lios-install ")
        self.checkout = os.path.join(self.tmp, "my checkout")
        write(os.path.join(self.checkout, "lios"), read(LIOS), 0o755)
        write(os.path.join(self.checkout, "iso", "grub.d", "42_lios"), read(ENTRIES), 0o755)
        self.root = os.path.join(self.tmp, "target root")
        self.elf = os.path.join(self.tmp, "a kernel.elf")
        write(self.elf, "ELF of this test")
        # Files of the system that are not LiOS's: they must survive uninstall.
        write(os.path.join(self.root, "boot", "vmlinuz"), "linux")
        write(os.path.join(self.root, "etc", "grub.d", "40_custom"), "custom")
        write(os.path.join(self.root, "boot", "grub", "grub.cfg"), "menu of the system")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def lios(self, *args, path=None, ok=True, sudo_user=None, efivars=None):
        env = {k: v for k, v in os.environ.items() if k not in ("SUDO_USER", "LIOS_EFIVARS")}
        if sudo_user:
            env["SUDO_USER"] = sudo_user
        # Where ./lios reads the firmware's Secure Boot state: a made-up efivars folder,
        # empty (a BIOS machine) unless a test says otherwise, never this machine's.
        env["LIOS_EFIVARS"] = efivars or os.path.join(self.tmp, "no efivars")
        if path:
            env["PATH"] = path + os.pathsep + env["PATH"]
        r = subprocess.run([os.path.join(self.checkout, "lios")] + list(args), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if ok:
            self.assertEqual(r.returncode, 0, r.stdout)
        return r.stdout

    def tree(self):
        found = {}
        for d, _, files in os.walk(self.root):
            for f in files:
                p = os.path.join(d, f)
                found[os.path.relpath(p, self.root)] = (read(p),
                                                        stat.S_IMODE(os.stat(p).st_mode))
        return found

    def installed(self):
        return {"boot/lios.elf": ("ELF of this test", 0o644),
                "etc/grub.d/42_lios": (read(ENTRIES), 0o755)}

    def test_install_then_uninstall(self):
        # Scenario: install into the scratch root, then uninstall. Expected: the kernel and
        # the entries script appear with their modes, then only they go; update-grub is named.
        before = self.tree()
        out = self.lios("install", "--root", self.root, "--elf", self.elf)
        self.assertEqual(self.tree(), dict(before, **self.installed()))
        self.assertIn("update-grub", out)
        out = self.lios("uninstall", "--root", self.root)
        self.assertEqual(self.tree(), before)
        self.assertIn("update-grub", out)
        # A second uninstall has nothing to do and still succeeds.
        self.assertIn("not installed", self.lios("uninstall", "--root", self.root))

    def test_names_this_systems_grub_command(self):
        # Scenario: install and uninstall into a Fedora-like root (GRUB's programs are
        # grub2-*, the menu is /boot/grub2/grub.cfg, there is no update-grub), into a
        # Debian-like one (update-grub) and an Arch-like one (grub-mkconfig in /usr/bin).
        # Expected: the command the user is told to run next is the one that exists there,
        # with the grub.cfg that system boots from; a Fedora user is not sent to a
        # grub-mkconfig that is not there, or to write a /boot/grub/grub.cfg GRUB never reads.
        for prog, cmd in (("usr/sbin/grub2-mkconfig", "grub2-mkconfig -o /boot/grub2/grub.cfg"),
                          ("usr/sbin/update-grub", "update-grub"),
                          ("usr/bin/grub-mkconfig", "grub-mkconfig -o /boot/grub/grub.cfg")):
            root = os.path.join(self.tmp, "root of " + prog.replace("/", "_"))
            write(os.path.join(root, prog), "#!/bin/sh\nexit 1\n", 0o755)
            for args in (["install", "--dry-run"], ["install"], ["uninstall", "--dry-run"],
                         ["uninstall"]):
                elf = ["--elf", self.elf] if args[0] == "install" else []
                out = self.lios(*args, "--root", root, *elf)
                self.assertIn(cmd, out, (prog, args))
                if cmd != "update-grub":
                    self.assertNotIn("update-grub", out, (prog, args))
                if prog.startswith("usr/sbin/grub2"):
                    self.assertNotIn("/boot/grub/grub.cfg", out, args)
                    self.assertNotIn("grub-mkconfig", out, args)

    def test_warns_where_grub_does_not_boot(self):
        # Scenario: install into a root with /etc/grub.d but no grub.cfg anywhere GRUB keeps
        # it (/boot/grub, /boot/grub2, an EFI partition): grub-common alone gives a machine
        # /etc/grub.d, and ./lios itself installs grub-common for grub-mkrescue, so on a
        # machine that boots with systemd-boot, or a container, /etc/grub.d says nothing.
        # Expected: install (dry run or not) says that GRUB does not seem to boot this
        # system, before telling the user to run grub-mkconfig, which would only write a
        # grub.cfg that nothing reads. Not said where a grub.cfg exists (/boot/grub2 on
        # Fedora, the EFI partition of older Fedora).
        bare = os.path.join(self.tmp, "no grub root")
        write(os.path.join(bare, "etc", "grub.d", "40_custom"), "custom")
        for args in (["--dry-run"], []):
            out = self.lios("install", *args, "--root", bare, "--elf", self.elf)
            self.assertIn("does not seem to boot with GRUB", out, args)
        for cfg in ("boot/grub/grub.cfg", "boot/grub2/grub.cfg", "boot/efi/EFI/fedora/grub.cfg"):
            root = os.path.join(self.tmp, "root with " + cfg.replace("/", "_"))
            write(os.path.join(root, cfg), "menu")
            out = self.lios("install", "--root", root, "--elf", self.elf)
            self.assertNotIn("does not seem to boot with GRUB", out, cfg)

    def test_warns_when_secure_boot_is_on(self):
        # Scenario: install on a UEFI machine whose firmware has Secure Boot on (efivars'
        # SecureBoot variable: 4 bytes of attributes, then 1), then off (0). Its GRUB is the
        # distribution's, signed and started by shim, whose verifier checks every multiboot2
        # kernel: the unsigned lios.elf is refused ("bad shim signature") when chosen.
        # Expected: install (dry run or not) says so and names the way out (turn Secure
        # Boot off); nothing said with Secure Boot off.
        efivars = os.path.join(self.tmp, "efivars")
        var = os.path.join(efivars, "SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c")
        os.makedirs(efivars)
        for value, warned in ((1, True), (0, False)):
            with open(var, "wb") as f:
                f.write(bytes([6, 0, 0, 0, value]))
            for args in (["--dry-run"], []):
                out = self.lios("install", *args, "--root", self.root, "--elf", self.elf,
                                efivars=efivars)
                self.assertEqual("Secure Boot is on" in out, warned, (value, args, out))
                if warned:
                    self.assertIn("turn Secure Boot off", out)

    def test_dry_run_changes_nothing(self):
        # Scenario: --dry-run of install, and of uninstall after a real install.
        # Expected: the commands are shown with the paths quoted, no file changes.
        before = self.tree()
        out = self.lios("install", "--dry-run", "--root", self.root, "--elf", self.elf)
        self.assertEqual(self.tree(), before)
        self.assertIn("'%s/boot/lios.elf'" % self.root, out)
        self.lios("install", "--root", self.root, "--elf", self.elf)
        installed = self.tree()
        out = self.lios("uninstall", "--dry-run", "--root", self.root)
        self.assertEqual(self.tree(), installed)
        self.assertIn("rm -f -- '%s/etc/grub.d/42_lios'" % self.root, out)

    def test_install_rebuilds_the_kernel(self):
        # Scenario: build/lios.elf is older than the sources. Expected: install runs the
        # kernel build first (a stub cmake here, which writes a new ELF) and installs the new
        # one. Skipped when ./lios would first install missing packages (apt-get is stubbed
        # to fail, so the test never installs anything).
        write(os.path.join(self.checkout, "build", "lios.elf"), "stale ELF")
        stubs = os.path.join(self.tmp, "stub bin")
        write(os.path.join(stubs, "cmake"),
              '#!/bin/sh\necho "cmake $*" >> "%s/cmake.log"\n'
              'case "$*" in *"--target kernel"*) echo "fresh ELF" > build/lios.elf ;; esac\n'
              % self.tmp, 0o755)
        write(os.path.join(stubs, "apt-get"), "#!/bin/sh\nexit 1\n", 0o755)
        out = self.lios("install", "--root", self.root, path=stubs, ok=False)
        if "installing missing packages" in out:
            self.skipTest("./lios would install packages first: " + out.splitlines()[0])
        self.assertIn("--target kernel", read(os.path.join(self.tmp, "cmake.log")))
        self.assertEqual(self.tree()["boot/lios.elf"][0], "fresh ELF\n", out)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to give the checkout other owners")
    def test_sudo_install_builds_as_the_checkouts_owner(self):
        # Scenario: `sudo ./lios install` (root, SUDO_USER=alice) in a checkout that root
        # owns (`sudo git clone` into /opt), in one owned by another user (nobody's uid
        # here), with and without a build/ of its own, and in one whose owner has no account
        # on this system (uid 4242: a checkout mounted into a container). `id` says root;
        # `sudo` is a stub that runs the command with RAN_AS set to the user it was asked
        # for; cmake records RAN_AS. Expected: the kernel is built as whoever owns build/
        # (the checkout, before the first build): as root in root's checkout, where alice
        # could not create build/ and the install stopped with CMake's permission errors;
        # as the other user in theirs, so no root-owned file lands in it; as root when the
        # owner cannot be switched to. The ELF is installed every time.
        stubs = os.path.join(self.tmp, "stub bin")
        log = os.path.join(self.tmp, "cmake.log")
        write(os.path.join(stubs, "id"),
              '#!/bin/sh\n[ "$1" = -u ] && { echo 0; exit 0; }\nexit 1\n', 0o755)
        write(os.path.join(stubs, "sudo"),
              '#!/bin/sh\n[ "$1" = -u ] || exit 1\nRAN_AS=$2; export RAN_AS\n'
              'shift 2\n[ "$1" = -- ] && shift\nexec "$@"\n', 0o755)
        write(os.path.join(stubs, "cmake"),
              '#!/bin/sh\necho "${RAN_AS:-root} cmake $*" >> "%s"\n'
              'case "$*" in *"--target kernel"*) mkdir -p build; echo "fresh ELF" > build/lios.elf ;; esac\n'
              % log, 0o755)
        write(os.path.join(stubs, "apt-get"), "#!/bin/sh\nexit 1\n", 0o755)
        build = os.path.join(self.checkout, "build")
        other = pwd.getpwnam("nobody").pw_uid
        for owner, has_build, expected in ((0, False, "root"), (0, True, "root"),
                                           (other, False, "#%d" % other),
                                           (other, True, "#%d" % other), (4242, True, "root")):
            shutil.rmtree(build, ignore_errors=True)
            if has_build:
                os.makedirs(build)
            for d, dirs, files in os.walk(self.checkout):
                for name in [d] + [os.path.join(d, f) for f in dirs + files]:
                    os.chown(name, owner, owner)
            if os.path.exists(log):
                os.remove(log)
            out = self.lios("install", "--root", self.root, path=stubs, ok=False,
                            sudo_user="alice")
            if "installing missing packages" in out:
                self.skipTest("./lios would install packages first: " + out.splitlines()[0])
            ran = read(log).splitlines()
            self.assertEqual(len(ran), 2, out)
            for line in ran:
                self.assertTrue(line.startswith(expected + " cmake "), (owner, has_build, ran))
            self.assertEqual(self.tree()["boot/lios.elf"][0], "fresh ELF\n", out)

    def test_unknown_option(self):
        # Scenario: a mistyped option, or --elf given to uninstall. Expected: refused.
        for args in (["install", "--root"], ["uninstall", "--elf", self.elf],
                     ["uninstall", "--force"]):
            r = subprocess.run([os.path.join(self.checkout, "lios")] + args,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.assertNotEqual(r.returncode, 0, args)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[1:])
