#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Gather the BENCH lines of the bench programs into build/bench/results.json and print a
table of medians, spreads and verdicts. Benchmarks never fail a run.

    bench_report.py RESULTS.txt RESULTS.json
    bench_report.py --agree RUN1.json RUN2.json [...]
    bench_report.py --self-test

Line formats (bench/bench.h):
    BENCH <key> <median> <op> <goal> <min> <max> <rounds> [<worst goal>]
    BENCH <key> <median> <op> <goal> <min> <max> <rounds> iqr <q1> <q3>   (judged by median)
    BENCH <key> <value> <op> <goal>                 (one figure, no spread)
    BENCH <key> <median> report [<min> <max> <rounds>]   (a figure without a goal)
op is <=, >= or ~= (the goal must lie within [min, max]). Verdicts:
    yes    the median meets the goal and so does the worst round (against the worst goal
           when one is given); for a key judged by its median: the median meets the goal and
           so does the whole interquartile range
    NO     the median misses the goal (and, judged by the median, so does the whole
           interquartile range)
    wide   the median meets the goal but the worst round does not; judged by the median:
           the interquartile range straddles the goal. The spread is too wide to judge (run
           again on a quieter machine)
    report a figure the issue asks to report, with no goal
--agree reads the results.json of several runs (./lios bench keeps the last ones in
build/bench/history/) and says, key by key, whether their verdicts agree: issue 15 asks
that three runs on a quiet machine agree on every verdict. A key missing from a run counts
as a disagreement. --self-test checks these verdicts and the agreement on made-up lines
(CTest unit.bench_report.selftest).
"""
import json
import operator
import sys

OPS = {"<=": operator.le, ">=": operator.ge, "~=": None}


def parse(line):
    parts = line.split()
    if len(parts) >= 4 and parts[0] == "BENCH" and parts[3] == "report":
        median = float(parts[2])
        lo, hi, rounds = (float(parts[4]), float(parts[5]), int(parts[6])) if len(parts) >= 7 \
            else (median, median, 1)
        return {"key": parts[1], "median": median, "op": "report", "goal": None, "min": lo,
                "max": hi, "rounds": rounds, "worst_goal": None}
    if len(parts) < 5 or parts[0] != "BENCH" or parts[3] not in OPS:
        return None
    key, median, op, goal = parts[1], float(parts[2]), parts[3], float(parts[4])
    if len(parts) >= 8:
        lo, hi, rounds = float(parts[5]), float(parts[6]), int(parts[7])
    else:
        lo, hi, rounds = median, median, 1
    r = {"key": key, "median": median, "op": op, "goal": goal, "min": lo, "max": hi,
         "rounds": rounds, "worst_goal": goal}
    if len(parts) >= 11 and parts[8] == "iqr":
        r.update(worst_goal=None, judged="median", q1=float(parts[9]), q3=float(parts[10]))
    elif len(parts) >= 9:
        r["worst_goal"] = float(parts[8])
    return r


def verdict(r):
    op, goal = r["op"], r["goal"]
    if op == "report":
        return "report"
    if op == "~=":
        return "yes" if r["min"] <= goal <= r["max"] else "NO"
    if r.get("judged") == "median":
        met = [OPS[op](x, goal) for x in (r["q1"], r["median"], r["q3"])]
        return "yes" if all(met) else "NO" if not any(met) else "wide"
    if not OPS[op](r["median"], goal):
        return "NO"
    worst = r["max"] if op == "<=" else r["min"]
    return "yes" if OPS[op](worst, r["worst_goal"]) else "wide"


def main(src, dst):
    results = {}
    with open(src) as f:
        for line in f:
            r = parse(line)
            if r:
                r["verdict"] = verdict(r)
                results[r.pop("key")] = r
    with open(dst, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    width = max([len(k) for k in results] + [3])
    print("%-*s %9s  %-19s %6s  %-12s %s" % (width, "key", "median", "spread (min-max)", "rounds",
                                             "goal", "met"))
    for key, r in results.items():
        spread = "%.3f-%.3f" % (r["min"], r["max"]) if r["rounds"] > 1 else "-"
        goal = "report" if r["op"] == "report" else "%s %g" % (r["op"], r["goal"])
        if r.get("judged") == "median":
            goal += ", median"
        elif r["op"] != "report" and r["worst_goal"] != r["goal"]:
            goal += ", max %g" % r["worst_goal"]
        print("%-*s %9.3f  %-19s %6d  %-12s %s" % (width, key, r["median"], spread, r["rounds"],
                                                   goal, r["verdict"]))
    n = {v: sum(1 for r in results.values() if r["verdict"] == v) for v in ("yes", "NO", "wide")}
    goals = sum(1 for r in results.values() if r["verdict"] != "report")
    print("%d of %d goals met, %d missed, %d too wide to judge; written to %s"
          % (n["yes"], goals, n["NO"], n["wide"], dst))


def agreement(runs):
    """(keys whose verdicts agree in every run, [(key, [verdict or "-" per run])] of those
    that do not) for a list of results dicts (results.json's form); "report" keys left out."""
    keys = sorted({k for r in runs for k, v in r.items() if v.get("verdict") != "report"})
    agree, differ = [], []
    for k in keys:
        vs = [r[k]["verdict"] if k in r else "-" for r in runs]
        if len(set(vs)) == 1 and vs[0] != "-":
            agree.append(k)
        else:
            differ.append((k, vs))
    return agree, differ


def agree_main(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append(json.load(f))
    agree, differ = agreement(runs)
    met = sum(1 for k in agree if runs[0][k]["verdict"] == "yes")
    print("%d runs: %d of %d goals agree in every run (%d met in all), %d do not%s"
          % (len(runs), len(agree), len(agree) + len(differ), met, len(differ),
             ":" if differ else ""))
    for k, vs in differ:
        print("  %s: %s" % (k, " / ".join(vs)))
    return 0


def self_test():
    """Each made-up line against the verdict it must get; exits non-zero on any mismatch."""
    cases = [
        ("BENCH a 0.90 <= 1 0.85 0.95 11", "yes"),
        ("BENCH a 0.90 <= 1 0.85 1.03 11", "wide"),          # worst round misses
        ("BENCH a 1.10 <= 1 0.85 1.20 11", "NO"),
        ("BENCH a 0.80 <= 0.9 0.70 0.99 11 1", "yes"),       # worst goal 1.0
        ("BENCH a 0.80 <= 0.9 0.70 1.01 11 1", "wide"),
        ("BENCH a 0.90 <= 1 0.85 1.03 11 iqr 0.88 0.93", "yes"),  # one round beyond: judged by median
        ("BENCH a 0.98 <= 1 0.85 1.10 11 iqr 0.94 1.02", "wide"),  # the quartiles straddle
        ("BENCH a 1.02 <= 1 0.90 1.10 11 iqr 0.98 1.04", "wide"),
        ("BENCH a 1.20 <= 1 0.95 1.40 11 iqr 1.10 1.30", "NO"),
        ("BENCH a 2.50 >= 2 1.90 2.80 11 iqr 2.20 2.60", "yes"),
        ("BENCH a 1.00 ~= 1 0.99 1.01 11", "yes"),
        ("BENCH a 1.05 ~= 1 1.01 1.09 11", "NO"),
        ("BENCH a 4.16 <= 16", "yes"),
        ("BENCH a 0.50 report 0.40 0.60 11", "report"),
    ]
    bad = 0
    for line, want in cases:
        got = verdict(parse(line))
        if got != want:
            print("bench_report self-test: %r gave %s, expected %s" % (line, got, want))
            bad += 1
    if parse("BENCH a 0.9 <= 1 0.8 1.0 11 iqr 0.85 0.95").get("judged") != "median" or \
            parse("not a bench line") is not None:
        print("bench_report self-test: parse")
        bad += 1
    runs = [{"a": {"verdict": "yes"}, "b": {"verdict": "NO"}, "c": {"verdict": "yes"},
             "r": {"verdict": "report"}},
            {"a": {"verdict": "yes"}, "b": {"verdict": "NO"}, "c": {"verdict": "wide"},
             "r": {"verdict": "report"}},
            {"a": {"verdict": "yes"}, "c": {"verdict": "yes"}, "r": {"verdict": "report"}}]
    if agreement(runs) != (["a"], [("b", ["NO", "NO", "-"]), ("c", ["yes", "wide", "yes"])]) or \
            agreement(runs[:1]) != (["a", "b", "c"], []):
        print("bench_report self-test: agreement %r" % (agreement(runs),))
        bad += 1
    print("bench_report self-test: %d cases, %d failed" % (len(cases) + 2, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if len(sys.argv) >= 3 and sys.argv[1] == "--agree":
        sys.exit(agree_main(sys.argv[2:]))
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
