# SPDX-License-Identifier: MIT
"""Loading sysletbench results directories (results.json), shared by
harness/compare.py, harness/export.py and plots/report.py.

A run is read from its results.json (schema "sysletbench-results/1", written
by harness/results.c): every sample with its backend counters, plus the
metadata.  Per-sample metrics are derived here once, so that every tool
divides the same counts by the same file counts.  Standard library only.
"""

import json
import math
import os

SCHEMA = "sysletbench-results/1"
SYNC = "baseline_sync"
# The floor (baseline_sync/empty.c): the harness's own cost per file, no
# system calls; shown beside baseline_sync, never as a contender.
FLOOR = "empty"

# Legend order and Okabe-Ito colours (colour-blind safe), as in the gnuplot
# run charts (plots/extract.py), so that a backend looks the same everywhere.
BACKEND_ORDER = ["baseline_sync", "atoms-user", "atoms-uring", "atoms-kernel",
                 "clets-threads", "clets-kernel"]
BACKEND_COLOR = {
    "baseline_sync": "#000000",
    "atoms-user": "#0072B2",
    "atoms-uring": "#D55E00",
    "atoms-kernel": "#CC79A7",
    "clets-threads": "#009E73",
    "clets-kernel": "#E69F00",
}
CACHE_ORDER = ["hot", "dentry", "cold"]

# Per-sample metrics: name -> (where in the sample, count key).  Each is the
# count divided by the sample's files; a null count (no PMU, no tracer) makes
# the metric absent for that sample.
SAMPLE_COUNTS = {
    "syscalls_per_file": ("backend", "syscalls"),
    "atoms_per_file": ("backend", "atoms"),
    "submissions_per_file": ("backend", "submissions"),
    "cachemisses_per_file": ("backend", "cachemisses"),
    "upcalls_per_file": ("backend", "upcalls"),
    "traced_syscalls_per_file": ("counters", "syscalls"),
    "instructions_per_file": ("counters", "instructions"),
}


class ResultsError(Exception):
    """A results directory that cannot be read or is not ours."""


def finite(v):
    """v as a float when it is a finite number, else None."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if not n:
        return None
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def backend_key(b):
    if b in BACKEND_ORDER:
        return (0, BACKEND_ORDER.index(b), b)
    return (1, 0, b)


def cache_key(c):
    if c in CACHE_ORDER:
        return (0, CACHE_ORDER.index(c), c)
    return (1, 0, c)


def human_bytes(n):
    n = int(n)
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return "%d%s" % (n // div, unit)
    return "%dB" % n


# A results.json from before chain shapes existed has no "shape" key: its
# atom chains put a umem_add cursor atom after every read and every backend
# read at an advancing cursor, which is the cursor shape.
SHAPE_BEFORE_SHAPES = "cursor"
# The argument's shape first (issue 15): the seed email's chain.
SHAPE_ORDER = ["email", "cursor"]
SHAPE_MEANING = {
    "email": "every read into one buffer, as in the 2007 email",
    "cursor": "reads at a cursor, a umem_add atom per block in chains",
}


def shape_key(s):
    if s in SHAPE_ORDER:
        return (0, SHAPE_ORDER.index(s), s)
    return (1, 0, s)


def reads_per_file(file_size, buf_size):
    """read() calls per file: one per block and the one that sees EOF."""
    return -(-file_size // buf_size) + 1 if buf_size else None


def chain_atoms(shape, file_size, buf_size):
    """(syscall atoms, umem_add atoms) per file of the email's chain in
    SHAPE: open + reads + close, and under cursor one umem_add per block."""
    reads = reads_per_file(file_size, buf_size)
    if reads is None:
        return None, None
    return 2 + reads, (reads - 1 if shape == "cursor" else 0)


class Config:
    """One configuration of a run: its key, its valid samples' metrics and
    the harness's own summary of ns/file (median and 95% CI)."""

    def __init__(self, run, c):
        self.run = run
        self.backend = c["backend"]
        self.shape = c.get("shape") or SHAPE_BEFORE_SHAPES
        self.concurrency = int(c["concurrency"])
        self.cache = c["cache"]
        self.files = int(c["files"])
        self.file_size = int(c["file_size"])
        self.buf_size = int(c.get("buf_size", 0))
        self.error = c.get("error") or ""
        # Per valid sample: metric -> value (ns_per_file always present).
        self.samples = []
        for s in c.get("samples") or []:
            if not s.get("valid"):
                continue
            files = finite(s.get("files"))
            ns = finite(s.get("ns_per_file"))
            if ns is None and files:
                el = finite(s.get("elapsed_ns"))
                ns = el / files if el is not None else None
            if ns is None or not files:
                continue
            m = {"ns_per_file": ns, "files": files}
            for name, (part, key) in SAMPLE_COUNTS.items():
                v = finite((s.get(part) or {}).get(key))
                if v is not None:
                    m[name] = v / files
            self.samples.append(m)
        # Figures the harness gives per configuration only: the tracer's
        # count comes from one untimed pass (counted_pass), not per sample.
        self.config_level = {}
        for name in SAMPLE_COUNTS:
            v = finite(c.get(name))
            if v is not None:
                self.config_level[name] = v
        st = c.get("ns_per_file") or {}
        self.median_ns = finite(st.get("median"))
        self.ci_lo_ns = finite(st.get("ci_lo"))
        self.ci_hi_ns = finite(st.get("ci_hi"))
        # The interval's real coverage (min..max of n < 6 samples is not
        # 95%); None from harness versions that did not record it.
        self.ci_level = finite(st.get("ci_level"))
        if self.median_ns is None:
            self.median_ns = median(self.values("ns_per_file"))

    @property
    def key(self):
        """What compare.py matches runs on."""
        return (self.run.target, self.run.accel, self.backend, self.shape,
                self.files, self.file_size, self.buf_size, self.cache,
                self.concurrency)

    @property
    def variant(self):
        """The chart label: backend, plus /cN for async backends, plus
        /SHAPE in runs that name their chain shapes (older ones do not, and
        keep their labels)."""
        name = self.backend
        if self.concurrency != 1 or self.backend in self.run.async_backends:
            name = "%s/c%d" % (self.backend, self.concurrency)
        if self.run.shaped:
            name += "/" + self.shape
        return name

    def label(self):
        return "%s %s %d files %s" % (self.variant, self.cache, self.files,
                                      human_bytes(self.file_size))

    def values(self, metric):
        """Per-sample values; the configuration's one value where the
        samples do not carry the metric."""
        vs = [s[metric] for s in self.samples if metric in s]
        if not vs and metric in self.config_level:
            vs = [self.config_level[metric]]
        return vs

    def per_file(self, metric):
        """Total count over total files of the valid samples (what the
        harness reports), or None when the count is unknown."""
        if metric == "ns_per_file":
            return self.median_ns
        part_files = [(s[metric], s["files"]) for s in self.samples
                      if metric in s]
        if not part_files or len(part_files) != len(self.samples):
            return self.config_level.get(metric)
        files = sum(f for _, f in part_files)
        return sum(v * f for v, f in part_files) / files

    def ci(self):
        """(lo, hi) of the median's 95% CI, the median itself where the
        harness gave none (a single sample)."""
        m = self.median_ns
        lo = self.ci_lo_ns if self.ci_lo_ns is not None else m
        hi = self.ci_hi_ns if self.ci_hi_ns is not None else m
        return min(lo, m), max(hi, m)


