# SPDX-License-Identifier: MIT
"""Keyboard scenarios of the shell commands that report on the machine or end its run:
`mem`, `pci`, `date` (against the time QEMU's -rtc base= set), `uptime` and `cpu` on a
machine without a tick, `timer` (its tick note: the cell's --expect), `cpu` with a brand string padded with blanks, `reboot`, `poweroff`
(with ACPI S5, and without it: a halt) and `panic`; the ACPI power button pressed through QMP
(`system_powerdown`: an S5 power-off);
an NMI injected through QMP (reported, the shell goes on; with nmi=panic, a panic); and
machine checks injected with QEMU's `mce` monitor command (a corrected error found by the
shell's `mce`, an uncorrected one: a panic with the bank's report).

The reporting commands are checked on serial (and `pci`'s host bridge on the screen too);
the ending ones by what QEMU does next: -no-reboot turns a reset into an exit with status
0, an ACPI S5 makes QEMU exit with status 0 on its own (the kernel's serial lines tell the
two apart), and a halt leaves QEMU running. Registered with scenarios.scenario; the
helpers are scenarios/common.py's.
"""
import datetime
import re

import checks

from .common import PROMPT, answer, check_screen, exchange
from .shell import scenario_echo
from . import scenario


_MEM_FRAMES = re.compile(r"^frames: total (\d+) \([0-9.]+ [KMGTPE]?i?B\), free (\d+) \(.*\), "
                         r"in use (\d+) \(.*\), reserved (\d+), metadata ")


@scenario("mem")
def scenario_mem(m, args):
    # `mem` prints the frame, vmalloc and heap counters: free frames left, in use plus free
    # plus reserved equal to the total, and no misuse counted by vmalloc or the heap.
    start = len(m.serial())
    exchange(m, "mem\n", r"^heap: .* live allocations, .*, misuse \d+\r?$")
    out = m.serial()[start:]
    failures = checks.check_expected(out, [
        _MEM_FRAMES.pattern, r"^vmalloc: \d+ areas?, \d+ pages? mapped, .*, misuse 0$",
        r"^heap: .* in \d+ live allocations, .*, misuse 0$"])
    f = next(filter(None, map(_MEM_FRAMES.match, checks.log_lines(out))), None)
    if f:
        total, free, used, reserved = map(int, f.groups())
        if not 0 < free < total or used + free + reserved != total:
            failures.append("mem: frames total %d, free %d, in use %d, reserved %d do not add up"
                            % (total, free, used, reserved))
    return failures


@scenario("pci")
def scenario_pci(m, args):
    # `pci` lists QEMU's host bridge first: i440FX on pc, the Q35 MCH on q35.
    bridge = r"^00:00\.0 8086:(1237|29c0) 060000 host bridge +-$"
    exchange(m, "pci\n", r"^pci: \d+ functions?, configuration space through (ECAM|ports)$")
    failures = checks.check_expected(m.serial(), [bridge])
    return failures + check_screen(m, args.screen or "auto", args.name, [bridge])


@scenario("no-tick")
def scenario_no_tick(m, args):
    # A machine with no tick at all (no PIT, nolapic_timer): `uptime` and `cpu` say there
    # is none. They printed "(0 ticks at 0 Hz from the none)" and "tick from the none".
    start = len(m.serial())
    exchange(m, "uptime\n", r"^up \d+\.\d{3} s .*\n")
    exchange(m, "cpu\n", r"^cpu: interrupts via .*\n")
    out = m.serial()[start:]
    return checks.check_expected(out, [
        r"^up \d+\.\d{3} s \(no tick\), TSC \d+\.\d{3} MHz from \w",
        r"^cpu: interrupts via [^,]+, no tick$"]) + checks.check_forbidden(
            out, [r"from the none", r"at 0 Hz"])


