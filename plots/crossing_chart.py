#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Charts of a crossing-cost sweep: per file size, speed-up over
baseline_sync against the measured null syscall (log x), one line per
backend and concurrency (atoms-kernel in both chain shapes), the model's
predictions thin beside them, break-evens marked, and vertical marks for
published machines and for the host the sweep ran on.

Usage: crossing_chart.py SWEEP_DIR [-o OUTDIR] [--format png,svg]

SWEEP_DIR is results/<run>/crossing-sweep/ (summary.json); OUTDIR defaults
to SWEEP_DIR/charts.  Published figures are cycles (sources in README.md,
"What the numbers say"); the x axis is icount nanoseconds, i.e.
instructions, so a published cycle count is drawn as that many
instructions (IPC 1, icount's own assumption).  The host's null syscall is
in ns (no PMU to count cycles here) and is drawn as that many
instructions: 1 ns = 1 instruction, as under icount; say so beside it.

Needs matplotlib: without it in this interpreter, runs itself again under
$SYSLETBENCH_SYSTEM_PYTHON (default /usr/bin/python3) or exits 3 with the
package to install.  Exit 2 on bad input.
"""
import argparse
import json
import os
import subprocess
import sys

try:
    import matplotlib
except ImportError:
    system = os.environ.get("SYSLETBENCH_SYSTEM_PYTHON", "/usr/bin/python3")
    if not os.environ.get("SYSLETBENCH_CHART_REEXEC") and os.access(
            system, os.X_OK) and subprocess.call(
            [system, "-c", "import matplotlib"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL) == 0:
        os.environ["SYSLETBENCH_CHART_REEXEC"] = "1"
        os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
    sys.stderr.write("crossing_chart.py: needs matplotlib: apt-get install "
                     "python3-matplotlib\n")
    sys.exit(3)
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as ticker  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crossing_model as cm  # noqa: E402
import results_data as rd  # noqa: E402

# (label, null syscall in cycles): the published machines of issue 12,
# sources in README.md.
PUBLISHED = [
    ("E5-2667v4, PTI off (Garloff 2018)", 140),
    ("E5-2667v4, PTI+PCID", 580),
    ("E5-2667v4, PTI no PCID", 900),
    ("E5-2667v4, IBRS", 2380),
    ("i7-9700K KVM guest, defaults (Unikraft)", 605),
]
DASH = {1: (0, (4, 2)), 16: "-"}


def variants_of(points, size):
    names = set()
    for p in points:
        for c in p["configs"]:
            if c["file_size"] == size and c["backend"] != cm.SYNC:
                names.add(cm.variant(c))
    return sorted(names, key=lambda n: (rd.backend_key(n.split("/")[0]),
                                        n.endswith("cursor"), n))


def chart(summary, size, out_base, formats):
    points, model = summary["points"], summary["model"]
    xs = [p["null_syscall_ns"] for p in points]
    lo, hi = min(xs + [120]) * 0.9, max(xs) * 1.15
    fig, ax = plt.subplots(figsize=(11, 6.6))
    ax.axhline(1.0, color="#555555", lw=0.8)
    for name in variants_of(points, size):
        b, conc = name.split("/")[0], int(name.split("/")[1][1:])
        cursor = name.endswith("cursor")
        col = rd.BACKEND_COLOR.get(b, "#888888")
        ser = cm.speedup_series(points, name)
        ax.plot([x for x, _ in ser], [y for _, y in ser],
                color=col, ls=DASH.get(conc, "-"), lw=2.0,
                marker="D" if cursor else ("o" if conc == 1 else "s"),
                ms=4, mfc="white" if cursor else col,
                label=name.replace("/cursor", " (cursor shape)"))
        grid = [lo * (hi / lo) ** (i / 60) for i in range(61)]
        pred = [(x, cm.predict_speedup(model, name, x)) for x in grid]
        pred = [(x, y) for x, y in pred if y]
        ax.plot([x for x, _ in pred], [y for _, y in pred], color=col,
                lw=0.7, ls=":", alpha=0.9)
        be = summary["break_even"].get(name) or {}
        if be.get("measured_ns"):
            ax.plot([be["measured_ns"]], [1.0], marker="X", color=col,
                    ms=10, mec="black", mew=0.6, zorder=5)
        if be.get("predicted_ns") and lo < be["predicted_ns"] < hi:
            ax.plot([be["predicted_ns"]], [1.0], marker="|", color=col,
                    ms=14, mew=1.5, zorder=5)
    ymin, ymax = ax.get_ylim()
    marks = list(PUBLISHED)
    host = summary.get("host_null_syscall_ns")
    if host:
        marks.append(("this host, %.0f ns (1 ns = 1 insn)" % host, host))
    for i, (label, x) in enumerate(sorted(marks, key=lambda m: m[1])):
        ax.axvline(x, color="#999999", lw=0.8, ls="--", zorder=0)
        ax.text(x * 1.02, ymax - (ymax - ymin) * (0.03 + 0.055 * (i % 6)),
                label, fontsize=7, color="#444444", va="top")
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_formatter(ticker.ScalarFormatter())
    ax.set_xticks([128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072,
                   4096])
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xlabel("null syscall measured at each point, ns under icount = "
                  "instructions (published cycles drawn 1:1)")
    ax.set_ylabel("speed-up over baseline_sync (same shape)")
    ax.set_title("Hot, 100 files of %s: speed-up against the crossing cost\n"
                 "guest, %s" % (rd.human_bytes(size), cm.SIMULATED),
                 fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    leg = ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.text(0.01, 0.01, "thick: measured; dotted: model fitted at the native "
             "point; X: measured break-even, |: model's. The model ignores "
             "TLB/cache pollution after a crossing (FlexSC).", fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    paths = []
    for fmt in formats:
        path = "%s.%s" % (out_base, fmt)
        fig.savefig(path, dpi=110, bbox_extra_artists=(leg,),
                    bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sweep_dir")
    ap.add_argument("-o", "--out")
    ap.add_argument("--format", default="png,svg")
    a = ap.parse_args()
    try:
        with open(os.path.join(a.sweep_dir, "summary.json")) as f:
            summary = json.load(f)
        sizes = sorted({c["file_size"] for p in summary["points"]
                        for c in p["configs"]})
    except (OSError, ValueError, KeyError) as e:
        sys.stderr.write("crossing_chart.py: %s\n" % e)
        return 2
    out = a.out or os.path.join(a.sweep_dir, "charts")
    os.makedirs(out, exist_ok=True)
    for size in sizes:
        for p in chart(summary, size, os.path.join(
                out, "crossing-%s" % rd.human_bytes(size)),
                a.format.split(",")):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
