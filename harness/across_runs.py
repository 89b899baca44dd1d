#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How far do the figures move from one run to the next?

Usage: across_runs.py RUN... [--at-least X] [--format text|markdown]
                      [-o FILE]

Each RUN is a results directory, a results.json, or any folder above them:
every results.json found below it is read, so a run_all.sh directory
contributes its host run and its guest runs.  Runs are grouped by where
they were measured (target, accel).

A run's confidence intervals come from its own interleaved repetitions.  On
a shared VM the host's load also moves from one run to the next, which
those intervals cannot see: here the same configuration measured by
several runs is compared against the synchronous baseline of each run, so
that each run contributes one ratio.  Per configuration (backend, in
flight, cache, files, size, read size) it prints
  runs       how many runs measured it next to baseline_sync
  vs sync    baseline_sync's median ns/file over the configuration's, per
             run: the median over the runs, and their lowest and highest
  >= Xx      in how many runs its ratio reached --at-least (default 1: at
             least as fast as the baseline; 2 for the "twice the files/s"
             targets of the cold runs)
  excess     (configuration - baseline_sync) ns/file in units of that
             run's null syscall: median, lowest, highest
  CI width   the median width of the runs' own 95% CIs of ns/file, in
             percent of the median, to set beside the spread of the ratios

Exit status: 0, or 2 on bad input (nothing readable, no run with a
baseline_sync configuration).  Standard library only.
"""

import argparse
import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "plots"))
import results_data as rd  # noqa: E402


def find_results(path):
    """Every results.json at or below PATH, sorted."""
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise rd.ResultsError("%s: no such file or directory" % path)
    found = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        if "results.json" in files:
            found.append(os.path.join(root, "results.json"))
    if not found:
        raise rd.ResultsError("%s: no results.json below it" % path)
    return found


def sync_key(cfg):
    """The baseline_sync configuration that CFG is measured against."""
    return (rd.SYNC, cfg.files, cfg.file_size, cfg.buf_size, cfg.cache)


def ratios(runs):
    """(target, accel) -> row key -> list of per-run figures."""
    groups = {}
    for run in runs:
        sync = {sync_key(c): c for c in run.configs
                if c.backend == rd.SYNC and c.median_ns}
        for c in run.configs:
            base = sync.get(sync_key(c))
            if c.backend == rd.SYNC or not base or not c.median_ns:
                continue
            rows = groups.setdefault((run.target, run.accel), {})
            row = rows.setdefault((c.backend, c.concurrency, c.cache,
                                   c.files, c.file_size, c.buf_size), [])
            lo, hi = c.ci()
            row.append({
                "speedup": base.median_ns / c.median_ns,
                "excess": ((c.median_ns - base.median_ns) /
                           run.null_syscall_ns
                           if run.null_syscall_ns else None),
                "ci_pct": 100.0 * (hi - lo) / c.median_ns,
            })
    return groups


def spread(xs, fmt):
    """'median [lowest .. highest]' of XS, formatted with FMT."""
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a"
    if len(xs) == 1:
        return fmt % xs[0]
    return (fmt + " [" + fmt + " .. " + fmt + "]") % (rd.median(xs), min(xs),
                                                    max(xs))


def row_sort(key):
    backend, conc, cache, files, size, buf = key
    return (rd.cache_key(cache), files, size, buf, rd.backend_key(backend),
            conc)


def render(groups, nruns, at_least, fmt):
    """The report, as text."""
    out = io.StringIO()
    head = ["backend", "in flight", "cache", "files", "size", "runs",
            "vs sync", ">= %gx" % at_least, "excess (null syscalls)",
            "CI width"]
    for (target, accel) in sorted(groups):
        rows = groups[(target, accel)]
        title = "%s (%s): %d runs" % (target or "?", accel or "?",
                                      nruns[(target, accel)])
        lines = []
        for key in sorted(rows, key=row_sort):
            backend, conc, cache, files, size, buf = key
            figs = rows[key]
            lines.append([
                backend, str(conc), cache, str(files),
                rd.human_bytes(size) + ("" if buf == size else
                                        " / " + rd.human_bytes(buf)),
                str(len(figs)),
                spread([f["speedup"] for f in figs], "%.2fx"),
                "%d/%d" % (sum(f["speedup"] >= at_least for f in figs),
                           len(figs)),
                spread([f["excess"] for f in figs], "%+.2f"),
                "%.1f%%" % rd.median([f["ci_pct"] for f in figs]),
            ])
        if fmt == "markdown":
            out.write("### %s\n\n" % title)
            out.write("| " + " | ".join(head) + " |\n")
            out.write("|" + "---|" * len(head) + "\n")
            for line in lines:
                out.write("| " + " | ".join(line) + " |\n")
            out.write("\n")
            continue
        out.write(title + "\n")
        widths = [max(len(r[i]) for r in [head] + lines)
                  for i in range(len(head))]
        for line in [head] + lines:
            out.write("  ".join(v.ljust(w) for v, w in zip(line, widths))
                      .rstrip() + "\n")
        out.write("\n")
    return out.getvalue()


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="across_runs.py",
        description="Spread of each configuration's speed-up over "
                    "baseline_sync across several runs.")
    ap.add_argument("runs", nargs="+", metavar="RUN",
                    help="results directories, results.json files, or "
                         "folders above them")
    ap.add_argument("--at-least", type=float, default=1.0, metavar="X",
                    help="count the runs whose speed-up over baseline_sync "
                         "is at least X (default 1)")
    ap.add_argument("--format", choices=["text", "markdown"], default="text")
    ap.add_argument("-o", "--output", metavar="FILE",
                    help="also write the report to FILE")
    return ap.parse_args(argv)


def main(argv):
    try:
        opt = parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 2
    if not opt.at_least > 0:
        sys.stderr.write("across_runs: --at-least must be a positive number\n")
        return 2
    try:
        paths = []
        for p in opt.runs:
            paths += [f for f in find_results(p) if f not in paths]
        runs = [rd.load(p) for p in paths]
    except rd.ResultsError as e:
        sys.stderr.write("across_runs: %s\n" % e)
        return 2
    groups = ratios(runs)
    if not groups:
        sys.stderr.write("across_runs: no run measured a backend next to "
                         "baseline_sync\n")
        return 2
    nruns = {}
    for run in runs:
        k = (run.target, run.accel)
        nruns[k] = nruns.get(k, 0) + 1
    report = render(groups, nruns, opt.at_least, opt.format)
    sys.stdout.write(report)
    if opt.output:
        try:
            with open(opt.output, "w", encoding="utf-8") as f:
                f.write(report)
        except OSError as e:
            sys.stderr.write("across_runs: %s: %s\n"
                             % (opt.output, e.strerror))
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
