#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Export a sysletbench results directory for benchmark dashboards.

Usage: export.py --format gab|bmf [-o FILE] DIR

  gab  github-action-benchmark, tool "customSmallerIsBetter": a JSON array
       of {"name", "unit", "value", "range", "extra"}; one entry per
       configuration for ns/file (range: half the width of the CI of the
       median; "extra" names its real level, 75% with 3 samples, at least
       95% from 6 on) and one each for syscalls/file and atoms/file (exact
       counts, no range).
  bmf  Bencher Metric Format: {"<benchmark>": {"<measure>": {"value",
       "lower_value", "upper_value"}}}, measure "latency" (Bencher's built-in
       nanosecond measure) with the CI as lower/upper, plus
       "syscalls-per-file" and "atoms-per-file".

A benchmark is named target/accel/variant/cache/Nfiles/size (plus /bufSIZE
when the read buffer is not the default 4 KiB), the same for every run,
so that dashboards line runs up.  Configurations without a result (every
sample rejected, or an error) are left out.  Exit 0, or 2 on bad input.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "plots"))
import results_data as rd  # noqa: E402
from ci_level import ci_label, median_ci_level  # noqa: E402

COUNTS = [("syscalls_per_file", "syscalls/file", "syscalls-per-file"),
          ("atoms_per_file", "atoms/file", "atoms-per-file")]


def bench_name(c):
    name = "%s/%s/%s/%s/%dfiles/%s" % (
        c.run.target, c.run.accel, c.variant, c.cache, c.files,
        rd.human_bytes(c.file_size))
    if c.buf_size and c.buf_size != 4096:
        name += "/buf" + rd.human_bytes(c.buf_size)
    return name


def exported(run):
    """The configurations with a median, in a stable order."""
    cs = [c for c in run.configs if c.median_ns is not None and c.samples]
    return sorted(cs, key=lambda c: (c.file_size, c.buf_size,
                                     rd.cache_key(c.cache), c.files,
                                     rd.backend_key(c.backend),
                                     c.shape != "email", c.concurrency))


def to_gab(run):
    out = []
    for c in exported(run):
        name = bench_name(c)
        lo, hi = c.ci()
        level = ci_label([median_ci_level(len(c.samples))])
        extra = ["%s of the median: %.1f-%.1f ns" % (level, lo, hi),
                 "samples: %d" % len(c.samples),
                 "commit: %s" % run.meta.get("git_commit", "?"),
                 "compiler: %s" % run.meta.get("compiler", "?")]
        out.append({"name": name, "unit": "ns/file",
                    "value": round(c.median_ns, 1),
                    "range": "\u00b1 %.1f" % ((hi - lo) / 2.0),
                    "extra": "\n".join(extra)})
        for metric, unit, _ in COUNTS:
            v = c.per_file(metric)
            if v is not None:
                out.append({"name": "%s - %s" % (name, unit), "unit": unit,
                            "value": round(v, 4),
                            "extra": "counted by the backend; exact"})
    return out


def to_bmf(run):
    out = {}
    for c in exported(run):
        lo, hi = c.ci()
        m = {"latency": {"value": round(c.median_ns, 1),
                         "lower_value": round(lo, 1),
                         "upper_value": round(hi, 1)}}
        for metric, _, slug in COUNTS:
            v = c.per_file(metric)
            if v is not None:
                m[slug] = {"value": round(v, 4)}
        out[bench_name(c)] = m
    return out


def main(argv):
    ap = argparse.ArgumentParser(
        prog="export.py",
        description="Export a results directory as github-action-benchmark "
                    "(gab) or Bencher BMF (bmf) JSON.")
    ap.add_argument("--format", choices=["gab", "bmf"], required=True)
    ap.add_argument("-o", "--output", metavar="FILE",
                    help="write here instead of stdout")
    ap.add_argument("dir", metavar="DIR")
    try:
        opt = ap.parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 2
    try:
        run = rd.load(opt.dir)
    except rd.ResultsError as e:
        sys.stderr.write("export: %s\n" % e)
        return 2
    doc = to_gab(run) if opt.format == "gab" else to_bmf(run)
    if not doc:
        sys.stderr.write("export: %s: no configuration with a result\n"
                         % run.path)
        return 2
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if opt.output:
        try:
            with open(opt.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            sys.stderr.write("export: %s: %s\n" % (opt.output, e.strerror))
            return 2
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
