#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Collect a crossing-cost sweep (harness/guest/sweep.sh) into
OUT/crossing-sweep/: each point's results directories (the harness's own
format, labelled with the knob and the measured null syscall), summary.json
(points[], the model fitted at the native point, break_even{} measured vs
predicted, the checks of issue 12) and summary.md.

    sweep_collect.py SWEEP_DIR GUEST_DIR [--seconds S] [--load L]
        [--reps N] [--bracket NAME=DIR]... [--host-null-ns NS]

GUEST_DIR holds the guest disk's results/ (pNN/NAME/<run>/ and
pNN/point.json) and run-guest.sh's guest.json.  Standard library only.
Exit 2 on bad input.
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "plots"))
import crossing_model as cm  # noqa: E402
import results_data as rd  # noqa: E402


def write_json(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(json.dumps(doc, indent=1) + "\n")
    os.replace(tmp, path)


def run_dirs(point_dir):
    """{NAME: the one results directory the harness wrote under NAME}."""
    out = {}
    for name in sorted(os.listdir(point_dir)):
        d = os.path.join(point_dir, name)
        if os.path.isdir(d):
            out[name] = rd.resolve(d)
    return out


def config_row(c):
    """A configuration of summary.json from a results_data.Config."""
    return {
        "backend": c.backend, "shape": c.shape,
        "concurrency": c.concurrency, "file_size": c.file_size,
        "ns_per_file": c.median_ns,
        "ci_lo": c.ci_lo_ns, "ci_hi": c.ci_hi_ns,
        "crossings_per_file": c.per_file("syscalls_per_file"),
        "atoms_per_file": c.per_file("atoms_per_file"),
        "upcalls_per_file": c.per_file("upcalls_per_file"),
        "samples": len(c.samples),
    }


def collect_point(sweep_dir, guest_dir, pdir, provenance):
    with open(os.path.join(pdir, "point.json")) as f:
        point = json.load(f)
    label = "point-%s-knob%d" % (os.path.basename(pdir)[1:], point["knob"])
    out_dir = os.path.join(sweep_dir, label)
    null_ns, null_atom, configs = None, {}, []
    for name, jpath in run_dirs(pdir).items():
        run = rd.load(jpath)
        with open(jpath) as f:
            doc = json.load(f)
        doc["guest"] = provenance
        doc["crossing_sweep"] = {
            "knob": point["knob"], "point": point["point"],
            "null_syscall_ns": run.null_syscall_ns,
            "calibration": point["calibration"],
            "note": cm.SIMULATED,
        }
        dst = os.path.join(out_dir, name)
        if os.path.isdir(dst):
            shutil.rmtree(dst)
        shutil.copytree(os.path.dirname(jpath), dst)
        write_json(os.path.join(dst, "results.json"), doc)
        # The email run's null syscall is the point's x (the cursor run
        # measures it again, in the same boot and at the same knob).
        if null_ns is None or name == "email":
            null_ns = run.null_syscall_ns
            null_atom = {
                b: {k: v.get(k) for k in ("median", "marginal_ns",
                                          "chain_fixed_ns")}
                for b, v in run.null_atom_ns.items()}
        for c in run.configs:
            if c.cache == "hot" and not c.error:
                configs.append(config_row(c))
    # speed-ups from the same shape's loop of the same run
    for c in configs:
        sync = [s for s in configs if s["backend"] == cm.SYNC
                and s["shape"] == c["shape"]
                and s["file_size"] == c["file_size"]]
        c["speedup_vs_sync"] = (sync[0]["ns_per_file"] / c["ns_per_file"]
                                if sync and c["ns_per_file"] else None)
    return {"point": point["point"], "knob": point["knob"],
            "null_syscall_ns": null_ns, "null_atom_ns": null_atom,
            "dir": label, "configs": configs}


def bracket_entry(name, guest_dir):
    pdir = os.path.join(guest_dir, "results", "p00")
    run = rd.load(run_dirs(pdir)["null"])
    with open(os.path.join(guest_dir, "guest.json")) as f:
        prov = json.load(f)
    return {"boot": name, "accel": "tcg (wall clock)",
            "null_syscall_ns": run.null_syscall_ns,
            "baseline_sync_4KiB_ns": next(
                (c.median_ns for c in run.configs
                 if c.backend == cm.SYNC), None),
            "qemu": prov.get("qemu_version", "")}


def markdown(summary):
    pts = summary["points"]
    names = sorted(summary["model"]["terms"], key=lambda n: (
        cm.size_of(n), n.endswith("cursor"),
        rd.backend_key(n.split("/")[0]), n))
    lines = ["# Crossing-cost sweep: %s" % cm.SIMULATED, "",
             cm.HONESTY, "",
             "One icount boot, %d points, %s reps per configuration, %s s "
             "(host load %s)." % (len(pts), summary["reps"],
                                  summary["seconds"], summary["host_load"]),
             "", "## Speed-up over baseline_sync (measured / model)", ""]
    head = "| variant | " + " | ".join(
        "%.0f ns (knob %d)" % (p["null_syscall_ns"], p["knob"])
        for p in pts) + " |"
    lines += [head, "|---" * (len(pts) + 1) + "|"]
    model = summary["model"]
    for n in names:
        cells = []
        for x, s in cm.speedup_series(pts, n):
            p = cm.predict_speedup(model, n, x)
            cells.append("%.2f / %.2f" % (s, p) if s and p else "-")
        lines.append("| %s | %s |" % (n, " | ".join(cells)))
    lines += ["", "## Break-even null syscall, ns (measured / model)", "",
              "| variant | measured | model |", "|---|---|---|"]
    for n, be in sorted(summary["break_even"].items()):
        lines.append("| %s | %s | %s |" % (
            n, "never in range" if be["measured_ns"] is None
            else "%.0f" % be["measured_ns"],
            "none" if be["predicted_ns"] is None
            else "%.0f" % be["predicted_ns"]))
    lines += ["", "## Model terms at the native point (ns per file)", "",
              "Crossings: counted by the backend per file (the model's "
              "slope); swept: the slope of ns per file against the null "
              "syscall over every point (the crossings it really pays).",
              "",
              "| variant | ns | work | crossings | x C0 | mechanism "
              "| swept |",
              "|---|---|---|---|---|---|---|"]
    for n in names:
        t = model["terms"][n]
        sl = summary["swept_crossings"].get(n)
        lines.append("| %s | %.0f | %.0f | %.2f | %.0f | %.0f | %s |" % (
            n, t["ns_per_file"], t["work_ns"], t["crossings_per_file"],
            t["crossings_ns"], t["mechanism_ns"],
            "-" if sl is None else "%.2f" % sl))
    lines += ["", "## Checks (issue 12)", ""]
    for c in summary["checks"]:
        lines.append("- %s: %s (%s)" % (
            c["check"], "pass" if c["pass"] else "MISS",
            ", ".join("%s %s" % (k, v) for k, v in c.items()
                      if k not in ("check", "pass"))))
    if summary.get("tcg_bracket"):
        lines += ["", "## TCG bracket (wall clock, knob 0)", ""]
        for b in summary["tcg_bracket"]:
            lines.append("- %s: null syscall %.0f ns, baseline_sync 4 KiB "
                         "%.0f ns per file" % (b["boot"],
                                              b["null_syscall_ns"],
                                              b["baseline_sync_4KiB_ns"]))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sweep_dir")
    ap.add_argument("guest_dir")
    ap.add_argument("--seconds", type=int, default=None)
    ap.add_argument("--load", default="")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--bracket", action="append", default=[])
    ap.add_argument("--host-null-ns", type=float, default=0)
    a = ap.parse_args()
    try:
        with open(os.path.join(a.guest_dir, "guest.json")) as f:
            provenance = json.load(f)
        rdir = os.path.join(a.guest_dir, "results")
        pdirs = sorted(os.path.join(rdir, d) for d in os.listdir(rdir)
                       if d.startswith("p"))
        points = [collect_point(a.sweep_dir, a.guest_dir, p, provenance)
                  for p in pdirs]
    except (OSError, ValueError, KeyError, rd.ResultsError) as e:
        sys.stderr.write("sweep_collect: %s\n" % e)
        return 2
    points.sort(key=lambda p: p["null_syscall_ns"])
    native = [p for p in points if p["knob"] == 0]
    if not native:
        sys.stderr.write("sweep_collect: no native point (knob 0)\n")
        return 2
    model = cm.fit(native[0])
    bes = cm.break_evens(points, model)
    summary = {
        "schema": "sysletbench-crossing-sweep/1",
        "note": cm.SIMULATED, "honesty": cm.HONESTY,
        "x_axis": "null syscall (getppid) measured by the harness at each "
                  "point, ns under icount",
        "guest": provenance, "reps": a.reps, "seconds": a.seconds,
        "host_load": a.load,
        "host_null_syscall_ns": a.host_null_ns or None,
        "points": points, "model": model, "break_even": bes,
        "checks": cm.checks(points, model, bes),
        "swept_crossings": {
            n: cm.round_or_none(cm.measured_slope(points, n), 3)
            for n in model["terms"]},
    }
    if a.bracket:
        summary["tcg_bracket"] = []
        for spec in a.bracket:
            name, _, d = spec.rpartition("=")
            summary["tcg_bracket"].append(bracket_entry(name, d))
    write_json(os.path.join(a.sweep_dir, "summary.json"), summary)
    with open(os.path.join(a.sweep_dir, "summary.md"), "w") as f:
        f.write(markdown(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
