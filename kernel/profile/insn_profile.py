# SPDX-License-Identifier: MIT
"""gdb script for kernel/profile/insn-profile.sh: attach to QEMU's gdbstub,
stop at the guest's first getppid marker, then single-step the guest and
count executed instructions per kernel function (System.map) up to each
next marker.  Prints, per function, one column per profiled variant (by
default the synchronous system calls, the atom chain and the clet) and
the differences of the others from the first.  QEMU single-steps with
interrupts and timers masked, so the counts are those of the code itself;
a rep-prefixed instruction counts once per iteration, as under -icount.

Environment: PROFILE_SYSTEM_MAP (required), PROFILE_OUT (report path),
PROFILE_USER_MAP (optional: `nm` of the guest program, so that user space
is split by function too), PROFILE_LABELS (the variants' names,
comma-separated: one segment each), PROFILE_PAIRED=1 (two segments per
variant, one file and then two files: the variant's column is their
difference, the cost of one more file), PROFILE_ALL=1 (every function,
not only those whose counts differ between the variants)."""
import bisect
import collections
import os

import gdb

USER_TOP = 0x800000000000
LABELS = os.environ.get("PROFILE_LABELS", "syscalls,chain,clet").split(",")
if len(LABELS) < 2:
    raise gdb.GdbError("PROFILE_LABELS: a reference and at least one more")
PAIRED = os.environ.get("PROFILE_PAIRED") == "1"
ALL = os.environ.get("PROFILE_ALL") == "1"


def load_symbols(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] in "tTwW":
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def main():
    addrs, names = load_symbols(os.environ["PROFILE_SYSTEM_MAP"])
    uaddrs, unames = ([], [])
    if os.environ.get("PROFILE_USER_MAP"):
        uaddrs, unames = load_symbols(os.environ["PROFILE_USER_MAP"])

    def where(pc):
        if pc < USER_TOP:
            i = bisect.bisect_right(uaddrs, pc) - 1
            return "user: " + (unames[i] if i >= 0 else "?")
        i = bisect.bisect_right(addrs, pc) - 1
        return names[i] if i >= 0 else "?"

    gdb.execute("set pagination off")
    gdb.execute("target remote " + os.environ.get("PROFILE_GDB", ":1234"))
    gdb.execute("hbreak __x64_sys_getppid")
    gdb.execute("continue")
    gdb.execute("delete")
    marker = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
    segments = []
    for _ in range(len(LABELS) * (2 if PAIRED else 1)):
        counts = collections.Counter()
        while True:
            gdb.execute("stepi", to_string=True)
            pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
            if pc == marker:
                break
            counts[where(pc)] += 1
        segments.append(counts)
    if PAIRED:
        # Not Counter's "-": it drops what the two-file run did less of.
        segments = [collections.Counter({k: two[k] - one[k]
                                         for k in set(one) | set(two)})
                    for one, two in zip(segments[0::2], segments[1::2])]
    ref = segments[0]
    total = [sum(c.values()) for c in segments]
    width = [max(8, len(name)) for name in LABELS]
    out = ["instructions: %s %d, " % (LABELS[0], total[0]) +
           ", ".join("%s %d (%+d)" % (name, t, t - total[0])
                     for name, t in zip(LABELS[1:], total[1:])),
           "",
           " ".join("%*s" % (w, name) +
                    ("" if i == 0 else " %8s" % "diff")
                    for i, (w, name) in enumerate(zip(width, LABELS)))
           + "  function"]
    keys = sorted(set().union(*segments),
                  key=lambda k: (-max(abs(c[k] - ref[k])
                                      for c in segments[1:]), k))
    for k in keys:
        if ALL or any(c[k] != ref[k] for c in segments[1:]):
            out.append(" ".join("%*d" % (w, c[k]) +
                                ("" if i == 0 else " %+8d" % (c[k] - ref[k]))
                                for i, (w, c) in enumerate(zip(width,
                                                               segments)))
                       + "  " + k)
    with open(os.environ["PROFILE_OUT"], "w") as f:
        f.write("\n".join(out) + "\n")
    # Let the guest finish: it prints its verdict, then powers off.
    gdb.execute("detach")


main()
