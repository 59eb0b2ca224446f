# SPDX-License-Identifier: MIT
"""The kernel's heap-call trace: reading `heaptrace` dumps from a serial log, checking them,
and writing the trace file bench_heap replays. Python standard library only.

The kernel (`heap.trace` on its command line, src/mm/heap_trace.c) records every heap call
that changes the heap; the shell's `heaptrace` writes the events not yet written as
    heaptrace: begin N events from FIRST, capacity C
    H+ PTR SIZE | H- PTR | H~ OLD NEW SIZE | H! LOST
    heaptrace: end R recorded, L lost, F failed, X refused; heap since start: A allocs, ...
Trace.feed() takes the dumps of one boot in order and refuses, with TraceError naming the
line, anything that does not hold together: a dump that does not start where the last one
ended, a count that does not match its lines, lost events, a free or realloc of a pointer
that is not live, an allocation at a pointer already live, a size of 0, and heap counters
(allocs, frees, live) that differ from what the events add up to. Pointers become small
ids: the lowest id not live, so the largest id is below the peak live count.

The trace file (bench/heap/kernel_trace.txt, read by bench/heap/kernel_trace.c): '#'
comment lines, then the section "boot", its events, the section "session", its events,
and "end"; an event is "+ ID SIZE" (allocate), "- ID" (free), "~ ID SIZE" (resize).
"""
import heapq
import re

BEGIN = re.compile(r"^heaptrace: begin (\d+) events from (\d+), capacity (\d+)$")
END = re.compile(r"^heaptrace: end (\d+) recorded, (\d+) lost, (\d+) failed, (\d+) refused; "
                 r"heap since start: (\d+) allocs, (\d+) frees, (\d+) live$")
EVENT = re.compile(r"^H([+~-]) (.*)$")


class TraceError(Exception):
    """The dumped trace is broken; the message names the line and what is wrong."""


def dumps(text):
    """The dumps in a serial log 'text' (CRs already removed): a list of (begin match,
    [(line number, event line)], end match). A dump cut off before its end line is an
    error. Lines between begin and end that are not events (another message) are skipped."""
    out, cur = [], None
    for no, line in enumerate(text.split("\n"), 1):
        line = line.rstrip()
        m = BEGIN.match(line)
        if m:
            if cur:
                raise TraceError("line %d: a dump begins inside the dump of line %d"
                                 % (no, cur[3]))
            cur = (m, [], None, no)
            continue
        if cur is None:
            continue
        m = END.match(line)
        if m:
            out.append((cur[0], cur[1], m))
            cur = None
        elif line.startswith("H"):
            cur[1].append((no, line))
    if cur:
        raise TraceError("line %d: the dump never ends (no 'heaptrace: end' line)" % cur[3])
    return out