@scenario("timer")
def scenario_timer(m, args):
    # `timer` shows the TSC, every clock source, the rate's refinement ("refined: ...") and
    # the tick as the boot left them, the boot's two decisions about the local APIC timer
    # ("C1E: ..." and "TSC-deadline: ...", which until then only the boot log told), then a
    # "tick note:" where the tick is not
    # the usual one; the cell's --expect lines say which words. Waits for the prompt after
    # the tick's line, so the lines after it are in by then.
    start = len(m.serial())
    tick = exchange(m, "timer\n", r"^tick: .*, \d+ ticks so far\r?\n")
    m.wait_for_serial(r"^" + PROMPT, 15.0, tick.end())
    return checks.check_expected(m.serial()[start:], [
        r"^TSC: [0-9.]+ MHz, ", r"^refined: (over |not yet |no)",
        r"^C1E: (none that stops |off: |on: |taken as )",
        r"^TSC-deadline: (not offered|allowed|refused)"])


@scenario("cpu-brand")
def scenario_cpu_brand(m, args):
    # `cpu` names the processor by its brand string without the blanks some CPUs put
    # before it (Pentium 4 and Pentium D right-justify it in its 48 bytes; QEMU's
    # model-id= makes one): "cpu: GenuineIntel, Intel(R) ...", not a row half blank.
    got = exchange(m, "cpu\n", r"^(cpu: .*)\n").group(1)
    if not re.match(r"^cpu: \S+, \S", got):
        return ["`cpu` answered %r: blanks before the brand string" % got]
    return []


_RTC_BASE = re.compile(r"(?:^|,)base=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:,|$)")
_RTC_STAMP = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"
_RTC_LINE = re.compile(r"^rtc: " + _RTC_STAMP + r" \(CMOS, BCD, 24-hour, century register "
                       r"0x32\)\r?$", re.MULTILINE)
_DATE_NOTE = r"^\(the RTC's time: local time or UTC, as another OS on this machine keeps it\)$"


def rtc_base(args):
    """The time QEMU's RTC started from: the base= of a --qemu-arg (-rtc base=...), or None."""
    for a in args.qemu_arg:
        b = _RTC_BASE.search(a)
        if b:
            return datetime.datetime.strptime(b.group(1), "%Y-%m-%dT%H:%M:%S")
    return None


def check_rtc_time(what, text, base, elapsed):
    """Failures unless 'text' (YYYY-MM-DD HH:MM:SS) lies between base and base + elapsed
    seconds (+1 for the RTC's whole seconds): QEMU's RTC started at base when QEMU started
    and counts the host's seconds; 'elapsed' is measured after the line was seen."""
    t = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    off = (t - base).total_seconds()
    if not 0 <= off <= elapsed + 1:
        return ["%s %s: %+.0f s from the RTC's start %s, outside 0..%.0f s (QEMU's run so far)"
                % (what, text, off, base, elapsed + 1)]
    return []


@scenario("date")
def scenario_date(m, args):
    # QEMU's RTC (BCD, 24-hour, century register 0x32 as its FADT says) set by -rtc base=:
    # the boot line and `date` must each show a time between that base and the base plus
    # QEMU's run so far, to the second; `date` no earlier than the boot line. From
    # 2020-02-29T23:59:58 the clock crosses midnight into 1 March during the run (under
    # OVMF before the boot line): a decoder that refused 29 February in a leap year, or
    # misread the century register or BCD, fails here; `date: <reason>` fails at once.
    base = rtc_base(args)
    if base is None:
        return ["scenario date: no --qemu-arg base=YYYY-MM-DDTHH:MM:SS (-rtc) given"]
    boot = _RTC_LINE.search(m.serial())
    failures = [] if boot else ["no 'rtc: YYYY-MM-DD HH:MM:SS (CMOS, BCD, 24-hour, century "
                                "register 0x32)' boot line"]
    if boot:
        failures += check_rtc_time("boot line", boot.group(1), base, m.elapsed())
    start = len(m.serial())
    got = exchange(m, "date\n", r"^(date: .*|" + _RTC_STAMP + r")$")
    if not got.group(2):
        return failures + ["`date` answered %r" % got.group(1)]
    failures += check_rtc_time("date", got.group(2), base, m.elapsed())
    if boot and got.group(2) < boot.group(1):
        failures.append("date %s is earlier than the boot line's %s" % (got.group(2),
                                                                        boot.group(1)))
    m.wait_for_serial(_DATE_NOTE, 10.0, start)  # the note: local time or UTC, not known
    return failures


