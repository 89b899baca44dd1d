#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The spread the CI gate's tolerances rest on, from N clean gate runs.

Usage: gate_spread.py RUN_DIR...   (what harness/ci_gate.sh --spread N runs)

Each RUN_DIR is one gate run: a host results directory with the guest's
icount run merged under guest-icount/.  Prints Markdown: per guest
configuration the minimum ns per file of each run (the gated statistic), its
spread across runs, the spread of the samples within runs and how many
samples another task preempted (an involuntary context switch in the
sample's getrusage); per host configuration the traced and own syscall
counts seen across runs.  Exit 2 on unreadable input.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "plots"))
import results_data as rd  # noqa: E402


def pct(lo, hi):
    return 100.0 * (hi - lo) / lo if lo else 0.0


def preempted(path):
    """(configuration key, rep) -> involuntary switches, from results.json
    (results_data keeps only the per-file metrics)."""
    with open(rd.resolve(path), encoding="utf-8") as f:
        doc = json.load(f)
    out = {}
    for c in doc["configs"]:
        key = (c["backend"], int(c["concurrency"]), int(c["file_size"]))
        out[key] = [(s.get("rusage") or {}).get("ivcsw") or 0
                    for s in c.get("samples") or [] if s.get("valid")]
    return out


def guest_table(dirs, w):
    runs = [rd.load(os.path.join(d, "guest-icount")) for d in dirs]
    sw = [preempted(os.path.join(d, "guest-icount")) for d in dirs]
    w("## Guest, QEMU -icount shift=0: ns per file (1 instruction = 1 ns)\n\n"
      "| configuration | min of run minima | max of run minima | across "
      "runs | within runs (median, max) | samples preempted |\n"
      "|---|---:|---:|---:|---:|---:|\n")
    worst = 0.0
    for c0 in runs[0].configs:
        mins, within, pre, total = [], [], 0, 0
        for run, s in zip(runs, sw):
            c = next((c for c in run.configs if c.key == c0.key), None)
            if c is None or not c.samples:
                continue
            v = c.values("ns_per_file")
            mins.append(min(v))
            within.append(pct(min(v), max(v)))
            iv = s.get((c.backend, c.concurrency, c.file_size), [])
            pre += sum(1 for x in iv if x)
            total += len(iv)
        if not mins:
            continue
        across = pct(min(mins), max(mins))
        worst = max(worst, across)
        within.sort()
        w("| %s | %.1f | %.1f | %.2f%% | %.1f%%, %.1f%% | %d of %d |\n"
          % (c0.label(), min(mins), max(mins), across,
             within[len(within) // 2], within[-1], pre, total))
    w("\nLargest spread of the minimum across %d runs: %.2f%%.\n\n"
      % (len(runs), worst))


def host_table(dirs, w):
    runs = [rd.load(d) for d in dirs]
    w("## Host: syscalls per file across runs (traced / own)\n\n"
      "| configuration | traced seen | own seen |\n|---|---|---|\n")
    for c0 in runs[0].configs:
        traced, own = set(), set()
        for run in runs:
            c = next((c for c in run.configs if c.key == c0.key), None)
            if c is None:
                continue
            t = c.per_file("traced_syscalls_per_file")
            o = c.per_file("syscalls_per_file")
            traced.add("n/a" if t is None else "%.3g" % t)
            own.add("n/a" if o is None else "%.3g" % o)
        w("| %s | %s | %s |\n" % (c0.label(), ", ".join(sorted(traced)),
                                  ", ".join(sorted(own))))
    w("\n")


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: gate_spread.py RUN_DIR... (two or more)\n")
        return 2
    try:
        w = sys.stdout.write
        w("# Spread of %d clean CI gate runs\n\n" % len(argv))
        guest_table(argv, w)
        host_table(argv, w)
    except (rd.ResultsError, OSError, ValueError, KeyError) as e:
        sys.stderr.write("gate_spread: %s\n" % e)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