class Trace:
    """The events of one recording, pointers turned into ids, split into sections."""

    def __init__(self):
        self.sections = []        # [(name, [event tuples])]; event: ("+", id, size) ...
        self.live = {}            # pointer -> (id, size)
        self.free_ids = []        # heap of ids no longer live
        self.next_id = 0
        self.events = 0           # events seen, over all dumps
        self.allocs = self.frees = 0
        self.live_bytes = self.peak_bytes = self.peak_live = 0
        self.counts = []          # (allocs, frees, live) after each event

    def _new_id(self):
        if self.free_ids:
            return heapq.heappop(self.free_ids)
        self.next_id += 1
        return self.next_id - 1

    def _size(self, no, text):
        if not text.isdigit() or int(text) == 0:
            raise TraceError("line %d: size %r is not a positive number" % (no, text))
        return int(text)

    def _ptr(self, no, text, must_be_live):
        try:
            p = int(text, 16)
        except ValueError:
            raise TraceError("line %d: %r is not a pointer" % (no, text))
        if must_be_live and p not in self.live:
            raise TraceError("line %d: %x is not a live allocation" % (no, p))
        if not must_be_live and p in self.live:
            raise TraceError("line %d: %x is allocated again while live (id %d)"
                             % (no, p, self.live[p][0]))
        return p

    def _account(self, delta):
        self.counts.append((self.allocs, self.frees, len(self.live)))
        self.live_bytes += delta
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        self.peak_live = max(self.peak_live, len(self.live))

    def _event(self, no, line, out):
        m = EVENT.match(line)
        if not m:
            raise TraceError("line %d: not an event: %r" % (no, line))
        kind, f = m.group(1), m.group(2).split()
        want = {"+": 2, "-": 1, "~": 3}.get(kind)
        if len(f) != want:
            raise TraceError("line %d: H%s takes %d fields: %r" % (no, kind, want, line))
        if kind == "+":
            p, size = self._ptr(no, f[0], False), self._size(no, f[1])
            ident = self._new_id()
            self.live[p] = (ident, size)
            self.allocs += 1
            out.append(("+", ident, size))
            self._account(size)
        elif kind == "-":
            ident, size = self.live.pop(self._ptr(no, f[0], True))
            heapq.heappush(self.free_ids, ident)
            self.frees += 1
            out.append(("-", ident))
            self._account(-size)
        else:
            old, size = self._ptr(no, f[0], True), self._size(no, f[2])
            ident, was = self.live.pop(old)
            new = self._ptr(no, f[1], False)
            self.live[new] = (ident, size)
            if new != old:  # the heap counts a move as an allocation and a free
                self.allocs += 1
                self.frees += 1
            out.append(("~", ident, size))
            self._account(size - was)

    def feed(self, dump, section):
        """Adds one dump (an item of dumps()) to 'section' (a new one when the name
        differs from the last). Raises TraceError when it does not hold together."""
        begin, lines, end = dump
        count, first = int(begin.group(1)), int(begin.group(2))
        if first != self.events:
            raise TraceError("dump from event %d, but %d events were read before: a dump "
                             "is missing" % (first, self.events))
        for no, line in lines:
            if line.startswith("H!"):
                raise TraceError("line %d: %s events were lost (the kernel's ring was full)"
                                 % (no, line[2:].strip()))
        if len(lines) != count:
            raise TraceError("dump from event %d announces %d events, has %d lines"
                             % (first, count, len(lines)))
        if not self.sections or self.sections[-1][0] != section:
            self.sections.append((section, []))
        out = self.sections[-1][1]
        for no, line in lines:
            self._event(no, line, out)
        self.events += count
        rec, lost, _, _, allocs, frees, live = (int(g) for g in end.groups())
        checks = [("recorded", rec, self.events), ("lost", lost, 0),
                  ("heap allocs", allocs, self.allocs), ("heap frees", frees, self.frees),
                  ("heap live allocations", live, len(self.live))]
        for what, kernel, ours in checks:
            if kernel != ours:
                raise TraceError("dump from event %d: the kernel says %s %d, the events "
                                 "add up to %d" % (first, what, kernel, ours))

    def reached(self, allocs, frees, live):
        """True when the heap's counters were (allocs, frees, live) after some event, as
        another reading of them (the shell's `mem`) must find."""
        return (allocs, frees, live) in self.counts

    def sizes(self):
        """Every allocation or resize size, in event order."""
        return [e[2] for _, evs in self.sections for e in evs if e[0] != "-"]

    def write(self, path, header):
        """Writes the trace file: 'header' lines as comments, then the sections."""
        with open(path, "w") as f:
            for h in header:
                f.write(("# " + h).rstrip() + "\n")
            for name, evs in self.sections:
                f.write(name + "\n")
                for e in evs:
                    f.write(" ".join(e[:1] + tuple(str(x) for x in e[1:])) + "\n")
            f.write("end\n")


def from_log(text, sections):
    """Reads the dumps of one serial log; dump k goes to sections[min(k, len-1)]."""
    t = Trace()
    found = dumps(text)
    if not found:
        raise TraceError("no heaptrace dump in the log")
    for k, d in enumerate(found):
        t.feed(d, sections[min(k, len(sections) - 1)])
    return t
