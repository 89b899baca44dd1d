#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The comparison report: one self-contained HTML page from results dirs.

Usage: report.py [-o OUTDIR] [--title TEXT] DIR [DIR...]

A DIR is what ./run_all.sh writes: the host run's results.json and the
guest runs in the directories below it (guest-tcg/, guest-icount/); all of
them are read.  The newest DIR (by its start time) is the one the report
is about; all DIRs together are the history for the trend chart.  OUTDIR
(default NEWEST_DIR/report) receives report.html, with every chart
embedded as a base64 PNG so that the page travels alone, and the same PNGs
beside it.

One section per run (target and accelerator) of the newest DIR, with, per
chain shape (email: every read into one buffer; cursor: reads at a
cursor, a chain pays a umem_add atom per block; a run without shapes is
cursor) and file size: ns/file against file count with the CI band
(against the file size where the run sweeps sizes at one file count);
hot against cold; speedup against baseline_sync of the same shape; a
cost model of each chain's gap to the loop from the run's own measured
terms (null syscall, null getppid atom, null umem_add atom; atoms per
file from the shape), with its residual; an overhead decomposition per
variant priced with each backend's own null atoms, chart and table; and
cursor - email per size, predicted from the umem_add atom against
measured.  Given two or more DIRs, the median per configuration over
their start times.  One table puts the LKML argument (kernel crossings
against atom interpretation against clet upcalls) in numbers in the
email shape, the cursor shape beside it, each row from the first run
that can fill it (the ones with the kernel backends first, icount first
as the repeatable one), saying which.

Needs matplotlib (numpy comes with it): when the python3 running it lacks
it (a pyenv or venv interpreter), it runs itself again under
$SYSLETBENCH_SYSTEM_PYTHON (default /usr/bin/python3, where Debian's
python3-matplotlib puts it).  Exit: 0 written, 1 nothing to chart, 2 bad
input, 3 no interpreter with matplotlib.  Data loading is
plots/results_data.py, shared with harness/compare.py and export.py.
"""

import argparse
import base64
import html
import io
import math
import os
import subprocess
import sys

NO_MATPLOTLIB = 3


def matplotlib_here_or_reexec():
    """Returns when this interpreter has matplotlib; otherwise becomes the
    system interpreter when that has it, or exits NO_MATPLOTLIB."""
    try:
        import matplotlib  # noqa: F401
        import numpy  # noqa: F401
        return
    except ImportError:
        pass
    system = os.environ.get("SYSLETBENCH_SYSTEM_PYTHON", "/usr/bin/python3")
    # The marker stops a loop when the system interpreter fails after all.
    if not os.environ.get("SYSLETBENCH_REPORT_REEXEC") and \
            os.access(system, os.X_OK) and subprocess.call(
                [system, "-c", "import matplotlib, numpy"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
        os.environ["SYSLETBENCH_REPORT_REEXEC"] = "1"
        os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
    sys.stderr.write("report.py: needs matplotlib, which neither %s nor %s "
                     "has: apt-get install python3-matplotlib\n"
                     % (sys.executable, system))
    sys.exit(NO_MATPLOTLIB)


matplotlib_here_or_reexec()
import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as ticker  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ci_level  # noqa: E402
import crossing_chart  # noqa: E402
import crossing_model  # noqa: E402
import crossing_report  # noqa: E402
import results_data as rd  # noqa: E402
from extract import crossing  # noqa: E402

SYNC = rd.SYNC
SPARE = ["#56B4E9", "#999999", "#882255", "#44AA99", "#117733"]
DASH = {1: "--", 16: "-", 64: "-."}
MARK = {1: "o", 16: "s", 64: "^"}
CACHE_TITLE = {"hot": "hot cache", "dentry": "dentry-warm, data cold",
               "cold": "cold cache"}
KERNEL_MISSING = "patched kernel not in this run"


def color(backend):
    if backend in rd.BACKEND_COLOR:
        return rd.BACKEND_COLOR[backend]
    return SPARE[abs(hash(backend)) % len(SPARE)]


def variant_key(c):
    return (rd.backend_key(c.backend), c.concurrency)


def style(c):
    return dict(color=color(c.backend), ls=DASH.get(c.concurrency, ":"),
                marker=MARK.get(c.concurrency, "D"), lw=1.8, ms=5)


class Charts:
    """Saves figures as PNG beside the report and keeps them, with the
    tables that go with them, for the page.  Items are (section, kind,
    title, filename, png) for a chart and (section, kind, title, None,
    (header, rows, note)) for a table; section is the run being drawn."""

    def __init__(self, outdir):
        self.outdir = outdir
        self.section = ""
        self.items = []

    def add(self, fig, name, kind, title):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        png = buf.getvalue()
        with open(os.path.join(self.outdir, name + ".png"), "wb") as f:
            f.write(png)
        self.items.append((self.section, kind, title, name + ".png", png))

    def add_table(self, kind, title, header, rows, note):
        self.items.append((self.section, kind, title, None,
                           (header, rows, note)))

    def count(self):
        return sum(1 for i in self.items if i[3] is not None)


def groups_of(run):
    """(target, accel, file_size, buf_size, shape) -> configs with a
    median.  A group never mixes chain shapes, so that every comparison
    with baseline_sync is with the loop of the same shape."""
    g = {}
    for c in run.configs:
        if c.median_ns is not None and c.samples:
            g.setdefault((run.target, run.accel, c.file_size, c.buf_size,
                          c.shape), []).append(c)
    return g


def shape_head(run, shape):
    """How a title names the chain shape; a run from before shapes is the
    cursor shape, and says so."""
    return "%s shape%s" % (shape, "" if run.shaped else
                           " (no shape recorded: reads at a cursor)")


def by_variant(cs, xkey="files"):
    """variant -> {(cache, x): config}, variants in legend order; x is the
    file count, or xkey's attribute (file_size for a sweep)."""
    out = {}
    for c in sorted(cs, key=variant_key):
        out.setdefault(c.variant, {})[(c.cache, getattr(c, xkey))] = c
    return out


def caches_of(cs):
    return sorted({c.cache for c in cs}, key=rd.cache_key)


def plain_log_y(axes):
    """Plain ns figures on log y axes (not 1.6x10^5).  A range of a few
    decades has one or two powers of ten in it: its 2s and 5s are labelled
    too, and every minor tick of a range under a decade."""
    def plain(v, _):
        return "%.0f" % v

    def some(v, _):
        m = v / 10 ** math.floor(math.log10(v) + 1e-9)
        return "%.0f" % v if round(m) in (2, 5) else ""
    for ax in np.ravel(axes):
        lo, hi = ax.get_ylim()
        span = hi / lo if lo > 0 else float("inf")
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(plain))
        ax.yaxis.set_minor_formatter(ticker.FuncFormatter(
            plain if span < 10 else some) if span < 1000 else
            ticker.NullFormatter())


def ci_label(cs):
    """The CIs' real coverage, as the harness recorded it per
    configuration, labelled as the harness does (plots/ci_level.py), or
    "CI" when unrecorded."""
    levels = [c.ci_level for c in cs if c.ci_level is not None]
    return ci_level.ci_label(levels) if levels else "CI"


