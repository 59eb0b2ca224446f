# SPDX-License-Identifier: MIT
"""Verdicts on a boot: pure functions over the serial log text and QEMU's exit status.

This file owns what "the boot passed" means for the QEMU tests, apart from running QEMU:
expected and forbidden markers (DESIGN.md's serial contract), the isa-debug-exit status
(0x10 -> 33 pass, 0x11 -> 35 fail), and KTAP version 1 as printed by the self-test runner
(src/kernel/core/selftest.c): "KTAP version 1", the plan "1..N", one "ok N name" / "not ok N name"
line per test (optionally "# SKIP reason"), and the closing line
"selftest: P passed, F failed[, S skipped]". Every check returns a list of failure messages;
an empty list is a pass. No QEMU, no I/O: tests/qemu/selfcheck.py feeds these bad logs.
"""
import re

EXIT_PASS = 33  # isa-debug-exit, value 0x10: (0x10 << 1) | 1
EXIT_FAIL = 35  # isa-debug-exit, value 0x11

FORBIDDEN_DEFAULT = [r"^PANIC: ", r"^PANIC\b"]

# The serial log's promised lines (DESIGN.md, "Product contract"), in this order: the banner,
# the console line in exactly one of its three forms, and "LiOS ready". Extra detail goes on
# lines of its own (console: scrollback ..., console: font ...), so a script can match these.
CONTRACT = [
    r"^LiOS [0-9]",
    r"^console: (vga-text \d+x\d+|framebuffer \d+x\d+ \d+bpp pitch \d+|serial \(.+\))$",
    r"^LiOS ready$",
]

# Skip reasons a working machine never gives: they would hide a broken tick or interrupts
# behind "ok N name # SKIP". A cell that really has no tick says so (--allow-skip).
SKIPS_NEED_ALLOWING = [r"^interrupts disabled$", r"^no tick on this machine$"]

_KTAP_VERSION = re.compile(r"^KTAP version 1\s*$")
_KTAP_PLAN = re.compile(r"^1\.\.(\d+)\s*$")
_KTAP_RESULT = re.compile(r"^(not ok|ok) (\d+)(?: (?:- )?([^#]*?))?\s*(?:#\s*(.*))?$")
_SELFTEST_LINE = re.compile(
    r"^selftest: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")


ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-9;=?]*[A-Za-z]|[()][0-9A-Za-z]|[=>])")


def log_lines(text):
    """Splits a serial log into lines without CR, LF or ANSI escape
    sequences (the firmware and GRUB write them before the kernel starts)."""
    text = ANSI_ESCAPE.sub("", text)
    out = []
    for ln in text.split("\n"):
        ln = ln.rstrip("\r")
        if "\r" in ln:  # a carriage return inside a line: what remains visible is the last part
            ln = ln.rsplit("\r", 1)[1]
        out.append(ln)
    return out


def wrap_lines(lines, cols):
    """The lines as a console cols wide shows them: trailing blanks cut, longer lines
    continued on the next row."""
    out = []
    for ln in lines:
        ln = ln.rstrip(" ")
        while len(ln) > cols:
            out.append(ln[:cols])
            ln = ln[cols:]
        out.append(ln)
    return out


def check_expected(text, patterns):
    """Each regex in 'patterns' must match at least one line (re.search). In order of
    appearance: pattern i+1 must match on or after the line pattern i matched. No patterns,
    or a pattern that an empty line matches (a blank screen or log would pass it), is a
    failure: such a check compares nothing."""
    lines = log_lines(text)
    failures = []
    if not patterns:
        return ["no expected line given: nothing compared"]
    start = 0
    for pat in patterns:
        rx = re.compile(pat)
        if rx.search(""):
            failures.append("expected line /%s/ matches an empty line: it checks nothing" % pat)
            continue
        for i in range(start, len(lines)):
            if rx.search(lines[i]):
                start = i
                break
        else:
            if any(rx.search(ln) for ln in lines):
                failures.append("expected line /%s/ appears, but before an earlier marker" % pat)
            else:
                failures.append("expected line /%s/ not found" % pat)
    return failures


# A kernel log line: "subsystem: ..." in lower case. Firmware and GRUB lines before the kernel
# look otherwise ("BdsDxe: ...", "Welcome to GRUB!"), except GRUB's own "error: ...".
_KERNEL_LINE = re.compile(r"^(?!error: )[a-z][a-z0-9_]*: ")


