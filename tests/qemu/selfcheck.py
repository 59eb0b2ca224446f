#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""harness.selfcheck: the QEMU harness's own unit test of its log checks, no QEMU involved.

Shows that the harness can fail: every check of checks.py is fed a good log (must pass)
and bad logs (missing results, plan mismatch, not ok, PANIC, wrong exit status, an
inconsistent final line, markers out of order), each of which must be reported; so is the
heap-call trace reader (heaptrace.py) with traces that do not hold together. The rest of
the harness has its own files beside this one: selfcheck_screen.py (screen decoding, keys,
the scenario registry) and selfcheck_tools.py (QEMU command line, ISO and disk tools).
Standard library unittest; exit status 0 = pass.
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import heaptrace  # noqa: E402

GOOD_BOOT = """\x1b[2J\x1b[01;01HBdsDxe: starting Boot0001\r
\rLiOS 0.1.0 (x86_64)\r
mem: 510 MiB usable (0 B above 4 GiB), 130556 free frames of 130671\r
console: vga-text 80x25\r
kbd: ps2\r
LiOS ready\r
lios> """

GOOD_KTAP = """LiOS 0.1.0 (x86_64)
console: serial
LiOS ready
KTAP version 1
1..4
# suite: exceptions
ok 1 exceptions.divide_error
    # a diagnostic line
ok 2 exceptions.invalid_opcode
ok 3 mm.oom # SKIP needs -m 64M
ok 4 mm.heap
selftest: 3 passed, 0 failed, 1 skipped
"""


def ktap_with(old, new):
    bad = GOOD_KTAP.replace(old, new)
    assert bad != GOOD_KTAP, old
    return bad


class MarkerChecks(unittest.TestCase):
    def test_good_boot_passes(self):
        # Scenario: a normal boot log with firmware escape sequences and CRLF.
        # Expected: banner, console and ready markers found in order; no PANIC.
        self.assertEqual(checks.check_expected(GOOD_BOOT, [r"^LiOS ", r"^console: ",
                                                           r"^LiOS ready$", r"^lios> "]), [])
        self.assertEqual(checks.check_forbidden(GOOD_BOOT), [])

    def test_contract_lines(self):
        # Scenario: the contract's banner, console and ready lines, each console form as
        # DESIGN.md words it. Expected: pass; a console line with detail appended (a script
        # matching the contract's words would miss it) or a banner without a version fails.
        self.assertEqual(checks.check_expected(GOOD_BOOT, checks.CONTRACT), [])
        for console in ("console: framebuffer 1024x768 32bpp pitch 4096",
                        "console: serial (no framebuffer from the firmware)"):
            log = GOOD_BOOT.replace("console: vga-text 80x25", console)
            self.assertEqual(checks.check_expected(log, checks.CONTRACT), [], console)
        for old, new in (("console: vga-text 80x25", "console: vga-text 80x25, scrollback 1000"),
                         ("console: vga-text 80x25", "console: serial"),
                         ("LiOS 0.1.0 (x86_64)", "LiOS (x86_64)")):
            log = GOOD_BOOT.replace(old, new)
            self.assertTrue(checks.check_expected(log, checks.CONTRACT), new)

    def test_banner_first(self):
        # Scenario: firmware lines, then the kernel's banner first (passes); a kernel line
        # before the banner (fails, naming it); GRUB's own "error:" before it (passes).
        self.assertEqual(checks.check_banner_first(GOOD_BOOT), [])
        early = GOOD_BOOT.replace("\rLiOS 0.1.0", "\rmce: 10 banks, machine checks enabled\r\nLiOS 0.1.0")
        self.assertEqual(len(checks.check_banner_first(early)), 1)
        self.assertIn("mce: 10 banks", checks.check_banner_first(early)[0])
        grub = GOOD_BOOT.replace("\rLiOS 0.1.0", "\rerror: no such device.\r\nLiOS 0.1.0")
        self.assertEqual(checks.check_banner_first(grub), [])

    def test_missing_marker_fails(self):
        # Scenario: the boot stopped before "LiOS ready". Expected: reported missing.
        log = GOOD_BOOT.replace("LiOS ready", "LiOS not quite")
        self.assertTrue(checks.check_expected(log, [r"^LiOS ready$"]))

    def test_markers_out_of_order_fail(self):
        # Scenario: "LiOS ready" printed before the console line. Expected: failure.
        log = "LiOS 0.1\nLiOS ready\nconsole: serial\n"
        self.assertTrue(checks.check_expected(log, [r"^console: ", r"^LiOS ready$"]))
        self.assertEqual(checks.check_expected(log, [r"^LiOS ready$", r"^console: "]), [])

    def test_expectation_that_checks_nothing(self):
        # Scenario: no expected lines, or one an empty line matches (".*", "^$", "a*"), on a
        # blank screen. Expected: failure, never a pass that compared nothing.
        blank = "\n" * 25
        self.assertTrue(checks.check_expected(blank, []))
        for pat in (r".*", r"^$", r"^\s*$", r"a*"):
            self.assertTrue(checks.check_expected(blank, [pat]), pat)
            self.assertTrue(checks.check_expected(GOOD_BOOT, [r"^LiOS ready$", pat]), pat)

    def test_panic_fails(self):
        # Scenario: a PANIC line in an otherwise complete log. Expected: forbidden line.
        log = GOOD_BOOT.replace("kbd: ps2", "PANIC: page fault (vector 14)")
        self.assertTrue(checks.check_forbidden(log))
        # The same line highlighted with SGR colours, as the console mirrors it.
        log = GOOD_BOOT.replace("kbd: ps2", "\x1b[1;31mPANIC: page fault (vector 14)\x1b[0m")
        self.assertTrue(checks.check_forbidden(log))

    def test_custom_forbidden(self):
        # Scenario: a test forbids a triple-fault marker. Expected: reported.
        self.assertTrue(checks.check_forbidden("a\ntriple fault\n", [r"triple"]))
        self.assertEqual(checks.check_forbidden("a\nb\n", [r"triple"]), [])

    def test_custom_forbidden_keeps_panic(self):
        # Scenario: a test forbids its own line; the log holds a PANIC instead. Expected:
        # the PANIC is still reported (--forbid adds to the default, never replaces it).
        log = GOOD_BOOT.replace("kbd: ps2", "PANIC: page fault (vector 14)")
        f = checks.check_forbidden(log, [r"^usb: .*refused"])
        self.assertTrue(any("PANIC" in x for x in f), f)

    def test_expected_panic(self):
        # Scenario: a test provokes "PANIC: requested from the shell" (--panic). Expected:
        # that panic passes; no panic at all, another panic, or a second one after it fail.
        want = r"^PANIC: requested from the shell$"
        log = GOOD_BOOT + "\n\x1b[1;31mPANIC: requested from the shell\x1b[0m\r\n"
        self.assertEqual(checks.check_forbidden(log, None, want), [])
        self.assertTrue(checks.check_forbidden(GOOD_BOOT, None, want))
        self.assertTrue(checks.check_forbidden(
            log.replace("requested from the shell", "page fault (vector 14)"), None, want))
        self.assertTrue(checks.check_forbidden(
            log + "PANIC: General protection (vector 13)\n", None, want))