def legend_below(fig, axes):
    handles, labels = [], []
    for ax in np.ravel(axes):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4),
               frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.1 + 0.03 * ((len(labels) - 1) // 4), 1, 1))


XLABEL = {"files": "files in the set", "file_size": "file size"}


def sweep_of(run, shape):
    """The configurations of a run that sweeps the file size at one file
    count and buffer size (run_all.sh's icount run) in one chain shape, or
    None."""
    best = None
    for files, buf in {(c.files, c.buf_size) for c in run.configs}:
        cs = [c for c in run.configs if c.files == files and
              c.buf_size == buf and c.shape == shape and
              c.median_ns is not None and c.samples]
        if len({c.file_size for c in cs}) >= 2 and (
                best is None or len(cs) > len(best)):
            best = cs
    return best


def one_point_axes(ax, cs, cache, value, ylabel):
    """A panel for a single x value: one marker per variant (a line over
    one point says nothing)."""
    vs = [c for c in sorted(cs, key=variant_key) if c.cache == cache]
    for i, c in enumerate(vs):
        y, err = value(c)
        st = style(c)
        ax.errorbar(i, y, yerr=err, fmt=st["marker"], color=st["color"],
                    ms=7, capsize=4, label=c.variant)
    ax.set_xticks(range(len(vs)))
    ax.set_xticklabels([c.variant for c in vs], rotation=30, ha="right",
                       fontsize=8)
    ax.set_xlim(-0.6, len(vs) - 0.4)
    ax.set_ylabel(ylabel)


def chart_latency(ch, name, head, cs, xkey="files"):
    caches = caches_of(cs)
    xs = {getattr(c, xkey) for c in cs}
    fig, axes = plt.subplots(1, len(caches), figsize=(max(7.5, 5.2 * len(caches)), 4.6),
                             sharey=True, squeeze=False)
    for ax, cache in zip(axes[0], caches):
        ax.set_title(CACHE_TITLE.get(cache, cache))
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        if len(xs) == 1:
            one_point_axes(ax, cs, cache, lambda c: (
                c.median_ns, [[c.median_ns - c.ci()[0]],
                              [c.ci()[1] - c.median_ns]]),
                "ns per file (median, %s)" % ci_label(cs))
            continue
        for v, pts in by_variant(cs, xkey).items():
            sel = sorted((x, c) for (ca, x), c in pts.items() if ca == cache)
            if not sel:
                continue
            x = [f for f, _ in sel]
            st = style(sel[0][1])
            ax.plot(x, [c.median_ns for _, c in sel], label=v, **st)
            ax.fill_between(x, [c.ci()[0] for _, c in sel],
                            [c.ci()[1] for _, c in sel], color=st["color"],
                            alpha=0.15, lw=0)
        size_axis(ax, xkey, xs)
    plain_log_y(axes)
    if len(xs) == 1:
        what = "%s at %s" % (head, describe_x(xkey, next(iter(xs))))
    else:
        axes[0][0].set_ylabel("ns per file (median, %s band)"
                              % ci_label(cs))
        what = "%s: ns per file vs %s" % (head, XLABEL[xkey])
    fig.suptitle(what + " (lower is better)")
    lay_out(fig, axes, len(xs) == 1)
    ch.add(fig, name + "-latency", "Latency", what)


def size_axis(ax, xkey, xs):
    """Log x; a file-size axis is marked at the sizes run, in KiB."""
    ax.set_xlabel(XLABEL[xkey])
    if xkey != "file_size":
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda v, _: "%.0f" % v))
        return
    ax.set_xscale("log", base=2)
    ax.set_xticks(sorted(xs))
    ax.set_xticklabels([rd.human_bytes(x) for x in sorted(xs)])
    ax.xaxis.set_minor_locator(ticker.NullLocator())


def lay_out(fig, axes, one_point):
    """One-point panels name their variants on the axis; lines need the
    legend."""
    if one_point:
        fig.tight_layout()
    else:
        legend_below(fig, axes)


def describe_x(xkey, x):
    return "%d files" % x if xkey == "files" else rd.human_bytes(x)


