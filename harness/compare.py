#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare two sysletbench runs and say whether NEW regressed against BASE.

Usage: compare.py BASE NEW [--gate deterministic|wallclock|all|none]
                  [--format text|markdown] [--changed-only] [options]

BASE and NEW are results directories (or their results.json, or a
sysletbench -o root holding exactly one run).  Configurations are matched on
(target, accel, backend, shape, files, file_size, buf_size, cache,
concurrency), a run from before chain shapes counting as the cursor shape;
those in only one run are listed as new or gone.  Each metric is shown as
LKP does: base median +-%stddev, %change, new median +-%stddev.

Three kinds of metric, judged differently:
  deterministic  what the same inputs reproduce exactly: the backend's own
                 syscalls_per_file and atoms_per_file, the tracer's
                 traced_syscalls_per_file where it is exact (see below), and
                 instructions_per_file where a PMU counted.  A change beyond
                 a tight relative tolerance is a change; more is a
                 regression.
  icount         ns_per_file under QEMU -icount (one instruction = 1 ns).
                 Not exact: interrupts, kernel threads and the scheduler
                 land in some samples (results/reference/README.md has the
                 measured spread), and they only ever add instructions.  So
                 the statistic is the minimum over the samples, and a change
                 is one beyond --icount-tolerance percent (set from that
                 spread).  --gate deterministic gates it too.
  wallclock      ns_per_file elsewhere.  A change is significant when a
                 two-sided Mann-Whitney U test on the samples gives p <
                 --alpha AND the medians differ by at least --min-effect
                 percent (as in mmtests/LKP: a tiny but "significant" shift
                 is not a regression worth a red CI).
Counts that depend on timing are judged like wall-clock times, never gated
as exact: clets-threads' traced count (the pool's futex traffic), and in a
cache that is not hot the syscall counts of the backends whose waits depend
on when completions arrive (atoms-uring's io_uring_enter batching,
atoms-kernel's and clets-kernel's async_wait calls after cachemisses).

