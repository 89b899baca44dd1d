# SPDX-License-Identifier: MIT
"""The crossing-cost model (issue 12), fitted at a sweep's native point and
checked against every other point; shared by harness/guest/sweep_collect.py
(summary.json), plots/crossing_chart.py and plots/report.py.

Per configuration: ns per file = work + crossings x C + mechanism, where C
is the null syscall measured at the point, crossings the system calls the
backend counted per file (its own counters, per sample), work the plain
loop's time without its crossings (baseline_sync at the same size and
shape) and mechanism the rest (interpreter, upcall, ring, scheduling),
each taken at the native point.  Only C moves between points, so the model
predicts ns(C) = ns(C0) + crossings x (C - C0).  Standard library only.
"""

SIMULATED = ("simulated crossing cost (kernel.syscall_crossing_cost); "
             "icount: one instruction = 1 ns")
HONESTY = ("Every swept figure is a simulated crossing cost in an emulated "
           "guest (QEMU -icount shift=0: one instruction = 1 ns, IPC 1, no "
           "TLB or cache model), never a hardware measurement. The model "
           "ignores the TLB and cache pollution a crossing leaves behind in "
           "user space (FlexSC's indirect cost, OSDI 2010), which real "
           "mitigations (page-table isolation without PCID above all) make "
           "larger; the busy loop leaves none.")
SYNC = "baseline_sync"
# The checks of issue 12, section 3.
BREAK_EVEN_TOLERANCE = 0.10
NS_TOLERANCE = 0.10
NS_CHECKED = ("baseline_sync", "atoms-kernel", "clets-kernel")


def size_label(n):
    n = int(n)
    return "%dKiB" % (n >> 10) if n % 1024 == 0 else "%dB" % n


def variant(c):
    """"<backend>/c<N>/<size>", plus "/cursor" for the cursor shape (the
    argument's email shape is the unmarked one)."""
    name = "%s/c%d/%s" % (c["backend"], c["concurrency"],
                          size_label(c["file_size"]))
    return name + ("/cursor" if c.get("shape") == "cursor" else "")


def size_of(name):
    """The file size in bytes of a variant name."""
    label = name.split("/")[2]
    return int(label[:-3]) << 10 if label.endswith("KiB") else int(
        label[:-1])


def _sync_of(configs, c):
    for s in configs:
        if (s["backend"] == SYNC and s["shape"] == c["shape"]
                and s["file_size"] == c["file_size"]):
            return s
    return None


def fit(native):
    """The model's terms per variant from the native point (a summary.json
    point): {variant: {work, crossings, crossing_ns, mechanism, ns}}."""
    c0 = native["null_syscall_ns"]
    terms = {}
    for c in native["configs"]:
        sync = _sync_of(native["configs"], c)
        k = c.get("crossings_per_file")
        if sync is None or k is None or c.get("ns_per_file") is None:
            continue
        work = sync["ns_per_file"] - sync["crossings_per_file"] * c0
        terms[variant(c)] = {
            "ns_per_file": c["ns_per_file"],
            "work_ns": work,
            "crossings_per_file": k,
            "crossings_ns": k * c0,
            "mechanism_ns": c["ns_per_file"] - work - k * c0,
            "atoms_per_file": c.get("atoms_per_file"),
            "upcalls_per_file": c.get("upcalls_per_file"),
        }
    return {"null_syscall_ns": c0, "terms": terms}


def predict_ns(model, name, c):
    """Predicted ns per file of variant NAME at null syscall C."""
    t = model["terms"].get(name)
    if t is None:
        return None
    return t["ns_per_file"] + t["crossings_per_file"] * (
        c - model["null_syscall_ns"])


def sync_name(name):
    parts = name.split("/")
    return "/".join([SYNC, "c1", parts[2]] + parts[3:])


def predict_speedup(model, name, c):
    s, v = predict_ns(model, sync_name(name), c), predict_ns(model, name, c)
    return s / v if s and v else None


def predicted_break_even(model, name):
    """Null syscall where the model's speed-up crosses 1.0, or None when
    the lines are parallel or cross at no positive price."""
    t, s = model["terms"].get(name), model["terms"].get(sync_name(name))
    if not t or not s or t is s:
        return None
    dk = s["crossings_per_file"] - t["crossings_per_file"]
    if abs(dk) < 1e-9:
        return None
    c = model["null_syscall_ns"] + (t["ns_per_file"] - s["ns_per_file"]) / dk
    return c if c > 0 else None


def measured_break_even(series):
    """Where measured speed-up crosses 1.0 along [(null_ns, speedup)]
    sorted by null_ns, linear between the two points around it; None when
    it never crosses in the range."""
    pts = [(x, y) for x, y in series if x is not None and y is not None]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if (y0 - 1) * (y1 - 1) <= 0 and y0 != y1:
            return x0 + (1 - y0) * (x1 - x0) / (y1 - y0)
    return None


def series(points, name, key):
    """[(null_ns, the config's KEY)] of variant NAME at every point, sorted
    by null_ns (KEY None where a point has no figure)."""
    return sorted((p["null_syscall_ns"], c.get(key))
                  for p in points for c in p["configs"] if variant(c) == name)


def speedup_series(points, name):
    return series(points, name, "speedup_vs_sync")


def measured_slope(points, name):
    """Crossings per file the sweep itself shows: the least-squares slope
    of ns per file against the null syscall over every point, or None."""
    pts = [(x, y) for x, y in series(points, name, "ns_per_file")
           if y is not None]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def break_evens(points, model):
    """{variant: {measured_ns, predicted_ns}} for every variant but the
    loop's own."""
    out = {}
    for name in sorted(model["terms"]):
        if name.startswith(SYNC + "/"):
            continue
        out[name] = {
            "measured_ns": round_or_none(measured_break_even(
                speedup_series(points, name))),
            "predicted_ns": round_or_none(
                predicted_break_even(model, name)),
        }
    return out


def checks(points, model, bes):
    """Issue 12's targets: atoms-kernel c1's break-even within 10% of the
    prediction, and predicted ns within 10% of the measured at every point
    for the loop, the chain and the clet (c1, email shape)."""
    out = []
    for name, be in sorted(bes.items()):
        if not name.startswith("atoms-kernel/c1/"):
            continue
        m, p = be["measured_ns"], be["predicted_ns"]
        err = (p - m) / m if m and p else None
        out.append({"check": "break-even " + name, "measured": m,
                    "predicted": p, "error": round_or_none(err, 4),
                    "pass": err is not None
                    and abs(err) <= BREAK_EVEN_TOLERANCE})
    for name in sorted(model["terms"]):
        b, conc, size = name.split("/")[:3]
        if b not in NS_CHECKED or conc != "c1" or name.endswith("/cursor"):
            continue
        worst = None
        for x, ns in series(points, name, "ns_per_file"):
            p = predict_ns(model, name, x)
            if ns and p:
                e = (p - ns) / ns
                worst = e if worst is None or abs(e) > abs(worst) else worst
        out.append({"check": "ns per file " + name,
                    "worst_error": round_or_none(worst, 4),
                    "pass": worst is not None
                    and abs(worst) <= NS_TOLERANCE})
    return out


def round_or_none(v, nd=1):
    return None if v is None else round(v, nd)
