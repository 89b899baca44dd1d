# SPDX-License-Identifier: MIT
"""The report's crossing-cost section (plots/report.py): the LKML table in
three columns, who wins hot and cold at an unmitigated crossing (~140), at
today's defaults (~580) and at an IBRS-era price (~2,400), read from a
crossing-cost sweep (results/<run>/crossing-sweep/summary.json) and, for
cold, the same run's guest cold configurations priced with the model.

Hot figures inside the swept range are the sweep's measured speed-ups,
interpolated linearly between the two points around the price; outside it
(140 lies below the guest's native null syscall) they are the model's,
fitted at the native point, and say so.  Cold figures are always the
model's: a cold run's ns per file plus its counted crossings times the
price's rise over that run's own null syscall.  Standard library only.
"""
import json
import os

import crossing_model as cm

PRICES = [(140, "~140: unmitigated (PTI off)"),
          (580, "~580: today's defaults (PTI + PCID)"),
          (2400, "~2,400: IBRS in the kernel")]


def load(run_dir):
    """summary.json of RUN_DIR/crossing-sweep, or None."""
    path = os.path.join(run_dir, "crossing-sweep", "summary.json")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _hot_at(summary, name, price):
    """(speed-up, how) of variant NAME at null syscall PRICE."""
    ser = [(x, y) for x, y in cm.speedup_series(summary["points"], name)
           if y is not None]
    if ser and ser[0][0] <= price <= ser[-1][0]:
        for (x0, y0), (x1, y1) in zip(ser, ser[1:]):
            if x0 <= price <= x1:
                y = y0 if x1 == x0 else y0 + (y1 - y0) * (price - x0) / (
                    x1 - x0)
                return y, "measured"
    v = cm.predict_speedup(summary["model"], name, price)
    return v, "model (outside the swept %.0f-%.0f ns)" % (
        ser[0][0], ser[-1][0]) if ser else "model"


def hot_winner(summary, size, price):
    """(variant, speed-up, how) with the highest hot speed-up at PRICE; where
    the loop wins, how names the closest other backend and its figure."""
    best, other = None, None
    for name in summary["model"]["terms"]:
        if name.split("/")[2] != size or name.endswith("/cursor") or \
                name.startswith(cm.SYNC + "/"):
            continue
        v, how = _hot_at(summary, name, price)
        if v is not None and (best is None or v > best[1]):
            best = (name, v, how)
    if best is None or best[1] >= 1.0:
        return best
    return ("%s/c1/%s" % (cm.SYNC, size), 1.0, "the loop; next %s %.2fx, %s"
            % best)


def cold_winner(runs, size_bytes, price):
    """(variant, speed-up, how) of the guest cold configurations of RUNS at
    SIZE_BYTES, each moved to PRICE by its counted crossings."""
    best = None
    for run in runs:
        c0 = run.null_syscall_ns
        if run.target != "guest" or not c0:
            continue
        cold = [c for c in run.configs if c.cache == "cold" and c.median_ns
                and c.file_size == size_bytes and c.shape == "email"]
        if not cold:
            continue
        nmax = max(c.files for c in cold)
        sync = next((c for c in cold if c.backend == cm.SYNC
                     and c.files == nmax), None)
        if sync is None:
            continue

        def at(c):
            k = c.per_file("syscalls_per_file") or 0
            return c.median_ns + k * (price - c0)

        for c in cold:
            if c.files != nmax:
                continue
            v = at(sync) / at(c)
            if best is None or v > best[1]:
                best = ("%s/c%d" % (c.backend, c.concurrency), v,
                        "model: %s cold run (%d files, null syscall %.0f "
                        "ns), + counted crossings x (price - that)" % (
                            run.accel, nmax, c0))
    return best


def lkml_rows(summary, runs):
    """Rows [label, cell per price] for sizes of the sweep."""
    sizes = sorted({c["file_size"] for p in summary["points"]
                    for c in p["configs"]})
    rows = []
    for size in sizes:
        label = cm.size_label(size)
        hot, cold = ["hot, %s" % label], ["cold, %s" % label]
        for price, _ in PRICES:
            w = hot_winner(summary, label, price)
            hot.append("%s %.2fx (%s)" % w if w else "-")
            w = cold_winner(runs, size, price)
            cold.append("%s %.2fx (%s)" % w if w else
                        "- (no guest cold run of this size)")
        rows += [hot, cold]
    return rows


def header():
    return ["file set, cache"] + [label for _, label in PRICES]