Exit status: 0 no regression among the gated metrics, 1 a gated regression,
2 bad input (missing or unreadable results, another schema, nothing in
common, or a BASE made with --test-inject).  When the compiler or QEMU
version differs between the runs, gated regressions are reported as a
re-base (exit 0) unless --no-rebase; with --toolchain-change fail (what
harness/ci_gate.sh uses under CI) the difference itself fails (exit 1).
"""

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "plots"))
import results_data as rd  # noqa: E402

DET = "deterministic"
ICOUNT = "icount"
WALL = "wallclock"

# Counts whose value depends on completion timing (see the docstring):
# backend -> the caches where that is so (None: every cache).
TIMING_DEPENDENT = {
    "syscalls_per_file": {"atoms-uring": ("cold", "dentry"),
                          "atoms-kernel": ("cold", "dentry"),
                          "clets-kernel": ("cold", "dentry")},
    "traced_syscalls_per_file": {"clets-threads": None,
                                 "atoms-uring": ("cold", "dentry"),
                                 "atoms-kernel": ("cold", "dentry"),
                                 "clets-kernel": ("cold", "dentry")},
}

# Deterministic metrics and their default relative tolerances (percent):
# counts are exact (the tolerance only absorbs float formatting); PMU
# instruction counts wobble by interrupts and page faults.
DET_METRICS = [("syscalls_per_file", None), ("atoms_per_file", None),
               ("traced_syscalls_per_file", None),
               ("instructions_per_file", 2.0)]
# Ten clean gate runs moved the minimum by 0.17% at most
# (results/reference/spread.md); the regressions tests/test_gate.sh injects
# add ~3% at 4 KiB.
ICOUNT_TOLERANCE = 1.0
METRICS = ["ns_per_file", "syscalls_per_file", "atoms_per_file",
           "instructions_per_file", "traced_syscalls_per_file"]


def kind_of(metric, cfg, icount):
    """How METRIC of configuration CFG is judged."""
    if metric == "ns_per_file":
        return ICOUNT if icount else WALL
    timing = TIMING_DEPENDENT.get(metric, {})
    if cfg.backend in timing and (timing[cfg.backend] is None
                                  or cfg.cache in timing[cfg.backend]):
        return WALL
    return DET


# ---- statistics ----------------------------------------------------------

def mw_exact_counts(m, n):
    """counts[u] = number of orderings of m X and n Y values with U = u
    (no ties); the classic recurrence f(m,n,u) = f(m-1,n,u-n) + f(m,n-1,u)."""
    prev = [[1] for _ in range(n + 1)]          # m = 0: U is always 0
    for i in range(1, m + 1):
        cur = [[1]]                             # n = 0: U is always 0
        for j in range(1, n + 1):
            size = i * j + 1
            row = [0] * size
            a = prev[j]                         # f(i-1, j, u-j)
            for u, c in enumerate(a):
                row[u + j] += c
            b = cur[j - 1]                      # f(i, j-1, u)
            for u, c in enumerate(b):
                row[u] += c
            cur.append(row)
        prev = cur
    return prev[n]


def mann_whitney(a, b):
    """Two-sided p-value of the Mann-Whitney U test of samples a and b:
    exact without ties for small samples, else the normal approximation
    with tie and continuity corrections.  None when a side is empty."""
    n1, n2 = len(a), len(b)
    if not n1 or not n2:
        return None
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    n = n1 + n2
    ranks = [0.0] * n
    ties = []
    i = 0
    while i < n:
        j = i
        while j + 1 < n and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2.0 + 1.0
        if j > i:
            ties.append(j - i + 1)
        i = j + 1
    r1 = sum(r for r, (_, g) in zip(ranks, pooled) if g == 0)
    u1 = r1 - n1 * (n1 + 1) / 2.0
    if not ties and n <= 40:
        counts = mw_exact_counts(n1, n2)
        total = float(sum(counts))
        u = int(round(u1))
        lo = sum(counts[:u + 1]) / total
        hi = sum(counts[u:]) / total
        return min(1.0, 2.0 * min(lo, hi))
    mu = n1 * n2 / 2.0
    tie_term = sum(t ** 3 - t for t in ties) / float(n * (n - 1))
    var = n1 * n2 / 12.0 * ((n + 1) - tie_term)
    if var <= 0:
        return 1.0
    z = (abs(u1 - mu) - 0.5) / math.sqrt(var)
    return min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2.0)))


def min_p(n1, n2):
    """The smallest two-sided p the exact test can give for these sizes:
    with 3 against 3 samples it is 0.1, so no shift can ever be significant
    at 0.05."""
    if not n1 or not n2:
        return 1.0
    return min(1.0, 2.0 / math.comb(n1 + n2, n1))


def rel_stddev(xs):
    """Sample standard deviation in percent of the mean (LKP's +-%)."""
    if len(xs) < 2:
        return 0.0
    m = sum(xs) / len(xs)
    if m == 0:
        return 0.0
    var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1)
    return 100.0 * math.sqrt(var) / abs(m)


def pct_change(base, new):
    if base is None or new is None:
        return None
    if base == 0:
        return 0.0 if new == 0 else math.inf
    return 100.0 * (new - base) / base


# ---- comparison ----------------------------------------------------------

class Row:
    """One metric of one matched configuration."""

    def __init__(self, cfg, metric, kind):
        self.cfg = cfg
        self.metric = metric
        self.kind = kind
        self.base = self.new = self.change = self.p = None
        self.base_sd = self.new_sd = 0.0
        self.verdict = "same"
        self.gated = False


