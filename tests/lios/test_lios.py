# SPDX-License-Identifier: MIT
"""Host tests of the ./lios command line itself: what README's command table promises about
arguments, without building or booting anything.

Each test copies ./lios into a scratch checkout and puts stub programs first on PATH: cmake
(the build: does nothing), ctest (writes its arguments to a file) and, in build/fuzz/, a stub
fuzzer that writes its arguments too. So the tests see exactly what ./lios would hand to
CTest and libFuzzer. ./lios bench runs stub bench programs and boot benchmarks, with the
real report tool. ./lios install/uninstall have their own tests (tests/install/).
When ./lios would first install missing packages (apt-get is stubbed to fail), the tests
that build are skipped rather than install anything.
Run: python3 tests/lios/test_lios.py [-v]
"""
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIOS = os.path.join(ROOT, "lios")


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


class LiosCommandLine(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lios-cli-")
        self.checkout = os.path.join(self.tmp, "checkout")
        write(os.path.join(self.checkout, "lios"), read(LIOS), 0o755)
        self.stubs = os.path.join(self.tmp, "bin")
        self.calls = os.path.join(self.tmp, "calls")
        write(os.path.join(self.stubs, "cmake"), "#!/bin/sh\nexit 0\n", 0o755)
        write(os.path.join(self.stubs, "ctest"),
              '#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "%s/ctest.args"\n' % self.tmp,
              0o755)
        write(os.path.join(self.stubs, "apt-get"), "#!/bin/sh\nexit 1\n", 0o755)
        # QEMU and gdb never start for real here: these only say they were run.
        for prog in ("qemu-system-x86_64", "gdb"):
            write(os.path.join(self.stubs, prog),
                  '#!/bin/sh\necho "$0 $*" >> "%s/ran"\n' % self.tmp, 0o755)
        # A fuzzer that records its arguments and ends at once, whatever they are.
        write(os.path.join(self.checkout, "build", "fuzz", "fuzz_stub"),
              '#!/bin/sh\nfor a in "$@"; do echo "$a"; done >> "%s/fuzz.args"\n' % self.tmp,
              0o755)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def lios(self, *args, cwd=None):
        """Runs the copied ./lios (from cwd, default the checkout) with the stubs first on
        PATH; returns the CompletedProcess. A run that would install packages first is
        skipped."""
        env = dict(os.environ)
        env["PATH"] = self.stubs + os.pathsep + env["PATH"]
        r = subprocess.run([os.path.join(self.checkout, "lios")] + list(args), env=env,
                           cwd=cwd or self.checkout,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60)
        if "installing missing packages" in r.stdout:
            self.skipTest("./lios would install packages first: " + r.stdout.splitlines()[0])
        return r

    def ctest_args(self):
        return read(os.path.join(self.tmp, "ctest.args")).splitlines()

    def fuzz_args(self):
        path = os.path.join(self.tmp, "fuzz.args")
        return read(path).splitlines() if os.path.exists(path) else []

    def test_fuzz_seconds(self):
        # Scenario: ./lios fuzz 7. Expected: each fuzzer runs with -max_total_time=7.
        r = self.lios("fuzz", "7")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("-max_total_time=7", self.fuzz_args())

    def test_fuzz_shares_ctest_corpus(self):
        # Scenario: ./lios fuzz 7. Expected: the fuzzer's corpus is build/fuzz/corpus/stub,
        # the folder CTest's fuzz.stub reads (fuzz/CMakeLists.txt); before, ./lios kept its
        # own (build/fuzz/corpus-fuzz_stub) and what one run found the other never read.
        r = self.lios("fuzz", "7")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(os.path.join(self.checkout, "build", "fuzz", "corpus", "stub"),
                      self.fuzz_args())

    def test_fuzz_default_seconds(self):
        # Scenario: ./lios fuzz with no argument. Expected: 300 s each, as --help says.
        r = self.lios("fuzz")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("-max_total_time=300", self.fuzz_args())

    def test_fuzz_bad_seconds_refused(self):
        # Scenario: SECONDS that libFuzzer would read as 0, i.e. no time limit at all (a word,
        # 0, a negative or fractional number), or a second argument. Expected: refused with a
        # message naming SECONDS, non-zero status, no fuzzer started (the old script started
        # the first fuzzer with no limit, and it ran until killed).
        for args in (["abc"], ["0"], ["-5"], ["1.5"], ["5s"], ["5", "more"]):
            r = self.lios("fuzz", *args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn("SECONDS", r.stderr, args)
            self.assertEqual(self.fuzz_args(), [], args)

    def test_test_default_leaves_out_matrix(self):
        # Scenario: ./lios test with arguments that do not choose tests (-j1), or that only
        # remove some by name (-E). Expected: the matrix and the extra checks stay out.
        for args in ([], ["-j1"], ["-E", "screen"]):
            r = self.lios("test", *args)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = self.ctest_args()
            self.assertIn("-LE", got, args)
            self.assertEqual(got[got.index("-LE") + 1], "matrix|extra", args)
            self.assertEqual(got[-2 - len(args):-2], args)

    def test_test_choice_is_kept(self):
        # Scenario: ./lios test choosing tests by label or name. Expected: ctest gets exactly
        # the arguments given, no -LE of its own (ctest would keep only one -LE).
        for args in (["-L", "unit"], ["-L", "matrix"], ["-R", "^boot.bios$"],
                     ["-LE", "keyboard"], ["--tests-regex", "boot"], ["--label-regex", "unit"]):
            r = self.lios("test", *args)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = self.ctest_args()
            self.assertEqual(got[-len(args):], args)
            self.assertEqual(got.count("-LE"), args.count("-LE"), args)

    def test_check_machine_folders_from_where_typed(self):
        # Scenario: ./lios check-machine with table and PCI folders relative to the directory
        # the command is typed in, which is not the checkout (./lios cd's into it), and an
        # absolute one. Expected: the program gets folders that name the same places.
        write(os.path.join(self.checkout, "build", "tools", "check_machine", "check_machine"),
              '#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "%s/cm.args"\n' % self.tmp,
              0o755)
        elsewhere = os.path.join(self.tmp, "elsewhere")
        os.makedirs(elsewhere)
        r = self.lios("check-machine", "tables", "--pci", "pci", cwd=elsewhere)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = read(os.path.join(self.tmp, "cm.args")).splitlines()
        self.assertEqual(got, [os.path.join(elsewhere, "tables"), "--pci",
                               os.path.join(elsewhere, "pci")])
        r = self.lios("check-machine", "/sys/firmware/acpi/tables", cwd=elsewhere)
        self.assertEqual(read(os.path.join(self.tmp, "cm.args")).splitlines(),
                         ["/sys/firmware/acpi/tables"])

    def test_check_machine_under_sudo_builds_as_the_user(self):
        # Scenario: `sudo ./lios check-machine`, as README says to run it (the ACPI tables and
        # the USB controllers' configuration space are readable by root only): root, with
        # SUDO_USER naming the user whose checkout it is (nobody's uid when the test runs as
        # root, else the test's own uid). `id` and `sudo` are stubs: id says root, sudo runs
        # its command with RAN_AS set to the user it was asked for. Expected: cmake
        # (configure and build, which write build/) runs as that user, so no root-owned file
        # is left in the checkout for the user's next ./lios run to trip over; the program
        # itself runs as root, which reading the tables needs.
        log = os.path.join(self.tmp, "as")
        write(os.path.join(self.stubs, "id"),
              '#!/bin/sh\n[ "$1" = -u ] && { echo 0; exit 0; }\nexit 1\n', 0o755)
        write(os.path.join(self.stubs, "sudo"),
              '#!/bin/sh\n[ "$1" = -u ] || exit 1\nRAN_AS=$2; export RAN_AS\n'
              'shift 2\n[ "$1" = -- ] && shift\nexec "$@"\n', 0o755)
        write(os.path.join(self.stubs, "cmake"),
              '#!/bin/sh\necho "${RAN_AS:-root} cmake $*" >> "%s"\n' % log, 0o755)
        write(os.path.join(self.checkout, "build", "tools", "check_machine", "check_machine"),
              '#!/bin/sh\necho "${RAN_AS:-root} check_machine" >> "%s"\n' % log, 0o755)
        uid = os.geteuid() or pwd.getpwnam("nobody").pw_uid
        for d, dirs, files in os.walk(self.checkout):
            for name in [d] + [os.path.join(d, f) for f in dirs + files]:
                os.chown(name, uid, -1)
        env = dict(os.environ, SUDO_USER="alice")
        env["PATH"] = self.stubs + os.pathsep + env["PATH"]
        r = subprocess.run([os.path.join(self.checkout, "lios"), "check-machine"], env=env,
                           cwd=self.checkout, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60)
        if "installing missing packages" in r.stdout:
            self.skipTest("./lios would install packages first: " + r.stdout.splitlines()[0])
        self.assertEqual(r.returncode, 0, r.stderr)
        ran = read(log).splitlines()
        self.assertEqual([line.split()[1] for line in ran], ["cmake", "cmake", "check_machine"])
        for line in ran[:2]:
            self.assertTrue(line.startswith("#%d cmake " % uid), ran)
        self.assertEqual(ran[2], "root check_machine", ran)

    def bench_checkout(self, pmm_status, boot_status):
        """A checkout for ./lios bench: two stub bench programs in build/bench/ (bench_pmm
        exits with pmm_status after its BENCH line, or with no line at all when it fails, as
        a crash does), stub boot benchmarks (bench_boot.py exits with boot_status, as when
        the kernel never reaches 'LiOS ready'), the real tools/bench_report.py."""
        bench = os.path.join(self.checkout, "build", "bench")
        write(os.path.join(bench, "heap", "bench_heap"),
              "#!/bin/sh\necho 'BENCH heap.ok 0.9 <= 1 0.8 1.0 11'\n"
              "echo 'BENCH heap.missed 1.3 <= 1 1.2 1.4 11'\n", 0o755)
        write(os.path.join(bench, "pmm", "bench_pmm"),
              "#!/bin/sh\n[ %d = 0 ] || { echo 'bench_pmm: out of memory' >&2; exit %d; }\n"
              "echo 'BENCH pmm.ok 0.5 <= 1 0.4 0.6 11'\n" % (pmm_status, pmm_status), 0o755)
        boot = os.path.join(self.checkout, "bench", "boot")
        write(os.path.join(boot, "bench_boot.py"),
              "import sys\nprint('BENCH boot.ms 700 report')\nsys.exit(%d)\n" % boot_status)
        for name in ("bench_time.py", "bench_usb.py"):
            write(os.path.join(boot, name), "print('BENCH %s 1 report')\n" % name[6:-3])
        write(os.path.join(self.checkout, "tools", "bench_report.py"),
              read(os.path.join(ROOT, "tools", "bench_report.py")))
        return os.path.join(bench, "results.json")

    def test_bench_reports_a_failed_benchmark(self):
        # Scenario: ./lios bench where one bench program fails (exit 1, no BENCH line, as a
        # crash or a heap_init failure ends it) and the boot benchmark fails (the kernel never
        # got ready). Expected: the other benchmarks still run and are written to
        # results.json, then ./lios names both failures on stderr and exits non-zero (the old
        # script ended with status 0 and a table that was only missing their rows).
        results = self.bench_checkout(pmm_status=1, boot_status=1)
        r = self.lios("bench")
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"(?m)^lios: bench: .*bench_pmm.*bench_boot\.py")
        got = json.loads(read(results))
        self.assertIn("heap.ok", got)
        self.assertIn("time", got)
        self.assertNotIn("pmm.ok", got)

    def test_bench_missed_goal_is_no_failure(self):
        # Scenario: ./lios bench where every benchmark runs to its end, one of them missing
        # its goal (heap.missed: NO). Expected: status 0 (README: a missed goal never fails
        # the run), every figure in results.json.
        results = self.bench_checkout(pmm_status=0, boot_status=0)
        r = self.lios("bench")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = json.loads(read(results))
        self.assertEqual(got["heap.missed"]["verdict"], "NO")
        self.assertEqual(sorted(got), ["boot.ms", "heap.missed", "heap.ok", "pmm.ok", "time",
                                       "usb"])

    def test_debug_window_needs_the_gui_as_run_does(self):
        # Scenario: a display (DISPLAY set), a machine where QEMU's GTK front end
        # (qemu-system-gui, which qemu-system-x86 only recommends) is not installed. ./lios
        # run and ./lios debug both open a QEMU window there. Expected: debug asks for
        # qemu-system-gui as run does (apt-get and sudo are stubs that fail, so nothing is
        # installed). The old script left it out for debug: QEMU said "module ui-ui-gtk not
        # found" and started a VNC server instead of the window.
        if os.path.exists("/usr/lib/x86_64-linux-gnu/qemu/ui-gtk.so"):
            self.skipTest("qemu-system-gui is installed: nothing to ask for")
        write(os.path.join(self.stubs, "sudo"), "#!/bin/sh\nexit 1\n", 0o755)
        write(os.path.join(self.checkout, "tests", "qemu", "qemu_cmdline.py"),
              read(os.path.join(ROOT, "tests", "qemu", "qemu_cmdline.py")))
        env = dict(os.environ, DISPLAY=":0")
        env.pop("WAYLAND_DISPLAY", None)
        env["PATH"] = self.stubs + os.pathsep + env["PATH"]
        for cmd in ("run", "debug"):
            r = subprocess.run([os.path.join(self.checkout, "lios"), cmd], env=env,
                               cwd=self.checkout, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               timeout=60)
            self.assertRegex(r.stdout, r"(?m)^lios: installing missing packages:.* "
                             r"qemu-system-gui\b", cmd)
            self.assertNotEqual(r.returncode, 0, cmd)

    def test_deps_installs_what_every_command_needs(self):
        # Scenario: ./lios deps with a display (DISPLAY set), apt-get and sudo stubs that
        # fail, so each command only says which packages it would install. Expected: deps
        # asks for every package that ./lios run (QEMU's window) and ./lios bench (the
        # allocators it compares the heap with) would ask for: README and --help say deps
        # installs the packages the other commands need. The old deps left both out, so a
        # machine prepared with it still lacked them.
        write(os.path.join(self.stubs, "sudo"), "#!/bin/sh\nexit 1\n", 0o755)
        env = dict(os.environ, DISPLAY=":0")
        env.pop("WAYLAND_DISPLAY", None)
        env["PATH"] = self.stubs + os.pathsep + env["PATH"]
        asked = {}
        for cmd in ("run", "bench", "deps"):
            r = subprocess.run([os.path.join(self.checkout, "lios"), cmd], env=env,
                               cwd=self.checkout, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               timeout=60)
            m = re.search(r"(?m)^lios: installing missing packages: (.*)$", r.stdout)
            asked[cmd] = set(m.group(1).split()) if m else set()
        if not asked["run"] | asked["bench"]:
            self.skipTest("nothing for run or bench to install here")
        self.assertLessEqual(asked["run"] | asked["bench"], asked["deps"], asked)

    def coverage_checkout(self, ctest_status):
        """Stubs for ./lios coverage: cmake and gcovr record their arguments (gcovr writes
        the files it is asked for and prints a summary as gcovr 5 does), ctest records its
        own and exits with ctest_status; a count file of an earlier run in build/coverage.
        Returns that file's path."""
        write(os.path.join(self.stubs, "cmake"),
              '#!/bin/sh\necho "$*" >> "%s/cmake.args"\n' % self.tmp, 0o755)
        write(os.path.join(self.stubs, "ctest"),
              '#!/bin/sh\necho "$*" >> "%s/ctest.args"\nexit %d\n' % (self.tmp, ctest_status),
              0o755)
        write(os.path.join(self.stubs, "gcovr"), """#!/bin/sh
echo "$*" >> "%s/gcovr.args"
while [ $# -gt 0 ]; do
  case $1 in
  --json|--html-details) echo '{}' > "$2"; shift ;;
  --txt) echo "TOTAL 8 1 12%%" ;;
  --print-summary) printf 'lines: 12.5%%%% (1 out of 8)\nfunctions: 50.0%%%% (1 out of 2)\nbranches: 25.0%%%% (1 out of 4)\n' ;;
  esac
  shift
done
""" % self.tmp, 0o755)
        stale = os.path.join(self.checkout, "build", "coverage", "src", "old.gcda")
        write(stale, "counts of an earlier run")
        return stale

    def test_coverage(self):
        # Scenario: ./lios coverage with stub cmake, ctest and gcovr, a count file of an
        # earlier run in build/coverage. Expected: the host world configured in
        # build/coverage with LIOS_COVERAGE=ON (never the default build/), the old counts
        # deleted, the unit tests run there (ctest -L unit), gcovr's report limited to src/
        # and written to build/coverage/report/ (summary.txt, index.html), the total line
        # and branch percentages printed; status 0. A stray argument is refused first.
        stale = self.coverage_checkout(0)
        build = os.path.join(self.checkout, "build", "coverage")
        r = self.lios("coverage")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("-S %s -B %s " % (self.checkout, build), read(os.path.join(self.tmp, "cmake.args")))
        self.assertIn("-DLIOS_COVERAGE=ON", read(os.path.join(self.tmp, "cmake.args")))
        self.assertFalse(os.path.exists(stale))
        self.assertRegex(read(os.path.join(self.tmp, "ctest.args")),
                         r"--test-dir %s -L unit\b" % re.escape(build))
        for line in read(os.path.join(self.tmp, "gcovr.args")).splitlines():
            self.assertIn("--filter %s/src/" % self.checkout, line)
        report = os.path.join(build, "report")
        self.assertIn("TOTAL 8 1 12%", read(os.path.join(report, "summary.txt")))
        self.assertTrue(os.path.exists(os.path.join(report, "index.html")))
        self.assertRegex(r.stdout, r"(?m)^lines: 12\.5% \(1 out of 8\)$")
        self.assertRegex(r.stdout, r"(?m)^branches: 25\.0% \(1 out of 4\)$")
        r = self.lios("coverage", "src/mm")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("coverage takes no arguments", r.stderr)

    def test_coverage_failed_tests(self):
        # Scenario: ./lios coverage where a unit test fails (ctest exits 8). Expected: the
        # report is still written and its totals printed, then status 1 saying the tests
        # failed: a report of a failing run is not passed off as a good one.
        self.coverage_checkout(8)
        r = self.lios("coverage")
        self.assertEqual(r.returncode, 1)
        self.assertIn("unit tests failed", r.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.checkout, "build", "coverage", "report",
                                                    "summary.txt")))
        self.assertRegex(r.stdout, r"(?m)^lines: 12\.5%")

    def test_stray_arguments_refused(self):
        # Scenario: an option debug does not have, arguments to commands that take none.
        # Expected: refused with the command named, before anything is built or started
        # (the old script ignored them: debug --gfx booted as if nothing was said).
        for args in (["debug", "--gfx"], ["debug", "--uefi", "x"], ["iso", "now"],
                     ["bench", "heap"], ["deps", "--yes"]):
            r = self.lios(*args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(args[0], r.stderr, args)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "ran")), args)

    def test_help_lists_every_command(self):
        # Scenario: ./lios --help. Expected: usage on stdout, status 0, one line for every
        # command the script dispatches (README: "./lios --help lists the commands").
        r = self.lios("--help")
        self.assertEqual(r.returncode, 0)
        commands = re.findall(r"^([a-z-]+)\) shift;|^([a-z-]+)\) ", read(LIOS), re.M)
        commands = {a or b for a, b in commands}
        self.assertGreater(len(commands), 8)
        for c in commands:
            self.assertRegex(r.stdout, r"(?m)^  \./lios %s\b" % re.escape(c), c)

    def test_help_from_another_directory(self):
        # Scenario: ./lios typed by a relative path from outside the checkout
        # (checkout/lios --help from its parent; a mistyped command the same way). ./lios
        # cd's into the checkout first, where that path no longer names it. Expected: the
        # same usage as from inside, status 0 (2 after the mistake), no error of its own (the
        # old script printed "usage:" alone, then "sed: can't read checkout/lios", status 2).
        env = dict(os.environ)
        env["PATH"] = self.stubs + os.pathsep + env["PATH"]
        for args, status, out in ((["--help"], 0, "stdout"), (["tset"], 2, "stderr")):
            r = subprocess.run([os.path.join("checkout", "lios")] + args, env=env,
                               cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, status, (args, r.stderr))
            self.assertRegex(getattr(r, out), r"(?m)^  \./lios run ", args)
            self.assertNotIn("can't read", r.stderr, args)

    def test_from_another_directory_with_cdpath(self):
        # Scenario: a user whose shell exports CDPATH (".:~/src" is a common one) types
        # checkout/lios from the checkout's parent: ./lios finds its checkout with cd, and a
        # cd that goes through CDPATH prints the directory it went to. Expected: the same
        # as without CDPATH: --help shows the usage (status 0), check-machine gets folders
        # relative to where it was typed. The old script took both printed lines for the
        # checkout's path ("cd: $'/.../checkout\n/.../checkout': No such file") and stopped.
        write(os.path.join(self.checkout, "build", "tools", "check_machine", "check_machine"),
              '#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "%s/cm.args"\n' % self.tmp,
              0o755)
        env = dict(os.environ, CDPATH=".:" + self.tmp)
        env["PATH"] = self.stubs + os.pathsep + env["PATH"]
        lios = os.path.join("checkout", "lios")
        r = subprocess.run([lios, "--help"], env=env, cwd=self.tmp, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^  \./lios run ")
        r = subprocess.run([lios, "check-machine", "tables"], env=env, cwd=self.tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60)
        if "installing missing packages" in r.stdout:
            self.skipTest("./lios would install packages first: " + r.stdout.splitlines()[0])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read(os.path.join(self.tmp, "cm.args")).splitlines(),
                         [os.path.join(self.tmp, "tables")])

    def test_unknown_command(self):
        # Scenario: a mistyped command. Expected: the error and the usage on stderr, nothing on
        # stdout (a script reading stdout gets no usage text), status 2.
        r = self.lios("tset")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertIn("unknown command 'tset'", r.stderr)
        self.assertIn("./lios run", r.stderr)


if __name__ == "__main__":
    sys.exit(unittest.main())
