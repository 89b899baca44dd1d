# SPDX-License-Identifier: MIT
"""gdb script for kernel/profile/insn-profile.sh: attach to QEMU's gdbstub,
stop at the guest's first getppid marker, then single-step the guest and
count executed instructions per kernel function (System.map) up to each
next marker.  Prints, per function, segment 0 (the synchronous system
calls), segment 1 (the atom chain) and segment 2 (the clet), and the
differences of the chain and the clet from the system calls.  QEMU single-steps
with interrupts and timers masked, so the counts are those of the code
itself; a rep-prefixed instruction counts once per iteration, as under
-icount.

Environment: PROFILE_SYSTEM_MAP (required), PROFILE_OUT (report path),
PROFILE_USER_MAP (optional: `nm` of the guest program, so that user space
is split by function too)."""
import bisect
import collections
import os

import gdb

USER_TOP = 0x800000000000
SEGMENTS = 3


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
    for _ in range(SEGMENTS):
        counts = collections.Counter()
        while True:
            gdb.execute("stepi", to_string=True)
            pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
            if pc == marker:
                break
            counts[where(pc)] += 1
        segments.append(counts)
    sync = segments[0]
    total = [sum(c.values()) for c in segments]
    out = ["instructions: system calls %d, atom chain %d (%+d), clet %d (%+d)"
           % (total[0], total[1], total[1] - total[0], total[2],
              total[2] - total[0]),
           "",
           "%8s %8s %8s %8s %8s  %s" % ("syscalls", "chain", "diff", "clet",
                                        "diff", "function")]
    keys = sorted(set().union(*segments),
                  key=lambda k: (-max(abs(c[k] - sync[k])
                                      for c in segments[1:]), k))
    for k in keys:
        if any(c[k] != sync[k] for c in segments[1:]):
            out.append("%8d %8d %+8d %8d %+8d  %s"
                       % (sync[k], segments[1][k], segments[1][k] - sync[k],
                          segments[2][k], segments[2][k] - sync[k], k))
    with open(os.environ["PROFILE_OUT"], "w") as f:
        f.write("\n".join(out) + "\n")
    gdb.execute("kill")


main()