def compare_metric(bc, nc, metric, kind, opt, det_tol):
    row = Row(nc, metric, kind)
    bv, nv = bc.values(metric), nc.values(metric)
    if not bv or not nv:
        return None
    row.base_sd, row.new_sd = rel_stddev(bv), rel_stddev(nv)
    if kind == WALL:
        row.base, row.new = rd.median(bv), rd.median(nv)
    elif kind == ICOUNT:
        # Noise only adds instructions: the fastest sample is the figure.
        row.base, row.new = min(bv), min(nv)
    else:
        row.base, row.new = bc.per_file(metric), nc.per_file(metric)
        if row.base is None or row.new is None:
            return None
    row.change = pct_change(row.base, row.new)
    if kind == WALL:
        row.p = mann_whitney(bv, nv)
        if abs(row.change) < opt.min_effect:
            row.verdict = "same"
        elif min_p(len(bv), len(nv)) >= opt.alpha:
            row.verdict = "underpowered"
        elif row.p < opt.alpha:
            row.verdict = "regression" if row.change > 0 else "improvement"
        else:
            row.verdict = "not significant"
    else:
        if row.change > det_tol:
            row.verdict = "regression"
        elif row.change < -det_tol:
            row.verdict = "improvement"
    return row


def det_tolerance(metric, opt):
    if metric == "ns_per_file":
        return opt.icount_tolerance
    for name, tol in DET_METRICS:
        if name == metric:
            return tol if tol is not None else opt.det_tolerance
    return opt.det_tolerance


def gated(kind, gate):
    if gate == "all":
        return True
    if gate == DET:
        return kind in (DET, ICOUNT)
    return gate == kind


# A host run's accel says whether its machine is bare metal or a VM: a
# property of the machine, like its name, not a way of measuring, so host
# runs on either kind compare (the report names both). Guest accelerators
# (kvm, tcg, icount) are ways of measuring and never mix.
HOST_MACHINE_ACCELS = ("native", "vm")


def match_key(c):
    """What a configuration is matched on across two runs."""
    target, accel = c.key[0], c.key[1]
    if target == "host" and accel in HOST_MACHINE_ACCELS:
        return (target, "native|vm") + c.key[2:]
    return c.key


def compare(base, new, opt):
    bmap = {match_key(c): c for c in base.configs if c.samples}
    nmap = {match_key(c): c for c in new.configs if c.samples}
    common = [k for k in nmap if k in bmap]
    if not common:
        raise rd.ResultsError(
            "BASE (%s/%s, %d configurations) and NEW (%s/%s, %d) have no "
            "configuration in common: nothing to compare"
            % (base.target, base.accel, len(bmap), new.target, new.accel,
               len(nmap)))
    icount = base.accel == "icount" and new.accel == "icount"
    rows = []
    for k in sorted(common, key=sort_key):
        for metric in METRICS:
            kind = kind_of(metric, nmap[k], icount)
            tol = det_tolerance(metric, opt)
            row = compare_metric(bmap[k], nmap[k], metric, kind, opt, tol)
            if row is None:
                continue
            row.gated = gated(kind, opt.gate)
            rows.append(row)
    gone = [bmap[k] for k in sorted(bmap, key=sort_key) if k not in nmap]
    added = [nmap[k] for k in sorted(nmap, key=sort_key) if k not in bmap]
    return rows, gone, added


def sort_key(k):
    target, accel, backend, shape, files, fsize, bsize, cache, conc = k
    return (target, accel, fsize, bsize, rd.cache_key(cache), files,
            rd.backend_key(backend), rd.shape_key(shape), conc)


# ---- output --------------------------------------------------------------

def fmt_val(v):
    if v is None:
        return "n/a"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.3g" % v


def fmt_change(c):
    if c is None:
        return "n/a"
    if math.isinf(c):
        return "+inf%"
    return "%+.1f%%" % c


def describe(run):
    return "%s (%s/%s, started %s, host %s, %s, commit %s%s)" % (
        run.path, run.target, run.accel, run.started or "?",
        run.meta.get("hostname", "?"), run.meta.get("compiler", "?"),
        run.meta.get("git_commit", "?"),
        ", INCOMPLETE" if run.incomplete else "")


