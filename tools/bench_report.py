#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Gather the BENCH lines of the bench programs into build/bench/results.json and print a
table of medians, spreads and verdicts. Benchmarks never fail a run.

    bench_report.py RESULTS.txt RESULTS.json

Line formats (bench/bench.h):
    BENCH <key> <median> <op> <goal> <min> <max> <rounds> [<worst goal>]
    BENCH <key> <value> <op> <goal>                 (one figure, no spread)
    BENCH <key> <median> report [<min> <max> <rounds>]   (a figure without a goal)
op is <=, >= or ~= (the goal must lie within [min, max]). Verdicts:
    yes    the median meets the goal and so does the worst round (against the worst goal
           when one is given)
    NO     the median misses the goal
    wide   the median meets the goal but the worst round does not: the spread is too wide to
           judge (run again on a quieter machine)
    report a figure the issue asks to report, with no goal
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
    worst_goal = float(parts[8]) if len(parts) >= 9 else goal
    return {"key": key, "median": median, "op": op, "goal": goal, "min": lo, "max": hi,
            "rounds": rounds, "worst_goal": worst_goal}


def verdict(r):
    op, goal = r["op"], r["goal"]
    if op == "report":
        return "report"
    if op == "~=":
        return "yes" if r["min"] <= goal <= r["max"] else "NO"
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
        if r["op"] != "report" and r["worst_goal"] != r["goal"]:
            goal += ", max %g" % r["worst_goal"]
        print("%-*s %9.3f  %-19s %6d  %-12s %s" % (width, key, r["median"], spread, r["rounds"],
                                                   goal, r["verdict"]))
    n = {v: sum(1 for r in results.values() if r["verdict"] == v) for v in ("yes", "NO", "wide")}
    goals = sum(1 for r in results.values() if r["verdict"] != "report")
    print("%d of %d goals met, %d missed, %d too wide to judge; written to %s"
          % (n["yes"], goals, n["NO"], n["wide"], dst))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