def check_banner_first(text):
    """DESIGN.md: the kernel's first line starts with "LiOS " and the version. Whatever the
    firmware and GRUB wrote before it may stay, but no kernel line (_KERNEL_LINE) may come
    before the banner. A log without a banner fails in check_expected (CONTRACT)."""
    for ln in log_lines(text):
        if re.match(CONTRACT[0], ln):
            return []
        if _KERNEL_LINE.match(ln):
            return ["kernel line %r printed before the banner 'LiOS <version>'" % ln]
    return []


def check_forbidden(text, patterns=None, panic=None):
    """No line may match a PANIC line (FORBIDDEN_DEFAULT) or any regex of 'patterns'.
    'panic', a regex, is for a test that provokes a panic: then there must be a PANIC line,
    and every PANIC line must match it; any other panic still fails."""
    failures = []
    lines = log_lines(text)
    panics = [(n, ln) for n, ln in enumerate(lines, 1)
              if any(re.search(p, ln) for p in FORBIDDEN_DEFAULT)]
    if panic is None:
        for n, ln in panics[:1]:
            failures.append("forbidden line /PANIC/ at log line %d: %s" % (n, ln))
    else:
        rx = re.compile(panic)
        if not panics:
            failures.append("expected a PANIC line /%s/, found none" % panic)
        for n, ln in panics:
            if not rx.search(ln):
                failures.append("PANIC line %d is not the one expected (/%s/): %s"
                                % (n, panic, ln))
    for pat in patterns or []:
        rx = re.compile(pat)
        for n, ln in enumerate(lines, 1):
            if rx.search(ln):
                failures.append("forbidden line /%s/ at log line %d: %s" % (pat, n, ln))
                break
    return failures


def check_exit(status, expected):
    """'status' is QEMU's exit status (None when it was killed on timeout); 'expected' an
    int, or None when QEMU is expected to still run (the harness stopped it)."""
    if expected is None:
        return []
    if status is None:
        return ["QEMU did not exit (expected exit status %d)" % expected]
    if status != expected:
        what = {EXIT_PASS: "self-test pass", EXIT_FAIL: "self-test failure",
                0: "reset/triple fault or quit", 1: "QEMU error"}.get(status, "unknown")
        return ["QEMU exit status %d (%s), expected %d" % (status, what, expected)]
    return []


_SIZE = r"(\d+(?:\.\d)?) (B|KiB|MiB|GiB|TiB|PiB|EiB)"
_MEM_LINE = re.compile(r"^mem: %s usable \(%s above 4 GiB\)" % (_SIZE, _SIZE))
_UNIT_MIB = {"B": 1 / 1048576, "KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "TiB": 1 << 20,
             "PiB": 1 << 30, "EiB": 1 << 40}


def size_mib(number, unit):
    """A size as the kernel's size_format() prints it ("510 MiB", "7.8 GiB"), in MiB. The
    kernel truncates to one decimal, so this never overstates."""
    return float(number) * _UNIT_MIB[unit]


def check_mem_line(text, min_usable_mib, min_above_4g_mib=0):
    """The contract's 'mem:' line ("mem: U usable (A above 4 GiB), ...", sizes with binary
    units) must count at least min_usable_mib usable and min_above_4g_mib above 4 GiB."""
    for ln in log_lines(text):
        m = _MEM_LINE.match(ln)
        if m:
            usable, above = size_mib(*m.group(1, 2)), size_mib(*m.group(3, 4))
            failures = []
            if usable < min_usable_mib:
                failures.append("mem: %d MiB usable, expected at least %d"
                                % (usable, min_usable_mib))
            if above < min_above_4g_mib:
                failures.append("mem: %d MiB above 4 GiB, expected at least %d"
                                % (above, min_above_4g_mib))
            return failures
    return ["no line 'mem: U usable (A above 4 GiB)'"]


class Ktap:
    """The parsed top-level KTAP stream of a log."""

    def __init__(self):
        self.version = False
        self.plan = None           # N of "1..N", or None
        self.results = []          # (number, ok, name, directive) in order of appearance
        self.summary = None        # (passed, failed, skipped) of the "selftest:" line
        self.errors = []           # malformed or duplicate lines

    @property
    def failed(self):
        return [r for r in self.results if not r[1]]

    @property
    def skipped(self):
        return [r for r in self.results if r[1] and r[3] and r[3].upper().startswith("SKIP")]