class Run:
    """One results directory."""

    def __init__(self, path, doc):
        self.path = path
        self.meta = {k: v for k, v in doc.items() if k != "configs"}
        self.target = doc.get("target", "")
        self.accel = doc.get("accel", "")
        self.started = doc.get("started", "")
        ns = doc.get("null_syscall_ns") or {}
        self.null_syscall_ns = finite(ns.get("median"))
        # backend -> {median, overhead_ns, ...}: the null-atom microbenchmark.
        self.null_atom_ns = doc.get("null_atom_ns") or {}
        # The same for a chain of umem_add atoms (the cursor shape's).
        self.null_umem_atom_ns = doc.get("null_umem_atom_ns") or {}
        configs = doc.get("configs")
        if not isinstance(configs, list):
            raise ResultsError("%s: no \"configs\" list" % path)
        # As in plots/extract.py: a backend run at any concurrency other than
        # 1 is async, and all its variants carry /cN.
        self.async_backends = {c.get("backend") for c in configs
                               if c.get("concurrency") != 1}
        self.shaped = any("shape" in c for c in configs)
        self.configs = []
        try:
            for c in configs:
                self.configs.append(Config(self, c))
        except (KeyError, TypeError, ValueError) as e:
            raise ResultsError("%s: malformed configuration (%s: %s)"
                               % (path, type(e).__name__, e))

    def backends_missing(self):
        """name -> why, for backends the run's host could not run."""
        return {b.get("name"): b.get("why") or "not available"
                for b in self.meta.get("backends") or []
                if not b.get("available")}

    def toolchain(self):
        """The versions that change deterministic counts when they change:
        the compiler, and QEMU for guest runs (where recorded)."""
        t = {"compiler": self.meta.get("compiler") or ""}
        for k in ("qemu_version", "qemu"):
            if self.meta.get(k):
                t["qemu"] = self.meta[k]
        return t


def resolve(path):
    """The results.json for PATH: the file itself, PATH/results.json, or the
    one results directory below PATH (a sysletbench -o root)."""
    if os.path.isfile(path):
        return path
    if not os.path.isdir(path):
        raise ResultsError("%s: no such file or directory" % path)
    direct = os.path.join(path, "results.json")
    if os.path.isfile(direct):
        return direct
    below = sorted(os.path.join(path, d, "results.json")
                   for d in os.listdir(path)
                   if os.path.isfile(os.path.join(path, d, "results.json")))
    if len(below) == 1:
        return below[0]
    if not below:
        raise ResultsError("%s: no results.json (not a results directory)"
                           % path)
    raise ResultsError("%s holds %d results directories; name one: %s"
                       % (path, len(below), ", ".join(
                           os.path.dirname(b) for b in below)))


def load_tree(path):
    """Every run of one ./run_all.sh results directory: the run load()
    finds at PATH, then the run in each directory right below it
    (guest-tcg/, guest-icount/, ...).  Raises ResultsError."""
    runs = [load(path)]
    top = runs[0].path
    for d in sorted(os.listdir(top)):
        if os.path.isfile(os.path.join(top, d, "results.json")):
            runs.append(load(os.path.join(top, d)))
    return runs


def load(path):
    """Reads one results directory (see resolve()); raises ResultsError."""
    jpath = resolve(path)
    try:
        with open(jpath, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise ResultsError("%s: %s" % (jpath, e.strerror or e))
    except ValueError as e:
        raise ResultsError("%s: not valid JSON (%s)" % (jpath, e))
    if not isinstance(doc, dict):
        raise ResultsError("%s: not a sysletbench results.json" % jpath)
    schema = doc.get("schema")
    if schema != SCHEMA:
        raise ResultsError("%s: schema %r, expected %r (a file from another "
                           "tool or an incompatible sysletbench version)"
                           % (jpath, schema, SCHEMA))
    run = Run(os.path.dirname(jpath) or ".", doc)
    # An interrupted run is still usable; the tools say so.
    run.incomplete = not doc.get("complete", False)
    return run