@scenario("reboot")
def scenario_reboot(m, args):
    # -no-reboot turns the reset into an exit with status 0; so does a crash into a triple
    # fault: the kernel's first "reboot:" line tells that it ran machine_reboot().
    start = len(m.serial())
    m.send_keys("reboot\n")
    status = m.wait_exit(30.0)
    return checks.check_exit(status, 0) + checks.check_expected(
        m.serial()[start:], [r"^reboot: ACPI reset register$"])


@scenario("poweroff")
def scenario_poweroff(m, args):
    # ACPI S5 from the shell: QEMU (started without -no-shutdown) exits with status 0 on
    # its own, and the kernel said it was entering S5 (a reset would exit 0 as well under
    # -no-reboot: the serial line tells them apart).
    m.send_keys("poweroff\n")
    status = m.wait_exit(30.0)
    failures = checks.check_exit(status, 0)
    failures += checks.check_expected(m.serial(), [r"^acpi: S5 SLP_TYP \d/\d ",
                                                   r"^poweroff: ACPI S5 \(SLP_TYP \d/\d\)$"])
    return failures + checks.check_forbidden(m.serial(), [r"^reboot: "])


@scenario("powerbutton")
def scenario_powerbutton(m, args):
    # QEMU's ACPI power button (QMP system_powerdown) pressed at the prompt: the kernel
    # enabled the fixed-feature button at boot, its SCI handler records the press, the
    # shell's idle loop powers off through ACPI S5, and QEMU exits with status 0 on its
    # own. Before, LiOS never enabled PWRBTN_EN: nothing happened and QEMU kept running.
    # On the 8259s (noapic) the boot line says "(8259 PICs)" instead of the trigger.
    failures = checks.check_expected(m.serial(), [
        r"^acpi: power button: fixed feature, SCI on IRQ \d+ \((level|edge), (high|low)|8259 PICs\)$"])
    start = len(m.serial())
    m.qmp.command("system_powerdown")
    status = m.wait_exit(30.0)
    failures += checks.check_exit(status, 0)
    out = m.serial()[start:]
    failures += checks.check_expected(out, [r"^acpi: power button pressed: powering off$",
                                            r"^poweroff: ACPI S5 \(SLP_TYP \d/\d\)$"])
    return failures + checks.check_forbidden(out, [r"^reboot: ", r"^acpi: SCI storm"])


@scenario("poweroff-halts")
def scenario_poweroff_halts(m, args):
    # No ACPI S5 (acpi=off): the message, then a halt; QEMU keeps running.
    exchange(m, "poweroff\n", r"^poweroff: cannot power off this machine; halting", 15.0)
    failures = checks.check_expected(m.serial(),
                                     [r"^poweroff: ACPI S5 unavailable: no ACPI tables$"])
    if m.wait_exit(3.0) is not None:
        failures.append("QEMU exited (status %s) after poweroff without S5: it must halt"
                        % m.status)
    return failures


