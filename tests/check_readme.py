#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Render the READMEs' tables and quoted figures from checked-in runs.

Usage: check_readme.py [--check | --write] [FILE...]

Each FILE (default: README.md, docs/*.md, kernel/README.md under the
repository) may hold two kinds of generated text, each between markers
that name the run it comes from (a results directory, relative to the
repository):

  <!-- table:KIND source=DIR key=value... -->
  | the rendered table |
  <!-- /table -->

  <!-- fig source=DIR key=PATH fmt=FORMAT -->1.00x<!-- /fig -->

Markers in code (fenced, or indented by four spaces) are left alone.

Table kinds and their keys (rows= lists backend/concurrency pairs):
  cache         files= size= rows=: hot and cold median ns/file with the
                median's CI at its real level, and each one's speed-up
                over baseline_sync in the same run
  sizes         files= cache= sizes= rows=: the same per file size
  amortization  files=: per file size, hot, one in flight, the excess of
                atoms-kernel and clets-kernel over baseline_sync per
                system call of baseline_sync, in null syscalls
  gap-model     files= size=: atoms-kernel minus baseline_sync, hot,
                predicted from the run's own null-atom calibration
                against measured

A fig's key is a path into the run's results.json: dotted names, and
configs[BACKEND/CONCURRENCY/CACHE/FILES/SIZE[/SHAPE]] for one configuration
(in a run with chain shapes, email unless SHAPE names another; tables take
shape= too);
gap[...] is that configuration's median ns/file minus baseline_sync's (one
in flight, same cache, files and size), excess[...] the same in null
syscalls of the run, per_call[...] that per system call of baseline_sync
(what the amortization table and chart show).  fmt is a Python format string with one {} (default
{}).

Only fields of today's results.json are read (medians, ci_lo/ci_hi,
ci_level, speedup_vs_sync, syscalls_per_file, atoms_per_file,
null_syscall_ns, null_atom_ns); any other field is ignored, so a run with
more fields renders the same.

--check (the default) prints a diff of every block that differs, and
every link to a local file (a chart, another document) that does not
exist, and exits 1; --write rewrites the blocks in place.  Exit 2 on bad input: an unknown
kind or key, a missing run or configuration, an unclosed marker.
Standard library only.
"""

import argparse
import difflib
import glob
import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "plots"))
from ci_level import ci_label  # noqa: E402 (standard library only)
from results_data import SHAPE_BEFORE_SHAPES  # noqa: E402
SYNC = "baseline_sync"

TABLE = re.compile(r"(<!-- table:(?P<kind>[\w-]+)(?P<attrs>[^>]*?)-->\n)"
                   r"(?P<body>.*?)(<!-- /table -->)", re.S)
FIG = re.compile(r"(<!-- fig(?P<attrs>[^>]*?)-->)(?P<body>[^<]*)"
                 r"(<!-- /fig -->)")
OPEN = re.compile(r"<!-- (table:|fig )")


class BadInput(Exception):
    pass


def attributes(text):
    """key=value words of a marker."""
    out = {}
    for word in text.split():
        key, eq, value = word.partition("=")
        if not eq:
            raise BadInput("marker word %r is not key=value" % word)
        out[key] = value
    return out


def need(attrs, *keys):
    for k in keys:
        if k not in attrs:
            raise BadInput("marker lacks %s=" % k)
    return [attrs[k] for k in keys]


_runs = {}


def run(source):
    """The parsed results.json of a checked-in run."""
    if source not in _runs:
        path = os.path.join(TOP, source, "results.json")
        try:
            with open(path) as f:
                _runs[source] = json.load(f)
        except (OSError, ValueError) as e:
            raise BadInput("%s: %s" % (path, e))
    return _runs[source]


def shape_filter(doc, shape):
    """Whether a configuration is of the shape a block shows: in a run with
    chain shapes the email shape unless another is named; a run without
    shapes has one (SHAPE_BEFORE_SHAPES), so any configuration is."""
    if shape is None and any("shape" in c for c in doc.get("configs", [])):
        shape = "email"
    return lambda c: shape is None or \
        c.get("shape", SHAPE_BEFORE_SHAPES) == shape


def config(doc, source, backend, conc, cache, files, size, shape=None):
    """One configuration (of the shape shape_filter() picks)."""
    of_shape = shape_filter(doc, shape)
    found = [c for c in doc.get("configs", [])
             if c.get("backend") == backend and of_shape(c)
             and int(c.get("concurrency", 0)) == int(conc)
             and c.get("cache") == cache
             and int(c.get("files", 0)) == int(files)
             and int(c.get("file_size", 0)) == int(size)]
    if len(found) != 1:
        raise BadInput("%s: %d configurations %s/c%s %s %s files %s bytes"
                       " %s shape" % (source, len(found), backend, conc,
                                      cache, files, size, shape or "any"))
    return found[0]


def rows_of(attrs):
    out = []
    for r in need(attrs, "rows")[0].split(","):
        backend, _, conc = r.partition("/")
        out.append((backend, int(conc or 1)))
    return out


def size_name(n):
    n = int(n)
    return "%d KiB" % (n // 1024) if n % 1024 == 0 else "%d B" % n


def median_ci(c):
    """'6512 [6494-6521]' and the CI's level."""
    st = c.get("ns_per_file") or {}
    m = st.get("median")
    if m is None:
        return "-", None
    lo, hi = st.get("ci_lo"), st.get("ci_hi")
    if lo is None or hi is None:
        return "%.0f" % m, None
    return "%.0f [%.0f-%.0f]" % (m, lo, hi), st.get("ci_level")


def ratio(c):
    v = c.get("speedup_vs_sync")
    return "-" if v is None else "%.2fx" % v


def level_note(levels):
    """The header's words for the CIs' level(s), labelled as the harness
    labels them (rounded down: nothing under 95% reads as 95%)."""
    levels = [x for x in levels if x is not None]
    if not levels:
        return "median ns/file"
    return "median ns/file [%s]" % ci_label(levels)


def render_rows(head, align, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def median_rows(attrs, source, files, columns):
    """Per rows= entry: the median with its CI and the ratio to the loop
    for each (cache, size) column; and the header's words for the CIs."""
    doc = run(source)
    rows, levels = [], []
    for backend, conc in rows_of(attrs):
        row = [backend, str(conc)]
        for cache, size in columns:
            c = config(doc, source, backend, conc, cache, files, size,
                       attrs.get("shape"))
            text, level = median_ci(c)
            levels.append(level)
            row += [text, ratio(c)]
        rows.append(row)
    return rows, level_note(levels)


def table_cache(attrs):
    source, files, size = need(attrs, "source", "files", "size")
    rows, what = median_rows(attrs, source, files,
                             [("hot", size), ("cold", size)])
    return render_rows(["backend", "in flight", "hot, " + what, "vs sync",
                        "cold, " + what, "vs sync"],
                       ["---", "---:", "---:", "---:", "---:", "---:"],
                       rows)


def table_sizes(attrs):
    source, files, cache, sizes = need(attrs, "source", "files", "cache",
                                       "sizes")
    sizes = sizes.split(",")
    rows, what = median_rows(attrs, source, files,
                             [(cache, size) for size in sizes])
    head = ["backend", "in flight"]
    for size in sizes:
        head += ["%s, %s" % (size_name(size), what), "vs sync"]
    return render_rows(head, ["---", "---:"] + ["---:", "---:"] * len(sizes),
                       rows)


def table_amortization(attrs):
    source, files = need(attrs, "source", "files")
    doc = run(source)
    null = doc["null_syscall_ns"]["median"]
    of_shape = shape_filter(doc, attrs.get("shape"))
    by_size = {}
    for c in doc.get("configs", []):
        if (c.get("cache") == "hot" and int(c.get("concurrency", 0)) == 1
                and int(c.get("files", 0)) == int(files) and of_shape(c)):
            by_size.setdefault(int(c["file_size"]), {})[c["backend"]] = c
    rows = []
    for size in sorted(by_size):
        by = by_size[size]
        if not all(b in by for b in (SYNC, "atoms-kernel", "clets-kernel")):
            continue
        sync = by[SYNC]
        calls = sync["syscalls_per_file"]
        buf = int(sync.get("buf_size") or 0)
        row = [size_name(size), "%g" % (size / buf) if buf else "-",
               "%g" % calls]
        for b in ("atoms-kernel", "clets-kernel"):
            gap = by[b]["ns_per_file"]["median"] - \
                sync["ns_per_file"]["median"]
            row.append("%+.0f (%+.2f)" % (gap, gap / calls / null))
        rows.append(row)
    if not rows:
        raise BadInput("%s: no hot one-in-flight sweep with %s, atoms-kernel"
                       " and clets-kernel" % (source, SYNC))
    return render_rows(["file size", "buffers per file", "syscalls of "
                        "baseline_sync", "atoms-kernel excess ns/file (per "
                        "syscall, null syscalls)", "clets-kernel excess "
                        "ns/file (per syscall, null syscalls)"],
                       ["---:"] * 5, rows)


def table_gap_model(attrs):
    source, files, size = need(attrs, "source", "files", "size")
    doc = run(source)
    micro = (doc.get("null_atom_ns") or {}).get("atoms-kernel")
    if not micro:
        raise BadInput("%s: no null-atom calibration of atoms-kernel"
                       % source)
    null = doc["null_syscall_ns"]["median"]
    sync = config(doc, source, SYNC, 1, "hot", files, size,
                  attrs.get("shape"))
    kern = config(doc, source, "atoms-kernel", 1, "hot", files, size,
                  attrs.get("shape"))
    chains = kern["syscalls_per_file"]
    atoms = kern["atoms_per_file"]
    calls = sync["syscalls_per_file"]
    fixed, marginal = micro["chain_fixed_ns"], micro["marginal_ns"]
    predicted = chains * fixed + atoms * marginal - calls * null
    measured = kern["ns_per_file"]["median"] - sync["ns_per_file"]["median"]
    rows = [
        ["chains x fixed cost (one crossing included)",
         "%g x %.0f" % (chains, fixed), "%+.0f" % (chains * fixed)],
        ["atoms x cost of a getppid atom", "%g x %.0f" % (atoms, marginal),
         "%+.0f" % (atoms * marginal)],
        ["system calls of baseline_sync x null syscall",
         "%g x %.1f" % (calls, null), "%+.0f" % (-calls * null)],
        ["**predicted** atoms-kernel - baseline_sync", "",
         "**%+.0f**" % predicted],
        ["**measured** (medians)", "%.0f - %.0f" % (
            kern["ns_per_file"]["median"], sync["ns_per_file"]["median"]),
         "**%+.0f**" % measured],
        ["unexplained (measured - predicted)", "%.0f%% of the measured gap"
         % (100 * (measured - predicted) / measured) if measured else "-",
         "%+.0f" % (measured - predicted)],
    ]
    return render_rows(["term", "how", "ns per file"],
                       ["---", "---:", "---:"], rows)


TABLES = {"cache": table_cache, "sizes": table_sizes,
          "amortization": table_amortization, "gap-model": table_gap_model}


def lookup(doc, source, path):
    """The value at a fig's key path."""
    v = doc
    for part in re.findall(r"\w+\[[^\]]*\]|[^.]+", path):
        m = re.fullmatch(r"(configs|gap|excess|per_call)\[([^\]]*)\]",
                         part)
        if m:
            keys = m.group(2).split("/")
            if len(keys) not in (5, 6):
                raise BadInput("%s: want backend/concurrency/cache/files/"
                               "size[/shape] in the brackets" % part)
            v = config(doc, source, *keys)
            if m.group(1) != "configs":
                sync = config(doc, source, SYNC, 1, *keys[2:])
                v = v["ns_per_file"]["median"] - \
                    sync["ns_per_file"]["median"]
                if m.group(1) != "gap":
                    v /= doc["null_syscall_ns"]["median"]
                if m.group(1) == "per_call":
                    v /= sync["syscalls_per_file"]
        elif isinstance(v, dict) and part in v:
            v = v[part]
        else:
            raise BadInput("%s: no %s in %s" % (source, part, path))
    return v


def fig(attrs):
    source, path = need(attrs, "source", "key")
    v = lookup(run(source), source, path)
    try:
        return attrs.get("fmt", "{}").format(v)
    except (ValueError, IndexError) as e:
        raise BadInput("fmt %r: %s" % (attrs.get("fmt"), e))


def mask_code(text):
    """The text with code (fenced, or indented by four spaces) replaced by
    placeholders, so that markers quoted as examples stay as they are; and
    the code lines to put back."""
    lines, code, fenced = [], [], False
    for line in text.splitlines(True):
        fence = line.startswith("```")
        if fenced or fence or line.startswith(("    ", "\t")):
            lines.append("\0%d\0\n" % len(code))
            code.append(line)
            if fence:
                fenced = not fenced
        else:
            lines.append(line)
    return "".join(lines), code


def unmask_code(text, code):
    return re.sub(r"\0(\d+)\0\n", lambda m: code[int(m.group(1))], text)


def render(text):
    """The text with every block rendered afresh."""
    text, code = mask_code(text)
    def one_table(m):
        kind = m.group("kind")
        if kind not in TABLES:
            raise BadInput("unknown table kind %r" % kind)
        body = TABLES[kind](attributes(m.group("attrs")))
        return m.group(1) + body + m.group(5)

    def one_fig(m):
        return m.group(1) + fig(attributes(m.group("attrs"))) + m.group(4)

    out = TABLE.sub(one_table, text)
    out = FIG.sub(one_fig, out)
    found = len(TABLE.findall(text)) + len(FIG.findall(text))
    if found != len(OPEN.findall(text)):
        raise BadInput("a table or fig marker is not closed")
    return unmask_code(out, code), found


LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def dead_links(path, text):
    """Local files the text links to (charts, other docs) that do not
    exist: a chart renamed by a new run (e.g. its accel) shows here."""
    text, _ = mask_code(text)
    base = os.path.dirname(os.path.abspath(path))
    return [t for t in LINK.findall(text)
            if "://" not in t and not t.startswith("mailto:")
            and not os.path.exists(os.path.join(base, t))]


def default_files():
    return ([os.path.join(TOP, "README.md")] +
            sorted(glob.glob(os.path.join(TOP, "docs", "*.md"))) +
            [os.path.join(TOP, "kernel", "README.md")])


def main():
    ap = argparse.ArgumentParser(
        description="Render the READMEs' tables and figures from runs.")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="print what differs, exit 1 (the default)")
    mode.add_argument("--write", action="store_true",
                      help="rewrite the generated blocks in place")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    differ, blocks, dead = 0, 0, 0
    for path in args.files or default_files():
        try:
            with open(path) as f:
                text = f.read()
            new, found = render(text)
        except OSError as e:
            print("check_readme: %s" % e, file=sys.stderr)
            return 2
        except (BadInput, KeyError, TypeError, ZeroDivisionError) as e:
            print("check_readme: %s: %s" % (path, e), file=sys.stderr)
            return 2
        blocks += found
        for target in dead_links(path, new):
            print("%s: links to %s, which does not exist"
                  % (os.path.relpath(path, TOP), target))
            dead += 1
        if new == text:
            continue
        if args.write:
            with open(path + ".tmp", "w") as f:
                f.write(new)
            os.replace(path + ".tmp", path)
            print("rewrote %s" % os.path.relpath(path, TOP))
        else:
            differ += 1
            sys.stdout.writelines(difflib.unified_diff(
                text.splitlines(True), new.splitlines(True),
                path + " (as written)", path + " (from the runs)"))
    if differ:
        print("check_readme: %d file(s) differ from the runs they quote; "
              "tests/check_readme.py --write renders them" % differ)
    if dead:
        print("check_readme: %d link(s) to missing files" % dead)
    if differ or dead:
        return 1
    print("check_readme: %d generated block(s) agree with their runs"
          % blocks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