def render(base, new, rows, gone, added, opt, rebase, out):
    md = opt.format == "markdown"
    w = out.write
    title = "sysletbench compare"
    w(("## %s\n\n" if md else "%s\n") % title)
    bullet = "- " if md else "  "
    w("%sbase: %s\n" % (bullet, describe(base)))
    w("%snew:  %s\n" % (bullet, describe(new)))
    w("%sgate: %s; deterministic tolerance %.2g%%, icount: minimum of the "
      "samples within %.2g%%, wall-clock p < %.3g and |change| >= %.3g%%\n"
      % (bullet, opt.gate, opt.det_tolerance, opt.icount_tolerance,
         opt.alpha, opt.min_effect))
    if base.accel != new.accel:
        w("%snote: BASE ran on %s, NEW on %s: their wall-clock figures come "
          "from different machines\n" % (bullet, base.accel, new.accel))
    inject = injected(new)
    if inject:
        w("%sNEW was run with --test-inject %s (test only)\n"
          % (bullet, inject))
    if rebase and opt.toolchain_change == "fail":
        w("%sTOOLCHAIN CHANGED (%s): fails; re-base explicitly\n"
          % (bullet, rebase))
    elif rebase:
        w("%sRE-BASE: toolchain changed (%s): gated changes do not fail; "
          "refresh the reference\n" % (bullet, rebase))
    w("\n")

    head = ["base", "+-%", "%change", "new", "+-%", "p", "verdict", "gate",
            "configuration"]
    for metric in METRICS:
        sel = [r for r in rows if r.metric == metric]
        if opt.changed_only:
            sel = [r for r in sel if r.verdict != "same"]
        if not sel:
            continue
        kinds = sorted({r.kind for r in sel})
        w(("### %s (%s)\n\n" if md else "== %s (%s) ==\n")
          % (metric, ", ".join(kinds)))
        table = []
        for r in sel:
            verdict = r.verdict
            if verdict == "regression" and r.gated and rebase:
                verdict = "regression (re-base)"
            table.append([fmt_val(r.base), "%.1f" % r.base_sd,
                          fmt_change(r.change), fmt_val(r.new),
                          "%.1f" % r.new_sd,
                          "%.3g" % r.p if r.p is not None else "-",
                          verdict, "yes" if r.gated else "no",
                          r.cfg.label()])
        if md:
            w("| " + " | ".join(head) + " |\n")
            w("|" + "---:|" * 6 + "---|---|---|\n")
            for t in table:
                if t[6].startswith("regression"):
                    t[6] = "**%s**" % t[6]
                w("| " + " | ".join(t) + " |\n")
        else:
            widths = [max(len(head[i]), *(len(t[i]) for t in table))
                      for i in range(len(head))]
            line = lambda cells: "  ".join(  # noqa: E731
                c.rjust(widths[i]) if i < 6 else c.ljust(widths[i])
                for i, c in enumerate(cells)).rstrip()
            w(line(head) + "\n")
            for t in table:
                w(line(t) + "\n")
        w("\n")

    for what, cfgs in (("gone (only in BASE)", gone),
                       ("new (only in NEW)", added)):
        if cfgs:
            w(("### %s\n\n" if md else "== %s ==\n") % what)
            for c in cfgs:
                w("%s%s\n" % (bullet, c.label()))
            w("\n")


def injected(run):
    """What --test-inject put into RUN, or "" for a clean run."""
    v = (run.meta.get("parameters") or {}).get("test_inject") or "none"
    return "" if v == "none" else v


