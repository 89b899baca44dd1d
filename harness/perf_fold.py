#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fold one backend's `perf script` output into flame-graph stacks and a
table of its hottest functions, user and kernel apart.

    harness/perf_fold.py SCRIPT_TXT ROOT_PID BACKEND OUT_PREFIX [TOP]

SCRIPT_TXT is `perf script -F comm,pid,tid,event,ip,sym,dso` of a
`perf record -g` of `sysletbench run -b BACKEND`, ROOT_PID that process's
pid. Only the samples of its worker processes count (every pid but
ROOT_PID with ROOT_PID's command name): the parent only calibrates and
creates files. Writes OUT_PREFIX.folded (one line per distinct stack,
"BACKEND;outermost;...;leaf COUNT", kernel frames marked _[k], the format
flamegraph.pl and inferno-flamegraph read), OUT_PREFIX.md (the tables) and
OUT_PREFIX.json (the same figures). Standard library only; exit 2 on bad
input, 1 when the worker has no samples.
"""
import collections
import json
import re
import sys

HEADER = re.compile(r"^(\S.*?)\s+(\d+)/(\d+)\s+(\S+?):?\s*$")
FRAME = re.compile(r"^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")
KERNEL_START = 0xffff800000000000


def is_kernel(addr, dso):
    return dso.startswith("[kernel") or addr >= KERNEL_START


def frame_name(sym, dso):
    """The symbol, else the object it is in, else [unknown]."""
    if sym and sym != "[unknown]":
        return sym
    if dso and dso != "[unknown]":
        return "[%s]" % dso.rsplit("/", 1)[-1].strip("[]")
    return "[unknown]"


def parse(lines):
    """Yields (comm, pid, event, frames leaf first as (addr, sym, dso))."""
    head, frames = None, []
    for line in lines:
        if not line.strip():
            if head:
                yield head + (frames,)
            head, frames = None, []
            continue
        m = FRAME.match(line)
        if m and head:
            frames.append((int(m.group(1), 16), m.group(2), m.group(3)))
            continue
        m = HEADER.match(line)
        if m:
            if head:
                yield head + (frames,)
            head, frames = (m.group(1), int(m.group(2)), m.group(4)), []
    if head:
        yield head + (frames,)


def main():
    if len(sys.argv) not in (5, 6):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    script, backend, prefix = sys.argv[1], sys.argv[3], sys.argv[4]
    try:
        root = int(sys.argv[2])
        top = int(sys.argv[5]) if len(sys.argv) == 6 else 15
        with open(script, errors="replace") as f:
            samples = list(parse(f))
    except (OSError, ValueError) as e:
        sys.stderr.write("perf_fold: %s\n" % e)
        return 2
    # The harness's name: the root's last (before its exec, the root was
    # the shell that wrote its pid).
    root_comms = [c for c, p, _, _ in samples if p == root]
    root_comm = root_comms[-1] if root_comms else None
    folded = collections.Counter()
    self_time = {"user": collections.Counter(),
                 "kernel": collections.Counter()}
    events = collections.Counter()
    worker = 0
    kernel_unresolved = 0
    for comm, pid, event, frames in samples:
        if pid == root or comm != root_comm or not frames:
            continue
        worker += 1
        events[event] += 1
        addr, sym, dso = frames[0]
        side = "kernel" if is_kernel(addr, dso) else "user"
        leaf = frame_name(sym, dso)
        if side == "kernel" and (not sym or sym == "[unknown]"):
            kernel_unresolved += 1
        self_time[side][(leaf, dso.rsplit("/", 1)[-1])] += 1
        names = []
        for a, s, d in reversed(frames):
            name = frame_name(s, d).replace(";", ":").replace(" ", "_")
            names.append(name + ("_[k]" if is_kernel(a, d) else ""))
        folded[";".join([backend] + names)] += 1
    if not worker:
        sys.stderr.write("perf_fold: no sample of %s's worker in %s (root "
                         "pid %d, %d samples in all)\n"
                         % (backend, script, root, len(samples)))
        return 1
    with open(prefix + ".folded", "w") as f:
        for stack in sorted(folded):
            f.write("%s %d\n" % (stack, folded[stack]))
    summary = {
        "backend": backend, "samples": worker,
        "samples_all_processes": len(samples),
        "events": dict(events),
        "kernel_unresolved_leaves": kernel_unresolved,
    }
    for side in ("user", "kernel"):
        summary[side + "_samples"] = sum(self_time[side].values())
        summary[side] = [{"function": fn, "object": obj, "samples": n,
                          "percent": round(100.0 * n / worker, 2)}
                         for (fn, obj), n in
                         self_time[side].most_common(top)]
    with open(prefix + ".json", "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    with open(prefix + ".md", "w") as f:
        f.write("### %s\n\n%d samples in the worker (%s), %.1f%% user, "
                "%.1f%% kernel; flame-graph stacks: %s.folded\n\n" % (
                    backend, worker, ", ".join(sorted(events)),
                    100.0 * summary["user_samples"] / worker,
                    100.0 * summary["kernel_samples"] / worker,
                    prefix.rsplit("/", 1)[-1]))
        for side in ("user", "kernel"):
            f.write("| %s: function (self) | object | samples | %% |\n"
                    "|---|---|---:|---:|\n" % side)
            for row in summary[side]:
                f.write("| %s | %s | %d | %.1f |\n" % (
                    row["function"], row["object"], row["samples"],
                    row["percent"]))
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
