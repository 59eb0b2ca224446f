# SPDX-License-Identifier: MIT
"""The keyboard scenario of the kernel's heap-call trace (issue 15): a boot with heap.trace
on the command line, commands that allocate and free, and `heaptrace` dumps that must hold
together and agree with the heap's own counters.

The dumps are read and checked by tests/qemu/heaptrace.py (the same reader that writes
bench/heap's trace file): every free names a live allocation, no event is lost, and each
dump's end line counts what its events add up to. `mem`'s heap line, read between the two
dumps, must equal the trace's counters after some event. Registered with
scenarios.scenario; the helpers are scenarios/common.py's.
"""
import re
import time

import heaptrace

from .common import PROMPT, exchange
from . import scenario

MEM_HEAP = re.compile(r"^heap: .* in (\d+) live allocations, .*, (\d+) allocs, (\d+) frees,",
                      re.MULTILINE)


@scenario("heaptrace")
def scenario_heaptrace(m, args):
    # Issue 15 (boot with heap.trace): `heaptrace` after boot, `help` twice and `dmesg`
    # through the pager (whose 256 KiB buffer is allocated by the first paging and kept),
    # 64 more distinct lines (the shell's history keeps 64: the oldest are freed, the
    # frees this trace must hold), `mem`, `heaptrace`. The dumps must parse and hold together (every
    # free names a live allocation, nothing lost, the end lines' heap counters equal what
    # the events add up to), hold allocations and frees, and `mem`'s allocs, frees and live
    # count must be the trace's after some event.
    exchange(m, "heaptrace\n", r"^heaptrace: \d+ events on serial", 30.0)
    for _ in range(2):  # two `help`s through the pager make the log longer than 4 KiB
        start = len(m.serial())
        m.send_keys("help\n")
        m.wait_for_serial(r"^Keys:", 20.0, start)
        time.sleep(0.5)
        m.send_keys("q")
        m.wait_for_serial(r"^" + PROMPT, 20.0, start)
    start = len(m.serial())
    m.send_keys("dmesg\n")  # the log ends with the first dump's line
    m.wait_for_serial(r"^heaptrace: \d+ events on serial", 20.0, start)
    time.sleep(0.5)
    m.send_keys("q")
    m.wait_for_serial(r"^" + PROMPT, 20.0, start)
    for i in range(64):  # a, b, ..., z, aa, ab, ...: unknown commands, each a history line
        line = chr(ord("a") + i % 26) * (1 + i // 26)
        exchange(m, line + "\n", r"^" + PROMPT, 10.0)
    start = len(m.serial())
    m.send_keys("mem\n")
    mem = MEM_HEAP.search(m.wait_for_serial(r"^heap: .* misuse \d+$", 15.0, start).string,
                          start)
    exchange(m, "heaptrace\n", r"^heaptrace: \d+ events on serial", 30.0)
    try:
        t = heaptrace.from_log(m.serial(), ["boot", "session"])
    except heaptrace.TraceError as e:
        return ["heaptrace: %s" % e]
    failures = []
    if len(heaptrace.dumps(m.serial())) != 2:
        failures.append("heaptrace: expected 2 dumps")
    if not t.allocs or not t.frees:
        failures.append("heaptrace: %d allocations, %d frees: expected both" % (t.allocs, t.frees))
    if not mem:
        failures.append("mem: no heap line")
    elif not t.reached(int(mem.group(2)), int(mem.group(3)), int(mem.group(1))):
        failures.append("heaptrace: mem says %s allocs, %s frees, %s live: never so in the trace"
                        % (mem.group(2), mem.group(3), mem.group(1)))
    return failures