def chart_hot_cold(ch, name, head, cs):
    caches = caches_of(cs)
    if len(caches) < 2:
        return
    nmax = max(c.files for c in cs)
    vs = [(v, pts) for v, pts in by_variant(cs).items()
          if any(f == nmax for _, f in pts)]
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(vs) + 2), 4.4))
    width = 0.8 / len(caches)
    for j, cache in enumerate(caches):
        for i, (v, pts) in enumerate(vs):
            c = pts.get((cache, nmax))
            if c is None:
                continue
            lo, hi = c.ci()
            ax.bar(i + (j - (len(caches) - 1) / 2) * width, c.median_ns,
                   width * 0.92, color=color(c.backend),
                   alpha=1.0 if cache == "hot" else 0.45,
                   hatch="" if cache == "hot" else "//", edgecolor="black",
                   lw=0.5, yerr=[[c.median_ns - lo], [hi - c.median_ns]],
                   capsize=3, label=CACHE_TITLE.get(cache, cache)
                   if i == 0 else None)
    ax.set_xticks(range(len(vs)))
    ax.set_xticklabels([v for v, _ in vs], rotation=20, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("ns per file (median, %s)" % ci_label(cs))
    plain_log_y(ax)
    ax.set_title("%s: hot vs cold at %d files (solid: hot, hatched: "
                 "colder)" % (head, nmax))
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(frameon=False)
    fig.tight_layout()
    ch.add(fig, name + "-hot_cold", "Hot vs cold",
           "%s: hot vs cold cache at %d files" % (head, nmax))


def chart_speedup(ch, name, head, cs, xkey="files"):
    caches = caches_of(cs)
    sync = {(c.cache, getattr(c, xkey)): c.median_ns for c in cs
            if c.backend == SYNC}
    # Nothing to compare: baseline_sync and the floor only.
    if not sync or all(c.backend in (SYNC, rd.FLOOR) for c in cs):
        return
    xs = {getattr(c, xkey) for c in cs}
    fig, axes = plt.subplots(1, len(caches), figsize=(max(7.5, 5.2 * len(caches)), 4.6),
                             sharey=True, squeeze=False)
    for ax, cache in zip(axes[0], caches):
        ax.axhline(1.0, color="black", lw=1, ls=":")
        ax.set_title(CACHE_TITLE.get(cache, cache))
        ax.grid(True, which="both", alpha=0.3)
        if len(xs) == 1:
            one_point_axes(ax, [c for c in cs if c.backend not in
                                (SYNC, rd.FLOOR)], cache,
                           lambda c: (sync[(c.cache, getattr(c, xkey))] /
                                      c.median_ns, None),
                           "baseline_sync median / variant median")
            continue
        for v, pts in by_variant(cs, xkey).items():
            sel = sorted((x, c) for (ca, x), c in pts.items()
                         if ca == cache and c.backend not in
                         (SYNC, rd.FLOOR) and (ca, x) in sync)
            if not sel:
                continue
            ax.plot([x for x, _ in sel],
                    [sync[(cache, x)] / c.median_ns for x, c in sel],
                    label=v, **style(sel[0][1]))
        size_axis(ax, xkey, xs)
    if len(xs) == 1:
        what = "%s at %s" % (head, describe_x(xkey, next(iter(xs))))
    else:
        axes[0][0].set_ylabel("baseline_sync median / variant median")
        what = "%s: speedup vs baseline_sync over %s" % (
            head, XLABEL[xkey])
    fig.suptitle(what + " (above 1 is faster)")
    lay_out(fig, axes, len(xs) == 1)
    ch.add(fig, name + "-speedup", "Speedup", what)


# The cost model (issue 12, priced by shape as issue 15 asks): a chain
# backend's hot gap to the loop of the same shape, from the run's own
# microbenchmarks only, nothing fitted.  The loop pays a null syscall per
# system call; a chain pays its fixed cost once per file, the marginal cost
# of a getppid atom (the getppid call included) per system-call atom, and
# the marginal cost of a umem_add atom per cursor atom.  Both sides then run
# the same system call bodies, which cancel.  The least-squares line
# "ns/file = a + b * syscalls" it replaces fitted one slope across different
# mechanisms and came out negative: it is gone.
MODELLED = ("atoms-user", "atoms-kernel")


def chain_costs(run, backend):
    """(fixed, getppid atom, umem_add atom) ns of backend's chains from the
    run's null_atom_ns and null_umem_atom_ns (marginal costs); None for a
    part the run did not measure."""
    micro = (run.null_atom_ns or {}).get(backend) or {}
    umem = (run.null_umem_atom_ns or {}).get(backend) or {}
    return (rd.finite(micro.get("chain_fixed_ns")),
            rd.finite(micro.get("marginal_ns")),
            rd.finite(umem.get("marginal_ns")))


def predicted_gap(run, c, sync):
    """(predicted, how) of c's hot gap to sync (same shape, size, files),
    or (None, why)."""
    fixed, atom, umem = chain_costs(run, c.backend)
    c0 = run.null_syscall_ns
    sys_atoms, umem_atoms = rd.chain_atoms(c.shape, c.file_size, c.buf_size)
    calls = sync.per_file("syscalls_per_file")
    if None in (fixed, atom, c0, sys_atoms, calls) or (
            umem_atoms and umem is None):
        return None, ("needs the null-atom%s chain costs of %s and a null "
                      "syscall" % (" and umem_add" if umem_atoms else "",
                                   c.backend))
    v = fixed + sys_atoms * atom + umem_atoms * (umem or 0) - calls * c0
    how = "%.0f fixed + %d atoms x %.0f%s - %.3g syscalls x %.0f" % (
        fixed, sys_atoms, atom, " + %d umem_add x %.0f" % (umem_atoms, umem)
        if umem_atoms else "", calls, c0)
    return v, how


def model_rows(cs, run):
    """Per modelled variant at the largest hot file count: (variant, atoms
    by the shape, atoms counted, predicted gap, measured gap, residual,
    how); None without a hot baseline_sync."""
    hot = [c for c in cs if c.cache == "hot"]
    nmax = max((c.files for c in hot), default=0)
    sync = hot_at(cs, SYNC, nmax)
    if not sync:
        return None
    rows = []
    for c in sorted((c for c in hot if c.files == nmax and c.backend in
                     MODELLED), key=variant_key):
        v, how = predicted_gap(run, c, sync)
        sys_atoms, umem_atoms = rd.chain_atoms(c.shape, c.file_size,
                                               c.buf_size)
        measured = c.median_ns - sync.median_ns
        rows.append((c.variant, sys_atoms + umem_atoms,
                     c.per_file("atoms_per_file"), v, measured,
                     measured - v if v is not None else None, how))
    return nmax, rows


def chart_model_bars(ch, name, head, nmax, rows, what):
    """Predicted and measured gap per modelled variant, side by side."""
    fig, ax = plt.subplots(figsize=(max(7.5, 1.4 * len(rows) + 3), 4.4))
    x = np.arange(len(rows))
    ax.bar(x - 0.18, [r[3] or 0 for r in rows], 0.36, color="#0072B2",
           label="predicted from the microbenchmarks")
    ax.bar(x + 0.18, [r[4] for r in rows], 0.36, color="#999999",
           label="measured")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([r[0] for r in rows], rotation=20, ha="right")
    ax.set_ylabel("ns per file over baseline_sync (same shape), hot")
    ax.set_title("%s, %d files: chain gap to the loop, model vs measured"
                 % (head, nmax), fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="best")
    fig.tight_layout()
    ch.add(fig, name + "-model", "Cost model", what)


def chart_model(ch, name, head, cs, run):
    """The measured-terms model against the measured gaps: chart (where
    the run has the microbenchmarks) and table."""
    mr = model_rows(cs, run)
    if not mr or not mr[1]:
        return
    nmax, rows = mr
    what = "%s, %d files hot: cost model from measured terms" % (head, nmax)
    if any(r[3] is not None for r in rows):
        chart_model_bars(ch, name, head, nmax, rows, what)
    ch.add_table("Cost model", what,
                 ["variant", "atoms by the shape", "atoms counted",
                  "predicted gap", "measured gap", "residual", "terms (ns)"],
                 rows, "Gap = variant - baseline_sync of the same shape. "
                 "Predicted: a chain's fixed cost + its system-call atoms x "
                 "a getppid atom's marginal cost + its umem_add atoms x a "
                 "umem_add atom's, minus the loop's syscalls x a null "
                 "syscall, each from this run's null_atom_ns, "
                 "null_umem_atom_ns and null_syscall_ns; atoms per file "
                 "from the shape (email: open + reads + close; cursor: "
                 "plus one umem_add per block). Residual = measured - "
                 "predicted. Not modelled: atoms-uring (its atoms are "
                 "io_uring requests) and the clet backends (no "
                 "microbenchmark of an upcall).")


def shape_difference(run):
    """Per atom backend with both shapes, hot, one in flight, at every
    file size: (backend, size, files, predicted, measured, loop's own
    cursor - email), predicted = umem_add atoms x the backend's umem_add
    marginal cost.  Empty without both shapes."""
    by = {}
    for c in run.configs:
        if c.cache == "hot" and c.concurrency == 1 and c.median_ns:
            by[(c.backend, c.shape, c.file_size, c.files, c.buf_size)] = c
    out = []
    for (b, shape, size, files, buf), c in sorted(
            by.items(), key=lambda kv: (rd.backend_key(kv[0][0]),
                                        kv[0][2:])):
        if shape != "email" or b not in MODELLED:
            continue
        cur = by.get((b, "cursor", size, files, buf))
        umem = chain_costs(run, b)[2]
        if cur is None or umem is None:
            continue
        loop = [by.get((SYNC, sh, size, files, buf)) for sh in ("cursor",
                                                                 "email")]
        out.append((b, size, files, rd.chain_atoms("cursor", size, buf)[1]
                    * umem, cur.median_ns - c.median_ns,
                    loop[0].median_ns - loop[1].median_ns
                    if None not in loop else None))
    return out


def shape_table(ch, run):
    rows = shape_difference(run)
    if not rows:
        return
    ch.add_table("Chain shapes: cursor - email",
                 "%s: cursor - email per file, hot, one in flight"
                 % run_label(run),
                 ["backend", "file size", "files", "predicted",
                  "measured", "measured / predicted",
                  "baseline_sync cursor - email"],
                 [(b, rd.human_bytes(size), files, p, m,
                   m / p if p else None, loop)
                  for b, size, files, p, m, loop in rows],
                 "Predicted: the cursor shape's extra umem_add atoms "
                 "(one per block) x the backend's umem_add marginal cost "
                 "(null_umem_atom_ns, chains of umem_add atoms that store "
                 "no result, as the chain's; runs from before issue 15's "
                 "calibration change stored one, 7 ns per atom of "
                 "atoms-kernel under icount, and predict ~7% high); "
                 "measured: the backend's cursor median - its email "
                 "median. The loop's own difference (reads at a cursor vs "
                 "into one buffer) is beside it: how far two "
                 "configurations doing the same work differ in this run, "
                 "against which a difference of one atom (one block per "
                 "file) is to be read.")


def floor_table(ch, run):
    """The floor beside baseline_sync: per hot configuration of the empty
    backend, its ns per file and its share of baseline_sync's (same shape,
    files, size), as summary.md prints them."""
    by = {(c.backend, c.shape, c.file_size, c.files, c.buf_size): c
          for c in run.configs if c.cache == "hot" and c.median_ns}
    rows = []
    for (b, shape, size, files, buf), c in sorted(
            by.items(), key=lambda kv: (rd.shape_key(kv[0][1]),
                                        kv[0][2:])):
        if b != rd.FLOOR:
            continue
        sync = by.get((SYNC, shape, size, files, buf))
        rows.append((shape, rd.human_bytes(size), files, c.median_ns,
                     sync.median_ns if sync else None,
                     "%.1f%%" % (100 * c.median_ns / sync.median_ns)
                     if sync else None))
    if rows:
        ch.add_table("Floor", "%s: the floor (%s), hot, one in flight"
                     % (run_label(run), rd.FLOOR),
                     ["shape", "file size", "files", "floor ns/file",
                      "baseline_sync ns/file", "floor share of "
                      "baseline_sync"], rows,
                     "The floor walks the same paths with baseline_sync's "
                     "loop and per-file bookkeeping (the harness's done() "
                     "callback, the backend's counters and hooks) but makes "
                     "no system call: what the harness itself costs per "
                     "file, inside every backend's figure.")


def hot_at(cs, backend, files, conc=1):
    for c in cs:
        if c.backend == backend and c.cache == "hot" and c.files == files \
                and c.concurrency == conc:
            return c
    return None


# Backends whose interpreter runs a chain's atoms inside the one system call
# that submits it (their syscall count is one per chain): an atom costs
# them the whole null atom.  A user-space interpreter issues each syscall
# atom as a raw system call, already among its crossings, so an atom costs
# it the null atom minus a null syscall (null_atom_ns "overhead_ns").
ATOMS_IN_KERNEL = {"atoms-kernel"}


def atom_price(run, backend):
    """(ns, how) that one atom of backend adds beyond its crossings, from
    the run's own null-atom microbenchmark of that backend; (None, why)
    when the run has none (atoms-uring: its atoms are io_uring requests)."""
    micro = (run.null_atom_ns or {}).get(backend) or {}
    if backend in ATOMS_IN_KERNEL:
        v = rd.finite(micro.get("median"))
        how = "a null atom in the kernel"
    else:
        v = rd.finite(micro.get("overhead_ns"))
        how = "a null atom minus the null syscall it issues"
    if v is None:
        return None, "no null-atom cost of %s in results.json" % backend
    return v, how


def umem_price(run, backend):
    """(ns, how) of one umem_add atom of backend: its whole null umem_add
    atom (it issues no system call); (None, why) when not measured."""
    micro = (run.null_umem_atom_ns or {}).get(backend) or {}
    v = rd.finite(micro.get("median"))
    if v is None:
        # Runs from before null_umem_atom_ns: as those runs' reports did.
        v, how = atom_price(run, backend)
        return v, "not measured in this run, priced as a getppid atom: " \
            + how
    return v, "a null umem_add atom"


def decomposition(cs, run):
    """The overhead decomposition at the largest hot file count: (files,
    rows, prices) or None without a hot baseline_sync and a null syscall.
    Each row is (variant, work, crossings, atoms, model, hot, cold): work
    is baseline_sync's median without its crossings, crossings the
    variant's syscalls per file x the null syscall, atoms its atoms per
    file x its backend's atom_price() (0 when unpriced), model their sum,
    hot and cold the measured medians (cold None when not run).  prices is
    backend -> (ns or None, how) for the backends with atoms."""
    hot = [c for c in cs if c.cache == "hot"]
    nmax = max((c.files for c in hot), default=0)
    sync = hot_at(cs, SYNC, nmax)
    c0 = run.null_syscall_ns
    if not sync or not c0:
        return None
    work = sync.median_ns - (sync.per_file("syscalls_per_file") or 0) * c0
    cold = {c.variant: c.median_ns for c in cs if c.cache == "cold" and
            c.files == nmax}
    prices, rows = {}, []
    for c in sorted((c for c in hot if c.files == nmax), key=variant_key):
        atoms = c.per_file("atoms_per_file") or 0
        # The cursor shape's umem_add atoms (one per block) at their own
        # price; atoms-uring's atoms are io_uring requests, no umem_add.
        umem = rd.chain_atoms(c.shape, c.file_size, c.buf_size)[1] or 0 \
            if atoms and c.backend in MODELLED else 0
        if atoms and c.backend not in prices:
            prices[c.backend] = atom_price(run, c.backend)
        if umem and c.backend + " umem_add" not in prices:
            prices[c.backend + " umem_add"] = umem_price(run, c.backend)
        crossings = (c.per_file("syscalls_per_file") or 0) * c0
        atom_ns = (atoms - umem) * (prices[c.backend][0] or 0) + umem * (
            prices[c.backend + " umem_add"][0] or 0 if umem else 0) \
            if atoms else 0.0
        rows.append((c.variant, work, crossings, atom_ns,
                     work + crossings + atom_ns, c.median_ns,
                     cold.get(c.variant)))
    return nmax, rows, prices


def chart_decomposition(ch, name, head, cs, run):
    """Per variant at the largest hot file count, a bar built from the
    run's own unit costs (see decomposition()), and the same figures as a
    table.  Markers: the measured hot median (the gap to the bar is what
    the model lacks: upcalls, thread hand-off, io_uring machinery) and the
    cold median (cache misses)."""
    dec = decomposition(cs, run)
    if dec is None:
        return
    nmax, rows, prices = dec
    # Drawn above the work, which every variant shares: from zero the
    # work's bar dwarfed what the variants differ in.
    work = rows[0][1]
    parts = [("kernel crossings: syscalls x null syscall", "#56B4E9"),
             ("atoms: atoms x the backend's own null atoms", "#0072B2")]
    vals = np.array([r[2:4] for r in rows])
    fig, ax = plt.subplots(figsize=(max(7, 1.3 * len(rows) + 3), 4.8))
    x = np.arange(len(rows))
    bottom = np.zeros(len(rows))
    for k, (lab, col) in enumerate(parts):
        if vals[:, k].any():
            ax.bar(x, vals[:, k], 0.6, bottom=bottom, color=col, label=lab,
                   edgecolor="white", lw=0.5)
            bottom += vals[:, k]
    # Linear, so that the stacked parts keep their proportions; markers
    # far above (thread hand-off, cache misses) are pinned to the top edge
    # with their value written beside them.
    # Hot markers up to twice the tallest bar are drawn where they are.
    near = [r[5] - work for r in rows if r[5] - work <= 2 * bottom.max()]
    top = max([1.5 * bottom.max()] + [1.15 * y for y in near])
    # Hot markers sit left of the bar centre and higher, cold ones right and
    # lower, so that their pinned labels do not collide.
    for lab, face, edge, dx, ys in (
            ("measured, hot", "black", "black", -0.15,
             [r[5] - work for r in rows]),
            ("measured, cold (adds cache misses)", "none", "#D55E00", 0.15,
             [r[6] - work if r[6] is not None else None for r in rows])):
        pts = [(i + dx, y) for i, y in enumerate(ys) if y is not None]
        if not pts:
            continue
        pin = top * (0.97 if dx < 0 else 0.9)
        ax.scatter([i for i, _ in pts], [min(y, pin) for _, y in pts],
                   marker="D", facecolors=face, edgecolors=edge, zorder=4,
                   label=lab)
        for i, y in pts:
            if y > pin:
                ax.annotate("%.0f\u2191" % y, (i, pin),
                            xytext=(-7 if dx < 0 else 7, -3),
                            textcoords="offset points", fontsize=7,
                            color=edge, ha="right" if dx < 0 else "left")
    ax.set_ylim(min(0, 1.1 * min(r[5] - work for r in rows)), top)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([r[0] for r in rows], rotation=20, ha="right")
    ax.set_ylabel("ns per file above the work (%.0f ns:\nbaseline_sync "
                  "without its crossings)" % work)
    ax.set_title("%s, %d files: modelled cost (bars) vs measured (markers)"
                 % (head, nmax), fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=7.5, frameon=False, loc="upper left",
              bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    what = "%s, %d files hot: modelled overhead vs measured" % (head, nmax)
    ch.add(fig, name + "-decomposition", "Overhead decomposition", what)
    note = "Atoms priced per backend, from this run's null_atom_ns " \
        "(umem_add atoms from null_umem_atom_ns): " + \
        "; ".join("%s %s ns (%s)" % (b, fmt(v), how) if v is not None
                  else "%s not priced (%s)" % (b, how)
                  for b, (v, how) in sorted(prices.items(), key=lambda p:
                                            rd.backend_key(p[0].split()[0])))
    note += "."
    ch.add_table("Overhead decomposition", what,
                 ["variant", "work", "crossings", "atoms", "model",
                  "measured hot", "hot - model", "measured cold"],
                 [(r[0],) + tuple(r[1:6]) + (r[5] - r[4], r[6])
                  for r in rows], note)


def chart_trend(ch, history):
    """Median ns/file per configuration over the results directories'
    start times, for the configurations present in at least two.  history
    is [(start, runs of one directory)]."""
    series = {}
    for started, runs in history:
        for r in runs:
            for c in r.configs:
                if c.median_ns is not None and c.samples:
                    series.setdefault(c.key, []).append((started, c))
    series = {k: sorted(v, key=lambda p: p[0]) for k, v in series.items()
              if len(v) >= 2}
    if not series:
        return
    # Config.key: (target, accel, backend, shape, files, file_size,
    # buf_size, cache, concurrency).
    caches = sorted({k[7] for k in series}, key=rd.cache_key)
    stamps = sorted({started for started, _ in history})
    fig, axes = plt.subplots(1, len(caches), figsize=(5.6 * len(caches), 4.6),
                             sharey=True, squeeze=False)
    for ax, cache in zip(axes[0], caches):
        for k in sorted((k for k in series if k[7] == cache),
                        key=lambda k: (rd.backend_key(k[2]), k[8], k[4],
                                       rd.shape_key(k[3]))):
            pts = series[k]
            c = pts[-1][1]
            ax.plot([stamps.index(s) for s, _ in pts],
                    [p.median_ns for _, p in pts],
                    label="%s%s %d files" % (
                        "%s/%s " % (k[0], k[1]) if len(
                            {kk[:2] for kk in series}) > 1 else "",
                        c.variant, c.files),
                    **dict(style(c), alpha=0.35 + 0.65 * (
                        c.files == max(kk[4] for kk in series))))
        ax.set_xticks(range(len(stamps)))
        ax.set_xticklabels([s.replace("T", "\n").rstrip("Z")
                            for s in stamps], fontsize=7)
        ax.set_yscale("log")
        ax.set_title(CACHE_TITLE.get(cache, cache))
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("ns per file (median)")
    plain_log_y(axes)
    fig.suptitle("trend over %d results directories (configurations in "
                 "two or more)" % len(history))
    legend_below(fig, axes)
    ch.add(fig, "trend", "Trend", "median per configuration over time")


def measured_break_even(cs):
    """Where atoms-kernel's and clets-kernel's hot overhead per syscall of
    the synchronous loop cross, from a sweep over file sizes (reads per
    file) in this run, as the amortization chart draws it: (crossing or
    None, fewest reads, most reads, cheaper at the fewest), or None when
    the run has no sweep with both backends."""
    groups = {}
    for c in cs:
        if c.cache == "hot" and c.concurrency == 1 and c.median_ns:
            groups.setdefault((c.files, c.buf_size), {}).setdefault(
                c.backend, {})[c.file_size] = c
    best = None
    for (_, buf), by in groups.items():
        if not all(b in by for b in (SYNC, "atoms-kernel", "clets-kernel")):
            continue
        sizes = sorted(set(by[SYNC]) & set(by["atoms-kernel"]) &
                       set(by["clets-kernel"]))
        if len(sizes) >= 2 and (best is None or len(sizes) > len(best[1])):
            best = (buf, sizes, by)
    if best is None:
        return None
    buf, sizes, by = best
    curves = {}
    for b in ("atoms-kernel", "clets-kernel"):
        curves[b] = []
        for size in sizes:
            base = by[SYNC][size]
            calls = base.per_file("syscalls_per_file")
            if not calls or not buf:
                return None
            curves[b].append((size / buf, (by[b][size].median_ns -
                                           base.median_ns) / calls))
    ak, ck = curves["atoms-kernel"], curves["clets-kernel"]
    cheaper = "atoms-kernel" if ak[0][1] < ck[0][1] else "clets-kernel"
    return crossing(ak, ck), ak[0][0], ak[-1][0], cheaper


HOT_GAP = "hot gap model: atoms-kernel - baseline_sync, predicted"


def hot_gap_model(run, sync, kern):
    """The issue's check of the atom argument: does "crossings saved minus
    atoms x interpretation" explain atoms-kernel's hot gap to baseline_sync
    of the same shape?  Priced as the cost model (predicted_gap())."""
    name = HOT_GAP
    predicted, how = predicted_gap(run, kern, sync)
    if predicted is None:
        return (name, None, how + " (a run of this version)")
    measured = kern.median_ns - sync.median_ns
    off = (measured - predicted) / abs(measured) if measured else None
    return (name, predicted,
            "%s ns; measured %+.0f ns, the model %s"
            % (how, measured, "misses by %.0f%% of the gap" % (100 * abs(off))
               if off is not None else "cannot be compared (no gap)"))


def upcall_split(run, shape, files, buf):
    """(fixed, per read, fewest reads, most reads, sizes) of a least-squares
    line through clets-kernel - baseline_sync against reads per file over
    the run's file sizes (hot, one in flight, SHAPE, FILES, BUF), or None
    with fewer than two sizes."""
    by = {}
    for c in run.configs:
        if c.cache == "hot" and c.concurrency == 1 and c.median_ns and \
                c.shape == shape and c.files == files and \
                c.buf_size == buf and c.backend in (SYNC, "clets-kernel"):
            by.setdefault(c.file_size, {})[c.backend] = c
    pts = sorted((rd.reads_per_file(size, buf), d["clets-kernel"].median_ns
                  - d[SYNC].median_ns) for size, d in by.items()
                 if len(d) == 2)
    if len({x for x, _ in pts}) < 2:
        return None
    slope, fixed = np.polyfit([x for x, _ in pts], [y for _, y in pts], 1)
    return fixed, slope, pts[0][0], pts[-1][0], len(pts)


def lkml_table(run, cs):
    """Rows (quantity, value, how) for the argument: crossing vs atom vs
    upcall vs cache miss, from one run's configurations cs (one file size).
    The rows are the same for every run, in the same order; one the run
    cannot fill has value None and says what it needs and why; a verdict
    without a number (no crossing) is a string."""
    missing = run.backends_missing()

    def need(*backends):
        whys = []
        for b in backends:
            why = missing.get(b, KERNEL_MISSING if b.endswith("-kernel")
                              else "not in this run")
            whys.append("needs %s: %s" % (b, why))
        return None, "; ".join(whys)

    hot = [c for c in cs if c.cache == "hot"]
    nmax = max((c.files for c in hot), default=0)
    sync = hot_at(cs, SYNC, nmax)
    costs = {}
    rows = []
    c0 = run.null_syscall_ns
    if c0:
        ns = run.meta.get("null_syscall_ns") or {}
        rows.append(("one kernel crossing (null syscall, getppid)", c0,
                     "%.0f-%.0f ns 95%% CI, calibrated"
                     % (ns.get("ci_lo") or 0, ns.get("ci_hi") or 0)))
    else:
        rows.append(("one kernel crossing (null syscall, getppid)", None,
                     "not measured in this run"))

    name = "interpreting one atom, user space"
    user = hot_at(cs, "atoms-user", nmax)
    if user and sync and user.per_file("atoms_per_file"):
        v = (user.median_ns - sync.median_ns) / user.per_file(
            "atoms_per_file")
        costs["atom_user"] = max(v, 0.0)
        rows.append((name, v, "(atoms-user - baseline_sync) / %.3g atoms "
                     "per file, hot, %d files"
                     % (user.per_file("atoms_per_file"), nmax)))
    else:
        rows.append((name,) + need("atoms-user"))
    for backend, name, how in (
            ("atoms-user", "interpreting one null atom, user space "
             "(microbenchmark)", "null_atom_ns: a getppid atom minus a "
             "getppid syscall, %s-atom chain"),
            ("atoms-kernel", "a null atom in the kernel against the "
             "syscall it stands for (microbenchmark)", "null_atom_ns: a "
             "getppid atom minus a getppid syscall, %s-atom chain; below 0:"
             " the atom is cheaper")):
        micro = (run.null_atom_ns or {}).get(backend) or {}
        if rd.finite(micro.get("overhead_ns")) is not None:
            rows.append((name, micro["overhead_ns"],
                         how % micro.get("chain_atoms", "?")))
        elif backend in missing or backend.endswith("-kernel"):
            rows.append((name,) + need(backend))
        else:
            rows.append((name, None, "needs the null-atom cost of %s (a "
                         "run of this version)" % backend))
    kern = hot_at(cs, "atoms-kernel", nmax)
    if kern and sync and kern.per_file("atoms_per_file"):
        saved = (sync.per_file("syscalls_per_file") or 0) - \
            (kern.per_file("syscalls_per_file") or 0)
        v = (kern.median_ns - sync.median_ns + saved * (c0 or 0)) / \
            kern.per_file("atoms_per_file")
        costs["atom_kernel"] = v
        rows.append(("interpreting one atom, in the kernel", v,
                     "(atoms-kernel - baseline_sync + crossings saved x "
                     "null syscall) / atoms per file, hot, %d files" % nmax))
        rows.append(("kernel crossings saved per file by the chain", saved,
                     "baseline_sync - atoms-kernel syscalls per file"))
        rows.append(hot_gap_model(run, sync, kern))
    else:
        for name in ("interpreting one atom, in the kernel",
                     "kernel crossings saved per file by the chain",
                     HOT_GAP):
            rows.append((name,) + need("atoms-kernel"))

    name = "one clet upcall round trip, thread pool (stand-in)"
    clet = hot_at(cs, "clets-threads", nmax)
    if clet and sync:
        per = clet.per_file("upcalls_per_file") or 1.0
        v = (clet.median_ns - sync.median_ns) / per
        costs["upcall"] = max(v, 0.0)
        rows.append((name, v, "(clets-threads/c1 - baseline_sync) / %.3g "
                     "upcalls per file, hot, %d files" % (per, nmax)))
    else:
        rows.append((name,) + need("clets-threads"))
    name = "one clet upcall round trip, in the kernel: fixed part"
    per_read = "a read() while a clet is active, in the kernel: per-read part"
    ckern = hot_at(cs, "clets-kernel", nmax)
    split = upcall_split(run, cs[0].shape, nmax, cs[0].buf_size) \
        if ckern and sync else None
    if split:
        fixed, slope, lo, hi, n = split
        costs["upcall_kernel"] = fixed
        how = ("clets-kernel - baseline_sync = fixed + per read x reads per "
               "file, least squares over %d file sizes (%d-%d reads), hot, "
               "%d files" % (n, lo, hi, nmax))
        rows.append((name, fixed, how))
        rows.append((per_read, slope, how))
    elif ckern and sync:
        per = ckern.per_file("upcalls_per_file") or 1.0
        costs["upcall_kernel"] = (ckern.median_ns - sync.median_ns) / per
        rows.append((name, costs["upcall_kernel"], "fixed and per-read "
                     "parts together: (clets-kernel - baseline_sync) / "
                     "upcalls per file, hot, %d files (one file size: a "
                     "sweep over sizes splits them)" % nmax))
        rows.append((per_read, None, "needs clets-kernel at two or more "
                     "file sizes"))
    else:
        rows.append((name,) + need("clets-kernel"))
        rows.append((per_read,) + need("clets-kernel"))

    cold_sync = next((c for c in cs if c.backend == SYNC and c.cache ==
                      "cold" and c.files == nmax), None)
    if sync and cold_sync:
        rows.append(("one cache miss, blocking (per file)",
                     cold_sync.median_ns - sync.median_ns,
                     "baseline_sync cold - hot, %d files" % nmax))
        rows.append(("hot vs cold, baseline_sync", cold_sync.median_ns /
                     sync.median_ns, "ratio cold / hot (%.0f vs %.0f ns)"
                     % (cold_sync.median_ns, sync.median_ns)))
    else:
        for name in ("one cache miss, blocking (per file)",
                     "hot vs cold, baseline_sync"):
            rows.append((name, None, "needs a cold-cache baseline_sync run "
                         "(-c hot,cold)"))
    name = "one cachemiss thread wake-up (atoms-kernel)"
    cold_k = next((c for c in cs if c.backend == "atoms-kernel" and
                   c.cache == "cold" and c.files == nmax), None)
    if kern and cold_k and cold_k.per_file("cachemisses_per_file"):
        rows.append((name, (cold_k.median_ns - kern.median_ns) /
                     cold_k.per_file("cachemisses_per_file"),
                     "atoms-kernel cold - hot / cachemisses per file, "
                     "%d files" % nmax))
    elif kern:
        rows.append((name, None, "needs a cold-cache atoms-kernel run "
                     "(-c hot,cold) that went async"))
    else:
        rows.append((name,) + need("atoms-kernel"))

    # Break-even chain length L: measured, where the run sweeps the file
    # size (run_all.sh's icount run), else from the per-file costs.
    # Kernel backends in the model: a chain of L atoms costs one crossing
    # + L in-kernel atoms; a clet one upcall + L real syscalls.  Stand-ins:
    # atoms-user costs L (crossing + interpretation), clets-threads one
    # upcall + L crossings, so they break even at L = upcall /
    # interpretation.
    sweep = measured_break_even([c for c in run.configs
                                 if c.shape == cs[0].shape])
    name = "break-even chain length, clets-kernel vs atoms-kernel"
    if sweep:
        x, lo, hi, cheaper = sweep
        other = ("clets-kernel" if cheaper == "atoms-kernel"
                 else "atoms-kernel")
        if x:
            rows.append((name, x, "reads per file where the hot overhead "
                         "per syscall crosses, measured over %g-%g reads: "
                         "%s is cheaper below, %s above"
                         % (lo, hi, cheaper, other)))
        else:
            rows.append((name, "none", "measured over %g-%g reads per file: "
                         "no crossing, %s is cheaper throughout"
                         % (lo, hi, cheaper)))
    elif "atom_kernel" in costs and "upcall_kernel" in costs and c0:
        a, u = costs["atom_kernel"], costs["upcall_kernel"]
        # atoms - clets at chain length L: (c0 - u) + L (a - c0).
        v = (u - c0) / (a - c0) if a != c0 else None
        below = "atoms-kernel" if a > c0 else "clets-kernel"
        above = "clets-kernel" if a > c0 else "atoms-kernel"
        if v is not None and v > 0:
            rows.append((name, v, "model, L where 1 crossing + L atoms = "
                         "1 upcall + L crossings: %s is cheaper below, %s "
                         "above (a sweep over file sizes measures it)"
                         % (below, above)))
        else:
            # No positive L: one side is cheaper at every chain length.
            rows.append((name, "none", "model: %s is cheaper at every "
                         "chain length (1 crossing + L atoms vs 1 upcall + "
                         "L crossings; a sweep over file sizes measures it)"
                         % above))
    else:
        rows.append((name,) + need("atoms-kernel", "clets-kernel"))
    name = "break-even chain length, stand-ins (clets-threads vs atoms-user)"
    if costs.get("atom_user") and "upcall" in costs:
        rows.append((name, costs["upcall"] / costs["atom_user"],
                     "L = upcall / atom interpretation: atoms-user is "
                     "cheaper below, clets-threads above"))
    else:
        rows.append((name, None, "needs atoms-user dearer than "
                     "baseline_sync and clets-threads, hot"))
    return rows


# Accelerators in the order the argument table takes its rows from: icount
# repeats exactly, KVM runs at hardware speed, TCG emulates.
ACCEL_ORDER = ["icount", "kvm", "tcg", "native"]


def run_rank(run):
    """Runs with the kernel backends first, then by ACCEL_ORDER."""
    kernel = any(c.backend.endswith("-kernel") and c.samples
                 for c in run.configs)
    accel = ACCEL_ORDER.index(run.accel) if run.accel in ACCEL_ORDER \
        else len(ACCEL_ORDER)
    return (not kernel, accel, run.target, run.path)


def run_label(run):
    return "%s (%s)" % (run.target, run.accel)


def primary_group(groups):
    """The group the argument table reads: the email shape where the run
    has it (the seed's chain), then the file size with most
    configurations, the smallest file size on a tie (one read per file,
    as in the 2007 email)."""
    return min(groups.items(), key=lambda kv: (
        rd.shape_key(kv[0][4]), -len(kv[1]), kv[0][2], kv[0][3]))


def argument_table(tables):
    """One table from the per-run tables [(source, rows, cursor rows or
    None)], in run_rank() order: each row from the first run that fills
    it, else the first run's reason.  Rows are (quantity, value, the same
    in the cursor shape, how, source); the cursor value is the picked
    run's, where it ran both shapes."""
    out = []
    for i, (q, v, how) in enumerate(tables[0][1]):
        pick = next(((src, rows[i], cur) for src, rows, cur in tables
                     if rows[i][1] is not None), None)
        if pick:
            cur = pick[2][i][1] if pick[2] else None
            out.append((q, pick[1][1], cur, pick[1][2], pick[0]))
        else:
            out.append((q, None, None, how, tables[0][0]))
    return out


def fmt(v):
    if v is None:
        return "&mdash;"
    if isinstance(v, str):
        return html.escape(v)
    if abs(v) >= 100:
        return "%.0f" % v
    return "%.3g" % v


def html_table(header, rows, missing_row=None):
    """A table; cells that are numbers (or None) are right-aligned."""
    e = html.escape
    out = ["<table><tr>%s</tr>" % "".join("<th>%s</th>" % e(h)
                                          for h in header)]
    for r in rows:
        cells = []
        for v in r:
            if v is None or isinstance(v, (int, float)):
                cells.append("<td class='n'>%s</td>" % fmt(v))
            else:
                cells.append("<td>%s</td>" % e(v))
        out.append("<tr%s>%s</tr>" % (
            " class='missing'" if missing_row and missing_row(r) else "",
            "".join(cells)))
    out.append("</table>")
    return out


def run_line(run):
    e = html.escape
    m = run.meta
    return ("<code>%s</code>: %s/%s, started %s on %s (%s, %s CPUs, kernel "
            "%s), %s, commit %s%s" % (
                e(run.path), e(run.target), e(run.accel), e(run.started),
                e(str(m.get("hostname"))), e(str(m.get("cpu_model"))),
                e(str(m.get("cpus"))), e(str(m.get("kernel_release"))),
                e(str(m.get("compiler"))), e(str(m.get("git_commit"))),
                "; <b>incomplete run</b>" if run.incomplete else ""))


def crossing_section(run_dir, runs, outdir):
    """(LKML rows by crossing price, [(title, file name, PNG bytes)]) from
    RUN_DIR/crossing-sweep, or None without a sweep."""
    summary = crossing_report.load(run_dir)
    if summary is None:
        return None
    figs = []
    sizes = sorted({c["file_size"] for p in summary["points"]
                    for c in p["configs"]})
    for size in sizes:
        base = os.path.join(outdir, "crossing-%s" % rd.human_bytes(size))
        for png in crossing_chart.chart(summary, size, base, ["png"]):
            with open(png, "rb") as f:
                figs.append(("speed-up against the crossing cost, hot, %s"
                             % rd.human_bytes(size), os.path.basename(png),
                             f.read()))
    return crossing_report.lkml_rows(summary, runs), figs


def write_html(path, title, runs, history, table, items, crossing=None):
    e = html.escape
    out = ["<!DOCTYPE html>", "<html><head><meta charset='utf-8'>",
           "<title>%s</title>" % e(title), "<style>",
           "body{font-family:sans-serif;max-width:1200px;margin:1em auto;"
           "padding:0 1em;color:#222}",
           "table{border-collapse:collapse;margin:0.5em 0 1.5em}",
           "td,th{border:1px solid #ccc;padding:3px 8px;font-size:90%}",
           "td.n{text-align:right;font-variant-numeric:tabular-nums}",
           "tr.missing td{color:#888}",
           "img{max-width:100%;border:1px solid #eee;margin:0.3em 0}",
           "</style></head><body>", "<h1>%s</h1>" % e(title)]
    out.append("<p>%s:</p><ul>" % ("Runs" if len(runs) > 1 else "Run"))
    out += ["<li>%s.</li>" % run_line(r) for r in runs]
    out.append("</ul>")
    if len(history) > 1:
        out.append("<p>History: %d results directories, %s to %s.</p>" % (
            len(history), e(history[0][0]), e(history[-1][0])))
    out.append("<h2>The argument in numbers</h2>")
    out.append("<p>Ingo: atoms save kernel crossings. Davide: a clet upcall "
               "costs about a crossing, and C does the chaining. Each row "
               "(ns unless stated) comes from the first of these runs that "
               "can fill it, the ones with the kernel backends first and "
               "icount first among them, as it repeats: "
               "the <i>measured in</i> column says which, and in which "
               "chain shape: the email's (every read into one buffer, the "
               "seed's self-linked read atom) where the run has it. The "
               "<i>cursor shape</i> column gives the same quantity where "
               "that run also read at a cursor (a chain then pays one "
               "umem_add atom per block). A greyed row needs a backend no "
               "run has. The fitted &quot;cost model: a + b x "
               "syscalls&quot; rows are gone (their slope came out "
               "negative: one line across different mechanisms); the "
               "<i>hot gap model</i> row and each run's <i>Cost model</i> "
               "table price the same gap from measured terms instead.</p>")
    out += html_table(["quantity", "value", "cursor shape", "how",
                       "measured in"], table, lambda r: r[1] is None)
    if crossing:
        rows, figs = crossing
        out.append("<h2>The verdict against the crossing cost</h2>")
        out.append("<p>%s. Who wins at three published prices of a null "
                   "system call (cycles, drawn as instructions), hot from "
                   "the crossing-cost sweep, cold from this run's guest "
                   "cold configurations moved to each price by their "
                   "counted crossings. %s</p>"
                   % (e(crossing_model.SIMULATED), e(crossing_model.HONESTY)))
        out += html_table(crossing_report.header(), rows)
        for ttl, fname, png in figs:
            out.append("<figure><img alt='%s' src='data:image/png;base64,%s'>"
                       "<figcaption>%s, %s (<a href='%s'>%s</a>)"
                       "</figcaption></figure>" % (
                           e(ttl), base64.b64encode(png).decode(), e(ttl),
                           e(crossing_model.SIMULATED), e(fname), e(fname)))
    section, kind = None, None
    for sec, knd, ttl, fname, item in items:
        if sec != section:
            out.append("<h2>%s</h2>" % e(sec))
            section, kind = sec, None
        if knd != kind:
            out.append("<h3>%s</h3>" % e(knd))
            kind = knd
        if fname is None:
            header, rows, note = item
            out.append("<p>%s (ns per file)</p>" % e(ttl))
            out += html_table(header, rows)
            out.append("<p>%s</p>" % e(note))
            continue
        out.append("<figure><img alt='%s' src='data:image/png;base64,%s'>"
                   "<figcaption>%s (<a href='%s'>%s</a>)</figcaption>"
                   "</figure>" % (e(ttl), base64.b64encode(item).decode(),
                                  e(ttl), e(fname), e(fname)))
    out.append("</body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def draw_run(ch, run):
    """Every chart of one run, one set per chain shape and file size (and
    buffer size); returns (argument rows from its primary_group(), the
    same rows of the cursor shape at that size or None, source)."""
    ch.section = "%s: %s" % (run_label(run), run.path)
    groups = groups_of(run)
    shapes = sorted({k[4] for k in groups}, key=rd.shape_key)
    sweeps = {}
    for shape in shapes:
        sweep = sweeps[shape] = sweep_of(run, shape)
        if sweep:
            name = "%s-%s-%dfiles" % (run.target, run.accel, sweep[0].files)
            if run.shaped:
                name += "-" + shape
            head = "%s, %d files, %s" % (run_label(run), sweep[0].files,
                                         shape_head(run, shape))
            chart_latency(ch, name, head, sweep, "file_size")
            chart_speedup(ch, name, head, sweep, "file_size")
    for key, cs in sorted(groups.items(), key=lambda kv: (
            rd.shape_key(kv[0][4]), kv[0][2:4])):
        _, _, fsize, bsize, shape = key
        sweep = sweeps[shape]
        name = "%s-%s-%s" % (run.target, run.accel, rd.human_bytes(fsize))
        head = "%s, %s files" % (run_label(run), rd.human_bytes(fsize))
        if len({k[3] for k in groups}) > 1:
            name += "-buf" + rd.human_bytes(bsize)
            head += ", %s buffer" % rd.human_bytes(bsize)
        if run.shaped:
            name += "-" + shape
        head += ", " + shape_head(run, shape)
        # A file size the sweep covers at its one file count is drawn there.
        if not (sweep and {c.files for c in cs} == {sweep[0].files}):
            chart_latency(ch, name, head, cs)
            chart_speedup(ch, name, head, cs)
        chart_hot_cold(ch, name, head, cs)
        chart_model(ch, name, head, cs, run)
        chart_decomposition(ch, name, head, cs, run)
    shape_table(ch, run)
    floor_table(ch, run)
    key, cs = primary_group(groups)
    rows = lkml_table(run, cs)
    cursor = groups.get(key[:4] + ("cursor",)) if key[4] != "cursor" \
        else None
    cursor_rows = lkml_table(run, cursor) if cursor else None
    diff = shape_row(run, key)
    rows.append(diff)
    if cursor_rows:
        cursor_rows.append((diff[0], None, ""))
    return rows, cursor_rows, "%s, %s files, %s" % (
        run_label(run), rd.human_bytes(key[2]), shape_head(run, key[4]))


SHAPE_ROW = "cursor - email per file, atoms-kernel, measured"


def shape_row(run, key):
    """The argument's row on the chain shape: atoms-kernel cursor - email at
    the table's file size, and the umem_add model's prediction."""
    for b, size, files, pred, meas, loop in shape_difference(run):
        if b == "atoms-kernel" and size == key[2]:
            return (SHAPE_ROW, meas, "predicted %.0f (%d umem_add atoms x "
                    "%.0f ns, null_umem_atom_ns marginal): measured / "
                    "predicted %.2f; hot, %d files, one in flight"
                    % (pred, rd.chain_atoms("cursor", size, key[3])[1],
                       chain_costs(run, b)[2], meas / pred if pred else
                       float("nan"), files))
    return (SHAPE_ROW, None, "needs a run of both chain shapes with "
            "atoms-kernel, and its null umem_add chain (a run of this "
            "version)")


def main(argv):
    ap = argparse.ArgumentParser(prog="report.py", description=__doc__
                                 .split("\n")[0])
    ap.add_argument("dirs", metavar="DIR", nargs="+")
    ap.add_argument("-o", "--outdir", metavar="OUTDIR")
    ap.add_argument("--title", default="sysletbench report")
    opt = ap.parse_args(argv)
    try:
        trees = [rd.load_tree(d) for d in opt.dirs]
    except rd.ResultsError as e:
        sys.stderr.write("report: %s\n" % e)
        return 2
    # A directory's time is its own run's (the host run, started first).
    history = sorted(((t[0].started, t) for t in trees), key=lambda h: h[0])
    top = history[-1][1][0]
    runs = [r for r in sorted(history[-1][1], key=run_rank) if groups_of(r)]
    if not runs:
        sys.stderr.write("report: %s: no configuration with a result\n"
                         % top.path)
        return 1
    outdir = opt.outdir or os.path.join(top.path, "report")
    os.makedirs(outdir, exist_ok=True)
    ch = Charts(outdir)
    tables = []
    for run in runs:
        rows, cursor_rows, source = draw_run(ch, run)
        tables.append((source, rows, cursor_rows))
    ch.section = "History"
    chart_trend(ch, history)
    path = os.path.join(outdir, "report.html")
    write_html(path, opt.title, runs, history, argument_table(tables),
               ch.items, crossing_section(top.path, history[-1][1], outdir))
    sys.stderr.write("report: %s (%d charts)\n" % (path, ch.count()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