@scenario("panic")
def scenario_panic(m, args):
    # "panic": the panic screen must be readable on the screen itself (reason, backtrace
    # with names, firmware/console/memory summary), and the machine halts, never reboots.
    exchange(m, "panic\n", r"^System halted", 20.0)
    failures = check_screen(m, args.screen or "auto", args.name,
                            [r"PANIC: requested from the shell", r"^RSP [0-9a-f]{16} RBP",
                             r"^CR0 [0-9a-f]{16}", r"^Backtrace:", r"cmd_panic\+0x",
                             r"^firmware (BIOS|UEFI)", r"^console ",
                             r"^memory [0-9.]+ [KMGTPE]?i?B free", r"^System halted"])
    if m.wait_exit(3.0) is not None:
        failures.append("QEMU exited (status %s) after the panic: it must halt" % m.status)
    return failures


@scenario("nmi")
def scenario_nmi(m, args):
    # An NMI (QMP inject-nmi: no chipset status, as from a watchdog or a BMC) at the prompt:
    # one line names it, on a row of its own, `irq` counts it, and the shell goes on (echo
    # answers). Before,
    # every NMI was a fatal exception.
    start = len(m.serial())
    m.qmp.command("inject-nmi")
    m.wait_for_serial(r"^nmi: NMI of no chipset source at \S+ \(a watchdog, a BMC, the "
                      r"hypervisor\); going on\r?$", 15.0, start)
    exchange(m, "irq\n", r"^irq: .*, NMIs 1\r?$")  # counted
    return scenario_echo(m, args)


@scenario("nmi-panic")
def scenario_nmi_panic(m, args):
    # With nmi=panic an NMI is fatal (a BMC's diagnostic button asks for the report of
    # where the machine was): the panic names it and the machine halts.
    wait = answer(m, r"^System halted", 20.0)
    m.qmp.command("inject-nmi")
    wait()
    failures = checks.check_expected(m.serial(), [r"PANIC: Non-maskable interrupt \(vector 2\)"])
    if m.wait_exit(3.0) is not None:
        failures.append("QEMU exited (status %s) after the panic: it must halt" % m.status)
    return failures


def inject_mce(m, bank, status, mcg_status):
    """QEMU's monitor command `mce CPU BANK STATUS MCG_STATUS ADDR MISC`; returns its reply.
    QEMU refuses an uncorrected error unless MCG_CTL and the bank's CTL are all ones, and
    resets the machine instead ("triple fault") unless CR4.MCE is set."""
    return m.qmp.command("human-monitor-command",
                         **{"command-line": "mce 0 %d 0x%x 0x%x 0x1234000 0x0" % (bank, status,
                                                                              mcg_status)})


@scenario("mce")
def scenario_mce(m, args):
    # A corrected error (VAL|EN|ADDRV) waits in bank 1: `mce` reports it with its address
    # and clears it; a second `mce` finds none. Then an uncorrected one (VAL|UC|EN|ADDRV|PCC,
    # MCG_STATUS MCIP): the panic names the machine check and lists the bank; the machine
    # halts. Before, CR4.MCE was off: QEMU reset the machine instead.
    failures = []
    reply = inject_mce(m, 1, 0x9400000000000090, 0)
    if reply and reply.strip():
        failures.append("QEMU refused the corrected error: %s" % reply.strip())
    exchange(m, "mce\n", r"^mce: bank 1: corrected error, status 0x9400000000000090, error code "
                         r"0x0090, address 0x1234000\r?$")
    exchange(m, "mce\n",
             r"^mce: \d+ banks; errors found: 0 now, 1 earlier, 0 from before this boot")
    wait = answer(m, r"^System halted", 20.0)
    reply = inject_mce(m, 2, 0xb600000000000150, 0x4)
    if reply and reply.strip():
        failures.append("QEMU refused the uncorrected error: %s" % reply.strip())
    wait()
    failures += checks.check_expected(m.serial(), [
        r"PANIC: Machine check \(vector 18\)",
        r"^mce: bank 2: uncorrected error, status 0xb600000000000150, error code 0x0150, "
        r"processor context corrupt, address 0x1234000"])
    if m.wait_exit(3.0) is not None:
        failures.append("QEMU exited (status %s) after the machine check: it must halt"
                        % m.status)
    return failures