class WrapLines(unittest.TestCase):
    # What the scroll scenario compares the screen with: serial lines cut like a console.
    def test_wrap(self):
        self.assertEqual(checks.wrap_lines(["abcdefg", "", "xy  "], 3),
                         ["abc", "def", "g", "", "xy"])

    def test_exact_width_does_not_wrap(self):
        self.assertEqual(checks.wrap_lines(["abc"], 3), ["abc"])


class MemLine(unittest.TestCase):
    def test_mem_line(self):
        # Scenario: -m 8G reports 7.8 GiB usable with 4 GiB above 4 GiB. Expected: the
        # thresholds of an 8G boot pass; a report without RAM above 4 GiB, a short count and
        # a missing line fail.
        good = "mem: 7.8 GiB usable (4 GiB above 4 GiB), 2045000 free frames of 2045500\n"
        self.assertEqual(checks.check_mem_line(good, 7500, 4000), [])
        self.assertTrue(checks.check_mem_line(good.replace("4 GiB above", "0 B above"),
                                              7500, 4000))
        self.assertTrue(checks.check_mem_line(good.replace("7.8 GiB", "3000 MiB"), 7500, 4000))
        # units: 1.5 GiB is 1536 MiB, and 512 KiB is half a MiB
        self.assertEqual(checks.check_mem_line(good.replace("7.8 GiB", "1.5 GiB"), 1536), [])
        self.assertTrue(checks.check_mem_line(good.replace("7.8 GiB", "512 KiB"), 1))
        self.assertTrue(checks.check_mem_line("mem: lots\n", 1))


class ExitChecks(unittest.TestCase):
    def test_exit_codes(self):
        # Scenario: every way QEMU can end. Expected: only the expected status passes.
        self.assertEqual(checks.check_exit(33, 33), [])
        self.assertTrue(checks.check_exit(35, 33))     # self-test failure
        self.assertTrue(checks.check_exit(0, 33))      # reset / triple fault
        self.assertTrue(checks.check_exit(None, 33))   # killed on timeout
        self.assertEqual(checks.check_exit(None, None), [])

    def test_selftest_exit_must_match_verdict(self):
        # Scenario: all tests pass but QEMU exited with 35, and vice versa. Expected: both
        # reported; the matching pairs pass.
        failing = ktap_with("ok 4 mm.heap", "not ok 4 mm.heap").replace("0 failed", "1 failed")
        failing = failing.replace("3 passed", "2 passed")
        self.assertEqual(checks.check_selftest_exit(GOOD_KTAP, 33), [])
        self.assertTrue(checks.check_selftest_exit(GOOD_KTAP, 35))
        self.assertEqual(checks.check_selftest_exit(failing, 35), [])
        self.assertTrue(checks.check_selftest_exit(failing, 33))


