#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How far do the figures move from one run to the next?

Usage: across_runs.py RUN... [--at-least X] [--format text|markdown]
                      [-o FILE]

Each RUN is a results directory, a results.json, or any folder above them:
every results.json found below it is read, so a run_all.sh directory
contributes its host run and its guest runs (one found that cannot be read
is skipped with a warning; a copy of a run already read counts once).  Runs
are grouped by where they were measured (target, accel).

A run's confidence intervals come from its own interleaved repetitions.  On
a shared VM the host's load also moves from one run to the next, which
those intervals cannot see: here the same configuration measured by
several runs is compared against the synchronous baseline of each run, so
that each run contributes one ratio.  Per configuration (backend, in
flight, cache, files, size, read size) it prints
  runs       how many runs measured it next to baseline_sync
  vs sync    baseline_sync's median ns/file over the configuration's, per
             run: the median over the runs, and their lowest and highest
  >= Xx      in how many runs its ratio, as printed, reached X (--at-least,
             one value for the whole report; default 1: at least as fast
             as the baseline; --at-least 2 checks "twice the files/s")
  excess     (configuration - baseline_sync) ns/file in units of that
             run's null syscall: median, lowest, highest
  CI width   the median width of the runs' own CIs of ns/file (at the
             level each run's sample count gives: 75% with 3, at least 95%
             from 6), in percent of the median, to set beside the spread of
             the ratios

Exit status: 0, or 2 on bad input (a named results.json that cannot be
read, nothing found, no run with a baseline_sync configuration).  Standard
library only.
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


def load_runs(args, warn):
    """The runs named by ARGS, each once. A results.json named on the
    command line must load; one found by walking a folder that does not is
    skipped with a warning. A run read twice (the same file by two paths,
    or a copy of a results directory elsewhere: the same host, start time,
    target and accelerator) counts once."""
    runs, seen_files, seen_runs, copies = [], set(), set(), 0
    for arg in args:
        named = os.path.isfile(arg)
        for path in find_results(arg):
            real = os.path.realpath(path)
            if real in seen_files:
                continue
            seen_files.add(real)
            try:
                run = rd.load(path)
            except rd.ResultsError as e:
                if named:
                    raise
                warn("skipped %s" % e)
                continue
            ident = (run.meta.get("hostname"), run.started, run.target,
                     run.accel)
            if ident in seen_runs:
                copies += 1
                continue
            seen_runs.add(ident)
            runs.append(run)
    if copies:
        warn("left out %d cop%s of runs already read"
             % (copies, "y" if copies == 1 else "ies"))
    return runs


def sync_key(cfg):
    """The baseline_sync configuration that CFG is measured against: the
    same chain shape (cursor for runs from before shapes, results_data)."""
    return (rd.SYNC, cfg.shape, cfg.files, cfg.file_size, cfg.buf_size,
            cfg.cache)


def ratios(runs):
    """(target, accel) -> row key -> list of per-run figures."""
    groups = {}
    for run in runs:
        sync = {sync_key(c): c for c in run.configs
                if c.backend == rd.SYNC and c.median_ns}
        for c in run.configs:
            base = sync.get(sync_key(c))
            # The floor is no contender (summary.md has its share).
            if c.backend in (rd.SYNC, rd.FLOOR) or not base or \
                    not c.median_ns:
                continue
            rows = groups.setdefault((run.target, run.accel), {})
            row = rows.setdefault((c.backend, c.shape, c.concurrency,
                                   c.cache, c.files, c.file_size,
                                   c.buf_size), [])
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
    """'median [lowest .. highest]' of XS, formatted with FMT; the number
    of runs it covers when some have no value (None)."""
    known = [x for x in xs if x is not None]
    if not known:
        return "n/a"
    if len(known) == 1:
        text = fmt % known[0]
    else:
        text = (fmt + " [" + fmt + " .. " + fmt + "]") % (
            rd.median(known), min(known), max(known))
    if len(known) != len(xs):
        text += " (%d of %d runs)" % (len(known), len(xs))
    return text


def row_sort(key):
    backend, shape, conc, cache, files, size, buf = key
    return (rd.cache_key(cache), files, size, buf, rd.backend_key(backend),
            shape != "email", conc)


def render(groups, nruns, at_least, fmt, shaped):
    """The report, as text; with a shape column if SHAPED (some run names
    its chain shapes)."""
    out = io.StringIO()
    head = (["backend"] + (["shape"] if shaped else []) +
            ["in flight", "cache", "files", "file size", "runs", "vs sync",
             ">= %gx" % at_least, "excess (null syscalls)", "CI width"])
    for (target, accel) in sorted(groups):
        rows = groups[(target, accel)]
        n = nruns[(target, accel)]
        title = "%s (%s): %d run%s" % (target or "?", accel or "?", n,
                                       "" if n == 1 else "s")
        lines = []
        for key in sorted(rows, key=row_sort):
            backend, shape, conc, cache, files, size, buf = key
            figs = rows[key]
            lines.append([backend] + ([shape] if shaped else []) + [
                str(conc), cache, str(files),
                rd.human_bytes(size) + ("" if buf == size else
                                        " (%s reads)" % rd.human_bytes(buf)),
                str(len(figs)),
                spread([f["speedup"] for f in figs], "%.2fx"),
                # As printed: a 0.998x shown as 1.00x reaches 1x.
                "%d/%d" % (sum(round(f["speedup"], 2) >= at_least
                               for f in figs), len(figs)),
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
        runs = load_runs(opt.runs, lambda msg: sys.stderr.write(
            "across_runs: %s\n" % msg))
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
    report = render(groups, nruns, opt.at_least, opt.format,
                    any(run.shaped for run in runs))
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
