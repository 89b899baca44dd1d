#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn a sysletbench summary.csv into gnuplot data files.

Usage: extract.py SUMMARY_CSV WORKDIR [LABEL]

Only the standard library is used.  One chart group is made per
(target, accel, file_size, chain shape) present (and per buf_size too, where
one group holds several); a summary.csv without a shape column (from before
chain shapes) is the cursor shape, and its groups keep their old names.  For each group a directory under WORKDIR receives:

  params.gp                  gnuplot variables: variant list, styles, ranges,
                             titles; loaded by the plots/*.gp scripts
  ns__CACHE__VARIANT.dat     files median_ns ci_lo_ns ci_hi_ns
  sp__CACHE__VARIANT.dat     files speedup_vs_sync
  sys_*.dat                  syscall bar chart series (counted, traced,
                             traced-unknown, null-syscall units), each
                             written only when it has a value

WORKDIR/groups.tsv lists one group a line, tab separated: GROUPDIR,
CHART_BASENAME, then 1/0 for whether the ns/file, speedup and syscall
charts have anything to show.
Rows with an empty or non-numeric value in a field simply leave that
field out of the chart that needs it; nothing here fails on them.
"""

import csv
import math
import os
import re
import sys

from ci_level import ci_label, median_ci_level
# Legend order and colours are shared with the matplotlib report, so that
# a backend looks the same everywhere; unknown backends follow, sorted.
from results_data import (BACKEND_COLOR, FLOOR, SHAPE_BEFORE_SHAPES,
                          SHAPE_MEANING, backend_key, cache_key)

REQUIRED = ["target", "accel", "backend", "cache", "files", "file_size",
            "buf_size", "concurrency", "median_ns"]

SPARE_COLORS = ["#56B4E9", "#999999", "#882255", "#44AA99", "#117733"]
# Concurrency picks dash type and point type; c16 is the solid reference.
CONC_STYLE = {1: (2, 6), 16: (1, 7), 64: (4, 9)}
CONC_SPARE = [(3, 13), (5, 11), (6, 15)]

CACHE_TITLE = {
    "hot": "hot cache",
    "dentry": "dentry-warm, data cold",
    "cold": "cold cache",
}
SYNC = "baseline_sync"


def num(s):
    """float(s), or None for empty / unparsable / non-finite values."""
    if s is None:
        return None
    s = s.strip()
    if not s:
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    if math.isnan(v) or math.isinf(v):
        return None
    return v


def safe(s):
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", s)


def ckey(c):
    """A cache name usable both in file names and gnuplot variable names."""
    return re.sub(r"[^A-Za-z0-9_]", "_", c)


def gpstr(s):
    """A gnuplot double-quoted string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') \
        .replace("\n", "\\n") + '"'


def human_bytes(n):
    n = int(n)
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return "%d %s" % (n // div, unit)
    return "%d B" % n


def target_title(target, accel):
    return "%s (%s)" % (target, accel)


def shape_label(label, shaped, shape):
    """The title suffix: the chain shape where the run names one."""
    if not shaped:
        return label
    what = "%s shape (%s)" % (shape, SHAPE_MEANING.get(shape, shape))
    return what + (", " + label if label else "")


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: extract.py SUMMARY_CSV WORKDIR [LABEL]\n")
        return 2
    path, work = argv[1], argv[2]
    label = argv[3] if len(argv) > 3 else ""

    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None:
            sys.stderr.write("plot: %s is empty\n" % path)
            return 1
        cols = [c.strip() for c in reader.fieldnames]
        reader.fieldnames = cols
        missing = [c for c in REQUIRED if c not in cols]
        if missing:
            sys.stderr.write("plot: %s lacks column(s): %s\n"
                             % (path, ", ".join(missing)))
            return 1
        rows = []
        for lineno, r in enumerate(reader, start=2):
            r = {k: (v.strip() if isinstance(v, str) else "")
                 for k, v in r.items() if k is not None}
            ints = {}
            bad = False
            for k in ("files", "file_size", "buf_size", "concurrency"):
                v = num(r.get(k, ""))
                if v is None:
                    bad = True
                    break
                ints[k] = int(v)
            if bad or not r.get("target") or not r.get("backend") \
                    or not r.get("cache"):
                sys.stderr.write("plot: %s:%d: skipped (key field empty)\n"
                                 % (path, lineno))
                continue
            r.update(ints)
            r["shape"] = r.get("shape") or SHAPE_BEFORE_SHAPES
            rows.append(r)
        shaped = "shape" in cols

    if not rows:
        sys.stderr.write("plot: %s has no data rows\n" % path)
        return 1

    # Group by (target, accel, file_size, shape); split by buf_size only if
    # needed.  A chart never mixes shapes: its speed-ups are against the
    # baseline of its own shape.
    groups = {}
    for r in rows:
        groups.setdefault((r["target"], r["accel"], r["file_size"],
                           r["shape"]), []).append(r)
    todo = []
    for (t, a, fs, shape), rs in sorted(groups.items()):
        bufs = sorted({r["buf_size"] for r in rs})
        for b in bufs:
            sub = [r for r in rs if r["buf_size"] == b]
            name = "%s-%s-%s" % (safe(t), safe(a), human_bytes(fs).replace(" ", ""))
            if len(bufs) > 1:
                name += "-buf" + human_bytes(b).replace(" ", "")
            if shaped:
                name += "-" + safe(shape)
            todo.append((name, t, a, fs, b, sub))

    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "groups.tsv"), "w") as gl:
        for name, t, a, fs, b, sub in todo:
            gdir = os.path.join(work, name)
            os.makedirs(gdir, exist_ok=True)
            flags = write_group(gdir, name, t, a, fs, b, sub,
                                shape_label(label, shaped, sub[0]["shape"]))
            gl.write("%s\t%s\t%d\t%d\t%d\n" % ((gdir, name) + flags))
    with open(os.path.join(work, "amortization.tsv"), "w") as al:
        for shape in sorted({r["shape"] for r in rows}):
            srows = [r for r in rows if r["shape"] == shape]
            for t, a, c, files, b in amortization_groups(srows):
                name = "%s-%s-%s-amortization" % (safe(t), safe(a), safe(c))
                if shaped:
                    name += "-" + safe(shape)
                gdir = os.path.join(work, name)
                os.makedirs(gdir, exist_ok=True)
                write_amortization(gdir, t, a, c, files, b, srows,
                                   shape_label(label, shaped, shape))
                al.write("%s\t%s\n" % (gdir, name))
    return 0


# Amortization: Davide's claim that the upcall is paid once per chain while
# atoms pay per syscall. For each chain length (reads per file = file size /
# buffer), the extra cost of a backend over baseline_sync, per syscall the
# synchronous loop makes, in null syscalls measured in the same run.
def amortization_groups(rows):
    """(target, accel, cache, files, buf) with baseline_sync at 2+ sizes."""
    sizes = {}
    for r in rows:
        if r["backend"] == SYNC:
            k = (r["target"], r["accel"], r["cache"], r["files"],
                 r["buf_size"])
            sizes.setdefault(k, set()).add(r["file_size"])
    best = {}
    for (t, a, c, files, b), fs in sizes.items():
        if len(fs) < 2:
            continue
        k = (t, a, c)
        if k not in best or (len(fs), files) > best[k][0]:
            best[k] = ((len(fs), files), files, b)
    return [(t, a, c, files, b)
            for (t, a, c), (_, files, b) in sorted(best.items())]


# The two models and the user-space reference: the pool and io_uring
# backends answer other questions, and their larger overheads would squash
# the lines this chart is for.
AMORTIZATION_BACKENDS = ("atoms-user", "atoms-kernel", "clets-kernel")


def overhead_points(rows, t, a, c, files, b):
    """{variant: [(reads per file, null syscalls per sync syscall)]}."""
    mine = [r for r in rows if (r["target"], r["accel"], r["cache"],
                                r["files"], r["buf_size"]) == (t, a, c,
                                                               files, b)]
    sync = {r["file_size"]: r for r in mine if r["backend"] == SYNC}
    points = {}
    for r in mine:
        base = sync.get(r["file_size"])
        if r["backend"] not in AMORTIZATION_BACKENDS or base is None:
            continue
        med, smed = num(r["median_ns"]), num(base["median_ns"])
        scalls = num(base.get("syscalls_per_file", ""))
        snull = num(base.get("null_syscalls_per_file", ""))
        if None in (med, smed, scalls, snull) or not scalls or not snull:
            continue
        null_ns = smed / snull
        v = "%s/c%d" % (r["backend"], r["concurrency"])
        points.setdefault(v, []).append(
            (r["file_size"] / b, (med - smed) / scalls / null_ns))
    return {v: sorted(p) for v, p in points.items()}


def write_dat(gdir, fname, head, lines):
    """One gnuplot data file: a "# head" comment line, then the lines."""
    with open(os.path.join(gdir, fname), "w") as o:
        o.write("# %s\n" % head)
        o.write("\n".join(lines) + "\n")


def crossing(p, q):
    """First chain length where curves p and q swap order, or None."""
    qd = dict(q)
    common = [(x, y, qd[x]) for x, y in p if x in qd]
    for (x0, y0, z0), (x1, y1, z1) in zip(common, common[1:]):
        d0, d1 = y0 - z0, y1 - z1
        if d0 == 0:
            return x0
        if d0 * d1 < 0:
            f = d0 / (d0 - d1)
            return 2 ** (math.log2(x0) + f * (math.log2(x1) - math.log2(x0)))
    return None


def write_amortization(gdir, t, a, c, files, b, rows, label):
    points = overhead_points(rows, t, a, c, files, b)
    variants = sorted(points, key=lambda v: (backend_key(v.split("/c")[0]),
                                             int(v.split("/c")[1])))
    for i, v in enumerate(variants, start=1):
        with open(os.path.join(gdir, "amort_%d.dat" % i), "w") as f:
            for x, y in points[v]:
                f.write("%g %.6g\n" % (x, y))
    ak, ck = points.get("atoms-kernel/c1"), points.get("clets-kernel/c1")
    if ak and ck:
        x = crossing(ak, ck)
        verdict = ("atoms-kernel and clets-kernel cross at about %.1f reads"
                   " per file" % x) if x else \
                  ("atoms-kernel and clets-kernel do not cross between %g"
                   " and %g reads per file" % (ak[0][0], ak[-1][0]))
    else:
        verdict = "needs atoms-kernel and clets-kernel in the same run"
    allx = sorted({x for p in points.values() for x, _ in p})
    with open(os.path.join(gdir, "params.gp"), "w") as f:
        f.write("nvar = %d\n" % len(variants))
        f.write("vlabels = %s\n" % gpstr(" ".join(variants)))
        f.write("vcolor = %s\n" % gpstr(" ".join(
            BACKEND_COLOR.get(v.split("/c")[0], SPARE_COLORS[0])
            for v in variants)))
        f.write("vdt = %s\n" % gpstr(" ".join(
            str(CONC_STYLE.get(int(v.split("/c")[1]), (1, 7))[0])
            for v in variants)))
        f.write("vpt = %s\n" % gpstr(" ".join(
            str(CONC_STYLE.get(int(v.split("/c")[1]), (1, 7))[1])
            for v in variants)))
        f.write("xs = %s\n" % gpstr(" ".join("%g" % x for x in allx)))
        f.write("xmin = %g\nxmax = %g\n" % (allx[0] / 1.3, allx[-1] * 1.3))
        f.write("title_am = %s\n" % gpstr(
            "%s, %s cache, %d files, %s buffer%s\n"
            "extra cost per syscall of the synchronous loop, in null "
            "syscalls\n%s" % (
                target_title(t, a), c, files,
                human_bytes(b).replace(" ", ""),
                (" - " + label) if label else "", verdict)))


def variant_of(r, async_backends):
    b = r["backend"]
    if b in async_backends:
        return "%s/c%d" % (b, r["concurrency"])
    return b


def write_group(gdir, name, target, accel, fs, buf, rows, label):
    # A backend is "async" if any of its rows has concurrency != 1;
    # synchronous backends (the baseline, atoms-user) get no /cN suffix.
    async_backends = {r["backend"] for r in rows if r["concurrency"] != 1}

    # Deduplicate: last row for a (variant, cache, files) wins.
    data = {}
    dups = 0
    for r in rows:
        k = (variant_of(r, async_backends), r["cache"], r["files"])
        if k in data:
            dups += 1
        data[k] = r
    if dups:
        sys.stderr.write("plot: %s: %d duplicate row(s), last one kept\n"
                         % (name, dups))

    variants = sorted({k[0] for k in data},
                      key=lambda v: (backend_key(v.split("/c")[0]),
                                     int(v.split("/c")[1]) if "/c" in v else 0))
    caches = sorted({k[1] for k in data}, key=cache_key)
    files_all = sorted({k[2] for k in data})

    # Styles.
    spare_c = iter(SPARE_COLORS * 4)
    bcolor = {}
    conc_spare = {}
    styles = []
    for v in variants:
        b = v.split("/c")[0]
        if b not in bcolor:
            bcolor[b] = BACKEND_COLOR.get(b) or next(spare_c)
        if "/c" in v:
            c = int(v.split("/c")[1])
            if c in CONC_STYLE:
                dt, pt = CONC_STYLE[c]
            else:
                if c not in conc_spare:
                    conc_spare[c] = CONC_SPARE[len(conc_spare) % len(CONC_SPARE)]
                dt, pt = conc_spare[c]
            lw = 2.0
        else:
            dt, pt, lw = 1, 5, 2.5
        styles.append((bcolor[b], dt, pt, lw))
    vid = [safe(v.replace("/", "_")) for v in variants]

    # Legend order: one column per backend, one row per concurrency level;
    # 0 is a blank slot so that columns line up.
    per_backend = []
    for i, v in enumerate(variants):
        b = v.split("/c")[0]
        if not per_backend or per_backend[-1][0] != b:
            per_backend.append((b, []))
        per_backend[-1][1].append(i + 1)
    key_rows = max([len(ix) for _, ix in per_backend] + [1])
    key_seq = []
    for _, ix in per_backend:
        key_seq += ix + [0] * (key_rows - len(ix))

    # ns/file and speedup data per cache and variant.
    present_ns = {}
    present_sp = {}
    ylo, yhi = [], []
    ci_levels = []
    sp_vals = []
    for c in caches:
        sync_med = {}
        for f in files_all:
            r = data.get((SYNC, c, f))
            if r is not None and num(r.get("median_ns")) is not None:
                sync_med[f] = num(r["median_ns"])
        pn, ps = [], []
        for i, v in enumerate(variants):
            ns_lines, sp_lines = [], []
            for f in files_all:
                r = data.get((v, c, f))
                if r is None:
                    continue
                m = num(r.get("median_ns"))
                if m is None or m <= 0:
                    continue
                lo = num(r.get("ci_lo_ns"))
                hi = num(r.get("ci_hi_ns"))
                if lo is None or lo <= 0 or lo > m:
                    lo = m
                if hi is None or hi < m:
                    hi = m
                ns_lines.append("%d %.6g %.6g %.6g" % (f, m, lo, hi))
                ci_levels.append(median_ci_level(int(num(r.get("samples"))
                                                     or 0)))
                ylo.append(lo)
                yhi.append(hi)
                if v not in (SYNC, FLOOR):
                    s = num(r.get("speedup_vs_sync"))
                    if s is None and f in sync_med:
                        s = sync_med[f] / m
                    if s is not None and s > 0:
                        sp_lines.append("%d %.6g" % (f, s))
                        sp_vals.append(s)
            if ns_lines:
                write_dat(gdir, "ns__%s__%s.dat" % (ckey(c), vid[i]),
                          "files median_ns ci_lo_ns ci_hi_ns", ns_lines)
                pn.append(str(i + 1))
            if sp_lines:
                write_dat(gdir, "sp__%s__%s.dat" % (ckey(c), vid[i]),
                          "files speedup_vs_sync", sp_lines)
                ps.append(str(i + 1))
        present_ns[c] = pn
        present_sp[c] = ps

    ns_caches = [c for c in caches if present_ns[c]]
    sp_caches = [c for c in caches if present_sp[c]]

    # Syscall bars: hot cache (counts do not depend on cache state), at the
    # largest file count that cache has; another cache only if hot is absent.
    bar_cache = "hot" if "hot" in caches else (caches[0] if caches else "")
    bar_files = max([k[2] for k in data if k[1] == bar_cache], default=0)
    bar_max_l, null_max_l = [], []
    names, counted, traced, untraced, nulls = [], [], [], [], []
    for i, v in enumerate(variants):
        r = data.get((v, bar_cache, bar_files))
        if r is None:
            continue
        sc = num(r.get("syscalls_per_file"))
        tr = num(r.get("traced_syscalls_per_file"))
        nu = num(r.get("null_syscalls_per_file"))
        if sc is None and tr is None and nu is None:
            continue
        x = len(names)
        names.append(v)
        if sc is not None:
            counted.append("%d %.6g" % (x, sc))
        if tr is not None:
            traced.append("%d %.6g" % (x, tr))
        else:
            untraced.append("%d 0" % x)
        if nu is not None:
            nulls.append("%d %.6g %d" % (x, nu, int(styles[i][0][1:], 16)))
        bar_vals = [y for y in (sc, tr) if y is not None]
        if bar_vals:
            bar_max_l.append(max(bar_vals))
        if nu is not None:
            null_max_l.append(nu)
    # One file per series, written only when it has rows: gnuplot never sees
    # a series without valid points.
    for fname, lines, head in (
            ("sys_counted.dat", counted, "x syscalls_per_file"),
            ("sys_traced.dat", traced, "x traced_syscalls_per_file"),
            ("sys_untraced.dat", untraced, "x 0 (traced count unknown)"),
            ("sys_null.dat", nulls, "x null_syscalls_per_file rgb")):
        if lines:
            write_dat(gdir, fname, head, lines)
    bar_rows = names
    bar_max = max(bar_max_l, default=0.0)
    null_max = max(null_max_l, default=0.0)
    any_counted = bool(counted)
    any_traced = bool(traced)
    any_traced_missing = bool(untraced) and bool(traced)
    any_null = bool(nulls)
    sys_xtics = "set xtics (%s)" % ", ".join(
        "'%s' %d" % (v.replace("'", "''"), x) for x, v in enumerate(names))

    # Ranges.
    fmin, fmax = (files_all[0], files_all[-1]) if files_all else (1, 1)
    if fmin == fmax:
        xmin, xmax = fmin / 3.0, fmax * 3.0
    else:
        xmin, xmax = fmin / 1.6, fmax * 1.6
    if ylo:
        ymin, ymax = min(ylo) / 1.4, max(yhi) * 1.4
    else:
        ymin, ymax = 1.0, 10.0
    if sp_vals:
        spmax = max(max(sp_vals), 1.0) * 1.15
        spmin = 0.0
    else:
        spmin, spmax = 0.0, 2.0

    bufs = human_bytes(buf)
    fss = human_bytes(fs)
    where = target_title(target, accel)
    suffix = (" \u2014 " + label) if label else ""
    p = []
    w = p.append
    w("# generated by plots/extract.py for %s" % name)
    w("nvar = %d" % len(variants))
    w("variants = %s" % gpstr(" ".join(vid)))
    w("vlabels = %s" % gpstr(" ".join(variants)))
    w("vcolor = %s" % gpstr(" ".join(s[0] for s in styles)))
    w("vdt = %s" % gpstr(" ".join(str(s[1]) for s in styles)))
    w("vpt = %s" % gpstr(" ".join(str(s[2]) for s in styles)))
    w("vlw = %s" % gpstr(" ".join(str(s[3]) for s in styles)))
    w("key_rows = %d" % key_rows)
    w("key_cols = %d" % (len(key_seq) // key_rows))
    w("key_maxlen = %d" % max([len(v) for v in variants] + [1]))
    w("key_seq = %s" % gpstr(" ".join(str(i) for i in key_seq)))
    # The sync baseline sorts first, so it fills the first key column.
    nosync = key_seq[key_rows:] if SYNC in variants else key_seq
    w("key_seq_nosync = %s" % gpstr(" ".join(str(i) for i in nosync)))
    w("sync_idx = %d" % (variants.index(SYNC) + 1 if SYNC in variants else 0))
    w("ns_caches = %s" % gpstr(" ".join(ckey(c) for c in ns_caches)))
    w("sp_caches = %s" % gpstr(" ".join(ckey(c) for c in sp_caches)))
    for c in caches:
        key = ckey(c)
        w("ctitle_%s = %s" % (key, gpstr(CACHE_TITLE.get(c, c + " cache"))))
        w("ns_present_%s = %s" % (key, gpstr(" ".join(present_ns[c]))))
        w("sp_present_%s = %s" % (key, gpstr(" ".join(present_sp[c]))))
    w("nfiles = %d" % len(files_all))
    w("files_list = %s" % gpstr(" ".join(str(f) for f in files_all)))
    w("single = %d" % (1 if len(files_all) <= 1 else 0))
    w("xmin = %.6g" % xmin)
    w("xmax = %.6g" % xmax)
    w("ymin = %.6g" % ymin)
    w("ymax = %.6g" % ymax)
    w("spmin = %.6g" % spmin)
    w("spmax = %.6g" % spmax)
    w("has_bars = %d" % (1 if (any_counted or any_traced or any_null) else 0))
    w("nbars = %d" % len(bar_rows))
    w("bar_max = %.6g" % (bar_max if bar_max > 0 else 1.0))
    w("null_max = %.6g" % (null_max if null_max > 0 else 1.0))
    w("any_counted = %d" % any_counted)
    w("any_traced = %d" % any_traced)
    w("any_null = %d" % any_null)
    w("any_traced_missing = %d" % any_traced_missing)
    w("sys_xtics = %s" % gpstr(sys_xtics))
    head = "%s \u2014 %s files, %s buffer%s" % (where, fss, bufs, suffix)
    # The legend and title name the intervals' real level (3 samples give
    # 75%, 6 or more at least 95%).
    ci_text = ci_label(ci_levels)
    w("ci_label = %s" % gpstr(ci_text))
    w("title_ns = %s" % gpstr(
        head + "\nns per file vs file count (median, %s)" % ci_text))
    w("title_sp = %s" % gpstr(
        head + "\nspeedup vs baseline_sync (sync median / variant median;"
        " above 1 is faster)"))
    w("title_sys = %s" % gpstr(
        head + "\nsyscalls per file at %d files, %s (counts do not depend on"
        " cache state)" % (bar_files, CACHE_TITLE.get(bar_cache, bar_cache))))
    with open(os.path.join(gdir, "params.gp"), "w", encoding="utf-8") as o:
        o.write("\n".join(p) + "\n")
    return (1 if ns_caches else 0, 1 if sp_caches else 0,
            1 if (any_counted or any_traced or any_null) else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