class KtapChecks(unittest.TestCase):
    def test_good_ktap_passes(self):
        # Scenario: complete KTAP with a skip, suite comments and diagnostics. Expected: pass.
        self.assertEqual(checks.check_ktap(GOOD_KTAP), [])
        k = checks.parse_ktap(GOOD_KTAP)
        self.assertEqual((k.plan, len(k.results), len(k.skipped)), (4, 4, 1))

    def test_summary_without_skip_count(self):
        # Scenario: no skips, final line without the ", S skipped" part. Expected: pass.
        log = ktap_with("ok 3 mm.oom # SKIP needs -m 64M", "ok 3 mm.oom")
        log = log.replace("3 passed, 0 failed, 1 skipped", "4 passed, 0 failed")
        self.assertEqual(checks.check_ktap(log), [])

    def test_missing_version(self):
        # Scenario: no "KTAP version 1" line. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("KTAP version 1", "KTAP version 2")))

    def test_missing_results(self):
        # Scenario: the kernel died after result 2 (no more results, no final line).
        # Expected: plan mismatch and missing final line reported.
        log = GOOD_KTAP.split("ok 3")[0]
        f = checks.check_ktap(log)
        self.assertTrue(any("plan says 4" in x for x in f), f)
        self.assertTrue(any("final line" in x for x in f), f)

    def test_plan_mismatch(self):
        # Scenario: plan 1..5 but 4 results. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("1..4", "1..5")))

    def test_no_plan(self):
        # Scenario: the plan line is missing. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("1..4\n", "")))

    def test_not_ok(self):
        # Scenario: one test failed and the final line says so. Expected: the not ok result
        # is reported (though the log is consistent).
        log = ktap_with("ok 4 mm.heap", "not ok 4 mm.heap")
        log = log.replace("3 passed, 0 failed", "2 passed, 1 failed")
        f = checks.check_ktap(log)
        self.assertEqual(f, ["not ok 4 mm.heap"])
        self.assertEqual(checks.check_ktap(log, allow_failures=True), [])

    def test_inconsistent_final_line(self):
        # Scenario: the final line's counts disagree with the results. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("3 passed, 0 failed", "4 passed, 0 failed")))
        self.assertTrue(checks.check_ktap(ktap_with("0 failed, 1", "1 failed, 1")))
        self.assertTrue(checks.check_ktap(ktap_with("1 skipped", "2 skipped")))

    def test_missing_final_line(self):
        # Scenario: every result printed but no "selftest:" line. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("selftest: 3 passed, 0 failed, 1 skipped",
                                                    "")))

    def test_misnumbered_and_duplicate(self):
        # Scenario: results numbered 1,2,2,4 / a second plan line. Expected: failures.
        self.assertTrue(checks.check_ktap(ktap_with("ok 3 mm.oom", "ok 2 mm.oom")))
        self.assertTrue(checks.check_ktap(ktap_with("1..4\n", "1..4\n1..4\n")))

    def test_skip_counted_as_pass(self):
        # Scenario: a kernel counts the skip as a pass and prints no skipped count, or
        # counts it twice. Expected: failure each time (a skip is never a pass).
        self.assertTrue(checks.check_ktap(ktap_with("3 passed, 0 failed, 1 skipped",
                                                    "4 passed, 0 failed")))
        self.assertTrue(checks.check_ktap(ktap_with("3 passed, 0 failed, 1 skipped",
                                                    "3 passed, 0 failed")))
        self.assertTrue(checks.check_ktap(ktap_with("3 passed, 0 failed, 1 skipped",
                                                    "4 passed, 0 failed, 1 skipped")))

    def test_empty_plan(self):
        # Scenario: the runner found no test: "1..0", no results, "0 passed". Expected: fail.
        log = "KTAP version 1\n1..0\nselftest: 0 passed, 0 failed\n"
        self.assertTrue(checks.check_ktap(log))

    def test_skip_without_reason_or_unknown_directive(self):
        # Scenario: "# SKIP" with no reason; "# TODO" instead of a skip. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("# SKIP needs -m 64M", "# SKIP")))
        self.assertTrue(checks.check_ktap(ktap_with("ok 4 mm.heap", "ok 4 mm.heap # TODO")))

    def test_skip_hiding_a_broken_tick(self):
        # Scenario: the tick tests skip "no tick on this machine" (tick_hz 0: the timer set-up
        # broke) or "interrupts disabled". Expected: failure, unless the cell allows it.
        for reason in ("no tick on this machine", "interrupts disabled"):
            log = ktap_with("needs -m 64M", reason)
            f = checks.check_ktap(log)
            self.assertTrue(any("not expected" in x for x in f), f)
            self.assertEqual(checks.check_ktap(log, allow_skips=["^" + reason + "$"]), [])

    def test_every_ktest_reported_once(self):
        # Scenario: the sources define the four tests of GOOD_KTAP; then a fifth the kernel
        # never ran (its file left out of the build), a result no KTEST defines, and one test
        # reported twice. Expected: only the exact set passes.
        srcs = ["KTEST(exceptions, divide_error)\n{\n}\nKTEST(exceptions, invalid_opcode)\n",
                "KTEST(mm, oom)\nKTEST( mm , heap )\n"]
        names = checks.ktest_names(srcs)
        self.assertEqual(checks.check_ktest_names(GOOD_KTAP, names), [])
        self.assertTrue(checks.check_ktest_names(GOOD_KTAP, names | {"usb.port_reset"}))
        self.assertTrue(checks.check_ktest_names(GOOD_KTAP, names - {"mm.heap"}))
        self.assertTrue(checks.check_ktest_names(ktap_with("ok 2 exceptions.invalid_opcode",
                                                           "ok 2 exceptions.divide_error"),
                                                 names | {"exceptions.divide_error"}))

    def test_empty_log(self):
        # Scenario: nothing on serial at all. Expected: failure, not an exception.
        self.assertTrue(checks.check_ktap(""))