def summarise(rows, rebase, opt, out):
    if rebase and opt.toolchain_change == "fail":
        out.write("RESULT: FAIL (toolchain changed: %s; re-base explicitly)\n"
                  % rebase)
        return 1
    bad = [r for r in rows if r.gated and r.verdict == "regression"]
    # Slowdowns that do not gate are still worth a line, including those
    # too few samples could not test (the CI matrix runs 3 reps).
    for r in rows:
        if r.gated or r.change is None or r.change <= 0:
            continue
        if r.verdict == "regression":
            why = "p=%.3g, not gated" % r.p if r.p is not None else \
                "not gated"
        elif r.verdict == "underpowered":
            why = "untested: too few samples, not gated"
        else:
            continue
        out.write("warning: %s %s %s (%s)\n"
                  % (r.cfg.label(), r.metric, fmt_change(r.change), why))
    for r in bad:
        out.write("%s: %s %s %s -> %s (%s)\n"
                  % ("re-base" if rebase else "REGRESSION", r.cfg.label(),
                     r.metric, fmt_val(r.base), fmt_val(r.new),
                     fmt_change(r.change)))
    under = sum(1 for r in rows if r.verdict == "underpowered")
    if under:
        out.write("note: %d wall-clock change(s) beyond the threshold could "
                  "not be tested: too few samples (use -r 5 or more)\n"
                  % under)
    if bad and not rebase:
        out.write("RESULT: FAIL (%d gated regression(s))\n" % len(bad))
        return 1
    out.write("RESULT: %s\n" % ("RE-BASE" if bad else "PASS"))
    return 0


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="compare.py",
        description="Compare two sysletbench results directories.")
    ap.add_argument("base", metavar="BASE")
    ap.add_argument("new", metavar="NEW")
    ap.add_argument("--gate", choices=[DET, WALL, "all", "none"],
                    default="all",
                    help="which metrics decide the exit status "
                         "(default all; CI uses deterministic)")
    ap.add_argument("--format", choices=["text", "markdown"], default="text")
    ap.add_argument("--changed-only", action="store_true",
                    help="hide rows whose verdict is 'same'")
    ap.add_argument("--alpha", type=float, default=0.05,
                    help="significance level of the U test (default 0.05)")
    ap.add_argument("--min-effect", type=float, default=5.0,
                    help="smallest wall-clock change in %% that counts "
                         "(default 5)")
    ap.add_argument("--det-tolerance", type=float, default=0.1,
                    help="relative tolerance in %% for the exact counts "
                         "(default 0.1)")
    ap.add_argument("--icount-tolerance", type=float,
                    default=ICOUNT_TOLERANCE,
                    help="relative tolerance in %% for the minimum "
                         "ns_per_file under QEMU -icount (default %g: "
                         "results/reference/README.md has the spread it "
                         "comes from)" % ICOUNT_TOLERANCE)
    ap.add_argument("--no-rebase", action="store_true",
                    help="fail on gated regressions even when the compiler "
                         "or QEMU version changed")
    ap.add_argument("--toolchain-change", choices=["rebase", "fail"],
                    default="rebase",
                    help="when the compiler or QEMU version differs: "
                         "rebase (report, pass; default) or fail (exit 1 "
                         "whatever the metrics say)")
    ap.add_argument("-o", "--output", metavar="FILE",
                    help="also write the report to FILE")
    return ap.parse_args(argv)


def main(argv):
    try:
        opt = parse_args(argv)
    except SystemExit as e:
        # argparse exits 2 on bad usage, which is also our bad-input code.
        return e.code if isinstance(e.code, int) else 2
    try:
        base = rd.load(opt.base)
        new = rd.load(opt.new)
        if injected(base):
            raise rd.ResultsError(
                "%s was run with --test-inject %s: a test-only run is "
                "never a reference" % (base.path, injected(base)))
        rows, gone, added = compare(base, new, opt)
    except rd.ResultsError as e:
        sys.stderr.write("compare: %s\n" % e)
        return 2
    rebase = ""
    if not opt.no_rebase or opt.toolchain_change == "fail":
        bt, nt = base.toolchain(), new.toolchain()
        rebase = "; ".join("%s %r -> %r" % (k, bt.get(k), nt.get(k))
                           for k in sorted(set(bt) | set(nt))
                           if bt.get(k) != nt.get(k))
    outs = [sys.stdout]
    if opt.output:
        try:
            outs.append(open(opt.output, "w", encoding="utf-8"))
        except OSError as e:
            sys.stderr.write("compare: %s: %s\n" % (opt.output, e.strerror))
            return 2
    status = 0
    for out in outs:
        render(base, new, rows, gone, added, opt, rebase, out)
        status = summarise(rows, rebase, opt, out)
    for out in outs[1:]:
        out.close()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