def parse_ktap(text):
    """Parses the first KTAP version 1 stream of 'text' (top level only: indented subtest
    lines and '#' diagnostics are ignored). Returns a Ktap."""
    k = Ktap()
    for ln in log_lines(text):
        if not k.version:
            k.version = bool(_KTAP_VERSION.match(ln))
            continue
        if _KTAP_VERSION.match(ln):
            k.errors.append("a second 'KTAP version 1' line before the first stream ended")
            continue
        m = _KTAP_PLAN.match(ln)
        if m:
            if k.plan is not None:
                k.errors.append("second plan line: %s" % ln)
            else:
                k.plan = int(m.group(1))
            continue
        m = _KTAP_RESULT.match(ln)
        if m:
            k.results.append((int(m.group(2)), m.group(1) == "ok",
                              (m.group(3) or "").strip(), (m.group(4) or "").strip()))
            continue
        m = _SELFTEST_LINE.match(ln)
        if m:
            k.summary = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
            break
    return k


_KTEST_DEF = re.compile(r"^KTEST\(\s*(\w+)\s*,\s*(\w+)\s*\)", re.MULTILINE)


def ktest_names(texts):
    """The 'suite.name' of every KTEST(suite, name) defined in the C sources 'texts'."""
    return {"%s.%s" % m.group(1, 2) for t in texts for m in _KTEST_DEF.finditer(t)}


def check_ktest_names(text, expected):
    """The KTAP results must name each self-test in 'expected' (a set of 'suite.name')
    exactly once and no other: a test file left out of the kernel, or a runner that
    skips or repeats a registered test, still prints a consistent plan."""
    names = [r[2] for r in parse_ktap(text).results]
    failures = ["self-test %s never reported" % n for n in sorted(set(expected) - set(names))]
    failures += ["self-test %s reported, but no KTEST defines it" % n
                 for n in sorted(set(names) - set(expected))]
    failures += ["self-test %s reported %d times" % (n, names.count(n))
                 for n in sorted(set(names)) if names.count(n) > 1]
    return failures


def check_ktap(text, allow_failures=False, allow_skips=()):
    """The whole self-test contract: version line, a plan of at least one test, plan count
    equals the number of results, results numbered 1..N in order, no 'not ok' (unless
    allow_failures), every '# SKIP' with a reason, no skip whose reason hides a broken
    machine (SKIPS_NEED_ALLOWING) unless a regex of 'allow_skips' matches it, and a final
    'selftest:' line whose passed, failed and skipped counts equal the results' exactly (a
    skip is never counted as a pass)."""
    k = parse_ktap(text)
    if not k.version:
        return ["no 'KTAP version 1' line"]
    failures = list(k.errors)
    if k.plan is None:
        failures.append("no KTAP plan line '1..N'")
    elif k.plan == 0:
        failures.append("KTAP plan '1..0': no test ran")
    elif k.plan != len(k.results):
        failures.append("KTAP plan says %d tests, %d results printed" % (k.plan, len(k.results)))
    for i, r in enumerate(k.results, 1):
        if r[0] != i:
            failures.append("KTAP result #%d is numbered %d" % (i, r[0]))
            break
    if not allow_failures:
        for r in k.failed:
            failures.append("not ok %d %s" % (r[0], r[2]))
    for r in k.results:
        if r[3] and not r[3].upper().startswith("SKIP"):
            failures.append("result %d %s: unknown directive '# %s'" % (r[0], r[2], r[3]))
    for r in k.skipped:
        reason = r[3][4:].strip()
        if not reason:
            failures.append("result %d %s skipped without a reason" % (r[0], r[2]))
        elif (any(re.search(p, reason) for p in SKIPS_NEED_ALLOWING)
              and not any(re.search(p, reason) for p in allow_skips)):
            failures.append("result %d %s skipped (%s): not expected on this machine"
                            % (r[0], r[2], reason))
    if k.summary is None:
        failures.append("no final line 'selftest: P passed, F failed'")
    else:
        passed, failed, skipped = k.summary
        n_skip = len(k.skipped)
        n_pass = len(k.results) - len(k.failed) - n_skip
        if failed != len(k.failed):
            failures.append("final line says %d failed, %d 'not ok' results"
                            % (failed, len(k.failed)))
        if skipped != n_skip:
            failures.append("final line says %d skipped, %d '# SKIP' results" % (skipped, n_skip))
        if passed != n_pass:
            failures.append("final line says %d passed, %d 'ok' results without '# SKIP'"
                            % (passed, n_pass))
    return failures


def check_selftest_exit(text, status):
    """The exit status must agree with the self-test verdict: 33 when nothing failed."""
    k = parse_ktap(text)
    want = EXIT_FAIL if (k.summary and k.summary[1]) or k.failed else EXIT_PASS
    return check_exit(status, want)
