#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare two builds of bench_heap (or one build under two environments) on one workload by
alternating whole runs: A, B, A, B, ... pinned to one CPU, each run's heap.<workload>_vs_best
median collected, and the medians of the runs printed side by side.

    bench_ab.py [--runs N] [--cpu C] [--peers "tcmalloc"] [--env-a K=V]... [--env-b K=V]...
                WORKLOAD BIN_A [BIN_B]

Single runs of this VM drift by up to 1.5x over tens of minutes and two processes of the same
binary give different medians, so one run of each build says nothing about a change of a few
per cent; alternating whole runs puts both builds on the same moments (bench/heap/README.md).
BIN_B defaults to BIN_A (then --env-a / --env-b tell the sides apart). Exit status 1 when a
run gives no result.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys


def one_run(binary, workload, cpu, peers, env):
    """The heap.<workload>_vs_best median of one run of binary, or None."""
    full = dict(os.environ, BENCH_PEERS=peers, **env)
    cmd = ["taskset", "-c", str(cpu), binary, workload]
    out = subprocess.run(cmd, env=full, capture_output=True, text=True).stdout
    m = re.search(r"^BENCH heap\.%s_vs_best (\S+)" % re.escape(workload), out, re.M)
    return float(m.group(1)) if m else None


def parse_env(pairs):
    env = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep or not key:
            sys.exit("bench_ab: --env-a/--env-b take KEY=VALUE, not %r" % p)
        env[key] = value
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--peers", default="tcmalloc")
    ap.add_argument("--env-a", action="append", default=[])
    ap.add_argument("--env-b", action="append", default=[])
    ap.add_argument("workload", choices=["trace", "pair64", "kernel_trace"])
    ap.add_argument("bin_a")
    ap.add_argument("bin_b", nargs="?")
    args = ap.parse_args()
    sides = {"A": (args.bin_a, parse_env(args.env_a)),
             "B": (args.bin_b or args.bin_a, parse_env(args.env_b))}
    got = {"A": [], "B": []}
    for i in range(args.runs):
        for name in ("A", "B") if i % 2 == 0 else ("B", "A"):
            binary, env = sides[name]
            r = one_run(binary, args.workload, args.cpu, args.peers, env)
            if r is None:
                print("bench_ab: run %d of %s (%s) gave no result" % (i + 1, name, binary))
                return 1
            got[name].append(r)
    for name in ("A", "B"):
        print("%s %s  median %.3f" % (name, " ".join("%.3f" % x for x in got[name]),
                                      statistics.median(got[name])))
    print("B / A: %.3f" % (statistics.median(got["B"]) / statistics.median(got["A"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
