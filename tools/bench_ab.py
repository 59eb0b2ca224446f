#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare two builds of bench_heap (or one build under two environments) on one workload by
alternating many short runs: A, B, B, A, ... pinned to one CPU, each run one process of
--rounds rounds (BENCH_HEAP_PROCS=1), each run's heap.<workload>_vs_best median collected.
Prints both sides' runs and the ratio B / A of their geometric means with a 95 % interval,
and says whether the interval resolves a difference.

    bench_ab.py [--runs N] [--rounds R] [--cpu C] [--peers "tcmalloc"] [--env-a K=V]...
                [--env-b K=V]... [--stat geomean|median] WORKLOAD BIN_A [BIN_B]
    bench_ab.py --self-test

Single runs of this VM drift by up to 1.5x over tens of minutes and two processes of the same
binary give different medians (the process, not the round, is the unit of variance), so one
run of each build says nothing about a change of a few per cent; many short alternating
processes put both builds on the same moments and give the interval its width
(bench/heap/README.md). BIN_B defaults to BIN_A (then --env-a / --env-b tell the sides
apart). Exit status 1 when a run gives no result. --self-test checks the interval on made-up
runs (CTest unit.bench_ab.selftest).

--stat median prints B / A of the two sides' medians instead, with a percentile-bootstrap 95 %
interval (each side's runs resampled with replacement, 2000 times, fixed seed: the same runs
give the same output), same verdicts. On a loaded machine (another build on the other vCPU)
single runs come out at 0.4 or 2.3 of the others; a few such runs throw the geometric mean
and widen its interval until nothing is resolved, the median does not move. The geometric
mean stays the default so earlier rounds' figures stay comparable.
"""
import argparse
import math
import os
import random
import re
import statistics
import subprocess
import sys


def one_run(binary, workload, cpu, peers, rounds, env):
    """The heap.<workload>_vs_best median of one run (one process) of binary, or None."""
    full = dict(os.environ, BENCH_PEERS=peers, BENCH_HEAP_PROCS="1", BENCH_ROUNDS=str(rounds),
                **env)
    cmd = ["taskset", "-c", str(cpu), binary, workload]
    out = subprocess.run(cmd, env=full, capture_output=True, text=True).stdout
    m = re.search(r"^BENCH heap\.%s_vs_best (\S+)" % re.escape(workload), out, re.M)
    return float(m.group(1)) if m else None


def compare(a, b):
    """(B / A of the geometric means, low, high of its 95 % interval, verdict) for two lists
    of per-run ratios (at least two each). The interval is the normal one on the difference
    of the mean logarithms (Welch's standard error): the runs are independent processes."""
    la = [math.log(x) for x in a]
    lb = [math.log(x) for x in b]
    d = statistics.mean(lb) - statistics.mean(la)
    se = math.sqrt(statistics.variance(la) / len(la) + statistics.variance(lb) / len(lb))
    lo, hi = math.exp(d - 1.96 * se), math.exp(d + 1.96 * se)
    return math.exp(d), lo, hi, verdict_of(lo, hi)


def verdict_of(lo, hi):
    return "B faster" if hi < 1 else "B slower" if lo > 1 else "no difference resolved"


BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 16


def compare_median(a, b, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED):
    """(B / A of the medians, low, high of its 95 % interval, verdict) for two lists of
    per-run ratios. The interval is the percentile bootstrap: each side's runs resampled with
    replacement (independently: the runs are independent processes), the 2.5th and 97.5th
    percentiles of the resampled ratios; a fixed seed makes it reproducible."""
    rng = random.Random(seed)
    ratios = sorted(statistics.median(rng.choices(b, k=len(b))) /
                    statistics.median(rng.choices(a, k=len(a))) for _ in range(resamples))
    lo = ratios[int(0.025 * (resamples - 1))]
    hi = ratios[int(math.ceil(0.975 * (resamples - 1)))]
    return statistics.median(b) / statistics.median(a), lo, hi, verdict_of(lo, hi)


STATS = {"geomean": compare, "median": compare_median}


def self_test():
    """Made-up runs: one spread of 30 process ratios, as this VM gives (+-15 %), against the
    same spread (no difference), the same 7 % lower (B faster) and 7 % higher (B slower),
    and 1.5 % lower or 2 % higher (inside the interval's half-width: not resolved, which an
    interval too narrow on either side would call); then --stat median against runs with wild
outliers (below). Exits non-zero on any wrong verdict or
    an interval that misses the planted ratio."""
    rng = random.Random(7)
    a = [1.3 * math.exp(rng.gauss(0, 0.08)) for _ in range(30)]
    b = [1.3 * math.exp(rng.gauss(0, 0.08)) for _ in range(30)]
    bad = 0
    for name, scale, want in (("same", 1.0, "no difference resolved"),
                              ("faster", 0.93, "B faster"), ("slower", 1.07, "B slower"),
                              ("-1.5%", 0.985, "no difference resolved"),
                              ("+2%", 1.02, "no difference resolved")):
        r, lo, hi, verdict = compare(a, [x * scale for x in b])
        ok = verdict == want and lo <= scale <= hi
        bad += not ok
        print("%-6s B/A %.3f [%.3f..%.3f] %-22s %s" % (name, r, lo, hi, verdict,
                                                          "ok" if ok else "WRONG"))
    # A loaded machine: B 10 % slower than A, but 3 of B's 30 runs landed next to another
    # build and came out at 0.4 of the others (as round 16's did). The median resolves the
    # planted 10 %, the geometric mean must not (else these runs test nothing); and two
    # sides drawn from one distribution, outliers included, leave the median's interval
    # holding 1.0.
    rng = random.Random(16)
    base = [1.3 * math.exp(rng.gauss(0, 0.08)) for _ in range(30)]
    wild = [x * 1.10 for x in [1.3 * math.exp(rng.gauss(0, 0.08)) for _ in range(30)]]
    wild[4] *= 0.4
    wild[13] *= 0.4
    wild[22] *= 0.4
    twin_a = [1.3 * math.exp(rng.gauss(0, 0.08)) * (0.4 if i % 10 == 3 else 1.0)
              for i in range(30)]
    twin_b = [1.3 * math.exp(rng.gauss(0, 0.08)) * (0.4 if i % 10 == 7 else 1.0)
              for i in range(30)]
    for name, stat, xa, xb, scale, want in (
            ("wild", "geomean", base, wild, None, "no difference resolved"),
            ("wild", "median", base, wild, 1.10, "B slower"),
            ("twins", "median", twin_a, twin_b, 1.0, "no difference resolved")):
        r, lo, hi, verdict = STATS[stat](xa, xb)
        ok = verdict == want and (scale is None or lo <= scale <= hi)
        bad += not ok
        print("%-6s %-7s B/A %.3f [%.3f..%.3f] %-22s %s" % (
            name, stat, r, lo, hi, verdict, "ok" if ok else "WRONG"))
    print("bench_ab self-test: %s" % ("FAILED" if bad else "passed"))
    return 1 if bad else 0


def parse_env(pairs):
    env = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep or not key:
            sys.exit("bench_ab: --env-a/--env-b take KEY=VALUE, not %r" % p)
        env[key] = value
    return env


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--peers", default="tcmalloc")
    ap.add_argument("--env-a", action="append", default=[])
    ap.add_argument("--env-b", action="append", default=[])
    ap.add_argument("--stat", choices=sorted(STATS), default="geomean",
                    help="geomean (default) or median with a bootstrap interval")
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
            r = one_run(binary, args.workload, args.cpu, args.peers, args.rounds, env)
            if r is None:
                print("bench_ab: run %d of %s (%s) gave no result" % (i + 1, name, binary))
                return 1
            got[name].append(r)
    for name in ("A", "B"):
        print("%s %s  median %.3f" % (name, " ".join("%.3f" % x for x in got[name]),
                                      statistics.median(got[name])))
    if args.runs < 2:
        print("B / A of the medians: %.3f (two runs or more give an interval)"
              % (statistics.median(got["B"]) / statistics.median(got["A"])))
        return 0
    r, lo, hi, verdict = STATS[args.stat](got["A"], got["B"])
    print("B / A%s: %.3f, 95 %% interval %.3f..%.3f: %s" % (
        " of the medians (bootstrap)" if args.stat == "median" else "", r, lo, hi, verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