GOOD_HEAPTRACE = """lios> heaptrace\r
heaptrace: begin 3 events from 0, capacity 64\r
H+ ffffc90000001000 4000\r
H+ ffffc90000002000 48\r
H- ffffc90000002000\r
heaptrace: end 3 recorded, 0 lost, 0 failed, 0 refused; heap since start: 2 allocs, 1 frees, 1 live\r
heaptrace: 3 events on serial, 0 lost, ring of 64\r
lios> heaptrace\r
heaptrace: begin 3 events from 3, capacity 64\r
H+ ffffc90000002000 5\r
kbd: usb 1-5 removed\r
H~ ffffc90000002000 ffffc90000003000 600\r
H- ffffc90000001000\r
heaptrace: end 6 recorded, 0 lost, 0 failed, 0 refused; heap since start: 4 allocs, 3 frees, 1 live\r
""".replace("\r", "")


class HeapTraceChecks(unittest.TestCase):
    def test_good_trace(self):
        t = heaptrace.from_log(GOOD_HEAPTRACE, ["boot", "session"])
        self.assertEqual(t.sections, [("boot", [("+", 0, 4000), ("+", 1, 48), ("-", 1)]),
                                      ("session", [("+", 1, 5), ("~", 1, 600), ("-", 0)])])
        self.assertEqual((t.peak_bytes, t.peak_live), (4600, 2))
        self.assertTrue(t.reached(4, 2, 2))   # after the move
        self.assertFalse(t.reached(3, 2, 1))

    def test_bad_traces_refused(self):
        bad = {"is not a live allocation": ("H- ffffc90000001000\nheaptrace: end 6",
                                            "H- ffffc90000009000\nheaptrace: end 6"),
               "events were lost": ("H- ffffc90000001000\n", "H- ffffc90000001000\nH! 2\n"),
               "announces 3 events, has 2": ("H~ ffffc90000002000 ffffc90000003000 600\n", ""),
               "a dump is missing": ("events from 3", "events from 4"),
               "heap frees 4, the events add up to 3": ("4 allocs, 3 frees", "4 allocs, 4 frees"),
               "not a positive number": ("H+ ffffc90000002000 5", "H+ ffffc90000002000 0"),
               "allocated again while live": ("H+ ffffc90000002000 5", "H+ ffffc90000001000 5"),
               "never ends": ("heaptrace: end 6", "heaptrace: ended 6")}
        for why, (old, new) in bad.items():
            text = GOOD_HEAPTRACE.replace(old, new, 1)
            self.assertNotEqual(text, GOOD_HEAPTRACE, why)
            with self.assertRaises(heaptrace.TraceError, msg=why) as cm:
                heaptrace.from_log(text, ["boot", "session"])
            self.assertIn(why, str(cm.exception))

    def test_write(self):
        with tempfile.TemporaryDirectory() as d:
            t = heaptrace.from_log(GOOD_HEAPTRACE, ["boot", "session"])
            t.write(os.path.join(d, "t.txt"), ["a header"])
            with open(os.path.join(d, "t.txt")) as f:
                self.assertEqual(f.read(), "# a header\nboot\n+ 0 4000\n+ 1 48\n- 1\n"
                                           "session\n+ 1 5\n~ 1 600\n- 0\nend\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
